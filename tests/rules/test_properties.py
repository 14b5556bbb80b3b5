"""Properties that must hold for any receipt time, type and calendar override."""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldapp.rules import deadlines, lifecycle, reminders
from fieldapp.rules.calendar import WorkCalendar
from fieldapp.rules.catalog import TYPES
from fieldapp.rules.state import Applied, Op
from tests.rules.helpers import CAL, actor_for, ticket

PROFILE = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

received_times = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2029, 12, 31), timezones=st.just(UTC)
)
working_day_types = st.sampled_from(
    sorted(c for c, t in TYPES.items() if t.resolve_working_days is not None)
)
all_types = st.sampled_from(sorted(TYPES))
offsets = st.integers(min_value=-5, max_value=20)


@PROFILE
@given(code=working_day_types, received=received_times)
def test_working_day_deadlines_fall_on_a_working_day_at_1655(code, received):
    local = CAL.local(deadlines.compute(code, received, CAL).resolve_by)
    assert local.time() == time(16, 55)
    assert CAL.is_working_day(local.date())
    assert local.date() > CAL.local(received).date()


@PROFILE
@given(code=all_types, received=received_times, shift=offsets)
def test_an_off_day_never_moves_a_deadline_earlier(code, received, shift):
    off = CAL.local(received).date() + timedelta(days=shift)
    before = deadlines.compute(code, received, CAL)
    after = deadlines.compute(code, received, WorkCalendar(off_days=[off]), desk=before.desk)
    assert after.accept_by >= before.accept_by
    assert after.resolve_by >= before.resolve_by
    assert (after.contact_by or received) >= (before.contact_by or received)


@PROFILE
@given(code=all_types, received=received_times, shift=offsets)
def test_a_work_day_never_moves_a_deadline_later(code, received, shift):
    extra = CAL.local(received).date() + timedelta(days=shift)
    before = deadlines.compute(code, received, CAL)
    after = deadlines.compute(code, received, WorkCalendar(work_days=[extra]), desk=before.desk)
    assert after.accept_by <= before.accept_by
    assert after.resolve_by <= before.resolve_by


@PROFILE
@given(code=all_types, received=received_times)
def test_accept_by_is_after_receipt_and_in_reach_of_the_desk(code, received):
    due = deadlines.compute(code, received, CAL)
    assert due.accept_by >= received + timedelta(minutes=3)
    if due.desk == "operations" or TYPES[code].around_the_clock:
        assert due.accept_by == received + timedelta(minutes=3)
    else:
        # The business desk's 3 minutes start at a moment when it is open.
        assert CAL.in_office_hours(due.accept_by - timedelta(minutes=3))
    assert due.resolve_by > received
    assert all(d.tzinfo == UTC for d in (due.accept_by, due.resolve_by))


@PROFILE
@given(
    start=st.dates(min_value=date(2025, 1, 1), max_value=date(2029, 12, 31)),
    n=st.integers(min_value=0, max_value=15),
)
def test_add_working_days_is_strictly_increasing_on_working_days(start, n):
    day = CAL.add_working_days(start, n)
    following = CAL.add_working_days(start, n + 1)
    assert following > day
    assert CAL.is_working_day(following)
    between = [day + timedelta(days=i) for i in range(1, (following - day).days)]
    assert not any(CAL.is_working_day(d) for d in between)


@PROFILE
@given(at=received_times)
def test_next_office_opening_is_open_and_not_before(at):
    opening = CAL.next_office_opening(at)
    assert opening >= at
    assert CAL.in_office_hours(opening)
    if opening > at:
        local = CAL.local(opening).time()
        assert local in (time(7, 30), time(13, 0))


@PROFILE
@given(
    code=all_types,
    received=received_times,
    accept_after=st.integers(0, 600),
    now_after=st.integers(0, 20_000),
    flags=st.sets(st.sampled_from(["elderly", "repeat", "media", "important"])),
)
def test_reminder_plans_are_sorted_unique_utc_and_never_warn_about_the_past(
    code, received, accept_after, now_after, flags
):
    state = ticket(code, received, flags=frozenset(flags))
    accepted = lifecycle.decide(
        state,
        Op(
            "accept",
            received + timedelta(minutes=accept_after),
            {"late_reason": {"code": "other", "note": "x"}},
        ),
        actor_for(state),
    )
    assert isinstance(accepted, Applied)
    for current in (state, accepted.state):
        now = received + timedelta(minutes=now_after)
        result = reminders.plan(current, now, CAL)
        keys = [(r.kind, r.due_at) for r in result]
        assert len(keys) == len(set(keys))
        assert [r.due_at for r in result] == sorted(r.due_at for r in result)
        assert all(r.due_at.tzinfo == UTC for r in result)
        assert not [r for r in result if "_warn_" in r.kind and r.due_at <= now]
        assert "overdue" in {r.kind for r in result}
        assert reminders.plan(replace(current, status="completed"), now, CAL) == []
