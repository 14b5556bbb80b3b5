"""Steps shared by the screen tests: signing in, making tickets, checking the layout."""

import io
import struct
import time
import zlib
from datetime import UTC, datetime, timedelta

from fieldapp.extensions import db
from fieldapp.models import Ticket
from tests.api.helpers import intake_body

PHONE_WIDTH = 360


def sign_in(page, base: str, username: str, password: str = "pw") -> None:
    """Sign in through the login form and land on the start page."""
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def tap_sign_out(page) -> None:
    """Open the menu (unless open) and tap "Đăng xuất"."""
    if not page.locator("details.menu[open]").count():
        page.click("details.menu summary")
    page.click("details.menu button:has-text('Đăng xuất')")


def sign_out(page) -> None:
    """Sign out through the menu and land on the sign-in page."""
    tap_sign_out(page)
    page.wait_for_url("**/login")


def wait_until(page, expression: str, timeout_ms: int = 20_000) -> None:
    """Wait until a JavaScript expression (a promise is awaited) is truthy, asked from outside.

    Playwright's wait_for_function re-runs its predicate with eval() from a timer in the page,
    which the app's Content-Security-Policy (no 'unsafe-eval') refuses as soon as a first
    check came back false."""
    deadline = time.monotonic() + timeout_ms / 1000
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {timeout_ms} ms: {expression}"
        page.wait_for_timeout(100)


def open_controlled(page, url: str) -> None:
    """Open a page once the service worker is active, so that it is in the worker's hands (a
    page whose navigation began while the worker was activating stays outside them)."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.goto(url)
    wait_until(page, "navigator.serviceWorker.controller !== null")


def fits_phone(page) -> bool:
    """No horizontal scrolling at the phone's width."""
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


def make_ticket(push_ticket, **overrides) -> Ticket:
    """A ticket pushed by the (simulated) CRM; received now unless told otherwise."""
    response = push_ticket(intake_body(**overrides))
    assert response.status_code == 201, response.get_json()
    db.session.rollback()  # see the request's commit
    return db.session.get(Ticket, response.get_json()["id"])


def received_ago(**kwargs) -> str:
    """An ISO time in the past, for a ticket that arrived a while ago."""
    return (datetime.now(UTC) - timedelta(**kwargs)).isoformat()


def fresh(ticket: Ticket) -> Ticket:
    """The ticket as the server wrote it since (the test's session may hold an old copy)."""
    db.session.rollback()  # end the test's read transaction, so the server's commits show
    return db.session.get(Ticket, ticket.id)


def png_bytes(width: int = 4, height: int = 4) -> bytes:
    """A small valid PNG, made here so the test needs no image files."""
    raw = b"".join(b"\x00" + b"\xcc\x22\x22" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    out = io.BytesIO()
    out.write(b"\x89PNG\r\n\x1a\n")
    out.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
    out.write(chunk(b"IDAT", zlib.compress(raw)))
    out.write(chunk(b"IEND", b""))
    return out.getvalue()
