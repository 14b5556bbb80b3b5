"""Administration pages: the CRM outbox (GET /admin/callbacks, POST .../retry)."""

from functools import wraps

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fieldapp.admin import bp
from fieldapp.models import utcnow
from fieldapp.services import outbox
from workers.queues import get_queue


def admin_only(view):
    """Administrators only; anyone else signed in gets 403."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if current_user.role != "admin":
            abort(403)
        return view(*args, **kwargs)

    return wrapper


@bp.get("/callbacks")
@admin_only
def callbacks():
    """The outbox: how much waits, and the callbacks parked after too many failures."""
    return render_template(
        "admin/callbacks.html",
        counts=outbox.counts(),
        parked=outbox.parked(),
        configured=bool(current_app.config.get("CRM_CALLBACK_URL")),
    )


@bp.post("/callbacks/<int:callback_id>/retry")
@admin_only
def retry(callback_id: int):
    """Unpark one callback and wake a worker to send it."""
    if not outbox.retry(callback_id, utcnow()):
        abort(404)
    get_queue(current_app).enqueue("workers.callbacks.send_callbacks")
    flash(_("Đã đưa sự kiện vào hàng gửi lại."))
    return redirect(url_for("admin.callbacks"), 303)
