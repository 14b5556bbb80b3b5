"""The worker: one sweep per tick however many workers, its clocks in a process of their own,
children that die with it, and jobs scheduled for later that still run after Redis was away."""

import logging
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from rq import SimpleWorker
from rq.registry import FinishedJobRegistry

import workers.sweep as sweep
from fieldapp.redis_conn import get_redis, start_embedded_redis, stop_embedded_redis
from tests.workers.processes import (
    alive,
    descendants,
    kill_with_its_jobs,
    note_pid_and_wait,
    start_worker,
    wait_until,
)
from workers.queues import QUEUE_NAME, get_queue

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def embedded_queue(tmp_path):
    """The job queue on an embedded Redis of its own."""
    app = Flask("t", instance_path=str(tmp_path / "instance"))
    app.config["REDIS_URL"] = None
    yield get_queue(app)
    stop_embedded_redis(app.instance_path)


def test_one_sweep_per_tick_whoever_enqueues_it(embedded_queue):
    first = sweep.enqueue_sweep(embedded_queue, now=3000.0, interval=30)
    assert first is not None and first.id == "sweep-100"
    assert sweep.enqueue_sweep(embedded_queue, now=3029.9, interval=30) is None  # a second worker
    assert sweep.enqueue_sweep(embedded_queue, now=3030.0, interval=30).id == "sweep-101"
    assert embedded_queue.count == 2 and embedded_queue.name == QUEUE_NAME


def test_the_sweep_runs_its_steps_in_an_app_context(embedded_queue, monkeypatch, caplog):
    monkeypatch.setattr(sweep, "SWEEP_STEPS", ["flask.has_app_context", "json.loads", "os.getpid"])
    app = Flask("jobs")
    with app.app_context(), caplog.at_level(logging.ERROR):
        job = sweep.enqueue_sweep(embedded_queue, now=0.0, interval=30)
        SimpleWorker([embedded_queue], connection=embedded_queue.connection).work(burst=True)
    outcome = job.latest_result().return_value
    assert list(outcome) == sweep.SWEEP_STEPS
    assert outcome["flask.has_app_context"] == "True"
    assert outcome["json.loads"] == "failed"  # logged, and the next step still ran
    assert outcome["os.getpid"] == repr(os.getpid())
    assert "sweep step json.loads failed" in caplog.text


def test_flask_worker_runs_the_sweep_in_a_forked_job(tmp_path):
    instance = tmp_path / "instance"
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env["FIELDAPP_INSTANCE"] = str(instance)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--burst"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0, done.stderr
        app = Flask("t", instance_path=str(instance))
        app.config["REDIS_URL"] = None
        finished = FinishedJobRegistry(QUEUE_NAME, connection=get_redis(app)).get_job_ids()
        assert [job_id for job_id in finished if job_id.startswith("sweep-")]
    finally:
        stop_embedded_redis(str(instance))


def finished_sweeps(connection) -> list[str]:
    ids = FinishedJobRegistry(QUEUE_NAME, connection=connection).get_job_ids()
    return [job_id for job_id in ids if job_id.startswith("sweep-")]


def test_jobs_forked_while_the_clocks_tick_all_finish(app, queue, tmp_path):
    # The clocks tick in a child process, so no job forks off a thread holding a lock: a sweep
    # forked while a ticking thread held the connection pool's lock used to hang for 180 s.
    log = tmp_path / "worker.log"
    worker = start_worker(app, log, SWEEP_INTERVAL_SECONDS=0.2, DISPATCH_INTERVAL_SECONDS=0.01)
    try:
        wait_until(
            lambda: len(finished_sweeps(queue.connection)) >= 25,
            120,
            lambda: (
                f"25 sweeps to finish, {len(finished_sweeps(queue.connection))} did;"
                f" the worker's log:\n{log.read_text()[-4000:]}"
            ),
        )
        helpers = descendants(worker.pid)  # the clocks and RQ's scheduler, maybe a job
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=60) == 0, log.read_text()[-4000:]
        wait_until(lambda: not any(alive(pid) for pid in helpers), 30, "its children to stop")
        assert "Traceback" not in log.read_text()
    finally:
        kill_with_its_jobs(worker)


def test_the_clocks_of_a_killed_worker_stop(app, queue, tmp_path):
    log = tmp_path / "worker.log"
    worker = start_worker(app, log, SWEEP_INTERVAL_SECONDS=0.25)
    try:
        wait_until(
            lambda: len(finished_sweeps(queue.connection)) >= 2,
            120,
            lambda: f"the clocks to tick; the worker's log:\n{log.read_text()[-4000:]}",
        )
        os.kill(worker.pid, signal.SIGKILL)  # the worker alone, as the OOM killer would
        worker.wait(timeout=10)
        # Nobody runs the queue now: sweeps enqueued for it would pile up there.
        wait_until(lambda: not enqueues_sweeps(queue, for_seconds=2), 30, "the clocks to stop")
    finally:
        kill_with_its_jobs(worker)


def enqueues_sweeps(queue, for_seconds: float) -> bool:
    """Whether a sweep was enqueued in the next for_seconds."""
    before = len(queue.get_job_ids())
    time.sleep(for_seconds)
    return len(queue.get_job_ids()) > before


def test_every_child_of_a_killed_worker_dies_with_it(app, queue, tmp_path):
    log, pid_file = tmp_path / "worker.log", tmp_path / "job.pid"
    worker = start_worker(app, log)
    children = []
    try:
        queue.enqueue(note_pid_and_wait, str(pid_file))  # a job in progress: a work horse
        wait_until(
            pid_file.exists,
            60,
            lambda: f"the job to start; the worker's log:\n{log.read_text()[-4000:]}",
        )
        children = descendants(worker.pid)  # the clocks, the job's work horse, any other
        assert int(pid_file.read_text()) in children
        os.kill(worker.pid, signal.SIGKILL)  # the worker alone, as the OOM killer would
        worker.wait(timeout=10)
        wait_until(
            lambda: not any(alive(pid) for pid in children),
            10,
            lambda: f"{[pid for pid in children if alive(pid)]} to die with the worker",
        )
    finally:
        kill_with_its_jobs(worker, *children)


# Longer than a Redis client keeps retrying a command (10 tries, backed off by at most 0.01 s,
# 0.02 s, … 1 s: 4.3 s in all) after the once-a-second beat of RQ's scheduler: RQ's own scheduler
# process gave up and died in such an outage. It is how long Redis is away, not a wait.
OUTAGE_SECONDS = 8


def test_jobs_scheduled_for_later_run_after_redis_was_away(app, tmp_path):
    log = tmp_path / "worker.log"
    worker = start_worker(app, log, embedded_redis=True)
    redis_app = Flask("t", instance_path=app.instance_path)
    redis_app.config["REDIS_URL"] = None
    queue = get_queue(redis_app)

    def runs_when_due(what: str) -> None:
        job = queue.enqueue_at(datetime.now(UTC), os.getpid)
        wait_until(
            lambda: job.get_status(refresh=True) == "finished",
            30,
            lambda: f"a scheduled job to run {what}; the worker's log:\n{log.read_text()[-4000:]}",
        )

    try:
        runs_when_due("at first")
        # Away while the worker waits for a job (RQ's loop ends on an error met elsewhere).
        wait_until(lambda: waiting_for_a_job(queue.connection), 30, "the worker to wait for a job")
        stop_embedded_redis(app.instance_path)
        time.sleep(OUTAGE_SECONDS)
        start_embedded_redis(app.instance_path)
        runs_when_due("once Redis is back")
    finally:
        kill_with_its_jobs(worker)


def waiting_for_a_job(connection) -> bool:
    """Whether a client of this Redis is blocked in a command (a worker waiting for a job)."""
    return any("b" in client["flags"] for client in connection.client_list())
