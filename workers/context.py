"""The app context a job runs in, whether RQ forked it, ran it in-process, or a test called it."""

import os
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, has_app_context

from fieldapp.extensions import db

_process_app: Flask | None = None
# The process whose engine pool holds the connections; a fork must not use them.
_pool_pid = os.getpid()


@contextmanager
def job_context() -> Iterator[Flask]:
    """The active app context if any (tests; `flask worker`'s forks inherit it), else our own."""
    if has_app_context():
        own_connections()
        yield current_app._get_current_object()  # type: ignore[attr-defined]  # a proxy, typed by Flask as the app
        return
    with _own_app().app_context() as ctx:
        yield ctx.app


def own_connections() -> None:
    """Drop the database connections this process inherited from the one that forked it.

    `flask worker` forks a work horse per job and a process for its tickers; each must open
    connections of its own, or two processes would talk over one socket. The parent's
    connections are left open (close=False): they are still the parent's."""
    global _pool_pid
    pid = os.getpid()
    if _pool_pid != pid:
        db.engine.dispose(close=False)
        _pool_pid = pid


def _own_app() -> Flask:
    """The app built once per process for jobs that start without one (e.g. the `rq` CLI)."""
    global _process_app
    if _process_app is None:
        from fieldapp import create_app

        _process_app = create_app()
    return _process_app
