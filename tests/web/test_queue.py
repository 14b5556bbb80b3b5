"""'Việc của tôi': the open tickets of the user's desk in tabs (mine, unassigned, the whole
desk), own first, then by time left; and the user's recently completed tickets."""

import re

from tests.api.helpers import ago


def row_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<li id="row-(\d+)"', html)]


def tab_counts(html: str) -> dict[str, int]:
    """The count each tab shows, by the tab's name in the URL."""
    return {
        tab: int(n)
        for tab, n in re.findall(
            r'data-tab="(\w+)"[^>]*>\s*<span>[^<]*</span><span class="count">(\d+)</span>', html
        )
    }


def current_tab(html: str) -> str:
    return re.search(r'data-tab="(\w+)" aria-current="page"', html).group(1)


def rows_of(client, tab: str) -> list[int]:
    return row_ids(client.get(f"/?tab={tab}").get_data(as_text=True))


def accept_and_complete(act, ticket_id: int, token: str, result: str = "Đã xử lý") -> None:
    """Take the outage and close it, with the facts its completion asks for."""
    act(ticket_id, "accept", token)
    act(
        ticket_id,
        "complete",
        token,
        result=result,
        restored_at="2026-01-05T10:30",
        cause="Đứt cầu chì",
    )


def test_the_queue_holds_the_open_tickets_of_the_users_desk(client, login, ticket, act):
    outage = ticket()
    ticket(type="NEW_SUPPLY_LV")  # business desk
    ticket(team="PC-DN-ST")  # another team
    done = ticket()
    token = login("crew")
    act(done.id, "return", token, reason="not_our_area", note="Không thuộc địa bàn")
    assert row_ids(client.get("/").get_data(as_text=True)) == [outage.id]


def test_the_whole_desk_tab_shows_own_tickets_first_then_by_time_left(client, login, ticket, act):
    later = ticket()
    sooner = ticket(received_at=ago(minutes=2).isoformat())
    mine = ticket()
    token = login("crew")
    act(mine.id, "accept", token)
    assert rows_of(client, "team") == [mine.id, sooner.id, later.id]


def test_tabs_split_the_desk_by_who_holds_each_ticket(client, login, ticket, act):
    theirs, mine, free, sooner_free = (
        ticket(),
        ticket(),
        ticket(),
        ticket(received_at=ago(minutes=2).isoformat()),
    )
    ticket(type="NEW_SUPPLY_LV")  # the business desk's: in no tab of the duty crew
    ticket(team="PC-DN-ST")  # another team's
    act(theirs.id, "accept", login("crew2"))
    act(mine.id, "accept", login("crew"))
    assert rows_of(client, "mine") == [mine.id]
    assert rows_of(client, "unassigned") == [sooner_free.id, free.id]
    assert rows_of(client, "team") == [mine.id, sooner_free.id, free.id, theirs.id]
    html = client.get("/?tab=unassigned").get_data(as_text=True)
    assert tab_counts(html) == {"mine": 1, "unassigned": 2, "team": 4}
    assert current_tab(html) == "unassigned"


def test_the_crew_lands_on_its_own_tickets_or_else_on_the_unassigned(client, login, ticket, act):
    free = ticket()
    token = login("crew")
    html = client.get("/").get_data(as_text=True)
    assert current_tab(html) == "unassigned" and row_ids(html) == [free.id]
    mine = ticket()
    act(mine.id, "accept", token)
    html = client.get("/").get_data(as_text=True)
    assert current_tab(html) == "mine" and row_ids(html) == [mine.id]
    assert current_tab(client.get("/?tab=nonsense").get_data(as_text=True)) == "mine"


def test_the_page_names_every_open_ticket_of_the_desk_for_the_phone_to_keep(
    client, login, ticket, act
):
    theirs, mine, free = ticket(), ticket(), ticket()
    ticket(type="NEW_SUPPLY_LV")
    act(theirs.id, "accept", login("crew2"))
    act(mine.id, "accept", login("crew"))
    html = client.get("/").get_data(as_text=True)
    keep = re.search(r'data-keep="([\d ]*)"', html).group(1).split()
    assert sorted(map(int, keep)) == sorted([theirs.id, mine.id, free.id])


def test_recently_done_lists_the_users_last_completed_tickets_latest_first(
    client, login, ticket, act
):
    token = login("crew")
    done = []
    for _ in range(3):
        t = ticket()
        accept_and_complete(act, t.id, token)
        done.append(t.id)
    open_one = ticket()
    act(open_one.id, "accept", token)
    other = ticket()
    accept_and_complete(act, other.id, login("crew2"), result="Xong")
    login("crew")
    html = client.get("/?tab=done").get_data(as_text=True)
    assert row_ids(html) == done[::-1] and "3 phiếu bạn hoàn tất gần nhất" in html


def test_recently_done_stops_at_its_limit(client, login, ticket, act, monkeypatch):
    from fieldapp.tickets import queue

    monkeypatch.setattr(queue, "DONE_LIMIT", 2)
    token = login("crew")
    for _ in range(3):
        t = ticket()
        accept_and_complete(act, t.id, token)
    assert len(rows_of(client, "done")) == 2


def test_tabs_are_links_that_htmx_swaps_into_the_queue(client, login, ticket):
    ticket()
    login("crew")
    html = client.get("/").get_data(as_text=True)
    link = re.search(r'<a href="/\?tab=team"[^>]*>', html).group(0)
    assert 'hx-get="/?tab=team"' in link and 'hx-target="#queue"' in link
    resp = client.get("/?tab=team", headers={"HX-Request": "true", "HX-Target": "queue"})
    fragment = resp.get_data(as_text=True)
    assert fragment.lstrip().startswith('<section id="queue"') and "<html" not in fragment
    assert current_tab(fragment) == "team"


def test_rows_show_type_customer_address_badge_and_flags(client, login, ticket):
    ticket(
        customer={"name": "Cụ Lân", "birth_year": 1940, "address": "9 Hùng Vương"}, contact_count=2
    )
    login("crew")
    html = client.get("/").get_data(as_text=True)
    assert "Mất điện (sự cố, riêng lẻ)" in html and "Cụ Lân" in html and "9 Hùng Vương" in html
    assert "Người cao tuổi" in html and "Lần 2+" in html
    assert re.search(
        r'badge badge-ok[^>]*>\s*<span class="badge-kind">Hạn tiếp nhận</span>\s*'
        r'<span class="badge-time">Còn',
        html,
    )


def test_overdue_rows_say_so_in_words(client, login, ticket):
    ticket(received_at=ago(minutes=20).isoformat())
    login("crew")
    html = client.get("/").get_data(as_text=True)
    assert re.search(r"badge badge-late[^>]*>.*?Quá hạn 17 phút", html, re.S)


def test_htmx_refresh_answers_with_the_list_only(client, login, ticket):
    t = ticket()
    login("crew")
    resp = client.get("/", headers={"HX-Request": "true", "HX-Target": "queue"})
    html = resp.get_data(as_text=True)
    assert "<html" not in html and html.lstrip().startswith('<section id="queue"')
    assert f"row-{t.id}" in html and "HX-Request" in resp.headers["Vary"]


def test_history_restore_gets_the_whole_page(client, login, ticket):
    login("crew")
    resp = client.get("/", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in resp.get_data(as_text=True)


def test_company_staff_start_on_the_board(client, login, org):
    login("company")
    resp = client.get("/")
    assert resp.status_code == 302 and resp.location == "/board"
