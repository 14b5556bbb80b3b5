"""The monthly report on a 360×740 phone: a card per team, taps of at least 44 px, and the
month leaders read in a month's first days."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from fieldapp.rules.reporting import default_report_month
from tests.browser.conftest import SCREENSHOTS
from tests.browser.screens import fits_phone, make_ticket, sign_in

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
TAP = 44

# Visible tap targets of the report smaller than a finger, as "tag text: w×h".
SMALL_TARGETS = """(min) => [...document.querySelectorAll(
    '.rp a, .rp button, .rp input, .rp select, .rp summary')]
  .filter(el => el.offsetParent !== null)
  .map(el => [el, el.getBoundingClientRect()])
  .filter(([el, r]) => r.height < min)
  .map(([el, r]) => `${el.tagName} ${el.textContent.trim()}: ${r.width}×${r.height}`)"""

# Tables wider than their box (a sideways scroll).
SCROLLING = """() => [...document.querySelectorAll('.rp-scroll')]
  .filter(box => box.scrollWidth > box.clientWidth + 1).length"""


def test_monthly_report_is_a_card_per_team_on_a_phone(
    page, live_server, org, push_ticket, screenshot
):
    make_ticket(push_ticket, team="PC-DN-HC")
    make_ticket(push_ticket, team="PC-DN-ST")
    sign_in(page, live_server, "company")
    today = datetime.now(UTC).astimezone(LOCAL).date()

    page.goto(f"{live_server}/reports/monthly")
    year, month = default_report_month(today)
    expect(page.locator("h1")).to_contain_text(f"{month:02d}/{year}")
    expect(page.locator("input[name=month]")).to_have_value(f"{year}-{month:02d}")

    page.goto(f"{live_server}/reports/monthly?month={today:%Y-%m}")
    period = page.locator("#period-month")
    first = period.locator("table.rp-cardable").first
    cards = first.locator("tbody tr")
    expect(cards).to_have_count(3)  # two teams and the total
    assert fits_phone(page)
    assert page.evaluate(SCROLLING) == 0
    card = cards.first
    assert card.evaluate("tr => getComputedStyle(tr).display") == "block"
    expect(card.locator("th")).to_have_text("Đội QLĐKV Hải Châu")
    received = card.locator("td[data-key=received]")
    label = received.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"Số phiếu tiếp nhận"'
    expect(received.locator("a")).to_have_text("1")
    assert page.evaluate(SMALL_TARGETS, TAP) == []
    screenshot(page, "monthly-phone")
    card.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "monthly-phone-card.png"))
    received.locator("a").click()
    page.wait_for_url("**/reports/tickets?**")
    assert page.evaluate(SMALL_TARGETS, TAP) == []
