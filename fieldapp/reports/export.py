"""The monthly report as an Excel workbook (openpyxl) and as CSV."""

import csv
import io
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from fieldapp.reports import incidents
from fieldapp.reports.metrics import COLUMNS, NOTES, header_runs
from fieldapp.reports.monthly import MonthlyReport, PeriodTable, Row

NUMBER_FORMAT = "#,##0"
FIRST_VALUE_COLUMN = 3  # A: STT, B: unit name
HEADER_ROW = 5  # two header rows: 5 and 6; data from row 7
_THIN = Side(style="thin", color="999999")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="DCE6F1")
_TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_STARTED = 2 + [key for key, _heading in incidents.COLUMNS].index("started_at")


def report_title(report: MonthlyReport) -> str:
    """The title with the month in it."""
    period = report.month.period
    return _(
        "BÁO CÁO TÌNH HÌNH XỬ LÝ YÊU CẦU KHÁCH HÀNG THÁNG %(month)02d/%(year)d",
        month=period.last_month,
        year=period.year,
    )


def scope_line(report: MonthlyReport) -> str:
    """Which units the report covers."""
    if report.scope.everything:
        return _("Đơn vị: tất cả công ty điện lực")
    if len(report.scope.teams) == 1:
        team = report.scope.teams[0]
        return _(
            "Đơn vị: %(team)s – %(company)s",
            team=team.name,
            company=report.scope.company_of(team).name,
        )
    return _("Đơn vị: %(names)s", names=", ".join(c.name for c in report.scope.companies))


def as_of_line(table: PeriodTable, tz: ZoneInfo) -> str:
    """The period and the moment its outcomes are judged at."""
    at = table.period.as_of.astimezone(tz)
    return _(
        "%(title)s · số liệu tính đến %(at)s", title=table.title, at=at.strftime("%H:%M %d/%m/%Y")
    )


def workbook(report: MonthlyReport, tz: ZoneInfo) -> bytes:
    """An .xlsx file: one sheet per period, the month's incidents, then the definitions."""
    book = Workbook()
    book.remove(book.worksheets[0])  # the empty sheet a new workbook starts with
    for table in report.tables:
        _period_sheet(book.create_sheet(_sheet_name(table)), report, table, tz)
    _incident_sheet(book.create_sheet(_("Sự cố")), report, tz)
    notes = book.create_sheet(_("Ghi chú"))
    for i, note in enumerate(NOTES, start=1):
        notes.cell(row=i, column=1, value=f"{i}. {note}")
    notes.column_dimensions["A"].width = 140
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_name(table: PeriodTable) -> str:
    period = table.period
    if period.kind == "month":
        return _("Tháng %(month)02d-%(year)d", month=period.last_month, year=period.year)
    return _("Lũy kế %(year)d", year=period.year)


def _period_sheet(
    sheet: Worksheet, report: MonthlyReport, table: PeriodTable, tz: ZoneInfo
) -> None:
    last = FIRST_VALUE_COLUMN + len(COLUMNS) - 1
    for row, text, size in (
        (1, report_title(report), 14),
        (2, scope_line(report), 11),
        (3, as_of_line(table, tz), 11),
    ):
        sheet.cell(row=row, column=1, value=text).font = Font(bold=row == 1, size=size)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
    _headers(sheet)
    _body(sheet, table.rows)
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 2, column=FIRST_VALUE_COLUMN).coordinate
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 34
    for index in range(FIRST_VALUE_COLUMN, last + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 13
    sheet.row_dimensions[HEADER_ROW + 1].height = 48


def _head(sheet: Worksheet, row: int, column: int, text, rows: int = 1, cols: int = 1) -> None:
    """A header cell, merged over rows × cols, boxed and shaded."""
    sheet.cell(row=row, column=column, value=str(text) if text is not None else None)
    if rows > 1 or cols > 1:
        sheet.merge_cells(
            start_row=row, start_column=column, end_row=row + rows - 1, end_column=column + cols - 1
        )
    for r in range(row, row + rows):
        for c in range(column, column + cols):
            cell = sheet.cell(row=r, column=c)
            cell.font, cell.fill, cell.alignment, cell.border = (
                Font(bold=True),
                _HEAD_FILL,
                _CENTER,
                _BOX,
            )


def _headers(sheet: Worksheet) -> None:
    """Two header rows: groups over their columns, single columns spanning both rows."""
    _head(sheet, HEADER_ROW, 1, _("STT"), rows=2)
    _head(sheet, HEADER_ROW, 2, _("Đơn vị"), rows=2)
    column = FIRST_VALUE_COLUMN
    for group, columns in header_runs(list(COLUMNS)):
        if group is None:
            _head(sheet, HEADER_ROW, column, _label(columns[0]), rows=2)
        else:
            _head(sheet, HEADER_ROW, column, group, cols=len(columns))
            for offset, col in enumerate(columns):
                _head(sheet, HEADER_ROW + 1, column + offset, _label(col))
        column += len(columns)


def _label(column) -> str:
    return str(column.label) + ("" if column.recorded else " (—)")


def _body(sheet: Worksheet, rows: list[Row]) -> None:
    """A line per team, subtotals and the total, numbers as numbers."""
    number = 0
    for offset, row in enumerate(rows):
        r = HEADER_ROW + 2 + offset
        if row.kind == "team":
            number += 1
        sheet.cell(row=r, column=1, value=number if row.kind == "team" else None)
        sheet.cell(row=r, column=2, value=row.label)
        for i, column in enumerate(COLUMNS):
            cell = sheet.cell(row=r, column=FIRST_VALUE_COLUMN + i, value=row.values[column.key])
            cell.number_format = NUMBER_FORMAT
        for c in range(1, FIRST_VALUE_COLUMN + len(COLUMNS)):
            boxed = sheet.cell(row=r, column=c)
            boxed.border = _BOX
            if row.kind != "team":
                boxed.font, boxed.fill = Font(bold=True), _TOTAL_FILL


def _incident_sheet(sheet: Worksheet, report: MonthlyReport, tz: ZoneInfo) -> None:
    """The month's wide-area incidents, one per line, with the figures leaders read."""
    last = 1 + len(incidents.COLUMNS)
    for row, text, size in (
        (1, report_title(report), 14),
        (2, scope_line(report), 11),
        (3, _("Sự cố mất điện diện rộng bắt đầu trong tháng"), 11),
    ):
        sheet.cell(row=row, column=1, value=text).font = Font(bold=row == 1, size=size)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
    _head(sheet, HEADER_ROW, 1, _("STT"))
    for offset, (_key, heading) in enumerate(incidents.COLUMNS, start=2):
        _head(sheet, HEADER_ROW, offset, heading)
    for number, figures in enumerate(report.incidents, start=1):
        r = HEADER_ROW + number
        values = figures.values()
        values["started_at"] = values["started_at"].astimezone(tz).replace(tzinfo=None)
        cells = [number, *(values[key] for key, _heading in incidents.COLUMNS)]
        for c, value in enumerate(cells, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            cell.border = _BOX
            if isinstance(value, int):
                cell.number_format = NUMBER_FORMAT
        sheet.cell(row=r, column=_STARTED).number_format = "hh:mm dd/mm/yyyy"
    for index, width in enumerate((6, 26, 34, 18, 18), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.row_dimensions[HEADER_ROW].height = 48
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=3).coordinate


def csv_headers() -> list[str]:
    """The CSV's header: who, then one column per report column (group – label)."""
    names = [_("Kỳ báo cáo"), _("Mã công ty"), _("Mã đội"), _("Đơn vị")]
    for column in COLUMNS:
        names.append(f"{column.group} – {_label(column)}" if column.group else _label(column))
    return names


def csv_text(report: MonthlyReport) -> str:
    """The CSV: the month's rows then the year to date's, each with its period named."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(csv_headers())
    for table in report.tables:
        for row in table.rows:
            values = ["" if row.values[c.key] is None else row.values[c.key] for c in COLUMNS]
            writer.writerow([table.title, row.company_code, row.team_code, row.label, *values])
    return out.getvalue()


def filename(report: MonthlyReport, extension: str) -> str:
    """bao-cao-thang-2027-03[-PC-DN].xlsx"""
    suffix = f"-{report.company}" if report.company else ""
    return f"bao-cao-thang-{report.month.period.month_key}{suffix}.{extension}"
