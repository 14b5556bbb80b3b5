"""Administration pages: the CRM outbox, accounts and their audit."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from fieldapp.admin import routes, users  # noqa: E402,F401
