"""Applying a phone's batch of ops: each on its own, in order, at the time it was done."""

from datetime import datetime, timedelta

from marshmallow import ValidationError

from fieldapp.models import User
from fieldapp.rules.messages import FIELD_LABELS_VI
from fieldapp.rules.state import Refusal
from fieldapp.services.tickets import OpRequest, OpResult, apply
from sync.schemas import DATA_SCHEMAS, OpSchema, SyncRequestSchema


def apply_batch(user: User, body: dict, now: datetime) -> dict:
    """Apply every op of a batch; raises ValidationError only when the envelope is bad."""
    batch = SyncRequestSchema().load(body)
    # The phone's clock may be off: shift every op by the skew seen when the batch was sent.
    skew = now - batch["sent_at"]
    return {"server_time": now,
            "results": [_apply_one(raw, user, skew, now) for raw in batch["ops"]]}


def parse_op(raw) -> dict:
    """A valid op with typed data, or ValidationError naming the bad fields."""
    if not isinstance(raw, dict):
        raise ValidationError({"_op": ["Thao tác phải là một đối tượng JSON."]})
    op = OpSchema().load(raw)
    # Data errors are named as the rules name fields (new_eta, late_reason.code), unprefixed.
    op["data"] = DATA_SCHEMAS[op["action"]]().load(op["data"])
    return op


def _apply_one(raw, user: User, skew: timedelta, now: datetime) -> OpResult:
    """One op → its result; a malformed op is rejected alone."""
    try:
        op = parse_op(raw)
    except ValidationError as err:
        op_id = raw.get("op_id") if isinstance(raw, dict) else None
        return _invalid(op_id if isinstance(op_id, str) else None, err.messages)
    request = OpRequest(op["op_id"], op["ticket_id"], op["action"], op["at"] + skew, op["data"])
    return apply(request, user, now)


def _invalid(op_id: str | None, messages: dict) -> OpResult:
    """A rejection for an op the server could not read."""
    names = _field_names(messages)
    labels = ", ".join(FIELD_LABELS_VI.get(n, n) for n in names)
    return OpResult(op_id, "rejected",
                    error=Refusal("invalid", f"Dữ liệu thao tác không hợp lệ: {labels}.", names))


def _field_names(messages: dict, prefix: str = "") -> tuple[str, ...]:
    """Flatten marshmallow's nested messages into dotted field names (data.new_eta)."""
    names = []
    for key, value in messages.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            names.extend(_field_names(value, f"{name}.") or (name,))
        else:
            names.append(name)
    return tuple(names)
