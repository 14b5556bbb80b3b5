"""The shapes of a sync batch and of each action's data (CONTRACT "Phones → app: sync").

Fields are typed here; which ones an action requires is the rules' business, so a missing
fact comes back as the rules' refusal (e.g. completion_blocked) rather than a bare 400.
"""

from marshmallow import Schema, fields, validate

from fieldapp.rules.lifecycle import ACTIONS
from fieldapp.rules.reasons import CONTACT_OUTCOMES, REASON_CODES, RETURN_REASONS
from fieldapp.urls import MAX_ID

_NOTE = validate.Length(max=2000)
_ID = validate.Range(min=1, max=MAX_ID)
_SHORT = validate.Length(max=200)


class LateReasonSchema(Schema):
    code = fields.String(required=True, validate=validate.OneOf(REASON_CODES))
    note = fields.String(load_default="", validate=_NOTE)


def _late_reason():
    return fields.Nested(LateReasonSchema, allow_none=True)


class AcceptData(Schema):
    late_reason = _late_reason()


class ReturnData(Schema):
    reason = fields.String(validate=validate.OneOf(RETURN_REASONS))
    note = fields.String(validate=_NOTE)


class ContactData(Schema):
    outcome = fields.String(validate=validate.OneOf(CONTACT_OUTCOMES))
    note = fields.String(validate=_NOTE)
    late_reason = _late_reason()


class UpdateData(Schema):
    note = fields.String(validate=_NOTE)
    attachments = fields.List(fields.Integer(strict=True, validate=_ID),
                              validate=validate.Length(max=10))
    late_reason = _late_reason()


class ExtendData(Schema):
    reason_code = fields.String(validate=validate.OneOf(REASON_CODES))
    note = fields.String(validate=_NOTE)
    new_eta = fields.AwareDateTime()


class OverdueUpdateData(Schema):
    status_note = fields.String(validate=_NOTE)
    reason_code = fields.String(validate=validate.OneOf(REASON_CODES))
    note = fields.String(validate=_NOTE)
    new_eta = fields.AwareDateTime()


class TransferData(Schema):
    desk = fields.String(validate=validate.OneOf(("operations", "business")))
    note = fields.String(validate=_NOTE)


class CompleteData(Schema):
    result = fields.String(validate=_NOTE)
    restored_at = fields.AwareDateTime()
    cause = fields.String(validate=_NOTE)
    reconnected_at = fields.AwareDateTime()
    meter_serial = fields.String(validate=_SHORT)
    energised_on = fields.Date()
    cmis_updated = fields.Boolean()
    inspection_result = fields.String(validate=_NOTE)
    certificate_no = fields.String(validate=_SHORT)
    customer_confirmed = fields.Boolean()
    late_reason = _late_reason()


class AssignData(Schema):
    assignee_id = fields.Integer(strict=True, validate=_ID)


DATA_SCHEMAS: dict[str, type[Schema]] = {
    "accept": AcceptData, "return": ReturnData, "contact": ContactData, "update": UpdateData,
    "extend": ExtendData, "overdue_update": OverdueUpdateData, "transfer": TransferData,
    "complete": CompleteData, "assign": AssignData,
}
assert set(DATA_SCHEMAS) == set(ACTIONS), "every action needs a data schema"


class OpSchema(Schema):
    """One op of a batch; `data` is checked against the action's own schema."""

    op_id = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_-]{8,64}$"))
    ticket_id = fields.Integer(required=True, strict=True, validate=_ID)
    action = fields.String(required=True, validate=validate.OneOf(ACTIONS))
    at = fields.AwareDateTime(required=True)
    data = fields.Dict(load_default=dict)


# A phone with more queued sends them in several batches, so one request stays small.
MAX_OPS_PER_BATCH = 200


class SyncRequestSchema(Schema):
    """A batch of ops from one device."""

    device_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    sent_at = fields.AwareDateTime(required=True)
    ops = fields.List(fields.Raw(), required=True,
                      validate=validate.Length(max=MAX_OPS_PER_BATCH))


class OpErrorSchema(Schema):
    code = fields.String()
    message = fields.String()
    fields = fields.List(fields.String())


class OpResultSchema(Schema):
    op_id = fields.String(allow_none=True)
    status = fields.String()
    error = fields.Nested(OpErrorSchema, allow_none=True)
    ticket = fields.Dict(allow_none=True)


class SyncResponseSchema(Schema):
    server_time = fields.AwareDateTime()
    results = fields.List(fields.Nested(OpResultSchema))


class FeedSchema(Schema):
    cursor = fields.String()
    tickets = fields.List(fields.Dict())
