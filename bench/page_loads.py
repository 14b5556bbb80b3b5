"""Bytes of the crew list's first and repeat load, as Chromium sees them go over the wire.

The app (demo team and a shift of tickets, as in bench.page_weight) is served on a local port;
Debian's Chromium (CHROMIUM_PATH, default /usr/bin/chromium) at phone size signs in through
the API (so that no page has been loaded yet), opens "Việc của tôi", waits for the service
worker (if the app registers one) to be ready, then opens it again. The page's CDP Network
events give the bytes received per response (encodedDataLength: compressed body and headers);
what the service worker fetches for itself is on its own target, so the body bytes the server
sent in each phase are counted as well.
"""

import tempfile
import threading
from collections import defaultdict

from werkzeug.serving import make_server

from bench import Figure
from bench.page_weight import CREW, PASSWORD, TARGET_KB, _Quiet, _seeded_app
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS, PHONE_CONTEXT

SW_READY_MS = 10_000


def main() -> list[Figure]:
    with tempfile.TemporaryDirectory() as tmp:
        counter = _BodyBytes(_seeded_app(tmp))
        server = make_server("127.0.0.1", 0, counter, threaded=True, request_handler=_Quiet)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            first, repeat, worker = _loads(f"http://127.0.0.1:{server.server_port}", counter)
        finally:
            server.shutdown()
            thread.join(timeout=10)
    figures = []
    for label, load in (("first", first), ("repeat", repeat)):
        total = load.wire / 1024
        target = (f"<= {TARGET_KB} KB", total <= TARGET_KB) if label == "first" else ("", None)
        figures += [
            Figure(f"crew list {label} load, page over the wire (CDP)", total, "KB", *target),
            Figure(
                f"  {label}: page responses that came over the network",
                load.network,
                f"of {load.responses}",
            ),
            Figure(f"  {label}: body bytes the server sent (incl. SW)", load.served / 1024, "KB"),
            Figure(f"  {label}: requests the server answered (incl. SW)", load.requests, "req"),
        ]
        if label == "first":
            figures += [
                Figure(f"  first: of which {kind}", size / 1024, "KB")
                for kind, size in sorted(load.by_kind.items())
            ]
    figures.append(Figure("service worker controlling the repeat load", int(worker), "yes=1"))
    return figures


class _BodyBytes:
    """WSGI middleware: the response body bytes the server has sent (compressed as sent)."""

    def __init__(self, app):
        self.app, self.total, self.requests, self.lock = app, 0, 0, threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            self.requests += 1
        for chunk in self.app(environ, start_response):
            with self.lock:
                self.total += len(chunk)
            yield chunk


class _Load:
    """One page load as the page's CDP Network domain reported it."""

    def __init__(self):
        self.kinds, self.sources, self.bytes = {}, {}, defaultdict(int)
        self.served = self.requests = 0

    def response(self, event) -> None:
        response = event["response"]
        self.kinds[event["requestId"]] = event.get("type", "Other")
        self.sources[event["requestId"]] = (
            "sw"
            if response.get("fromServiceWorker")
            else "cache"
            if response.get("fromDiskCache") or response.get("fromPrefetchCache")
            else "network"
        )

    def finished(self, event) -> None:
        self.bytes[event["requestId"]] += int(event["encodedDataLength"])

    @property
    def wire(self) -> int:
        return sum(self.bytes.values())

    @property
    def responses(self) -> int:
        return len(self.sources)

    @property
    def network(self) -> int:
        return sum(1 for s in self.sources.values() if s == "network")

    @property
    def by_kind(self) -> dict[str, int]:
        sizes = defaultdict(int)
        for request_id, size in self.bytes.items():
            sizes[self.kinds.get(request_id, "Other")] += size
        return sizes


def _loads(base: str, counter: _BodyBytes) -> tuple[_Load, _Load, bool]:
    """Sign in, load the list (first), wait for the service worker, load it again (repeat)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(**PHONE_CONTEXT)
        answer = context.request.post(
            f"{base}/api/v1/session", data={"username": CREW, "password": PASSWORD}
        )
        assert answer.ok, answer.text()
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        first = _measure(page, cdp, base, counter, wait_for_worker=True)
        repeat = _measure(page, cdp, base, counter, wait_for_worker=False)
        controlled = page.evaluate("() => !!(navigator.serviceWorker || {}).controller")
        browser.close()
    return first, repeat, controlled


def _measure(page, cdp, base: str, counter: _BodyBytes, wait_for_worker: bool) -> _Load:
    load = _Load()
    cdp.on("Network.responseReceived", load.response)
    cdp.on("Network.loadingFinished", load.finished)
    served_before, requests_before = counter.total, counter.requests
    page.goto(f"{base}/", wait_until="networkidle")
    if wait_for_worker:
        _worker_ready(page)
    page.wait_for_timeout(500)  # late responses' loadingFinished events
    cdp.remove_listener("Network.responseReceived", load.response)
    cdp.remove_listener("Network.loadingFinished", load.finished)
    load.served = counter.total - served_before
    load.requests = counter.requests - requests_before
    return load


def _worker_ready(page) -> None:
    """Wait until a registered service worker is active (its install fetched what it caches)."""
    page.evaluate(
        """ms => new Promise(done => {
             if (!navigator.serviceWorker) return done(false);
             navigator.serviceWorker.getRegistration().then(reg => {
               if (!reg) return done(false);
               navigator.serviceWorker.ready.then(() => done(true));
               setTimeout(() => done(false), ms);
             });
           })""",
        SW_READY_MS,
    )
    page.wait_for_load_state("networkidle")
