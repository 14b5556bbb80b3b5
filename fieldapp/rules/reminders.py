"""The reminder plan of DOMAIN.md §5: which reminders a ticket needs now, when, and to whom."""

from datetime import UTC, datetime, timedelta

from fieldapp.rules.calendar import MORNING, WorkCalendar
from fieldapp.rules.catalog import get_type
from fieldapp.rules.clocks import effective_deadline, is_open
from fieldapp.rules.deadlines import ACCEPT_WITHIN
from fieldapp.rules.state import PlannedReminder, TicketState
from fieldapp.rules.text import N_

WARN_SHARE = 0.8  # default: warn when 80 % of the window has passed
WARN_BEFORE = timedelta(minutes=15)
ESCALATE_AFTER = timedelta(minutes=15)  # not accepted within 15 min (procedure)
OVERDUE_UPDATE_WITHIN = timedelta(minutes=15)

# Reminder kinds that escalate: when one fires, an "escalated" event is recorded on the ticket
# (an op of the system through the one write path), with this note for the timeline and CRM.
ESCALATIONS = {
    "accept_escalation": N_("Phiếu chưa được tiếp nhận sau 15 phút: đã báo đội trưởng và "
                            "tổng đài."),
    "overdue_update_missing": N_("Phiếu quá hạn 15 phút mà chưa báo cáo tình trạng: đã báo đội "
                                 "trưởng và Phòng Kinh doanh công ty điện lực."),
}


def escalation_data(kind: str, audience: tuple[str, ...]) -> dict:
    """The data of the "escalate" op a fired reminder of this kind makes."""
    return {"reminder": kind, "notified": list(audience), "note": ESCALATIONS[kind]}


def _worker(state: TicketState) -> tuple[str, ...]:
    """Who is warned about the ticket's clocks: its assignee, else the desk."""
    return ("assignee",) if state.assignee_id is not None else ("desk",)


def _intake(state: TicketState) -> list[PlannedReminder]:
    """Arrival, the 3-minute accept deadline and the 15-minute escalation."""
    items = []
    if state.accepted_at is None:
        # The 15 minutes run from when the desk could accept: for the business desk outside
        # office hours that is its next opening, not the middle of the night.
        could_accept = max(state.received_at, state.accept_by - ACCEPT_WITHIN)
        items += [
            PlannedReminder("new_ticket", state.received_at, ("desk",)),
            PlannedReminder("accept_due", state.accept_by, ("desk", "leader")),
            PlannedReminder("accept_escalation", could_accept + ESCALATE_AFTER,
                            ("leader", "crm")),
        ]
    if "repeat" in state.flags:
        items.append(PlannedReminder("repeat_alert", state.received_at, ("leader",)))
    if "media" in state.flags:
        items.append(PlannedReminder("media_alert", state.received_at, ("leader",)))
    if "cluster" in state.flags:  # several outage calls from one station: declare an incident
        items.append(PlannedReminder("cluster_alert", state.received_at, ("leader",)))
    return items


def _warnings(
    clock: str, start: datetime, deadline: datetime, working_days: bool, state: TicketState,
    cal: WorkCalendar,
) -> list[PlannedReminder]:
    """Warnings before a deadline: at 80 % of the window, 15 min before, 07:30 on its day."""
    audience = _worker(state)
    items = [
        PlannedReminder(f"{clock}_warn_80", start + (deadline - start) * WARN_SHARE, audience),
        PlannedReminder(f"{clock}_warn_15", deadline - WARN_BEFORE, audience),
    ]
    if working_days:
        morning = cal.at_local(cal.local(deadline).date(), MORNING[0])
        if morning < deadline:
            items.append(PlannedReminder(f"{clock}_warn_day", morning, audience))
    return items


def _contact(state: TicketState, cal: WorkCalendar) -> list[PlannedReminder]:
    """Warnings before contact_by, while the customer has not been contacted."""
    if state.contact_by is None or state.contacted_at is not None:
        return []
    kind = get_type(state.type)
    # OUTAGE's 30 minutes run from acceptance; COMPLAINT's working day from receipt.
    start = state.received_at
    if kind.contact_after_accept_minutes is not None and state.accepted_at is not None:
        start = state.accepted_at
    working_days = kind.contact_working_days is not None
    return _warnings("contact", start, state.contact_by, working_days, state, cal)


def _resolve(state: TicketState, cal: WorkCalendar) -> list[PlannedReminder]:
    """Warnings before the deadline in force, overdue, and the missing overdue update."""
    deadline = effective_deadline(state)
    working_days = get_type(state.type).resolve_working_days is not None
    items = _warnings("resolve", state.received_at, deadline, working_days, state, cal)
    leader = (_worker(state)[0], "leader")
    items.append(PlannedReminder("overdue", deadline, leader))
    updated = state.overdue_updated_at is not None and state.overdue_updated_at >= deadline
    if not updated:
        items.append(PlannedReminder("overdue_update_missing", deadline + OVERDUE_UPDATE_WITHIN,
                                     ("leader", "company")))
    return items


def plan(state: TicketState, now: datetime, cal: WorkCalendar) -> list[PlannedReminder]:
    """The reminders the ticket needs, sorted by due time; none once it is closed."""
    if not is_open(state):
        return []
    planned = _intake(state) + _contact(state, cal) + _resolve(state, cal)
    unique: dict[tuple[str, datetime], PlannedReminder] = {}
    for item in planned:
        item = PlannedReminder(item.kind, item.due_at.astimezone(UTC), item.audience)
        # A warning about a moment already past helps nobody; the rest is due now.
        if "_warn_" in item.kind and item.due_at <= now:
            continue
        unique.setdefault((item.kind, item.due_at), item)
    return sorted(unique.values(), key=lambda item: (item.due_at, item.kind))
