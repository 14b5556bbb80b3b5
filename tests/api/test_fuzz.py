"""Generated requests for every operation of the OpenAPI description: never a server error.

Each operation gets 150 generated cases (well over a thousand in all), sent as a signed-in
team leader with a valid CSRF token, so the requests pass the door and reach the validation.
CRM pushes are signed with the shared secret for the same reason.
"""

import json
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.api.helpers import intake_body
from tests.conftest import sign

EXAMPLES_PER_OPERATION = 150
_SESSION = "/api/v1/session"


@pytest.fixture
def api_schema(app, org, push_ticket):
    push_ticket(intake_body(crm_id="CPC-FUZZ-1"))
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def signed_in(app):
    """The cookies and headers of a team leader's session, with its CSRF token."""
    client = app.test_client()
    token = client.post("/api/v1/session", json={"username": "lead", "password": "pw"}
                        ).get_json()["csrf_token"]
    return {"cookies": {"session": client.get_cookie("session").value},
            "headers": {"X-CSRFToken": token}}


def _operations(schema):
    """Every documented operation, signing out last (it drops the session's cookie)."""
    operations = [result.ok() for result in schema.get_all_operations()]
    return sorted(operations, key=lambda op: (op.method.upper(), op.path) == ("DELETE", _SESSION))


def test_no_generated_request_is_a_server_error(api_schema, signed_in, app):
    operations = _operations(api_schema)
    assert len(operations) >= 10
    statuses = Counter()
    for operation in operations:
        _fuzz(operation, signed_in, app, statuses)
    assert statuses.total() >= 1000
    # The requests got past the door: most were judged by validation or served.
    refused_at_door = sum(n for (_, _, status), n in statuses.items() if status == 401)
    assert refused_at_door < statuses.total() / 4, statuses


def _fuzz(operation, signed_in, app, statuses: Counter) -> None:
    """Run generated cases of one operation, counting the answers."""

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case):
        if case.operation.path == "/api/v1/crm/tickets":
            status = _signed_push(app, case.body)
        else:
            with app.app_context():  # its own `g` per request, as in production
                status = case.call(**signed_in).status_code
        statuses[(case.method, case.operation.path, status)] += 1
        assert status < 500, f"{case.method} {case.formatted_path} → {status}"

    run()


def _signed_push(app, body) -> int:
    """POST a generated intake body, correctly signed, so validation is what answers."""
    try:
        raw = json.dumps(body).encode()
    except TypeError:  # no body generated
        raw = b""
    headers = sign(raw, app.config["CRM_SHARED_SECRET"])
    return app.test_client().post("/api/v1/crm/tickets", data=raw, headers=headers).status_code
