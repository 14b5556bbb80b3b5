"""Signing in: Flask-Login wiring shared by the pages and the JSON API, and the sign-in pages."""

from flask import Blueprint, Flask

from fieldapp.auth import throttle
from fieldapp.auth.cookie import SessionCookie
from fieldapp.auth.session import enforce_expiry, load_user, unauthorized
from fieldapp.extensions import login_manager

bp = Blueprint("auth", __name__)


def init_app(app: Flask) -> None:
    """Tell Flask-Login how to find users and what to answer the signed-out; expire idle and
    old sessions; limit failed sign-ins; `flask users ...` on the command line."""
    from fieldapp.auth.cli import users_cli

    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(unauthorized)
    login_manager.session_protection = "basic"
    app.session_interface = SessionCookie()
    app.before_request(enforce_expiry)
    throttle.init_app(app)
    app.cli.add_command(users_cli)


from fieldapp.auth import routes  # noqa: E402,F401
