"""Customer flags (DOMAIN.md §4, §7): who is elderly, who is upset, and who must confirm the
work is done."""

import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from functools import lru_cache

from fieldapp.rules.calendar import WorkCalendar
from fieldapp.rules.state import Customer

ELDERLY_MEN = 62
ELDERLY_WOMEN = 60
# "cluster": the outage call that made several from one station (DOMAIN §8); set at intake.
FLAGS = ("elderly", "difficult", "important", "repeat", "media", "upset", "cluster")
CONFIRMATION_FLAGS = frozenset({"elderly", "difficult", "important"})


def age_at(customer: Customer, on: date) -> int | None:
    """Full years of age on a day; from the birth year alone, on.year - birth_year."""
    born = customer.birth_date
    if born is not None:
        before_birthday = (on.month, on.day) < (born.month, born.day)
        return on.year - born.year - int(before_birthday)
    if customer.birth_year is not None:
        return on.year - customer.birth_year
    return None


def elderly_threshold(sex: str | None) -> int:
    """62 for men, 60 for women; unknown sex gets 60, which protects the customer."""
    return ELDERLY_MEN if (sex or "").upper() == "M" else ELDERLY_WOMEN


def is_elderly(customer: Customer, at: datetime, cal: WorkCalendar) -> bool:
    """Whether the customer is elderly on the local day of the request."""
    age = age_at(customer, cal.local(at).date())
    return age is not None and age >= elderly_threshold(customer.sex)


def fold(text: str) -> str:
    """Lower case without Vietnamese diacritics, one space between words: "Bức  xúc" and
    "buc xuc" (typed without accents, as many do) read alike."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.findall(r"\w+", bare))


def normalise_phone(text: str | None) -> str | None:
    """A Vietnamese phone number in one spelling, "0" and digits: "+84 905 000 111",
    "84905000111" and "0905.000.111" are all "0905000111". None for no digits at all."""
    digits = re.sub(r"\D", "", text or "")
    if not digits:
        return None
    international = (text or "").lstrip().startswith("+") or len(digits) in (11, 12)
    if digits.startswith("84") and international and not digits.startswith("840"):
        digits = "0" + digits[2:]
    return digits


def shows_upset(content: str, words: Iterable[str]) -> bool:
    """Whether the request's content holds one of the words or phrases of an upset customer,
    as whole words, with or without diacritics."""
    folded = f" {fold(content or '')} "
    return any(f" {word} " in folded for word in _folded_words(tuple(words)))


@lru_cache(maxsize=8)
def _folded_words(words: tuple[str, ...]) -> tuple[str, ...]:
    """The words folded once per list, not once per request."""
    return tuple(word for word in map(fold, words) if word)


def customer_flags(
    customer: Customer,
    received_at: datetime,
    cal: WorkCalendar,
    *,
    repeat: bool,
    type_code: str,
    upset: bool = False,
) -> frozenset[str]:
    """The flags of a new ticket: elderly, difficult, important, repeat, media, upset."""
    flags = {
        "elderly": is_elderly(customer, received_at, cal),
        "difficult": customer.difficult,
        "important": customer.important,
        "repeat": repeat,
        "media": type_code == "MEDIA_COMPLAINT",
        "upset": upset,
    }
    return frozenset(name for name, on in flags.items() if on)


def needs_confirmation(flags) -> bool:
    """Whether the customer must confirm the work before the ticket can be completed."""
    return bool(CONFIRMATION_FLAGS & set(flags))
