"""On the phone, with no signal, in real Chromium: the page judges queued actions from the clocks
it carries, its badges keep counting, and a fact added to a type's spec is asked for before an
op is queued. The server stays the judge once the signal is back."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.models import Event
from tests.browser.screens import fresh, make_ticket, received_ago, sign_in
from tests.browser.test_offline import counter, queued, ready_offline
from tests.web.spec_change import SEAL_NAME, add_seal_fact


def panel(page, title, action):
    """Open an action's panel by its title; the action's form inside."""
    page.click(f"summary:has-text('{title}')")
    return page.locator(f"form[data-action={action}]")


def test_a_late_accept_queued_offline_does_not_make_the_call_late(
    page, context, live_server, org, push_ticket
):
    # Issue 16.1: the accept is late, the call 30 minutes after it is not.
    ticket = make_ticket(push_ticket, received_at=received_ago(minutes=10))
    sign_in(page, live_server, "crew")
    ready_offline(page, live_server, ticket)
    context.set_offline(True)
    accept = page.locator("form[data-action=accept]")
    accept.locator("fieldset.late select").select_option("workload")
    accept.locator("button[type=submit]").click()
    expect(queued(page, ticket)).to_have_count(1)

    contact = panel(page, "Gọi khách hàng", "contact")
    expect(contact.locator("fieldset.late")).to_be_hidden()
    contact.locator("button[value=reached]").click()
    expect(queued(page, ticket)).to_have_count(2)

    context.set_offline(False)
    expect(counter(page)).to_have_text("", timeout=20_000)
    db.session.rollback()
    events = (
        db.session.execute(select(Event).where(Event.ticket_id == ticket.id).order_by(Event.id))
        .scalars()
        .all()
    )
    assert [e.action for e in events] == ["received", "accepted", "contacted"]
    assert events[1].data["late_reason"]["code"] == "workload"
    assert "late_reason" not in events[2].data
    assert fresh(ticket).late_accept is True and fresh(ticket).late_contact is False


def test_the_contact_clock_a_queued_accept_started_runs_on_the_phone(
    page, context, live_server, org, push_ticket
):
    ticket = make_ticket(push_ticket)
    page.clock.install()
    sign_in(page, live_server, "crew")
    ready_offline(page, live_server, ticket)
    context.set_offline(True)
    page.click(f"#ticket-{ticket.id} form[data-action=accept] button")
    expect(queued(page, ticket)).to_have_count(1)
    badge = page.locator(f"#ticket-{ticket.id} .ticket-head .badge")
    expect(badge).to_contain_text("Hạn liên hệ")  # the call is next, 30 minutes after accepting
    update_late = panel(page, "Cập nhật", "update").locator("fieldset.late")
    expect(update_late).to_be_hidden()

    page.clock.fast_forward("31:00")
    expect(badge).to_contain_text("Quá hạn 1 phút")
    expect(update_late).to_be_visible()
    expect(update_late.locator("select")).to_have_attribute("required", "")
    contact = panel(page, "Gọi khách hàng", "contact")
    contact.locator("fieldset.late select").select_option("customer_absent")
    contact.locator("button[value=reached]").click()
    expect(queued(page, ticket)).to_have_count(2)
    expect(update_late).to_be_hidden()  # called: only the resolve deadline is left, 2 h out
    expect(badge).to_contain_text("Hạn xử lý")


def test_badges_keep_counting_offline(page, context, live_server, org, push_ticket):
    # Issue 16.3: the accept deadline is 3 minutes after receipt; amber under a quarter of it.
    ticket = make_ticket(push_ticket, received_at=received_ago(seconds=30))
    page.clock.install()
    sign_in(page, live_server, "crew")
    row = page.locator(f"#row-{ticket.id}")
    badge = row.locator(".badge")
    expect(badge).to_contain_text("Còn 2 phút")
    context.set_offline(True)

    page.clock.fast_forward("02:00")
    expect(badge).to_contain_text("Gấp · còn dưới 1 phút")
    expect(badge).to_have_class(re.compile(r"\bbadge-soon\b"))
    page.clock.fast_forward("01:00")
    expect(badge).to_contain_text("Quá hạn dưới 1 phút")
    expect(row).to_have_class(re.compile(r"\brow-late\b"))
    page.clock.fast_forward("05:00")
    expect(badge).to_contain_text("Quá hạn 5 phút")


def test_a_fact_added_to_the_spec_is_asked_before_queueing(
    page, context, live_server, org, push_ticket, monkeypatch
):
    add_seal_fact(monkeypatch)
    ticket = make_ticket(push_ticket)
    sign_in(page, live_server, "crew")
    ready_offline(page, live_server, ticket)
    page.click(f"#ticket-{ticket.id} form[data-action=accept] button")
    expect(page.locator(f"#ticket-{ticket.id} .status")).to_have_text("Đã tiếp nhận")
    context.set_offline(True)

    complete = panel(page, "Hoàn tất", "complete")
    seal = complete.locator("input[name=seal_no]")
    expect(complete.locator("[data-field=seal_no]")).to_contain_text("*")
    complete.locator("textarea[name=result]").fill("Đã thay cầu chì")
    complete.locator("input[name=cause]").fill("Đứt cầu chì")
    complete.locator("button[type=submit]").click()
    expect(complete.locator(".offline-error")).to_have_text(f"Hãy điền: {SEAL_NAME.capitalize()}.")
    expect(seal).to_have_attribute("aria-invalid", "true")
    assert page.evaluate("FieldOutbox.all()") == []

    seal.fill("NP-0042")
    complete.locator("button[type=submit]").click()
    expect(queued(page, ticket)).to_have_count(1)
    (done,) = page.evaluate("FieldOutbox.all()")
    assert done["data"]["seal_no"] == "NP-0042" and done["data"]["restored_at"]

    context.set_offline(False)
    expect(page.locator(f"#ticket-{ticket.id} .status")).to_have_text("Đã hoàn tất", timeout=20_000)
    assert fresh(ticket).events[-1].data["seal_no"] == "NP-0042"
