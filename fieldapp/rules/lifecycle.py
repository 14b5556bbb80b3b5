"""Judging an op on a ticket (DOMAIN.md §2, §4): applied with its event, or refused."""

from dataclasses import replace
from datetime import UTC, datetime

from fieldapp.rules import messages as msg
from fieldapp.rules.calendar import require_aware
from fieldapp.rules.catalog import get_type
from fieldapp.rules.customers import needs_confirmation
from fieldapp.rules.deadlines import DESKS, contact_by_on_accept
from fieldapp.rules.reasons import CONTACT_OUTCOMES, REASON_CODES, RETURN_REASONS, is_objective
from fieldapp.rules.state import Actor, Applied, Event, Op, Refusal, TicketState

ACTIONS = (
    "accept", "return", "contact", "update", "extend", "overdue_update", "transfer", "complete",
    "assign",
)
EVENT_NAMES = {
    "accept": "accepted", "return": "returned", "contact": "contacted", "update": "updated",
    "extend": "extended", "overdue_update": "overdue_update", "transfer": "transferred",
    "complete": "completed", "assign": "assigned",
}
OPEN_STATUSES = ("received", "accepted", "in_progress")
WORKING_STATUSES = ("accepted", "in_progress")
# From which statuses each action may start. complete also from received, so that the
# refusal is completion_blocked naming "accepted", which tells the user what to do.
ALLOWED_FROM = {
    "accept": ("received",), "return": OPEN_STATUSES, "contact": WORKING_STATUSES,
    "update": WORKING_STATUSES, "extend": WORKING_STATUSES, "overdue_update": OPEN_STATUSES,
    "transfer": OPEN_STATUSES, "complete": OPEN_STATUSES, "assign": OPEN_STATUSES,
}
DESK_ROLES = ("crew", "desk")
LEADER = "team_lead"
# Actions that must explain themselves once a deadline has passed (DOMAIN §4).
LATE_ACTIONS = ("accept", "contact", "update", "complete")


def is_open(state: TicketState) -> bool:
    """Whether the ticket is still being worked (not completed, not returned)."""
    return state.status in OPEN_STATUSES


def effective_deadline(state: TicketState) -> datetime:
    """The resolve deadline in force: resolve_by, or the crew's later expected time."""
    if state.expected_at is not None and state.expected_at > state.resolve_by:
        return state.expected_at
    return state.resolve_by


def _passed_deadlines(state: TicketState, at: datetime) -> tuple[str, ...]:
    """The deadlines still pending for the ticket that have passed at `at`."""
    passed = (
        ("accept", state.accepted_at is None and at > state.accept_by),
        ("contact", state.contact_by is not None and state.contacted_at is None
         and at > state.contact_by),
        ("resolve", state.completed_at is None and at > state.resolve_by),
    )
    return tuple(name for name, late in passed if late)


def _covered(state: TicketState, at: datetime) -> bool:
    """Whether a recorded expected delay (extend / overdue update) still holds at `at`."""
    return (
        state.expected_at is not None and state.delay_reason is not None
        and at <= state.expected_at
    )


def late_deadlines(state: TicketState, action: str, at: datetime) -> tuple[str, ...]:
    """The passed deadlines for which this action must carry a late reason."""
    if action not in LATE_ACTIONS:
        return ()
    covered = _covered(state, at)
    # A recorded delay explains contact and resolve lateness; a late accept never.
    return tuple(n for n in _passed_deadlines(state, at) if n == "accept" or not covered)


def _valid_late_reason(value) -> bool:
    return isinstance(value, dict) and value.get("code") in REASON_CODES


def _late_reason(state: TicketState, op: Op) -> tuple[dict | None, tuple[str, ...]]:
    """(the late reason to record, or None; the passed deadlines still lacking a reason)."""
    if op.action not in LATE_ACTIONS or not _passed_deadlines(state, op.at):
        return None, ()
    given = op.data.get("late_reason")
    if _valid_late_reason(given):
        return given, ()
    lacking = late_deadlines(state, op.action, op.at)
    if lacking:
        return None, lacking
    return {**state.delay_reason, "from_extension": True}, ()


def _late_refusal(lacking: tuple[str, ...]) -> Refusal:
    return Refusal("late_reason_required", msg.late_reason_required(lacking), ("late_reason",))


def _invalid(fields: list[str]) -> Refusal:
    return Refusal("invalid", msg.invalid(fields), tuple(fields))


def _blank(value) -> bool:
    """Missing, or a text with nothing but spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def _later_than(value, at: datetime) -> bool:
    """Whether value is an aware datetime after `at`."""
    return isinstance(value, datetime) and value.tzinfo is not None and value > at


def _bad(*checks: tuple[str, bool]) -> list[str]:
    """The names of the failed (name, ok) checks."""
    return [name for name, ok in checks if not ok]


def _applied(op: Op, state: TicketState, data: dict | None = None, **extra) -> Applied:
    """The new state and its one event (the op's data plus extra values that are set)."""
    data = {**(op.data if data is None else data)}
    data.update({key: value for key, value in extra.items() if value is not None})
    return Applied(state, (Event(EVENT_NAMES[op.action], op.at, data),))


def _delay_reason(data: dict) -> dict:
    return {"code": data["reason_code"], "note": data.get("note") or ""}


def _accept(state: TicketState, op: Op, actor: Actor) -> Applied | Refusal:
    reason, lacking = _late_reason(state, op)
    if lacking:
        return _late_refusal(lacking)
    new = replace(
        state, status="accepted", accepted_at=op.at, late_accept=op.at > state.accept_by,
        assignee_id=state.assignee_id if state.assignee_id is not None else actor.user_id,
        contact_by=contact_by_on_accept(state.type, op.at) or state.contact_by,
    )
    return _applied(op, new, late_reason=reason)


def _return(state: TicketState, op: Op, actor: Actor) -> Applied | Refusal:
    bad = _bad(("reason", op.data.get("reason") in RETURN_REASONS),
               ("note", not _blank(op.data.get("note"))))
    if bad:
        return _invalid(bad)
    return _applied(op, replace(state, status="returned", returned_at=op.at))


def _contact(state: TicketState, op: Op, actor: Actor) -> Applied | Refusal:
    outcome = op.data.get("outcome")
    if outcome not in CONTACT_OUTCOMES:
        return _invalid(["outcome"])
    reason, lacking = _late_reason(state, op)
    if lacking:
        return _late_refusal(lacking)
    changes: dict = {"status": "in_progress"}
    # No answer is an attempt, not a contact: the contact clock keeps running.
    if outcome != "no_answer" and state.contacted_at is None:
        changes["contacted_at"] = op.at
        changes["late_contact"] = state.contact_by is not None and op.at > state.contact_by
    if outcome == "confirmed_done":
        changes["customer_confirmed"] = True
    return _applied(op, replace(state, **changes), late_reason=reason)


def _update(state: TicketState, op: Op, actor: Actor) -> Applied | Refusal:
    if _blank(op.data.get("note")):
        return _invalid(["note"])
    reason, lacking = _late_reason(state, op)
    if lacking:
        return _late_refusal(lacking)
    return _applied(op, replace(state, status="in_progress"), late_reason=reason)


def _extend(state: TicketState, op: Op, actor: Actor) -> Applied | Refusal:
    if op.at > effective_deadline(state):
        return Refusal("not_allowed", msg.extend_after_deadline())
    limit = get_type(state.type).max_extensions
    beyond_limit = limit is not None and state.extensions >= limit
    # Beyond the limit only an objective cause confirmed by the leader extends (procedure).
    if beyond_limit and actor.role != LEADER:
        return Refusal("extension_limit", msg.extension_limit(limit))
    data = op.data
    bad = _bad(("reason_code", is_objective(data.get("reason_code"))),
               ("note", not _blank(data.get("note"))),
               ("new_eta", _later_than(data.get("new_eta"), op.at)))
    if bad:
        return _invalid(bad)
    new = replace(state, expected_at=data["new_eta"].astimezone(UTC),
                  delay_reason=_delay_reason(data), extensions=state.extensions + 1)
    return _applied(op, new, leader_confirmed=True if beyond_limit else None)


def _overdue_update(state: TicketState, op: Op, actor: Actor) -> Applied | Refusal:
    data = op.data
    bad = _bad(("status_note", not _blank(data.get("status_note"))),
               ("reason_code", data.get("reason_code") in REASON_CODES),
               ("note", not _blank(data.get("note"))),
               ("new_eta", _later_than(data.get("new_eta"), op.at)))
    if bad:
        return _invalid(bad)
    new = replace(state, overdue_updated_at=op.at, expected_at=data["new_eta"].astimezone(UTC),
                  delay_reason=_delay_reason(data))
    return _applied(op, new)


def _transfer(state: TicketState, op: Op, actor: Actor) -> Applied | Refusal:
    desk, note = op.data.get("desk"), op.data.get("note")
    bad = _bad(("desk", desk in DESKS and desk != state.desk), ("note", not _blank(note)))
    if bad:
        return _invalid(bad)
    # The deadlines do not restart (procedure): only the desk and the assignee change.
    new = replace(state, desk=desk, assignee_id=None)
    return _applied(op, new, data={"from": state.desk, "to": desk, "note": note})


def _fact_given(name: str, value) -> bool:
    # "CMIS updated" is a confirmation: only an explicit True counts.
    return value is True if name == "cmis_updated" else not _blank(value)


def _complete(state: TicketState, op: Op, actor: Actor) -> Applied | Refusal:
    data = op.data
    missing = [] if state.status in WORKING_STATUSES else ["accepted"]
    facts = ("result",) + get_type(state.type).completion_facts
    missing += [name for name in facts if not _fact_given(name, data.get(name))]
    confirmed = state.customer_confirmed or data.get("customer_confirmed") is True
    if needs_confirmation(state.flags) and not confirmed:
        missing.append("customer_confirmation")
    reason, lacking = _late_reason(state, op)
    if lacking:
        missing.append("late_reason")
    if missing:
        return Refusal("completion_blocked", msg.completion_blocked(missing), tuple(missing))
    new = replace(state, status="completed", completed_at=op.at, customer_confirmed=confirmed,
                  late_resolve=op.at > state.resolve_by, late_reason=reason)
    return _applied(op, new, late_reason=reason)


def _assign(state: TicketState, op: Op, actor: Actor) -> Applied | Refusal:
    assignee = op.data.get("assignee_id")
    if not isinstance(assignee, int) or isinstance(assignee, bool):
        return _invalid(["assignee_id"])
    return _applied(op, replace(state, assignee_id=assignee))


_HANDLERS = {
    "accept": _accept, "return": _return, "contact": _contact, "update": _update,
    "extend": _extend, "overdue_update": _overdue_update, "transfer": _transfer,
    "complete": _complete, "assign": _assign,
}


def _actor_refusal(state: TicketState, action: str, actor: Actor) -> Refusal | None:
    """Crews and desks act on their desk's tickets not given to someone else; the leader on
    any; nobody else. A phone that was offline while the ticket moved learns it here."""
    if actor.role == LEADER:
        return None
    if actor.role not in DESK_ROLES or action == "assign":
        return Refusal("not_allowed", msg.not_allowed_role())
    if actor.desk != state.desk:
        return Refusal("not_allowed", msg.not_allowed_desk())
    if state.assignee_id is not None and state.assignee_id != actor.user_id:
        return Refusal("not_allowed", msg.not_allowed_assignee())
    return None


def decide(state: TicketState, op: Op, actor: Actor) -> Applied | Refusal:
    """Judge an op on a ticket: the new state and its event, or a refusal saying why."""
    handler = _HANDLERS.get(op.action)
    if handler is None:
        return Refusal("invalid", msg.unknown_action(op.action), ("action",))
    op = replace(op, at=require_aware(op.at).astimezone(UTC), data=dict(op.data or {}))
    refusal = _actor_refusal(state, op.action, actor)
    if refusal is None and state.status not in ALLOWED_FROM[op.action]:
        refusal = Refusal("not_allowed", msg.not_allowed_state(op.action, state.status))
    return refusal or handler(state, op, actor)
