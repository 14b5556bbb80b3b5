"""`flask --app wsgi push keys`: a new VAPID pair that pywebpush can sign with."""

import base64
import json

from cryptography.hazmat.primitives.asymmetric import ec
from pywebpush import webpush

from fieldapp.services.push import PushSender, public_key_for, vapid_keys
from tests.workers.fakes import Browser, b64


def printed_keys(runner) -> dict[str, str]:
    result = runner.invoke(args=["push", "keys"])
    assert result.exit_code == 0, result.output
    lines = dict(line.split("=", 1) for line in result.output.splitlines())
    assert set(lines) == {"VAPID_PRIVATE_KEY", "VAPID_PUBLIC_KEY"}
    return lines


def raw(value: str) -> bytes:
    assert "=" not in value and "+" not in value and "/" not in value  # base64url, no padding
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def browser_of(push_service, name: str) -> dict:
    """A browser the push service knows, as its PushSubscription.toJSON() (no user needed)."""
    browser = push_service.browsers[name] = Browser(name)
    return {
        "endpoint": f"{push_service.base}/push/{name}",
        "keys": {"p256dh": browser.p256dh, "auth": b64(browser.auth)},
    }


def test_push_keys_prints_a_matching_p256_pair(app):
    keys = printed_keys(app.test_cli_runner())
    private, public = raw(keys["VAPID_PRIVATE_KEY"]), raw(keys["VAPID_PUBLIC_KEY"])
    assert len(private) == 32 and len(public) == 65 and public[0] == 4
    point = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), public)
    derived = ec.derive_private_key(int.from_bytes(private, "big"), ec.SECP256R1())
    assert derived.public_key().public_numbers() == point.public_numbers()
    assert public_key_for(keys["VAPID_PRIVATE_KEY"]) == keys["VAPID_PUBLIC_KEY"]


def test_each_run_prints_a_new_pair(app):
    runner = app.test_cli_runner()
    assert printed_keys(runner) != printed_keys(runner)


def test_pywebpush_signs_with_the_printed_key(app, push_service):
    keys = printed_keys(app.test_cli_runner())
    subscription = browser_of(push_service, "phone")

    webpush(
        subscription,
        data=json.dumps({"title": "xin chào"}),
        ttl=60,
        vapid_private_key=keys["VAPID_PRIVATE_KEY"],
        vapid_claims={"sub": "mailto:ops@fieldapp.local"},
    )

    assert push_service.rejected == []
    [got] = push_service.received
    assert got.payload == {"title": "xin chào"}
    assert got.vapid_key == keys["VAPID_PUBLIC_KEY"]


def test_the_app_sends_with_configured_keys(app, push_service):
    keys = printed_keys(app.test_cli_runner())
    app.config["VAPID_PRIVATE_KEY"] = keys["VAPID_PRIVATE_KEY"]
    app.extensions.pop("fieldapp.vapid", None)
    assert vapid_keys(app).public_key == keys["VAPID_PUBLIC_KEY"]
    assert app.test_client().get("/api/v1/push/vapid-key").get_json() == {
        "public_key": keys["VAPID_PUBLIC_KEY"]
    }

    outcome = PushSender.for_app(app).send(
        browser_of(push_service, "phone"), {"title": "thử"}, ttl=60, urgency="normal"
    )
    assert outcome.status == "sent" and push_service.rejected == []
    [got] = push_service.received
    assert got.vapid_key == keys["VAPID_PUBLIC_KEY"] and got.payload == {"title": "thử"}
