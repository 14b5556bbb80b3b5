"""Fixtures for the workers: the job queue, running it in-process, a push service, tickets."""

import pytest

from tests.api.helpers import batch, op
from tests.workers.fakes import FakeCrm


@pytest.fixture
def crm(app):
    server = FakeCrm()
    app.config["CRM_CALLBACK_URL"] = server.url
    yield server
    server.close()


@pytest.fixture
def sync_as(app, login):
    """Apply one op as a user through POST /api/v1/sync; returns its result."""

    def _sync(username, ticket_id, action, data=None, at=None):
        c = app.test_client()
        token = login(username, c=c)
        resp = c.post(
            "/api/v1/sync",
            json=batch(op(ticket_id, action, data, at=at)),
            headers={"X-CSRFToken": token},
        )
        assert resp.status_code == 200, resp.get_data(as_text=True)
        [result] = resp.get_json()["results"]
        assert result["status"] == "applied", result
        return result

    return _sync
