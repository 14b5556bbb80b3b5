"""Response headers and cookies (ASVS V3): a CSP without 'unsafe-inline', HSTS, and
Secure/HttpOnly/SameSite cookies in the production settings."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import fieldapp

TEMPLATES = Path(fieldapp.__file__).parent / "templates"


def _csp(resp) -> dict[str, str]:
    policy = resp.headers["Content-Security-Policy"]
    return {part.split()[0]: part for part in (p.strip() for p in policy.split(";")) if part}


@pytest.mark.parametrize(
    "url", ["/login", "/api/v1/openapi.json", "/static/css/app.css", "/tickets/999999", "/sw.js"]
)
def test_every_answer_carries_the_headers(client, org, url):
    resp = client.get(url)
    csp = _csp(resp)
    assert "unsafe-inline" not in resp.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in resp.headers["Content-Security-Policy"]
    assert csp["script-src"] == "script-src 'self'"  # no page asks for an inline block
    assert csp["style-src"] == "style-src 'self'"
    assert csp["frame-ancestors"] == "frame-ancestors 'none'"
    assert csp["object-src"] == "object-src 'none'"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "same-origin"
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in resp.headers  # plain http in the test settings


def test_a_page_that_asks_for_a_nonce_has_its_own_in_its_policy(app):
    """`nonce="{{ csp_nonce() }}"` in a template: one nonce per answer, allowed by its CSP."""
    seen = set()
    for _ in range(3):
        with app.app_context(), app.test_request_context("/"):  # a request's own `g`
            page = app.jinja_env.from_string('<script nonce="{{ csp_nonce() }}">').render()
            nonce = re.fullmatch(r'<script nonce="([\w-]{16,})">', page).group(1)
            csp = _csp(app.process_response(app.make_response(page)))
        assert csp["script-src"] == f"script-src 'self' 'nonce-{nonce}'"
        assert csp["style-src"] == f"style-src 'self' 'nonce-{nonce}'"
        seen.add(nonce)
    assert len(seen) == 3


def test_templates_have_no_inline_script_style_or_handler():
    """What the CSP would block: a <script> without src, <style>, style="", on...="",
    javascript: links. (htmx's own indicator <style> is turned off in base.html.)"""
    for path in TEMPLATES.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        where = path.relative_to(TEMPLATES)
        for script in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in script, where
        assert not re.search(r"<style\b", html), where
        assert not re.search(r"\sstyle\s*=", html), where
        assert not re.search(r"\son[a-z]+\s*=", html), where
        assert not re.search(r"\shx-on[:-]", html), where  # htmx evaluates these as code
        assert "javascript:" not in html, where


def test_htmx_does_not_inject_its_indicator_style(client, org):
    html = client.get("/login").get_data(as_text=True)
    meta = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'', html)
    assert json.loads(meta.group(1))["includeIndicatorStyles"] is False


def _config_in(env: dict) -> dict:
    """The production Config as a fresh process with this environment reads it."""
    code = (
        "import json; from fieldapp.config import Config as C; print(json.dumps({k: "
        "getattr(C, k) for k in ('HTTPS', 'SESSION_COOKIE_SECURE', 'SESSION_COOKIE_NAME', "
        "'SESSION_COOKIE_HTTPONLY', 'SESSION_COOKIE_SAMESITE', 'HSTS')}))"
    )
    base = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "FIELDAPP_HTTPS")}
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**base, **env},
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(fieldapp.__file__).parents[1],
    )
    return json.loads(out.stdout)


def test_a_deployment_gets_secure_cookies_and_hsts():
    prod = _config_in({"SECRET_KEY": "s3cret"})
    assert prod == {
        "HTTPS": True,
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_NAME": "__Host-session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "HSTS": "max-age=31536000; includeSubDomains",
    }
    dev = _config_in({})  # `make run` on http://127.0.0.1: the cookie must come back over http
    assert dev["SESSION_COOKIE_SECURE"] is False and dev["HSTS"] is None
    assert dev["SESSION_COOKIE_NAME"] == "session" and dev["SESSION_COOKIE_HTTPONLY"] is True
    assert _config_in({"SECRET_KEY": "s3cret", "FIELDAPP_HTTPS": "0"})["HTTPS"] is False
    assert _config_in({"FIELDAPP_HTTPS": "1"})["SESSION_COOKIE_SECURE"] is True


@pytest.fixture
def https_app(app):
    """The test app with the production cookie and HSTS settings."""
    app.config.update(
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_NAME="__Host-session",
        HSTS="max-age=31536000; includeSubDomains",
    )
    return app


def test_production_cookie_flags_and_hsts(https_app, org):
    client = https_app.test_client()
    resp = client.post(
        "/api/v1/session", json={"username": "crew", "password": "pw"}, base_url="https://localhost"
    )
    cookie = resp.headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert flag in cookie.split("; "), cookie
    assert "Domain=" not in cookie
    assert resp.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert client.get("/api/v1/tickets", base_url="https://localhost").status_code == 200


def test_development_sign_in_works_over_http(app, org):
    client = app.test_client()
    resp = client.post("/api/v1/session", json={"username": "crew", "password": "pw"})
    cookie = resp.headers["Set-Cookie"]
    assert "Secure" not in cookie.split("; ") and "HttpOnly" in cookie.split("; ")
    assert "SameSite=Lax" in cookie.split("; ")
    assert client.get("/api/v1/tickets").status_code == 200


# ---- A shared phone: nothing one user saw is kept by a cache for the next (finding 11.3) ----


def test_what_a_signed_in_user_sees_is_kept_by_no_cache(client, org, login, foreign):
    login("ha_crew")
    photo = f"/attachments/{foreign['attachment_id']}"
    for url in (
        "/",
        f"/tickets/{foreign['ticket_id']}",
        photo,
        "/api/v1/tickets",
        "/settings",
        "/tickets/999999",
    ):
        resp = client.get(url)
        assert resp.headers["Cache-Control"] == "private, no-store", url
        assert resp.headers["X-Fieldapp-User"] == "ha_crew", url  # the worker keeps it for them
    # Versioned static files and the icons keep their long caching (nothing personal in them).
    script = re.search(
        r'src="(/static/js/offline\.js\?v=\w+)"', client.get("/").get_data(as_text=True)
    ).group(1)
    for url in (script, "/icons/icon-192.png"):
        resp = client.get(url)
        assert "public" in resp.headers["Cache-Control"], url
        assert "no-store" not in resp.headers["Cache-Control"], url
        assert "X-Fieldapp-User" not in resp.headers, url


def test_api_answers_to_no_one_are_kept_by_no_cache_either(client, org):
    resp = client.get("/api/v1/tickets")
    assert resp.status_code == 401
    assert resp.headers["Cache-Control"] == "private, no-store"
    assert "X-Fieldapp-User" not in resp.headers


def test_signing_out_clears_what_the_browser_keeps_but_the_language(client, org, login):
    token = login("crew")
    resp = client.post("/logout", data={"csrf_token": token})
    assert resp.status_code == 303 and resp.location == "/login"
    assert resp.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert "X-Fieldapp-User" not in resp.headers
    assert client.get("/login").headers.get("Clear-Site-Data") is None
