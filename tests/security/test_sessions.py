"""Sessions end on the server (ASVS V7): signing out, disabling, idle and absolute expiry.
Time is moved by rewriting the timestamps the session holds, never by waiting."""

import time
from datetime import timedelta

import pytest

from fieldapp.auth.session import SEEN, STARTED, disable_user
from fieldapp.extensions import db
from fieldapp.models import User


def _cookie(client) -> str:
    return client.get_cookie("session").value


def _replay(app, cookie: str):
    """A new browser holding a copy of an old session cookie."""
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other


def _ok(client) -> bool:
    resp = client.get("/api/v1/tickets")
    assert resp.status_code in (200, 401)
    return resp.status_code == 200


def test_api_sign_out_refuses_a_replayed_cookie(app, org, signed_in):
    client, token = signed_in("crew")
    old = _cookie(client)
    assert _ok(_replay(app, old))
    assert client.delete("/api/v1/session", headers={"X-CSRFToken": token}).status_code == 204
    assert not _ok(client)
    assert not _ok(_replay(app, old))


def test_page_sign_out_refuses_a_replayed_cookie(app, org, signed_in):
    client, token = signed_in("desk")
    old = _cookie(client)
    resp = client.post("/logout", data={"csrf_token": token})
    assert resp.status_code == 303 and resp.headers["Location"] == "/login"
    replayed = _replay(app, old)
    assert replayed.get("/").status_code == 302
    assert not _ok(replayed)


def test_signing_out_ends_the_users_other_devices_too(app, org, signed_in):
    phone, token = signed_in("crew")
    desktop, _ = signed_in("crew")
    phone.delete("/api/v1/session", headers={"X-CSRFToken": token})
    assert not _ok(desktop)
    again, _ = signed_in("crew")  # and signing in again works
    assert _ok(again)


def test_disabling_a_user_ends_their_sessions(app, org, signed_in, login):
    client, _ = signed_in("crew")
    old = _cookie(client)
    disable_user(org["users"]["crew"])
    db.session.commit()
    assert not _ok(client) and not _ok(_replay(app, old))
    resp = app.test_client().post("/api/v1/session", json={"username": "crew", "password": "pw"})
    assert resp.status_code == 401


def test_the_users_command_disables_and_signs_out(app, org, signed_in, runner):
    client, _ = signed_in("lead")
    other, _ = signed_in("crew2")
    assert runner.invoke(args=["users", "sign-out", "crew2"]).exit_code == 0
    assert not _ok(other) and _ok(client)
    result = runner.invoke(args=["users", "disable", "lead"])
    assert result.exit_code == 0, result.output
    assert not _ok(client)
    assert db.session.get(User, org["users"]["lead"].id).active is False
    assert runner.invoke(args=["users", "enable", "lead"]).exit_code == 0
    assert _ok(signed_in("lead")[0])
    assert runner.invoke(args=["users", "disable", "nobody"]).exit_code != 0


def _set_times(client, *, started_ago: float | None, seen_ago: float | None) -> None:
    now = time.time()
    with client.session_transaction() as session:
        for key, ago in ((STARTED, started_ago), (SEEN, seen_ago)):
            if ago is None:
                session.pop(key, None)
            else:
                session[key] = int(now - ago)


HOUR = 3600


@pytest.mark.parametrize(
    "started_ago, seen_ago, alive",
    [
        (3 * HOUR, 2 * HOUR - 60, True),  # idle just under 2 h
        (3 * HOUR, 2 * HOUR + 60, False),  # idle just over 2 h
        (12 * HOUR - 60, 10, True),  # busy all shift, just under 12 h
        (12 * HOUR + 60, 10, False),  # busy all shift, but past 12 h
        (None, 10, False),  # a session without its times (from before them): ended
        (10, None, False),
    ],
)
def test_idle_and_absolute_expiry(org, signed_in, started_ago, seen_ago, alive):
    client, _ = signed_in("crew")
    _set_times(client, started_ago=started_ago, seen_ago=seen_ago)
    assert _ok(client) is alive
    if not alive:  # and it stays ended: the session was emptied, not just refused once
        with client.session_transaction() as session:
            assert "_user_id" not in session


def test_each_request_counts_as_activity(org, signed_in):
    client, _ = signed_in("crew")
    _set_times(client, started_ago=3 * HOUR, seen_ago=2 * HOUR - 60)
    assert _ok(client)
    with client.session_transaction() as session:
        assert time.time() - session[SEEN] < 60
        assert time.time() - session[STARTED] > 3 * HOUR - 60  # the shift's start stays


def test_the_limits_come_from_the_config(app, org, signed_in):
    app.config["SESSION_IDLE_TIMEOUT"] = timedelta(minutes=10)
    app.config["SESSION_ABSOLUTE_TIMEOUT"] = timedelta(hours=1)
    client, _ = signed_in("crew")
    _set_times(client, started_ago=20 * 60, seen_ago=11 * 60)
    assert not _ok(client)
    client, _ = signed_in("crew")
    _set_times(client, started_ago=HOUR + 60, seen_ago=60)
    assert not _ok(client)


def test_an_expired_page_session_is_sent_to_sign_in(org, signed_in):
    client, _ = signed_in("crew")
    _set_times(client, started_ago=3 * HOUR, seen_ago=3 * HOUR)
    resp = client.get("/")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")


def test_signing_in_starts_a_fresh_session(app, org):
    """Nothing planted in the session before signing in survives it (fixation); the language,
    a cookie of its own, is left alone."""
    client = app.test_client()
    client.set_cookie("lang", "en")
    with client.session_transaction() as session:
        session["planted"] = "x"
    assert (
        client.post("/api/v1/session", json={"username": "crew", "password": "pw"}).status_code
        == 200
    )
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session[STARTED] == session[SEEN]
    assert client.get_cookie("lang").value == "en"


def test_only_a_change_rewrites_the_session_cookie(app, org, signed_in):
    """A response to a request already in flight must not put back the cookie as it was
    before a change made meanwhile (the service worker refreshes pages in the background)."""
    client, token = signed_in("crew")
    for path in ("/", "/api/v1/tickets", "/api/v1/sync"):
        resp = client.get(path)
        assert resp.status_code == 200, path
        assert "Set-Cookie" not in resp.headers, path
    switched = client.post("/language", data={"lang": "en", "csrf_token": token})
    assert [c.split("=")[0] for c in switched.headers.getlist("Set-Cookie")] == ["lang"]
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_a_new_secret_key_refuses_old_cookies_unless_kept_as_a_fallback(app, org, signed_in):
    """The cookie's signer is kept per process: a key rotated in the config is still seen."""
    client, _ = signed_in("crew")
    old, old_key = _cookie(client), app.secret_key
    assert _ok(_replay(app, old))
    app.secret_key = "a-rotated-secret"
    assert not _ok(_replay(app, old))
    app.config["SECRET_KEY_FALLBACKS"] = [old_key]
    assert _ok(_replay(app, old))


def test_a_request_without_the_cookie_is_answered_without_setting_one(app, org):
    resp = app.test_client().get("/api/v1/tickets")
    assert resp.status_code == 401 and "Set-Cookie" not in resp.headers
