"""A ticket's events as lines a person reads: what happened, when, by whom, with what."""

from dataclasses import dataclass, field
from datetime import datetime

from fieldapp.extensions import db
from fieldapp.i18n import format_date, format_datetime
from fieldapp.labels import label
from fieldapp.models import Event, User

TEXTS = ("status_note", "note", "result", "cause", "inspection_result")
PLAIN = ("meter_serial", "certificate_no")
TIMES = ("new_eta", "restored_at", "reconnected_at")


@dataclass
class Entry:
    """One line of the timeline."""

    event: Event
    details: list[tuple[str, str]] = field(default_factory=list)
    photos: list[int] = field(default_factory=list)


def timeline(events: list[Event]) -> list[Entry]:
    """The events, newest first, with their data spelled out."""
    names = _assignee_names(events)
    return [Entry(e, _details(e.data or {}, names), list((e.data or {}).get("attachments") or ()))
            for e in sorted(events, key=lambda e: (e.at, e.id), reverse=True)]


def _details(data: dict, names: dict[int, str]) -> list[tuple[str, str]]:
    """(label, text) pairs for the values worth showing."""
    out = []
    for key, kind in (("outcome", "outcome"), ("reason", "return_reason"),
                      ("reason_code", "reason")):
        if data.get(key):
            out.append((label("field", key), label(kind, data[key])))
    if data.get("to"):
        out.append((label("field", "desk"), f"{label('desk', data.get('from'))} → "
                                            f"{label('desk', data['to'])}"))
    if data.get("assignee_id"):
        out.append((label("field", "assignee_id"), names.get(data["assignee_id"], "")))
    out += [(label("field", k), _when(data[k])) for k in TIMES if data.get(k)]
    if data.get("energised_on"):
        out.append((label("field", "energised_on"), _day(data["energised_on"])))
    out += [(label("field", k), str(data[k])) for k in PLAIN + TEXTS if data.get(k)]
    if data.get("cmis_updated"):
        out.append((label("field", "cmis_updated"), "✓"))
    late = data.get("late_reason")
    if isinstance(late, dict) and late.get("code"):
        text = label("reason", late["code"]) + (f" — {late['note']}" if late.get("note") else "")
        out.append((label("field", "late_reason"), text))
    return out


def _when(value) -> str:
    try:
        return format_datetime(datetime.fromisoformat(value))
    except (TypeError, ValueError):
        return str(value)


def _day(value) -> str:
    try:
        return format_date(datetime.fromisoformat(value).date())
    except (TypeError, ValueError):
        return str(value)


def _assignee_names(events: list[Event]) -> dict[int, str]:
    """Names of the people the events assigned, in one query."""
    ids = {e.data.get("assignee_id") for e in events if (e.data or {}).get("assignee_id")}
    if not ids:
        return {}
    rows = db.session.execute(db.select(User.id, User.name).where(User.id.in_(ids))).all()
    return dict(rows)
