"""Judging an op on a ticket (DOMAIN.md §2, §4, §7): applied with its event, or refused.

What every action has in common (who may act, from which status, which fields it needs) is
read from its spec in rules.actions; each handler below holds only what is particular to it.
`permitted` answers the page's question "what may this person do now" from the same checks.
"""

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from fieldapp.rules import messages as msg
from fieldapp.rules.actions import (
    ACTIONS,
    DESK_ROLES,
    EVENT_NAMES,
    LATE_ACTIONS,
    LEADER,
    OPEN_STATUSES,
    WORKING_STATUSES,
    ActionSpec,
    get_action,
)
from fieldapp.rules.calendar import require_aware
from fieldapp.rules.catalog import get_type
from fieldapp.rules.clocks import (
    awaiting_report,
    effective_deadline,
    is_open,
    late_deadlines,
    passed,
)
from fieldapp.rules.counter import is_walkin
from fieldapp.rules.customers import needs_confirmation
from fieldapp.rules.deadlines import contact_by_on_accept
from fieldapp.rules.fields import bad_fields, given
from fieldapp.rules.policy import DEFAULT_POLICY, Policy
from fieldapp.rules.reasons import REASON_CODES, is_objective
from fieldapp.rules.state import (
    BUSINESS,
    OPERATIONS,
    Actor,
    Applied,
    Event,
    Op,
    Refusal,
    TicketState,
)
from fieldapp.rules.text import N_

__all__ = [
    "ACTIONS",
    "EVENT_NAMES",
    "LATE_ACTIONS",
    "OPEN_STATUSES",
    "WORKING_STATUSES",
    "decide",
    "effective_deadline",
    "is_open",
    "late_deadlines",
    "permitted",
]

Handler = Callable[[TicketState, Op, Actor, Policy], "Applied | Refusal"]

# The timeline's and the CRM's note of the automatic handover at closing (DOMAIN §7).
HANDOVER_NOTE = N_(
    "Hết giờ làm việc của bộ phận kinh doanh: phiếu tự động chuyển cho bộ phận "
    "trực vận hành, thời hạn giữ nguyên."
)


def _invalid(fields: list[str]) -> Refusal:
    return Refusal("invalid", msg.invalid(fields), tuple(fields))


# --- who may act --------------------------------------------------------------------------


def kept_from(state: TicketState, actor: Actor) -> str | None:
    """What keeps a crew or a clerk from a ticket of the team: "desk" (the other desk's),
    "assignee" (someone else holds it), or None."""
    if actor.role not in DESK_ROLES:
        return None
    if actor.desk != state.desk:
        return "desk"
    if state.assignee_id is not None and state.assignee_id != actor.user_id:
        return "assignee"
    return None


def _actor_refusal(state: TicketState, spec: ActionSpec, actor: Actor) -> Refusal | None:
    """Crews and desks act on their desk's tickets not given to someone else; the leader on
    any; the system on what it owns. A phone that was offline while the ticket moved learns
    it here."""
    if actor.role not in spec.roles:
        return Refusal("not_allowed", msg.not_allowed_role())
    kept = kept_from(state, actor)
    if kept == "desk":
        return Refusal("not_allowed", msg.not_allowed_desk())
    if kept == "assignee":
        return Refusal("not_allowed", msg.not_allowed_assignee())
    return None


def _gate(state: TicketState, spec: ActionSpec, actor: Actor) -> Refusal | None:
    """The checks every action shares: the actor, then the ticket's status."""
    refusal = _actor_refusal(state, spec, actor)
    if refusal is None and state.status in spec.leader_from and actor.role != LEADER:
        refusal = Refusal("not_allowed", msg.leader_only_now(spec.name))
    elif refusal is None and state.status not in spec.statuses_for(actor.role):
        refusal = Refusal("not_allowed", msg.not_allowed_state(spec.name, state.status))
    return refusal


# --- late reasons -------------------------------------------------------------------------


def _valid_late_reason(value) -> bool:
    return isinstance(value, dict) and value.get("code") in REASON_CODES


def _late_reason(state: TicketState, op: Op) -> tuple[dict | None, tuple[str, ...]]:
    """(the late reason to record, or None; the passed deadlines still lacking a reason)."""
    if op.action not in LATE_ACTIONS or not passed(state, op.at):
        return None, ()
    given = op.data.get("late_reason")
    if _valid_late_reason(given):
        return given, ()
    lacking = late_deadlines(state, op.action, op.at)
    if lacking:
        return None, lacking
    # Passed, yet none lacks a reason: an extension covers them, and it was given one.
    assert state.delay_reason is not None
    return {**state.delay_reason, "from_extension": True}, ()


def _late_refusal(lacking: tuple[str, ...]) -> Refusal:
    return Refusal("late_reason_required", msg.late_reason_required(lacking), ("late_reason",))


# --- moved ETAs (extend, overdue update) --------------------------------------------------


def _eta_refusal(state: TicketState, op: Op, policy: Policy) -> Refusal | None:
    """The new ETA must be later than the moment it is recorded, and within the type's cap."""
    eta = op.data["new_eta"]
    if eta <= op.at:
        return _invalid(["new_eta"])
    cap = policy.eta_cap(state.type)
    if eta > op.at + cap:
        return Refusal("invalid", msg.eta_too_far(int(cap.total_seconds() // 3600)), ("new_eta",))
    return None


def _beyond_limit(state: TicketState) -> int | None:
    """The type's limit of moved ETAs when it is used up (DOMAIN §4, §7), else None."""
    limit = get_type(state.type).max_extensions
    return limit if limit is not None and state.extensions >= limit else None


def _limit_refusal(state: TicketState, op: Op, actor: Actor) -> Refusal | None:
    """Beyond the limit only an objective cause, confirmed by the leader, moves the ETA."""
    limit = _beyond_limit(state)
    if limit is None:
        return None
    if actor.role != LEADER:
        return Refusal("extension_limit", msg.extension_limit(limit))
    if not is_objective(op.data.get("reason_code")):
        return _invalid(["reason_code"])
    return None


def _moved_eta(state: TicketState, op: Op, **changes) -> TicketState:
    """The state with the new ETA and its reason; every moved ETA counts (DOMAIN §7). The work
    goes on, so a special customer's earlier confirmation no longer stands."""
    data = op.data
    return replace(
        state,
        expected_at=data["new_eta"].astimezone(UTC),
        delay_reason={"code": data["reason_code"], "note": data.get("note") or ""},
        extensions=state.extensions + 1,
        customer_confirmed=False,
        **changes,
    )


# --- the actions ----------------------------------------------------------------------------


def _applied(op: Op, state: TicketState, data: dict | None = None, **extra) -> Applied[TicketState]:
    """The new state and its one event (the op's data plus extra values that are set)."""
    data = {**(op.data if data is None else data)}
    data.update({key: value for key, value in extra.items() if value is not None})
    return Applied(state, (Event(EVENT_NAMES[op.action], op.at, data),))


def _accept(state: TicketState, op: Op, actor: Actor, policy: Policy) -> Applied | Refusal:
    reason, lacking = _late_reason(state, op)
    if lacking:
        return _late_refusal(lacking)
    new = replace(
        state,
        status="accepted",
        accepted_at=op.at,
        late_accept=op.at > state.accept_by,
        assignee_id=state.assignee_id if state.assignee_id is not None else actor.user_id,
        contact_by=contact_by_on_accept(state.type, op.at) or state.contact_by,
    )
    return _applied(op, new, late_reason=reason)


def _return(state: TicketState, op: Op, actor: Actor, policy: Policy) -> Applied | Refusal:
    if is_walkin(state):
        return Refusal("not_allowed", msg.not_returnable_walkin())
    return _applied(op, replace(state, status="returned", returned_at=op.at))


def _contact(state: TicketState, op: Op, actor: Actor, policy: Policy) -> Applied | Refusal:
    outcome = op.data["outcome"]
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


def _update(state: TicketState, op: Op, actor: Actor, policy: Policy) -> Applied | Refusal:
    reason, lacking = _late_reason(state, op)
    if lacking:
        return _late_refusal(lacking)
    new = replace(state, status="in_progress", customer_confirmed=False)
    return _applied(op, new, late_reason=reason)


def _extend(state: TicketState, op: Op, actor: Actor, policy: Policy) -> Applied | Refusal:
    if op.at > effective_deadline(state):
        return Refusal("not_allowed", msg.extend_after_deadline())
    refusal = _limit_refusal(state, op, actor) or _eta_refusal(state, op, policy)
    if refusal:
        return refusal
    confirmed = True if _beyond_limit(state) is not None else None
    return _applied(op, _moved_eta(state, op), leader_confirmed=confirmed)


def _overdue_update(state: TicketState, op: Op, actor: Actor, policy: Policy) -> Applied | Refusal:
    refusal = _limit_refusal(state, op, actor) or _eta_refusal(state, op, policy)
    if refusal:
        return refusal
    confirmed = True if _beyond_limit(state) is not None else None
    new = _moved_eta(state, op, overdue_updated_at=op.at)
    return _applied(op, new, leader_confirmed=confirmed)


def _transfer(state: TicketState, op: Op, actor: Actor, policy: Policy) -> Applied | Refusal:
    desk, note = op.data["desk"], op.data["note"]
    if desk == state.desk:
        return _invalid(["desk"])
    # The deadlines do not restart (procedure): only the desk and the assignee change.
    new = replace(state, desk=desk, assignee_id=None, desk_since=op.at, handover_pending=False)
    return _applied(op, new, data={"from": state.desk, "to": desk, "note": note})


def _missing_facts(state: TicketState, data: dict) -> list[str]:
    """The result and the type's facts that the completion lacks."""
    fields = {f.name: f for f in ACTIONS["complete"].fields}
    facts = [fields[name] for name in ("result",) + get_type(state.type).completion_facts]
    return [f.name for f in facts if not given(replace(f, required=True), data.get(f.name))]


def _complete(state: TicketState, op: Op, actor: Actor, policy: Policy) -> Applied | Refusal:
    missing = [] if state.status in WORKING_STATUSES else ["accepted"]
    missing += _missing_facts(state, op.data)
    # The special customer's own word, recorded as a contact after the work (DOMAIN §7).
    if needs_confirmation(state.flags) and not state.customer_confirmed:
        missing.append("customer_confirmation")
    reason, lacking = _late_reason(state, op)
    if lacking:
        missing.append("late_reason")
    if missing:
        return Refusal("completion_blocked", msg.completion_blocked(missing), tuple(missing))
    new = replace(
        state,
        status="completed",
        completed_at=op.at,
        late_resolve=op.at > state.resolve_by,
        late_reason=reason,
        complaint_subject=op.data.get("complaint_subject"),
    )
    return _applied(op, new, late_reason=reason)


def _assign(state: TicketState, op: Op, actor: Actor, policy: Policy) -> Applied | Refusal:
    return _applied(op, replace(state, assignee_id=op.data["assignee_id"]))


def _escalate(state: TicketState, op: Op, actor: Actor, policy: Policy) -> Applied | Refusal:
    """The system records that a reminder escalated; the ticket itself does not change."""
    return _applied(op, state)


def _link_incident(state: TicketState, op: Op, actor: Actor, policy: Policy) -> Applied | Refusal:
    """An OUTAGE ticket joins a wide-area incident (one incident at most)."""
    if state.type != "OUTAGE":
        return Refusal("not_allowed", msg.only_outages())
    if state.incident_id is not None:
        return Refusal("not_allowed", msg.linked_elsewhere())
    return _applied(op, replace(state, incident_id=op.data["incident_id"]))


def _unlink_incident(state: TicketState, op: Op, actor: Actor, policy: Policy) -> Applied | Refusal:
    if state.incident_id != op.data["incident_id"]:
        return Refusal("not_allowed", msg.not_linked())
    return _applied(op, replace(state, incident_id=None))


def _follow_incident_eta(
    state: TicketState, op: Op, actor: Actor, policy: Policy
) -> Applied | Refusal:
    """A linked ticket's expected time follows its incident's ETA. The incident's cause is
    the delay's reason; it is not one of the crew's own moves of the ETA (DOMAIN §7)."""
    if state.incident_id != op.data["incident_id"]:
        return Refusal("not_allowed", msg.not_linked())
    reason = {
        "code": op.data.get("reason_code") or "grid_incident",
        "note": op.data.get("note") or "",
    }
    new = replace(state, expected_at=op.data["new_eta"].astimezone(UTC), delay_reason=reason)
    return _applied(op, new)


def _handover(state: TicketState, op: Op, actor: Actor, policy: Policy) -> Applied | Refusal:
    """The business desk's unfinished reconnection goes to the duty desk at closing; its
    deadlines do not restart, and it waits for the duty desk's acknowledgement."""
    if state.desk != BUSINESS or not get_type(state.type).handover_at_closing:
        return Refusal("not_allowed", msg.not_allowed_desk())
    new = replace(state, desk=OPERATIONS, assignee_id=None, desk_since=op.at, handover_pending=True)
    return _applied(
        op, new, data={"from": BUSINESS, "to": OPERATIONS, "note": HANDOVER_NOTE, "handover": True}
    )


def _acknowledge(state: TicketState, op: Op, actor: Actor, policy: Policy) -> Applied | Refusal:
    """The duty desk signs for a handed-over ticket; the crew who signs takes it."""
    if not state.handover_pending:
        return Refusal("not_allowed", msg.nothing_to_acknowledge())
    taker = actor.user_id if actor.role in DESK_ROLES else None
    assignee = state.assignee_id if state.assignee_id is not None else taker
    return _applied(op, replace(state, handover_pending=False, assignee_id=assignee))


def _chase(state: TicketState, op: Op, actor: Actor, policy: Policy) -> Applied | Refusal:
    """The call center chases the team: the 15-minute overdue-update clock starts now."""
    if state.chased_at == op.at:  # the CRM sent the same chase again
        return Applied(state, ())
    return _applied(op, replace(state, chased_at=op.at))


_HANDLERS: dict[str, Handler] = {
    "accept": _accept,
    "return": _return,
    "contact": _contact,
    "update": _update,
    "extend": _extend,
    "overdue_update": _overdue_update,
    "transfer": _transfer,
    "complete": _complete,
    "assign": _assign,
    "acknowledge": _acknowledge,
    "escalate": _escalate,
    "handover": _handover,
    "chase": _chase,
    "link_incident": _link_incident,
    "unlink_incident": _unlink_incident,
    "follow_incident_eta": _follow_incident_eta,
}
assert set(_HANDLERS) == set(ACTIONS), "every action spec needs its handler"


def decide(
    state: TicketState, op: Op, actor: Actor, policy: Policy = DEFAULT_POLICY
) -> Applied[TicketState] | Refusal:
    """Judge an op on a ticket: the new state and its event, or a refusal saying why."""
    spec = get_action(op.action)
    if spec is None:
        return Refusal("invalid", msg.unknown_action(op.action), ("action",))
    op = replace(op, at=require_aware(op.at).astimezone(UTC), data=dict(op.data or {}))
    refusal = _gate(state, spec, actor)
    if refusal is None and (bad := bad_fields(spec, op.data)):
        refusal = _invalid(bad)
    return refusal or _HANDLERS[op.action](state, op, actor, policy)


def permitted(state: TicketState, actor: Actor, now: datetime) -> tuple[str, ...]:
    """The actions to offer this person on the ticket now, in the order a crew needs them.

    Each passes the checks `decide` starts with; the page hides what would only be refused:
    completing before acceptance, extending once overdue, an overdue report before (unless
    the call center asked for one), acknowledging what was not handed over."""
    overdue = now > effective_deadline(state)
    shown = {
        "acknowledge": state.handover_pending,
        "accept": True,
        "contact": True,
        "update": True,
        "extend": not overdue,
        "overdue_update": overdue or awaiting_report(state),
        "complete": state.status in WORKING_STATUSES,
        "assign": True,
        "transfer": True,
        "return": not is_walkin(state),
    }
    return tuple(
        name
        for name, offered in shown.items()
        if offered and _gate(state, ACTIONS[name], actor) is None
    )


def works_on(state: TicketState, actor: Actor) -> bool:
    """Whether the actor works this ticket (its desk's crew or clerk when it is theirs or
    nobody's yet, or the leader), whatever its status: who may add evidence to it."""
    return _actor_refusal(state, ACTIONS["update"], actor) is None


def walkin_assignee(state: TicketState, actor: Actor) -> int | None:
    """The clerk who typed a walk-in request keeps it when they can work it (a type of their
    own desk); otherwise it waits, unassigned, in the right desk's queue."""
    return actor.user_id if works_on(state, actor) else None


def beyond_limit(state: TicketState) -> bool:
    """The type's moved ETAs are used up (only the leader may confirm another)."""
    return _beyond_limit(state) is not None


def extension_blocked(state: TicketState, actor: Actor) -> bool:
    """The type's moved ETAs are used up and only the leader may confirm another."""
    return _beyond_limit(state) is not None and actor.role != LEADER
