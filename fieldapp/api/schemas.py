"""Marshmallow schemas of the JSON API (CONTRACT): what comes in, what goes out."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from fieldapp.models import utcnow
from fieldapp.rules import clocks, incidents
from fieldapp.rules.actions import INCIDENT_ACTIONS
from fieldapp.rules.catalog import CHANNELS, TYPES
from fieldapp.rules.text import N_
from fieldapp.services.ticket_state import to_incident_state, to_state

_EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
UNKNOWN_TEAM = N_("Không có đội này.")


class CustomerSchema(Schema):
    """The customer block of a CRM push."""

    code = fields.String(validate=validate.Length(min=1, max=32), allow_none=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    phone = fields.String(validate=validate.Regexp(r"^\+?[0-9 .-]{6,20}$"), allow_none=True)
    address = fields.String(validate=validate.Length(max=400), load_default="")
    birth_date = fields.Date(allow_none=True)
    birth_year = fields.Integer(
        strict=True, allow_none=True, validate=validate.Range(min=1900, max=2100)
    )
    sex = fields.String(validate=validate.OneOf(("M", "F")), allow_none=True)
    important = fields.Boolean(load_default=False)
    difficult = fields.Boolean(load_default=False)
    station = fields.String(validate=validate.Length(min=1, max=64), allow_none=True)
    feeder = fields.String(validate=validate.Length(min=1, max=64), allow_none=True)

    @validates("birth_date")
    def _plausible_birth_date(self, value, **_):
        if value is not None and not (1900 <= value.year <= utcnow().year):
            raise ValidationError(N_("Ngày sinh không hợp lý."))


class IntakeSchema(Schema):
    """A ticket pushed by the CRM (CONTRACT "CRM → app").

    Given `team_exists`, an unknown team is named with the other bad fields (CONTRACT: every
    bad field at once); without it the schema needs no database."""

    def __init__(self, *args, team_exists: Callable[[str], bool] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.team_exists = team_exists

    crm_id = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9._:/-]{1,64}$"))
    type = fields.String(required=True, validate=validate.OneOf(sorted(TYPES)))
    received_at = fields.AwareDateTime(required=True)
    team = fields.String(required=True, validate=validate.Length(min=1, max=32))
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    content = fields.String(required=True, validate=validate.Length(max=4000))
    customer = fields.Nested(CustomerSchema, required=True)
    repeat_of = fields.String(allow_none=True, validate=validate.Length(min=1, max=64))
    contact_count = fields.Integer(
        strict=True, allow_none=True, validate=validate.Range(min=1, max=1000)
    )

    @validates("received_at")
    def _plausible_received_at(self, value, **_):
        if not (_EARLIEST <= value <= utcnow() + timedelta(days=1)):
            raise ValidationError(N_("Thời điểm tiếp nhận không hợp lý."))

    @validates("team")
    def _known_team(self, value, **_):
        if self.team_exists is not None and not self.team_exists(value):
            raise ValidationError(UNKNOWN_TEAM)

    @validates_schema
    def _born_before_request(self, data, **_):
        born = (data.get("customer") or {}).get("birth_date")
        received = data.get("received_at")
        if born and received and born > received.date():
            raise ValidationError(N_("Ngày sinh sau ngày yêu cầu."), "customer")


class ChaseSchema(Schema):
    """The call center chases a ticket (CONTRACT "The call center chases a ticket")."""

    at = fields.AwareDateTime(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=2000))

    @validates("at")
    def _plausible_at(self, value, **_):
        if not (_EARLIEST <= value <= utcnow() + timedelta(days=1)):
            raise ValidationError("Thời điểm đôn đốc không hợp lý.")


class PersonSchema(Schema):
    """A user as shown on a ticket."""

    id = fields.Integer()
    username = fields.String()
    name = fields.String()


class EventSchema(Schema):
    id = fields.Integer()
    action = fields.String()
    at = fields.AwareDateTime()
    by = fields.Nested(PersonSchema, attribute="user", allow_none=True)
    data = fields.Dict()


class ReminderSchema(Schema):
    kind = fields.String()
    due_at = fields.AwareDateTime()
    sent_at = fields.AwareDateTime(allow_none=True)


class TicketCustomerSchema(Schema):
    code = fields.String(attribute="customer_code")
    name = fields.String(attribute="customer_name")
    phone = fields.String(attribute="customer_phone")
    address = fields.String(attribute="customer_address")
    station = fields.String(attribute="customer_station", allow_none=True)
    feeder = fields.String(attribute="customer_feeder", allow_none=True)


CUSTOMER = TicketCustomerSchema()  # one instance for every ticket dumped


class LateSchema(Schema):
    accept = fields.Boolean()
    contact = fields.Boolean()
    resolve = fields.Boolean()


class TicketSchema(Schema):
    """A ticket as read by its team (CONTRACT "Reading a ticket")."""

    id = fields.Integer()
    crm_id = fields.String()
    type = fields.String()
    status = fields.String()
    team = fields.Function(lambda t: t.team.code)
    desk = fields.String()
    assignee = fields.Nested(PersonSchema, allow_none=True)
    channel = fields.String()
    content = fields.String()
    customer = fields.Function(lambda t: CUSTOMER.dump(t))
    received_at = fields.AwareDateTime()
    accept_by = fields.AwareDateTime()
    contact_by = fields.AwareDateTime(allow_none=True)
    resolve_by = fields.AwareDateTime()
    accepted_at = fields.AwareDateTime(allow_none=True)
    contacted_at = fields.AwareDateTime(allow_none=True)
    completed_at = fields.AwareDateTime(allow_none=True)
    returned_at = fields.AwareDateTime(allow_none=True)
    expected_at = fields.AwareDateTime(allow_none=True)
    late = fields.Method("_late")
    overdue = fields.Method("_overdue")
    flags = fields.List(fields.String())
    incident_id = fields.Integer(allow_none=True)
    repeat_of = fields.String(allow_none=True)
    contact_count = fields.Integer()
    extensions = fields.Integer()
    customer_confirmed = fields.Boolean()
    handover_pending = fields.Boolean()
    chased_at = fields.AwareDateTime(allow_none=True)
    complaint_subject = fields.String(allow_none=True)
    version = fields.Integer()
    events = fields.List(fields.Nested(EventSchema))
    reminders = fields.List(fields.Nested(ReminderSchema))

    def _late(self, ticket):
        """Late so far, per deadline (rules.clocks.late)."""
        return clocks.late(to_state(ticket), utcnow())

    def _overdue(self, ticket):
        """Overdue now, by its two named kinds (rules.clocks.overdue)."""
        kinds = clocks.overdue(to_state(ticket), utcnow())
        return {kind: kind in kinds for kind in clocks.OVERDUE_KINDS}


class TicketListSchema(Schema):
    """A page of tickets."""

    tickets = fields.List(fields.Nested(TicketSchema))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


class LoginSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=80))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200))


class CsrfSchema(Schema):
    csrf_token = fields.String()


class ErrorSchema(Schema):
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class IncidentSchema(Schema):
    """A wide-area incident as its team reads it (CONTRACT "Wide-area incidents")."""

    id = fields.Integer()
    team = fields.Function(lambda i: i.team.code)
    kind = fields.String()
    area = fields.String()
    station = fields.String(allow_none=True)
    feeder = fields.String(allow_none=True)
    started_at = fields.AwareDateTime()
    cause = fields.String(allow_none=True)
    cause_code = fields.String()
    eta = fields.AwareDateTime()
    restored_at = fields.AwareDateTime(allow_none=True)
    status = fields.String()
    noticed_at = fields.AwareDateTime()
    reported_at = fields.AwareDateTime()
    clocks = fields.Method("_clocks")
    tickets = fields.Function(lambda i: [t.id for t in i.tickets])
    events = fields.List(fields.Nested(EventSchema))  # an incident's events read as a ticket's
    version = fields.Integer()

    def _clocks(self, incident):
        """The procedure's clocks (rules.incidents): report, completion, ETA changes."""
        state = to_incident_state(incident)
        return {
            "report_due": incidents.report_due(state).isoformat(),
            "reported_in_time": incidents.reported_in_time(state),
            "complete": incidents.complete(state),
            "eta_changes": state.eta_changes,
            "late_eta_changes": state.late_eta_changes,
        }


class IncidentListSchema(Schema):
    incidents = fields.List(fields.Nested(IncidentSchema))


def _declare_schema() -> type[Schema]:
    """A new incident (CONTRACT "POST /api/v1/incidents"): the declare op's data, from its
    spec (the rules say what is missing), plus the team and an optional op id."""
    from sync.schemas import schema_field

    spec = {f.name: schema_field(f) for f in INCIDENT_ACTIONS["declare"].fields}
    return Schema.from_dict(
        {
            **spec,
            "team": fields.String(required=True, validate=validate.Length(min=1, max=32)),
            "op_id": fields.String(validate=validate.Regexp(r"^[A-Za-z0-9_-]{8,64}$")),
        },
        name="DeclareSchema",
    )


DeclareSchema = _declare_schema()
