"""Administration pages: the CRM outbox."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from fieldapp.admin import routes  # noqa: E402,F401
