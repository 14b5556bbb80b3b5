"""The monthly report: every number of the page, the workbook and the CSV, checked against
counts made from the scenarios (a month of tickets worked through the real write path)."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook

from fieldapp.rules.reporting import default_report_month
from tests.reports.conftest import TZ, local
from tests.reports.expected import ALWAYS_ZERO, HEADERS, NOT_RECORDED, report_numbers
from tests.reports.pages import check_number_links, marked, number

DN = {"PC-DN-HC", "PC-DN-ST"}
TEAM_NAMES = {
    "PC-DN-HC": "Đội QLĐKV Hải Châu",
    "PC-DN-ST": "Đội QLĐKV Sơn Trà",
    "PC-QN-HA": "Đội QLĐKV Hội An",
}


def periods(first):
    """(kind, start, end) of the month and of the year to date, and the moment judged at."""
    end = local((first + timedelta(days=32)).replace(day=1))
    return {"month": (local(first), end), "ytd": (local(first.replace(month=1)), end)}, end


def expected_rows(scenarios, first, teams_by_company: dict[str, list[str]]):
    """{kind: {row key: numbers}} for team rows, company subtotals (if several) and total."""
    spans, as_of = periods(first)
    result = {}
    for kind, (start, end) in spans.items():
        rows = {}
        for company, teams in teams_by_company.items():
            for team in teams:
                rows[f"team:{team}"] = report_numbers(scenarios, start, end, as_of, {team})
            if len(teams_by_company) > 1:
                rows[f"company:{company}"] = report_numbers(
                    scenarios, start, end, as_of, set(teams)
                )
        every = {t for teams in teams_by_company.values() for t in teams}
        rows["total"] = report_numbers(scenarios, start, end, as_of, every)
        result[kind] = rows
    return result


def html_rows(html: str) -> dict:
    """{period: {row: {key: value}}} read off the page's cells."""
    found: dict = {}
    for cell in marked(html):
        data = cell["data"]
        if "key" in data and "period" in data:
            row = found.setdefault(data["period"], {}).setdefault(data["row"], {})
            row[data["key"]] = number(cell["text"])
    return found


def test_data_is_what_the_scenarios_say(month_data):
    first, scenarios = month_data
    _, as_of = periods(first)
    by_name = {s.name: s for s in scenarios}
    for name in ("hc_overdue", "ha_overdue", "hc_done_after"):
        assert by_name[name].resolve_by < as_of, name
    for name in ("hc_not_due", "hc_month_end"):
        assert by_name[name].resolve_by >= as_of, name
    assert by_name["hc_done_after"].completed_at >= as_of


@pytest.mark.parametrize(
    "user, query, companies",
    [
        ("company", "", {"PC-DN": ["PC-DN-HC", "PC-DN-ST"]}),
        ("admin", "", {"PC-DN": ["PC-DN-HC", "PC-DN-ST"], "PC-QN": ["PC-QN-HA"]}),
        ("admin", "&company=PC-QN", {"PC-QN": ["PC-QN-HA"]}),
        ("lead", "", {"PC-DN": ["PC-DN-HC"]}),
    ],
)
def test_html_numbers(month_data, client, login, user, query, companies):
    first, scenarios = month_data
    login(user)
    resp = client.get(f"/reports/monthly?month={first:%Y-%m}{query}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert html_rows(html) == expected_rows(scenarios, first, companies)
    assert f"Báo cáo tháng {first:%m/%Y}" in html


def test_html_numbers_are_vietnamese_formatted_and_linked(month_data, client, login):
    first, scenarios = month_data
    login("company")
    html = client.get(f"/reports/monthly?month={first:%Y-%m}").get_data(as_text=True)
    cells = [
        c
        for c in marked(html)
        if c["data"].get("row") == "team:PC-DN-HC"
        and c["data"].get("period") == "month"
        and c["data"].get("key") == "received"
    ]
    assert len(cells) == 1 and len(cells[0]["links"]) == 1
    link = cells[0]["links"][0].replace("&amp;", "&")
    listed = client.get(link).get_data(as_text=True)
    expected = report_numbers(
        scenarios, *periods(first)[0]["month"], periods(first)[1], {"PC-DN-HC"}
    )["received"]
    assert listed.count('class="rp-ticket"') == expected
    staff = [c for c in marked(html) if c["data"].get("key") == "complaint_staff"]
    assert staff and all(c["text"] != "—" for c in staff)  # counted now (DOMAIN §7)


def test_every_number_links_to_its_tickets(month_data, client, login):
    """Follow the link of every non-zero number of the month: the list holds exactly as many."""
    first, _ = month_data
    login("admin")
    html = client.get(f"/reports/monthly?month={first:%Y-%m}").get_data(as_text=True)
    cells = [c for c in marked(html) if "key" in c["data"] and "period" in c["data"]]
    assert check_number_links(client, cells) > 50


def workbook_rows(body: bytes) -> dict:
    """{sheet kind: {row label: {key: value}}}, columns found by their two header rows."""
    book = load_workbook(io.BytesIO(body))
    found = {}
    for kind, sheet in zip(("month", "ytd"), book.worksheets[:2], strict=True):
        columns = {}
        group = None
        for col in range(3, sheet.max_column + 1):
            top, below = sheet.cell(5, col).value, sheet.cell(6, col).value
            group = top if top is not None else group
            header = (group, below) if below is not None else (None, top)
            columns[header] = col
        rows = {}
        for r in range(7, sheet.max_row + 1):
            label = sheet.cell(r, 2).value
            rows[label] = {
                key: sheet.cell(r, columns[header]).value for key, header in HEADERS.items()
            }
            for key in HEADERS:
                assert sheet.cell(r, columns[HEADERS[key]]).number_format == "#,##0"
        found[kind] = rows
    return found


def _by_label(expected: dict) -> dict:
    """Row keys of expected_rows → the labels the files show."""
    labels = {"team:" + code: name for code, name in TEAM_NAMES.items()}
    labels.update(
        {
            "company:PC-DN": "Cộng Công ty Điện lực Đà Nẵng",
            "company:PC-QN": "Cộng Công ty Điện lực Quảng Nam",
            "total": "Tổng cộng",
        }
    )
    return {kind: {labels[k]: v for k, v in rows.items()} for kind, rows in expected.items()}


@pytest.mark.parametrize(
    "user, query, companies",
    [
        ("company", "", {"PC-DN": ["PC-DN-HC", "PC-DN-ST"]}),
        ("admin", "", {"PC-DN": ["PC-DN-HC", "PC-DN-ST"], "PC-QN": ["PC-QN-HA"]}),
        ("st_lead", "&company=PC-DN", {"PC-DN": ["PC-DN-ST"]}),
    ],
)
def test_xlsx_numbers(month_data, client, login, user, query, companies):
    first, scenarios = month_data
    login(user)
    resp = client.get(f"/reports/monthly.xlsx?month={first:%Y-%m}{query}")
    assert resp.status_code == 200
    assert resp.mimetype.endswith("spreadsheetml.sheet")
    assert f"bao-cao-thang-{first:%Y-%m}" in resp.headers["Content-Disposition"]
    assert workbook_rows(resp.data) == _by_label(expected_rows(scenarios, first, companies))
    book = load_workbook(io.BytesIO(resp.data))
    month_sheet = book.worksheets[0]
    assert f"THÁNG {first:%m/%Y}" in month_sheet["A1"].value
    assert month_sheet.title == f"Tháng {first:%m-%Y}"
    assert book.worksheets[1].title == f"Lũy kế {first:%Y}"
    assert isinstance(month_sheet.cell(7, 3).value, int)


def csv_rows(text: str) -> dict:
    """{period title: {row label: {key: value}}} with columns found by their headers."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    index = {h: i for i, h in enumerate(header)}
    found: dict = {}
    for line in reader:
        values = {}
        for key, (group, label) in HEADERS.items():
            cell = line[index[f"{group} – {label}" if group else label]]
            values[key] = None if cell == "" else int(cell)
        found.setdefault(line[0], {})[line[3]] = values
    return found


@pytest.mark.parametrize(
    "user, companies",
    [
        ("company", {"PC-DN": ["PC-DN-HC", "PC-DN-ST"]}),
        ("admin", {"PC-DN": ["PC-DN-HC", "PC-DN-ST"], "PC-QN": ["PC-QN-HA"]}),
        ("lead", {"PC-DN": ["PC-DN-HC"]}),
    ],
)
def test_csv_numbers(month_data, client, login, user, companies):
    first, scenarios = month_data
    login(user)
    resp = client.get(f"/reports/monthly.csv?month={first:%Y-%m}")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert resp.data.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read UTF-8
    text = resp.data.decode("utf-8-sig")
    expected = _by_label(expected_rows(scenarios, first, companies))
    titles = {
        "month": f"Tháng {first:%m/%Y}",
        "ytd": f"Lũy kế năm {first:%Y} (01/{first:%Y} – {first:%m/%Y})",
    }
    assert csv_rows(text) == {titles[k]: rows for k, rows in expected.items()}
    codes = {(line[2], line[3]) for line in csv.reader(io.StringIO(text))}
    assert ("PC-DN-HC", "Đội QLĐKV Hải Châu") in codes


def test_month_and_ytd_differ_and_partition(month_data):
    """The data exercise both periods, and outcome columns add up to the received count."""
    first, scenarios = month_data
    spans, as_of = periods(first)
    every = {"PC-DN-HC", "PC-DN-ST", "PC-QN-HA"}
    for start, end in spans.values():
        n = report_numbers(scenarios, start, end, as_of, every)
        assert n["received"] == (
            n["completed_on_time"]
            + n["completed_late"]
            + n["returned"]
            + n["open_not_due"]
            + n["overdue_open"]
        )
        assert n["completed_late"] == n["late_objective"] + n["late_other"]
    month = report_numbers(scenarios, *spans["month"], as_of, every)
    assert all(month[k] for k in HEADERS if k not in NOT_RECORDED | ALWAYS_ZERO), month
    ytd = report_numbers(scenarios, *spans["ytd"], as_of, every)
    assert ytd["received"] == month["received"] + (1 if first.month > 1 else 0)


def test_the_month_leaders_read_now_is_the_default(org, client, login):
    login("company")
    html = client.get("/reports/monthly").get_data(as_text=True)
    today = datetime.now(UTC).astimezone(TZ).date()
    year, month = default_report_month(today)  # the previous month on days 1-5
    assert f"Báo cáo tháng {month:02d}/{year}" in html
