"""CRM intake throughput: signed tickets/s through the app, as a ratio to a bare endpoint.

gunicorn serves the app (BENCH_WEB_WORKERS processes of BENCH_WEB_THREADS threads) on
PostgreSQL; BENCH_INTAKE_TICKETS signed outage pushes (default 2,000) are sent by
BENCH_INTAKE_CLIENTS threads (default 16). On the same database, a second gunicorn of the same
shape serves `bench._bare`: the same HMAC check and one INSERT of the body. The two are
measured in turn, BENCH_INTAKE_ROUNDS times (default 5), and the figures are the medians, so
that a burst of other work on the machine moves one round, not the result. The ratio says what
the app's intake (validation, deadlines, event, reminder plan, in one transaction) costs over
the floor of a signed write.
"""

import os
import statistics

from bench import Figure
from bench._bare import create_table
from bench._load import drive
from bench._servers import (
    WEB_THREADS,
    WEB_WORKERS,
    migrate,
    outage,
    push,
    seed_org,
    serving,
    team_code,
    throwaway,
)

TICKETS = int(os.environ.get("BENCH_INTAKE_TICKETS", "2000"))
CLIENTS = int(os.environ.get("BENCH_INTAKE_CLIENTS", "16"))
ROUNDS = max(3, int(os.environ.get("BENCH_INTAKE_ROUNDS", "5")))
TEAMS = 8
WARM_UP = 50


def main() -> list[Figure]:
    with throwaway("intake") as be:
        migrate(be)
        seed_org(be, TEAMS, 1)
        create_table(be.database_url)
        with serving(be, "bench._bare:app") as bare_base, serving(be, "wsgi:app") as app_base:
            bare_url, app_url = bare_base + "/bare", app_base + "/api/v1/crm/tickets"
            _push_all(bare_url, range(-WARM_UP, 0), "bare-warm")
            _push_all(app_url, range(-WARM_UP, 0), "app-warm")
            rounds = [
                (
                    _push_all(bare_url, range(TICKETS), f"bare{n}"),
                    _push_all(app_url, range(TICKETS), f"app{n}"),
                )
                for n in range(ROUNDS)
            ]
    bare_rates = [bare.rate for bare, _ in rounds]
    app_rates = [app.rate for _, app in rounds]
    ratios = [app.rate / bare.rate if bare.rate else 0.0 for bare, app in rounds]
    errors = sum(len(bare.errors) + len(app.errors) for bare, app in rounds)
    shape = f"{WEB_WORKERS}×{WEB_THREADS}"
    return [
        Figure(
            f"intake, signed pushes ({be.note}, gunicorn {shape})", _median(app_rates), "tickets/s"
        ),
        Figure("bare signed INSERT, same database", _median(bare_rates), "req/s"),
        Figure(
            f"intake ÷ bare signed INSERT (median of {ROUNDS})",
            _median(ratios),
            "ratio",
            "≥ 0.5",
            _median(ratios) >= 0.5,
            baseline=round(_median(bare_rates), 1),
        ),
        Figure("  ratios of the rounds, lowest", min(ratios), "ratio"),
        Figure("  ratios of the rounds, highest", max(ratios), "ratio"),
        Figure(
            "intake p50 latency",
            _median([_median(app.latencies) for _, app in rounds]) * 1000,
            "ms",
        ),
        Figure("intake errors (non-2xx)", errors, "errors", "0", errors == 0),
    ]


def _push_all(url: str, numbers, tag: str):
    """Push a signed outage for each number through `url`; the run's timings."""

    def call(session, n):
        return push(session, url, outage(f"B-{tag}-{n:07d}", team_code(n % TEAMS), n))

    return drive(numbers, CLIENTS, call)


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0
