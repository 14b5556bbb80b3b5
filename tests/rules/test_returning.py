"""Returning a ticket (DOMAIN §7, issue 13 item 8) is for tickets that are not the team's: before
work starts anyone working it may; once the customer was contacted or an update recorded, only
the team leader."""

import pytest

from fieldapp.rules.lifecycle import permitted
from tests.rules.helpers import CLERK, CREW, LEAD, apply, refuse, ticket, vn

BACK = {"reason": "not_our_area", "note": "Khách ở phường khác"}
T = vn(2027, 3, 3, 10)


def steps():
    """The same outage at each stage: received, accepted, contacted, updated."""
    received = ticket("OUTAGE", T)
    accepted = apply(received, "accept", vn(2027, 3, 3, 10, 1))
    contacted = apply(accepted, "contact", vn(2027, 3, 3, 10, 5), {"outcome": "no_answer"})
    updated = apply(accepted, "update", vn(2027, 3, 3, 10, 6), {"note": "Đang đến"})
    return {"received": received, "accepted": accepted, "contacted": contacted,
            "updated": updated}


@pytest.mark.parametrize("stage", ["received", "accepted"])
def test_before_work_starts_the_crew_returns_it(stage):
    state = steps()[stage]
    assert "return" in permitted(state, CREW, vn(2027, 3, 3, 10, 7))
    assert apply(state, "return", vn(2027, 3, 3, 10, 7), BACK).status == "returned"


@pytest.mark.parametrize("stage", ["contacted", "updated"])
def test_after_work_starts_only_the_leader_returns_it(stage):
    state = steps()[stage]
    refusal = refuse(state, "return", vn(2027, 3, 3, 10, 7), BACK)
    assert refusal.code == "not_allowed"
    assert "chỉ đội trưởng" in refusal.message
    assert "return" not in permitted(state, CREW, vn(2027, 3, 3, 10, 7))
    assert "return" in permitted(state, LEAD, vn(2027, 3, 3, 10, 7))
    assert apply(state, "return", vn(2027, 3, 3, 10, 7), BACK, actor=LEAD).status == "returned"


def test_a_clerk_before_work_starts_too():
    state = ticket("NEW_SUPPLY_LV", T)
    assert apply(state, "return", vn(2027, 3, 3, 10, 2), BACK, actor=CLERK).status == "returned"
