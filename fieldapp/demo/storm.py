"""A station goes dark (DOMAIN §8), for the demo: a burst of outage calls from its customers.

150 calls in 20 minutes by default, each carrying the station and feeder the customer is on
(CONTRACT: the customer block's `station`, `feeder`), so that the app alerts the team leader at
the third call, proposes the calls for the incident once declared, and links later ones at
intake. Calls come fastest at first, as neighbours find their power gone together.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from fieldapp.demo import crm_simulator as sim

CONTENT = [
    "Mất điện cả khu phố, nghe tiếng nổ lớn ở trạm biến áp.",
    "Cả xóm mất điện từ mấy phút trước, trời đang mưa to gió lớn.",
    "Mất điện toàn khu, đèn đường cũng tắt.",
    "Nhà mất điện, hàng xóm hai bên cũng mất.",
]

PUSH_DELAY = timedelta(seconds=20)  # from the call to the CRM's push


@dataclass(frozen=True)
class Storm:
    """Which station goes dark, when (seconds into the run) and how many calls it brings."""

    team: str
    after: float = 120.0
    calls: int = 150
    minutes: float = 20.0

    @property
    def street(self) -> str:
        """The station's street: the team's first (sim.grid_of gives its station, feeder)."""
        return sim.STREETS.get(self.team, sim.OTHER_STREETS)[1][0]


def call_times(storm: Storm) -> list[float]:
    """Seconds into the run at which each call is pushed."""
    span = storm.minutes * 60
    return [storm.after + span * (i / storm.calls) ** 1.5 for i in range(storm.calls)]


def timeline(storm: Storm, seed: int, clock=None) -> sim.Timeline:
    """The storm's calls at their times, for sim.simulate's `extra`."""
    calls = storm_calls(storm, seed, clock or (lambda: datetime.now(sim.LOCAL)))
    return [(at, calls) for at in call_times(storm)]


def storm_calls(storm: Storm, seed: int, clock) -> Iterator[dict]:
    """The CRM bodies of the storm's calls, received at `clock()` when each is built."""
    rng = random.Random(seed)
    area, _streets = sim.STREETS.get(storm.team, sim.OTHER_STREETS)
    for n in range(1, storm.calls + 1):
        now: datetime = clock()
        customer = sim.customer(rng, now, storm.team)
        customer["address"] = f"{rng.randint(1, 320)} {storm.street}" + (
            f", {area}" if area else ""
        )
        yield {
            "crm_id": f"CPC-{now.astimezone(sim.LOCAL).year}-B{seed % 10**6:06d}-{n:03d}",
            "type": "OUTAGE",
            "team": storm.team,
            "channel": "phone",
            # In the order the CRM pushes them: the cluster rule counts calls as they come.
            "received_at": sim.iso(now - PUSH_DELAY),
            "content": rng.choice(CONTENT),
            "customer": {**customer, **sim.grid_of(storm.team, storm.street)},
            "repeat_of": None,
            "contact_count": 1,
        }
