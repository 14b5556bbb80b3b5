"""A simulated phone: an outbox of ops sent to POST /api/v1/sync over a bad network.

The phone keeps an op until the server has answered it applied or duplicate, as the real
outbox does. Its network and its replay are unreliable on purpose: batches picked out of
order, the same op twice in a batch, answers lost after the server committed (the phone
sends the batch again), requests cut before the answer while the server goes on, two
requests with the same batch at once, and old batches sent again much later.
"""

import json
import random
import threading
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import requests

from tests.api.conftest import with_tickets
from tests.sync.model import PlannedOp

ACKED = ("applied", "duplicate")
OPEN = ("received", "accepted", "in_progress")
MAX_ROUNDS = 400


class Phone:
    def __init__(
        self,
        base_url: str,
        username: str,
        device_id: str,
        skew: timedelta,
        ops: list[PlannedOp],
        rng: random.Random,
    ):
        self.base_url, self.username, self.device_id = base_url, username, device_id
        self.skew, self.rng = skew, rng
        self.pending = {o.op_id: o for o in ops if not o.held}
        self.held = [o for o in ops if o.held]
        self.acked: set[str] = set()
        self.lost: set[str] = set()  # contested accepts another phone won
        self.answers: dict[str, list[str]] = defaultdict(list)  # every answer the server gave
        self.problems: list[str] = []
        self.stale: list[list[PlannedOp]] = []
        self._lock = threading.Lock()
        self.http = requests.Session()
        self.twin = requests.Session()  # a second connection from the same signed-in phone
        self.token = ""

    def sign_in(self) -> None:
        resp = self.http.post(
            f"{self.base_url}/api/v1/session",
            timeout=30,
            json={"username": self.username, "password": "pw"},
        )
        resp.raise_for_status()
        self.token = resp.json()["csrf_token"]
        self.twin.cookies.update(self.http.cookies)

    def run(self) -> None:
        """Replay the outbox until every op is answered for good."""
        try:
            self._run()
        except Exception as exc:  # noqa: BLE001 - a crash must fail the test, not the thread
            self.problems.append(f"{self.device_id} crashed: {exc!r}")
        finally:
            self.http.close()
            self.twin.close()

    def _run(self) -> None:
        rounds = 0
        while self.pending or self.held:
            rounds += 1
            if rounds > MAX_ROUNDS:
                self.problems.append(
                    f"{self.device_id}: still pending after {MAX_ROUNDS} "
                    f"rounds: {sorted(self.pending)} held {self.held}"
                )
                return
            self._release_held()
            if self.pending:
                self._send_one_batch(self._pick_batch())
            if self.stale and self.rng.random() < 0.15:
                self._send_stale()
        while self.stale:  # everything answered: old batches can only be duplicates now
            self._send_stale()

    def _send_stale(self) -> None:
        old = self.stale.pop(0)
        self._take(old, self._post(old))

    def _release_held(self) -> None:
        """A crew completes a ticket only after its earlier ops on it are answered."""
        waiting = {o.ticket_id for o in self.pending.values()}
        for op in [o for o in self.held if o.ticket_id not in waiting]:
            self.held.remove(op)
            self.pending[op.op_id] = op

    def _pick_batch(self) -> list[PlannedOp]:
        """A few ops from the outbox in any order, sometimes one of them twice."""
        outbox = list(self.pending.values())
        ops = self.rng.sample(outbox, min(len(outbox), self.rng.randint(1, 6)))
        if self.rng.random() < 0.3:
            ops.insert(self.rng.randrange(len(ops) + 1), self.rng.choice(ops))
        return ops

    def _send_one_batch(self, ops: list[PlannedOp]) -> None:
        chaos = self.rng.random()
        if chaos < 0.2:  # the answer is lost after the commit: send the same batch again
            self._record(ops, self._post(ops))
            self._take(ops, self._post(ops))
        elif chaos < 0.3:  # the connection drops before the answer; the server goes on
            self._post(ops, cut=True)
            self._take(ops, self._post(ops))
        elif chaos < 0.4:  # the page and the background sync send the same batch at once
            self._take_twins(ops)
        else:
            self._take(ops, self._post(ops))
        if self.rng.random() < 0.15:  # kept by a flaky retry layer, sent again much later
            self.stale.append(ops)

    def _post(self, ops: list[PlannedOp], cut: bool = False, http=None) -> list[dict] | None:
        """POST a batch; its results, or None when there was no usable answer."""
        now = datetime.now(UTC) + self.skew
        body = {
            "device_id": self.device_id,
            "sent_at": now.isoformat(),
            "ops": [o.body(self.skew) for o in ops],
        }
        try:
            resp = (http or self.http).post(
                f"{self.base_url}/api/v1/sync",
                data=json.dumps(body),
                headers={"Content-Type": "application/json", "X-CSRFToken": self.token},
                timeout=(10, 0.005) if cut else 120,
            )
        except requests.exceptions.ReadTimeout:
            if not cut:
                self.problems.append(f"{self.device_id}: no answer in time")
            return None
        except requests.exceptions.RequestException as exc:
            self.problems.append(f"{self.device_id}: network error {exc!r}")
            return None
        if resp.status_code != 200:
            self.problems.append(f"{self.device_id}: HTTP {resp.status_code} {resp.text[:300]}")
            return None
        results = with_tickets(resp.json())
        if [r["op_id"] for r in results] != [o.op_id for o in ops]:
            self.problems.append(f"{self.device_id}: results do not match the ops sent")
            return None
        return results

    def _take_twins(self, ops: list[PlannedOp]) -> None:
        """The same batch on two connections at once; both answers are read."""
        twin_results: list = []
        other = threading.Thread(
            target=lambda: twin_results.append(self._post(ops, http=self.twin))
        )
        other.start()
        mine = self._post(ops)
        other.join()
        self._take(ops, mine, concurrent=True)
        self._take(ops, twin_results[0], concurrent=True)

    def _record(self, ops: list[PlannedOp], results: list[dict] | None) -> None:
        """Note what the server said, although the phone never got it."""
        if results is None:
            return
        with self._lock:
            for op, result in zip(ops, results, strict=True):
                self.answers[op.op_id].append(result["status"])

    def _take(
        self, ops: list[PlannedOp], results: list[dict] | None, concurrent: bool = False
    ) -> None:
        """Act on the answers: acked ops leave the outbox, others stay or are judged lost."""
        self._record(ops, results)
        if results is not None:
            for op, result in zip(ops, results, strict=True):
                self._judge(op, result, concurrent)

    def _judge(self, op: PlannedOp, result: dict, concurrent: bool) -> None:
        status, ticket = result["status"], result.get("ticket") or {}
        if status in ACKED:
            if op.op_id in self.lost:
                self.problems.append(f"{op.op_id} {op.action}: {status} after a lost contest")
            self.acked.add(op.op_id)
            self.pending.pop(op.op_id, None)
            return
        code = (result.get("error") or {}).get("code")
        if op.contested and code == "not_allowed" and ticket.get("status") != "received":
            # Another phone of the team accepted it first: the crew is told, the op leaves.
            if op.op_id in self.acked and not concurrent:
                self.problems.append(f"{op.op_id} accept: rejected after it was applied")
            self.lost.add(op.op_id)
            self.pending.pop(op.op_id, None)
        elif op.op_id in self.acked:
            if not concurrent:
                self.problems.append(f"{op.op_id} {op.action}: rejected after it was applied")
        elif code == "not_allowed" and ticket.get("status") in OPEN and op.action != "accept":
            # Judged before its accept reached the server (the ticket shown is as it is now,
            # after the whole batch): it stays in the outbox and goes again.
            pass
        else:
            self.problems.append(
                f"{op.op_id} {op.action} on ticket {op.ticket_id}: "
                f"unexpected rejection {result.get('error')} "
                f"(ticket {ticket.get('status')})"
            )
            self.pending.pop(op.op_id, None)
