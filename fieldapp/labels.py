"""Names of codes (statuses, reasons, fields, types...) in the user's language.

The Vietnamese names live with the rules; the English ones are kept here, next to the one
function templates call, so a code never reaches the screen raw.
"""

from fieldapp.i18n import current_locale
from fieldapp.rules import messages
from fieldapp.rules.catalog import CHANNEL_LABELS_VI, TYPES
from fieldapp.rules.reasons import OUTCOME_LABELS_VI, REASON_LABELS_VI, RETURN_REASON_LABELS_VI

FLAG_LABELS_VI = {"elderly": "Người cao tuổi", "important": "Khách hàng quan trọng",
                  "difficult": "Khách hàng khó tính", "repeat": "Lần 2+",
                  "media": "Báo chí, mạng xã hội"}
EVENT_LABELS_VI = {
    "received": "Nhận từ tổng đài", "created": "Tạo tại quầy", "accepted": "Tiếp nhận",
    "returned": "Trả phiếu", "contacted": "Liên hệ khách hàng", "updated": "Cập nhật",
    "extended": "Gia hạn", "overdue_update": "Báo cáo quá hạn", "transferred": "Chuyển bộ phận",
    "completed": "Hoàn tất", "assigned": "Giao việc", "escalated": "Báo cấp trên",
}

_VI = {
    "status": messages.STATUS_LABELS_VI, "desk": messages.DESK_LABELS_VI,
    "reason": REASON_LABELS_VI, "return_reason": RETURN_REASON_LABELS_VI,
    "outcome": OUTCOME_LABELS_VI, "field": messages.FIELD_LABELS_VI,
    "deadline": messages.DEADLINE_LABELS_VI,
    "deadline_short": {"accept": "Tiếp nhận", "contact": "Liên hệ", "resolve": "Xử lý"},
    "action": messages.ACTION_LABELS_VI,
    "channel": CHANNEL_LABELS_VI,
    "flag": FLAG_LABELS_VI, "event": EVENT_LABELS_VI,
    "type": {code: t.name_vi for code, t in TYPES.items()},
}
_EN = {
    "status": {"received": "Waiting to be accepted", "accepted": "Accepted",
               "in_progress": "In progress", "completed": "Completed", "returned": "Returned"},
    "desk": {"operations": "Operations duty desk", "business": "Business desk"},
    "reason": {"storm": "Storm, natural disaster", "grid_incident": "Widespread grid incident",
               "customer_absent": "Customer not at home",
               "customer_requested_later": "Customer asked for another time",
               "waiting_materials": "Waiting for materials", "site_inaccessible":
               "Site not accessible", "waiting_other_unit": "Waiting on another unit",
               "workload": "Heavy workload", "staff_unavailable": "Not enough staff",
               "other": "Other reason"},
    "return_reason": {"not_our_area": "Not in our area", "wrong_info": "Wrong information",
                      "missing_info": "Missing information", "other": "Other reason"},
    "outcome": {"reached": "Customer reached", "no_answer": "No answer",
                "confirmed_done": "Customer confirms it is done"},
    "field": {
        "late_reason": "late reason", "result": "result", "restored_at": "time power was restored",
        "cause": "cause", "reconnected_at": "time reconnected", "meter_serial": "meter serial",
        "energised_on": "date energised", "cmis_updated": "confirmation that CMIS was updated",
        "inspection_result": "inspection result", "certificate_no": "calibration certificate no.",
        "customer_confirmation": "customer's confirmation",
        "customer_confirmed": "customer's confirmation", "accepted": "acceptance of the ticket",
        "note": "note", "reason": "return reason", "outcome": "call outcome",
        "reason_code": "reason", "new_eta": "expected completion time",
        "status_note": "current status", "desk": "desk", "assignee_id": "assignee",
        "attachments": "photos", "action": "action", "ticket_id": "ticket",
    },
    "action": {"accept": "accept", "return": "return to the call center",
               "contact": "call outcome", "update": "update", "extend": "expected delay",
               "overdue_update": "overdue report", "transfer": "transfer desk",
               "complete": "complete", "assign": "assign"},
    "deadline_short": {"accept": "Accept", "contact": "Contact", "resolve": "Resolve"},
    "deadline": {"accept": "accept deadline", "contact": "contact deadline",
                 "resolve": "resolve deadline"},
    "channel": {"phone": "Phone", "website": "Website", "app": "App", "email": "Email",
                "portal": "National public-service portal", "zalo": "Zalo", "sms": "SMS",
                "other": "Other"},
    "flag": {"elderly": "Elderly", "important": "Important customer",
             "difficult": "Difficult customer", "repeat": "Repeat (2+)", "media": "Media"},
    "event": {
        "received": "Received from the call center", "created": "Created at the counter",
        "accepted": "Accepted", "returned": "Returned", "contacted": "Customer contacted",
        "updated": "Update", "extended": "Extended", "overdue_update": "Overdue report",
        "transferred": "Transferred", "completed": "Completed", "assigned": "Assigned",
        "escalated": "Escalated",
    },
    "type": {code: t.name_en for code, t in TYPES.items()},
}


def label(kind: str, code: str | None) -> str:
    """The name of a code in the current language; unknown codes as they are."""
    if code is None:
        return ""
    table = _EN if current_locale() == "en" else _VI
    return table.get(kind, {}).get(code) or _VI.get(kind, {}).get(code) or str(code)


def field_list(names) -> str:
    """Field names as a comma-separated list of their labels."""
    return ", ".join(label("field", name) for name in names)


_REFUSALS_EN = {
    "completion_blocked": "The ticket cannot be completed yet: missing {fields}.",
    "late_reason_required": "A deadline has passed: choose a late reason.",
    "invalid": "Missing or invalid: {fields}.",
    "extension_limit": "The ticket's extensions are used up: only the team leader can confirm "
                       "another one, for an objective cause.",
    "not_allowed": "You cannot do this on this ticket.",
}


def refusal_text(refusal) -> str:
    """Why an op was refused, for the user: the rules' Vietnamese sentence, or its English."""
    if current_locale() != "en":
        return refusal.message
    template = _REFUSALS_EN.get(refusal.code)
    if template is None:
        return refusal.message
    return template.format(fields=field_list(refusal.fields))
