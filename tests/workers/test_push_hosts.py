"""Pushes go only to the push services PUSH_ALLOWED_HOSTS names, at public addresses: the
transport checks every send, against the address it connects to."""

import pytest
import requests

from fieldapp.services import push_hosts
from fieldapp.services.push import PushSender
from fieldapp.services.push_hosts import AllowedHostsAdapter, EndpointRefused, is_public
from tests.api.test_push import browser_subscription
from tests.workers.fakes import FakePushService
from tests.workers.test_push_delivery import deliveries, fire
from tests.workers.test_push_keys import browser_of


@pytest.fixture
def internal():
    """A service on this machine that nobody allowed (Redis, an admin page, metadata...)."""
    service = FakePushService()
    yield service
    service.close()


def test_a_host_not_allowed_is_never_connected_to(app, internal):
    outcome = PushSender.for_app(app).send(
        browser_of(internal, "phone"), {"title": "thử"}, ttl=60, urgency="normal"
    )
    assert outcome.status == "failed" and "EndpointRefused" in outcome.error
    assert internal.arrivals == 0


def test_a_bare_name_is_refused_when_it_resolves_to_this_machine(app):
    app.config["PUSH_ALLOWED_HOSTS"] = "localhost"  # named bare: its addresses must be public
    outcome = PushSender.for_app(app).send(
        browser_subscription("https://localhost/push/x"), {"title": "thử"}, ttl=60, urgency="normal"
    )
    # not a failed connection to 127.0.0.1:443 (which would be retried): never tried at all
    assert outcome.status == "failed" and "EndpointRefused" in outcome.error


def test_reminders_to_a_host_no_longer_allowed_fail_without_a_request(
    app, org, new_ticket, push_service, queue, work
):
    push_service.subscribe(org["users"]["crew"].id, "phone")
    app.config["PUSH_ALLOWED_HOSTS"] = "fcm.googleapis.com"  # the operator took it off
    new_ticket()

    fire(queue, work)

    [delivery] = deliveries()
    assert delivery.status == "failed" and "EndpointRefused" in delivery.last_error
    assert push_service.arrivals == 0


class Resolver:
    """Stands in for DNS (this machine has none): what each name resolves to, as it changes."""

    def __init__(self, monkeypatch, answers: dict[str, list[str]]):
        self.answers = answers
        monkeypatch.setattr(push_hosts, "resolve", lambda host, port: self.answers[host])


def pool_for(adapter: AllowedHostsAdapter, url: str) -> tuple[dict, dict, dict]:
    """What the adapter would connect to for a POST to url: host, pool options, headers."""
    request = requests.Request("POST", url, data=b"x").prepare()
    host, pool = adapter.build_connection_pool_key_attributes(request, True)
    return host, pool, dict(request.headers)


def test_the_connection_is_pinned_to_the_address_checked(monkeypatch):
    dns = Resolver(monkeypatch, {"fcm.googleapis.com": ["142.250.66.42", "2404:6800::200a"]})
    adapter = AllowedHostsAdapter("fcm.googleapis.com")
    host, pool, headers = pool_for(adapter, "https://fcm.googleapis.com/fcm/send/abc")
    assert host == {"scheme": "https", "host": "142.250.66.42", "port": None}
    assert pool["server_hostname"] == pool["assert_hostname"] == "fcm.googleapis.com"  # TLS
    assert headers["Host"] == "fcm.googleapis.com"

    # The name now points inside (DNS rebinding): the next send is refused.
    dns.answers["fcm.googleapis.com"] = ["142.250.66.42", "169.254.169.254"]
    with pytest.raises(EndpointRefused):
        pool_for(adapter, "https://fcm.googleapis.com/fcm/send/abc")


def test_a_redirect_elsewhere_is_refused_like_any_other_url(monkeypatch):
    Resolver(monkeypatch, {"fcm.googleapis.com": ["142.250.66.42"]})
    adapter = AllowedHostsAdapter("fcm.googleapis.com")
    for url in ("http://169.254.169.254/latest/meta-data/", "https://fcm.googleapis.com:444/x"):
        with pytest.raises(EndpointRefused):
            pool_for(adapter, url)


@pytest.mark.parametrize(
    "address, public",
    [
        ("142.250.66.42", True),
        ("2404:6800:4003:c00::5f", True),
        ("127.0.0.1", False),
        ("::1", False),
        ("0.0.0.0", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("100.64.0.1", False),  # CGNAT
        ("224.0.0.1", False),
        ("ff02::1", False),
        ("240.0.0.1", False),
        ("255.255.255.255", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:169.254.169.254", False),
        ("::ffff:8.8.8.8", True),
        ("64:ff9b::a9fe:a9fe", False),
        ("2002:7f00:1::", False),  # NAT64, 6to4 of loopback
    ],
)
def test_which_addresses_are_public(address, public):
    assert is_public(address) is public


@pytest.mark.parametrize(
    "setting",
    [
        "*",
        "*.",
        "fcm.*.com",
        "fcm.googleapis.com/fcm",
        "ftp://push.example:21",
        "http://push.example:80/path",
        "http://push.example:port",
    ],
)
def test_a_malformed_entry_is_an_error_never_a_wider_rule(setting):
    with pytest.raises(ValueError):
        push_hosts.parse_rules(setting)
