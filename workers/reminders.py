"""Firing due reminders: claim them in the database, escalate, fan out to devices, push.

A reminder is claimed by setting its `sent_at` in the same transaction that writes one
delivery row per target device (and, for an escalation, its event and CRM callback). That
transaction commits once, whoever runs it and however often: a reminder is fanned out at
most once, and because a claimed reminder keeps `sent_at`, replanning never deletes it.
Delivery rows then go out at most once per device (workers.push).
"""

import time
from datetime import datetime

from rq import Queue
from sqlalchemy import insert, select, update

from fieldapp.extensions import db
from fieldapp.models import Incident, Reminder, ReminderDelivery, Ticket, utcnow
from fieldapp.rules import incidents as incident_rules
from fieldapp.rules.reminders import system_op
from fieldapp.rules.state import Actor
from fieldapp.services.audience import Devices
from fieldapp.services.calendar import current_calendar
from fieldapp.services.changes import ChangeSet
from fieldapp.services.policy import current_policy
from fieldapp.services.transactions import begin_write
from workers import push
from workers.context import job_context
from workers.jobs import enqueue_once, setting
from workers.queues import get_queue

BATCH = 100


def send_due(limit: int | None = None) -> int:
    """Job: claim up to `limit` due reminders and push them; how many it claimed."""
    with job_context() as app:
        limit = limit or int(setting(app, "REMINDER_BATCH", BATCH))
        seen, claimed, delivery_ids = claim_due(utcnow(), limit)
        if seen == limit and claimed:
            get_queue(app).enqueue(send_due, limit)  # more are due: another worker helps
        push.deliver(delivery_ids)
        return claimed


def claim_due(now: datetime, limit: int) -> tuple[int, int, list[int]]:
    """Claim due reminders and write their deliveries; (seen, claimed, new delivery ids).

    On PostgreSQL, rows another job is claiming and tickets being changed right now are
    skipped (SKIP LOCKED), so parallel jobs share the work and never wait on each other."""
    begin_write()
    due = db.session.scalars(
        select(Reminder)
        .where(
            Reminder.sent_at.is_(None),
            Reminder.due_at <= now,
        )
        .order_by(Reminder.due_at, Reminder.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    if not due:
        db.session.rollback()
        return 0, 0, []
    tickets = _locked(Ticket, {r.ticket_id for r in due if r.ticket_id})
    incidents = _locked(Incident, {r.incident_id for r in due if r.incident_id})
    claimed = [r for r in due if r.ticket_id in tickets or r.incident_id in incidents]
    claimed_ids = [r.id for r in claimed]  # read before the commit expires them: no reloads
    _fan_out(claimed, tickets, incidents, now)
    db.session.commit()
    ids = db.session.scalars(
        select(ReminderDelivery.id)
        .where(ReminderDelivery.reminder_id.in_(claimed_ids), ReminderDelivery.status == "pending")
        .order_by(ReminderDelivery.id)
    ).all()
    db.session.rollback()
    return len(due), len(claimed_ids), list(ids)


def _locked(model, ids: set[int]) -> dict:
    """The rows, locked; those another transaction is changing right now are skipped."""
    if not ids:
        return {}
    return {
        row.id: row
        for row in db.session.scalars(
            select(model).where(model.id.in_(ids)).with_for_update(skip_locked=True)
        )
    }


def _fan_out(
    claimed: list[Reminder],
    tickets: dict[int, Ticket],
    incidents: dict[int, Incident],
    now: datetime,
) -> None:
    """Mark the reminders sent, write a delivery per device, record the system's ops that
    reminders make (escalations, the closing-time handover); no commit."""
    if not claimed:
        return
    db.session.execute(
        update(Reminder)
        .where(
            Reminder.id.in_([r.id for r in claimed]),
            Reminder.sent_at.is_(None),
        )
        .values(sent_at=now),
        execution_options={"synchronize_session": False},
    )
    devices = Devices([*tickets.values(), *incidents.values()])
    changes = ChangeSet(now, current_calendar(), current_policy())
    rows = []
    for reminder in claimed:
        target: Ticket | Incident
        if reminder.incident_id is not None:
            target = incidents[reminder.incident_id]
        else:  # exactly one of the two (models.Reminder)
            assert reminder.ticket_id is not None
            target = tickets[reminder.ticket_id]
        rows += [
            {
                "reminder_id": reminder.id,
                "user_id": user_id,
                "subscription_id": sub_id,
                "status": "pending",
                "attempts": 0,
                "created_at": now,
            }
            for user_id, sub_id in devices.targets(reminder.audience, target)
        ]
        if isinstance(target, Incident):
            _incident_op(changes, target, reminder)
        else:
            _system_op(changes, target, reminder)
    if rows:
        db.session.execute(insert(ReminderDelivery), rows)
    changes.flush()


SYSTEM = Actor(user_id=None, role="system")


def _audience(reminder: Reminder) -> tuple[str, ...]:
    return tuple(name for name in reminder.audience.split(",") if name)


def _system_op(changes: ChangeSet, ticket: Ticket, reminder: Reminder) -> None:
    """Record what the reminder makes the system do (an escalation, a handover) on the locked
    ticket: an op through the one write path, in the transaction that claims the reminder, so
    it happens exactly once."""
    op = system_op(reminder.kind, reminder.due_at, _audience(reminder))
    if op is not None:
        changes.judge(ticket, op, SYSTEM)


def _incident_op(changes: ChangeSet, incident: Incident, reminder: Reminder) -> None:
    """The same for an incident's reminder (rules.incidents.system_op)."""
    op = incident_rules.system_op(reminder.kind, reminder.due_at, _audience(reminder))
    if op is not None:
        changes.judge_incident(incident, op, SYSTEM)


def kick(queue: Queue, tag: str):
    """Enqueue a send_due job when some reminder is due; the job or None."""
    due = db.session.scalar(
        select(Reminder.id).where(Reminder.sent_at.is_(None), Reminder.due_at <= utcnow()).limit(1)
    )
    db.session.rollback()
    return enqueue_once(queue, send_due, f"due-{tag}") if due else None


def sweep():
    """Sweep step: enqueue whatever is due and unsent (Redis may have lost its job)."""
    return kick(get_queue(), f"sweep-{int(time.time())}")
