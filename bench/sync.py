"""Offline sync under load: closed bursts of 50-op batches, and batches arriving at a set rate.

gunicorn (BENCH_WEB_WORKERS processes) serves the app on PostgreSQL. Each device is a crew
of its own, signed in once; a batch is 50 ops on 5 tickets of its team (accept, then 9 notes
each, as a phone's outbox holds them after an hour without signal).

Closed: at 1, 8, 32, 64 devices (BENCH_SYNC_DEVICES), every device sends BENCH_SYNC_ROUNDS
batches (default 2) one after another, all devices at once; p50 and p99 of a batch's latency
at each level. At 8 devices, ops/s when batched ÷ ops/s when the same ops go one per request
(target ≥ 10).

Open loop: batches arrive at BENCH_SYNC_OPEN_RATE ops/s (default 500, i.e. 10 batches a
second) for BENCH_SYNC_OPEN_SECONDS (default 30), each from the next of BENCH_SYNC_OPEN_DEVICES
devices (default 100), whether or not the earlier ones were answered, as phones coming back
into coverage do. A batch's latency runs from the moment it was due, so a client that falls
behind counts too. Target: p99 ≤ 500 ms, no errors.
"""

import os
import threading
import time
import uuid
from datetime import UTC, datetime

import requests

from bench import Figure
from bench._load import Run
from bench._servers import (
    app_for,
    migrate,
    outage,
    percentile,
    seed_org,
    serving,
    sign_in,
    team_code,
    throwaway,
)

LEVELS = [int(n) for n in os.environ.get("BENCH_SYNC_DEVICES", "1,8,32,64").split(",")]
ROUNDS = int(os.environ.get("BENCH_SYNC_ROUNDS", "2"))
COMPARE_AT = 8  # devices, for batched ÷ one op per request
RATIO_TARGET = 10
COMPARE_ROUNDS = max(ROUNDS, 5)
OPEN_RATE = float(os.environ.get("BENCH_SYNC_OPEN_RATE", "500"))  # ops/s
OPEN_SECONDS = float(os.environ.get("BENCH_SYNC_OPEN_SECONDS", "30"))
OPEN_DEVICES = int(os.environ.get("BENCH_SYNC_OPEN_DEVICES", "100"))
OPEN_P99_TARGET = 0.5  # s
TICKETS_PER_BATCH, NOTES_PER_TICKET = 5, 9
OPS_PER_BATCH = TICKETS_PER_BATCH * (1 + NOTES_PER_TICKET)  # 50
TEAMS = 8
LATE = {"code": "storm", "note": "Bão"}  # ignored unless the deadline has passed


def main() -> list[Figure]:
    devices = max(LEVELS + [COMPARE_AT, OPEN_DEVICES])
    with throwaway("sync") as be:
        migrate(be)
        names = seed_org(be, TEAMS, -(-devices // TEAMS))
        # Device d is a crew of team d % TEAMS, so that every level spreads over the teams.
        crews = [(d % TEAMS, names[d % TEAMS][d // TEAMS]) for d in range(devices)]
        tickets = _Tickets(be)
        runs = {}
        with serving(be) as base:
            sessions = [sign_in(base, name) for _, name in crews]
            url = f"{base}/api/v1/sync"
            # Unmeasured: each server process's first requests pay for its warming up.
            _rounds(url, sessions[:COMPARE_AT], tickets, crews, batched=True, rounds=1)
            for level in LEVELS:
                runs[level] = _rounds(url, sessions[:level], tickets, crews, batched=True)
            # The two sides of the ratio one after the other, the batched one long enough
            # (COMPARE_ROUNDS) not to hang on a single slow batch.
            batched = _rounds(
                url, sessions[:COMPARE_AT], tickets, crews, batched=True, rounds=COMPARE_ROUNDS
            )
            single = _rounds(url, sessions[:COMPARE_AT], tickets, crews, batched=False)
            opened = _open_loop(url, sessions[:OPEN_DEVICES], tickets, crews)
    figures = [f for level, run in runs.items() for f in _level_figures(level, run)]
    ops_batched = batched.rate * OPS_PER_BATCH
    errors = [
        e
        for run in {id(r): r for r in [*runs.values(), batched, single]}.values()
        for e in run.errors
    ]
    for message in (errors + opened.errors)[:3]:
        print(f"  error: {message}")
    ratio = ops_batched / single.rate
    figures += [
        Figure(f"ops/s batched, {COMPARE_AT} devices ({be.note})", ops_batched, "ops/s"),
        Figure(f"ops/s one op per request, {COMPARE_AT} devices", single.rate, "ops/s"),
        Figure(
            "batched ÷ one op per request",
            ratio,
            "ratio",
            f"≥ {RATIO_TARGET}",
            ratio >= RATIO_TARGET,
            baseline=round(single.rate, 1),
        ),
        Figure("sync errors (non-2xx or op not applied)", len(errors), "errors", "0", not errors),
        *_open_figures(opened),
    ]
    return figures


class _Tickets:
    """Fresh tickets of a crew's team, created through the intake service in this process."""

    def __init__(self, be):
        self.app = app_for(be)
        self.seq = 0

    def of_team(self, team: int, count: int) -> list[int]:
        from fieldapp.api.schemas import IntakeSchema
        from fieldapp.extensions import db
        from fieldapp.services.intake import receive

        ids = []
        with self.app.app_context():
            for _ in range(count):
                self.seq += 1
                body = outage(f"S-{self.seq:07d}", team_code(team), self.seq)
                ids.append(receive(IntakeSchema().load(body))[0].id)
            db.session.remove()
        return ids


def _ops(ticket_ids: list[int]) -> list[dict]:
    """A phone's outbox for these tickets: accept each, then notes on it."""
    now = datetime.now(UTC).isoformat()
    ops = []
    for ticket_id in ticket_ids:
        ops.append(
            {
                "op_id": uuid.uuid4().hex,
                "ticket_id": ticket_id,
                "action": "accept",
                "at": now,
                "data": {"late_reason": LATE},
            }
        )
        ops += [
            {
                "op_id": uuid.uuid4().hex,
                "ticket_id": ticket_id,
                "action": "update",
                "at": now,
                "data": {"note": f"Đang xử lý {n}", "late_reason": LATE},
            }
            for n in range(NOTES_PER_TICKET)
        ]
    return ops


def _rounds(
    url: str,
    sessions: list,
    tickets: "_Tickets",
    crews: list[tuple[int, str]],
    batched: bool,
    rounds: int = ROUNDS,
) -> Run:
    """`rounds` outboxes per device, every device at once; one call per batch, or per op."""
    calls: dict[int, list[list[dict]]] = {device: [] for device in range(len(sessions))}
    for _ in range(rounds):
        for device in calls:
            ops = _ops(tickets.of_team(crews[device][0], TICKETS_PER_BATCH))
            calls[device] += [ops] if batched else [[op] for op in ops]
    run, lock = Run(), threading.Lock()

    def device_loop(device: int) -> None:
        for ops in calls[device]:  # in order, as the phone's outbox replays them
            started = time.perf_counter()
            problem = _sync(sessions[device], url, ops)
            with lock:
                run.latencies.append(time.perf_counter() - started)
                if problem:
                    run.errors.append(problem)

    started = time.perf_counter()
    threads = [threading.Thread(target=device_loop, args=(d,)) for d in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.seconds = time.perf_counter() - started
    return run


def _open_loop(url: str, sessions: list, tickets: "_Tickets", crews: list[tuple[int, str]]) -> Run:
    """Batches due at a fixed rate, each sent when due by a thread of its own; latency from
    the moment it was due to its answer."""
    count = max(1, round(OPEN_RATE * OPEN_SECONDS / OPS_PER_BATCH))
    gap = OPS_PER_BATCH / OPEN_RATE
    batches = [
        (d := n % len(sessions), _ops(tickets.of_team(crews[d][0], TICKETS_PER_BATCH)))
        for n in range(count)
    ]
    run, lock = Run(), threading.Lock()

    def send(device: int, ops: list[dict], due: float) -> None:
        problem = _sync(sessions[device], url, ops)
        with lock:
            run.latencies.append(time.perf_counter() - due)
            if problem:
                run.errors.append(problem)

    threads = []
    started = time.perf_counter()
    for n, (device, ops) in enumerate(batches):
        due = started + n * gap
        time.sleep(max(0.0, due - time.perf_counter()))
        thread = threading.Thread(target=send, args=(device, ops, due))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    run.seconds = time.perf_counter() - started
    return run


def _open_figures(run: Run) -> list[Figure]:
    offered = f"{OPEN_RATE:g} ops/s for {OPEN_SECONDS:g} s"
    p99 = percentile(run.latencies, 0.99)
    return [
        Figure(f"open loop {offered}: 50-op batch p50", percentile(run.latencies, 0.5), "s"),
        Figure(
            f"open loop {offered}: 50-op batch p99",
            p99,
            "s",
            f"≤ {OPEN_P99_TARGET:g}",
            p99 <= OPEN_P99_TARGET,
        ),
        Figure(
            "open loop: ops/s served (to the last answer)",
            len(run.latencies) * OPS_PER_BATCH / run.seconds,
            "ops/s",
        ),
        Figure(
            "open loop: errors (non-2xx or op not applied)",
            len(run.errors),
            "errors",
            "0",
            not run.errors,
        ),
    ]


def _sync(session, url: str, ops: list[dict]) -> str | None:
    """Send one sync call; what went wrong, if anything (every op must be applied)."""
    body = {
        "device_id": f"bench-{id(session)}",
        "sent_at": datetime.now(UTC).isoformat(),
        "ops": ops,
    }
    try:
        answer = session.post(url, json=body, timeout=600)
    except requests.RequestException as err:
        return repr(err)
    if answer.status_code != 200:
        return f"{answer.status_code}: {answer.text[:200]}"
    refused = [r for r in answer.json()["results"] if r["status"] != "applied"]
    return f"not applied: {refused[0]}" if refused else None


def _level_figures(level: int, run) -> list[Figure]:
    return [
        Figure(f"50-op batch p50, {level} devices", percentile(run.latencies, 0.5), "s"),
        Figure(f"50-op batch p99, {level} devices", percentile(run.latencies, 0.99), "s"),
    ]
