"""Who may see which tickets: a team sees its own, a company its teams, an admin all."""

from sqlalchemy import ColumnElement, Select, select, union_all

from fieldapp.models import Incident, Ticket, User

NEWEST_FIRST = (Ticket.received_at.desc(), Ticket.id.desc())


def can_see(user: User, ticket: Ticket) -> bool:
    """True when the ticket belongs to a team the user may read."""
    return in_teams(ticket, user.visible_team_ids())


def in_teams(ticket: Ticket | Incident, teams: list[int] | None) -> bool:
    """True when the ticket (or incident) belongs to one of `teams` (a user's
    visible_team_ids; None: all)."""
    return teams is None or ticket.team_id in teams


def visible_tickets(user: User) -> Select:
    """A query of every ticket the user may read."""
    query = select(Ticket)
    teams = user.visible_team_ids()
    if teams is not None:
        query = query.where(Ticket.team_id.in_(teams))
    return query


def newest_page(user: User, filters: list[ColumnElement], limit: int, offset: int) -> Select:
    """One page of the tickets the user may read matching `filters`, newest first.

    For several teams, each team's newest `offset + limit` come from its own
    (team_id, received_at, id) index and only those are merged. Ordering the whole
    `team_id IN (...)` set instead lets PostgreSQL walk the global received_at index
    backwards, filtering as it goes: seconds at a million tickets when those teams have
    few or no recent tickets."""
    teams = user.visible_team_ids()
    if teams is None or len(teams) <= 1:
        query = visible_tickets(user).where(*filters)
        return query.order_by(*NEWEST_FIRST).limit(limit).offset(offset)
    per_team = [
        select(Ticket.id, Ticket.received_at)
        .where(Ticket.team_id == team, *filters)
        .order_by(*NEWEST_FIRST)
        .limit(offset + limit)
        .subquery()
        for team in teams
    ]
    merged = union_all(*(select(sub.c.id, sub.c.received_at) for sub in per_team)).subquery()
    page = (
        select(merged.c.id)
        .order_by(merged.c.received_at.desc(), merged.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return select(Ticket).where(Ticket.id.in_(page)).order_by(*NEWEST_FIRST)
