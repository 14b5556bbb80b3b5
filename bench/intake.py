"""CRM intake throughput: signed tickets/s through the app, as a ratio to a bare endpoint.

gunicorn serves the app (BENCH_WEB_WORKERS processes) on PostgreSQL; BENCH_INTAKE_TICKETS
signed outage pushes (default 2,000) are sent by BENCH_INTAKE_CLIENTS threads (default 16).
In the same run and on the same database, gunicorn then serves `bench._bare`: the same HMAC
check and one INSERT of the body. The ratio says what the app's intake (validation, deadlines,
event, reminder plan, CRM outbox, in one transaction) costs over the floor of a signed write.
"""

import os

from bench import Figure
from bench._bare import create_table
from bench._load import drive
from bench._servers import migrate, outage, push, seed_org, serving, team_code, throwaway

TICKETS = int(os.environ.get("BENCH_INTAKE_TICKETS", "2000"))
CLIENTS = int(os.environ.get("BENCH_INTAKE_CLIENTS", "16"))
TEAMS = 8
WARM_UP = 50


def main() -> list[Figure]:
    with throwaway("intake") as be:
        migrate(be)
        seed_org(be, TEAMS, 1)
        create_table(be.database_url)
        bare = _measure(be, "bench._bare:app", "/bare", "bare")
        app = _measure(be, "wsgi:app", "/api/v1/crm/tickets", "app")
    ratio = app.rate / bare.rate if bare.rate else 0.0
    return [
        Figure(f"intake, signed pushes ({be.note})", app.rate, "tickets/s"),
        Figure("bare signed INSERT, same database", bare.rate, "req/s"),
        Figure("intake ÷ bare signed INSERT", ratio, "ratio", baseline=round(bare.rate, 1)),
        Figure("intake p50 latency", _median(app.latencies) * 1000, "ms"),
        Figure("intake errors (non-2xx)", len(app.errors) + len(bare.errors), "errors", "0",
               not app.errors and not bare.errors),
    ]


def _measure(be, wsgi: str, path: str, tag: str):
    """Warm the server up, then push TICKETS signed outages through `path`."""
    with serving(be, wsgi) as base:
        url = base + path

        def call(session, n):
            return push(session, url, outage(f"B-{tag}-{n:07d}", team_code(n % TEAMS), n))

        drive(range(-WARM_UP, 0), CLIENTS, call)
        return drive(range(TICKETS), CLIENTS, call)


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if ordered else 0.0
