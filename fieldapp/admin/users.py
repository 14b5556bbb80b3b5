"""/admin/users: accounts (create, disable or enable, reset a password, move), and
/admin/audit: every such change."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from fieldapp.admin import bp
from fieldapp.admin.routes import admin_only
from fieldapp.extensions import db
from fieldapp.labels import label
from fieldapp.models import DESKS, ROLES, Company, Team, User
from fieldapp.services import accounts
from fieldapp.services.accounts import AccountError


@bp.get("/users")
@admin_only
def users():
    """Every account, and the form for a new one."""
    return _users_page({}, {})


@bp.post("/users")
@admin_only
def create_user():
    """A new account; the form again, with what is wrong, when it cannot be made."""
    try:
        user = accounts.create_account(current_user, request.form)
    except AccountError as err:
        db.session.rollback()
        return _users_page(request.form.to_dict(), err.errors, 422)
    flash(_("Đã tạo tài khoản %(username)s.", username=user.username))
    return redirect(url_for("admin.user", user_id=user.id), 303)


@bp.get("/users/<int:user_id>")
@admin_only
def user(user_id: int):
    """One account: its state, what may be changed, and its audit."""
    return _user_page(_account(user_id), {})


@bp.post("/users/<int:user_id>/<change>")
@admin_only
def change_user(user_id: int, change: str):
    """Disable, enable, reset the password of, or move one account."""
    target = _account(user_id)
    form = request.form
    changes = {
        "disable": lambda: accounts.set_active(current_user, target, False),
        "enable": lambda: accounts.set_active(current_user, target, True),
        "password": lambda: accounts.reset_password(current_user, target, form.get("password", "")),
        "move": lambda: accounts.move(
            current_user, target, form.get("team", ""), form.get("desk", "")
        ),
    }
    if change not in changes:
        abort(404)
    try:
        changes[change]()
    except AccountError as err:
        db.session.rollback()
        return _user_page(target, err.errors, 422)
    flash(_("Đã lưu thay đổi của tài khoản %(username)s.", username=target.username))
    return redirect(url_for("admin.user", user_id=target.id), 303)


@bp.get("/audit")
@admin_only
def audit():
    """The latest changes administrators made to accounts."""
    return render_template("admin/audit.html", entries=accounts.audit_trail())


@bp.app_template_global()
def account_value(field: str, value) -> str:
    """An audited value as people read it: a team's or company's name, a role's, a desk's."""
    if value is None:
        return "—"
    if field in ("team", "company"):
        model: type[Team] | type[Company] = Team if field == "team" else Company
        name = db.session.execute(select(model.name).where(model.code == value)).scalar()
        return name or value
    if field == "active":
        return _("Có") if value else _("Không")
    return label(field, value)


def _account(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


def _choices() -> dict:
    return {
        "roles": ROLES,
        "desks": DESKS,
        "teams": list(db.session.execute(select(Team).order_by(Team.code)).scalars()),
        "companies": list(db.session.execute(select(Company).order_by(Company.code)).scalars()),
    }


def _users_page(values: dict, errors: dict, status: int = 200):
    return render_template(
        "admin/users.html", users=accounts.accounts(), values=values, errors=errors, **_choices()
    ), status


def _user_page(target: User, errors: dict, status: int = 200):
    return render_template(
        "admin/user.html",
        target=target,
        errors=errors,
        entries=accounts.audit_trail(target.id),
        **_choices(),
    ), status
