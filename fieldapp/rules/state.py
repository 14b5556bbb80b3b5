"""The values the rules work on: plain, immutable, free of Flask and the database."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Generic, TypeVar

from fieldapp.rules.text import Text

OPERATIONS = "operations"
BUSINESS = "business"


@dataclass(frozen=True)
class Customer:
    """The customer as the CRM describes them."""

    code: str | None = None
    name: str = ""
    birth_date: date | None = None
    birth_year: int | None = None
    sex: str | None = None  # "M" | "F" | None
    important: bool = False
    difficult: bool = False


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in user, or the CRM / the system when user_id is None."""

    user_id: int | None
    role: str  # crew | desk | team_lead | company | admin | crm | system
    desk: str | None = None


@dataclass(frozen=True)
class TicketState:
    """Everything the lifecycle rules need to judge an op on a ticket. Times are aware UTC."""

    type: str
    status: str  # received | accepted | in_progress | completed | returned
    desk: str
    received_at: datetime
    accept_by: datetime
    resolve_by: datetime
    contact_by: datetime | None = None
    assignee_id: int | None = None
    accepted_at: datetime | None = None
    contacted_at: datetime | None = None
    completed_at: datetime | None = None
    returned_at: datetime | None = None
    late_accept: bool = False
    late_contact: bool = False
    late_resolve: bool = False
    late_reason: dict | None = None
    extensions: int = 0
    expected_at: datetime | None = None  # the crew's expected completion (extend / overdue update)
    delay_reason: dict | None = None  # {"code", "note"} given with expected_at
    overdue_updated_at: datetime | None = None
    # A special customer's confirmation stands: a confirmed_done contact after the last
    # update, extension or overdue update (DOMAIN §7).
    customer_confirmed: bool = False
    incident_id: int | None = None  # the wide-area incident the ticket is linked to
    contact_count: int = 1  # this is the customer's n-th contact about the same need
    desk_since: datetime | None = None  # when it came to its desk, if not at receipt
    handover_pending: bool = False  # handed to the duty desk at closing, not yet acknowledged
    chased_at: datetime | None = None  # the call center's last chase (đôn đốc)
    complaint_subject: str | None = None  # chosen when a complaint is completed
    origin: str = "crm"  # crm | counter (a walk-in, entered by the team itself)
    flags: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Op:
    """An action on a ticket, at the (skew-corrected) time it was done."""

    action: str
    at: datetime
    data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Event:
    """Something that happened, to be recorded append-only."""

    action: str
    at: datetime
    data: dict = field(default_factory=dict)


S = TypeVar("S")  # a TicketState, or an incident's state (rules.incidents)


@dataclass(frozen=True)
class Applied(Generic[S]):
    """The op is accepted: the ticket's (or the incident's) new state and the events to record."""

    state: S
    events: tuple[Event, ...]


@dataclass(frozen=True)
class Refusal:
    """The op is refused: a code, a sentence for the user, the fields at fault."""

    code: str  # late_reason_required | completion_blocked | not_allowed | extension_limit | invalid
    text: Text
    fields: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        """The sentence in Vietnamese (pages render `text` in the user's language)."""
        return self.text.render()


@dataclass(frozen=True)
class PlannedReminder:
    """A reminder or escalation the plan wants sent at due_at to an audience."""

    kind: str
    due_at: datetime
    audience: tuple[str, ...]  # of: desk, assignee, leader, company, crm
