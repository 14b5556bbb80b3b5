"""Leaders' reports: the dashboard, the monthly report (HTML, XLSX, CSV) and their tickets."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")

from fieldapp.reports import routes  # noqa: E402,F401
