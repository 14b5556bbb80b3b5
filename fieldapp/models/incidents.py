"""Wide-area incidents (DOMAIN §8): an outage of an area, and the OUTAGE tickets it groups."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.extensions import Model
from fieldapp.models.org import Team, User
from fieldapp.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from fieldapp.models.tickets import Ticket


class Incident(Model):
    """The current state of an incident, derived from its events; `version` counts changes."""

    __tablename__ = "incidents"
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    kind: Mapped[str] = mapped_column(String(16))  # unplanned | planned
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | restored
    area: Mapped[str] = mapped_column(String(400))
    station: Mapped[str | None] = mapped_column(String(64))
    feeder: Mapped[str | None] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    noticed_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the report clock starts here
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    eta: Mapped[datetime] = mapped_column(UTCDateTime)
    cause: Mapped[str | None] = mapped_column(Text)
    cause_code: Mapped[str] = mapped_column(String(32), default="grid_incident")
    restored_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    eta_changes: Mapped[int] = mapped_column(default=0)
    late_eta_changes: Mapped[int] = mapped_column(default=0)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    last_action_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    team: Mapped[Team] = relationship()
    events: Mapped[list["IncidentEvent"]] = relationship(
        back_populates="incident", order_by="IncidentEvent.id", cascade="all, delete-orphan"
    )
    tickets: Mapped[list["Ticket"]] = relationship(order_by="Ticket.id", viewonly=True)

    __table_args__ = (Index("ix_incidents_team_status", "team_id", "status"),)

    # What the reminder audiences read of a target (services.audience): an incident is the
    # operations desk's, and has no assignee.
    desk = "operations"
    assignee_id = None


class IncidentEvent(Model):
    """One thing that happened to an incident; never updated, never deleted."""

    __tablename__ = "incident_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    op_id: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    skew_seconds: Mapped[int | None]
    bounded_by: Mapped[str | None] = mapped_column(String(16))
    moved_seconds: Mapped[int | None]

    incident: Mapped[Incident] = relationship(back_populates="events")
    user: Mapped[User | None] = relationship()
