"""A ticket's three clocks (DOMAIN.md §3): accept by, contact by, resolve by."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fieldapp.rules.calendar import WorkCalendar, require_aware
from fieldapp.rules.catalog import get_type
from fieldapp.rules.state import BUSINESS, OPERATIONS

ACCEPT_WITHIN = timedelta(minutes=3)
DESKS = (OPERATIONS, BUSINESS)


@dataclass(frozen=True)
class Deadlines:
    """The desk a new ticket goes to and its deadlines, in UTC."""

    desk: str
    accept_by: datetime
    contact_by: datetime | None
    resolve_by: datetime


def route_desk(type_code: str, received_at: datetime, cal: WorkCalendar) -> str:
    """The desk that handles a new ticket; RECONNECT goes by office hours."""
    desk = get_type(type_code).desk
    if desk is not None:
        return desk
    return BUSINESS if cal.in_office_hours(received_at) else OPERATIONS


def accept_by(
    desk: str, received_at: datetime, cal: WorkCalendar, around_the_clock: bool = False
) -> datetime:
    """3 minutes after receipt, or for the business desk after its next opening (unless the
    type is accepted around the clock: a media complaint, DOMAIN §7)."""
    if desk not in DESKS:
        raise ValueError(f"unknown desk {desk!r}")
    start = require_aware(received_at).astimezone(UTC)
    if desk == BUSINESS and not around_the_clock:
        # The business desk works office hours only: its 3 minutes start when it opens.
        start = max(start, cal.next_office_opening(received_at))
    return start + ACCEPT_WITHIN


def resolve_by(type_code: str, received_at: datetime, cal: WorkCalendar) -> datetime:
    """Receipt + N hours (wall clock), or 16:55 on the N-th working day after receipt."""
    kind = get_type(type_code)
    if kind.resolve_hours is not None:
        return require_aware(received_at).astimezone(UTC) + timedelta(hours=kind.resolve_hours)
    assert kind.resolve_working_days is not None, f"{type_code} has no resolve deadline"
    return cal.working_day_deadline(received_at, kind.resolve_working_days)


def contact_by_on_receipt(type_code: str, received_at: datetime, cal: WorkCalendar):
    """The contact deadline known at receipt (COMPLAINT: 1 wd), else None."""
    days = get_type(type_code).contact_working_days
    return None if days is None else cal.working_day_deadline(received_at, days)


def contact_by_on_accept(type_code: str, accepted_at: datetime) -> datetime | None:
    """The contact deadline that starts at acceptance (OUTAGE: 30 min), else None."""
    minutes = get_type(type_code).contact_after_accept_minutes
    if minutes is None:
        return None
    return require_aware(accepted_at).astimezone(UTC) + timedelta(minutes=minutes)


def compute(
    type_code: str, received_at: datetime, cal: WorkCalendar, desk: str | None = None
) -> Deadlines:
    """The desk and deadlines of a ticket received at received_at (desk routed if None)."""
    desk = desk or route_desk(type_code, received_at, cal)
    resolve = resolve_by(type_code, received_at, cal)
    accept = accept_by(desk, received_at, cal, get_type(type_code).around_the_clock)
    # Accepting is the first step of resolving: it is never due after the ticket itself.
    return Deadlines(
        desk=desk,
        accept_by=min(accept, resolve),
        contact_by=contact_by_on_receipt(type_code, received_at, cal),
        resolve_by=resolve,
    )
