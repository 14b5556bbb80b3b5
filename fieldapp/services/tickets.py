"""The one write path: ops from phones and pages, judged by the rules and recorded, once.

A batch (a phone's outbox, or a page's single op) is one transaction: its tickets are locked
together in id order, its sender's op ids looked up once, each op judged in memory against the
state the previous ops left (services.changes), and everything written at the end. An op id is
its sender's own; a claimed time is bounded by what the server knows (rules.claims).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from fieldapp.extensions import db
from fieldapp.models import AppliedOp, Attachment, Device, Event, OpClaim, Ticket, User, utcnow
from fieldapp.rules import messages as msg
from fieldapp.rules.claims import Bounded, Floors, bound
from fieldapp.rules.state import Op, Refusal
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
    of that clock (server − sender when the batch was sent)."""

    op_id: str
    ticket_id: int
    action: str
    at: datetime
    data: dict = field(default_factory=dict)
    skew: timedelta = timedelta(0)


@dataclass(frozen=True)
class OpResult:
    """What became of an op: applied, duplicate or rejected (with the refusal)."""

    op_id: str | None
    status: str
    ticket_id: int | None = None
    error: Refusal | None = None
    ticket: Ticket | None = None  # as it stands after the batch, when the sender may see it


@dataclass(frozen=True)
class BatchOutcome:
    """The result of every op, in order, and each ticket they touched once."""

    results: list[OpResult]
    tickets: list[Ticket]


def rejected(op_id: str | None, refusal: Refusal, ticket_id: int | None = None) -> OpResult:
    """A refused op's result."""
    return OpResult(op_id, "rejected", ticket_id, refusal)


def apply(op: OpRequest, user: User, now: datetime | None = None) -> OpResult:
    """Apply one op (a batch of one)."""
    return apply_batch([op], user, now).results[0]


def apply_batch(ops: list[OpRequest], user: User, now: datetime | None = None,
                device_id: str | None = None, final: bool = True) -> BatchOutcome:
    """Apply a sender's ops in order, in one transaction; each is judged on its own.

    `final`: the sender has nothing more to send after this batch, so the device's floor for
    later claims moves to now."""
    now = now or utcnow()
    for attempt in range(_ATTEMPTS):
        try:
            results = _Batch(ops, user, now, device_id, final).run()
            break
        except IntegrityError:
            db.session.rollback()
            if attempt + 1 == _ATTEMPTS:
                raise
    return _with_tickets(results)


class _Batch:
    """One transaction applying a sender's ops."""

    def __init__(self, ops, user: User, now: datetime, device_id: str | None, final: bool):
        self.ops, self.now, self.device_id, self.final = ops, now, device_id, final
        # Read now: the write transaction starts by ending the session's reads, which would
        # otherwise reload the user on the first access.
        self.user, self.user_id = user, user.id
        self.actor, self.teams = actor_of(user), user.visible_team_ids()

    def run(self) -> list[OpResult]:
        begin_write()
        tickets = _lock_tickets({op.ticket_id for op in self.ops})
        done = self._applied_ops()
        claims = self._claims()
        device_floor = self._device_floor()
        references = _References.load(self.ops)
        self.changes = ChangeSet(self.now, current_calendar(), current_policy())
        results, applied, refused = [], [], []
        for op in self.ops:
            ticket = tickets.get(op.ticket_id)
            if ticket is None or not in_teams(ticket, self.teams):
                results.append(rejected(op.op_id, Refusal("not_allowed", msg.not_found(),
                                                          ("ticket_id",))))
                continue
            earlier = done.get(op.op_id)
            if earlier is not None:
                results.append(_resent(op, earlier))
                continue
            claim = self._bound(op, ticket, claims.get(op.op_id), device_floor)
            outcome = references.check(op, ticket, self.user) or self.changes.judge(
                ticket, Op(op.action, claim.at, op.data), self.actor, self.user, op.op_id,
                claim)
            if isinstance(outcome, Refusal):
                results.append(rejected(op.op_id, outcome, ticket.id))
                if op.op_id not in claims:
                    refused.append((op, claim))
                continue
            done[op.op_id] = (ticket.id, op.action)
            applied.append(op)
            references.link(op, ticket)
            results.append(OpResult(op.op_id, "applied", ticket.id))
        self._write(applied, refused)
        return results

    def _applied_ops(self) -> dict[str, tuple[int | None, str | None]]:
        """The sender's ops among these already applied: op id → (ticket, action)."""
        ids = [op.op_id for op in self.ops]
        rows = db.session.execute(select(AppliedOp.op_id, AppliedOp.ticket_id, AppliedOp.action)
                                  .where(AppliedOp.user_id == self.user_id,
                                         AppliedOp.op_id.in_(ids)))
        return {row.op_id: (row.ticket_id, row.action) for row in rows}

    def _claims(self) -> dict[str, datetime]:
        """The times first given to the sender's refused ops that come again now."""
        ids = [op.op_id for op in self.ops]
        rows = db.session.execute(select(OpClaim.op_id, OpClaim.at).where(
            OpClaim.user_id == self.user_id, OpClaim.op_id.in_(ids)))
        return {row.op_id: row.at for row in rows}

    def _device_floor(self) -> datetime | None:
        if self.device_id is None:
            return None
        return db.session.scalar(select(Device.last_sync_at).where(
            Device.user_id == self.user_id, Device.device_id == self.device_id))

    def _bound(self, op: OpRequest, ticket: Ticket, first_claim: datetime | None,
               device_floor: datetime | None) -> Bounded:
        """The op's time: its claim bounded; a resent refused op keeps its first time."""
        floors = Floors(received=ticket.created_at,
                        previous_action=self.changes.last_action_at(ticket),
                        device_sync=device_floor if first_claim is None else None)
        if first_claim is not None:
            claimed = bound(first_claim, timedelta(0), floors, self.now)
            return Bounded(claimed.at, op.at, op.skew, claimed.bounded_by)
        return bound(op.at, op.skew, floors, self.now)

    def _write(self, applied: list[OpRequest], refused: list[tuple[OpRequest, Bounded]]):
        """Everything the batch writes, in a few statements; then one commit."""
        self.changes.flush()
        if applied:
            # A plain insert: a twin batch that applied the same op id meanwhile makes it fail,
            # and the retry answers it as a duplicate.
            db.session.execute(insert(AppliedOp.__table__), [
                {"user_id": self.user_id, "op_id": op.op_id, "ticket_id": op.ticket_id,
                 "action": op.action, "applied_at": self.now, "result": {"status": "applied"}}
                for op in applied])
        if refused:
            db.session.execute(upsert(OpClaim.__table__, ("user_id", "op_id")), [
                {"user_id": self.user_id, "op_id": op.op_id, "at": claim.at,
                 "first_seen_at": self.now} for op, claim in refused])
        if self.device_id is not None and self.final:
            db.session.execute(upsert(Device.__table__, ("user_id", "device_id"),
                                      update=("last_sync_at",)),
                               [{"user_id": self.user_id, "device_id": self.device_id,
                                 "last_sync_at": self.now, "first_seen_at": self.now}])
        db.session.commit()


def _resent(op: OpRequest, earlier: tuple[int | None, str | None]) -> OpResult:
    """The answer to an op id the sender used before: the same op is a duplicate; another op
    under a used id is refused, so it can never pass for applied."""
    if earlier[0] == op.ticket_id and earlier[1] in (None, op.action):
        return OpResult(op.op_id, "duplicate", op.ticket_id)
    return rejected(op.op_id, Refusal("invalid", msg.op_id_reused(), ("op_id",)), op.ticket_id)


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
        attachment_ids = {i for op in ops for i in (op.data.get("attachments") or ())}
        user_ids = {op.data["assignee_id"] for op in ops
                    if op.action == "assign" and isinstance(op.data.get("assignee_id"), int)}
        # Locked: the clean-up of old unattached uploads must not delete one being attached.
        attachments = {row.id: row for row in db.session.scalars(
            select(Attachment).where(Attachment.id.in_(attachment_ids))
            .order_by(Attachment.id).with_for_update())} if attachment_ids else {}
        users = {u.id: u for u in db.session.scalars(
            select(User).where(User.id.in_(user_ids)))} if user_ids else {}
        return cls(attachments, users)

    def check(self, op: OpRequest, ticket: Ticket, user: User) -> Refusal | None:
        if op.action == "assign":
            assignee = self.users.get(op.data.get("assignee_id"))
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


def _with_tickets(results: list[OpResult]) -> BatchOutcome:
    """Each ticket the results name, loaded once as it stands now, and the results with it."""
    ids = sorted({r.ticket_id for r in results if r.ticket_id is not None})
    tickets = {t.id: t for t in db.session.scalars(select(Ticket).where(Ticket.id.in_(ids))
                                                   .options(*ticket_loads()))} if ids else {}
    results = [OpResult(r.op_id, r.status, r.ticket_id, r.error, tickets.get(r.ticket_id))
               for r in results]
    return BatchOutcome(results, [tickets[i] for i in ids if i in tickets])


def ticket_loads() -> tuple:
    """What a ticket's JSON reads, loaded with it in a few queries."""
    return (selectinload(Ticket.events).selectinload(Event.user),
            selectinload(Ticket.reminders), selectinload(Ticket.team),
            selectinload(Ticket.assignee))
