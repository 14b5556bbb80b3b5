"""Two phones at once: the same op is applied once, different ops serialise.

On PostgreSQL (CI) the ticket row lock and the op-id key decide; on SQLite the database lock.
"""

import threading

from sqlalchemy import func, select

from fieldapp.extensions import db
from fieldapp.models import AppliedOp, Event, Ticket
from tests.api.helpers import batch, op


def _phones(app, usernames):
    """A signed-in test client and CSRF token per username."""
    phones = []
    for username in usernames:
        c = app.test_client()
        resp = c.post("/api/v1/session", json={"username": username, "password": "pw"})
        phones.append((c, resp.get_json()["csrf_token"]))
    return phones


def _at_once(app, phones, bodies):
    """POST each body from its phone in its own thread, released together."""
    gate = threading.Barrier(len(phones))
    results = [None] * len(phones)

    def run(i):
        c, token = phones[i]
        gate.wait()
        resp = c.post("/api/v1/sync", json=bodies[i], headers={"X-CSRFToken": token})
        results[i] = (resp.status_code, resp.get_json())

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(phones))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_same_op_from_two_threads_is_applied_once(app, new_ticket):
    ticket = new_ticket()
    # First the accept, then several updates: each sent by two threads at the same moment.
    twins = [op(ticket["id"], "accept")] + [
        op(ticket["id"], "update", {"note": f"lần {i}"}) for i in range(4)
    ]
    for twin in twins:
        results = _at_once(app, _phones(app, ["crew", "crew"]), [batch(twin), batch(twin)])
        assert [r[0] for r in results] == [200, 200]
        statuses = sorted(r[1]["results"][0]["status"] for r in results)
        assert statuses == ["applied", "duplicate"], results
        db.session.remove()
        assert (
            db.session.scalar(select(func.count(Event.id)).where(Event.op_id == twin["op_id"])) == 1
        )
    assert db.session.get(Ticket, ticket["id"]).version == 1 + len(twins)


def test_different_ops_on_one_ticket_serialise(app, new_ticket):
    ticket = new_ticket()
    phones = _phones(app, ["crew", "crew2"])
    results = _at_once(
        app, phones, [batch(op(ticket["id"], "accept")), batch(op(ticket["id"], "accept"))]
    )
    statuses = [r[1]["results"][0]["status"] for r in results]
    # Exactly one phone wins the ticket; the other is told it is no longer waiting.
    assert sorted(statuses) == ["applied", "rejected"]
    loser = next(r[1]["results"][0] for r in results if r[1]["results"][0]["status"] != "applied")
    assert loser["error"]["code"] == "not_allowed"
    winner = ["crew", "crew2"][statuses.index("applied")]

    # The winner's two phones post at once.
    updates = _at_once(
        app,
        _phones(app, [winner, winner]),
        [
            batch(op(ticket["id"], "update", {"note": "A"})),
            batch(op(ticket["id"], "update", {"note": "B"})),
        ],
    )
    assert all(r[1]["results"][0]["status"] == "applied" for r in updates)
    db.session.remove()
    final = db.session.get(Ticket, ticket["id"])
    # accept + two updates, each bumping the version once: no update was lost.
    assert final.version == 4
    assert db.session.scalar(select(func.count(AppliedOp.op_id))) == 3
