"""SQLAlchemy models; importing this package registers every table."""

from fieldapp.models import sqlite as _sqlite  # noqa: F401  (SQLite connection settings)
from fieldapp.models.delivery import (
    CalendarOverride,
    CrmCallback,
    PushSubscription,
    Reminder,
    ReminderDelivery,
)
from fieldapp.models.incidents import Incident, IncidentEvent
from fieldapp.models.org import DESKS, ROLES, AdminAudit, Company, Team, User
from fieldapp.models.tickets import AppliedOp, Attachment, Device, Event, OpClaim, Ticket
from fieldapp.models.types import utcnow
from fieldapp.models.versions import CacheVersion

__all__ = [
    "AdminAudit",
    "AppliedOp",
    "Attachment",
    "CacheVersion",
    "CalendarOverride",
    "Company",
    "CrmCallback",
    "DESKS",
    "Device",
    "Event",
    "Incident",
    "IncidentEvent",
    "OpClaim",
    "PushSubscription",
    "ROLES",
    "Reminder",
    "ReminderDelivery",
    "Team",
    "Ticket",
    "User",
    "utcnow",
]
