"""Who a reminder is for (DOMAIN §5), and the devices those people subscribed."""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import or_, select

from fieldapp.extensions import db
from fieldapp.models import Incident, PushSubscription, Team, Ticket, User

DESK_ROLES = ("crew", "desk")


@dataclass(frozen=True)
class Person:
    """The fields of a user that decide which audiences they belong to."""

    id: int
    role: str
    desk: str | None
    team_id: int | None
    company_id: int | None


# What a reminder is for: a ticket, or a wide-area incident (which reads as the operations
# desk's, with no assignee: models.Incident).
Target = Ticket | Incident


def members(
    audience: str, ticket: Target, company_id: int | None, people: list[Person]
) -> set[int]:
    """Ids of the active people in one audience of a ticket."""
    if audience == "assignee":
        return {p.id for p in people if p.id == ticket.assignee_id}
    if audience == "desk":
        return {
            p.id
            for p in people
            if p.team_id == ticket.team_id and p.role in DESK_ROLES and p.desk == ticket.desk
        }
    if audience == "leader":
        return {p.id for p in people if p.team_id == ticket.team_id and p.role == "team_lead"}
    if audience == "company":
        return {p.id for p in people if p.role == "company" and p.company_id == company_id}
    return set()  # "crm" is not a person: it goes through the CRM outbox


class Devices:
    """The people and subscriptions behind a batch of tickets, loaded in three queries."""

    def __init__(self, tickets: list[Target]):
        team_ids = {t.team_id for t in tickets}
        self.company_of = dict(
            db.session.execute(select(Team.id, Team.company_id).where(Team.id.in_(team_ids))).all()
        )
        companies = set(self.company_of.values())
        rows = db.session.execute(
            select(
                User.id,
                User.role,
                User.desk,
                User.team_id,
                User.company_id,
            ).where(
                User.active.is_(True),
                or_(
                    User.team_id.in_(team_ids),
                    (User.role == "company") & User.company_id.in_(companies),
                ),
            )
        ).all()
        self.people = [Person(*row) for row in rows]
        self.subscriptions: dict[int, list[int]] = defaultdict(list)
        subs = db.session.execute(
            select(PushSubscription.id, PushSubscription.user_id).where(
                PushSubscription.user_id.in_([p.id for p in self.people])
            )
        )
        for sub_id, user_id in subs:
            self.subscriptions[user_id].append(sub_id)

    def users(self, audience: str, ticket: Target) -> set[int]:
        """Everyone in a comma-separated audience of the ticket."""
        found: set[int] = set()
        for name in audience.split(","):
            found |= members(name.strip(), ticket, self.company_of.get(ticket.team_id), self.people)
        return found

    def targets(self, audience: str, ticket: Target) -> list[tuple[int, int]]:
        """(user_id, subscription_id) for every device of everyone in the audience."""
        return [
            (user_id, sub_id)
            for user_id in sorted(self.users(audience, ticket))
            for sub_id in self.subscriptions.get(user_id, ())
        ]
