"""The team leader's board: every ticket of the team, filtered, overdue first."""

from flask import Blueprint

bp = Blueprint("board", __name__, url_prefix="/board")

from fieldapp.board import routes  # noqa: E402,F401
