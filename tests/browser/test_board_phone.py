"""The leader's board on a 360×740 phone: filters folded into a bar of chips, compact rows, an
assignee list of the ticket's desk with each person's open count, and "all teams" for a
company."""

from playwright.sync_api import expect

from tests.api.helpers import batch, op
from tests.browser.screens import fits_phone, make_ticket, sign_in

TICKETS = 18
# Measured on this test's 18 tickets: ~370 px a ticket before the rows were made compact.
MAX_ROW_PX = 230


def board_rows(page):
    return page.locator("#board .rows > li")


def test_eighteen_tickets_stay_short_on_a_phone(page, live_server, org, push_ticket, screenshot):
    for i in range(TICKETS):
        make_ticket(
            push_ticket,
            customer={"name": f"Khách hàng {i + 1}", "address": f"{i + 1} Lê Lợi, Hải Châu"},
        )
    sign_in(page, live_server, "lead")
    page.goto(f"{live_server}/board")
    expect(board_rows(page)).to_have_count(TICKETS)
    heights = board_rows(page).evaluate_all("rows => rows.map(r => r.offsetHeight)")
    page_height = page.evaluate("document.documentElement.scrollHeight")
    print(f"board at 360 px: {sum(heights) / TICKETS:.0f} px a ticket, page {page_height} px")
    assert fits_phone(page)
    screenshot(page, "board-phone")
    page.screenshot(path=str(screenshot(page, "board-phone").with_name("board-phone-top.png")))
    assert max(heights) <= MAX_ROW_PX


def test_filters_fold_into_a_bar_whose_chips_take_them_off(
    page, live_server, org, push_ticket, screenshot
):
    outage = make_ticket(push_ticket)
    business = make_ticket(push_ticket, type="NEW_SUPPLY_LV")
    sign_in(page, live_server, "lead")
    page.goto(f"{live_server}/board")
    form = page.locator("form.filters")
    expect(form).to_be_hidden()  # folded: the list starts near the top
    expect(board_rows(page)).to_have_count(2)

    page.click("details.filter-bar > summary")
    form.locator("select[name=desk]").select_option("business")
    expect(board_rows(page)).to_have_count(1)
    expect(board_rows(page).first).to_have_id(f"board-row-{business.id}")
    chip = page.locator("a.chip-filter")
    expect(chip).to_have_text("Bộ phận kinh doanh ×")
    assert chip.bounding_box()["height"] >= 44  # a thumb's tap target
    screenshot(page, "board-filter-chips")

    chip.click()  # takes the filter off
    expect(board_rows(page)).to_have_count(2)
    expect(page.locator("a.chip-filter")).to_have_count(0)
    expect(page.locator(f"#board-row-{outage.id}")).to_be_visible()


def test_giao_cho_lists_the_desk_with_open_counts(
    page, live_server, org, push_ticket, client, login, screenshot
):
    held, ticket = make_ticket(push_ticket), make_ticket(push_ticket, customer={"name": "Cụ Lân"})
    token = login("crew2")
    client.post("/api/v1/sync", headers={"X-CSRFToken": token}, json=batch(op(held.id, "accept")))
    sign_in(page, live_server, "lead")
    page.goto(f"{live_server}/board")
    select = page.locator(f"#board-row-{ticket.id} select[name=assignee_id]")
    expect(select).to_have_value("")  # nobody until the leader picks
    options = select.locator("option").all_text_contents()
    assert options == [
        "— Chọn người —",
        "Lê Văn Cường · 1 phiếu đang mở",
        "Nguyễn Văn An · 0 phiếu đang mở",
    ]  # the duty desk only: no clerk
    select.select_option(label="Nguyễn Văn An · 0 phiếu đang mở")
    page.click(f"#board-row-{ticket.id} form[data-action=assign] button")
    expect(page.locator(f"#board-row-{ticket.id} .row-meta")).to_contain_text("Nguyễn Văn An")
    assert fits_phone(page)
    screenshot(page, "board-assigned")


def test_a_company_lands_on_all_its_teams(page, live_server, org, push_ticket, screenshot):
    hc = make_ticket(push_ticket)
    st = make_ticket(push_ticket, team="PC-DN-ST")
    sign_in(page, live_server, "company")
    expect(page).to_have_url(f"{live_server}/board")
    expect(page.locator("h1")).to_have_text("Bảng điều hành · Tất cả các đội")
    expect(board_rows(page)).to_have_count(2)
    expect(page.locator(f"#board-row-{st.id}")).to_contain_text("Đội QLĐKV Sơn Trà")
    expect(page.locator(f"#board-row-{hc.id}")).to_contain_text("Đội QLĐKV Hải Châu")
    expect(page.locator("select[name=assignee_id]")).to_have_count(0)  # reads, never assigns
    assert fits_phone(page)
    screenshot(page, "board-company")
