"""The box of ops kept on the phone is one piece of markup, on a ticket and on the incidents,
naming the actions the rules let pages and phones send."""

import html as html_lib
import json
import re

from fieldapp.rules.actions import CLIENT_ACTIONS, INCIDENT_CLIENT_ACTIONS


def box_names(page: str, target: str) -> dict[str, str]:
    """The action names the outbox box of `target` carries for the offline script."""
    match = re.search(
        rf'<section class="card outbox-list" {target}="[^"]*"[^>]*'
        r'data-names="([^"]*)"',
        page,
    )
    assert match, f"no outbox box {target}"
    return json.loads(html_lib.unescape(match.group(1)))


def test_a_tickets_box_names_every_client_action_of_the_rules(client, login, ticket):
    t = ticket()
    login("crew")
    names = box_names(client.get(f"/tickets/{t.id}").get_data(as_text=True), "data-outbox-for")
    assert set(names) == set(CLIENT_ACTIONS)
    assert names["accept"] == "Tiếp nhận" and "escalate" not in names


def test_the_incidents_box_names_the_incident_actions(client, login, org):
    login("crew")
    names = box_names(client.get("/incidents").get_data(as_text=True), "data-outbox-incidents")
    assert set(names) == set(INCIDENT_CLIENT_ACTIONS)


def test_the_box_carries_what_each_rejection_code_lets_the_phone_do(client, login, ticket):
    from fieldapp.rules.rejections import REMEDIES

    t = ticket()
    login("crew")
    page = client.get(f"/tickets/{t.id}").get_data(as_text=True)
    match = re.search(r'data-outbox-for="\d+"[^>]*data-remedies="([^"]*)"', page)
    assert json.loads(html_lib.unescape(match.group(1))) == {
        code: list(offered) for code, offered in REMEDIES.items()
    }


def test_a_teammates_ticket_names_who_holds_it(client, login, ticket, act):
    t = ticket()
    act(t.id, "accept", login("crew2"))
    login("crew")
    page = client.get(f"/tickets/{t.id}").get_data(as_text=True)
    assert (
        "Phiếu này đang do Lê Văn Cường xử lý: chỉ người đó hoặc đội trưởng mới thao tác "
        "được trên phiếu."
    ) in page
    assert "Phiếu này thuộc" not in page


def test_the_other_desks_ticket_names_the_desk(client, login, ticket):
    t = ticket(type="NEW_SUPPLY_LV")
    login("crew")
    page = client.get(f"/tickets/{t.id}").get_data(as_text=True)
    assert "Phiếu này thuộc Bộ phận kinh doanh." in page
