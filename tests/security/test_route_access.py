"""Every route × every role × a ticket of another team (ASVS V8): the table below says who may
use each endpoint; a route missing from it fails the test, so a new route must be placed."""

import re

import pytest

from tests.api.helpers import batch, op

ROLES = {
    "crew": "crew",
    "desk": "desk",
    "lead": "team_lead",
    "company": "company",
    "admin": "admin",
}
EVERYONE = frozenset(ROLES.values())
PUBLIC = None  # no session needed
SIGNED = "signed"  # the CRM's HMAC signature instead of a session
LEADERS = frozenset({"team_lead", "company", "admin"})
DESK_STAFF = frozenset({"crew", "desk", "team_lead"})  # the counter desk of a team
ADMIN = frozenset({"admin"})
INCIDENT_STAFF = frozenset({"crew", "team_lead"})  # who reports a wide-area incident

# endpoint → (roles that may use it, whether the URL names the other team's ticket or photo)
ACCESS = {
    "static": (PUBLIC, False),
    "pwa.service_worker": (PUBLIC, False),
    "pwa.manifest": (PUBLIC, False),
    "pwa.icon": (PUBLIC, False),
    "pwa.offline": (PUBLIC, False),
    "auth.login": (PUBLIC, False),
    "auth.set_language": (PUBLIC, False),
    "api.login": (PUBLIC, False),
    "api.openapi_json": (PUBLIC, False),
    "api.vapid_key": (PUBLIC, False),
    "api.crm_push": (SIGNED, False),
    "api.crm_chase": (SIGNED, False),
    "auth.logout": (EVERYONE, False),
    "api.logout": (EVERYONE, False),
    "settings.index": (EVERYONE, False),
    "tickets.index": (EVERYONE, False),
    "api.ticket_list": (EVERYONE, False),
    "api.sync_feed": (EVERYONE, False),
    "api.sync_push": (EVERYONE, True),  # the op in the body names the ticket
    "api.subscribe": (EVERYONE, False),
    "api.unsubscribe": (EVERYONE, False),
    "api.send_test": (EVERYONE, False),
    "api.accept_from_notification": (EVERYONE, False),  # a signed token names user and ticket
    "tickets.show": (EVERYONE, True),
    "tickets.act": (EVERYONE, True),
    "tickets.upload_photos": (DESK_STAFF, True),  # company and admin users only read
    "tickets.photo": (EVERYONE, True),
    "api.ticket_detail": (EVERYONE, True),
    "desk.index": (DESK_STAFF, False),
    "desk.create": (DESK_STAFF, False),
    "board.index": (LEADERS, False),
    "board.act": (LEADERS, True),
    "reports.dashboard": (LEADERS, False),
    "reports.monthly": (LEADERS, False),
    "reports.monthly_csv": (LEADERS, False),
    "reports.monthly_xlsx": (LEADERS, False),
    "reports.tickets": (LEADERS, False),
    "reports.adjusted": (LEADERS, False),
    "api.declare_incident": (INCIDENT_STAFF, False),
    "api.incident_list": (EVERYONE, False),
    "api.incident_detail": (EVERYONE, True),
    "incidents.index": (EVERYONE, False),
    "incidents.show": (EVERYONE, True),
    "incidents.declare": (INCIDENT_STAFF, False),
    "incidents.act": (INCIDENT_STAFF, True),
    "admin.callbacks": (ADMIN, False),
    "admin.retry": (ADMIN, False),
    "admin.users": (ADMIN, False),
    "admin.create_user": (ADMIN, False),
    "admin.user": (ADMIN, False),
    "admin.change_user": (ADMIN, False),
    "admin.audit": (ADMIN, False),
    "api.calendar_overrides": (ADMIN, False),
    "api.calendar_override_set": (ADMIN, False),
    "api.calendar_override_remove": (ADMIN, False),
}
QUERY = {"reports.tickets": "?bucket=open"}  # without it the query is refused before the role


def _routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_every_route_is_in_the_table(app):
    assert {rule.endpoint for rule, _ in _routes(app)} == set(ACCESS)


def _url(app, rule, method, foreign) -> str:
    values = {
        "ticket_id": foreign["ticket_id"],
        "attachment_id": foreign["attachment_id"],
        "incident_id": foreign["incident_id"],
        "callback_id": 1,
        "user_id": 1,
        "change": "disable",
        "action": "accept",
        "filename": "css/app.css",
        "size": 192,
    }
    url = app.url_map.bind("localhost").build(
        rule.endpoint, {k: values[k] for k in rule.arguments}, method=method
    )
    return url + QUERY.get(rule.endpoint, "")


def _anonymous_token(client) -> str:
    """The CSRF token a signed-out visitor's session holds, from the sign-in page."""
    html = client.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def _send(client, method, url, token, endpoint, foreign):
    kwargs = {"headers": {"X-CSRFToken": token}}
    if endpoint == "api.sync_push":
        kwargs["json"] = batch(op(foreign["ticket_id"], "accept"))
    elif url.startswith("/api/"):
        kwargs["json"] = {}
    else:
        kwargs["data"] = {"csrf_token": token}
    return client.open(url, method=method, **kwargs)


@pytest.mark.parametrize("username", [None, *ROLES])
def test_every_route_for_every_role(app, foreign, signed_in, username):
    """Signed out: 401 (API) or the sign-in page. A role the table leaves out: 403. A role it
    lets in, on the other team's ticket: 404, as if the ticket did not exist."""
    role = ROLES.get(username)
    for rule, method in _routes(app):
        allowed, names_ticket = ACCESS[rule.endpoint]
        if allowed in (PUBLIC, SIGNED):
            continue
        client, token = signed_in(username)  # a new session each time: some routes end it
        token = token or _anonymous_token(client)
        url = _url(app, rule, method, foreign)
        resp = _send(client, method, url, token, rule.endpoint, foreign)
        where = (username, method, url, resp.status_code)
        if role is None:
            if url.startswith("/api/"):
                assert resp.status_code == 401, where
            else:
                assert resp.status_code in (302, 303), where
                assert resp.headers["Location"].startswith("/login"), where
        elif role not in allowed:
            assert resp.status_code == 403, where
        elif names_ticket and role != "admin":  # the administrator sees every team
            if rule.endpoint == "api.sync_push":
                assert resp.status_code == 200, where
                [result] = resp.get_json()["results"]
                assert result["error"]["code"] == "not_allowed", where
            else:
                assert resp.status_code == 404, where
        else:
            assert resp.status_code not in (401, 403), where


def test_the_crm_intake_needs_its_signature(app, foreign, signed_in):
    """A session, even the administrator's, is no substitute for the CRM's signature."""
    client, token = signed_in("admin")
    resp = client.post("/api/v1/crm/tickets", json={}, headers={"X-CSRFToken": token})
    assert resp.status_code == 401
    resp = client.post(
        "/api/v1/crm/tickets/CPC-1/chase",
        json={"at": "2027-03-03T10:00:00Z"},
        headers={"X-CSRFToken": token},
    )
    assert resp.status_code == 401
