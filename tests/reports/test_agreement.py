"""One meaning of overdue: the board's filter, the dashboard's count (SQL), the API's block and
the ticket page's marks all say what rules.clocks.overdue says, on random tickets."""

import re
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from fieldapp.board.filters import Filters, board_rows
from fieldapp.extensions import db
from fieldapp.models import Event, Reminder, Ticket
from fieldapp.reports.queries import live_counts
from fieldapp.rules import clocks
from fieldapp.services.ticket_state import to_state

MIN = timedelta(minutes=1)
# Whole minutes away from now, never 0: the requests below take well under a minute, so no
# deadline falls between the moment the test judges and the moment the app does.
offsets = (
    st.integers(min_value=1, max_value=600)
    .flatmap(lambda m: st.sampled_from((m, -m)))
    .map(lambda m: m * MIN)
)


@st.composite
def tickets(draw) -> dict:
    """A ticket row in any state: waiting, accepted, contacted, delayed, closed."""
    status = draw(st.sampled_from(("received", "accepted", "in_progress", "completed", "returned")))
    received = -draw(st.integers(min_value=1, max_value=900)) * MIN
    worked = status in ("accepted", "in_progress", "completed") or (
        status == "returned" and draw(st.booleans())
    )
    row = {
        "status": status,
        "received": received,
        "accept_by": draw(offsets),
        "resolve_by": draw(offsets),
        "accepted": worked,
        "contact_by": draw(st.one_of(st.none(), offsets)),
        "expected": draw(st.one_of(st.none(), offsets)),
    }
    return row


def _insert(team, rows: list[dict], now: datetime) -> list[Ticket]:
    made = []
    for n, r in enumerate(rows):
        closed = r["status"] in ("completed", "returned")
        t = Ticket(
            crm_id=f"AGREE-{n}",
            type="OUTAGE",
            status=r["status"],
            team=team,
            desk="operations",
            channel="phone",
            customer_name="Khách",
            content="x",
            received_at=now + r["received"],
            created_at=now + r["received"],
            accept_by=now + r["accept_by"],
            resolve_by=now + r["resolve_by"],
            contact_by=now + r["contact_by"] if r["contact_by"] else None,
            accepted_at=now + r["received"] + MIN if r["accepted"] else None,
            completed_at=now - MIN if r["status"] == "completed" else None,
            returned_at=now - MIN if r["status"] == "returned" else None,
            expected_at=now + r["expected"] if r["expected"] else None,
            delay_reason={"code": "storm", "note": ""} if r["expected"] else None,
            flags=[],
            version=1,
            updated_at=now,
        )
        assert closed == (t.completed_at is not None or t.returned_at is not None)
        made.append(t)
    db.session.add_all(made)
    db.session.commit()
    return made


def _clear() -> None:
    for model in (Event, Reminder, Ticket):
        db.session.execute(delete(model))
    db.session.commit()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=st.lists(tickets(), min_size=1, max_size=6))
def test_board_dashboard_api_and_page_agree_with_the_rules(org, client, login, rows):
    _clear()
    team, lead = org["teams"]["PC-DN-HC"], org["users"]["lead"]
    now = datetime.now(UTC)
    made = _insert(team, rows, now)
    expected = {t.id: clocks.overdue(to_state(t), now) for t in made}
    by_kind = {
        kind: {i for i, kinds in expected.items() if kind in kinds} for kind in clocks.OVERDUE_KINDS
    }

    for kind, ids in by_kind.items():
        board = board_rows(lead, team, Filters(status="all", overdue=(kind,)), now)
        assert {r.ticket.id for r in board} == ids, kind

    live = live_counts([team.id], now, now - timedelta(days=1), now + timedelta(days=1))
    counts = live.get(team.id, {})
    assert counts.get("overdue", 0) == len(by_kind["resolve"])
    assert counts.get("overdue_accept", 0) == len(by_kind["accept"])

    login("lead")
    for ticket_id, kinds in expected.items():
        body = client.get(f"/api/v1/tickets/{ticket_id}").get_json()
        assert {k for k, on in body["overdue"].items() if on} == set(kinds), body
        page = client.get(f"/tickets/{ticket_id}").get_data(as_text=True)
        header = page.split('class="card"', 1)[0]  # the ticket's head, before its sections
        assert set(re.findall(r'data-overdue="(\w+)"', header)) == set(kinds)
