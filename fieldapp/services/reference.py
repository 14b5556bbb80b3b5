"""Teams and the working calendar, kept per process: read by every intake, changed rarely.

Any change to a team or a calendar override bumps one version number in the database, in the
transaction that makes it (a flush listener, so the admin screens, the API, `org load` and the
CLI all do it without knowing). A reader compares the version it read with the one its copy
was built at and rebuilds on a difference. The intake reads the version inside its first
statement, so the check costs it no round trip; an administrator's change reaches every
process on every host with the next request, and nothing depends on Redis or on a timer.
"""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import Subquery, event, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from fieldapp.extensions import db
from fieldapp.models import CacheVersion, CalendarOverride, Team
from fieldapp.rules.calendar import WorkCalendar

NAME = "reference"  # the one version of teams and calendar overrides
_KEY = "fieldapp.reference"


@dataclass(frozen=True)
class TeamRef:
    """A team as the intake needs it; immutable, so threads share it safely."""

    id: int
    code: str
    name: str
    company_id: int


@dataclass(frozen=True)
class Reference:
    """The teams by code and the calendar, as of one version."""

    version: int
    teams: dict[str, TeamRef]
    calendar: WorkCalendar


def version_column() -> Subquery:
    """One row, one column `version` (0 before any change), to join into a query."""
    return (
        select(func.coalesce(func.max(CacheVersion.version), 0).label("version"))
        .where(CacheVersion.name == NAME)
        .subquery("reference_version")
    )


def current(version: int | None = None) -> Reference:
    """The reference data at `version` (read from the database when not given)."""
    if version is None:
        version = db.session.scalar(select(version_column().c.version)) or 0
    kept = current_app.extensions.get(_KEY)
    if kept is None or kept.version != version:
        kept = _load(version)
        current_app.extensions[_KEY] = kept
    return kept


def current_calendar() -> WorkCalendar:
    """The working-day calendar with the administrator's overrides."""
    return current().calendar


def team_known(code: str) -> bool:
    """Is this one of our teams? The copy answers; a code it lacks is looked up, since a team
    may have been added since (a removed one is caught by the intake's version check)."""
    kept = current_app.extensions.get(_KEY)
    if kept is not None and code in kept.teams:
        return True
    return db.session.scalar(select(Team.id).where(Team.code == code)) is not None


def _load(version: int) -> Reference:
    teams = {
        row.code: TeamRef(row.id, row.code, row.name, row.company_id)
        for row in db.session.execute(select(Team.id, Team.code, Team.name, Team.company_id))
    }
    overrides = db.session.execute(select(CalendarOverride.day, CalendarOverride.kind)).all()
    calendar = WorkCalendar(
        tz=current_app.config["FIELDAPP_TIMEZONE"],
        off_days=[day for day, kind in overrides if kind == "off"],
        work_days=[day for day, kind in overrides if kind == "work"],
    )
    return Reference(version, teams, calendar)


@event.listens_for(Session, "before_flush")
def _bump_on_change(session: Session, _context, _instances) -> None:
    """A flush that adds, changes or deletes a team or an override bumps the version."""
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(obj, Team | CalendarOverride) for obj in changed):
        connection = session.connection()
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(CacheVersion.__table__).values(name=NAME, version=1)
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=["name"], set_={"version": CacheVersion.__table__.c.version + 1}
            )
        )
