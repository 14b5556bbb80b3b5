"""Due reminders are claimed once, escalations are recorded once, replanning keeps history."""

import threading
import uuid
from datetime import UTC, datetime

from sqlalchemy import func, select

from fieldapp.extensions import db
from fieldapp.models import CrmCallback, Event, Reminder, ReminderDelivery, Ticket, User
from fieldapp.services.tickets import OpRequest, apply
from tests.api.helpers import ago
from workers import reminders


def count(model, *where) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def fire(queue, work):
    queue.enqueue(reminders.send_due)
    work()


def test_a_ticket_not_accepted_in_15_minutes_escalates_once_to_the_leader_and_the_crm(
    org, new_ticket, push_service, queue, work, client, login
):
    push_service.subscribe(org["users"]["lead"].id, "lead-phone")
    ticket = new_ticket(received_at=ago(minutes=16).isoformat())
    version = db.session.get(Ticket, ticket["id"]).version

    fire(queue, work)
    fire(queue, work)

    [event] = db.session.scalars(select(Event).where(Event.action == "escalated"))
    assert event.ticket_id == ticket["id"] and event.user_id is None
    assert event.data["reminder"] == "accept_escalation"
    assert event.data["notified"] == ["leader", "crm"]
    [callback] = db.session.scalars(select(CrmCallback).where(CrmCallback.event == "escalated"))
    assert callback.payload["crm_id"] == ticket["crm_id"]
    assert callback.payload["event"] == "escalated" and callback.payload["by"] is None
    assert callback.payload["note"] == event.data["note"]
    assert db.session.get(Ticket, ticket["id"]).version == version + 1
    assert push_service.count("lead-phone") == 2  # accept_due, then the escalation

    login("lead")
    shown = client.get(f"/api/v1/tickets/{ticket['id']}").get_json()
    assert [e["action"] for e in shown["events"]] == ["received", "escalated"]


def test_a_missing_overdue_update_escalates_without_telling_the_crm(
    org, new_ticket, queue, work, sync_as
):
    ticket = new_ticket(received_at=ago(hours=2, minutes=20).isoformat())
    sync_as("crew", ticket["id"], "accept", {"late_reason": {"code": "storm", "note": "Bão"}})
    before = count(CrmCallback)

    fire(queue, work)

    kinds = [
        e.data["reminder"]
        for e in db.session.scalars(
            select(Event).where(Event.action == "escalated").order_by(Event.id)
        )
    ]
    assert kinds == ["overdue_update_missing"]  # accepted (late): no accept escalation
    assert count(CrmCallback) == before


def test_a_reminder_that_went_out_stays_when_the_ticket_changes(
    org, new_ticket, push_service, queue, work, sync_as
):
    push_service.subscribe(org["users"]["crew"].id, "phone")
    ticket = new_ticket()
    fire(queue, work)  # new_ticket goes out
    sync_as("crew", ticket["id"], "accept")  # replans: the accept reminders are dropped

    rows = db.session.scalars(select(Reminder).where(Reminder.ticket_id == ticket["id"]))
    kinds = {r.kind: r.sent_at is not None for r in rows}
    assert kinds["new_ticket"] is True
    assert "accept_due" not in kinds and "accept_escalation" not in kinds
    assert count(ReminderDelivery) == 1


def test_parallel_workers_claim_each_reminder_once_while_tickets_change(
    app, org, new_ticket, push_service
):
    users = org["users"]
    for name in ("crew", "crew2", "lead"):
        push_service.subscribe(users[name].id, f"{name}-phone")
    tickets = [new_ticket(received_at=ago(minutes=20).isoformat())["id"] for _ in range(12)]
    due = count(Reminder, Reminder.sent_at.is_(None), Reminder.due_at <= datetime.now(UTC))
    errors = []

    def claim_until_done():
        with app.app_context():
            try:
                while reminders.claim_due(datetime.now(UTC), 3)[0]:
                    pass
            except Exception as err:  # reported below: a thread must not die silently
                errors.append(repr(err))

    def accept_half():
        with app.app_context():
            crew = db.session.get(User, users["crew"].id)
            for ticket_id in tickets[::2]:
                op = OpRequest(
                    uuid.uuid4().hex,
                    ticket_id,
                    "accept",
                    datetime.now(UTC),
                    {"late_reason": {"code": "storm", "note": "Bão"}},
                )
                if apply(op, crew).status != "applied":
                    errors.append(f"accept {ticket_id}")

    threads = [threading.Thread(target=claim_until_done) for _ in range(4)]
    threads.append(threading.Thread(target=accept_half))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    db.session.rollback()
    claimed = count(Reminder, Reminder.sent_at.is_not(None))
    assert 0 < claimed <= due
    assert count(Reminder, Reminder.sent_at.is_(None), Reminder.due_at <= datetime.now(UTC)) == 0
    pairs = db.session.execute(
        select(ReminderDelivery.reminder_id, ReminderDelivery.subscription_id)
    ).all()
    assert len(pairs) == len(set(pairs))
    # An escalation is recorded once per claimed escalation reminder; a ticket accepted
    # before its escalation was claimed has none, one never accepted always has one.
    escalated = db.session.scalars(select(Event.ticket_id).where(Event.action == "escalated"))
    escalated = list(escalated)
    assert (
        len(escalated)
        == len(set(escalated))
        == count(Reminder, Reminder.kind == "accept_escalation", Reminder.sent_at.is_not(None))
    )
    assert set(tickets[1::2]) <= set(escalated)
    # Every delivery belongs to a reminder that says it went out.
    assert (
        count(
            ReminderDelivery,
            ReminderDelivery.reminder_id.in_(select(Reminder.id).where(Reminder.sent_at.is_(None))),
        )
        == 0
    )
