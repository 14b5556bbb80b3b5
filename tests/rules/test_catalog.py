"""The ticket-type catalog and the code lists, DOMAIN §3, §4, §6."""

import pytest

from fieldapp.rules import actions, labels, reasons
from fieldapp.rules.catalog import (
    CHANNELS,
    SERVICE_GROUPS,
    TICKET_CHANNELS,
    TYPES,
    TicketType,
    get_type,
)
from tests.rules.helpers import FACTS

GROUPS = {
    "new_supply": {"NEW_SUPPLY_LV", "NEW_SUPPLY_LV_WORKS", "NEW_SUPPLY_MV"},
    "during_use": {
        "CONTRACT_CAPACITY",
        "CONTRACT_OWNER",
        "CONTRACT_PURPOSE",
        "CONTRACT_RENEWAL",
        "CONTRACT_TERMINATION",
        "CONTRACT_OTHER",
        "METER_RELOCATION",
        "METER_CHECK",
        "METER_CALIBRATION",
        "RECONNECT",
    },
    "other_services": {"OUTAGE", "SAFETY", "OTHER"},
    "complaints": {"COMPLAINT", "MEDIA_COMPLAINT", "POWER_QUALITY"},
    "lookups": set(),
}


def test_there_are_19_types_keyed_by_code():
    assert len(TYPES) == 19
    assert set(TYPES) == set(FACTS)
    assert all(isinstance(t, TicketType) and TYPES[t.code] is t for t in TYPES.values())


@pytest.mark.parametrize("code", sorted(FACTS))
def test_completion_facts(code):
    assert TYPES[code].completion_facts == FACTS[code]


def test_service_groups():
    assert SERVICE_GROUPS == ("new_supply", "during_use", "other_services", "complaints", "lookups")
    for group, codes in GROUPS.items():
        assert {t.code for t in TYPES.values() if t.service_group == group} == codes


def test_each_type_has_exactly_one_resolve_clock():
    for t in TYPES.values():
        assert (t.resolve_hours is None) != (t.resolve_working_days is None), t.code


def test_desks_and_urgency():
    assert TYPES["RECONNECT"].desk is None
    operations = {c for c, t in TYPES.items() if t.desk == "operations"}
    assert operations == {"OUTAGE", "SAFETY", "POWER_QUALITY"}
    assert {c for c, t in TYPES.items() if t.urgent} == operations


def test_contact_clocks_and_extension_limits():
    assert {c for c, t in TYPES.items() if t.contact_after_accept_minutes == 30} == {
        "OUTAGE",
        "RECONNECT",
    }
    assert TYPES["COMPLAINT"].contact_working_days == 1
    assert {c for c, t in TYPES.items() if t.max_extensions == 2} == {"OUTAGE", "RECONNECT"}
    assert all(t.max_extensions in (None, 2) for t in TYPES.values())
    assert TYPES["MEDIA_COMPLAINT"].resolve_hours == 24


def test_every_type_has_a_vietnamese_name():
    for t in TYPES.values():
        assert t.name_vi and labels.label_msgid("type", t.code) == t.name_vi
    assert TYPES["OUTAGE"].name_vi.startswith("Mất điện")


def test_every_completion_fact_is_a_field_of_completion():
    complete = actions.ACTIONS["complete"]
    for t in TYPES.values():
        for name in t.completion_facts:
            assert name in actions.FACTS and complete.field(name) is not None


def test_channels():
    assert CHANNELS == ("phone", "website", "app", "email", "portal", "zalo", "sms", "other")


def test_get_type_names_unknown_codes():
    assert get_type("OUTAGE") is TYPES["OUTAGE"]
    with pytest.raises(ValueError, match="NOPE"):
        get_type("NOPE")


def test_reason_lists():
    assert reasons.REASON_CODES == reasons.OBJECTIVE_REASONS + reasons.OTHER_REASONS
    assert len(reasons.OBJECTIVE_REASONS) == 7
    assert reasons.OTHER_REASONS == ("workload", "staff_unavailable", "other")
    assert reasons.RETURN_REASONS == ("not_our_area", "wrong_info", "missing_info", "other")
    assert reasons.CONTACT_OUTCOMES == ("reached", "no_answer", "confirmed_done")


def test_objective_reasons():
    assert reasons.is_objective("storm")
    assert reasons.is_objective("waiting_other_unit")
    assert not reasons.is_objective("workload")
    assert not reasons.is_objective("other")
    assert not reasons.is_objective(None)


def test_every_code_has_a_vietnamese_label():
    assert set(labels.LABELS["reason"]) == set(reasons.REASON_CODES)
    assert set(labels.LABELS["return_reason"]) == set(reasons.RETURN_REASONS)
    assert set(labels.LABELS["outcome"]) == set(reasons.CONTACT_OUTCOMES)
    assert set(labels.LABELS["informed_by"]) == set(reasons.INFORMED_BY)
    assert set(labels.LABELS["channel"]) == set(TICKET_CHANNELS)
    assert set(labels.LABELS["service_group"]) == set(SERVICE_GROUPS)
    assert labels.LABELS["reason"]["storm"] == "Mưa bão, thiên tai"
