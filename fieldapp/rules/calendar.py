"""Working days and office hours (DOMAIN.md §3), in the team's time zone."""

import threading
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

MORNING = (time(7, 30), time(11, 25))
AFTERNOON = (time(13, 0), time(16, 55))
CLOSING = AFTERNOON[1]
BLOCKS = (MORNING, AFTERNOON)


def require_aware(at: datetime) -> datetime:
    """The datetime itself; ValueError if it is naive (its zone would be a guess)."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"naive datetime {at!r}: the rules need timezone-aware times")
    return at


class WorkCalendar:
    """Vietnam's working days (holidays package) plus an administrator's overrides."""

    def __init__(
        self,
        tz: str = "Asia/Ho_Chi_Minh",
        off_days: Iterable[date] = (),
        work_days: Iterable[date] = (),
    ):
        self.tz = ZoneInfo(tz)
        self.off_days = frozenset(off_days)
        self.work_days = frozenset(work_days)
        # One object for the calendar's life: it adds years on demand and keeps them. Adding a
        # year mutates it, so threads of a web server take turns.
        self._holidays = holidays.VN()
        self._lock = threading.Lock()

    def local(self, at: datetime) -> datetime:
        """The same instant in the calendar's time zone."""
        return require_aware(at).astimezone(self.tz)

    def is_working_day(self, day: date) -> bool:
        """Whether staff work that day: overrides first, then holidays and make-up Saturdays."""
        if day in self.work_days:
            return True
        if day in self.off_days:
            return False
        with self._lock:
            return self._holidays.is_working_day(day)

    def add_working_days(self, day: date, n: int) -> date:
        """The n-th working day after day (day itself is day 0, working or not)."""
        if n < 0:
            raise ValueError("n must be >= 0")
        while n > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                n -= 1
        return day

    def in_office_hours(self, at: datetime) -> bool:
        """07:30–11:25 or 13:00–16:55 local on a working day, both ends included."""
        loc = self.local(at)
        # Whole seconds: 11:25:00.4 is still "11:25:00" on anyone's clock.
        now = loc.time().replace(microsecond=0, tzinfo=None)
        in_block = any(start <= now <= end for start, end in (MORNING, AFTERNOON))
        return in_block and self.is_working_day(loc.date())

    def next_office_opening(self, at: datetime) -> datetime:
        """`at` (UTC) if in office hours, else the next 07:30 or 13:00 of a working day (UTC)."""
        if self.in_office_hours(at):
            return at.astimezone(UTC)
        loc = self.local(at)
        day = loc.date()
        while True:
            if self.is_working_day(day):
                for opening in (MORNING[0], AFTERNOON[0]):
                    candidate = datetime.combine(day, opening, tzinfo=self.tz)
                    if candidate > loc:
                        return candidate.astimezone(UTC)
            day += timedelta(days=1)

    def office_blocks(self, day: date) -> list[tuple[datetime, datetime]]:
        """The day's office blocks as [start, end) instants (UTC); none on a day off."""
        if not self.is_working_day(day):
            return []
        return [(self.at_local(day, start), self.at_local(day, end)) for start, end in BLOCKS]

    def office_time_between(self, start: datetime, end: datetime) -> timedelta:
        """The office time (working days, office hours) from start to end; zero if end <= start."""
        total, day = timedelta(0), self.local(start).date()
        while end > start and day <= self.local(end).date():
            for open_at, close_at in self.office_blocks(day):
                total += max(timedelta(0), min(end, close_at) - max(start, open_at))
            day += timedelta(days=1)
        return total

    def after_office_time(self, start: datetime, span: timedelta) -> datetime:
        """The instant (UTC) when `span` of office time has passed since start.

        A zero span from outside office hours is the next opening: nothing runs before."""
        day, left = self.local(start).date(), span
        while True:
            for open_at, close_at in self.office_blocks(day):
                begin = max(start, open_at)
                room = close_at - begin  # office time left in this block (negative: past it)
                # Ending exactly at the close is this block, but a zero span waits for one.
                if room > left or (room == left > timedelta(0)):
                    return (begin + left).astimezone(UTC)
                left -= max(timedelta(0), room)
            day += timedelta(days=1)

    def before_office_time(self, end: datetime, span: timedelta) -> datetime:
        """The instant (UTC) `span` of office time before end (end itself for a zero span)."""
        day, left = self.local(end).date(), span
        while left > timedelta(0):
            for open_at, close_at in reversed(self.office_blocks(day)):
                finish = min(end, close_at)
                if finish - open_at >= left:
                    return (finish - left).astimezone(UTC)
                left -= max(timedelta(0), finish - open_at)
            day -= timedelta(days=1)
        return end.astimezone(UTC)

    def closing_after(self, at: datetime) -> datetime:
        """The first end of a working day (16:55 local) at or after `at`, in UTC."""
        day = self.local(at).date()
        while True:
            closing = self.at_local(day, CLOSING)
            if self.is_working_day(day) and closing >= at:
                return closing
            day += timedelta(days=1)

    def at_local(self, day: date, clock: time) -> datetime:
        """The instant (UTC) when local clocks show `clock` on `day`."""
        return datetime.combine(day, clock, tzinfo=self.tz).astimezone(UTC)

    def working_day_deadline(self, received_at: datetime, n: int) -> datetime:
        """16:55 local on the n-th working day after the local day of receipt, in UTC."""
        day = self.add_working_days(self.local(received_at).date(), n)
        return self.at_local(day, CLOSING)
