"""Moved ETAs for OUTAGE and RECONNECT (DOMAIN §7): extensions and overdue updates count alike,
and beyond two only an objective cause confirmed by the leader moves the ETA again."""

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from fieldapp.rules.lifecycle import decide
from fieldapp.rules.reasons import REASON_CODES, is_objective
from fieldapp.rules.state import Applied, Op
from tests.rules.helpers import CREW, INFORMED, LEAD, apply, ticket
from tests.rules.test_properties import PROFILE, received_times

moves = st.lists(
    st.tuples(
        st.sampled_from(["extend", "overdue_update"]),
        st.sampled_from([CREW, LEAD]),
        st.sampled_from(REASON_CODES),
        st.integers(min_value=1, max_value=240),
    ),
    min_size=1,
    max_size=8,
)


@PROFILE
@given(code=st.sampled_from(["OUTAGE", "RECONNECT"]), received=received_times, tries=moves)
def test_moved_etas_never_exceed_two_without_a_confirmed_objective_cause(code, received, tries):
    state = ticket(code, received, desk="operations")
    state = apply(state, "accept", received + timedelta(minutes=1), actor=CREW)
    at = state.accepted_at
    moved = []
    for action, actor, reason, minutes in tries:
        at += timedelta(minutes=minutes)
        data = {
            "reason_code": reason,
            "note": "Lý do",
            "status_note": "Đang xử lý",
            "new_eta": at + timedelta(hours=1),
            "customer_informed": INFORMED,
        }
        outcome = decide(state, Op(action, at, data), actor)
        if isinstance(outcome, Applied):
            state = outcome.state
            moved.append((actor, reason, outcome.events[0].data.get("leader_confirmed")))
    assert state.extensions == len(moved)
    for actor, reason, confirmed in moved[2:]:
        assert actor == LEAD and is_objective(reason) and confirmed is True
    assert all(confirmed is None for _, _, confirmed in moved[:2])
