"""`flask users disable|enable|sign-out USERNAME`: what an administrator does to an account."""

import click
from flask.cli import AppGroup

from fieldapp.auth.session import disable_user, end_all_sessions
from fieldapp.extensions import db
from fieldapp.models import User

users_cli = AppGroup("users", help="Disable, enable or sign out a user.")


def _user(username: str) -> User:
    user = db.session.execute(db.select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    return user


@users_cli.command("disable")
@click.argument("username")
def disable(username: str) -> None:
    """The user can no longer sign in; their open sessions end now."""
    disable_user(_user(username))
    db.session.commit()
    click.echo(f"{username}: disabled, signed out everywhere")


@users_cli.command("enable")
@click.argument("username")
def enable(username: str) -> None:
    """The user may sign in again."""
    _user(username).active = True
    db.session.commit()
    click.echo(f"{username}: enabled")


@users_cli.command("sign-out")
@click.argument("username")
def sign_out(username: str) -> None:
    """End every session of the user (a lost phone)."""
    end_all_sessions(_user(username))
    db.session.commit()
    click.echo(f"{username}: signed out everywhere")
