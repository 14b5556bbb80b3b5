"""The call center chases a ticket (DOMAIN §7, CONTRACT, issue 13 item 5): the holder and the
leader are pushed, and the 15-minute overdue-update clock starts."""

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from fieldapp.rules import clocks
from fieldapp.rules.catalog import TYPES
from fieldapp.rules.lifecycle import decide, permitted
from fieldapp.rules.reminders import ESCALATIONS, keeps_office_hours, plan, system_op
from fieldapp.rules.state import Applied, Op
from tests.rules.helpers import CAL, CRM, INFORMED, actor_for, apply, refuse, ticket
from tests.rules.test_properties import PROFILE, received_times

minutes = st.integers(min_value=0, max_value=3 * 24 * 60)


def chased(state, at, note="Khách gọi lại lần 2"):
    outcome = decide(state, Op("chase", at, {"note": note}), CRM)
    assert isinstance(outcome, Applied), outcome
    return outcome


def by_kind(state, now):
    return {r.kind: r for r in plan(state, now, CAL)}


@PROFILE
@given(
    code=st.sampled_from(sorted(TYPES)),
    received=received_times,
    after=minutes,
    accepted=st.booleans(),
)
def test_a_chase_pushes_the_holder_and_the_leader_and_starts_the_15_minute_clock(
    code, received, after, accepted
):
    state = ticket(code, received)
    if accepted:
        state = apply(state, "accept", received, {"late_reason": {"code": "other"}})
    at = received + timedelta(minutes=after)
    outcome = chased(state, at)
    new = outcome.state
    [event] = outcome.events
    assert (event.action, event.data) == ("chased", {"note": "Khách gọi lại lần 2"})
    assert new.chased_at == at and clocks.awaiting_report(new)
    assert clocks.marks(new) == ("chased",)
    got = by_kind(new, at)
    holder = "assignee" if accepted else "desk"
    assert got["chase"].audience == (holder, "leader")
    assert got["chase_update_missing"].audience == ("leader", "company")
    if keeps_office_hours(new):
        assert got["chase"].due_at == CAL.next_office_opening(at)
        assert CAL.office_time_between(at, got["chase_update_missing"].due_at) == timedelta(
            minutes=15
        )
    else:
        assert got["chase"].due_at == at
        assert got["chase_update_missing"].due_at == at + timedelta(minutes=15)


def test_an_overdue_update_answers_the_chase_even_before_the_deadline():
    state = apply(ticket("OUTAGE"), "accept", ticket("OUTAGE").received_at)
    at = state.received_at + timedelta(minutes=20)
    new = chased(state, at).state
    assert "overdue_update" in permitted(new, actor_for(new), at)
    assert "overdue_update" not in permitted(state, actor_for(state), at)
    report = {
        "status_note": "Đang thay dây",
        "reason_code": "waiting_materials",
        "note": "Chờ dây",
        "new_eta": at + timedelta(hours=1),
        "customer_informed": INFORMED,
    }
    answered = apply(new, "overdue_update", at + timedelta(minutes=5), report)
    assert not clocks.awaiting_report(answered) and clocks.marks(answered) == ()
    assert not {"chase", "chase_update_missing"} & set(by_kind(answered, at))
    # A new chase starts the clock again.
    again = chased(answered, at + timedelta(minutes=30)).state
    assert "chase_update_missing" in by_kind(again, at + timedelta(minutes=30))


def test_the_same_chase_sent_twice_is_recorded_once():
    state = ticket("OUTAGE")
    first = chased(state, state.received_at + timedelta(minutes=20))
    again = decide(first.state, Op("chase", first.state.chased_at, {"note": "x"}), CRM)
    assert isinstance(again, Applied) and again.events == ()


def test_only_the_crm_chases_and_only_open_tickets():
    state = ticket("OUTAGE")
    at = state.received_at + timedelta(minutes=5)
    assert refuse(state, "chase", at, {"note": "x"}).code == "not_allowed"
    returned = apply(state, "return", at, {"reason": "not_our_area", "note": "Khác địa bàn"})
    refusal = decide(returned, Op("chase", at, {}), CRM)
    assert refusal.code == "not_allowed"


def test_a_missing_answer_escalates_like_a_missing_overdue_update():
    op = system_op("chase_update_missing", ticket().received_at, ("leader", "company"))
    assert op.action == "escalate"
    assert op.data == {
        "reminder": "chase_update_missing",
        "notified": ["leader", "company"],
        "note": ESCALATIONS["chase_update_missing"],
    }
