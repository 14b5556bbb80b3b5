"""Wide-area incidents through the CONTRACT: declare, link in one batch, move the ETA,
restore (each completable ticket completed once, the rest listed with why), scoped to the
team."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from fieldapp.extensions import db
from fieldapp.models import CrmCallback, Event, Incident, Reminder, Ticket
from tests.api.helpers import ago, arrived, batch, op

LATE = {"code": "storm", "note": "Bão"}


def incident_op(incident_id, action, data=None, at=None, op_id=None) -> dict:
    """An op whose target is an incident (CONTRACT)."""
    return {
        "op_id": op_id or uuid.uuid4().hex,
        "incident_id": incident_id,
        "action": action,
        "at": (at or datetime.now(UTC)).isoformat(),
        "data": data or {},
    }


def declare(app, login, username, **body):
    """POST /api/v1/incidents as the user, from a client of its own; the response."""
    client = app.test_client()
    token = login(username, c=client)
    now = datetime.now(UTC)
    payload = {
        "team": "PC-DN-HC",
        "kind": "unplanned",
        "area": "Phường Hòa Cường, Lê Lợi",
        "station": "T-17",
        "started_at": (now - timedelta(minutes=20)).isoformat(),
        "cause": "Cây đổ vào đường dây",
        "eta": (now + timedelta(hours=2)).isoformat(),
        **body,
    }
    return client.post("/api/v1/incidents", json=payload, headers={"X-CSRFToken": token})


def outages(new_ticket, n, minutes_ago=30, **customer):
    """n outage calls of different customers, received (and pushed) a while ago."""
    made = [
        new_ticket(
            received_at=ago(minutes=minutes_ago).isoformat(),
            customer={"code": f"PC03ST{i:06d}", **customer},
        )
        for i in range(n)
    ]
    for t in made:
        arrived(t["id"], ago(minutes=minutes_ago))
    return made


def test_a_crew_declares_and_the_crm_and_leaders_hear(login, org, app):
    resp = declare(app, login, "lead")
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert (body["team"], body["status"], body["kind"]) == ("PC-DN-HC", "open", "unplanned")
    assert body["clocks"]["reported_in_time"] is True and body["clocks"]["complete"] is True
    [callback] = db.session.scalars(select(CrmCallback)).all()
    assert callback.event == "incident_reported" and callback.stream == f"incident:{body['id']}"
    assert callback.payload["incident_id"] == body["id"]
    told = db.session.scalars(
        select(Reminder).where(
            Reminder.incident_id == body["id"], Reminder.kind == "incident_declared"
        )
    )
    assert told.one().audience == "leader,company"


def test_declaring_names_every_bad_field(login, org, app):
    resp = declare(app, login, "crew", area="", eta=ago(hours=1).isoformat())
    assert resp.status_code == 400 and set(resp.get_json()["errors"]) >= {"area"}
    assert declare(app, login, "desk", area="x").status_code == 403
    assert db.session.scalar(select(func.count(Incident.id))) == 0


def test_link_two_hundred_tickets_in_one_batch(client, login, new_ticket, sync, app):
    tickets = outages(new_ticket, 200)
    send = sync("lead")
    incident = declare(app, login, "lead").get_json()
    [result] = send(incident_op(incident["id"], "link", {"tickets": [t["id"] for t in tickets]}))
    assert result["status"] == "applied" and result["left_open"] == []
    linked = db.session.scalars(select(Ticket.incident_id).where(Ticket.incident_id.is_not(None)))
    assert len(linked.all()) == 200
    events = db.session.scalar(
        select(func.count(Event.id)).where(Event.action == "incident_linked")
    )
    assert events == 200
    read = client.get(f"/api/v1/incidents/{incident['id']}").get_json()
    assert sorted(read["tickets"]) == sorted(t["id"] for t in tickets)


def test_restore_completes_each_ticket_it_can_once_and_lists_the_rest(
    client, login, new_ticket, sync, app
):
    worked = outages(new_ticket, 3, minutes_ago=180)  # past their 2 hours: late
    waiting = outages(new_ticket, 1)[0]  # never accepted
    elderly = outages(new_ticket, 1, birth_year=1940)[0]  # must confirm herself
    send = sync("lead")
    for t in [*worked, elderly]:
        send(
            op(t["id"], "accept", {"late_reason": LATE}),
            op(t["id"], "contact", {"outcome": "reached", "late_reason": LATE}),
        )
    incident = declare(app, login, "lead").get_json()
    ids = [t["id"] for t in [*worked, waiting, elderly]]
    send(incident_op(incident["id"], "link", {"tickets": ids}))
    restore = incident_op(
        incident["id"],
        "restore",
        {"restored_at": ago(minutes=1).isoformat(), "result": "Đã thay cột"},
    )
    [result] = send(restore)
    assert result["status"] == "applied"
    left = {r["ticket_id"]: r["code"] for r in result["left_open"]}
    assert left == {waiting["id"]: "completion_blocked", elderly["id"]: "completion_blocked"}
    db.session.rollback()
    done = db.session.scalars(select(Ticket).where(Ticket.id.in_([t["id"] for t in worked])))
    for ticket in done:
        assert ticket.status == "completed" and ticket.late_reason["code"] == "grid_incident"
    completed = db.session.scalar(
        select(func.count(CrmCallback.id)).where(CrmCallback.event == "completed")
    )
    assert completed == 3
    [again] = send(restore)  # the phone did not hear the answer: it resends
    assert again["status"] == "duplicate"
    assert (
        db.session.scalar(
            select(func.count(CrmCallback.id)).where(CrmCallback.event == "completed")
        )
        == 3
    )


def test_a_customer_who_called_again_stays_open(client, login, new_ticket, sync, app):
    [first] = outages(new_ticket, 1)
    send = sync("lead")
    send(
        op(first["id"], "accept", {"late_reason": LATE}),
        op(first["id"], "contact", {"outcome": "reached", "late_reason": LATE}),
    )
    incident = declare(app, login, "lead").get_json()
    send(incident_op(incident["id"], "link", {"tickets": [first["id"]]}))
    new_ticket(customer={"code": "PC03ST000000"})  # the same customer calls again, now
    [result] = send(
        incident_op(incident["id"], "restore", {"restored_at": ago(minutes=5).isoformat()})
    )
    assert [r["code"] for r in result["left_open"]] == ["still_without_power"]


def test_a_new_eta_moves_every_linked_ticket_and_tells_the_crm_once_each(
    client, login, new_ticket, sync, app
):
    tickets = outages(new_ticket, 4)
    send = sync("lead")
    incident = declare(app, login, "lead").get_json()
    send(incident_op(incident["id"], "link", {"tickets": [t["id"] for t in tickets]}))
    eta = datetime.now(UTC) + timedelta(hours=5)
    [result] = send(incident_op(incident["id"], "eta", {"eta": eta.isoformat()}))
    assert result["status"] == "applied"
    db.session.rollback()
    for ticket in db.session.scalars(select(Ticket).where(Ticket.incident_id.is_not(None))):
        assert abs(ticket.expected_at - eta) < timedelta(seconds=1) and ticket.extensions == 0
    extended = db.session.scalar(
        select(func.count(CrmCallback.id)).where(CrmCallback.event == "extended")
    )
    assert extended == 4
    event = db.session.scalars(select(CrmCallback).where(CrmCallback.event == "incident_eta")).one()
    assert event.payload["data"]["in_time"] is True


def test_another_team_can_neither_see_nor_touch_the_incident(login, sync, app, org):
    incident = declare(app, login, "crew").get_json()
    other = app.test_client()
    login("st_crew", c=other)
    assert other.get(f"/api/v1/incidents/{incident['id']}").status_code == 404
    assert other.get("/api/v1/incidents").get_json()["incidents"] == []
    [refused] = sync("st_crew", c=other)(incident_op(incident["id"], "update", {"note": "x"}))
    assert refused["status"] == "rejected" and refused["error"]["code"] == "not_allowed"


def test_outage_tickets_of_the_incidents_station_join_it_at_intake(login, new_ticket, app):
    incident = declare(app, login, "crew").get_json()
    joined = new_ticket(customer={"station": "T-17"})
    elsewhere = new_ticket(customer={"station": "T-99"})
    assert joined["incident_id"] == incident["id"] and elsewhere["incident_id"] is None


def test_a_cluster_of_calls_alerts_the_leader_and_starts_the_report_clock(
    client, login, new_ticket, app
):
    first = new_ticket(received_at=ago(minutes=12).isoformat(), customer={"station": "T-5"})
    new_ticket(received_at=ago(minutes=8).isoformat(), customer={"station": "T-5"})
    third = new_ticket(received_at=ago(minutes=4).isoformat(), customer={"station": "T-5"})
    assert "cluster" in third["flags"] and "cluster" not in first["flags"]
    assert "cluster_alert" in {r["kind"] for r in third["reminders"]}
    body = declare(app, login, "crew", station="T-5").get_json()
    assert body["noticed_at"] == first["received_at"]
    assert body["clocks"]["reported_in_time"] is False  # 12 minutes after the first call


def test_declared_offline_as_a_sync_op(sync, org):
    now = datetime.now(UTC)
    data = {
        "kind": "unplanned",
        "area": "Thôn 3",
        "started_at": ago(minutes=3).isoformat(),
        "eta": (now + timedelta(hours=1)).isoformat(),
    }
    declare_op = {
        "op_id": uuid.uuid4().hex,
        "action": "declare",
        "at": now.isoformat(),
        "data": data,
    }
    send = sync("crew")
    [result] = send(declare_op)
    assert result["status"] == "applied" and result["incident_id"]
    assert send(declare_op)[0]["status"] == "duplicate"
    assert db.session.scalar(select(func.count(Incident.id))) == 1


def test_a_ticket_op_cannot_name_an_incident(sync, new_ticket):
    ticket = new_ticket()
    bad = op(ticket["id"], "accept")
    bad["incident_id"] = 1
    [refused] = sync("crew")(bad)
    assert refused["error"]["code"] == "invalid"


def test_the_batch_response_carries_each_touched_ticket_once(client, login, new_ticket, app):
    tickets = outages(new_ticket, 3)
    incident = declare(app, login, "lead").get_json()
    token = login("lead")
    resp = client.post(
        "/api/v1/sync",
        headers={"X-CSRFToken": token},
        json=batch(incident_op(incident["id"], "link", {"tickets": [t["id"] for t in tickets]})),
    )
    body = resp.get_json()
    assert sorted(t["id"] for t in body["tickets"]) == sorted(t["id"] for t in tickets)
    assert [i["id"] for i in body["incidents"]] == [incident["id"]]
