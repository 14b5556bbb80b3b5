"""A ticket's events as lines a person reads: what happened, when, by whom, with what.

Each value is shown by the kind its field has in the action's spec (rules.actions): a code by
its label, a time in Vietnam's time, a confirmation as a tick. A new field shows itself."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext

from fieldapp.extensions import db
from fieldapp.i18n import format_date, format_datetime
from fieldapp.labels import label
from fieldapp.models import Event, IncidentEvent, User
from fieldapp.rules.actions import ACTIONS, Field

# Every field any action carries, by name (the first spec that names it wins: same kind); the
# late reason last, after what was done.
_FIELDS: dict[str, Field] = {}
for _spec in ACTIONS.values():
    for _field in _spec.fields:
        _FIELDS.setdefault(_field.name, _field)
_FIELDS = dict(sorted(_FIELDS.items(), key=lambda item: item[1].kind == "late_reason"))
_SHOWN_APART = ("attachments", "assignee_id")  # photos below the line; the assignee by name


# A ticket's event or an incident's: the same shape.
AnyEvent = Event | IncidentEvent


@dataclass
class Entry:
    """One line of the timeline."""

    event: AnyEvent
    details: list[tuple[str, str]] = field(default_factory=list)
    photos: list[int] = field(default_factory=list)


def timeline(events: Sequence[AnyEvent]) -> list[Entry]:
    """The events, newest first, with their data spelled out."""
    names = _assignee_names(events)
    return [
        Entry(e, _details(e, names), list((e.data or {}).get("attachments") or ()))
        for e in sorted(events, key=lambda e: (e.at, e.id), reverse=True)
    ]


def _details(event: AnyEvent, names: dict[int, str]) -> list[tuple[str, str]]:
    """(label, text) pairs for the values worth showing, in the order of their spec."""
    data = event.data or {}
    out = []
    if data.get("to"):  # a transfer or a handover: from one desk to the other
        out.append(
            (
                label("field", "desk"),
                f"{label('desk', data.get('from'))} → {label('desk', data['to'])}",
            )
        )
    if data.get("assignee_id"):
        out.append((label("field", "assignee_id"), names.get(data["assignee_id"], "")))
    for name, spec in _FIELDS.items():
        value = data.get(name)
        if value in (None, "", [], {}) or name in _SHOWN_APART:
            continue
        text = _shown(spec, value, from_the_app=event.user_id is None)
        if text:
            out.append((label("field", name), text))
    return out


def _shown(spec: Field, value, from_the_app: bool) -> str:
    """A value as a person reads it, by its field's kind."""
    kind = spec.kind
    if kind == "choice":
        assert spec.labels is not None  # a choice names its labels (rules.actions)
        return label(spec.labels, value)
    if kind == "datetime":
        return _when(value)
    if kind == "date":
        return _day(value)
    if kind == "confirm":
        return "✓" if value is True else ""
    if kind == "late_reason" and isinstance(value, dict) and value.get("code"):
        note = f" — {value['note']}" if value.get("note") else ""
        return label("reason", value["code"]) + note
    if kind == "informed" and isinstance(value, dict):
        return f"{label('informed_by', value.get('how'))} · {_when(value.get('at'))}"
    if kind in ("text", "note"):
        # The app's own notes (an escalation's) are catalogue entries; a person's are theirs.
        return gettext(value) if from_the_app else str(value)
    return ""


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


def _assignee_names(events: Sequence[AnyEvent]) -> dict[int, str]:
    """Names of the people the events assigned, in one query."""
    ids = {e.data.get("assignee_id") for e in events if (e.data or {}).get("assignee_id")}
    if not ids:
        return {}
    rows = db.session.execute(db.select(User.id, User.name).where(User.id.in_(ids))).all()
    return dict(rows)
