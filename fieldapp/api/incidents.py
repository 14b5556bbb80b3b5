"""Wide-area incidents (CONTRACT): declare one, list and read them. Changes are sync ops."""

import uuid

from flask import abort, request
from flask_login import current_user, login_required
from marshmallow import Schema, fields, validate
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from fieldapp.api import bp
from fieldapp.api.errors import error_response
from fieldapp.api.schemas import DeclareSchema, IncidentListSchema, IncidentSchema
from fieldapp.api.sync import result_json
from fieldapp.extensions import db
from fieldapp.labels import refusal_text
from fieldapp.models import Incident, IncidentEvent, Team, utcnow
from fieldapp.rules.actions import INCIDENT_ROLES, INCIDENT_STATUSES
from fieldapp.services.access import in_teams
from fieldapp.services.tickets import OpRequest, apply_batch

DECLARE, INCIDENT = DeclareSchema(), IncidentSchema()


class IncidentArgs(Schema):
    team = fields.String(validate=validate.Length(max=32))
    status = fields.String(validate=validate.OneOf(INCIDENT_STATUSES))


@bp.post("/incidents")
@login_required
def declare_incident():
    """Declare a wide-area incident.
    ---
    post:
      summary: Report an area outage (crew or team leader of the team); send X-CSRFToken.
      requestBody:
        content:
          application/json:
            schema: DeclareSchema
      responses:
        201:
          description: Declared; the CRM hears incident_reported.
          content:
            application/json:
              schema: IncidentSchema
        400: BadInput
        403:
          description: Not a crew or leader of that team.
          content:
            application/json:
              schema: ErrorSchema
    """
    if current_user.role not in INCIDENT_ROLES:
        abort(403)
    data = DECLARE.load(request.get_json(silent=True) or {})
    op_id = data.pop("op_id", None) or uuid.uuid4().hex
    op = OpRequest(op_id, None, "declare", utcnow(), data)
    result = apply_batch([op], current_user).results[0]
    if result.status == "rejected":
        error = result.refusal
        status = 403 if error.code == "not_allowed" else 400
        return error_response(
            {name: [refusal_text(error)] for name in error.fields or ("_request",)}, status
        )
    assert result.incident_id is not None  # a declaration applied names its incident
    body = INCIDENT.dump(_visible(result.incident_id))
    body["left_open"] = result_json(result)["left_open"]
    return body, 201 if result.status == "applied" else 200


@bp.get("/incidents")
@login_required
def incident_list():
    """The incidents the user may read, open first.
    ---
    get:
      summary: List incidents (filters team, status).
      parameters:
      - in: query
        schema: IncidentArgs
      responses:
        200:
          description: OK.
          content:
            application/json:
              schema: IncidentListSchema
        400: BadInput
    """
    args = IncidentArgs().load(request.args)
    query = (
        select(Incident)
        .options(*_loads())
        .order_by((Incident.status == "open").desc(), Incident.reported_at.desc())
        .limit(200)
    )
    if (teams := current_user.visible_team_ids()) is not None:
        query = query.where(Incident.team_id.in_(teams))
    if "status" in args:
        query = query.where(Incident.status == args["status"])
    if "team" in args:
        query = query.where(Incident.team_id.in_(select(Team.id).where(Team.code == args["team"])))
    return IncidentListSchema().dump({"incidents": db.session.scalars(query).all()})


@bp.get("/incidents/<int:incident_id>")
@login_required
def incident_detail(incident_id: int):
    """One incident.
    ---
    get:
      summary: An incident of the user's teams (others answer 404).
      parameters:
      - in: path
        name: incident_id
        required: true
        schema:
          type: integer
      responses:
        200:
          description: OK.
          content:
            application/json:
              schema: IncidentSchema
        404: NotFound
    """
    return INCIDENT.dump(_visible(incident_id))


def _visible(incident_id: int) -> Incident:
    incident = db.session.get(Incident, incident_id, options=_loads())
    if incident is None or not in_teams(incident, current_user.visible_team_ids()):
        abort(404)
    return incident


def _loads() -> tuple:
    return (
        selectinload(Incident.events).selectinload(IncidentEvent.user),
        selectinload(Incident.tickets),
        selectinload(Incident.team),
    )
