"""GET /api/v1/tickets[/<id>]: what the signed-in user may read."""

from flask import abort, request
from flask_login import current_user, login_required
from marshmallow import Schema, fields, validate
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from fieldapp.api import bp
from fieldapp.api.schemas import TicketListSchema, TicketSchema
from fieldapp.extensions import db
from fieldapp.models import Event, Team, Ticket
from fieldapp.services.access import can_see, newest_page, visible_tickets

STATUSES = ("received", "accepted", "in_progress", "completed", "returned")


# Built once: a schema holds no per-request state.
TICKET, TICKET_LIST = TicketSchema(), TicketListSchema()


class ListArgs(Schema):
    status = fields.String(validate=validate.OneOf(STATUSES))
    team = fields.String(validate=validate.Length(max=32))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


LIST_ARGS = ListArgs()


@bp.get("/tickets/<int:ticket_id>")
@login_required
def ticket_detail(ticket_id: int):
    """One ticket.
    ---
    get:
      summary: A ticket of the user's teams (others answer 404).
      parameters:
      - in: path
        name: ticket_id
        required: true
        schema:
          type: integer
      responses:
        200:
          description: OK.
          content:
            application/json:
              schema: TicketSchema
        404: NotFound
    """
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None or not can_see(current_user, ticket):
        abort(404)
    return TICKET.dump(ticket)


@bp.get("/tickets")
@login_required
def ticket_list():
    """Tickets the user may read, newest first.
    ---
    get:
      summary: List tickets (filters status, team; paginated).
      parameters:
      - in: query
        schema: ListArgs
      responses:
        200:
          description: OK.
          content:
            application/json:
              schema: TicketListSchema
        400: BadInput
    """
    args = LIST_ARGS.load(request.args)
    filters = []
    if "status" in args:
        filters.append(Ticket.status == args["status"])
    if "team" in args:
        filters.append(Ticket.team_id.in_(select(Team.id).where(Team.code == args["team"])))
    query = visible_tickets(current_user).where(*filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    per_page = args["per_page"]
    page = newest_page(current_user, filters, per_page, (args["page"] - 1) * per_page).options(
        selectinload(Ticket.events).selectinload(Event.user),
        selectinload(Ticket.reminders),
        selectinload(Ticket.team),
        selectinload(Ticket.assignee),
    )
    tickets = db.session.execute(page).scalars().all()
    return TICKET_LIST.dump(
        {"tickets": tickets, "page": args["page"], "per_page": args["per_page"], "total": total}
    )
