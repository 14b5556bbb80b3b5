"""Fixtures for the JSON API tests."""

import pytest

from tests.api.helpers import batch


@pytest.fixture
def sync(client, login):
    """Sign in as a user and return a function that posts ops and returns the results."""

    def _as(username, c=None):
        c = c or client
        token = login(username, c=c)

        def _send(*ops, **kwargs):
            resp = c.post("/api/v1/sync", json=batch(*ops, **kwargs),
                          headers={"X-CSRFToken": token})
            assert resp.status_code == 200, resp.get_data(as_text=True)
            return resp.get_json()["results"]

        return _send

    return _as
