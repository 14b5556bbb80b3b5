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
# Words and phrases that show an upset customer in a request's content (DOMAIN §7: the team
# leader is told at once of such a complaint). Matched as whole words, diacritics or not.
UPSET_WORDS = (
    "bức xúc",
    "bực mình",
    "bực bội",
    "tức giận",
    "phẫn nộ",
    "bất bình",
    "quá đáng",
    "vô trách nhiệm",
    "không chấp nhận được",
    "thất vọng",
    "sẽ kiện",
    "đưa lên báo",
)
# An earlier request of the same customer and type closed this many days before still makes
# a new one a repeat (DOMAIN §4: "the customer has called again about the same thing").
REPEAT_WINDOW_DAYS = 7


@dataclass(frozen=True)
class Policy:
    """Operator settings the rules read."""

    eta_cap_hours: Mapping[str, int] = field(default_factory=dict)  # per type code
    upset_words: tuple[str, ...] = UPSET_WORDS
    repeat_window_days: int = REPEAT_WINDOW_DAYS

    @property
    def repeat_window(self) -> timedelta:
        """How long after an earlier request closed a new one still repeats it."""
        return timedelta(days=self.repeat_window_days)

    def eta_cap(self, type_code: str) -> timedelta:
        """How far ahead of now a new ETA may be for this type."""
        hours = self.eta_cap_hours.get(type_code)
        if hours is None:
            by_clock = get_type(type_code).resolve_hours is not None
            hours = ETA_CAP_HOURS_CLOCK_TYPES if by_clock else ETA_CAP_HOURS_WORKING_DAY_TYPES
        return timedelta(hours=hours)


DEFAULT_POLICY = Policy()


def parse_eta_caps(setting: str | None) -> dict[str, int]:
    """ "OUTAGE=48,RECONNECT=24" → {"OUTAGE": 48, "RECONNECT": 24}; ValueError names a bad one."""
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


def parse_words(setting: str | None) -> tuple[str, ...]:
    """ "bức xúc, tức giận" → ("bức xúc", "tức giận"); unset or blank → the default list."""
    words = tuple(w.strip() for w in (setting or "").split(",") if w.strip())
    return words or UPSET_WORDS
