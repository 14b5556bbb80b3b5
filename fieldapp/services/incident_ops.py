"""Ops on a wide-area incident inside a batch (services.tickets.Batch), and their fan-out.

An op on an incident is judged by rules.incidents and recorded on the incident; what it does to
its OUTAGE tickets is, for each ticket, an ordinary ticket op (link_incident, unlink_incident,
follow_incident_eta, complete) judged by rules.lifecycle and recorded as that ticket's own event
with its own CRM callback, in the same transaction. A ticket an op cannot change is listed in
the result with the refusal that says why.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.models import Incident, Team, Ticket
from fieldapp.rules import incidents
from fieldapp.rules import messages as msg
from fieldapp.rules.actions import INCIDENT_ROLES, OPEN_STATUSES
from fieldapp.rules.claims import Bounded, Floors, bound
from fieldapp.rules.state import Applied, Event, Op, Refusal
from fieldapp.services.access import in_teams

if TYPE_CHECKING:
    from fieldapp.services.tickets import Batch, OpRequest, OpResult

_FANS_OUT = ("eta", "restore")


def lock_incidents(ops: list[OpRequest]) -> dict[int, Incident]:
    """The batch's incidents, locked in id order before any ticket (the same order in every
    batch, so two never wait on each other)."""
    ids = sorted({op.incident_id for op in ops if op.on_incident and op.incident_id})
    if not ids:
        return {}
    query = select(Incident).where(Incident.id.in_(ids)).order_by(Incident.id)
    return {i.id: i for i in db.session.scalars(query.with_for_update())}


def tickets_of(ops: list[OpRequest], locked: dict[int, Incident]) -> set[int]:
    """The tickets the batch's incident ops name or will change: locked with the others."""
    named = {
        i
        for op in ops
        if op.on_incident
        for i in op.data.get("tickets") or ()
        if isinstance(i, int)
    }
    fanned = [op.incident_id for op in ops if op.action in _FANS_OUT and op.incident_id in locked]
    if fanned:
        named |= set(
            db.session.scalars(
                select(Ticket.id).where(
                    Ticket.incident_id.in_(fanned), Ticket.status.in_(OPEN_STATUSES)
                )
            )
        )
    return named


def judge(batch: Batch, op: OpRequest) -> OpResult:
    """Judge one incident op of the batch and fan it out to the incident's tickets."""
    from fieldapp.services.tickets import rejected, resent

    if (earlier := batch.done.get(op.op_id)) is not None:
        return resent(op, earlier)
    if op.action == "declare":
        return _declare(batch, op)
    incident = batch.incidents.get(op.incident_id) if op.incident_id is not None else None
    if incident is None or not in_teams(incident, batch.teams):
        return rejected(
            op.op_id, Refusal("not_allowed", msg.incident_not_found(), ("incident_id",))
        )
    claim = batch.bound(op, incident.created_at, batch.changes.incident_last_action_at(incident))
    refusal = _gate(batch, incident, Op(op.action, claim.at, op.data))
    if refusal is not None:
        batch.refuse(op, claim)
        return rejected(op.op_id, refusal, incident_id=incident.id)
    left: list[dict] = []
    changed: list[int] = []
    data = op.data
    if op.action in ("link", "unlink"):
        left, changed = _fan_out(batch, op, incident, op.data["tickets"], _link_op(op.action))
        data = {**op.data, "tickets": changed}
    outcome = batch.changes.judge_incident(
        incident, Op(op.action, claim.at, data), batch.actor, batch.user, op.op_id, claim
    )
    if op.action in _FANS_OUT:
        assert isinstance(outcome, Applied)  # the gate judged it already
        left, changed = _follow(batch, op, incident, outcome.state)
    return _applied(batch, op, incident, left, changed)


def _gate(batch: Batch, incident: Incident, op: Op) -> Refusal | None:
    """Only the incident's own team acts on it; then the rules judge the op itself."""
    if batch.team_id != incident.team_id:
        return Refusal("not_allowed", msg.not_allowed_role())
    probe = incidents.decide(batch.changes.incident_state_of(incident), op, batch.actor)
    return probe if isinstance(probe, Refusal) else None


def _applied(
    batch: Batch, op: OpRequest, incident: Incident, left: list[dict], changed: list[int]
) -> OpResult:
    """An applied incident op's result: the tickets it changed and those it left open."""
    from fieldapp.services.tickets import OpResult

    result = OpResult(
        op.op_id,
        "applied",
        None,
        incident_id=incident.id,
        left_open=tuple(left),
        tickets_changed=tuple(changed),
    )
    return batch.applied_as(op, result)


def _declare(batch: Batch, op: OpRequest) -> OpResult:
    """A new incident of the sender's team, reported now, with the tickets it names."""
    from fieldapp.services.tickets import rejected

    team = _own_team(batch, op.data.get("team"))
    claim = bound(op.at, op.skew, Floors(device_sync=batch.device_floor), batch.now)
    if team is None or batch.actor.role not in INCIDENT_ROLES:
        return rejected(op.op_id, Refusal("not_allowed", msg.not_allowed_role(), ("team",)))
    noticed = cluster_start(team.id, op.data.get("station"), claim.at)
    state = incidents.declare(op.data, claim.at, noticed)
    if isinstance(state, Refusal):
        batch.refuse(op, claim)
        return rejected(op.op_id, state)
    incident = Incident(
        team_id=team.id, team=team, created_by=batch.user_id, created_at=batch.now, version=0
    )
    report = {k: v for k, v in op.data.items() if k not in ("team", "tickets")}
    batch.changes.create_incident(
        incident,
        Applied(state, (Event("incident_reported", claim.at, report),)),
        batch.user,
        op.op_id,
        claim,
    )
    db.session.flush()  # its id, for the tickets that link to it
    left, changed = _fan_out(batch, op, incident, op.data.get("tickets") or (), _link_op("link"))
    return _applied(batch, op, incident, left, changed)


def _own_team(batch: Batch, code: str | None) -> Team | None:
    """The team an incident is declared for: the sender's own (named or not)."""
    if batch.team_id is None:
        return None
    team = db.session.get(Team, batch.team_id)
    return team if team is not None and code in (None, "", team.code) else None


def _link_op(action: str):
    def make(incident: Incident, state) -> tuple[str, dict]:
        return (
            "link_incident" if action == "link" else "unlink_incident",
            {"incident_id": incident.id},
        )

    return make


def _follow(batch: Batch, op: OpRequest, incident: Incident, state) -> tuple[list, list]:
    """What a new ETA or the restoration does to each open linked ticket."""
    linked = [
        t.id
        for t in batch.tickets.values()
        if t.incident_id == incident.id and t.status in OPEN_STATUSES
    ]
    if op.action == "eta":
        return _fan_out(
            batch,
            op,
            incident,
            linked,
            lambda i, s: ("follow_incident_eta", incidents.eta_data(s, i.id)),
            state,
        )
    calling = _still_without_power(batch, linked, state.restored_at)
    return _fan_out(
        batch,
        op,
        incident,
        linked,
        lambda i, s: ("complete", incidents.completion_data(s, op.data.get("result"))),
        state,
        calling,
    )


def _fan_out(
    batch: Batch,
    op: OpRequest,
    incident: Incident,
    ticket_ids,
    make,
    state=None,
    skip: frozenset[int] = frozenset(),
) -> tuple[list[dict], list[int]]:
    """One ticket op per ticket, each judged on its own: (tickets left as they were, with
    the refusal; tickets changed)."""
    left, changed = [], []
    for ticket_id in ticket_ids:
        ticket = batch.tickets.get(ticket_id)
        if ticket is None or ticket.team_id != incident.team_id:
            left.append(_left(ticket_id, Refusal("not_allowed", msg.not_found())))
            continue
        if ticket_id in skip:
            left.append(_left(ticket_id, Refusal("still_without_power", msg.still_without_power())))
            continue
        action, data = make(incident, state)
        claim = batch.bound(op, ticket.created_at, batch.changes.last_action_at(ticket))
        outcome = batch.changes.judge(
            ticket, Op(action, claim.at, data), batch.actor, batch.user, op.op_id, claim
        )
        if isinstance(outcome, Refusal):
            left.append(_left(ticket_id, outcome))
        else:
            changed.append(ticket_id)
    return left, changed


def _left(ticket_id: int, refusal: Refusal) -> dict:
    return {"ticket_id": ticket_id, "refusal": refusal}


def _still_without_power(batch: Batch, ticket_ids: list[int], restored_at) -> frozenset[int]:
    """Linked tickets whose customer called about an outage again after the restoration
    time: power is not back for them, whatever the incident says."""
    codes = {
        batch.tickets[i].customer_code: i for i in ticket_ids if batch.tickets[i].customer_code
    }
    if not codes or restored_at is None:
        return frozenset()
    again = db.session.scalars(
        select(Ticket.customer_code).where(
            Ticket.customer_code.in_(codes),
            Ticket.type == "OUTAGE",
            Ticket.received_at > restored_at,
            Ticket.id.not_in(ticket_ids),
        )
    )
    return frozenset(codes[code] for code in again)


def cluster_start(team_id: int, station: str | None, declared_at):
    """When the team knew of the outage: the first ticket of the cluster of outage calls from
    this station that alerted the leader (DOMAIN §8), if there is one still unlinked."""
    if not station:
        return None
    rows = db.session.execute(
        select(Ticket.received_at, Ticket.flags).where(
            Ticket.team_id == team_id,
            Ticket.customer_station == station,
            Ticket.type == "OUTAGE",
            Ticket.incident_id.is_(None),
            Ticket.status.in_(OPEN_STATUSES),
            Ticket.received_at <= declared_at,
        )
    ).all()
    alerted = [at for at, flags in rows if "cluster" in (flags or ())]
    if not alerted:
        return None
    since = max(alerted) - incidents.CLUSTER_WINDOW
    return min(at for at, _ in rows if at >= since)


def load(results: list[OpResult]) -> list[Incident]:
    """The incidents the results name, as they stand after the batch."""
    ids = sorted({r.incident_id for r in results if r.incident_id is not None})
    if not ids:
        return []
    return list(
        db.session.scalars(select(Incident).where(Incident.id.in_(ids)).order_by(Incident.id))
    )


def claim_for(batch: Batch, op: OpRequest, incident: Incident) -> Bounded:
    """The op's bounded time on an incident."""
    return batch.bound(op, incident.created_at, batch.changes.incident_last_action_at(incident))
