"""Shared fixtures: an app on a throwaway database, clients, and factories.

The database is PostgreSQL when DATABASE_URL is set (CI), else a SQLite file per test;
Redis is the server at REDIS_URL when set, else an embedded one.
"""

import hashlib
import hmac
import json
import os
import time

import pytest
from flask.testing import FlaskClient
from rq import SimpleWorker
from sqlalchemy import create_engine, make_url, text
from werkzeug.security import generate_password_hash

from fieldapp import create_app
from fieldapp.config import TestConfig
from fieldapp.extensions import db
from fieldapp.models import Company, Team, User
from fieldapp.redis_conn import get_redis, stop_embedded_redis
from tests.api.helpers import intake_body
from tests.workers.fakes import FakePushService
from workers.queues import get_queue

# One cheap hash for every test user: real hashing costs a noticeable time per user.
PASSWORD_HASH = generate_password_hash("pw", method="pbkdf2:sha256:1000")


class FreshContextClient(FlaskClient):
    """A test client whose every request gets its own app context (its own `g` and session),
    as in production, although the test itself holds an app context open."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session", autouse=True)
def _own_redis_database():
    """With a Redis server, each run picks a database number of its own (1–15) and empties it."""
    base = os.environ.get("REDIS_URL")
    if not base or not base.startswith("redis://"):
        yield
        return
    import redis

    url = f"{base.rsplit('/', 1)[0]}/{os.getpid() % 15 + 1}" if base.count("/") == 3 else base
    os.environ["REDIS_URL"] = url
    redis.Redis.from_url(url).flushdb()
    try:
        yield
    finally:
        os.environ["REDIS_URL"] = base


@pytest.fixture(scope="session", autouse=True)
def _own_postgres_database():
    """On PostgreSQL, each test run works in a database of its own, dropped at the end, so
    runs on one server never see each other's tables. Subprocesses inherit DATABASE_URL."""
    base = os.environ.get("DATABASE_URL")
    if not base or not base.startswith("postgresql"):
        yield
        return
    url = make_url(base)
    name = f"{url.database}_run{os.getpid()}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    os.environ["DATABASE_URL"] = url.set(database=name).render_as_string(hide_password=False)
    try:
        yield
    finally:
        os.environ["DATABASE_URL"] = base
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def app(tmp_path, monkeypatch):
    """A fresh app with an empty schema and its own instance folder (keys, embedded Redis)."""
    uri = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path / 'test.db'}"
    instance = tmp_path / "instance"
    monkeypatch.setenv("FIELDAPP_INSTANCE", str(instance))
    app = create_app(
        {
            **_config_dict(TestConfig),
            "SQLALCHEMY_DATABASE_URI": uri,
            "REDIS_URL": os.environ.get("REDIS_URL"),
        }
    )
    app.test_client_class = FreshContextClient
    with app.app_context():
        _reset_schema()
        yield app
        db.session.remove()
        db.engine.dispose()
    stop_embedded_redis(str(instance))


def _config_dict(cls) -> dict:
    return {k: getattr(cls, k) for k in dir(cls) if k.isupper()}


def _reset_schema() -> None:
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    db.create_all()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def org(app):
    """Two companies, three teams and one user of every role (password 'pw')."""
    dn = Company(code="PC-DN", name="Công ty Điện lực Đà Nẵng")
    qn = Company(code="PC-QN", name="Công ty Điện lực Quảng Nam")
    hc = Team(code="PC-DN-HC", name="Đội QLĐKV Hải Châu", company=dn)
    st = Team(code="PC-DN-ST", name="Đội QLĐKV Sơn Trà", company=dn)
    hoi = Team(code="PC-QN-HA", name="Đội QLĐKV Hội An", company=qn)
    db.session.add_all([dn, qn, hc, st, hoi])
    people = {
        "crew": dict(role="crew", team=hc, desk="operations", name="Nguyễn Văn An"),
        "crew2": dict(role="crew", team=hc, desk="operations", name="Lê Văn Cường"),
        "desk": dict(role="desk", team=hc, desk="business", name="Trần Thị Bình"),
        "lead": dict(role="team_lead", team=hc, desk=None, name="Phạm Văn Dũng"),
        "st_crew": dict(role="crew", team=st, desk="operations", name="Hoàng Văn Em"),
        "st_lead": dict(role="team_lead", team=st, desk=None, name="Võ Thị Hoa"),
        "ha_crew": dict(role="crew", team=hoi, desk="operations", name="Đặng Văn Khoa"),
        "company": dict(role="company", company=dn, desk=None, name="Phòng KD Đà Nẵng"),
        "qn_company": dict(role="company", company=qn, desk=None, name="Phòng KD Quảng Nam"),
        "admin": dict(role="admin", desk=None, name="Quản trị"),
    }
    users = {}
    for username, fields in people.items():
        user = User(username=username, password_hash=PASSWORD_HASH, **fields)
        users[username] = user
    db.session.add_all(users.values())
    db.session.commit()
    return {
        "companies": {"PC-DN": dn, "PC-QN": qn},
        "teams": {"PC-DN-HC": hc, "PC-DN-ST": st, "PC-QN-HA": hoi},
        "users": users,
    }


@pytest.fixture
def login(client):
    """Sign a user in through the JSON API; returns the CSRF token to send back."""

    def _login(username, password="pw", c=None):
        c = c or client
        resp = c.post("/api/v1/session", json={"username": username, "password": password})
        assert resp.status_code == 200, resp.get_data(as_text=True)
        return resp.get_json()["csrf_token"]

    return _login


def sign(body: bytes, secret: str, timestamp: int | None = None) -> dict:
    """The CRM's signature headers for a raw body (CONTRACT)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    mac = hmac.new(secret.encode(), f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
    return {
        "X-CRM-Timestamp": ts,
        "X-CRM-Signature": f"sha256={mac}",
        "Content-Type": "application/json",
    }


@pytest.fixture
def push_ticket(client, app):
    """POST a signed CRM intake; returns the response."""

    def _push(payload: dict | bytes, **sign_kwargs):
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        headers = sign(body, app.config["CRM_SHARED_SECRET"], **sign_kwargs)
        return client.post("/api/v1/crm/tickets", data=body, headers=headers)

    return _push


@pytest.fixture
def new_ticket(org, push_ticket):
    """Push a ticket through the signed intake; returns its JSON."""

    def _new(**overrides):
        resp = push_ticket(intake_body(**overrides))
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()

    return _new


@pytest.fixture
def queue(app):
    """The app's queue, empty (a Redis server is shared by the tests of one run)."""
    if os.environ.get("REDIS_URL"):
        get_redis(app).flushdb()
    return get_queue(app)


@pytest.fixture
def work(queue):
    """Run every queued (and due scheduled) job in this process, as a burst worker does."""

    def _work():
        SimpleWorker([queue], connection=queue.connection).work(burst=True, with_scheduler=True)

    return _work


@pytest.fixture
def push_service(app):
    """The local push service, allowed as an operator names one in PUSH_ALLOWED_HOSTS."""
    service = FakePushService()
    app.config["PUSH_ALLOWED_HOSTS"] += f",{service.base}"
    yield service
    service.close()
