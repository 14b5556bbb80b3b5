"""What an administrator does to accounts (create, disable, enable, reset a password, move to
another team or desk), each change written to the audit in the same transaction."""

import re

from sqlalchemy import select

from fieldapp.auth.session import disable_user, end_all_sessions
from fieldapp.extensions import db
from fieldapp.models import DESKS, ROLES, AdminAudit, Company, Team, User, utcnow
from fieldapp.rules.text import N_
from fieldapp.services.org import DEFAULT_DESK, TEAM_ROLES

USERNAME = re.compile(r"^[a-z0-9._-]{2,80}$")
MIN_PASSWORD = 8
AUDIT_LIMIT = 200

BAD_USERNAME = N_("Tên đăng nhập gồm 2–80 ký tự a-z, 0-9, dấu chấm, gạch ngang, gạch dưới.")
TAKEN_USERNAME = N_("Tên đăng nhập này đã có người dùng.")
NO_NAME = N_("Hãy nhập họ tên.")
SHORT_PASSWORD = N_("Mật khẩu cần ít nhất 8 ký tự.")
BAD_ROLE = N_("Hãy chọn vai trò.")
NEEDS_TEAM = N_("Vai trò này cần một đội.")
NEEDS_COMPANY = N_("Vai trò này cần một công ty điện lực.")
BAD_DESK = N_("Hãy chọn bộ phận trực vận hành hoặc kinh doanh.")
SELF = N_("Bạn không thể khóa tài khoản của chính mình.")


class AccountError(ValueError):
    """The form's bad fields, {field: msgid}; nothing was changed."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(", ".join(errors))
        self.errors = errors


def _placement(role: str, team_code: str, company_code: str, desk: str) -> tuple[dict, dict]:
    """Where an account of the role sits: ({team, company, desk}, errors)."""
    errors: dict = {}
    place: dict = {"team": None, "company": None, "desk": None}
    if role in TEAM_ROLES:
        place["team"] = _by_code(Team, team_code)
        if place["team"] is None:
            errors["team"] = NEEDS_TEAM
        if role in DEFAULT_DESK:
            place["desk"] = desk or DEFAULT_DESK[role]
            if place["desk"] not in DESKS:
                errors["desk"] = BAD_DESK
    elif role == "company":
        place["company"] = _by_code(Company, company_code)
        if place["company"] is None:
            errors["company"] = NEEDS_COMPANY
    return place, errors


def _by_code(model, code: str):
    if not code:
        return None
    return db.session.execute(select(model).where(model.code == code)).scalar_one_or_none()


def create_account(actor: User, form) -> User:
    """A new account from the admin's form; AccountError names the bad fields."""
    username = form.get("username", "").strip().lower()
    name, role = form.get("name", "").strip(), form.get("role", "")
    password = form.get("password", "")
    errors = {}
    if not USERNAME.match(username):
        errors["username"] = BAD_USERNAME
    elif db.session.execute(select(User.id).where(User.username == username)).first():
        errors["username"] = TAKEN_USERNAME
    if not name or len(name) > 200:
        errors["name"] = NO_NAME
    if len(password) < MIN_PASSWORD:
        errors["password"] = SHORT_PASSWORD
    if role not in ROLES:
        errors["role"] = BAD_ROLE
    place, bad_place = _placement(
        role, form.get("team", ""), form.get("company", ""), form.get("desk", "")
    )
    errors.update(bad_place)
    if errors:
        raise AccountError(errors)
    user = User(
        username=username,
        name=name,
        role=role,
        desk=place["desk"],
        team=place["team"],
        company=place["company"],
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    _audit(actor, user, "created", {"role": [None, role], **_where(user, None)})
    db.session.commit()
    return user


def set_active(actor: User, user: User, active: bool) -> None:
    """Disable (signed out everywhere at once) or enable an account."""
    if not active and user.id == actor.id:
        raise AccountError({"active": SELF})
    if user.active == active:
        return
    if active:
        user.active = True
    else:
        disable_user(user)
    _audit(actor, user, "enabled" if active else "disabled", {"active": [not active, active]})
    db.session.commit()


def reset_password(actor: User, user: User, password: str) -> None:
    """A new password chosen by the admin; the user's sessions end, so the old one is done."""
    if len(password or "") < MIN_PASSWORD:
        raise AccountError({"password": SHORT_PASSWORD})
    user.set_password(password)
    end_all_sessions(user)
    _audit(actor, user, "password_reset", {})
    db.session.commit()


def move(actor: User, user: User, team_code: str, desk: str) -> None:
    """Another team and / or desk for a team member's account."""
    if user.role not in TEAM_ROLES:
        raise AccountError({"team": NEEDS_TEAM})
    place, errors = _placement(user.role, team_code, "", desk)
    if errors:
        raise AccountError(errors)
    before = {"team": user.team, "desk": user.desk}
    user.team, user.desk = place["team"], place["desk"]
    changes = _where(user, before)
    if changes:
        _audit(actor, user, "moved", changes)
    db.session.commit()


def _where(user: User, before: dict | None) -> dict:
    """{field: [before, after]} of the team and desk that differ (codes, not rows)."""
    before = before or {"team": None, "desk": None}
    now = {"team": user.team.code if user.team else None, "desk": user.desk}
    was = {"team": before["team"].code if before["team"] else None, "desk": before["desk"]}
    if user.company is not None:
        now["company"], was["company"] = user.company.code, None
    return {k: [was.get(k), v] for k, v in now.items() if was.get(k) != v}


def _audit(actor: User, user: User, action: str, changes: dict) -> None:
    db.session.add(
        AdminAudit(at=utcnow(), actor_id=actor.id, user_id=user.id, action=action, changes=changes)
    )


def accounts() -> list[User]:
    """Every account, by team then name (admins and company staff first)."""
    query = (
        select(User)
        .outerjoin(Team, User.team_id == Team.id)
        .order_by(Team.code.nulls_first(), User.role, User.name)
    )
    return list(db.session.execute(query).scalars())


def audit_trail(user_id: int | None = None) -> list[AdminAudit]:
    """The latest changes, newest first; of one account when given."""
    query = select(AdminAudit).order_by(AdminAudit.at.desc(), AdminAudit.id.desc())
    if user_id is not None:
        query = query.where(AdminAudit.user_id == user_id)
    return list(db.session.execute(query.limit(AUDIT_LIMIT)).scalars())
