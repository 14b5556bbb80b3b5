"""Keeping reminder rows equal to what the rules plan, without losing what was sent.

Done for every ticket (or incident) a transaction changed at once: one read of their rows, one
delete of the rows no longer planned, one insert of the new ones.
"""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import bindparam, delete, insert, select, update

from fieldapp.extensions import db
from fieldapp.models import Incident, Reminder, Ticket
from fieldapp.rules import incidents, reminders
from fieldapp.rules.calendar import WorkCalendar
from fieldapp.rules.incidents import IncidentState
from fieldapp.rules.state import PlannedReminder, TicketState

_REMINDERS = Reminder.__table__
_AUDIENCE = (
    update(_REMINDERS)
    .where(_REMINDERS.c.id == bindparam("rid"))
    .values(audience=bindparam("new_audience"))
)


def replan(items: Iterable[tuple[Ticket, TicketState]], now: datetime, cal: WorkCalendar) -> None:
    """Replace each ticket's unsent reminders by its current plan; sent rows are history.
    (A new ticket's rows are written with it: new_ticket_rows.)"""
    _replace(
        "ticket_id", [(t.id, reminders.plan(state, now, cal), False) for t, state in items], now
    )


def replan_incidents(
    items: Iterable[tuple[Incident, IncidentState]],
    now: datetime,
    new_incidents: frozenset[int] = frozenset(),
) -> None:
    """The same for incidents and their plan (rules.incidents.plan)."""
    _replace(
        "incident_id",
        [(i.id, incidents.plan(state, now), i.id in new_incidents) for i, state in items],
        now,
    )


def _replace(
    column: str, targets: list[tuple[int, list[PlannedReminder], bool]], now: datetime
) -> dict[int, list[dict]]:
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
                audiences.append({"rid": row.id, "new_audience": ",".join(wanted[key].audience)})
        rows[target_id] = [
            _row(column, target_id, p, now) for key, p in wanted.items() if key not in seen
        ]
    _write(doomed, audiences, [row for fresh in rows.values() for row in fresh])
    return rows


def new_ticket_rows(state: TicketState, now: datetime, cal: WorkCalendar) -> list[dict]:
    """The reminder rows of a ticket being created, without its id (not known yet)."""
    return [_row("ticket_id", None, p, now) for p in reminders.plan(state, now, cal)]


def _row(column: str, target_id: int | None, planned: PlannedReminder, now: datetime) -> dict:
    return {
        "ticket_id": None,
        "incident_id": None,
        column: target_id,
        "kind": planned.kind,
        "due_at": planned.due_at,
        "audience": ",".join(planned.audience),
        "created_at": now,
    }


def _rows_of(column: str, target_ids: list[int]) -> dict[int, list]:
    """Every reminder row of these targets, sent or not, by target."""
    if not target_ids:
        return {}
    table = _REMINDERS.c
    found: dict[int, list] = {}
    for row in db.session.execute(
        select(
            table[column].label("target"),
            table.id,
            table.kind,
            table.due_at,
            table.audience,
            table.sent_at,
        ).where(table[column].in_(target_ids))
    ):
        found.setdefault(row.target, []).append(row)
    return found


def _write(doomed: list[int], audiences: list[dict], rows: list[dict]) -> None:
    if doomed:
        db.session.execute(
            delete(_REMINDERS).where(_REMINDERS.c.id.in_(doomed), _REMINDERS.c.sent_at.is_(None))
        )
    if audiences:
        db.session.execute(_AUDIENCE, audiences)
    if rows:
        db.session.execute(insert(_REMINDERS), rows)
