"""The "Sự cố" screens (DOMAIN §8): declaring from the tab, an incident's page proposing the
team's outage tickets and linking them in one op, restoring, the banner on a linked ticket, and
what leaders read of an incident."""

import re
import uuid
from datetime import timedelta

from sqlalchemy import func, select

from fieldapp.extensions import db
from fieldapp.i18n import input_datetime
from fieldapp.models import AppliedOp, Event, Incident, Ticket, utcnow
from fieldapp.services.tickets import OpRequest, apply_batch
from tests.api.helpers import ago, arrived, declare_incident
from tests.reports.pages import marked

AREA = "Phường Hòa Cường, Trần Phú"  # streets: "Phường Hòa Cường", "Trần Phú"
LATE = {"code": "storm", "note": "Bão"}


def post(client, url, token, htmx_target=None, **fields):
    """Post a form of the incident screens, as a browser (or htmx, given a target) would."""
    data = {"csrf_token": token, "op_id": uuid.uuid4().hex, **fields}
    headers = {"HX-Request": "true", "HX-Target": htmx_target} if htmx_target else {}
    return client.post(url, data=data, headers=headers)


def outage(new_ticket, minutes_ago, **customer):
    """An outage call received a while ago, from a customer of its own."""
    body = {"code": f"PC03IN{uuid.uuid4().int % 10**6:06d}", "address": "7 Bạch Đằng", **customer}
    ticket = new_ticket(received_at=ago(minutes=minutes_ago).isoformat(), customer=body)
    arrived(ticket["id"], ago(minutes=minutes_ago))
    return ticket


def accept(user, tickets):
    """The crew accepted these calls (late: they arrived a while ago)."""
    ops = [
        OpRequest(uuid.uuid4().hex, t["id"], "accept", utcnow(), {"late_reason": LATE})
        for t in tickets
    ]
    assert {r.status for r in apply_batch(ops, user).results} == {"applied"}


def ids_in(html: str, marker: str) -> dict[int, str | None]:
    """The tickets listed in the section marked `marker`, with why each is proposed."""
    found = {}
    for entry in marked(html):
        if marker in entry["data"] and "ticket" in entry["data"]:
            found[int(entry["data"]["ticket"])] = entry["data"].get("why")
    return found


def hidden_ids(html: str, action: str) -> list[int]:
    form = re.search(rf'<form[^>]*data-action="{action}".*?</form>', html, re.S).group(0)
    return [int(v) for v in re.findall(r'name="tickets" value="(\d+)"', form)]


def test_the_tab_is_in_the_menu_of_crews_leaders_and_companies(app, login, org):
    for username, shown in (("crew", True), ("lead", True), ("company", True), ("desk", False)):
        client = app.test_client()
        login(username, c=client)
        html = client.get("/settings").get_data(as_text=True)
        assert ('href="/incidents"' in html) is shown, username


def test_a_crew_declares_from_the_tab_and_lands_on_the_incident(client, login, org):
    token = login("crew")
    page = client.get("/incidents").get_data(as_text=True)
    assert 'data-action="declare"' in page and 'name="area"' in page
    now = utcnow()
    resp = post(
        client,
        "/incidents/declare",
        token,
        kind="unplanned",
        area="Thôn 3, Lê Lợi",
        station="T-17",
        feeder="471-E10",
        started_at=input_datetime(ago(minutes=20)),
        cause="Cây đổ vào đường dây",
        eta=input_datetime(now + timedelta(hours=2)),
    )
    assert resp.status_code == 303, resp.get_data(as_text=True)
    incident = db.session.scalars(select(Incident)).one()
    assert resp.headers["Location"].endswith(f"/incidents/{incident.id}")
    assert (incident.area, incident.station, incident.feeder, incident.kind) == (
        "Thôn 3, Lê Lợi",
        "T-17",
        "471-E10",
        "unplanned",
    )
    assert incident.created_by == org["users"]["crew"].id
    html = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Thôn 3, Lê Lợi" in html and "Đã ghi nhận: báo sự cố." in html
    listed = client.get("/incidents").get_data(as_text=True)
    assert f'href="/incidents/{incident.id}"' in listed and 'data-clock="eta"' in listed


def test_a_declaration_missing_its_area_comes_back_open_saying_so(client, login, org):
    token = login("lead")
    resp = post(
        client,
        "/incidents/declare",
        token,
        htmx_target="section#declare",
        kind="unplanned",
        area=" ",
        started_at=input_datetime(ago(minutes=5)),
        eta=input_datetime(utcnow() + timedelta(hours=1)),
        cause="Sét đánh",
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and 'id="declare"' in html and "<html" not in html
    assert re.search(r'name="area"[^>]*aria-invalid="true"', html)
    assert 'value="Sét đánh"' in html and '<details class="action" open' in html
    assert db.session.scalar(select(func.count(Incident.id))) == 0


def test_the_page_proposes_the_teams_outage_calls_and_links_them_in_one_op(
    client, login, org, new_ticket
):
    by_station = outage(new_ticket, 20, station="T-17")
    by_street = outage(new_ticket, 10, address="9 Trần Phú, Hải Châu")
    outage(new_ticket, 90, station="T-17")  # before the power went out
    outage(new_ticket, 10, station="T-99")  # another station, another street
    new_ticket(type="SAFETY", customer={"station": "T-17"})  # not an outage
    new_ticket(team="PC-DN-ST", customer={"station": "T-17"})  # another team's
    incident = declare_incident(org["users"]["lead"], area=AREA, started_at=ago(minutes=30))
    token = login("lead")
    html = client.get(f"/incidents/{incident.id}").get_data(as_text=True)
    assert ids_in(html, "proposals") == {by_station["id"]: "station", by_street["id"]: "street"}
    assert hidden_ids(html, "link") == [by_station["id"], by_street["id"]]

    resp = post(client, f"/incidents/{incident.id}/link", token, tickets=hidden_ids(html, "link"))
    assert resp.status_code == 303
    db.session.rollback()  # see the request's commit
    linked = db.session.scalars(select(Ticket.id).where(Ticket.incident_id == incident.id))
    assert sorted(linked) == sorted([by_station["id"], by_street["id"]])
    assert (
        db.session.scalar(select(func.count(Event.id)).where(Event.action == "incident_linked"))
        == 2
    )
    ops = db.session.scalars(select(AppliedOp.action).where(AppliedOp.incident_id.is_not(None)))
    assert sorted(ops) == ["declare", "link"]  # one op for both tickets
    after = client.get(f"/incidents/{incident.id}").get_data(as_text=True)
    assert ids_in(after, "proposals") == {}
    assert set(ids_in(after, "linked")) == {by_station["id"], by_street["id"]}


def test_restoring_from_the_page_completes_what_it_can_and_says_why_not_the_rest(
    client, login, org, new_ticket
):
    worked = [outage(new_ticket, 20, station="T-17") for _ in range(2)]
    waiting = outage(new_ticket, 15, station="T-17")  # nobody accepted it
    accept(org["users"]["crew"], worked)
    incident = declare_incident(org["users"]["lead"], area=AREA, started_at=ago(minutes=30))
    token = login("lead")
    html = client.get(f"/incidents/{incident.id}").get_data(as_text=True)
    post(client, f"/incidents/{incident.id}/link", token, tickets=hidden_ids(html, "link"))
    resp = post(
        client,
        f"/incidents/{incident.id}/restore",
        token,
        htmx_target=f"section#incident-{incident.id}",
        restored_at=input_datetime(ago(minutes=2)),
        result="Đã thay dây",
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "<html" not in html
    assert "2 phiếu đã cập nhật, 1 phiếu chưa cập nhật được." in html
    left = re.search(r"Phiếu chưa cập nhật được.*?</ul>", html, re.S).group(0)
    assert f'href="/tickets/{waiting["id"]}"' in left and "tiếp nhận" in left
    db.session.rollback()
    statuses = dict(
        db.session.execute(
            select(Ticket.id, Ticket.status).where(Ticket.incident_id == incident.id)
        ).all()
    )
    assert statuses == {
        worked[0]["id"]: "completed",
        worked[1]["id"]: "completed",
        waiting["id"]: "received",
    }
    assert db.session.get(Incident, incident.id).status == "restored"
    assert 'data-action="restore"' not in html  # nothing left to do on a restored incident


def test_a_refused_action_comes_back_open_with_what_was_typed(client, login, org):
    incident = declare_incident(org["users"]["lead"], area=AREA)
    token = login("crew")
    resp = post(
        client,
        f"/incidents/{incident.id}/eta",
        token,
        eta=input_datetime(ago(minutes=30)),
        note="Lùi giờ",
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and re.search(r'name="eta"[^>]*aria-invalid="true"', html)
    assert "Lùi giờ" in html
    assert db.session.get(Incident, incident.id).eta_changes == 0


def test_a_linked_ticket_names_its_incident(client, login, org, new_ticket):
    incident = declare_incident(org["users"]["lead"], area=AREA)
    joined = new_ticket(customer={"station": "T-17"})  # joins it at intake
    login("crew")
    html = client.get(f"/tickets/{joined['id']}").get_data(as_text=True)
    banner = re.search(r'<p class="card incident-banner".*?</p>', html, re.S).group(0)
    assert f'href="/incidents/{incident.id}"' in banner and AREA in banner


def test_the_call_that_makes_a_cluster_leads_to_a_declaration_filled_in(
    client, login, org, new_ticket
):
    first = outage(new_ticket, 12, station="T-5", address="3 Lê Lợi, Hải Châu")
    outage(new_ticket, 8, station="T-5", address="40 Hùng Vương, Hải Châu")
    third = outage(new_ticket, 4, station="T-5", address="8 Lê Lợi, Hải Châu")
    assert "cluster" in third["flags"]
    login("lead")
    page = client.get(f"/tickets/{third['id']}").get_data(as_text=True)
    assert 'href="/incidents?station=T-5"' in page
    form = client.get("/incidents?station=T-5").get_data(as_text=True)
    first_call = db.session.get(Ticket, first["id"]).received_at
    assert 'name="station" value="T-5"' in form
    assert f'name="started_at" value="{input_datetime(first_call)}"' in form
    assert 'name="area" value="Lê Lợi, Hùng Vương"' in form


def test_the_page_is_read_only_for_a_company_and_hidden_from_another_team(app, login, org):
    incident = declare_incident(org["users"]["lead"], area=AREA)
    company = app.test_client()
    login("company", c=company)
    html = company.get(f"/incidents/{incident.id}").get_data(as_text=True)
    assert AREA in html and 'data-action="restore"' not in html
    other = app.test_client()
    login("st_lead", c=other)
    assert other.get(f"/incidents/{incident.id}").status_code == 404
    assert f"/incidents/{incident.id}" not in other.get("/incidents").get_data(as_text=True)
