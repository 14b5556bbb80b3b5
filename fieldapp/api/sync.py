"""POST /api/v1/sync applies a phone's ops; GET reads the change feed."""

from flask import abort, request
from flask_login import current_user, login_required

from fieldapp.api import bp
from fieldapp.api.errors import error_response
from fieldapp.api.schemas import IncidentSchema, TicketSchema
from fieldapp.labels import refusal_text
from fieldapp.models import utcnow
from fieldapp.rules.text import N_
from sync.batch import apply_sync
from sync.feed import changes_since, decode_cursor
from sync.schemas import FeedSchema, SyncResponseSchema

RESPONSE, TICKETS, FEED = SyncResponseSchema(), TicketSchema(many=True), FeedSchema()
INCIDENTS = IncidentSchema(many=True)


@bp.post("/sync")
@login_required
def sync_push():
    """Apply a batch of ops.
    ---
    post:
      summary: Apply ops in order; each comes back applied, duplicate or rejected.
      requestBody:
        content:
          application/json:
            schema: SyncRequestSchema
      responses:
        200:
          description: A result per op, and each ticket the batch touched, once.
          content:
            application/json:
              schema: SyncResponseSchema
        400: BadInput
    """
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return error_response({"_body": [N_("Nội dung phải là một đối tượng JSON.")]}, 400)
    now = utcnow()
    outcome = apply_sync(current_user, body, now)
    return RESPONSE.dump(
        {
            "server_time": now,
            "results": [result_json(r) for r in outcome.results],
            "tickets": TICKETS.dump(outcome.tickets),
            "incidents": INCIDENTS.dump(outcome.incidents),
        }
    )


@bp.get("/sync")
@login_required
def sync_feed():
    """Tickets changed since a cursor.
    ---
    get:
      summary: The user's tickets changed since `since` (all open ones without it).
      parameters:
      - in: query
        name: since
        schema:
          type: string
      responses:
        200:
          description: OK.
          content:
            application/json:
              schema: FeedSchema
        400: BadInput
    """
    cursor = request.args.get("since") or None
    if cursor is not None and decode_cursor(cursor) is None:
        abort(error_response({"since": [N_("Con trỏ đồng bộ không hợp lệ.")]}, 400))
    next_cursor, tickets = changes_since(current_user, cursor, utcnow())
    return FEED.dump({"cursor": next_cursor, "tickets": TICKETS.dump(tickets)})


def result_json(result) -> dict:
    """One op's result in the CONTRACT shape: small, the ticket itself is in `tickets`. An
    incident op's result names its incident instead, and what it left open and why."""
    error = result.error
    body = {
        "op_id": result.op_id,
        "status": result.status,
        "ticket_id": result.ticket_id,
        "error": None
        if error is None
        else {"code": error.code, "message": refusal_text(error), "fields": list(error.fields)},
    }
    if result.incident_id is not None:
        del body["ticket_id"]
        body["incident_id"] = result.incident_id
        body["left_open"] = [
            {
                "ticket_id": left["ticket_id"],
                "code": left["refusal"].code,
                "message": refusal_text(left["refusal"]),
            }
            for left in result.left_open
        ]
    return body
