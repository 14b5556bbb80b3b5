"""Applying a phone's batch of ops: each judged on its own, in order, at the time it was done."""

from datetime import datetime

from marshmallow import ValidationError

from fieldapp.models import User
from fieldapp.rules import messages as msg
from fieldapp.rules.claims import skew_of
from fieldapp.rules.state import Refusal
from fieldapp.rules.text import N_
from fieldapp.services.tickets import BatchOutcome, OpRequest, OpResult, apply_batch, rejected
from sync.schemas import OpSchema, SyncRequestSchema

ENVELOPE, OP = SyncRequestSchema(), OpSchema()
CLOCK_OFF = N_("Đồng hồ của máy lệch quá xa giờ thực: hãy chỉnh lại ngày giờ của điện thoại.")


def apply_sync(user: User, body: dict, now: datetime) -> BatchOutcome:
    """Apply every op of a batch; raises ValidationError only when the envelope is bad."""
    batch = ENVELOPE.load(body)
    # The phone's clock may be off: every op is moved by the skew seen when it sent the batch.
    skew = skew_of(batch["sent_at"], now)
    if skew is None:
        raise ValidationError({"sent_at": [CLOCK_OFF]})
    parsed: list[OpRequest | OpResult] = [_parse(raw, skew) for raw in batch["ops"]]
    requests = [p for p in parsed if isinstance(p, OpRequest)]
    outcome = apply_batch(requests, user, now, batch["device_id"], final=not batch["more"])
    answered = iter(outcome.results)
    results = [next(answered) if isinstance(p, OpRequest) else p for p in parsed]
    return BatchOutcome(results, outcome.tickets, outcome.incidents)


def parse_op(raw) -> dict:
    """A valid op with typed data, or ValidationError naming the bad fields."""
    if not isinstance(raw, dict):
        raise ValidationError({"_op": [N_("Thao tác phải là một đối tượng JSON.")]})
    op = OP.load(raw)
    # Data errors are named as the rules name fields (new_eta, late_reason.code), unprefixed.
    op["data"] = OP.data_schema(op).load(op["data"])
    return op


def _parse(raw, skew) -> OpRequest | OpResult:
    """One op → its request, or its rejection when the server cannot read it."""
    try:
        op = parse_op(raw)
    except ValidationError as err:
        op_id = raw.get("op_id") if isinstance(raw, dict) else None
        names = field_names(err.messages_dict)
        return rejected(
            op_id if isinstance(op_id, str) else None,
            Refusal("invalid", msg.unreadable(names), names),
        )
    return OpRequest(
        op["op_id"], op["ticket_id"], op["action"], op["at"], op["data"], skew, op["incident_id"]
    )


def field_names(messages: dict, prefix: str = "") -> tuple[str, ...]:
    """Flatten marshmallow's nested messages into dotted field names (data.new_eta)."""
    names: list[str] = []
    for key, value in messages.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            names.extend(field_names(value, f"{name}.") or (name,))
        else:
            names.append(name)
    return tuple(names)
