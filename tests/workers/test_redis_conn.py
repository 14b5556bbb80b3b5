"""The app's Redis: REDIS_URL when set, else one embedded server per instance folder."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

from fieldapp.redis_conn import (
    get_redis,
    redis_url_for_cli,
    socket_path,
    start_embedded_redis,
    stop_embedded_redis,
)

ROOT = Path(__file__).resolve().parents[2]

# What another process does: its own app on the same instance folder.
CHILD = """
import sys
from flask import Flask
from fieldapp.redis_conn import get_redis
app = Flask("child", instance_path=sys.argv[1])
app.config["REDIS_URL"] = None
r = get_redis(app)
r.set("from:" + sys.argv[2], "1")
print(r.info("server")["process_id"])
"""


def bare_app(instance: Path, redis_url: str | None = None) -> Flask:
    app = Flask("t", instance_path=str(instance))
    app.config["REDIS_URL"] = redis_url
    return app


@pytest.fixture
def instance(tmp_path):
    folder = tmp_path / "instance"
    yield folder
    stop_embedded_redis(str(folder))


def run_child(instance: Path, name: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(instance), name],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )


def test_a_server_started_by_another_process_is_found_through_the_instance_folder(instance):
    child = run_child(instance, "child")
    server_pid = int(child.communicate(timeout=30)[0])
    assert child.returncode == 0

    r = get_redis(bare_app(instance))
    assert r.get("from:child") == b"1"  # the child has exited; its server has not
    assert r.info("server")["process_id"] == server_pid
    assert socket_path(str(instance)).parent == instance.resolve() / "redis"


def test_processes_starting_at_once_share_one_server(instance):
    children = [run_child(instance, str(n)) for n in range(4)]
    pids = {int(c.communicate(timeout=30)[0]) for c in children}
    assert len(pids) == 1
    assert sorted(get_redis(bare_app(instance)).keys("from:*")) == [
        b"from:0",
        b"from:1",
        b"from:2",
        b"from:3",
    ]


def test_the_client_is_cached_per_app(instance):
    app = bare_app(instance)
    assert get_redis(app) is get_redis(app)
    with app.app_context():
        assert get_redis() is get_redis(app)


def test_data_survives_a_stop_and_start(instance):
    get_redis(bare_app(instance)).set("kept", "yes")
    assert stop_embedded_redis(str(instance)) is True
    assert stop_embedded_redis(str(instance)) is False
    assert not socket_path(str(instance)).exists()
    assert get_redis(bare_app(instance)).get("kept") == b"yes"


def test_a_stale_socket_left_by_a_killed_server_is_replaced(instance):
    r = get_redis(bare_app(instance))
    os.kill(r.info("server")["process_id"], 9)
    r.close()
    assert socket_path(str(instance)).exists()
    assert get_redis(bare_app(instance)).ping()


def test_a_long_instance_path_gets_a_short_socket_elsewhere(tmp_path):
    deep = tmp_path / ("x" * 60) / ("y" * 60) / "instance"
    sock = socket_path(str(deep))
    assert len(os.fsencode(sock)) < 108 and not str(sock).startswith(str(deep))
    try:
        assert start_embedded_redis(str(deep)) == f"unix://{sock}"
        assert get_redis(bare_app(deep)).ping()
    finally:
        stop_embedded_redis(str(deep))


def test_redis_url_wins_and_starts_nothing(tmp_path):
    app = bare_app(tmp_path / "instance", "redis://127.0.0.1:6390/3")
    client = get_redis(app)
    assert client.connection_pool.connection_kwargs["port"] == 6390
    assert client.connection_pool.connection_kwargs["db"] == 3
    assert redis_url_for_cli(app) == "redis://127.0.0.1:6390/3"
    assert not (tmp_path / "instance").exists()
