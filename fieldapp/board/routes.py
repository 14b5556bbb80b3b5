"""/board: the leader's view of the team, and the leader's actions on a row."""

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fieldapp.auth.routes import safe_next
from fieldapp.board import bp
from fieldapp.board.filters import Filters, board_rows, board_team, board_teams
from fieldapp.labels import label, refusal_text
from fieldapp.models import utcnow
from fieldapp.pages import fragment, page_or_fragment, wants_fragment
from fieldapp.rules.clocks import OVERDUE_KINDS
from fieldapp.rules.lifecycle import beyond_limit
from fieldapp.services.ticket_state import to_state
from fieldapp.tickets import forms, ops
from fieldapp.tickets.views import actions_for, make_row, team_members, visible_ticket

BOARD_ROLES = ("team_lead", "company", "admin")
BOARD_ACTIONS = ("assign", "transfer", "extend")


@bp.before_request
@login_required
def _leaders_only():
    """Leaders and the people above them read the board; crews have their own queue."""
    if current_user.role not in BOARD_ROLES:
        abort(403)


@bp.get("")
def index():
    """The board (its list alone for htmx, when the filters change)."""
    filters = Filters.from_args(request.args)
    teams = board_teams(current_user)
    if not teams:
        abort(404)
    team = board_team(teams, filters.team)
    rows = board_rows(current_user, team, filters, utcnow())
    return page_or_fragment(
        "board/index.html",
        "board/_list.html",
        rows=rows,
        teams=teams,
        team=team,
        filters=filters,
        overdue_kinds=OVERDUE_KINDS,
        **_row_context(team),
    )


@bp.post("/tickets/<int:ticket_id>/<action>")
def act(ticket_id: int, action: str):
    """Assign, transfer, or confirm an extension beyond the limit, from a board row."""
    if action not in BOARD_ACTIONS:
        abort(404)
    ticket = visible_ticket(ticket_id, current_user)
    data = forms.op_data(action, request.form)
    result = ops.submit(ticket.id, action, data, request.form.get("op_id"), current_user)
    error = refusal_text(result.refusal) if result.status == "rejected" else None
    if wants_fragment():
        row = make_row(result.ticket or ticket, current_user, utcnow())
        refused = (
            {
                "open_action": action,
                "values": request.form.to_dict(),
                "error_fields": forms.form_names(result.refusal.fields),
            }
            if error
            else {}
        )
        return fragment(
            "board/_row.html",
            422 if error else 200,
            row=row,
            error=error,
            **refused,
            **_row_context(ticket.team),
        )
    flash(error or _("Đã ghi nhận: %(action)s.", action=label("action", action)))
    return redirect(safe_next(request.form.get("next"), url_for("board.index")), 303)


def _row_context(team) -> dict:
    """What every board row needs: the team's people (none across all teams, where nobody
    assigns), the forms and the extension check."""
    members = team_members(team.id) if team is not None else []
    return {
        "members": members,
        "may_extend_beyond": may_extend_beyond,
        "forms": {name: forms.action_form(name) for name in BOARD_ACTIONS},
        "now": utcnow(),
    }


def may_extend_beyond(ticket, now) -> bool:
    """The leader may confirm one more extension: the type's limit is reached and the rules
    still let this leader extend."""
    state = to_state(ticket)
    return beyond_limit(state) and "extend" in actions_for(ticket, state, current_user, now)
