"""Who is told at once (DOMAIN §7, issue 13 item 4): upset or difficult customers' complaints go
to the leader, a third contact to the company as well."""

from hypothesis import given
from hypothesis import strategies as st

from fieldapp.rules.catalog import TYPES
from fieldapp.rules.customers import customer_flags, fold, shows_upset
from fieldapp.rules.policy import UPSET_WORDS, Policy, parse_words
from fieldapp.rules.reminders import plan
from fieldapp.rules.state import Customer
from tests.rules.helpers import CAL, ticket
from tests.rules.test_properties import PROFILE, received_times

COMPLAINTS = sorted(c for c, t in TYPES.items() if t.service_group == "complaints")


def alerts(state):
    return {
        r.kind: r.audience for r in plan(state, state.received_at, CAL) if r.kind.endswith("_alert")
    }


def test_fold_drops_diacritics_case_and_punctuation():
    assert fold("Tôi rất BỨC XÚC,  Điện lực!") == "toi rat buc xuc dien luc"


def test_upset_words_match_with_or_without_diacritics_as_whole_words():
    assert shows_upset("Nhân viên làm ăn vô trách nhiệm, tôi rất bức xúc", UPSET_WORDS)
    assert shows_upset("toi rat buc xuc vi mat dien lien tuc", UPSET_WORDS)
    assert shows_upset("Tôi THẤT VỌNG về dịch vụ", UPSET_WORDS)
    assert not shows_upset("Mất điện cả xóm từ sáng", UPSET_WORDS)
    assert not shows_upset("", UPSET_WORDS)
    # Whole words only: "tệ" is not inside "tiện".
    assert shows_upset("dịch vụ quá tệ", ("tệ",))
    assert not shows_upset("rất tiện lợi", ("tệ",))


def test_the_word_list_is_a_setting():
    assert parse_words("") == UPSET_WORDS == Policy().upset_words
    assert parse_words(" quá tệ , chán ") == ("quá tệ", "chán")
    assert shows_upset("dich vu qua te", parse_words("quá tệ"))


def test_the_upset_flag():
    flags = customer_flags(
        Customer(), ticket().received_at, CAL, repeat=False, type_code="COMPLAINT", upset=True
    )
    assert flags == {"upset"}


@PROFILE
@given(
    code=st.sampled_from(COMPLAINTS),
    received=received_times,
    flag=st.sampled_from(["difficult", "upset"]),
)
def test_a_complaint_of_a_difficult_or_upset_customer_goes_to_the_leader(code, received, flag):
    state = ticket(code, received, flags=frozenset({flag}))
    assert alerts(state)["upset_alert"] == ("leader",)
    assert "upset_alert" not in alerts(ticket(code, received))


def test_other_types_do_not_raise_the_upset_alert():
    for code in ("OUTAGE", "NEW_SUPPLY_LV", "RECONNECT"):
        assert "upset_alert" not in alerts(ticket(code, flags=frozenset({"difficult", "upset"})))


@PROFILE
@given(
    code=st.sampled_from(sorted(TYPES)),
    received=received_times,
    count=st.integers(min_value=2, max_value=9),
)
def test_from_the_third_contact_the_company_hears_too(code, received, count):
    state = ticket(code, received, flags=frozenset({"repeat"}), contact_count=count)
    expected = ("leader", "company") if count >= 3 else ("leader",)
    assert alerts(state)["repeat_alert"] == expected
