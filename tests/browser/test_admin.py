"""The administrator on a 360×740 phone: from the menu to accounts, the audit and the CRM
callbacks."""

import re
import uuid

from playwright.sync_api import expect
from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.models import CrmCallback, utcnow
from fieldapp.services.tickets import OpRequest, apply_batch
from tests.browser.screens import fits_phone, make_ticket, sign_in


def open_menu_entry(page, text: str) -> None:
    page.click("details.menu summary")
    page.click(f"details.menu a:has-text('{text}')")


def test_admin_manages_accounts_and_callbacks_from_the_menu(
    page, live_server, org, push_ticket, screenshot
):
    sign_in(page, live_server, "admin")
    page.click("details.menu summary")
    entries = page.locator("details.menu nav a")
    for text in ("Người dùng", "Nhật ký quản trị", "Sự kiện gửi tổng đài"):
        expect(entries.filter(has_text=text)).to_have_count(1)
    page.click("details.menu summary")

    open_menu_entry(page, "Người dùng")
    expect(page.locator("h1")).to_have_text("Người dùng")
    assert fits_phone(page)
    form = page.locator("#new-user form")
    form.locator("input[name=username]").fill("thu.nt")
    form.locator("input[name=name]").fill("Nguyễn Thị Thu")
    form.locator("input[name=password]").fill("mat-khau-1")
    form.locator("select[name=role]").select_option("crew")
    form.locator("select[name=team]").select_option("PC-DN-HC")
    screenshot(page, "admin-users")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/users/\d+$"))
    expect(page.locator("#notice .flash")).to_have_text("Đã tạo tài khoản thu.nt.")
    page.click("button[data-change=disable]")
    expect(page.locator("#account")).to_contain_text("Đã khóa: không đăng nhập được")
    move = page.locator("#move form")
    move.locator("select[name=team]").select_option("PC-DN-ST")
    move.locator("button[type=submit]").click()
    expect(page.locator("#account")).to_contain_text("Đội QLĐKV Sơn Trà")
    assert fits_phone(page)
    screenshot(page, "admin-user")

    open_menu_entry(page, "Nhật ký quản trị")
    rows = page.locator("#audit li")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("Chuyển đội / bộ phận")
    expect(rows.first).to_contain_text("Đội QLĐKV Hải Châu → Đội QLĐKV Sơn Trà")
    assert fits_phone(page)
    screenshot(page, "admin-audit")

    callback = parked_callback(push_ticket, org)
    open_menu_entry(page, "Sự kiện gửi tổng đài")
    expect(page.locator("h1")).to_have_text("Sự kiện gửi tổng đài")
    row = page.locator(f"#callback-{callback.id}")
    expect(row).to_contain_text("Tiếp nhận")
    expect(row).to_contain_text("HTTP 503")
    assert fits_phone(page)
    screenshot(page, "admin-callbacks")
    row.locator("button:has-text('Gửi lại')").click()
    expect(page.locator("#notice .flash")).to_have_text("Đã đưa sự kiện vào hàng gửi lại.")
    expect(page.locator(f"#callback-{callback.id}")).to_have_count(0)
    db.session.rollback()
    assert db.session.get(CrmCallback, callback.id).parked_at is None


def parked_callback(push_ticket, org) -> CrmCallback:
    """The CRM's copy of an accept that failed so often that it was parked."""
    ticket = make_ticket(push_ticket)
    op = OpRequest(uuid.uuid4().hex, ticket.id, "accept", utcnow(), {})
    assert apply_batch([op], org["users"]["crew"]).results[0].status == "applied"
    row = db.session.execute(
        select(CrmCallback).where(CrmCallback.event == "accepted")
    ).scalar_one()
    row.parked_at, row.attempts, row.last_error = utcnow(), 8, "HTTP 503"
    db.session.commit()
    return row
