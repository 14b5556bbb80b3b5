"""The crew's and the counter's ticket screens."""

from flask import Blueprint

bp = Blueprint("tickets", __name__)

from fieldapp.tickets import routes  # noqa: E402,F401
