"""Pushing reminders to devices, at most once per device.

Delivery rows are claimed (pending → sending) a few at a time (CLAIM_CHUNK) by one committed
UPDATE … RETURNING before their pushes are sent, then their outcomes are recorded together;
each sending thread keeps one connection for its whole run, so a push costs two round trips to
the database. A worker that dies between the two leaves the rows in "sending": they are never
sent again, so a device cannot get the same reminder twice. The price is that a push whose
claim committed but whose request never left (the worker died while sending its chunk) is lost
for that device; the reminder itself still reached the other devices, and the row shows what
happened. Resending is safe only when the push service said it did not take the message (429,
5xx, no connection at all): those rows go back to pending with a time not to retry before.
"""

import logging
import time
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app
from redis.exceptions import RedisError
from rq import Queue
from rq.exceptions import DuplicateJobError
from sqlalchemy import Connection, Engine, bindparam, delete, or_, select, update

from fieldapp.extensions import db
from fieldapp.models import Incident, PushSubscription, Reminder, ReminderDelivery, Ticket, utcnow
from fieldapp.services import push_messages
from fieldapp.services.push import PushOutcome, PushSender
from workers.context import job_context
from workers.jobs import (
    enqueue_once,
    in_threads,
    setting,
    write_one,
    write_transaction,
    writer_connection,
)
from workers.queues import get_queue

log = logging.getLogger(__name__)

BATCH = 200
THREADS = 8
# Deliveries claimed in one transaction (PUSH_CLAIM_CHUNK). A worker killed while sending a
# chunk leaves the rest of it claimed and unsent (never sent twice): 1 keeps that loss to the
# push in flight; more trades a larger loss on a kill for fewer transactions.
CLAIM_CHUNK = 1
MAX_ATTEMPTS = 5  # tries when the push service keeps refusing (429, 5xx)


@dataclass(frozen=True)
class Push:
    """One delivery ready to go: where, what, how long to keep, how urgent."""

    delivery_id: int
    subscription_id: int
    subscription: dict
    payload: dict
    ttl: int
    urgency: str


def deliver_pending(limit: int | None = None) -> dict:
    """Job: push pending deliveries that may go now (the sweep's and the retries' job)."""
    with job_context() as app:
        limit = limit or int(setting(app, "PUSH_BATCH", BATCH))
        now = utcnow()
        ids = db.session.scalars(
            select(ReminderDelivery.id)
            .where(
                ReminderDelivery.status == "pending",
                or_(ReminderDelivery.not_before.is_(None), ReminderDelivery.not_before <= now),
            )
            .order_by(ReminderDelivery.id)
            .limit(limit)
        ).all()
        db.session.rollback()
        if len(ids) == limit:
            get_queue(app).enqueue(deliver_pending, limit)  # more remain: another worker helps
        return deliver(ids)


def deliver(ids: Sequence[int]) -> dict:
    """Push each pending delivery among ids once; a count of outcomes."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # a proxy, typed by Flask as the app
    pushes = _prepare(ids, utcnow())
    sender = _sender(app)
    engine = db.engine
    size = int(setting(app, "PUSH_CLAIM_CHUNK", CLAIM_CHUNK))
    todo = deque(pushes[i : i + size] for i in range(0, len(pushes), size))
    lanes = min(int(setting(app, "PUSH_THREADS", THREADS)), len(todo))
    done = in_threads(lambda _: _deliver_lane(engine, sender, todo), range(lanes), lanes)
    outcomes = [o for lane in done if lane for o in lane]
    retry_at = [o.retry_at for o in outcomes if o.retry_at is not None]
    if retry_at:
        _schedule_retry(get_queue(app), min(retry_at))
    return dict(Counter(o.status for o in outcomes))


def send_test(subscription_id: int) -> str:
    """Job: send the settings page's test notification to one device."""
    with job_context() as app:
        sub = db.session.get(PushSubscription, subscription_id)
        if sub is None:
            return "gone"
        outcome = _sender(app).send(
            _info(sub.endpoint, sub.p256dh, sub.auth),
            push_messages.test_message(),
            ttl=300,
            urgency="normal",
        )
        if outcome.status == "gone":
            db.session.delete(sub)
        db.session.commit()
        return outcome.status


def kick(queue: Queue, tag: str, retries_only: bool = False):
    """Enqueue a deliver_pending job when some delivery may go now; the job or None."""
    now = utcnow()
    waiting = ReminderDelivery.not_before <= now
    if not retries_only:
        waiting = or_(ReminderDelivery.not_before.is_(None), waiting)
    due = db.session.scalar(
        select(ReminderDelivery.id).where(ReminderDelivery.status == "pending", waiting).limit(1)
    )
    db.session.rollback()
    return enqueue_once(queue, deliver_pending, f"push-{tag}") if due else None


def sweep():
    """Sweep step: re-enqueue every pending delivery (Redis may have lost its job)."""
    return kick(get_queue(), f"sweep-{int(time.time())}")


def _prepare(ids: Sequence[int], now: datetime) -> list[Push]:
    """Load what each pending delivery needs; deliveries to removed devices are closed."""
    if not ids:
        return []
    rows = db.session.execute(
        select(
            ReminderDelivery.id,
            ReminderDelivery.user_id,
            Reminder.kind,
            Ticket,
            Incident,
            PushSubscription,
        )
        .join(Reminder, Reminder.id == ReminderDelivery.reminder_id)
        .outerjoin(Ticket, Ticket.id == Reminder.ticket_id)
        .outerjoin(Incident, Incident.id == Reminder.incident_id)
        .outerjoin(PushSubscription, PushSubscription.id == ReminderDelivery.subscription_id)
        .where(ReminderDelivery.id.in_(ids), ReminderDelivery.status == "pending")
        .order_by(ReminderDelivery.id)
    ).all()
    messages: dict[tuple, tuple[dict, int, str]] = {}
    pushes: list[Push] = []
    orphans: list[int] = []
    for delivery_id, user_id, kind, ticket, incident, sub in rows:
        if sub is None:
            orphans.append(delivery_id)
            continue
        key = (kind, ticket.id if ticket else None, incident.id if incident else None)
        if key not in messages:
            messages[key] = _message(kind, ticket, incident, now)
        message, ttl, urgency = messages[key]
        pushes.append(
            Push(
                delivery_id,
                sub.id,
                _info(sub.endpoint, sub.p256dh, sub.auth),
                push_messages.with_accept_token(message, user_id),
                ttl,
                urgency,
            )
        )
    db.session.rollback()
    if orphans:
        _close_orphans(orphans, now)
    return pushes


def _message(
    kind: str, ticket: Ticket | None, incident: Incident | None, now: datetime
) -> tuple[dict, int, str]:
    """A reminder's notification, how long the push service keeps it, and how urgent it is."""
    if ticket is not None:
        return (
            push_messages.reminder_message(kind, ticket, now),
            push_messages.time_to_live(kind, ticket, now),
            push_messages.urgency(kind, ticket),
        )
    assert incident is not None  # a reminder is a ticket's or an incident's
    return (push_messages.incident_message(kind, incident), push_messages.DEFAULT_TTL, "high")


# Built once: a statement made afresh per push costs more CPU than its round trip.
_row = ReminderDelivery.__table__.c
_CLAIM = (
    update(ReminderDelivery.__table__)
    .where(
        _row.id.in_(bindparam("ids", expanding=True)),
        _row.status == "pending",
        or_(_row.not_before.is_(None), _row.not_before <= bindparam("now")),
    )
    .values(
        status="sending",
        claimed_at=bindparam("now"),
        attempts=_row.attempts + 1,
    )
    .returning(_row.id)
)
_SENT = (
    update(ReminderDelivery.__table__)
    .where(
        _row.id.in_(bindparam("ids", expanding=True)),
    )
    .values(status="sent", sent_at=bindparam("now"), last_error=None)
)


@dataclass(frozen=True)
class Done:
    """What became of one claimed delivery."""

    status: str
    retry_at: datetime | None = None


def _deliver_lane(engine: Engine, sender: PushSender, todo: deque) -> list[Done]:
    """Take chunks off todo until none is left, on one connection kept for the whole lane."""
    done = []
    with writer_connection(engine) as conn:
        while todo:
            try:
                chunk = todo.popleft()
            except IndexError:  # another lane took the last one
                break
            try:
                done += _deliver_chunk(conn, engine, sender, chunk)
            except Exception:  # the database away for a moment: the sweep finds the rest
                log.exception("sending deliveries %s failed", [p.delivery_id for p in chunk])
    return done


def _deliver_chunk(
    conn: Connection, engine: Engine, sender: PushSender, chunk: list[Push]
) -> list[Done]:
    """Claim a few deliveries, send them, record them: two one-statement transactions.

    Deliveries another worker claimed first are left to it."""
    claimed = _claim(conn, [push.delivery_id for push in chunk])
    sent = [
        (push, sender.send(push.subscription, push.payload, push.ttl, push.urgency))
        for push in chunk
        if push.delivery_id in claimed
    ]
    delivered = [push.delivery_id for push, outcome in sent if outcome.status == "sent"]
    if delivered:
        write_one(conn, _SENT, {"ids": delivered, "now": utcnow()})
    refused = [(push, outcome) for push, outcome in sent if outcome.status != "sent"]
    return [Done("sent")] * len(delivered) + (_record_refusals(engine, refused) if refused else [])


def _claim(conn: Connection, delivery_ids: list[int]) -> set[int]:
    """pending → sending, committed before anything is sent; the ids this worker got.

    A row another worker is claiming at the same moment is waited for, then found no longer
    pending (PostgreSQL re-reads the row under READ COMMITTED; SQLite has one writer)."""
    return {row.id for row in write_one(conn, _CLAIM, {"ids": delivery_ids, "now": utcnow()})}


def _record_refusals(engine: Engine, refused: list[tuple[Push, PushOutcome]]) -> list[Done]:
    """Write what was not sent: a dead subscription is removed, a refusal may be retried."""
    now = utcnow()
    row = ReminderDelivery.__table__.c
    done, gone = [], []
    with write_transaction(engine) as conn:
        attempts = dict(
            conn.execute(
                select(row.id, row.attempts).where(
                    row.id.in_([push.delivery_id for push, _ in refused])
                )
            ).all()
        )
        for push, outcome in refused:
            values: dict[str, Any] = {"status": outcome.status, "last_error": outcome.error}
            retry_at = None
            if outcome.status == "retry" and attempts[push.delivery_id] < MAX_ATTEMPTS:
                retry_at = now + timedelta(seconds=outcome.retry_after or 0)
                values.update(status="pending", not_before=retry_at)
            elif outcome.status == "retry":
                values["status"] = "failed"
            elif outcome.status == "gone":
                gone.append(push.subscription_id)
            conn.execute(
                update(ReminderDelivery).where(row.id == push.delivery_id).values(**values)
            )
            done.append(Done(values["status"], retry_at))
        if gone:
            conn.execute(delete(PushSubscription).where(PushSubscription.id.in_(gone)))
    return done


def _close_orphans(ids: list[int], now: datetime) -> None:
    """Deliveries whose device unsubscribed before its turn: nothing to send to."""
    with write_transaction(db.engine) as conn:
        conn.execute(
            update(ReminderDelivery)
            .where(
                ReminderDelivery.id.in_(ids),
                ReminderDelivery.status == "pending",
            )
            .values(status="gone", claimed_at=now, last_error="unsubscribed")
        )


def _schedule_retry(queue: Queue, at: datetime) -> None:
    """Wake a worker when the earliest refused push may be tried again (the DB keeps it too)."""
    job_id = f"push-retry-{int(at.timestamp())}"
    try:
        queue.enqueue_at(at, deliver_pending, job_id=job_id, unique=True)
    except DuplicateJobError:
        pass
    except RedisError:  # the ticker and the sweep find the row anyway
        log.warning("could not schedule the push retry at %s", at, exc_info=True)


def _sender(app: Flask) -> PushSender:
    """The process's sender (its VAPID token and connections are reused)."""
    sender = app.extensions.get("fieldapp.push_sender")
    if sender is None:
        sender = app.extensions["fieldapp.push_sender"] = PushSender.for_app(app)
    return sender


def _info(endpoint: str, p256dh: str, auth: str) -> dict:
    """A subscription as pywebpush takes it (PushSubscription.toJSON())."""
    return {"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}}
