"""What a phone claims and the server can check: op ids are the sender's, times are bounded.

Each test plays a hostile or confused sender against the real sync API (CONTRACT "sync")."""

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from fieldapp.extensions import db
from fieldapp.models import Device, Event, Ticket
from fieldapp.services import push_messages
from tests.api.helpers import ago, arrived, batch, op

LATE = {"code": "storm", "note": "Bão"}


def last_event(ticket_id: int, action: str) -> Event:
    db.session.rollback()
    return db.session.scalars(
        select(Event)
        .where(Event.ticket_id == ticket_id, Event.action == action)
        .order_by(Event.id.desc())
    ).first()


# --- op ids are the sender's own -----------------------------------------------------------


def test_another_teams_crew_reusing_an_op_id_learns_nothing(new_ticket, sync, app):
    victim_ticket = new_ticket()
    accept = op(victim_ticket["id"], "accept", op_id="victim-op-0001")
    assert sync("crew")(accept)[0]["status"] == "applied"
    attacker = sync("st_crew", c=app.test_client())
    [result] = attacker(op(victim_ticket["id"], "accept", op_id="victim-op-0001"))
    assert result["status"] == "rejected" and result["ticket"] is None
    assert result["error"]["code"] == "not_allowed"


def test_an_op_id_used_by_someone_else_applies_for_its_own_sender(new_ticket, sync, app):
    mine, theirs = new_ticket(), new_ticket(team="PC-DN-ST")
    # The other team's crew sends first, pre-empting the id this phone is about to use.
    other = sync("st_crew", c=app.test_client())
    assert other(op(theirs["id"], "accept", op_id="shared-id-0001"))[0]["status"] == "applied"
    [result] = sync("crew")(op(mine["id"], "accept", op_id="shared-id-0001"))
    assert result["status"] == "applied"  # not "duplicate": it was never applied for me
    assert result["ticket"]["id"] == mine["id"] and result["ticket"]["status"] == "accepted"
    assert last_event(mine["id"], "accepted") is not None


def test_a_sender_reusing_its_own_op_id_for_another_op_is_refused(new_ticket, sync):
    first, second = new_ticket(), new_ticket()
    send = sync("crew")
    assert send(op(first["id"], "accept", op_id="my-op-00001"))[0]["status"] == "applied"
    [again] = send(op(second["id"], "accept", op_id="my-op-00001"))
    assert again["status"] == "rejected" and again["error"]["code"] == "invalid"
    assert again["error"]["fields"] == ["op_id"]
    assert last_event(second["id"], "accepted") is None
    [same] = send(op(first["id"], "accept", op_id="my-op-00001"))
    assert same["status"] == "duplicate"


def test_the_accept_form_never_shows_another_persons_ticket(client, login, new_ticket, app):
    secret = new_ticket(customer={"name": "Khách Bí Mật", "address": "99 Hẻm Kín"})
    victim = app.test_client()
    token = login("crew", c=victim)
    victim.post(
        "/api/v1/sync",
        headers={"X-CSRFToken": token},
        json=batch(op(secret["id"], "accept", op_id="victim-op-0002")),
    )
    own = new_ticket(team="PC-DN-ST")
    token = login("st_crew")
    resp = client.post(
        f"/tickets/{own['id']}/accept",
        data={"csrf_token": token, "op_id": "victim-op-0002"},
        headers={"HX-Request": "true", "HX-Target": f"ticket-{own['id']}"},
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and f'id="ticket-{own["id"]}"' in html
    assert "Khách Bí Mật" not in html and "99 Hẻm Kín" not in html
    db.session.rollback()
    assert db.session.get(Ticket, own["id"]).status == "accepted"


def test_a_notification_accept_uses_an_unguessable_op_id(app, org, new_ticket):
    ticket = new_ticket()
    user = org["users"]["crew"]
    token = push_messages.accept_token(ticket["id"], user.id)
    op_id = push_messages.accept_op_id(token)
    assert op_id == push_messages.accept_op_id(token)  # a second tap is the same op
    assert op_id != f"push-accept-{ticket['id']}-{user.id}"  # not made of what others know
    app.secret_key = "another-secret"
    assert push_messages.accept_op_id(token) != op_id


# --- claimed times are bounded by what the server knows ---------------------------------------


def test_a_clock_years_off_is_refused_whole(new_ticket, client, login):
    ticket = new_ticket()
    token = login("crew")
    future = datetime(2099, 1, 1, tzinfo=UTC)
    resp = client.post(
        "/api/v1/sync",
        headers={"X-CSRFToken": token},
        json=batch(op(ticket["id"], "accept", at=future - timedelta(minutes=1)), sent_at=future),
    )
    assert resp.status_code == 400 and set(resp.get_json()["errors"]) == {"sent_at"}
    assert last_event(ticket["id"], "accepted") is None


def test_an_accept_cannot_claim_a_time_before_the_ticket_reached_the_server(new_ticket, sync):
    ticket = new_ticket(received_at=ago(minutes=1).isoformat())
    [result] = sync("crew")(op(ticket["id"], "accept", at=ago(hours=3)))
    assert result["status"] == "applied"
    event = last_event(ticket["id"], "accepted")
    db.session.rollback()
    arrived_at = db.session.get(Ticket, ticket["id"]).created_at
    assert event.at == arrived_at and event.bounded_by == "received"
    assert abs(event.moved_seconds - 3 * 3600) < 120


def test_a_completion_cannot_be_stamped_before_its_acceptance(new_ticket, sync):
    ticket = new_ticket(received_at=ago(minutes=30).isoformat())
    arrived(ticket["id"], ago(minutes=30))
    send = sync("crew")
    send(op(ticket["id"], "accept", {"late_reason": LATE}, at=ago(minutes=10)))
    accepted = last_event(ticket["id"], "accepted").at
    facts = {
        "result": "Xong",
        "restored_at": ago(minutes=5).isoformat(),
        "cause": "Cầu chì",
        "late_reason": LATE,
    }
    [result] = send(
        op(ticket["id"], "contact", {"outcome": "reached", "late_reason": LATE}, at=ago(minutes=9)),
        op(ticket["id"], "complete", facts, at=ago(minutes=25)),
    )[-1:]
    assert result["status"] == "applied"
    done = last_event(ticket["id"], "completed")
    assert done.at >= accepted and done.bounded_by == "previous_action"


def test_a_late_accept_cannot_pass_for_on_time_after_the_phone_synced(new_ticket, sync):
    ticket = new_ticket(received_at=ago(minutes=10).isoformat())
    arrived(ticket["id"], ago(minutes=10))
    send = sync("crew")
    send()  # an empty batch: the phone was online and synced now
    # It now claims it accepted 9 minutes ago, in time: it would have sent that then.
    [refused] = send(op(ticket["id"], "accept", at=ago(minutes=9)))
    assert refused["status"] == "rejected"
    assert refused["error"]["code"] == "late_reason_required"


def test_a_future_clock_within_a_year_gains_nothing(new_ticket, sync):
    ticket = new_ticket(received_at=ago(minutes=10).isoformat())
    arrived(ticket["id"], ago(minutes=10))
    # The phone's clock says a month ahead and claims the accept 9 minutes before sending.
    sent = datetime.now(UTC) + timedelta(days=30)
    send = sync("crew")
    send(sent_at=sent)
    [refused] = send(op(ticket["id"], "accept", at=sent - timedelta(minutes=9)), sent_at=sent)
    assert refused["error"]["code"] == "late_reason_required"


def test_a_chunked_replay_keeps_the_times_of_its_later_batches(new_ticket, sync):
    ticket = new_ticket(received_at=ago(minutes=10).isoformat())
    arrived(ticket["id"], ago(minutes=10))
    send = sync("crew")
    other = new_ticket(received_at=ago(minutes=10).isoformat())
    arrived(other["id"], ago(minutes=10))
    send(op(other["id"], "accept", {"late_reason": LATE}), more=True)  # first of two batches
    [second] = send(op(ticket["id"], "accept", at=ago(minutes=8)))
    assert second["status"] == "applied" and second["ticket"]["late"]["accept"] is False


def test_a_fixed_resend_keeps_the_time_the_op_was_done(new_ticket, sync):
    ticket = new_ticket(received_at=ago(minutes=30).isoformat())
    arrived(ticket["id"], ago(minutes=30))
    send = sync("crew")
    update = op(ticket["id"], "update", {}, at=ago(minutes=20))  # no note: refused
    results = send(op(ticket["id"], "accept", at=ago(minutes=29)), update)
    assert results[1]["error"]["code"] == "invalid"
    send()  # later syncs of the same phone
    update["data"] = {"note": "Đã đến nơi"}
    assert send(update)[0]["status"] == "applied"
    event = last_event(ticket["id"], "updated")
    assert abs(event.at - ago(minutes=20)) < timedelta(minutes=1)


def test_every_event_records_receipt_claim_and_skew(new_ticket, sync):
    ticket = new_ticket(received_at=ago(minutes=2).isoformat())
    arrived(ticket["id"], ago(minutes=2))
    phone_now = datetime.now(UTC) + timedelta(minutes=7)
    sync("crew")(op(ticket["id"], "accept", at=phone_now - timedelta(minutes=1)), sent_at=phone_now)
    event = last_event(ticket["id"], "accepted")
    assert abs(event.skew_seconds + 7 * 60) < 30
    assert event.claimed_at == phone_now - timedelta(minutes=1)
    assert abs(event.recorded_at - datetime.now(UTC)) < timedelta(seconds=30)
    assert event.bounded_by is None
    assert db.session.scalar(select(func.count()).select_from(Device)) == 1


def test_a_far_eta_is_refused(new_ticket, sync):
    ticket = new_ticket()
    send = sync("crew")
    send(op(ticket["id"], "accept"))
    informed = {"at": datetime.now(UTC).isoformat(), "how": "phone"}
    data = {
        "reason_code": "storm",
        "note": "Bão",
        "customer_informed": informed,
        "new_eta": datetime(2099, 1, 1, tzinfo=UTC).isoformat(),
    }
    [refused] = send(op(ticket["id"], "extend", data))
    assert refused["error"]["fields"] == ["new_eta"]
    data["new_eta"] = (datetime.now(UTC) + timedelta(hours=5)).isoformat()
    assert send(op(ticket["id"], "extend", data))[0]["status"] == "applied"


def test_overdue_updates_count_toward_the_limit_of_moved_etas(new_ticket, sync):
    ticket = new_ticket(received_at=ago(hours=3).isoformat())  # OUTAGE: 2 h, overdue now
    arrived(ticket["id"], ago(hours=3))
    send = sync("crew")
    send(op(ticket["id"], "accept", {"late_reason": LATE}))
    informed = {"at": datetime.now(UTC).isoformat(), "how": "sms"}
    for minutes in (10, 20):
        report = {
            "status_note": "Đang sửa",
            "reason_code": "storm",
            "note": "Bão",
            "new_eta": (datetime.now(UTC) + timedelta(minutes=minutes)).isoformat(),
            "customer_informed": informed,
        }
        assert send(op(ticket["id"], "overdue_update", report))[0]["status"] == "applied"
    report["new_eta"] = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    [third] = send(op(ticket["id"], "overdue_update", report))
    assert third["error"]["code"] == "extension_limit"


# --- malformed ops are rejected alone ---------------------------------------------------------


def test_impossible_years_and_null_ops_are_rejected_alone(new_ticket, sync):
    ticket = new_ticket()
    year_one = op(ticket["id"], "update", {"note": "x"})
    year_one["at"] = "0001-01-01T00:00:00+00:00"
    year_max = op(ticket["id"], "update", {"note": "x"})
    year_max["at"] = "9999-12-31T23:59:59+00:00"
    results = sync("crew")(year_one, None, op(ticket["id"], "accept"), year_max)
    assert [r["status"] for r in results] == ["rejected", "rejected", "applied", "rejected"]
    assert results[0]["error"]["fields"] == ["at"] and results[3]["error"]["fields"] == ["at"]


# --- leaders see what was moved -------------------------------------------------------------


def test_leaders_see_the_ops_whose_time_was_moved_more_than_ten_minutes(
    new_ticket, sync, app, login
):
    moved = new_ticket(received_at=ago(minutes=1).isoformat())
    kept = new_ticket(received_at=ago(minutes=1).isoformat())
    other_team = new_ticket(team="PC-DN-ST", received_at=ago(minutes=1).isoformat())
    send = sync("crew")
    send(
        op(moved["id"], "accept", at=ago(hours=2)),  # bounded: before it reached the server
        op(kept["id"], "accept", at=ago(seconds=30)),
    )
    sync("st_crew", c=app.test_client())(op(other_team["id"], "accept", at=ago(hours=2)))
    lead = app.test_client()
    login("lead", c=lead)
    html = lead.get("/reports/adjusted").get_data(as_text=True)
    listed = set(re.findall(r'data-event="(\d+)"', html))
    assert listed == {str(last_event(moved["id"], "accepted").id)}
    assert "không được trước lúc phiếu đến máy chủ" in html
    crew = app.test_client()
    login("crew", c=crew)
    assert crew.get("/reports/adjusted").status_code == 403
