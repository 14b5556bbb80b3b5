"""What completing requires, type by type, DOMAIN §4: the app blocks and says what is missing."""

from datetime import date

import pytest

from fieldapp.rules.catalog import TYPES
from tests.rules.helpers import FACTS, LATE, apply, event, refuse, ticket, vn

RECEIVED = vn(2027, 3, 3, 10)
ACCEPTED = vn(2027, 3, 3, 10, 1)
DONE = vn(2027, 3, 3, 10, 20)  # before every deadline of every type (OUTAGE contact: 10:31)

ALL_FACTS = {
    "restored_at": vn(2027, 3, 3, 10, 15),
    "cause": "Đứt dây sau công tơ",
    "reconnected_at": vn(2027, 3, 3, 10, 15),
    "meter_serial": "PC03-123456",
    "energised_on": date(2027, 3, 3),
    "cmis_updated": True,
    "inspection_result": "Công tơ đạt",
    "certificate_no": "KĐ-2027-0001",
    "reply_ref": "123/PCĐN-KD",
    "complaint_subject": "billing",
}


def accepted(code, **changes):
    return apply(ticket(code, RECEIVED, **changes), "accept", ACCEPTED)


def facts_of(code, **overrides):
    data = {"result": "Đã xử lý xong"}
    data.update({name: ALL_FACTS[name] for name in FACTS[code]})
    data.update(overrides)
    return data


@pytest.mark.parametrize("code", sorted(TYPES))
def test_completion_lists_exactly_the_missing_facts(code):
    outcome_fields = FACTS[code]
    state = accepted(code)
    if outcome_fields:
        refusal = refuse(state, "complete", DONE, {"result": "Xong"})
        assert (refusal.code, refusal.fields) == ("completion_blocked", outcome_fields)
    else:
        assert apply(state, "complete", DONE, {"result": "Xong"}).status == "completed"


@pytest.mark.parametrize("code", sorted(TYPES))
def test_completion_with_every_fact(code):
    state = accepted(code)
    new = apply(state, "complete", DONE, facts_of(code))
    assert (new.status, new.completed_at) == ("completed", DONE)
    assert (new.late_resolve, new.late_reason) == (False, None)
    ev = event(state, "complete", DONE, facts_of(code))
    assert (ev.action, ev.data) == ("completed", facts_of(code))


def test_the_message_names_the_missing_facts_in_vietnamese():
    refusal = refuse(accepted("OUTAGE"), "complete", DONE, {"result": "Đã sửa"})
    assert refusal.message == (
        "Chưa thể hoàn tất phiếu: còn thiếu thời gian có điện lại, nguyên nhân."
    )


@pytest.mark.parametrize("value", [False, None, "true", 1])
def test_cmis_must_be_confirmed_with_true(value):
    refusal = refuse(
        accepted("CONTRACT_OWNER"), "complete", DONE, facts_of("CONTRACT_OWNER", cmis_updated=value)
    )
    assert refusal.fields == ("cmis_updated",)


def test_blank_texts_count_as_missing():
    data = facts_of("METER_CALIBRATION", result="  ", certificate_no="")
    refusal = refuse(accepted("METER_CALIBRATION"), "complete", DONE, data)
    assert refusal.fields == ("result", "certificate_no")


def test_a_ticket_must_be_accepted_before_it_is_completed():
    refusal = refuse(ticket("OUTAGE", RECEIVED), "complete", ACCEPTED, {})
    assert (refusal.code, refusal.fields) == (
        "completion_blocked",
        ("accepted", "result", "restored_at", "cause"),
    )
    refusal = refuse(ticket("OTHER", RECEIVED), "complete", ACCEPTED, facts_of("OTHER"))
    assert refusal.fields == ("accepted",)


@pytest.mark.parametrize("flag", ["elderly", "difficult", "important"])
def test_special_customers_must_confirm(flag):
    state = accepted("METER_CHECK", flags=frozenset({flag}))
    refusal = refuse(state, "complete", DONE, facts_of("METER_CHECK"))
    assert (refusal.code, refusal.fields) == ("completion_blocked", ("customer_confirmation",))
    assert "xác nhận của khách hàng" in refusal.message


def test_a_flag_in_the_completion_no_longer_confirms():
    # DOMAIN §7: the confirmation is a contact, not a checkbox of the completion.
    state = accepted("METER_CHECK", flags=frozenset({"elderly"}))
    refusal = refuse(state, "complete", DONE, facts_of("METER_CHECK", customer_confirmed=True))
    assert refusal.fields == ("customer_confirmation",)


def test_the_confirmation_can_come_from_a_contact():
    state = accepted("METER_CHECK", flags=frozenset({"important"}))
    state = apply(state, "contact", vn(2027, 3, 3, 10, 10), {"outcome": "confirmed_done"})
    assert apply(state, "complete", DONE, facts_of("METER_CHECK")).status == "completed"


def test_repeat_and_media_customers_need_no_confirmation():
    state = accepted("METER_CHECK", flags=frozenset({"repeat", "media"}))
    assert apply(state, "complete", DONE, facts_of("METER_CHECK")).status == "completed"


def test_a_late_completion_needs_a_reason():
    state = apply(accepted("OUTAGE"), "contact", vn(2027, 3, 3, 10, 10), {"outcome": "reached"})
    late = vn(2027, 3, 3, 12, 30)
    refusal = refuse(state, "complete", late, facts_of("OUTAGE"))
    assert (refusal.code, refusal.fields) == ("completion_blocked", ("late_reason",))
    new = apply(state, "complete", late, facts_of("OUTAGE", late_reason=LATE))
    assert (new.late_resolve, new.late_reason) == (True, LATE)


def test_completing_on_the_deadline_is_on_time():
    state = apply(accepted("OUTAGE"), "contact", vn(2027, 3, 3, 10, 10), {"outcome": "reached"})
    new = apply(state, "complete", vn(2027, 3, 3, 12), facts_of("OUTAGE"))
    assert new.late_resolve is False


def test_every_missing_item_is_listed_in_one_refusal():
    state = accepted("OUTAGE", flags=frozenset({"elderly"}))
    refusal = refuse(state, "complete", vn(2027, 3, 3, 12, 30), {})
    assert refusal.code == "completion_blocked"
    assert refusal.fields == (
        "result",
        "restored_at",
        "cause",
        "customer_confirmation",
        "late_reason",
    )
    assert refusal.message == (
        "Chưa thể hoàn tất phiếu: còn thiếu kết quả xử lý, thời gian có điện lại, nguyên nhân, "
        "xác nhận của khách hàng, lý do trễ hạn."
    )


def test_a_missed_contact_deadline_alone_makes_completion_late():
    state = accepted("COMPLAINT")  # contact by Thu 4 March 16:55, resolve by Thu 11 March
    at = vn(2027, 3, 5, 9)
    assert refuse(state, "complete", at, facts_of("COMPLAINT")).fields == ("late_reason",)
    new = apply(state, "complete", at, facts_of("COMPLAINT", late_reason=LATE))
    assert (new.late_resolve, new.late_reason) == (False, LATE)


def test_completed_tickets_cannot_be_completed_again():
    state = apply(accepted("OTHER"), "complete", DONE, facts_of("OTHER"))
    assert refuse(state, "complete", DONE, facts_of("OTHER")).code == "not_allowed"
