"""A sender's claim about when it acted, bounded by what the server knows (CONTRACT "sync").

A phone says when each op was done, by its own clock, and when it sent the batch. The server
moves every claim by the difference between its clock and the phone's at sending (the skew),
then bounds it: never before the ticket reached the server, never before the last action a
person recorded on the ticket, never before this device's previous successful sync (it would
have sent the op then), never after now. Whatever moved a claim is recorded with the event.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

# A batch's sent_at further than this from the server's clock is not a wrong clock but a lie
# (or a phone whose date is wrong by a year): the batch is refused until the clock is right.
MAX_SKEW = timedelta(days=366)
# Moved by more than this, an op's time is shown to leaders.
NOTABLE_MOVE = timedelta(minutes=10)
# The earliest and latest times the app accepts anywhere (keeps arithmetic in range).
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Floors:
    """The moments the server knows a claim cannot precede; None where unknown."""

    received: datetime | None = None  # the ticket reached the server
    previous_action: datetime | None = None  # a person's last recorded action on the ticket
    device_sync: datetime | None = None  # this device's previous successful sync


@dataclass(frozen=True)
class Bounded:
    """A claim as the server records it."""

    at: datetime  # the time the rules judge
    claimed: datetime  # what the sender said, by its own clock
    skew: timedelta  # server clock − sender clock, when the batch was sent
    bounded_by: str | None  # the bound that moved it after the skew: received, ..., now

    @property
    def moved(self) -> timedelta:
        return self.at - self.claimed


def plausible(at: datetime) -> bool:
    """Within the years the app can hold at all (2000–2099)."""
    return EARLIEST <= at < LATEST


def skew_of(sent_at: datetime, now: datetime) -> timedelta | None:
    """The sender's clock skew, or None when its clock is too far off to be believed."""
    skew = now - sent_at
    return skew if abs(skew) <= MAX_SKEW else None


def bound(claimed: datetime, skew: timedelta, floors: Floors, now: datetime) -> Bounded:
    """The claimed time moved by the skew, then kept between the floors and now."""
    at = claimed + skew
    bounded_by = None
    for name in ("received", "previous_action", "device_sync"):
        floor = getattr(floors, name)
        if floor is not None and at < floor:
            at, bounded_by = floor, name
    if at > now:
        at, bounded_by = now, "now"
    return Bounded(at.astimezone(UTC), claimed, skew, bounded_by)
