"""The one write path without HTTP: a batch is one transaction, judged in memory, written at
once, with a bounded number of statements per op."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from fieldapp.api.schemas import IntakeSchema
from fieldapp.extensions import db
from fieldapp.models import AppliedOp, CrmCallback, Event, Reminder, Ticket
from fieldapp.services.intake import receive
from fieldapp.services.tickets import OpRequest, apply, apply_batch
from tests.api.helpers import intake_body


@pytest.fixture
def tickets(org):
    """n new OUTAGE tickets of the crew's team."""

    def _make(n: int) -> list[Ticket]:
        made = [receive(IntakeSchema().load(intake_body()))[0] for _ in range(n)]
        return [t.id for t in made]

    return _make


def ops(ticket_ids, action="accept", data=None) -> list[OpRequest]:
    now = datetime.now(UTC)
    return [OpRequest(uuid.uuid4().hex, tid, action, now, data or {}) for tid in ticket_ids]


class Statements:
    """Counts the statements sent to the database (an executemany counts once)."""

    def __init__(self):
        self.count = 0

    def __call__(self, *args, **kwargs):
        self.count += 1

    def __enter__(self):
        event.listen(db.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *exc):
        event.remove(db.engine, "before_cursor_execute", self)


def test_a_batch_is_judged_in_order_against_the_state_it_builds(tickets, org):
    [tid] = tickets(1)
    outcome = apply_batch(
        ops([tid], "update", {"note": "trước khi nhận"})
        + ops([tid])
        + ops([tid], "update", {"note": "đã nhận"}),
        org["users"]["crew"],
    )
    assert [r.status for r in outcome.results] == ["rejected", "applied", "applied"]
    assert [t.id for t in outcome.tickets] == [tid]  # each touched ticket once
    assert outcome.tickets[0].version == 3  # received + accepted + updated
    actions = db.session.scalars(
        select(Event.action).where(Event.ticket_id == tid).order_by(Event.id)
    ).all()
    assert actions == ["received", "accepted", "updated"]


def test_fifty_ops_cost_at_most_four_statements_each(tickets, org):
    ids = tickets(50)
    crew = org["users"]["crew"]
    db.session.commit()
    with Statements() as counted:
        outcome = apply_batch(ops(ids), crew, device_id="phone-1")
    assert all(r.status == "applied" for r in outcome.results)
    assert counted.count <= 4 * 50, counted.count
    assert counted.count <= 26, counted.count  # a handful per batch, not per op
    assert db.session.scalar(select(func.count()).select_from(AppliedOp)) == 50
    assert db.session.scalar(select(func.count(CrmCallback.id))) == 50


def test_reminders_follow_each_tickets_final_state(tickets, org):
    [tid] = tickets(1)
    apply_batch(ops([tid]), org["users"]["crew"])
    kinds = set(
        db.session.scalars(
            select(Reminder.kind).where(Reminder.ticket_id == tid, Reminder.sent_at.is_(None))
        )
    )
    assert "accept_due" not in kinds and "contact_warn_80" in kinds


def test_a_refused_op_writes_nothing(tickets, org):
    [tid] = tickets(1)
    before = db.session.scalar(select(func.count(Event.id)))
    result = apply(ops([tid], "complete", {"result": "x"})[0], org["users"]["crew"])
    assert result.status == "rejected" and result.error.code == "completion_blocked"
    assert db.session.scalar(select(func.count(Event.id))) == before
    assert db.session.get(Ticket, tid).version == 1


def test_a_database_error_rolls_the_whole_batch_back(tickets, org, monkeypatch):
    ids = tickets(3)
    from fieldapp.services import changes

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(changes, "replan", broken)
    with pytest.raises(RuntimeError):
        apply_batch(ops(ids), org["users"]["crew"])
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AppliedOp)) == 0
    assert set(db.session.scalars(select(Ticket.status))) == {"received"}


def test_an_op_applied_in_an_earlier_batch_is_a_duplicate(tickets, org):
    [tid] = tickets(1)
    accept = ops([tid])[0]
    crew = org["users"]["crew"]
    assert apply(accept, crew).status == "applied"
    again = apply(OpRequest(accept.op_id, tid, "accept", accept.at + timedelta(minutes=5)), crew)
    assert again.status == "duplicate" and again.ticket.id == tid
