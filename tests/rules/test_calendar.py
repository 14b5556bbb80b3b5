"""Working days (holidays package + overrides) and office hours, DOMAIN §3."""

from datetime import UTC, date, datetime

import pytest

from fieldapp.rules.calendar import WorkCalendar
from tests.rules.helpers import CAL, vn


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2027, 3, 3), True),  # an ordinary Wednesday
        (date(2027, 3, 6), False),  # Saturday
        (date(2027, 3, 7), False),  # Sunday
        (date(2027, 1, 1), False),  # New Year
        (date(2027, 2, 4), False),  # Tết closes 4–10 Feb 2027
        (date(2027, 2, 10), False),
        (date(2027, 2, 11), True),
        (date(2027, 4, 16), False),  # Hùng Kings' day (lunar 10/3)
        (date(2027, 4, 30), False),
        (date(2027, 5, 3), False),  # 1 May fell on a Saturday: observed on Monday
        (date(2027, 9, 2), False),  # National Day and the day after
        (date(2027, 9, 3), False),
        (date(2026, 8, 22), True),  # a make-up Saturday
        (date(2026, 8, 31), False),  # the day off it pays for
    ],
)
def test_working_days_follow_the_vietnamese_calendar(day, working):
    assert CAL.is_working_day(day) is working


def test_day_zero_is_the_day_itself_whatever_it_is():
    assert CAL.add_working_days(date(2027, 3, 6), 0) == date(2027, 3, 6)  # a Saturday


def test_add_working_days_skips_the_weekend():
    assert CAL.add_working_days(date(2027, 3, 5), 1) == date(2027, 3, 8)
    assert CAL.add_working_days(date(2027, 3, 3), 5) == date(2027, 3, 10)


def test_add_working_days_skips_tet():
    # DOMAIN's example: Wednesday 3 Feb 2027 + 5 wd, Tết closes 4–10 Feb.
    assert CAL.add_working_days(date(2027, 2, 3), 5) == date(2027, 2, 17)


def test_add_working_days_counts_a_make_up_saturday():
    assert CAL.add_working_days(date(2026, 8, 21), 1) == date(2026, 8, 22)
    assert CAL.add_working_days(date(2026, 8, 21), 2) == date(2026, 8, 24)


def test_add_working_days_skips_hung_kings_day():
    assert CAL.add_working_days(date(2027, 4, 15), 1) == date(2027, 4, 19)


def test_negative_working_days_are_refused():
    with pytest.raises(ValueError):
        CAL.add_working_days(date(2027, 3, 3), -1)


def test_an_off_day_override_makes_a_working_day_off():
    cal = WorkCalendar(off_days=[date(2027, 3, 4)])
    assert not cal.is_working_day(date(2027, 3, 4))
    assert cal.add_working_days(date(2027, 3, 3), 1) == date(2027, 3, 5)


def test_a_work_day_override_wins_over_weekends_and_holidays():
    cal = WorkCalendar(work_days=[date(2027, 3, 6), date(2027, 4, 16)])
    assert cal.is_working_day(date(2027, 3, 6))
    assert cal.is_working_day(date(2027, 4, 16))
    assert cal.add_working_days(date(2027, 3, 5), 1) == date(2027, 3, 6)


def test_an_off_day_can_cancel_a_make_up_saturday():
    cal = WorkCalendar(off_days=[date(2026, 8, 22)])
    assert not cal.is_working_day(date(2026, 8, 22))


def test_overrides_do_not_leak_between_calendars():
    WorkCalendar(off_days=[date(2027, 3, 4)])
    assert CAL.is_working_day(date(2027, 3, 4))


@pytest.mark.parametrize(
    ("at", "inside"),
    [
        (vn(2027, 3, 3, 7, 29, 59), False),
        (vn(2027, 3, 3, 7, 30), True),
        (vn(2027, 3, 3, 10), True),
        (vn(2027, 3, 3, 11, 25), True),
        (vn(2027, 3, 3, 11, 25, 1), False),
        (vn(2027, 3, 3, 12), False),
        (vn(2027, 3, 3, 12, 59, 59), False),
        (vn(2027, 3, 3, 13), True),
        (vn(2027, 3, 3, 16, 55), True),
        (vn(2027, 3, 3, 16, 55, 1), False),
        (vn(2027, 3, 3, 22), False),
        (vn(2027, 3, 6, 9), False),  # Saturday
        (vn(2027, 4, 16, 9), False),  # Hùng Kings' day
        (vn(2026, 8, 22, 9), True),  # make-up Saturday
    ],
)
def test_office_hours_edges(at, inside):
    assert CAL.in_office_hours(at) is inside


def test_office_hours_are_local_time_whatever_the_input_zone():
    # 03:00 UTC is 10:00 in Vietnam; 10:00 UTC is 17:00.
    assert CAL.in_office_hours(datetime(2027, 3, 3, 3, tzinfo=UTC))
    assert not CAL.in_office_hours(datetime(2027, 3, 3, 10, tzinfo=UTC))


def test_sub_second_precision_does_not_close_the_office_early():
    assert CAL.in_office_hours(vn(2027, 3, 3, 11, 25).replace(microsecond=500_000))


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        CAL.in_office_hours(datetime(2027, 3, 3, 10))


def test_local_converts_to_the_calendar_zone():
    local = CAL.local(datetime(2027, 3, 3, 20, tzinfo=UTC))
    assert (local.date(), local.hour) == (date(2027, 3, 4), 3)


@pytest.mark.parametrize(
    ("at", "opening"),
    [
        (vn(2027, 3, 3, 10), vn(2027, 3, 3, 10)),  # in hours: itself
        (vn(2027, 3, 3, 6), vn(2027, 3, 3, 7, 30)),
        (vn(2027, 3, 3, 11, 25, 1), vn(2027, 3, 3, 13)),
        (vn(2027, 3, 3, 12), vn(2027, 3, 3, 13)),
        (vn(2027, 3, 3, 16, 55, 1), vn(2027, 3, 4, 7, 30)),
        (vn(2027, 3, 5, 17), vn(2027, 3, 8, 7, 30)),  # Friday evening → Monday
        (vn(2027, 2, 3, 18), vn(2027, 2, 11, 7, 30)),  # over Tết
        (vn(2026, 8, 21, 17), vn(2026, 8, 22, 7, 30)),  # make-up Saturday opens
    ],
)
def test_next_office_opening(at, opening):
    result = CAL.next_office_opening(at)
    assert result == opening
    assert result.tzinfo == UTC


@pytest.mark.parametrize(
    ("received", "n", "deadline"),
    [
        (vn(2027, 2, 3, 10), 5, vn(2027, 2, 17, 16, 55)),  # DOMAIN's example
        (vn(2027, 3, 3, 10), 0, vn(2027, 3, 3, 16, 55)),
        (vn(2027, 3, 3, 23, 30), 1, vn(2027, 3, 4, 16, 55)),
        (vn(2027, 4, 15, 10), 1, vn(2027, 4, 19, 16, 55)),  # Hùng Kings' day skipped
    ],
)
def test_working_day_deadline_is_1655_local_in_utc(received, n, deadline):
    result = CAL.working_day_deadline(received, n)
    assert result == deadline
    assert result.tzinfo == UTC


def test_working_day_deadline_counts_from_the_local_day_of_receipt():
    # 20:00 UTC on Tuesday is 03:00 on Wednesday in Vietnam: day 0 is the Wednesday.
    received = datetime(2027, 3, 2, 20, tzinfo=UTC)
    assert CAL.working_day_deadline(received, 1) == vn(2027, 3, 4, 16, 55)


def test_another_time_zone_can_be_configured():
    cal = WorkCalendar(tz="UTC")
    assert cal.in_office_hours(datetime(2027, 3, 3, 10, tzinfo=UTC))
    assert cal.working_day_deadline(datetime(2027, 3, 3, 10, tzinfo=UTC), 0) == datetime(
        2027, 3, 3, 16, 55, tzinfo=UTC
    )
