"""Shared builders for the rules tests: local times, tickets, actors, applying ops."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

from fieldapp.rules import deadlines, lifecycle
from fieldapp.rules.calendar import WorkCalendar
from fieldapp.rules.state import Actor, Applied, Op, Refusal, TicketState

ICT = timezone(timedelta(hours=7))  # Asia/Ho_Chi_Minh has no DST: a fixed offset is exact
CAL = WorkCalendar()

CREW = Actor(user_id=11, role="crew", desk="operations")
OTHER_CREW = Actor(user_id=12, role="crew", desk="operations")
CLERK = Actor(user_id=21, role="desk", desk="business")
LEAD = Actor(user_id=31, role="team_lead", desk=None)
COMPANY = Actor(user_id=41, role="company")
ADMIN = Actor(user_id=51, role="admin")
CRM = Actor(user_id=None, role="crm")
SYSTEM = Actor(user_id=None, role="system")

LATE = {"code": "storm", "note": "Bão số 9"}
# The customer was told of a delay by phone (extend, overdue update: DOMAIN §7).
INFORMED = {"at": datetime(2027, 3, 3, 4, 0, tzinfo=UTC), "how": "phone"}

# The facts each type needs to be completed, written out from DOMAIN §4.
FACTS = {
    "OUTAGE": ("restored_at", "cause"),
    "SAFETY": ("restored_at", "cause"),
    "RECONNECT": ("reconnected_at",),
    "NEW_SUPPLY_LV": ("meter_serial", "energised_on"),
    "NEW_SUPPLY_LV_WORKS": ("meter_serial", "energised_on"),
    "NEW_SUPPLY_MV": ("meter_serial", "energised_on"),
    "CONTRACT_CAPACITY": ("cmis_updated",),
    "CONTRACT_OWNER": ("cmis_updated",),
    "CONTRACT_PURPOSE": ("cmis_updated",),
    "CONTRACT_RENEWAL": ("cmis_updated",),
    "CONTRACT_TERMINATION": ("cmis_updated",),
    "CONTRACT_OTHER": ("cmis_updated",),
    "METER_RELOCATION": ("cmis_updated",),
    "METER_CHECK": ("inspection_result",),
    "METER_CALIBRATION": ("inspection_result", "certificate_no"),
    "POWER_QUALITY": (),
    "COMPLAINT": ("complaint_subject",),
    "MEDIA_COMPLAINT": ("reply_ref", "complaint_subject"),
    "OTHER": (),
}


def vn(year, month, day, hour=0, minute=0, second=0) -> datetime:
    """A wall-clock time in Vietnam."""
    return datetime(year, month, day, hour, minute, second, tzinfo=ICT)


def utc(at: datetime) -> datetime:
    return at.astimezone(UTC)


def ticket(type_code: str = "NEW_SUPPLY_LV", received: datetime | None = None, **changes):
    """A just-received ticket with the deadlines the rules give it, then `changes`."""
    received = received or vn(2027, 3, 3, 10)  # a Wednesday in office hours, no holiday near
    due = deadlines.compute(type_code, received, CAL)
    state = TicketState(
        type=type_code,
        status="received",
        desk=due.desk,
        received_at=utc(received),
        accept_by=due.accept_by,
        resolve_by=due.resolve_by,
        contact_by=due.contact_by,
    )
    return replace(state, **changes)


def actor_for(state: TicketState) -> Actor:
    """A worker of the ticket's desk."""
    return CREW if state.desk == "operations" else CLERK


def decide(state, action, at, data=None, actor=None):
    return lifecycle.decide(state, Op(action, at, data or {}), actor or actor_for(state))


def apply(state, action, at, data=None, actor=None) -> TicketState:
    """Apply an op that must succeed; the new state."""
    outcome = decide(state, action, at, data, actor)
    assert isinstance(outcome, Applied), outcome
    assert len(outcome.events) == 1
    return outcome.state


def refuse(state, action, at, data=None, actor=None) -> Refusal:
    """Run an op that must be refused; the refusal."""
    outcome = decide(state, action, at, data, actor)
    assert isinstance(outcome, Refusal), outcome
    assert outcome.message and outcome.message.endswith(".")
    return outcome


def event(state, action, at, data=None, actor=None):
    """The one event of an op that must succeed."""
    outcome = decide(state, action, at, data, actor)
    assert isinstance(outcome, Applied), outcome
    return outcome.events[0]
