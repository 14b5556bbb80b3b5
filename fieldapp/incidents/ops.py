"""Sending an incident screen's action down the one write path, as the phone's outbox would."""

import uuid
from typing import Any

from marshmallow import ValidationError

from fieldapp.models import User, utcnow
from fieldapp.rules import messages
from fieldapp.rules.state import Refusal
from fieldapp.services.tickets import OpRequest, OpResult, apply, rejected
from sync.batch import parse_op


def submit(
    incident_id: int | None, action: str, data: dict, op_id: str | None, user: User
) -> OpResult:
    """Parse the op like a synced one (no incident: a declaration) and apply it, done now."""
    raw: dict[str, Any] = {
        "op_id": op_id or uuid.uuid4().hex,
        "incident_id": incident_id,
        "action": action,
        "at": utcnow().isoformat(),
        "data": data,
    }
    try:
        op = parse_op(raw)
    except ValidationError as err:
        names = tuple(str(key) for key in err.messages)
        return rejected(
            raw["op_id"],
            Refusal("invalid", messages.invalid(names), names),
            incident_id=incident_id,
        )
    return apply(
        OpRequest(
            op["op_id"], None, op["action"], op["at"], op["data"], incident_id=op["incident_id"]
        ),
        user,
    )
