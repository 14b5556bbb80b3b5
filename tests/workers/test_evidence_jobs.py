"""The evidence jobs: unattached uploads after a day, retention of closed tickets' evidence
(DOMAIN §7), the `flask evidence` commands and the sweep's step."""

from datetime import timedelta

import pytest

from fieldapp.extensions import db
from fieldapp.models import Attachment, Ticket, utcnow
from fieldapp.redis_conn import get_redis
from workers import evidence
from workers.sweep import run_sweep

DAY = timedelta(days=1)


@pytest.fixture
def file_on(org):
    """A file of a ticket (or of none: not attached), uploaded `age` ago by the crew."""

    def _file(ticket_id=None, age=timedelta(0), name="anh.jpg", made_for=None):
        row = Attachment(
            ticket_id=ticket_id,
            for_ticket_id=made_for or ticket_id,
            user_id=org["users"]["crew"].id,
            filename=name,
            content_type="image/jpeg",
            size=5,
            data=b"\xff\xd8\xffxx",
            created_at=utcnow() - age,
        )
        db.session.add(row)
        db.session.commit()
        return row.id

    return _file


@pytest.fixture
def closed(new_ticket):
    """A ticket completed (or returned) `ago`; its id."""

    def _closed(ago, returned=False, **intake):
        made = new_ticket(**intake)["id"]
        db.session.rollback()  # see what the intake committed
        ticket = db.session.get(Ticket, made)
        ended = utcnow() - ago
        if returned:
            ticket.status, ticket.returned_at = "returned", ended
        else:
            ticket.status, ticket.completed_at = "completed", ended
        db.session.commit()
        return ticket.id

    return _closed


def state(attachment_id):
    """'gone', 'purged' or 'kept'."""
    db.session.rollback()
    row = db.session.get(Attachment, attachment_id)
    if row is None:
        return "gone"
    return "purged" if row.purged_at is not None else "kept"


def test_cleanup_deletes_unattached_uploads_older_than_a_day(new_ticket, file_on):
    t = new_ticket()["id"]
    old = file_on(age=DAY + timedelta(minutes=1), made_for=t)
    young = file_on(age=DAY - timedelta(minutes=1), made_for=t)
    attached = file_on(t, age=30 * DAY)
    legacy = file_on(age=2 * DAY)  # from before uploads recorded their ticket
    assert evidence.cleanup() == 2
    assert [state(i) for i in (old, young, attached, legacy)] == ["gone", "kept", "kept", "gone"]
    assert evidence.cleanup() == 0  # run twice: nothing more


def test_retention_keeps_complaints_3_years_and_serious_ones_5(closed, file_on):
    year = timedelta(days=366)
    cases = {
        "complaint_3y": (closed(3 * year, type="COMPLAINT"), "purged"),
        "complaint_2y": (closed(2 * year + 300 * DAY, type="COMPLAINT"), "kept"),
        "returned_3y": (closed(3 * year, returned=True, type="COMPLAINT"), "purged"),
        "media_4y": (closed(4 * year, type="MEDIA_COMPLAINT"), "kept"),
        "media_5y": (closed(5 * year, type="MEDIA_COMPLAINT"), "purged"),
        "difficult_4y": (closed(4 * year, type="COMPLAINT", customer={"difficult": True}), "kept"),
        "third_call_4y": (closed(4 * year, type="COMPLAINT", contact_count=3), "kept"),
        "second_call_4y": (closed(4 * year, type="COMPLAINT", contact_count=2), "purged"),
        "outage_6y": (closed(6 * year, type="OUTAGE"), "kept"),  # not a complaint: kept
    }
    files = {name: file_on(ticket) for name, (ticket, _) in cases.items()}
    assert evidence.purge() == 4
    assert {name: state(files[name]) for name in cases} == {
        name: expected for name, (_, expected) in cases.items()
    }
    assert evidence.purge() == 0  # run twice: nothing more


def test_open_complaints_keep_their_evidence(new_ticket, file_on):
    made = new_ticket(type="COMPLAINT")["id"]
    db.session.rollback()
    ticket = db.session.get(Ticket, made)
    ticket.received_at -= 10 * 365 * DAY  # very old, still open
    db.session.commit()
    kept = file_on(ticket.id, age=10 * 365 * DAY)
    assert evidence.purge() == 0 and state(kept) == "kept"


def test_other_tickets_evidence_has_a_retention_when_configured(app, closed, file_on):
    app.config["EVIDENCE_KEEP_OTHER_YEARS"] = 1
    old = file_on(closed(400 * DAY, type="OUTAGE"))
    recent = file_on(closed(300 * DAY, type="OUTAGE"))
    assert evidence.purge() == 1 and (state(old), state(recent)) == ("purged", "kept")


def test_a_purged_file_leaves_a_trace_in_the_timeline(client, login, closed, file_on):
    ticket = closed(4 * 366 * DAY, type="COMPLAINT")
    purged = file_on(ticket, name="hien-truong.jpg")
    event = db.session.get(Ticket, ticket).events[0]
    event.data = {**event.data, "attachments": [purged]}
    db.session.commit()
    evidence.purge()
    db.session.rollback()
    row = db.session.get(Attachment, purged)
    assert row.data == b"" and row.size == 5 and row.filename == "hien-truong.jpg"
    login("desk")
    html = client.get(f"/tickets/{ticket}").get_data(as_text=True)
    assert "“hien-truong.jpg” đã xóa ngày" in html and "hết thời hạn lưu trữ" in html
    assert client.get(f"/attachments/{purged}").status_code == 404


def test_purge_cli_lists_in_a_dry_run_and_deletes_without_it(runner, closed, file_on):
    ticket = closed(4 * 366 * DAY, type="COMPLAINT")
    due = file_on(ticket, name="bien-ban.pdf")
    kept = file_on(closed(DAY, type="COMPLAINT"), name="moi.jpg")
    crm_id = db.session.get(Ticket, ticket).crm_id
    dry = runner.invoke(args=["evidence", "purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    lines = dry.output.splitlines()
    assert lines[0].split("\t")[:4] == [crm_id, f"#{ticket}", "bien-ban.pdf", "5 B"]
    assert lines[0].split("\t")[4].startswith("1464 d")  # 4 × 366 days since completion
    assert lines[1:] == ["1 files, 5 bytes"]
    assert (state(due), state(kept)) == ("kept", "kept")
    done = runner.invoke(args=["evidence", "purge"])
    assert done.exit_code == 0 and done.output.splitlines()[-1] == "purged 1 files"
    assert (state(due), state(kept)) == ("purged", "kept")


def test_cleanup_cli_lists_in_a_dry_run_and_deletes_without_it(runner, new_ticket, file_on):
    ticket = new_ticket()["id"]
    old = file_on(age=2 * DAY, made_for=ticket, name="cu.jpg")
    dry = runner.invoke(args=["evidence", "cleanup", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert dry.output.splitlines()[0].split("\t")[1:3] == [f"#{ticket}", "cu.jpg"]
    assert state(old) == "kept"
    done = runner.invoke(args=["evidence", "cleanup"])
    assert done.output.splitlines()[-1] == "deleted 1 unattached uploads"
    assert state(old) == "gone"


def test_the_sweep_runs_both_jobs_once_per_period(app, queue, new_ticket, file_on):
    old = file_on(age=2 * DAY, made_for=new_ticket()["id"])
    first = run_sweep()["workers.evidence.sweep"]
    assert first == repr("1 unattached deleted, 0 purged") and state(old) == "gone"
    again = file_on(age=2 * DAY)
    assert run_sweep()["workers.evidence.sweep"] == repr("not due")
    assert state(again) == "kept"
    get_redis(app).delete(evidence.SWEEP_KEY)  # the period is over
    assert run_sweep()["workers.evidence.sweep"] == repr("1 unattached deleted, 0 purged")


def test_years_before_keeps_the_day_or_falls_back_from_29_february():
    leap = utcnow().replace(year=2028, month=2, day=29)
    assert evidence.years_before(leap, 3).date().isoformat() == "2025-02-28"
    assert evidence.years_before(leap, 4).date().isoformat() == "2024-02-29"
