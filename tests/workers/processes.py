"""`flask worker` as a process of a test: starting it, killing it, watching its children."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def start_worker(app, log: Path, embedded_redis: bool = False, **settings) -> subprocess.Popen:
    """`flask worker` in its own process group, on the test's database and Redis (the embedded
    one of the app's instance folder when embedded_redis, whatever the run uses); settings are
    more environment variables (no periodic sweep unless SWEEP_INTERVAL_SECONDS is given)."""
    settings.setdefault("SWEEP_INTERVAL_SECONDS", 3600)
    env = {
        **os.environ,
        "FIELDAPP_INSTANCE": app.instance_path,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "PUSH_ALLOWED_HOSTS": app.config["PUSH_ALLOWED_HOSTS"],
        **{name: str(value) for name, value in settings.items()},
    }
    env.pop("REDIS_URL", None)
    if app.config.get("REDIS_URL") and not embedded_redis:
        env["REDIS_URL"] = app.config["REDIS_URL"]
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "worker"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )


def kill_with_its_jobs(worker: subprocess.Popen, *children: int) -> None:
    """SIGKILL the worker, what is left of its process group (its clocks), the job process it
    forked (RQ puts that one in a group of its own), and children it had before it died."""
    doomed = [*descendants(worker.pid), *children]
    try:
        os.killpg(worker.pid, signal.SIGKILL)
    except ProcessLookupError:  # the worker and its group are gone already
        pass
    for pid in doomed:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    worker.wait(timeout=10)
    wait_until(lambda: not any(alive(pid) for pid in doomed), 10, "the job process to die")


def note_pid_and_wait(path: str) -> None:
    """Job: write this process's id to path, then stay busy (a work horse in mid-job)."""
    Path(f"{path}.tmp").write_text(str(os.getpid()))
    os.replace(f"{path}.tmp", path)  # whole, or not there yet
    time.sleep(120)


def alive(pid: int) -> bool:
    """True while the process runs (a zombie has stopped running)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def descendants(pid: int) -> list[int]:
    """Every process below pid, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        kids = children.get(todo.pop(), [])
        found += kids
        todo += kids
    return found


def wait_until(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, (
            f"timed out waiting for {what() if callable(what) else what}"
        )
        time.sleep(0.05)
