"""Generated requests for every operation of the OpenAPI description: never a server error.

Each operation gets 150 generated cases (well over a thousand in all), sent as a signed-in
team leader with a valid CSRF token, so the requests pass the door and reach the validation.
CRM pushes are signed with the shared secret for the same reason. Some JSON bodies are made
hostile on top of what the schema generates: lone surrogates in their strings and keys (which
the generator never makes), or the body buried in arrays nested up to 100,000 deep. The query
string cannot carry a lone surrogate (it is UTF-8 on the wire), so bodies are where they go.
"""

import json
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldapp.errors.refused import MAX_DEPTH
from tests.api.helpers import intake_body
from tests.conftest import sign

EXAMPLES_PER_OPERATION = 150
_SESSION = "/api/v1/session"
LONE_SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
DEPTHS = st.sampled_from([MAX_DEPTH, MAX_DEPTH + 1, 1_000, 100_000]) | st.integers(1, 3_000)


@pytest.fixture
def api_schema(app, org, push_ticket):
    # Generated sign-ins come from one address: the throttle (tested on its own in
    # tests/security/test_login_limit.py) would answer each after a 5 s delay, to no purpose here.
    app.config["LOGIN_ADDRESS_RATE_LIMIT"] = "100000 per minute"
    push_ticket(intake_body(crm_id="CPC-FUZZ-1"))
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def signed_in(app):
    """The cookies and headers of a team leader's session, with its CSRF token."""
    client = app.test_client()
    token = client.post("/api/v1/session", json={"username": "lead", "password": "pw"}).get_json()[
        "csrf_token"
    ]
    return {
        "cookies": {"session": client.get_cookie("session").value},
        "headers": {"X-CSRFToken": token},
    }


def _operations(schema):
    """Every documented operation, signing out last (it drops the session's cookie)."""
    operations = [result.ok() for result in schema.get_all_operations()]
    return sorted(operations, key=lambda op: (op.method.upper(), op.path) == ("DELETE", _SESSION))


# Minutes, most of them waiting out the sign-in throttle's delay for the fuzzed sign-ins.
@pytest.mark.slow
def test_no_generated_request_is_a_server_error(api_schema, signed_in, app):
    operations = _operations(api_schema)
    assert len(operations) >= 10
    statuses, hostile = Counter(), Counter()
    for operation in operations:
        _fuzz(operation, signed_in, app, statuses, hostile)
    assert statuses.total() >= 1000
    # The requests got past the door: most were judged by validation or served.
    refused_at_door = sum(n for (_, _, status), n in statuses.items() if status == 401)
    assert refused_at_door < statuses.total() / 4, statuses
    # The hostile bodies went out, many of them, and the door refused them.
    assert hostile[("surrogates", 400)] >= 50 and hostile[("deep", 400)] >= 50, hostile


def _fuzz(operation, signed_in, app, statuses: Counter, hostile: Counter) -> None:
    """Run generated cases of one operation, counting the answers."""

    @given(drawn=operation.as_strategy().flatmap(_hostile))
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(drawn):
        case, kind = drawn
        if case.operation.path == "/api/v1/crm/tickets":
            status = _signed_push(app, case.body)
        else:
            with app.app_context():  # its own `g` per request, as in production
                status = case.call(**signed_in).status_code
        statuses[(case.method, case.operation.path, status)] += 1
        hostile[(kind, status)] += 1
        assert status < 500, f"{kind} {case.method} {case.formatted_path} → {status}"

    run()


def _hostile(case):
    """(case, kind): mostly the case as generated; else its JSON body with lone surrogates in
    some strings and keys, or buried deep in arrays. Both go as the raw JSON text: json.dumps
    cannot nest that deep, and schemathesis re-validates a changed body with a library that
    cannot hold a lone surrogate."""
    if case.media_type != "application/json" or not isinstance(case.body, dict | list):
        return st.just((case, "as generated"))
    kinds = st.sampled_from(["as generated"] * 3 + ["surrogates", "deep"])
    return kinds.flatmap(
        lambda kind: _BODIES[kind](case.body).map(lambda body: (_with_body(case, body), kind))
    )


def _with_body(case, body):
    case.body = body
    return case


@st.composite
def _with_surrogates(draw, body):
    """The body's JSON with a lone surrogate (escaped, as json.dumps writes it) inserted into
    some of its strings and keys."""

    def taint(value):
        if isinstance(value, list):
            return [taint(item) for item in value]
        if isinstance(value, dict):
            return {taint(key): taint(item) for key, item in value.items()}
        if not isinstance(value, str) or not draw(st.booleans()):
            return value
        at = draw(st.integers(0, len(value)))
        return value[:at] + draw(LONE_SURROGATES) + value[at:]

    return json.dumps(taint(body)).encode()


@st.composite
def _buried(draw, body):
    """The body's JSON inside arrays nested `depth` deep."""
    depth = draw(DEPTHS)
    return b"[" * depth + json.dumps(body).encode() + b"]" * depth


_BODIES = {"as generated": st.just, "surrogates": _with_surrogates, "deep": _buried}


def _signed_push(app, body) -> int:
    """POST a generated intake body, correctly signed, so validation is what answers."""
    try:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    except TypeError:  # no body generated
        raw = b""
    headers = sign(raw, app.config["CRM_SHARED_SECRET"])
    return app.test_client().post("/api/v1/crm/tickets", data=raw, headers=headers).status_code
