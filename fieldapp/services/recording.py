"""Recording a change: the new state, its events, the reminder plan and the CRM outbox."""

import uuid
from datetime import datetime

from fieldapp.extensions import db
from fieldapp.models import CrmCallback, Event, Ticket, User
from fieldapp.rules.calendar import WorkCalendar
from fieldapp.rules.state import Event as RuleEvent
from fieldapp.rules.state import TicketState
from fieldapp.services.jsonable import jsonable
from fieldapp.services.reminder_plan import replan
from fieldapp.services.ticket_state import write_state

# Events the CRM hears about (CONTRACT "App → CRM"); the rest stay in the app.
CRM_EVENTS = frozenset({"accepted", "returned", "contacted", "updated", "extended",
                        "overdue_update", "transferred", "completed", "escalated", "created"})
_NOTE_KEYS = ("note", "status_note", "result")


def record_change(ticket: Ticket, state: TicketState, events: tuple[RuleEvent, ...],
                  user: User | None, op_id: str | None, now: datetime,
                  cal: WorkCalendar, new_ticket: bool = False) -> list[Event]:
    """Write state, events, reminders and outbox rows for one applied change (no commit).

    A `new_ticket` is still to be inserted: the flush here inserts it with its first event."""
    write_state(ticket, state)
    ticket.version = (ticket.version or 0) + 1
    ticket.updated_at = now
    rows = [Event(ticket=ticket, action=e.action, at=e.at, recorded_at=now, op_id=op_id,
                  user_id=user.id if user else None, data=jsonable(e.data)) for e in events]
    db.session.add_all(rows)
    db.session.flush()
    replan(ticket, state, now, cal, new_ticket)
    for row in rows:
        if row.action in CRM_EVENTS:
            queue_callback(ticket, row, user)
    return rows


def queue_callback(ticket: Ticket, event: Event, user: User | None) -> CrmCallback:
    """Put one event in the CRM outbox; a worker signs and sends it."""
    event_id = str(uuid.uuid4())
    note = next((event.data[k] for k in _NOTE_KEYS if event.data.get(k)), "")
    payload = {
        "event_id": event_id, "crm_id": ticket.crm_id, "event": event.action,
        "at": jsonable(event.at),
        "by": {"username": user.username, "name": user.name} if user else None,
        "note": note, "data": event.data,
    }
    row = CrmCallback(event_id=event_id, ticket_id=ticket.id, event=event.action,
                      payload=payload, created_at=event.recorded_at,
                      next_attempt_at=event.recorded_at)
    db.session.add(row)
    return row
