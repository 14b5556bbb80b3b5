"""What the sending jobs share: unique enqueueing, write transactions, threads."""

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext

from flask import Flask
from rq import Queue
from rq.exceptions import DuplicateJobError
from rq.job import Job
from sqlalchemy import Connection, Engine, Executable, Row

from fieldapp.models.sqlite import IMMEDIATE

log = logging.getLogger(__name__)

_sqlite_writer = threading.Lock()


def enqueue_once(queue: Queue, func: Callable, job_id: str, *args, **kwargs) -> Job | None:
    """Enqueue unless a job with this id exists already (queued, running or just done)."""
    kwargs.setdefault("result_ttl", 60)  # ids are per tick: a minute of memory is plenty
    try:
        return queue.enqueue(func, *args, job_id=job_id, unique=True, **kwargs)
    except DuplicateJobError:
        return None


@contextmanager
def write_transaction(engine: Engine):
    """A short write transaction on a connection of its own (threads share no session).

    On SQLite it takes the write lock at once, as the request path does (begin_write), and
    the threads of one process take turns here first: SQLite has one writer anyway, and a
    thread that finds the file locked sleeps in growing steps instead of queueing."""
    if engine.dialect.name != "sqlite":
        with engine.begin() as conn:
            yield conn
        return
    with _sqlite_writer, engine.connect() as conn:
        conn.execution_options(**{IMMEDIATE: True})
        with conn.begin():
            yield conn


@contextmanager
def writer_connection(engine: Engine):
    """A connection a sending thread keeps for its whole run of one-statement writes.

    On PostgreSQL it autocommits: one UPDATE … RETURNING is atomic on its own, so a write costs
    one round trip, not a pool checkout, a ping, BEGIN, the statement and COMMIT."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.execution_options(**{IMMEDIATE: True})
        else:
            conn.execution_options(isolation_level="AUTOCOMMIT")
        yield conn


def write_one(conn: Connection, statement: Executable, params: dict | None = None) -> Sequence[Row]:
    """Run one write statement as a transaction of its own (see writer_connection); its rows."""
    turn = _sqlite_writer if conn.dialect.name == "sqlite" else nullcontext()
    with turn, conn.begin():
        result = conn.execute(statement, params)
        return result.all() if result.returns_rows else []


def until_boundary(interval: float) -> float:
    """Seconds until just past the next multiple of interval: every worker's clock ticks then,
    so all of them compute the same tick number and the job ids collide as they should."""
    return interval - time.time() % interval + 0.01


def setting(app: Flask, name: str, default: float) -> float:
    """A numeric setting of the app, with its default when unset."""
    value = app.config.get(name)
    return default if value is None else type(default)(value)


def in_threads(func: Callable, items: Iterable, threads: int) -> list:
    """func(item) for every item on a few threads; a failing item is logged, not raised."""
    items = list(items)
    if threads <= 1 or len(items) <= 1:
        return [_logged(func, item) for item in items]
    with ThreadPoolExecutor(max_workers=min(threads, len(items))) as pool:
        return list(pool.map(lambda item: _logged(func, item), items))


def _logged(func: Callable, item):
    try:
        return func(item)
    except Exception:
        log.exception("sending %r failed", item)
        return None
