"""Moving a ticket or an incident between its database row and the rules' immutable state."""

from dataclasses import fields

from fieldapp.models import Incident, Ticket
from fieldapp.rules.incidents import IncidentState
from fieldapp.rules.state import Actor, Customer, TicketState

# TicketState fields stored under the same name on the Ticket row.
_COLUMNS = tuple(f.name for f in fields(TicketState) if f.name != "flags")


def state_columns(state: TicketState) -> dict:
    """The ticket row's columns that hold the state."""
    return {name: getattr(state, name) for name in _COLUMNS} | {"flags": sorted(state.flags)}


def to_state(ticket: Ticket) -> TicketState:
    """The rules' view of a ticket row."""
    values = {name: getattr(ticket, name) for name in _COLUMNS}
    return TicketState(flags=frozenset(ticket.flags or ()), **values)


def write_state(ticket: Ticket, state: TicketState) -> None:
    """Copy a new state onto the row (only what changed, so SQLAlchemy writes little)."""
    for name in _COLUMNS:
        value = getattr(state, name)
        if getattr(ticket, name) != value:
            setattr(ticket, name, value)
    if set(ticket.flags or ()) != set(state.flags):
        ticket.flags = sorted(state.flags)


def customer_of(ticket: Ticket) -> Customer:
    """The customer as recorded on the ticket."""
    return Customer(
        code=ticket.customer_code,
        name=ticket.customer_name,
        birth_date=ticket.customer_birth_date,
        birth_year=ticket.customer_birth_year,
        sex=ticket.customer_sex,
        important=ticket.customer_important,
        difficult=ticket.customer_difficult,
    )


def actor_of(user) -> Actor:
    """The rules' view of who is acting; None is the CRM."""
    if user is None:
        return Actor(user_id=None, role="crm")
    return Actor(user_id=user.id, role=user.role, desk=user.desk)


# IncidentState fields are stored under the same names on the Incident row.
_INCIDENT_COLUMNS = tuple(f.name for f in fields(IncidentState))


def to_incident_state(incident: Incident) -> IncidentState:
    """The rules' view of an incident row."""
    return IncidentState(**{name: getattr(incident, name) for name in _INCIDENT_COLUMNS})


def write_incident_state(incident: Incident, state: IncidentState) -> None:
    """Copy a new state onto the incident row (only what changed)."""
    for name in _INCIDENT_COLUMNS:
        value = getattr(state, name)
        if getattr(incident, name) != value:
            setattr(incident, name, value)
