"""Walk-in requests at the counter (DOMAIN §2): how a ticket the team enters itself differs
from one the call center pushed."""

import secrets

from fieldapp.rules.catalog import COUNTER_CHANNEL
from fieldapp.rules.state import TicketState

COUNTER = COUNTER_CHANNEL  # the ticket's origin and its channel: "tại quầy"
# B.01's channel list (rules.catalog.CHANNELS) has no counter: the report counts it as other.
REPORTED_CHANNEL = {COUNTER: "other"}
CODE_PREFIX = "QAY-"
# Letters and digits that cannot be misread for one another when read aloud or copied by hand.
CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"
CODE_LENGTH = 6


def new_code() -> str:
    """A short readable code for a walk-in ticket, e.g. QAY-7KX4PM (the caller makes sure no
    ticket has it yet)."""
    return CODE_PREFIX + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def is_code(text: str) -> bool:
    """Whether the text has the shape of a walk-in code (a form's claim to check)."""
    body = text[len(CODE_PREFIX) :] if text.startswith(CODE_PREFIX) else ""
    return len(body) == CODE_LENGTH and all(c in CODE_ALPHABET for c in body)


def is_walkin(state: TicketState) -> bool:
    """Entered at the counter: it never came from the call center."""
    return state.origin == COUNTER


def channels_counted_as(channel: str) -> tuple[str, ...]:
    """The ticket channels a report column of B.01 counts: its own and those folded into it."""
    return (channel, *sorted(c for c, shown in REPORTED_CHANNEL.items() if shown == channel))
