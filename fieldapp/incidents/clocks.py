"""An incident's clocks as badges (rules.incidents): the report, the full report, the ETA."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from fieldapp.rules import incidents
from fieldapp.rules.incidents import IncidentState


@dataclass(frozen=True)
class ClockBadge:
    """One clock: `left` until it is due (negative once passed; for the report, how early it
    came), and how it stands: ok, soon, late, or done (met)."""

    kind: str  # report | complete | eta | restored
    due_at: datetime
    left: timedelta
    level: str


def badges(state: IncidentState, now: datetime) -> list[ClockBadge]:
    """The report's clock, then what is still due while the power is out."""
    shown = [_report(state)]
    if not incidents.is_open(state):
        assert state.restored_at is not None  # closed by restoring it
        return shown + [ClockBadge("restored", state.restored_at, timedelta(0), "done")]
    if state.kind == "unplanned" and not incidents.complete(state):
        shown.append(_running("complete", incidents.complete_due(state), now, incidents.ETA_NOTICE))
    shown.append(_running("eta", state.eta, now, incidents.ETA_WARN))
    return shown


def _report(state: IncidentState) -> ClockBadge:
    due = incidents.report_due(state)
    met = incidents.reported_in_time(state)
    return ClockBadge("report", due, due - state.reported_at, "done" if met else "late")


def _running(kind: str, due: datetime, now: datetime, warn: timedelta) -> ClockBadge:
    left = due - now
    level = "late" if left <= timedelta(0) else "soon" if left <= warn else "ok"
    return ClockBadge(kind, due, left, level)


def worst(shown: list[ClockBadge]) -> str:
    """The row's colour: its most pressing clock."""
    levels = {b.level for b in shown if b.kind != "report"}
    return next((level for level in ("late", "soon") if level in levels), "ok")
