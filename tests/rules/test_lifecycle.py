"""Who may do what, from which status, and what each action changes, DOMAIN §2, §4."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from fieldapp.rules import lifecycle
from fieldapp.rules.actions import CLIENT_ACTIONS as ACTIONS
from fieldapp.rules.lifecycle import decide
from fieldapp.rules.state import Actor, Applied, Op, Refusal
from tests.rules import helpers as h
from tests.rules.helpers import apply, event, refuse, ticket, vn

T0 = vn(2027, 3, 3, 10)  # received
T1 = vn(2027, 3, 3, 10, 1)  # within every 3-minute accept window
T2 = vn(2027, 3, 3, 10, 5)


def outage(**changes):
    return ticket("OUTAGE", **changes)


def accepted_outage():
    return apply(outage(), "accept", T1)


def test_actions():
    assert ACTIONS == (
        "accept",
        "return",
        "contact",
        "update",
        "extend",
        "overdue_update",
        "transfer",
        "complete",
        "assign",
        "acknowledge",
    )


# --- roles and desks -------------------------------------------------------------------


@pytest.mark.parametrize(
    "actor", [h.COMPANY, h.ADMIN, h.CRM, h.SYSTEM, Actor(9, "visitor", "operations")]
)
def test_only_crews_desks_and_leaders_act(actor):
    refusal = refuse(outage(), "accept", T1, actor=actor)
    assert refusal.code == "not_allowed"


def test_a_worker_acts_only_on_tickets_of_their_own_desk():
    assert refuse(outage(), "accept", T1, actor=h.CLERK).code == "not_allowed"
    assert refuse(ticket("NEW_SUPPLY_LV"), "accept", T1, actor=h.CREW).code == "not_allowed"
    assert refuse(outage(), "accept", T1, actor=Actor(13, "crew", None)).code == "not_allowed"
    assert isinstance(decide(outage(), Op("accept", T1), h.CREW), Applied)
    assert isinstance(decide(ticket("NEW_SUPPLY_LV"), Op("accept", T1), h.CLERK), Applied)


def test_the_leader_acts_on_either_desk():
    assert apply(outage(), "accept", T1, actor=h.LEAD).assignee_id == h.LEAD.user_id
    assert apply(ticket("COMPLAINT"), "accept", T1, actor=h.LEAD).status == "accepted"


def test_only_the_leader_assigns():
    state = accepted_outage()
    assert refuse(state, "assign", T2, {"assignee_id": 12}, actor=h.CREW).code == "not_allowed"
    new = apply(state, "assign", T2, {"assignee_id": 12}, actor=h.LEAD)
    assert new.assignee_id == 12
    assert event(state, "assign", T2, {"assignee_id": 12}, actor=h.LEAD).action == "assigned"


def test_assign_needs_an_integer_on_an_open_ticket():
    refusal = refuse(outage(), "assign", T2, {"assignee_id": "12"}, actor=h.LEAD)
    assert (refusal.code, refusal.fields) == ("invalid", ("assignee_id",))
    assert refuse(outage(), "assign", T2, {"assignee_id": True}, actor=h.LEAD).code == "invalid"
    assert refuse(outage(), "assign", T2, {}, actor=h.LEAD).code == "invalid"
    done = outage(status="completed")
    assert refuse(done, "assign", T2, {"assignee_id": 12}, actor=h.LEAD).code == "not_allowed"
    # Before acceptance too: the leader may hand a new ticket to someone.
    assert apply(outage(), "assign", T1, {"assignee_id": 12}, actor=h.LEAD).status == "received"


def test_unknown_action_is_invalid():
    refusal = decide(outage(), Op("dance", T1), h.CREW)
    assert isinstance(refusal, Refusal)
    assert (refusal.code, refusal.fields) == ("invalid", ("action",))


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        decide(outage(), Op("accept", datetime(2027, 3, 3, 10, 1)), h.CREW)


# --- statuses --------------------------------------------------------------------------

DATA = {
    "accept": {},
    "return": {"reason": "wrong_info", "note": "Sai địa chỉ"},
    "contact": {"outcome": "reached", "note": "Đã gọi"},
    "update": {"note": "Đang xử lý"},
    "extend": {
        "reason_code": "storm",
        "note": "Bão",
        "new_eta": vn(2027, 3, 3, 13),
        "customer_informed": h.INFORMED,
    },
    "overdue_update": {
        "status_note": "Đang sửa",
        "reason_code": "storm",
        "note": "Bão",
        "new_eta": vn(2027, 3, 3, 13),
        "customer_informed": h.INFORMED,
    },
    "transfer": {"desk": "business", "note": "Sai loại"},
    "complete": {"result": "Đã sửa", "restored_at": T2, "cause": "Đứt dây"},
    "assign": {"assignee_id": 12},
    "acknowledge": {},
}

# Acknowledging needs a handover waiting (test_handover.py): refused from every status here.
ALLOWED = {
    "received": {"accept", "return", "overdue_update", "transfer", "assign"},
    "accepted": set(ACTIONS) - {"accept", "acknowledge"},
    "in_progress": set(ACTIONS) - {"accept", "acknowledge"},
    "completed": set(),
    "returned": set(),
}


@pytest.mark.parametrize("status", sorted(ALLOWED))
@pytest.mark.parametrize("action", ACTIONS)
def test_which_action_from_which_status(status, action):
    state = outage(status=status, accepted_at=None if status == "received" else T1)
    outcome = decide(state, Op(action, T1, DATA[action]), h.LEAD)
    if action in ALLOWED[status]:
        assert isinstance(outcome, Applied), outcome
    elif action == "complete" and status == "received":
        assert (outcome.code, outcome.fields) == ("completion_blocked", ("accepted",))
    else:
        assert isinstance(outcome, Refusal) and outcome.code == "not_allowed", outcome


# --- accept ----------------------------------------------------------------------------


def test_accept():
    result = decide(outage(), Op("accept", T1, {}), h.CREW)
    new = result.state
    assert (new.status, new.accepted_at, new.assignee_id) == ("accepted", T1, h.CREW.user_id)
    assert new.accepted_at.tzinfo == UTC
    assert new.late_accept is False
    assert new.contact_by == vn(2027, 3, 3, 10, 31)  # OUTAGE: 30 min after acceptance
    (ev,) = result.events
    assert (ev.action, ev.at, ev.data) == ("accepted", T1, {})
    assert ev.at.tzinfo == UTC


def test_accept_keeps_an_assignee_given_before():
    assert apply(outage(assignee_id=12), "accept", T1, actor=h.OTHER_CREW).assignee_id == 12


@pytest.mark.parametrize(
    "action, data, status",
    [
        ("accept", {}, "received"),
        ("update", {"note": "Đang xử lý"}, "accepted"),
        ("complete", {"result": "Xong"}, "in_progress"),
        ("return", {"reason": "other", "note": "x"}, "accepted"),
    ],
)
def test_another_persons_ticket_is_refused_to_a_crew(action, data, status):
    # e.g. the leader gave the ticket to someone else while this phone had no signal
    state = outage(status=status, assignee_id=h.OTHER_CREW.user_id)
    refused = h.decide(state, action, T1, data, h.CREW)
    assert isinstance(refused, Refusal) and refused.code == "not_allowed"
    assert "người khác" in refused.message


def test_the_leader_still_works_a_ticket_given_to_a_crew():
    state = outage(status="accepted", assignee_id=h.OTHER_CREW.user_id)
    assert apply(state, "update", T1, {"note": "Đội trưởng ghi"}, h.LEAD).assignee_id == 12


def test_accept_keeps_the_complaint_contact_deadline():
    state = ticket("COMPLAINT")
    assert apply(state, "accept", T1).contact_by == vn(2027, 3, 4, 16, 55)


def test_no_contact_deadline_for_other_types():
    assert apply(ticket("NEW_SUPPLY_LV"), "accept", T1).contact_by is None


# --- return ----------------------------------------------------------------------------


def test_return():
    data = {"reason": "not_our_area", "note": "Khách hàng thuộc đội khác"}
    result = decide(outage(), Op("return", T1, data), h.CREW)
    assert (result.state.status, result.state.returned_at) == ("returned", T1)
    assert (result.events[0].action, result.events[0].data) == ("returned", data)


def test_return_after_acceptance():
    assert apply(accepted_outage(), "return", T2, DATA["return"]).status == "returned"


def test_return_needs_a_known_reason_and_a_note():
    refusal = refuse(outage(), "return", T1, {"reason": "bored", "note": "  "})
    assert (refusal.code, refusal.fields) == ("invalid", ("reason", "note"))
    assert refuse(outage(), "return", T1, {"reason": "other"}).fields == ("note",)


# --- contact ---------------------------------------------------------------------------


def test_contact_reached():
    state = accepted_outage()
    result = decide(state, Op("contact", T2, {"outcome": "reached"}), h.CREW)
    new = result.state
    assert (new.status, new.contacted_at, new.late_contact) == ("in_progress", T2, False)
    assert new.customer_confirmed is False
    assert result.events[0].action == "contacted"
    assert result.events[0].data == {"outcome": "reached"}


def test_no_answer_is_not_a_contact():
    new = apply(accepted_outage(), "contact", T2, {"outcome": "no_answer", "note": "Tắt máy"})
    assert (new.status, new.contacted_at) == ("in_progress", None)


def test_the_first_contact_time_is_kept():
    first = apply(accepted_outage(), "contact", T2, {"outcome": "reached"})
    later = apply(first, "contact", vn(2027, 3, 3, 10, 20), {"outcome": "reached"})
    assert later.contacted_at == T2


def test_confirmed_done_records_the_customer_confirmation():
    new = apply(accepted_outage(), "contact", T2, {"outcome": "confirmed_done"})
    assert new.customer_confirmed is True
    assert new.contacted_at == T2


def test_contact_needs_a_known_outcome():
    refusal = refuse(accepted_outage(), "contact", T2, {"outcome": "maybe"})
    assert (refusal.code, refusal.fields) == ("invalid", ("outcome",))
    assert refuse(accepted_outage(), "contact", T2, {}).fields == ("outcome",)


# --- update ----------------------------------------------------------------------------


def test_update():
    data = {"note": "Đã đến hiện trường", "attachments": [4, 5]}
    result = decide(accepted_outage(), Op("update", T2, data), h.CREW)
    assert result.state.status == "in_progress"
    assert (result.events[0].action, result.events[0].data) == ("updated", data)


def test_update_needs_a_note():
    refusal = refuse(accepted_outage(), "update", T2, {"note": ""})
    assert (refusal.code, refusal.fields) == ("invalid", ("note",))


# --- transfer --------------------------------------------------------------------------


def test_transfer_keeps_the_deadlines():
    state = accepted_outage()
    result = decide(state, Op("transfer", T2, {"desk": "business", "note": "Sai loại"}), h.CREW)
    new = result.state
    assert (new.desk, new.assignee_id, new.status) == ("business", None, "accepted")
    assert (new.accept_by, new.contact_by, new.resolve_by) == (
        state.accept_by,
        state.contact_by,
        state.resolve_by,
    )
    ev = result.events[0]
    assert (ev.action, ev.data) == (
        "transferred",
        {"from": "operations", "to": "business", "note": "Sai loại"},
    )


def test_after_a_transfer_the_other_desk_owns_the_ticket():
    new = apply(outage(), "transfer", T0, {"desk": "business", "note": "Sai loại"})
    assert refuse(new, "accept", T1, actor=h.OTHER_CREW).code == "not_allowed"
    assert apply(new, "accept", T1, actor=h.CLERK).status == "accepted"


def test_transfer_must_go_to_the_other_desk_with_a_note():
    refusal = refuse(outage(), "transfer", T1, {"desk": "operations", "note": "x"})
    assert (refusal.code, refusal.fields) == ("invalid", ("desk",))
    refusal = refuse(outage(), "transfer", T1, {"desk": "kitchen"})
    assert refusal.fields == ("desk", "note")


# --- helpers ---------------------------------------------------------------------------


def test_is_open():
    for status, open_ in [
        ("received", True),
        ("accepted", True),
        ("in_progress", True),
        ("completed", False),
        ("returned", False),
    ]:
        assert lifecycle.is_open(outage(status=status)) is open_


def test_effective_deadline_is_the_later_of_resolve_by_and_expected_at():
    state = outage()
    assert lifecycle.effective_deadline(state) == state.resolve_by
    later = state.resolve_by + timedelta(hours=1)
    assert lifecycle.effective_deadline(replace(state, expected_at=later)) == later
    earlier = state.resolve_by - timedelta(hours=1)
    assert lifecycle.effective_deadline(replace(state, expected_at=earlier)) == state.resolve_by


def test_decide_leaves_the_input_alone():
    state = outage()
    data = {"late_reason": None}
    decide(state, Op("accept", T1, data), h.CREW)
    assert state.status == "received" and data == {"late_reason": None}
