"""A ticket's running clocks and the one meaning of late and overdue (DOMAIN §3, §4).

Every answer about time on a ticket comes from here: which deadlines are still pending, from
when an action must carry a late reason, the badge of the next deadline, what is "late" in the
API, and the two named kinds of overdue the board, the dashboard and the reports count. The
page carries `clocks_json` so that the phone, offline, judges a queued action the same way.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from fieldapp.rules.actions import LATE_ACTIONS, OPEN_STATUSES
from fieldapp.rules.catalog import get_type
from fieldapp.rules.state import TicketState
from fieldapp.rules.text import N_

# Below this share of its window left, a deadline turns amber on the badge.
SOON_SHARE = 0.25
# The two meanings of "overdue", each named where it is shown (DOMAIN §5).
OVERDUE_KINDS = {"accept": N_("Quá hạn tiếp nhận"), "resolve": N_("Quá hạn xử lý")}


@dataclass(frozen=True)
class Clock:
    """A deadline the ticket still has to meet.

    `due` is the deadline itself; `until` is when it really passes: later than `due` when a
    recorded delay (an extension or overdue update) explains it until the new expected time.
    A late accept is never explained that way."""

    name: str  # accept | contact | resolve
    start: datetime  # when its window opened
    due: datetime
    until: datetime


@dataclass(frozen=True)
class Badge:
    """The next deadline of an open ticket and how close it is: ok, soon or late."""

    kind: str
    due_at: datetime
    left: timedelta  # negative once passed
    level: str  # ok | soon | late

    @property
    def overdue(self) -> bool:
        return self.level == "late"


def is_open(state: TicketState) -> bool:
    """Whether the ticket is still being worked (not completed, not returned)."""
    return state.status in OPEN_STATUSES


def effective_deadline(state: TicketState) -> datetime:
    """The resolve deadline in force: resolve_by, or the crew's later expected time."""
    if state.expected_at is not None and state.expected_at > state.resolve_by:
        return state.expected_at
    return state.resolve_by


def _covered_until(state: TicketState, due: datetime) -> datetime:
    if state.expected_at is not None and state.delay_reason is not None:
        return max(due, state.expected_at)
    return due


def contact_window_start(state: TicketState) -> datetime:
    """When the contact clock started: at acceptance for OUTAGE-like types, else receipt."""
    after_accept = get_type(state.type).contact_after_accept_minutes is not None
    return state.accepted_at if after_accept and state.accepted_at else state.received_at


def clocks(state: TicketState) -> list[Clock]:
    """The deadlines the open ticket still has to meet (none once it is closed)."""
    if not is_open(state):
        return []
    pending = []
    if state.accepted_at is None:
        pending.append(Clock("accept", state.received_at, state.accept_by, state.accept_by))
    if state.contact_by is not None and state.contacted_at is None:
        pending.append(
            Clock(
                "contact",
                contact_window_start(state),
                state.contact_by,
                _covered_until(state, state.contact_by),
            )
        )
    pending.append(
        Clock(
            "resolve", state.received_at, state.resolve_by, _covered_until(state, state.resolve_by)
        )
    )
    return pending


def passed(state: TicketState, at: datetime) -> tuple[str, ...]:
    """The pending deadlines that have passed at `at`, explained or not."""
    return tuple(c.name for c in clocks(state) if at > c.due)


def late_deadlines(state: TicketState, action: str, at: datetime) -> tuple[str, ...]:
    """The passed deadlines for which this action must carry a late reason."""
    if action not in LATE_ACTIONS:
        return ()
    return tuple(c.name for c in clocks(state) if at > c.until)


def late_after(state: TicketState, action: str) -> datetime | None:
    """The moment from which this action needs a late reason (None: never, as things stand)."""
    if action not in LATE_ACTIONS:
        return None
    return min((c.until for c in clocks(state)), default=None)


def overdue(state: TicketState, now: datetime) -> tuple[str, ...]:
    """The kinds of overdue the ticket is in now: "accept" (quá hạn tiếp nhận: not accepted
    by its accept deadline) and "resolve" (quá hạn xử lý: open past the deadline in force)."""
    if not is_open(state):
        return ()
    kinds = []
    if state.accepted_at is None and now > state.accept_by:
        kinds.append("accept")
    if now > effective_deadline(state):
        kinds.append("resolve")
    return tuple(kinds)


def awaiting_report(state: TicketState) -> bool:
    """The call center chased the open ticket and no overdue update answered it yet."""
    if not is_open(state) or state.chased_at is None:
        return False
    return state.overdue_updated_at is None or state.overdue_updated_at < state.chased_at


def marks(state: TicketState) -> tuple[str, ...]:
    """What the ticket waits for besides its deadlines, shown on it (rules.labels "mark")."""
    if not is_open(state):
        return ()
    waiting = {"handover": state.handover_pending, "chased": awaiting_report(state)}
    return tuple(name for name, on in waiting.items() if on)


def due_on(state: TicketState, day: date, local: Callable[[datetime], datetime]) -> bool:
    """Whether the open ticket's deadline in force falls on `day`, read in local time."""
    return is_open(state) and local(effective_deadline(state)).date() == day


def late(state: TicketState, now: datetime) -> dict[str, bool]:
    """Late so far, per deadline: missed by an action already, or passed while still owed."""
    owed = set(passed(state, now))
    return {
        "accept": state.late_accept or "accept" in owed,
        "contact": state.late_contact or "contact" in owed,
        "resolve": state.late_resolve or "resolve" in owed,
    }


def badge(state: TicketState, now: datetime) -> Badge | None:
    """The badge of the earliest pending deadline in force; None for a closed ticket."""
    pending = clocks(state)
    if not pending:
        return None
    clock = min(pending, key=lambda c: c.until)
    left = clock.until - now
    window = (clock.until - clock.start).total_seconds()
    if left.total_seconds() <= 0:
        level = "late"
    elif window <= 0 or left.total_seconds() < SOON_SHARE * window:
        level = "soon"
    else:
        level = "ok"
    return Badge(clock.name, clock.until, left, level)


def clocks_json(state: TicketState) -> dict:
    """What the page carries so the phone can judge queued actions offline.

    `clocks`: each pending deadline (ISO times). `contact_after_accept_minutes`: a queued
    accept starts the contact clock that many minutes after it (None: no such clock).
    `cover_until`: a recorded delay explains contact and resolve lateness until then."""
    after = get_type(state.type).contact_after_accept_minutes
    return {
        "clocks": [
            {
                "name": c.name,
                "start": c.start.isoformat(),
                "due": c.due.isoformat(),
                "until": c.until.isoformat(),
            }
            for c in clocks(state)
        ],
        "contact_after_accept_minutes": after if state.accepted_at is None else None,
        "resolve_until": _covered_until(state, state.resolve_by).isoformat(),
        "late_actions": list(LATE_ACTIONS),
    }
