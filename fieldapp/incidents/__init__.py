"""The wide-area incident screens (DOMAIN §8): the "Sự cố" tab and an incident's page."""

from flask import Blueprint

bp = Blueprint("incidents", __name__)

from fieldapp.incidents import routes  # noqa: E402,F401
