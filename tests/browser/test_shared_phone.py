"""A phone passed from one user to the next, in one Chromium profile: after the first signs
out, nothing of theirs is readable by the next, online or offline, and nothing of theirs is
kept in the browser's caches or IndexedDB. Unsynced work is never thrown away unasked."""

import io
import json
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.models import PushSubscription
from tests.api.helpers import batch, op
from tests.browser.screens import (
    fresh,
    make_ticket,
    open_controlled,
    png_bytes,
    sign_in,
    sign_out,
    tap_sign_out,
    wait_until,
)

SECRET = "Cháy công tơ nhà bà Tư, hẻm 42 Bạch Đằng"
A_NAME = "Nguyễn Văn An"  # the display name of "crew" (tests/conftest.py)

# Every response kept by the Cache API, by path: the text of an HTML page, else its type.
KEPT = """async () => {
  const kept = {};
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      const type = response.headers.get('Content-Type') || '';
      kept[new URL(request.url).pathname] =
        type.startsWith('text/html') ? await response.text() : type;
    }
  }
  return kept;
}"""

# Every record of every IndexedDB database of the origin, as [key, value] pairs per store.
STORED = """async () => {
  const stored = {};
  for (const {name} of await indexedDB.databases()) {
    const db = await new Promise((resolve, reject) => {
      const open = indexedDB.open(name);
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    for (const store of db.objectStoreNames) {
      stored[`${name}/${store}`] = await new Promise((resolve, reject) => {
        const tx = db.transaction(store);
        const keys = tx.objectStore(store).getAllKeys();
        const values = tx.objectStore(store).getAll();
        tx.oncomplete = () => resolve(keys.result.map((key, i) => [key, values.result[i]]));
        tx.onerror = () => reject(tx.error);
      });
    }
    db.close();
  }
  return stored;
}"""

PHOTO_STATUS = "(url) => fetch(url).then((r) => r.status, () => 'failed')"


@dataclass
class Traces:
    """What the first user saw on the phone, to look for after they left."""

    ticket: int
    photo: int
    csrf: str = ""

    def assert_not_in(self, kept: dict, stored: dict) -> None:
        assert f"/tickets/{self.ticket}" not in kept and f"/attachments/{self.photo}" not in kept
        pages = "\n".join(text for text in kept.values() if isinstance(text, str))
        for trace in (SECRET, A_NAME, f'id="row-{self.ticket}"', 'data-user="crew"'):
            assert trace not in pages, trace
        records = json.dumps(stored, ensure_ascii=False)
        for trace in ('"crew"', SECRET, self.csrf):
            assert trace not in records, (trace, records)


@pytest.fixture
def traces(org, client, login, push_ticket) -> Traces:
    """A ticket of team PC-DN-HC, accepted by its crew, with a photo in its history; and a
    ticket of team PC-DN-ST for the next user's list."""
    ticket = make_ticket(push_ticket, content=SECRET)
    make_ticket(push_ticket, team="PC-DN-ST", content="Dây điện võng thấp")
    token = login("crew")
    upload = client.post(
        f"/tickets/{ticket.id}/photos",
        headers={"X-CSRFToken": token},
        data={"photos": (io.BytesIO(png_bytes()), "hien-truong.png")},
    )
    (photo,) = upload.get_json()["attachments"]
    answer = client.post(
        "/api/v1/sync",
        headers={"X-CSRFToken": token},
        json=batch(
            op(ticket.id, "accept"),
            op(ticket.id, "update", {"note": "Đã thay công tơ", "attachments": [photo]}),
        ),
    )
    assert [r["status"] for r in answer.get_json()["results"]] == ["applied", "applied"]
    return Traces(ticket=ticket.id, photo=photo)


def keep_pages_of_a(page, base: str, traces: Traces) -> None:
    """The crew of PC-DN-HC opens the list, the ticket and its photo: all kept on the phone."""
    sign_in(page, base, "crew")
    open_controlled(page, f"{base}/")
    expect(page.locator("#sync-status .synced")).to_contain_text("Đã đồng bộ lúc")
    page.goto(f"{base}/tickets/{traces.ticket}")
    photo = page.locator(f"img[src='/attachments/{traces.photo}']")
    photo.scroll_into_view_if_needed()
    expect(photo).to_have_js_property("complete", True)
    wait_until(
        page,
        f"({KEPT})().then((kept) => '/attachments/{traces.photo}' in kept "
        f"&& '/tickets/{traces.ticket}' in kept)",
    )
    traces.csrf = page.get_attribute("meta[name=csrf-token]", "content")


def b_signs_in(page, base: str) -> None:
    """The crew of PC-DN-ST signs in on the same phone and gets their own pages kept."""
    sign_in(page, base, "st_crew")
    open_controlled(page, f"{base}/")
    expect(page.locator("#sync-status .synced")).to_contain_text("Đã đồng bộ lúc")


def assert_nothing_of_a_readable(page, context, base: str, traces: Traces, screenshot) -> None:
    """Online the server refuses; offline the phone has nothing to show."""
    assert page.goto(f"{base}/tickets/{traces.ticket}").status == 404
    photo_url = f"/attachments/{traces.photo}"
    assert page.evaluate(PHOTO_STATUS, photo_url) == 404
    page.goto(f"{base}/")
    expect(page.locator("li[id^=row-]")).to_have_count(1)
    expect(page.locator(f"#row-{traces.ticket}")).to_have_count(0)
    traces.assert_not_in(page.evaluate(KEPT), page.evaluate(STORED))

    context.set_offline(True)
    page.goto(f"{base}/tickets/{traces.ticket}")
    expect(page.locator("h1")).to_have_text("Chưa có bản lưu của trang này")
    screenshot(page, "shared-phone-offline")
    expect(page.locator("body")).not_to_contain_text(SECRET)
    assert page.evaluate(PHOTO_STATUS, photo_url) == "failed"
    page.goto(f"{base}/")  # the next user's own list still opens with no signal
    expect(page.locator("li[id^=row-]")).to_have_count(1)
    expect(page.locator(f"#row-{traces.ticket}")).to_have_count(0)
    context.set_offline(False)


def without_clear_site_data(route) -> None:
    """The sign-out answer as a browser that ignores Clear-Site-Data would act on it."""
    response = route.fetch(max_redirects=0)
    headers = {k: v for k, v in response.headers.items() if k.lower() != "clear-site-data"}
    route.fulfill(response=response, headers=headers)


@pytest.mark.parametrize("header", ["honoured", "ignored"])
def test_the_next_user_of_the_phone_finds_nothing_of_the_last(
    page, context, live_server, traces, header, screenshot
):
    keep_pages_of_a(page, live_server, traces)
    if header == "ignored":
        page.route("**/logout", without_clear_site_data)
    sign_out(page)
    traces.assert_not_in(page.evaluate(KEPT), page.evaluate(STORED))
    page.go_back()  # the page the user signed out from is asked again, and refused
    expect(page).to_have_url(f"{live_server}/login?next=/?")

    b_signs_in(page, live_server)
    assert_nothing_of_a_readable(page, context, live_server, traces, screenshot)


def test_pages_kept_for_a_session_ended_elsewhere_are_not_shown(
    page, context, live_server, traces, client, login, screenshot
):
    """No sign-out tap on the phone: the user signs out on another device."""
    keep_pages_of_a(page, live_server, traces)
    assert client.post("/logout", data={"csrf_token": login("crew")}).status_code == 303

    b_signs_in(page, live_server)
    assert_nothing_of_a_readable(page, context, live_server, traces, screenshot)


def open_ticket_kept(page, base: str, ticket) -> None:
    """Signed-in crew of PC-DN-HC on the ticket's page, with the pages kept."""
    sign_in(page, base, "crew")
    open_controlled(page, f"{base}/tickets/{ticket.id}")
    expect(page.locator("#sync-status .synced")).to_contain_text("Đã đồng bộ lúc")


def answer_dialogs(page, yes: dict) -> None:
    """Answer every confirm() of the page as yes["now"] says."""
    page.on("dialog", lambda dialog: dialog.accept() if yes["now"] else dialog.dismiss())


def test_unsynced_work_is_discarded_only_when_the_user_says_so(
    page, context, live_server, org, push_ticket, client, login, screenshot
):
    ticket = make_ticket(push_ticket)
    open_ticket_kept(page, live_server, ticket)
    context.set_offline(True)
    page.click(f"#ticket-{ticket.id} form[data-action=accept] button")
    queued = page.locator(f"[data-outbox-for='{ticket.id}'] .outbox-op")
    expect(queued).to_have_count(1)
    yes = {"now": False}
    answer_dialogs(page, yes)

    tap_sign_out(page)  # no signal: the session cannot end here, so nothing is touched
    expect(page.locator("#notice")).to_have_text(
        "Chưa đăng xuất được vì mất kết nối. Hãy đăng xuất khi có mạng."
    )
    screenshot(page, "sign-out-offline")
    assert len(page.evaluate("FieldOutbox.all()")) == 1

    token = login("lead")  # meanwhile the ticket goes back to the call center
    answer = client.post(
        "/api/v1/sync",
        headers={"X-CSRFToken": token},
        json=batch(op(ticket.id, "return", {"reason": "not_our_area", "note": "Ngoài địa bàn"})),
    )
    assert answer.get_json()["results"][0]["status"] == "applied"
    context.set_offline(False)
    expect(page.locator(".outbox-rejected")).to_have_count(1, timeout=20_000)

    with page.expect_event("dialog") as warned:
        tap_sign_out(page)  # the sync leaves the rejected op: asked, and the answer is no
    assert warned.value.message == (
        "Còn 1 thao tác chưa đồng bộ trên máy này. Đăng xuất sẽ xoá các thao tác đó. Vẫn đăng xuất?"
    )
    expect(page.locator("details.menu")).not_to_have_attribute("open", "")
    assert page.url.endswith(f"/tickets/{ticket.id}")
    assert len(page.evaluate("FieldOutbox.all()")) == 1
    assert page.goto(f"{live_server}/tickets/{ticket.id}").url.endswith(f"/tickets/{ticket.id}")

    yes["now"] = True
    with page.expect_event("dialog"):
        tap_sign_out(page)
    page.wait_for_url("**/login")
    assert page.evaluate(STORED) in ({}, {"fieldapp/ops": [], "fieldapp/meta": []})
    assert page.goto(f"{live_server}/").url.startswith(f"{live_server}/login?")


def test_pending_work_is_sent_before_signing_out(page, live_server, org, push_ticket):
    ticket = make_ticket(push_ticket)
    open_ticket_kept(page, live_server, ticket)
    # An accept the phone kept and has not sent yet (as js/offline.js queues one).
    page.evaluate(
        """(id) => FieldOutbox.add({op_id: FieldOutbox.newId(), user: 'crew',
        ticket_id: id, action: 'accept', at: new Date().toISOString(), data: {}, fields: {},
        photos: [], attachments: null, status: 'pending', error: null})""",
        ticket.id,
    )
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_out(page)
    assert dialogs == []
    assert fresh(ticket).status == "accepted"


# No push service is reachable here: this is the subscription one would have given the browser.
ENDPOINT = "http://127.0.0.1:9/push/phone-of-the-team"
FAKE_SUBSCRIPTION = (
    "PushManager.prototype.getSubscription = () => Promise.resolve({"
    f"endpoint: '{ENDPOINT}', "
    "unsubscribe: () => window.unsubscribed().then(() => true)});"
)


def test_signing_out_removes_the_push_subscription(page, live_server, org):
    db.session.add(
        PushSubscription(
            user_id=org["users"]["crew"].id, endpoint=ENDPOINT, p256dh="BPhone", auth="secret"
        )
    )
    db.session.commit()
    calls = []
    page.expose_function("unsubscribed", lambda: calls.append("unsubscribe"))
    page.add_init_script(FAKE_SUBSCRIPTION)
    sign_in(page, live_server, "crew")
    sign_out(page)
    assert calls == ["unsubscribe"]
    db.session.rollback()
    assert db.session.scalars(select(PushSubscription)).all() == []
