"""Driving load: many client threads, each with its own HTTP session, timing every call."""

import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests


@dataclass
class Run:
    """What a load run saw: each call's latency (s), the failures, and the wall time."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def drive(
    calls: Iterable,
    clients: int,
    call: Callable[[requests.Session, object], requests.Response],
    session: Callable[[], requests.Session] = requests.Session,
    ok: Callable[[requests.Response], bool] = lambda r: r.status_code < 300,
) -> Run:
    """Make `call(session, item)` for every item over `clients` threads; time each."""
    run, lock, local = Run(), threading.Lock(), threading.local()

    def one(item) -> None:
        if not hasattr(local, "session"):
            local.session = session()
        started = time.perf_counter()
        try:
            answer = call(local.session, item)
            failed = None if ok(answer) else f"{answer.status_code}: {answer.text[:200]}"
        except requests.RequestException as err:
            failed = repr(err)
        with lock:
            run.latencies.append(time.perf_counter() - started)
            if failed:
                run.errors.append(failed)

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        for future in [pool.submit(one, item) for item in calls]:
            future.result()
    run.seconds = time.perf_counter() - started
    return run
