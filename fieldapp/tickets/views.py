"""What the ticket screens show: the crew's queue, a ticket's page, the actions open to a user.

Every answer about what a user may do and how late a ticket is comes from the rules
(rules.lifecycle.permitted, rules.clocks); the page also carries them as data for the phone's
scripts (js/clocks.js keeps badges and late reasons running, js/offline.js builds ops)."""

from dataclasses import dataclass
from datetime import datetime

from flask import abort
from sqlalchemy import func, or_
from sqlalchemy.orm import selectinload

from fieldapp.extensions import db
from fieldapp.models import Event, Ticket, User
from fieldapp.rules import clocks, lifecycle
from fieldapp.rules.actions import DESK_ROLES, LATE_ACTIONS, OPEN_STATUSES
from fieldapp.rules.clocks import Badge, badge
from fieldapp.rules.customers import needs_confirmation
from fieldapp.rules.lifecycle import extension_blocked, permitted
from fieldapp.rules.state import TicketState
from fieldapp.services.access import can_see, visible_tickets
from fieldapp.services.ticket_state import actor_of, to_state
from fieldapp.tickets.forms import form_names, ticket_forms
from fieldapp.tickets.timeline import timeline

HISTORY_LIMIT = 10


@dataclass(frozen=True)
class Row:
    """A ticket in a list, with its deadline badge."""

    ticket: Ticket
    badge: Badge | None
    mine: bool
    can_accept: bool = False
    overdue: tuple[str, ...] = ()  # rules.clocks.overdue: "accept", "resolve"
    badge_start: datetime | None = None  # when the badge's window opened (the phone ticks it)
    marks: tuple[str, ...] = ()  # rules.clocks.marks: "handover", "chased"


def visible_ticket(ticket_id: int, user: User) -> Ticket:
    """The ticket if the user may see it; 404 otherwise (never says it exists)."""
    events = selectinload(Ticket.events).selectinload(Event.user)
    ticket = db.session.get(Ticket, ticket_id, options=[events])
    if ticket is None or not can_see(user, ticket):
        abort(404)
    return ticket


def actions_for(ticket: Ticket, state: TicketState, user: User, now: datetime) -> tuple:
    """The actions the rules let this user take on the ticket now (none on another team's)."""
    if user.team_id != ticket.team_id:
        return ()
    return permitted(state, actor_of(user), now)


def works_on(ticket: Ticket, user: User) -> bool:
    """Whether the user works the ticket (of their team, by the rules), whatever its status."""
    return user.team_id == ticket.team_id and lifecycle.works_on(to_state(ticket), actor_of(user))


def badge_start(state: TicketState, shown: Badge | None) -> datetime | None:
    """When the window of the badge's deadline opened, so the phone can tick the badge."""
    if shown is None:
        return None
    return next(c.start for c in clocks.clocks(state) if c.name == shown.kind)


def make_row(ticket: Ticket, user: User, now: datetime) -> Row:
    """A list row: badge, whether it is the user's, whether a one-tap accept is offered."""
    state = to_state(ticket)
    quick = "accept" in actions_for(ticket, state, user, now)
    shown = badge(state, now)
    return Row(
        ticket,
        shown,
        ticket.assignee_id == user.id,
        quick,
        clocks.overdue(state, now),
        badge_start(state, shown),
        clocks.marks(state),
    )


def customer_history(ticket: Ticket, user: User) -> list[Ticket]:
    """The customer's other tickets the user may see, newest first (repeat requests)."""
    keys = []
    if ticket.customer_code:
        keys.append(Ticket.customer_code == ticket.customer_code)
    if ticket.customer_phone:
        keys.append(Ticket.customer_phone == ticket.customer_phone)
    if not keys:
        return []
    query = visible_tickets(user).where(or_(*keys), Ticket.id != ticket.id)
    query = query.order_by(Ticket.received_at.desc()).limit(HISTORY_LIMIT)
    return list(db.session.execute(query).scalars())


@dataclass(frozen=True)
class Member:
    """Someone a ticket can be given to, with how many open tickets they hold already."""

    id: int
    name: str
    desk: str | None
    open: int


def team_members(team_id: int) -> list[Member]:
    """Active crews and clerks of a team, to assign tickets to, each with their open count."""
    held = (
        db.select(Ticket.assignee_id, func.count())
        .where(
            Ticket.team_id == team_id,
            Ticket.status.in_(OPEN_STATUSES),
            Ticket.assignee_id.is_not(None),
        )
        .group_by(Ticket.assignee_id)
    )
    counts = {holder: n for holder, n in db.session.execute(held)}
    query = (
        db.select(User)
        .where(User.team_id == team_id, User.active.is_(True), User.role.in_(DESK_ROLES))
        .order_by(User.name)
    )
    return [
        Member(u.id, u.name, u.desk, counts.get(u.id, 0))
        for u in db.session.execute(query).scalars()
    ]


def ticket_context(ticket: Ticket, user: User, now: datetime, **form_state) -> dict:
    """Everything the ticket page renders; form_state names a refused form to reopen."""
    state = to_state(ticket)
    actions = actions_for(ticket, state, user, now)
    shown = badge(state, now)
    context = {
        "t": ticket,
        "state": state,
        "badge": shown,
        "badge_start": badge_start(state, shown),
        "now": now,
        "overdue": clocks.overdue(state, now),
        "marks": clocks.marks(state),
        "actions": actions,
        "late_after": {a: clocks.late_after(state, a) for a in LATE_ACTIONS},
        "clocks": clocks.clocks_json(state),
        "forms": ticket_forms(state) if actions else {},
        "extension_blocked": extension_blocked(state, actor_of(user)),
        "kept_from": lifecycle.kept_from(state, actor_of(user)) if not actions else None,
        "needs_confirmation": needs_confirmation(state.flags) and not state.customer_confirmed,
        "history": customer_history(ticket, user),
        "timeline": timeline(ticket.events),
        "members": team_members(ticket.team_id) if "assign" in actions else [],
        "open_action": None,
        "values": {},
        "error": None,
        "error_fields": (),
        "notice": None,
        **form_state,
    }
    context["error_fields"] = form_names(context["error_fields"])
    return context
