"""Desks and the three clocks of every ticket type, DOMAIN §3."""

from datetime import UTC, date, timedelta

import pytest

from fieldapp.rules import deadlines
from fieldapp.rules.calendar import WorkCalendar
from fieldapp.rules.catalog import TYPES
from tests.rules.helpers import CAL, vn

WED = vn(2027, 3, 3, 10)  # Wednesday 3 March 2027, in office hours, no holiday near

# Written out by hand from DOMAIN §3 for a ticket received WED: (desk, resolve_by).
EXPECTED = {
    "OUTAGE": ("operations", vn(2027, 3, 3, 12)),
    "RECONNECT": ("business", vn(2027, 3, 3, 18)),
    "POWER_QUALITY": ("operations", vn(2027, 3, 5, 16, 55)),
    "SAFETY": ("operations", vn(2027, 3, 3, 12)),
    "NEW_SUPPLY_LV": ("business", vn(2027, 3, 10, 16, 55)),
    "NEW_SUPPLY_LV_WORKS": ("business", vn(2027, 3, 12, 16, 55)),
    "NEW_SUPPLY_MV": ("business", vn(2027, 3, 12, 16, 55)),
    "CONTRACT_CAPACITY": ("business", vn(2027, 3, 10, 16, 55)),
    "CONTRACT_OWNER": ("business", vn(2027, 3, 8, 16, 55)),
    "CONTRACT_PURPOSE": ("business", vn(2027, 3, 8, 16, 55)),
    "CONTRACT_RENEWAL": ("business", vn(2027, 3, 8, 16, 55)),
    "CONTRACT_TERMINATION": ("business", vn(2027, 3, 8, 16, 55)),
    "METER_RELOCATION": ("business", vn(2027, 3, 10, 16, 55)),
    "CONTRACT_OTHER": ("business", vn(2027, 3, 8, 16, 55)),
    "METER_CHECK": ("business", vn(2027, 3, 8, 16, 55)),
    "METER_CALIBRATION": ("business", vn(2027, 3, 10, 16, 55)),
    "COMPLAINT": ("business", vn(2027, 3, 11, 16, 55)),
    "MEDIA_COMPLAINT": ("business", vn(2027, 3, 4, 10)),
    "OTHER": ("business", vn(2027, 3, 10, 16, 55)),
}


def test_the_table_covers_every_type():
    assert set(EXPECTED) == set(TYPES)


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_every_type_deadline(code):
    desk, resolve_by = EXPECTED[code]
    due = deadlines.compute(code, WED, CAL)
    assert due.desk == desk
    assert due.resolve_by == resolve_by
    assert due.accept_by == vn(2027, 3, 3, 10, 3)  # in office hours: both desks 3 min
    assert due.contact_by == (vn(2027, 3, 4, 16, 55) if code == "COMPLAINT" else None)
    assert due.resolve_by.tzinfo == UTC and due.accept_by.tzinfo == UTC


def test_domain_example_tet():
    due = deadlines.compute("NEW_SUPPLY_LV", vn(2027, 2, 3, 10), CAL)
    assert due.resolve_by == vn(2027, 2, 17, 16, 55)


def test_hung_kings_day_is_skipped():
    due = deadlines.compute("METER_CHECK", vn(2027, 4, 15, 10), CAL)
    assert due.resolve_by == vn(2027, 4, 21, 16, 55)  # Fri 16 off, weekend, Mon 19 = day 1
    due = deadlines.compute("POWER_QUALITY", vn(2027, 4, 15, 10), CAL)
    assert due.resolve_by == vn(2027, 4, 20, 16, 55)


def test_a_make_up_saturday_counts_as_a_working_day():
    due = deadlines.compute("COMPLAINT", vn(2026, 8, 21, 10), CAL)
    assert due.contact_by == vn(2026, 8, 22, 16, 55)
    # Sat 22 = 1, Mon 24..Fri 28 = 2..6.
    assert due.resolve_by == vn(2026, 8, 28, 16, 55)


def test_ticket_received_on_a_weekend():
    due = deadlines.compute("NEW_SUPPLY_LV", vn(2027, 3, 6, 9), CAL)  # Saturday
    assert due.accept_by == vn(2027, 3, 8, 7, 33)
    assert due.resolve_by == vn(2027, 3, 12, 16, 55)


def test_ticket_received_on_a_public_holiday():
    due = deadlines.compute("CONTRACT_OWNER", vn(2027, 9, 2, 9), CAL)  # National Day
    assert due.accept_by == vn(2027, 9, 6, 7, 33)  # 3 Sep also off, then the weekend
    assert due.resolve_by == vn(2027, 9, 8, 16, 55)


def test_hours_types_run_around_the_clock_over_holidays():
    due = deadlines.compute("OUTAGE", vn(2027, 2, 6, 23, 30), CAL)  # Tết, at night
    assert due.accept_by == vn(2027, 2, 6, 23, 33)
    assert due.resolve_by == vn(2027, 2, 7, 1, 30)
    due = deadlines.compute("MEDIA_COMPLAINT", vn(2027, 2, 5, 17), CAL)
    assert due.resolve_by == vn(2027, 2, 6, 17)


@pytest.mark.parametrize(
    ("received", "accept_by"),
    [
        (vn(2027, 3, 5, 17), vn(2027, 3, 8, 7, 33)),  # Friday evening → Monday morning
        (vn(2027, 3, 3, 12), vn(2027, 3, 3, 13, 3)),  # lunch break → afternoon opening
        (vn(2027, 3, 3, 6), vn(2027, 3, 3, 7, 33)),
        (vn(2027, 3, 3, 7, 30), vn(2027, 3, 3, 7, 33)),
        (vn(2027, 3, 3, 11, 25), vn(2027, 3, 3, 11, 28)),  # received open: 3 min as usual
        (vn(2027, 3, 3, 11, 25, 1), vn(2027, 3, 3, 13, 3)),
        (vn(2027, 3, 3, 16, 55), vn(2027, 3, 3, 16, 58)),
        (vn(2027, 3, 3, 16, 55, 1), vn(2027, 3, 4, 7, 33)),
        (vn(2027, 2, 3, 18), vn(2027, 2, 11, 7, 33)),  # over Tết
    ],
)
def test_business_desk_accepts_3_minutes_after_opening(received, accept_by):
    assert deadlines.compute("NEW_SUPPLY_LV", received, CAL).accept_by == accept_by


def test_operations_desk_accepts_within_3_minutes_at_any_hour():
    due = deadlines.compute("OUTAGE", vn(2027, 3, 6, 2, 10), CAL)
    assert due.accept_by == vn(2027, 3, 6, 2, 13)


@pytest.mark.parametrize(
    ("received", "desk"),
    [
        (vn(2027, 3, 3, 7, 29, 59), "operations"),
        (vn(2027, 3, 3, 7, 30), "business"),
        (vn(2027, 3, 3, 11, 25), "business"),
        (vn(2027, 3, 3, 11, 25, 1), "operations"),
        (vn(2027, 3, 3, 12, 59, 59), "operations"),
        (vn(2027, 3, 3, 13), "business"),
        (vn(2027, 3, 3, 16, 55), "business"),
        (vn(2027, 3, 3, 16, 55, 1), "operations"),
        (vn(2027, 3, 6, 10), "operations"),  # Saturday
        (vn(2027, 4, 16, 10), "operations"),  # Hùng Kings' day
        (vn(2026, 8, 22, 10), "business"),  # make-up Saturday
    ],
)
def test_reconnect_routing_edges(received, desk):
    assert deadlines.route_desk("RECONNECT", received, CAL) == desk
    due = deadlines.compute("RECONNECT", received, CAL)
    assert due.desk == desk
    assert due.resolve_by == received + timedelta(hours=8)


def test_reconnect_out_of_hours_goes_to_operations_with_3_minutes():
    due = deadlines.compute("RECONNECT", vn(2027, 3, 3, 20), CAL)
    assert (due.desk, due.accept_by) == ("operations", vn(2027, 3, 3, 20, 3))


def test_fixed_types_ignore_office_hours():
    assert deadlines.route_desk("OUTAGE", vn(2027, 3, 3, 10), CAL) == "operations"
    assert deadlines.route_desk("COMPLAINT", vn(2027, 3, 3, 22), CAL) == "business"


def test_an_explicit_desk_changes_accept_by_only():
    received = vn(2027, 3, 5, 17)
    routed = deadlines.compute("CONTRACT_OWNER", received, CAL)
    forced = deadlines.compute("CONTRACT_OWNER", received, CAL, desk="operations")
    assert forced.desk == "operations"
    assert forced.accept_by == vn(2027, 3, 5, 17, 3)
    assert (forced.resolve_by, forced.contact_by) == (routed.resolve_by, routed.contact_by)


def test_unknown_type_and_desk_are_refused():
    with pytest.raises(ValueError):
        deadlines.compute("NOPE", WED, CAL)
    with pytest.raises(ValueError):
        deadlines.compute("OUTAGE", WED, CAL, desk="kitchen")


def test_contact_by_on_accept():
    accepted = vn(2027, 3, 3, 10, 2)
    assert deadlines.contact_by_on_accept("OUTAGE", accepted) == vn(2027, 3, 3, 10, 32)
    assert deadlines.contact_by_on_accept("OUTAGE", accepted).tzinfo == UTC
    # RECONNECT: contact within 30 min of accepting too (DOMAIN §7, Phụ lục 3).
    assert deadlines.contact_by_on_accept("RECONNECT", accepted) == vn(2027, 3, 3, 10, 32)
    for code in set(TYPES) - {"OUTAGE", "RECONNECT"}:
        assert deadlines.contact_by_on_accept(code, accepted) is None


def test_an_off_day_override_moves_a_deadline_later():
    cal = WorkCalendar(off_days=[date(2027, 3, 5)])
    assert deadlines.compute("NEW_SUPPLY_LV", WED, cal).resolve_by == vn(2027, 3, 11, 16, 55)


def test_a_work_day_override_moves_a_deadline_earlier():
    cal = WorkCalendar(work_days=[date(2027, 3, 6)])
    assert deadlines.compute("NEW_SUPPLY_LV", WED, cal).resolve_by == vn(2027, 3, 9, 16, 55)


def test_an_off_day_override_moves_the_business_opening():
    cal = WorkCalendar(off_days=[date(2027, 3, 8)])
    due = deadlines.compute("NEW_SUPPLY_LV", vn(2027, 3, 5, 17), cal)
    assert due.accept_by == vn(2027, 3, 9, 7, 33)
