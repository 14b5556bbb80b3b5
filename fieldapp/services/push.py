"""Web Push: the VAPID key pair, and sending one encrypted message to one browser.

Keys come from VAPID_PRIVATE_KEY / VAPID_PUBLIC_KEY; when they are unset a pair is generated
once and kept in the instance folder (`vapid.json`), so every process of one installation
signs with the same key and phones stay subscribed across restarts.
"""

import base64
import fcntl
import json
import os
import threading
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Flask, current_app
from py_vapid import Vapid02
from pywebpush import WebPushException, webpush
from urllib3.exceptions import NewConnectionError

from fieldapp.services.push_hosts import AllowedHostsAdapter, UnresolvedHost

KEY_FILE = "vapid.json"
# A signed VAPID token is valid for 12 h; it is reused for an hour per push service.
TOKEN_LIFETIME = 12 * 3600
TOKEN_REUSE = 3600
DEFAULT_RETRY_AFTER = 60.0


@dataclass(frozen=True)
class VapidKeys:
    """A VAPID key pair, both halves base64url without padding (what browsers expect)."""

    private_key: str  # the raw 32-byte private number
    public_key: str  # the uncompressed 65-byte point: applicationServerKey


@dataclass(frozen=True)
class PushOutcome:
    """What the push service made of one message.

    status: sent; gone (404/410: the subscription is dead); retry (the service did not take
    it: 429, 5xx, no connection; retry_after in seconds); failed (refused, or unknown
    whether it arrived, which must not be retried)."""

    status: str
    http_status: int | None = None
    retry_after: float | None = None
    error: str | None = None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def generate_keys() -> VapidKeys:
    """A new key pair."""
    key = ec.generate_private_key(ec.SECP256R1())
    return VapidKeys(_b64(key.private_numbers().private_value.to_bytes(32, "big")), _public_of(key))


def _public_of(key: ec.EllipticCurvePrivateKey) -> str:
    raw = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return _b64(raw)


def public_key_for(private_key: str) -> str:
    """The public half of a private key given as configured (raw base64url or DER)."""
    return _public_of(Vapid02.from_string(private_key).private_key)


def vapid_keys(app: Flask | None = None) -> VapidKeys:
    """The installation's key pair: configured, else kept in the instance folder."""
    app = app or current_app
    cached = app.extensions.get("fieldapp.vapid")
    if cached is None:
        private = app.config.get("VAPID_PRIVATE_KEY")
        if private:
            cached = VapidKeys(
                private, app.config.get("VAPID_PUBLIC_KEY") or public_key_for(private)
            )
        else:
            cached = _instance_keys(Path(app.instance_path))
        app.extensions["fieldapp.vapid"] = cached
    return cached


def _instance_keys(folder: Path) -> VapidKeys:
    """Read the instance folder's pair, creating it under a lock the first time."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / KEY_FILE
    with open(folder / (KEY_FILE + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            keys = generate_keys()
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                json.dump({"private_key": keys.private_key, "public_key": keys.public_key}, handle)
        data = json.loads(path.read_text())
    return VapidKeys(data["private_key"], data["public_key"])


class PushSender:
    """Sends Web Push messages with one VAPID identity, only to the push services allowed
    (PUSH_ALLOWED_HOSTS, see push_hosts); safe to share between threads."""

    def __init__(self, keys: VapidKeys, subject: str, allowed_hosts: str, timeout: float = 10.0):
        self._vapid = Vapid02.from_string(keys.private_key)
        self._subject = subject
        self._allowed_hosts = allowed_hosts
        self._timeout = timeout
        self._tokens: dict[str, tuple[float, dict]] = {}
        self._lock = threading.Lock()
        self._local = threading.local()

    @classmethod
    def for_app(cls, app: Flask | None = None) -> "PushSender":
        """A sender with the app's keys and subject."""
        app = app or current_app
        return cls(
            vapid_keys(app),
            app.config["VAPID_SUBJECT"],
            app.config["PUSH_ALLOWED_HOSTS"],
            float(app.config.get("PUSH_TIMEOUT_SECONDS", 10)),
        )

    def send(self, subscription: dict, payload: dict, ttl: int, urgency: str) -> PushOutcome:
        """Encrypt (aes128gcm) and POST one message; never raises for the service's answer."""
        headers = {"Urgency": urgency, **self._authorization(subscription["endpoint"])}
        try:
            webpush(
                subscription,
                data=json.dumps(payload, ensure_ascii=False),
                ttl=ttl,
                headers=headers,
                timeout=self._timeout,
                requests_session=self._session(),
            )
        except WebPushException as err:
            return _refused(err)
        except requests.RequestException as err:
            if _never_reached(err):
                return PushOutcome("retry", retry_after=DEFAULT_RETRY_AFTER, error=repr(err))
            return PushOutcome("failed", error=repr(err))
        return PushOutcome("sent", http_status=201)

    def _authorization(self, endpoint: str) -> dict:
        """The VAPID header for the endpoint's push service, signed once an hour."""
        parts = requests.utils.urlparse(endpoint)
        audience = f"{parts.scheme}://{parts.netloc}"
        now = time.time()
        with self._lock:
            cached = self._tokens.get(audience)
            if cached is None or cached[0] < now:
                claims = {"sub": self._subject, "aud": audience, "exp": int(now) + TOKEN_LIFETIME}
                cached = (now + TOKEN_REUSE, self._vapid.sign(claims))
                self._tokens[audience] = cached
        return cached[1]

    def _session(self) -> requests.Session:
        """One keep-alive session per thread (requests sessions are not thread-safe)."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = _environment_read_once(requests.Session())
            guard = AllowedHostsAdapter(self._allowed_hosts)
            session.mount("https://", guard)
            session.mount("http://", guard)
        return session


def _environment_read_once(session: requests.Session) -> requests.Session:
    """The environment's proxies and CA bundle, read now rather than for every message.

    requests otherwise re-reads them and looks for ~/.netrc on each request: a good share of a
    push's CPU time. (NO_PROXY is not consulted: push services are public hosts.)"""
    session.proxies.update(
        {scheme: url for scheme, url in requests.utils.getproxies().items() if scheme != "no"}
    )
    session.verify = (
        os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
    )
    session.trust_env = False
    return session


def _refused(err: WebPushException) -> PushOutcome:
    """Map the push service's error answer to what to do next."""
    code = err.status_code
    text = f"HTTP {code}: {(err.response.text or '')[:200] if err.response is not None else ''}"
    if code in (404, 410):
        return PushOutcome("gone", code, error=text)
    if code == 429 or (code is not None and code >= 500):
        return PushOutcome(
            "retry", code, retry_after=retry_after_seconds(err.retry_after), error=text
        )
    return PushOutcome("failed", code, error=text)


def retry_after_seconds(value: str | None, now: float | None = None) -> float:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date)."""
    if not value:
        return DEFAULT_RETRY_AFTER
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return DEFAULT_RETRY_AFTER
    return max(0.0, moment - (time.time() if now is None else now))


def _never_reached(err: requests.RequestException) -> bool:
    """True when the request certainly did not reach the service (so resending is safe)."""
    if isinstance(err, requests.exceptions.ConnectTimeout | UnresolvedHost):
        return True
    reason = getattr(err.args[0], "reason", None) if err.args else None
    return isinstance(err, requests.ConnectionError) and isinstance(reason, NewConnectionError)
