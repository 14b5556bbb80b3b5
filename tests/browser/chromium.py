"""How the project runs Chromium, for the browser tests and the page-load bench alike.

Debian's package (CHROMIUM_PATH), never a downloaded browser, with the flags a headless run
on these machines needs; each context is a phone in Vietnam: its screen, language and time
zone, with service workers allowed.
"""

import os

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 740}
PHONE_CONTEXT = {
    "viewport": PHONE,
    "service_workers": "allow",
    "locale": "vi-VN",
    "timezone_id": "Asia/Ho_Chi_Minh",
}
