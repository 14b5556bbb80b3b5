"""The JSON API of CONTRACT.md, under /api/v1."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from fieldapp.api import (  # noqa: E402,F401
    calendar,
    crm,
    errors,
    incidents,
    openapi,
    push,
    session,
    sync,
    tickets,
)
