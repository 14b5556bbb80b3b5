"""Chaos on the sync API: many phones, a bad network, and nothing lost or applied twice.

Twenty phones of two teams send their outboxes to a real threaded HTTP server at once (see
phone.py for what goes wrong on the way). At the end the server's state must be the model's
(model.py): every op applied exactly once, as one event and one applied-op row, except the
accepts that lost a contest, and every ticket in the status and hands the model says.
Set CHAOS_SEED to replay a run with other random choices.
"""

import os
import random
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import requests
from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.models import AppliedOp, Event, Team, Ticket, User
from tests.api.helpers import intake_body
from tests.conftest import PASSWORD_HASH
from tests.sync.model import (
    EVENT_OF,
    FINAL_STATUS,
    PhoneSpec,
    Plan,
    TicketSpec,
    contestants,
    expected_applied,
    make_plan,
)
from tests.sync.phone import Phone

SEED = int(os.environ.get("CHAOS_SEED", "4"))
OPS_PER_PHONE = 24
# (team, crews signed in, phones): some crews carry two phones.
TEAMS = (
    ("PC-DN-HC", ["crew", "crew2"] + [f"hc_crew{i}" for i in range(3, 11)], 12),
    ("PC-DN-ST", ["st_crew"] + [f"st_crew{i}" for i in range(2, 7)], 8),
)
CONTESTED = 2
# The corrected time of an op is the true time it was done, give or take the network.
CLOCK_TOLERANCE = timedelta(seconds=60)


def test_many_phones_on_a_bad_network_lose_nothing_and_apply_nothing_twice(
    served, org, push_ticket
):
    base_url, in_flight = served
    rng = random.Random(SEED)
    phones = _phones(org)
    tickets = _tickets(push_ticket, phones)
    setup_ops = _accept_shared(base_url, tickets)
    plan = make_plan(rng, phones, tickets, OPS_PER_PHONE, datetime.now(UTC))

    devices = [
        Phone(
            base_url,
            p.username,
            p.device_id,
            _skew(rng),
            plan.of_phone(p.index),
            random.Random(f"{SEED}:{p.index}"),
        )
        for p in phones
    ]
    for device in devices:
        device.sign_in()
    threads = [threading.Thread(target=d.run) for d in devices]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), f"seed {SEED}: a phone never finished"
    # Requests the phones gave up on may still be running on the server.
    assert in_flight.wait_idle(timeout=60), f"seed {SEED}: the server never went idle"

    problems = [p for d in devices for p in d.problems]
    assert problems == [], f"seed {SEED}: {problems[:20]}"
    _check_answers(plan, devices)
    db.session.rollback()
    winners = _check_contests(plan, devices)
    _check_final_state(plan, setup_ops, winners)


def _phones(org) -> list[PhoneSpec]:
    """The crews of both teams (added to the fixture's), and their phones."""
    teams = {t.code: t for t in db.session.scalars(select(Team))}
    known = set(org["users"])
    for code, usernames, _ in TEAMS:
        db.session.add_all(
            User(
                username=u,
                password_hash=PASSWORD_HASH,
                role="crew",
                team=teams[code],
                desk="operations",
                name=f"Công nhân {u}",
            )
            for u in usernames
            if u not in known
        )
    db.session.commit()
    phones = []
    for code, usernames, count in TEAMS:
        for n in range(count):
            phones.append(PhoneSpec(len(phones), usernames[n % len(usernames)], code))
    return phones


def _tickets(push_ticket, phones: list[PhoneSpec]) -> list[TicketSpec]:
    """Two tickets owned by every phone, a shared one per crew, contested ones per team."""
    parts = [(p.team, kind, p.index, None) for p in phones for kind in ("done", "open")]
    crews = {p.username: p.team for p in phones}
    parts += [(team, "shared", None, username) for username, team in crews.items()]
    for code, _, _ in TEAMS:
        parts += [(code, "contested", None, None)] * CONTESTED
    received = datetime.now(UTC) - timedelta(minutes=2)
    tickets = []
    for n, (team, kind, owner, holder) in enumerate(parts):
        body = intake_body(
            team=team,
            received_at=received.isoformat(),
            customer={"code": f"PC03CH{n:07d}", "phone": f"0905{n:06d}"},
        )
        resp = push_ticket(body)
        assert resp.status_code == 201, resp.get_json()
        tickets.append(TicketSpec(resp.get_json()["id"], team, kind, owner, holder))
    return tickets


def _accept_shared(base_url: str, tickets: list[TicketSpec]) -> dict[str, tuple[int, str]]:
    """Each crew accepts its shared ticket first: op id → (ticket, crew)."""
    done = {}
    for spec in (t for t in tickets if t.kind == "shared"):
        with requests.Session() as http:
            resp = http.post(
                f"{base_url}/api/v1/session",
                timeout=30,
                json={"username": spec.holder, "password": "pw"},
            )
            token = resp.json()["csrf_token"]
            now = datetime.now(UTC).isoformat()
            ops = [
                {
                    "op_id": f"setup-accept-{spec.id:06d}",
                    "ticket_id": spec.id,
                    "action": "accept",
                    "at": now,
                    "data": {},
                }
            ]
            resp = http.post(
                f"{base_url}/api/v1/sync",
                headers={"X-CSRFToken": token},
                json={"device_id": f"{spec.holder}-setup", "sent_at": now, "ops": ops},
                timeout=60,
            )
            assert [r["status"] for r in resp.json()["results"]] == ["applied"]
            done[ops[0]["op_id"]] = (spec.id, spec.holder)
    return done


def _skew(rng: random.Random) -> timedelta:
    """A phone's clock: right, or off by up to three hours either way."""
    return timedelta(seconds=rng.choice([0, rng.uniform(-3 * 3600, 3 * 3600)]))


def _check_answers(plan: Plan, devices: list[Phone]) -> None:
    """The server never said "applied" twice for one op, nor lost an answered op."""
    said = Counter(a for d in devices for answers in d.answers.values() for a in answers)
    # The chaos really happened: ops came back as duplicates and as judged too early.
    assert said["duplicate"] > 0 and said["rejected"] > 0, (SEED, said)
    for spec, device in zip(plan.phones, devices, strict=True):
        for op_id, answers in device.answers.items():
            assert answers.count("applied") <= 1, (SEED, op_id, answers)
        mine = {o.op_id for o in plan.of_phone(spec.index)}
        assert device.acked | device.lost == mine, f"seed {SEED}: unanswered ops"


def _check_contests(plan: Plan, devices: list[Phone]) -> dict[int, str]:
    """Exactly one accept wins each contested ticket; every other one was told it lost."""
    lost = set().union(*(d.lost for d in devices))
    winners = {}
    for ticket in (t for t in plan.tickets.values() if t.kind == "contested"):
        sent = {o.op_id for o in contestants(plan, ticket.id)}
        applied = set(
            db.session.scalars(
                select(Event.op_id).where(Event.ticket_id == ticket.id, Event.action == "accepted")
            )
        )
        assert len(applied) == 1 and applied <= sent, (SEED, ticket.id, applied, sent)
        winners[ticket.id] = applied.pop()
        assert sent - {winners[ticket.id]} == sent & lost, (SEED, ticket.id)
    return winners


def _check_final_state(plan: Plan, setup_ops: dict, winners: dict[int, str]) -> None:
    applied = expected_applied(plan, winners)
    users = {u.username: u.id for u in db.session.scalars(select(User))}
    phone_user = {p.index: users[p.username] for p in plan.phones}
    # op id → (ticket, user, event) the model expects, for the phones' ops and the setup accepts.
    want = {
        o.op_id: (o.ticket_id, phone_user[o.phone], EVENT_OF[o.action])
        for o in plan.ops.values()
        if o.op_id in applied
    }
    want.update({op_id: (tid, users[crew], "accepted") for op_id, (tid, crew) in setup_ops.items()})

    events = list(
        db.session.scalars(select(Event).where(Event.op_id.is_not(None)).order_by(Event.id))
    )
    per_op = Counter(e.op_id for e in events)
    twice = {op_id: n for op_id, n in per_op.items() if n > 1}
    assert twice == {}, f"seed {SEED}: applied twice: {twice}"
    missing = set(want) - set(per_op)
    assert missing == set(), f"seed {SEED}: lost: {[plan.ops.get(m) for m in missing]}"
    assert {e.op_id: (e.ticket_id, e.user_id, e.action) for e in events} == want
    rows = db.session.scalars(select(AppliedOp))
    assert {r.op_id: (r.ticket_id, r.user_id) for r in rows} == {
        op_id: (tid, uid) for op_id, (tid, uid, _) in want.items()
    }

    _check_event_contents(plan, events)
    per_ticket = Counter(tid for tid, _, _ in want.values())
    for spec in plan.tickets.values():
        ticket = db.session.get(Ticket, spec.id)
        assert ticket.status == FINAL_STATUS[spec.kind], (SEED, spec, ticket.status)
        # One change per applied op, plus the intake's.
        assert ticket.version == 1 + per_ticket[spec.id], (SEED, spec)
        holder = _holder(plan, spec, phone_user, users, winners)
        assert ticket.assignee_id == holder, (SEED, spec)
        if spec.owner is not None:
            history = list(
                db.session.scalars(
                    select(Event.action).where(Event.ticket_id == spec.id).order_by(Event.id)
                )
            )
            assert history[:2] == ["received", "accepted"], (SEED, spec, history)
            assert (history[-1] == "completed") == (spec.kind == "done"), (SEED, spec, history)


def _check_event_contents(plan: Plan, events: list[Event]) -> None:
    """Each event carries its op's data and the moment the phone did it, skew corrected."""
    for event in events:
        op = plan.ops.get(event.op_id)
        if op is None:
            continue  # a setup accept
        if op.action == "update":
            assert event.data["note"] == op.data["note"], (SEED, op)
        assert abs(event.at - op.done_at) < CLOCK_TOLERANCE, (SEED, op, event.at)


def _holder(
    plan: Plan, spec: TicketSpec, phone_user: dict, users: dict, winners: dict[int, str]
) -> int:
    """Whose hands the ticket ends in: owner, the shared ticket's crew, or the contest's
    winner."""
    if spec.owner is not None:
        return phone_user[spec.owner]
    if spec.kind == "shared":
        return users[spec.holder]
    return phone_user[plan.ops[winners[spec.id]].phone]
