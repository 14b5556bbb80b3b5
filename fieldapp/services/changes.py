"""The changes of one write transaction: judged op by op in memory, written all at once.

Every write of a ticket goes through a ChangeSet, whoever makes it: a phone's batch or a page's
op (services.tickets), the CRM's push (services.intake), the system's escalation
(workers.reminders). Each op is judged by the rules against the state the previous ops of the
transaction left; `flush` then writes the tickets' new states, their events, their reminder
plans and the CRM outbox in a few multi-row statements. The caller commits.
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnDefault, Connection, insert
from sqlalchemy.orm.attributes import set_committed_value

from fieldapp.extensions import db
from fieldapp.models import CrmCallback, Event, Incident, IncidentEvent, Reminder, Ticket, User
from fieldapp.models.written import as_written
from fieldapp.rules import incidents, lifecycle
from fieldapp.rules.actions import CRM_INCIDENT_EVENTS, crm_hears
from fieldapp.rules.calendar import WorkCalendar
from fieldapp.rules.claims import Bounded
from fieldapp.rules.policy import Policy
from fieldapp.rules.state import Actor, Applied, Op, Refusal, TicketState
from fieldapp.rules.state import Event as RuleEvent
from fieldapp.services.jsonable import jsonable
from fieldapp.services.new_ticket import TICKET_STREAM, NewTicketRows, insert_new
from fieldapp.services.reminder_plan import new_ticket_rows, replan, replan_incidents
from fieldapp.services.ticket_state import (
    state_columns,
    to_incident_state,
    to_state,
    write_incident_state,
    write_state,
)

_NOTE_KEYS = ("note", "status_note", "result")
_TICKETS, _EVENTS = Ticket.__table__, Event.__table__
_INCIDENT_EVENTS = IncidentEvent.__table__
_CALLBACKS = CrmCallback.__table__
_NEW_TICKET_COLUMNS = tuple(c.key for c in _TICKETS.columns if not c.primary_key)
# The defaults an ORM insert would give the columns left unset: (column, value or function).
_TICKET_DEFAULTS = tuple(
    (c.key, c.default) for c in _TICKETS.columns if isinstance(c.default, ColumnDefault)
)


class _Counted:
    """How many events a ticket (or an incident) got in this transaction, and when a person
    last acted on it."""

    changes: int
    last_action_at: datetime | None

    def kept(self, events: int, at: datetime | None) -> None:
        """Count events; `at`: the time of a person's action among them."""
        self.changes += events
        if at is not None:
            self.last_action_at = max(self.last_action_at or at, at)


@dataclass
class _Touched(_Counted):
    """A ticket changed in this transaction: its state so far and how many events it got."""

    ticket: Ticket
    state: TicketState
    changes: int = 0
    last_action_at: datetime | None = None


@dataclass
class _TouchedIncident(_Counted):
    incident: Incident
    state: incidents.IncidentState
    changes: int = 0
    last_action_at: datetime | None = None


@dataclass
class ChangeSet:
    """Ops judged in memory within one transaction, and the rows they will write."""

    now: datetime
    cal: WorkCalendar
    policy: Policy
    # Where new tickets are inserted: the session's connection unless the intake gives its own.
    connection: Connection | None = None
    _touched: dict[int, _Touched] = field(default_factory=dict)
    _new: list[Ticket] = field(default_factory=list)
    _events: list[tuple[Ticket, dict, User | None]] = field(default_factory=list)
    _incidents: dict[int, _TouchedIncident] = field(default_factory=dict)
    _new_incidents: list[Incident] = field(default_factory=list)
    _incident_events: list[tuple[Incident, dict, User | None]] = field(default_factory=list)

    def state_of(self, ticket: Ticket) -> TicketState:
        """The ticket as the rules see it after this transaction's ops so far."""
        touched = self._touched.get(ticket.id)
        return touched.state if touched else to_state(ticket)

    def last_action_at(self, ticket: Ticket) -> datetime | None:
        """When a person last acted on the ticket, this transaction's ops included."""
        return _last_action_at(self._touched.get(ticket.id), ticket.last_action_at)

    def judge(
        self,
        ticket: Ticket,
        op: Op,
        actor: Actor,
        user: User | None = None,
        op_id: str | None = None,
        claim: Bounded | None = None,
    ) -> Applied[TicketState] | Refusal:
        """Judge one op against the ticket's current state; keep what an applied one writes."""
        outcome = lifecycle.decide(self.state_of(ticket), op, actor, self.policy)
        if isinstance(outcome, Applied):
            self._keep(ticket, outcome, user, op_id, claim)
        return outcome

    def create(
        self,
        ticket: Ticket,
        state: TicketState,
        events: tuple[RuleEvent, ...],
        user: User | None = None,
    ) -> None:
        """A new ticket (intake, a walk-in) with its first events; inserted by `flush` with
        them, its reminders and its callbacks (services.new_ticket), and left as written."""
        ticket.created_at = self.now
        self._new.append(ticket)
        self._keep(ticket, Applied(state, events), user, None, None)

    def _keep(
        self,
        ticket: Ticket,
        outcome: Applied[TicketState],
        user: User | None,
        op_id: str | None,
        claim: Bounded | None,
    ) -> None:
        key = id(ticket) if ticket.id is None else ticket.id
        touched = self._touched.setdefault(key, _Touched(ticket, outcome.state))
        touched.state = outcome.state
        touched.kept(len(outcome.events), _acted_at(outcome, user))
        for event in outcome.events:
            self._events.append((ticket, _event_row(event, user, op_id, claim, self.now), user))

    # --- incidents ----------------------------------------------------------------------

    def incident_state_of(self, incident: Incident) -> incidents.IncidentState:
        """The incident as the rules see it after this transaction's ops so far."""
        touched = self._incidents.get(incident.id)
        return touched.state if touched else to_incident_state(incident)

    def incident_last_action_at(self, incident: Incident) -> datetime | None:
        """When a person last acted on the incident, this transaction's ops included."""
        return _last_action_at(self._incidents.get(incident.id), incident.last_action_at)

    def judge_incident(
        self,
        incident: Incident,
        op: Op,
        actor: Actor,
        user: User | None = None,
        op_id: str | None = None,
        claim: Bounded | None = None,
    ) -> Applied[incidents.IncidentState] | Refusal:
        """Judge one op on an incident; keep what an applied one writes."""
        outcome = incidents.decide(self.incident_state_of(incident), op, actor)
        if isinstance(outcome, Applied):
            self._keep_incident(incident, outcome, user, op_id, claim)
        return outcome

    def create_incident(
        self,
        incident: Incident,
        outcome: Applied[incidents.IncidentState],
        user: User | None,
        op_id: str | None,
        claim: Bounded | None,
    ) -> None:
        """A new incident with its report event; inserted by `flush`."""
        write_incident_state(incident, outcome.state)
        db.session.add(incident)
        self._new_incidents.append(incident)
        self._keep_incident(incident, outcome, user, op_id, claim)

    def _keep_incident(
        self,
        incident: Incident,
        outcome: Applied[incidents.IncidentState],
        user: User | None,
        op_id: str | None,
        claim: Bounded | None,
    ) -> None:
        key = id(incident) if incident.id is None else incident.id
        touched = self._incidents.setdefault(key, _TouchedIncident(incident, outcome.state))
        touched.state = outcome.state
        touched.kept(len(outcome.events), _acted_at(outcome, user))
        for event in outcome.events:
            row = _event_row(event, user, op_id, claim, self.now)
            self._incident_events.append((incident, row, user))

    @property
    def tickets(self) -> list[Ticket]:
        """The tickets this transaction changed or created, in the order first touched."""
        return [t.ticket for t in self._touched.values()]

    def flush(self) -> None:
        """Write every change kept so far (no commit), and start afresh.

        Raises CrmIdTaken when a new ticket's crm_id was written meanwhile."""
        new = {id(t) for t in self._new}
        for key, touched in self._touched.items():
            if key not in new:  # a new ticket's row is written whole by _insert_new
                _write_ticket(touched, self.now)
        for touched_incident in self._incidents.values():
            _write_incident(touched_incident, self.now)
        # Only rows the session tracks need its flush: a push that creates its ticket and
        # nothing else never opens the session at all.
        if len(new) < len(self._touched) or self._incidents:
            db.session.flush()  # new incidents get their ids; changed rows are updated
        self._flush_incidents()
        for ticket in self._new:
            self._insert_new(self._touched[id(ticket)])
        kept = [(ticket, row, user) for ticket, row, user in self._events if id(ticket) not in new]
        if kept:
            db.session.execute(
                insert(_EVENTS), [{**row, "ticket_id": ticket.id} for ticket, row, _ in kept]
            )
        callbacks = [
            _callback_row(ticket, row, user, self.now)
            for ticket, row, user in kept
            if crm_hears(row["action"], row["data"])
        ]
        if callbacks:
            db.session.execute(insert(_CALLBACKS), callbacks)
        replan(
            ((t.ticket, t.state) for key, t in self._touched.items() if key not in new),
            self.now,
            self.cal,
        )
        self._touched, self._new, self._events = {}, [], []

    def _insert_new(self, touched: _Touched) -> None:
        """A new ticket with its events, reminders and callbacks, in one statement; then the
        ticket object holds what was written, so whoever answers with it reads nothing."""
        ticket = touched.ticket
        kept = [(row, user) for t, row, user in self._events if t is ticket]
        rows = NewTicketRows(
            ticket=_new_row(touched, self.now),
            events=[row for row, _ in kept],
            reminders=new_ticket_rows(touched.state, self.now, self.cal),
            callbacks=[
                _callback_row(ticket, row, user, self.now)
                for row, user in kept
                if crm_hears(row["action"], row["data"])
            ],
        )
        ticket_id, event_ids = insert_new(rows, self.connection or db.session.connection())
        vars(ticket)["id"] = ticket_id
        set_committed_value(
            ticket,
            "events",
            [
                as_written(Event, {**row, "id": event_id, "ticket_id": ticket_id, "user": user})
                for (row, user), event_id in zip(kept, event_ids, strict=True)
            ],
        )
        set_committed_value(
            ticket,
            "reminders",
            [as_written(Reminder, {**row, "ticket_id": ticket_id}) for row in rows.reminders],
        )

    def _flush_incidents(self) -> None:
        """The incidents' events, CRM callbacks and reminders."""
        if not self._incidents:
            return
        events = [{**row, "incident_id": incident.id} for incident, row, _ in self._incident_events]
        if events:
            db.session.execute(insert(_INCIDENT_EVENTS), events)
        callbacks = [
            _incident_callback_row(incident, row, user, self.now)
            for incident, row, user in self._incident_events
            if _crm_hears_incident(row["action"], row["data"])
        ]
        if callbacks:
            db.session.execute(insert(_CALLBACKS), callbacks)
        new_ids = frozenset(i.id for i in self._new_incidents)
        replan_incidents(
            ((t.incident, t.state) for t in self._incidents.values()), self.now, new_ids
        )
        self._incidents, self._new_incidents, self._incident_events = {}, [], []


def _new_row(touched: _Touched, now: datetime) -> dict:
    """A new ticket's row as an ORM insert would write it (unset columns take their defaults),
    copied onto the object as its loaded values: it was built untracked (intake._new_ticket),
    is written by one statement, and then only read."""
    ticket = touched.ticket
    held = vars(ticket)
    row = {key: held.get(key) for key in _NEW_TICKET_COLUMNS}
    row.update(
        state_columns(touched.state),
        version=touched.changes,
        updated_at=now,
        last_action_at=touched.last_action_at,
    )
    for key, default in _TICKET_DEFAULTS:
        if row[key] is None:
            row[key] = default.arg(None) if default.is_callable else default.arg
    held.update(row)
    return row


def _last_action_at(touched: _Counted | None, stored: datetime | None) -> datetime | None:
    """A person's last action: this transaction's latest, else the one the row keeps."""
    return (touched.last_action_at if touched else None) or stored


def _acted_at(outcome: Applied, user: User | None) -> datetime | None:
    """The time of a person's action among an op's events (None for the system's)."""
    return outcome.events[-1].at if user is not None and outcome.events else None


def _write_incident(touched: _TouchedIncident, now: datetime) -> None:
    incident = touched.incident
    write_incident_state(incident, touched.state)
    incident.version = (incident.version or 0) + touched.changes
    incident.updated_at = now
    if touched.last_action_at is not None:
        incident.last_action_at = touched.last_action_at


def _crm_hears_incident(event: str, data: dict) -> bool:
    if event == "escalated":
        return "crm" in (data.get("notified") or ())
    return event in CRM_INCIDENT_EVENTS


def _write_ticket(touched: _Touched, now: datetime) -> None:
    """Copy the final state onto the row; its version counts every event."""
    ticket = touched.ticket
    write_state(ticket, touched.state)
    ticket.version = (ticket.version or 0) + touched.changes
    ticket.updated_at = now
    if touched.last_action_at is not None:
        ticket.last_action_at = touched.last_action_at


def _event_row(
    event: RuleEvent, user: User | None, op_id: str | None, claim: Bounded | None, now: datetime
) -> dict:
    """An events row (without its ticket id, known only once a new ticket is inserted)."""
    row = {
        "action": event.action,
        "at": event.at,
        "recorded_at": now,
        "user_id": user.id if user else None,
        "op_id": op_id,
        "data": jsonable(event.data),
        "claimed_at": None,
        "skew_seconds": None,
        "bounded_by": None,
        "moved_seconds": None,
    }
    if claim is not None:
        row.update(
            claimed_at=claim.claimed,
            skew_seconds=round(claim.skew.total_seconds()),
            bounded_by=claim.bounded_by,
            moved_seconds=round(claim.moved.total_seconds()),
        )
    return row


def _callback_row(ticket: Ticket, event: dict, user: User | None, now: datetime) -> dict:
    """The CRM outbox row of one event (CONTRACT "App → CRM"); a worker signs and sends it."""
    event_id = str(uuid.uuid4())
    data = event["data"]
    note = next((data[k] for k in _NOTE_KEYS if data.get(k)), "")
    payload = {
        "event_id": event_id,
        "crm_id": ticket.crm_id,
        "event": event["action"],
        "at": jsonable(event["at"]),
        "by": {"username": user.username, "name": user.name} if user else None,
        "note": note,
        "data": data,
    }
    return {
        "event_id": event_id,
        "ticket_id": ticket.id,
        "incident_id": None,
        "stream": f"{TICKET_STREAM}{ticket.id}",
        "event": event["action"],
        "payload": payload,
        "created_at": now,
        "attempts": 0,
        "next_attempt_at": now,
    }


def _incident_callback_row(
    incident: Incident, event: dict, user: User | None, now: datetime
) -> dict:
    """An incident's event for the CRM (CONTRACT "Wide-area incidents"), in its own stream."""
    event_id = str(uuid.uuid4())
    data = event["data"]
    payload = {
        "event_id": event_id,
        "incident_id": incident.id,
        "team": incident.team.code,
        "event": event["action"],
        "at": jsonable(event["at"]),
        "by": {"username": user.username, "name": user.name} if user else None,
        "note": data.get("note") or "",
        "data": data,
    }
    return {
        "event_id": event_id,
        "ticket_id": None,
        "incident_id": incident.id,
        "stream": f"incident:{incident.id}",
        "event": event["action"],
        "payload": payload,
        "created_at": now,
        "attempts": 0,
        "next_attempt_at": now,
    }
