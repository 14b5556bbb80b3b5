"""Fixtures of the report tests: a month of tickets with known outcomes, and page parsing."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from fieldapp.extensions import db
from fieldapp.models import User
from tests.conftest import PASSWORD_HASH
from tests.reports.scenarios import Scenario, build

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def local(day: date, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    """A local wall-clock time as an aware UTC datetime."""
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=TZ).astimezone(UTC)


def previous_month(today: date) -> date:
    """The first day of the month before today's."""
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


@pytest.fixture
def actors(org):
    """Who works each team's tickets: its leader (a leader may act on any desk)."""
    users = org["users"]
    ha_lead = User(
        username="ha_lead",
        name="Trương Văn Lâm",
        role="team_lead",
        team=org["teams"]["PC-QN-HA"],
        password_hash=PASSWORD_HASH,
    )
    db.session.add(ha_lead)
    db.session.commit()
    return {"PC-DN-HC": users["lead"], "PC-DN-ST": users["st_lead"], "PC-QN-HA": ha_lead}


def month_scenarios(first: date) -> list[Scenario]:
    """A month of tickets (the month starting at `first`) plus a few just outside it."""

    def d(n: int, hour: int = 9, minute: int = 0) -> datetime:
        return local(first.replace(day=n), hour, minute)

    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    end = local(last + timedelta(days=1))
    S = Scenario
    return [
        S("hc_on_time", "PC-DN-HC", "OUTAGE", "phone", d(3)),
        S("hc_new_supply", "PC-DN-HC", "NEW_SUPPLY_LV", "website", d(3, 9, 30)),
        S("hc_late_obj", "PC-DN-HC", "OUTAGE", "zalo", d(4), "late", late_code="storm"),
        S("hc_late_other", "PC-DN-HC", "RECONNECT", "app", d(4, 10), "late", late_code="workload"),
        S("hc_accept_late", "PC-DN-HC", "OUTAGE", "phone", d(5), accept_late=True),
        S("hc_returned", "PC-DN-HC", "OTHER", "email", d(5, 10), "returned"),
        S("hc_overdue", "PC-DN-HC", "SAFETY", "sms", d(6), "open"),
        S("hc_upset", "PC-DN-HC", "COMPLAINT", "phone", d(3, 10), difficult=True),
        S(
            "hc_media",
            "PC-DN-HC",
            "MEDIA_COMPLAINT",
            "portal",
            d(6, 10),
            "late",
            late_code="customer_absent",
        ),
        S("hc_first", "PC-DN-HC", "OUTAGE", "phone", d(7)),
        S("hc_repeat_before", "PC-DN-HC", "OUTAGE", "phone", d(7, 9, 30), repeat_of="hc_first"),
        S("hc_first2", "PC-DN-HC", "OUTAGE", "phone", d(8), "late", late_code="other"),
        S(
            "hc_repeat_after",
            "PC-DN-HC",
            "OUTAGE",
            "app",
            d(8, 12),
            repeat_of="hc_first2",
            expect_after_deadline=True,
        ),
        S("hc_called_3", "PC-DN-HC", "OTHER", "website", d(9), contact_count=3),
        S("hc_month_start", "PC-DN-HC", "OTHER", "app", local(first)),
        S(
            "hc_month_end",
            "PC-DN-HC",
            "OTHER",
            "phone",
            end - timedelta(seconds=1),
            "open",
            accept=False,
        ),
        S(
            "hc_done_after",
            "PC-DN-HC",
            "OUTAGE",
            "phone",
            local(last, 20),
            "completed_later",
            late_code="grid_incident",
        ),
        S("hc_not_due", "PC-DN-HC", "NEW_SUPPLY_MV", "phone", local(last, 10), "open"),
        S("hc_next_month", "PC-DN-HC", "OUTAGE", "phone", end, "open", accept=False),
        S(
            "hc_month_before",
            "PC-DN-HC",
            "OUTAGE",
            "phone",
            local(previous_month(first).replace(day=10), 9),
            "late",
            late_code="storm",
        ),
        S("st_on_time", "PC-DN-ST", "OUTAGE", "website", d(10)),
        S("st_late_other", "PC-DN-ST", "OUTAGE", "phone", d(11), "late", late_code="other"),
        S("st_returned", "PC-DN-ST", "OUTAGE", "app", d(12), "returned"),
        S(
            "st_upset_late",
            "PC-DN-ST",
            "COMPLAINT",
            "zalo",
            d(4, 10),
            "late",
            difficult=True,
            late_code="waiting_other_unit",
        ),
        S("st_called_2", "PC-DN-ST", "RECONNECT", "phone", d(13), contact_count=2),
        S("ha_on_time", "PC-QN-HA", "OUTAGE", "sms", d(5)),
        S("ha_overdue", "PC-QN-HA", "OUTAGE", "other", d(6), "open", accept=False),
        S(
            "ha_late_twice",
            "PC-QN-HA",
            "OUTAGE",
            "phone",
            d(7),
            "late",
            accept_late=True,
            late_code="storm",
        ),
        # Issue 13: complaint subjects, supply-quality complaints, upset content, late returns.
        S("hc_attitude", "PC-DN-HC", "COMPLAINT", "phone", d(10, 10), subject="attitude"),
        S(
            "st_attitude_difficult",
            "PC-DN-ST",
            "MEDIA_COMPLAINT",
            "app",
            d(11, 10),
            difficult=True,
            subject="attitude",
        ),
        S(
            "hc_attitude_later",
            "PC-DN-HC",
            "COMPLAINT",
            "phone",
            local(last, 11),
            "completed_later",
            subject="attitude",
            late_code="workload",
        ),
        S(
            "hc_billing_upset",
            "PC-DN-HC",
            "COMPLAINT",
            "website",
            d(12, 10),
            upset=True,
            subject="billing",
        ),
        S("hc_quality", "PC-DN-HC", "POWER_QUALITY", "phone", d(13)),
        S("ha_quality_upset", "PC-QN-HA", "POWER_QUALITY", "zalo", d(14), "open", upset=True),
        S("hc_returned_late", "PC-DN-HC", "OUTAGE", "phone", d(14, 9), "returned_late"),
        S("st_returned_late", "PC-DN-ST", "RECONNECT", "sms", d(15, 10), "returned_late"),
    ]


@pytest.fixture
def month_data(app, actors):
    """The previous month's tickets, built; returns (first day of the month, scenarios)."""
    now = datetime.now(UTC)
    first = previous_month(now.astimezone(TZ).date())
    scenarios = month_scenarios(first)
    build(scenarios, actors, now)
    return first, scenarios
