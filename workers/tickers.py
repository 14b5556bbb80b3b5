"""The worker's two clocks, the sweep and the dispatch ticker, in a process of their own.

RQ forks a work horse for every job, and a fork copies only the thread that forks. A lock that
another thread held at that instant (a connection pool's, an import's, the SQLite writer's turn)
stays held forever in the horse, which then hangs until the job's timeout. So `flask worker`
runs no thread besides its main one: its clocks tick in this child process, forked before the
worker starts, and the child never forks. It dies with the worker (workers.forks).
"""

import multiprocessing
import signal
import threading
import time
from multiprocessing.process import BaseProcess

from flask import Flask
from rq import Queue
from rq.scheduler import RQScheduler

from workers import dispatch, sweep
from workers.context import own_connections

_STOP_TIMEOUT = 5.0


def start_tickers(
    app: Flask, queue: Queue, sweep_interval: float, dispatch_interval: float
) -> BaseProcess:
    """Tick both clocks once now, so that even a --burst worker finds this moment's work, then
    go on ticking in a child process until stop_tickers."""
    scheduler = dispatch.scheduler_for(queue, dispatch_interval)
    sweep.enqueue_sweep(queue, time.time(), sweep_interval)
    dispatch.tick_now(queue, dispatch_interval, scheduler)
    process = multiprocessing.get_context("fork").Process(
        target=_tick_until_stopped,
        name="fieldapp-tickers",
        daemon=True,
        args=(app, queue, scheduler, sweep_interval, dispatch_interval),
    )
    process.start()
    return process


def stop_tickers(process: BaseProcess) -> None:
    """Stop the clocks and wait for them (a tick in progress finishes)."""
    process.terminate()
    process.join(_STOP_TIMEOUT)
    if process.is_alive():
        process.kill()
        process.join()


def _tick_until_stopped(
    app: Flask,
    queue: Queue,
    scheduler: RQScheduler,
    sweep_interval: float,
    dispatch_interval: float,
) -> None:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    # Ctrl-C reaches the whole process group: the worker finishes its job, then stops us.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    clocks = [
        threading.Thread(
            target=sweep.sweep_forever, name="sweep-ticker", args=(queue, sweep_interval, stop)
        ),
        threading.Thread(
            target=_in_app_context,
            name="dispatch-ticker",
            args=(app, dispatch.dispatch_forever, queue, dispatch_interval, scheduler, stop),
        ),
    ]
    for clock in clocks:
        clock.start()
    for clock in clocks:
        clock.join()


def _in_app_context(app: Flask, func, *args) -> None:
    """func(*args) in an app context of this thread (Flask's contexts are per thread)."""
    with app.app_context():
        own_connections()
        func(*args)
