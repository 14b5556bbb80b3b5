"""Who may read which report, and what a bad query string gets."""

from datetime import UTC, datetime

import pytest

from fieldapp.rules.reporting import default_report_month
from tests.reports.conftest import TZ
from tests.reports.pages import marked
from tests.reports.scenarios import Scenario, build

URLS = [
    "/reports/dashboard",
    "/reports/monthly",
    "/reports/monthly.xlsx",
    "/reports/monthly.csv",
    "/reports/tickets?bucket=open",
]
FILES = ("/reports/monthly.xlsx", "/reports/monthly.csv")


def _with(url: str, query: str) -> str:
    return url + ("&" if "?" in url else "?") + query


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("user", ["crew", "desk"])
def test_crew_and_desk_are_refused(org, client, login, url, user):
    login(user)
    resp = client.get(url)
    assert resp.status_code == 403
    if url in FILES:
        assert "scope" in resp.get_json()["errors"]
    else:
        assert "Báo cáo chỉ dành cho" in resp.get_data(as_text=True)


@pytest.mark.parametrize("url", URLS)
def test_signed_out_users_are_sent_to_sign_in(org, client, url):
    resp = client.get(url)
    assert resp.status_code in (302, 401)
    if resp.status_code == 302:
        assert "/login" in resp.headers["Location"]


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize(
    "user, query",
    [
        ("company", "company=PC-QN"),  # another company
        ("lead", "company=PC-QN"),
        ("lead", "team=PC-DN-ST"),  # another team of the same company
        ("company", "team=PC-QN-HA"),
        ("admin", "company=PC-XX"),  # no such company
        ("admin", "company=PC-QN&team=PC-DN-HC"),  # a team of another company
    ],
)
def test_units_outside_the_scope_are_not_found(org, client, login, url, user, query):
    login(user)
    resp = client.get(_with(url, query))
    assert resp.status_code == 404


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize(
    "user, query",
    [
        ("company", "company=PC-DN"),
        ("lead", "company=PC-DN"),
        ("lead", "team=PC-DN-HC"),
        ("admin", "company=PC-QN"),
        ("admin", ""),
    ],
)
def test_own_units_are_fine(org, client, login, url, user, query):
    login(user)
    assert client.get(_with(url, query) if query else url).status_code == 200


@pytest.mark.parametrize(
    "user, query, teams",
    [
        ("lead", "", {"PC-DN-HC"}),
        ("st_lead", "", {"PC-DN-ST"}),
        ("company", "", {"PC-DN-HC", "PC-DN-ST"}),
        ("qn_company", "", {"PC-QN-HA"}),
        ("admin", "", {"PC-DN-HC", "PC-DN-ST", "PC-QN-HA"}),
        ("admin", "?company=PC-DN", {"PC-DN-HC", "PC-DN-ST"}),
        ("company", "?team=PC-DN-ST", {"PC-DN-ST"}),
    ],
)
def test_dashboard_shows_the_teams_of_the_scope(org, client, login, user, query, teams):
    login(user)
    html = client.get("/reports/dashboard" + query).get_data(as_text=True)
    shown = {c["data"]["team"] for c in marked(html) if "team" in c["data"]}
    assert shown == teams


def test_ticket_lists_hold_only_the_scope(org, actors, client, login):
    now = datetime.now(UTC)
    scenarios = [
        Scenario(f"open_{team}", team, "OUTAGE", "phone", now, "open", accept=False)
        for team in ("PC-DN-HC", "PC-DN-ST", "PC-QN-HA")
    ]
    build(scenarios, actors, now)
    for user, expected in (
        ("lead", {"RPT-open_PC-DN-HC"}),
        ("company", {"RPT-open_PC-DN-HC", "RPT-open_PC-DN-ST"}),
        ("admin", {s.crm_id for s in scenarios}),
    ):
        login(user)
        html = client.get("/reports/tickets?bucket=open").get_data(as_text=True)
        assert {s.crm_id for s in scenarios if s.crm_id in html} == expected, user


@pytest.mark.parametrize(
    "query, field, words",
    [
        ("month=2027-13", "month", "Tháng không hợp lệ"),
        ("month=abc", "month", "Tháng không hợp lệ"),
        ("month=1999-12", "month", "Tháng không hợp lệ"),
        ("month=2999-01", "month", "chưa bắt đầu"),
        ("company=bad%20code", "company", "Mã đơn vị không hợp lệ"),
    ],
)
@pytest.mark.parametrize(
    "url", ["/reports/monthly", "/reports/monthly.xlsx", "/reports/monthly.csv"]
)
def test_bad_month_is_400_in_vietnamese(org, client, login, url, query, field, words):
    login("company")
    resp = client.get(f"{url}?{query}")
    assert resp.status_code == 400
    if url in FILES:
        assert words in resp.get_json()["errors"][field][0]
    else:
        assert words in resp.get_data(as_text=True)


@pytest.mark.parametrize(
    "query, words",
    [
        ("bucket=nope", "Không có số liệu này"),
        ("", "Thiếu số liệu"),
        ("bucket=open_eod", "Ngày không hợp lệ"),
        ("bucket=open_eod&day=2026-02-30", "Ngày không hợp lệ"),
        ("bucket=late_day&day=2999-01-01", "Ngày không hợp lệ"),
        ("bucket=received&month=2026-1", "Tháng không hợp lệ"),
        ("bucket=received&period=week", "Kỳ báo cáo không hợp lệ"),
        ("bucket=open&page=0", "Trang không hợp lệ"),
        ("bucket=open&page=x", "Trang không hợp lệ"),
    ],
)
def test_bad_ticket_list_arguments_are_400(org, client, login, query, words):
    login("lead")
    resp = client.get(f"/reports/tickets?{query}")
    assert resp.status_code == 400
    assert words in resp.get_data(as_text=True)


def test_missing_month_means_the_one_the_page_opens_on(org, client, login):
    login("lead")
    resp = client.get("/reports/monthly.csv")
    assert resp.status_code == 200
    year, month = default_report_month(datetime.now(UTC).astimezone(TZ).date())
    assert f"bao-cao-thang-{year}-{month:02d}.csv" in resp.headers["Content-Disposition"]
    assert resp.headers["Cache-Control"] == "no-store"
