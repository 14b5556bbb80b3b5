"""Each reminder reaches each device once: a worker killed mid-send, Redis losing everything."""

import time

from sqlalchemy import func, select

from fieldapp.extensions import db
from fieldapp.models import ReminderDelivery, utcnow
from fieldapp.redis_conn import get_redis
from tests.api.helpers import ago
from tests.workers.processes import kill_with_its_jobs, start_worker, wait_until
from workers import dispatch, reminders
from workers.sweep import enqueue_sweep

DEVICES = (("crew", "crew-a"), ("crew", "crew-b"), ("crew2", "crew2-a"))


def statuses() -> dict[str, int]:
    db.session.rollback()
    return dict(
        db.session.execute(
            select(ReminderDelivery.status, func.count()).group_by(ReminderDelivery.status)
        ).all()
    )


def subscribe_all(org, push_service) -> None:
    for username, device in DEVICES:
        push_service.subscribe(org["users"][username].id, device)


def sweep_once(queue, work) -> None:
    """One periodic sweep, run by a worker: what follows a Redis restart or a dead worker."""
    enqueue_sweep(queue, time.time(), 30)
    work()


def test_a_worker_killed_mid_send_sends_no_reminder_twice(
    app, org, new_ticket, push_service, queue, work, tmp_path
):
    subscribe_all(org, push_service)
    for _ in range(3):
        new_ticket()  # three new tickets for the operations desk: 9 pushes
    push_service.gate.clear()  # the push service takes the requests, and stalls

    log = tmp_path / "worker.log"
    worker = start_worker(app, log)
    try:
        # Wait until every push the worker has claimed is sitting at the push service.
        wait_until(
            lambda: statuses().get("sending", 0) >= 1,
            60,
            lambda: f"the worker to start sending; its log:\n{log.read_text()}",
        )
        wait_until(
            lambda: push_service.arrivals == statuses().get("sending"),
            10,
            "the claimed pushes to reach the push service",
        )
        time.sleep(0.3)
        in_flight = statuses()["sending"]
        assert push_service.arrivals == in_flight and 0 < in_flight < 9
    finally:
        kill_with_its_jobs(worker)
    push_service.gate.set()  # the stalled requests complete: those phones got their push
    wait_until(
        lambda: push_service.count() == in_flight or push_service.rejected, 10, "the stalled pushes"
    )
    assert push_service.rejected == []

    sweep_once(queue, work)

    counts = push_service.per_device()
    assert len(counts) == 9 and set(counts.values()) == {1}, counts
    assert statuses() == {"sending": in_flight, "sent": 9 - in_flight}
    sweep_once(queue, work)
    assert push_service.count() == 9


def test_after_redis_loses_everything_one_sweep_sends_every_due_reminder(
    app, org, new_ticket, push_service, queue, work
):
    subscribe_all(org, push_service)
    tickets = [new_ticket(received_at=ago(minutes=5).isoformat()) for _ in range(3)]
    assert dispatch.tick(queue, "before-the-crash")  # the jobs were enqueued...
    get_redis(app).flushdb()  # ...and Redis restarted without them
    assert queue.count == 0 and push_service.count() == 0

    sweep_once(queue, work)

    counts = push_service.per_device()
    kinds = {kind for _, kind, _ in counts}
    assert kinds == {"new_ticket", "accept_due"}
    assert len(counts) == len(DEVICES) * len(tickets) * 2 and set(counts.values()) == {1}


def test_deliveries_fanned_out_before_redis_was_lost_still_go_once(
    app, org, new_ticket, push_service, queue, work
):
    subscribe_all(org, push_service)
    new_ticket()
    seen, claimed, ids = reminders.claim_due(utcnow(), 100)  # the job died after fanning out
    assert (seen, claimed, len(ids)) == (1, 1, 3)
    get_redis(app).flushdb()

    sweep_once(queue, work)

    assert set(push_service.per_device().values()) == {1} and push_service.count() == 3
    sweep_once(queue, work)
    assert push_service.count() == 3


def test_a_push_retry_lost_with_redis_is_found_by_the_sweep(
    app, org, new_ticket, push_service, queue, work
):
    push_service.subscribe(org["users"]["crew"].id, "busy-phone")
    push_service.answers = {"busy-phone": [(429, {"Retry-After": "1"})]}
    new_ticket()
    queue.enqueue(reminders.send_due)
    work()
    get_redis(app).flushdb()  # the scheduled retry is gone
    time.sleep(1.1)

    sweep_once(queue, work)

    assert push_service.count("busy-phone") == 1
    assert statuses() == {"sent": 1}
