"""Reports at a corporation's scale: how long the leaders' numbers take to count.

A year of tickets (BENCH_REPORT_TICKETS, default 300 000) spread over 13 power companies of
15 teams each is written straight into the tables (the write path would take hours), then the
dashboard and the monthly report are built for one company and for the whole corporation.
The database is BENCH_DATABASE_URL when set, else PostgreSQL's `bench_reports` (made afresh
and dropped after) when it answers, else a throwaway SQLite file. Targets: a company's
dashboard and monthly report each within 1 s.
"""

import gzip
import os
import random
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from werkzeug.security import generate_password_hash

from bench import Figure
from bench._servers import throwaway

TICKETS = int(os.environ.get("BENCH_REPORT_TICKETS", "300000"))
COMPANIES, TEAMS = 13, 15
VIEWER_PASSWORD = "bench-viewer"
TARGET_S = 1.0
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
OPS_TYPES = ("OUTAGE", "SAFETY", "RECONNECT")
BIZ_TYPES = ("NEW_SUPPLY_LV", "CONTRACT_OWNER", "METER_CHECK", "COMPLAINT", "OTHER")
CHANNELS = ("phone", "phone", "phone", "website", "app", "zalo", "email", "sms", "portal")
REASONS = ("storm", "workload", "customer_absent", "other", "waiting_materials")


def main() -> list[Figure]:
    """Seed, then time each report a few times (the best run counts: a warm database)."""
    with throwaway("reports") as be:
        uri = os.environ.get("BENCH_DATABASE_URL") or be.database_url
        app = _app(uri)
        with app.app_context():
            seeded = _seed(app)
        # The report's labels are translated, which needs a request (its language).
        with app.test_request_context():
            figures = [Figure(f"tickets in the database ({be.note})", seeded, "tickets")]
            figures += _measure(app)
        with app.app_context():
            from fieldapp.extensions import db

            db.engine.dispose()  # let the throwaway database be dropped
    return figures


def _app(uri: str):
    from fieldapp import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": uri,
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "SECRET_KEY": "bench",
        }
    )


def _seed(app) -> int:
    """A fresh schema with the organisation and a year of tickets."""
    from sqlalchemy import insert, text

    from fieldapp.extensions import db
    from fieldapp.models import Company, Team, Ticket, User

    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    db.drop_all()
    db.create_all()
    teams = []
    for c in range(COMPANIES):
        company = Company(code=f"PC-{c:02d}", name=f"Công ty Điện lực {c:02d}")
        db.session.add(company)
        teams += [
            Team(code=f"PC-{c:02d}-{t:02d}", name=f"Đội {c:02d}-{t:02d}", company=company)
            for t in range(TEAMS)
        ]
    db.session.add_all(teams)
    db.session.add(User(username="admin", name="Quản trị", role="admin", password_hash="x"))
    db.session.add(
        User(
            username="pc00",
            name="Phòng KD",
            role="company",
            company_id=1,
            password_hash=generate_password_hash(VIEWER_PASSWORD, method="pbkdf2:sha256:1000"),
        )
    )
    db.session.commit()
    rng, now = random.Random(7), datetime.now(UTC)
    team_ids = [t.id for t in teams]
    for start in range(0, TICKETS, 10_000):
        rows = [_ticket(i, rng, now, team_ids) for i in range(start, min(start + 10_000, TICKETS))]
        db.session.execute(insert(Ticket), rows)
        db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    return TICKETS


def _ticket(i: int, rng: random.Random, now: datetime, team_ids: list[int]) -> dict:
    """One ticket of the past year with a plausible outcome."""
    received = now - timedelta(seconds=rng.randrange(365 * 86400))
    kind = rng.choice(OPS_TYPES + BIZ_TYPES)
    window = timedelta(hours=2) if kind in OPS_TYPES else timedelta(days=5)
    resolve_by = received + window
    row = dict(
        crm_id=f"B-{i:08d}",
        type=kind,
        team_id=rng.choice(team_ids),
        desk="operations" if kind in OPS_TYPES else "business",
        channel=rng.choice(CHANNELS),
        origin="crm",
        content="",
        customer_name="KH",
        customer_address="",
        contact_count=rng.choice((1,) * 9 + (2,)),
        repeat_after_deadline=rng.random() < 0.03,
        received_at=received,
        accept_by=received + timedelta(minutes=3),
        resolve_by=resolve_by,
        accepted_at=received + timedelta(minutes=rng.randrange(1, 10)),
        late_accept=rng.random() < 0.1,
        flags=["difficult"] if rng.random() < 0.05 else [],
        status="accepted",
        created_at=received,
        updated_at=received,
        version=2,
    )
    roll = rng.random()
    recent = now - received < window * 2
    if roll < 0.05:
        row.update(status="returned", returned_at=received + timedelta(minutes=5))
    elif not recent and roll < 0.97 or recent and roll < 0.5:
        done = received + window * rng.uniform(0.05, 1.3)
        if done < now:
            late = done > resolve_by
            row.update(
                status="completed",
                completed_at=done,
                late_resolve=late,
                late_reason={"code": rng.choice(REASONS), "note": ""} if late else None,
            )
    return row


def _best(fn, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def _measure(app) -> list[Figure]:
    from fieldapp.extensions import db
    from fieldapp.models import User
    from fieldapp.reports.dashboard import build_dashboard
    from fieldapp.reports.monthly import build_report
    from fieldapp.reports.scope import report_scope

    now = datetime.now(UTC)
    local = now.astimezone(TZ)
    figures = []
    for username, label in (("pc00", "a company (15 teams)"), ("admin", "all 195 teams")):
        user = db.session.execute(db.select(User).filter_by(username=username)).scalar_one()
        scope = report_scope(user)
        dash = _best(lambda s=scope: build_dashboard(s, TZ, now))
        month = _best(lambda s=scope: build_report(s, local.year, local.month, TZ, now))
        ok = label.startswith("a company")
        target = f"<= {TARGET_S:g} s" if ok else ""
        figures += [
            Figure(f"dashboard, {label}", dash, "s", target, dash <= TARGET_S if ok else None),
            Figure(
                f"monthly report + YTD, {label}",
                month,
                "s",
                target,
                month <= TARGET_S if ok else None,
            ),
        ]
    figures.append(_page_weight(app))
    return figures


def _page_weight(app) -> Figure:
    """The company's dashboard page, gzip-compressed, as a phone downloads it."""
    client = app.test_client()
    signed_in = client.post(
        "/api/v1/session", json={"username": "pc00", "password": VIEWER_PASSWORD}
    )
    assert signed_in.status_code == 200, signed_in.get_data(as_text=True)
    page = client.get("/reports/dashboard")
    assert page.status_code == 200 and b"PC-00-14" in page.data, page.status  # every team
    body = page.data
    size = len(gzip.compress(body)) / 1024
    return Figure("dashboard HTML for 15 teams, gzip", size, "KB", "<= 60 KB", size <= 60)
