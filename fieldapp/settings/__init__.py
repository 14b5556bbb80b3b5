"""The user's settings: push notifications on this device."""

from flask import Blueprint

bp = Blueprint("settings", __name__)

from fieldapp.settings import routes  # noqa: E402,F401
