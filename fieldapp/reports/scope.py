"""Which teams a report may show: a leader their team, a company its teams, an admin all."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from fieldapp.extensions import db
from fieldapp.models import Company, Team, User

READERS = ("team_lead", "company", "admin")


class ScopeError(Exception):
    """The user may not read this report (403) or asked for a company or team not theirs (404)."""

    def __init__(self, status: int, message):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Scope:
    """The companies and teams a report covers, in display order."""

    companies: tuple[Company, ...]
    teams: tuple[Team, ...]
    everything: bool = False  # every team of every company: no team filter needed

    def team_ids(self) -> list[int] | None:
        """Team ids to filter tickets by; None means all teams."""
        return None if self.everything else [t.id for t in self.teams]

    def company_of(self, team: Team) -> Company:
        """The team's company (loaded with the scope)."""
        return next(c for c in self.companies if c.id == team.company_id)


FORBIDDEN = _l("Báo cáo chỉ dành cho đội trưởng, công ty điện lực và quản trị viên.")
NOT_FOUND = _l("Không tìm thấy đơn vị này trong phạm vi bạn được xem.")


def report_scope(user: User, company: str | None = None, team: str | None = None) -> Scope:
    """The scope a user asked for, narrowed by an optional company and team code."""
    if user.role not in READERS:
        raise ScopeError(403, FORBIDDEN)
    companies = _companies(user, company)
    teams = [t for c in companies for t in c.teams]
    if user.role == "team_lead":
        teams = [t for t in teams if t.id == user.team_id]
    if team:
        teams = [t for t in teams if t.code == team]
    if not teams:
        raise ScopeError(
            404 if (company or team) else 403, NOT_FOUND if (company or team) else FORBIDDEN
        )
    companies = [c for c in companies if any(t.company_id == c.id for t in teams)]
    everything = user.role == "admin" and not company and not team
    return Scope(tuple(companies), tuple(teams), everything)


def _companies(user: User, code: str | None) -> list[Company]:
    """The companies the user may read (teams loaded), or only the one named."""
    query = select(Company).options(selectinload(Company.teams)).order_by(Company.code)
    if user.role == "company":
        query = query.where(Company.id == user.company_id)
    elif user.role == "team_lead":
        query = query.join(Team, Team.company_id == Company.id).where(Team.id == user.team_id)
    if code:
        query = query.where(Company.code == code)
    return list(db.session.execute(query).scalars().unique())


def company_choices(user: User) -> list[Company]:
    """The companies an admin may narrow a report to; nobody else chooses."""
    if user.role != "admin":
        return []
    return list(db.session.execute(select(Company).order_by(Company.code)).scalars())
