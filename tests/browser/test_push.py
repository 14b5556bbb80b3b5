"""Web Push in real Chromium: a message delivered to the service worker through the DevTools
protocol shows a notification; tapping it opens the ticket; "Nhận" accepts a new ticket.

No push service is reachable here, so the message enters where a push service would hand it
to the browser (CDP ServiceWorker.deliverPushMessage). A tap is the service worker's own
`notificationclick` listener run on the real notification from getNotifications(), in the
worker's global scope (Playwright's worker target).
"""

import json
import time
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from fieldapp.services import push_messages
from tests.api.helpers import batch, op
from tests.browser.screens import fresh, make_ticket, sign_in, wait_until

NOTIFICATIONS = """async () => {
  const registration = await navigator.serviceWorker.ready;
  const shown = await registration.getNotifications();
  return shown.map((n) => ({title: n.title, body: n.body, tag: n.tag, data: n.data,
                            actions: n.actions.map((a) => a.action)}));
}"""

# Runs in the service worker: tap the shown notification with this tag (action "" is the body),
# through the worker's own listener. A script-made event may not extend its lifetime itself,
# so the listener's waitUntil promise is collected and awaited here instead.
TAP = """async ([tag, action]) => {
  const [notification] = await self.registration.getNotifications({tag});
  if (!notification) throw new Error(`no notification tagged ${tag}`);
  const event = new NotificationEvent('notificationclick', {notification, action});
  const pending = [];
  Object.defineProperty(event, 'waitUntil', {value: (promise) => pending.push(promise)});
  self.dispatchEvent(event);
  await Promise.all(pending);
  return pending.length;
}"""


class PushChannel:
    """The DevTools side of one page's service worker: its registration and push delivery."""

    def __init__(self, context, page, origin: str):
        self.origin = origin
        self.registrations: dict[str, str] = {}
        self.cdp = context.new_cdp_session(page)
        self.cdp.on("ServiceWorker.workerRegistrationUpdated", self._updated)
        self.cdp.send("ServiceWorker.enable")

    def _updated(self, event) -> None:
        for reg in event["registrations"]:
            if not reg.get("isDeleted"):
                self.registrations[reg["scopeURL"]] = reg["registrationId"]

    def registration_id(self, page) -> str:
        scope = f"{self.origin}/"
        deadline = time.monotonic() + 10
        while scope not in self.registrations:
            assert time.monotonic() < deadline, f"no registration for {scope}: {self.registrations}"
            page.wait_for_timeout(50)
        return self.registrations[scope]

    def deliver(self, page, message: dict) -> None:
        """Hand the page's service worker a push message, as the push service would."""
        self.cdp.send(
            "ServiceWorker.deliverPushMessage",
            {
                "origin": self.origin,
                "registrationId": self.registration_id(page),
                "data": json.dumps(message, ensure_ascii=False),
            },
        )


# Chromium keeps shown notifications in a database and, on getNotifications(), drops the
# entries its display does not list yet. Asking while a notification is still on its way to
# the display loses it, so the first look waits until a shown notification is surely there.
DISPLAY_SETTLE_MS = 1000


def shown(page, count: int = 1) -> list[dict]:
    """The notifications the service worker shows, once there are `count` of them."""
    page.wait_for_timeout(DISPLAY_SETTLE_MS)
    deadline = time.monotonic() + 10
    while True:
        notes = page.evaluate(NOTIFICATIONS)
        if len(notes) >= count or time.monotonic() > deadline:
            return notes
        page.wait_for_timeout(250)


def controlled_page(context, page, base: str, username: str):
    """Sign in, open the settings page (it registers /sw.js), and reload once so the service
    worker controls the page, as it does every page after the first visit."""
    context.grant_permissions(["notifications"], origin=base)
    sign_in(page, base, username)
    page.goto(f"{base}/settings")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    wait_until(page, "navigator.serviceWorker.controller !== null")
    [worker] = [w for w in context.service_workers if w.url.endswith("/sw.js")]
    return worker


@pytest.fixture
def sync_other(app, login):
    """Apply one op as another user, from another phone."""

    def _sync(username, ticket_id, action):
        c = app.test_client()
        token = login(username, c=c)
        resp = c.post(
            "/api/v1/sync", json=batch(op(ticket_id, action)), headers={"X-CSRFToken": token}
        )
        assert resp.get_json()["results"][0]["status"] == "applied", resp.get_json()

    return _sync


def test_a_push_shows_the_notification_and_its_tap_opens_the_ticket(
    app, context, page, live_server, org, push_ticket, screenshot
):
    channel = PushChannel(context, page, live_server)
    worker = controlled_page(context, page, live_server, "crew")
    ticket = make_ticket(push_ticket)
    message = push_messages.reminder_message("resolve_warn_15", ticket, datetime.now(UTC))

    channel.deliver(page, message)

    [note] = shown(page)
    assert (note["title"], note["body"]) == (message["title"], message["body"])
    assert note["tag"] == f"ticket-{ticket.id}"
    assert note["data"]["url"] == f"/tickets/{ticket.id}"
    assert note["actions"] == []  # only a new ticket offers "Nhận"

    assert worker.evaluate(TAP, [note["tag"], ""]) == 1
    page.wait_for_url(f"{live_server}/tickets/{ticket.id}")
    expect(page.locator(f"#ticket-{ticket.id}")).to_be_visible()
    assert shown(page, count=0) == []  # the tapped notification is gone
    screenshot(page, "push-opened-ticket")


def test_nhan_on_a_new_tickets_notification_accepts_it(
    app, context, page, live_server, org, push_ticket
):
    channel = PushChannel(context, page, live_server)
    worker = controlled_page(context, page, live_server, "crew")
    ticket = make_ticket(push_ticket)
    crew = org["users"]["crew"]
    message = push_messages.with_accept_token(
        push_messages.reminder_message("new_ticket", ticket, datetime.now(UTC)), crew.id
    )

    channel.deliver(page, message)

    [note] = shown(page)
    assert note["title"] == message["title"] and note["actions"] == ["accept"]
    assert fresh(ticket).status == "received"

    worker.evaluate(TAP, [note["tag"], "accept"])

    row = fresh(ticket)
    assert (row.status, row.assignee_id) == ("accepted", crew.id)
    [done] = shown(page)  # the phone says it is done, without opening the app
    assert done["title"] == "Đã tiếp nhận phiếu" and ticket.crm_id in done["body"]
    assert page.url == f"{live_server}/settings"


def test_nhan_for_a_ticket_taken_meanwhile_opens_it_instead(
    app, context, page, live_server, org, push_ticket, sync_other
):
    channel = PushChannel(context, page, live_server)
    worker = controlled_page(context, page, live_server, "crew")
    ticket = make_ticket(push_ticket)
    message = push_messages.with_accept_token(
        push_messages.reminder_message("new_ticket", ticket, datetime.now(UTC)),
        org["users"]["crew"].id,
    )
    channel.deliver(page, message)
    [note] = shown(page)
    sync_other("crew2", ticket.id, "accept")

    worker.evaluate(TAP, [note["tag"], "accept"])

    page.wait_for_url(f"{live_server}/tickets/{ticket.id}")
    assert fresh(ticket).assignee_id == org["users"]["crew2"].id
