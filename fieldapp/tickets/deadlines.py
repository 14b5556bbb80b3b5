"""Deadlines as the screens show them: the badge of the next deadline, and when an action
starts needing a late reason (mirroring the rules, so the page can ask for it offline)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from fieldapp.rules.catalog import get_type
from fieldapp.rules.lifecycle import effective_deadline, is_open
from fieldapp.rules.state import TicketState

# Below this share of its window left, a deadline turns amber.
SOON_SHARE = 0.25
LATE_ACTIONS = ("accept", "contact", "update", "complete")


@dataclass(frozen=True)
class Badge:
    """The next deadline of an open ticket and how close it is: ok, soon or late."""

    kind: str  # accept | contact | resolve
    due_at: datetime
    left: timedelta  # negative once overdue
    level: str  # ok | soon | late

    @property
    def overdue(self) -> bool:
        return self.level == "late"


def pending_deadlines(state: TicketState) -> list[tuple[str, datetime, datetime]]:
    """(kind, window start, due) of every deadline the open ticket still has to meet."""
    if not is_open(state):
        return []
    pending = []
    if state.accepted_at is None:
        pending.append(("accept", state.received_at, state.accept_by))
    if state.contact_by is not None and state.contacted_at is None:
        after_accept = get_type(state.type).contact_after_accept_minutes is not None
        start = state.accepted_at if after_accept and state.accepted_at else state.received_at
        pending.append(("contact", start, state.contact_by))
    pending.append(("resolve", state.received_at, effective_deadline(state)))
    return pending


def badge(state: TicketState, now: datetime) -> Badge | None:
    """The badge of the earliest pending deadline; None for a closed ticket."""
    pending = pending_deadlines(state)
    if not pending:
        return None
    kind, start, due = min(pending, key=lambda item: item[2])
    left = due - now
    window = (due - start).total_seconds()
    if left.total_seconds() <= 0:
        level = "late"
    elif window <= 0 or left.total_seconds() < SOON_SHARE * window:
        level = "soon"
    else:
        level = "ok"
    return Badge(kind, due, left, level)


def late_after(state: TicketState, action: str) -> datetime | None:
    """The moment from which this action needs a late reason (rules.lifecycle.late_deadlines).

    A recorded expected delay explains contact and resolve lateness until its expected time;
    a late accept is never explained by it.
    """
    if action not in LATE_ACTIONS or not is_open(state):
        return None
    candidates = []
    if state.accepted_at is None:
        candidates.append(state.accept_by)
    covered_until = state.expected_at if state.delay_reason is not None else None
    owed = [state.resolve_by]
    if state.contact_by is not None and state.contacted_at is None:
        owed.append(state.contact_by)
    candidates += [max(d, covered_until) if covered_until else d for d in owed]
    return min(candidates)


def is_due_today(state: TicketState, today, local) -> bool:
    """Whether the open ticket's resolve deadline falls on the local day `today`."""
    return is_open(state) and local(effective_deadline(state)).date() == today
