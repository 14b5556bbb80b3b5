"""The CRM outbox: signed, in order per ticket, retried with back-off, parked, never lost."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.models import CrmCallback
from fieldapp.services.signing import verify
from tests.workers.fakes import FakeCrm
from workers import callbacks, dispatch
from workers.callbacks import Policy

CONTACT = {"outcome": "reached", "note": "Đã gọi khách hàng"}


@pytest.fixture
def fast_retries(app):
    app.config.update(CRM_RETRY_BASE_SECONDS=0.05, CRM_RETRY_CAP_SECONDS=0.2, CRM_LEASE_SECONDS=5)


def rows() -> list[CrmCallback]:
    db.session.rollback()
    return list(db.session.scalars(select(CrmCallback).order_by(CrmCallback.id)))


def busy_tickets(new_ticket, sync_as, n: int) -> list[dict]:
    """n tickets, each accepted, contacted and updated: three callbacks apiece."""
    tickets = [new_ticket() for _ in range(n)]
    for ticket in tickets:
        sync_as("crew", ticket["id"], "accept")
        sync_as("crew", ticket["id"], "contact", CONTACT)
        sync_as("crew", ticket["id"], "update", {"note": "Đang thay dây"})
    return tickets


def drain(queue, work, seconds: float = 15.0) -> None:
    """Tick and work, as running workers do, until the outbox is empty or time is up."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(
        r.sent_at is None and r.parked_at is None for r in rows()
    ):
        dispatch.tick(queue, f"t{time.monotonic_ns()}")
        work()
        time.sleep(0.05)


def assert_in_order(crm: FakeCrm) -> None:
    """Each ticket's events arrived in the order they happened, and none before its
    predecessor had been answered 2xx."""
    expected = {}
    for row in rows():
        expected.setdefault(row.payload["crm_id"], []).append(row.event_id)
    confirmed: set[str] = set()
    for request in crm.requests:
        body = request["body"]
        order = expected[body["crm_id"]]
        earlier = order[: order.index(body["event_id"])]
        assert set(earlier) <= confirmed, f"{body['event']} of {body['crm_id']} came too early"
        if request["status"] < 300:
            confirmed.add(body["event_id"])
    for crm_id, order in expected.items():
        got = [b["event_id"] for b in crm.accepted() if b["crm_id"] == crm_id]
        assert list(dict.fromkeys(got)) == order


def test_each_event_is_posted_signed_as_the_contract_says(
    app, new_ticket, sync_as, crm, queue, work
):
    ticket = new_ticket()
    sync_as("crew", ticket["id"], "accept")
    queue.enqueue(callbacks.send_callbacks)
    work()

    [request] = crm.requests
    headers = request["headers"]
    assert verify(
        app.config["CRM_SHARED_SECRET"],
        headers["X-CRM-Timestamp"],
        headers["X-CRM-Signature"],
        request["raw"],
        time.time(),
        300,
    )
    assert headers["Content-Type"] == "application/json"
    [row] = rows()
    assert request["body"] == row.payload
    assert request["body"]["event"] == "accepted" and request["body"]["crm_id"] == ticket["crm_id"]
    assert row.sent_at is not None and row.attempts == 1 and row.last_error is None


def test_without_a_callback_url_events_are_kept_not_sent(app, new_ticket, sync_as, queue, work):
    ticket = new_ticket()
    sync_as("crew", ticket["id"], "accept")
    assert app.config["CRM_CALLBACK_URL"] is None
    assert dispatch.tick(queue, "x") == []
    queue.enqueue(callbacks.send_callbacks)
    work()
    [row] = rows()
    assert row.sent_at is None and row.attempts == 0


def test_failures_back_off_exponentially_up_to_a_cap():
    policy = Policy("http://crm", "s", base=10, cap=3600)
    assert [policy.backoff(n).total_seconds() for n in (1, 2, 3, 4, 9, 12)] == [
        10,
        20,
        40,
        80,
        2560,
        3600,
    ]


def test_a_failed_event_waits_its_back_off_and_holds_back_the_next_ones(
    app, new_ticket, sync_as, crm, queue, work
):
    app.config.update(CRM_RETRY_BASE_SECONDS=30)
    [ticket] = busy_tickets(new_ticket, sync_as, 1)
    crm.failures = [503]
    before = datetime.now(UTC)

    queue.enqueue(callbacks.send_callbacks)
    work()

    first, second, third = rows()
    assert first.attempts == 1 and "503" in first.last_error and first.sent_at is None
    wait = (first.next_attempt_at - before).total_seconds()
    assert 30 <= wait <= 32
    assert second.attempts == third.attempts == 0  # never sent before the first got its 2xx
    assert len(crm.requests) == 1
    assert callbacks.due_streams(datetime.now(UTC), 10) == []
    assert callbacks.due_streams(datetime.now(UTC) + timedelta(seconds=33), 10) == [
        f"ticket:{ticket['id']}"
    ]


def test_a_flaky_crm_still_gets_every_event_in_order_per_ticket(
    app, new_ticket, sync_as, crm, queue, work, fast_retries
):
    busy_tickets(new_ticket, sync_as, 4)
    crm.failures = [500, 200, 502, 500, 200, 200, 503] * 4

    drain(queue, work)

    assert all(r.sent_at is not None for r in rows())
    assert_in_order(crm)
    assert len({b["event_id"] for b in crm.accepted()}) == 12


def test_the_crm_down_then_up_gets_every_event_in_order(
    app, new_ticket, sync_as, queue, work, fast_retries
):
    crm = FakeCrm()
    port, url = crm.port, crm.url
    crm.close()  # down: nothing listens on its port
    app.config["CRM_CALLBACK_URL"] = url
    busy_tickets(new_ticket, sync_as, 3)

    dispatch.tick(queue, "down")
    work()
    assert all(r.sent_at is None and r.attempts <= 1 for r in rows())
    assert any("Connection" in (r.last_error or "") for r in rows())

    crm = FakeCrm(port)  # up again on the same address
    try:
        drain(queue, work)
        assert all(r.sent_at is not None for r in rows())
        assert_in_order(crm)
    finally:
        crm.close()


def test_after_many_failures_an_event_is_parked_until_an_administrator_retries_it(
    app, new_ticket, sync_as, crm, queue, work, client, login, fast_retries
):
    app.config["CRM_MAX_ATTEMPTS"] = 3
    stuck, fine = busy_tickets(new_ticket, sync_as, 2)
    crm.refused.add(stuck["crm_id"])

    drain(queue, work, seconds=3)

    parked = [r for r in rows() if r.parked_at is not None]
    assert [(r.payload["crm_id"], r.event, r.attempts) for r in parked] == [
        (stuck["crm_id"], "accepted", 3)
    ]
    waiting = [r.event for r in rows() if r.sent_at is None and r.parked_at is None]
    assert waiting == ["contacted", "updated"]  # held back behind the parked one
    assert {b["crm_id"] for b in crm.accepted()} == {fine["crm_id"]}

    token = login("crew")
    assert client.get("/admin/callbacks").status_code == 403
    token = login("admin")
    page = client.get("/admin/callbacks")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert stuck["crm_id"] in html and "HTTP 500" in html
    assert client.post(f"/admin/callbacks/{parked[0].id}/retry").status_code == 400  # no CSRF
    crm.refused.clear()
    answer = client.post(f"/admin/callbacks/{parked[0].id}/retry", headers={"X-CSRFToken": token})
    assert answer.status_code == 303

    drain(queue, work)
    assert all(r.sent_at is not None for r in rows())
    assert_in_order(crm)
    assert (
        client.post(
            f"/admin/callbacks/{parked[0].id}/retry", headers={"X-CSRFToken": token}
        ).status_code
        == 404
    )  # sent now


def test_an_event_that_cannot_be_encoded_is_counted_and_parked_not_retried_unseen(
    app, new_ticket, sync_as, crm, queue, work, client, login, fast_retries
):
    app.config["CRM_MAX_ATTEMPTS"] = 3
    stuck, fine = busy_tickets(new_ticket, sync_as, 2)
    # Outbox rows written before the door refused lone surrogates may hold one: UTF-8 has no
    # encoding for it, so every attempt raises before anything is posted.
    first = rows()[0]
    first.payload = {**first.payload, "note": "a\ud800b"}
    db.session.commit()

    drain(queue, work, seconds=3)

    [parked] = [r for r in rows() if r.parked_at is not None]
    assert (parked.id, parked.attempts) == (first.id, 3)
    assert parked.last_error.startswith("UnicodeEncodeError") and "\\ud800" in parked.last_error
    waiting = [r.event for r in rows() if r.sent_at is None and r.parked_at is None]
    assert waiting == ["contacted", "updated"]  # still held back behind the parked one
    assert {b["crm_id"] for b in crm.accepted()} == {fine["crm_id"]}

    token = login("admin")
    page = client.get("/admin/callbacks")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and stuck["crm_id"] in html
    assert f"/admin/callbacks/{parked.id}/retry" in html and "\\ud800" in html
    assert (
        client.post(
            f"/admin/callbacks/{parked.id}/retry", headers={"X-CSRFToken": token}
        ).status_code
        == 303
    )
    queue.enqueue(callbacks.send_callbacks)
    work()
    [again] = [r for r in rows() if r.id == parked.id]
    assert again.parked_at is None and again.attempts == 1  # tried again, and counted


def test_an_error_page_with_a_nul_from_the_crm_is_recorded(
    app, new_ticket, sync_as, crm, queue, work
):
    ticket = new_ticket()
    sync_as("crew", ticket["id"], "accept")
    crm.failures, crm.reply = [502], b"Bad\x00Gateway"

    queue.enqueue(callbacks.send_callbacks)
    work()

    [row] = rows()  # PostgreSQL cannot store a NUL: the error is kept escaped
    assert row.attempts == 1 and row.last_error == "HTTP 502: Bad\\x00Gateway"


def test_a_worker_that_dies_mid_send_leaves_a_lease_that_runs_out(
    app, new_ticket, sync_as, crm, queue, work
):
    app.config["CRM_LEASE_SECONDS"] = 0.5
    ticket = new_ticket()
    sync_as("crew", ticket["id"], "accept")
    [row] = rows()
    policy = Policy.for_app(app)
    assert callbacks._lease(db.engine, row.id, datetime.now(UTC), policy)  # then it "died"

    queue.enqueue(callbacks.send_callbacks)
    work()
    assert crm.requests == []  # leased: nobody else sends it meanwhile

    time.sleep(0.6)
    queue.enqueue(callbacks.send_callbacks)
    work()
    assert [b["event"] for b in crm.accepted()] == ["accepted"]
    assert rows()[0].sent_at is not None
