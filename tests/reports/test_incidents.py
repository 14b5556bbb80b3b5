"""What leaders read per wide-area incident (DOMAIN §8), on the incident's page, on the monthly
report's page and on its "Sự cố" sheet, checked against counts made in the test from the
tickets and the incident's own times."""

import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, or_, select

from fieldapp.extensions import db
from fieldapp.models import Incident, Ticket, utcnow
from fieldapp.services.tickets import OpRequest, apply
from tests.api.helpers import ago, arrived, declare_incident
from tests.reports.conftest import TZ
from tests.reports.pages import marked, number

STATION, FEEDER = "T-17", "471-E10"


def call(new_ticket, minutes_ago: float, **customer) -> dict:
    """An outage call received (and pushed) a while ago, from a customer of its own."""
    body = {"code": f"PC03FG{uuid.uuid4().int % 10**6:06d}", "address": "7 Bạch Đằng", **customer}
    ticket = new_ticket(received_at=ago(minutes=minutes_ago).isoformat(), customer=body)
    db.session.rollback()  # a read begun before the request must not hold up the write
    arrived(ticket["id"], ago(minutes=minutes_ago))
    return ticket


def act(user, incident: Incident, action: str, at: datetime, **data):
    result = apply(
        OpRequest(uuid.uuid4().hex, None, action, at, data, incident_id=incident.id), user
    )
    assert result.status == "applied", result.error


@pytest.fixture
def storm(org, new_ticket):
    """A cluster of calls from one station, declared late; more calls join at intake, one is
    linked by hand, one came by feeder; two ETA changes (the second too late); restored."""
    lead = org["users"]["lead"]
    call(new_ticket, 40, station=STATION)  # before the power went out: not the incident's
    cluster = [call(new_ticket, m, station=STATION) for m in (14, 10, 6)]
    call(new_ticket, 5, station="T-99", feeder=FEEDER)  # the same feeder
    call(new_ticket, 5, address="3 Trần Phú")  # the same street only: proposed, not a call
    incident = declare_incident(
        lead, area="Hòa Cường, Trần Phú", station=STATION, feeder=FEEDER, started_at=ago(minutes=20)
    )
    for _ in range(2):
        call(new_ticket, 0, station=STATION)  # joins the incident at intake
    act(lead, incident, "link", utcnow(), tickets=[cluster[0]["id"]])
    now = utcnow()
    act(lead, incident, "eta", now, eta=now + timedelta(minutes=10))  # in time
    act(lead, incident, "eta", now, eta=now + timedelta(hours=1))  # within 15 min: late
    act(lead, incident, "restore", utcnow(), restored_at=ago(minutes=1))
    other = declare_incident(org["users"]["st_lead"], area="Sơn Trà, Ngô Quyền", station="S-1")
    db.session.rollback()
    return db.session.get(Incident, incident.id), db.session.get(Incident, other.id)


def expected(incident: Incident) -> dict:
    """The figures, counted here from the tickets and the incident's times."""
    linked = db.session.scalar(
        select(func.count(Ticket.id)).where(Ticket.incident_id == incident.id)
    )
    unlinked = db.session.scalar(
        select(func.count(Ticket.id)).where(
            Ticket.team_id == incident.team_id,
            Ticket.type == "OUTAGE",
            Ticket.incident_id.is_(None),
            or_(Ticket.customer_station == STATION, Ticket.customer_feeder == FEEDER),
            Ticket.received_at >= incident.started_at,
            Ticket.received_at <= incident.restored_at,
        )
    )
    return {
        "calling": linked + unlinked,
        "linked": linked,
        "report_minutes": (incident.reported_at - incident.noticed_at) // timedelta(minutes=1),
        "restore_minutes": (incident.restored_at - incident.started_at) // timedelta(minutes=1),
        "eta_changes": 2,
        "eta_changes_in_time": 1,
    }


def test_the_scenario_is_what_it_says(storm):
    incident, _ = storm
    figures = expected(incident)
    assert figures["calling"] == 6 and figures["linked"] == 3  # 2 joined + 1 linked; 2 + 1
    assert figures["report_minutes"] >= 13  # noticed at the cluster's first call
    assert incident.status == "restored" and incident.late_eta_changes == 1


def test_the_leader_reads_them_on_the_incidents_page(storm, app, login):
    incident, _ = storm
    want = expected(incident)
    for username, shown in (("lead", True), ("company", True), ("crew", False)):
        client = app.test_client()
        login(username, c=client)
        html = client.get(f"/incidents/{incident.id}").get_data(as_text=True)
        cells = {c["data"]["figure"]: c["text"] for c in marked(html) if "figure" in c["data"]}
        if not shown:
            assert cells == {}, username
            continue
        assert int(cells["calling"]) == want["calling"]
        assert int(cells["linked"]) == want["linked"]
        assert cells["time_to_report"].startswith(f"{want['report_minutes']} phút")
        assert "trễ hạn" in cells["time_to_report"]
        assert cells["time_to_restore"] == f"{want['restore_minutes']} phút"
        assert cells["eta_changes"] == "2 lần, 1 lần báo đúng hạn"
        flags = [
            c["data"]["in-time"]
            for c in marked(html)
            if "in-time" in c["data"] and "eta-changes" in c["data"]
        ]
        assert flags == ["1", "0"]


def month_of(incident: Incident) -> str:
    return incident.started_at.astimezone(TZ).strftime("%Y-%m")


def test_the_months_incidents_are_in_the_monthly_report(storm, client, login):
    incident, other = storm
    login("company")
    html = client.get(f"/reports/monthly?month={month_of(incident)}").get_data(as_text=True)
    rows: dict = {}
    for cell in marked(html):
        if "incident" in cell["data"] and "key" in cell["data"]:
            rows.setdefault(int(cell["data"]["incident"]), {})[cell["data"]["key"]] = cell
    assert set(rows) == {incident.id, other.id}
    row = rows[incident.id]
    for key, value in expected(incident).items():
        assert number(row[key]["text"]) == value, key
    assert row["reported_in_time"]["text"] == "Không"
    assert row["area"]["links"] == [f"/incidents/{incident.id}"]
    assert row["grid"]["text"] == f"{STATION} / {FEEDER}"
    assert rows[other.id]["restore_minutes"]["text"] == "—"


def test_a_leader_sees_only_the_teams_incidents_in_the_report(storm, client, login):
    incident, other = storm
    login("st_lead")
    html = client.get(f"/reports/monthly?month={month_of(incident)}").get_data(as_text=True)
    listed = {int(c["data"]["incident"]) for c in marked(html) if "incident" in c["data"]}
    assert listed == {other.id}


def test_the_workbook_has_a_sheet_of_the_months_incidents(storm, client, login):
    incident, other = storm
    login("company")
    body = client.get(f"/reports/monthly.xlsx?month={month_of(incident)}").data
    book = load_workbook(io.BytesIO(body))
    assert book.sheetnames[2] == "Sự cố" and book.sheetnames[-1] == "Ghi chú"
    sheet = book["Sự cố"]
    headers = {sheet.cell(5, c).value: c for c in range(1, sheet.max_column + 1)}
    lines = {
        sheet.cell(r, headers["Khu vực mất điện"]).value: r for r in range(6, sheet.max_row + 1)
    }
    assert set(lines) == {incident.area, other.area}
    r = lines[incident.area]
    want = expected(incident)
    for heading, key in (
        ("Khách hàng gọi", "calling"),
        ("Phiếu đã gắn", "linked"),
        ("Báo cáo sau (phút)", "report_minutes"),
        ("Khôi phục sau (phút)", "restore_minutes"),
        ("Số lần đổi giờ dự kiến", "eta_changes"),
        ("Đổi giờ báo đúng hạn", "eta_changes_in_time"),
    ):
        assert sheet.cell(r, headers[heading]).value == want[key], heading
    assert sheet.cell(r, headers["Báo cáo đúng hạn"]).value == "Không"
    started = sheet.cell(r, headers["Bắt đầu mất điện"]).value
    local = incident.started_at.astimezone(TZ).replace(tzinfo=None)
    assert abs(started - local) < timedelta(seconds=1)
    assert sheet.cell(lines[other.area], headers["Khôi phục sau (phút)"]).value is None


def test_an_incident_of_another_month_is_not_listed(storm, client, login):
    incident, _ = storm
    db.session.execute(
        db.update(Incident)
        .where(Incident.id == incident.id)
        .values(started_at=datetime(2001, 1, 5, tzinfo=UTC))
    )
    db.session.commit()
    login("lead")
    html = client.get(f"/reports/monthly?month={month_of(storm[1])}").get_data(as_text=True)
    assert not [c for c in marked(html) if "incident" in c["data"]]
    assert "Không có sự cố nào trong tháng." in html
