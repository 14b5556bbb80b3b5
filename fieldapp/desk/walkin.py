"""A walk-in request typed at the counter, turned into the intake the CRM would have sent."""

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from fieldapp.api.schemas import IntakeSchema
from fieldapp.extensions import db
from fieldapp.models import Ticket, User, utcnow
from fieldapp.rules import counter
from fieldapp.services.intake import receive

CUSTOMER_FIELDS = ("code", "name", "phone", "address")
# The CRM's channel list has no counter: the intake is checked as "other", stored as counter.
SCHEMA_CHANNEL = "other"
FIELD_LABELS = {
    "type": _l("loại yêu cầu"),
    "customer_name": _l("tên khách hàng"),
    "customer_code": _l("mã khách hàng"),
    "customer_phone": _l("số điện thoại"),
    "customer_address": _l("địa chỉ"),
    "birth_year": _l("năm sinh"),
    "sex": _l("giới tính"),
    "content": _l("nội dung yêu cầu"),
    "walkin_id": _l("mã phiếu (hãy gửi lại biểu mẫu)"),
}


INTAKE = IntakeSchema()  # built once: a schema holds no per-request state


def unused_code() -> str:
    """A walk-in code no ticket has yet: the form carries it, so a second submit of the same
    form finds the ticket the first one made."""
    while True:
        code = counter.new_code()
        taken = db.session.execute(select(Ticket.id).where(Ticket.crm_id == code)).first()
        if taken is None:
            return code


def form_code(claimed: str | None) -> str:
    """The form's code when it has the right shape, else a new one."""
    claimed = (claimed or "").strip().upper()
    return claimed if counter.is_code(claimed) else unused_code()


def intake_from_form(form: MultiDict, user: User, now) -> dict:
    """The intake body of a walk-in form, before validation."""
    customer = {name: form.get(f"customer_{name}", "").strip() or None for name in CUSTOMER_FIELDS}
    customer["name"] = customer["name"] or ""
    customer["address"] = customer["address"] or ""
    birth_year = form.get("birth_year", "").strip()
    if birth_year:
        customer["birth_year"] = int(birth_year) if birth_year.isdigit() else birth_year
    if form.get("sex") in ("M", "F"):
        customer["sex"] = form["sex"]
    customer["important"] = bool(form.get("important"))
    customer["difficult"] = bool(form.get("difficult"))
    return {
        "crm_id": form_code(form.get("walkin_id")),
        "type": form.get("type", ""),
        "received_at": now.isoformat(),
        "team": _team_code(user),
        "channel": SCHEMA_CHANNEL,
        "content": form.get("content", "").strip(),
        "customer": customer,
    }


def create_walkin(form: MultiDict, user: User) -> tuple[Ticket | None, dict]:
    """Create the ticket (once per form) or name the bad fields: (ticket, {}) or (None, errors)."""
    now = utcnow()
    try:
        data = INTAKE.load(intake_from_form(form, user, now))
    except ValidationError as err:
        return None, _flat(err.messages_dict)
    if not data["content"].strip():
        return None, {"content": True}
    data["channel"] = counter.COUNTER
    ticket, created = receive(data, now=now, user=user, origin=counter.COUNTER)
    if not created and not _same_walkin(ticket, user):
        return None, {"walkin_id": True}  # a code claimed by a form that did not make it
    return ticket, {}


def _same_walkin(ticket: Ticket, user: User) -> bool:
    """The ticket a first submit of this form made: a walk-in of the user's team."""
    return ticket.origin == counter.COUNTER and ticket.team_id == user.team_id


def _flat(messages: dict) -> dict:
    """Form field names of the schema's errors (customer.name → customer_name)."""
    errors = {}
    for key, value in messages.items():
        if key == "customer" and isinstance(value, dict):
            errors.update({f"customer_{k}" if k in CUSTOMER_FIELDS else k: True for k in value})
        else:
            errors[key] = True
    return errors


def error_labels(errors: dict) -> str:
    """The bad fields of the walk-in form, named for the user."""
    return ", ".join(str(FIELD_LABELS.get(name, name)) for name in errors)


def _team_code(user: User) -> str:
    assert user.team is not None  # the counter is a team's (desk.routes)
    return user.team.code
