"""A rejected offline action on a 360×740 phone: counted once, resent only where it can pass,
discarded only once the user confirms, and a teammate's ticket says who holds it."""

from playwright.sync_api import expect

from tests.api.helpers import batch, op
from tests.browser.screens import fits_phone, make_ticket, sign_in
from tests.browser.test_offline import OUTBOX, counter, queued, ready_offline


def test_an_accept_refused_because_a_teammate_now_holds_the_ticket(
    page, context, live_server, org, push_ticket, client, login, screenshot
):
    ticket = make_ticket(push_ticket, customer={"name": "Cụ Lân"})
    sign_in(page, live_server, "crew")
    ready_offline(page, live_server, ticket)
    context.set_offline(True)
    page.click(f"#ticket-{ticket.id} form[data-action=accept] button")
    expect(queued(page, ticket)).to_have_count(1)
    expect(counter(page)).to_have_text("1 thao tác chờ đồng bộ")

    token = login("lead")  # meanwhile the leader gives the ticket to the crew's teammate
    crew2 = org["users"]["crew2"].id
    answer = client.post(
        "/api/v1/sync",
        headers={"X-CSRFToken": token},
        json=batch(op(ticket.id, "assign", {"assignee_id": crew2})),
    )
    assert answer.get_json()["results"][0]["status"] == "applied"

    context.set_offline(False)
    rejected = page.locator(".outbox-rejected")
    expect(rejected).to_contain_text("Phiếu này đang do người khác xử lý", timeout=20_000)
    expect(counter(page)).to_have_text("1 thao tác bị từ chối")  # once, not also as waiting
    expect(rejected.locator("button:has-text('Gửi lại')")).to_have_count(0)
    expect(rejected.locator("button:has-text('Sửa')")).to_have_count(0)
    note = page.locator("[data-kept-from=assignee]")  # the page the server now answers
    expect(note).to_have_text(
        "Phiếu này đang do Lê Văn Cường xử lý: chỉ người đó hoặc đội "
        "trưởng mới thao tác được trên phiếu."
    )
    # Refused for good, the accept no longer starts the call's clock on the phone.
    expect(page.locator(f"#ticket-{ticket.id} .ticket-head .badge")).to_contain_text(
        "Hạn tiếp nhận"
    )
    assert fits_phone(page)
    screenshot(page, "rejected-held-by-teammate")

    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    rejected.locator("button:has-text('Bỏ thao tác')").click()
    expect(rejected).to_have_count(1)  # the user said no: it stays
    assert asked and "Tiếp nhận" in asked[0] and "không được gửi" in asked[0]
    assert [o["status"] for o in page.evaluate(OUTBOX)] == ["rejected"]

    page.once("dialog", lambda dialog: dialog.accept())
    rejected.locator("button:has-text('Bỏ thao tác')").click()
    expect(rejected).to_have_count(0)
    expect(counter(page)).to_have_text("")
    assert page.evaluate("FieldOutbox.all()") == []
