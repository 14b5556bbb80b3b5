"""The pure parts of the reports: periods, the chart's geometry, the column list."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from fieldapp.reports.charts import HEIGHT, TOP, daily_chart, nice_top
from fieldapp.reports.metrics import COLUMNS, header_runs, report_conditions
from fieldapp.reports.periods import (
    PeriodError,
    day_span,
    last_days,
    month_periods,
    parse_day,
    parse_month,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def test_month_and_year_to_date_bounds_are_local_midnights():
    now = datetime(2027, 5, 1, tzinfo=UTC)
    month, ytd = month_periods(2027, 3, TZ, now)
    assert month.start == datetime(2027, 2, 28, 17, tzinfo=UTC)  # 1 March 00:00 +07:00
    assert month.end == ytd.end == datetime(2027, 3, 31, 17, tzinfo=UTC)
    assert ytd.start == datetime(2026, 12, 31, 17, tzinfo=UTC)
    assert month.as_of == month.end and month.month_key == "2027-03"


def test_a_running_month_is_judged_now():
    now = datetime(2027, 3, 10, 5, tzinfo=UTC)
    month, ytd = month_periods(2027, 3, TZ, now)
    assert month.as_of == ytd.as_of == now


def test_december_ends_on_new_year():
    month, _ = month_periods(2026, 12, TZ, datetime(2027, 6, 1, tzinfo=UTC))
    assert month.end == datetime(2026, 12, 31, 17, tzinfo=UTC)


@pytest.mark.parametrize(
    "text, expected",
    [
        (None, (2027, 3)),
        ("", (2027, 3)),
        ("2027-03", (2027, 3)),
        ("2026-12", (2026, 12)),
        (" 2027-01 ", (2027, 1)),
    ],
)
def test_parse_month(text, expected):
    assert parse_month(text, date(2027, 3, 15)) == expected


@pytest.mark.parametrize(
    "text", ["2027-3", "2027-00", "2027-13", "27-03", "1999-12", "2027-04", "2027/03"]
)
def test_parse_month_refuses(text):
    with pytest.raises(PeriodError) as err:
        parse_month(text, date(2027, 3, 15))
    assert err.value.field == "month"


def test_days_and_their_spans():
    now = datetime(2027, 3, 10, 5, 30, tzinfo=UTC)  # 12:30 local
    days = last_days(date(2027, 3, 10), 30)
    assert len(days) == 30 and days[0] == date(2027, 2, 9) and days[-1] == date(2027, 3, 10)
    assert day_span(date(2027, 3, 10), TZ, now) == (datetime(2027, 3, 9, 17, tzinfo=UTC), now)
    assert day_span(date(2027, 3, 9), TZ, now)[1] == datetime(2027, 3, 9, 17, tzinfo=UTC)
    assert parse_day("2027-03-10", date(2027, 3, 10)) == date(2027, 3, 10)
    with pytest.raises(PeriodError):
        parse_day("2027-03-11", date(2027, 3, 10))


@pytest.mark.parametrize(
    "value, expected",
    [
        (0, (4, 1)),
        (3, (4, 1)),
        (7, (8, 2)),
        (13, (15, 5)),
        (40, (40, 10)),
        (130, (150, 50)),
        (999, (1000, 500)),
        (12345, (15000, 5000)),
    ],
)
def test_nice_top(value, expected):
    assert nice_top(value) == expected


def test_chart_geometry():
    values = [{"open_eod": 8, "overdue_eod": 2, "on_time_day": 3, "late_day": 1}] + [
        {"open_eod": 0, "overdue_eod": 0, "on_time_day": 0, "late_day": 0}
    ] * 29
    days = [(date(2027, 3, 1 + i), v) for i, v in enumerate(values)]
    chart = daily_chart(days)
    assert [t[1] for t in chart.ticks] == [0, 2, 4, 6, 8]
    first = chart.days[0]
    on_time, late = first.bars
    bottom = HEIGHT - 22
    assert on_time.kind == "on_time_day" and on_time.y + on_time.height == pytest.approx(bottom)
    assert late.y + late.height == pytest.approx(on_time.y, abs=0.2)
    assert on_time.height == pytest.approx(3 * late.height, abs=0.2)
    assert chart.lines["open_eod"].split()[0].endswith(f",{TOP:.1f}")  # 8 = the top
    assert all(d.bars == () for d in chart.days[1:])
    assert chart.labels[-1][1:] == (date(2027, 3, 30), "end")


def test_columns_and_conditions_match():
    conditions = report_conditions(datetime(2027, 3, 31, 17, tzinfo=UTC))
    assert list(conditions) == [c.key for c in COLUMNS]
    assert [c.key for c in COLUMNS if conditions[c.key] is None] == [
        c.key for c in COLUMNS if not c.recorded
    ]
    runs = header_runs(list(COLUMNS))
    assert sum(len(cols) for _, cols in runs) == len(COLUMNS)
    assert [len(cols) for group, cols in runs if group is not None][:2] == [3, 2]
