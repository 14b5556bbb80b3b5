"""Failed sign-ins are limited per username and address (ASVS V6), in the app's Redis."""

import pytest

from fieldapp.config import TestConfig
from fieldapp.extensions import limiter
from fieldapp.redis_conn import get_redis
from tests.security.test_route_access import _anonymous_token

WRONG = {"username": "crew", "password": "wrong"}


@pytest.fixture(params=["memory", "redis"])
def limited_app(request, monkeypatch):
    """The app counting in memory (tests' default) or in its own Redis (the real setting)."""
    if request.param == "redis":
        monkeypatch.setattr(TestConfig, "RATELIMIT_STORAGE_URI", None)
    app = request.getfixturevalue("app")
    if request.param == "redis":
        assert app.config["RATELIMIT_STORAGE_URI"].startswith(("redis://", "redis+unix://"))
        get_redis(app).ping()  # the embedded server is started by the first who needs it
        limiter.reset()  # a real server keeps the counts of the run's earlier tests
    request.getfixturevalue("org")
    return app


def _page_login(client, password="wrong", username="crew"):
    token = _anonymous_token(client)
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token})


def test_api_sign_in_refused_after_five_failures(limited_app):
    client = limited_app.test_client()
    for _ in range(5):
        assert client.post("/api/v1/session", json=WRONG).status_code == 401
    resp = client.post("/api/v1/session", json=WRONG)
    assert resp.status_code == 429
    assert resp.get_json()["errors"]["session"][0].startswith(
        "Bạn đã đăng nhập sai quá nhiều lần. Hãy thử lại sau")
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
    resp = elsewhere.post("/api/v1/session", json={"username": "crew", "password": "pw"},
                          environ_base={"REMOTE_ADDR": "10.0.0.7"})
    assert resp.status_code == 200


def test_successful_sign_ins_do_not_count(limited_app):
    client = limited_app.test_client()
    for _ in range(8):  # a crew signing in at every shift change, from one phone
        assert client.post("/api/v1/session",
                           json={"username": "crew", "password": "pw"}).status_code == 200
    for _ in range(4):
        assert client.post("/api/v1/session", json=WRONG).status_code == 401
    assert client.post("/api/v1/session",
                       json={"username": "crew", "password": "pw"}).status_code == 200
