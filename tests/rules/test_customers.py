"""Elderly thresholds and customer flags, DOMAIN §4."""

from datetime import UTC, date, datetime

import pytest

from fieldapp.rules.customers import age_at, customer_flags, is_elderly, needs_confirmation
from fieldapp.rules.state import Customer
from tests.rules.helpers import CAL, vn


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(1965, 3, 10), date(2027, 3, 9), 61),
        (date(1965, 3, 10), date(2027, 3, 10), 62),
        (date(1965, 12, 31), date(2027, 1, 1), 61),
        (date(1964, 2, 29), date(2027, 2, 28), 62),  # leap-day birthday: not yet
        (date(1964, 2, 29), date(2027, 3, 1), 63),
    ],
)
def test_age_in_full_years(born, on, age):
    assert age_at(Customer(birth_date=born), on) == age


def test_age_from_birth_year_alone():
    assert age_at(Customer(birth_year=1965), date(2027, 1, 1)) == 62
    assert age_at(Customer(birth_year=1965), date(2027, 12, 31)) == 62


def test_birth_date_wins_over_birth_year():
    customer = Customer(birth_date=date(1965, 12, 31), birth_year=1960)
    assert age_at(customer, date(2027, 6, 1)) == 61


def test_unknown_age():
    assert age_at(Customer(), date(2027, 1, 1)) is None
    assert not is_elderly(Customer(sex="M"), vn(2027, 1, 1, 10), CAL)


@pytest.mark.parametrize(
    ("sex", "born", "at", "elderly"),
    [
        ("M", date(1965, 3, 10), vn(2027, 3, 9, 23, 59), False),  # 61 the day before
        ("M", date(1965, 3, 10), vn(2027, 3, 10, 0, 0), True),  # 62 on the birthday
        ("F", date(1967, 3, 10), vn(2027, 3, 9, 12), False),  # 59
        ("F", date(1967, 3, 10), vn(2027, 3, 10, 12), True),  # 60
        ("F", date(1965, 3, 10), vn(2027, 3, 9, 12), True),  # 61: woman already elderly
        (None, date(1967, 3, 10), vn(2027, 3, 10, 12), True),  # unknown: lower threshold
        (None, date(1967, 3, 10), vn(2027, 3, 9, 12), False),
        ("m", date(1966, 3, 10), vn(2027, 3, 10, 12), False),  # 61, lower-case M still a man
    ],
)
def test_elderly_thresholds(sex, born, at, elderly):
    assert is_elderly(Customer(sex=sex, birth_date=born), at, CAL) is elderly


@pytest.mark.parametrize(
    ("sex", "year", "elderly"),
    [("M", 1965, True), ("M", 1966, False), ("F", 1967, True), ("F", 1968, False)],
)
def test_elderly_from_birth_year_only(sex, year, elderly):
    at = vn(2027, 1, 2, 10)
    assert is_elderly(Customer(sex=sex, birth_year=year), at, CAL) is elderly


def test_age_is_taken_on_the_local_day_of_the_request():
    # 17:30 UTC on 9 March is 00:30 on 10 March in Vietnam: his 62nd birthday.
    customer = Customer(sex="M", birth_date=date(1965, 3, 10))
    assert is_elderly(customer, datetime(2027, 3, 9, 17, 30, tzinfo=UTC), CAL)
    assert not is_elderly(customer, datetime(2027, 3, 9, 16, 30, tzinfo=UTC), CAL)


def test_customer_flags():
    customer = Customer(sex="F", birth_year=1950, important=True, difficult=True)
    flags = customer_flags(
        customer, vn(2027, 3, 3, 10), CAL, repeat=True, type_code="MEDIA_COMPLAINT"
    )
    assert flags == frozenset({"elderly", "difficult", "important", "repeat", "media"})


def test_no_flags_for_an_ordinary_customer():
    flags = customer_flags(
        Customer(sex="M", birth_year=1990),
        vn(2027, 3, 3, 10),
        CAL,
        repeat=False,
        type_code="COMPLAINT",
    )
    assert flags == frozenset()
    assert isinstance(flags, frozenset)


@pytest.mark.parametrize(
    ("flags", "needed"),
    [
        (set(), False),
        ({"repeat", "media"}, False),
        ({"elderly"}, True),
        ({"difficult"}, True),
        ({"important", "repeat"}, True),
    ],
)
def test_who_must_confirm(flags, needed):
    assert needs_confirmation(frozenset(flags)) is needed
