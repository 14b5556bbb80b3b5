"""The installable app's files that must live at the site root: service worker, manifest."""

from flask import Blueprint

bp = Blueprint("pwa", __name__)

from fieldapp.pwa import routes  # noqa: E402,F401
