"""Every state-changing route refuses a request without the session's CSRF token (ASVS V3),
but for four that carry a proof of their own, listed here and nowhere else."""

import pytest

from fieldapp.extensions import csrf
from tests.security.test_route_access import ROLES, _routes, _url

CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
EXEMPT = {
    "api.crm_push",  # HMAC-signed by the CRM, no session
    "api.crm_chase",  # HMAC-signed by the CRM, no session
    "api.login",  # no session yet; JSON only (a cross-site form cannot send it); new token after
    "api.accept_from_notification",  # a signed token naming the user, pushed to their devices
}


def _exempt(app, endpoint) -> bool:
    view = app.view_functions[endpoint]
    name = f"{view.__module__}.{view.__name__}"
    return (
        name in csrf._exempt_views
        or app.blueprints.get(endpoint.split(".")[0]) in csrf._exempt_blueprints
    )


def test_the_exemptions_are_exactly_these(app):
    changing = {rule.endpoint for rule, method in _routes(app) if method in CHANGING}
    assert {endpoint for endpoint in changing if _exempt(app, endpoint)} == EXEMPT


@pytest.mark.parametrize("token", [None, "forged"])
@pytest.mark.parametrize("username", ["crew", "admin"])
def test_every_changing_route_needs_the_token(app, foreign, signed_in, username, token):
    """Refused before the view runs: 400 (the stale-form page or the API's csrf error)."""
    assert username in ROLES
    for rule, method in _routes(app):
        if method not in CHANGING or rule.endpoint in EXEMPT:
            continue
        client, _good = signed_in(username)
        url = _url(app, rule, method, foreign)
        headers = {"X-CSRFToken": token} if token else {}
        kwargs = {"json": {}} if url.startswith("/api/") else {"data": {"csrf_token": token or ""}}
        resp = client.open(url, method=method, headers=headers, **kwargs)
        assert resp.status_code == 400, (method, url, resp.status_code)
        if url.startswith("/api/"):
            assert "csrf" in resp.get_json()["errors"], url


def test_a_token_of_another_session_is_refused(app, foreign, signed_in):
    crew, _ = signed_in("crew")
    _, other_token = signed_in("crew2")
    resp = crew.post("/api/v1/sync", json={}, headers={"X-CSRFToken": other_token})
    assert resp.status_code == 400 and "csrf" in resp.get_json()["errors"]


def test_the_notification_accept_needs_its_signed_token(app, foreign, signed_in):
    """The route without CSRF still changes nothing without a token made for this user."""
    client, _ = signed_in("ha_crew")
    for token in ("forged", "", "1.2.3"):
        resp = client.post("/api/v1/push/accept", json={"token": token})
        assert resp.status_code in (400, 403), token
    detail = client.get(f"/api/v1/tickets/{foreign['ticket_id']}").get_json()
    assert detail["status"] == "received"
