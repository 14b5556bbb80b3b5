"""The counter: search by customer code, phone or name, and walk-in tickets."""

from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.models import CrmCallback, Ticket

WALKIN = {
    "type": "OUTAGE",
    "customer_name": "Lê Thị Mai",
    "customer_code": "pc03bb0000777",
    "customer_phone": "0905777888",
    "customer_address": "45 Trần Phú",
    "content": "Khách đến quầy báo mất điện",
    "walkin_id": "QAY-7KX4PM",
}


def tickets():
    db.session.rollback()
    return db.session.execute(select(Ticket)).scalars().all()


def test_a_walk_in_ticket_enters_the_queue_and_the_crm_outbox(client, login, org):
    token = login("desk")
    resp = client.post("/desk/tickets", data={**WALKIN, "csrf_token": token})
    (t,) = tickets()
    assert resp.status_code == 303 and resp.location == f"/tickets/{t.id}"
    assert t.crm_id == "QAY-7KX4PM"
    assert t.origin == "counter" and t.desk == "operations" and t.channel == "counter"
    assert t.assignee_id is None  # an outage: the duty desk's, not the clerk's
    assert t.customer_phone == "0905777888" and t.customer_name_key == "le thi mai"
    assert t.customer_code == "pc03bb0000777" and t.events[0].action == "created"
    callback = db.session.execute(select(CrmCallback)).scalar_one()
    assert callback.event == "created" and callback.payload["by"]["username"] == "desk"
    login("crew")
    assert f'id="row-{t.id}"' in client.get("/").get_data(as_text=True)


def test_sending_the_walk_in_form_twice_creates_one_ticket(client, login, org):
    token = login("desk")
    client.post("/desk/tickets", data={**WALKIN, "csrf_token": token})
    again = client.post("/desk/tickets", data={**WALKIN, "csrf_token": token})
    assert again.status_code == 303 and len(tickets()) == 1


def test_a_walk_in_form_with_gaps_names_them_and_keeps_the_rest(client, login, org):
    token = login("desk")
    form = {**WALKIN, "customer_name": "", "type": "", "csrf_token": token}
    resp = client.post("/desk/tickets", data=form)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and tickets() == []
    assert "Thông tin còn thiếu hoặc chưa hợp lệ: loại yêu cầu, tên khách hàng." in html
    assert 'value="0905777888"' in html and 'value="QAY-7KX4PM"' in html


def test_search_by_code_phone_or_name(client, login, ticket):
    t = ticket(customer={"code": "PC03AA0000009", "phone": "0905 000 111", "name": "Đỗ Thị Lan"})
    other = ticket(customer={"code": "PC03AA0000010", "phone": "0911222333"})
    ticket(
        team="PC-DN-ST",
        customer={
            "code": "PC03AA0000009",  # not visible to this team
            "name": "Đỗ Thị Lan",
        },
    )
    login("desk")
    for q in (
        "pc03aa0000009",
        "0905 000 111",
        "+84 905 000 111",
        "84905000111",
        "0905.000.111",
        "Đỗ Thị Lan",
        "do thi lan",
        "THỊ LAN",
        t.crm_id,
    ):
        html = client.get(f"/desk?q={q}").get_data(as_text=True)
        assert f"row-{t.id}" in html and f"row-{other.id}" not in html
        assert html.count('<li id="row-') == 1
    resp = client.get("/desk?q=0911222333", headers={"HX-Request": "true", "HX-Target": "results"})
    html = resp.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="results">') and f"row-{other.id}" in html


def test_the_counter_belongs_to_team_staff(client, login, org):
    login("company")
    assert client.get("/desk").status_code == 403


def test_a_walk_in_of_the_clerks_own_desk_is_theirs_and_says_so(client, login, org):
    token = login("desk")
    form = {**WALKIN, "type": "NEW_SUPPLY_LV", "csrf_token": token}
    resp = client.post("/desk/tickets", data=form, follow_redirects=True)
    (t,) = tickets()
    assert t.assignee_id == org["users"]["desk"].id and t.desk == "business"
    html = resp.get_data(as_text=True)
    assert "Đã tạo phiếu QAY-7KX4PM cho khách hàng Lê Thị Mai. Phiếu được giao cho bạn." in html
    assert "QAY-7KX4PM · Tại quầy" in html
    assert 'data-action="return"' not in html


def test_an_outage_walk_in_waits_for_the_duty_desk(client, login, org):
    token = login("desk")
    resp = client.post("/desk/tickets", data={**WALKIN, "csrf_token": token}, follow_redirects=True)
    assert "Phiếu chờ Bộ phận trực vận hành tiếp nhận." in resp.get_data(as_text=True)
    (t,) = tickets()
    login("crew")
    html = client.get(f"/tickets/{t.id}").get_data(as_text=True)
    assert 'data-action="accept"' in html and 'data-action="return"' not in html


def test_a_code_of_another_teams_ticket_is_not_taken_over(client, login, org, ticket):
    theirs = ticket(team="PC-DN-ST", crm_id="QAY-ACDEFG")
    token = login("desk")
    resp = client.post(
        "/desk/tickets", data={**WALKIN, "walkin_id": theirs.crm_id, "csrf_token": token}
    )
    assert resp.status_code == 422 and len(tickets()) == 1
    html = resp.get_data(as_text=True)
    assert "QAY-ACDEFG" not in html
