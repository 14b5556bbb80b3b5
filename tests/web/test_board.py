"""The team leader's board: filters, overdue first, assign, transfer, extend past the limit."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.api.helpers import ago
from tests.web.conftest import reload


def in_hours(hours: int) -> str:
    """A datetime-local value (Vietnam time) some hours from now."""
    return (datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")) + timedelta(hours=hours)).strftime(
        "%Y-%m-%dT%H:%M")


def board_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<li id="board-row-(\d+)"', html)]


def test_crews_and_clerks_have_no_board(client, login, org):
    for user in ("crew", "desk"):
        login(user)
        assert client.get("/board").status_code == 403


def test_every_open_ticket_of_the_team_overdue_first(client, login, ticket):
    fresh = ticket()
    biz = ticket(type="NEW_SUPPLY_LV")
    late = ticket(received_at=ago(hours=3).isoformat())
    ticket(team="PC-DN-ST")
    login("lead")
    ids = board_ids(client.get("/board").get_data(as_text=True))
    assert ids[0] == late.id and set(ids) == {fresh.id, biz.id, late.id}


def test_filters(client, login, ticket):
    fresh = ticket(customer={"important": True})
    biz = ticket(type="NEW_SUPPLY_LV")
    late = ticket(received_at=ago(hours=3).isoformat())
    login("lead")
    assert board_ids(client.get("/board?desk=business").get_data(as_text=True)) == [biz.id]
    assert board_ids(client.get("/board?overdue=resolve").get_data(as_text=True)) == [late.id]
    assert board_ids(client.get("/board?flags=important").get_data(as_text=True)) == [fresh.id]
    today = board_ids(client.get("/board?due_today=1").get_data(as_text=True))
    local = ZoneInfo("Asia/Ho_Chi_Minh")
    fresh_due_today = fresh.resolve_by.astimezone(local).date() == datetime.now(local).date()
    assert biz.id not in today and (fresh.id in today) == fresh_due_today
    resp = client.get("/board?status=completed", headers={"HX-Request": "true",
                                                           "HX-Target": "board"})
    assert resp.get_data(as_text=True).lstrip().startswith('<section id="board">')


def post_row(client, ticket_id, action, token, **fields):
    return client.post(f"/board/tickets/{ticket_id}/{action}",
                       data={"csrf_token": token, "op_id": f"op-{action}-{ticket_id}-x1",
                             **fields},
                       headers={"HX-Request": "true", "HX-Target": f"board-row-{ticket_id}"})


def test_assign_and_reassign(client, login, ticket, org):
    t = ticket()
    token = login("lead")
    resp = post_row(client, t.id, "assign", token, assignee_id=str(org["users"]["crew2"].id))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and html.lstrip().startswith(f'<li id="board-row-{t.id}"')
    assert "Lê Văn Cường" in html and reload(t).assignee_id == org["users"]["crew2"].id
    resp = post_row(client, t.id, "assign", token, assignee_id=str(org["users"]["st_crew"].id),
                    op_id="op-assign-other-team")
    assert resp.status_code == 422 and "Người được giao không thuộc đội này." in resp.get_data(
        as_text=True)


def test_transfer_from_the_board(client, login, ticket):
    t = ticket()
    token = login("lead")
    resp = client.post(f"/board/tickets/{t.id}/transfer",
                       data={"csrf_token": token, "op_id": "op-transfer-plain",
                             "desk": "business", "note": "Sai loại", "next": "/board?desk="})
    assert resp.status_code == 303 and resp.location == "/board?desk="
    assert reload(t).desk == "business"


def test_the_leader_confirms_an_extension_beyond_the_limit(client, login, ticket, act):
    t = ticket()
    crew = login("crew")
    act(t.id, "accept", crew)
    informed = {"customer_informed_how": "phone", "customer_informed_at": in_hours(0)}
    for n in (1, 2):
        act(t.id, "extend", crew, reason_code="storm", note="Bão", new_eta=in_hours(2 + n),
            **informed)
    refused = act(t.id, "extend", crew, reason_code="storm", note="Bão", new_eta=in_hours(5),
                  **informed)
    assert "chỉ đội trưởng" in refused.get_data(as_text=True) and reload(t).extensions == 2
    lead = login("lead")
    html = client.get("/board").get_data(as_text=True)
    assert f'action="/board/tickets/{t.id}/extend"' in html
    resp = post_row(client, t.id, "extend", lead, reason_code="storm", note="Bão số 5",
                    new_eta=in_hours(6), **informed)
    assert resp.status_code == 200 and reload(t).extensions == 3
    assert reload(t).events[-1].data.get("leader_confirmed") is True
