"""The shapes of a sync batch and of each action's data (CONTRACT "Phones → app: sync").

Each action's data schema is built from its spec (rules.actions): fields are typed here, and
which ones an action requires is the rules' business, so a missing fact comes back as the
rules' refusal (e.g. completion_blocked) rather than a bare 400.
"""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from fieldapp.rules.actions import (
    ACTIONS,
    CLIENT_ACTIONS,
    INCIDENT_ACTIONS,
    INCIDENT_CLIENT_ACTIONS,
    ActionSpec,
    Field,
)
from fieldapp.rules.claims import EARLIEST, LATEST
from fieldapp.rules.reasons import REASON_CODES
from fieldapp.rules.text import N_
from fieldapp.urls import MAX_ID

_ID = validate.Range(min=1, max=MAX_ID)
# Years the app can hold: a time outside them is refused before any arithmetic overflows.
PLAUSIBLE = validate.Range(
    min=EARLIEST, max=LATEST, max_inclusive=False, error=N_("Thời điểm không hợp lý.")
)
MAX_ATTACHMENTS = 10


def aware_datetime(**kwargs) -> fields.AwareDateTime:
    """An ISO 8601 time with its offset, within the plausible years."""
    return fields.AwareDateTime(validate=PLAUSIBLE, **kwargs)


class LateReasonSchema(Schema):
    code = fields.String(required=True, validate=validate.OneOf(REASON_CODES))
    note = fields.String(load_default="", validate=validate.Length(max=2000))


def _informed_schema(how: tuple[str, ...]) -> type[Schema]:
    return Schema.from_dict(
        {
            "at": aware_datetime(required=True),
            "how": fields.String(required=True, validate=validate.OneOf(how)),
        },
        name="CustomerInformedSchema",
    )


def schema_field(spec: Field) -> fields.Field:
    """The marshmallow field of one spec field (types and codes; not whether required)."""
    kind = spec.kind
    if kind in ("text", "note"):
        return fields.String(validate=validate.Length(max=spec.max_length))
    if kind == "choice":
        return fields.String(validate=validate.OneOf(spec.choices))
    if kind == "datetime":
        return aware_datetime()
    if kind == "date":
        return fields.Date()
    if kind == "confirm":
        return fields.Boolean()
    if kind in ("person", "id"):
        return fields.Integer(strict=True, validate=_ID)
    if kind == "ids":
        return fields.List(
            fields.Integer(strict=True, validate=_ID),
            validate=validate.Length(min=1, max=spec.max_length),
        )
    if kind == "attachments":
        return fields.List(
            fields.Integer(strict=True, validate=_ID), validate=validate.Length(max=MAX_ATTACHMENTS)
        )
    if kind == "late_reason":
        return fields.Nested(LateReasonSchema, allow_none=True)
    if kind == "informed":
        return fields.Nested(_informed_schema(spec.choices))
    raise ValueError(f"no schema for field kind {kind!r}")


def data_schema(spec: ActionSpec, prefix: str = "") -> Schema:
    """The schema of an action's data, from its spec."""
    return Schema.from_dict(
        {f.name: schema_field(f) for f in spec.fields},
        name=f"{prefix}{spec.name.title().replace('_', '')}Data",
    )()


# Built once: a schema holds no per-request state.
DATA_SCHEMAS: dict[str, Schema] = {
    action: data_schema(ACTIONS[action]) for action in CLIENT_ACTIONS
}
INCIDENT_DATA_SCHEMAS: dict[str, Schema] = {
    action: data_schema(INCIDENT_ACTIONS[action], "Incident") for action in INCIDENT_CLIENT_ACTIONS
}


class OpSchema(Schema):
    """One op of a batch; `data` is checked against the action's own schema. Its target is a
    ticket, or a wide-area incident (`incident_id`; none to declare a new one)."""

    op_id = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_-]{8,64}$"))
    ticket_id = fields.Integer(strict=True, validate=_ID, allow_none=True, load_default=None)
    incident_id = fields.Integer(strict=True, validate=_ID, allow_none=True, load_default=None)
    action = fields.String(
        required=True,
        validate=validate.OneOf(sorted(set(CLIENT_ACTIONS) | set(INCIDENT_CLIENT_ACTIONS))),
    )
    at = aware_datetime(required=True)
    data = fields.Dict(load_default=dict)

    @validates_schema
    def _one_target(self, op, **_):
        action = op.get("action")
        if op.get("ticket_id") is not None:
            if op.get("incident_id") is not None or action not in CLIENT_ACTIONS:
                raise ValidationError(N_("Thao tác không hợp với phiếu."), "action")
        elif op.get("incident_id") is not None:
            if action not in INCIDENT_CLIENT_ACTIONS or action == "declare":
                raise ValidationError(N_("Thao tác không hợp với sự cố."), "action")
        elif action != "declare":
            raise ValidationError(N_("Thiếu phiếu hoặc sự cố của thao tác."), "ticket_id")

    def data_schema(self, op: dict) -> Schema:
        """The schema of this op's data."""
        if op.get("ticket_id") is None:
            return INCIDENT_DATA_SCHEMAS[op["action"]]
        return DATA_SCHEMAS[op["action"]]


# A phone with more queued sends them in several batches, so one request stays small.
MAX_OPS_PER_BATCH = 200


class SyncRequestSchema(Schema):
    """A batch of ops from one device."""

    device_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    sent_at = aware_datetime(required=True)
    # True when the phone sends more batches right after this one (one replay in chunks):
    # the device's floor for later claims moves only after its last batch.
    more = fields.Boolean(load_default=False)
    ops = fields.List(
        fields.Raw(allow_none=True), required=True, validate=validate.Length(max=MAX_OPS_PER_BATCH)
    )


class OpErrorSchema(Schema):
    code = fields.String()
    message = fields.String()
    # Not an attribute named `fields`: a Schema's own `fields` holds its fields.
    field_names = fields.List(fields.String(), attribute="fields", data_key="fields")


class LeftOpenSchema(Schema):
    ticket_id = fields.Integer()
    code = fields.String()
    message = fields.String()


class OpResultSchema(Schema):
    op_id = fields.String(allow_none=True)
    status = fields.String()
    error = fields.Nested(OpErrorSchema, allow_none=True)
    ticket_id = fields.Integer(allow_none=True)
    incident_id = fields.Integer()
    left_open = fields.List(fields.Nested(LeftOpenSchema))


class SyncResponseSchema(Schema):
    server_time = fields.AwareDateTime()
    results = fields.List(fields.Nested(OpResultSchema))
    tickets = fields.List(fields.Dict())
    incidents = fields.List(fields.Dict())


class FeedSchema(Schema):
    cursor = fields.String()
    tickets = fields.List(fields.Dict())
