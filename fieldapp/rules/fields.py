"""Whether an op's data fills its action's fields: what the rules see as given or missing."""

from datetime import date, datetime

from fieldapp.rules.actions import ActionSpec, Field


def _blank(value) -> bool:
    """Missing, or a text with nothing but spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def _aware(value) -> bool:
    return isinstance(value, datetime) and value.tzinfo is not None


def given(field: Field, value) -> bool:
    """Whether a value fills the field (the rules see typed data: datetimes, dates, ints)."""
    kind = field.kind
    if kind in ("note", "text"):
        return isinstance(value, str) and not _blank(value)
    if kind == "choice":
        return value in field.choices
    if kind == "datetime":
        return _aware(value)
    if kind == "date":
        return isinstance(value, date) and not isinstance(value, datetime)
    if kind == "confirm":
        return value is True  # a confirmation is an explicit yes
    if kind in ("person", "id"):
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "ids":
        return (
            isinstance(value, list)
            and bool(value)
            and all(given(Field("", "id"), v) for v in value)
        )
    if kind == "attachments":
        return isinstance(value, list) and all(given(Field("", "person"), v) for v in value)
    if kind == "informed":
        return (
            isinstance(value, dict)
            and value.get("how") in field.choices
            and _aware(value.get("at"))
        )
    return value is not None


def bad_fields(spec: ActionSpec, data: dict) -> list[str]:
    """Required fields that are missing, and optional ones that hold a wrong code or id."""
    bad = []
    for field in spec.fields:
        value = data.get(field.name)
        checked = field.required or (
            field.kind in ("choice", "person", "attachments") and value is not None
        )
        if checked and field.kind != "late_reason" and not given(field, value):
            bad.append(field.name)
    return bad
