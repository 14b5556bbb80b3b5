"""What leaders read per wide-area incident (DOMAIN §8), on its page and in the month's report:
customers calling, tickets linked, time to report, time to restore, ETA changes in time.

Customers calling are the tickets linked plus the outage tickets the rules would link by
station or feeder (rules.incidents.proposes) that arrived while the power was out but were
never linked: each is one call.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from fieldapp.extensions import db
from fieldapp.models import Incident, Ticket
from fieldapp.reports.periods import Period
from fieldapp.rules import incidents
from fieldapp.services.ticket_state import to_incident_state

_BY_GRID = ("station", "feeder")
# The month's list, on the report's page and its "Sự cố" sheet: (key, heading).
COLUMNS = (
    ("team", _l("Đơn vị")),
    ("area", _l("Khu vực mất điện")),
    ("grid", _l("Trạm / tuyến dây")),
    ("started_at", _l("Bắt đầu mất điện")),
    ("calling", _l("Khách hàng gọi")),
    ("linked", _l("Phiếu đã gắn")),
    ("report_minutes", _l("Báo cáo sau (phút)")),
    ("reported_in_time", _l("Báo cáo đúng hạn")),
    ("restore_minutes", _l("Khôi phục sau (phút)")),
    ("eta_changes", _l("Số lần đổi giờ dự kiến")),
    ("eta_changes_in_time", _l("Đổi giờ báo đúng hạn")),
)


@dataclass(frozen=True)
class IncidentFigures:
    """One incident's figures; times are spans (None while the power is still out)."""

    incident: Incident
    calling: int
    linked: int
    time_to_report: timedelta
    reported_in_time: bool
    time_to_restore: timedelta | None
    eta_changes: int
    eta_changes_in_time: int

    def values(self) -> dict:
        """The month's list's cells, by COLUMNS key: spans in whole minutes, yes/no as text."""
        i = self.incident
        restore = self.time_to_restore
        return {
            "team": i.team.name,
            "area": i.area,
            "grid": " / ".join(v for v in (i.station, i.feeder) if v),
            "started_at": i.started_at,
            "calling": self.calling,
            "linked": self.linked,
            "report_minutes": _minutes(self.time_to_report),
            "reported_in_time": str(_l("Có") if self.reported_in_time else _l("Không")),
            "restore_minutes": None if restore is None else _minutes(restore),
            "eta_changes": self.eta_changes,
            "eta_changes_in_time": self.eta_changes_in_time,
        }


def _minutes(span: timedelta) -> int:
    return int(span.total_seconds() // 60)


def figures(rows: list[Incident], now: datetime) -> list[IncidentFigures]:
    """The figures of each incident, in the order given."""
    linked = linked_counts([i.id for i in rows])
    return [_figures(i, linked.get(i.id, 0), _unlinked_calls(i, now)) for i in rows]


def month_incidents(
    period: Period, team_ids: list[int] | None, now: datetime
) -> list[IncidentFigures]:
    """The incidents that started in the period (of these teams; None: all), oldest first."""
    query = (
        select(Incident)
        .options(selectinload(Incident.team))
        .where(Incident.started_at >= period.start, Incident.started_at < period.end)
        .order_by(Incident.started_at, Incident.id)
    )
    if team_ids is not None:
        query = query.where(Incident.team_id.in_(team_ids))
    return figures(list(db.session.scalars(query)), now)


def _figures(incident: Incident, linked: int, unlinked: int) -> IncidentFigures:
    state = to_incident_state(incident)
    restored = state.restored_at - state.started_at if state.restored_at else None
    return IncidentFigures(
        incident,
        linked + unlinked,
        linked,
        state.reported_at - state.noticed_at,
        incidents.reported_in_time(state),
        restored,
        state.eta_changes,
        state.eta_changes - state.late_eta_changes,
    )


def linked_counts(ids: list[int]) -> dict[int, int]:
    """How many tickets each of these incidents holds."""
    if not ids:
        return {}
    rows = db.session.execute(
        select(Ticket.incident_id, func.count())
        .where(Ticket.incident_id.in_(ids))
        .group_by(Ticket.incident_id)
    )
    return {incident_id: count for incident_id, count in rows if incident_id is not None}


def _unlinked_calls(incident: Incident, now: datetime) -> int:
    """Outage calls of the incident's station or feeder, while its power was out, not linked."""
    keys = [
        c == v
        for c, v in (
            (Ticket.customer_station, incident.station),
            (Ticket.customer_feeder, incident.feeder),
        )
        if v
    ]
    if not keys:
        return 0
    # The database narrows by the station and feeder; the rules judge each call.
    rows = db.session.execute(
        select(Ticket.customer_station, Ticket.customer_feeder).where(
            Ticket.team_id == incident.team_id,
            Ticket.type == "OUTAGE",
            Ticket.incident_id.is_(None),
            or_(*keys),
            Ticket.received_at >= incident.started_at,
            Ticket.received_at <= (incident.restored_at or now),
        )
    )
    state = to_incident_state(incident)
    return sum(
        incidents.proposes(state, station, feeder, "") in _BY_GRID for station, feeder in rows
    )
