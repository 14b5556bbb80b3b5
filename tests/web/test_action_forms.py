"""Action forms drawn from their actions' specs: what a ticket needs is shown and marked up front,
the badges carry what the phone needs to keep them ticking, and one spec change reaches the
form, the API and the rules."""

import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.api.helpers import ago, batch, op
from tests.web.conftest import reload
from tests.web.spec_change import SEAL_NAME, add_seal_fact

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
FIXED_FACTS = {
    "result": "Đã thay cầu chì",
    "restored_at": "2026-01-05T10:30",
    "cause": "Đứt cầu chì",
}


def local_input(hours: int) -> str:
    """A datetime-local value (Vietnam time) some hours from now."""
    return (datetime.now(LOCAL) + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def form_of(html: str, action: str) -> str:
    """The markup of one action form of a page."""
    return re.search(rf'<form [^>]*data-action="{action}".*?</form>', html, re.S).group(0)


def control(form: str, name: str) -> str:
    """The opening tag of the control named `name`."""
    return re.search(rf'<(?:input|select|textarea)[^>]*name="{name}"[^>]*>', form).group(0)


def accepted_page(client, login, ticket, act, user="crew", **overrides):
    t = ticket(**overrides)
    token = login(user)
    act(t.id, "accept", token)
    return t, token, client.get(f"/tickets/{t.id}").get_data(as_text=True)


def test_required_fields_are_marked_up_front(client, login, ticket, act):
    _, _, html = accepted_page(client, login, ticket, act)
    complete = form_of(html, "complete")
    for name in ("result", "restored_at", "cause"):  # the outage's result and facts
        tag = control(complete, name)
        assert 'aria-required="true"' in tag and not re.search(r"\srequired\b", tag)
    assert complete.count('class="req"') == 3
    assert 'name="meter_serial"' not in complete  # another type's fact
    assert 'name="customer_confirmed"' not in complete  # no special customer here
    assert 'aria-required="true"' in control(form_of(html, "update"), "note")
    assert "aria-required" not in control(form_of(html, "update"), "photos")
    spec = json.loads(re.search(r"data-spec='([^']+)'", complete).group(1))
    assert spec["required"] == ["cause", "restored_at", "result"]


def test_a_special_customer_s_confirmation_is_asked_as_a_contact(client, login, ticket, act):
    # DOMAIN §7: the confirmation is a contact with the customer after the work, not a box.
    _, _, html = accepted_page(client, login, ticket, act, customer={"birth_year": 1940})
    complete = form_of(html, "complete")
    assert 'name="customer_confirmed"' not in complete
    assert "Khách hàng cần tự xác nhận" in complete


def test_completion_times_start_at_now_and_dates_at_today(client, login, ticket, act):
    _, _, html = accepted_page(client, login, ticket, act)
    value = re.search(r'value="([^"]*)"', control(form_of(html, "complete"), "restored_at"))
    now = datetime.now(LOCAL).replace(tzinfo=None)
    assert abs(datetime.fromisoformat(value.group(1)) - now) < timedelta(minutes=2)
    _, _, html = accepted_page(client, login, ticket, act, user="desk", type="NEW_SUPPLY_LV")
    complete = form_of(html, "complete")
    today = datetime.now(LOCAL).date().isoformat()
    assert f'value="{today}"' in control(complete, "energised_on")
    assert 'value=""' in control(complete, "meter_serial")


def test_a_refused_board_form_comes_back_open_with_what_was_typed(client, login, ticket, act):
    t = ticket()
    crew = login("crew")
    act(t.id, "accept", crew)
    for hours in (3, 4):  # the two extensions an outage may have
        act(
            t.id,
            "extend",
            crew,
            reason_code="storm",
            note="Bão",
            new_eta=local_input(hours),
            customer_informed_how="phone",
            customer_informed_at=local_input(0),
        )
    assert reload(t).extensions == 2
    lead = login("lead")
    resp = client.post(
        f"/board/tickets/{t.id}/extend",
        data={
            "csrf_token": lead,
            "op_id": "op-board-extend-1",
            "reason_code": "storm",
            "note": "Bão số 5",
        },
        headers={"HX-Request": "true", "HX-Target": f"board-row-{t.id}"},
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and '<details class="action" open>' in html
    extend = form_of(html, "extend")
    assert 'aria-invalid="true"' in control(extend, "new_eta")
    assert "Bão số 5</textarea>" in extend
    assert re.search(r'<option value="storm" selected>', extend)


def test_badges_carry_their_window_and_never_say_zero_minutes(client, login, ticket):
    soon = ticket(received_at=ago(minutes=2, seconds=40).isoformat())
    ticket(received_at=ago(minutes=3, seconds=20).isoformat())
    login("crew")
    html = client.get("/").get_data(as_text=True)
    assert "Gấp · còn dưới 1 phút" in html and "Quá hạn dưới 1 phút" in html
    assert not re.search(r"\b0 phút", html)
    badge = re.search(rf'<li id="row-{soon.id}".*?<span class="badge [^>]*>', html, re.S)
    assert f'data-until="{soon.accept_by.isoformat()}"' in badge.group(0)
    assert f'data-start="{soon.received_at.isoformat()}"' in badge.group(0)
    texts = json.loads(re.search(r'<meta name="clock-texts" content=\'([^\']+)\'>', html)[1])
    assert texts["soon_share"] == 0.25 and texts["under_minute"] == "dưới 1 phút"


def sync_complete(client, token, ticket_id, **data):
    answer = client.post(
        "/api/v1/sync", headers={"X-CSRFToken": token}, json=batch(op(ticket_id, "complete", data))
    )
    return answer.get_json()["results"][0]


def test_one_spec_change_reaches_the_form_the_api_and_the_rules(
    client, login, ticket, act, monkeypatch
):
    add_seal_fact(monkeypatch)
    facts = {**FIXED_FACTS, "restored_at": datetime.now(LOCAL).isoformat()}
    t, token, html = accepted_page(client, login, ticket, act)
    complete = form_of(html, "complete")
    assert 'aria-required="true"' in control(complete, "seal_no")
    assert f'<span class="field-name">{SEAL_NAME.capitalize()}</span>' in complete

    malformed = sync_complete(client, token, t.id, **facts, seal_no="x" * 21)
    assert malformed["status"] == "rejected" and malformed["error"]["fields"] == ["seal_no"]
    missing = sync_complete(client, token, t.id, **facts)
    assert missing["error"]["code"] == "completion_blocked"
    assert missing["error"]["fields"] == ["seal_no"] and SEAL_NAME in missing["error"]["message"]
    refused = act(t.id, "complete", token, target=f"ticket-{t.id}", **FIXED_FACTS)
    assert refused.status_code == 422
    assert 'aria-invalid="true"' in control(refused.get_data(as_text=True), "seal_no")

    done = sync_complete(client, token, t.id, **facts, seal_no="NP-0042")
    assert done["status"] == "applied" and reload(t).status == "completed"
    assert reload(t).events[-1].data["seal_no"] == "NP-0042"
