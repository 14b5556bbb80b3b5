"""/api/v1/calendar/overrides: an administrator corrects the working-day calendar."""

from flask import abort, request
from flask_login import current_user, login_required
from marshmallow import Schema, fields, validate

from fieldapp.api import bp
from fieldapp.services.calendar import list_overrides, set_override


class OverrideSchema(Schema):
    """A day declared off or working, overriding the holidays package."""

    day = fields.Date(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(("off", "work")))
    note = fields.String(load_default="", validate=validate.Length(max=200))


class OverrideDaySchema(Schema):
    day = fields.Date(required=True)


def _admin_only() -> None:
    if current_user.role != "admin":
        abort(403)


@bp.get("/calendar/overrides")
@login_required
def calendar_overrides():
    """The corrections in force.
    ---
    get:
      summary: Days an administrator declared off or working.
      responses:
        200:
          description: OK.
          content:
            application/json:
              schema:
                type: array
                items: OverrideSchema
        403:
          description: Administrators only.
    """
    _admin_only()
    return OverrideSchema(many=True).dump(list_overrides())


@bp.put("/calendar/overrides")
@login_required
def calendar_override_set():
    """Declare a day off or working.
    ---
    put:
      summary: Add or change the correction of one day; deadlines of new tickets follow it.
      requestBody:
        content:
          application/json:
            schema: OverrideSchema
      responses:
        200:
          description: OK.
          content:
            application/json:
              schema: OverrideSchema
        400: BadInput
        403:
          description: Administrators only.
    """
    _admin_only()
    override = OverrideSchema().load(request.get_json(silent=True) or {})
    set_override(override["day"], override["kind"], override["note"])
    return OverrideSchema().dump(override)


@bp.delete("/calendar/overrides")
@login_required
def calendar_override_remove():
    """Drop the correction of a day.
    ---
    delete:
      summary: The holidays package decides that day again.
      requestBody:
        content:
          application/json:
            schema: OverrideDaySchema
      responses:
        204:
          description: Removed (or there was none).
        403:
          description: Administrators only.
    """
    _admin_only()
    override = OverrideDaySchema().load(request.get_json(silent=True) or {})
    set_override(override["day"], None)
    return "", 204
