"""What the incident screens show: the team's incidents, an incident with its tickets, the
tickets proposed for it, and a declaration's starting values.

Which tickets belong to an incident is the rules' answer (rules.incidents.proposes); what the
clocks say, rules.incidents through incidents.clocks."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from fieldapp.extensions import db
from fieldapp.i18n import input_datetime
from fieldapp.incidents import clocks
from fieldapp.incidents.forms import incident_form
from fieldapp.models import Incident, IncidentEvent, Ticket, User
from fieldapp.reports.incidents import figures, linked_counts
from fieldapp.rules import incidents
from fieldapp.rules.actions import INCIDENT_ROLES, MAX_LINKED, OPEN_STATUSES
from fieldapp.rules.catalog import get_type
from fieldapp.services.access import in_teams
from fieldapp.services.incident_ops import cluster_start
from fieldapp.services.ticket_state import to_incident_state
from fieldapp.tickets.timeline import timeline
from fieldapp.tickets.views import make_row

LIST_LIMIT = 50
SHOWN_TICKETS = 100  # rows listed on the page; "link all" carries every proposal's id
FIGURE_READERS = ("team_lead", "company", "admin")
PAGE_ACTIONS = ("link", "eta", "update", "restore")


@dataclass(frozen=True)
class Row:
    """An incident in the list: its clocks and how many tickets it holds."""

    incident: Incident
    badges: list[clocks.ClockBadge]
    linked: int

    @property
    def level(self) -> str:
        return clocks.worst(self.badges) if self.incident.status == "open" else "closed"


@dataclass(frozen=True)
class Proposal:
    """An outage ticket the incident may hold, and why: station, feeder or street."""

    ticket: Ticket
    why: str


def visible_incident(incident_id: int, user: User) -> Incident:
    """The incident if the user may see it; 404 otherwise (never says it exists)."""
    events = selectinload(Incident.events).selectinload(IncidentEvent.user)
    incident = db.session.get(Incident, incident_id, options=[events])
    if incident is None or not in_teams(incident, user.visible_team_ids()):
        abort(404)
    return incident


def acts_on(user: User, team_id: int | None) -> bool:
    """Whether the user reports and works incidents of this team (crews and its leader)."""
    return user.role in INCIDENT_ROLES and team_id is not None and user.team_id == team_id


def incident_list(user: User, now: datetime) -> list[Row]:
    """The incidents the user may read: open ones first, then the latest."""
    query = (
        select(Incident)
        .options(selectinload(Incident.team))
        .order_by((Incident.status == "open").desc(), Incident.reported_at.desc())
        .limit(LIST_LIMIT)
    )
    if (teams := user.visible_team_ids()) is not None:
        query = query.where(Incident.team_id.in_(teams))
    rows = list(db.session.scalars(query))
    linked = linked_counts([i.id for i in rows])
    return [Row(i, clocks.badges(to_incident_state(i), now), linked.get(i.id, 0)) for i in rows]


def linked_tickets(incident: Incident, limit: int = SHOWN_TICKETS) -> list[Ticket]:
    """The incident's first tickets, open ones first, each with what its row shows."""
    query = (
        select(Ticket)
        .where(Ticket.incident_id == incident.id)
        .options(selectinload(Ticket.assignee), selectinload(Ticket.team))
        .order_by(Ticket.status.in_(OPEN_STATUSES).desc(), Ticket.received_at, Ticket.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def proposals(incident: Incident, limit: int = MAX_LINKED) -> list[Proposal]:
    """The team's open, unlinked outage tickets that arrived since the incident started and
    that the rules say belong to it: by station or feeder first, then by street."""
    if incident.status != "open":
        return []
    state = to_incident_state(incident)
    streets = incidents.streets(incident.area)
    candidates = db.session.execute(
        select(Ticket.id, Ticket.customer_station, Ticket.customer_feeder, Ticket.customer_address)
        .where(
            Ticket.team_id == incident.team_id,
            Ticket.type == "OUTAGE",
            Ticket.incident_id.is_(None),
            Ticket.status.in_(OPEN_STATUSES),
            Ticket.received_at >= incident.started_at,
        )
        .order_by(Ticket.received_at, Ticket.id)
    )
    why = {
        row.id: reason
        for row in candidates
        if (
            reason := incidents.proposes(
                state,
                row.customer_station,
                row.customer_feeder,
                row.customer_address or "",
                streets,
            )
        )
    }
    chosen = sorted(why, key=lambda i: (why[i] == "street", i))[:limit]
    tickets = {
        t.id: t
        for t in db.session.scalars(
            select(Ticket)
            .where(Ticket.id.in_(chosen))
            .options(selectinload(Ticket.assignee), selectinload(Ticket.team))
        )
    }
    return [Proposal(tickets[i], why[i]) for i in chosen]


@dataclass(frozen=True)
class EtaChange:
    """A new restoration time: when it was reported, from what to what, whether in time."""

    event_id: int
    at: datetime
    previous: datetime | None
    eta: datetime | None
    in_time: bool


def eta_changes(incident: Incident) -> list[EtaChange]:
    """The incident's ETA changes, oldest first."""
    return [
        EtaChange(
            e.id,
            e.at,
            _instant(e.data.get("previous_eta")),
            _instant(e.data.get("eta")),
            bool(e.data.get("in_time")),
        )
        for e in incident.events
        if e.action == "incident_eta"
    ]


def _instant(value) -> datetime | None:
    """A time the event data keeps as ISO text."""
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def incident_context(incident: Incident, user: User, now: datetime, **form_state) -> dict:
    """Everything the incident page renders; form_state names a refused form to reopen."""
    state = to_incident_state(incident)
    works = acts_on(user, incident.team_id) and incidents.is_open(state)
    proposed = proposals(incident)
    return {
        "i": incident,
        "state": state,
        "now": now,
        "badges": clocks.badges(state, now),
        "forms": {a: incident_form(a) for a in PAGE_ACTIONS} if works else {},
        "starts": _starts(incident, proposed, now),
        "linked": [make_row(t, user, now) for t in linked_tickets(incident)],
        "linked_count": linked_counts([incident.id]).get(incident.id, 0),
        "proposals": proposed,
        "proposal_rows": [(p.why, make_row(p.ticket, user, now)) for p in proposed[:SHOWN_TICKETS]],
        "figures": figures([incident], now)[0] if user.role in FIGURE_READERS else None,
        "eta_changes": eta_changes(incident),
        "timeline": timeline(incident.events),
        "open_action": None,
        "values": {},
        "error": None,
        "error_fields": (),
        "notice": None,
        "left_open": (),
        **form_state,
    }


def _starts(incident: Incident, proposed: list[Proposal], now: datetime) -> dict[str, dict]:
    """The page's forms' starting values: every proposal to link, the ETA in force, the
    cause known, power back now."""
    cause = incident.cause or ""
    return {
        "link": {"tickets": [p.ticket.id for p in proposed]},
        "eta": {"eta": input_datetime(incident.eta)},
        "update": {"cause": cause},
        "restore": {"restored_at": input_datetime(now), "cause": cause},
    }


def declare_start(user: User, station: str | None, now: datetime) -> dict:
    """The declaration form's starting values: power out since now, back in an outage
    ticket's time; for a station whose calls made a cluster, since its first call, in the
    streets those calls came from."""
    hours = get_type("OUTAGE").resolve_hours
    assert hours is not None  # an outage is resolved within hours
    eta = now + timedelta(hours=hours)
    start = {"kind": "unplanned", "started_at": input_datetime(now), "eta": input_datetime(eta)}
    station = (station or "").strip()[:64]
    if not station or user.team_id is None:
        return start
    first = cluster_start(user.team_id, station, now)
    start["station"] = station
    if first is not None:
        start["started_at"] = input_datetime(first)
        start["area"] = ", ".join(_cluster_streets(user.team_id, station, first))
    return start


def _cluster_streets(team_id: int, station: str, since: datetime) -> list[str]:
    """The streets of the unlinked outage calls from a station since `since`."""
    addresses = db.session.scalars(
        select(Ticket.customer_address).where(
            Ticket.team_id == team_id,
            Ticket.customer_station == station,
            Ticket.type == "OUTAGE",
            Ticket.incident_id.is_(None),
            Ticket.status.in_(OPEN_STATUSES),
            Ticket.received_at >= since,
        )
    )
    return list(dict.fromkeys(s for a in addresses if (s := street_of(a or ""))))


def street_of(address: str) -> str:
    """ "12 Lê Lợi, Hải Châu" → "Lê Lợi": the street, without the house number."""
    first = address.split(",")[0].strip()
    number, _, rest = first.partition(" ")
    return rest.strip() if rest and any(c.isdigit() for c in number) else first
