"""/desk: the counter's search and walk-in form."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fieldapp.desk import bp
from fieldapp.desk.search import find_tickets
from fieldapp.desk.walkin import create_walkin, error_labels, form_code, unused_code
from fieldapp.labels import label
from fieldapp.models import utcnow
from fieldapp.pages import page_or_fragment
from fieldapp.rules.catalog import TYPES
from fieldapp.tickets.views import make_row

COUNTER_ROLES = ("crew", "desk", "team_lead")


@bp.before_request
@login_required
def _team_members_only():
    """The counter belongs to a team: its staff enter requests for that team."""
    if current_user.role not in COUNTER_ROLES or current_user.team is None:
        abort(403)


@bp.get("")
def index():
    """Search by customer code, phone or name (results alone for htmx), and the walk-in
    form."""
    q = request.args.get("q", "").strip()
    now = utcnow()
    rows = [make_row(t, current_user, now) for t in find_tickets(current_user, q)]
    return page_or_fragment(
        "desk/index.html", "desk/_results.html", q=q, rows=rows, **_form_context({}, {})
    )


@bp.post("/tickets")
def create():
    """Create the walk-in ticket; it joins the team's queue and goes to the CRM's outbox."""
    ticket, errors = create_walkin(request.form, current_user)
    if ticket is not None:
        flash(_confirmation(ticket))
        return redirect(url_for("tickets.show", ticket_id=ticket.id), 303)
    context = _form_context(request.form.to_dict(), errors)
    return render_template("desk/index.html", q="", rows=[], **context), 422


def _confirmation(ticket) -> str:
    """What the clerk reads once the ticket exists: its code, and who holds it now."""
    made = _(
        "Đã tạo phiếu %(code)s cho khách hàng %(name)s.",
        code=ticket.crm_id,
        name=ticket.customer_name,
    )
    if ticket.assignee_id == current_user.id:
        return f"{made} {_('Phiếu được giao cho bạn.')}"
    return f"{made} {_('Phiếu chờ %(desk)s tiếp nhận.', desk=label('desk', ticket.desk))}"


def _form_context(values: dict, errors: dict) -> dict:
    """The walk-in form's values, errors, type list and its once-only code."""
    token = unused_code() if "walkin_id" in errors else form_code(values.get("walkin_id"))
    types = sorted(TYPES.values(), key=lambda t: (t.desk or "", t.name_vi))
    return {
        "values": values,
        "errors": errors,
        "error_labels": error_labels(errors),
        "walkin_id": token,
        "types": types,
    }
