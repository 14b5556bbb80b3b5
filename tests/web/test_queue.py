"""'Việc của tôi': the open tickets of the user's desk, own first, then by time left."""

import re

from tests.api.helpers import ago


def row_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<li id="row-(\d+)"', html)]


def test_the_queue_holds_the_open_tickets_of_the_users_desk(client, login, ticket, act):
    outage = ticket()
    ticket(type="NEW_SUPPLY_LV")  # business desk
    ticket(team="PC-DN-ST")  # another team
    done = ticket()
    token = login("crew")
    act(done.id, "return", token, reason="not_our_area", note="Không thuộc địa bàn")
    assert row_ids(client.get("/").get_data(as_text=True)) == [outage.id]


def test_own_tickets_first_then_by_time_left(client, login, ticket, act):
    later = ticket()
    sooner = ticket(received_at=ago(minutes=2).isoformat())
    mine = ticket()
    token = login("crew")
    act(mine.id, "accept", token)
    assert row_ids(client.get("/").get_data(as_text=True)) == [mine.id, sooner.id, later.id]


def test_rows_show_type_customer_address_badge_and_flags(client, login, ticket):
    ticket(customer={"name": "Cụ Lân", "birth_year": 1940, "address": "9 Hùng Vương"},
           contact_count=2)
    login("crew")
    html = client.get("/").get_data(as_text=True)
    assert "Mất điện (sự cố, riêng lẻ)" in html and "Cụ Lân" in html and "9 Hùng Vương" in html
    assert "Người cao tuổi" in html and "Lần 2+" in html
    assert re.search(r'badge badge-ok[^>]*>\s*<span class="badge-kind">Hạn tiếp nhận</span>\s*'
                     r'<span class="badge-time">Còn', html)


def test_overdue_rows_say_so_in_words(client, login, ticket):
    ticket(received_at=ago(minutes=20).isoformat())
    login("crew")
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'badge badge-late[^>]*>.*?Quá hạn 17 phút', html, re.S)


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
