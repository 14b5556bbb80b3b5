"""A ticket's clocks: the badge, and when an action starts needing a late reason."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from fieldapp.rules.actions import LATE_ACTIONS
from fieldapp.rules.clocks import badge, late_after, late_deadlines
from fieldapp.rules.state import TicketState

T0 = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)


def outage(**changes) -> TicketState:
    base = dict(
        type="OUTAGE",
        status="received",
        desk="operations",
        received_at=T0,
        accept_by=T0 + 3 * MIN,
        resolve_by=T0 + 120 * MIN,
    )
    return TicketState(**{**base, **changes})


def test_badge_is_green_amber_red_by_the_share_of_the_window_left():
    state = outage(status="accepted", accepted_at=T0 + MIN, contacted_at=T0 + 2 * MIN)
    assert badge(state, T0 + 60 * MIN).level == "ok"  # half the window left
    assert badge(state, T0 + 95 * MIN).level == "soon"  # under a quarter left
    late = badge(state, T0 + 130 * MIN)
    assert late.level == "late" and late.kind == "resolve" and late.left == -10 * MIN


def test_badge_shows_the_earliest_pending_deadline():
    assert badge(outage(), T0).kind == "accept"
    accepted = outage(status="accepted", accepted_at=T0 + MIN, contact_by=T0 + 31 * MIN)
    shown = badge(accepted, T0 + 2 * MIN)
    assert shown.kind == "contact" and shown.due_at == T0 + 31 * MIN


def test_an_expected_delay_moves_the_resolve_badge():
    state = outage(
        status="in_progress",
        accepted_at=T0 + MIN,
        contacted_at=T0 + 2 * MIN,
        expected_at=T0 + 300 * MIN,
        delay_reason={"code": "storm", "note": ""},
    )
    assert badge(state, T0 + 150 * MIN).due_at == T0 + 300 * MIN


def test_closed_tickets_have_no_badge():
    assert badge(outage(status="completed", completed_at=T0 + MIN), T0) is None


minutes = st.integers(min_value=0, max_value=400)


@st.composite
def open_states(draw) -> TicketState:
    """Open tickets with any mix of accepted, contacted and recorded delays."""
    accepted = draw(st.booleans())
    contact_by = draw(st.one_of(st.none(), minutes.map(lambda m: T0 + m * MIN)))
    delay = draw(st.one_of(st.none(), minutes.map(lambda m: T0 + m * MIN)))
    return outage(
        status="in_progress" if accepted else "received",
        accepted_at=T0 + MIN if accepted else None,
        contact_by=contact_by,
        contacted_at=T0 + 2 * MIN if contact_by and draw(st.booleans()) else None,
        resolve_by=T0 + draw(minutes) * MIN,
        expected_at=delay,
        delay_reason={"code": "storm", "note": ""} if delay else None,
    )


@given(open_states(), st.sampled_from(LATE_ACTIONS), minutes)
def test_late_after_mirrors_the_rules(state, action, minute):
    at = T0 + minute * MIN
    threshold = late_after(state, action)
    assert bool(late_deadlines(state, action, at)) == (at > threshold)
