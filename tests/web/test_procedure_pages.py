"""The screens of the procedure read again (DOMAIN §7): the duty desk signs for a handed-over
reconnection, a complaint's completion asks for its subject and a media complaint's reply."""

from datetime import time, timedelta

from fieldapp.models import utcnow
from fieldapp.services.calendar import current_calendar
from tests.api.helpers import arrived
from tests.web.conftest import reload
from workers.reminders import claim_due


def handed_over_reconnection(ticket):
    """A business-desk reconnection of the last working day, handed over at its closing."""
    cal = current_calendar()
    day = cal.local(utcnow()).date() - timedelta(days=1)
    while not cal.is_working_day(day):
        day -= timedelta(days=1)
    t = ticket(type="RECONNECT", received_at=cal.at_local(day, time(15, 30)).isoformat())
    assert t.desk == "business"
    arrived(t.id, t.received_at)
    claim_due(utcnow(), 100)  # what the worker does: the 16:55 handover among the due ones
    return reload(t)


def test_the_duty_desk_signs_for_a_handed_over_reconnection(org, login, ticket, act, client):
    t = handed_over_reconnection(ticket)
    assert (t.desk, t.handover_pending) == ("operations", True)
    token = login("crew")
    page = client.get(f"/tickets/{t.id}").get_data(as_text=True)
    assert "Chờ trực vận hành xác nhận" in page and 'data-action="acknowledge"' in page
    assert 'data-mark="handover"' in client.get("/").get_data(as_text=True)
    resp = act(t.id, "acknowledge", token, note="Đã nhận sổ giao ca")
    assert resp.status_code == 303
    signed = reload(t)
    assert (signed.handover_pending, signed.assignee_id) == (False, org["users"]["crew"].id)
    page = client.get(f"/tickets/{t.id}").get_data(as_text=True)
    assert 'data-action="acknowledge"' not in page and "Chờ trực vận hành xác nhận" not in page
    assert "Trực vận hành xác nhận nhận bàn giao" in page  # the timeline


def test_a_complaints_completion_asks_for_its_subject(login, ticket, act, client):
    t = ticket(type="MEDIA_COMPLAINT")
    token = login("desk")
    act(t.id, "accept", token)
    page = client.get(f"/tickets/{t.id}").get_data(as_text=True)
    assert 'name="reply_ref"' in page and 'name="complaint_subject"' in page
    for name in (
        "Thái độ nhân viên",
        "Chất lượng cung cấp điện",
        "Hóa đơn, tiền điện",
        "Nội dung khác",
    ):
        assert name in page
    resp = act(
        t.id,
        "complete",
        token,
        result="Đã trả lời báo",
        reply_ref="215/ĐLĐN-KD",
        complaint_subject="attitude",
    )
    assert resp.status_code == 303
    assert (reload(t).status, reload(t).complaint_subject) == ("completed", "attitude")
