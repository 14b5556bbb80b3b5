"""Escalations (DOMAIN §5): recorded on the ticket's timeline, and told to the CRM if planned."""

from datetime import datetime

from fieldapp.extensions import db
from fieldapp.models import Event, Reminder, Ticket
from fieldapp.services.push_messages import ESCALATIONS
from fieldapp.services.recording import queue_callback

# Stored with the event, like every event's data, so the timeline and the CRM read the same.
NOTES_VI = {
    "accept_escalation": "Phiếu chưa được tiếp nhận sau 15 phút: đã báo đội trưởng và tổng đài.",
    "overdue_update_missing": "Phiếu quá hạn 15 phút mà chưa báo cáo tình trạng: đã báo đội "
                              "trưởng và Phòng Kinh doanh công ty điện lực.",
}


def is_escalation(kind: str) -> bool:
    """Whether a reminder kind escalates (records an "escalated" event)."""
    return kind in ESCALATIONS


def escalate(ticket: Ticket, reminder: Reminder, now: datetime) -> Event:
    """Record the escalation on the locked ticket, and queue it for the CRM when planned so.

    Runs in the transaction that claims the reminder, so it happens exactly once."""
    audience = [name for name in reminder.audience.split(",") if name]
    event = Event(ticket_id=ticket.id, action="escalated", at=reminder.due_at, recorded_at=now,
                  data={"reminder": reminder.kind, "notified": audience,
                        "note": NOTES_VI.get(reminder.kind, "")})
    db.session.add(event)
    db.session.flush()
    # The timeline changed: phones and pages that hold the ticket must see a new version.
    ticket.version = (ticket.version or 0) + 1
    ticket.updated_at = now
    if "crm" in audience:
        queue_callback(ticket, event, None)
    return event
