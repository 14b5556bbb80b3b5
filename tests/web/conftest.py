"""Fixtures for the page tests: signed-in clients, tickets, and posting action forms."""

import uuid

import pytest

from fieldapp.extensions import db
from fieldapp.models import Ticket
from tests.api.helpers import intake_body


@pytest.fixture
def ticket(org, push_ticket):
    """Push a ticket through the CRM intake; returns the row."""

    def _new(**overrides) -> Ticket:
        resp = push_ticket(intake_body(**overrides))
        assert resp.status_code == 201, resp.get_json()
        db.session.rollback()
        return db.session.get(Ticket, resp.get_json()["id"])

    return _new


@pytest.fixture
def act(client):
    """Post an action form of a ticket page, as a browser (or htmx, given a target) would."""

    def _act(ticket_id, action, token, target=None, files=None, **fields):
        data = {"csrf_token": token, "op_id": fields.pop("op_id", uuid.uuid4().hex), **fields}
        if files:
            data.update(files)
        headers = {"HX-Request": "true", "HX-Target": target} if target else {}
        return client.post(f"/tickets/{ticket_id}/{action}", data=data, headers=headers)

    return _act


def reload(row):
    """The row as the last request left it."""
    db.session.rollback()
    return db.session.get(type(row), row.id)
