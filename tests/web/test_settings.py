"""The settings page: notifications on or off for this device, and a test notification."""

import re
from html.parser import HTMLParser

import pytest

VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)


class _Panel(HTMLParser):
    """The #push-settings section's attributes, its buttons and the scripts of the page."""

    def __init__(self):
        super().__init__()
        self.panel: dict = {}
        self.buttons: dict[str, dict] = {}
        self.scripts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id") == "push-settings":
            self.panel = attrs
        if tag == "button":
            for name in ("data-push-toggle", "data-push-test"):
                if name in attrs:
                    self.buttons[name] = attrs
        if tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])


def parse(html: str) -> _Panel:
    parser = _Panel()
    parser.feed(html)
    return parser


def settings_page(client, lang: str, token: str) -> str:
    client.post("/language", data={"lang": lang, "next": "/", "csrf_token": token})
    resp = client.get("/settings")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def test_settings_need_a_signed_in_user(client, org):
    resp = client.get("/settings")
    assert resp.status_code == 302 and "/login" in resp.location


@pytest.mark.parametrize("name", ["crew", "desk", "lead", "company", "admin"])
def test_every_role_can_turn_notifications_on(client, org, login, name):
    token = login(name)
    html = settings_page(client, "vi", token)
    page = parse(html)
    assert set(page.buttons) == {"data-push-toggle", "data-push-test"}
    assert any("js/push.js" in src for src in page.scripts)
    assert '<meta name="csrf-token"' in html  # push.js sends it with every change


def test_the_page_in_vietnamese(client, org, login):
    html = settings_page(client, "vi", login("crew"))
    page = parse(html)
    assert '<html lang="vi">' in html
    assert "Thông báo trên thiết bị này" in html
    assert "Bật thông báo" in html and "Gửi thông báo thử" in html
    assert page.panel["data-label-on"] == "Bật thông báo"
    assert page.panel["data-label-off"] == "Tắt thông báo"
    assert page.panel["data-msg-test-sent"].startswith("Đã gửi thông báo thử")
    # Both buttons wait for the script to learn this device's state.
    assert all("disabled" in attrs for attrs in page.buttons.values())


def test_the_page_in_english(client, org, login):
    html = settings_page(client, "en", login("crew"))
    page = parse(html)
    assert '<html lang="en">' in html
    assert "Notifications on this device" in html
    assert "Send a test notification" in html
    assert page.panel["data-label-on"] == "Turn notifications on"
    assert page.panel["data-label-off"] == "Turn notifications off"
    # Every text the script may show is translated along with the page.
    texts = {k: v for k, v in page.panel.items() if k.startswith(("data-msg-", "data-label-"))}
    assert len(texts) == 11
    assert {k: v for k, v in texts.items() if not v or VIETNAMESE.search(v)} == {}


def test_the_menu_links_the_settings(client, org, login):
    login("crew")
    assert 'href="/settings"' in client.get("/").get_data(as_text=True)
