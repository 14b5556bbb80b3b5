"""Evidence on the ticket page: the update form's quota and rights, PDFs in the timeline."""

import io
import re

from sqlalchemy import func, select

from fieldapp.extensions import db
from fieldapp.models import Attachment
from tests.api.test_evidence_uploads import MB, PDF, photo


def stored() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Attachment))


def test_an_update_past_the_complaint_quota_is_refused_keeping_the_note(login, ticket, act):
    t = ticket(type="COMPLAINT")
    token = login("desk")
    act(t.id, "accept", token)
    assert (
        act(t.id, "update", token, files={"photos": [photo(3 * MB)]}, note="a").status_code == 303
    )
    resp = act(t.id, "update", token, files={"photos": [photo(3 * MB)]}, note="Ghi chú hai")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "mỗi phiếu" in html and "Ghi chú hai" in html
    assert stored() == 1


def test_a_company_user_cannot_add_files_through_the_form(login, ticket, act):
    t = ticket()
    resp = act(t.id, "update", login("company"), files={"photos": [photo(1000)]}, note="x")
    assert resp.status_code == 422
    assert "Chỉ người xử lý phiếu mới tải ảnh, tài liệu lên phiếu được." in resp.get_data(
        as_text=True
    )
    assert stored() == 0


def test_the_timeline_links_a_pdf_and_shows_a_photo(client, login, ticket, act):
    t = ticket()
    token = login("crew")
    act(t.id, "accept", token)
    files = {"photos": [photo(1000, "cot.png"), (io.BytesIO(PDF), "biên bản.pdf")]}
    assert act(t.id, "update", token, files=files, note="Hồ sơ").status_code == 303
    html = client.get(f"/tickets/{t.id}").get_data(as_text=True)
    paragraph = re.search(r'<p class="photos">(.*?)</p>', html, re.S).group(1)
    assert paragraph.count("<img ") == 1
    assert re.search(
        r'<a href="/attachments/\d+" class="document">[^<]*biên bản.pdf</a>', paragraph
    )


def test_the_update_form_accepts_photos_and_pdfs(client, login, ticket, act):
    t = ticket()
    token = login("crew")
    act(t.id, "accept", token)
    html = client.get(f"/tickets/{t.id}").get_data(as_text=True)
    assert 'accept="image/*,application/pdf"' in html
