"""The dispatch ticker: every second, enqueue jobs for what has just become due.

The sweep (every 30 s) is what makes losing Redis harmless; this ticker is what makes
reminders punctual. Each `flask worker` runs one (workers.tickers): it asks
the database whether a reminder, a push retry or a CRM callback is due and, if so, enqueues
one job for it with an id made of the second, so that however many workers tick, one job
per kind and second is enqueued.

It also does the work of RQ's scheduler, moving jobs enqueued for later (`enqueue_at`) onto
the queue when due, with RQ's own code and lock (one worker's clock at a time). RQ runs its
scheduler in a process of its own, which died when Redis went away for a moment and was
looked for again only at the worker's maintenance pass, ten minutes on; a tick that fails
is only logged, so this one is back within a second of Redis.
"""

import logging
import threading
import time

from rq import Queue
from rq.scheduler import RQScheduler

from fieldapp.extensions import db
from workers import callbacks, push, reminders
from workers.jobs import until_boundary

log = logging.getLogger(__name__)


def tick(queue: Queue, tag: str) -> list[str]:
    """Enqueue the due work of this tick; the ids of the jobs enqueued."""
    try:
        jobs = [
            reminders.kick(queue, tag),
            push.kick(queue, tag, retries_only=True),
            callbacks.kick(queue, tag),
        ]
    finally:
        # The connection goes back to the pool even after an error (or the next tick would
        # find the transaction aborted), and no fork of this process inherits it in use.
        db.session.rollback()
    return [job.id for job in jobs if job is not None]


def scheduler_for(queue: Queue, interval: float) -> RQScheduler:
    """RQ's scheduler of the queue, to be run by this ticker (its lock outlives a few ticks)."""
    return RQScheduler([queue], connection=queue.connection, interval=max(1, round(interval)))


def tick_now(queue: Queue, interval: float, scheduler: RQScheduler) -> None:
    """This moment's tick, named by its interval so that every worker names it alike."""
    try:
        if scheduler.acquire_locks():  # acquired or refreshed: this worker's turn
            scheduler.enqueue_scheduled_jobs()
        tick(queue, str(int(time.time() // interval)))
    except Exception:  # the database or Redis away for a moment: next tick
        log.exception("dispatch tick failed")


def dispatch_forever(
    queue: Queue, interval: float, scheduler: RQScheduler, stop: threading.Event
) -> None:
    """Tick at every interval boundary until stop (in the worker's tickers process), then let
    another worker's ticker take the scheduler's lock at once."""
    while not stop.wait(until_boundary(interval)):
        tick_now(queue, interval, scheduler)
    try:
        scheduler.release_locks()
    except Exception:  # Redis away: the lock lapses by itself a minute on
        log.exception("could not release the scheduler's lock")
