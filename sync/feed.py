"""The change feed: tickets changed since a cursor, so a phone can refresh what it holds."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, or_
from sqlalchemy.orm import selectinload

from fieldapp.extensions import db
from fieldapp.models import Event, Ticket, User
from fieldapp.rules.actions import OPEN_STATUSES
from fieldapp.services.access import visible_tickets

PAGE = 500
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# A change committed a little after a newer one was read would slip past a cursor set at
# "now"; the cursor therefore trails the clock, and phones receive a few tickets twice.
OVERLAP = timedelta(seconds=10)


def changes_since(user: User, cursor: str | None, now: datetime) -> tuple[str, list[Ticket]]:
    """(next cursor, tickets): changes after the cursor, or every open ticket without one."""
    query = visible_tickets(user).options(
        selectinload(Ticket.events).selectinload(Event.user),
        selectinload(Ticket.reminders),
        selectinload(Ticket.team),
        selectinload(Ticket.assignee),
    )
    since = decode_cursor(cursor) if cursor else None
    if since is None:
        query = query.where(Ticket.status.in_(OPEN_STATUSES))
    else:
        at, last_id = since
        query = query.where(
            or_(Ticket.updated_at > at, and_(Ticket.updated_at == at, Ticket.id > last_id))
        )
    rows = db.session.execute(query.order_by(Ticket.updated_at, Ticket.id).limit(PAGE))
    tickets = list(rows.scalars())
    if len(tickets) == PAGE:
        return encode_cursor(tickets[-1].updated_at, tickets[-1].id), tickets
    floor = (now - OVERLAP, 0)
    return encode_cursor(*max(since or floor, floor)), tickets


def encode_cursor(at: datetime, ticket_id: int) -> str:
    """An opaque, URL-safe cursor: microseconds since the epoch and a ticket id."""
    micros = (at - _EPOCH) // timedelta(microseconds=1)
    return f"{micros}-{ticket_id}"


def decode_cursor(cursor: str) -> tuple[datetime, int] | None:
    """The (time, id) a cursor stands for; None when it is not one of ours."""
    try:
        micros, ticket_id = (int(part) for part in cursor.split("-", 1))
        return _EPOCH + timedelta(microseconds=micros), ticket_id
    except (ValueError, OverflowError, OSError):
        return None
