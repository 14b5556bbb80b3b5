"""The push JSON API: the VAPID key, subscribing this browser, a test push, "Nhận" with a token."""

import base64

import pytest
from rq import SimpleWorker
from sqlalchemy import func, select

from fieldapp.extensions import db
from fieldapp.models import Event, PushSubscription, Ticket
from fieldapp.services import push_messages
from fieldapp.services.push import vapid_keys
from tests.workers.fakes import Browser, FakePushService, b64

SUBSCRIPTIONS = "/api/v1/push/subscriptions"


def browser_subscription(endpoint: str, browser: Browser | None = None) -> dict:
    """PushSubscription.toJSON() of a browser."""
    browser = browser or Browser("phone")
    return {
        "endpoint": endpoint,
        "expirationTime": None,
        "keys": {"p256dh": browser.p256dh, "auth": b64(browser.auth)},
    }


def stored() -> list[PushSubscription]:
    db.session.rollback()
    return list(db.session.scalars(select(PushSubscription).order_by(PushSubscription.id)))


def test_vapid_key_is_the_installations_public_key(app, client):
    resp = client.get("/api/v1/push/vapid-key")
    assert resp.status_code == 200
    key = resp.get_json()["public_key"]
    assert key == vapid_keys(app).public_key
    raw = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    assert len(raw) == 65 and raw[0] == 4  # an uncompressed P-256 point, as browsers want
    assert client.get("/api/v1/push/vapid-key").get_json()["public_key"] == key


def test_subscribe_stores_the_browser_for_the_user(org, client, login):
    token = login("crew")
    body = browser_subscription("https://fcm.googleapis.com/fcm/send/abc")
    resp = client.post(SUBSCRIPTIONS, json=body, headers={"X-CSRFToken": token})
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["endpoint"] == body["endpoint"]
    [row] = stored()
    assert (row.user_id, row.p256dh, row.auth) == (
        org["users"]["crew"].id,
        body["keys"]["p256dh"],
        body["keys"]["auth"],
    )

    again = client.post(SUBSCRIPTIONS, json=body, headers={"X-CSRFToken": token})
    assert again.status_code == 200 and again.get_json()["id"] == row.id
    assert len(stored()) == 1


def test_an_endpoint_stays_with_the_user_who_registered_it(app, org, client, login):
    body = browser_subscription("https://fcm.googleapis.com/fcm/send/crews-phone")
    token = login("crew")
    assert client.post(SUBSCRIPTIONS, json=body, headers={"X-CSRFToken": token}).status_code == 201
    [before] = stored()

    thief = app.test_client()
    thief_token = login("crew2", c=thief)
    taken = browser_subscription(body["endpoint"], Browser("thief"))
    resp = thief.post(SUBSCRIPTIONS, json=taken, headers={"X-CSRFToken": thief_token})
    assert resp.status_code == 409
    assert resp.get_json() == {
        "errors": {"endpoint": ["Trình duyệt này đang nhận thông báo cho một tài khoản khác."]}
    }
    [row] = stored()
    assert (row.id, row.user_id, row.p256dh, row.auth) == (
        before.id,
        org["users"]["crew"].id,
        before.p256dh,
        before.auth,
    )

    # the owner's browser posts it again with new keys: they are refreshed
    renewed = browser_subscription(body["endpoint"], Browser("renewed"))
    again = client.post(SUBSCRIPTIONS, json=renewed, headers={"X-CSRFToken": token})
    assert again.status_code == 200 and again.get_json()["id"] == before.id
    [row] = stored()
    assert (row.user_id, row.p256dh, row.auth) == (
        org["users"]["crew"].id,
        renewed["keys"]["p256dh"],
        renewed["keys"]["auth"],
    )


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://fcm.googleapis.com/fcm/send/dQw4w9WgXcQ:APA91bH",
        "https://fcm.googleapis.com/wp/dQw4w9WgXcQ",
        "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABh",
        "https://wns2-par02p.notify.windows.com/w/?token=BQYAAAB",
        "https://web.push.apple.com/QGuQyavXutnMH",
    ],
)
def test_the_browsers_push_services_are_accepted(org, client, login, endpoint):
    token = login("crew")
    resp = client.post(
        SUBSCRIPTIONS, json=browser_subscription(endpoint), headers={"X-CSRFToken": token}
    )
    assert resp.status_code == 201, resp.get_json()
    assert [row.endpoint for row in stored()] == [endpoint]


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://127.0.0.1:6379/push/x",  # this machine's Redis
        "http://localhost:5000/api/v1/tickets",
        "http://169.254.169.254/latest/meta-data/",  # a cloud's metadata service
        "https://10.0.0.5/push/x",
        "https://[::1]/push/x",
        "http://fcm.googleapis.com/fcm/send/x",  # a push service, but not over https
        "https://fcm.googleapis.com:8443/fcm/send/x",
        "https://fcm.googleapis.com.attacker.example/fcm/send/x",
        "https://notify.windows.com/w/x",  # *.notify.windows.com: hosts under it only
        "https://push.example.net/send/x",
    ],
)
def test_endpoints_other_than_the_allowed_push_services_are_refused(org, client, login, endpoint):
    token = login("crew")
    resp = client.post(
        SUBSCRIPTIONS, json=browser_subscription(endpoint), headers={"X-CSRFToken": token}
    )
    assert resp.status_code == 400
    assert set(resp.get_json()["errors"]) == {"endpoint"}
    assert stored() == []


def test_an_allowed_name_that_resolves_to_this_machine_is_refused(app, org, client, login):
    app.config["PUSH_ALLOWED_HOSTS"] = "localhost"  # named bare: its addresses must be public
    token = login("crew")
    resp = client.post(
        SUBSCRIPTIONS,
        json=browser_subscription("https://localhost/push/x"),
        headers={"X-CSRFToken": token},
    )
    assert resp.status_code == 400 and set(resp.get_json()["errors"]) == {"endpoint"}
    assert stored() == []


def test_an_origin_the_operator_names_may_be_local(app, org, client, login, push_service):
    token = login("crew")
    body = browser_subscription(f"{push_service.base}/push/phone")
    assert client.post(SUBSCRIPTIONS, json=body, headers={"X-CSRFToken": token}).status_code == 201
    other_port = browser_subscription(f"http://127.0.0.1:{push_service.server.server_port + 1}/x")
    resp = client.post(SUBSCRIPTIONS, json=other_port, headers={"X-CSRFToken": token})
    assert resp.status_code == 400 and set(resp.get_json()["errors"]) == {"endpoint"}
    assert [row.endpoint for row in stored()] == [body["endpoint"]]


@pytest.mark.parametrize(
    "body, fields",
    [
        ({}, {"endpoint", "keys"}),
        ({"endpoint": "not a url", "keys": {"p256dh": "x", "auth": "y"}}, {"endpoint", "keys"}),
        ({"endpoint": "ftp://fcm.googleapis.com/fcm/send/x"}, {"endpoint", "keys"}),
        ({"endpoint": "https://fcm.googleapis.com/fcm/send/x", "keys": {}}, {"keys"}),
    ],
)
def test_bad_subscriptions_are_refused_naming_the_fields(org, client, login, body, fields):
    token = login("crew")
    resp = client.post(SUBSCRIPTIONS, json=body, headers={"X-CSRFToken": token})
    assert resp.status_code == 400
    assert set(resp.get_json()["errors"]) == fields
    assert stored() == []


def test_keys_that_are_not_a_browsers_are_refused(org, client, login):
    token = login("crew")
    good = browser_subscription("https://fcm.googleapis.com/fcm/send/x")
    bad = {**good, "keys": {"p256dh": good["keys"]["p256dh"][:40], "auth": "@@@@"}}
    resp = client.post(SUBSCRIPTIONS, json=bad, headers={"X-CSRFToken": token})
    assert resp.status_code == 400
    assert set(resp.get_json()["errors"]["keys"]) == {"p256dh", "auth"}
    assert stored() == []


def test_subscribing_needs_a_session_and_the_csrf_token(org, client, login):
    body = browser_subscription("https://fcm.googleapis.com/fcm/send/x")
    assert client.post(SUBSCRIPTIONS, json=body).status_code == 401
    login("crew")
    resp = client.post(SUBSCRIPTIONS, json=body)  # signed in, but no X-CSRFToken
    assert resp.status_code == 400 and "csrf" in resp.get_json()["errors"]
    resp = client.delete(SUBSCRIPTIONS, json={"endpoint": body["endpoint"]})
    assert resp.status_code == 400 and "csrf" in resp.get_json()["errors"]
    resp = client.post("/api/v1/push/test", json={"endpoint": body["endpoint"]})
    assert resp.status_code == 400 and "csrf" in resp.get_json()["errors"]
    assert stored() == []


def test_unsubscribe_removes_only_the_users_own(app, org, client, login):
    token = login("crew")
    mine = browser_subscription("https://fcm.googleapis.com/fcm/send/mine")
    client.post(SUBSCRIPTIONS, json=mine, headers={"X-CSRFToken": token})
    other = app.test_client()
    other_token = login("crew2", c=other)
    theirs = browser_subscription("https://updates.push.services.mozilla.com/wpush/v2/theirs")
    other.post(SUBSCRIPTIONS, json=theirs, headers={"X-CSRFToken": other_token})

    resp = client.delete(
        SUBSCRIPTIONS, json={"endpoint": theirs["endpoint"]}, headers={"X-CSRFToken": token}
    )
    assert resp.status_code == 404
    resp = client.delete(SUBSCRIPTIONS, json={}, headers={"X-CSRFToken": token})
    assert resp.status_code == 400 and set(resp.get_json()["errors"]) == {"endpoint"}
    assert len(stored()) == 2

    resp = client.delete(
        SUBSCRIPTIONS, json={"endpoint": mine["endpoint"]}, headers={"X-CSRFToken": token}
    )
    assert resp.status_code == 204
    assert [row.endpoint for row in stored()] == [theirs["endpoint"]]


def test_test_push_reaches_this_browser(org, client, login, queue, push_service):
    token = login("crew")
    sub = push_service.subscribe(org["users"]["crew"].id, "crew-phone")

    resp = client.post(
        "/api/v1/push/test", json={"endpoint": sub.endpoint}, headers={"X-CSRFToken": token}
    )
    assert resp.status_code == 202
    SimpleWorker([queue], connection=queue.connection).work(burst=True)

    assert push_service.rejected == []
    [got] = push_service.received
    assert got.device == "crew-phone"
    assert got.payload == push_messages.test_message()
    assert got.vapid_key == client.get("/api/v1/push/vapid-key").get_json()["public_key"]


def test_test_push_only_to_the_users_own_browser(app, org, client, login, queue, push_service):
    sub = push_service.subscribe(org["users"]["crew2"].id, "crew2-phone")
    token = login("crew")
    resp = client.post(
        "/api/v1/push/test", json={"endpoint": sub.endpoint}, headers={"X-CSRFToken": token}
    )
    assert resp.status_code == 404
    resp = client.post("/api/v1/push/test", json={"endpoint": ""}, headers={"X-CSRFToken": token})
    assert resp.status_code == 400 and set(resp.get_json()["errors"]) == {"endpoint"}
    assert queue.count == 0


def test_the_worker_never_posts_to_a_host_that_is_not_allowed(app, org, client, login, queue):
    internal = FakePushService()  # a service on this machine that nobody allowed
    try:
        token = login("crew")
        internal.browsers["phone"] = browser = Browser("phone")
        body = browser_subscription(f"{internal.base}/push/phone", browser)
        resp = client.post(SUBSCRIPTIONS, json=body, headers={"X-CSRFToken": token})
        assert resp.status_code == 400 and set(resp.get_json()["errors"]) == {"endpoint"}

        # A row stored before the check, or whose host was since taken off the list.
        sub = internal.subscribe(org["users"]["crew"].id, "legacy")
        resp = client.post(
            "/api/v1/push/test", json={"endpoint": sub.endpoint}, headers={"X-CSRFToken": token}
        )
        assert resp.status_code == 202
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
        assert internal.arrivals == 0
    finally:
        internal.close()


def accepted_events(ticket_id: int) -> int:
    db.session.rollback()
    return db.session.scalar(
        select(func.count())
        .select_from(Event)
        .where(Event.ticket_id == ticket_id, Event.action == "accepted")
    )


def ticket_row(ticket_id: int) -> Ticket:
    db.session.rollback()
    return db.session.get(Ticket, ticket_id)


def test_accept_from_the_notification_applies_once(app, org, client, login, new_ticket):
    ticket = new_ticket()
    crew = org["users"]["crew"]
    with app.test_request_context():
        token = push_messages.accept_token(ticket["id"], crew.id)
    login("crew")

    # No X-CSRFToken: the service worker has none; the signed token stands in for it.
    first = client.post("/api/v1/push/accept", json={"token": token})
    assert first.status_code == 200, first.get_json()
    body = first.get_json()
    assert body["status"] == "applied" and body["error"] is None
    assert body["url"] == f"/tickets/{ticket['id']}"
    assert ticket["crm_id"] in body["detail"]
    row = ticket_row(ticket["id"])
    assert (row.status, row.assignee_id) == ("accepted", crew.id)

    second = client.post("/api/v1/push/accept", json={"token": token})
    assert second.status_code == 200
    assert second.get_json()["status"] == "duplicate"
    assert accepted_events(ticket["id"]) == 1


def test_another_users_token_is_refused(app, org, client, login, new_ticket):
    ticket = new_ticket()
    with app.test_request_context():
        token = push_messages.accept_token(ticket["id"], org["users"]["crew2"].id)
    login("crew")
    resp = client.post("/api/v1/push/accept", json={"token": token})
    assert resp.status_code == 403 and set(resp.get_json()["errors"]) == {"token"}
    assert ticket_row(ticket["id"]).status == "received"
    assert accepted_events(ticket["id"]) == 0


def test_a_forged_or_missing_token_is_refused(app, org, client, login, new_ticket):
    ticket = new_ticket()
    with app.test_request_context():
        token = push_messages.accept_token(ticket["id"], org["users"]["crew"].id)
    assert client.post("/api/v1/push/accept", json={"token": token}).status_code == 401
    login("crew")
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    resp = client.post("/api/v1/push/accept", json={"token": forged})
    assert resp.status_code == 403
    resp = client.post("/api/v1/push/accept", json={})
    assert resp.status_code == 400 and set(resp.get_json()["errors"]) == {"token"}
    assert ticket_row(ticket["id"]).status == "received"


def test_a_token_for_a_ticket_out_of_reach_is_rejected_not_applied(
    app, org, client, login, new_ticket
):
    ticket = new_ticket(team="PC-DN-ST")  # Sơn Trà's ticket; crew works in Hải Châu
    with app.test_request_context():
        token = push_messages.accept_token(ticket["id"], org["users"]["crew"].id)
    login("crew")
    resp = client.post("/api/v1/push/accept", json={"token": token})
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["status"] == "rejected" and body["error"]["code"] == "not_allowed"
    assert ticket_row(ticket["id"]).status == "received"
