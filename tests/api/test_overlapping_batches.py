"""Two phones syncing batches on the same tickets at once, in opposite orders (PostgreSQL).

A crew and the team's leader each send, round after round at the same moment, a batch of
notes on the same tickets: one lists them by ascending id, the other by descending id. Each
batch locks all its tickets in id order whatever the order of its ops, so the two queue and
never deadlock; every op is applied exactly once. On SQLite a write transaction locks the
whole database, so there is no row lock to order and nothing to test.
"""

import threading
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text

from fieldapp.extensions import db
from fieldapp.models import AppliedOp, Event, Ticket, User
from tests.api.helpers import batch, op

TICKETS, ROUNDS, NOTES_PER_TICKET = 6, 12, 2


@pytest.fixture(autouse=True)
def _postgres_only(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises every write transaction: no row locks to order")


def _signed_in(app, username):
    c = app.test_client()
    resp = c.post("/api/v1/session", json={"username": username, "password": "pw"})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return c, resp.get_json()["csrf_token"]


def _notes(ticket_ids, who, round_no):
    return [
        op(ticket_id, "update", {"note": f"{who} vòng {round_no} lần {n}"})
        for ticket_id in ticket_ids
        for n in range(NOTES_PER_TICKET)
    ]


def _at_once(phones, bodies):
    """Each phone posts its body in its own thread, all released together."""
    gate = threading.Barrier(len(phones))
    answers = [None] * len(phones)

    def run(i):
        c, token = phones[i]
        gate.wait()
        try:
            resp = c.post("/api/v1/sync", json=bodies[i], headers={"X-CSRFToken": token})
        except Exception as err:  # the test client raises what the app did not handle
            answers[i] = (None, repr(err))
            return
        answers[i] = (resp.status_code, resp.get_json())

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(phones))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a batch never came back"
    return answers


def _open_transactions() -> int:
    """Other connections to this database left inside a transaction: a batch's locks must
    end with its commit, not live on as savepoints of one long transaction."""
    return db.session.scalar(
        text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'"
        )
    )


def test_batches_in_opposite_orders_neither_deadlock_nor_lose_ops(app, new_ticket, sync):
    ids = sorted(new_ticket()["id"] for _ in range(TICKETS))
    accepted = sync("crew")(*[op(i, "accept") for i in ids])
    assert [r["status"] for r in accepted] == ["applied"] * TICKETS
    phones = [_signed_in(app, "crew"), _signed_in(app, "lead")]
    sent = []
    for round_no in range(ROUNDS):
        bodies = [
            batch(*_notes(ids, "crew", round_no), device="phone-crew"),
            batch(*_notes(ids[::-1], "lead", round_no), device="phone-lead"),
        ]
        sent += [o["op_id"] for body in bodies for o in body["ops"]]
        answers = _at_once(phones, bodies)
        for status, body in answers:
            assert status == 200, body
            assert {r["status"] for r in body["results"]} == {"applied"}, body["results"]
            assert sorted(t["id"] for t in body["tickets"]) == ids
        db.session.remove()
        assert _open_transactions() == 0

    db.session.remove()
    per_op = dict(
        db.session.execute(
            select(Event.op_id, func.count()).where(Event.op_id.in_(sent)).group_by(Event.op_id)
        ).all()
    )
    assert len(per_op) == len(sent), "an op was lost"
    assert set(per_op.values()) == {1}, "an op was recorded twice"
    assert db.session.scalar(
        select(func.count()).select_from(AppliedOp).where(AppliedOp.op_id.in_(sent))
    ) == len(sent)
    # received + accept + every note: each event counted once in the version.
    notes_each = 2 * ROUNDS * NOTES_PER_TICKET
    assert {t.version for t in db.session.scalars(select(Ticket).where(Ticket.id.in_(ids)))} == {
        2 + notes_each
    }


def test_a_resent_batch_racing_its_twin_in_the_other_order_applies_once(app, new_ticket, sync):
    """A phone that lost the answer resends while the first send is still running, its ops
    reordered: each op is applied by one of the two, answered as a duplicate by the other."""
    ids = sorted(new_ticket()["id"] for _ in range(TICKETS))
    sync("crew")(*[op(i, "accept") for i in ids])
    phones = [_signed_in(app, "crew"), _signed_in(app, "crew")]
    sent = []
    for round_no in range(ROUNDS):
        ops = _notes(ids, "crew", round_no)
        sent += [o["op_id"] for o in ops]
        answers = _at_once(phones, [batch(*ops), batch(*ops[::-1])])
        assert [status for status, _ in answers] == [200, 200], answers
        by_op: dict[str, list[str]] = {}
        for _, body in answers:
            for result in body["results"]:
                by_op.setdefault(result["op_id"], []).append(result["status"])
        assert {tuple(sorted(s)) for s in by_op.values()} == {("applied", "duplicate")}, by_op
        db.session.remove()
        assert _open_transactions() == 0

    db.session.remove()
    counts = db.session.execute(
        select(Event.op_id, func.count()).where(Event.op_id.in_(sent)).group_by(Event.op_id)
    ).all()
    assert len(counts) == len(sent) and {c for _, c in counts} == {1}


def test_a_long_lived_session_holds_no_lock_between_batches(app, new_ticket, org):
    """A worker or a command applies batch after batch in one session: once a batch has
    returned, its tickets are free for anyone else, as if the session had ended; the batches
    never become savepoints inside one transaction that keeps every lock it took."""
    from fieldapp.services.tickets import OpRequest, apply_batch

    ids = sorted(new_ticket()["id"] for _ in range(3))
    crew_id = org["users"]["crew"].id
    db.session.remove()
    other = db.engine.connect()
    try:
        for round_no, action in enumerate(["accept", "update", "update"]):
            now = datetime.now(UTC)
            data = {"note": f"lần {round_no}"} if action == "update" else {}
            outcome = apply_batch(
                [OpRequest(uuid.uuid4().hex, i, action, now, data) for i in ids],
                db.session.get(User, crew_id),
            )
            assert {r.status for r in outcome.results} == {"applied"}
            # Another connection takes the same rows at once, or fails: it never waits.
            with other.begin():
                locked = (
                    other.execute(
                        select(Ticket.id).where(Ticket.id.in_(ids)).with_for_update(nowait=True)
                    )
                    .scalars()
                    .all()
                )
            assert sorted(locked) == ids
    finally:
        other.close()
