"""Creating tickets: the CRM's signed push and a counter clerk's walk-in request."""

from dataclasses import replace
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from fieldapp.extensions import db
from fieldapp.models import Team, Ticket, User, utcnow
from fieldapp.rules import counter, customers, deadlines, lifecycle
from fieldapp.rules.actions import OPEN_STATUSES
from fieldapp.rules.policy import Policy
from fieldapp.rules.state import Event, TicketState
from fieldapp.services import incident_intake
from fieldapp.services.calendar import current_calendar
from fieldapp.services.changes import ChangeSet
from fieldapp.services.policy import current_policy
from fieldapp.services.ticket_state import actor_of, customer_of
from fieldapp.services.transactions import begin_write, commit_keeping_state


class UnknownTeam(ValueError):
    """The intake names a team the app does not have; nothing was written."""


def receive(data: dict, now: datetime | None = None, user: User | None = None,
            origin: str = "crm") -> tuple[Ticket, bool]:
    """Create the ticket described by validated intake data; (ticket, False) if known already.

    Raises UnknownTeam, before anything is written, when the team code is not one of ours."""
    now = now or utcnow()
    begin_write()
    team = _team(data["team"])
    if team is None:
        db.session.rollback()
        raise UnknownTeam(data["team"])
    existing = _by_crm_id(data["crm_id"])
    if existing is not None:
        db.session.rollback()  # release the write lock: nothing to write
        return existing, False
    ticket = _new_ticket(data, team, origin)
    changes = ChangeSet(now, current_calendar(), current_policy())
    earlier = _earlier_requests(ticket, data.get("repeat_of"), changes.policy)
    ticket.contact_count = _contact_number(ticket.contact_count, earlier)
    repeat = bool(data.get("repeat_of")) or ticket.contact_count >= 2
    ticket.repeat_after_deadline = any(_was_late_at(e, ticket.received_at) for e in earlier)
    incident, cluster = incident_intake.match(ticket)
    state = incident_intake.joined(_initial_state(ticket, repeat, changes), incident, cluster)
    if origin == counter.COUNTER and user is not None:
        state = replace(state, assignee_id=lifecycle.walkin_assignee(state, actor_of(user)))
    event = Event("created" if origin == "counter" else "received", ticket.received_at,
                  {"channel": ticket.channel, "origin": origin,
                   **({"incident_id": incident.id} if incident else {})})
    changes.create(ticket, state, (event,), user)
    changes.flush()
    try:
        commit_keeping_state()  # the caller answers with this ticket, as written
    except IntegrityError:  # the same crm_id pushed twice at once: the first one wins
        db.session.rollback()
        winner = _by_crm_id(data["crm_id"])
        assert winner is not None  # committed by the push that won
        return winner, False
    return ticket, True


def team_exists(code: str) -> bool:
    """Is this the code of one of our teams?"""
    return _team(code) is not None


def _team(code: str) -> Team | None:
    return db.session.execute(select(Team).where(Team.code == code)).scalar_one_or_none()


def _new_ticket(data: dict, team: Team, origin: str) -> Ticket:
    """The ticket row before any rule has run."""
    customer = data["customer"]
    return Ticket(
        crm_id=data["crm_id"], type=data["type"], team_id=team.id, team=team,
        channel=data["channel"], origin=origin, content=data.get("content") or "",
        customer_code=customer.get("code"), customer_name=customer["name"],
        customer_name_key=customers.fold(customer["name"]),
        customer_phone=customers.normalise_phone(customer.get("phone")),
        customer_address=customer.get("address") or "",
        customer_birth_date=customer.get("birth_date"),
        customer_birth_year=customer.get("birth_year"), customer_sex=customer.get("sex"),
        customer_important=bool(customer.get("important")),
        customer_difficult=bool(customer.get("difficult")),
        customer_station=customer.get("station"), customer_feeder=customer.get("feeder"),
        repeat_of=data.get("repeat_of"), contact_count=data.get("contact_count") or 1,
        received_at=data["received_at"], version=0,
    )


def _initial_state(ticket: Ticket, repeat: bool, changes: ChangeSet) -> TicketState:
    """Deadlines, desk and flags of a new ticket."""
    cal = changes.cal
    due = deadlines.compute(ticket.type, ticket.received_at, cal)
    upset = customers.shows_upset(ticket.content, changes.policy.upset_words)
    flags = customers.customer_flags(customer_of(ticket), ticket.received_at, cal,
                                     repeat=repeat, type_code=ticket.type, upset=upset)
    return TicketState(type=ticket.type, status="received", desk=due.desk,
                       received_at=ticket.received_at, accept_by=due.accept_by,
                       contact_by=due.contact_by, resolve_by=due.resolve_by,
                       contact_count=ticket.contact_count, flags=flags, origin=ticket.origin)


def _earlier_requests(ticket: Ticket, repeat_of: str | None, policy: Policy) -> list[Ticket]:
    """The earlier tickets this one repeats: the one the CRM names, and the customer's
    tickets of the same type received before it that are open or closed only recently."""
    found = {}
    named = _by_crm_id(repeat_of) if repeat_of else None
    if named is not None:
        found[named.id] = named
    if ticket.customer_code:
        recent = ticket.received_at - policy.repeat_window
        query = select(Ticket).where(
            Ticket.customer_code == ticket.customer_code, Ticket.type == ticket.type,
            Ticket.received_at < ticket.received_at,
            or_(Ticket.status.in_(OPEN_STATUSES), Ticket.completed_at >= recent,
                Ticket.returned_at >= recent),
        ).order_by(Ticket.received_at)
        found.update((t.id, t) for t in db.session.execute(query).scalars())
    return list(found.values())


def _contact_number(counted: int, earlier: list[Ticket]) -> int:
    """The customer's n-th contact about this need: as the CRM counts it, or as the earlier
    tickets do (each one more than the latest of them, at least one more than their number)."""
    return max([counted, len(earlier) + 1] + [e.contact_count + 1 for e in earlier])


def _was_late_at(earlier: Ticket, at: datetime) -> bool:
    """Had the earlier ticket passed its deadline unfinished when the customer called again?"""
    finished = earlier.completed_at is not None and earlier.completed_at <= at
    return earlier.resolve_by < at and not finished


def _by_crm_id(crm_id: str) -> Ticket | None:
    return db.session.execute(select(Ticket).where(Ticket.crm_id == crm_id)).scalar_one_or_none()
