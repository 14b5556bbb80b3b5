"""A new outage ticket and the wide-area incidents (DOMAIN §8), when it reaches the app.

A ticket of the station or feeder of an open incident of its team joins it at once. Without an
open incident, the call that makes a cluster (several outage calls from one station within 15
minutes) is flagged, and its plan alerts the team leader to declare one.
"""

from dataclasses import replace

from sqlalchemy import or_, select

from fieldapp.extensions import db
from fieldapp.models import Incident, Ticket
from fieldapp.rules import incidents
from fieldapp.rules.actions import OPEN_STATUSES
from fieldapp.rules.state import TicketState
from fieldapp.services.ticket_state import to_incident_state


def may_join(type_code: str, station: str | None, feeder: str | None) -> bool:
    """Could a new ticket join an incident (so its intake must lock the incident)?"""
    return type_code == "OUTAGE" and bool(station or feeder)


def match(ticket: Ticket) -> tuple[Incident | None, bool]:
    """(the open incident the ticket joins, locked; whether it completes a cluster)."""
    station, feeder = ticket.customer_station, ticket.customer_feeder
    if not may_join(ticket.type, station, feeder):
        return None, False
    keys = [Incident.station == station] if station else []
    keys += [Incident.feeder == feeder] if feeder else []
    # Locked like a batch locks it, so a restoration under way does not miss the ticket.
    for incident in db.session.scalars(
        select(Incident)
        .where(Incident.team_id == ticket.team_id, Incident.status == "open", or_(*keys))
        .order_by(Incident.id)
        .with_for_update()
    ):
        if incidents.proposes(to_incident_state(incident), station, feeder, "") is not None:
            return incident, False
    return None, _completes_cluster(ticket)


def joined(state: TicketState, incident: Incident | None, cluster: bool) -> TicketState:
    """The new ticket's state, linked to its incident or flagged as completing a cluster."""
    if incident is not None:
        return replace(state, incident_id=incident.id)
    if cluster:
        return replace(state, flags=state.flags | {"cluster"})
    return state


def _completes_cluster(ticket: Ticket) -> bool:
    if not ticket.customer_station:
        return False
    earlier = db.session.scalars(
        select(Ticket.received_at).where(
            Ticket.team_id == ticket.team_id,
            Ticket.customer_station == ticket.customer_station,
            Ticket.type == "OUTAGE",
            Ticket.incident_id.is_(None),
            Ticket.status.in_(OPEN_STATUSES),
            Ticket.received_at >= ticket.received_at - incidents.CLUSTER_WINDOW,
            Ticket.received_at <= ticket.received_at,
        )
    ).all()
    return incidents.cluster_alert([*earlier, ticket.received_at])
