"""What the load benchmarks share: a database and Redis of their own, gunicorn, RQ workers.

PostgreSQL (127.0.0.1:5432, user postgres) and Redis (127.0.0.1:6379) are used when they
answer; otherwise a SQLite file and the embedded Redis in a throwaway instance folder, and the
figures say so. Each benchmark gets its own database (`bench_<name>`) and Redis database
number BENCH_REDIS_DB (default 11), so tests running at the same time are left alone.
"""

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
REDIS_DB = int(os.environ.get("BENCH_REDIS_DB", "11"))
CRM_SECRET = "bench-crm-secret"
PASSWORD = "bench-pw"
# The shape `make run` serves with (gunicorn.conf.py) unless BENCH_WEB_WORKERS/THREADS say.
WEB_WORKERS = int(os.environ.get("BENCH_WEB_WORKERS") or os.environ.get("WEB_WORKERS") or 2)
WEB_THREADS = int(os.environ.get("BENCH_WEB_THREADS") or os.environ.get("WEB_THREADS") or 4)


def answers(host: str, port: int) -> bool:
    """Whether something listens on host:port (BENCH_EMBEDDED=1: behave as if nothing did)."""
    if os.environ.get("BENCH_EMBEDDED") == "1":
        return False
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@dataclass
class Backend:
    """Where one benchmark keeps its data, and the environment its processes run with."""

    database_url: str
    redis_url: str | None
    instance: str
    note: str
    env: dict = field(default_factory=dict)

    @property
    def postgres(self) -> bool:
        return self.database_url.startswith("postgresql")


def backend(name: str, tmp: str, keep: bool = False) -> Backend:
    """A fresh database `bench_<name>` (kept as it is when `keep`), Redis db REDIS_DB flushed."""
    notes = []
    if answers(PG_HOST, PG_PORT):
        url = f"postgresql+psycopg://{PG_USER}@{PG_HOST}:{PG_PORT}/bench_{name}"
        if not (keep and database_exists(f"bench_{name}")):
            _admin_sql(f"DROP DATABASE IF EXISTS bench_{name} WITH (FORCE)")
            _admin_sql(f"CREATE DATABASE bench_{name}")
    else:
        url = f"sqlite:///{tmp}/bench_{name}.db"
        notes.append("SQLite: no PostgreSQL")
    redis_url = None
    if answers(REDIS_HOST, REDIS_PORT):
        redis_url = f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}"
        import redis

        redis.Redis.from_url(redis_url).flushdb()
    else:
        notes.append("embedded Redis")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "FIELDAPP_INSTANCE": tmp,
        "PYTHONUNBUFFERED": "1",
        "SECRET_KEY": "bench-secret",
        "CRM_SHARED_SECRET": CRM_SECRET,
        "FIELDAPP_HTTPS": "0",
    }  # plain http on 127.0.0.1: cookies must come back
    env.pop("CRM_CALLBACK_URL", None)  # callbacks are kept as rows, never sent anywhere
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    note = ", ".join(notes) or "PostgreSQL + Redis"
    return Backend(url, redis_url, tmp, note, env)


@contextmanager
def throwaway(name: str):
    """A backend for one run: its instance folder and database are gone afterwards."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        be = backend(name, tmp)
        try:
            yield be
        finally:
            if be.postgres:
                drop_database(f"bench_{name}")


def database_exists(name: str) -> bool:
    return _admin_sql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"


def drop_database(name: str) -> None:
    _admin_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _admin_sql(sql: str) -> str:
    """Run one statement as the PostgreSQL superuser (CREATE DATABASE needs autocommit)."""
    import psycopg

    with psycopg.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True
    ) as conn:
        cursor = conn.execute(sql)
        row = cursor.fetchone() if cursor.description else None
    return str(row[0]) if row else ""


def migrate(be: Backend) -> None:
    """`flask db upgrade` on the benchmark's database: the schema the migrations build."""
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=be.env,
        check=True,
        capture_output=True,
    )


def app_for(be: Backend):
    """The app, in this process, on the benchmark's database (for seeding and checking)."""
    from fieldapp import create_app

    os.environ["FIELDAPP_INSTANCE"] = be.instance
    config = {
        "SQLALCHEMY_DATABASE_URI": be.database_url,
        "SECRET_KEY": "bench-secret",
        "CRM_SHARED_SECRET": CRM_SECRET,
        "REDIS_URL": be.redis_url,
        "HTTPS": False,
        "SESSION_COOKIE_SECURE": False,
        "SESSION_COOKIE_NAME": "session",
    }
    return create_app(config)


def seed_org(be: Backend, teams: int, crews_per_team: int) -> list[list[str]]:
    """A company of `teams` teams with crews on the operations desk; their usernames by team.

    Every bench user shares one cheap password hash, so that signing in a thousand phones
    measures the app, not the password hash.
    """
    from werkzeug.security import generate_password_hash

    from fieldapp.extensions import db
    from fieldapp.models import Company, Team, User

    app = app_for(be)
    digest = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    names = []
    with app.app_context():
        company = Company(code="PC-B", name="Công ty Điện lực Bench")
        db.session.add(company)
        for t in range(teams):
            team = Team(code=f"PC-B-{t:03d}", name=f"Đội {t:03d}", company=company)
            db.session.add(team)
            users = [f"crew{t:03d}.{c:02d}" for c in range(crews_per_team)]
            db.session.add_all(
                User(
                    username=u,
                    name=u,
                    role="crew",
                    team=team,
                    desk="operations",
                    password_hash=digest,
                )
                for u in users
            )
            names.append(users)
        db.session.commit()
        db.session.remove()
    return names


def team_code(index: int) -> str:
    return f"PC-B-{index:03d}"


@dataclass
class Processes:
    """Child processes started for one benchmark; stopped together."""

    procs: list = field(default_factory=list)

    def start(self, cmd: list[str], be: Backend, log: str) -> subprocess.Popen:
        out = open(Path(be.instance) / log, "w")  # noqa: SIM115 (closed with the process)
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=be.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.procs.append((proc, out))
        return proc

    def stop(self) -> None:
        for proc, _ in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, 15)
        for proc, out in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
                proc.wait()
            out.close()
        self.procs.clear()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(
    be: Backend, app: str = "wsgi:app", rq_workers: int = 0, web_workers: int = WEB_WORKERS
):
    """gunicorn serving `app` (and `rq_workers` × `flask worker`); yields the base URL."""
    procs = Processes()
    port = free_port()
    try:
        procs.start(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                str(ROOT / "gunicorn.conf.py"),
                app,
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(web_workers),
                "--threads",
                str(WEB_THREADS),
                "--graceful-timeout",
                "5",
                "--no-control-socket",
            ],
            be,
            "web.log",
        )
        for n in range(rq_workers):
            procs.start(
                [sys.executable, "-m", "flask", "--app", "wsgi", "worker"], be, f"worker{n}.log"
            )
        base = f"http://127.0.0.1:{port}"
        _wait_until_up(base, procs)
        yield base
    finally:
        procs.stop()
        if be.redis_url is None:
            from fieldapp.redis_conn import stop_embedded_redis

            stop_embedded_redis(be.instance)


def _wait_until_up(base: str, procs: Processes, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for proc, out in procs.procs:
            if proc.poll() is not None:
                raise RuntimeError(f"{proc.args[:4]} stopped; see {out.name}")
        try:
            requests.get(f"{base}/login", timeout=10)
            return
        except requests.RequestException:  # not listening yet, or still starting
            time.sleep(0.3)
    raise RuntimeError(f"{base} did not answer within {timeout:g} s")


def sign_in(base: str, username: str, password: str = PASSWORD) -> requests.Session:
    """A session signed in through the JSON API, sending its CSRF token on every call."""
    session = requests.Session()
    answer = session.post(
        f"{base}/api/v1/session", json={"username": username, "password": password}, timeout=60
    )
    answer.raise_for_status()
    session.headers["X-CSRFToken"] = answer.json()["csrf_token"]
    return session


def push(session: requests.Session, url: str, body: dict) -> requests.Response:
    """POST a ticket signed as the CRM signs it."""
    import json

    from fieldapp.services.signing import signed_headers

    raw = json.dumps(body).encode()
    return session.post(
        url, data=raw, headers=signed_headers(CRM_SECRET, time.time(), raw), timeout=120
    )


def outage(crm_id: str, team: str, customer: int) -> dict:
    """A CRM push of an outage ticket, received now."""
    from datetime import UTC, datetime

    return {
        "crm_id": crm_id,
        "type": "OUTAGE",
        "received_at": datetime.now(UTC).isoformat(),
        "team": team,
        "channel": "phone",
        "content": "Mất điện sau bão",
        "customer": {
            "code": f"PC03BB{customer:07d}",
            "name": "Khách hàng",
            "phone": "0905000000",
            "address": "Hải Châu",
            "birth_year": 1970,
            "sex": "M",
            "important": False,
            "difficult": False,
        },
    }


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (share in 0..1) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]
