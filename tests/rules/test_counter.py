"""The counter's rules: phone numbers in one spelling, walk-in codes, who holds a walk-in."""

import pytest

from fieldapp.rules import counter
from fieldapp.rules.customers import fold, normalise_phone
from fieldapp.rules.lifecycle import walkin_assignee
from tests.rules.helpers import CLERK, CREW, LEAD, ticket


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0905 000 111", "0905000111"),
        ("0905.000.111", "0905000111"),
        ("+84 905 000 111", "0905000111"),
        ("+84905000111", "0905000111"),
        ("84905000111", "0905000111"),
        ("(+84) 236 3812 345", "02363812345"),
        ("02363812345", "02363812345"),
        ("0845 123 456", "0845123456"),  # a national number that starts 084 stays as it is
        ("", None),
        (None, None),
    ],
)
def test_phone_numbers_are_written_one_way(typed, stored):
    assert normalise_phone(typed) == stored


def test_names_fold_without_accents_or_case():
    assert fold("Lê  Thị MAI") == fold("le thi mai") == "le thi mai"
    assert fold("Đỗ Văn Tư") == "do van tu"


def test_walk_in_codes_are_short_and_readable():
    codes = {counter.new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert counter.is_code(code) and len(code) == 10
        assert not set(code[4:]) & set("O0I1SBZ285")  # nothing that reads as another sign
    assert not counter.is_code("QAY-PC-DN-HC-20261130-a1b2c3")
    assert not counter.is_code("QAY-abcdef")


def test_the_clerk_keeps_a_walk_in_of_their_desk_and_passes_on_the_others():
    business = ticket("NEW_SUPPLY_LV", origin="counter")
    outage = ticket("OUTAGE", origin="counter")
    assert walkin_assignee(business, CLERK) == CLERK.user_id
    assert walkin_assignee(outage, CLERK) is None
    assert walkin_assignee(outage, CREW) == CREW.user_id
    assert walkin_assignee(outage, LEAD) == LEAD.user_id


def test_a_counter_ticket_counts_as_other_in_b01():
    assert counter.channels_counted_as("other") == ("other", "counter")
    assert counter.channels_counted_as("phone") == ("phone",)
