"""The reconnection handover at closing time (DOMAIN §7, issue 13 item 2), end to end with the
real worker: a business-desk RECONNECT left open at 16:55 goes to the duty desk's list with a
push, its deadlines unchanged, and waits for the duty desk's acknowledgement."""

from datetime import time, timedelta

from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.models import Event, Ticket, utcnow
from fieldapp.services.calendar import current_calendar
from tests.api.helpers import arrived, intake_body
from tests.workers.processes import kill_with_its_jobs, start_worker, wait_until


def last_working_day_before_today():
    cal = current_calendar()
    day = cal.local(utcnow()).date() - timedelta(days=1)
    while not cal.is_working_day(day):
        day -= timedelta(days=1)
    db.session.rollback()  # end the read of the calendar's overrides: others write now
    return cal, day


def handover_pushes(push_service) -> dict[str, int]:
    return {
        device: n
        for (device, kind, _), n in push_service.per_device().items()
        if kind == "handover_ack"
    }


def test_a_reconnection_left_open_at_1655_is_on_the_duty_desks_list_with_a_push(
    app, org, push_ticket, sync_as, push_service, client, login, tmp_path
):
    for name in ("crew", "crew2", "desk", "lead"):
        push_service.subscribe(org["users"][name].id, f"{name}-phone")
    cal, day = last_working_day_before_today()
    received, closing = cal.at_local(day, time(15, 30)), cal.at_local(day, time(16, 55))
    resp = push_ticket(intake_body(type="RECONNECT", received_at=received.isoformat()))
    ticket = resp.get_json()
    assert ticket["desk"] == "business"
    arrived(ticket["id"], received)
    sync_as("desk", ticket["id"], "accept", at=received + timedelta(minutes=1))
    before = db.session.get(Ticket, ticket["id"])
    deadlines = (before.accept_by, before.contact_by, before.resolve_by)

    log = tmp_path / "worker.log"
    worker = start_worker(app, log, DISPATCH_INTERVAL_SECONDS=0.1)
    try:
        # Both duty-desk phones (crew, crew2) get it; the business clerk does not.
        wait_until(
            lambda: len(handover_pushes(push_service)) == 2,
            60,
            lambda: f"the duty desk's pushes; the worker's log:\n{log.read_text()}",
        )
    finally:
        kill_with_its_jobs(worker)

    assert handover_pushes(push_service) == {"crew-phone": 1, "crew2-phone": 1}
    db.session.rollback()
    after = db.session.get(Ticket, ticket["id"])
    assert (after.desk, after.assignee_id, after.handover_pending) == ("operations", None, True)
    assert (after.accept_by, after.contact_by, after.resolve_by) == deadlines
    [moved] = db.session.scalars(
        select(Event).where(Event.ticket_id == ticket["id"], Event.action == "transferred")
    )
    assert (moved.at, moved.user_id) == (closing, None)
    assert moved.data["handover"] is True and moved.data["to"] == "operations"

    login("crew")
    page = client.get("/").get_data(as_text=True)
    assert f'id="row-{ticket["id"]}"' in page and "Chờ trực vận hành xác nhận" in page
    result = sync_as("crew", ticket["id"], "acknowledge", {"note": "Đã nhận sổ giao ca"})
    assert result["status"] == "applied"
    db.session.rollback()
    signed = db.session.get(Ticket, ticket["id"])
    assert (signed.handover_pending, signed.assignee_id) == (False, org["users"]["crew"].id)
