"""The reminder plan of DOMAIN.md §5 and §7: which reminders a ticket needs now, when, to whom.

Office-hours work (a working-day type at the business desk) counts working time: its 80 %
warning is 80 % of the office time to the deadline, its 15-minute delays are office minutes,
and nothing about it is sent outside office hours (it waits for the next opening). Operations
work, media complaints and reconnections keep wall-clock reminders, around the clock.
"""

from datetime import UTC, datetime, timedelta

from fieldapp.rules.calendar import MORNING, WorkCalendar
from fieldapp.rules.catalog import get_type
from fieldapp.rules.clocks import awaiting_report, effective_deadline, is_open
from fieldapp.rules.deadlines import ACCEPT_WITHIN
from fieldapp.rules.state import BUSINESS, Op, PlannedReminder, TicketState
from fieldapp.rules.text import N_

WARN_SHARE = 0.8  # default: warn when 80 % of the window has passed
WARN_BEFORE = timedelta(minutes=15)
ESCALATE_AFTER = timedelta(minutes=15)  # not accepted within 15 min (procedure)
OVERDUE_UPDATE_WITHIN = timedelta(minutes=15)
HANDOVER_ACK_WITHIN = timedelta(minutes=15)  # the duty desk is reminded, then its leader
THIRD_CONTACT = 3  # from the third contact about the same need, the company hears too

# Reminder kinds that escalate: when one fires, an "escalated" event is recorded on the ticket
# (an op of the system through the one write path), with this note for the timeline and CRM.
ESCALATIONS = {
    "accept_escalation": N_(
        "Phiếu chưa được tiếp nhận sau 15 phút: đã báo đội trưởng và tổng đài."
    ),
    "overdue_update_missing": N_(
        "Phiếu quá hạn 15 phút mà chưa báo cáo tình trạng: đã báo đội "
        "trưởng và Phòng Kinh doanh công ty điện lực."
    ),
    "chase_update_missing": N_(
        "Tổng đài đôn đốc 15 phút mà chưa báo cáo tình trạng: đã báo "
        "đội trưởng và Phòng Kinh doanh công ty điện lực."
    ),
}


def escalation_data(kind: str, audience: tuple[str, ...]) -> dict:
    """The data of the "escalate" op a fired reminder of this kind makes."""
    return {"reminder": kind, "notified": list(audience), "note": ESCALATIONS[kind]}


def system_op(kind: str, due_at: datetime, audience: tuple[str, ...]) -> Op | None:
    """The op of the system that a fired reminder of this kind makes, if any: an escalation
    is recorded; the closing-time handover moves the ticket to the duty desk."""
    if kind in ESCALATIONS:
        return Op("escalate", due_at, escalation_data(kind, audience))
    if kind == "handover":
        return Op("handover", due_at, {})
    return None


def keeps_office_hours(state: TicketState) -> bool:
    """Whether the ticket is office-hours work: its reminders count working time."""
    return state.desk == BUSINESS and get_type(state.type).office_hours


class _Clock:
    """Adding and taking away time as the ticket counts it: office time, or wall-clock."""

    def __init__(self, state: TicketState, cal: WorkCalendar):
        self.office, self.cal = keeps_office_hours(state), cal

    def after(self, at: datetime, span: timedelta) -> datetime:
        return self.cal.after_office_time(at, span) if self.office else at + span

    def before(self, at: datetime, span: timedelta) -> datetime:
        return self.cal.before_office_time(at, span) if self.office else at - span

    def share(self, start: datetime, end: datetime, share: float) -> datetime:
        """The moment `share` of the time from start to end has passed."""
        if not self.office:
            return start + (end - start) * share
        return self.cal.after_office_time(start, self.cal.office_time_between(start, end) * share)

    def sendable(self, at: datetime) -> datetime:
        """When a reminder due at `at` may go out: office work waits for the next opening."""
        return self.cal.next_office_opening(at) if self.office else at


def _worker(state: TicketState) -> tuple[str, ...]:
    """Who is warned about the ticket's clocks: its assignee, else the desk."""
    return ("assignee",) if state.assignee_id is not None else ("desk",)


def _intake(state: TicketState, clock: _Clock) -> list[PlannedReminder]:
    """Arrival, the 3-minute accept deadline and the 15-minute escalation."""
    if state.accepted_at is not None:
        return []
    # The 15 minutes run from when the desk could accept: for the business desk outside
    # office hours that is its next opening, not the middle of the night.
    could_accept = max(state.received_at, state.accept_by - ACCEPT_WITHIN)
    return [
        PlannedReminder("new_ticket", state.received_at, ("desk",)),
        PlannedReminder("accept_due", state.accept_by, ("desk", "leader")),
        PlannedReminder(
            "accept_escalation", clock.after(could_accept, ESCALATE_AFTER), ("leader", "crm")
        ),
    ]


def _alerts(state: TicketState) -> list[PlannedReminder]:
    """What the leader is told at once (DOMAIN §7): a repeat request (from the third contact
    the company too), a media complaint, a complaint of a difficult or upset customer."""
    items = []
    if "repeat" in state.flags:
        company = ("company",) if state.contact_count >= THIRD_CONTACT else ()
        items.append(PlannedReminder("repeat_alert", state.received_at, ("leader", *company)))
    if "media" in state.flags:
        items.append(PlannedReminder("media_alert", state.received_at, ("leader",)))
    if get_type(state.type).complaint and state.flags & {"difficult", "upset"}:
        items.append(PlannedReminder("upset_alert", state.received_at, ("leader",)))
    if "cluster" in state.flags:  # several outage calls from one station: declare an incident
        items.append(PlannedReminder("cluster_alert", state.received_at, ("leader",)))
    return items


def _warnings(
    kind: str,
    start: datetime,
    deadline: datetime,
    working_days: bool,
    state: TicketState,
    clock: _Clock,
) -> list[PlannedReminder]:
    """Warnings before a deadline: at 80 % of the window, 15 min before, 07:30 on its day."""
    audience = _worker(state)
    items = [
        PlannedReminder(f"{kind}_warn_80", clock.share(start, deadline, WARN_SHARE), audience),
        PlannedReminder(f"{kind}_warn_15", clock.before(deadline, WARN_BEFORE), audience),
    ]
    if working_days:
        morning = clock.cal.at_local(clock.cal.local(deadline).date(), MORNING[0])
        if morning < deadline:
            items.append(PlannedReminder(f"{kind}_warn_day", morning, audience))
    return items


def _contact(state: TicketState, clock: _Clock) -> list[PlannedReminder]:
    """Warnings before contact_by, while the customer has not been contacted."""
    if state.contact_by is None or state.contacted_at is not None:
        return []
    kind = get_type(state.type)
    # OUTAGE's 30 minutes run from acceptance; COMPLAINT's working day from receipt.
    start = state.received_at
    if kind.contact_after_accept_minutes is not None and state.accepted_at is not None:
        start = state.accepted_at
    working_days = kind.contact_working_days is not None
    return _warnings("contact", start, state.contact_by, working_days, state, clock)


def _resolve(state: TicketState, clock: _Clock) -> list[PlannedReminder]:
    """Warnings before the deadline in force, overdue, and the missing overdue update."""
    deadline = effective_deadline(state)
    working_days = get_type(state.type).resolve_working_days is not None
    items = _warnings("resolve", state.received_at, deadline, working_days, state, clock)
    leader = (_worker(state)[0], "leader")
    items.append(PlannedReminder("overdue", deadline, leader))
    updated = state.overdue_updated_at is not None and state.overdue_updated_at >= deadline
    if not updated:
        items.append(
            PlannedReminder(
                "overdue_update_missing",
                clock.after(deadline, OVERDUE_UPDATE_WITHIN),
                ("leader", "company"),
            )
        )
    return items


def _chase(state: TicketState, clock: _Clock) -> list[PlannedReminder]:
    """A chase from the call center: the holder and the leader at once, and the same
    15-minute overdue-update clock as an overdue ticket (DOMAIN §7)."""
    if not awaiting_report(state) or state.chased_at is None:
        return []
    return [
        PlannedReminder("chase", state.chased_at, (_worker(state)[0], "leader")),
        PlannedReminder(
            "chase_update_missing",
            clock.after(state.chased_at, OVERDUE_UPDATE_WITHIN),
            ("leader", "company"),
        ),
    ]


def _handover(state: TicketState, cal: WorkCalendar) -> list[PlannedReminder]:
    """A reconnection at the business desk: its holder is reminded at 16:40, and at 16:55 it
    goes to the duty desk, which is pushed at once and again until it acknowledges."""
    if state.handover_pending:
        since = state.desk_since or state.received_at
        return [
            PlannedReminder("handover_ack", since, ("desk",)),
            PlannedReminder(
                "handover_unacknowledged", since + HANDOVER_ACK_WITHIN, ("desk", "leader")
            ),
        ]
    if state.desk != BUSINESS or not get_type(state.type).handover_at_closing:
        return []
    closing = cal.closing_after(state.desk_since or state.received_at)
    return [
        PlannedReminder("handover_warn", closing - WARN_BEFORE, _worker(state)),
        PlannedReminder("handover", closing, _worker(state)),
    ]


def plan(state: TicketState, now: datetime, cal: WorkCalendar) -> list[PlannedReminder]:
    """The reminders the ticket needs, sorted by due time; none once it is closed."""
    if not is_open(state):
        return []
    clock = _Clock(state, cal)
    planned = (
        _intake(state, clock)
        + _alerts(state)
        + _contact(state, clock)
        + _resolve(state, clock)
        + _chase(state, clock)
        + _handover(state, cal)
    )
    unique: dict[tuple[str, datetime], PlannedReminder] = {}
    for item in planned:
        due = clock.sendable(item.due_at).astimezone(UTC)
        # A warning about a moment already past helps nobody; the rest is due now.
        if "_warn" in item.kind and due <= now:
            continue
        unique.setdefault((item.kind, due), PlannedReminder(item.kind, due, item.audience))
    return sorted(unique.values(), key=lambda item: (item.due_at, item.kind))
