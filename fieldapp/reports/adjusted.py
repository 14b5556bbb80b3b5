"""Ops whose time the server moved or bounded by more than rules.claims.NOTABLE_MOVE.

A phone's clock may be wrong, or its user may claim a time the server cannot believe (before
the ticket reached the server, before the last action on it, before the phone's own last
sync). The server records what it did (events.claimed_at, moved_seconds, bounded_by); leaders
read the notable cases here."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager, selectinload

from fieldapp.extensions import db
from fieldapp.models import Event, Ticket
from fieldapp.reports.scope import Scope
from fieldapp.rules.claims import NOTABLE_MOVE

PERIOD = timedelta(days=30)
LIMIT = 200


@dataclass(frozen=True)
class Adjusted:
    """One op whose time was moved: what was claimed, what was recorded, and why."""

    event: Event
    moved: timedelta
    skew: timedelta | None


def adjusted_ops(scope: Scope, now: datetime) -> list[Adjusted]:
    """The scope's ops of the last 30 days moved by more than NOTABLE_MOVE, newest first."""
    limit = int(NOTABLE_MOVE.total_seconds())
    query = (
        select(Event)
        .join(Event.ticket)
        .options(contains_eager(Event.ticket).selectinload(Ticket.team), selectinload(Event.user))
        .where(
            Event.recorded_at >= now - PERIOD,
            or_(Event.moved_seconds > limit, Event.moved_seconds < -limit),
        )
        .order_by(Event.recorded_at.desc(), Event.id.desc())
        .limit(LIMIT)
    )
    if (teams := scope.team_ids()) is not None:
        query = query.where(Ticket.team_id.in_(teams))
    return [
        Adjusted(
            e,
            timedelta(seconds=e.moved_seconds or 0),  # moved: it has seconds
            timedelta(seconds=e.skew_seconds) if e.skew_seconds else None,
        )
        for e in db.session.scalars(query)
    ]
