"""The team leader's board: filters, overdue first, assign, transfer, extend past the limit."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.api.helpers import ago
from tests.web.conftest import reload


def in_hours(hours: int) -> str:
    """A datetime-local value (Vietnam time) some hours from now."""
    return (datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")) + timedelta(hours=hours)).strftime(
        "%Y-%m-%dT%H:%M"
    )


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
    resp = client.get(
        "/board?status=completed", headers={"HX-Request": "true", "HX-Target": "board"}
    )
    assert resp.get_data(as_text=True).lstrip().startswith('<section id="board"')


def post_row(client, ticket_id, action, token, **fields):
    return client.post(
        f"/board/tickets/{ticket_id}/{action}",
        data={"csrf_token": token, "op_id": f"op-{action}-{ticket_id}-x1", **fields},
        headers={"HX-Request": "true", "HX-Target": f"board-row-{ticket_id}"},
    )


def test_assign_and_reassign(client, login, ticket, org):
    t = ticket()
    token = login("lead")
    resp = post_row(client, t.id, "assign", token, assignee_id=str(org["users"]["crew2"].id))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and html.lstrip().startswith(f'<li id="board-row-{t.id}"')
    assert "Lê Văn Cường" in html and reload(t).assignee_id == org["users"]["crew2"].id
    resp = post_row(
        client,
        t.id,
        "assign",
        token,
        assignee_id=str(org["users"]["st_crew"].id),
        op_id="op-assign-other-team",
    )
    assert resp.status_code == 422 and "Người được giao không thuộc đội này." in resp.get_data(
        as_text=True
    )


def test_transfer_from_the_board(client, login, ticket):
    t = ticket()
    token = login("lead")
    resp = client.post(
        f"/board/tickets/{t.id}/transfer",
        data={
            "csrf_token": token,
            "op_id": "op-transfer-plain",
            "desk": "business",
            "note": "Sai loại",
            "next": "/board?desk=",
        },
    )
    assert resp.status_code == 303 and resp.location == "/board?desk="
    assert reload(t).desk == "business"


def test_the_leader_confirms_an_extension_beyond_the_limit(client, login, ticket, act):
    t = ticket()
    crew = login("crew")
    act(t.id, "accept", crew)
    informed = {"customer_informed_how": "phone", "customer_informed_at": in_hours(0)}
    for n in (1, 2):
        act(
            t.id,
            "extend",
            crew,
            reason_code="storm",
            note="Bão",
            new_eta=in_hours(2 + n),
            **informed,
        )
    refused = act(
        t.id, "extend", crew, reason_code="storm", note="Bão", new_eta=in_hours(5), **informed
    )
    assert "chỉ đội trưởng" in refused.get_data(as_text=True) and reload(t).extensions == 2
    lead = login("lead")
    html = client.get("/board").get_data(as_text=True)
    assert f'action="/board/tickets/{t.id}/extend"' in html
    resp = post_row(
        client,
        t.id,
        "extend",
        lead,
        reason_code="storm",
        note="Bão số 5",
        new_eta=in_hours(6),
        **informed,
    )
    assert resp.status_code == 200 and reload(t).extensions == 3
    assert reload(t).events[-1].data.get("leader_confirmed") is True


def assignee_options(html: str, ticket_id: int) -> list[str]:
    """The choices of a board row's "Giao cho", as shown."""
    row = re.search(rf'<li id="board-row-{ticket_id}".*?</li>', html, re.S).group(0)
    select = re.search(r'<select name="assignee_id"[^>]*>(.*?)</select>', row, re.S).group(1)
    return [
        re.sub(r"\s+", " ", o).strip()
        for o in re.findall(r"<option[^>]*>(.*?)</option>", select, re.S)
    ]


def test_giao_cho_starts_empty_and_lists_the_tickets_desk_with_open_counts(
    client, login, ticket, act
):
    held = ticket()
    act(held.id, "accept", login("crew2"))
    outage, biz = ticket(), ticket(type="NEW_SUPPLY_LV")
    login("lead")
    html = client.get("/board").get_data(as_text=True)
    assert assignee_options(html, outage.id) == [
        "— Chọn người —",
        "Lê Văn Cường · 1 phiếu đang mở",
        "Nguyễn Văn An · 0 phiếu đang mở",
    ]
    assert assignee_options(html, biz.id) == ["— Chọn người —", "Trần Thị Bình · 0 phiếu đang mở"]
    held_row = re.search(rf'<li id="board-row-{held.id}".*?</li>', html, re.S).group(0)
    assert " selected" not in held_row.split('name="assignee_id"')[1].split("</select>")[0]


def test_a_company_lands_on_all_its_teams(client, login, ticket):
    hc, st = ticket(), ticket(team="PC-DN-ST")
    ticket(team="PC-QN-HA")  # another company's
    login("company")
    html = client.get("/board").get_data(as_text=True)
    assert set(board_ids(html)) == {hc.id, st.id}
    assert "Bảng điều hành · Tất cả các đội" in html
    assert "Đội QLĐKV Sơn Trà · " in html  # each row says its team
    one = client.get("/board?team=PC-DN-ST").get_data(as_text=True)
    assert board_ids(one) == [st.id] and "Bảng điều hành · Đội QLĐKV Sơn Trà" in one
    assert set(board_ids(client.get("/board?team=all").get_data(as_text=True))) == {hc.id, st.id}


def test_a_leader_stays_on_the_team(client, login, ticket):
    hc = ticket()
    ticket(team="PC-DN-ST")
    login("lead")
    html = client.get("/board?team=all").get_data(as_text=True)
    assert board_ids(html) == [hc.id] and "Tất cả các đội" not in html


def test_chips_name_the_filters_in_force_and_take_each_off(client, login, ticket):
    ticket()
    login("lead")
    html = client.get("/board?desk=operations&flags=elderly&overdue=resolve").get_data(as_text=True)
    chips = dict(re.findall(r'<a class="chip chip-filter" href="([^"]*)"[^>]*>([^<]*) ×</a>', html))
    assert {v.strip(): k.replace("&amp;", "&") for k, v in chips.items()} == {
        "Bộ phận trực vận hành": "/board?overdue=resolve&flags=elderly",
        "Quá hạn xử lý": "/board?desk=operations&flags=elderly",
        "Người cao tuổi": "/board?desk=operations&overdue=resolve",
    }
    assert '<details class="filter-bar">' in html  # folded until opened
