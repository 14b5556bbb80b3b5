"""What the app refuses at the door, whatever the route, on every database: NUL, lone
surrogates, JSON nested too deep, a query that is not UTF-8. Each is a 400 naming the field
(a 400 page for the screens), and nothing is stored."""

import io
import json
import uuid

import pytest
from sqlalchemy import func, select

from fieldapp.errors.refused import MAX_DEPTH, too_deep
from fieldapp.extensions import db
from fieldapp.models import Attachment, Event, Ticket
from tests.api.helpers import batch, intake_body, op
from tests.browser.screens import png_bytes

NUL = "Không được chứa ký tự NUL."
SURROGATE = "Không được chứa ký tự Unicode không hợp lệ."
TOO_DEEP = "Nội dung JSON lồng nhau quá sâu."


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def post_raw(client, url: str, raw: bytes, token: str | None = None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["X-CSRFToken"] = token
    return client.post(url, data=raw, headers=headers)


def test_nul_in_a_query_filter_is_400(client, org, login):
    login("lead")
    resp = client.get("/api/v1/tickets", query_string={"team": "\x00"})
    assert resp.status_code == 400
    assert resp.get_json() == {"errors": {"query.team": [NUL]}}


def test_nul_deep_in_a_json_body_is_named_by_its_path(client, org, login):
    token = login("crew")
    body = batch(op(1, "update", {"note": "ok\x00"}))
    resp = client.post("/api/v1/sync", json=body, headers={"X-CSRFToken": token})
    assert resp.status_code == 400
    assert list(resp.get_json()["errors"]) == ["ops.0.data.note"]


def test_signed_intake_with_nul_is_400_and_stores_nothing(org, push_ticket):
    resp = push_ticket(intake_body(customer={"name": "Trần\x00"}))
    assert resp.status_code == 400
    assert resp.get_json()["errors"] == {"customer.name": [NUL]}
    assert count(Ticket) == 0


def test_unsigned_intake_with_nul_is_still_401(client, org):
    resp = client.post("/api/v1/crm/tickets", json=intake_body(content="\x00"))
    assert resp.status_code == 401


def test_nul_in_a_page_form_is_a_400_page(client, org, login):
    login("desk")
    resp = client.get("/desk/tickets", query_string={"q": "09\x00"})
    assert resp.status_code == 400 and "Dữ liệu không hợp lệ" in resp.get_data(as_text=True)


def test_nul_in_an_uploaded_file_name_is_a_400_page_and_stores_nothing(
    client, new_ticket, login, sync
):
    ticket = new_ticket()
    sync("crew")(op(ticket["id"], "accept"))
    token = login("crew")
    form = {
        "csrf_token": token,
        "op_id": uuid.uuid4().hex,
        "note": "Ảnh hiện trường",
        "photos": (io.BytesIO(png_bytes()), "anh\x00.png"),
    }
    resp = client.post(f"/tickets/{ticket['id']}/update", data=form)
    assert resp.status_code == 400 and "Dữ liệu không hợp lệ" in resp.get_data(as_text=True)
    assert count(Attachment) == 0


# A JSON "\ud800" escape, and the same surrogate as raw bytes: json.loads decodes bytes with
# "surrogatepass", so both arrive as a lone surrogate.
@pytest.mark.parametrize("spelling", [rb'"a\ud800b"', rb'"\udfff"', b'"a\xed\xa0\x80b"'])
def test_a_note_with_a_lone_surrogate_is_400_and_changes_nothing(
    client, new_ticket, login, spelling
):
    ticket = new_ticket()
    token = login("crew")
    raw = json.dumps(batch(op(ticket["id"], "update", {"note": "NOTE"}))).encode()
    resp = post_raw(client, "/api/v1/sync", raw.replace(b'"NOTE"', spelling), token)
    assert resp.status_code == 400
    assert resp.get_json() == {"errors": {"ops.0.data.note": [SURROGATE]}}
    assert count(Event) == 1  # only "received"
    assert client.get(f"/tickets/{ticket['id']}").status_code == 200


def test_a_lone_surrogate_in_a_json_key_is_named(client, org, login):
    token = login("crew")
    raw = b'{"device_id": "p", "ops": [{"data": {"n\\udc00te": "x"}}]}'
    resp = post_raw(client, "/api/v1/sync", raw, token)
    assert resp.status_code == 400
    assert resp.get_json() == {"errors": {"ops.0.data.n\udc00te": [SURROGATE]}}


def test_signed_intake_with_a_lone_surrogate_is_400_and_unsigned_401(client, org, push_ticket):
    raw = json.dumps(intake_body(customer={"name": "NAME"})).encode()
    raw = raw.replace(b'"NAME"', rb'"Tr\ud83dn"')
    resp = push_ticket(raw)
    assert resp.status_code == 400
    assert resp.get_json()["errors"] == {"customer.name": [SURROGATE]}
    assert post_raw(client, "/api/v1/crm/tickets", raw).status_code == 401
    assert count(Ticket) == 0


def deep(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


@pytest.mark.parametrize("url", ["/api/v1/sync", "/api/v1/push/subscriptions", "/api/v1/session"])
@pytest.mark.parametrize("raw", [deep(100_000), b'{"ops": ' + b"[" * 100_000])
def test_json_nested_100000_deep_is_400(client, org, login, url, raw):
    token = login("crew")
    resp = post_raw(client, url, raw, token)
    assert resp.status_code == 400
    assert resp.get_json() == {"errors": {"_body": [TOO_DEEP]}}


def test_signed_intake_nested_deep_is_400_and_unsigned_401(client, org, push_ticket):
    raw = b'{"customer": ' + deep(100_000) + b"}"
    assert push_ticket(raw).status_code == 413  # larger than any ticket: refused unread
    raw = b'{"customer": ' + deep(20_000) + b"}"
    resp = push_ticket(raw)
    assert resp.status_code == 400
    assert resp.get_json() == {"errors": {"_body": [TOO_DEEP]}}
    assert post_raw(client, "/api/v1/crm/tickets", raw).status_code == 401
    assert count(Ticket) == 0


def test_depth_is_counted_outside_strings_only():
    assert not too_deep(deep(MAX_DEPTH))
    assert too_deep(deep(MAX_DEPTH + 1))
    assert too_deep(json.dumps([[[{"a": deep(MAX_DEPTH).decode()}]]]).encode()) is False
    assert not too_deep(b'["\\"' + b"[" * 100 + b'"]')  # an escaped quote does not end it
    assert too_deep(b'["\\\\"' + b"[" * 100)  # an escaped backslash does
    assert too_deep(deep(MAX_DEPTH + 1).decode().encode("utf-16"))  # read as json.loads reads
    assert too_deep(b'["' + b"\\" * 100_001 + b"[" * 100) is False  # unterminated: one pass


def test_a_query_that_is_not_utf8_is_400(client, org, login):
    login("lead")
    resp = client.get("/api/v1/tickets", environ_overrides={"QUERY_STRING": "team=\xff"})
    assert resp.status_code == 400
    assert list(resp.get_json()["errors"]) == ["query"]
    for path in ("/desk/tickets", "/static/css/app.css"):
        assert (
            client.get(path, environ_overrides={"QUERY_STRING": "v=\xed\xa0\x80"}).status_code
            == 400
        )
    # Percent-encoded, the same bytes stay text as written (werkzeug re-quotes what it cannot
    # decode, in forms too): no lone surrogate gets in that way.
    resp = client.get("/api/v1/tickets?team=%ED%A0%80")
    assert resp.status_code == 200 and resp.get_json()["tickets"] == []
