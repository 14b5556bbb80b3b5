"""Writing a new ticket and everything it starts with, in one statement where the database allows.

The values (the ticket's row, its events, its reminder plan, its CRM outbox rows) are decided
by the ChangeSet; only the SQL differs. PostgreSQL takes one statement, whose parts insert
from the new ticket's id:

    WITH t AS (INSERT INTO tickets … ON CONFLICT (crm_id) DO NOTHING RETURNING id),
         e AS (INSERT INTO events … SELECT t.id, … FROM t, <the rows> RETURNING id),
         r AS (INSERT INTO reminders … SELECT t.id, … FROM t, <the rows>),
         c AS (INSERT INTO crm_callbacks … SELECT t.id, 'ticket:' || t.id, … FROM t, <the rows>)
    SELECT t.id, ARRAY(SELECT id FROM e ORDER BY id) FROM t

Each table's rows travel as one JSON parameter (json_populate_recordset), so the statement's
text is the same for every ticket whatever its number of reminders: it is built once, and the
driver and the server parse and plan it once per connection instead of once per push.
SQLite has no INSERT inside WITH: the ticket's INSERT … RETURNING, then one multi-row insert
per table. A crm_id already taken (the same push, twice at once) inserts nothing anywhere.
"""

from dataclasses import dataclass

import orjson
from sqlalchemy import Connection, insert, text
from sqlalchemy.dialects import sqlite

from fieldapp.models import CrmCallback, Event, Reminder, Ticket
from fieldapp.services.jsonable import jsonable
from fieldapp.services.precompiled import Precompiled

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


def insert_new(rows: NewTicketRows, connection: Connection) -> tuple[int, list[int]]:
    """Write the rows; (the ticket's id, its events' ids in order). Raises CrmIdTaken."""
    if connection.dialect.name == "postgresql":
        written = _ONE_STATEMENT.execute(
            connection,
            {
                "ticket": _json(rows.ticket),
                "events": _json(rows.events),
                "reminders": _json(rows.reminders),
                "callbacks": _json(rows.callbacks),
            },
        ).first()
        if written is None:
            raise CrmIdTaken(rows.ticket["crm_id"])
        return written[0], list(written[1])
    return _statement_by_table(rows, connection)


def _json(value) -> str:
    """orjson writes datetimes as ISO 8601 itself (with their offset, which the database
    keeps) at a tenth of the json module's cost; `default` meets only sets."""
    return orjson.dumps(value, default=jsonable).decode()


def _columns(table) -> str:
    return ", ".join(c.name for c in table.columns if c.name != "id")


def _one_statement():
    """The PostgreSQL statement, from the tables' columns (rows lacking a column leave it NULL)."""
    ticket_cols = _columns(_TICKETS)
    stream = {"stream": f"'{TICKET_STREAM}' || t.id"}
    return text(
        f"WITH t AS (INSERT INTO tickets ({ticket_cols}) SELECT {ticket_cols} FROM "
        f"json_populate_record(NULL::tickets, CAST(:ticket AS json)) "
        f"ON CONFLICT (crm_id) DO NOTHING RETURNING id), "
        f"e AS ({_from_ticket(_EVENTS, 'events')} RETURNING id), "
        f"r AS ({_from_ticket(_REMINDERS, 'reminders')}), "
        f"c AS ({_from_ticket(_CALLBACKS, 'callbacks', stream)}) "
        f"SELECT t.id, ARRAY(SELECT id FROM e ORDER BY id) FROM t"
    )


def _from_ticket(table, param: str, computed: dict[str, str] | None = None) -> str:
    """INSERT INTO table SELECT <the new ticket's id>, <computed>, <the rows' values> FROM t."""
    computed = computed or {}
    names = [c.name for c in table.columns if c.name not in ("id", "ticket_id", *computed)]
    return (
        f"INSERT INTO {table.name} (ticket_id, {', '.join([*computed, *names])}) "
        f"SELECT t.id, {', '.join([*computed.values(), *(f'x.{n}' for n in names)])} "
        f"FROM t, json_populate_recordset(NULL::{table.name}, CAST(:{param} AS json)) AS x"
    )


_ONE_STATEMENT = Precompiled(_one_statement())


def _statement_by_table(rows: NewTicketRows, connection: Connection) -> tuple[int, list[int]]:
    ticket_id = connection.scalar(
        sqlite.insert(_TICKETS)
        .values(**rows.ticket)
        .on_conflict_do_nothing(index_elements=["crm_id"])
        .returning(_TICKETS.c.id)
    )
    if ticket_id is None:
        raise CrmIdTaken(rows.ticket["crm_id"])
    event_ids = connection.scalars(
        insert(_EVENTS).returning(_EVENTS.c.id, sort_by_parameter_order=True),
        [{**row, "ticket_id": ticket_id} for row in rows.events],
    ).all()
    if rows.reminders:
        connection.execute(
            insert(_REMINDERS), [{**row, "ticket_id": ticket_id} for row in rows.reminders]
        )
    if rows.callbacks:
        connection.execute(
            insert(_CALLBACKS),
            [
                {**row, "ticket_id": ticket_id, "stream": f"{TICKET_STREAM}{ticket_id}"}
                for row in rows.callbacks
            ],
        )
    return ticket_id, list(event_ids)
