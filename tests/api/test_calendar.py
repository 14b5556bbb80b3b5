"""An administrator corrects the calendar; deadlines of new tickets follow the correction."""

from datetime import datetime

import pytest

from tests.api.helpers import intake_body

# Wed 18 Nov 2026, 5 working days: 19, 20, 23, (24 is Vietnam Cultural Day), 25, 26.
RECEIVED = "2026-11-18T10:00:00+07:00"


def resolve_by(push_ticket) -> datetime:
    body = intake_body(type="NEW_SUPPLY_LV", received_at=RECEIVED)
    return datetime.fromisoformat(push_ticket(body).get_json()["resolve_by"])


def local(day: int) -> datetime:
    return datetime.fromisoformat(f"2026-11-{day:02d}T16:55:00+07:00")


@pytest.fixture
def admin(client, login, org):
    token = login("admin")
    return lambda method, body: client.open(
        "/api/v1/calendar/overrides", method=method, json=body, headers={"X-CSRFToken": token}
    )


def test_holiday_package_alone(push_ticket, org):
    assert resolve_by(push_ticket) == local(26)


def test_an_extra_day_off_moves_deadlines_later(admin, push_ticket):
    resp = admin("PUT", {"day": "2026-11-19", "kind": "off", "note": "Quyết định của UBND"})
    assert resp.status_code == 200
    assert resolve_by(push_ticket) == local(27)


def test_a_cancelled_holiday_moves_deadlines_earlier(admin, push_ticket, client):
    admin("PUT", {"day": "2026-11-24", "kind": "work", "note": "Làm bù"})
    assert resolve_by(push_ticket) == local(25)
    listed = client.get("/api/v1/calendar/overrides").get_json()
    assert listed == [{"day": "2026-11-24", "kind": "work", "note": "Làm bù"}]
    assert admin("DELETE", {"day": "2026-11-24"}).status_code == 204
    assert resolve_by(push_ticket) == local(26)


def test_bad_override_is_400_naming_fields(admin):
    resp = admin("PUT", {"day": "tomorrow", "kind": "holiday"})
    assert resp.status_code == 400
    assert set(resp.get_json()["errors"]) == {"day", "kind"}


@pytest.mark.parametrize("username", ["crew", "lead", "company"])
def test_only_an_admin_edits_the_calendar(client, login, org, username):
    token = login(username)
    resp = client.put(
        "/api/v1/calendar/overrides",
        json={"day": "2026-11-19", "kind": "off"},
        headers={"X-CSRFToken": token},
    )
    assert resp.status_code == 403
    assert client.get("/api/v1/calendar/overrides").status_code == 403


def test_calendar_cli(runner, push_ticket, org):
    assert runner.invoke(args=["calendar", "off", "2026-11-19", "--note", "Bão"]).exit_code == 0
    listing = runner.invoke(args=["calendar", "list"]).output
    assert "2026-11-19  off   Bão" in listing
    assert resolve_by(push_ticket) == local(27)
    assert runner.invoke(args=["calendar", "remove", "2026-11-19"]).exit_code == 0
    assert runner.invoke(args=["calendar", "list"]).output == ""
