"""Reading the reports' query strings: marshmallow schemas, errors in Vietnamese."""

from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from fieldapp.reports.metrics import COLUMNS, DAY_BUCKETS, LIVE_BUCKETS

_CODE = validate.Regexp(r"^[A-Za-z0-9._-]{1,32}$", error=_l("Mã đơn vị không hợp lệ."))
REPORT_BUCKETS = tuple(c.key for c in COLUMNS if c.recorded)
BUCKETS = LIVE_BUCKETS + DAY_BUCKETS + REPORT_BUCKETS


class ArgsError(Exception):
    """A query-string value the reports cannot use; `message` is for the user."""

    def __init__(self, field: str, message):
        super().__init__(message)
        self.field = field
        self.message = message


def _text(**kwargs) -> fields.String:
    return fields.String(
        load_default=None,
        allow_none=True,
        error_messages={"invalid": _l("Giá trị không hợp lệ.")},
        **kwargs,
    )


class ScopeArgs(Schema):
    """Which units: a company and / or a team code, both optional."""

    class Meta:
        unknown = EXCLUDE

    company = _text(validate=_CODE)
    team = _text(validate=_CODE)


class ReportArgs(ScopeArgs):
    month = _text(validate=validate.Length(max=16, error=_l("Tháng không hợp lệ.")))


class TicketListArgs(ReportArgs):
    bucket = fields.String(
        required=True,
        validate=validate.OneOf(BUCKETS, error=_l("Không có số liệu này.")),
        error_messages={"required": _l("Thiếu số liệu.")},
    )
    day = _text(validate=validate.Length(max=16, error=_l("Ngày không hợp lệ.")))
    period = fields.String(
        load_default="month",
        validate=validate.OneOf(("month", "ytd"), error=_l("Kỳ báo cáo không hợp lệ.")),
    )
    page = fields.Integer(
        load_default=1,
        validate=validate.Range(min=1, max=100_000, error=_l("Trang không hợp lệ.")),
        error_messages={"invalid": _l("Trang không hợp lệ.")},
    )


def load_args(schema: type[Schema], args) -> dict:
    """The query string through a schema; ArgsError names the first bad field."""
    try:
        # Empty values mean "not given" (a form's blank select).
        return schema().load({k: v for k, v in args.items() if v != ""})
    except ValidationError as err:
        field, messages = next(iter(err.messages_dict.items()))
        # Lazily translated messages arrive bare, others in a list.
        raise ArgsError(field, messages[0] if isinstance(messages, list) else messages) from None
