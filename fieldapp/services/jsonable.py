"""Turning rule outputs (datetimes, dates, tuples) into JSON-ready values."""

from datetime import UTC, date, datetime


def jsonable(value):
    """A copy of value that json.dumps accepts: datetimes become ISO 8601 in UTC."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return value
