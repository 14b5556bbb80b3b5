"""A team reads and changes only its own tickets; a company reads all of its teams."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.api.helpers import op


@pytest.fixture
def tickets(new_ticket):
    return {team: new_ticket(team=team)["id"] for team in ("PC-DN-HC", "PC-DN-ST", "PC-QN-HA")}


@pytest.mark.parametrize(
    "user, visible",
    [
        ("crew", {"PC-DN-HC"}),
        ("desk", {"PC-DN-HC"}),
        ("lead", {"PC-DN-HC"}),
        ("st_crew", {"PC-DN-ST"}),
        ("company", {"PC-DN-HC", "PC-DN-ST"}),
        ("qn_company", {"PC-QN-HA"}),
        ("admin", {"PC-DN-HC", "PC-DN-ST", "PC-QN-HA"}),
    ],
)
def test_read_access_by_role(tickets, client, login, user, visible):
    login(user)
    for team, ticket_id in tickets.items():
        resp = client.get(f"/api/v1/tickets/{ticket_id}")
        assert resp.status_code == (200 if team in visible else 404), (user, team)
    listed = client.get("/api/v1/tickets").get_json()
    assert {t["team"] for t in listed["tickets"]} == visible
    assert listed["total"] == len(visible)


def test_list_filters_and_pages(tickets, client, login):
    login("company")
    only_st = client.get("/api/v1/tickets", query_string={"team": "PC-DN-ST"}).get_json()
    assert [t["team"] for t in only_st["tickets"]] == ["PC-DN-ST"]
    page = client.get("/api/v1/tickets", query_string={"per_page": 1, "page": 2}).get_json()
    assert len(page["tickets"]) == 1 and page["total"] == 2
    none = client.get("/api/v1/tickets", query_string={"status": "completed"}).get_json()
    assert none["tickets"] == []
    bad = client.get("/api/v1/tickets", query_string={"status": "lost"})
    assert bad.status_code == 400 and "status" in bad.get_json()["errors"]


def test_a_companys_pages_merge_its_teams_newest_first(new_ticket, client, login):
    start = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
    teams = ["PC-DN-HC", "PC-DN-ST", "PC-DN-ST", "PC-QN-HA", "PC-DN-HC", "PC-DN-ST", "PC-DN-HC"]
    made = [
        (new_ticket(team=team, received_at=(start + timedelta(minutes=7 * i)).isoformat()), team)
        for i, team in enumerate(teams)
    ]
    newest_first = [t["id"] for t, team in reversed(made) if team != "PC-QN-HA"]
    login("company")

    pages = [
        client.get("/api/v1/tickets", query_string={"per_page": 2, "page": n}).get_json()
        for n in (1, 2, 3, 4)
    ]

    assert [t["id"] for p in pages for t in p["tickets"]] == newest_first
    assert {p["total"] for p in pages} == {6}


def test_cannot_change_another_teams_ticket(tickets, sync, client):
    send = sync("st_crew")
    [refused] = send(op(tickets["PC-DN-HC"], "accept"))
    assert refused["error"]["code"] == "not_allowed"
    login_lead = sync("lead", c=client.application.test_client())
    [allowed] = login_lead(op(tickets["PC-DN-HC"], "accept"))
    assert allowed["status"] == "applied"


def test_reading_needs_a_session(tickets, client):
    assert client.get(f"/api/v1/tickets/{tickets['PC-DN-HC']}").status_code == 401


def test_wrong_password_401(org, client):
    resp = client.post("/api/v1/session", json={"username": "crew", "password": "nope"})
    assert resp.status_code == 401
    resp = client.post("/api/v1/session", json={"username": "crew"})
    assert resp.status_code == 400 and "password" in resp.get_json()["errors"]


def test_disabled_user_loses_the_session(tickets, client, login, org):
    from fieldapp.extensions import db

    login("crew")
    assert client.get("/api/v1/tickets").status_code == 200
    org["users"]["crew"].active = False
    db.session.commit()
    assert client.get("/api/v1/tickets").status_code == 401


def test_logout_ends_the_session(tickets, client, login):
    token = login("crew")
    assert client.delete("/api/v1/session", headers={"X-CSRFToken": token}).status_code == 204
    assert client.get("/api/v1/tickets").status_code == 401
