"""Tickets, their append-only events, and the op ids already applied."""

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Date, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.extensions import Model
from fieldapp.models.org import Team, User
from fieldapp.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from fieldapp.models.delivery import Reminder


class Ticket(Model):
    """The current state of a ticket, derived from its events; `version` counts changes."""

    __tablename__ = "tickets"
    id: Mapped[int] = mapped_column(primary_key=True)
    crm_id: Mapped[str] = mapped_column(String(64), unique=True)
    type: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="received")
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    desk: Mapped[str] = mapped_column(String(16))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    channel: Mapped[str] = mapped_column(String(16))
    origin: Mapped[str] = mapped_column(String(16), default="crm")  # crm | counter
    content: Mapped[str] = mapped_column(Text, default="")

    customer_code: Mapped[str | None] = mapped_column(String(32), index=True)
    customer_name: Mapped[str] = mapped_column(String(200))
    # The name folded (rules.customers.fold), so the counter finds "Lê Thị Mai" from "le thi mai".
    customer_name_key: Mapped[str] = mapped_column(String(200), default="")
    customer_phone: Mapped[str | None] = mapped_column(String(32), index=True)
    customer_address: Mapped[str] = mapped_column(String(400), default="")
    customer_birth_date: Mapped[date | None] = mapped_column(Date)
    customer_birth_year: Mapped[int | None]
    customer_sex: Mapped[str | None] = mapped_column(String(1))
    customer_important: Mapped[bool] = mapped_column(default=False)
    customer_difficult: Mapped[bool] = mapped_column(default=False)
    # Where the customer is on the grid (transformer station, feeder), when the CRM knows.
    customer_station: Mapped[str | None] = mapped_column(String(64))
    customer_feeder: Mapped[str | None] = mapped_column(String(64))

    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    repeat_of: Mapped[str | None] = mapped_column(String(64))
    contact_count: Mapped[int] = mapped_column(default=1)
    # The customer called again after the earlier ticket's deadline had passed (reports).
    repeat_after_deadline: Mapped[bool] = mapped_column(default=False)
    flags: Mapped[list] = mapped_column(JSON, default=list)

    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accept_by: Mapped[datetime] = mapped_column(UTCDateTime)
    contact_by: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolve_by: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    contacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    late_accept: Mapped[bool] = mapped_column(default=False)
    late_contact: Mapped[bool] = mapped_column(default=False)
    late_resolve: Mapped[bool] = mapped_column(default=False)
    late_reason: Mapped[dict | None] = mapped_column(JSON)  # the reason the completion was late
    extensions: Mapped[int] = mapped_column(default=0)
    expected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delay_reason: Mapped[dict | None] = mapped_column(JSON)
    overdue_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    customer_confirmed: Mapped[bool] = mapped_column(default=False)
    # When it came to its current desk (a transfer, the closing-time handover), if not at
    # receipt; a handed-over reconnection waits for the duty desk's acknowledgement.
    desk_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handover_pending: Mapped[bool] = mapped_column(default=False)
    chased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the call center's chase
    complaint_subject: Mapped[str | None] = mapped_column(String(16))  # chosen at completion

    # When a person last acted on it (server's view): a later claim cannot predate it.
    last_action_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    team: Mapped[Team] = relationship()
    assignee: Mapped[User | None] = relationship()
    events: Mapped[list["Event"]] = relationship(
        back_populates="ticket", order_by="Event.id", cascade="all, delete-orphan"
    )
    reminders: Mapped[list["Reminder"]] = relationship(order_by="Reminder.due_at", viewonly=True)

    __table_args__ = (
        Index("ix_tickets_team_status", "team_id", "status"),
        Index("ix_tickets_customer_type", "customer_code", "type"),
        # The list is newest first, for a team and for everyone (bench/ticket_list.py).
        Index("ix_tickets_team_received", "team_id", "received_at", "id"),
        Index("ix_tickets_received", "received_at", "id"),
        # Outage calls of one station, for wide-area incidents (DOMAIN §8).
        Index("ix_tickets_team_station", "team_id", "customer_station", "received_at"),
        # A user's last completed tickets ("Đã xong gần đây"), latest first.
        Index("ix_tickets_assignee_completed", "assignee_id", "status", "completed_at"),
    )


class Event(Model):
    """One thing that happened to a ticket; never updated, never deleted."""

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime)  # when it was done (phone time, corrected)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # server receipt
    # What the sender claimed, and how the server moved it: by the clock skew of the batch, then
    # bounded (received, previous_action, device_sync, now). moved = at - claimed_at.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    skew_seconds: Mapped[int | None]
    bounded_by: Mapped[str | None] = mapped_column(String(16))
    moved_seconds: Mapped[int | None]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    op_id: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    ticket: Mapped[Ticket] = relationship(back_populates="events")
    user: Mapped[User | None] = relationship()


class AppliedOp(Model):
    """An op that changed something; its sender resending it is answered `duplicate`.

    An op id is its sender's own: the key is (user, op id), so nobody can match, read or
    pre-empt another person's op by guessing its id."""

    __tablename__ = "applied_ops"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    op_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    action: Mapped[str | None] = mapped_column(String(32))
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    result: Mapped[dict] = mapped_column(JSON, default=dict)


class OpClaim(Model):
    """The time the server first gave a refused op. A fixed resend of it (same sender, same op
    id) keeps that time: it was done then, before the phone's later syncs."""

    __tablename__ = "op_claims"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    op_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Device(Model):
    """A phone (or browser) that syncs for a user: ops it sends later cannot claim a time
    before its previous successful sync, when it would have sent them."""

    __tablename__ = "devices"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_sync_at: Mapped[datetime] = mapped_column(UTCDateTime)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Attachment(Model):
    """A photo or document attached to an update (kept in the database, so any host serves it)."""

    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The ticket it was uploaded for: its quota counts the file before an update attaches it,
    # and an update may attach only files made for its own ticket.
    for_ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    # When the retention job removed the bytes; the row stays as the timeline's trace.
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # A user's uploads in flight and of the last day (quotas), found without a scan.
    __table_args__ = (Index("ix_attachments_user_created", "user_id", "created_at"),)
