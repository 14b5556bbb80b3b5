"""Fixtures for the security tests: a ticket of another team, with a photo, and a way to
send any request of the app as a given user with a valid CSRF token."""

import pytest

from fieldapp.extensions import db
from fieldapp.models import Attachment
from tests.api.helpers import declare_incident, intake_body

FOREIGN_TEAM = "PC-QN-HA"  # another company's team for every Đà Nẵng user of the org fixture


@pytest.fixture
def foreign(org, push_ticket):
    """A ticket of Hội An (PC-QN-HA) with a photo on it, uploaded by its crew, and an
    incident of that team."""
    resp = push_ticket(intake_body(team=FOREIGN_TEAM))
    assert resp.status_code == 201, resp.get_json()
    ticket_id = resp.get_json()["id"]
    photo = Attachment(
        ticket_id=ticket_id,
        user_id=org["users"]["ha_crew"].id,
        filename="cot.jpg",
        content_type="image/jpeg",
        size=3,
        data=b"jpg",
    )
    db.session.add(photo)
    db.session.commit()
    return {
        "ticket_id": ticket_id,
        "attachment_id": photo.id,
        "incident_id": declare_incident(org["users"]["ha_crew"]).id,
    }


@pytest.fixture
def signed_in(app, login):
    """A new client signed in as the user (None: signed out) and its CSRF token."""

    def _as(username):
        c = app.test_client()
        return c, (login(username, c=c) if username else None)

    return _as
