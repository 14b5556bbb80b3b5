"""Evidence housekeeping: uploads no update attached, and evidence past its retention.

- Clean-up: an upload no update attached within EVIDENCE_UNATTACHED_HOURS (a day) is deleted.
- Retention (DOMAIN §7), counted from the ticket's completion or return: a complaint's evidence
  is kept EVIDENCE_KEEP_YEARS (3), a serious complaint's EVIDENCE_KEEP_SERIOUS_YEARS (5), other
  tickets' EVIDENCE_KEEP_OTHER_YEARS (unset: kept, the procedure sets no limit for them). A
  complaint is serious when the procedure takes it above the team (§7): it came through the
  media, the customer is flagged difficult, or it is the third contact or more about it.
  A purged file keeps its row (name, size, who, when) without its bytes, so the timeline still
  says what was there and when retention removed it.

Both run from the sweep, at most every EVIDENCE_SWEEP_HOURS, and from `flask evidence`. They
work in committed batches and are safe to run twice or at once: a second run finds nothing.
"""

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import cast

from flask import current_app
from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Delete,
    Select,
    Update,
    and_,
    delete,
    func,
    not_,
    or_,
    select,
    update,
)

from fieldapp.extensions import db
from fieldapp.models import Attachment, Ticket, utcnow
from fieldapp.redis_conn import get_redis
from fieldapp.services.evidence import COMPLAINT_TYPES
from fieldapp.services.transactions import begin_write

BATCH = 1000
SERIOUS_CONTACTS = 3
SWEEP_KEY = "fieldapp:evidence-sweep"
ENDED = func.coalesce(Ticket.completed_at, Ticket.returned_at)


def unattached_due(now: datetime, *columns) -> Select:
    """Uploads no update attached, older than EVIDENCE_UNATTACHED_HOURS: `columns`, else the
    listing (id, ticket_id, crm_id, filename, size, since) oldest first."""
    hours = float(current_app.config["EVIDENCE_UNATTACHED_HOURS"])
    query = select(*(columns or _listing(Attachment.for_ticket_id, Attachment.created_at)))
    query = query.outerjoin(Ticket, Ticket.id == Attachment.for_ticket_id)
    query = query.where(
        Attachment.ticket_id.is_(None), Attachment.created_at < now - timedelta(hours=hours)
    )
    return query if columns else query.order_by(Attachment.created_at, Attachment.id)


def purge_due(now: datetime, *columns) -> Select:
    """Attached files whose retention has run out: `columns`, else the listing (id, ticket_id,
    crm_id, filename, size, since: the ticket's end) oldest first."""
    query = select(*(columns or _listing(Attachment.ticket_id, ENDED)))
    query = query.join(Ticket, Ticket.id == Attachment.ticket_id)
    query = query.where(Attachment.purged_at.is_(None), _expired(now))
    return query if columns else query.order_by(ENDED, Attachment.id)


def cleanup(now: datetime | None = None) -> int:
    """Delete the uploads no update attached in time; how many."""
    now = now or utcnow()
    return _in_batches(
        unattached_due(now, Attachment.id),
        lambda ids: delete(Attachment).where(
            Attachment.id.in_(ids), Attachment.ticket_id.is_(None)
        ),
    )  # attached meanwhile: kept


def purge(now: datetime | None = None) -> int:
    """Remove the bytes of the files past their retention, marking them purged; how many."""
    now = now or utcnow()
    return _in_batches(
        purge_due(now, Attachment.id),
        lambda ids: (
            update(Attachment)
            .where(Attachment.id.in_(ids), Attachment.purged_at.is_(None))
            .values(data=b"", purged_at=now)
        ),
    )


def sweep() -> str:
    """The sweep's step: both jobs, at most once per EVIDENCE_SWEEP_HOURS over every worker
    (a lost Redis key only makes them run once more, which changes nothing)."""
    seconds = max(1, int(float(current_app.config["EVIDENCE_SWEEP_HOURS"]) * 3600))
    if not get_redis().set(SWEEP_KEY, utcnow().isoformat(), nx=True, ex=seconds):
        return "not due"
    return f"{cleanup()} unattached deleted, {purge()} purged"


def years_before(now: datetime, years: int) -> datetime:
    """The same moment `years` calendar years earlier (29 February becomes the 28th)."""
    try:
        return now.replace(year=now.year - years)
    except ValueError:
        return now.replace(year=now.year - years, day=28)


def _expired(now: datetime) -> ColumnElement[bool]:
    """Tickets whose evidence is past its retention at `now`."""
    config = current_app.config
    complaint = Ticket.type.in_(COMPLAINT_TYPES)
    serious = or_(
        Ticket.type == "MEDIA_COMPLAINT",
        Ticket.customer_difficult.is_(True),
        Ticket.contact_count >= SERIOUS_CONTACTS,
    )
    rules = [
        and_(complaint, serious, ENDED < years_before(now, config["EVIDENCE_KEEP_SERIOUS_YEARS"])),
        and_(complaint, not_(serious), ENDED < years_before(now, config["EVIDENCE_KEEP_YEARS"])),
    ]
    if config.get("EVIDENCE_KEEP_OTHER_YEARS") is not None:
        rules.append(
            and_(not_(complaint), ENDED < years_before(now, config["EVIDENCE_KEEP_OTHER_YEARS"]))
        )
    return or_(*rules)


def _listing(ticket_id, since) -> tuple:
    """The columns `flask evidence` lists."""
    return (
        Attachment.id,
        ticket_id.label("ticket_id"),
        Ticket.crm_id,
        Attachment.filename,
        Attachment.size,
        since.label("since"),
    )


def _in_batches(due_ids: Select, change: Callable[[Sequence[int]], Update | Delete]) -> int:
    """Apply `change(ids)` to the due rows, BATCH at a time, each batch its own transaction."""
    total = 0
    while True:
        begin_write()
        ids = db.session.scalars(due_ids.limit(BATCH)).all()
        if not ids:
            db.session.rollback()
            return total
        statement = change(ids).execution_options(synchronize_session=False)
        # A DML statement's result is a CursorResult; Session.execute is typed for any.
        total += cast(CursorResult, db.session.execute(statement)).rowcount
        db.session.commit()
