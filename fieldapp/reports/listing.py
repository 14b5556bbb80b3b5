"""The tickets behind a number of the dashboard or the monthly report."""

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import and_
from sqlalchemy.sql.elements import ColumnElement

from fieldapp.models import Ticket
from fieldapp.reports import metrics
from fieldapp.reports.monthly import period_title
from fieldapp.reports.periods import (
    day_span,
    local_midnight,
    local_today,
    month_periods,
    parse_day,
    parse_month,
)
from fieldapp.reports.queries import count_where, tickets_page
from fieldapp.reports.scope import Scope

PER_PAGE = 50


@dataclass(frozen=True)
class Tab:
    """A sibling number of the same moment (the other dashboard numbers), with its count."""

    bucket: str
    label: str
    count: int


@dataclass(frozen=True)
class TicketList:
    bucket: str
    label: str
    when: str  # "now", the day, or the report period, in words
    tickets: list[Ticket]
    total: int
    page: int
    pages: int
    tabs: list[Tab] = field(default_factory=list)
    link_args: dict = field(default_factory=dict)  # what the tabs and pages keep


def ticket_list(scope: Scope, args: dict, tz: ZoneInfo, now: datetime) -> TicketList:
    """The page of tickets for the bucket named in the (validated) arguments."""
    bucket = args["bucket"]
    if bucket in metrics.LIVE_BUCKETS:
        conditions, when, keep = _live(tz, now), _("hiện tại"), {}
    elif bucket in metrics.DAY_BUCKETS:
        day = parse_day(args.get("day") or "", local_today(now, tz))
        conditions = metrics.day_conditions(*day_span(day, tz, now))
        when, keep = day.strftime("%d/%m/%Y"), {"day": day.isoformat()}
    else:
        return _report_list(scope, args, tz, now)
    tickets, total = tickets_page(scope.team_ids(), conditions[bucket], args["page"], PER_PAGE)
    counts = count_where(scope.team_ids(), conditions)
    tabs = [Tab(b, str(metrics.BUCKET_LABELS[b]), counts[b]) for b in conditions]
    return TicketList(
        bucket,
        str(metrics.BUCKET_LABELS[bucket]),
        when,
        tickets,
        total,
        args["page"],
        _pages(total),
        tabs,
        keep,
    )


def _live(tz: ZoneInfo, now: datetime) -> dict[str, ColumnElement[bool]]:
    today = local_today(now, tz)
    return metrics.live_conditions(
        now, local_midnight(today, tz), local_midnight(today + timedelta(days=1), tz)
    )


def _report_list(scope: Scope, args: dict, tz: ZoneInfo, now: datetime) -> TicketList:
    """A monthly report number: received in the period and meeting the column's condition."""
    year, month = parse_month(args.get("month"), local_today(now, tz))
    month_period, ytd = month_periods(year, month, tz, now)
    period = ytd if args["period"] == "ytd" else month_period
    bucket = args["bucket"]
    recorded = metrics.report_conditions(period.as_of)[bucket]
    assert recorded is not None  # only recorded columns are listed (params.REPORT_BUCKETS)
    condition = and_(metrics.received_in(period.start, period.end), recorded)
    tickets, total = tickets_page(scope.team_ids(), condition, args["page"], PER_PAGE)
    label = next(
        str(c.label) if c.group is None else f"{c.group} – {c.label}"
        for c in metrics.COLUMNS
        if c.key == bucket
    )
    keep = {"month": period.month_key, "period": period.kind}
    return TicketList(
        bucket, label, period_title(period), tickets, total, args["page"], _pages(total), [], keep
    )


def _pages(total: int) -> int:
    return max(1, math.ceil(total / PER_PAGE))
