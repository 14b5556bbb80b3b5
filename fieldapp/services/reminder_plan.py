"""Keeping reminder rows equal to what the rules plan, without losing what was sent.

Done for every ticket (or incident) a transaction changed at once: one read of their rows, one
delete of the rows no longer planned, one insert of the new ones.
"""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm.attributes import set_committed_value

from fieldapp.extensions import db
from fieldapp.models import Incident, Reminder, Ticket
from fieldapp.rules import incidents, reminders
from fieldapp.rules.calendar import WorkCalendar
from fieldapp.rules.incidents import IncidentState
from fieldapp.rules.state import PlannedReminder, TicketState

_REMINDERS = Reminder.__table__
_AUDIENCE = update(_REMINDERS).where(_REMINDERS.c.id == bindparam("rid")).values(
    audience=bindparam("new_audience"))


def replan(items: Iterable[tuple[Ticket, TicketState]], now: datetime, cal: WorkCalendar,
           new_tickets: frozenset[int] = frozenset()) -> None:
    """Replace each ticket's unsent reminders by its current plan; sent rows are history.

    `new_tickets` were inserted in this transaction: they have no rows to read."""
    planned = [(t, reminders.plan(state, now, cal), t.id in new_tickets) for t, state in items]
    fresh = _replace("ticket_id", [(t.id, plan, new) for t, plan, new in planned], now)
    for ticket, _, new in planned:
        if new:  # known as written: nothing to read back
            set_committed_value(ticket, "reminders",
                                [Reminder(**row) for row in fresh.get(ticket.id, ())])


def replan_incidents(items: Iterable[tuple[Incident, IncidentState]], now: datetime,
                     new_incidents: frozenset[int] = frozenset()) -> None:
    """The same for incidents and their plan (rules.incidents.plan)."""
    _replace("incident_id", [(i.id, incidents.plan(state, now), i.id in new_incidents)
                             for i, state in items], now)


def _replace(column: str, targets: list[tuple[int, list[PlannedReminder], bool]],
             now: datetime) -> dict[int, list[dict]]:
    """Write the plans of these targets (ticket or incident ids); the new rows by target."""
    existing = _rows_of(column, [tid for tid, _, new in targets if not new])
    doomed, audiences, rows = [], [], {}
    for target_id, plan, _ in targets:
        wanted = {(p.kind, p.due_at): p for p in plan}
        seen = set()
        for row in existing.get(target_id, ()):
            key = (row.kind, row.due_at)
            seen.add(key)
            if row.sent_at is None and key not in wanted:
                doomed.append(row.id)
            elif row.sent_at is None and row.audience != ",".join(wanted[key].audience):
                audiences.append({"rid": row.id,
                                  "new_audience": ",".join(wanted[key].audience)})
        rows[target_id] = [{"ticket_id": None, "incident_id": None, column: target_id,
                            "kind": p.kind, "due_at": p.due_at,
                            "audience": ",".join(p.audience), "created_at": now}
                           for key, p in wanted.items() if key not in seen]
    _write(doomed, audiences, [row for fresh in rows.values() for row in fresh])
    return rows


def _rows_of(column: str, target_ids: list[int]) -> dict[int, list]:
    """Every reminder row of these targets, sent or not, by target."""
    if not target_ids:
        return {}
    table = _REMINDERS.c
    found: dict[int, list] = {}
    for row in db.session.execute(select(table[column].label("target"), table.id, table.kind,
                                         table.due_at, table.audience, table.sent_at)
                                  .where(table[column].in_(target_ids))):
        found.setdefault(row.target, []).append(row)
    return found


def _write(doomed: list[int], audiences: list[dict], rows: list[dict]) -> None:
    if doomed:
        db.session.execute(delete(_REMINDERS).where(_REMINDERS.c.id.in_(doomed),
                                                    _REMINDERS.c.sent_at.is_(None)))
    if audiences:
        db.session.execute(_AUDIENCE, audiences)
    if rows:
        db.session.execute(insert(_REMINDERS), rows)
