"""The ticket page's action forms: plain POSTs, htmx swaps, refusals, photos, access."""

import io
import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from fieldapp.extensions import db
from fieldapp.models import Attachment, Event
from tests.api.helpers import ago
from tests.browser.screens import png_bytes
from tests.web.conftest import reload


def events(ticket, action):
    db.session.rollback()
    query = (
        select(func.count())
        .select_from(Event)
        .where(Event.ticket_id == ticket.id, Event.action == action)
    )
    return db.session.scalar(query)


def test_plain_post_applies_and_redirects_to_the_ticket(client, login, ticket, act):
    t = ticket()
    token = login("crew")
    resp = act(t.id, "accept", token)
    assert resp.status_code == 303 and resp.location == f"/tickets/{t.id}"
    assert reload(t).status == "accepted"
    page = client.get(resp.location).get_data(as_text=True)
    assert "Đã ghi nhận: tiếp nhận." in page


def test_htmx_post_answers_with_the_ticket_panel(login, ticket, act):
    t = ticket()
    resp = act(t.id, "accept", login("crew"), target=f"ticket-{t.id}")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "HX-Request" in resp.headers["Vary"]
    assert "<html" not in html
    assert f'id="ticket-{t.id}"' in html and "Đã tiếp nhận" in html


def test_row_accept_swaps_just_the_row(login, ticket, act):
    t = ticket()
    resp = act(t.id, "accept", login("crew"), target=f"row-{t.id}")
    html = resp.get_data(as_text=True)
    assert html.lstrip().startswith(f'<li id="row-{t.id}"') and "Của tôi" in html


def test_the_same_form_sent_twice_is_applied_once(login, ticket, act):
    t = ticket()
    token = login("crew")
    act(t.id, "accept", token)
    first = act(t.id, "update", token, op_id="op-twice-0001", note="Đang đến")
    second = act(
        t.id, "update", token, target=f"ticket-{t.id}", op_id="op-twice-0001", note="Đang đến"
    )
    assert first.status_code == 303 and second.status_code == 200
    assert "Thao tác này đã được ghi nhận trước đó." in second.get_data(as_text=True)
    assert events(t, "updated") == 1


def test_call_outcome_is_recorded(login, ticket, act):
    t = ticket()
    token = login("crew")
    act(t.id, "accept", token)
    act(t.id, "contact", token, outcome="no_answer")
    assert reload(t).contacted_at is None  # no answer is an attempt, not a contact
    act(t.id, "contact", token, outcome="reached", note="Khách có nhà")
    assert reload(t).contacted_at is not None and events(t, "contacted") == 2


def test_update_with_a_photo_attaches_it(client, login, ticket, act):
    t = ticket()
    token = login("crew")
    act(t.id, "accept", token)
    photo = {"photos": (io.BytesIO(png_bytes()), "anh.png")}
    resp = act(t.id, "update", token, files=photo, note="Ảnh hiện trường")
    assert resp.status_code == 303
    db.session.rollback()
    row = db.session.execute(select(Attachment)).scalar_one()
    assert row.ticket_id == t.id and row.content_type == "image/png"
    got = client.get(f"/attachments/{row.id}")
    assert got.status_code == 200 and got.data == png_bytes()
    assert got.headers["X-Content-Type-Options"] == "nosniff"


def test_a_file_that_is_not_an_image_is_refused_keeping_the_note(login, ticket, act):
    t = ticket()
    token = login("crew")
    act(t.id, "accept", token)
    fake = {"photos": (io.BytesIO(b"PK\x03\x04 a zip, not a photo"), "hoadon.jpg")}
    resp = act(t.id, "update", token, files=fake, note="Ghi chú của tôi")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "Tệp “hoadon.jpg” không phải ảnh (JPEG, PNG, WebP) hay tài liệu PDF." in html
    assert "Ghi chú của tôi" in html and events(t, "updated") == 0


def test_a_photo_over_5_mb_is_refused(login, ticket, act):
    t = ticket()
    token = login("crew")
    act(t.id, "accept", token)
    big = png_bytes() + b"\0" * (5 * 1024 * 1024)
    resp = act(t.id, "update", token, files={"photos": (io.BytesIO(big), "to.png")}, note="x")
    assert resp.status_code == 422 and "lớn hơn 5 MB" in resp.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0


def test_photos_of_a_refused_update_are_kept_for_the_retry(login, ticket, act):
    t = ticket()
    token = login("crew")
    act(t.id, "accept", token)
    photo = {"photos": (io.BytesIO(png_bytes()), "a.png")}
    resp = act(t.id, "update", token, target=f"ticket-{t.id}", files=photo)  # no note
    html = resp.get_data(as_text=True)
    kept = re.search(r'name="attachments" value="(\d+)"', html).group(1)
    assert resp.status_code == 422 and "ghi chú" in html
    act(t.id, "update", token, note="Có ảnh", attachments=kept)
    assert events(t, "updated") == 1
    assert db.session.get(Attachment, int(kept)).ticket_id == t.id


def test_late_accept_asks_for_a_reason_then_takes_it(login, ticket, act):
    t = ticket(received_at=ago(minutes=30).isoformat())
    token = login("crew")
    resp = act(t.id, "accept", token, target=f"ticket-{t.id}")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "Đã quá thời hạn tiếp nhận: hãy chọn lý do trễ hạn." in html
    fieldset = re.search(r'<fieldset class="late"[^>]*>', html).group(0)
    assert "hidden" not in fieldset
    resp = act(t.id, "accept", token, late_code="workload", late_note="Nhiều sự cố")
    assert resp.status_code == 303 and reload(t).late_accept is True


def test_the_late_reason_field_travels_hidden_until_the_deadline(client, login, ticket):
    t = ticket()
    login("crew")
    html = client.get(f"/tickets/{t.id}").get_data(as_text=True)
    fieldset = re.search(r'<fieldset class="late"[^>]*>', html)
    assert "hidden" in fieldset.group(0)
    carried = json.loads(re.search(r"data-clocks='([^']+)'", html).group(1))
    accept = next(c for c in carried["clocks"] if c["name"] == "accept")
    assert accept["until"] == t.accept_by.isoformat()


def test_blocked_completion_names_what_is_missing(login, ticket, act):
    t = ticket()
    token = login("crew")
    act(t.id, "accept", token)
    resp = act(t.id, "complete", token, target=f"ticket-{t.id}", result="Đã xử lý")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "Chưa thể hoàn tất phiếu: còn thiếu thời gian có điện lại, nguyên nhân." in html
    assert re.search(r'name="restored_at"[^>]*aria-invalid="true"', html)
    assert "Đã xử lý</textarea>" in html and '<details class="action" open>' in html
    resp = act(
        t.id,
        "complete",
        token,
        result="Đã xử lý",
        restored_at="2026-01-05T10:30",
        cause="Đứt cầu chì",
    )
    assert resp.status_code == 303 and reload(t).status == "completed"


def test_elderly_customer_must_confirm(login, ticket, act):
    t = ticket(customer={"birth_year": 1940})
    token = login("crew")
    act(t.id, "accept", token)
    fields = dict(result="Xong", restored_at="2026-01-05T10:30", cause="Đứt dây")
    resp = act(t.id, "complete", token, **fields)
    html = resp.get_data(as_text=True)
    assert "xác nhận của khách hàng" in html
    # No box to tick (DOMAIN §7): the form says how to record the customer's own word.
    assert 'name="customer_confirmed"' not in html
    assert "Khách hàng cần tự xác nhận" in html
    resp = act(t.id, "complete", token, customer_confirmed="1", **fields)
    assert resp.status_code == 422
    act(t.id, "contact", token, outcome="confirmed_done", note="Bà xác nhận")
    resp = act(t.id, "complete", token, **fields)
    assert resp.status_code == 303 and reload(t).customer_confirmed is True


def test_expected_delay_and_transfer_and_return(login, ticket, act):
    t = ticket()
    token = login("crew")
    act(t.id, "accept", token)
    eta = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).replace(second=0, microsecond=0) + timedelta(
        hours=5
    )
    resp = act(
        t.id,
        "extend",
        token,
        reason_code="waiting_materials",
        note="Chờ cáp",
        new_eta=eta.strftime("%Y-%m-%dT%H:%M"),
        customer_informed_how="zalo",
        customer_informed_at=(eta - timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M"),
    )
    assert resp.status_code == 303 and reload(t).extensions == 1
    assert reload(t).expected_at == eta  # typed in Vietnam time
    informed = reload(t).events[-1].data["customer_informed"]
    assert informed["how"] == "zalo" and informed["at"]
    resp = act(t.id, "transfer", token, desk="business", note="Sai loại yêu cầu")
    assert resp.status_code == 303 and reload(t).desk == "business"
    resp = act(t.id, "return", token, reason="wrong_info", note="x")
    assert resp.status_code == 422  # the crew no longer works a business-desk ticket


def test_another_teams_ticket_is_not_found(client, login, ticket, act):
    t = ticket(team="PC-DN-ST")
    token = login("crew")
    assert client.get(f"/tickets/{t.id}").status_code == 404
    assert act(t.id, "accept", token).status_code == 404
    assert reload(t).status == "received"


def test_htmx_post_without_csrf_token_is_refused(client, login, ticket):
    t = ticket()
    login("crew")
    resp = client.post(
        f"/tickets/{t.id}/accept",
        data={"op_id": "abcdefgh12"},
        headers={"HX-Request": "true", "HX-Target": f"ticket-{t.id}"},
    )
    assert resp.status_code == 400 and reload(t).status == "received"


def test_htmx_post_with_the_csrf_header_is_accepted(client, login, ticket):
    t = ticket()
    token = login("crew")
    resp = client.post(
        f"/tickets/{t.id}/accept",
        data={"op_id": "abcdefgh12"},
        headers={"HX-Request": "true", "HX-Target": f"ticket-{t.id}", "X-CSRFToken": token},
    )
    assert resp.status_code == 200 and reload(t).status == "accepted"


def test_company_staff_read_tickets_without_actions(client, login, ticket):
    t = ticket()
    login("company")
    html = client.get(f"/tickets/{t.id}").get_data(as_text=True)
    assert 'data-action="accept"' not in html and t.customer_name in html


def test_a_crew_does_not_act_on_the_other_desks_tickets(client, login, ticket, act):
    t = ticket(type="NEW_SUPPLY_LV")
    token = login("crew")
    html = client.get(f"/tickets/{t.id}").get_data(as_text=True)
    assert 'data-action="accept"' not in html and "Bộ phận kinh doanh" in html
    resp = act(t.id, "accept", token)
    assert resp.status_code == 422
    assert "Phiếu này thuộc bộ phận khác" in resp.get_data(as_text=True)


def test_photo_upload_endpoint_for_the_outbox(client, login, ticket):
    t = ticket()
    token = login("crew")
    resp = client.post(
        f"/tickets/{t.id}/photos",
        headers={"X-CSRFToken": token},
        data={"photos": (io.BytesIO(png_bytes()), "a.png")},
    )
    assert resp.status_code == 201
    (photo_id,) = resp.get_json()["attachments"]
    bad = client.post(
        f"/tickets/{t.id}/photos",
        headers={"X-CSRFToken": token},
        data={"photos": (io.BytesIO(b"GIF89a...."), "a.gif")},
    )
    assert bad.status_code == 400 and "photos" in bad.get_json()["errors"]
    login("st_crew")
    assert client.get(f"/attachments/{photo_id}").status_code == 404


def test_english_refusals(client, login, ticket, act):
    t = ticket()
    token = login("crew")
    client.post("/language", data={"lang": "en", "csrf_token": token})
    act(t.id, "accept", token)
    resp = act(t.id, "complete", token, result="Done")
    html = resp.get_data(as_text=True)
    assert "The ticket cannot be completed yet: missing time power was restored, cause." in html
