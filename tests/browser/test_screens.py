"""The screens in real headless Chromium at phone size (360×740), through the real UI."""

import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect
from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.models import Attachment, CrmCallback, Event, Ticket
from tests.browser.screens import (
    fits_phone,
    fresh,
    make_ticket,
    png_bytes,
    received_ago,
    sign_in,
)

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def open_ticket(page, base, ticket):
    """Go to the ticket's page from the queue, as a crew would: tap its row."""
    page.goto(base + "/")
    page.click(f"#row-{ticket.id} a.row-link")
    page.wait_for_url(f"**/tickets/{ticket.id}")


def accept(page, ticket):
    page.click(f"#ticket-{ticket.id} form[data-action=accept] button")
    expect(page.locator(f"#ticket-{ticket.id} .status")).to_have_text("Đã tiếp nhận")


def test_login(page, live_server, org, screenshot):
    page.goto(f"{live_server}/")
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.locator("h1")).to_have_text("Đăng nhập")
    assert fits_phone(page)
    screenshot(page, "login")
    page.fill("input[name=username]", "crew")
    page.fill("input[name=password]", "wrong")
    page.click("main form button[type=submit]")
    expect(page.locator(".error")).to_have_text("Sai tên đăng nhập hoặc mật khẩu.")
    expect(page.locator("input[name=username]")).to_have_value("crew")
    sign_in(page, live_server, "crew")
    expect(page.locator("h1")).to_have_text("Việc của tôi")
    expect(page.locator(".who")).to_have_text("Nguyễn Văn An")


def test_accept(page, live_server, org, push_ticket, screenshot):
    ticket = make_ticket(push_ticket, content="Mất điện cả nhà")
    sign_in(page, live_server, "crew")
    row = page.locator(f"#row-{ticket.id}")
    expect(row).to_contain_text("Mất điện (sự cố, riêng lẻ)")
    expect(row.locator(".badge")).to_contain_text("Hạn tiếp nhận")
    assert fits_phone(page)
    screenshot(page, "list")
    open_ticket(page, live_server, ticket)
    accept(page, ticket)
    expect(page.locator(".flash").first).to_contain_text("Đã ghi nhận")
    assert fits_phone(page)
    screenshot(page, "ticket")
    assert (
        fresh(ticket).status == "accepted" and fresh(ticket).assignee_id == org["users"]["crew"].id
    )


def test_call_outcome(page, live_server, org, push_ticket):
    ticket = make_ticket(push_ticket, customer={"phone": "0905 111 222"})
    sign_in(page, live_server, "crew")
    open_ticket(page, live_server, ticket)
    accept(page, ticket)
    page.click("summary:has-text('Gọi khách hàng')")
    call = page.locator("details[open] a[href^='tel:']")
    expect(call).to_have_attribute("href", "tel:0905111222")
    page.fill("form[data-action=contact] textarea[name=note]", "Khách hẹn 10 phút nữa có nhà")
    page.click("form[data-action=contact] button[value=reached]")
    timeline = page.locator(".timeline li").first
    expect(timeline).to_contain_text("Liên hệ khách hàng")
    expect(timeline).to_contain_text("Đã liên hệ được khách hàng")
    assert fresh(ticket).contacted_at is not None
    assert fresh(ticket).status == "in_progress"


def test_update_with_photo(page, live_server, org, push_ticket):
    ticket = make_ticket(push_ticket)
    sign_in(page, live_server, "crew")
    open_ticket(page, live_server, ticket)
    accept(page, ticket)
    page.click("summary:has-text('Cập nhật')")
    form = page.locator("form[data-action=update]")
    form.locator("textarea[name=note]").fill("Đã đến hiện trường, đang kiểm tra cầu chì")
    form.locator("input[type=file]").set_input_files(
        files=[{"name": "hien-truong.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    form.locator("button[type=submit]").click()
    entry = page.locator(".timeline li").first
    expect(entry).to_contain_text("Đã đến hiện trường")
    expect(entry.locator(".photos img")).to_have_count(1)
    db.session.rollback()
    photo = db.session.execute(select(Attachment)).scalar_one()
    assert photo.ticket_id == ticket.id and photo.content_type == "image/png"
    loaded = entry.locator(".photos img").evaluate("img => img.complete && img.naturalWidth")
    assert loaded == 4


def test_late_action_asks_for_a_reason(page, live_server, org, push_ticket):
    # Accept is due 3 minutes after receipt: this one falls due while the page is open.
    ticket = make_ticket(push_ticket, received_at=received_ago(minutes=3, seconds=-4))
    sign_in(page, live_server, "crew")
    open_ticket(page, live_server, ticket)
    late = page.locator("form[data-action=accept] fieldset.late")
    expect(late).to_be_hidden()
    page.wait_for_timeout(5_000)
    page.click("form[data-action=accept] button")
    expect(late).to_be_visible()  # asked on the phone itself, before anything is sent
    assert fresh(ticket).status == "received"
    late.locator("select[name=late_code]").select_option("customer_absent")
    late.locator("textarea[name=late_note]").fill("Đang xử lý sự cố khác gần đó")
    accept(page, ticket)
    expect(page.locator(".timeline li").first).to_contain_text("Khách hàng vắng nhà")
    assert fresh(ticket).late_accept is True


def test_completion_blocked_then_done(page, live_server, org, push_ticket, screenshot):
    ticket = make_ticket(push_ticket)
    sign_in(page, live_server, "crew")
    open_ticket(page, live_server, ticket)
    accept(page, ticket)
    page.click("summary:has-text('Hoàn tất')")
    form = page.locator("form[data-action=complete]")
    form.locator("textarea[name=result]").fill("Đã thay cầu chì, có điện lại")
    form.locator("input[name=restored_at]").fill("")
    form.locator("button[type=submit]").click()
    error = page.locator("form[data-action=complete] .error")
    expect(error).to_have_text(
        "Chưa thể hoàn tất phiếu: còn thiếu thời gian có điện lại, nguyên nhân."
    )
    form = page.locator("form[data-action=complete]")
    expect(form.locator("textarea[name=result]")).to_have_value("Đã thay cầu chì, có điện lại")
    expect(form.locator("input[name=restored_at]")).to_have_attribute("aria-invalid", "true")
    expect(form.locator("input[name=cause]")).to_have_attribute("aria-invalid", "true")
    assert fits_phone(page)
    screenshot(page, "ticket-completion-blocked")
    now = datetime.now(LOCAL).strftime("%Y-%m-%dT%H:%M")
    form.locator("input[name=restored_at]").fill(now)
    form.locator("input[name=cause]").fill("Đứt cầu chì hạ thế")
    form.locator("button[type=submit]").click()
    expect(page.locator(f"#ticket-{ticket.id} .status")).to_have_text("Đã hoàn tất")
    assert fresh(ticket).status == "completed"


def test_desk_creates_a_walk_in_ticket(page, live_server, org, screenshot, browser):
    sign_in(page, live_server, "desk")
    page.goto(f"{live_server}/desk")
    assert fits_phone(page)
    page.select_option("select[name=type]", "OUTAGE")
    page.fill("input[name=customer_name]", "Lê Thị Mai")
    page.fill("input[name=customer_code]", "PC03BB0000777")
    page.fill("input[name=customer_phone]", "+84 905 777 888")
    page.fill("input[name=customer_address]", "45 Trần Phú, Hải Châu")
    page.fill("textarea[name=content]", "Khách đến quầy báo mất điện từ sáng")
    screenshot(page, "desk")
    page.click("#walkin button[type=submit]")
    page.wait_for_url(re.compile(r"/tickets/\d+$"))
    expect(page.locator("h1")).to_have_text("Mất điện (sự cố, riêng lẻ)")
    db.session.rollback()
    ticket = db.session.execute(select(Ticket)).scalar_one()
    assert ticket.origin == "counter" and re.fullmatch(r"QAY-[A-Z0-9]{6}", ticket.crm_id)
    assert ticket.customer_phone == "0905777888" and ticket.channel == "counter"
    expect(page.locator("#notice .flash")).to_have_text(
        f"Đã tạo phiếu {ticket.crm_id} cho khách hàng Lê Thị Mai. "
        "Phiếu chờ Bộ phận trực vận hành tiếp nhận."
    )
    expect(page.locator(f"#ticket-{ticket.id}")).to_contain_text(f"{ticket.crm_id} · Tại quầy")
    expect(page.locator("form[data-action=return]")).to_have_count(0)
    assert fits_phone(page)
    screenshot(page, "desk-created")
    callback = db.session.execute(select(CrmCallback)).scalar_one()
    assert callback.event == "created" and callback.ticket_id == ticket.id

    for q in ("0905 777 888", "le thi mai", ticket.crm_id):
        page.goto(f"{live_server}/desk")
        page.fill("input[name=q]", q)
        page.click("form.search button")
        expect(page.locator(f"#results #row-{ticket.id}")).to_contain_text("Lê Thị Mai")
    screenshot(page, "desk-search")

    crew = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    sign_in(crew, live_server, "crew")
    expect(crew.locator(f"#row-{ticket.id}")).to_contain_text("Lê Thị Mai")
    crew.context.close()


def test_a_walk_in_of_the_clerks_desk_is_theirs(page, live_server, org, screenshot):
    sign_in(page, live_server, "desk")
    page.goto(f"{live_server}/desk")
    page.select_option("select[name=type]", "CONTRACT_OWNER")
    page.fill("input[name=customer_name]", "Phan Văn Hùng")
    page.fill("input[name=customer_phone]", "0935 123 456")
    page.fill("textarea[name=content]", "Khách xin sang tên hợp đồng")
    page.click("#walkin button[type=submit]")
    page.wait_for_url(re.compile(r"/tickets/\d+$"))
    expect(page.locator("#notice .flash")).to_contain_text("Phiếu được giao cho bạn.")
    db.session.rollback()
    ticket = db.session.execute(select(Ticket)).scalar_one()
    assert ticket.assignee_id == org["users"]["desk"].id
    accept(page, ticket)
    expect(page.locator("form[data-action=return]")).to_have_count(0)


def test_leader_assigns_and_transfers(page, live_server, org, push_ticket, screenshot):
    ticket = make_ticket(push_ticket, customer={"name": "Đỗ Văn Tư"})
    overdue = make_ticket(push_ticket, received_at=received_ago(hours=3))
    sign_in(page, live_server, "lead")
    page.goto(f"{live_server}/board")
    rows = page.locator("#board .rows > li")
    expect(rows).to_have_count(2)
    expect(rows.first).to_have_id(f"board-row-{overdue.id}")  # overdue first
    expect(rows.first.locator(".badge")).to_contain_text("Quá hạn")
    assert fits_phone(page)
    screenshot(page, "board")

    row = page.locator(f"#board-row-{ticket.id}")
    row.locator("select[name=assignee_id]").select_option(label="Lê Văn Cường · 0 phiếu đang mở")
    row.locator("form[data-action=assign] button").click()
    expect(page.locator(f"#board-row-{ticket.id} .row-meta")).to_contain_text("Lê Văn Cường")
    assert fresh(ticket).assignee_id == org["users"]["crew2"].id

    row = page.locator(f"#board-row-{ticket.id}")
    row.locator("summary:has-text('Chuyển')").click()
    row.locator("form[data-action=transfer] textarea[name=note]").fill("Khách hỏi về hợp đồng")
    row.locator("form[data-action=transfer] button").click()
    expect(page.locator(f"#board-row-{ticket.id} .row-meta")).to_contain_text("Bộ phận kinh doanh")
    assert fresh(ticket).desk == "business"
    event = db.session.execute(select(Event).where(Event.action == "transferred")).scalar_one()
    assert event.data["note"] == "Khách hỏi về hợp đồng"


def test_language_switch(page, live_server, org, push_ticket, screenshot):
    make_ticket(push_ticket)
    sign_in(page, live_server, "crew")
    expect(page.locator("h1")).to_have_text("Việc của tôi")
    page.click(".menu summary")
    screenshot(page, "menu")
    page.click("button[name=lang][value=en]")
    expect(page.locator("h1")).to_have_text("My work")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".rows .badge").first).to_contain_text("left")
    page.click(".menu summary")
    page.click("button[name=lang][value=vi]")
    expect(page.locator("h1")).to_have_text("Việc của tôi")
    expect(page.locator("html")).to_have_attribute("lang", "vi")


def test_the_page_carries_its_deadlines(page, live_server, org, push_ticket):
    """The page carries its deadlines, so the phone can judge lateness without the server."""
    ticket = make_ticket(push_ticket)
    sign_in(page, live_server, "crew")
    open_ticket(page, live_server, ticket)
    carried = json.loads(page.locator(f"#ticket-{ticket.id}").get_attribute("data-clocks"))
    accept = next(c for c in carried["clocks"] if c["name"] == "accept")
    accept_by = datetime.fromisoformat(accept["until"])
    assert abs(accept_by - fresh(ticket).accept_by) < timedelta(seconds=1)
