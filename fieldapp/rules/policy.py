"""The rules' settings an operator may change (DOMAIN's "(default)" values), with defaults.

The rules take a Policy as a parameter; the app builds one from its configuration."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from fieldapp.rules.catalog import get_type

# How far ahead a moved ETA may be, from the moment it is recorded. Beyond this an ETA is not
# a plan but a way to switch the ticket's escalations off.
ETA_CAP_HOURS_CLOCK_TYPES = 72  # types whose deadline is in hours (OUTAGE, SAFETY, ...)
ETA_CAP_HOURS_WORKING_DAY_TYPES = 30 * 24  # types whose deadline is in working days


@dataclass(frozen=True)
class Policy:
    """Operator settings the rules read."""

    eta_cap_hours: Mapping[str, int] = field(default_factory=dict)  # per type code

    def eta_cap(self, type_code: str) -> timedelta:
        """How far ahead of now a new ETA may be for this type."""
        hours = self.eta_cap_hours.get(type_code)
        if hours is None:
            by_clock = get_type(type_code).resolve_hours is not None
            hours = ETA_CAP_HOURS_CLOCK_TYPES if by_clock else ETA_CAP_HOURS_WORKING_DAY_TYPES
        return timedelta(hours=hours)


DEFAULT_POLICY = Policy()


def parse_eta_caps(setting: str | None) -> dict[str, int]:
    """"OUTAGE=48,RECONNECT=24" → {"OUTAGE": 48, "RECONNECT": 24}; ValueError names a bad one."""
    caps = {}
    for item in (setting or "").split(","):
        if not item.strip():
            continue
        code, _, hours = item.partition("=")
        get_type(code.strip())  # an unknown type is a configuration error
        if not hours.strip().isdigit() or int(hours) < 1:
            raise ValueError(f"bad ETA cap {item!r}: expected TYPE=HOURS")
        caps[code.strip()] = int(hours)
    return caps
