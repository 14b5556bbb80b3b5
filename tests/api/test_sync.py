"""POST /api/v1/sync: every refusal code, idempotency, skew correction, bad ops alone."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from fieldapp.extensions import db
from fieldapp.models import AppliedOp, CrmCallback, Event
from tests.api.helpers import ago, arrived, batch, op

LATE = {"code": "storm", "note": "Bão số 9"}
INFORMED = {"at": datetime.now(UTC).isoformat(), "how": "phone"}


def events_of(ticket_id: int, action: str) -> int:
    return db.session.scalar(
        select(func.count(Event.id)).where(Event.ticket_id == ticket_id, Event.action == action)
    )


def test_accept_applies_and_queues_a_crm_callback(new_ticket, sync):
    ticket = new_ticket()
    [result] = sync("crew")(op(ticket["id"], "accept"))
    assert result["status"] == "applied" and result["error"] is None
    assert result["ticket"]["status"] == "accepted"
    assert result["ticket"]["assignee"]["username"] == "crew"
    assert result["ticket"]["contact_by"] is not None  # OUTAGE: 30 min after accepting
    callback = db.session.execute(select(CrmCallback)).scalar_one()
    assert callback.payload["event"] == "accepted"
    assert callback.payload["crm_id"] == ticket["crm_id"]
    assert callback.payload["by"] == {"username": "crew", "name": "Nguyễn Văn An"}


def test_same_op_twice_is_applied_once(new_ticket, sync):
    ticket = new_ticket()
    send = sync("crew")
    accept = op(ticket["id"], "accept")
    first = send(accept)
    second = send(accept)
    assert [first[0]["status"], second[0]["status"]] == ["applied", "duplicate"]
    assert second[0]["ticket"]["version"] == first[0]["ticket"]["version"]
    assert events_of(ticket["id"], "accepted") == 1
    assert db.session.scalar(select(func.count(CrmCallback.id))) == 1


def test_late_accept_requires_a_reason(new_ticket, sync):
    ticket = new_ticket(received_at=ago(minutes=10).isoformat())
    send = sync("crew")
    [refused] = send(op(ticket["id"], "accept"))
    assert refused["status"] == "rejected"
    assert refused["error"]["code"] == "late_reason_required"
    assert refused["error"]["fields"] == ["late_reason"]
    assert refused["error"]["message"]
    [applied] = send(op(ticket["id"], "accept", {"late_reason": LATE}))
    assert applied["status"] == "applied"
    assert applied["ticket"]["late"]["accept"] is True


def test_rejected_op_can_be_resent_with_the_same_id_once_fixed(new_ticket, sync):
    ticket = new_ticket(received_at=ago(minutes=10).isoformat())
    send = sync("crew")
    accept = op(ticket["id"], "accept")
    assert send(accept)[0]["status"] == "rejected"
    accept["data"] = {"late_reason": LATE}
    assert send(accept)[0]["status"] == "applied"


def test_completion_blocked_lists_what_is_missing(new_ticket, sync):
    ticket = new_ticket()
    send = sync("crew")
    send(op(ticket["id"], "accept"))
    [blocked] = send(op(ticket["id"], "complete", {"result": "Đã xử lý"}))
    assert blocked["error"]["code"] == "completion_blocked"
    assert set(blocked["error"]["fields"]) == {"restored_at", "cause"}
    facts = {
        "result": "Đã thay cầu chì",
        "restored_at": datetime.now(UTC).isoformat(),
        "cause": "Đứt cầu chì",
    }
    [done] = send(op(ticket["id"], "complete", facts))
    assert done["status"] == "applied"
    assert done["ticket"]["status"] == "completed"


def test_completion_blocked_before_acceptance(new_ticket, sync):
    ticket = new_ticket(type="METER_CHECK")
    [blocked] = sync("desk")(
        op(ticket["id"], "complete", {"result": "ok", "inspection_result": "Đạt"})
    )
    assert blocked["error"]["code"] == "completion_blocked"
    assert "accepted" in blocked["error"]["fields"]


def test_special_customer_must_confirm(new_ticket, sync):
    ticket = new_ticket(type="METER_CHECK", customer={"important": True})
    send = sync("desk")
    send(op(ticket["id"], "accept"))
    facts = {"result": "Công tơ chạy đúng", "inspection_result": "Đạt"}
    [blocked] = send(op(ticket["id"], "complete", facts))
    assert blocked["error"]["fields"] == ["customer_confirmation"]
    send(op(ticket["id"], "contact", {"outcome": "confirmed_done", "note": "KH xác nhận"}))
    assert send(op(ticket["id"], "complete", facts))[0]["status"] == "applied"


def test_not_allowed_for_a_role_that_cannot_act(new_ticket, sync):
    ticket = new_ticket()
    [refused] = sync("company")(op(ticket["id"], "accept"))
    assert refused["error"]["code"] == "not_allowed"


def test_not_allowed_for_the_other_desk(new_ticket, sync):
    ticket = new_ticket(type="OUTAGE")
    [refused] = sync("desk")(op(ticket["id"], "accept"))
    assert refused["error"]["code"] == "not_allowed"


def test_not_allowed_in_the_wrong_state(new_ticket, sync):
    ticket = new_ticket()
    send = sync("crew")
    send(op(ticket["id"], "accept"))
    [refused] = send(op(ticket["id"], "accept"))
    assert refused["error"]["code"] == "not_allowed"


def test_not_allowed_on_another_teams_ticket(new_ticket, sync):
    ticket = new_ticket(team="PC-DN-ST")
    [refused] = sync("crew")(op(ticket["id"], "accept"))
    assert refused["error"]["code"] == "not_allowed"
    assert refused["ticket"] is None  # nothing of another team leaks
    assert events_of(ticket["id"], "accepted") == 0


def test_extension_limit_and_the_leaders_confirmation(new_ticket, sync, client, app):
    ticket = new_ticket(type="OUTAGE")
    send = sync("crew")
    send(op(ticket["id"], "accept"))
    for hours in (3, 4):
        eta = (datetime.now(UTC) + timedelta(hours=hours)).isoformat()
        [ok] = send(
            op(
                ticket["id"],
                "extend",
                {
                    "reason_code": "storm",
                    "note": "Bão",
                    "new_eta": eta,
                    "customer_informed": INFORMED,
                },
            )
        )
        assert ok["status"] == "applied", ok["error"]
    eta = (datetime.now(UTC) + timedelta(hours=5)).isoformat()
    third = {
        "reason_code": "storm",
        "note": "Bão lớn",
        "new_eta": eta,
        "customer_informed": INFORMED,
    }
    [refused] = send(op(ticket["id"], "extend", third))
    assert refused["error"]["code"] == "extension_limit"
    lead = app.test_client()
    [confirmed] = sync("lead", c=lead)(op(ticket["id"], "extend", third))
    assert confirmed["status"] == "applied"
    assert confirmed["ticket"]["extensions"] == 3


def test_invalid_data_names_the_field(new_ticket, sync):
    ticket = new_ticket()
    send = sync("crew")
    send(op(ticket["id"], "accept"))
    [refused] = send(op(ticket["id"], "contact", {"outcome": "maybe"}))
    assert refused["error"]["code"] == "invalid"
    assert refused["error"]["fields"] == ["outcome"]


def test_missing_required_data_is_invalid(new_ticket, sync):
    ticket = new_ticket()
    [refused] = sync("crew")(op(ticket["id"], "return", {"note": "Sai địa bàn"}))
    assert refused["error"]["code"] == "invalid"
    assert "reason" in refused["error"]["fields"]


def test_malformed_op_is_rejected_alone(new_ticket, sync):
    ticket = new_ticket()
    send = sync("crew")
    bad_action = op(ticket["id"], "explode")
    bad_time = op(ticket["id"], "update", {"note": "x"})
    bad_time["at"] = "not a time"
    not_an_object = "accept"
    results = send(
        bad_action,
        op(ticket["id"], "accept"),
        bad_time,
        not_an_object,
        op(ticket["id"], "update", {"note": "Đang đi hiện trường"}),
    )
    assert [r["status"] for r in results] == [
        "rejected",
        "applied",
        "rejected",
        "rejected",
        "applied",
    ]
    assert results[0]["error"]["fields"] == ["action"]
    assert results[2]["error"]["fields"] == ["at"]
    assert results[3]["op_id"] is None
    assert db.session.scalar(select(func.count(AppliedOp.op_id))) == 2


def test_ops_apply_in_the_order_sent(new_ticket, sync):
    ticket = new_ticket()
    results = sync("crew")(
        op(ticket["id"], "update", {"note": "trước khi nhận"}),
        op(ticket["id"], "accept"),
        op(ticket["id"], "update", {"note": "sau khi nhận"}),
    )
    assert [r["status"] for r in results] == ["rejected", "applied", "applied"]


def test_phone_clock_skew_is_corrected(new_ticket, sync):
    ticket = new_ticket(received_at=ago(minutes=1).isoformat())
    # The phone's clock runs an hour fast: by its own clock the accept looks 61 min late.
    phone_now = datetime.now(UTC) + timedelta(hours=1)
    [result] = sync("crew")(op(ticket["id"], "accept", at=phone_now), sent_at=phone_now)
    assert result["status"] == "applied"
    accepted = db.session.execute(select(Event).where(Event.action == "accepted")).scalar_one()
    assert abs(accepted.at - datetime.now(UTC)) < timedelta(seconds=30)


def test_offline_action_counts_at_the_time_it_was_done(new_ticket, sync):
    ticket = new_ticket(received_at=ago(minutes=20).isoformat(), type="SAFETY")
    arrived(ticket["id"], ago(minutes=20))
    done_at = ago(minutes=18)  # accepted 2 minutes after receipt, synced 18 minutes later
    [result] = sync("crew")(op(ticket["id"], "accept", at=done_at))
    assert result["status"] == "applied"
    assert result["ticket"]["late"]["accept"] is False
    accepted_at = datetime.fromisoformat(result["ticket"]["accepted_at"])
    assert abs(accepted_at - done_at) < timedelta(seconds=5)


def test_bad_envelope_is_400_naming_fields(org, client, login):
    token = login("crew")
    body = batch()
    del body["sent_at"]
    body["ops"] = "nope"
    resp = client.post("/api/v1/sync", json=body, headers={"X-CSRFToken": token})
    assert resp.status_code == 400
    assert set(resp.get_json()["errors"]) == {"sent_at", "ops"}


def test_a_batch_over_200_ops_is_400_and_applies_nothing(new_ticket, client, login):
    ticket = new_ticket()
    token = login("crew")
    ops = [op(ticket["id"], "accept")] + [op(ticket["id"], "update", {"note": "x"})] * 200
    resp = client.post("/api/v1/sync", json=batch(*ops), headers={"X-CSRFToken": token})
    assert resp.status_code == 400 and set(resp.get_json()["errors"]) == {"ops"}
    assert events_of(ticket["id"], "accepted") == 0


def test_sync_needs_the_csrf_token(new_ticket, client, login):
    ticket = new_ticket()
    login("crew")
    resp = client.post("/api/v1/sync", json=batch(op(ticket["id"], "accept")))
    assert resp.status_code == 400
    assert "csrf" in resp.get_json()["errors"]
    assert events_of(ticket["id"], "accepted") == 0


def test_sync_needs_a_session(org, client):
    assert client.post("/api/v1/sync", json=batch()).status_code == 401
    assert client.get("/api/v1/sync").status_code == 401


def test_feed_without_cursor_lists_open_tickets_then_only_changes(new_ticket, sync, client):
    first, second = new_ticket(), new_ticket()
    send = sync("crew")
    feed = client.get("/api/v1/sync").get_json()
    assert {t["id"] for t in feed["tickets"]} == {first["id"], second["id"]}
    send(op(first["id"], "accept"))
    later = client.get("/api/v1/sync", query_string={"since": feed["cursor"]}).get_json()
    ids = [t["id"] for t in later["tickets"]]
    assert first["id"] in ids
    changed = next(t for t in later["tickets"] if t["id"] == first["id"])
    assert changed["status"] == "accepted"


def test_feed_rejects_a_foreign_cursor(org, client, login):
    login("crew")
    resp = client.get("/api/v1/sync", query_string={"since": "yesterday"})
    assert resp.status_code == 400
    assert "since" in resp.get_json()["errors"]


def test_ids_beyond_any_table_are_refused_not_crashed(new_ticket, sync, client):
    ticket = new_ticket()
    [refused] = sync("crew")(op(2**63, "accept"))
    assert refused["error"]["code"] == "invalid"
    assert refused["error"]["fields"] == ["ticket_id"]
    assert client.get(f"/api/v1/tickets/{2**63}").status_code == 404
    assert client.get(f"/api/v1/tickets/{ticket['id']}").status_code == 200
