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

from sqlalchemy import insert
from sqlalchemy.orm.attributes import set_committed_value

from fieldapp.extensions import db
from fieldapp.models import CrmCallback, Event, Ticket, User
from fieldapp.rules import lifecycle
from fieldapp.rules.actions import crm_hears
from fieldapp.rules.calendar import WorkCalendar
from fieldapp.rules.claims import Bounded
from fieldapp.rules.policy import Policy
from fieldapp.rules.state import Actor, Applied, Op, Refusal, TicketState
from fieldapp.rules.state import Event as RuleEvent
from fieldapp.services.jsonable import jsonable
from fieldapp.services.reminder_plan import replan
from fieldapp.services.ticket_state import to_state, write_state

_NOTE_KEYS = ("note", "status_note", "result")
_EVENTS = Event.__table__
_CALLBACKS = CrmCallback.__table__


@dataclass
class _Touched:
    """A ticket changed in this transaction: its state so far and how many events it got."""

    ticket: Ticket
    state: TicketState
    changes: int = 0
    last_action_at: datetime | None = None


@dataclass
class ChangeSet:
    """Ops judged in memory within one transaction, and the rows they will write."""

    now: datetime
    cal: WorkCalendar
    policy: Policy
    _touched: dict[int, _Touched] = field(default_factory=dict)
    _new: list[Ticket] = field(default_factory=list)
    _events: list[tuple[Ticket, dict, User | None]] = field(default_factory=list)

    def state_of(self, ticket: Ticket) -> TicketState:
        """The ticket as the rules see it after this transaction's ops so far."""
        touched = self._touched.get(ticket.id)
        return touched.state if touched else to_state(ticket)

    def last_action_at(self, ticket: Ticket) -> datetime | None:
        """When a person last acted on the ticket, this transaction's ops included."""
        touched = self._touched.get(ticket.id)
        if touched and touched.last_action_at:
            return touched.last_action_at
        return ticket.last_action_at

    def judge(self, ticket: Ticket, op: Op, actor: Actor, user: User | None = None,
              op_id: str | None = None, claim: Bounded | None = None) -> Applied | Refusal:
        """Judge one op against the ticket's current state; keep what an applied one writes."""
        outcome = lifecycle.decide(self.state_of(ticket), op, actor, self.policy)
        if isinstance(outcome, Applied):
            self._keep(ticket, outcome, user, op_id, claim)
        return outcome

    def create(self, ticket: Ticket, state: TicketState, events: tuple[RuleEvent, ...],
               user: User | None = None) -> None:
        """A new ticket (intake, a walk-in) with its first events; inserted by `flush`."""
        write_state(ticket, state)  # the row needs its desk and deadlines before the insert
        db.session.add(ticket)
        self._new.append(ticket)
        self._keep(ticket, Applied(state, events), user, None, None)

    def _keep(self, ticket: Ticket, outcome: Applied, user: User | None, op_id: str | None,
              claim: Bounded | None) -> None:
        key = id(ticket) if ticket.id is None else ticket.id
        touched = self._touched.setdefault(key, _Touched(ticket, outcome.state))
        touched.state = outcome.state
        touched.changes += len(outcome.events)
        for event in outcome.events:
            self._events.append((ticket, _event_row(event, user, op_id, claim, self.now), user))
        if user is not None and outcome.events:
            touched.last_action_at = max(touched.last_action_at or outcome.events[-1].at,
                                         outcome.events[-1].at)

    @property
    def tickets(self) -> list[Ticket]:
        """The tickets this transaction changed or created, in the order first touched."""
        return [t.ticket for t in self._touched.values()]

    def flush(self) -> None:
        """Write every change kept so far (no commit), and start afresh."""
        for touched in self._touched.values():
            _write_ticket(touched, self.now)
        db.session.flush()  # new tickets get their ids; changed rows are updated
        new_ids = frozenset(t.id for t in self._new)
        events = [{**row, "ticket_id": ticket.id} for ticket, row, _ in self._events]
        if events and self._new:  # a new ticket's events are answered with it: keep their ids
            ids = db.session.scalars(insert(_EVENTS).returning(
                _EVENTS.c.id, sort_by_parameter_order=True), events).all()
            _known_as_written(self._new, events, ids, self._events)
        elif events:
            db.session.execute(insert(_EVENTS), events)
        callbacks = [_callback_row(ticket, row, user, self.now)
                     for ticket, row, user in self._events if crm_hears(row["action"], row["data"])]
        if callbacks:
            db.session.execute(insert(_CALLBACKS), callbacks)
        replan(((t.ticket, t.state) for t in self._touched.values()), self.now, self.cal,
               new_ids)
        self._touched, self._new, self._events = {}, [], []


def _known_as_written(new: list[Ticket], rows: list[dict], ids: list[int], kept) -> None:
    """A new ticket's events, as written: whoever answers with the ticket reads no more."""
    if not new:
        return
    by_ticket: dict[int, list[Event]] = {t.id: [] for t in new}
    for row, event_id, (_, _, user) in zip(rows, ids, kept, strict=True):
        if row["ticket_id"] in by_ticket:
            by_ticket[row["ticket_id"]].append(Event(id=event_id, user=user, **row))
    for ticket in new:
        set_committed_value(ticket, "events", by_ticket[ticket.id])


def _write_ticket(touched: _Touched, now: datetime) -> None:
    """Copy the final state onto the row; its version counts every event."""
    ticket = touched.ticket
    write_state(ticket, touched.state)
    ticket.version = (ticket.version or 0) + touched.changes
    ticket.updated_at = now
    if touched.last_action_at is not None:
        ticket.last_action_at = touched.last_action_at


def _event_row(event: RuleEvent, user: User | None, op_id: str | None,
               claim: Bounded | None, now: datetime) -> dict:
    """An events row (without its ticket id, known only once a new ticket is inserted)."""
    row = {"action": event.action, "at": event.at, "recorded_at": now,
           "user_id": user.id if user else None, "op_id": op_id, "data": jsonable(event.data),
           "claimed_at": None, "skew_seconds": None, "bounded_by": None, "moved_seconds": None}
    if claim is not None:
        row.update(claimed_at=claim.claimed, skew_seconds=round(claim.skew.total_seconds()),
                   bounded_by=claim.bounded_by,
                   moved_seconds=round(claim.moved.total_seconds()))
    return row


def _callback_row(ticket: Ticket, event: dict, user: User | None, now: datetime) -> dict:
    """The CRM outbox row of one event (CONTRACT "App → CRM"); a worker signs and sends it."""
    event_id = str(uuid.uuid4())
    data = event["data"]
    note = next((data[k] for k in _NOTE_KEYS if data.get(k)), "")
    payload = {
        "event_id": event_id, "crm_id": ticket.crm_id, "event": event["action"],
        "at": jsonable(event["at"]),
        "by": {"username": user.username, "name": user.name} if user else None,
        "note": note, "data": data,
    }
    return {"event_id": event_id, "ticket_id": ticket.id, "event": event["action"],
            "payload": payload, "created_at": now, "attempts": 0, "next_attempt_at": now}
