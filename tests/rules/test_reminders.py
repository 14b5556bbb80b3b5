"""The reminder plan, DOMAIN §5: kinds, times, audiences, and replanning as the ticket moves."""

from dataclasses import replace
from datetime import UTC

from fieldapp.rules.reminders import plan
from tests.rules.helpers import CAL, CLERK, INFORMED, LATE, apply, ticket, vn

RECEIVED = vn(2027, 3, 3, 10)  # Wednesday, office hours


def rows(state, now):
    """The plan as (kind, local due time, audience) for readable comparisons."""
    return [(r.kind, r.due_at, r.audience) for r in plan(state, now, CAL)]


def kinds(state, now):
    return [r.kind for r in plan(state, now, CAL)]


def outage_worked():
    state = apply(ticket("OUTAGE", RECEIVED), "accept", vn(2027, 3, 3, 10, 1))
    return apply(state, "contact", vn(2027, 3, 3, 10, 10), {"outcome": "reached"})


def test_a_new_business_ticket():
    assert rows(ticket("NEW_SUPPLY_LV", RECEIVED), RECEIVED) == [
        ("new_ticket", vn(2027, 3, 3, 10), ("desk",)),
        ("accept_due", vn(2027, 3, 3, 10, 3), ("desk", "leader")),
        ("accept_escalation", vn(2027, 3, 3, 10, 15), ("leader", "crm")),
        # 80 % of the 2670 office minutes to the deadline (DOMAIN §7), not of 7 d 6 h 55 min
        ("resolve_warn_80", vn(2027, 3, 9, 15, 51), ("desk",)),
        ("resolve_warn_day", vn(2027, 3, 10, 7, 30), ("desk",)),
        ("resolve_warn_15", vn(2027, 3, 10, 16, 40), ("desk",)),
        ("overdue", vn(2027, 3, 10, 16, 55), ("desk", "leader")),
        # 15 office minutes after 16:55: the next morning, not 17:10 (DOMAIN §7)
        ("overdue_update_missing", vn(2027, 3, 11, 7, 45), ("leader", "company")),
    ]


def test_a_new_outage():
    assert rows(ticket("OUTAGE", RECEIVED), RECEIVED) == [
        ("new_ticket", vn(2027, 3, 3, 10), ("desk",)),
        ("accept_due", vn(2027, 3, 3, 10, 3), ("desk", "leader")),
        ("accept_escalation", vn(2027, 3, 3, 10, 15), ("leader", "crm")),
        ("resolve_warn_80", vn(2027, 3, 3, 11, 36), ("desk",)),
        ("resolve_warn_15", vn(2027, 3, 3, 11, 45), ("desk",)),
        ("overdue", vn(2027, 3, 3, 12), ("desk", "leader")),
        ("overdue_update_missing", vn(2027, 3, 3, 12, 15), ("leader", "company")),
    ]


def test_replanned_after_accept():
    state = apply(ticket("OUTAGE", RECEIVED), "accept", vn(2027, 3, 3, 10, 1))
    assert rows(state, vn(2027, 3, 3, 10, 1)) == [
        ("contact_warn_15", vn(2027, 3, 3, 10, 16), ("assignee",)),
        ("contact_warn_80", vn(2027, 3, 3, 10, 25), ("assignee",)),  # 80 % of 30 min
        ("resolve_warn_80", vn(2027, 3, 3, 11, 36), ("assignee",)),
        ("resolve_warn_15", vn(2027, 3, 3, 11, 45), ("assignee",)),
        ("overdue", vn(2027, 3, 3, 12), ("assignee", "leader")),
        ("overdue_update_missing", vn(2027, 3, 3, 12, 15), ("leader", "company")),
    ]


def test_replanned_after_contact():
    assert kinds(outage_worked(), vn(2027, 3, 3, 10, 10)) == [
        "resolve_warn_80",
        "resolve_warn_15",
        "overdue",
        "overdue_update_missing",
    ]


def test_no_answer_keeps_the_contact_warnings():
    state = apply(ticket("OUTAGE", RECEIVED), "accept", vn(2027, 3, 3, 10, 1))
    state = apply(state, "contact", vn(2027, 3, 3, 10, 5), {"outcome": "no_answer"})
    assert "contact_warn_80" in kinds(state, vn(2027, 3, 3, 10, 5))


def test_nothing_after_completion_or_return():
    done = apply(
        outage_worked(),
        "complete",
        vn(2027, 3, 3, 11),
        {"result": "Xong", "restored_at": vn(2027, 3, 3, 11), "cause": "Cầu chì"},
    )
    assert plan(done, vn(2027, 3, 3, 11), CAL) == []
    returned = apply(
        ticket("OUTAGE", RECEIVED),
        "return",
        vn(2027, 3, 3, 10, 1),
        {"reason": "not_our_area", "note": "Khác địa bàn"},
    )
    assert plan(returned, vn(2027, 3, 3, 10, 1), CAL) == []


def test_warnings_about_the_past_are_dropped():
    state = outage_worked()
    assert kinds(state, vn(2027, 3, 3, 11, 40)) == [
        "resolve_warn_15",
        "overdue",
        "overdue_update_missing",
    ]
    # Due exactly now counts as past for a warning.
    assert kinds(state, vn(2027, 3, 3, 11, 45)) == ["overdue", "overdue_update_missing"]


def test_escalations_in_the_past_stay_due():
    assert kinds(outage_worked(), vn(2027, 3, 3, 12, 30)) == ["overdue", "overdue_update_missing"]
    late = kinds(ticket("OUTAGE", RECEIVED), vn(2027, 3, 3, 10, 20))
    assert late[:3] == ["new_ticket", "accept_due", "accept_escalation"]


def test_business_escalation_counts_from_the_desk_opening():
    friday_evening = vn(2027, 3, 5, 17)
    assert rows(ticket("CONTRACT_OWNER", friday_evening), friday_evening)[:3] == [
        ("new_ticket", vn(2027, 3, 8, 7, 30), ("desk",)),  # the desk hears of it at opening
        ("accept_due", vn(2027, 3, 8, 7, 33), ("desk", "leader")),
        ("accept_escalation", vn(2027, 3, 8, 7, 45), ("leader", "crm")),
    ]


def test_complaint_contact_warnings_include_the_morning_of_the_day():
    state = apply(ticket("COMPLAINT", RECEIVED), "accept", vn(2027, 3, 3, 10, 1), actor=CLERK)
    got = rows(state, vn(2027, 3, 3, 10, 1))
    assert got[:3] == [
        ("contact_warn_day", vn(2027, 3, 4, 7, 30), ("assignee",)),
        ("contact_warn_80", vn(2027, 3, 4, 14, 17), ("assignee",)),  # 80 % of 790 office min
        ("contact_warn_15", vn(2027, 3, 4, 16, 40), ("assignee",)),
    ]
    assert ("resolve_warn_day", vn(2027, 3, 11, 7, 30), ("assignee",)) in got


def test_an_extension_moves_the_resolve_reminders():
    state = apply(
        outage_worked(),
        "extend",
        vn(2027, 3, 3, 11, 30),
        {
            "reason_code": "storm",
            "note": "Bão",
            "new_eta": vn(2027, 3, 3, 13),
            "customer_informed": INFORMED,
        },
    )
    assert rows(state, vn(2027, 3, 3, 11, 30)) == [
        ("resolve_warn_80", vn(2027, 3, 3, 12, 24), ("assignee",)),
        ("resolve_warn_15", vn(2027, 3, 3, 12, 45), ("assignee",)),
        ("overdue", vn(2027, 3, 3, 13), ("assignee", "leader")),
        ("overdue_update_missing", vn(2027, 3, 3, 13, 15), ("leader", "company")),
    ]


def test_an_overdue_update_restarts_the_overdue_clock_at_its_eta():
    data = {
        "status_note": "Đang thay cột",
        "reason_code": "waiting_materials",
        "note": "Chờ cột",
        "new_eta": vn(2027, 3, 3, 14),
        "customer_informed": INFORMED,
    }
    state = apply(outage_worked(), "overdue_update", vn(2027, 3, 3, 12, 10), data)
    assert rows(state, vn(2027, 3, 3, 12, 10)) == [
        ("resolve_warn_80", vn(2027, 3, 3, 13, 12), ("assignee",)),
        ("resolve_warn_15", vn(2027, 3, 3, 13, 45), ("assignee",)),
        ("overdue", vn(2027, 3, 3, 14), ("assignee", "leader")),
        ("overdue_update_missing", vn(2027, 3, 3, 14, 15), ("leader", "company")),
    ]


def test_an_overdue_update_made_after_the_deadline_silences_the_escalation():
    state = outage_worked()
    for at, missing in [
        (vn(2027, 3, 3, 11, 59), True),
        (vn(2027, 3, 3, 12), False),
        (vn(2027, 3, 3, 12, 10), False),
    ]:
        updated = replace(state, overdue_updated_at=at.astimezone(UTC))
        assert ("overdue_update_missing" in kinds(updated, at)) is missing


def test_warn_day_only_when_0730_is_before_the_deadline():
    state = replace(ticket("NEW_SUPPLY_LV", RECEIVED), expected_at=vn(2027, 3, 11, 7))
    got = rows(state, RECEIVED)
    assert not [r for r in got if r[0] == "resolve_warn_day"]
    # An ETA before opening: the business desk hears it is overdue when it opens.
    assert ("overdue", vn(2027, 3, 11, 7, 30), ("desk", "leader")) in got
    state = replace(state, expected_at=vn(2027, 3, 12, 15))
    assert ("resolve_warn_day", vn(2027, 3, 12, 7, 30), ("desk",)) in rows(state, RECEIVED)


def test_hours_types_get_no_morning_warning():
    assert "resolve_warn_day" not in kinds(ticket("MEDIA_COMPLAINT", RECEIVED), RECEIVED)
    assert "resolve_warn_day" in kinds(ticket("POWER_QUALITY", RECEIVED), RECEIVED)


def test_repeat_and_media_alerts_go_to_the_leader_at_once():
    state = ticket("MEDIA_COMPLAINT", RECEIVED, flags=frozenset({"repeat", "media"}))
    got = rows(state, RECEIVED)
    assert ("repeat_alert", vn(2027, 3, 3, 10), ("leader",)) in got
    assert ("media_alert", vn(2027, 3, 3, 10), ("leader",)) in got
    assert "repeat_alert" not in kinds(ticket("MEDIA_COMPLAINT", RECEIVED), RECEIVED)
    # They stay in the plan (already due, so sent once) while the ticket is open.
    accepted = apply(state, "accept", vn(2027, 3, 3, 10, 2))
    assert {"repeat_alert", "media_alert"} <= set(kinds(accepted, vn(2027, 3, 3, 10, 2)))


def test_an_unassigned_worked_ticket_warns_the_desk():
    state = apply(
        outage_worked(),
        "transfer",
        vn(2027, 3, 3, 10, 30),
        {"desk": "business", "note": "Sai loại"},
    )
    got = rows(state, vn(2027, 3, 3, 10, 30))
    assert ("resolve_warn_80", vn(2027, 3, 3, 11, 36), ("desk",)) in got
    assert ("overdue", vn(2027, 3, 3, 12), ("desk", "leader")) in got


def test_a_late_accept_keeps_the_overdue_plan():
    state = apply(
        ticket("OUTAGE", RECEIVED), "accept", vn(2027, 3, 3, 12, 5), {"late_reason": LATE}
    )
    got = kinds(state, vn(2027, 3, 3, 12, 5))
    assert "new_ticket" not in got and "accept_due" not in got
    assert got == ["overdue", "overdue_update_missing", "contact_warn_15", "contact_warn_80"]


def test_due_times_are_utc_and_sorted():
    result = plan(ticket("COMPLAINT", RECEIVED, flags=frozenset({"repeat"})), RECEIVED, CAL)
    assert all(r.due_at.tzinfo == UTC for r in result)
    assert [r.due_at for r in result] == sorted(r.due_at for r in result)
