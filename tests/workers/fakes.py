"""Local stand-ins for the outside world, speaking real HTTP: a push service and the CRM.

The push service checks what a real one checks (the VAPID signature) and decrypts what only
the browser could (aes128gcm with the browser's private key), so a test sees exactly what a
phone would show.
"""

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02

from fieldapp.extensions import db
from fieldapp.models import PushSubscription


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class Browser:
    """A browser's push keys: what it keeps secret and what it gives the server."""

    name: str
    key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        return b64(
            self.key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )


@dataclass
class Received:
    """One message as the push service got it, decrypted as the browser would."""

    device: str
    payload: dict
    ttl: str | None
    urgency: str | None
    vapid_key: str
    claims: dict
    at: float


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class FakePushService:
    """A push service on 127.0.0.1: verifies VAPID, decrypts, records, answers as told."""

    def __init__(self):
        self.browsers: dict[str, Browser] = {}
        self.received: list[Received] = []
        self.answers: dict[str, list] = {}  # device → statuses (or (status, headers)) to give
        self.gate = threading.Event()  # cleared: requests hang until it is set
        self.gate.set()
        self.arrivals = 0  # requests that reached the service, answered or not
        self.rejected: list[str] = []
        self._lock = threading.Lock()
        self.server = _Server(("127.0.0.1", 0), self._handler())
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def close(self) -> None:
        self.gate.set()
        self.server.shutdown()
        self.server.server_close()

    def subscribe(self, user_id: int, name: str) -> PushSubscription:
        """A new browser of the user, subscribed in the database as the settings page does."""
        browser = self.browsers[name] = Browser(name)
        row = PushSubscription(
            user_id=user_id,
            endpoint=f"{self.base}/push/{name}",
            p256dh=browser.p256dh,
            auth=b64(browser.auth),
        )
        db.session.add(row)
        db.session.commit()
        return row

    def count(self, device: str | None = None) -> int:
        with self._lock:
            return sum(1 for r in self.received if device is None or r.device == device)

    def per_device(self) -> dict[tuple[str, str, int], int]:
        """How many times each device got each (kind, ticket)."""
        counts: dict = {}
        with self._lock:
            for r in self.received:
                key = (r.device, r.payload.get("kind"), r.payload.get("ticket_id"))
                counts[key] = counts.get(key, 0) + 1
        return counts

    def _handle(self, device: str, headers, body: bytes) -> tuple[int, dict]:
        browser = self.browsers.get(device)
        if browser is None:
            return 404, {}
        auth = headers.get("Authorization", "")
        if not Vapid02.verify(auth):
            self.rejected.append(f"{device}: bad VAPID signature")
            return 401, {}
        if headers.get("Content-Encoding") != "aes128gcm":
            self.rejected.append(f"{device}: not aes128gcm")
            return 400, {}
        plain = http_ece.decrypt(
            body, private_key=browser.key, auth_secret=browser.auth, version="aes128gcm"
        )
        with self._lock:
            queued = self.answers.get(device) or []
            answer = queued.pop(0) if queued else 201
        status, extra = answer if isinstance(answer, tuple) else (answer, {})
        if status < 300:
            token, key = auth.split(" ", 1)[1].split(",")
            claims = json.loads(base64.urlsafe_b64decode(token[2:].split(".")[1] + "=="))
            with self._lock:
                self.received.append(
                    Received(
                        device,
                        json.loads(plain),
                        headers.get("TTL"),
                        headers.get("Urgency"),
                        key[2:],
                        claims,
                        time.time(),
                    )
                )
        return status, extra

    def _handler(self):
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                device = self.path.rsplit("/", 1)[-1]
                with service._lock:
                    service.arrivals += 1
                service.gate.wait()
                try:
                    status, extra = service._handle(device, self.headers, body)
                except Exception as err:  # shown by the test that reads `rejected`
                    service.rejected.append(f"{device}: {err!r}")
                    status, extra = 500, {}
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        return Handler


class FakeCrm:
    """The CRM's callback endpoint: records every request; can be down, or answer errors."""

    def __init__(self, port: int = 0):
        self.requests: list[dict] = []
        self.failures: list[int] = []  # statuses to answer before answering 200
        self.refused: set[str] = set()  # crm_ids answered 500 for as long as they are here
        self.reply = b""  # the body of every answer
        self._lock = threading.Lock()
        self.server = _Server(("127.0.0.1", port), self._handler())
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/crm/events"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def accepted(self) -> list[dict]:
        """The bodies answered 2xx, in arrival order."""
        with self._lock:
            return [r["body"] for r in self.requests if r["status"] < 300]

    def _handler(self):
        crm = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with crm._lock:
                    status = crm.failures.pop(0) if crm.failures else 200
                    if json.loads(raw).get("crm_id") in crm.refused:
                        status = 500
                    crm.requests.append(
                        {
                            "raw": raw,
                            "body": json.loads(raw),
                            "status": status,
                            "headers": dict(self.headers),
                        }
                    )
                self.send_response(status)
                self.send_header("Content-Length", str(len(crm.reply)))
                self.end_headers()
                self.wfile.write(crm.reply)

            def log_message(self, *args):
                pass

        return Handler
