"""Failed sign-ins, counted three ways in the app's Redis (so every web process shares them),
on the sign-in page and the API's POST /session alike; a successful sign-in does not count.

- per username and address (LOGIN_RATE_LIMIT): someone mistyping, or guessing one account
  from one place. Over it, that username is refused from that address, right password or not.
- per username, from any address (LOGIN_USERNAME_RATE_LIMIT): one account guessed from many
  places. Over it the account is locked: even the right password is refused, from anywhere,
  until the oldest counted failure ages out.
- per address, across usernames (LOGIN_ADDRESS_RATE_LIMIT): one address trying many accounts.
  Over it the address is slowed, not locked: its attempts take turns, one at a time, each
  answered after LOGIN_ADDRESS_DELAY_SECONDS. Colleagues behind one office NAT still sign in
  with the right password; a guesser there gets one try per delay.

Unknown usernames are counted like real ones, so a lock tells nothing of which names exist.
"""

import hashlib
import logging
import math
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache, wraps

from flask import Flask, current_app, render_template, request
from flask_babel import gettext as _
from limits import RateLimitItem, RateLimitItemPerSecond, parse_many
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter
from redis.exceptions import RedisError
from werkzeug.wrappers import Response

from fieldapp.redis_conn import socket_path

log = logging.getLogger(__name__)

# The three counters, by the setting of their limits.
PAIR = "LOGIN_RATE_LIMIT"
USERNAME = "LOGIN_USERNAME_RATE_LIMIT"
ADDRESS = "LOGIN_ADDRESS_RATE_LIMIT"
# Sign-ins waiting out their address's delay at once, per web process: each holds a thread,
# and the process must keep threads for everyone else.
WAITING_AT_ONCE = 2
_waiting = threading.BoundedSemaphore(WAITING_AT_ONCE)
# While Redis does not answer, count in this process; try Redis again after a while.
_in_memory = MovingWindowRateLimiter(MemoryStorage())
REDIS_RETRY_SECONDS = 30


_COUNTS = "fieldapp.sign_in_counts"


def init_app(app: Flask) -> None:
    """Count in the app's Redis unless told otherwise. The `limits` library is used directly:
    only the sign-in views are limited, so no hook needs to run on every other request."""
    if not app.config.get("SIGN_IN_COUNTS_URI"):
        app.config["SIGN_IN_COUNTS_URI"] = storage_uri(app)
    app.extensions[_COUNTS] = Counts(storage_from_string(app.config["SIGN_IN_COUNTS_URI"]))


def reset_counts(app: Flask) -> None:
    """Forget every count (a test's fresh start on a Redis that outlives the app)."""
    app.extensions[_COUNTS].reset()


def storage_uri(app: Flask) -> str:
    """The app's Redis in the limits library's spelling; the embedded server by its socket
    (started by the first process that needs it: `make run` starts it before the web app)."""
    url = app.config.get("REDIS_URL") or f"unix://{socket_path(app.instance_path)}"
    return "redis+" + url if url.startswith("unix://") else url


@dataclass(frozen=True)
class Attempt:
    """Who is trying: the username typed (form or JSON) and the address it comes from."""

    username: str
    address: str

    @classmethod
    def from_request(cls) -> "Attempt":
        """The attempt the current request makes."""
        body = request.get_json(silent=True) if request.is_json else request.form
        name = body.get("username") if isinstance(body, Mapping) else None
        return cls(name.strip().lower() if isinstance(name, str) else "", request.remote_addr or "")

    def key(self, counter: str) -> str:
        """This attempt's key in a counter (a username of any length makes a short key)."""
        name = hashlib.sha256(self.username.encode()).hexdigest()[:32]
        return {PAIR: f"{name}|{self.address}", USERNAME: name, ADDRESS: self.address}[counter]


def limit_sign_in(view):
    """The decorator of a sign-in view: a POST is judged before the view runs and counted
    when it answers 401. The page itself is always shown."""

    @wraps(view)
    def limited(*args, **kwargs):
        if request.method != "POST":
            return view(*args, **kwargs)
        attempt = Attempt.from_request()
        refusal = _locked(attempt) or _wait_turn(attempt)
        if refusal is not None:
            return refusal
        response = current_app.make_response(view(*args, **kwargs))
        if response.status_code == 401:
            _count_failure(attempt)
        return response

    return limited


def _locked(attempt: Attempt) -> Response | None:
    """429 when the username is locked from this address, or from everywhere."""
    until = _full_until(PAIR, attempt.key(PAIR))
    if until is not None:
        return _refused(
            until,
            lambda wait: _(
                "Bạn đã đăng nhập sai quá nhiều lần. Hãy thử lại sau %(minutes)d phút.",
                minutes=_minutes(wait),
            ),
        )
    until = _full_until(USERNAME, attempt.key(USERNAME))
    if until is not None:
        return _refused(
            until,
            lambda wait: _(
                "Tài khoản này tạm khóa vì đăng nhập sai quá nhiều lần. "
                "Hãy thử lại sau %(minutes)d phút.",
                minutes=_minutes(wait),
            ),
        )
    return None


def _wait_turn(attempt: Attempt) -> Response | None:
    """From an address over its limit: wait this attempt's turn, or 429 when another attempt
    from there has it (or this process has enough sign-ins waiting already)."""
    if _full_until(ADDRESS, attempt.key(ADDRESS)) is None:
        return None
    delay = max(1, int(current_app.config["LOGIN_ADDRESS_DELAY_SECONDS"]))
    turn = RateLimitItemPerSecond(1, delay)  # taken as the wait starts, free as it ends
    if not _waiting.acquire(blocking=False):
        return _refused(time.time() + delay, _busy)
    try:
        if not _counted("hit", turn, "sign-in-turn", attempt.address):
            stats = _counted("get_window_stats", turn, "sign-in-turn", attempt.address)
            return _refused(stats.reset_time, _busy)
        time.sleep(delay)
    finally:
        _waiting.release()
    return None


def _busy(wait: int) -> str:
    return _(
        "Có quá nhiều lần đăng nhập sai từ mạng này. Hãy thử lại sau %(seconds)d giây.",
        seconds=wait,
    )


def _minutes(wait: int) -> int:
    return max(1, round(wait / 60))


def _count_failure(attempt: Attempt) -> None:
    """One more failure in each of the three counters."""
    for counter in (PAIR, USERNAME, ADDRESS):
        for item in _limits(current_app.config[counter]):
            _counted("hit", item, "sign-in", attempt.key(counter))


def _full_until(counter: str, key: str) -> float | None:
    """When the counter has room again, if one of its limits is used up; else None."""
    full = []
    for item in _limits(current_app.config[counter]):
        stats = _counted("get_window_stats", item, "sign-in", key)
        if stats.remaining <= 0:
            full.append(stats.reset_time)
    return max(full) if full else None


@lru_cache(maxsize=16)
def _limits(setting: str) -> tuple[RateLimitItem, ...]:
    """A setting such as "5 per minute; 20 per hour" as limits."""
    return tuple(parse_many(setting))


def _counted(method: str, *args):
    """counts.method(*args) with the app's counts."""
    return current_app.extensions[_COUNTS].call(method, *args)


class Counts:
    """Moving-window counts (a lock ends as its failures age) in the app's Redis; for a while
    after Redis failed to answer, in this process's memory instead: a Redis that is down must
    not lock everyone out, nor make every sign-in wait for it."""

    def __init__(self, storage):
        self._shared = MovingWindowRateLimiter(storage)
        self._down_until = 0.0

    def reset(self) -> None:
        self._shared.storage.reset()

    def call(self, method: str, *args):
        """The strategy's method, on Redis when it answers."""
        if time.monotonic() >= self._down_until:
            try:
                return getattr(self._shared, method)(*args)
            except RedisError as err:
                log.warning(
                    "sign-in limits: Redis does not answer (%s); counting in memory for %d s",
                    err,
                    REDIS_RETRY_SECONDS,
                )
                self._down_until = time.monotonic() + REDIS_RETRY_SECONDS
        return getattr(_in_memory, method)(*args)


def _refused(until: float, message) -> Response:
    """429 with the sign-in page (or the API's JSON error) saying how long to wait."""
    wait = max(1, math.ceil(until - time.time()))
    if request.path.startswith("/api/"):
        from fieldapp.api.errors import error_response

        response = error_response({"session": [message(wait)]}, 429)
    else:
        from fieldapp.auth.routes import safe_next

        page = render_template(
            "auth/login.html",
            error=message(wait),
            username=request.form.get("username", "").strip(),
            next=safe_next(request.form.get("next"), ""),
        )
        response = current_app.make_response((page, 429))
    response.headers["Retry-After"] = str(wait)
    return response
