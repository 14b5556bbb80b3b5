"""'Việc của tôi' in tabs on a 360×740 phone: the crew lands on its own tickets, the tabs swap
in place and work as plain links too, and with no signal the phone shows the tab it kept."""

import re

from playwright.sync_api import expect

from tests.api.helpers import batch, op
from tests.browser.screens import fits_phone, make_ticket, open_controlled, sign_in


def tab(page, name):
    return page.locator(f"nav.tabs a[data-tab={name}]")


def rows(page):
    return page.locator("#queue .rows > li")


def crew_desk(push_ticket, client, login):
    """The duty desk: one ticket the crew holds, two nobody holds, one a teammate holds."""
    mine, free, free2, theirs = (
        make_ticket(push_ticket, customer={"name": name})
        for name in ("Cụ Lân", "Bà Hoa", "Ông Tư", "Chị Mai")
    )
    for user, ticket in (("crew", mine), ("crew2", theirs)):
        token = login(user)
        answer = client.post(
            "/api/v1/sync", headers={"X-CSRFToken": token}, json=batch(op(ticket.id, "accept"))
        )
        assert answer.get_json()["results"][0]["status"] == "applied"
    return mine, free, free2, theirs


def test_the_crew_lands_on_its_own_tickets_and_moves_between_tabs(
    page, live_server, org, push_ticket, client, login, screenshot
):
    mine, free, free2, theirs = crew_desk(push_ticket, client, login)
    sign_in(page, live_server, "crew")
    expect(tab(page, "mine")).to_have_attribute("aria-current", "page")
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_have_id(f"row-{mine.id}")
    for name, count in (("mine", "1"), ("unassigned", "2"), ("team", "4")):
        expect(tab(page, name).locator(".count")).to_have_text(count)
    assert fits_phone(page)
    screenshot(page, "queue-mine")

    tab(page, "unassigned").click()
    expect(page).to_have_url(re.compile(r"/\?tab=unassigned$"))
    expect(tab(page, "unassigned")).to_have_attribute("aria-current", "page")
    expect(rows(page)).to_have_count(2)
    expect(page.locator("#queue .rows")).not_to_contain_text("Cụ Lân")
    screenshot(page, "queue-unassigned")

    tab(page, "team").click()
    expect(rows(page)).to_have_count(4)
    expect(rows(page).first).to_have_id(f"row-{mine.id}")  # own first
    expect(page.locator(f"#row-{theirs.id}")).to_contain_text("Lê Văn Cường")
    assert fits_phone(page)
    screenshot(page, "queue-team")

    tab(page, "done").click()
    expect(page.locator("#queue")).to_contain_text("Bạn chưa hoàn tất phiếu nào.")
    for name in ("mine", "unassigned", "team", "done"):  # a thumb's tap target
        assert tab(page, name).bounding_box()["height"] >= 44


def test_tabs_work_without_javascript(browser, live_server, org, push_ticket, client, login):
    mine, free, free2, theirs = crew_desk(push_ticket, client, login)
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, java_script_enabled=False, locale="vi-VN"
    )
    try:
        page = context.new_page()
        sign_in(page, live_server, "crew")
        tab(page, "unassigned").click()
        page.wait_for_url(re.compile(r"/\?tab=unassigned$"))
        expect(tab(page, "unassigned")).to_have_attribute("aria-current", "page")
        expect(rows(page)).to_have_count(2)
    finally:
        context.close()


def test_with_no_signal_the_kept_default_tab_and_the_desks_tickets_open(
    page, context, live_server, org, push_ticket, client, login, screenshot
):
    mine, free, free2, theirs = crew_desk(push_ticket, client, login)
    sign_in(page, live_server, "crew")
    open_controlled(page, f"{live_server}/")
    expect(page.locator("#sync-status .synced")).to_contain_text("Đã đồng bộ lúc")
    context.set_offline(True)

    tab(page, "team").click()  # no signal: a plain navigation, answered from the kept pages
    page.wait_for_url(re.compile(r"/\?tab=team$"))
    expect(tab(page, "mine")).to_have_attribute("aria-current", "page")
    expect(rows(page)).to_have_count(1)
    screenshot(page, "queue-offline")

    page.goto(f"{live_server}/tickets/{free.id}")  # a ticket of the desk nobody holds yet
    expect(page.locator(f"#ticket-{free.id}")).to_contain_text("Bà Hoa")
