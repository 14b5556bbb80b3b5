"""What leaves the app: the reminder plan, CRM callbacks, push subscriptions."""

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.extensions import Model
from fieldapp.models.types import UTCDateTime, utcnow


class Reminder(Model):
    """A planned reminder or escalation; `sent_at` is set once, when it went out."""

    __tablename__ = "reminders"
    id: Mapped[int] = mapped_column(primary_key=True)
    # A ticket's, or a wide-area incident's (exactly one of the two).
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    audience: Mapped[str] = mapped_column(String(64))  # comma list: desk,assignee,leader,company
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_reminders_unsent_due", "sent_at", "due_at"),)


class CrmCallback(Model):
    """The outbox of events for the CRM: written with the change, sent by a worker."""

    __tablename__ = "crm_callbacks"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    # The events of one ticket ("ticket:17") or incident ("incident:3") reach the CRM in order.
    stream: Mapped[str] = mapped_column(String(32), index=True)
    event: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    parked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_crm_callbacks_pending", "sent_at", "next_attempt_at"),)


class PushSubscription(Model):
    """A browser's push subscription for one signed-in user on one device."""

    __tablename__ = "push_subscriptions"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReminderDelivery(Model):
    """One reminder to one device. The row is claimed (status "sending") in a committed
    transaction before the push is sent, so a device never receives a reminder twice."""

    __tablename__ = "reminder_deliveries"
    id: Mapped[int] = mapped_column(primary_key=True)
    reminder_id: Mapped[int] = mapped_column(ForeignKey("reminders.id"))
    # SET NULL: a device that unsubscribes keeps its history, and is not pushed to again.
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("push_subscriptions.id", ondelete="SET NULL")
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # pending → sending → sent | gone (404/410) | failed; pending again only when the push
    # service said it did not take the message (429, 5xx, no connection).
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("reminder_id", "subscription_id", name="uq_reminder_deliveries_device"),
        Index("ix_reminder_deliveries_status", "status", "not_before"),
    )


class CalendarOverride(Model):
    """An administrator's correction to the holiday calendar: a day off or a working day."""

    __tablename__ = "calendar_overrides"
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    kind: Mapped[str] = mapped_column(String(8))  # off | work
    note: Mapped[str] = mapped_column(String(200), default="")
