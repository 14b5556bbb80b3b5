"""Office-hours work counts working time (DOMAIN §7, issue 13 item 3): the calendar's office-time
arithmetic, and reminders of the business desk that only go out in office hours."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from fieldapp.rules import reminders
from fieldapp.rules.catalog import TYPES
from fieldapp.rules.clocks import effective_deadline
from fieldapp.rules.reminders import keeps_office_hours, plan
from tests.rules.helpers import CAL, CLERK, apply, ticket, vn
from tests.rules.test_properties import PROFILE, received_times

OFFICE_TYPES = sorted(c for c, t in TYPES.items() if t.office_hours)
spans = st.integers(min_value=1, max_value=8 * 470).map(lambda m: timedelta(minutes=m))


def kinds_at(state, now):
    return {r.kind: r for r in plan(state, now, CAL)}


# --- the calendar's office time ------------------------------------------------------------


def test_office_time_of_a_friday_afternoon_and_a_monday():
    # Friday 16:00–16:55, then Monday 07:30–11:25 and 13:00–16:55: 55 + 235 + 235 minutes.
    friday, monday = vn(2027, 3, 5, 16), vn(2027, 3, 8, 16, 55)
    assert CAL.office_time_between(friday, monday) == timedelta(minutes=525)
    assert CAL.office_time_between(monday, friday) == timedelta(0)
    assert CAL.after_office_time(friday, timedelta(minutes=60)) == vn(2027, 3, 8, 7, 35)
    assert CAL.before_office_time(monday, timedelta(minutes=240)) == vn(2027, 3, 8, 11, 20)


def test_zero_office_time_waits_for_the_opening():
    assert CAL.after_office_time(vn(2027, 3, 6, 22), timedelta(0)) == vn(2027, 3, 8, 7, 30)
    assert CAL.after_office_time(vn(2027, 3, 3, 12), timedelta(0)) == vn(2027, 3, 3, 13)


def test_office_time_skips_holidays():
    # Tết 2027: 4–10 February off. From Wednesday 3rd 16:55 the next office minute is the 11th.
    assert CAL.after_office_time(vn(2027, 2, 3, 16, 55), timedelta(minutes=15)) == vn(
        2027, 2, 11, 7, 45
    )


@PROFILE
@given(start=received_times, span=spans)
def test_after_office_time_is_the_inverse_of_office_time_between(start, span):
    end = CAL.after_office_time(start, span)
    assert CAL.office_time_between(start, end) == span
    assert CAL.in_office_hours(end)
    assert end.tzinfo == UTC


@PROFILE
@given(end=received_times, span=spans)
def test_before_office_time_goes_back_by_office_time(end, span):
    start = CAL.before_office_time(end, span)
    assert start < end
    assert CAL.office_time_between(start, end) == span


@PROFILE
@given(a=received_times, b=received_times, c=received_times)
def test_office_time_adds_up(a, b, c):
    a, b, c = sorted((a, b, c))
    assert CAL.office_time_between(a, b) + CAL.office_time_between(b, c) == CAL.office_time_between(
        a, c
    )
    assert CAL.office_time_between(a, c) <= c - a


# --- the plan of office-hours work ---------------------------------------------------------


@PROFILE
@given(
    code=st.sampled_from(OFFICE_TYPES),
    received=received_times,
    accept_after=st.integers(0, 5 * 24 * 60),
    now_after=st.integers(0, 10 * 24 * 60),
    flags=st.sets(st.sampled_from(["elderly", "repeat", "difficult", "upset"])),
)
def test_a_business_desk_reminder_never_falls_outside_office_hours(
    code, received, accept_after, now_after, flags
):
    state = ticket(code, received, flags=frozenset(flags), contact_count=3)
    assert keeps_office_hours(state)
    accepted_at = received + timedelta(minutes=accept_after)
    if accepted_at < effective_deadline(state):
        state = apply(
            state,
            "accept",
            accepted_at,
            actor=CLERK,
            data={"late_reason": {"code": "workload", "note": ""}},
        )
    for item in plan(state, received + timedelta(minutes=now_after), CAL):
        assert CAL.in_office_hours(item.due_at), (item.kind, CAL.local(item.due_at))


@PROFILE
@given(code=st.sampled_from(sorted(TYPES)), received=received_times)
def test_the_80_percent_warning_counts_office_time_for_office_work_only(code, received):
    state = ticket(code, received)
    got = kinds_at(state, received)
    warning, deadline = got["resolve_warn_80"].due_at, state.resolve_by
    if TYPES[code].office_hours:
        window = CAL.office_time_between(received, deadline)
        assert CAL.office_time_between(received, warning) == window * 0.8
    else:  # operations, media complaints, reconnections: wall-clock, around the clock
        assert warning == received + (deadline - received) * 0.8
        assert got["new_ticket"].due_at == received
        assert got["overdue_update_missing"].due_at == deadline + timedelta(minutes=15)


@PROFILE
@given(code=st.sampled_from(OFFICE_TYPES), received=received_times)
def test_a_missing_overdue_update_escalates_15_office_minutes_after_the_deadline(code, received):
    state = ticket(code, received)
    escalation = kinds_at(state, received)["overdue_update_missing"].due_at
    assert CAL.office_time_between(state.resolve_by, escalation) == timedelta(minutes=15)
    assert CAL.local(escalation).time() != datetime(2000, 1, 1, 17, 10).time()


def test_the_issues_examples():
    # A complaint received Friday 16:00 warned of its contact deadline at Monday 02:20.
    friday = vn(2027, 3, 12, 16)
    warn = kinds_at(ticket("COMPLAINT", friday), friday)["contact_warn_80"].due_at
    assert warn == vn(2027, 3, 15, 15, 10)  # 80 % of 525 office minutes: 420
    # A new-supply ticket warned on a Sunday evening.
    saturday = vn(2027, 3, 13, 9)
    got = kinds_at(ticket("NEW_SUPPLY_LV", saturday), saturday)
    assert all(CAL.is_working_day(CAL.local(r.due_at).date()) for r in got.values())
    # Every working-day deadline escalated to the power company at 17:10.
    assert CAL.local(got["overdue_update_missing"].due_at).time().isoformat() == "07:45:00"


def test_a_business_ticket_moved_to_operations_keeps_the_wall_clock():
    received = vn(2027, 3, 12, 16)
    state = apply(
        ticket("NEW_SUPPLY_LV", received),
        "transfer",
        vn(2027, 3, 12, 16, 1),
        {"desk": "operations", "note": "Sai bộ phận"},
        actor=CLERK,
    )
    assert not keeps_office_hours(state)
    got = kinds_at(state, vn(2027, 3, 12, 16, 1))
    assert got["overdue_update_missing"].due_at == state.resolve_by + timedelta(minutes=15)
    assert reminders.WARN_SHARE == 0.8
