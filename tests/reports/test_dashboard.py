"""The leaders' dashboard: today's numbers and the 30-day chart against the scenarios."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.reports.conftest import TZ, local
from tests.reports.pages import check_number_links, marked, number
from tests.reports.scenarios import Scenario, build

LIVE = ("open", "due_today", "overdue", "late_today")
DAILY = ("open_eod", "on_time_day", "late_day", "overdue_eod")


def recent_scenarios(now: datetime) -> list[Scenario]:
    """Tickets of the last weeks, open, late, on time, returned, across three teams."""

    def ago(**kw) -> datetime:
        return now - timedelta(**kw)

    # An outage is due 2 h after it came in: received so that it falls due later today at
    # whatever hour the suite runs (before local midnight, and within the next hour).
    local_now = now.astimezone(TZ)
    midnight = datetime.combine(local_now.date() + timedelta(days=1), datetime.min.time(), TZ)
    due_later_today = now - timedelta(hours=2) + min(midnight - local_now, timedelta(hours=2)) / 2

    S = Scenario
    return [
        S("d_open_new", "PC-DN-HC", "OUTAGE", "phone", due_later_today, "open"),
        S("d_overdue", "PC-DN-HC", "OUTAGE", "phone", ago(hours=3), "open"),
        # Completed a second ago, late: counted as late today at any hour.
        S(
            "d_late_recent",
            "PC-DN-HC",
            "OUTAGE",
            "zalo",
            ago(hours=4),
            "completed_later",
            late_code="storm",
        ),
        S(
            "d_yesterday_late",
            "PC-DN-HC",
            "OUTAGE",
            "app",
            ago(hours=30),
            "late",
            late_code="workload",
        ),
        S("d_on_time_old", "PC-DN-HC", "OUTAGE", "phone", ago(days=5)),
        S("d_returned", "PC-DN-HC", "OUTAGE", "sms", ago(days=2), "returned"),
        S("d_business_open", "PC-DN-HC", "NEW_SUPPLY_LV", "website", ago(days=2), "open"),
        S("d_ancient_open", "PC-DN-HC", "OUTAGE", "phone", ago(days=40), "open", accept=False),
        S("d_ancient_done", "PC-DN-HC", "OUTAGE", "phone", ago(days=40), "late", late_code="storm"),
        S("d_mid_closed", "PC-DN-HC", "OUTAGE", "phone", ago(days=20), "late", late_code="other"),
        S("st_d_overdue", "PC-DN-ST", "OUTAGE", "phone", ago(hours=5), "open", accept=False),
        S("st_d_on_time", "PC-DN-ST", "OUTAGE", "phone", ago(hours=1)),
        S("ha_d_open", "PC-QN-HA", "OUTAGE", "phone", ago(minutes=20), "open"),
    ]


@pytest.fixture
def recent(actors):
    now = datetime.now(UTC)
    scenarios = recent_scenarios(now)
    build(scenarios, actors, now)
    return scenarios


def expected_live(scenarios, team: set[str], now: datetime) -> dict[str, int]:
    today = now.astimezone(TZ).date()
    mine = [s for s in scenarios if s.team in team]

    def local_day(at):
        return at.astimezone(TZ).date() if at else None

    return {
        "open": sum(s.open_at(now) for s in mine),
        "due_today": sum(s.open_at(now) and local_day(s.resolve_by) == today for s in mine),
        "overdue": sum(s.open_at(now) and s.resolve_by < now for s in mine),
        "late_today": sum(s.late and local_day(s.completed_at) == today for s in mine),
    }


def expected_days(scenarios, team: str, now: datetime) -> dict[str, dict[str, int]]:
    """{day: numbers} of the last 30 local days for one team."""
    today = now.astimezone(TZ).date()
    mine = [s for s in scenarios if s.team == team]
    result = {}
    for back in range(30):
        day = today - timedelta(days=back)
        start, end = local(day), min(local(day + timedelta(days=1)), now)

        done = [s for s in mine if s.completed_at is not None and start <= s.completed_at < end]
        result[day.isoformat()] = {
            "open_eod": sum(s.open_at(end) for s in mine),
            "on_time_day": sum(not s.late for s in done),
            "late_day": sum(s.late for s in done),
            "overdue_eod": sum(s.open_at(end) and s.resolve_by < end for s in mine),
        }
    return result


def page_numbers(html: str) -> tuple[dict, dict]:
    """(live {unit: {bucket: n}}, daily {team: {day: {bucket: n}}}) read off the page."""
    live, daily = {}, {}
    for cell in marked(html):
        data = cell["data"]
        if "unit" in data and data.get("bucket") in LIVE and "day" not in data:
            live.setdefault(data["unit"], {})[data["bucket"]] = number(cell["text"])
        elif "day" in data and "bucket" in data:
            daily.setdefault(data["team"], {}).setdefault(data["day"], {})[data["bucket"]] = number(
                cell["text"]
            )
    return live, daily


@pytest.mark.parametrize(
    "user, teams",
    [
        ("lead", ["PC-DN-HC"]),
        ("company", ["PC-DN-HC", "PC-DN-ST"]),
        ("admin", ["PC-DN-HC", "PC-DN-ST", "PC-QN-HA"]),
    ],
)
def test_dashboard_numbers(recent, client, login, user, teams):
    login(user)
    resp = client.get("/reports/dashboard")
    now = datetime.now(UTC)
    assert resp.status_code == 200
    live, daily = page_numbers(resp.get_data(as_text=True))
    expected = {t: expected_live(recent, {t}, now) for t in teams}
    if len(teams) > 1:
        expected["total"] = expected_live(recent, set(teams), now)
    assert live == expected
    assert daily == {t: expected_days(recent, t, now) for t in teams}
    # The data make every number of the lead's team show up at least once.
    assert all(expected["PC-DN-HC"].values())
    days = expected_days(recent, "PC-DN-HC", now)
    assert all(any(v[k] for v in days.values()) for k in DAILY)


def test_each_dashboard_number_links_to_its_tickets(recent, client, login):
    login("company")
    html = client.get("/reports/dashboard").get_data(as_text=True)
    cells = [
        cell
        for cell in marked(html)
        if cell["data"].get("bucket") in LIVE
        and "unit" in cell["data"]
        or cell["data"].get("bucket") in DAILY
        and "day" in cell["data"]
    ]
    assert check_number_links(client, cells) >= 20


def test_ticket_list_tabs_count_the_other_numbers(recent, client, login):
    login("lead")
    html = client.get("/reports/tickets?bucket=overdue&team=PC-DN-HC").get_data(as_text=True)
    expected = expected_live(recent, {"PC-DN-HC"}, datetime.now(UTC))
    for bucket, label in (("open", "Đang mở"), ("overdue", "Quá hạn xử lý")):
        assert f"{label} <b>{expected[bucket]}</b>" in html
    assert html.count('class="rp-ticket"') == expected["overdue"]
    assert "RPT-d_overdue" in html and "RPT-d_open_new" not in html


def test_chart_is_server_drawn_svg_without_scripts(recent, client, login):
    login("lead")
    html = client.get("/reports/dashboard").get_data(as_text=True)
    main = html[html.index("<main") : html.index("</main>")]
    assert main.count("<svg") == 1 and "<script" not in main and "style=" not in main
    assert "/static/css/reports.css" in html
    assert 'class="ch-late_day"' in html and 'class="ch-open_eod"' in html
