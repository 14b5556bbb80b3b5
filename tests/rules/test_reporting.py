"""The month the monthly report opens on."""

from datetime import date

import pytest

from fieldapp.rules.reporting import default_report_month


@pytest.mark.parametrize(
    ("today", "month"),
    [
        (date(2027, 3, 1), (2027, 2)),
        (date(2027, 3, 5), (2027, 2)),
        (date(2027, 3, 6), (2027, 3)),
        (date(2027, 3, 31), (2027, 3)),
        (date(2027, 1, 3), (2026, 12)),
        (date(2027, 1, 6), (2027, 1)),
    ],
)
def test_the_first_five_days_open_on_the_month_just_closed(today, month):
    assert default_report_month(today) == month
