"""GET /settings: turn notifications on or off for this device, and send a test."""

from flask import current_app, render_template
from flask_login import login_required

from fieldapp.settings import bp


@bp.get("/settings")
@login_required
def index():
    """The settings page; its script (static/js/push.js) talks to /api/v1/push."""
    wait = current_app.config["PUSH_ANSWER_SECONDS"]
    return render_template("settings/index.html", push_wait_seconds=wait)
