"""A walk-in request typed at the counter, turned into the intake the CRM would have sent."""

import re
import uuid

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from fieldapp.api.schemas import IntakeSchema
from fieldapp.i18n import to_local
from fieldapp.models import Ticket, User, utcnow
from fieldapp.services.intake import receive

CUSTOMER_FIELDS = ("code", "name", "phone", "address")
WALKIN_CHANNEL = "other"  # the CRM's channel list has no counter: it counts as "other"
FIELD_LABELS = {
    "type": _l("loại yêu cầu"), "customer_name": _l("tên khách hàng"),
    "customer_code": _l("mã khách hàng"), "customer_phone": _l("số điện thoại"),
    "customer_address": _l("địa chỉ"), "birth_year": _l("năm sinh"), "sex": _l("giới tính"),
    "content": _l("nội dung yêu cầu"),
}


INTAKE = IntakeSchema()  # built once: a schema holds no per-request state

def crm_id_for(user: User, token: str, now) -> str:
    """QAY-<team>-<yyyymmdd>-<token>: the same form token always gives the same id."""
    day = to_local(now).strftime("%Y%m%d")
    safe = re.sub(r"[^A-Za-z0-9]", "", token)[:12] or uuid.uuid4().hex[:12]
    return f"QAY-{user.team.code}-{day}-{safe}"


def intake_from_form(form: MultiDict, user: User, now) -> dict:
    """The intake body of a walk-in form, before validation."""
    customer = {name: form.get(f"customer_{name}", "").strip() or None
                for name in CUSTOMER_FIELDS}
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
        "crm_id": crm_id_for(user, form.get("walkin_id", ""), now), "type": form.get("type", ""),
        "received_at": now.isoformat(), "team": user.team.code, "channel": WALKIN_CHANNEL,
        "content": form.get("content", "").strip(), "customer": customer,
    }


def create_walkin(form: MultiDict, user: User) -> tuple[Ticket | None, dict]:
    """Create the ticket (once per form) or name the bad fields: (ticket, {}) or (None, errors)."""
    now = utcnow()
    try:
        data = INTAKE.load(intake_from_form(form, user, now))
    except ValidationError as err:
        return None, _flat(err.messages)
    if not data["content"].strip():
        return None, {"content": True}
    ticket, _created = receive(data, now=now, user=user, origin="counter")
    return ticket, {}


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
