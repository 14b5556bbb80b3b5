"""Evidence bookkeeping (DOMAIN §7): which tickets are complaints, and what a user may still
upload for a ticket before a quota is reached."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, case, func, or_, select

from fieldapp.extensions import db
from fieldapp.models import Attachment, Ticket, User
from fieldapp.rules.catalog import TYPES

MB = 1024 * 1024
# The catalogue's complaints (the reports count the same ones): 5 MB each, kept 3 years.
COMPLAINT_TYPES = tuple(code for code, kind in TYPES.items() if kind.service_group == "complaints")
DAY = timedelta(hours=24)


@dataclass(frozen=True)
class Limits:
    """Quotas in bytes, read from the EVIDENCE_*_MB settings."""

    file: int
    complaint: int
    ticket: int
    pending: int
    daily: int

    def for_ticket(self, ticket: Ticket) -> int:
        """The total a ticket may carry: a complaint's is the procedure's 5 MB."""
        return self.complaint if ticket.type in COMPLAINT_TYPES else self.ticket


@dataclass(frozen=True)
class Excess:
    """A quota the upload would pass: which one, what is used already, what it allows."""

    kind: str  # ticket | pending | daily
    used: int
    limit: int


def current_limits() -> Limits:
    """The app's quotas."""
    config = current_app.config
    names = ("FILE", "COMPLAINT", "TICKET", "USER_PENDING", "USER_DAILY")
    return Limits(*(int(float(config[f"EVIDENCE_{name}_MB"]) * MB) for name in names))


def excess(user: User, ticket: Ticket, adding: int, limits: Limits, now: datetime) -> Excess | None:
    """The first quota `adding` more bytes would pass, else None.

    Call it in a write transaction: it locks the user's row, so the same user's uploads are
    counted one after the other and cannot slip past a quota together."""
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    used = _usage(user.id, ticket.id, now - DAY)
    caps = {"ticket": limits.for_ticket(ticket), "pending": limits.pending, "daily": limits.daily}
    for kind, limit in caps.items():
        if used[kind] + adding > limit:
            return Excess(kind, used[kind], limit)
    return None


def _usage(user_id: int, ticket_id: int, since: datetime) -> dict[str, int]:
    """Bytes on the ticket (attached, plus the user's uploads made for it and not attached
    yet), the user's uploads not attached anywhere, and the user's uploads since `since`."""
    unattached = Attachment.ticket_id.is_(None)
    mine = Attachment.user_id == user_id
    on_ticket = and_(
        Attachment.purged_at.is_(None),
        or_(
            Attachment.ticket_id == ticket_id,
            and_(unattached, mine, Attachment.for_ticket_id == ticket_id),
        ),
    )
    sums = {
        "ticket": on_ticket,
        "pending": and_(mine, unattached),
        "daily": and_(mine, Attachment.created_at >= since),
    }
    columns = [
        func.coalesce(func.sum(case((cond, Attachment.size), else_=0)), 0).label(kind)
        for kind, cond in sums.items()
    ]
    # Each branch has an index; a user's uploads of years past are never read.
    query = select(*columns).where(
        or_(sums["pending"], sums["daily"], Attachment.ticket_id == ticket_id)
    )
    return dict(db.session.execute(query).one()._mapping)


def attachable(row: Attachment | None, ticket: Ticket, user: User) -> bool:
    """Whether an update by the user on the ticket may attach this upload: the user's own,
    made for this ticket (or before that was recorded), on no other ticket, not purged."""
    return (
        row is not None
        and row.user_id == user.id
        and row.purged_at is None
        and row.ticket_id in (None, ticket.id)
        and row.for_ticket_id in (None, ticket.id)
    )
