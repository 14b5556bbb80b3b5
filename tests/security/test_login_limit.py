"""Failed sign-ins are limited per username and address, per username and per address
(ASVS V6), in the app's Redis; the time taken does not tell which usernames exist."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from fieldapp.auth.throttle import reset_counts
from fieldapp.config import TestConfig
from fieldapp.extensions import db
from fieldapp.models import User
from fieldapp.redis_conn import get_redis
from tests.security.test_route_access import _anonymous_token

WRONG = {"username": "crew", "password": "wrong"}


@pytest.fixture(params=["memory", "redis"])
def limited_app(request, monkeypatch):
    """The app counting in memory (tests' default) or in its own Redis (the real setting)."""
    if request.param == "redis":
        monkeypatch.setattr(TestConfig, "SIGN_IN_COUNTS_URI", None)
    app = request.getfixturevalue("app")
    if request.param == "redis":
        assert app.config["SIGN_IN_COUNTS_URI"].startswith(("redis://", "redis+unix://"))
        get_redis(app).ping()  # the embedded server is started by the first who needs it
        reset_counts(app)  # a real server keeps the counts of the run's earlier tests
    request.getfixturevalue("org")
    return app


def _page_login(client, password="wrong", username="crew"):
    token = _anonymous_token(client)
    return client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )


def test_api_sign_in_refused_after_five_failures(limited_app):
    client = limited_app.test_client()
    for _ in range(5):
        assert client.post("/api/v1/session", json=WRONG).status_code == 401
    resp = client.post("/api/v1/session", json=WRONG)
    assert resp.status_code == 429
    assert resp.get_json()["errors"]["session"][0].startswith(
        "Bạn đã đăng nhập sai quá nhiều lần. Hãy thử lại sau"
    )
    assert 1 <= int(resp.headers["Retry-After"]) <= 61
    # the right password does not get through either while the limit holds
    right = client.post("/api/v1/session", json={"username": "crew", "password": "pw"})
    assert right.status_code == 429


def test_the_page_says_so_in_vietnamese(limited_app):
    client = limited_app.test_client()
    for _ in range(5):
        assert _page_login(client).status_code == 401
    resp = _page_login(client)
    assert resp.status_code == 429
    html = resp.get_data(as_text=True)
    assert "Bạn đã đăng nhập sai quá nhiều lần. Hãy thử lại sau 1 phút." in html
    assert 'value="crew"' in html  # the form is there, with what was typed
    assert client.get("/login").status_code == 200  # the page itself is never limited


def test_the_limit_is_per_username_and_address(limited_app):
    client = limited_app.test_client()
    for _ in range(5):
        client.post("/api/v1/session", json=WRONG)
    assert client.post("/api/v1/session", json=WRONG).status_code == 429
    # the same form and JSON share the count: one username, one address
    assert _page_login(client).status_code == 429
    # another username from this address, and this username from another address, still may
    ok = client.post("/api/v1/session", json={"username": "crew2", "password": "pw"})
    assert ok.status_code == 200
    elsewhere = limited_app.test_client()
    resp = elsewhere.post(
        "/api/v1/session",
        json={"username": "crew", "password": "pw"},
        environ_base={"REMOTE_ADDR": "10.0.0.7"},
    )
    assert resp.status_code == 200


def test_successful_sign_ins_do_not_count(limited_app):
    client = limited_app.test_client()
    for _ in range(8):  # a crew signing in at every shift change, from one phone
        assert (
            client.post("/api/v1/session", json={"username": "crew", "password": "pw"}).status_code
            == 200
        )
    for _ in range(4):
        assert client.post("/api/v1/session", json=WRONG).status_code == 401
    assert (
        client.post("/api/v1/session", json={"username": "crew", "password": "pw"}).status_code
        == 200
    )


def _api_login(app, username, password="wrong", address="127.0.0.1"):
    """One sign-in through the API from an address; (status, Retry-After, seconds taken)."""
    started = time.perf_counter()
    resp = app.test_client().post(
        "/api/v1/session",
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )
    return resp.status_code, resp.headers.get("Retry-After"), time.perf_counter() - started


def _fail_from(app, org, address, failures):
    """Wrong passwords from one address, two per user, none of them locking a username."""
    users = sorted(org["users"])
    for n in range(failures):
        assert _api_login(app, users[n // 2 % len(users)], address=address)[0] == 401


def test_a_username_guessed_from_many_addresses_is_locked(limited_app):
    for n in range(10):  # one failure from each of ten addresses
        assert _api_login(limited_app, "crew", address=f"10.9.0.{n}")[0] == 401
    client = limited_app.test_client()
    resp = client.post(
        "/api/v1/session",
        json={"username": "crew", "password": "pw"},
        environ_base={"REMOTE_ADDR": "10.9.1.1"},
    )
    assert resp.status_code == 429  # the right password too: that is what the lock is for
    assert resp.get_json()["errors"]["session"] == [
        "Tài khoản này tạm khóa vì đăng nhập sai quá nhiều lần. Hãy thử lại sau 15 phút."
    ]
    assert 14 * 60 < int(resp.headers["Retry-After"]) <= 15 * 60
    assert _api_login(limited_app, "crew2", "pw", address="10.9.1.1")[0] == 200


def test_one_address_guessing_many_usernames_is_slowed_to_one_try_at_a_time(limited_app, org):
    limited_app.config["LOGIN_ADDRESS_DELAY_SECONDS"] = delay = 1
    _fail_from(limited_app, org, "10.8.0.1", 20)  # the address's limit, each username at 2
    status, _, took = _api_login(limited_app, "guess10", address="10.8.0.1")
    assert status == 401 and took >= delay

    # Two at once from there: one waits its turn, the other is told when to come back.
    start = threading.Barrier(2)

    def attempt(username):
        start.wait()
        return _api_login(limited_app, username, address="10.8.0.1")

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(attempt, ["guess11", "guess12"]))
    assert sorted(status for status, _, _ in results) == [401, 429]
    [(_, retry_after, _)] = [r for r in results if r[0] == 429]
    assert int(retry_after) == delay
    assert _api_login(limited_app, "guess13", address="10.8.0.2")[1] is None  # others: no wait


def test_a_colleague_behind_a_slowed_address_signs_in_after_the_delay(limited_app, org):
    limited_app.config["LOGIN_ADDRESS_DELAY_SECONDS"] = delay = 1
    _fail_from(limited_app, org, "10.7.0.1", 20)  # the office NAT, over its limit
    status, _, took = _api_login(limited_app, "crew", "pw", address="10.7.0.1")
    assert status == 200 and took >= delay
    assert _api_login(limited_app, "crew2", "pw", address="10.7.0.2")[0] == 200


def test_an_unknown_username_takes_as_long_as_a_real_one(limited_app, org):
    real = User(
        username="real",
        name="Người dùng thật",
        role="crew",
        desk="operations",
        team=org["teams"]["PC-DN-HC"],
    )
    real.set_password("correct horse")  # hashed as real users are, not the tests' cheap hash
    gone = User(
        username="gone",
        name="Đã nghỉ",
        role="crew",
        desk="operations",
        team=real.team,
        active=False,
    )
    gone.set_password("correct horse")
    db.session.add_all([real, gone])
    db.session.commit()
    times = {"real": [], "gone": [], "nobody": []}
    for n in range(5):  # interleaved, so a busy moment slows all three alike
        for username in times:
            status, _, took = _api_login(limited_app, username, address=f"10.6.{n}.1")
            assert status == 401
            times[username].append(took)
    # The quickest of each: a busy machine only ever adds time, the hash work is the floor.
    real_time = min(times["real"])
    for username in ("gone", "nobody"):
        assert 0.5 < min(times[username]) / real_time < 2, times
