"""The board's filters, read from the query string, and the tickets they select."""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from fieldapp.extensions import db
from fieldapp.i18n import to_local
from fieldapp.models import DESKS, Team, Ticket, User
from fieldapp.rules.actions import OPEN_STATUSES
from fieldapp.rules.clocks import OVERDUE_KINDS, due_on
from fieldapp.rules.customers import FLAGS
from fieldapp.services.access import visible_tickets
from fieldapp.services.ticket_state import to_state
from fieldapp.tickets.views import Row, make_row

STATUSES = ("open", "received", "accepted", "in_progress", "completed", "returned", "all")
CLOSED_LIMIT = 200  # closed tickets pile up: the board shows the latest ones


@dataclass(frozen=True)
class Filters:
    """What the leader asked to see."""

    status: str = "open"
    desk: str | None = None
    overdue: tuple[str, ...] = ()  # kinds of overdue (rules.clocks.OVERDUE_KINDS), any of them
    due_today: bool = False
    flags: tuple[str, ...] = ()
    team: str | None = None

    @classmethod
    def from_args(cls, args: MultiDict) -> "Filters":
        """The filters of a query string; unknown values are ignored."""
        status = args.get("status")
        return cls(
            status=status if status in STATUSES else "open",
            desk=args.get("desk") if args.get("desk") in DESKS else None,
            overdue=tuple(k for k in args.getlist("overdue") if k in OVERDUE_KINDS),
            due_today=args.get("due_today") == "1",
            flags=tuple(f for f in args.getlist("flags") if f in FLAGS),
            team=args.get("team") or None,
        )

    def as_args(self) -> list[tuple[str, str]]:
        """The query string's pairs that ask for these filters again."""
        pairs = [("team", self.team)] if self.team else []
        pairs += [("status", self.status)] if self.status != "open" else []
        pairs += [("desk", self.desk)] if self.desk else []
        pairs += [("overdue", k) for k in self.overdue]
        pairs += [("due_today", "1")] if self.due_today else []
        return pairs + [("flags", f) for f in self.flags]

    def chips(self) -> list[tuple[str, str, str]]:
        """The filters in force besides the team, each as (name, value, the query string of
        the board without it): the bar shows them as chips that take them off."""
        pairs = self.as_args()
        return [
            (name, value, urlencode([p for p in pairs if p != (name, value)]))
            for name, value in pairs
            if name != "team"
        ]


def board_teams(user: User) -> list[Team]:
    """The teams whose board the user may open."""
    query = db.select(Team).order_by(Team.code)
    ids = user.visible_team_ids()
    if ids is not None:
        query = query.where(Team.id.in_(ids))
    return list(db.session.execute(query).scalars())


def board_team(teams: list[Team], asked: str | None) -> Team | None:
    """The team asked for; None for all of them, where one oversees several (the default)."""
    chosen = next((t for t in teams if t.code == asked), None)
    if chosen or len(teams) == 1:
        return chosen or teams[0]
    return None


def board_rows(user: User, team: Team | None, filters: Filters, now: datetime) -> list[Row]:
    """The team's (None: every team the user sees) tickets matching the filters: overdue first,
    then by the next deadline."""
    query = visible_tickets(user)
    if team is not None:
        query = query.where(Ticket.team_id == team.id)
    if filters.status == "open":
        query = query.where(Ticket.status.in_(OPEN_STATUSES))
    elif filters.status != "all":
        query = query.where(Ticket.status == filters.status)
    if filters.desk:
        query = query.where(Ticket.desk == filters.desk)
    query = query.order_by(Ticket.updated_at.desc()).limit(
        CLOSED_LIMIT if filters.status != "open" else None
    )
    query = query.options(selectinload(Ticket.assignee), selectinload(Ticket.team))
    rows = [make_row(t, user, now) for t in db.session.execute(query).scalars()]
    rows = [r for r in rows if _matches(r, filters, now)]
    return sorted(
        rows, key=lambda r: (not r.overdue, r.badge.due_at if r.badge else now, r.ticket.id)
    )


def _matches(row: Row, filters: Filters, now: datetime) -> bool:
    """The filters SQL cannot express portably: overdue, due today, flags."""
    if filters.overdue and not set(filters.overdue) & set(row.overdue):
        return False
    today = to_local(now).date()
    if filters.due_today and not due_on(to_state(row.ticket), today, to_local):
        return False
    return set(filters.flags) <= set(row.ticket.flags or ())
