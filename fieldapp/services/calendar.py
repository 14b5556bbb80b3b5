"""The working-day calendar in force: the holidays package plus the administrator's overrides."""

from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.models import CalendarOverride
from fieldapp.rules.calendar import WorkCalendar
from fieldapp.services import reference
from fieldapp.services.transactions import begin_write


def current_calendar() -> WorkCalendar:
    """The calendar with today's overrides; rebuilt only when they change (services.reference)."""
    return reference.current_calendar()


def set_override(day, kind: str | None, note: str = "") -> None:
    """Mark a day as off or as a working day; kind None removes the override."""
    begin_write()
    row = db.session.execute(
        select(CalendarOverride).where(CalendarOverride.day == day)
    ).scalar_one_or_none()
    if kind is None:
        if row is not None:
            db.session.delete(row)
    elif row is None:
        db.session.add(CalendarOverride(day=day, kind=kind, note=note))
    else:
        row.kind, row.note = kind, note
    db.session.commit()


def list_overrides() -> list[CalendarOverride]:
    """The administrator's corrections, by day."""
    return list(db.session.scalars(select(CalendarOverride).order_by(CalendarOverride.day)))
