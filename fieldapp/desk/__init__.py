"""The counter: find a customer's tickets, and enter a walk-in customer's request."""

from flask import Blueprint

bp = Blueprint("desk", __name__, url_prefix="/desk")

from fieldapp.desk import routes  # noqa: E402,F401
