"""Moving a ticket between its database row and the rules' immutable TicketState."""

from dataclasses import fields

from fieldapp.models import Ticket
from fieldapp.rules.state import Actor, Customer, TicketState

# TicketState fields stored under the same name on the Ticket row.
_COLUMNS = tuple(f.name for f in fields(TicketState) if f.name != "flags")


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
        code=ticket.customer_code, name=ticket.customer_name,
        birth_date=ticket.customer_birth_date, birth_year=ticket.customer_birth_year,
        sex=ticket.customer_sex, important=ticket.customer_important,
        difficult=ticket.customer_difficult,
    )


def actor_of(user) -> Actor:
    """The rules' view of who is acting; None is the CRM."""
    if user is None:
        return Actor(user_id=None, role="crm")
    return Actor(user_id=user.id, role=user.role, desk=user.desk)
