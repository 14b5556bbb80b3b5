"""Creating tickets: the CRM's signed push and a counter clerk's walk-in request."""

from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache

from sqlalchemy import Connection, bindparam, or_, select, true, union
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from fieldapp.extensions import db
from fieldapp.models import Team, Ticket, User, utcnow
from fieldapp.models.types import UTCDateTime
from fieldapp.models.written import as_written
from fieldapp.rules import counter, customers, deadlines, lifecycle
from fieldapp.rules.actions import OPEN_STATUSES
from fieldapp.rules.policy import Policy
from fieldapp.rules.state import Event, TicketState
from fieldapp.services import incident_intake, reference
from fieldapp.services.changes import ChangeSet
from fieldapp.services.new_ticket import CrmIdTaken
from fieldapp.services.policy import current_policy
from fieldapp.services.precompiled import Precompiled
from fieldapp.services.reference import TeamRef
from fieldapp.services.ticket_state import actor_of, customer_of
from fieldapp.services.tickets import ticket_loads
from fieldapp.services.transactions import write_connection


class UnknownTeam(ValueError):
    """The intake names a team the app does not have; nothing was written."""


def receive(
    data: dict, now: datetime | None = None, user: User | None = None, origin: str = "crm"
) -> tuple[Ticket, bool]:
    """Create the ticket described by validated intake data; (ticket, False) if known already.

    Two statements: one read (an earlier push of this crm_id, the tickets this one repeats,
    the teams' and calendar's version), one write (the ticket, its event, reminders and
    callbacks), which on PostgreSQL commits by itself. An outage call naming its station or
    feeder also locks its incident, and so runs in a transaction. Raises UnknownTeam, before
    anything is written, for a team not ours."""
    customer = data["customer"]
    one_statement = not incident_intake.may_join(
        data["type"], customer.get("station"), customer.get("feeder")
    )
    keep = [user] if user is not None else []
    with write_connection(*keep, one_statement=one_statement) as connection:
        return _receive(connection, data, now or utcnow(), user, origin)


def _receive(
    connection: Connection, data: dict, now: datetime, user: User | None, origin: str
) -> tuple[Ticket, bool]:
    policy = current_policy()
    version, existing, earlier = _lookup(connection, data, policy)
    if existing is not None:
        return _pushed_before(data["crm_id"]), False
    ref = reference.current(version)
    team = ref.teams.get(data["team"])
    if team is None:
        raise UnknownTeam(data["team"])
    ticket = _new_ticket(data, team, origin)
    changes = ChangeSet(now, ref.calendar, policy, connection=connection)
    ticket.contact_count = _contact_number(ticket.contact_count, earlier)
    repeat = bool(data.get("repeat_of")) or ticket.contact_count >= 2
    ticket.repeat_after_deadline = any(_was_late_at(e, ticket.received_at) for e in earlier)
    incident, cluster = incident_intake.match(ticket)
    state = incident_intake.joined(_initial_state(ticket, repeat, changes), incident, cluster)
    if origin == counter.COUNTER and user is not None:
        state = replace(state, assignee_id=lifecycle.walkin_assignee(state, actor_of(user)))
    event = Event(
        "created" if origin == "counter" else "received",
        ticket.received_at,
        {
            "channel": ticket.channel,
            "origin": origin,
            **({"incident_id": incident.id} if incident else {}),
        },
    )
    changes.create(ticket, state, (event,), user)
    try:
        changes.flush()
    except CrmIdTaken:  # the same crm_id pushed twice at once: the first one wins
        return _pushed_before(data["crm_id"]), False
    return _answerable(ticket, team), True


def team_exists(code: str) -> bool:
    """Is this the code of one of our teams?"""
    return reference.team_known(code)


def _new_ticket(data: dict, team: TeamRef, origin: str) -> Ticket:
    """The ticket row before any rule has run: written whole by one statement, never through
    the session, so built without the ORM's tracking of each attribute."""
    customer = data["customer"]
    return as_written(
        Ticket,
        dict(
            crm_id=data["crm_id"],
            type=data["type"],
            team_id=team.id,
            channel=data["channel"],
            origin=origin,
            content=data.get("content") or "",
            customer_code=customer.get("code"),
            customer_name=customer["name"],
            customer_name_key=customers.fold(customer["name"]),
            customer_phone=customers.normalise_phone(customer.get("phone")),
            customer_address=customer.get("address") or "",
            customer_birth_date=customer.get("birth_date"),
            customer_birth_year=customer.get("birth_year"),
            customer_sex=customer.get("sex"),
            customer_important=bool(customer.get("important")),
            customer_difficult=bool(customer.get("difficult")),
            customer_station=customer.get("station"),
            customer_feeder=customer.get("feeder"),
            repeat_of=data.get("repeat_of"),
            contact_count=data.get("contact_count") or 1,
            received_at=data["received_at"],
            version=0,
        ),
    )


def _answerable(ticket: Ticket, team: TeamRef) -> Ticket:
    """The new ticket as the database holds it, with its team and no assignee: detached, with
    everything loaded, so answering with it reads nothing back."""
    team_row = as_written(
        Team, {"id": team.id, "code": team.code, "name": team.name, "company_id": team.company_id}
    )
    set_committed_value(ticket, "team", team_row)
    set_committed_value(ticket, "assignee", None)
    make_transient_to_detached(ticket)
    return ticket


def _initial_state(ticket: Ticket, repeat: bool, changes: ChangeSet) -> TicketState:
    """Deadlines, desk and flags of a new ticket."""
    cal = changes.cal
    due = deadlines.compute(ticket.type, ticket.received_at, cal)
    upset = customers.shows_upset(ticket.content, changes.policy.upset_words)
    flags = customers.customer_flags(
        customer_of(ticket),
        ticket.received_at,
        cal,
        repeat=repeat,
        type_code=ticket.type,
        upset=upset,
    )
    return TicketState(
        type=ticket.type,
        status="received",
        desk=due.desk,
        received_at=ticket.received_at,
        accept_by=due.accept_by,
        contact_by=due.contact_by,
        resolve_by=due.resolve_by,
        contact_count=ticket.contact_count,
        flags=flags,
        origin=ticket.origin,
    )


@dataclass(frozen=True)
class _Earlier:
    """What the rules read of a ticket the new one repeats (or of an earlier push of it)."""

    crm_id: str
    contact_count: int
    resolve_by: datetime
    completed_at: datetime | None


def _lookup(
    connection: Connection, data: dict, policy: Policy
) -> tuple[int, _Earlier | None, list[_Earlier]]:
    """One read: (the teams' and calendar's version, an earlier push of this crm_id, the
    earlier tickets this one repeats: the one the CRM names, and the customer's tickets of the
    same type received before it that are open or closed only recently). Only the columns the
    rules read, as plain rows: building whole tickets cost more than the rest of the push."""
    code, received = data["customer"].get("code"), data["received_at"]
    params = {"crm_id": data["crm_id"], "repeat_of": data.get("repeat_of")}
    if code:
        params.update(
            code=code, type=data["type"], received=received, recent=received - policy.repeat_window
        )
    rows = _lookup_statement(bool(code)).execute(connection, params).all()  # Core, not ORM
    tickets = [_Earlier(*row[1:]) for row in rows if row.crm_id is not None]
    existing = next((t for t in tickets if t.crm_id == data["crm_id"]), None)
    return rows[0].version, existing, [t for t in tickets if t is not existing]


@cache
def _lookup_statement(by_customer: bool) -> Precompiled:
    """The lookup's query, built and compiled once (its values are parameters).

    Each way a ticket can be found is its own indexed SELECT, and their UNION is joined to
    the version. One join ON a OR b OR c read the same rows, but PostgreSQL plans a prepared
    statement once per connection: planned on an empty or not yet analysed table, the OR
    became a sequential scan, and stayed one while the table grew (every push read every
    ticket). Each arm alone is an index lookup under any statistics."""
    found = [Ticket.crm_id, Ticket.contact_count, Ticket.resolve_by, Ticket.completed_at]
    columns = [*found, Ticket.received_at]
    arms = [
        select(*columns).where(Ticket.crm_id == bindparam("crm_id")),
        # NULL when the CRM names none: matches nothing.
        select(*columns).where(Ticket.crm_id == bindparam("repeat_of")),
    ]
    if by_customer:
        recent = bindparam("recent", type_=UTCDateTime())
        arms.append(
            select(*columns).where(
                Ticket.customer_code == bindparam("code"),
                Ticket.type == bindparam("type"),
                Ticket.received_at < bindparam("received", type_=UTCDateTime()),
                # Open as equalities, not an IN list, which is expanded per execution.
                or_(
                    *(Ticket.status == status for status in OPEN_STATUSES),
                    Ticket.completed_at >= recent,
                    Ticket.returned_at >= recent,
                ),
            )
        )
    earlier = union(*arms).subquery("earlier")  # UNION: a ticket found twice counts once
    version = reference.version_column()
    return Precompiled(
        select(version.c.version, *(earlier.c[column.key] for column in found))
        .select_from(version)
        .outerjoin(earlier, true())
        .order_by(earlier.c.received_at)
    )


def _contact_number(counted: int, earlier: list[_Earlier]) -> int:
    """The customer's n-th contact about this need: as the CRM counts it, or as the earlier
    tickets do (each one more than the latest of them, at least one more than their number)."""
    return max([counted, len(earlier) + 1] + [e.contact_count + 1 for e in earlier])


def _was_late_at(earlier: _Earlier, at: datetime) -> bool:
    """Had the earlier ticket passed its deadline unfinished when the customer called again?"""
    finished = earlier.completed_at is not None and earlier.completed_at <= at
    return earlier.resolve_by < at and not finished


def _pushed_before(crm_id: str) -> Ticket:
    """The ticket an earlier push of this crm_id made (it was found, or won the race)."""
    ticket = _by_crm_id(crm_id)
    assert ticket is not None  # committed before our lookup or our insert
    return ticket


def _by_crm_id(crm_id: str) -> Ticket | None:
    """The ticket pushed with this crm_id, with what its JSON reads."""
    return db.session.execute(
        select(Ticket).where(Ticket.crm_id == crm_id).options(*ticket_loads())
    ).scalar_one_or_none()
