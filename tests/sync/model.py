"""The chaos test's plan and its model of the outcome, written from DOMAIN and CONTRACT alone.

Every phone owns two tickets and is the only one to change their state (accept, contact,
notes, and on one of them complete). Some tickets are worked by several phones at once:
shared ones, already accepted by a crew, that receive notes from every phone that crew
carries (notes commute; only a ticket's holder may act on it), and contested ones of a team,
still waiting, that several phones try to accept (exactly one may win). So whatever
the order the server sees, the model knows the end: every op applied once, except the
accepts that lost a contest, which are rejected.
"""

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

# The event each action leaves in the ticket's history (DOMAIN §4).
EVENT_OF = {
    "accept": "accepted",
    "contact": "contacted",
    "update": "updated",
    "complete": "completed",
}
# What the ticket's status is at the end, by the part it plays in the test.
FINAL_STATUS = {
    "done": "completed",
    "open": "in_progress",
    "shared": "in_progress",
    "contested": "accepted",
}


@dataclass(frozen=True)
class PhoneSpec:
    """One device: the user signed in on it and that user's team."""

    index: int
    username: str
    team: str

    @property
    def device_id(self) -> str:
        return f"phone-{self.index:02d}"


@dataclass(frozen=True)
class TicketSpec:
    """A ticket and its part: done / open (owned by one phone), shared or contested."""

    id: int
    team: str
    kind: str
    owner: int | None = None  # the owning phone's index
    holder: str | None = None  # a shared ticket's crew (username)


@dataclass(frozen=True)
class PlannedOp:
    """An op as a phone makes it; `done_at` is the true moment (the phone's clock may differ)."""

    op_id: str
    phone: int
    ticket_id: int
    action: str
    data: dict
    done_at: datetime
    held: bool = False  # complete waits until the ticket's earlier ops are answered
    contested: bool = False

    def body(self, skew: timedelta) -> dict:
        """The op as the phone sends it, stamped with the phone's clock."""
        return {
            "op_id": self.op_id,
            "ticket_id": self.ticket_id,
            "action": self.action,
            "at": (self.done_at + skew).isoformat(),
            "data": self.data,
        }


@dataclass
class Plan:
    phones: list[PhoneSpec]
    tickets: dict[int, TicketSpec]
    ops: dict[str, PlannedOp] = field(default_factory=dict)

    def of_phone(self, index: int) -> list[PlannedOp]:
        return [o for o in self.ops.values() if o.phone == index]

    def of_ticket(self, ticket_id: int) -> list[PlannedOp]:
        return [o for o in self.ops.values() if o.ticket_id == ticket_id]


def _op_id(rng: random.Random) -> str:
    return uuid.UUID(int=rng.getrandbits(128), version=4).hex


def make_plan(
    rng: random.Random,
    phones: list[PhoneSpec],
    tickets: list[TicketSpec],
    ops_per_phone: int,
    start: datetime,
) -> Plan:
    """Each phone's ops, in the order the crew did them, with true times from `start`."""
    plan = Plan(phones, {t.id: t for t in tickets})
    contest = {}
    for ticket in (t for t in tickets if t.kind == "contested"):
        team = [p.index for p in phones if p.team == ticket.team]
        contest[ticket.id] = set(rng.sample(team, rng.randint(2, len(team))))
    for phone in phones:
        mine = [t for t in tickets if t.owner == phone.index]
        team = [t for t in tickets if t.team == phone.team and t.owner is None]
        made: list[tuple] = []
        for ticket in mine:
            made.append((ticket.id, "accept", {}))
            outcome = "reached" if ticket.kind == "done" else "no_answer"
            made.append((ticket.id, "contact", {"outcome": outcome, "note": "Đã gọi khách"}))
            made += [(ticket.id, "update", None) for _ in range(3 if ticket.kind == "done" else 2)]
        contests = [t for t in team if phone.index in contest.get(t.id, ())]
        made += [(t.id, "accept", {}) for t in contests]
        shared = [t for t in tickets if t.kind == "shared" and t.holder == phone.username]
        done = [t for t in mine if t.kind == "done"]
        made += [
            (rng.choice(shared).id, "update", None)
            for _ in range(max(0, ops_per_phone - len(made) - len(done)))
        ]
        rng.shuffle(made)
        # A crew's own ticket is accepted before its notes; the rest interleave freely.
        made.sort(key=lambda m: m[0] in {t.id for t in mine} and m[1] != "accept")
        made += [(t.id, "complete", _completion(start)) for t in done]
        for n, (ticket_id, action, data) in enumerate(made):
            note = {"note": f"{phone.device_id} ghi chú {n}"} if data is None else data
            planned = PlannedOp(
                _op_id(rng),
                phone.index,
                ticket_id,
                action,
                note,
                done_at=start + timedelta(milliseconds=n),
                held=action == "complete",
                contested=plan.tickets[ticket_id].kind == "contested",
            )
            plan.ops[planned.op_id] = planned
    return plan


def _completion(start: datetime) -> dict:
    """The facts an outage needs to be completed (DOMAIN §3: restored time and cause)."""
    return {
        "result": "Đã khôi phục cấp điện",
        "restored_at": start.isoformat(),
        "cause": "Đứt dây sau công tơ",
    }


def contestants(plan: Plan, ticket_id: int) -> list[PlannedOp]:
    """The accepts sent for a contested ticket."""
    return [o for o in plan.of_ticket(ticket_id) if o.action == "accept"]


def expected_applied(plan: Plan, winners: dict[int, str]) -> set[str]:
    """Every op that must be applied exactly once, given each contest's winning op."""
    return {o.op_id for o in plan.ops.values() if not o.contested} | set(winners.values())
