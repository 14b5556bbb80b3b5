"""The leaders' dashboard in a real browser, at phone and desktop size, with screenshots."""

from datetime import UTC, datetime

import pytest

from tests.reports.conftest import actors  # noqa: F401  (fixture: each team's leader)
from tests.reports.scenarios import build
from tests.reports.test_dashboard import expected_live, recent_scenarios

SIZES = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 800}}
TEAMS = {"lead": ["PC-DN-HC"], "company": ["PC-DN-HC", "PC-DN-ST"]}


@pytest.fixture
def recent(actors):  # noqa: F811
    scenarios = recent_scenarios(datetime.now(UTC))
    build(scenarios, actors, datetime.now(UTC))
    return scenarios


@pytest.fixture
def sized_page(browser):
    """A page at a given size that fails the test on any JavaScript error."""
    contexts, errors = [], []

    def _open(size: str):
        ctx = browser.new_context(
            viewport=SIZES[size],
            service_workers="allow",
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
        )
        contexts.append(ctx)
        page = ctx.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.set_default_timeout(10_000)
        return page

    yield _open
    for ctx in contexts:
        ctx.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def sign_in(page, base: str, username: str) -> None:
    """Start a session through the JSON API from a page of the app (sets the cookie)."""
    page.goto(base + "/static/css/reports.css")
    # The browser's own requests (favicon) must not answer after ours and reset the cookie.
    page.wait_for_load_state("networkidle")
    status = page.evaluate(
        """async ([u, p]) => (await fetch('/api/v1/session', {method: 'POST',
             headers: {'Content-Type': 'application/json'},
             body: JSON.stringify({username: u, password: p})})).status""",
        [username, "pw"],
    )
    assert status == 200


@pytest.mark.parametrize("size", ["phone", "desktop"])
@pytest.mark.parametrize("user", ["lead", "company"])
def test_dashboard_numbers_visible(recent, live_server, sized_page, screenshot, user, size):
    page = sized_page(size)
    sign_in(page, live_server, user)
    page.goto(live_server + "/reports/dashboard")
    now = datetime.now(UTC)
    for team in TEAMS[user]:
        expected = expected_live(recent, {team}, now)
        for bucket, value in expected.items():
            cell = page.locator(f'[data-team="{team}"] .rp-stat-num[data-bucket="{bucket}"]')
            assert cell.inner_text().strip() == str(value)
            box = cell.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= SIZES[size]["width"]
        assert page.locator(f'[data-team="{team}"] svg').is_visible()
    # Nothing sticks out sideways: the page never scrolls horizontally.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"reports-dashboard-{user}-{size}")


def test_a_number_opens_its_tickets(recent, live_server, sized_page, screenshot):
    page = sized_page("phone")
    sign_in(page, live_server, "lead")
    page.goto(live_server + "/reports/dashboard")
    expected = expected_live(recent, {"PC-DN-HC"}, datetime.now(UTC))["overdue"]
    page.locator('[data-team="PC-DN-HC"] .rp-stat-num[data-bucket="overdue"] a').click()
    page.wait_for_url("**/reports/tickets?**")
    assert page.locator(".rp-ticket").count() == expected
    assert page.locator(".rp-tabs a[aria-current]").inner_text().startswith("Quá hạn")
    screenshot(page, "reports-tickets-overdue-phone")


def test_monthly_report_page_on_a_phone(recent, live_server, sized_page, screenshot):
    page = sized_page("phone")
    sign_in(page, live_server, "company")
    page.goto(live_server + "/reports/monthly")
    assert page.locator("h1").inner_text().startswith("Báo cáo tháng")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "reports-monthly-company-phone")
