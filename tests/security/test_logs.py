"""No customer phone number is ever written to a log (ASVS V16): intake, sync, pages and the
worker run with every logger at DEBUG, and the access-log lines of werkzeug and gunicorn,
which carry the query string of a search by phone, are masked too."""

import logging
import os

import pytest
from rq import SimpleWorker

from fieldapp.redis_conn import get_redis
from fieldapp.security import mask_phones
from tests.api.helpers import batch, intake_body, op
from workers.queues import get_queue

PHONE = "0905123456"
SHAPES = (PHONE, "905123456", "0905 123 456", "0905.123.456", "+84905123456", "%2B84905123456")


@pytest.fixture
def everything_logged(caplog):
    caplog.set_level(logging.DEBUG)
    for name in ("werkzeug", "gunicorn.access", "gunicorn.error", "rq", "sqlalchemy.engine"):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def _assert_no_phone(caplog):
    text = "\n".join(caplog.handler.format(r) for r in caplog.records)
    assert caplog.records, "nothing was logged: the test would prove nothing"
    for shape in SHAPES:
        assert shape not in text, shape


def test_a_day_of_work_logs_no_phone(app, org, push_ticket, login, client, everything_logged):
    if os.environ.get("REDIS_URL"):
        get_redis(app).flushdb()
    body = intake_body(customer={"phone": PHONE})
    created = push_ticket(body)
    assert created.status_code == 201
    assert push_ticket(body).status_code == 200  # a replay
    ticket_id = created.get_json()["id"]
    token = login("crew")
    results = client.post(
        "/api/v1/sync",
        headers={"X-CSRFToken": token},
        json=batch(
            op(ticket_id, "accept"),
            op(ticket_id, "note", {"text": f"Gọi khách {PHONE} không nghe máy"}),
        ),
    ).get_json()
    assert results["results"][0]["status"] == "applied"
    assert client.get(f"/api/v1/tickets/{ticket_id}").status_code == 200
    assert client.get("/api/v1/sync").status_code == 200
    assert client.get(f"/tickets/{ticket_id}").status_code == 200
    assert client.get("/desk", query_string={"q": PHONE}).status_code == 200
    client.post(
        "/api/v1/sync", headers={"X-CSRFToken": token}, json={"device_id": PHONE, "ops": "bad"}
    )  # a refused batch is logged too
    queue = get_queue(app)
    SimpleWorker([queue], connection=queue.connection).work(burst=True, with_scheduler=True)
    _werkzeug_and_gunicorn_access_lines()
    _assert_no_phone(everything_logged)


def _werkzeug_and_gunicorn_access_lines():
    """The lines werkzeug's server and gunicorn's access log write for a search by phone."""
    line = f"GET /desk?q={PHONE} HTTP/1.1"
    logging.getLogger("werkzeug").info(
        '%s - - [%s] "%s" %s %s', "127.0.0.1", "23/Nov/2026 10:00:00", line, "200", "-"
    )
    from gunicorn.config import Config

    atoms = {
        "h": "127.0.0.1",
        "l": "-",
        "u": "-",
        "t": "[23/Nov/2026:10:00:00 +0700]",
        "r": line,
        "s": "200",
        "b": "512",
        "f": f"/desk?q=%2B84{PHONE[1:]}",
        "a": "Mobile",
    }
    logging.getLogger("gunicorn.access").info(Config().access_log_format, atoms)


def test_an_error_with_a_phone_in_it_is_masked(everything_logged):
    try:
        raise ValueError(f"customer {PHONE} unreachable")
    except ValueError:
        logging.getLogger("fieldapp").exception("sending to %s failed", PHONE)
    _assert_no_phone(everything_logged)


@pytest.mark.parametrize(
    "text, masked",
    [
        ("q=0905123456&x", "q=<phone>&x"),
        ("+84 905 123 456", "<phone>"),
        ("gọi 0905.123.456 hoặc 0236-3822-123", "gọi <phone> hoặc <phone>"),
        ("ticket 1234567 crm CPC-TEST-000001 code PC03AA0123456", None),  # not phones
        ("epoch 1763870400 and 09051234567890", None),
    ],
)
def test_the_mask(text, masked):
    assert mask_phones(text) == (masked or text)
