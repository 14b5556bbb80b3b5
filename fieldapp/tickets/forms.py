"""An action form's fields, turned into the data of an op (CONTRACT's sync shape).

The form's fields are the action's spec (rules.actions), named as in the op, with two
composites split in parts: a late reason (`late_code`, `late_note`) and how the customer was
told (`customer_informed_how`, `customer_informed_at`). Empty fields are left out, so the rules
(not a form library) say what is missing; values are passed on as typed, so the op schema names
anything malformed. js/offline.js reads the same specs the same way.
"""

from werkzeug.datastructures import MultiDict

from fieldapp.i18n import parse_input_datetime
from fieldapp.rules.actions import Field, get_action


def op_data(action: str, form: MultiDict, attachment_ids: list[int] = ()) -> dict:
    """The op data an action form stands for."""
    spec = get_action(action)
    data = {}
    for field in spec.fields if spec else ():
        value = _READERS.get(field.kind, _text)(field, form)
        if field.kind == "attachments":
            value = (value or []) + list(attachment_ids) or None
        if value is not None:
            data[field.name] = value
    return data


def _text(field: Field, form: MultiDict):
    return (form.get(field.name) or "").strip() or None


def _datetime(field: Field, form: MultiDict):
    return parse_input_datetime(form.get(field.name))


def _confirm(field: Field, form: MultiDict):
    return True if form.get(field.name) else None


def _person(field: Field, form: MultiDict):
    return _integer(form.get(field.name))


def _attachments(field: Field, form: MultiDict):
    return [_integer(v) for v in form.getlist(field.name)] or None


def _late_reason(field: Field, form: MultiDict):
    if not form.get("late_code"):
        return None
    return {"code": form["late_code"], "note": (form.get("late_note") or "").strip()}


def _informed(field: Field, form: MultiDict):
    how = (form.get(f"{field.name}_how") or "").strip()
    at = parse_input_datetime(form.get(f"{field.name}_at"))
    if not how and not at:
        return None
    return {"how": how, "at": at}


_READERS = {"datetime": _datetime, "confirm": _confirm, "person": _person,
            "attachments": _attachments, "late_reason": _late_reason, "informed": _informed}


def _integer(value):
    """An id as an int when it is one; otherwise as given, for the schema to refuse."""
    value = (value or "").strip()
    return int(value) if value.isdigit() else value or None
