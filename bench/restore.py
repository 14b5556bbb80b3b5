"""Restoring a wide-area incident: one op completes its 500 linked tickets.

One team's crew has accepted 2 × BENCH_RESTORE_TICKETS (default 500) outage tickets. Half of
them are completed one by one, each by its own `complete` op in its own sync request, as
phones would without incidents (the same-run baseline); the other half are linked to an
incident whose single `restore` op, in one sync request, completes them all. Both go through
POST /api/v1/sync of the app, in this process, so that every SQL statement can be counted.
Figures: the time and statements per ticket each way, and how many times faster the restore
is (target ≥ 10×). PostgreSQL's `bench_restore` when it answers, else a SQLite file.
"""

import os
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from bench import Figure
from bench._servers import PASSWORD, app_for, migrate, outage, seed_org, team_code, throwaway

TICKETS = int(os.environ.get("BENCH_RESTORE_TICKETS", "500"))
TARGET_RATIO = 10.0
LATE = {"code": "grid_incident", "note": "Sự cố diện rộng"}
CHUNK = 200  # ops per sync request while setting up (the sync API's most)


def main() -> list[Figure]:
    with throwaway("restore") as be:
        migrate(be)
        [[crew]] = seed_org(be, 1, 1)
        app = app_for(be)
        try:
            figures = _run(app, crew, be.note)
        finally:
            _dispose(app)
            if be.redis_url is None:
                from fieldapp.redis_conn import stop_embedded_redis

                stop_embedded_redis(be.instance)
    return figures


def _run(app, crew: str, note: str) -> list[Figure]:
    """Set up, time the baseline then the restore, check what they did. Requests run outside
    any app context of ours, each in its own, as in a server."""
    send = _sender(app.test_client(), crew)
    tickets = _accepted(app, send, 2 * TICKETS)
    single, linked = tickets[:TICKETS], tickets[TICKETS:]
    incident = _declare(send, linked)
    with _counting(app) as base:
        for ticket_id in single:
            [result] = send([_op("complete", _completion(), ticket_id=ticket_id)])
            assert result["status"] == "applied", result
    restored = {
        "restored_at": _iso(datetime.now(UTC) - timedelta(minutes=1)),
        "result": "Đã khôi phục cấp điện",
    }
    with _counting(app) as restore:
        [result] = send([_op("restore", restored, incident_id=incident)])
    assert result["status"] == "applied" and result["left_open"] == [], result
    _check_completed(app, 2 * TICKETS)
    ratio = base["seconds"] / restore["seconds"]
    return [
        Figure(f"restore of {TICKETS} linked tickets, one op ({note})", restore["seconds"], "s"),
        Figure("restore: time per ticket", 1000 * restore["seconds"] / TICKETS, "ms"),
        Figure("restore: SQL statements per ticket", restore["statements"] / TICKETS, "stmts"),
        Figure(f"{TICKETS} single complete ops through sync", base["seconds"], "s"),
        Figure("single complete: time per ticket", 1000 * base["seconds"] / TICKETS, "ms"),
        Figure("single complete: SQL statements per ticket", base["statements"] / TICKETS, "stmts"),
        Figure(
            "restore faster than single completes",
            ratio,
            "ratio",
            f">= {TARGET_RATIO:g}x",
            ratio >= TARGET_RATIO,
            round(base["seconds"], 2),
        ),
    ]


def _sender(client, username: str):
    """Sign in as the crew; a function that sends ops in one sync request, their results."""
    answer = client.post("/api/v1/session", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    headers = {"X-CSRFToken": answer.get_json()["csrf_token"]}

    def send(ops: list[dict]) -> list[dict]:
        body = {"device_id": "bench-phone", "sent_at": _iso(datetime.now(UTC)), "ops": ops}
        response = client.post("/api/v1/sync", json=body, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()["results"]

    return send


def _accepted(app, send, count: int) -> list[int]:
    """Outage tickets pushed by the CRM, accepted by the crew; their ids."""
    from fieldapp.api.schemas import IntakeSchema
    from fieldapp.services.intake import receive

    with app.app_context():
        ids = [
            receive(IntakeSchema().load(outage(f"R-{n:06d}", team_code(0), n)))[0].id
            for n in range(count)
        ]
    for start in range(0, count, CHUNK):
        results = send(
            [_op("accept", {"late_reason": LATE}, ticket_id=i) for i in ids[start : start + CHUNK]]
        )
        assert {r["status"] for r in results} == {"applied"}, results[:3]
    return ids


def _declare(send, tickets: list[int]) -> int:
    """An incident of the team, declared and holding these tickets (one link op)."""
    now = datetime.now(UTC)
    [declared] = send(
        [
            _op(
                "declare",
                {
                    "kind": "unplanned",
                    "area": "Hải Châu",
                    "started_at": _iso(now - timedelta(hours=1)),
                    "cause": "Bão",
                    "eta": _iso(now + timedelta(hours=2)),
                },
            )
        ]
    )
    incident = declared["incident_id"]
    [linked] = send([_op("link", {"tickets": tickets}, incident_id=incident)])
    assert linked["status"] == "applied" and linked["left_open"] == [], linked
    return incident


def _op(action: str, data: dict, **target) -> dict:
    return {
        "op_id": uuid.uuid4().hex,
        "action": action,
        "at": _iso(datetime.now(UTC)),
        "data": data,
        **target,
    }


def _completion() -> dict:
    """What a crew sends to complete an outage ticket by hand."""
    return {
        "result": "Đã khôi phục cấp điện",
        "cause": "Bão",
        "restored_at": _iso(datetime.now(UTC) - timedelta(minutes=1)),
        "late_reason": LATE,
    }


def _iso(at: datetime) -> str:
    return at.isoformat()


@contextmanager
def _counting(app):
    """Time a block and count the SQL statements the app sends meanwhile."""
    from sqlalchemy import event

    from fieldapp.extensions import db

    with app.app_context():
        engine = db.engine
    seen = {"statements": 0, "seconds": 0.0}

    def count(*_args, **_kwargs):
        seen["statements"] += 1

    event.listen(engine, "before_cursor_execute", count)
    started = time.perf_counter()
    try:
        yield seen
    finally:
        seen["seconds"] = time.perf_counter() - started
        event.remove(engine, "before_cursor_execute", count)


def _check_completed(app, expected: int) -> None:
    """Every ticket completed once, each with its own completion event."""
    from sqlalchemy import func, select

    from fieldapp.extensions import db
    from fieldapp.models import Event, Ticket

    with app.app_context():
        done = db.session.scalar(
            select(func.count()).select_from(Ticket).where(Ticket.status == "completed")
        )
        events = db.session.scalar(
            select(func.count()).select_from(Event).where(Event.action == "completed")
        )
    assert done == events == expected, (done, events, expected)


def _dispose(app) -> None:
    """Let the throwaway database be dropped."""
    from fieldapp.extensions import db

    with app.app_context():
        db.engine.dispose()
