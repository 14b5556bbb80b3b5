"""The CRM's signed calls (CONTRACT "CRM → app"): push a ticket, chase a ticket."""

import json
import time

from flask import abort, current_app, request

from fieldapp.api import bp
from fieldapp.api.errors import error_response
from fieldapp.api.schemas import UNKNOWN_TEAM, ChaseSchema, IntakeSchema, TicketSchema
from fieldapp.errors.refused import TOO_DEEP, refused_fields, too_deep
from fieldapp.extensions import compress, csrf
from fieldapp.rules.text import N_
from fieldapp.services.chase import chase
from fieldapp.services.intake import UnknownTeam, receive, team_exists
from fieldapp.services.signing import verify

# Built once: a schema instance holds no per-request state, and building one costs more than
# a push's rules.
INTAKE, TICKET, CHASE = IntakeSchema(team_exists=team_exists), TicketSchema(), ChaseSchema()


@bp.post("/crm/tickets")
@csrf.exempt  # authenticated by its HMAC signature instead of a session
@compress.exempt  # answered to a server (fieldapp.compression)
def crm_push():
    """Receive a ticket from the CRM.
    ---
    post:
      summary: Push a ticket (signed with X-CRM-Timestamp and X-CRM-Signature).
      requestBody:
        content:
          application/json:
            schema: IntakeSchema
      responses:
        201:
          description: Created.
          content:
            application/json:
              schema: TicketSchema
        200:
          description: This crm_id was pushed before; the existing ticket, unchanged.
          content:
            application/json:
              schema: TicketSchema
        400: BadInput
        401:
          description: Not signed in, or a bad signature.
          content:
            application/json:
              schema: ErrorSchema
        413:
          description: Body too large.
          content:
            application/json:
              schema: ErrorSchema
    """
    body = _bounded_body()
    if not _signed(body):
        return error_response({"signature": [N_("Chữ ký hoặc thời điểm không hợp lệ.")]}, 401)
    payload = _json_object(body)
    if found := refused_fields(payload):
        return error_response(found, 400)
    data = INTAKE.load(payload)
    try:
        ticket, created = receive(data)
    except UnknownTeam:  # checked by INTAKE already; kept for a team removed meanwhile
        return error_response({"team": [UNKNOWN_TEAM]}, 400)
    return TICKET.dump(ticket), 201 if created else 200


@bp.post("/crm/tickets/<crm_id>/chase")
@csrf.exempt  # authenticated by its HMAC signature instead of a session
@compress.exempt  # answered to a server (fieldapp.compression)
def crm_chase(crm_id: str):
    """The call center chases a ticket (đôn đốc).
    ---
    post:
      summary: Chase a ticket (signed like a push); starts the 15-minute overdue-update clock.
      parameters:
      - in: path
        name: crm_id
        required: true
        schema:
          type: string
      requestBody:
        content:
          application/json:
            schema: ChaseSchema
      responses:
        200:
          description: The ticket after the chase (a closed ticket, unchanged).
          content:
            application/json:
              schema: TicketSchema
        400: BadInput
        401:
          description: A bad signature.
          content:
            application/json:
              schema: ErrorSchema
        404: NotFound
    """
    body = _bounded_body()
    if not _signed(body):
        return error_response({"signature": ["Chữ ký hoặc thời điểm không hợp lệ."]}, 401)
    payload = _json_object(body)
    if found := refused_fields(payload):
        return error_response(found, 400)
    data = CHASE.load(payload)
    ticket = chase(crm_id, data["at"], data["note"])
    if ticket is None:
        abort(404)
    return TICKET.dump(ticket), 200


def _bounded_body() -> bytes:
    """The raw body, refusing anything larger than a ticket can be."""
    limit = current_app.config["CRM_MAX_BODY_BYTES"]
    if (request.content_length or 0) > limit:
        abort(413)
    body = request.get_data(cache=True)
    if len(body) > limit:
        abort(413)
    return body


def _signed(body: bytes) -> bool:
    return verify(
        current_app.config["CRM_SHARED_SECRET"],
        request.headers.get("X-CRM-Timestamp"),
        request.headers.get("X-CRM-Signature"),
        body,
        time.time(),
        current_app.config["CRM_CLOCK_TOLERANCE_SECONDS"],
    )


def _json_object(body: bytes) -> dict:
    """The body as a JSON object, or a 400 that says it is not one (or nests too deep)."""
    if too_deep(body):  # before parsing: the parser would run out of stack
        abort(error_response({"_body": [TOO_DEEP]}, 400))
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        abort(error_response({"_body": [N_("Nội dung phải là một đối tượng JSON.")]}, 400))
    return data
