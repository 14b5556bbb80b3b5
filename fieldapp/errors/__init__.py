"""Error pages in the app's style and language (the API keeps its JSON errors)."""

from flask import Blueprint

bp = Blueprint("errors", __name__)

from fieldapp.errors import door, handlers  # noqa: E402,F401
