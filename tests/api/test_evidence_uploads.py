"""Uploading evidence (DOMAIN §7): quotas per ticket and per user, who may upload, PDFs."""

import io
import threading

import pytest
from sqlalchemy import func, select

from fieldapp.extensions import db
from fieldapp.models import Attachment, Ticket
from fieldapp.services.evidence import attachable
from tests.api.helpers import op
from tests.api.test_concurrency import _phones
from tests.browser.screens import png_bytes

MB = 1024 * 1024
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def photo(size: int, name: str = "anh.png"):
    """A PNG of about `size` bytes (the header makes it one; the rest is padding)."""
    head = png_bytes()
    return (io.BytesIO(head + b"\0" * max(0, size - len(head))), name)


def stored() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Attachment))


@pytest.fixture
def upload(client, login):
    """Post files to a ticket's upload endpoint as a user; returns the response."""

    def _upload(username, ticket_id, *files):
        token = login(username)
        return client.post(
            f"/tickets/{ticket_id}/photos",
            headers={"X-CSRFToken": token},
            data={"photos": list(files)},
        )

    return _upload


def test_a_complaint_holds_at_most_5_mb_in_total(new_ticket, upload):
    t = new_ticket(type="COMPLAINT")
    assert upload("desk", t["id"], photo(3 * MB)).status_code == 201
    resp = upload("desk", t["id"], photo(int(2.5 * MB)))
    assert resp.status_code == 400
    [message] = resp.get_json()["errors"]["photos"]
    assert "mỗi phiếu" in message and "5 MB" in message
    assert stored() == 1
    assert upload("desk", t["id"], photo(MB)).status_code == 201  # 4 MB in all: still fits


def test_other_tickets_have_their_own_cap(app, new_ticket, upload):
    app.config["EVIDENCE_TICKET_MB"] = 2
    t = new_ticket(type="OUTAGE")
    assert upload("crew", t["id"], photo(MB), photo(MB // 2)).status_code == 201
    resp = upload("crew", t["id"], photo(MB))
    assert resp.status_code == 400 and "mỗi phiếu" in resp.get_json()["errors"]["photos"][0]
    assert stored() == 2


def test_files_attached_by_others_count_for_the_ticket(new_ticket, upload, sync):
    t = new_ticket(type="COMPLAINT")
    [first] = upload("desk", t["id"], photo(4 * MB)).get_json()["attachments"]
    send = sync("desk")
    assert send(op(t["id"], "accept"))[0]["status"] == "applied"
    update = op(t["id"], "update", {"note": "Ảnh hiện trường", "attachments": [first]})
    assert send(update)[0]["status"] == "applied"
    resp = upload("lead", t["id"], photo(int(1.5 * MB)))
    assert resp.status_code == 400 and stored() == 1


def test_uploads_waiting_for_an_update_are_capped_per_user(app, new_ticket, upload, sync):
    app.config["EVIDENCE_USER_PENDING_MB"] = 1.5
    a, b = new_ticket(), new_ticket()
    [first] = upload("crew", a["id"], photo(MB)).get_json()["attachments"]
    resp = upload("crew", b["id"], photo(MB))
    assert resp.status_code == 400
    assert "chưa gửi kèm cập nhật" in resp.get_json()["errors"]["photos"][0]
    assert stored() == 1
    send = sync("crew")
    send(op(a["id"], "accept"), op(a["id"], "update", {"note": "x", "attachments": [first]}))
    assert upload("crew", b["id"], photo(MB)).status_code == 201  # the first one went out


def test_a_user_uploads_at_most_so_much_a_day(app, new_ticket, upload):
    app.config["EVIDENCE_USER_DAILY_MB"] = 2.5
    tickets = [new_ticket() for _ in range(3)]
    assert upload("crew", tickets[0]["id"], photo(MB)).status_code == 201
    assert upload("crew", tickets[1]["id"], photo(MB)).status_code == 201
    resp = upload("crew", tickets[2]["id"], photo(MB))
    assert resp.status_code == 400
    assert "24 giờ" in resp.get_json()["errors"]["photos"][0] and stored() == 2


def test_an_upload_records_the_ticket_it_was_made_for(new_ticket, upload):
    t = new_ticket()
    [made] = upload("crew", t["id"], photo(1000)).get_json()["attachments"]
    db.session.rollback()
    row = db.session.get(Attachment, made)
    assert row.for_ticket_id == t["id"] and row.ticket_id is None


@pytest.mark.parametrize("username", ["company", "admin"])
def test_readers_may_not_upload(new_ticket, upload, username):
    t = new_ticket()
    resp = upload(username, t["id"], photo(1000))
    assert resp.status_code == 403 and resp.get_json()["errors"]["photos"]
    assert stored() == 0


def test_only_the_people_working_the_ticket_upload(new_ticket, upload, sync):
    t = new_ticket()  # OUTAGE: the operations desk's
    assert upload("desk", t["id"], photo(1000)).status_code == 403  # the business desk
    sync("crew2")(op(t["id"], "accept"))  # now crew2's ticket
    assert upload("crew", t["id"], photo(1000)).status_code == 403
    assert upload("crew2", t["id"], photo(1000)).status_code == 201
    assert upload("lead", t["id"], photo(1000)).status_code == 201
    assert stored() == 2


def test_a_pdf_is_kept_by_its_content_and_served_inline(client, new_ticket, upload):
    t = new_ticket()
    resp = upload("crew", t["id"], (io.BytesIO(PDF), "biên bản.jpg"))
    assert resp.status_code == 201
    [made] = resp.get_json()["attachments"]
    got = client.get(f"/attachments/{made}")
    assert got.status_code == 200 and got.data == PDF
    assert got.headers["Content-Type"] == "application/pdf"
    disposition = got.headers["Content-Disposition"]
    assert disposition.startswith("inline;") and "bi%C3%AAn%20b%E1%BA%A3n.jpg" in disposition


def test_a_file_named_pdf_is_judged_by_its_content(new_ticket, upload):
    t = new_ticket()
    resp = upload("crew", t["id"], (io.BytesIO(b"<html>not a pdf</html>"), "hoadon.pdf"))
    assert resp.status_code == 400
    assert (
        "không phải ảnh (JPEG, PNG, WebP) hay tài liệu PDF"
        in resp.get_json()["errors"]["photos"][0]
    )
    assert stored() == 0


def test_uploads_sent_at_once_cannot_slip_past_a_quota_together(app, new_ticket):
    app.config["EVIDENCE_USER_PENDING_MB"] = 5
    tickets = [new_ticket()["id"] for _ in range(4)]
    phones = _phones(app, ["crew"] * 4)
    gate = threading.Barrier(4)
    codes = [None] * 4

    def send(i):
        c, token = phones[i]
        gate.wait()
        codes[i] = c.post(
            f"/tickets/{tickets[i]}/photos",
            headers={"X-CSRFToken": token},
            data={"photos": [photo(2 * MB)]},
        ).status_code

    threads = [threading.Thread(target=send, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(codes) == [201, 201, 400, 400] and stored() == 2


def test_an_update_may_attach_only_the_users_own_uploads_made_for_its_ticket(
    new_ticket, upload, org
):
    a, b = new_ticket()["id"], new_ticket()["id"]
    [made] = upload("crew", a, photo(1000)).get_json()["attachments"]
    db.session.rollback()
    row, crew, other = db.session.get(Attachment, made), org["users"]["crew"], org["users"]["lead"]
    ticket_a, ticket_b = db.session.get(Ticket, a), db.session.get(Ticket, b)
    assert attachable(row, ticket_a, crew)
    assert not attachable(row, ticket_b, crew)  # made for another ticket
    assert not attachable(row, ticket_a, other)  # someone else's
    assert not attachable(None, ticket_a, crew)
