"""The time spans of the reports: a month, the year to date, and local days.

All bounds are aware UTC instants; a span includes its start and excludes its end, so an
instant on the stroke of midnight belongs to the day (and the month) that begins there.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from fieldapp.rules.reporting import default_report_month

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
FIRST_YEAR = 2000


class PeriodError(ValueError):
    """A month or day the reports cannot show; the message is for the user (Vietnamese)."""

    def __init__(self, field: str, message):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Period:
    """Tickets received in [start, end), their outcomes judged at `as_of` = min(end, now)."""

    kind: str  # "month" | "ytd"
    year: int
    first_month: int
    last_month: int
    start: datetime
    end: datetime
    as_of: datetime

    @property
    def month_key(self) -> str:
        """The report's month as in the URL: YYYY-MM."""
        return f"{self.year:04d}-{self.last_month:02d}"


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The instant (UTC) at which a local day begins."""
    return datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)


def local_today(now: datetime, tz: ZoneInfo) -> date:
    """Today's date where the teams are."""
    return now.astimezone(tz).date()


def parse_month(text: str | None, today: date) -> tuple[int, int]:
    """(year, month) from "YYYY-MM"; no text means the month leaders read then (the
    previous one in a month's first days: rules.reporting)."""
    if not text:
        return default_report_month(today)
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < FIRST_YEAR:
        raise PeriodError(
            "month", _l("Tháng không hợp lệ: hãy chọn tháng theo dạng YYYY-MM, ví dụ 2027-03.")
        )
    year, month = int(match[1]), int(match[2])
    if (year, month) > (today.year, today.month):
        raise PeriodError(
            "month",
            _l("Tháng %(month)02d/%(year)d chưa bắt đầu, chưa có số liệu.", month=month, year=year),
        )
    return year, month


def _next_month(year: int, month: int) -> date:
    return date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)


def month_periods(year: int, month: int, tz: ZoneInfo, now: datetime) -> tuple[Period, Period]:
    """The month and the year to date (1 January through the end of the month)."""
    end = local_midnight(_next_month(year, month), tz)
    as_of = min(end, now)
    month_start = local_midnight(date(year, month, 1), tz)
    year_start = local_midnight(date(year, 1, 1), tz)
    return (
        Period("month", year, month, month, month_start, end, as_of),
        Period("ytd", year, 1, month, year_start, end, as_of),
    )


def day_span(day: date, tz: ZoneInfo, now: datetime) -> tuple[datetime, datetime]:
    """[start, end) of a local day; a day not over yet ends now (its "end of day" is now)."""
    start = local_midnight(day, tz)
    return start, min(local_midnight(day + timedelta(days=1), tz), now)


def last_days(today: date, count: int) -> list[date]:
    """The `count` days ending with today, oldest first."""
    return [today - timedelta(days=count - 1 - i) for i in range(count)]


def parse_day(text: str, today: date) -> date:
    """A past or current local day from "YYYY-MM-DD"."""
    try:
        day = date.fromisoformat(text)
    except (TypeError, ValueError):
        raise PeriodError("day", _l("Ngày không hợp lệ: hãy dùng dạng YYYY-MM-DD.")) from None
    if not date(FIRST_YEAR, 1, 1) <= day <= today:
        raise PeriodError("day", _l("Ngày không hợp lệ: hãy chọn một ngày đã qua hoặc hôm nay."))
    return day
