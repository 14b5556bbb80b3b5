"""The action forms' fields, turned into the data of an op (CONTRACT's sync shape).

Empty fields are left out, so the rules (not a form library) say what is missing; values are
passed on as typed, so the op schema names anything malformed.
"""

from werkzeug.datastructures import MultiDict

from fieldapp.i18n import parse_input_datetime

TEXT_FIELDS = {
    "accept": (),
    "return": ("reason", "note"),
    "contact": ("outcome", "note"),
    "update": ("note",),
    "extend": ("reason_code", "note"),
    "overdue_update": ("status_note", "reason_code", "note"),
    "transfer": ("desk", "note"),
    "complete": ("result", "cause", "meter_serial", "energised_on", "inspection_result",
                 "certificate_no"),
    "assign": (),
}
TIME_FIELDS = {"extend": ("new_eta",), "overdue_update": ("new_eta",),
               "complete": ("restored_at", "reconnected_at")}
CHECKBOXES = {"complete": ("cmis_updated", "customer_confirmed")}
WITH_LATE_REASON = ("accept", "contact", "update", "complete")


def op_data(action: str, form: MultiDict, attachment_ids: list[int] = ()) -> dict:
    """The op data an action form stands for."""
    data = {}
    for name in TEXT_FIELDS.get(action, ()):
        value = (form.get(name) or "").strip()
        if value:
            data[name] = value
    for name in TIME_FIELDS.get(action, ()):
        value = parse_input_datetime(form.get(name))
        if value:
            data[name] = value
    for name in CHECKBOXES.get(action, ()):
        if form.get(name):
            data[name] = True
    if action == "assign":
        data["assignee_id"] = _integer(form.get("assignee_id"))
    if action == "update":
        ids = [_integer(v) for v in form.getlist("attachments")] + list(attachment_ids)
        if ids:
            data["attachments"] = ids
    if action in WITH_LATE_REASON and form.get("late_code"):
        data["late_reason"] = {"code": form["late_code"],
                               "note": (form.get("late_note") or "").strip()}
    return data


def _integer(value):
    """An id as an int when it is one; otherwise as given, for the schema to refuse."""
    value = (value or "").strip()
    return int(value) if value.isdigit() else value or None
