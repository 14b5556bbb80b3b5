"""The "Sự cố" screens: the team's incidents, declaring one, an incident's page, its actions."""

from flask import abort, flash, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fieldapp.extensions import db
from fieldapp.incidents import bp, forms, ops, views
from fieldapp.labels import label, refusal_text
from fieldapp.models import Incident, Ticket, utcnow
from fieldapp.pages import fragment, page_or_fragment, wants_fragment
from fieldapp.rules.actions import INCIDENT_ROLES


@bp.get("/incidents")
@login_required
def index():
    """The incidents the user may read, open first; crews and leaders may declare one."""
    return _index(_declare_state())


@bp.post("/incidents/declare")
@login_required
def declare():
    """Declare an incident of the user's team: its page, or the form again saying why not."""
    if current_user.role not in INCIDENT_ROLES:
        abort(403)
    data = forms.op_data(forms.incident_form("declare"), request.form)
    result = ops.submit(None, "declare", data, request.form.get("op_id"), current_user)
    if result.status == "rejected":
        state = _declare_state(
            open_action="declare",
            values=request.form.to_dict(),
            error=refusal_text(result.refusal),
            error_fields=result.refusal.fields,
        )
        if wants_fragment():
            return fragment("incidents/_declare.html", 422, **state)
        return _index(state, 422)
    flash(_("Đã ghi nhận: %(action)s.", action=label("action", "declare")))
    url = url_for("incidents.show", incident_id=result.incident_id)
    if wants_fragment():  # htmx follows to the new incident's page
        response = make_response("", 200)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, 303)


@bp.get("/incidents/<int:incident_id>")
@login_required
def show(incident_id: int):
    """An incident's page (its panel alone for htmx)."""
    incident = views.visible_incident(incident_id, current_user)
    context = views.incident_context(incident, current_user, utcnow())
    return page_or_fragment("incidents/incident.html", "incidents/_incident.html", **context)


@bp.post("/incidents/<int:incident_id>/<action>")
@login_required
def act(incident_id: int, action: str):
    """Apply one action form of the incident's page as an op on the incident."""
    if current_user.role not in INCIDENT_ROLES:
        abort(403)
    incident = views.visible_incident(incident_id, current_user)
    if action not in views.PAGE_ACTIONS:
        abort(404)
    data = forms.op_data(forms.incident_form(action), request.form)
    result = ops.submit(incident.id, action, data, request.form.get("op_id"), current_user)
    if result.status == "rejected":
        context = views.incident_context(
            incident,
            current_user,
            utcnow(),
            open_action=action,
            values=request.form.to_dict(),
            error=refusal_text(result.refusal),
            error_fields=tuple(result.refusal.fields),
        )
        return page_or_fragment(
            "incidents/incident.html", "incidents/_incident.html", 422, **context
        )
    notice = _notice(action, result)
    if not wants_fragment():
        flash(notice)
        return redirect(url_for("incidents.show", incident_id=incident.id), 303)
    context = views.incident_context(
        incident,
        current_user,
        utcnow(),
        notice=notice,
        left_open=[(left["ticket_id"], refusal_text(left["refusal"])) for left in result.left_open],
    )
    return fragment("incidents/_incident.html", **context)


@bp.app_template_global()
def incident_of(ticket: Ticket) -> Incident | None:
    """The incident a ticket is linked to, for the banner on its page."""
    return db.session.get(Incident, ticket.incident_id) if ticket.incident_id else None


def _index(state: dict, status: int = 200):
    """The list page (or, for htmx, the list alone) with the declaration form's state."""
    rows = views.incident_list(current_user, utcnow())
    return page_or_fragment(
        "incidents/index.html", "incidents/_list.html", status, rows=rows, **state
    )


def _declare_state(**form_state) -> dict:
    """The declaration form (for crews and leaders of a team) and its starting values."""
    now = utcnow()
    if not views.acts_on(current_user, current_user.team_id):
        return {"declare": None}
    return {
        "declare": forms.incident_form("declare"),
        "now": now,
        "start": views.declare_start(current_user, request.args.get("station"), now),
        "open_action": None,
        "values": {},
        "error": None,
        "error_fields": (),
        **form_state,
    }


def _notice(action: str, result) -> str:
    """What the user is told: the action recorded, and what it did to the tickets."""
    if result.status == "duplicate":
        return _("Thao tác này đã được ghi nhận trước đó.")
    notice = _("Đã ghi nhận: %(action)s.", action=label("action", action))
    if result.tickets_changed or result.left_open:
        notice += " " + _(
            "%(done)s phiếu đã cập nhật, %(left)s phiếu chưa cập nhật được.",
            done=len(result.tickets_changed),
            left=len(result.left_open),
        )
    return notice
