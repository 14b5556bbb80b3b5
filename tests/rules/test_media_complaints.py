"""Media complaints (DOMAIN §7, issue 13 item 1): accepted within 3 minutes around the clock,
leader and business desk told at once, and a written reply's reference to complete."""

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from fieldapp.rules import deadlines
from fieldapp.rules.catalog import TYPES
from fieldapp.rules.reminders import keeps_office_hours, plan
from tests.rules.helpers import CAL, CLERK, apply, refuse, ticket
from tests.rules.test_properties import PROFILE, received_times


@PROFILE
@given(received=received_times)
def test_a_media_complaints_accept_deadline_is_never_after_its_answer_deadline(received):
    due = deadlines.compute("MEDIA_COMPLAINT", received, CAL)
    assert due.desk == "business"
    assert due.accept_by == received + timedelta(minutes=3)
    assert due.accept_by <= due.resolve_by == received + timedelta(hours=24)


@PROFILE
@given(code=st.sampled_from(sorted(TYPES)), received=received_times)
def test_no_accept_deadline_is_after_the_resolve_deadline(code, received):
    due = deadlines.compute(code, received, CAL)
    assert due.accept_by <= due.resolve_by


@PROFILE
@given(received=received_times)
def test_leader_and_desk_are_pushed_at_once_and_nobody_escalates_before_the_desk_is_due(received):
    state = ticket("MEDIA_COMPLAINT", received, flags=frozenset({"media"}))
    assert not keeps_office_hours(state)
    got = {r.kind: r for r in plan(state, received, CAL)}
    assert (got["new_ticket"].due_at, got["new_ticket"].audience) == (received, ("desk",))
    assert (got["media_alert"].due_at, got["media_alert"].audience) == (received, ("leader",))
    assert got["accept_due"].due_at == received + timedelta(minutes=3)
    assert got["accept_escalation"].due_at == received + timedelta(minutes=15)
    assert got["accept_due"].due_at < got["overdue"].due_at
    assert got["overdue_update_missing"].due_at == received + timedelta(hours=24, minutes=15)


def test_completion_needs_the_written_replys_reference_and_the_subject():
    state = apply(
        ticket("MEDIA_COMPLAINT"),
        "accept",
        ticket("MEDIA_COMPLAINT").received_at + timedelta(minutes=1),
        actor=CLERK,
    )
    at = state.accepted_at + timedelta(hours=2)
    refusal = refuse(state, "complete", at, {"result": "Đã trả lời báo"})
    assert (refusal.code, refusal.fields) == (
        "completion_blocked",
        ("reply_ref", "complaint_subject"),
    )
    assert "số công văn trả lời" in refusal.message
    done = apply(
        state,
        "complete",
        at,
        {"result": "Đã trả lời báo", "reply_ref": "215/ĐLĐN-KD", "complaint_subject": "attitude"},
    )
    assert (done.status, done.complaint_subject) == ("completed", "attitude")
