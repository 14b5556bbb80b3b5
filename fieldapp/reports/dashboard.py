"""The leaders' dashboard: per team, today's numbers and a chart of the last 30 days."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from fieldapp.models import Team
from fieldapp.reports.charts import Chart, daily_chart
from fieldapp.reports.metrics import DAY_BUCKETS, LIVE_BUCKETS
from fieldapp.reports.periods import day_span, last_days, local_midnight, local_today
from fieldapp.reports.queries import daily_counts, live_counts
from fieldapp.reports.scope import Scope

CHART_DAYS = 30


@dataclass(frozen=True)
class TeamBoard:
    """One team's numbers now and its chart."""

    team: Team
    live: dict[str, int]
    chart: Chart


@dataclass(frozen=True)
class Dashboard:
    scope: Scope
    today: date
    now: datetime
    teams: list[TeamBoard]
    totals: dict[str, int]


def build_dashboard(scope: Scope, tz: ZoneInfo, now: datetime) -> Dashboard:
    """Count today's numbers and the last 30 days for every team of the scope."""
    today = local_today(now, tz)
    team_ids = scope.team_ids()
    live = live_counts(
        team_ids, now, local_midnight(today, tz), local_midnight(today + timedelta(days=1), tz)
    )
    days = last_days(today, CHART_DAYS)
    daily = daily_counts(team_ids, [(d, *day_span(d, tz, now)) for d in days])
    boards = []
    for team in scope.teams:
        numbers = {b: live.get(team.id, {}).get(b, 0) for b in LIVE_BUCKETS}
        series = [
            (d, {b: daily.get((team.id, d), {}).get(b, 0) for b in DAY_BUCKETS}) for d in days
        ]
        boards.append(TeamBoard(team, numbers, daily_chart(series)))
    totals = {b: sum(board.live[b] for board in boards) for b in LIVE_BUCKETS}
    return Dashboard(scope, today, now, boards, totals)
