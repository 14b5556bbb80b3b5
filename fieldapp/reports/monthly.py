"""The monthly report (DOMAIN §6): rows per team, per company and in total, for two periods."""

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from fieldapp.models import Company, Team
from fieldapp.reports.incidents import IncidentFigures, month_incidents
from fieldapp.reports.metrics import COLUMNS
from fieldapp.reports.periods import Period, month_periods
from fieldapp.reports.queries import report_counts
from fieldapp.reports.scope import Scope


@dataclass(frozen=True)
class Row:
    """One line of the table: a team, a company's subtotal or the grand total."""

    kind: str  # team | company | total
    label: str
    values: dict[str, int | None]
    team_code: str = ""
    company_code: str = ""
    link_args: dict = field(default_factory=dict)  # narrows the list of tickets behind a number

    @property
    def key(self) -> str:
        """team:CODE, company:CODE or total: names the row in the page's markup."""
        return {"team": f"team:{self.team_code}", "company": f"company:{self.company_code}"}.get(
            self.kind, "total"
        )


@dataclass(frozen=True)
class PeriodTable:
    """The report for one period."""

    period: Period
    title: str
    rows: list[Row]


@dataclass(frozen=True)
class MonthlyReport:
    """The month and the year to date, for one scope."""

    scope: Scope
    company: str | None  # the company filter asked for, if any
    month: PeriodTable
    ytd: PeriodTable
    incidents: list[IncidentFigures] = field(default_factory=list)  # those started in the month

    @property
    def tables(self) -> tuple[PeriodTable, PeriodTable]:
        return self.month, self.ytd

    @property
    def heading(self) -> str:
        """ "Báo cáo tháng 03/2027": the page's title."""
        period = self.month.period
        return _("Báo cáo tháng %(month)02d/%(year)d", month=period.last_month, year=period.year)


def build_report(
    scope: Scope, year: int, month: int, tz: ZoneInfo, now: datetime, company: str | None = None
) -> MonthlyReport:
    """Count the month and the year to date for every team of the scope; list the month's
    wide-area incidents."""
    tables = []
    for period in month_periods(year, month, tz, now):
        counts = report_counts(period, scope.team_ids())
        tables.append(PeriodTable(period, period_title(period), _rows(scope, counts, company)))
    month_list = month_incidents(tables[0].period, scope.team_ids(), now)
    month_table, ytd_table = tables
    return MonthlyReport(scope, company, month_table, ytd_table, month_list)


def period_title(period: Period) -> str:
    """ "Tháng 03/2027" or "Lũy kế năm 2027 (01/2027 – 03/2027)"."""
    if period.kind == "month":
        return _("Tháng %(month)02d/%(year)d", month=period.last_month, year=period.year)
    return _(
        "Lũy kế năm %(year)d (01/%(year)d – %(month)02d/%(year)d)",
        year=period.year,
        month=period.last_month,
    )


def _empty() -> dict[str, int | None]:
    return {c.key: (0 if c.recorded else None) for c in COLUMNS}


def _team_row(team: Team, company: Company, counts: dict[int, dict[str, int]]) -> Row:
    values = _empty()
    values.update(counts.get(team.id, {}))
    return Row("team", team.name, values, team.code, company.code, {"team": team.code})


def _sum(rows: list[Row]) -> dict[str, int | None]:
    values = _empty()
    for column in COLUMNS:
        if column.recorded:
            values[column.key] = sum(r.values[column.key] or 0 for r in rows)
    return values


def _company_rows(company: Company, teams: list[Team], counts) -> tuple[list[Row], Row]:
    """The company's team rows and its subtotal line."""
    rows = [_team_row(t, company, counts) for t in teams]
    subtotal = Row(
        "company",
        _("Cộng %(name)s", name=company.name),
        _sum(rows),
        "",
        company.code,
        {"company": company.code},
    )
    return rows, subtotal


def _rows(scope: Scope, counts: dict[int, dict[str, int]], company: str | None) -> list[Row]:
    """Team rows grouped by company, a subtotal per company when several, then the total."""
    several = len(scope.companies) > 1
    lines, team_rows = [], []
    for comp in scope.companies:
        teams = [t for t in scope.teams if t.company_id == comp.id]
        rows, subtotal = _company_rows(comp, teams, counts)
        lines += rows + ([subtotal] if several else [])
        team_rows += rows
    total_args = {"company": company} if company else {}
    return lines + [Row("total", _("Tổng cộng"), _sum(team_rows), link_args=total_args)]
