"""The reports' SQL: counts grouped by team inside the database, and the tickets behind one.

Every count is `count(*) FILTER (WHERE condition)` over the tickets a period or a day can
touch, grouped by team, so the database returns one row per team however many tickets a
company has.
"""

from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.elements import ColumnElement

from fieldapp.extensions import db
from fieldapp.models import Ticket
from fieldapp.reports import metrics
from fieldapp.reports.periods import Period
from fieldapp.rules.lifecycle import OPEN_STATUSES

DaySpan = tuple[date, datetime, datetime]  # a local day and its [start, end) in UTC


def _teams(team_ids: list[int] | None) -> list[ColumnElement[bool]]:
    return [] if team_ids is None else [Ticket.team_id.in_(team_ids)]


def _counts(conditions: Mapping[str, ColumnElement[bool] | None]) -> list:
    return [
        func.count().filter(cond).label(key) for key, cond in conditions.items() if cond is not None
    ]


def _by_team(query) -> dict[int, dict[str, int]]:
    """{team_id: {column: count}} from a query whose first column is the team id."""
    result = {}
    for row in db.session.execute(query).mappings():
        values = dict(row)
        result[values.pop("team_id")] = values
    return result


def report_counts(period: Period, team_ids: list[int] | None) -> dict[int, dict[str, int]]:
    """The monthly report's numbers per team for tickets received in the period."""
    query = (
        select(Ticket.team_id, *_counts(metrics.report_conditions(period.as_of)))
        .where(metrics.received_in(period.start, period.end), *_teams(team_ids))
        .group_by(Ticket.team_id)
    )
    return _by_team(query)


def live_counts(
    team_ids: list[int] | None, now: datetime, day_start: datetime, day_end: datetime
) -> dict[int, dict[str, int]]:
    """The dashboard's numbers now, per team."""
    # Only open tickets and today's completions can count: the rest is never read.
    relevant = or_(Ticket.status.in_(OPEN_STATUSES), Ticket.completed_at >= day_start)
    conditions = metrics.live_conditions(now, day_start, day_end)
    query = (
        select(Ticket.team_id, *_counts(conditions))
        .where(relevant, *_teams(team_ids))
        .group_by(Ticket.team_id)
    )
    return _by_team(query)


def daily_counts(
    team_ids: list[int] | None, spans: list[DaySpan]
) -> dict[tuple[int, date], dict[str, int]]:
    """{(team_id, day): numbers} for the chart, in one scan of the tickets the days touch.

    Each day's four numbers are columns of their own (4 × 30 counts per team row): one pass
    over the tickets open at some point of the window, where a join against a table of days
    would read them once per day.
    """
    columns = []
    for i, (_, start, end) in enumerate(spans):
        conditions = metrics.day_conditions(start, end)
        columns += [
            func.count().filter(conditions[k]).label(f"{k}_{i}") for k in metrics.DAY_BUCKETS
        ]
    query = (
        select(Ticket.team_id, *columns)
        .where(_touching(spans[0][1], spans[0][2], spans[-1][2]), *_teams(team_ids))
        .group_by(Ticket.team_id)
    )
    result = {}
    for row in db.session.execute(query).mappings():
        for i, (day, _, _) in enumerate(spans):
            result[(row["team_id"], day)] = {k: row[f"{k}_{i}"] for k in metrics.DAY_BUCKETS}
    return result


def _touching(
    first_start: datetime, first_end: datetime, last_end: datetime
) -> ColumnElement[bool]:
    """Tickets that can count on some day of the window: open at a day's end or closed in it.

    Written as alternatives the indexes can serve: open now (team, status), completed since
    the window began, returned after its first day ended.
    """
    return and_(
        Ticket.received_at < last_end,
        or_(
            Ticket.status.in_(OPEN_STATUSES),
            Ticket.completed_at >= first_start,
            Ticket.returned_at >= first_end,
        ),
    )


def count_where(
    team_ids: list[int] | None, conditions: dict[str, ColumnElement[bool]], where: tuple = ()
) -> dict[str, int]:
    """Counts of several conditions over the scope, in one query (tabs of the ticket list)."""
    query = select(*_counts(conditions)).where(*where, *_teams(team_ids))
    return dict(db.session.execute(query).mappings().one())


def tickets_page(
    team_ids: list[int] | None, condition: ColumnElement[bool], page: int, per_page: int
) -> tuple[list[Ticket], int]:
    """One page of the tickets matching a condition (oldest deadline first) and their total."""
    where = (condition, *_teams(team_ids))
    total = db.session.scalar(select(func.count()).select_from(Ticket).where(*where))
    query = (
        select(Ticket)
        .options(selectinload(Ticket.team))
        .where(*where)
        .order_by(Ticket.resolve_by, Ticket.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return list(db.session.execute(query).scalars()), total or 0
