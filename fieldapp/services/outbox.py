"""The CRM outbox as an administrator sees it: what waits, what is parked, retrying."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from fieldapp.extensions import db
from fieldapp.models import CrmCallback, Ticket
from fieldapp.services.transactions import begin_write


@dataclass(frozen=True)
class OutboxCounts:
    """How many callbacks wait to be sent, and how many are parked."""

    pending: int
    parked: int


def counts() -> OutboxCounts:
    """Unsent callbacks, split into waiting and parked."""
    rows = dict(
        db.session.execute(
            select(CrmCallback.parked_at.is_not(None), func.count(CrmCallback.id))
            .where(CrmCallback.sent_at.is_(None))
            .group_by(CrmCallback.parked_at.is_not(None))
        ).all()
    )
    return OutboxCounts(pending=rows.get(False, 0), parked=rows.get(True, 0))


def parked(limit: int = 200) -> list[tuple[CrmCallback, str]]:
    """Parked callbacks, oldest first, with the CRM id of their ticket (or their incident's
    number)."""
    rows = db.session.execute(
        select(CrmCallback, Ticket.crm_id)
        .outerjoin(Ticket, Ticket.id == CrmCallback.ticket_id)
        .where(CrmCallback.parked_at.is_not(None), CrmCallback.sent_at.is_(None))
        .order_by(CrmCallback.id)
        .limit(limit)
    ).all()
    return [(row, crm_id or row.stream) for row, crm_id in rows]


def retry(callback_id: int, now: datetime) -> bool:
    """Unpark a callback: it is tried again now, with a fresh count of attempts."""
    begin_write()
    row = db.session.get(CrmCallback, callback_id)
    if row is None or row.parked_at is None or row.sent_at is not None:
        db.session.rollback()
        return False
    row.parked_at, row.attempts, row.next_attempt_at = None, 0, now
    db.session.commit()
    return True
