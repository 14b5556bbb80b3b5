"""The periodic sweep: re-does from the database whatever is due and not yet done.

Redis may lose queued and scheduled jobs (a restart, a killed worker); the database does not.
So every SWEEP_INTERVAL_SECONDS the worker enqueues `run_sweep`, which runs each step listed in
SWEEP_STEPS. Every step must be safe to run twice and at any time.

Its clock is the worker's ticker (workers.tickers), not RQ's cron scheduler: measured over
20 intervals of 30 s, both cost 0.2 CPU s an hour and enqueue within 60 ms of their time, but
cron gives its jobs random ids and each process its own schedule, so two workers swept twice
per interval; a single cron process would be one more process whose death stops the sweep.
Every worker ticks here, and the job id made of the interval keeps it to one sweep.
"""

import logging
import threading
import time

from rq import Queue
from rq.exceptions import DuplicateJobError
from rq.job import Job
from werkzeug.utils import import_string

from workers.context import job_context
from workers.jobs import until_boundary

log = logging.getLogger(__name__)

# Import paths ("package.module.function") of the steps, run in this order.
SWEEP_STEPS: list[str] = [
    "workers.reminders.sweep",  # due reminders not yet fanned out
    "workers.push.sweep",  # deliveries fanned out but not pushed (their job was lost)
    "workers.callbacks.sweep",  # the CRM outbox
    "workers.evidence.sweep",  # unattached uploads, expired evidence (every few hours at most)
]


def run_sweep() -> dict[str, str]:
    """Run every sweep step once; a failing step is logged and does not stop the others."""
    outcome = {}
    with job_context():
        for path in SWEEP_STEPS:
            try:
                result = import_string(path)()
            except Exception:
                log.exception("sweep step %s failed", path)
                outcome[path] = "failed"
            else:
                outcome[path] = "ok" if result is None else repr(result)
    return outcome


def enqueue_sweep(queue: Queue, now: float, interval: float) -> Job | None:
    """Enqueue this tick's sweep; None when another worker already did."""
    tick = int(now // interval)
    try:
        return queue.enqueue(
            run_sweep, job_id=f"sweep-{tick}", unique=True, description="periodic sweep"
        )
    except DuplicateJobError:
        return None


def sweep_forever(queue: Queue, interval: float, stop: threading.Event) -> None:
    """Enqueue the sweep at every interval boundary until stop (in the worker's tickers process)."""
    while not stop.wait(until_boundary(interval)):
        try:
            enqueue_sweep(queue, time.time(), interval)
        except Exception:  # Redis away for a moment: try again next tick
            log.exception("could not enqueue the sweep")
