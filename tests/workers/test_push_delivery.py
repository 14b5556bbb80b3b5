"""Reminders leave as real Web Push: VAPID-signed, aes128gcm-encrypted, once per device."""

import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.models import PushSubscription, Reminder, ReminderDelivery, Ticket
from fieldapp.services import push_messages
from fieldapp.services.push import vapid_keys
from tests.api.helpers import ago
from workers import push, reminders


def deliveries(status: str | None = None) -> list[ReminderDelivery]:
    db.session.rollback()
    query = select(ReminderDelivery).order_by(ReminderDelivery.id)
    if status:
        query = query.where(ReminderDelivery.status == status)
    return list(db.session.scalars(query))


def fire(queue, work):
    """What the worker does when a reminder falls due."""
    queue.enqueue(reminders.send_due)
    work()


def test_a_new_ticket_reaches_each_desk_phone_signed_and_encrypted(
    app, org, new_ticket, push_service, queue, work, client, login
):
    users = org["users"]
    for name in ("crew", "crew2", "desk", "lead"):
        push_service.subscribe(users[name].id, f"{name}-phone")
    ticket = new_ticket()  # OUTAGE: the operations desk (crew, crew2)

    fire(queue, work)

    assert push_service.rejected == []
    got = {r.device: r for r in push_service.received}
    assert set(got) == {"crew-phone", "crew2-phone"}
    row = db.session.get(Ticket, ticket["id"])
    meant = push_messages.reminder_message("new_ticket", row, datetime.now(UTC))
    for name in ("crew", "crew2"):
        message = got[f"{name}-phone"]
        token = message.payload.pop("accept_token")
        assert message.payload == meant
        assert push_messages.read_accept_token(token) == (ticket["id"], users[name].id)
        assert message.vapid_key == vapid_keys(app).public_key
        assert message.claims["aud"] == push_service.base
        assert message.claims["sub"] == app.config["VAPID_SUBJECT"]
        assert message.claims["exp"] > time.time() + 3600
        assert message.urgency == "high"  # the operations desk
        assert message.ttl == str(push_messages.DEFAULT_TTL)
    assert meant["title"].startswith("Phiếu mới") and meant["url"] == f"/tickets/{ticket['id']}"
    assert meant["actions"] == [{"action": "accept", "title": "Tiếp nhận"}]
    assert [d.status for d in deliveries()] == ["sent", "sent"]

    login("crew")
    shown = client.get(f"/api/v1/tickets/{ticket['id']}").get_json()["reminders"]
    assert [r["sent_at"] is not None for r in shown if r["kind"] == "new_ticket"] == [True]
    assert all(r["sent_at"] is None for r in shown if r["kind"] != "new_ticket")

    fire(queue, work)  # nothing new is due: nothing is sent again
    assert push_service.count() == 2


def test_each_audience_gets_its_people_and_nobody_else(org, new_ticket, push_service, queue, work):
    users = org["users"]
    for name in ("crew", "crew2", "desk", "lead", "st_lead", "company", "qn_company"):
        push_service.subscribe(users[name].id, f"{name}-phone")
    # Received 40 min ago and never accepted: every accept reminder, escalation included, and
    # the overdue ones of a 2 h OUTAGE are not yet due.
    new_ticket(received_at=ago(minutes=40).isoformat())

    fire(queue, work)

    sent = {(device, kind) for device, kind, _ in push_service.per_device()}
    assert sent == {
        ("crew-phone", "new_ticket"),
        ("crew2-phone", "new_ticket"),
        ("crew-phone", "accept_due"),
        ("crew2-phone", "accept_due"),
        ("lead-phone", "accept_due"),
        ("lead-phone", "accept_escalation"),
    }
    assert all(n == 1 for n in push_service.per_device().values())


def test_overdue_update_missing_reaches_the_leader_and_the_power_company(
    org, new_ticket, push_service, queue, work, sync_as
):
    users = org["users"]
    for name in ("crew", "lead", "company", "qn_company"):
        push_service.subscribe(users[name].id, f"{name}-phone")
    ticket = new_ticket(received_at=ago(hours=2, minutes=30).isoformat())
    sync_as("crew", ticket["id"], "accept", {"late_reason": {"code": "storm", "note": "Bão"}})

    fire(queue, work)

    escalated = {
        device for device, kind, _ in push_service.per_device() if kind == "overdue_update_missing"
    }
    assert escalated == {"lead-phone", "company-phone"}


def test_business_desk_warnings_are_normal_and_expire_with_their_deadline(
    org, new_ticket, push_service, queue, work
):
    push_service.subscribe(org["users"]["desk"].id, "desk-phone")
    ticket = new_ticket(type="CONTRACT_RENEWAL")
    row = db.session.get(Ticket, ticket["id"])
    warn = Reminder(
        ticket_id=row.id,
        kind="resolve_warn_15",
        audience="desk",
        due_at=datetime.now(UTC) - timedelta(seconds=1),
    )
    db.session.add(warn)
    db.session.commit()

    fire(queue, work)

    [message] = [r for r in push_service.received if r.payload["kind"] == "resolve_warn_15"]
    assert message.urgency == "normal"
    left = (row.resolve_by - datetime.now(UTC)).total_seconds()
    assert abs(int(message.ttl) - left) < 60
    assert "actions" not in message.payload and "accept_token" not in message.payload


def test_a_gone_subscription_is_removed(org, new_ticket, push_service, queue, work):
    users = org["users"]
    gone = push_service.subscribe(users["crew"].id, "old-phone").id
    push_service.subscribe(users["crew2"].id, "lost-phone")
    push_service.subscribe(users["crew2"].id, "new-phone")
    push_service.answers = {"old-phone": [410], "lost-phone": [404]}
    new_ticket()

    fire(queue, work)

    assert sorted(d.status for d in deliveries()) == ["gone", "gone", "sent"]
    left = db.session.scalars(select(PushSubscription.endpoint)).all()
    assert [e.rsplit("/", 1)[1] for e in left] == ["new-phone"]
    assert db.session.get(PushSubscription, gone) is None
    assert all(d.subscription_id is None for d in deliveries("gone"))  # history stays


def test_429_waits_for_retry_after_then_sends_once(app, org, new_ticket, push_service, queue, work):
    push_service.subscribe(org["users"]["crew"].id, "busy-phone")
    push_service.answers = {"busy-phone": [(429, {"Retry-After": "2"})]}
    new_ticket()

    fire(queue, work)
    [waiting] = deliveries()
    assert waiting.status == "pending" and waiting.attempts == 1
    assert 1 <= (waiting.not_before - waiting.claimed_at).total_seconds() <= 3
    assert push_service.count() == 0

    push.deliver_pending()  # too early: nothing goes
    assert push_service.count() == 0 and deliveries()[0].status == "pending"

    time.sleep(2.1)
    work()  # the retry the worker scheduled for that moment
    assert push_service.count("busy-phone") == 1
    assert deliveries()[0].status == "sent" and deliveries()[0].attempts == 2
    push.deliver_pending()
    assert push_service.count() == 1


def test_a_service_that_keeps_failing_is_given_up_after_a_few_tries(
    org, new_ticket, push_service, queue, work
):
    push_service.subscribe(org["users"]["crew"].id, "phone")
    push_service.answers = {"phone": [(503, {"Retry-After": "0"})] * (push.MAX_ATTEMPTS + 1)}
    new_ticket()

    fire(queue, work)
    for _ in range(push.MAX_ATTEMPTS):
        push.deliver_pending()

    [row] = deliveries()
    assert row.status == "failed" and row.attempts == push.MAX_ATTEMPTS
    assert "503" in row.last_error
    assert push_service.count() == 0


def test_a_push_service_that_cannot_be_reached_is_retried(
    app, org, new_ticket, push_service, queue, work
):
    row = push_service.subscribe(org["users"]["crew"].id, "phone")
    row.endpoint = "http://127.0.0.1:9/push/phone"  # nothing listens on the discard port
    db.session.commit()
    app.config["PUSH_ALLOWED_HOSTS"] += ",http://127.0.0.1:9"
    new_ticket()

    fire(queue, work)

    [delivery] = deliveries()
    assert delivery.status == "pending" and delivery.not_before is not None
    assert "NewConnectionError" in delivery.last_error
