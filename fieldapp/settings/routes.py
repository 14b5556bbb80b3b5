"""GET /settings: turn notifications on or off for this device, and send a test."""

from flask import render_template
from flask_login import login_required

from fieldapp.settings import bp


@bp.get("/settings")
@login_required
def index():
    """The settings page; its script (static/js/push.js) talks to /api/v1/push."""
    return render_template("settings/index.html")
