"""Late means a reason; seeing it coming (extend); the overdue update, DOMAIN §4."""

from dataclasses import replace

import pytest

from fieldapp.rules import lifecycle
from fieldapp.rules.lifecycle import late_deadlines
from fieldapp.rules.policy import Policy
from fieldapp.rules.state import Op
from tests.rules.helpers import CREW, INFORMED, LATE, LEAD, apply, event, refuse, ticket, vn

RECEIVED = vn(2027, 3, 3, 10)  # OUTAGE: accept by 10:03, resolve by 12:00
STORM = {
    "reason_code": "storm",
    "note": "Bão, cây đổ",
    "new_eta": vn(2027, 3, 3, 13),
    "customer_informed": INFORMED,
}
FACTS = {"result": "Đã khắc phục", "restored_at": vn(2027, 3, 3, 12, 40), "cause": "Cây đổ"}


def outage(**changes):
    return ticket("OUTAGE", RECEIVED, **changes)


def worked_outage():
    """Accepted at 10:01 and the customer reached at 10:10."""
    state = apply(outage(), "accept", vn(2027, 3, 3, 10, 1))
    return apply(state, "contact", vn(2027, 3, 3, 10, 10), {"outcome": "reached"})


# --- late accept -----------------------------------------------------------------------


def test_a_late_accept_needs_a_reason():
    refusal = refuse(outage(), "accept", vn(2027, 3, 3, 10, 4))
    assert (refusal.code, refusal.fields) == ("late_reason_required", ("late_reason",))
    assert "thời hạn tiếp nhận" in refusal.message


def test_a_late_accept_with_a_reason():
    at = vn(2027, 3, 3, 10, 4)
    state = apply(outage(), "accept", at, {"late_reason": LATE})
    assert state.late_accept is True
    assert event(outage(), "accept", at, {"late_reason": LATE}).data == {"late_reason": LATE}


def test_accepting_on_the_deadline_is_on_time():
    state = apply(outage(), "accept", vn(2027, 3, 3, 10, 3))
    assert state.late_accept is False


@pytest.mark.parametrize("bad", [None, {}, {"note": "x"}, {"code": "bored"}, "storm"])
def test_a_late_reason_needs_a_known_code(bad):
    refusal = refuse(outage(), "accept", vn(2027, 3, 3, 10, 4), {"late_reason": bad})
    assert refusal.code == "late_reason_required"


def test_a_recorded_delay_never_covers_a_late_accept():
    state = apply(
        outage(), "overdue_update", vn(2027, 3, 3, 10, 2), {**STORM, "status_note": "Đang điều xe"}
    )
    assert late_deadlines(state, "accept", vn(2027, 3, 3, 10, 4)) == ("accept",)
    assert refuse(state, "accept", vn(2027, 3, 3, 10, 4)).code == "late_reason_required"


def test_an_on_time_reason_is_kept_in_the_event_only():
    at = vn(2027, 3, 3, 10, 1)
    assert event(outage(), "accept", at, {"late_reason": LATE}).data == {"late_reason": LATE}
    assert apply(outage(), "accept", at, {"late_reason": LATE}).late_accept is False


# --- late contact ----------------------------------------------------------------------


def test_outage_contact_after_30_minutes_needs_a_reason():
    state = apply(outage(), "accept", vn(2027, 3, 3, 10, 1))  # contact by 10:31
    late = vn(2027, 3, 3, 10, 40)
    assert late_deadlines(state, "contact", late) == ("contact",)
    refusal = refuse(state, "contact", late, {"outcome": "reached"})
    assert refusal.code == "late_reason_required"
    assert "liên hệ khách hàng" in refusal.message
    new = apply(state, "contact", late, {"outcome": "reached", "late_reason": LATE})
    assert (new.contacted_at, new.late_contact) == (late, True)


def test_an_update_while_the_contact_is_overdue_needs_a_reason():
    state = apply(outage(), "accept", vn(2027, 3, 3, 10, 1))
    refusal = refuse(state, "update", vn(2027, 3, 3, 10, 40), {"note": "Đang đi"})
    assert refusal.code == "late_reason_required"


def test_late_contact_is_judged_when_the_customer_is_first_reached():
    state = apply(outage(), "accept", vn(2027, 3, 3, 10, 1))
    state = apply(state, "contact", vn(2027, 3, 3, 10, 20), {"outcome": "no_answer"})
    assert (state.contacted_at, state.late_contact) == (None, False)
    state = apply(
        state, "contact", vn(2027, 3, 3, 10, 45), {"outcome": "reached", "late_reason": LATE}
    )
    assert state.late_contact is True


def test_complaint_contact_deadline_is_one_working_day():
    state = apply(ticket("COMPLAINT", RECEIVED), "accept", vn(2027, 3, 3, 10, 1))
    assert late_deadlines(state, "update", vn(2027, 3, 4, 16, 55)) == ()
    assert late_deadlines(state, "update", vn(2027, 3, 4, 16, 56)) == ("contact",)


# --- late resolve and the helper -------------------------------------------------------


def test_late_deadlines_lists_every_passed_deadline():
    state = apply(outage(), "accept", vn(2027, 3, 3, 10, 1))
    assert late_deadlines(state, "update", vn(2027, 3, 3, 12, 30)) == ("contact", "resolve")
    assert late_deadlines(outage(), "accept", vn(2027, 3, 3, 12, 30)) == ("accept", "resolve")
    assert late_deadlines(worked_outage(), "complete", vn(2027, 3, 3, 12)) == ()


@pytest.mark.parametrize("action", ["return", "extend", "overdue_update", "transfer", "assign"])
def test_other_actions_never_need_a_late_reason(action):
    assert late_deadlines(worked_outage(), action, vn(2027, 3, 4, 10)) == ()


def test_a_late_update_needs_a_reason():
    refusal = refuse(worked_outage(), "update", vn(2027, 3, 3, 12, 1), {"note": "Còn sửa"})
    assert refusal.code == "late_reason_required"
    ev = event(
        worked_outage(), "update", vn(2027, 3, 3, 12, 1), {"note": "Còn sửa", "late_reason": LATE}
    )
    assert ev.data["late_reason"] == LATE


def test_a_missing_note_is_reported_before_the_late_reason():
    refusal = refuse(worked_outage(), "update", vn(2027, 3, 3, 12, 1), {})
    assert (refusal.code, refusal.fields) == ("invalid", ("note",))


# --- extend ----------------------------------------------------------------------------


def test_extend():
    state = worked_outage()
    at = vn(2027, 3, 3, 11, 30)
    new = apply(state, "extend", at, STORM)
    assert new.expected_at == vn(2027, 3, 3, 13)
    assert new.delay_reason == {"code": "storm", "note": "Bão, cây đổ"}
    assert new.extensions == 1
    assert (new.status, new.resolve_by) == (state.status, state.resolve_by)
    ev = event(state, "extend", at, STORM)
    assert (ev.action, ev.data) == ("extended", STORM)


def test_an_extension_covers_lateness_until_the_expected_time():
    state = apply(worked_outage(), "extend", vn(2027, 3, 3, 11, 30), STORM)
    at = vn(2027, 3, 3, 12, 30)
    assert late_deadlines(state, "update", at) == ()
    ev = event(state, "update", at, {"note": "Đang dựng lại cột"})
    assert ev.data["late_reason"] == {
        "code": "storm",
        "note": "Bão, cây đổ",
        "from_extension": True,
    }
    assert late_deadlines(state, "update", vn(2027, 3, 3, 13)) == ()  # up to and including
    assert late_deadlines(state, "update", vn(2027, 3, 3, 13, 1)) == ("resolve",)
    refusal = refuse(state, "update", vn(2027, 3, 3, 13, 1), {"note": "Chưa xong"})
    assert refusal.code == "late_reason_required"


def test_a_reason_given_by_the_crew_wins_over_the_extension():
    state = apply(worked_outage(), "extend", vn(2027, 3, 3, 11, 30), STORM)
    ev = event(state, "update", vn(2027, 3, 3, 12, 30), {"note": "x", "late_reason": LATE})
    assert ev.data["late_reason"] == LATE


def test_completing_inside_an_extension_records_the_extension_reason():
    state = apply(worked_outage(), "extend", vn(2027, 3, 3, 11, 30), STORM)
    new = apply(state, "complete", vn(2027, 3, 3, 12, 45), FACTS)
    assert (new.status, new.late_resolve) == ("completed", True)
    assert new.late_reason == {"code": "storm", "note": "Bão, cây đổ", "from_extension": True}


def test_extend_up_to_the_deadline_but_not_after():
    assert apply(worked_outage(), "extend", vn(2027, 3, 3, 12), STORM).extensions == 1
    refusal = refuse(worked_outage(), "extend", vn(2027, 3, 3, 12, 1), STORM)
    assert refusal.code == "not_allowed"
    assert "Báo cáo quá hạn" in refusal.message


def test_extend_again_while_the_first_extension_holds():
    state = apply(worked_outage(), "extend", vn(2027, 3, 3, 11, 30), STORM)
    again = {**STORM, "new_eta": vn(2027, 3, 3, 14)}
    new = apply(state, "extend", vn(2027, 3, 3, 12, 30), again)
    assert (new.extensions, new.expected_at) == (2, vn(2027, 3, 3, 14))


@pytest.mark.parametrize("code", ["OUTAGE", "RECONNECT"])
def test_only_two_extensions_for_outage_and_reconnect(code):
    state = apply(ticket(code, RECEIVED), "accept", vn(2027, 3, 3, 10, 1))
    state = replace(state, extensions=2)
    refusal = refuse(state, "extend", vn(2027, 3, 3, 11, 30), STORM)
    assert (refusal.code, refusal.fields) == ("extension_limit", ())


def test_the_leader_confirms_an_objective_extension_beyond_the_limit():
    state = replace(worked_outage(), extensions=2)
    at = vn(2027, 3, 3, 11, 30)
    new = apply(state, "extend", at, STORM, actor=LEAD)
    assert new.extensions == 3
    ev = event(state, "extend", at, STORM, actor=LEAD)
    assert ev.data == {**STORM, "leader_confirmed": True}
    refusal = refuse(state, "extend", at, {**STORM, "reason_code": "workload"}, actor=LEAD)
    assert (refusal.code, refusal.fields) == ("invalid", ("reason_code",))


def test_a_leader_extension_within_the_limit_is_not_marked_confirmed():
    ev = event(worked_outage(), "extend", vn(2027, 3, 3, 11, 30), STORM, actor=LEAD)
    assert "leader_confirmed" not in ev.data


def test_types_without_a_limit_extend_freely():
    state = apply(ticket("NEW_SUPPLY_LV", RECEIVED), "accept", vn(2027, 3, 3, 10, 1))
    state = replace(state, extensions=5)
    data = {**STORM, "new_eta": vn(2027, 3, 12, 16)}
    assert apply(state, "extend", vn(2027, 3, 4, 9), data).extensions == 6


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({**STORM, "reason_code": "workload"}, ("reason_code",)),
        ({**STORM, "reason_code": None}, ("reason_code",)),
        ({**STORM, "note": " "}, ("note",)),
        ({**STORM, "new_eta": vn(2027, 3, 3, 11, 30)}, ("new_eta",)),
        ({**STORM, "new_eta": vn(2027, 3, 3, 11)}, ("new_eta",)),
        ({**STORM, "new_eta": "13:00"}, ("new_eta",)),
        ({}, ("reason_code", "note", "new_eta", "customer_informed")),
    ],
)
def test_extend_needs_an_objective_reason_a_note_and_a_later_eta(data, fields):
    refusal = refuse(worked_outage(), "extend", vn(2027, 3, 3, 11, 30), data)
    assert (refusal.code, refusal.fields) == ("invalid", fields)


# --- overdue update --------------------------------------------------------------------

OVERDUE = {
    "status_note": "Đang thay dây",
    "reason_code": "workload",
    "note": "Nhiều sự cố",
    "new_eta": vn(2027, 3, 3, 13),
    "customer_informed": INFORMED,
}


def test_overdue_update():
    state = worked_outage()
    at = vn(2027, 3, 3, 12, 10)
    new = apply(state, "overdue_update", at, OVERDUE)
    assert new.overdue_updated_at == at
    assert new.expected_at == vn(2027, 3, 3, 13)
    assert new.delay_reason == {"code": "workload", "note": "Nhiều sự cố"}
    assert (new.extensions, new.status) == (1, state.status)  # every moved ETA counts
    ev = event(state, "overdue_update", at, OVERDUE)
    assert (ev.action, ev.data) == ("overdue_update", OVERDUE)


def test_an_overdue_update_covers_later_actions_until_its_eta():
    state = apply(worked_outage(), "overdue_update", vn(2027, 3, 3, 12, 10), OVERDUE)
    ev = event(state, "update", vn(2027, 3, 3, 12, 20), {"note": "Sắp xong"})
    assert ev.data["late_reason"]["code"] == "workload"
    assert ev.data["late_reason"]["from_extension"] is True


def test_an_overdue_update_beyond_the_limit_needs_the_leader_and_an_objective_cause():
    # DOMAIN §7: for OUTAGE and RECONNECT every moved ETA counts toward the two.
    state = replace(worked_outage(), extensions=2)
    at = vn(2027, 3, 3, 12, 10)
    assert refuse(state, "overdue_update", at, OVERDUE).code == "extension_limit"
    refusal = refuse(state, "overdue_update", at, OVERDUE, actor=LEAD)  # workload: not objective
    assert (refusal.code, refusal.fields) == ("invalid", ("reason_code",))
    objective = {**OVERDUE, "reason_code": "waiting_materials"}
    assert apply(state, "overdue_update", at, objective, actor=LEAD).extensions == 3
    assert event(state, "overdue_update", at, objective, actor=LEAD).data["leader_confirmed"]


def test_two_extensions_then_an_overdue_update_is_the_third_move():
    state = apply(worked_outage(), "extend", vn(2027, 3, 3, 11, 30), STORM)
    state = apply(state, "extend", vn(2027, 3, 3, 12, 30), {**STORM, "new_eta": vn(2027, 3, 3, 14)})
    assert (
        refuse(
            state,
            "overdue_update",
            vn(2027, 3, 3, 14, 5),
            {**OVERDUE, "new_eta": vn(2027, 3, 3, 16)},
        ).code
        == "extension_limit"
    )


def test_a_new_eta_is_capped_by_type():
    far = {**STORM, "new_eta": vn(2027, 3, 6, 11, 31)}  # 72 h and a minute after 11:30
    refusal = refuse(worked_outage(), "extend", vn(2027, 3, 3, 11, 30), far)
    assert (refusal.code, refusal.fields) == ("invalid", ("new_eta",))
    assert "72 giờ" in refusal.message
    near = {**STORM, "new_eta": vn(2027, 3, 6, 11, 30)}
    assert apply(worked_outage(), "extend", vn(2027, 3, 3, 11, 30), near).extensions == 1
    policy = Policy(eta_cap_hours={"OUTAGE": 2})
    refusal = lifecycle.decide(
        worked_outage(), Op("extend", vn(2027, 3, 3, 11, 30), near), CREW, policy
    )
    assert "2 giờ" in refusal.message


def test_a_delay_needs_how_the_customer_was_told():
    for informed in (None, {}, {"at": INFORMED["at"], "how": "pigeon"}, {"how": "sms"}):
        data = {**STORM, "customer_informed": informed}
        refusal = refuse(worked_outage(), "extend", vn(2027, 3, 3, 11, 30), data)
        assert refusal.fields == ("customer_informed",)


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({}, ("status_note", "reason_code", "note", "new_eta", "customer_informed")),
        ({**OVERDUE, "reason_code": "nope"}, ("reason_code",)),
        ({**OVERDUE, "new_eta": vn(2027, 3, 3, 12)}, ("new_eta",)),
        ({**OVERDUE, "status_note": ""}, ("status_note",)),
    ],
)
def test_overdue_update_needs_status_reason_note_and_eta(data, fields):
    refusal = refuse(worked_outage(), "overdue_update", vn(2027, 3, 3, 12, 10), data)
    assert (refusal.code, refusal.fields) == ("invalid", fields)
