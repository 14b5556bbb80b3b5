"""What a reminder says on the phone: title, text, the ticket it opens, how urgent, how long.

Messages are built where the push is sent (a worker, no request), in the default language.
"""

import hashlib
import hmac
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.routing import BuildError

from fieldapp.labels import label
from fieldapp.models import Incident, Ticket
from fieldapp.rules.labels import label_msgid
from fieldapp.rules.reminders import ESCALATIONS
from fieldapp.rules.state import OPERATIONS
from fieldapp.rules.text import N_

_PRESSING = set(ESCALATIONS) | {
    "accept_due",
    "overdue",
    "chase",
    "handover_ack",
    "handover_unacknowledged",
}
DEFAULT_TTL = 12 * 3600  # a phone that is off for a night still gets it in the morning
MIN_TTL = 60
ACCEPT_TOKEN_AGE = 24 * 3600
_TEXT_LIMIT = 140  # Web Push payloads are limited to about 4 kB


def reminder_message(kind: str, ticket: Ticket, now: datetime) -> dict:
    """The notification of one reminder kind about a ticket (JSON for the service worker)."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        title, body = _texts(kind, ticket)
    message = {
        "title": title,
        "body": _short(body),
        "kind": kind,
        "ticket_id": ticket.id,
        "url": ticket_url(ticket.id),
        "tag": f"ticket-{ticket.id}",
        "urgent": urgency(kind, ticket) == "high",
    }
    if kind == "new_ticket":
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
            message["actions"] = [{"action": "accept", "title": label("button", "accept")}]
    return message


def incident_message(kind: str, incident: Incident) -> dict:
    """The notification of one reminder kind about a wide-area incident."""
    values = {
        "area": incident.area,
        "station": incident.station or "",
        "when": _clock(incident.eta),
    }
    title, body = next((t, b) for prefix, t, b in _INCIDENT_TEXTS if kind.startswith(prefix))
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        title, body = _(title, **values), _(body, **values)
    return {
        "title": title,
        "body": _short(body),
        "kind": kind,
        "incident_id": incident.id,
        "url": incident_url(incident.id),
        "tag": f"incident-{incident.id}",
        "urgent": True,
    }


def incident_url(incident_id: int) -> str:
    """The path of the incident's page."""
    try:
        return current_app.url_map.bind("localhost").build(
            "incidents.show", {"incident_id": incident_id}
        )
    except BuildError:
        return f"/incidents/{incident_id}"


def with_accept_token(message: dict, user_id: int) -> dict:
    """The message for one user's device: a new ticket carries that user's accept token."""
    if "actions" not in message:
        return message
    return {**message, "accept_token": accept_token(message["ticket_id"], user_id)}


def test_message() -> dict:
    """The notification sent from the settings page to check this device."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return {
            "title": _("Thông báo thử"),
            "body": _("Thiết bị này sẽ nhận nhắc việc và cảnh báo quá hạn."),
            "kind": "test",
            "url": "/settings",
            "tag": "test",
            "urgent": False,
        }


def urgency(kind: str, ticket: Ticket) -> str:
    """Web Push Urgency: high for the operations desk and for anything overdue."""
    return "high" if ticket.desk == OPERATIONS or kind in _PRESSING else "normal"


def time_to_live(kind: str, ticket: Ticket, now: datetime) -> int:
    """Seconds the push service keeps the message for an offline phone.

    A warning is useless once its deadline has passed; everything else waits the night."""
    deadline = _deadline(kind, ticket)
    if "_warn_" in kind and deadline is not None:
        return max(MIN_TTL, int((deadline - now).total_seconds()))
    return DEFAULT_TTL


def ticket_url(ticket_id: int) -> str:
    """The path of the ticket's page."""
    try:
        adapter = current_app.url_map.bind("localhost")
        return adapter.build("tickets.show", {"ticket_id": ticket_id})
    except BuildError:
        return f"/tickets/{ticket_id}"


def accept_token(ticket_id: int, user_id: int) -> str:
    """Lets the notification's "Nhận" button accept the ticket as this user, and nobody else."""
    return _serializer().dumps({"t": ticket_id, "u": user_id})


def read_accept_token(token: str) -> tuple[int, int] | None:
    """(ticket_id, user_id) of a valid, recent accept token; None otherwise."""
    try:
        data = _serializer().loads(token, max_age=ACCEPT_TOKEN_AGE)
    except BadSignature:
        return None
    return int(data["t"]), int(data["u"])


def accept_op_id(token: str) -> str:
    """The op id of an accept from a notification: the same for the same notification, so a
    second tap is a duplicate, and unguessable without the app's secret."""
    mac = hmac.new(_secret_key().encode(), token.encode(), hashlib.sha256)
    return "push-" + mac.hexdigest()[:40]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(_secret_key(), salt="push-accept")


def _secret_key() -> str:
    key = current_app.secret_key
    assert isinstance(key, str), "SECRET_KEY is set from the environment (config.py)"
    return key


# kind (or kind prefix) → title, text; the first match wins.
_TEXTS = (
    (
        "new_ticket",
        N_("Phiếu mới: %(type)s"),
        N_("%(customer)s, %(address)s. Tiếp nhận trước %(when)s."),
    ),
    (
        "accept_due",
        N_("Quá hạn tiếp nhận"),
        N_("Phiếu %(crm_id)s (%(type)s) chưa được tiếp nhận, hạn %(when)s."),
    ),
    (
        "accept_escalation",
        N_("Chưa tiếp nhận sau 15 phút"),
        N_("Phiếu %(crm_id)s (%(type)s) vẫn chưa được tiếp nhận. Đã báo tổng đài."),
    ),
    (
        "contact_warn",
        N_("Sắp đến hạn liên hệ khách hàng"),
        N_("Phiếu %(crm_id)s: liên hệ %(customer)s trước %(when)s."),
    ),
    (
        "resolve_warn",
        N_("Sắp đến hạn xử lý"),
        N_("Phiếu %(crm_id)s (%(type)s) cần hoàn tất trước %(when)s."),
    ),
    (
        "chase_update_missing",
        N_("Chưa báo cáo sau khi tổng đài đôn đốc"),
        N_("Phiếu %(crm_id)s (%(type)s): tổng đài đôn đốc 15 phút mà chưa báo cáo tình trạng."),
    ),
    (
        "chase",
        N_("Tổng đài đôn đốc"),
        N_(
            "Phiếu %(crm_id)s (%(type)s): báo cáo tình trạng, lý do và thời gian dự kiến trong "
            "15 phút."
        ),
    ),
    (
        "handover_warn",
        N_("Sắp chuyển cho trực vận hành"),
        N_("Phiếu %(crm_id)s chưa xong: lúc 16:55 sẽ tự động chuyển cho bộ phận trực vận hành."),
    ),
    (
        "handover_ack",
        N_("Nhận bàn giao cấp điện trở lại"),
        N_(
            "Phiếu %(crm_id)s (%(customer)s) được bộ phận kinh doanh bàn giao, hạn %(when)s. "
            "Hãy xác nhận."
        ),
    ),
    (
        "handover_unacknowledged",
        N_("Chưa xác nhận nhận bàn giao"),
        N_(
            "Phiếu %(crm_id)s (%(customer)s) bàn giao lúc hết giờ vẫn chưa được trực vận hành "
            "xác nhận."
        ),
    ),
    (
        "handover",
        N_("Đã chuyển cho trực vận hành"),
        N_("Phiếu %(crm_id)s chưa xong lúc hết giờ nên đã chuyển cho bộ phận trực vận hành."),
    ),
    ("upset_alert", N_("Khách hàng bức xúc"), N_("%(customer)s: %(type)s, phiếu %(crm_id)s.")),
    (
        "overdue_update_missing",
        N_("Chưa báo cáo phiếu quá hạn"),
        N_("Phiếu %(crm_id)s (%(type)s) quá hạn 15 phút mà chưa báo cáo tình trạng."),
    ),
    (
        "overdue",
        N_("Phiếu quá hạn xử lý"),
        N_("Phiếu %(crm_id)s quá hạn từ %(when)s. Báo cáo tình trạng trong 15 phút."),
    ),
    (
        "repeat_alert",
        N_("Khách hàng yêu cầu lần 2+"),
        N_("%(customer)s: %(type)s, phiếu %(crm_id)s."),
    ),
    (
        "cluster_alert",
        N_("Nhiều cuộc gọi mất điện cùng trạm"),
        N_("Trạm %(station)s: hãy xem và báo sự cố diện rộng nếu cần."),
    ),
    (
        "media_alert",
        N_("Phản ánh qua báo chí, mạng xã hội"),
        N_("Phiếu %(crm_id)s: %(customer)s, %(address)s."),
    ),
    ("", N_("Nhắc việc"), N_("Phiếu %(crm_id)s (%(type)s).")),
)


_INCIDENT_TEXTS = (
    ("incident_declared", N_("Sự cố mất điện: %(area)s"), N_("Dự kiến có điện lại %(when)s.")),
    (
        "incident_complete_warn",
        N_("Hoàn thiện báo cáo sự cố"),
        N_("%(area)s: cần nguyên nhân và thời gian có điện lại trước khi hết 60 phút."),
    ),
    (
        "incident_incomplete",
        N_("Báo cáo sự cố chưa đủ sau 60 phút"),
        N_("%(area)s: đã báo công ty điện lực và tổng đài."),
    ),
    (
        "incident_eta_warn",
        N_("Sắp đến giờ dự kiến có điện"),
        N_("%(area)s: có điện lúc %(when)s? Báo giờ mới trước 15 phút nếu chậm."),
    ),
    (
        "incident_eta_passed",
        N_("Quá giờ dự kiến có điện"),
        N_("%(area)s: chưa báo có điện lại. Đã báo công ty điện lực và tổng đài."),
    ),
    ("", N_("Sự cố mất điện"), N_("%(area)s.")),
)


def _texts(kind: str, ticket: Ticket) -> tuple[str, str]:
    """Title and text, in Vietnamese unless a translation says otherwise."""
    name = _(label_msgid("type", ticket.type))
    values = {
        "crm_id": ticket.crm_id,
        "type": name,
        "customer": ticket.customer_name,
        "station": ticket.customer_station or "",
        "address": ticket.customer_address,
        "when": _clock(_deadline(kind, ticket)),
    }
    title, body = next((t, b) for prefix, t, b in _TEXTS if kind.startswith(prefix))
    return _(title, **values), _(body, **values)


def _deadline(kind: str, ticket: Ticket) -> datetime | None:
    """The deadline a reminder kind is about."""
    if kind.startswith("contact"):
        return ticket.contact_by
    if kind.startswith("accept") or kind == "new_ticket":
        return ticket.accept_by
    if ticket.expected_at is not None and ticket.expected_at > ticket.resolve_by:
        return ticket.expected_at
    return ticket.resolve_by


def _clock(at: datetime | None) -> str:
    """HH:MM in the users' zone, with the day when it is not today."""
    if at is None:
        return ""
    zone = ZoneInfo(current_app.config["FIELDAPP_TIMEZONE"])
    local = at.astimezone(zone)
    today = datetime.now(zone).date()
    if local.date() == today:
        return local.strftime("%H:%M")
    if local.date() == today + timedelta(days=1):
        return local.strftime("%H:%M ") + _("ngày mai")
    return local.strftime("%H:%M %d/%m")


def _short(text: str) -> str:
    """At most _TEXT_LIMIT characters, cut at a word."""
    if len(text) <= _TEXT_LIMIT:
        return text
    return text[: _TEXT_LIMIT - 1].rsplit(" ", 1)[0] + "…"
