"""Sending the CRM outbox: signed, in order per ticket, retried with back-off, never lost.

Callbacks come in streams, a ticket's or a wide-area incident's events. Only the oldest unsent
callback of a stream (its head) is ever sent, and the next one only after the head got a 2xx
and that was committed, so the CRM hears each ticket's and incident's events in order.
Before sending, a worker leases the head: a committed UPDATE moves its next_attempt_at
LEASE seconds ahead, which succeeds for one worker only. A worker that dies mid-send lets the
lease run out and the callback goes again: delivery is at least once, and the CRM dedupes by
event_id (CONTRACT). A failure (an answer other than 2xx, or any error on the way: the network,
a payload that cannot be encoded) counts as an attempt and waits min(base × 2^(attempts-1),
cap); after MAX_ATTEMPTS the callback is parked (and its ticket's later events wait) until an
administrator retries it.
"""

import json
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
from flask import Flask, current_app
from rq import Queue
from sqlalchemy import Engine, exists, select, update
from sqlalchemy.orm import aliased

from fieldapp.errors.refused import escaped
from fieldapp.extensions import db
from fieldapp.models import CrmCallback, utcnow
from fieldapp.services.signing import signed_headers
from workers.context import job_context
from workers.jobs import enqueue_once, in_threads, setting, write_transaction
from workers.queues import get_queue

BATCH = 100
THREADS = 8


@dataclass(frozen=True)
class Policy:
    """Where and how callbacks are sent, and how failures are retried."""

    url: str
    secret: str
    timeout: float = 10.0
    lease: float = 120.0  # longer than a send can take
    base: float = 10.0
    cap: float = 3600.0
    max_attempts: int = 12

    @classmethod
    def for_app(cls, app: Flask) -> "Policy":
        """The app's policy (CRM_RETRY_* settings override the defaults)."""
        return cls(
            app.config["CRM_CALLBACK_URL"],
            app.config["CRM_SHARED_SECRET"],
            setting(app, "CRM_TIMEOUT_SECONDS", cls.timeout),
            setting(app, "CRM_LEASE_SECONDS", cls.lease),
            setting(app, "CRM_RETRY_BASE_SECONDS", cls.base),
            setting(app, "CRM_RETRY_CAP_SECONDS", cls.cap),
            int(setting(app, "CRM_MAX_ATTEMPTS", cls.max_attempts)),
        )

    def backoff(self, attempts: int) -> timedelta:
        """How long to wait after the attempts-th failure."""
        return timedelta(seconds=min(self.base * 2 ** (attempts - 1), self.cap))


def send_callbacks(limit: int | None = None) -> dict:
    """Job: send the due heads of up to `limit` streams (a ticket's or an incident's events),
    each stream in order."""
    with job_context() as app:
        if not app.config.get("CRM_CALLBACK_URL"):
            return {}  # kept and shown, not sent (CONTRACT)
        limit = limit or int(setting(app, "CRM_BATCH", BATCH))
        streams = due_streams(utcnow(), limit)
        if len(streams) == limit:
            get_queue(app).enqueue(send_callbacks, limit)
        policy, engine = Policy.for_app(app), db.engine
        sent = in_threads(
            lambda stream: _drain(engine, policy, stream),
            streams,
            int(setting(app, "CRM_THREADS", THREADS)),
        )
        return {"streams": len(streams), "sent": sum(n or 0 for n in sent)}


def due_streams(now: datetime, limit: int) -> list[str]:
    """Streams (a ticket's or an incident's events) whose oldest unsent callback may be sent
    now (not parked, not waiting)."""
    earlier = aliased(CrmCallback)
    rows = db.session.scalars(
        select(CrmCallback.stream)
        .where(
            CrmCallback.sent_at.is_(None),
            CrmCallback.parked_at.is_(None),
            CrmCallback.next_attempt_at <= now,
            ~exists().where(
                earlier.stream == CrmCallback.stream,
                earlier.sent_at.is_(None),
                earlier.id < CrmCallback.id,
            ),
        )
        .order_by(CrmCallback.id)
        .limit(limit)
    ).all()
    db.session.rollback()
    return list(rows)


def kick(queue: Queue, tag: str):
    """Enqueue a send_callbacks job when some callback may go now; the job or None."""
    if not current_app.config.get("CRM_CALLBACK_URL") or not due_streams(utcnow(), 1):
        return None
    return enqueue_once(queue, send_callbacks, f"crm-{tag}")


def sweep():
    """Sweep step: re-enqueue the outbox (Redis may have lost its job)."""
    return kick(get_queue(), f"sweep-{int(time.time())}")


def _drain(engine: Engine, policy: Policy, stream: str) -> int:
    """Send a stream's callbacks oldest first until one fails or none is due; how many."""
    sent = 0
    while True:
        now = utcnow()
        head = _head(engine, stream)
        if head is None or head.parked_at or head.next_attempt_at > now:
            return sent
        if not _lease(engine, head.id, now, policy):
            return sent  # another worker has it
        error = _post(policy, head.payload)
        _record(engine, head, error, policy)
        if error:
            return sent
        sent += 1


def _head(engine: Engine, stream: str):
    """The stream's oldest unsent callback, parked or not."""
    table = CrmCallback.__table__
    with engine.connect() as conn:
        return conn.execute(
            select(table)
            .where(
                table.c.stream == stream,
                table.c.sent_at.is_(None),
            )
            .order_by(table.c.id)
            .limit(1)
        ).first()


def _lease(engine: Engine, callback_id: int, now: datetime, policy: Policy) -> bool:
    """Take the callback for LEASE seconds; False when it is not due (someone took it)."""
    with write_transaction(engine) as conn:
        taken = conn.execute(
            update(CrmCallback)
            .where(
                CrmCallback.id == callback_id,
                CrmCallback.sent_at.is_(None),
                CrmCallback.parked_at.is_(None),
                CrmCallback.next_attempt_at <= now,
            )
            .values(next_attempt_at=now + timedelta(seconds=policy.lease))
        )
        return taken.rowcount == 1


_local = threading.local()


def _post(policy: Policy, payload: dict) -> str | None:
    """Send the callback once; None on a 2xx, else what went wrong, ready to store.

    Whatever goes wrong is this attempt's error: one that escaped would leave the attempt
    uncounted, and the callback retried unseen after every lease instead of parked."""
    try:
        response = _send(policy, payload)
    except Exception as err:  # a payload UTF-8 cannot encode, the network, anything
        return escaped(f"{type(err).__name__}: {err}")[:500]
    if 200 <= response.status_code < 300:
        return None
    return escaped(f"HTTP {response.status_code}: {response.text[:200]}")


def _send(policy: Policy, payload: dict) -> requests.Response:
    """Encode, sign and POST the payload on this thread's session."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = signed_headers(policy.secret, int(time.time()), body)
    session = getattr(_local, "session", None) or requests.Session()
    _local.session = session
    return session.post(policy.url, data=body, headers=headers, timeout=policy.timeout)


def _record(engine: Engine, head, error: str | None, policy: Policy) -> None:
    """Sent, or the next attempt after back-off, or parked after too many failures."""
    now = utcnow()
    attempts = head.attempts + 1
    values = {"attempts": attempts, "last_error": error}
    if error is None:
        values["sent_at"] = now
    elif attempts >= policy.max_attempts:
        values["parked_at"] = now
    else:
        values["next_attempt_at"] = now + policy.backoff(attempts)
    with write_transaction(engine) as conn:
        conn.execute(update(CrmCallback).where(CrmCallback.id == head.id).values(**values))
