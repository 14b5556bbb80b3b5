"""A typhoon: outage tickets pushed in bursts while thousands of phones sync, then a full count.

PostgreSQL, gunicorn (BENCH_WEB_WORKERS processes) and two RQ workers (`flask worker`) on a
real Redis. BENCH_STORM_TICKETS signed outage pushes arrive in bursts of BENCH_STORM_BURST
(default 1,000) a second apart, 2 % of them pushed twice as a CRM retries; meanwhile
BENCH_STORM_PHONES phones (each a crew signed in beforehand) sync 50 ops each on 5 of their
team's new tickets (accept, contact, 8 notes) as soon as those exist, then send the same batch
again, as a phone that lost the answer does.

A typhoon at full size is 3,000 phones and 20,000 pushes:

    BENCH_STORM_PHONES=3000 BENCH_STORM_TICKETS=20000 .venv/bin/python -m bench storm

By default a third of it (1,000 phones, 7,000 pushes: the same pushes per phone), so that
`make bench` stays within minutes on a small shared machine.

Afterwards the database is checked: every pushed crm_id is one ticket with one "received"
event; every op is exactly one AppliedOp and one event; every ticket has every reminder the
rules plan for its state. Targets: 0 errors, 0 lost, 0 doubled, 0 tickets missing reminders.
"""

import os
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import requests

from bench import Figure
from bench._servers import (
    app_for,
    migrate,
    outage,
    percentile,
    push,
    seed_org,
    serving,
    sign_in,
    team_code,
    throwaway,
)

TICKETS = int(os.environ.get("BENCH_STORM_TICKETS", "7000"))
PHONES = int(os.environ.get("BENCH_STORM_PHONES", "1000"))
BURST = int(os.environ.get("BENCH_STORM_BURST", "1000"))
PAUSE_S = float(os.environ.get("BENCH_STORM_PAUSE", "1"))
PUSHERS = int(os.environ.get("BENCH_STORM_PUSHERS", "8"))
SYNCERS = int(os.environ.get("BENCH_STORM_SYNCERS", "32"))
TEAMS = 50
TICKETS_PER_PHONE, NOTES = 5, 8  # accept + contact + 8 notes = 10 ops a ticket, 50 a phone
OPS_PER_PHONE = TICKETS_PER_PHONE * (2 + NOTES)
REPLAY_EVERY = 50  # 2 % of the pushes are sent twice
LATE = {"code": "storm", "note": "Bão"}


def main() -> list[Figure]:
    teams = min(TEAMS, PHONES)
    crews_per_team = -(-PHONES // teams)
    if teams * crews_per_team * TICKETS_PER_PHONE > TICKETS:
        raise SystemExit(f"{PHONES} phones need {PHONES * TICKETS_PER_PHONE} tickets or more")
    with throwaway("storm") as be:
        migrate(be)
        names = seed_org(be, teams, crews_per_team)
        storm = _Storm(teams, crews_per_team)
        with serving(be, rq_workers=2) as base:
            phones = _sign_in_all(base, names, teams)
            started = time.perf_counter()
            pushing = threading.Thread(target=storm.push_all, args=(base,))
            pushing.start()
            storm.sync_all(base, phones)
            pushing.join()
            seconds = time.perf_counter() - started
        checks = _check(app_for(be), storm)
    return _figures(be, storm, checks, seconds)


class _Storm:
    """The tickets pushed (crm_id → id), the ops sent, and everything that went wrong."""

    def __init__(self, teams: int, crews_per_team: int):
        self.teams, self.crews = teams, crews_per_team
        self.ids: dict[int, int] = {}
        self.arrived = threading.Condition()
        self.errors: list[str] = []
        self.op_ids: list[str] = []
        self.sync_latencies: list[float] = []
        self.lock = threading.Lock()
        self.push_seconds = 0.0
        self.pushed_all = False

    def fail(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)

    def push_all(self, base: str) -> None:
        """Bursts of signed pushes; a few pushed again, as a CRM that did not hear back."""
        url = f"{base}/api/v1/crm/tickets"
        local = threading.local()
        started = time.perf_counter()

        def one(n: int) -> None:
            session = getattr(local, "session", None) or requests.Session()
            local.session = session
            body = outage(f"STORM-{n:07d}", team_code(n % self.teams), n)
            for attempt in range(2 if n % REPLAY_EVERY == 0 else 1):
                try:
                    answer = push(session, url, body)
                except requests.RequestException as err:
                    self.fail(f"push {n}: {err!r}")
                    return
                if answer.status_code not in (200, 201):
                    self.fail(f"push {n}: {answer.status_code} {answer.text[:200]}")
                    return
                if attempt and answer.json()["id"] != self.ids.get(n):
                    self.fail(f"push {n} again: another ticket")
                with self.arrived:
                    self.ids[n] = answer.json()["id"]
                    self.arrived.notify_all()

        try:
            with ThreadPoolExecutor(PUSHERS) as pool:
                for start in range(0, TICKETS, BURST):
                    list(pool.map(one, range(start, min(start + BURST, TICKETS))))
                    print(
                        f"  pushed {min(start + BURST, TICKETS):,}, phones synced "
                        f"{len(self.sync_latencies):,}, errors {len(self.errors)}",
                        flush=True,
                    )
                    if start + BURST < TICKETS:
                        time.sleep(PAUSE_S)
        finally:  # phones still waiting for a ticket that never came stop waiting
            self.push_seconds = time.perf_counter() - started
            with self.arrived:
                self.pushed_all = True
                self.arrived.notify_all()

    def tickets_of(self, team: int, crew: int) -> list[int]:
        """Push numbers of a phone's tickets: TICKETS_PER_PHONE of its team's in a row, the
        team's crews one after another over the whole storm, so that phones sync from its start
        to its end."""
        gap = TICKETS // self.teams // self.crews  # the team's tickets between two crews'
        return [team + self.teams * (crew * gap + k) for k in range(TICKETS_PER_PHONE)]

    def sync_all(self, base: str, phones: list[tuple[int, int, requests.Session]]) -> None:
        url = f"{base}/api/v1/sync"
        # The phones whose tickets arrive first go first.
        phones = sorted(phones, key=lambda p: max(self.tickets_of(p[0], p[1])))
        with ThreadPoolExecutor(SYNCERS) as pool:
            list(pool.map(lambda p: self.sync_phone(url, *p), phones))

    def sync_phone(self, url: str, team: int, crew: int, session: requests.Session) -> None:
        """Wait for the phone's tickets, sync its ops, then send them all again."""
        numbers = self.tickets_of(team, crew)
        with self.arrived:
            self.arrived.wait_for(lambda: self.pushed_all or all(n in self.ids for n in numbers))
            if not all(n in self.ids for n in numbers):
                self.fail(f"phone {team}/{crew}: its tickets never arrived")
                return
        ops = [op for n in numbers for op in _ops(self.ids[n])]
        with self.lock:
            self.op_ids += [op["op_id"] for op in ops]
        for expected in ("applied", "duplicate"):
            started = time.perf_counter()
            statuses = self.send(session, url, ops, f"phone {team}/{crew}")
            if expected == "applied":
                with self.lock:
                    self.sync_latencies.append(time.perf_counter() - started)
            if statuses is not None and set(statuses) != {expected}:
                self.fail(f"phone {team}/{crew}: {expected} expected, got {statuses}")

    def send(self, session, url: str, ops: list[dict], who: str) -> list[str] | None:
        body = {"device_id": who, "sent_at": datetime.now(UTC).isoformat(), "ops": ops}
        try:
            answer = session.post(url, json=body, timeout=600)
        except requests.RequestException as err:
            self.fail(f"{who}: {err!r}")
            return None
        if answer.status_code != 200:
            self.fail(f"{who}: {answer.status_code} {answer.text[:200]}")
            return None
        return [r["status"] for r in answer.json()["results"]]


def _ops(ticket_id: int) -> list[dict]:
    """What a crew does on an outage from the phone: accept, reach the customer, notes."""
    now = datetime.now(UTC).isoformat()

    def op(action: str, data: dict) -> dict:
        return {
            "op_id": uuid.uuid4().hex,
            "ticket_id": ticket_id,
            "action": action,
            "at": now,
            "data": {**data, "late_reason": LATE},
        }

    return [
        op("accept", {}),
        op("contact", {"outcome": "reached", "note": "Đã gọi"}),
        *[op("update", {"note": f"Đang sửa {n}"}) for n in range(NOTES)],
    ]


def _sign_in_all(base: str, names: list[list[str]], teams: int):
    """Every phone signed in before the storm (a session lasts the shift)."""
    phones = [(t, c, names[t][c]) for c in range(len(names[0])) for t in range(teams)]
    phones = phones[:PHONES]
    with ThreadPoolExecutor(8) as pool:
        sessions = list(pool.map(lambda p: sign_in(base, p[2]), phones))
    return [(t, c, s) for (t, c, _), s in zip(phones, sessions, strict=True)]


def _check(app, storm: _Storm) -> dict[str, int]:
    """Count in the database what the storm left: lost, doubled, reminders missing."""
    from sqlalchemy import func, select

    from fieldapp.extensions import db
    from fieldapp.models import AppliedOp, Event, Reminder, Ticket
    from fieldapp.rules import reminders
    from fieldapp.services.calendar import current_calendar
    from fieldapp.services.ticket_state import to_state

    with app.app_context():
        crm_ids = set(db.session.scalars(select(Ticket.crm_id)))
        received = db.session.execute(
            select(Event.ticket_id, func.count())
            .where(Event.action == "received")
            .group_by(Event.ticket_id)
        ).all()
        sent = set(storm.op_ids)
        applied = set()
        for start in range(0, len(storm.op_ids), 5000):
            chunk = storm.op_ids[start : start + 5000]
            applied |= set(
                db.session.scalars(select(AppliedOp.op_id).where(AppliedOp.op_id.in_(chunk)))
            )
        per_op = db.session.execute(
            select(Event.op_id, func.count()).where(Event.op_id.is_not(None)).group_by(Event.op_id)
        ).all()
        rows: dict[int, set] = {}
        for ticket_id, kind, due_at in db.session.execute(
            select(Reminder.ticket_id, Reminder.kind, Reminder.due_at)
        ):
            rows.setdefault(ticket_id, set()).add((kind, due_at))
        cal = current_calendar()
        missing = 0
        for ticket in db.session.scalars(select(Ticket)):
            planned = {
                (p.kind, p.due_at) for p in reminders.plan(to_state(ticket), ticket.updated_at, cal)
            }
            missing += not planned <= rows.get(ticket.id, set())
        reminders_sent = db.session.scalar(
            select(func.count()).select_from(Reminder).where(Reminder.sent_at.is_not(None))
        )
        db.session.remove()
    pushed = {f"STORM-{n:07d}" for n in range(TICKETS)}
    return {
        "tickets lost (pushed, not in the database)": len(pushed - crm_ids),
        "tickets doubled (more than one received event)": sum(c > 1 for _, c in received),
        "tickets not pushed by the storm": len(crm_ids - pushed),
        "ops lost (sent, no AppliedOp)": len(sent - applied),
        "ops doubled (more than one event)": sum(c > 1 for _, c in per_op),
        "ops with no event": len(sent - {op_id for op_id, _ in per_op}),
        "tickets missing a planned reminder": missing,
        "reminders sent by the workers meanwhile": reminders_sent,
    }


def _figures(be, storm: _Storm, checks: dict[str, int], seconds: float) -> list[Figure]:
    for message in storm.errors[:5]:
        print(f"  error: {message}")
    latencies = storm.sync_latencies or [0]
    figures = [
        Figure(
            f"storm: {TICKETS} tickets, {PHONES} phones × {OPS_PER_PHONE} ops ({be.note})",
            seconds,
            "s",
        ),
        Figure("  intake during the storm", TICKETS / storm.push_seconds, "tickets/s"),
        Figure(f"  {OPS_PER_PHONE}-op sync p50", percentile(latencies, 0.5), "s"),
        Figure(f"  {OPS_PER_PHONE}-op sync p99", percentile(latencies, 0.99), "s"),
        Figure(
            "errors (non-2xx, refused or unexpected results)",
            len(storm.errors),
            "errors",
            "0",
            not storm.errors,
        ),
    ]
    for name, value in checks.items():
        judged = not name.startswith("reminders sent")
        figures.append(
            Figure(name, value, "", "0" if judged else "", value == 0 if judged else None)
        )
    return figures
