"""Edge cases of the definitions: a late completion's reason, and long ticket lists."""

import uuid
from datetime import UTC, datetime, timedelta

from fieldapp.extensions import db
from fieldapp.models import Ticket
from fieldapp.services.tickets import OpRequest, apply
from sync.batch import parse_op
from tests.reports.conftest import TZ, local, previous_month
from tests.reports.pages import marked, number
from tests.reports.scenarios import Scenario, build


def _month_cells(client, first, row="team:PC-DN-HC") -> dict:
    html = client.get(f"/reports/monthly?month={first:%Y-%m}").get_data(as_text=True)
    return {
        c["data"]["key"]: number(c["text"])
        for c in marked(html)
        if c["data"].get("period") == "month" and c["data"].get("row") == row and "key" in c["data"]
    }


def _op(ticket_id, user, action, at, data):
    raw = {
        "op_id": uuid.uuid4().hex,
        "ticket_id": ticket_id,
        "action": action,
        "at": at.isoformat(),
        "data": data,
    }
    result = apply(OpRequest(**parse_op(raw)), user)
    assert result.status == "applied", result.error
    return result.ticket


def test_late_without_a_recorded_reason_counts_as_other(actors, client, login):
    first = previous_month(datetime.now(UTC).astimezone(TZ).date())
    s = Scenario(
        "no_reason",
        "PC-DN-HC",
        "OUTAGE",
        "phone",
        local(first.replace(day=5), 9),
        "late",
        late_code="storm",
    )
    build([s], actors, datetime.now(UTC))
    # Rows written before reasons were required carry none: they are "other", not lost.
    db.session.get(Ticket, s.ticket_id).late_reason = None
    db.session.commit()
    login("lead")
    cells = _month_cells(client, first)
    assert (cells["completed_late"], cells["late_objective"], cells["late_other"]) == (1, 0, 1)


def test_reason_carried_from_an_extension_is_objective(actors, client, login):
    """Completed after resolve-by but within an objective extension: late, objective."""
    first = previous_month(datetime.now(UTC).astimezone(TZ).date())
    lead = actors["PC-DN-HC"]
    s = Scenario("extended", "PC-DN-HC", "OUTAGE", "phone", local(first.replace(day=5), 9), "open")
    build([s], actors, datetime.now(UTC))
    ticket = db.session.get(Ticket, s.ticket_id)
    resolve_by = ticket.resolve_by
    _op(
        s.ticket_id,
        lead,
        "extend",
        resolve_by - timedelta(minutes=30),
        {
            "reason_code": "waiting_materials",
            "note": "Chờ dây",
            "new_eta": (resolve_by + timedelta(hours=3)).isoformat(),
            "customer_informed": {"at": resolve_by.isoformat(), "how": "phone"},
        },
    )
    done = _op(
        s.ticket_id,
        lead,
        "complete",
        resolve_by + timedelta(hours=1),
        {"result": "Xong", "restored_at": resolve_by.isoformat(), "cause": "Đứt dây"},
    )
    assert done.late_resolve and done.late_reason["from_extension"]
    login("lead")
    cells = _month_cells(client, first)
    assert (cells["completed_late"], cells["late_objective"], cells["late_other"]) == (1, 1, 0)


def test_long_lists_are_paged(actors, client, login):
    now = datetime.now(UTC)
    scenarios = [
        Scenario(
            f"many_{i:02d}",
            "PC-DN-HC",
            "OUTAGE",
            "phone",
            now - timedelta(minutes=i),
            "open",
            accept=False,
        )
        for i in range(51)
    ]
    build(scenarios, actors, now)
    login("lead")
    first = client.get("/reports/tickets?bucket=open").get_data(as_text=True)
    second = client.get("/reports/tickets?bucket=open&page=2").get_data(as_text=True)
    assert first.count('class="rp-ticket"') == 50 and second.count('class="rp-ticket"') == 1
    assert "Trang 1 / 2" in first and "page=2" in first
    shown = {s.crm_id for s in scenarios if s.crm_id in first + second}
    assert len(shown) == 51
    assert "51 phiếu" in first
