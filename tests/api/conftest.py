"""Fixtures for the JSON API tests."""

import pytest

from tests.api.helpers import batch


def with_tickets(body: dict) -> list[dict]:
    """The results of a sync response, each with its ticket from `tickets` (for reading
    tests; the response itself carries every ticket once, beside the results)."""
    tickets = {t["id"]: t for t in body["tickets"]}
    assert len(tickets) == len(body["tickets"]), "a ticket came twice"
    return [{**r, "ticket": tickets.get(r.get("ticket_id"))} for r in body["results"]]


@pytest.fixture
def sync(client, login):
    """Sign in as a user and return a function that posts ops and returns the results."""

    def _as(username, c=None):
        c = c or client
        token = login(username, c=c)

        def _send(*ops, **kwargs):
            resp = c.post(
                "/api/v1/sync", json=batch(*ops, **kwargs), headers={"X-CSRFToken": token}
            )
            assert resp.status_code == 200, resp.get_data(as_text=True)
            return with_tickets(resp.get_json())

        return _send

    return _as
