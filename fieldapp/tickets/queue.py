"""'Việc của tôi' in tabs: the user's own open tickets, the desk's unassigned ones, the whole
queue of the desk (the team for a leader), and the user's recently completed ones.

The open tabs are counted from one light query of the queue (id and holder); only the shown
tab's tickets are loaded whole and badged."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select
from sqlalchemy.orm import selectinload

from fieldapp.extensions import db
from fieldapp.models import Ticket, User
from fieldapp.rules.actions import DESK_ROLES, OPEN_STATUSES
from fieldapp.services.access import visible_tickets
from fieldapp.tickets.views import Row, make_row

OPEN_TABS = ("mine", "unassigned", "team")
TABS = (*OPEN_TABS, "done")
DONE_LIMIT = 20


@dataclass(frozen=True)
class Queue:
    """One tab of the queue, the counts of the open tabs, and what the phone keeps offline."""

    tab: str
    default: str
    rows: list[Row]
    counts: dict[str, int]
    keep: tuple[int, ...]  # the queue's open tickets, whose pages the phone keeps


def desk_queue(user: User) -> Select:
    """The open tickets of the user's desk (a leader's: the team's)."""
    query = visible_tickets(user).where(Ticket.status.in_(OPEN_STATUSES))
    if user.role in DESK_ROLES and user.desk:
        query = query.where(Ticket.desk == user.desk)
    return query


def default_tab(counts: dict[str, int]) -> str:
    """Mine first; with nothing of one's own, where the work waits."""
    return "mine" if counts["mine"] else "unassigned"


def load(user: User, tab: str | None, now: datetime) -> Queue:
    """The asked tab (the default one when none or unknown is asked) with the counts."""
    holders = db.session.execute(
        desk_queue(user).with_only_columns(Ticket.id, Ticket.assignee_id)
    ).all()
    counts = {
        "team": len(holders),
        "mine": sum(1 for _id, holder in holders if holder == user.id),
        "unassigned": sum(1 for _id, holder in holders if holder is None),
    }
    default = default_tab(counts)
    tab = tab if tab in TABS else default
    rows = done_rows(user, now) if tab == "done" else open_rows(user, tab, now)
    return Queue(tab, default, rows, counts, tuple(sorted(i for i, _holder in holders)))


def open_rows(user: User, tab: str, now: datetime) -> list[Row]:
    """An open tab's tickets: the user's own first, then by time left."""
    query = desk_queue(user)
    if tab == "mine":
        query = query.where(Ticket.assignee_id == user.id)
    elif tab == "unassigned":
        query = query.where(Ticket.assignee_id.is_(None))
    rows = [make_row(t, user, now) for t in db.session.execute(_with_names(query)).scalars()]
    return sorted(rows, key=lambda r: (not r.mine, r.badge.due_at if r.badge else now, r.ticket.id))


def done_rows(user: User, now: datetime) -> list[Row]:
    """The user's last completed tickets, the latest first."""
    query = (
        visible_tickets(user)
        .where(Ticket.assignee_id == user.id, Ticket.status == "completed")
        .order_by(Ticket.completed_at.desc(), Ticket.id.desc())
        .limit(DONE_LIMIT)
    )
    return [make_row(t, user, now) for t in db.session.execute(_with_names(query)).scalars()]


def _with_names(query: Select) -> Select:
    return query.options(selectinload(Ticket.assignee), selectinload(Ticket.team))
