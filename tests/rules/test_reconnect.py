"""Reconnection after payment (DOMAIN §7, issue 13 item 2): a 30-minute contact clock after
accepting, and the business desk's unfinished reconnections handed to the duty desk at 16:55."""

from dataclasses import replace
from datetime import date, time, timedelta

from hypothesis import assume, given
from hypothesis import strategies as st

from fieldapp.rules import clocks
from fieldapp.rules.lifecycle import decide, permitted
from fieldapp.rules.reminders import plan, system_op
from fieldapp.rules.state import Applied, Op, Refusal
from tests.rules.helpers import CAL, CLERK, CREW, LEAD, SYSTEM, apply, refuse, ticket, vn
from tests.rules.test_properties import PROFILE

days = st.dates(min_value=date(2025, 1, 1), max_value=date(2029, 12, 31))
office_minutes = st.integers(min_value=0, max_value=2 * 235 - 1)


def in_office(day: date, minute: int):
    """The minute-th office minute of a day, as an aware instant (UTC)."""
    block, start = (0, time(7, 30)) if minute < 235 else (235, time(13, 0))
    return CAL.at_local(day, start) + timedelta(minutes=minute - block)


def business_reconnect(day: date, minute: int):
    assume(CAL.is_working_day(day))
    state = ticket("RECONNECT", in_office(day, minute))
    assert state.desk == "business"
    return state


def by_kind(state, now):
    return {r.kind: r for r in plan(state, now, CAL)}


def handed_over(state, at):
    outcome = decide(state, Op("handover", at), SYSTEM)
    assert isinstance(outcome, Applied), outcome
    return outcome


@PROFILE
@given(day=days, minute=office_minutes, accept_after=st.integers(0, 3))
def test_contact_within_30_minutes_of_accepting(day, minute, accept_after):
    state = business_reconnect(day, minute)
    assert state.contact_by is None
    accepted = apply(
        state, "accept", state.received_at + timedelta(minutes=accept_after), actor=CLERK
    )
    assert accepted.contact_by == accepted.accepted_at + timedelta(minutes=30)
    assert clocks.contact_window_start(accepted) == accepted.accepted_at
    got = by_kind(accepted, accepted.accepted_at)
    assert got["contact_warn_15"].due_at == accepted.contact_by - timedelta(minutes=15)


@PROFILE
@given(day=days, minute=office_minutes)
def test_the_holder_is_reminded_at_1640_and_it_is_handed_over_at_1655(day, minute):
    state = business_reconnect(day, minute)
    got = by_kind(state, state.received_at)
    closing = CAL.at_local(day, time(16, 55))
    assert (got["handover"].due_at, got["handover"].audience) == (closing, ("desk",))
    if state.received_at < closing - timedelta(minutes=15):
        assert got["handover_warn"].due_at == closing - timedelta(minutes=15)
    accepted = apply(state, "accept", state.received_at + timedelta(minutes=1), actor=CLERK)
    assert by_kind(accepted, accepted.accepted_at)["handover"].audience == ("assignee",)


@PROFILE
@given(day=days, minute=office_minutes, after=st.integers(0, 8 * 60))
def test_the_handover_moves_it_to_the_duty_desk_and_keeps_its_deadlines(day, minute, after):
    state = apply(business_reconnect(day, minute), "accept", in_office(day, minute), actor=CLERK)
    closing = CAL.closing_after(state.received_at)
    outcome = handed_over(state, closing)
    new = outcome.state
    assert (new.desk, new.assignee_id, new.handover_pending, new.desk_since) == (
        "operations",
        None,
        True,
        closing,
    )
    assert (new.accept_by, new.contact_by, new.resolve_by) == (
        state.accept_by,
        state.contact_by,
        state.resolve_by,
    )
    [event] = outcome.events
    assert (event.action, event.data["from"], event.data["to"], event.data["handover"]) == (
        "transferred",
        "business",
        "operations",
        True,
    )
    got = by_kind(new, closing + timedelta(minutes=after))
    assert (got["handover_ack"].due_at, got["handover_ack"].audience) == (closing, ("desk",))
    assert got["handover_unacknowledged"].due_at == closing + timedelta(minutes=15)
    assert got["handover_unacknowledged"].audience == ("desk", "leader")
    assert "handover" not in got and "handover_warn" not in got
    assert got["overdue"].due_at == state.resolve_by


def test_the_duty_desk_acknowledges():
    state = apply(
        ticket("RECONNECT", vn(2027, 3, 3, 15)), "accept", vn(2027, 3, 3, 15, 1), actor=CLERK
    )
    new = handed_over(state, vn(2027, 3, 3, 16, 55)).state
    assert clocks.marks(new) == ("handover",)
    assert "acknowledge" in permitted(new, CREW, vn(2027, 3, 3, 17))
    assert refuse(new, "acknowledge", vn(2027, 3, 3, 17), actor=CLERK).code == "not_allowed"
    done = apply(new, "acknowledge", vn(2027, 3, 3, 17), {"note": "Đã nhận sổ giao ca"}, actor=CREW)
    assert (done.handover_pending, done.assignee_id, done.desk) == (
        False,
        CREW.user_id,
        "operations",
    )
    assert clocks.marks(done) == ()
    assert "acknowledge" not in permitted(done, CREW, vn(2027, 3, 3, 17, 1))
    assert refuse(done, "acknowledge", vn(2027, 3, 3, 17, 1), actor=CREW).code == "not_allowed"
    kinds = {r.kind for r in plan(done, vn(2027, 3, 3, 17), CAL)}
    assert not kinds & {"handover_ack", "handover_unacknowledged", "handover"}
    # The leader may sign too, without taking the ticket.
    by_leader = apply(new, "acknowledge", vn(2027, 3, 3, 17), actor=LEAD)
    assert (by_leader.handover_pending, by_leader.assignee_id) == (False, None)


def test_only_unfinished_business_desk_reconnections_are_handed_over():
    operations = ticket("RECONNECT", vn(2027, 3, 3, 20))
    assert operations.desk == "operations"
    assert "handover" not in by_kind(operations, vn(2027, 3, 3, 20))
    assert isinstance(decide(operations, Op("handover", vn(2027, 3, 4, 16, 55)), SYSTEM), Refusal)
    outage = ticket("NEW_SUPPLY_LV", vn(2027, 3, 3, 10))
    assert isinstance(decide(outage, Op("handover", vn(2027, 3, 3, 16, 55)), SYSTEM), Refusal)
    assert (
        refuse(
            ticket("RECONNECT", vn(2027, 3, 3, 10)), "handover", vn(2027, 3, 3, 16, 55), actor=CLERK
        ).code
        == "not_allowed"
    )
    done = replace(ticket("RECONNECT", vn(2027, 3, 3, 10)), status="completed")
    assert plan(done, vn(2027, 3, 3, 16), CAL) == []


def test_a_reconnection_brought_to_the_business_desk_at_night_waits_for_the_next_closing():
    state = apply(
        ticket("RECONNECT", vn(2027, 3, 5, 20)),
        "transfer",
        vn(2027, 3, 5, 20, 5),
        {"desk": "business", "note": "Khách hẹn sáng thứ Hai"},
        actor=CREW,
    )
    assert by_kind(state, vn(2027, 3, 5, 20, 5))["handover"].due_at == vn(2027, 3, 8, 16, 55)


def test_the_handover_reminder_makes_the_systems_handover_op():
    op = system_op("handover", vn(2027, 3, 3, 16, 55), ("desk",))
    assert (op.action, op.at, op.data) == ("handover", vn(2027, 3, 3, 16, 55), {})
    assert system_op("handover_warn", vn(2027, 3, 3, 16, 40), ("desk",)) is None
