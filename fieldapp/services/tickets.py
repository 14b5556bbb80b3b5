"""The one write path: apply(op, user) judges an op by the rules and records it, once."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from fieldapp.extensions import db
from fieldapp.models import AppliedOp, Attachment, Ticket, User, utcnow
from fieldapp.rules import lifecycle
from fieldapp.rules.state import Op, Refusal
from fieldapp.services.access import can_see
from fieldapp.services.calendar import current_calendar
from fieldapp.services.recording import record_change
from fieldapp.services.ticket_state import actor_of, to_state
from fieldapp.services.transactions import begin_write


@dataclass(frozen=True)
class OpRequest:
    """An op as the web page or the phone's outbox sends it, with `at` already corrected."""

    op_id: str
    ticket_id: int
    action: str
    at: datetime
    data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class OpResult:
    """What became of an op: applied, duplicate or rejected (with the refusal)."""

    op_id: str
    status: str
    ticket: Ticket | None = None
    error: Refusal | None = None


NOT_FOUND = Refusal("not_allowed", "Không tìm thấy phiếu hoặc bạn không có quyền với phiếu này.",
                    ("ticket_id",))


def apply(op: OpRequest, user: User, now: datetime | None = None) -> OpResult:
    """Apply one op in its own transaction; the same op_id is never applied twice."""
    now = now or utcnow()
    begin_write()
    ticket = _lock_ticket(op.ticket_id)
    if ticket is None or not can_see(user, ticket):
        db.session.rollback()
        return OpResult(op.op_id, "rejected", error=NOT_FOUND)
    # Checked under the lock, so a twin of this op sent at the same moment is seen here.
    done = db.session.get(AppliedOp, op.op_id)
    if done is not None:
        return _duplicate(op, done)
    outcome = _decide(ticket, op, user, now)
    if isinstance(outcome, Refusal):
        db.session.rollback()
        return OpResult(op.op_id, "rejected", ticket=ticket, error=outcome)
    record_change(ticket, outcome.state, outcome.events, user, op.op_id, now, current_calendar())
    _link_attachments(ticket, op, user)
    db.session.add(AppliedOp(op_id=op.op_id, ticket_id=ticket.id, user_id=user.id,
                             applied_at=now, result={"status": "applied"}))
    try:
        db.session.commit()
    except IntegrityError:  # a twin committed first between our check and our insert
        db.session.rollback()
        return _duplicate(op, db.session.get(AppliedOp, op.op_id))
    return OpResult(op.op_id, "applied", ticket=ticket)


def _decide(ticket: Ticket, op: OpRequest, user: User, now: datetime):
    """Run the rules, plus the checks that need the database (assignee, attachments)."""
    at = min(max(op.at, ticket.received_at), now)  # never before receipt, never in the future
    problem = _check_references(ticket, op, user)
    if problem:
        return problem
    return lifecycle.decide(to_state(ticket), Op(op.action, at, op.data), actor_of(user))


def _check_references(ticket: Ticket, op: OpRequest, user: User) -> Refusal | None:
    """Ids inside the op's data must point at things of this team and this user."""
    if op.action == "assign":
        assignee = db.session.get(User, op.data.get("assignee_id") or 0)
        if assignee is None or assignee.team_id != ticket.team_id or not assignee.active:
            return Refusal("invalid", "Người được giao không thuộc đội này.", ("assignee_id",))
    for attachment_id in op.data.get("attachments") or ():
        attachment = db.session.get(Attachment, attachment_id)
        if attachment is None or attachment.user_id != user.id or attachment.ticket_id not in (
            None, ticket.id
        ):
            return Refusal("invalid", "Ảnh đính kèm không hợp lệ, hãy tải lại.", ("attachments",))
    return None


def _link_attachments(ticket: Ticket, op: OpRequest, user: User) -> None:
    """Attach uploaded files to the ticket once the update that carries them is applied."""
    for attachment_id in op.data.get("attachments") or ():
        db.session.get(Attachment, attachment_id).ticket_id = ticket.id


def _lock_ticket(ticket_id: int) -> Ticket | None:
    """Load the ticket, locking its row on PostgreSQL so ops on it serialise."""
    query = select(Ticket).where(Ticket.id == ticket_id).with_for_update()
    return db.session.execute(query).scalar_one_or_none()


def _duplicate(op: OpRequest, done: AppliedOp) -> OpResult:
    """The answer to a resent op: nothing changes, the ticket as it is now."""
    db.session.rollback()
    ticket = db.session.get(Ticket, done.ticket_id) if done.ticket_id else None
    return OpResult(op.op_id, "duplicate", ticket=ticket)
