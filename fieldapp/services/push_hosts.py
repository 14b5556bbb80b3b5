"""Where pushes may go: the push services PUSH_ALLOWED_HOSTS names, at public addresses.

A subscription's endpoint is a URL the browser posts, so without a check any signed-in user
could make the worker POST wherever they like: to this machine, the office network or a
cloud's metadata service. PUSH_ALLOWED_HOSTS lists, comma-separated:

- `host`, or `*.suffix` for every host under suffix: that push service over https on port 443,
  and only at public addresses;
- `scheme://host:port`: exactly that origin at whatever address, loopback included, because
  the operator named it (the tests' local push service is one).

An endpoint is checked when the browser subscribes, and again by the transport on every send,
which connects to the very address it checked: a name may resolve elsewhere by then.
"""

import ipaddress
import socket
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

DEFAULT_PORTS = {"http": 80, "https": 443}
NAT64 = ipaddress.ip_network("64:ff9b::/96")  # an IPv4 address behind the NAT64 gateway


class EndpointRefused(requests.RequestException):
    """Not an allowed push service, or its name resolves to an address that is not public."""


class UnresolvedHost(requests.ConnectionError):
    """The push service's name did not resolve: nothing was sent, so trying later is safe."""


@dataclass(frozen=True)
class Rule:
    """One entry of PUSH_ALLOWED_HOSTS."""

    scheme: str
    host: str
    port: int
    subdomains: bool  # `*.host`: every name under host, not host itself
    public_only: bool

    def allows(self, scheme: str, host: str, port: int) -> bool:
        """True when the origin is this entry's."""
        if (scheme, port) != (self.scheme, self.port):
            return False
        return host.endswith("." + self.host) if self.subdomains else host == self.host


@lru_cache(maxsize=16)
def parse_rules(setting: str) -> tuple[Rule, ...]:
    """PUSH_ALLOWED_HOSTS as rules; a malformed entry is an error, never read as a wider rule."""
    entries = [entry.strip().lower() for entry in setting.split(",")]
    return tuple(
        _origin_rule(entry) if "://" in entry else _host_rule(entry) for entry in entries if entry
    )


def _host_rule(entry: str) -> Rule:
    wildcard = entry.startswith("*.")
    host = entry[2:] if wildcard else entry
    if not host or "*" in host or "/" in host or ":" in host:
        raise ValueError(f"PUSH_ALLOWED_HOSTS: {entry!r} is neither host nor *.suffix")
    return Rule("https", host.rstrip("."), 443, wildcard, public_only=True)


def _origin_rule(entry: str) -> Rule:
    target = _origin(entry)
    if target is None or urlsplit(entry).path not in ("", "/"):
        raise ValueError(f"PUSH_ALLOWED_HOSTS: {entry!r} is not scheme://host:port")
    return Rule(*target, subdomains=False, public_only=False)


def _origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of a plain http(s) URL; None for anything else."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if (
        parts.scheme not in DEFAULT_PORTS
        or not parts.hostname
        or parts.username is not None
        or parts.password is not None
    ):
        return None
    return parts.scheme, parts.hostname.rstrip("."), port or DEFAULT_PORTS[parts.scheme]


def rule_for(url: str, setting: str) -> Rule | None:
    """The entry of PUSH_ALLOWED_HOSTS that allows this URL, if any."""
    origin = _origin(url)
    if origin is None:
        return None
    return next((rule for rule in parse_rules(setting) if rule.allows(*origin)), None)


def is_public(address: str) -> bool:
    """True for an address on the public internet (an IPv4 one inside IPv6 judged as IPv4)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6:
        embedded = (
            ip.ipv4_mapped
            or ip.sixtofour
            or (ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) if ip in NAT64 else None)
        )
        ip = embedded or ip
    return ip.is_global and not (ip.is_multicast or ip.is_reserved)


def resolve(host: str, port: int) -> list[str]:
    """Every address the name resolves to now."""
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def may_subscribe(url: str, setting: str) -> bool:
    """True when a browser may subscribe with this endpoint.

    A name that does not resolve at this moment is let through: nothing is sent to it until
    the transport has resolved and checked it."""
    rule = rule_for(url, setting)
    if rule is None or not rule.public_only:
        return rule is not None
    origin = _origin(url)
    assert origin is not None  # a rule allowed it
    _, host, port = origin
    try:
        return all(is_public(address) for address in resolve(host, port))
    except socket.gaierror:
        return True


def public_address(host: str, port: int) -> str:
    """The address to connect to: the name's first, once every one it has is public."""
    try:
        addresses = resolve(host, port)
    except socket.gaierror as err:
        raise UnresolvedHost(f"{host}: {err}") from err
    if not addresses or not all(is_public(address) for address in addresses):
        raise EndpointRefused(f"{host} resolves to {addresses}, not only public addresses")
    return addresses[0]


class AllowedHostsAdapter(HTTPAdapter):
    """Sends only to the push services allowed, connecting to the address it checked (so the
    name cannot be made to resolve elsewhere in between) while TLS still verifies the name."""

    def __init__(self, setting: str):
        super().__init__()
        self._setting = setting

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        """The pool to send through: checked, and pinned to the address for a public host."""
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(
            request, verify, cert
        )
        rule = rule_for(request.url, self._setting)
        if rule is None:
            raise EndpointRefused(f"{urlsplit(request.url).netloc} is not an allowed push service")
        if rule.public_only:
            host = host_params["host"]
            host_params["host"] = public_address(host, host_params["port"] or rule.port)
            request.headers["Host"] = host  # always https on 443: no port to name
            pool_kwargs["server_hostname"] = pool_kwargs["assert_hostname"] = host
        return host_params, pool_kwargs
