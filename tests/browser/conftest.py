"""Real headless Chromium (Debian's package) driven by Playwright against a live server.

The browser is never downloaded: `make test` installs Debian's chromium when it is missing.
If it still is not there, these tests fail with a message that says how to get it.
"""

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS, PHONE_CONTEXT

SCREENSHOTS = Path(__file__).parent / "screenshots"


@pytest.fixture
def live_server(app):
    """The app served over HTTP on a free local port, in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium "
            "(sudo apt-get install chromium) or run `make test`, which does it."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser):
    """A fresh browser profile at phone size, service workers allowed."""
    ctx = browser.new_context(**PHONE_CONTEXT)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    """A page that fails the test on any uncaught JavaScript error."""
    errors = []
    pg = context.new_page()
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.set_default_timeout(20_000)
    yield pg
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def screenshot():
    """Save a screenshot of a page under tests/browser/screenshots/ (git-ignored)."""

    def _shot(pg, name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        pg.screenshot(path=str(path), full_page=True)
        return path

    return _shot
