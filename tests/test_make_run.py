"""`make run`'s runner (scripts/run.py): the Procfile's processes through honcho on an embedded
Redis, all of them stopped, Redis too, by Ctrl-C or by one of them ending."""

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import redis
import requests
from sqlalchemy import func, select

from fieldapp.extensions import db
from fieldapp.models import Ticket
from fieldapp.redis_conn import socket_path
from tests.workers.processes import wait_until

ROOT = Path(__file__).resolve().parents[1]


def start_run(app, log: Path) -> tuple[subprocess.Popen, str]:
    """scripts/run.py on the test's database, a free port and an embedded Redis; its URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "FIELDAPP_INSTANCE": app.instance_path,
        "PORT": str(port),
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
    }
    env.pop("REDIS_URL", None)
    run = subprocess.Popen(
        [sys.executable, "scripts/run.py"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    return run, f"http://127.0.0.1:{port}"


def redis_answers(instance: str) -> bool:
    client = redis.Redis(unix_socket_path=str(socket_path(instance)), retry=None)
    try:
        return client.ping()
    except redis.ConnectionError:
        return False
    finally:
        client.close()


def answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code < 500
    except requests.RequestException:
        return False


def tickets() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Ticket))


def processes_of(instance: str) -> list[int]:
    """Every process but this one running on this instance folder (Redis included), by their
    environment: it finds them whoever their parent is now."""
    mark = f"FIELDAPP_INSTANCE={instance}".encode()
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                environ = Path(f"/proc/{entry}/environ").read_bytes().split(b"\0")
            except OSError:
                continue
            found += [int(entry)] if mark in environ else []
    return found


def stops_whole(run: subprocess.Popen, instance: str, log: Path) -> int:
    """Wait until the runner and everything it started (the embedded Redis too) have stopped;
    the runner's exit code."""
    wait_until(
        lambda: run.poll() is not None, 60, lambda: f"the runner to stop:\n{log.read_text()}"
    )
    wait_until(
        lambda: not processes_of(instance),
        10,
        lambda: f"{processes_of(instance)} to stop:\n{log.read_text()}",
    )
    return run.returncode


def kill_all(instance: str) -> None:
    for pid in processes_of(instance):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_ctrl_c_stops_web_worker_crm_and_the_embedded_redis(app, org, tmp_path):
    log = tmp_path / "run.log"
    run, url = start_run(app, log)
    try:
        wait_until(
            lambda: answers(url) and tickets() > 0,
            120,
            lambda: f"the app to answer and the CRM to push:\n{log.read_text()}",
        )
        assert redis_answers(app.instance_path)
        run.send_signal(signal.SIGINT)
        assert stops_whole(run, app.instance_path, log) == 0
        assert not redis_answers(app.instance_path)
    finally:
        kill_all(app.instance_path)


def test_one_process_ending_stops_the_others_and_the_embedded_redis(app, tmp_path):
    log = tmp_path / "run.log"
    run, _ = start_run(app, log)  # no teams: the simulated CRM gives up at once
    try:
        assert stops_whole(run, app.instance_path, log) != 0
        assert "no teams yet" in log.read_text()
        assert not redis_answers(app.instance_path)
    finally:
        kill_all(app.instance_path)
