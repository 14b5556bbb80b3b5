"""Reminders: 10,000 falling due within one minute, pushed by the worker's own code.

A database of its own gets ten teams, a subscribed phone per team and 200 tickets from the
CRM intake: their planned reminders are replaced by 10,000 due
evenly over the next minute. The worker's path then runs as `flask worker` runs it: every
second the dispatch ticker enqueues what is due, an in-process RQ worker runs the jobs (claim
and fan out, then push with VAPID and aes128gcm), and the sweep runs at the end. The push
service is the tests' fake (tests/workers/fakes.py) in a process of its own: it verifies every
VAPID signature and decrypts every message, so its CPU is not counted as the worker's.

Figures: lateness (delivery sent_at − reminder due_at) at p50 / p99 (target p99 ≤ 5 s) and
pushes per second per core, i.e. pushes over the CPU seconds the worker's process used
(target ≥ 200).

The database is BENCH_DATABASE_URL, else PostgreSQL's `bench_reminders` (made afresh) when
127.0.0.1:5432 answers, else a throwaway SQLite file; Redis is BENCH_REDIS_URL, else db
REDIS_DB of 127.0.0.1:6379 (flushed) when it answers, else the embedded one. The figures name
what was used: SQLite takes one writer at a time, so its figures say little about production.
"""

import json
import logging
import multiprocessing
import os
import statistics
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from bench import Figure

REMINDERS = 10_000
WINDOW_SECONDS = 60
TEAMS = 10
TICKETS_PER_TEAM = 20
KINDS = (
    "contact_warn_80",
    "contact_warn_15",
    "resolve_warn_80",
    "resolve_warn_15",
    "overdue",
    "repeat_alert",
)
TARGET_P99 = 5.0
TARGET_RATE = 200.0
LEAD_SECONDS = 3  # the first reminder falls due this long after the plan is written
DATABASE = "bench_reminders"
REDIS_DB = 10  # a number of its own: the other benchmarks flush theirs (bench._servers)


def main() -> list[Figure]:
    from tests.workers.fakes import Browser

    logging.getLogger("rq").setLevel(logging.WARNING)  # a line per job would bury the table
    phone = Browser("bench")  # one key pair for every phone: the service decrypts them all
    ctx = multiprocessing.get_context("fork")  # fork before any app, engine or Redis exists
    ready, stop, results = ctx.Queue(), ctx.Event(), ctx.Queue()
    service = ctx.Process(target=_push_service, args=(phone, ready, stop, results), daemon=True)
    service.start()
    base = ready.get(timeout=30)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            run = _run(tmp, base, phone)
    finally:
        stop.set()
    received = results.get(timeout=60)
    service.join(timeout=10)
    return _figures(run, received)


def _push_service(phone, ready, stop, results) -> None:
    """The fake push service, keep-alive, until stop; then what it received."""
    from tests.workers.fakes import FakePushService

    class AnyPhone(dict):
        def get(self, name, default=None):
            return phone

    service = FakePushService()
    service.browsers = AnyPhone()
    service.server.RequestHandlerClass.protocol_version = "HTTP/1.1"  # as real services do
    ready.put(service.base)
    stop.wait()
    results.put(
        {
            "received": [
                (r.device, r.payload.get("kind"), r.payload.get("ticket_id"))
                for r in service.received
            ],
            "rejected": service.rejected[:5],
            "arrivals": service.arrivals,
        }
    )
    service.close()


def _run(tmp: str, push_base: str, phone) -> dict:
    """Plan, then run the worker through the minute; lateness per delivery, CPU and counts."""
    os.environ["FIELDAPP_INSTANCE"] = str(Path(tmp) / "instance")
    from rq import SimpleWorker

    from fieldapp import create_app
    from fieldapp.extensions import db
    from fieldapp.redis_conn import stop_embedded_redis
    from workers import dispatch, sweep
    from workers.queues import get_queue

    url, redis_url = _database(tmp), _redis()
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench-only",
            "CRM_CALLBACK_URL": None,
            "REDIS_URL": redis_url,
            "PUSH_ALLOWED_HOSTS": push_base,
        }
    )
    try:
        with app.app_context():
            db.drop_all()
            db.create_all()
            start = _plan(push_base, phone)
            queue = get_queue(app)
            queue.empty()
            worker = SimpleWorker([queue], connection=queue.connection)
            end = start + WINDOW_SECONDS + 30
            cpu = time.process_time()
            while time.time() < end and _unsent():
                time.sleep(max(0.0, 1 - time.time() % 1) + 0.01)  # the ticker's second
                dispatch.tick(queue, str(int(time.time())))
                worker.work(burst=True, with_scheduler=False)
            sweep.run_sweep()
            worker.work(burst=True, with_scheduler=False)
            cpu = time.process_time() - cpu
            return {"cpu": cpu, "backend": _backend_note(url, redis_url), **_outcome()}
    finally:
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()
        stop_embedded_redis(app.instance_path)


def _database(tmp: str) -> str:
    """BENCH_DATABASE_URL, else a fresh PostgreSQL database of its own, else SQLite."""
    from bench._servers import PG_HOST, PG_PORT, PG_USER, _admin_sql, answers, drop_database

    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        return url
    if not answers(PG_HOST, PG_PORT):
        print("reminders: PostgreSQL does not answer; measuring on SQLite (one writer at a time)")
        return f"sqlite:///{tmp}/bench.db"
    drop_database(DATABASE)
    _admin_sql(f"CREATE DATABASE {DATABASE}")
    return f"postgresql+psycopg://{PG_USER}@{PG_HOST}:{PG_PORT}/{DATABASE}"


def _redis() -> str | None:
    """BENCH_REDIS_URL, else db REDIS_DB of the local Redis (flushed), else None: embedded."""
    import redis

    from bench._servers import REDIS_HOST, REDIS_PORT, answers

    url = os.environ.get("BENCH_REDIS_URL")
    if url or not answers(REDIS_HOST, REDIS_PORT):
        if not url:
            print("reminders: Redis does not answer; using the embedded one")
        return url
    url = f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}"
    redis.Redis.from_url(url).flushdb()
    return url


def _backend_note(database_url: str, redis_url: str | None) -> str:
    database = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}.get(
        database_url.split(":", 1)[0].split("+", 1)[0], database_url.split(":", 1)[0]
    )
    return f"{database} + {'Redis' if redis_url else 'embedded Redis'}"


def _plan(push_base: str, phone) -> float:
    """The org, the phones, the tickets, and 10,000 reminders due over the next minute."""
    from sqlalchemy import delete, insert

    from fieldapp.api.schemas import IntakeSchema
    from fieldapp.demo.crm_simulator import ticket_stream
    from fieldapp.extensions import db
    from fieldapp.models import PushSubscription, Reminder, User, utcnow
    from fieldapp.services.intake import receive
    from fieldapp.services.org import load_org
    from tests.workers.fakes import b64

    teams = [f"PC-BN-{n:02d}" for n in range(TEAMS)]
    load_org(
        {
            "companies": [
                {
                    "code": "PC-BN",
                    "name": "Công ty Điện lực Bench",
                    "teams": [{"code": code, "name": f"Đội {code}"} for code in teams],
                }
            ],
            "users": [
                {
                    "username": f"crew.{code.lower()}",
                    "name": f"Thợ {code}",
                    "password": "bench-only-pw",
                    "role": "crew",
                    "team": code,
                    "desk": "operations",
                }
                for code in teams
            ],
        }
    )
    for user in db.session.query(User).all():
        db.session.add(
            PushSubscription(
                user_id=user.id,
                endpoint=f"{push_base}/push/{user.id}",
                p256dh=phone.p256dh,
                auth=b64(phone.auth),
            )
        )
    db.session.commit()
    ticket_ids = []
    for code in teams:
        stream = ticket_stream(seed=len(ticket_ids) + 1, teams=[code])
        for _ in range(TICKETS_PER_TEAM):
            body = next(stream)
            body["type"] = "OUTAGE"  # the operations desk: the team's crew
            ticket, _created = receive(IntakeSchema().load(body))
            ticket_ids.append(ticket.id)
    db.session.execute(delete(Reminder))  # the intake's own plan: replaced by the bench's
    now = utcnow()
    start = now + timedelta(seconds=LEAD_SECONDS)
    step = WINDOW_SECONDS / REMINDERS
    db.session.execute(
        insert(Reminder),
        [
            {
                "ticket_id": ticket_ids[i % len(ticket_ids)],
                "kind": KINDS[i % len(KINDS)],
                "due_at": start + timedelta(seconds=i * step),
                "audience": "desk",
                "created_at": now,
            }
            for i in range(REMINDERS)
        ],
    )
    db.session.commit()
    return start.timestamp()


def _unsent() -> bool:
    from sqlalchemy import select

    from fieldapp.extensions import db
    from fieldapp.models import Reminder, ReminderDelivery

    db.session.rollback()
    left = db.session.scalar(select(Reminder.id).where(Reminder.sent_at.is_(None)).limit(1))
    left = left or db.session.scalar(
        select(ReminderDelivery.id)
        .where(ReminderDelivery.status.in_(("pending", "sending")))
        .limit(1)
    )
    db.session.rollback()
    return left is not None


def _outcome() -> dict:
    """Lateness of every sent delivery, and the deliveries per status."""
    from sqlalchemy import func, select

    from fieldapp.extensions import db
    from fieldapp.models import Reminder, ReminderDelivery

    db.session.rollback()
    rows = db.session.execute(
        select(ReminderDelivery.sent_at, Reminder.due_at)
        .join(Reminder, Reminder.id == ReminderDelivery.reminder_id)
        .where(ReminderDelivery.status == "sent")
    ).all()
    statuses = dict(
        db.session.execute(
            select(ReminderDelivery.status, func.count()).group_by(ReminderDelivery.status)
        ).all()
    )
    planned = db.session.execute(
        select(ReminderDelivery.user_id, Reminder.kind, Reminder.ticket_id).join(
            Reminder, Reminder.id == ReminderDelivery.reminder_id
        )
    ).all()
    return {
        "lateness": sorted((sent - due).total_seconds() for sent, due in rows),
        "statuses": statuses,
        "planned": [tuple(map(str, p[:1])) + tuple(p[1:]) for p in planned],
    }


def _figures(run: dict, service: dict) -> list[Figure]:
    lateness, received = run["lateness"], service["received"]
    sent = len(lateness)
    p50 = statistics.median(lateness) if lateness else float("nan")
    p99 = _percentile(lateness, 0.99)
    rate = sent / run["cpu"] if run["cpu"] else 0.0
    # Each phone gets each (kind, ticket) as often as it was planned for that phone, no more.
    twice = sum((Counter(received) - Counter(run["planned"])).values())
    return [
        Figure(
            f"reminder pushes sent ({run['backend']})",
            sent,
            "pushes",
            f"= {REMINDERS}",
            sent == REMINDERS,
        ),
        Figure(
            "  decrypted by the push service",
            len(received),
            "pushes",
            f"= {sent}",
            len(received) == sent and not service["rejected"],
        ),
        Figure("  sent twice to one phone", twice, "pushes", "= 0", twice == 0),
        Figure("lateness p50 (sent_at - due_at)", p50, "s"),
        Figure(
            "lateness p99 (sent_at - due_at)", p99, "s", f"<= {TARGET_P99:g} s", p99 <= TARGET_P99
        ),
        Figure("lateness max", lateness[-1] if lateness else float("nan"), "s"),
        Figure(
            "pushes per second per core (worker CPU)",
            rate,
            "push/s",
            f">= {TARGET_RATE:g}",
            rate >= TARGET_RATE,
        ),
        Figure("  worker CPU time", run["cpu"], "s"),
        Figure(
            "  deliveries not sent",
            sum(n for s, n in run["statuses"].items() if s != "sent"),
            "rows",
            json.dumps({s: n for s, n in run["statuses"].items() if s != "sent"}),
        ),
    ]


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(round(share * (len(values) - 1))))]
