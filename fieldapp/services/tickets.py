"""The one write path: ops from phones and pages, judged by the rules and recorded, once.

A batch (a phone's outbox, or a page's single op) is one transaction: its incidents and then
its tickets are locked together in id order, its sender's op ids looked up once, each op judged
in memory against the state the previous ops left (services.changes), and everything written
at the end. An op's target is a ticket, or a wide-area incident (services.incident_ops), whose
ops fan out into ops on its tickets inside the same transaction. An op id is its sender's own;
a claimed time is bounded by what the server knows (rules.claims).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from fieldapp.extensions import db
from fieldapp.models import (
    AppliedOp,
    Attachment,
    Device,
    Event,
    Incident,
    OpClaim,
    Ticket,
    User,
    utcnow,
)
from fieldapp.rules import messages as msg
from fieldapp.rules.claims import Bounded, Floors, bound
from fieldapp.rules.state import Op, Refusal
from fieldapp.services import incident_ops
from fieldapp.services.access import in_teams
from fieldapp.services.calendar import current_calendar
from fieldapp.services.changes import ChangeSet
from fieldapp.services.evidence import attachable
from fieldapp.services.policy import current_policy
from fieldapp.services.ticket_state import actor_of
from fieldapp.services.transactions import begin_write, upsert

# A twin of the batch committing between our reads and our writes: the retry sees its ops.
_ATTEMPTS = 2


@dataclass(frozen=True)
class OpRequest:
    """An op as a page or a phone's outbox sends it: `at` by the sender's clock, and the skew
    of that clock (server − sender when the batch was sent). Its target is a ticket, or an
    incident (none for the declaration of a new one)."""

    op_id: str
    ticket_id: int | None
    action: str
    at: datetime
    data: dict = field(default_factory=dict)
    skew: timedelta = timedelta(0)
    incident_id: int | None = None

    @property
    def on_incident(self) -> bool:
        return self.ticket_id is None


@dataclass(frozen=True)
class OpResult:
    """What became of an op: applied, duplicate or rejected (with the refusal)."""

    op_id: str | None
    status: str
    ticket_id: int | None = None
    error: Refusal | None = None
    ticket: Ticket | None = None  # as it stands after the batch, when the sender may see it
    incident_id: int | None = None
    left_open: tuple[dict, ...] = ()  # an incident op's tickets it could not change, and why
    tickets_changed: tuple[int, ...] = ()  # the tickets an incident op changed

    @property
    def refusal(self) -> Refusal:
        """Why a rejected op was refused."""
        assert self.error is not None, f"op {self.op_id} was {self.status}, not refused"
        return self.error


@dataclass(frozen=True)
class BatchOutcome:
    """The result of every op, in order, and each ticket and incident they touched once."""

    results: list[OpResult]
    tickets: list[Ticket]
    incidents: list[Incident] = field(default_factory=list)


def rejected(
    op_id: str | None,
    refusal: Refusal,
    ticket_id: int | None = None,
    incident_id: int | None = None,
) -> OpResult:
    """A refused op's result."""
    return OpResult(op_id, "rejected", ticket_id, refusal, incident_id=incident_id)


def apply(op: OpRequest, user: User, now: datetime | None = None) -> OpResult:
    """Apply one op (a batch of one)."""
    return apply_batch([op], user, now).results[0]


def apply_batch(
    ops: list[OpRequest],
    user: User,
    now: datetime | None = None,
    device_id: str | None = None,
    final: bool = True,
) -> BatchOutcome:
    """Apply a sender's ops in order, in one transaction; each is judged on its own.

    `final`: the sender has nothing more to send after this batch, so the device's floor for
    later claims moves to now."""
    now = now or utcnow()
    for attempt in range(_ATTEMPTS):
        try:
            results = Batch(ops, user, now, device_id, final).run()
            break
        except IntegrityError:
            db.session.rollback()
            if attempt + 1 == _ATTEMPTS:
                raise
    return _with_targets(results)


class Batch:
    """One transaction applying a sender's ops."""

    def __init__(self, ops, user: User, now: datetime, device_id: str | None, final: bool):
        self.ops, self.now, self.device_id, self.final = ops, now, device_id, final
        self.user, self.user_id, self.team_id = user, user.id, user.team_id
        self.actor, self.teams = actor_of(user), user.visible_team_ids()

    def run(self) -> list[OpResult]:
        begin_write(self.user)  # the signed-in user, as loaded for this request
        self.incidents = incident_ops.lock_incidents(self.ops)
        self.tickets = _lock_tickets(
            {op.ticket_id for op in self.ops if op.ticket_id}
            | incident_ops.tickets_of(self.ops, self.incidents)
        )
        self.done = self._applied_ops()
        self.claims = self._claims()
        self.device_floor = self._device_floor()
        self.references = _References.load(self.ops)
        self.changes = ChangeSet(self.now, current_calendar(), current_policy())
        self.applied: list[tuple[OpRequest, OpResult]] = []
        self.refused: list[tuple[OpRequest, Bounded]] = []
        results = [self._one(op) for op in self.ops]
        self._write()
        return results

    def _one(self, op: OpRequest) -> OpResult:
        """Judge one op of the batch; keep what it writes."""
        if op.on_incident:
            return incident_ops.judge(self, op)
        assert op.ticket_id is not None  # not on an incident
        ticket = self.tickets.get(op.ticket_id)
        if ticket is None or not in_teams(ticket, self.teams):
            return rejected(op.op_id, Refusal("not_allowed", msg.not_found(), ("ticket_id",)))
        earlier = self.done.get(op.op_id)
        if earlier is not None:
            return resent(op, earlier)
        claim = self.bound(op, ticket.created_at, self.changes.last_action_at(ticket))
        outcome = self.references.check(op, ticket, self.user) or self.changes.judge(
            ticket, Op(op.action, claim.at, op.data), self.actor, self.user, op.op_id, claim
        )
        if isinstance(outcome, Refusal):
            self.refuse(op, claim)
            return rejected(op.op_id, outcome, ticket.id)
        self.references.link(op, ticket)
        return self.applied_as(op, OpResult(op.op_id, "applied", ticket.id))

    def applied_as(self, op: OpRequest, result: OpResult) -> OpResult:
        """Note an applied op (its id is now used), and answer with its result."""
        self.done[op.op_id] = (result.ticket_id, result.incident_id, op.action)
        self.applied.append((op, result))
        return result

    def refuse(self, op: OpRequest, claim: Bounded) -> None:
        """Note a refused op's time, kept for a fixed resend of it."""
        if op.op_id not in self.claims:
            self.refused.append((op, claim))

    def bound(self, op: OpRequest, received: datetime, previous: datetime | None) -> Bounded:
        """The op's time: its claim bounded; a resent refused op keeps its first time."""
        first_claim = self.claims.get(op.op_id)
        floors = Floors(
            received=received,
            previous_action=previous,
            device_sync=self.device_floor if first_claim is None else None,
        )
        if first_claim is not None:
            kept = bound(first_claim, timedelta(0), floors, self.now)
            return Bounded(kept.at, op.at, op.skew, kept.bounded_by)
        return bound(op.at, op.skew, floors, self.now)

    def _applied_ops(self) -> dict[str, tuple[int | None, int | None, str | None]]:
        """The sender's ops among these already applied: op id → (ticket, incident, action)."""
        ids = [op.op_id for op in self.ops]
        rows = db.session.execute(
            select(
                AppliedOp.op_id, AppliedOp.ticket_id, AppliedOp.incident_id, AppliedOp.action
            ).where(AppliedOp.user_id == self.user_id, AppliedOp.op_id.in_(ids))
        )
        return {row.op_id: (row.ticket_id, row.incident_id, row.action) for row in rows}

    def _claims(self) -> dict[str, datetime]:
        """The times first given to the sender's refused ops that come again now."""
        ids = [op.op_id for op in self.ops]
        rows = db.session.execute(
            select(OpClaim.op_id, OpClaim.at).where(
                OpClaim.user_id == self.user_id, OpClaim.op_id.in_(ids)
            )
        )
        return {row.op_id: row.at for row in rows}

    def _device_floor(self) -> datetime | None:
        if self.device_id is None:
            return None
        return db.session.scalar(
            select(Device.last_sync_at).where(
                Device.user_id == self.user_id, Device.device_id == self.device_id
            )
        )

    def _write(self) -> None:
        """Everything the batch writes, in a few statements; then one commit."""
        self.changes.flush()
        if self.applied:
            # A plain insert: a twin batch that applied the same op id meanwhile makes it fail,
            # and the retry answers it as a duplicate.
            db.session.execute(
                insert(AppliedOp.__table__),
                [
                    {
                        "user_id": self.user_id,
                        "op_id": op.op_id,
                        "ticket_id": result.ticket_id,
                        "incident_id": result.incident_id,
                        "action": op.action,
                        "applied_at": self.now,
                        "result": {"status": "applied"},
                    }
                    for op, result in self.applied
                ],
            )
        if self.refused:
            db.session.execute(
                upsert(OpClaim.__table__, ("user_id", "op_id")),
                [
                    {
                        "user_id": self.user_id,
                        "op_id": op.op_id,
                        "at": claim.at,
                        "first_seen_at": self.now,
                    }
                    for op, claim in self.refused
                ],
            )
        if self.device_id is not None and self.final:
            db.session.execute(
                upsert(Device.__table__, ("user_id", "device_id"), update=("last_sync_at",)),
                [
                    {
                        "user_id": self.user_id,
                        "device_id": self.device_id,
                        "last_sync_at": self.now,
                        "first_seen_at": self.now,
                    }
                ],
            )
        db.session.commit()


def resent(op: OpRequest, earlier: tuple[int | None, int | None, str | None]) -> OpResult:
    """The answer to an op id the sender used before: the same op is a duplicate; another op
    under a used id is refused, so it can never pass for applied."""
    ticket_id, incident_id, action = earlier
    same_target = ticket_id == op.ticket_id and (op.incident_id in (None, incident_id))
    if same_target and action in (None, op.action):
        return OpResult(op.op_id, "duplicate", ticket_id, incident_id=incident_id)
    return rejected(
        op.op_id, Refusal("invalid", msg.op_id_reused(), ("op_id",)), op.ticket_id, op.incident_id
    )


def _lock_tickets(ids: set[int]) -> dict[int, Ticket]:
    """Load the tickets, locking their rows in id order (PostgreSQL) so batches serialise
    ticket by ticket and never deadlock; on SQLite the write transaction locks everything."""
    if not ids:
        return {}
    query = select(Ticket).where(Ticket.id.in_(sorted(ids))).order_by(Ticket.id)
    return {t.id: t for t in db.session.scalars(query.with_for_update())}


class _References:
    """Ids inside ops' data (attachments, an assignee) must point at things of this team and
    this sender; read once for the whole batch."""

    def __init__(self, attachments: dict[int, Attachment], users: dict[int, User]):
        self.attachments, self.users = attachments, users

    @classmethod
    def load(cls, ops: list[OpRequest]) -> "_References":
        ticket_ops = [op for op in ops if not op.on_incident]
        attachment_ids = {i for op in ticket_ops for i in (op.data.get("attachments") or ())}
        user_ids = {
            op.data["assignee_id"]
            for op in ticket_ops
            if op.action == "assign" and isinstance(op.data.get("assignee_id"), int)
        }
        # Locked: the clean-up of old unattached uploads must not delete one being attached.
        attachments = (
            {
                row.id: row
                for row in db.session.scalars(
                    select(Attachment)
                    .where(Attachment.id.in_(attachment_ids))
                    .order_by(Attachment.id)
                    .with_for_update()
                )
            }
            if attachment_ids
            else {}
        )
        users = (
            {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
            if user_ids
            else {}
        )
        return cls(attachments, users)

    def check(self, op: OpRequest, ticket: Ticket, user: User) -> Refusal | None:
        if op.action == "assign":
            assignee_id = op.data.get("assignee_id")
            assignee = self.users.get(assignee_id) if assignee_id is not None else None
            if assignee is None or assignee.team_id != ticket.team_id or not assignee.active:
                return Refusal("invalid", msg.assignee_not_in_team(), ("assignee_id",))
        for attachment_id in op.data.get("attachments") or ():
            if not attachable(self.attachments.get(attachment_id), ticket, user):
                return Refusal("invalid", msg.attachment_unknown(), ("attachments",))
        return None

    def link(self, op: OpRequest, ticket: Ticket) -> None:
        """Attach the op's uploads to the ticket (the op that carries them was applied)."""
        for attachment_id in op.data.get("attachments") or ():
            self.attachments[attachment_id].ticket_id = ticket.id


def _with_targets(results: list[OpResult]) -> BatchOutcome:
    """Each ticket and incident the results name, loaded once as they stand now."""
    ids = sorted(
        {r.ticket_id for r in results if r.ticket_id is not None}
        | {t["ticket_id"] for r in results for t in r.left_open}
        | {i for r in results for i in r.tickets_changed}
    )
    tickets = (
        {
            t.id: t
            for t in db.session.scalars(
                select(Ticket).where(Ticket.id.in_(ids)).options(*ticket_loads())
            )
        }
        if ids
        else {}
    )
    results = [
        OpResult(
            r.op_id,
            r.status,
            r.ticket_id,
            r.error,
            tickets.get(r.ticket_id) if r.ticket_id is not None else None,
            r.incident_id,
            r.left_open,
            r.tickets_changed,
        )
        for r in results
    ]
    return BatchOutcome(
        results, [tickets[i] for i in ids if i in tickets], incident_ops.load(results)
    )


def ticket_loads() -> tuple:
    """What a ticket's JSON reads, loaded with it in a few queries."""
    return (
        selectinload(Ticket.events).selectinload(Event.user),
        selectinload(Ticket.reminders),
        selectinload(Ticket.team),
        selectinload(Ticket.assignee),
    )
