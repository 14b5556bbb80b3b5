"""Turning notifications on when the browser or its push service never answers: the settings
page says so after a while, instead of "Đang kiểm tra…" for ever."""

from playwright.sync_api import expect

from tests.browser.screens import sign_in

NO_ANSWER = (
    "Trình duyệt hoặc dịch vụ thông báo không trả lời sau 2 giây. Kiểm tra mạng rồi thử lại."
)
NEVER = "() => new Promise(() => {})"


def test_a_push_service_that_never_answers_is_named(
    app, context, page, live_server, org, screenshot
):
    app.config["PUSH_ANSWER_SECONDS"] = 2
    context.grant_permissions(["notifications"], origin=live_server)
    context.add_init_script(f"PushManager.prototype.subscribe = {NEVER};")
    sign_in(page, live_server, "crew")
    page.goto(f"{live_server}/settings")
    status, toggle = page.locator("[data-push-status]"), page.locator("[data-push-toggle]")
    expect(status).to_have_text("Đang tắt: thiết bị này không nhận thông báo.")
    toggle.click()
    expect(status).to_have_text("Đang kiểm tra…")
    expect(status).to_have_text(NO_ANSWER, timeout=6_000)
    expect(toggle).to_be_enabled()
    expect(toggle).to_have_text("Bật thông báo")
    screenshot(page, "push-no-answer")


def test_a_service_worker_that_never_gets_ready_is_named(app, context, page, live_server, org):
    app.config["PUSH_ANSWER_SECONDS"] = 2
    sign_in(page, live_server, "crew")
    context.add_init_script(f"navigator.serviceWorker.register = {NEVER};")
    page.goto(f"{live_server}/settings")
    expect(page.locator("[data-push-status]")).to_have_text(NO_ANSWER, timeout=6_000)
