"""Thin views of the reports: read the query, count in the database, render or export."""

from zoneinfo import ZoneInfo

from flask import Response, current_app, jsonify, render_template, request
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fieldapp.models import utcnow
from fieldapp.reports import bp
from fieldapp.reports.adjusted import adjusted_ops
from fieldapp.reports.dashboard import build_dashboard
from fieldapp.reports.export import csv_text, filename, scope_line, workbook
from fieldapp.reports.incidents import COLUMNS as INCIDENT_COLUMNS
from fieldapp.reports.listing import ticket_list
from fieldapp.reports.metrics import (
    BUCKET_LABELS,
    COLUMNS,
    LIVE_BUCKETS,
    NOTES,
    SECTIONS,
    header_runs,
    section_columns,
)
from fieldapp.reports.monthly import MonthlyReport, build_report
from fieldapp.reports.params import ArgsError, ReportArgs, ScopeArgs, TicketListArgs, load_args
from fieldapp.reports.periods import PeriodError, local_today, parse_month
from fieldapp.reports.scope import ScopeError, company_choices, report_scope
from fieldapp.rules.claims import NOTABLE_MOVE

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOWNLOADS = (".csv", ".xlsx")


def _tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["FIELDAPP_TIMEZONE"])


@bp.app_template_filter("report_number")
def report_number(value) -> str:
    """A count as Vietnamese readers write it (1.234); "—" when not recorded."""
    return "—" if value is None else format_decimal(value)


@bp.app_template_filter("report_time")
def report_time(value) -> str:
    """An instant as the teams read it: local time, HH:MM dd/mm/yyyy."""
    return value.astimezone(_tz()).strftime("%H:%M %d/%m/%Y")


@bp.context_processor
def _labels() -> dict:
    return {
        "bucket_labels": BUCKET_LABELS,
        "live_buckets": LIVE_BUCKETS,
        "columns": COLUMNS,
        "sections": SECTIONS,
        "incident_columns": INCIDENT_COLUMNS,
        "notes": NOTES,
        "header_runs": header_runs,
        "section_columns": section_columns,
    }


@bp.get("/dashboard")
@login_required
def dashboard():
    """Per team: open, due today, overdue, completed late today, and 30 days of them."""
    args = load_args(ScopeArgs, request.args)
    scope = report_scope(current_user, args["company"], args["team"])
    board = build_dashboard(scope, _tz(), utcnow())
    return render_template("reports/dashboard.html", board=board, args=args)


def _monthly() -> tuple[MonthlyReport, dict]:
    """The report the query string asks for (month, company, team)."""
    args = load_args(ReportArgs, request.args)
    scope = report_scope(current_user, args["company"], args["team"])
    now = utcnow()
    year, month = parse_month(args["month"], local_today(now, _tz()))
    return build_report(scope, year, month, _tz(), now, args["company"]), args


@bp.get("/monthly")
@login_required
def monthly():
    """The monthly report as a page, with links to the files and to each number's tickets."""
    report, args = _monthly()
    keep = {"month": report.month.period.month_key, **_unit(args)}
    return render_template(
        "reports/monthly.html",
        report=report,
        args=args,
        keep=keep,
        title=report.heading,
        scope_line=scope_line(report),
        companies=company_choices(current_user),
    )


@bp.get("/monthly.xlsx")
@login_required
def monthly_xlsx():
    """The monthly report as an Excel workbook (CONTRACT "Reports")."""
    report, _args = _monthly()
    return _download(workbook(report, _tz()), XLSX, filename(report, "xlsx"))


@bp.get("/monthly.csv")
@login_required
def monthly_csv():
    """The monthly report as CSV, UTF-8 with a byte-order mark so Excel reads the accents."""
    report, _args = _monthly()
    return _download(
        csv_text(report).encode("utf-8-sig"), "text/csv; charset=utf-8", filename(report, "csv")
    )


@bp.get("/adjusted")
@login_required
def adjusted():
    """Ops whose claimed time the server moved by more than 10 minutes, and why."""
    args = load_args(ScopeArgs, request.args)
    scope = report_scope(current_user, args["company"], args["team"])
    return render_template(
        "reports/adjusted.html", rows=adjusted_ops(scope, utcnow()), scope=scope, limit=NOTABLE_MOVE
    )


@bp.get("/tickets")
@login_required
def tickets():
    """The tickets behind one number of the dashboard or the monthly report."""
    args = load_args(TicketListArgs, request.args)
    scope = report_scope(current_user, args["company"], args["team"])
    listing = ticket_list(scope, args, _tz(), utcnow())
    return render_template(
        "reports/tickets.html", listing=listing, scope=scope, args=args, unit=_unit(args)
    )


def _unit(args: dict) -> dict:
    """The company and team arguments that were given, to keep in links."""
    return {key: args[key] for key in ("company", "team") if args.get(key)}


def _download(body: bytes, mimetype: str, name: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.after_request
def _no_store(response: Response) -> Response:
    # Numbers change by the minute and the files hold customer data: never cache them.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(ScopeError)
def _scope_error(err: ScopeError):
    return _error(err.status, "scope", err.message)


@bp.errorhandler(ArgsError)
@bp.errorhandler(PeriodError)
def _args_error(err: ArgsError | PeriodError):
    return _error(400, err.field, err.message)


def _error(status: int, field: str, message):
    """JSON for the files (a script reads them), a page for people."""
    if request.path.endswith(DOWNLOADS):
        return jsonify(errors={field: [str(message)]}), status
    title = (
        _("Không có quyền")
        if status == 403
        else (_("Không tìm thấy") if status == 404 else _("Yêu cầu không hợp lệ"))
    )
    return render_template("reports/error.html", title=title, message=message), status
