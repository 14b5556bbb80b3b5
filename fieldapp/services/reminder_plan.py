"""Keeping a ticket's reminder rows equal to what the rules plan, without losing what was sent."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from fieldapp.extensions import db
from fieldapp.models import Reminder, Ticket
from fieldapp.rules import reminders
from fieldapp.rules.calendar import WorkCalendar
from fieldapp.rules.state import TicketState


def replan(ticket: Ticket, state: TicketState, now: datetime, cal: WorkCalendar,
           new_ticket: bool = False) -> None:
    """Replace the ticket's unsent reminders by the current plan; sent rows are history."""
    planned = {(p.kind, p.due_at): p for p in reminders.plan(state, now, cal)}
    if new_ticket:
        _first_plan(ticket, planned.values(), now)
        return
    rows = db.session.execute(select(Reminder).where(Reminder.ticket_id == ticket.id)).scalars()
    seen = set()
    for row in rows:
        key = (row.kind, row.due_at)
        seen.add(key)
        if row.sent_at is None and key not in planned:
            db.session.delete(row)
        elif row.sent_at is None:
            row.audience = ",".join(planned[key].audience)
    for key, plan in planned.items():
        if key not in seen:
            db.session.add(Reminder(ticket_id=ticket.id, kind=plan.kind, due_at=plan.due_at,
                                    audience=",".join(plan.audience), created_at=now))


def _first_plan(ticket: Ticket, plans, now: datetime) -> None:
    """A new ticket's rows: nothing to read first, and its `reminders` are known as written."""
    rows = [Reminder(ticket_id=ticket.id, kind=plan.kind, due_at=plan.due_at,
                     audience=",".join(plan.audience), created_at=now) for plan in plans]
    db.session.add_all(rows)
    set_committed_value(ticket, "reminders", sorted(rows, key=lambda row: row.due_at))
