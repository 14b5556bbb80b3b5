"""The procedure read again (DOMAIN §7, issue 13), provoked through the CONTRACT: the CRM's
pushes and chases, the phones' sync ops, and the ticket as the API reads it."""

import json
from datetime import datetime, timedelta

from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.models import Reminder
from fieldapp.services.calendar import current_calendar
from tests.api.helpers import ago, arrived, intake_body, op
from tests.conftest import sign
from workers import reminders as reminder_jobs


def at(value: str) -> datetime:
    return datetime.fromisoformat(value)


def due(ticket: dict) -> dict[str, datetime]:
    """The ticket's planned reminders by kind (GET shape)."""
    return {r["kind"]: at(r["due_at"]) for r in ticket["reminders"]}


def now_whole() -> datetime:
    """A minute ago, to the second (times read back from the database compare exactly)."""
    return ago(minutes=1).replace(microsecond=0)


def pushed(push_ticket, **overrides) -> dict:
    resp = push_ticket(intake_body(**overrides))
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def customer(code: str, **more) -> dict:
    return {"code": code, **more}


# --- 1. media complaints ---------------------------------------------------------------


def test_a_media_complaint_is_accepted_within_3_minutes_and_needs_its_replys_reference(
    org, push_ticket, sync
):
    received = now_whole()  # whatever the hour the test runs at
    ticket = pushed(push_ticket, type="MEDIA_COMPLAINT", received_at=received.isoformat())
    assert ticket["desk"] == "business" and "media" in ticket["flags"]
    assert at(ticket["accept_by"]) == received + timedelta(minutes=3)
    assert at(ticket["accept_by"]) <= at(ticket["resolve_by"])
    reminders = due(ticket)
    assert reminders["new_ticket"] == reminders["media_alert"] == received

    send = sync("desk")
    assert send(op(ticket["id"], "accept"))[0]["status"] == "applied"
    [blocked] = send(op(ticket["id"], "complete", {"result": "Đã trả lời báo Đà Nẵng"}))
    assert blocked["error"]["code"] == "completion_blocked"
    assert blocked["error"]["fields"] == ["reply_ref", "complaint_subject"]
    assert "số công văn trả lời" in blocked["error"]["message"]
    [done] = send(
        op(
            ticket["id"],
            "complete",
            {
                "result": "Đã trả lời báo Đà Nẵng",
                "reply_ref": "215/ĐLĐN-KD",
                "complaint_subject": "attitude",
            },
        )
    )
    assert done["status"] == "applied"
    assert done["ticket"]["complaint_subject"] == "attitude"
    [bad] = send(op(ticket["id"], "complete", {"complaint_subject": "weather"}))
    assert bad["error"]["code"] == "invalid"


# --- 2. reconnection: the contact clock (the handover: tests/workers) --------------------


def test_a_reconnection_must_contact_the_customer_30_minutes_after_accepting(
    org, push_ticket, sync
):
    ticket = pushed(push_ticket, type="RECONNECT", received_at=now_whole().isoformat())
    assert ticket["contact_by"] is None
    user = "desk" if ticket["desk"] == "business" else "crew"
    [result] = sync(user)(op(ticket["id"], "accept"))
    accepted = result["ticket"]
    assert at(accepted["contact_by"]) == at(accepted["accepted_at"]) + timedelta(minutes=30)
    assert "contact_warn_15" in due(accepted)


# --- 3. working time -------------------------------------------------------------------


def test_business_desk_reminders_count_office_time_and_wait_for_office_hours(org, push_ticket):
    received = now_whole()
    ticket = pushed(push_ticket, type="NEW_SUPPLY_LV", received_at=received.isoformat())
    cal = current_calendar()
    assert all(cal.in_office_hours(at(r["due_at"])) for r in ticket["reminders"])
    reminders, resolve_by = due(ticket), at(ticket["resolve_by"])
    window = cal.office_time_between(received, resolve_by)
    assert cal.office_time_between(received, reminders["resolve_warn_80"]) == window * 0.8
    assert cal.office_time_between(resolve_by, reminders["overdue_update_missing"]) == timedelta(
        minutes=15
    )
    outage = pushed(
        push_ticket,
        type="OUTAGE",
        received_at=received.isoformat(),
        customer=customer("PC03OP0000001"),
    )
    assert due(outage)["new_ticket"] == received  # operations: around the clock


# --- 4. who is told at once --------------------------------------------------------------


def test_a_complaint_of_an_upset_or_difficult_customer_tells_the_leader(org, push_ticket):
    upset = pushed(
        push_ticket,
        type="COMPLAINT",
        customer=customer("PC03UP0000001"),
        content="Mất điện 3 ngày, tôi rất buc xuc vì không ai xử lý",
    )
    assert "upset" in upset["flags"] and "upset_alert" in due(upset)
    difficult = pushed(
        push_ticket,
        type="COMPLAINT",
        customer=customer("PC03UP0000002", difficult=True),
        content="Đề nghị kiểm tra lại hóa đơn",
    )
    assert "upset" not in difficult["flags"] and "upset_alert" in due(difficult)
    calm = pushed(
        push_ticket,
        type="COMPLAINT",
        customer=customer("PC03UP0000003"),
        content="Đề nghị kiểm tra lại hóa đơn",
    )
    assert "upset_alert" not in due(calm)


def _completed_outage(push_ticket, sync, code: str, received: datetime) -> dict:
    ticket = pushed(
        push_ticket, type="OUTAGE", customer=customer(code), received_at=received.isoformat()
    )
    arrived(ticket["id"], received)
    # One batch from a phone of its own: a later batch may not claim a time before the
    # phone's previous sync.
    *_, done = sync("crew")(
        op(ticket["id"], "accept", at=received + timedelta(minutes=1)),
        op(ticket["id"], "contact", {"outcome": "reached"}, at=received + timedelta(minutes=5)),
        op(
            ticket["id"],
            "complete",
            {
                "result": "Đã đóng điện",
                "cause": "Cháy cầu chì",
                "restored_at": received.isoformat(),
            },
            at=received + timedelta(minutes=40),
        ),
        device=f"phone-{code}",
    )
    assert done["status"] == "applied", done
    return done["ticket"]


def audience(ticket_id: int, kind: str) -> str:
    db.session.rollback()
    return db.session.scalar(
        select(Reminder.audience).where(Reminder.ticket_id == ticket_id, Reminder.kind == kind)
    )


def test_a_recently_closed_request_makes_a_repeat_and_the_third_reaches_the_company(
    org, push_ticket, sync
):
    _completed_outage(push_ticket, sync, "PC03RP0000002", ago(days=30))
    again = pushed(push_ticket, type="OUTAGE", customer=customer("PC03RP0000002"))
    assert "repeat" not in again["flags"] and again["contact_count"] == 1  # closed long ago
    _completed_outage(push_ticket, sync, "PC03RP0000001", ago(days=3))
    second = pushed(push_ticket, type="OUTAGE", customer=customer("PC03RP0000001"))
    assert "repeat" in second["flags"] and second["contact_count"] == 2
    assert audience(second["id"], "repeat_alert") == "leader"
    third = pushed(push_ticket, type="OUTAGE", customer=customer("PC03RP0000001"))
    assert third["contact_count"] == 3
    assert audience(third["id"], "repeat_alert") == "leader,company"


# --- 5. the CRM chases -------------------------------------------------------------------


def chase(client, app, crm_id: str, payload, secret: str | None = None):
    body = json.dumps(payload).encode()
    headers = sign(body, secret or app.config["CRM_SHARED_SECRET"])
    return client.post(f"/api/v1/crm/tickets/{crm_id}/chase", data=body, headers=headers)


def test_the_call_center_chases_a_ticket(
    app, org, client, push_ticket, sync, push_service, queue, work
):
    for name in ("crew", "crew2", "lead"):
        push_service.subscribe(org["users"][name].id, f"{name}-phone")
    ticket = pushed(push_ticket, type="OUTAGE", received_at=ago(minutes=20).isoformat())
    send = sync("crew")
    send(op(ticket["id"], "accept", {"late_reason": {"code": "workload", "note": ""}}))
    chased_at = now_whole()

    resp = chase(
        client, app, ticket["crm_id"], {"at": chased_at.isoformat(), "note": "Khách gọi lại lần 2"}
    )

    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert at(body["chased_at"]) == chased_at
    [event] = [e for e in body["events"] if e["action"] == "chased"]
    assert event["data"] == {"note": "Khách gọi lại lần 2"} and event["by"] is None
    reminders = due(body)
    assert reminders["chase"] == chased_at
    assert reminders["chase_update_missing"] == chased_at + timedelta(minutes=15)
    queue.enqueue(reminder_jobs.send_due)
    work()
    chased_devices = {device for device, kind, _ in push_service.per_device() if kind == "chase"}
    assert chased_devices == {"crew-phone", "lead-phone"}  # the holder and the leader
    page = client.get(f"/tickets/{ticket['id']}").get_data(as_text=True)
    assert "Tổng đài đôn đốc: báo cáo trong 15 phút" in page

    [report] = send(
        op(
            ticket["id"],
            "overdue_update",
            {
                "status_note": "Đang thay dây",
                "reason_code": "waiting_materials",
                "note": "Chờ dây",
                "new_eta": (chased_at + timedelta(hours=1)).isoformat(),
                "customer_informed": {"at": chased_at.isoformat(), "how": "phone"},
            },
        )
    )
    assert report["status"] == "applied", report
    assert "chase_update_missing" not in due(report["ticket"])


def test_a_chase_is_signed_names_a_known_ticket_and_says_when(org, client, app, push_ticket):
    ticket = pushed(push_ticket, type="OUTAGE")
    when = {"at": now_whole().isoformat()}
    assert chase(client, app, "CPC-NOPE", when).status_code == 404
    assert chase(client, app, ticket["crm_id"], when, secret="wrong").status_code == 401
    bad = chase(client, app, ticket["crm_id"], {"at": "yesterday"})
    assert bad.status_code == 400 and "at" in bad.get_json()["errors"]
    twice = [chase(client, app, ticket["crm_id"], when).get_json() for _ in range(2)]
    assert [e["action"] for e in twice[1]["events"]].count("chased") == 1


def test_a_closed_ticket_is_answered_unchanged(org, client, app, push_ticket, sync):
    ticket = pushed(push_ticket, type="OUTAGE")
    send = sync("crew")
    send(op(ticket["id"], "return", {"reason": "not_our_area", "note": "Khác địa bàn"}))
    resp = chase(client, app, ticket["crm_id"], {"at": now_whole().isoformat()})
    assert resp.status_code == 200
    assert resp.get_json()["status"] == "returned" and resp.get_json()["chased_at"] is None


# --- 7. the special customer's confirmation ------------------------------------------------


def test_a_special_customers_confirmation_is_a_contact_after_the_work(org, push_ticket, sync):
    ticket = pushed(push_ticket, type="OUTAGE", customer=customer("PC03EL0000001", birth_year=1940))
    assert "elderly" in ticket["flags"]
    done = {"result": "Đã sửa", "restored_at": now_whole().isoformat(), "cause": "Đứt dây"}
    send = sync("crew")
    send(op(ticket["id"], "accept"))
    send(op(ticket["id"], "contact", {"outcome": "confirmed_done", "note": "Bà xác nhận"}))
    send(op(ticket["id"], "update", {"note": "Thay thêm dây sau công tơ"}))
    [boxed] = send(op(ticket["id"], "complete", {**done, "customer_confirmed": True}))
    assert boxed["status"] == "rejected" and "customer_confirmed" in boxed["error"]["fields"]
    [blocked] = send(op(ticket["id"], "complete", done))
    assert blocked["error"]["fields"] == ["customer_confirmation"]
    send(op(ticket["id"], "contact", {"outcome": "confirmed_done", "note": "Bà xác nhận lại"}))
    [completed] = send(op(ticket["id"], "complete", done))
    assert completed["status"] == "applied" and completed["ticket"]["customer_confirmed"]


# --- 8. returning --------------------------------------------------------------------------


def test_once_work_started_only_the_leader_returns_a_ticket(org, push_ticket, sync):
    back = {"reason": "not_our_area", "note": "Khách ở phường khác"}
    early = pushed(push_ticket, type="OUTAGE", customer=customer("PC03RT0000001"))
    crew = sync("crew")
    crew(op(early["id"], "accept"))
    assert crew(op(early["id"], "return", back))[0]["status"] == "applied"

    worked = pushed(push_ticket, type="OUTAGE", customer=customer("PC03RT0000002"))
    crew(op(worked["id"], "accept"))
    crew(op(worked["id"], "contact", {"outcome": "no_answer"}))
    [refused] = crew(op(worked["id"], "return", back))
    assert refused["error"]["code"] == "not_allowed"
    assert "chỉ đội trưởng" in refused["error"]["message"]
    [returned] = sync("lead")(op(worked["id"], "return", back))
    assert returned["status"] == "applied" and returned["ticket"]["status"] == "returned"
