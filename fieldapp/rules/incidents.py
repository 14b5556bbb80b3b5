"""Wide-area incidents and outage notices (DOMAIN §8): their clocks, ops and reminders.

An incident groups the OUTAGE tickets of one area outage. Its clocks come from the procedure:
the report is due 10 minutes after the team noticed the outage (else the call center is told at
once) and complete (cause and restoration time known) within 60 minutes; a new restoration time
is reported at least 15 minutes before the one in force; planned work is announced at least 5
days ahead and changed at least 24 hours ahead. Ops on an incident are judged here like ops on
a ticket in rules.lifecycle; the linked tickets' own ops (link, the ETA they follow, their
completion at restoration) are ordinary ticket ops judged there.
"""

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from fieldapp.rules import messages as msg
from fieldapp.rules.actions import INCIDENT_ACTIONS, LEADER, ActionSpec
from fieldapp.rules.calendar import require_aware
from fieldapp.rules.reasons import OBJECTIVE_REASONS
from fieldapp.rules.state import Actor, Applied, Event, Op, PlannedReminder, Refusal
from fieldapp.rules.text import N_

REPORT_WITHIN = timedelta(minutes=10)
COMPLETE_WITHIN = timedelta(minutes=60)
ETA_NOTICE = timedelta(minutes=15)  # a new ETA is reported this long before the one in force
ETA_WARN = timedelta(minutes=30)  # the team is reminded this long before the ETA in force
PLANNED_NOTICE = timedelta(days=5)
PLANNED_CHANGE_NOTICE = timedelta(hours=24)
# Several outage tickets from one station within this window, and no incident open: the
# leader is told to declare one (DOMAIN §8).
CLUSTER_WINDOW = timedelta(minutes=15)
CLUSTER_SIZE = 3
INCIDENT_ROLES = frozenset({"crew", LEADER})

# Reminder kinds of incidents, and those that escalate (recorded on the incident, told to
# the CRM), with the note they record.
ESCALATIONS = {
    "incident_incomplete": N_(
        "Sự cố chưa có đủ nguyên nhân và thời gian dự kiến khôi phục "
        "sau 60 phút: đã báo đội trưởng, công ty điện lực và tổng đài."
    ),
    "incident_eta_passed": N_(
        "Đã quá thời gian dự kiến khôi phục mà chưa có điện lại hay "
        "thời gian mới: đã báo đội trưởng, công ty điện lực và tổng đài."
    ),
}


@dataclass(frozen=True)
class IncidentState:
    """What the rules need to judge an op on an incident. Times are aware UTC."""

    kind: str  # unplanned | planned
    status: str  # open | restored
    area: str
    started_at: datetime
    noticed_at: datetime  # when the team knew of it: the report clock starts here
    reported_at: datetime  # when it was declared in the app
    eta: datetime
    cause: str | None = None
    cause_code: str = "grid_incident"  # the objective reason its late tickets take
    station: str | None = None
    feeder: str | None = None
    restored_at: datetime | None = None
    eta_changes: int = 0
    late_eta_changes: int = 0


def report_due(state: IncidentState) -> datetime:
    """The report is due 10 minutes after the team noticed the outage (unplanned only)."""
    return state.noticed_at + REPORT_WITHIN


def reported_in_time(state: IncidentState) -> bool:
    """Reported within 10 minutes (unplanned), or announced 5 days ahead (planned work)."""
    if state.kind == "planned":
        return state.started_at - state.reported_at >= PLANNED_NOTICE
    return state.reported_at <= report_due(state)


def complete_due(state: IncidentState) -> datetime:
    """The full report (cause and restoration time) is due 60 minutes after the team noticed."""
    return state.noticed_at + COMPLETE_WITHIN


def complete(state: IncidentState) -> bool:
    """The report holds what the procedure asks: area, start, cause and restoration time."""
    return bool(state.area and state.cause and state.eta)


def eta_change_in_time(state: IncidentState, at: datetime) -> bool:
    """A change of the ETA in force reported early enough: 15 min before it (24 h before the
    start for planned work not started yet)."""
    if state.kind == "planned" and at < state.started_at:
        return at <= state.started_at - PLANNED_CHANGE_NOTICE
    return at <= state.eta - ETA_NOTICE


def is_open(state: IncidentState) -> bool:
    return state.status == "open"


# --- ops -------------------------------------------------------------------------------------


def _applied(
    op: Op, state: IncidentState, data: dict | None = None, **extra
) -> Applied[IncidentState]:
    data = {**(op.data if data is None else data)}
    data.update({k: v for k, v in extra.items() if v is not None})
    return Applied(state, (Event(INCIDENT_ACTIONS[op.action].event, op.at, data),))


def declare(data: dict, at: datetime, noticed_at: datetime | None) -> IncidentState | Refusal:
    """The state of an incident declared at `at` (the report), or why it cannot be."""
    bad = [
        f.name
        for f in INCIDENT_ACTIONS["declare"].fields
        if f.required and not _filled(f.kind, data.get(f.name))
    ]
    if data.get("kind") not in ("unplanned", "planned"):
        bad.append("kind")
    if not bad and data["eta"] <= data["started_at"]:
        bad.append("eta")
    if bad:
        return Refusal("invalid", msg.invalid(bad), tuple(dict.fromkeys(bad)))
    started = data["started_at"].astimezone(UTC)
    noticed = min(noticed_at or at, at) if data["kind"] == "unplanned" else at
    return IncidentState(
        kind=data["kind"],
        status="open",
        area=data["area"].strip(),
        started_at=started,
        noticed_at=noticed,
        reported_at=at,
        eta=data["eta"].astimezone(UTC),
        cause=(data.get("cause") or "").strip() or None,
        cause_code=data.get("cause_code") or "grid_incident",
        station=data.get("station") or None,
        feeder=data.get("feeder") or None,
    )


def _filled(kind: str, value) -> bool:
    if kind in ("text", "note"):
        return isinstance(value, str) and bool(value.strip())
    if kind == "datetime":
        return isinstance(value, datetime) and value.tzinfo is not None
    return value is not None


def decide(state: IncidentState, op: Op, actor: Actor) -> Applied[IncidentState] | Refusal:
    """Judge an op on an incident (not its declaration): the new state, or a refusal."""
    spec: ActionSpec | None = INCIDENT_ACTIONS.get(op.action)
    if spec is None or op.action == "declare":  # a declaration is judged by `declare`
        return Refusal("invalid", msg.unknown_action(op.action), ("action",))
    op = replace(op, at=require_aware(op.at).astimezone(UTC), data=dict(op.data or {}))
    if actor.role not in spec.roles:
        return Refusal("not_allowed", msg.not_allowed_role())
    if state.status not in spec.allowed_from:
        return Refusal("not_allowed", msg.incident_closed())
    bad = [f.name for f in spec.fields if f.required and not _filled(f.kind, op.data.get(f.name))]
    if bad:
        return Refusal("invalid", msg.invalid(bad), tuple(bad))
    return _HANDLERS[op.action](state, op)


def _update(state: IncidentState, op: Op) -> Applied:
    cause = (op.data.get("cause") or "").strip() or None
    return _applied(op, replace(state, cause=cause or state.cause))


def _eta(state: IncidentState, op: Op) -> Applied | Refusal:
    eta = op.data["eta"].astimezone(UTC)
    if eta <= op.at:
        return Refusal("invalid", msg.invalid(["eta"]), ("eta",))
    in_time = eta_change_in_time(state, op.at)
    new = replace(
        state,
        eta=eta,
        eta_changes=state.eta_changes + 1,
        late_eta_changes=state.late_eta_changes + (not in_time),
    )
    return _applied(op, new, previous_eta=state.eta, in_time=in_time)


def _links(state: IncidentState, op: Op) -> Applied:
    """Linking and unlinking change the tickets (each its own op), not the incident."""
    return _applied(op, state)


def _restore(state: IncidentState, op: Op) -> Applied | Refusal:
    restored = op.data["restored_at"].astimezone(UTC)
    if restored > op.at or restored < state.started_at:
        return Refusal("invalid", msg.invalid(["restored_at"]), ("restored_at",))
    cause = (op.data.get("cause") or "").strip() or state.cause
    return _applied(op, replace(state, status="restored", restored_at=restored, cause=cause))


_HANDLERS = {
    "update": _update,
    "eta": _eta,
    "link": _links,
    "unlink": _links,
    "restore": _restore,
    "escalate": _links,
}


# --- what an incident does to its tickets ------------------------------------------------------


def completion_data(state: IncidentState, result: str | None) -> dict:
    """The data of the `complete` op restoration makes on each linked ticket: its facts, and
    the incident's objective cause as the late reason should the ticket be late."""
    reason = state.cause_code if state.cause_code in OBJECTIVE_REASONS else "grid_incident"
    return {
        "result": result or f"Đã khôi phục cấp điện khu vực {state.area}.",
        "restored_at": state.restored_at,
        "cause": state.cause or state.area,
        "late_reason": {"code": reason, "note": f"Sự cố diện rộng: {state.area}"},
    }


def eta_data(state: IncidentState, incident_id: int) -> dict:
    """The data of the op that moves a linked ticket's expected time to the incident's ETA."""
    return {
        "incident_id": incident_id,
        "new_eta": state.eta,
        "reason_code": state.cause_code,
        "note": f"Sự cố diện rộng: {state.area}",
    }


def proposes(
    incident: IncidentState,
    station: str | None,
    feeder: str | None,
    address: str,
    streets: tuple[str, ...] = (),
) -> str | None:
    """Why an outage ticket belongs to the incident: "station"/"feeder" (linked at intake),
    "street" (proposed to the leader), or None."""
    if incident.station and station and station == incident.station:
        return "station"
    if incident.feeder and feeder and feeder == incident.feeder:
        return "feeder"
    text = (address or "").casefold()
    if any(street and street.casefold() in text for street in streets):
        return "street"
    return None


def streets(area: str) -> tuple[str, ...]:
    """The street names an incident's area lists ("Lê Lợi, Trần Phú; Hùng Vương")."""
    parts = [p.strip() for chunk in area.split(";") for p in chunk.split(",")]
    return tuple(p for p in parts if len(p) >= 4)


def plan(state: IncidentState, now: datetime) -> list[PlannedReminder]:
    """The incident's reminders: told at once, the 60-minute completion, the ETA in force."""
    if not is_open(state):
        return []
    items = [PlannedReminder("incident_declared", state.reported_at, ("leader", "company"))]
    if not complete(state) and state.kind == "unplanned":
        done_by = complete_due(state)
        items += [
            PlannedReminder("incident_complete_warn", done_by - ETA_NOTICE, ("desk", "leader")),
            PlannedReminder("incident_incomplete", done_by, ("leader", "company", "crm")),
        ]
    items += [
        PlannedReminder("incident_eta_warn", state.eta - ETA_WARN, ("desk", "leader")),
        PlannedReminder("incident_eta_passed", state.eta, ("leader", "company", "crm")),
    ]
    return sorted(
        (
            PlannedReminder(i.kind, i.due_at.astimezone(UTC), i.audience)
            for i in items
            if not (i.kind.endswith("_warn") and i.due_at <= now)
        ),
        key=lambda i: (i.due_at, i.kind),
    )


def system_op(kind: str, due_at: datetime, audience: tuple[str, ...]) -> Op | None:
    """The op of the system a fired incident reminder makes: an escalation is recorded."""
    if kind not in ESCALATIONS:
        return None
    return Op(
        "escalate",
        due_at,
        {"reminder": kind, "notified": list(audience), "note": ESCALATIONS[kind]},
    )


def cluster_alert(received: list[datetime]) -> bool:
    """Whether outage tickets of one station, unlinked, received at these times (the newest
    last) make a cluster: CLUSTER_SIZE of them within CLUSTER_WINDOW, the newest completing it
    (so the alert is given once, when it forms)."""
    times = sorted(received)
    newest = times[-1]
    window = [t for t in times if newest - t <= CLUSTER_WINDOW]
    return len(window) == CLUSTER_SIZE
