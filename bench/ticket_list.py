"""The ticket list at a corporation's scale: 1 million tickets on PostgreSQL, p95 per request.

A database of its own (`bench_list`) holds BENCH_LIST_TICKETS tickets (default 1,000,000)
over 13 power companies of 15 teams, with their "received" and "completed" events and the
reminders of the open ones, bulk-loaded with COPY (a run finding it loaded reuses it). gunicorn
serves the app; a crew, a company's business department and the administrator each ask
BENCH_LIST_SAMPLES times (default 40) for GET /api/v1/tickets (first page, a deep page, a
status filter) and the crew for its list page "Việc của tôi". A 14th company, just joined,
has 15 teams and no tickets yet: its first page must not walk the million to find nothing.
Every query those requests run is then EXPLAINed (plans in bench/results/ticket_list_plans.txt):
a sequential scan of tickets, events or reminders counts as a miss.
"""

import io
import json
import os
import random
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import requests

from bench import Figure
from bench._servers import PASSWORD, app_for, backend, migrate, percentile, serving, sign_in
from bench.reports import COMPANIES, TEAMS, _ticket

TICKETS = int(os.environ.get("BENCH_LIST_TICKETS", "1000000"))
SAMPLES = int(os.environ.get("BENCH_LIST_SAMPLES", "40"))
CHUNK = 50_000
BIG_TABLES = ("tickets", "events", "reminders")
CREW, COMPANY, ADMIN = "list.crew", "list.company", "list.admin"
NEW_COMPANY = "list.newcompany"  # a company whose teams have no tickets yet
PLANS = Path(__file__).parent / "results" / "ticket_list_plans.txt"
REQUESTS = [  # (who, what, path)
    (CREW, "crew: API first page", "/api/v1/tickets"),
    (CREW, "crew: API page 40", "/api/v1/tickets?page=40"),
    (CREW, "crew: API status=accepted", "/api/v1/tickets?status=accepted"),
    (CREW, "crew: list page (HTML)", "/"),
    (COMPANY, "company (15 teams): API first page", "/api/v1/tickets"),
    (NEW_COMPANY, "company with no tickets yet: API first page", "/api/v1/tickets"),
    (ADMIN, "admin (195 teams): API first page", "/api/v1/tickets"),
    (ADMIN, "admin: API status=received", "/api/v1/tickets?status=received"),
]
USERS = sorted({who for who, _, _ in REQUESTS})


def main() -> list[Figure]:
    with tempfile.TemporaryDirectory() as tmp:
        be = backend("list", tmp, keep=True)
        migrate(be)  # a kept database gets the newest migrations (indexes) too
        app = app_for(be)
        loaded = _load(app)
        _new_company(app)
        figures = [Figure(f"tickets in the database ({be.note})", loaded, "tickets")]
        with serving(be) as base:
            sessions = {who: sign_in(base, who) for who in USERS}
            for who, label, path in REQUESTS:
                times = _sample(sessions[who], base + path)
                figures.append(Figure(f"{label}, p95", percentile(times, 0.95) * 1000, "ms"))
        misses, plans = _plans(app)
    PLANS.parent.mkdir(exist_ok=True)
    PLANS.write_text(plans, encoding="utf-8")
    print(f"  query plans: {PLANS}")
    figures.append(
        Figure("queries scanning a big table sequentially", misses, "queries", "0", misses == 0)
    )
    return figures


def _sample(session: requests.Session, url: str) -> list[float]:
    """SAMPLES timed GETs after two to warm the caches."""
    times = []
    for n in range(SAMPLES + 2):
        started = time.perf_counter()
        answer = session.get(url, timeout=120)
        answer.raise_for_status()
        if n >= 2:
            times.append(time.perf_counter() - started)
    return times


def _load(app) -> int:
    """Organisation and tickets, unless a run before loaded as many already."""
    from sqlalchemy import func, select

    from fieldapp.extensions import db
    from fieldapp.models import Ticket

    with app.app_context():
        if db.session.scalar(select(func.count()).select_from(Ticket)) == TICKETS:
            return TICKETS
        _empty()
        team_ids = _org()
        _tickets(team_ids)
        _children()
        db.session.remove()
    return TICKETS


def _new_company(app) -> None:
    """The company that joined last: 15 teams, a viewer, no tickets (added to a kept load)."""
    from sqlalchemy import select
    from werkzeug.security import generate_password_hash

    from fieldapp.extensions import db
    from fieldapp.models import Company, Team, User

    with app.app_context():
        if db.session.scalar(select(User.id).where(User.username == NEW_COMPANY)):
            return
        company = Company(code="PC-NEW", name="Công ty Điện lực mới")
        db.session.add_all(
            [
                Team(code=f"PC-NEW-{t:02d}", name=f"Đội mới {t:02d}", company=company)
                for t in range(TEAMS)
            ]
        )
        db.session.add(
            User(
                username=NEW_COMPANY,
                name="Phòng KD mới",
                role="company",
                company=company,
                password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"),
            )
        )
        db.session.commit()
        db.session.remove()


def _empty() -> None:
    from fieldapp.extensions import db

    names = [t.name for t in reversed(db.metadata.sorted_tables)]
    for name in names:
        db.session.execute(db.text(f"DELETE FROM {name}"))
    db.session.commit()


def _org() -> list[int]:
    """13 companies of 15 teams; a crew of the first team, its company's viewer, an admin."""
    from werkzeug.security import generate_password_hash

    from fieldapp.extensions import db
    from fieldapp.models import Company, Team, User

    digest = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    teams = []
    for c in range(COMPANIES):
        company = Company(code=f"PC-{c:02d}", name=f"Công ty Điện lực {c:02d}")
        teams += [
            Team(code=f"PC-{c:02d}-{t:02d}", name=f"Đội {c:02d}-{t:02d}", company=company)
            for t in range(TEAMS)
        ]
    db.session.add_all(teams)
    db.session.flush()
    db.session.add_all(
        [
            User(
                username=CREW,
                name="Tổ trực",
                role="crew",
                desk="operations",
                team=teams[0],
                password_hash=digest,
            ),
            User(
                username=COMPANY,
                name="Phòng KD",
                role="company",
                company=teams[0].company,
                password_hash=digest,
            ),
            User(username=ADMIN, name="Quản trị", role="admin", password_hash=digest),
        ]
    )
    db.session.commit()
    return [t.id for t in teams]


def _tickets(team_ids: list[int]) -> None:
    """A year of tickets (bench.reports' mix), in chunks: COPY on PostgreSQL."""
    from sqlalchemy import insert

    from fieldapp.extensions import db
    from fieldapp.models import Ticket

    rng, now = random.Random(11), datetime.now(UTC)
    postgres = db.engine.dialect.name == "postgresql"
    for start in range(0, TICKETS, CHUNK):
        rows = [_ticket(i, rng, now, team_ids) for i in range(start, min(start + CHUNK, TICKETS))]
        for row in rows:
            row["customer_code"] = f"PC{row['crm_id'][2:]}"
            row["customer_phone"] = "0905000000"
        if postgres:
            _copy(db, "tickets", rows)
        else:
            db.session.execute(insert(Ticket), rows)
        db.session.commit()
        print(f"  loaded {start + len(rows):,} tickets", flush=True)


def _copy(db, table: str, rows: list[dict]) -> None:
    """COPY rows into a table, as text; a key a row lacks takes the column's default."""
    columns = {
        c.name: c.default.arg if c.default is not None and c.default.is_scalar else None
        for c in db.metadata.tables[table].columns
        if c.name != "id"
    }
    buffer = io.StringIO()
    for row in rows:
        values = (row.get(name, default) for name, default in columns.items())
        buffer.write("\t".join(_copy_value(v) for v in values) + "\n")
    raw = db.session.connection().connection.driver_connection
    with raw.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        copy.write(buffer.getvalue())


def _copy_value(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def _children() -> None:
    """Each ticket's received (and completed) event; reminders of the open ones; statistics."""
    from fieldapp.extensions import db

    statements = [
        "INSERT INTO events (ticket_id, action, at, recorded_at, data) "
        "SELECT id, 'received', received_at, received_at, '{}' FROM tickets",
        "INSERT INTO events (ticket_id, action, at, recorded_at, data) "
        "SELECT id, 'completed', completed_at, completed_at, '{}' FROM tickets "
        "WHERE completed_at IS NOT NULL",
        "INSERT INTO reminders (ticket_id, kind, due_at, audience, created_at) "
        "SELECT id, 'resolve_warn_15', resolve_by, 'assignee', received_at FROM tickets "
        "WHERE status IN ('received', 'accepted', 'in_progress')",
    ]
    for sql in statements:
        db.session.execute(db.text(sql))
        db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(db.text("VACUUM ANALYZE"))


def _plans(app) -> tuple[int, str]:
    """EXPLAIN every query the measured requests run; (sequential scans of big tables, plans)."""
    from sqlalchemy import event

    from fieldapp.extensions import db

    seen: list[tuple[str, object]] = []
    with app.app_context():
        engine = db.engine

        def remember(conn, cursor, statement, parameters, context, executemany):
            if statement.lstrip().upper().startswith("SELECT"):
                seen.append((statement, parameters))

        event.listen(engine, "before_cursor_execute", remember)
        try:
            for who in USERS:
                client = app.test_client()
                client.post("/api/v1/session", json={"username": who, "password": PASSWORD})
                for whose, _, path in REQUESTS:
                    if whose == who:
                        client.get(path)
        finally:
            event.remove(engine, "before_cursor_execute", remember)
        return _explain(engine, seen)


def _explain(engine, seen: list[tuple[str, object]]) -> tuple[int, str]:
    prefix = "EXPLAIN" if engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN"
    misses, report, done = 0, [], set()
    with engine.connect() as conn:
        for statement, parameters in seen:
            if not any(f" {t}" in statement for t in BIG_TABLES) or statement in done:
                continue
            done.add(statement)
            cursor = conn.exec_driver_sql(f"{prefix} {statement}", parameters)
            plan = "\n".join(str(row[-1]) for row in cursor)
            scans = [
                t
                for t in BIG_TABLES
                if f"Seq Scan on {t}" in plan
                or f"SCAN {t}" in plan
                and f"SCAN {t} USING" not in plan
            ]
            misses += len(scans)
            flag = f"  <-- sequential scan of {', '.join(scans)}" if scans else ""
            report.append(f"{' '.join(statement.split())[:300]}{flag}\n{plan}\n")
    return misses, "\n".join(report)
