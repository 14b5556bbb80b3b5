"""A NUL character anywhere in a request is a 400 naming the field, on every database."""

from sqlalchemy import func, select

from fieldapp.extensions import db
from fieldapp.models import Ticket
from tests.api.helpers import batch, intake_body, op


def test_nul_in_a_query_filter_is_400(client, org, login):
    login("lead")
    resp = client.get("/api/v1/tickets", query_string={"team": "\x00"})
    assert resp.status_code == 400
    assert resp.get_json() == {"errors": {"query.team": ["Không được chứa ký tự NUL."]}}


def test_nul_deep_in_a_json_body_is_named_by_its_path(client, org, login):
    token = login("crew")
    body = batch(op(1, "update", {"note": "ok\x00"}))
    resp = client.post("/api/v1/sync", json=body, headers={"X-CSRFToken": token})
    assert resp.status_code == 400
    assert list(resp.get_json()["errors"]) == ["ops.0.data.note"]


def test_signed_intake_with_nul_is_400_and_stores_nothing(org, push_ticket):
    resp = push_ticket(intake_body(customer={"name": "Trần\x00"}))
    assert resp.status_code == 400
    assert resp.get_json()["errors"] == {"customer.name": ["Không được chứa ký tự NUL."]}
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 0


def test_unsigned_intake_with_nul_is_still_401(client, org):
    resp = client.post("/api/v1/crm/tickets", json=intake_body(content="\x00"))
    assert resp.status_code == 401


def test_nul_in_a_page_form_is_a_400_page(client, org, login):
    login("desk")
    resp = client.get("/desk/tickets", query_string={"q": "09\x00"})
    assert resp.status_code == 400 and "Dữ liệu không hợp lệ" in resp.get_data(as_text=True)
