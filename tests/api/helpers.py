"""Building blocks shared by the API tests: intake bodies and sync batches."""

import itertools
import uuid
from datetime import UTC, datetime, timedelta

_SEQ = itertools.count(1)


def intake_body(**overrides) -> dict:
    """A valid CRM push; received now unless told otherwise."""
    body = {
        "crm_id": f"CPC-TEST-{next(_SEQ):06d}",
        "type": "OUTAGE",
        "received_at": datetime.now(UTC).isoformat(),
        "team": "PC-DN-HC",
        "channel": "phone",
        "content": "Mất điện cả xóm",
        "customer": {
            "code": "PC03AA0000001",
            "name": "Trần Thị Bình",
            "phone": "0905123456",
            "address": "12 Lê Lợi, Hải Châu",
            "birth_year": 1980,
            "sex": "F",
            "important": False,
            "difficult": False,
        },
    }
    customer = overrides.pop("customer", None)
    body.update(overrides)
    if customer is not None:
        body["customer"] = {**body["customer"], **customer}
    return body


def op(
    ticket_id: int,
    action: str,
    data: dict | None = None,
    at: datetime | None = None,
    op_id: str | None = None,
) -> dict:
    """One op as a phone sends it."""
    return {
        "op_id": op_id or uuid.uuid4().hex,
        "ticket_id": ticket_id,
        "action": action,
        "at": (at or datetime.now(UTC)).isoformat(),
        "data": data or {},
    }


def batch(
    *ops: dict, sent_at: datetime | None = None, device: str = "phone-test", more: bool = False
) -> dict:
    """A sync batch; `more`: the phone sends another batch right after this one."""
    body = {
        "device_id": device,
        "sent_at": (sent_at or datetime.now(UTC)).isoformat(),
        "ops": list(ops),
    }
    if more:
        body["more"] = True
    return body


def ago(**kwargs) -> datetime:
    """A moment in the past (UTC)."""
    return datetime.now(UTC) - timedelta(**kwargs)


def arrived(ticket_id: int, at: datetime) -> None:
    """Make as if the ticket had reached the server at `at` (claims cannot predate that)."""
    from fieldapp.extensions import db
    from fieldapp.models import Ticket

    db.session.execute(db.update(Ticket).where(Ticket.id == ticket_id).values(created_at=at))
    db.session.commit()


def declare_incident(user, **data):
    """Declare an incident of the user's team through the write path; the Incident row."""
    import uuid

    from fieldapp.extensions import db
    from fieldapp.models import Incident
    from fieldapp.services.tickets import OpRequest, apply

    now = datetime.now(UTC)
    body = {
        "kind": "unplanned",
        "area": "Phường Hòa Cường, Lê Lợi, Trần Phú",
        "station": "T-17",
        "started_at": now - timedelta(minutes=5),
        "eta": now + timedelta(hours=2),
        "cause": "Cây đổ vào đường dây",
        **data,
    }
    result = apply(OpRequest(uuid.uuid4().hex, None, "declare", now, body), user)
    assert result.status == "applied", result.error
    return db.session.get(Incident, result.incident_id)
