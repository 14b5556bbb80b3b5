"""A station goes dark, in real Chromium at phone size: a crew declares the incident with no
signal from the call that made a cluster, the op waits in the outbox and reaches the server
when the signal returns; the leader links the proposed calls in one tap and restores; the
crew's list empties."""

import uuid
from zoneinfo import ZoneInfo

from playwright.sync_api import expect
from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.models import AppliedOp, Incident, Ticket, utcnow
from fieldapp.services.tickets import OpRequest, apply_batch
from tests.api.helpers import declare_incident
from tests.browser.screens import fits_phone, make_ticket, received_ago, sign_in
from tests.browser.test_offline import OUTBOX

STATION = "T-5"
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def cluster_of_calls(push_ticket, crew) -> list[Ticket]:
    """Three outage calls from one station within 15 minutes, the crew has accepted them."""
    calls = [
        make_ticket(
            push_ticket,
            received_at=received_ago(minutes=m),
            customer={
                "code": f"PC03CL{m:07d}",
                "station": STATION,
                "address": f"{m} Lê Lợi, Hải Châu",
            },
        )
        for m in (12, 8, 4)
    ]
    late = {"code": "grid_incident", "note": "Mất điện cả trạm"}
    ops = [
        OpRequest(uuid.uuid4().hex, t.id, "accept", utcnow(), {"late_reason": late}) for t in calls
    ]
    assert {r.status for r in apply_batch(ops, crew).results} == {"applied"}
    return calls


def queued_incident_ops(page):
    return page.locator("[data-outbox-incidents] .outbox-op")


def declare_offline(page, context, base, calls) -> str:
    """From the call that made the cluster, the crew opens the filled-in declaration, loses
    the signal and sends it: queued on the phone. The op's id."""
    page.goto(f"{base}/tickets/{calls[-1].id}")
    page.click(".incident-banner a.button")
    page.wait_for_url(f"**/incidents?station={STATION}")
    form = page.locator("form[data-action=declare]")
    expect(form.locator("input[name=station]")).to_have_value(STATION)
    expect(form.locator("input[name=area]")).to_have_value("Lê Lợi")
    form.locator("input[name=cause]").fill("Sự cố máy biến áp")
    context.set_offline(True)
    form.locator("button[type=submit]").click()
    expect(queued_incident_ops(page)).to_have_count(1)
    expect(queued_incident_ops(page).first).to_contain_text("chờ đồng bộ")
    expect(page.locator("#sync-status .pending")).to_have_text("1 thao tác chờ đồng bộ")
    [op] = page.evaluate(OUTBOX)
    assert op["action"] == "declare"
    return op["op_id"]


def test_a_storm_declared_offline_linked_and_restored(
    browser, page, context, live_server, org, push_ticket, screenshot
):
    calls = cluster_of_calls(push_ticket, org["users"]["crew"])
    sign_in(page, live_server, "crew")
    op_id = declare_offline(page, context, live_server, calls)
    assert fits_phone(page)
    screenshot(page, "incident-declared-offline")
    db.session.rollback()
    assert db.session.scalars(select(Incident)).all() == []

    context.set_offline(False)
    expect(page.locator("#sync-status .pending")).to_have_text("", timeout=20_000)
    expect(page.locator("#incidents .row")).to_have_count(1)
    db.session.rollback()
    incident = db.session.scalars(select(Incident)).one()
    assert (incident.station, incident.cause) == (STATION, "Sự cố máy biến áp")
    assert incident.noticed_at == calls[0].received_at  # the report clock ran from 1st call
    applied = db.session.scalars(select(AppliedOp).where(AppliedOp.op_id == op_id)).one()
    assert applied.incident_id == incident.id and applied.user_id == org["users"]["crew"].id
    screenshot(page, "incidents-list")

    leader = browser.new_context(
        viewport=page.viewport_size,
        service_workers="allow",
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
    )
    try:
        lead = leader.new_page()
        sign_in(lead, live_server, "lead")
        lead.goto(f"{live_server}/incidents/{incident.id}")
        panel = lead.locator(f"#incident-{incident.id}")
        expect(panel.locator("[data-proposals] li")).to_have_count(3)
        expect(panel.locator("[data-clock=report]")).to_contain_text("Báo cáo trễ")
        screenshot(lead, "incident-proposed")
        panel.locator("form[data-action=link] button").click()
        expect(panel.locator("[data-linked] li")).to_have_count(3)
        expect(panel.locator("[data-proposals]")).to_have_count(0)
        panel.locator("summary:has-text('Đã có điện lại')").click()
        panel.locator("form[data-action=restore] button[type=submit]").click()
        expect(panel.locator(".flash")).to_contain_text("3 phiếu đã cập nhật, 0 phiếu chưa")
        expect(panel.locator(".status").first).to_have_text("Đã có điện lại")
        assert fits_phone(lead)
        screenshot(lead, "incident-restored")
    finally:
        leader.close()

    db.session.rollback()
    assert {t.status for t in db.session.scalars(select(Ticket))} == {"completed"}
    page.goto(f"{live_server}/")
    expect(page.locator("#queue")).to_contain_text("Không có phiếu nào chưa giao.")  # none left
    page.goto(f"{live_server}/tickets/{calls[0].id}")
    expect(page.locator(".incident-banner")).to_contain_text("Sự cố diện rộng")
    screenshot(page, "ticket-incident-banner")


def test_a_new_eta_sent_with_no_signal_reaches_its_incident(page, context, live_server, org):
    incident = declare_incident(org["users"]["lead"], area="Hòa Cường, Trần Phú")
    eta_before = incident.eta
    sign_in(page, live_server, "lead")
    page.goto(f"{live_server}/incidents/{incident.id}")
    context.set_offline(True)
    page.click("summary:has-text('Đổi giờ dự kiến có điện')")
    form = page.locator("form[data-action=eta]")
    form.locator("input[name=eta]").fill(
        page.evaluate("""() => {
      const at = new Date(Date.now() + 3 * 3600 * 1000);
      return new Date(at - at.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
    }""")
    )
    form.locator("textarea[name=note]").fill("Chờ thay máy biến áp")
    form.locator("button[type=submit]").click()
    expect(page.locator(f"[data-outbox-incidents='{incident.id}'] .outbox-op")).to_have_count(1)

    context.set_offline(False)
    expect(page.locator("#sync-status .pending")).to_have_text("", timeout=20_000)
    db.session.rollback()
    moved = db.session.get(Incident, incident.id)
    assert moved.eta_changes == 1 and moved.eta > eta_before
    expect(page.locator(f"#incident-{incident.id} [data-clock=eta]")).to_contain_text(
        moved.eta.astimezone(LOCAL).strftime("%H:%M")
    )
