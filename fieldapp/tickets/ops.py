"""Sending a screen's action down the one write path, exactly as the phone's outbox would."""

import uuid

from marshmallow import ValidationError

from fieldapp.models import User, utcnow
from fieldapp.rules import messages
from fieldapp.rules.state import Refusal
from fieldapp.services.tickets import OpRequest, OpResult, apply, rejected
from sync.batch import parse_op


def build_op(ticket_id: int, action: str, data: dict, op_id: str | None) -> dict:
    """The op as JSON would carry it; an online post is done at the server's now."""
    return {
        "op_id": op_id or uuid.uuid4().hex,
        "ticket_id": ticket_id,
        "action": action,
        "at": utcnow().isoformat(),
        "data": data,
    }


def submit(ticket_id: int, action: str, data: dict, op_id: str | None, user: User) -> OpResult:
    """Parse the op like a synced one and apply it; a malformed one comes back rejected."""
    raw = build_op(ticket_id, action, data, op_id)
    try:
        op = parse_op(raw)
    except ValidationError as err:
        names = _names(err.messages)
        return rejected(raw["op_id"], Refusal("invalid", messages.invalid(names), names))
    return apply(OpRequest(op["op_id"], op["ticket_id"], op["action"], op["at"], op["data"]), user)


def _names(errors) -> tuple[str, ...]:
    """The top-level fields marshmallow names (late_reason, not late_reason.code)."""
    return tuple(str(key) for key in errors) if isinstance(errors, dict) else ("data",)
