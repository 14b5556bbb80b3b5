"""Working with no signal, in real Chromium: the service worker serves the kept pages, the
IndexedDB outbox keeps every action done offline, and the server applies each once, in order,
at the time it was done on the phone."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect
from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.models import AppliedOp, Attachment, Event
from tests.api.helpers import batch, op
from tests.browser.screens import (
    fresh,
    make_ticket,
    open_controlled,
    png_bytes,
    received_ago,
    sign_in,
    wait_until,
)

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
OUTBOX = (
    "FieldOutbox.all().then(ops => ops.map(o => ({op_id: o.op_id, action: o.action, "
    "at: o.at, status: o.status})))"
)


def ready_offline(page, base, ticket):
    """Signed-in crew on the ticket's page, with the worker in control and the pages kept."""
    open_controlled(page, f"{base}/tickets/{ticket.id}")
    expect(page.locator("#sync-status .synced")).to_contain_text("Đã đồng bộ lúc")


def counter(page):
    return page.locator("#sync-status .pending")


def queued(page, ticket):
    return page.locator(f"[data-outbox-for='{ticket.id}'] .outbox-op")


def accept_offline(page, context, base, ticket):
    """The crew, with the pages kept, loses the signal and taps "Nhận": one op queued."""
    sign_in(page, base, "crew")
    ready_offline(page, base, ticket)
    context.set_offline(True)
    page.click(f"#ticket-{ticket.id} form[data-action=accept] button")
    expect(queued(page, ticket)).to_have_count(1)


def events_after_receipt(ticket):
    db.session.rollback()
    rows = db.session.execute(
        select(Event).where(Event.ticket_id == ticket.id).order_by(Event.id)
    ).scalars()
    return [e for e in rows if e.action != "received"]


def jpeg_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a JPEG's start-of-frame marker."""
    i = 2
    while i < len(data):
        marker, length = data[i + 1], int.from_bytes(data[i + 2 : i + 4], "big")
        if marker in (0xC0, 0xC1, 0xC2):
            return (
                int.from_bytes(data[i + 7 : i + 9], "big"),
                int.from_bytes(data[i + 5 : i + 7], "big"),
            )
        i += 2 + length
    raise AssertionError("no frame in the JPEG")


def fill_completion(page):
    """Fill every field of the completion form, whatever facts the type asks for."""
    page.evaluate("""() => {
      const form = document.querySelector('form[data-action=complete]');
      const now = new Date(Date.now() - 60000);
      const local = new Date(now - now.getTimezoneOffset() * 60000).toISOString();
      form.querySelectorAll('textarea, input').forEach((el) => {
        if (el.type === 'hidden' || el.closest('fieldset.late')) return;
        if (el.type === 'checkbox') el.checked = true;
        else if (el.type === 'datetime-local') el.value = local.slice(0, 16);
        else if (el.type === 'date') el.value = local.slice(0, 10);
        else el.value = 'Đã xử lý xong';
      });
    }""")


def test_work_done_offline_reaches_the_server_once_in_order(
    page, context, live_server, org, push_ticket, screenshot
):
    ticket = make_ticket(push_ticket, content="Mất điện cả nhà", customer={"phone": "0905 111 222"})
    sign_in(page, live_server, "crew")
    ready_offline(page, live_server, ticket)

    context.set_offline(True)
    expect(page.locator("#sync-status .net")).to_have_text(
        "Mất kết nối: thao tác được lưu trên máy."
    )
    page.click(f"#ticket-{ticket.id} form[data-action=accept] button")
    expect(queued(page, ticket)).to_have_count(1)
    expect(queued(page, ticket).first).to_contain_text("chờ đồng bộ")

    page.click("summary:has-text('Cập nhật')")
    page.fill("form[data-action=update] textarea[name=note]", "Thay dây sau công tơ")
    page.set_input_files(
        "form[data-action=update] input[type=file]",
        files=[
            {"name": "hien-truong.png", "mimeType": "image/png", "buffer": png_bytes(2400, 1200)}
        ],
    )
    page.click("form[data-action=update] button[type=submit]")
    expect(queued(page, ticket)).to_have_count(2)

    page.click("summary:has-text('Gọi khách hàng')")
    page.fill("form[data-action=contact] textarea[name=note]", "Khách có nhà")
    page.click("form[data-action=contact] button[value=reached]")
    expect(queued(page, ticket)).to_have_count(3)

    page.click("summary:has-text('Hoàn tất')")
    fill_completion(page)
    page.click("form[data-action=complete] button[type=submit]")
    expect(queued(page, ticket)).to_have_count(4)
    expect(counter(page)).to_have_text("4 thao tác chờ đồng bộ")

    page.reload()  # no network: the worker answers with the kept page
    expect(page.locator("h1")).to_contain_text("Mất điện")
    expect(queued(page, ticket)).to_have_count(4)
    expect(counter(page)).to_have_text("4 thao tác chờ đồng bộ")
    screenshot(page, "offline-queued")
    phone = page.evaluate(OUTBOX)
    assert [o["action"] for o in phone] == ["accept", "update", "contact", "complete"]
    assert fresh(ticket).status == "received" and events_after_receipt(ticket) == []

    page.goto(f"{live_server}/board")  # never kept: the offline page, not the browser's error
    expect(page.locator("h1")).to_have_text("Chưa có bản lưu của trang này")
    screenshot(page, "offline-page")
    page.go_back()

    context.set_offline(False)
    expect(counter(page)).to_have_text("", timeout=20_000)
    expect(page.locator(f"#ticket-{ticket.id} .status")).to_have_text("Đã hoàn tất")
    screenshot(page, "offline-synced")

    events = events_after_receipt(ticket)
    assert [e.action for e in events] == ["accepted", "updated", "contacted", "completed"]
    assert [e.op_id for e in events] == [o["op_id"] for o in phone]
    for event, done in zip(events, phone, strict=True):
        on_phone = datetime.fromisoformat(done["at"].replace("Z", "+00:00"))
        assert abs(event.at - on_phone) < timedelta(seconds=5)
    assert (
        db.session.scalar(
            select(db.func.count()).select_from(AppliedOp).where(AppliedOp.ticket_id == ticket.id)
        )
        == 4
    )
    photo = db.session.execute(
        select(Attachment).where(Attachment.ticket_id == ticket.id)
    ).scalar_one()
    assert photo.content_type == "image/jpeg" and max(jpeg_size(photo.data)) == 1600
    assert events[1].data["attachments"] == [photo.id]


def test_the_same_outbox_replayed_twice_is_applied_once(
    page, context, live_server, org, push_ticket
):
    ticket = make_ticket(push_ticket)
    accept_offline(page, context, live_server, ticket)
    kept = page.evaluate("FieldOutbox.all()")
    context.set_offline(False)
    expect(counter(page)).to_have_text("", timeout=20_000)
    # The phone lost the answer: the same outbox again, sent again.
    page.evaluate(
        """(ops) => Promise.all(ops.map((o) => { delete o.seq;
                       return FieldOutbox.add(o); }))""",
        kept,
    )
    assert len(page.evaluate("FieldOutbox.all()")) == 1
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_until(page, "FieldOutbox.all().then((ops) => ops.length === 0)")
    assert [e.action for e in events_after_receipt(ticket)] == ["accepted"]


def test_a_late_op_without_reason_is_rejected_then_fixed_and_applied(
    page, context, live_server, org, push_ticket, screenshot
):
    ticket = make_ticket(push_ticket, received_at=received_ago(minutes=2, seconds=45))
    # The phone's clock is an hour behind: on the phone the accept is not late, on the server
    # (which corrects the clock) it is, and a reason is needed.
    page.clock.install(time=datetime.now(UTC) - timedelta(hours=1))
    # Only the page's clock is set back, so the page must be the one to replay: no Background
    # Sync here (as in Firefox or Safari), the `online` event does it.
    page.add_init_script(
        "Object.defineProperty(ServiceWorkerRegistration.prototype, 'sync', {get: () => undefined})"
    )
    sign_in(page, live_server, "crew")
    ready_offline(page, live_server, ticket)
    expect(page.locator("form[data-action=accept] fieldset.late")).to_be_hidden()
    context.set_offline(True)
    passed = (fresh(ticket).accept_by - datetime.now(UTC)).total_seconds() + 1
    page.wait_for_timeout(max(passed, 0) * 1000)  # the accept deadline passes with no signal
    page.click(f"#ticket-{ticket.id} form[data-action=accept] button")
    context.set_offline(False)
    rejected = page.locator(".outbox-rejected")
    expect(rejected).to_contain_text(
        "Đã quá thời hạn tiếp nhận: hãy chọn lý do trễ hạn.", timeout=20_000
    )
    expect(counter(page)).to_have_text("1 thao tác bị từ chối")  # counted once
    expect(rejected.locator("button:has-text('Gửi lại')")).to_have_count(0)  # lacks it again
    screenshot(page, "offline-rejected")
    assert fresh(ticket).status == "received"

    rejected.locator("button:has-text('Sửa')").click()
    late = page.locator("form[data-action=accept] fieldset.late")
    expect(late).to_be_visible()
    late.locator("select").select_option("customer_absent")
    page.click(f"#ticket-{ticket.id} form[data-action=accept] button[type=submit]")
    expect(counter(page)).to_have_text("", timeout=20_000)
    events = events_after_receipt(ticket)
    assert [e.action for e in events] == ["accepted"]
    assert events[0].data["late_reason"]["code"] == "customer_absent"
    assert fresh(ticket).late_accept is True


def test_a_ticket_returned_while_offline_is_a_clear_rejection(
    page, context, live_server, org, push_ticket, client, login, screenshot
):
    ticket = make_ticket(push_ticket)
    accept_offline(page, context, live_server, ticket)

    token = login("lead")  # meanwhile the team leader sends it back to the call center
    answer = client.post(
        "/api/v1/sync",
        headers={"X-CSRFToken": token},
        json=batch(op(ticket.id, "return", {"reason": "not_our_area", "note": "Ngoài địa bàn"})),
    )
    assert answer.get_json()["results"][0]["status"] == "applied"

    context.set_offline(False)
    rejected = page.locator(".outbox-rejected")
    expect(rejected).to_contain_text(
        "Phiếu đã được trả về tổng đài nên không thể tiếp nhận nữa.", timeout=20_000
    )
    screenshot(page, "offline-conflict")
    assert [o["status"] for o in page.evaluate(OUTBOX)] == ["rejected"]  # nothing lost
    expect(rejected.locator("button:has-text('Gửi lại')")).to_have_count(0)
    page.once("dialog", lambda dialog: dialog.accept())
    rejected.locator("button:has-text('Bỏ thao tác')").click()
    expect(counter(page)).to_have_text("")
    assert page.evaluate("FieldOutbox.all()") == []


def test_an_extension_recorded_offline_says_how_the_customer_was_told(
    page, context, live_server, org, push_ticket
):
    ticket = make_ticket(push_ticket)
    sign_in(page, live_server, "crew")
    ready_offline(page, live_server, ticket)
    page.click(f"#ticket-{ticket.id} form[data-action=accept] button")
    expect(page.locator(f"#ticket-{ticket.id} .status")).to_have_text("Đã tiếp nhận")
    context.set_offline(True)
    page.click("summary:has-text('Gia hạn')")
    form = page.locator("form[data-action=extend]")
    form.locator("select[name=reason_code]").select_option("waiting_materials")
    form.locator("textarea[name=note]").fill("Chờ cáp về kho")
    eta = datetime.now(UTC) + timedelta(hours=4)
    form.locator("input[name=new_eta]").fill(eta.astimezone(LOCAL).strftime("%Y-%m-%dT%H:%M"))
    form.locator("select[name=customer_informed_how]").select_option("sms")
    form.locator("button[type=submit]").click()
    expect(queued(page, ticket)).to_have_count(1)

    context.set_offline(False)
    expect(counter(page)).to_have_text("", timeout=20_000)
    (extended,) = events_after_receipt(ticket)[1:]
    assert extended.action == "extended" and extended.data["customer_informed"]["how"] == "sms"
    assert fresh(ticket).extensions == 1
