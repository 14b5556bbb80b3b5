"""The call center chases a ticket (đôn đốc, CONTRACT): an op of the CRM through the write path."""

from datetime import datetime, timedelta

from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.models import Ticket, utcnow
from fieldapp.rules.claims import Floors, bound
from fieldapp.rules.state import Op
from fieldapp.services.calendar import current_calendar
from fieldapp.services.changes import ChangeSet
from fieldapp.services.policy import current_policy
from fieldapp.services.ticket_state import actor_of
from fieldapp.services.tickets import ticket_loads
from fieldapp.services.transactions import begin_write


def chase(crm_id: str, at: datetime, note: str = "", now: datetime | None = None):
    """Record the CRM's chase of a ticket at `at` (bounded by its receipt and now); the ticket
    as it stands after, or None for an unknown crm_id. A closed ticket is left as it is."""
    now = now or utcnow()
    begin_write()
    ticket = db.session.scalars(
        select(Ticket).where(Ticket.crm_id == crm_id).with_for_update()
    ).one_or_none()
    if ticket is None:
        db.session.rollback()
        return None
    at = bound(at, timedelta(0), Floors(received=ticket.received_at), now).at
    changes = ChangeSet(now, current_calendar(), current_policy())
    changes.judge(ticket, Op("chase", at, {"note": note}), actor_of(None))
    changes.flush()
    db.session.commit()
    return db.session.scalars(
        select(Ticket).where(Ticket.id == ticket.id).options(*ticket_loads())
    ).one()
