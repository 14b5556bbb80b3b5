"""Keeping tickets' reminder rows equal to what the rules plan, without losing what was sent.

Done for every ticket a transaction changed at once: one read of their rows, one delete of
the rows no longer planned, one insert of the new ones.
"""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm.attributes import set_committed_value

from fieldapp.extensions import db
from fieldapp.models import Reminder, Ticket
from fieldapp.rules import reminders
from fieldapp.rules.calendar import WorkCalendar
from fieldapp.rules.state import TicketState

_REMINDERS = Reminder.__table__
_AUDIENCE = update(_REMINDERS).where(_REMINDERS.c.id == bindparam("rid")).values(
    audience=bindparam("new_audience"))


def replan(items: Iterable[tuple[Ticket, TicketState]], now: datetime, cal: WorkCalendar,
           new_tickets: frozenset[int] = frozenset()) -> None:
    """Replace each ticket's unsent reminders by its current plan; sent rows are history.

    `new_tickets` were inserted in this transaction: they have no rows to read."""
    items = list(items)
    existing = _rows_of([t.id for t, _ in items if t.id not in new_tickets])
    doomed, audiences, rows = [], [], []
    for ticket, state in items:
        planned = {(p.kind, p.due_at): p for p in reminders.plan(state, now, cal)}
        seen = set()
        for row in existing.get(ticket.id, ()):
            key = (row.kind, row.due_at)
            seen.add(key)
            if row.sent_at is None and key not in planned:
                doomed.append(row.id)
            elif row.sent_at is None and row.audience != ",".join(planned[key].audience):
                audiences.append({"rid": row.id,
                                  "new_audience": ",".join(planned[key].audience)})
        fresh = [{"ticket_id": ticket.id, "kind": p.kind, "due_at": p.due_at,
                  "audience": ",".join(p.audience), "created_at": now}
                 for key, p in planned.items() if key not in seen]
        rows += fresh
        if ticket.id in new_tickets:  # known as written: nothing to read back
            set_committed_value(ticket, "reminders", [Reminder(**r) for r in fresh])
    _write(doomed, audiences, rows)


def _rows_of(ticket_ids: list[int]) -> dict[int, list]:
    """Every reminder row of these tickets, sent or not, by ticket."""
    if not ticket_ids:
        return {}
    table = _REMINDERS.c
    found: dict[int, list] = {}
    for row in db.session.execute(select(table.id, table.ticket_id, table.kind, table.due_at,
                                         table.audience, table.sent_at)
                                  .where(table.ticket_id.in_(ticket_ids))):
        found.setdefault(row.ticket_id, []).append(row)
    return found


def _write(doomed: list[int], audiences: list[dict], rows: list[dict]) -> None:
    if doomed:
        db.session.execute(delete(_REMINDERS).where(_REMINDERS.c.id.in_(doomed),
                                                    _REMINDERS.c.sent_at.is_(None)))
    if audiences:
        db.session.execute(_AUDIENCE, audiences)
    if rows:
        db.session.execute(insert(_REMINDERS), rows)
