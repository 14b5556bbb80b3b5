"""Returning a ticket (DOMAIN §7, issue 13 item 8) is for tickets that are not the team's: before
work starts anyone working it may; once the customer was contacted or an update recorded, only
the team leader."""

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
    return {"received": received, "accepted": accepted, "contacted": contacted, "updated": updated}


def test_before_work_starts_anyone_working_it_returns_it_after_only_the_leader():
    at = vn(2027, 3, 3, 10, 7)
    for stage, state in steps().items():
        before_work = stage in ("received", "accepted")
        assert ("return" in permitted(state, CREW, at)) is before_work, stage
        assert "return" in permitted(state, LEAD, at)
        assert apply(state, "return", at, BACK, actor=LEAD).status == "returned"
        if before_work:
            assert apply(state, "return", at, BACK).status == "returned"
            continue
        refusal = refuse(state, "return", at, BACK)
        assert refusal.code == "not_allowed" and "chỉ đội trưởng" in refusal.message, stage
    clerk = ticket("NEW_SUPPLY_LV", T)
    assert apply(clerk, "return", vn(2027, 3, 3, 10, 2), BACK, actor=CLERK).status == "returned"


def test_a_walk_in_ticket_is_never_returned_to_the_call_center():
    walkin = ticket("OUTAGE", T, origin="counter")
    at = vn(2027, 3, 3, 10, 2)
    for actor in (CREW, LEAD):
        assert "return" not in permitted(walkin, actor, at)
        refusal = refuse(walkin, "return", at, BACK, actor=actor)
        assert refusal.code == "not_allowed" and "tại quầy" in refusal.message
