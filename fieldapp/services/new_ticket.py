"""Writing a new ticket and everything it starts with, in one statement where the database allows.

The values (the ticket's row, its events, its reminder plan, its CRM outbox rows) are decided
by the ChangeSet; only the SQL differs. PostgreSQL takes one statement, whose parts insert
from the new ticket's id:

    WITH t AS (INSERT INTO tickets … ON CONFLICT (crm_id) DO NOTHING RETURNING id),
         e AS (INSERT INTO events … SELECT t.id, … FROM t RETURNING id),
         r AS (INSERT INTO reminders … SELECT t.id, … FROM t),
         c AS (INSERT INTO crm_callbacks … SELECT t.id, 'ticket:' || t.id, … FROM t)
    SELECT t.id, (SELECT array_agg(e.id) FROM e) FROM t

SQLite has no INSERT inside WITH: the ticket's INSERT … RETURNING, then one multi-row insert
per table. A crm_id already taken (the same push, twice at once) inserts nothing anywhere.
"""

from dataclasses import dataclass

from sqlalchemy import String, cast, func, insert, literal, select, union_all
from sqlalchemy.dialects import postgresql, sqlite

from fieldapp.extensions import db
from fieldapp.models import CrmCallback, Event, Reminder, Ticket

TICKET_STREAM = "ticket:"  # + the ticket's id: the stream its CRM callbacks keep order in
_TICKETS, _EVENTS = Ticket.__table__, Event.__table__
_REMINDERS, _CALLBACKS = Reminder.__table__, CrmCallback.__table__


class CrmIdTaken(Exception):
    """Another push of this crm_id was written first; this one wrote nothing."""


@dataclass(frozen=True)
class NewTicketRows:
    """A new ticket's rows, without the ticket's id (the database gives it)."""

    ticket: dict
    events: list[dict]
    reminders: list[dict]
    callbacks: list[dict]


def insert_new(rows: NewTicketRows) -> tuple[int, list[int]]:
    """Write the rows; (the ticket's id, its events' ids in order). Raises CrmIdTaken."""
    if db.session.get_bind().dialect.name == "postgresql":
        written = db.session.execute(_one_statement(rows)).first()
        if written is None:
            raise CrmIdTaken(rows.ticket["crm_id"])
        return written[0], sorted(written[1] or ())  # ids grow in the order rows went in
    return _statement_by_table(rows)


def _one_statement(rows: NewTicketRows):
    ticket = (postgresql.insert(_TICKETS).values(**rows.ticket)
              .on_conflict_do_nothing(index_elements=["crm_id"])
              .returning(_TICKETS.c.id).cte("t"))
    events = _from_ticket(_EVENTS, ticket, rows.events).returning(_EVENTS.c.id).cte("e")
    answer = select(ticket.c.id, select(func.array_agg(events.c.id)).scalar_subquery())
    stream = literal(TICKET_STREAM, String) + cast(ticket.c.id, String)
    parts = [_from_ticket(_REMINDERS, ticket, rows.reminders).cte("r") if rows.reminders
             else None,
             _from_ticket(_CALLBACKS, ticket, rows.callbacks, stream=stream).cte("c")
             if rows.callbacks else None]
    return answer.add_cte(*[part for part in parts if part is not None])


def _from_ticket(table, ticket, rows: list[dict], **computed):
    """INSERT INTO table SELECT <the new ticket's id>, <computed>, <the row's values> FROM t."""
    names = [name for name in rows[0] if name not in ("ticket_id", *computed)]
    selects = [select(ticket.c.id, *computed.values(),
                      *[literal(row[name], table.c[name].type) for name in names])
               for row in rows]
    source = selects[0] if len(selects) == 1 else union_all(*selects)
    return insert(table).from_select(["ticket_id", *computed, *names], source)


def _statement_by_table(rows: NewTicketRows) -> tuple[int, list[int]]:
    ticket_id = db.session.scalar(sqlite.insert(_TICKETS).values(**rows.ticket)
                                  .on_conflict_do_nothing(index_elements=["crm_id"])
                                  .returning(_TICKETS.c.id))
    if ticket_id is None:
        raise CrmIdTaken(rows.ticket["crm_id"])
    event_ids = db.session.scalars(
        insert(_EVENTS).returning(_EVENTS.c.id, sort_by_parameter_order=True),
        [{**row, "ticket_id": ticket_id} for row in rows.events]).all()
    if rows.reminders:
        db.session.execute(insert(_REMINDERS),
                           [{**row, "ticket_id": ticket_id} for row in rows.reminders])
    if rows.callbacks:
        db.session.execute(insert(_CALLBACKS), [
            {**row, "ticket_id": ticket_id, "stream": f"{TICKET_STREAM}{ticket_id}"}
            for row in rows.callbacks])
    return ticket_id, list(event_ids)
