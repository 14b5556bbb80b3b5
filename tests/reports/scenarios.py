"""Tickets with known outcomes, made through the real write path (intake, then apply(op)).

A Scenario says what should happen to one ticket; `build` creates every ticket first (so
repeat requests see their earlier ticket still unfinished) and then works each one with ops
timed in the past. The tests compute the numbers they expect from these scenarios alone.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from fieldapp.api.schemas import IntakeSchema
from fieldapp.extensions import db
from fieldapp.models import Ticket, User
from fieldapp.services.intake import receive
from fieldapp.services.tickets import OpRequest, apply
from sync.batch import parse_op
from tests.api.helpers import arrived

# What the tests hold for true, written here apart from the app's code.
OBJECTIVE = {
    "storm",
    "grid_incident",
    "customer_absent",
    "customer_requested_later",
    "waiting_materials",
    "site_inaccessible",
    "waiting_other_unit",
}
# B.01 (DOMAIN §7): OTHER is "other services", POWER_QUALITY a complaint about supply quality.
GROUP_OF = {
    "OUTAGE": "other_services",
    "SAFETY": "other_services",
    "RECONNECT": "during_use",
    "NEW_SUPPLY_LV": "new_supply",
    "NEW_SUPPLY_MV": "new_supply",
    "COMPLAINT": "complaints",
    "MEDIA_COMPLAINT": "complaints",
    "POWER_QUALITY": "complaints",
    "OTHER": "other_services",
}
COMPLAINTS = {"COMPLAINT", "MEDIA_COMPLAINT", "POWER_QUALITY"}
FACTS = {
    "OUTAGE": {"restored_at": "AT", "cause": "Đứt dây"},
    "SAFETY": {"restored_at": "AT", "cause": "Cây đổ"},
    "RECONNECT": {"reconnected_at": "AT"},
    "NEW_SUPPLY_LV": {"meter_serial": "SN-1", "energised_on": "DAY"},
    "NEW_SUPPLY_MV": {"meter_serial": "SN-2", "energised_on": "DAY"},
    "COMPLAINT": {"complaint_subject": "SUBJECT"},
    "MEDIA_COMPLAINT": {"reply_ref": "215/ĐLĐN-KD", "complaint_subject": "SUBJECT"},
}
# returned_late: worked, then returned by the leader once its deadline had passed.
OUTCOMES = ("on_time", "late", "returned", "returned_late", "open", "completed_later")


@dataclass
class Scenario:
    """One ticket and what happens to it."""

    name: str
    team: str
    type: str
    channel: str
    received_at: datetime
    outcome: str = "on_time"  # one of OUTCOMES
    accept: bool = True  # open tickets: accepted, or left waiting
    accept_late: bool = False
    late_code: str | None = None  # the late reason of a late completion
    difficult: bool = False
    upset: bool = False  # the content shows the customer upset
    subject: str = "other"  # a complaint's subject, chosen at completion
    contact_count: int = 1
    repeat_of: str | None = None  # name of the earlier scenario
    expect_after_deadline: bool = False
    ticket_id: int | None = None
    resolve_by: datetime | None = None
    completed_at: datetime | None = None
    returned_at: datetime | None = None

    @property
    def crm_id(self) -> str:
        return f"RPT-{self.name}"

    @property
    def repeat(self) -> bool:
        return self.contact_count >= 2 or self.repeat_of is not None

    @property
    def late(self) -> bool:
        return self.outcome in ("late", "completed_later")

    def returned_overdue(self) -> bool:
        """Returned after its deadline had passed: still counted as overdue."""
        return self.returned_at is not None and self.returned_at > self.resolve_by

    def completed_before(self, at: datetime) -> bool:
        return self.completed_at is not None and self.completed_at < at

    def open_at(self, at: datetime) -> bool:
        """Neither completed nor returned at `at` (received before it)."""
        closed = self.completed_at or self.returned_at
        return self.received_at < at and (closed is None or closed >= at)


def build(scenarios: list[Scenario], actors: dict[str, User], now: datetime) -> None:
    """Create every ticket, then work each one as its scenario says."""
    names = {s.name: s for s in scenarios}
    for s in scenarios:
        ticket, created = receive(IntakeSchema().load(_intake(s, names)))
        assert created, s.name
        s.ticket_id, s.resolve_by = ticket.id, ticket.resolve_by
        arrived(ticket.id, s.received_at)  # pushed when received: ops may claim times since
    for s in scenarios:
        _work(s, actors[s.team], now)


def _intake(s: Scenario, names: dict[str, Scenario]) -> dict:
    body = {
        "crm_id": s.crm_id,
        "type": s.type,
        "received_at": s.received_at.isoformat(),
        "team": s.team,
        "channel": s.channel,
        "content": f"Kịch bản {s.name}" + (": khách hàng rất bức xúc" if s.upset else ""),
        "customer": {
            "code": f"PC-{s.name}"[:32],
            "name": "Khách hàng " + s.name,
            "phone": "0905000000",
            "birth_year": 1985,
            "sex": "M",
            "difficult": s.difficult,
        },
        "contact_count": s.contact_count,
    }
    if s.repeat_of:
        body["repeat_of"] = names[s.repeat_of].crm_id
    return body


def _op(s: Scenario, user: User, action: str, at: datetime, data: dict, now: datetime):
    raw = {
        "op_id": uuid.uuid4().hex,
        "ticket_id": s.ticket_id,
        "action": action,
        "at": at.isoformat(),
        "data": data,
    }
    result = apply(OpRequest(**parse_op(raw)), user, now=now)
    assert result.status == "applied", (s.name, action, result.error)
    return result.ticket


def _work(s: Scenario, user: User, now: datetime) -> None:
    """Accept (on time or late), contact, then complete, return or leave open."""
    ticket = db.session.get(Ticket, s.ticket_id)
    received, accept_by, resolve_by = ticket.received_at, ticket.accept_by, ticket.resolve_by
    if s.outcome == "returned":
        s.returned_at = received + timedelta(minutes=2)
        _op(s, user, "return", s.returned_at, {"reason": "wrong_info", "note": "Sai địa chỉ"}, now)
        return
    if s.outcome == "open" and not s.accept:
        return
    if s.outcome == "returned_late":
        _op(s, user, "accept", received + timedelta(minutes=1), {}, now)
        _op(s, user, "contact", received + timedelta(minutes=2), {"outcome": "reached"}, now)
        s.returned_at = resolve_by + timedelta(minutes=30)
        _op(
            s,
            user,
            "return",
            s.returned_at,
            {"reason": "not_our_area", "note": "Khác địa bàn"},
            now,
        )
        return
    if s.accept_late:
        accepted = accept_by + timedelta(minutes=5)
        _op(s, user, "accept", accepted, {"late_reason": {"code": "workload", "note": "Đông"}}, now)
    else:
        accepted = received + timedelta(minutes=1)
        _op(s, user, "accept", accepted, {}, now)
    _op(
        s,
        user,
        "contact",
        accepted + timedelta(minutes=1),
        {"outcome": "confirmed_done", "note": "Đã gọi"},
        now,
    )
    if s.outcome == "on_time":
        _complete(s, user, accepted + timedelta(minutes=2), None, now)
    elif s.outcome == "late":
        _complete(s, user, resolve_by + timedelta(hours=1), s.late_code, now)
    elif s.outcome == "completed_later":
        _complete(s, user, now - timedelta(seconds=1), s.late_code, now)


def _complete(s: Scenario, user: User, at: datetime, late_code: str | None, now: datetime) -> None:
    data = {"result": "Đã xử lý xong"}
    for key, value in FACTS.get(s.type, {}).items():
        data[key] = {"AT": at.isoformat(), "DAY": at.date().isoformat(), "SUBJECT": s.subject}.get(
            value, value
        )
    if late_code:
        data["late_reason"] = {"code": late_code, "note": "Trễ"}
    ticket = _op(s, user, "complete", at, data, now)
    s.completed_at = ticket.completed_at
