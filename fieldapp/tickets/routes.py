"""The crew's screens: "Việc của tôi", a ticket's page, its actions, and its photos."""

from flask import abort, flash, jsonify, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fieldapp.extensions import db
from fieldapp.labels import label, refusal_text
from fieldapp.models import Attachment, Ticket, utcnow
from fieldapp.pages import fragment, htmx_target, page_or_fragment, wants_fragment
from fieldapp.rules.lifecycle import ACTIONS
from fieldapp.services.access import can_see
from fieldapp.tickets import bp, forms, ops, queue, views
from fieldapp.tickets.evidence import (
    EvidenceError,
    check_uploader,
    inline_names,
    store_evidence,
)

OVERSEERS = ("company", "admin")


@bp.get("/")
@login_required
def index():
    """The user's queue, one tab of it; people who oversee several teams start on the board."""
    if current_user.role in OVERSEERS:
        return redirect(url_for("board.index"))
    shown = queue.load(current_user, request.args.get("tab"), utcnow())
    return page_or_fragment(
        "tickets/index.html", "tickets/_list.html", queue=shown, rows=shown.rows
    )


@bp.get("/tickets/<int:ticket_id>")
@login_required
def show(ticket_id: int):
    """A ticket's page (its panel alone for htmx)."""
    ticket = views.visible_ticket(ticket_id, current_user)
    context = views.ticket_context(ticket, current_user, utcnow())
    return page_or_fragment("tickets/ticket.html", "tickets/_ticket.html", **context)


@bp.post("/tickets/<int:ticket_id>/<action>")
@login_required
def act(ticket_id: int, action: str):
    """Apply one action form as an op; answer with the swapped part or the page again."""
    if action not in ACTIONS:
        abort(404)
    ticket = views.visible_ticket(ticket_id, current_user)
    try:
        photo_ids = (
            store_evidence(request.files.getlist("photos"), current_user, ticket)
            if action == "update"
            else []
        )
    except EvidenceError as err:
        return _refused(ticket, action, str(err), ("attachments",))
    data = forms.op_data(action, request.form, photo_ids)
    result = ops.submit(ticket.id, action, data, request.form.get("op_id"), current_user)
    if result.status == "rejected":
        return _refused(
            result.ticket or ticket,
            action,
            refusal_text(result.refusal),
            result.refusal.fields,
            photo_ids,
        )
    return _done(result.ticket or ticket, action, result.status)


def _done(ticket, action: str, status: str):
    """After an applied (or already applied) op: the fresh row or panel, or back to the page."""
    notice = _("Đã ghi nhận: %(action)s.", action=label("action", action))
    if status == "duplicate":
        notice = _("Thao tác này đã được ghi nhận trước đó.")
    target = htmx_target()
    if target.startswith("row-"):
        return fragment("tickets/_row.html", row=views.make_row(ticket, current_user, utcnow()))
    if wants_fragment():
        context = views.ticket_context(ticket, current_user, utcnow(), notice=notice)
        return fragment("tickets/_ticket.html", **context)
    flash(notice)
    return redirect(url_for("tickets.show", ticket_id=ticket.id), 303)


def _refused(ticket, action: str, message: str, fields, photo_ids=()):
    """The form again, open, with what the user typed and why it was refused (422)."""
    if htmx_target().startswith("row-"):
        row = views.make_row(ticket, current_user, utcnow())
        return fragment("tickets/_row.html", 422, row=row, error=message)
    values = request.form.to_dict()
    context = views.ticket_context(
        ticket,
        current_user,
        utcnow(),
        open_action=action,
        values=values,
        error=message,
        error_fields=tuple(fields),
        kept_photos=_kept(photo_ids),
    )
    return page_or_fragment("tickets/ticket.html", "tickets/_ticket.html", 422, **context)


def _kept(photo_ids) -> list[int]:
    """Photos already uploaded with this (refused) update, so they need not be picked again."""
    earlier = [int(v) for v in request.form.getlist("attachments") if v.isdigit()]
    return list(dict.fromkeys(earlier + list(photo_ids)))


@bp.post("/tickets/<int:ticket_id>/photos")
@login_required
def upload_photos(ticket_id: int):
    """Keep photos and documents for a later update op (the offline outbox sends them
    first): their ids."""
    try:
        check_uploader(current_user)  # first: a reader is refused whatever the ticket
        ticket = views.visible_ticket(ticket_id, current_user)
        ids = store_evidence(request.files.getlist("photos"), current_user, ticket)
    except EvidenceError as err:
        return jsonify(errors={"photos": [str(err)]}), err.status
    if not ids:
        return jsonify(errors={"photos": [_("Chưa chọn ảnh nào.")]}), 400
    return jsonify(attachments=ids), 201


@bp.get("/attachments/<int:attachment_id>")
@login_required
def photo(attachment_id: int):
    """A photo, for whoever may see its ticket (or its uploader before it is attached)."""
    row = db.session.get(Attachment, attachment_id)
    allowed = (
        row is not None
        and row.purged_at is None
        and (
            row.user_id == current_user.id
            or (row.ticket_id is not None and can_see(current_user, _ticket_of(row)))
        )
    )
    if row is None or not allowed:
        abort(404)
    response = make_response(row.data)
    response.headers["Content-Type"] = row.content_type
    response.headers.set("Content-Disposition", "inline", **inline_names(row.filename))
    response.headers["X-Content-Type-Options"] = "nosniff"
    # No max-age, though a photo never changes: kept in the HTTP cache, it would be shown to the
    # next user of a shared phone without asking the server (security.py: private, no-store).
    return response


def _ticket_of(row: Attachment) -> Ticket:
    return db.session.get_one(Ticket, row.ticket_id)
