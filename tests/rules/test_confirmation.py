"""A special customer's confirmation is a recorded contact made after the work (DOMAIN §7,
issue 13 item 7): a `contact` with outcome confirmed_done after the last update, extension or
overdue update, by whoever records it; no longer a flag inside the completion."""

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldapp.rules.actions import ACTIONS
from tests.rules.helpers import INFORMED, apply, refuse, ticket, vn
from tests.rules.test_properties import PROFILE

FLAGGED = frozenset({"elderly"})
DONE = {"result": "Đã kiểm tra công tơ", "inspection_result": "Công tơ đạt"}


def worked(flags=FLAGGED):
    state = apply(
        ticket("METER_CHECK", vn(2027, 3, 3, 10), flags=flags), "accept", vn(2027, 3, 3, 10, 1)
    )
    return apply(state, "update", vn(2027, 3, 3, 10, 30), {"note": "Đã thay công tơ"})


def confirm(state, at):
    return apply(state, "contact", at, {"outcome": "confirmed_done", "note": "Bà Lan xác nhận"})


def test_completion_has_no_confirmation_box():
    assert ACTIONS["complete"].field("customer_confirmed") is None


# Work after the confirmation: another update, a moved ETA, an overdue report.
MORE_WORK = {
    "update": {"note": "Thay thêm dây"},
    "extend": {
        "reason_code": "customer_requested_later",
        "note": "Hẹn chiều",
        "new_eta": vn(2027, 3, 4, 15),
        "customer_informed": INFORMED,
    },
}


@pytest.mark.parametrize("action", sorted(MORE_WORK))
def test_work_after_the_confirmation_needs_a_new_one(action):
    confirmed = confirm(worked(), vn(2027, 3, 3, 11))
    assert confirmed.customer_confirmed
    assert apply(confirmed, "complete", vn(2027, 3, 3, 11, 5), DONE).status == "completed"
    state = apply(confirmed, action, vn(2027, 3, 3, 11, 10), MORE_WORK[action])
    assert not state.customer_confirmed
    refusal = refuse(state, "complete", vn(2027, 3, 3, 11, 20), DONE)
    assert refusal.fields == ("customer_confirmation",)
    assert confirm(state, vn(2027, 3, 3, 11, 30)).customer_confirmed


def test_an_overdue_report_after_the_confirmation_needs_a_new_one():
    state = confirm(worked(), vn(2027, 3, 3, 11))
    report = {
        "status_note": "Chờ kiểm định",
        "reason_code": "waiting_other_unit",
        "note": "x",
        "new_eta": vn(2027, 3, 10, 10),
        "customer_informed": INFORMED,
    }
    late = vn(2027, 3, 8, 17)  # after the 3-working-day deadline
    assert not apply(state, "overdue_update", late, report).customer_confirmed


@PROFILE
@given(outcome=st.sampled_from(["reached", "no_answer"]), minutes=st.integers(1, 600))
def test_only_the_confirmed_done_outcome_confirms_not_a_flag_of_the_completion(outcome, minutes):
    state = apply(
        worked(),
        "contact",
        vn(2027, 3, 3, 10, 30) + timedelta(minutes=minutes),
        {"outcome": outcome},
    )
    assert not state.customer_confirmed
    flagged = {**DONE, "customer_confirmed": True}
    assert refuse(state, "complete", vn(2027, 3, 3, 21), flagged).fields == (
        "customer_confirmation",
    )
