"""HMAC signatures between the CRM and the app (CONTRACT: both directions sign alike)."""

import hashlib
import hmac
import re

# Unix seconds in ASCII digits: str.isdigit also accepts "²" and "١", which int() refuses, and
# int() refuses any number longer than 4300 digits.
_TIMESTAMP = re.compile(r"[0-9]{1,12}")


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The X-CRM-Signature value for a body sent at a unix timestamp."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def signed_headers(secret: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The headers that sign a JSON body."""
    ts = str(int(timestamp))
    return {
        "X-CRM-Timestamp": ts,
        "X-CRM-Signature": signature(secret, ts, body),
        "Content-Type": "application/json",
    }


def verify(
    secret: str, timestamp: str | None, given: str | None, body: bytes, now: float, tolerance: int
) -> bool:
    """True for a correct signature made within `tolerance` seconds of now."""
    if not timestamp or not given or not _TIMESTAMP.fullmatch(timestamp):
        return False
    if abs(now - int(timestamp)) > tolerance:
        return False
    # As bytes: compare_digest refuses str with non-ASCII characters.
    return hmac.compare_digest(signature(secret, timestamp, body).encode(), given.encode())
