"""Wide-area incidents, DOMAIN §8: the report, completion and ETA clocks, planned work, the ops
on an incident and what they do to linked tickets."""

from dataclasses import replace
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from fieldapp.rules import incidents as inc
from fieldapp.rules import lifecycle
from fieldapp.rules.state import Applied, Op, Refusal
from tests.rules.helpers import CREW, LEAD, OTHER_CREW, apply, ticket, utc, vn

T0 = vn(2027, 9, 12, 14)  # the storm cuts a feeder on a Sunday afternoon
MIN = timedelta(minutes=1)


def declared(**changes) -> inc.IncidentState:
    data = {
        "kind": "unplanned",
        "area": "Phường Hòa Cường, Lê Lợi, Trần Phú",
        "station": "T-17",
        "started_at": T0,
        "cause": "Cây đổ vào đường dây",
        "eta": T0 + 180 * MIN,
    }
    data.update(changes.pop("data", {}))
    state = inc.declare(data, changes.pop("at", T0 + 5 * MIN), changes.pop("noticed_at", None))
    assert isinstance(state, inc.IncidentState), state
    return replace(state, **changes)


def judge(state, action, at, data=None, actor=LEAD):
    return inc.decide(state, Op(action, at, data or {}), actor)


# --- the report clock --------------------------------------------------------------------


def test_reported_within_ten_minutes_of_the_first_signal():
    assert inc.reported_in_time(declared(at=T0 + 10 * MIN, noticed_at=T0))
    late = declared(at=T0 + 11 * MIN, noticed_at=T0)
    assert not inc.reported_in_time(late) and inc.report_due(late) == utc(T0 + 10 * MIN)


def test_declared_at_once_is_in_time_and_noticed_then():
    state = declared(at=T0 + 30 * MIN)
    assert state.noticed_at == state.reported_at and inc.reported_in_time(state)


@given(st.integers(min_value=0, max_value=600), st.integers(min_value=0, max_value=600))
def test_the_report_clock_never_ends_before_it_starts(noticed_minutes, declared_minutes):
    state = declared(at=T0 + declared_minutes * MIN, noticed_at=T0 + noticed_minutes * MIN)
    assert state.noticed_at <= state.reported_at
    assert inc.report_due(state) > state.noticed_at


def test_a_report_without_a_cause_is_incomplete_and_escalates_at_sixty_minutes():
    state = declared(data={"cause": ""}, noticed_at=T0)
    assert not inc.complete(state)
    kinds = {r.kind: r for r in inc.plan(state, T0)}
    assert kinds["incident_incomplete"].due_at == utc(T0 + 60 * MIN)
    assert "crm" in kinds["incident_incomplete"].audience
    updated = judge(state, "update", T0 + 20 * MIN, {"cause": "Sét đánh", "note": "Đã rõ"})
    assert inc.complete(updated.state)
    assert "incident_incomplete" not in {r.kind for r in inc.plan(updated.state, T0)}


def test_declaring_needs_area_start_and_eta_after_the_start():
    refusal = inc.declare({"kind": "unplanned", "started_at": T0, "eta": T0 - MIN}, T0, None)
    assert isinstance(refusal, Refusal) and set(refusal.fields) == {"area"}
    refusal = inc.declare({"kind": "unplanned", "area": "x", "started_at": T0, "eta": T0}, T0, None)
    assert refusal.fields == ("eta",)


# --- the ETA clock ---------------------------------------------------------------------------


def test_a_new_eta_reported_fifteen_minutes_ahead_is_in_time():
    state = declared()
    in_force = state.eta
    on_time = judge(state, "eta", in_force - 15 * MIN, {"eta": in_force + 60 * MIN})
    assert on_time.events[0].data["in_time"] is True
    assert on_time.state.late_eta_changes == 0 and on_time.state.eta_changes == 1


@given(st.integers(min_value=0, max_value=14))
def test_an_eta_changed_less_than_fifteen_minutes_before_it_passes_is_late(minutes_before):
    state = declared()
    at = state.eta - minutes_before * MIN
    late = judge(state, "eta", at, {"eta": state.eta + 60 * MIN})
    assert late.events[0].data["in_time"] is False and late.state.late_eta_changes == 1


def test_the_eta_clock_reminds_then_escalates():
    state = declared()
    kinds = {r.kind: r.due_at for r in inc.plan(state, T0)}
    assert kinds["incident_eta_warn"] == state.eta - 30 * MIN
    assert kinds["incident_eta_passed"] == state.eta
    restored = judge(state, "restore", T0 + 90 * MIN, {"restored_at": T0 + 85 * MIN})
    assert inc.plan(restored.state, T0) == []


# --- planned work ------------------------------------------------------------------------------


def planned(announced_days: float):
    start = T0 + timedelta(days=10)
    return declared(
        at=start - timedelta(days=announced_days),
        data={"kind": "planned", "started_at": start, "eta": start + 240 * MIN},
    )


def test_planned_work_announced_five_days_ahead_is_in_time():
    assert inc.reported_in_time(planned(5))
    assert inc.reported_in_time(planned(6.5))


@given(st.floats(min_value=0, max_value=4.99))
def test_planned_work_announced_less_than_five_days_ahead_is_flagged(days):
    assert not inc.reported_in_time(planned(days))


def test_changing_planned_work_needs_a_day_of_notice():
    state = planned(7)
    day_before = state.started_at - timedelta(hours=25)
    assert judge(state, "eta", day_before, {"eta": state.eta + MIN}).events[0].data["in_time"]
    hours_before = state.started_at - timedelta(hours=20)
    late = judge(state, "eta", hours_before, {"eta": state.eta + MIN})
    assert late.events[0].data["in_time"] is False


# --- ops on an incident -----------------------------------------------------------------------


def test_only_crews_and_leaders_act_and_nothing_after_restoration():
    state = declared()
    assert judge(state, "update", T0, {"note": "x"}, actor=OTHER_CREW).state == state
    clerk = replace(CREW, role="desk")
    assert judge(state, "update", T0, {"note": "x"}, actor=clerk).code == "not_allowed"
    done = judge(state, "restore", T0 + 60 * MIN, {"restored_at": T0 + 60 * MIN}).state
    refused = judge(done, "eta", T0 + 70 * MIN, {"eta": T0 + 200 * MIN})
    assert refused.code == "not_allowed" and "khôi phục" in refused.message


def test_restoration_cannot_be_in_the_future_or_before_the_outage():
    state = declared()
    assert judge(state, "restore", T0 + 60 * MIN, {"restored_at": T0 + 61 * MIN}).fields == (
        "restored_at",
    )
    assert judge(state, "restore", T0 + 60 * MIN, {"restored_at": T0 - MIN}).code == "invalid"


# --- what the incident does to its tickets -----------------------------------------------------


def outage(**changes):
    return ticket("OUTAGE", T0 + MIN, **changes)


def test_a_ticket_links_once_and_only_an_outage():
    linked = apply(outage(), "link_incident", T0 + 10 * MIN, {"incident_id": 7}, actor=LEAD)
    assert linked.incident_id == 7
    again = lifecycle.decide(linked, Op("link_incident", T0 + 11 * MIN, {"incident_id": 8}), LEAD)
    assert again.code == "not_allowed"
    other = lifecycle.decide(
        ticket("NEW_SUPPLY_LV"), Op("link_incident", T0, {"incident_id": 7}), LEAD
    )
    assert other.code == "not_allowed"


def test_a_linked_ticket_follows_the_incident_eta_without_using_its_extensions():
    linked = apply(outage(), "link_incident", T0 + 10 * MIN, {"incident_id": 7}, actor=LEAD)
    state = declared()
    moved = apply(linked, "follow_incident_eta", T0 + 20 * MIN, inc.eta_data(state, 7), actor=LEAD)
    assert moved.expected_at == state.eta and moved.extensions == 0
    assert moved.delay_reason["code"] == "grid_incident"


def test_restoration_completes_a_worked_ticket_with_the_objective_reason_if_late():
    state = judge(
        declared(data={"cause_code": "storm"}),
        "restore",
        T0 + 200 * MIN,
        {"restored_at": T0 + 190 * MIN},
    ).state
    worked = apply(
        apply(outage(incident_id=7), "accept", T0 + 2 * MIN, actor=LEAD),
        "contact",
        T0 + 5 * MIN,
        {"outcome": "reached"},
        actor=LEAD,
    )
    outcome = lifecycle.decide(
        worked, Op("complete", T0 + 200 * MIN, inc.completion_data(state, None)), LEAD
    )
    assert isinstance(outcome, Applied)
    assert outcome.state.late_resolve and outcome.state.late_reason["code"] == "storm"
    not_accepted = lifecycle.decide(
        outage(incident_id=7),
        Op("complete", T0 + 200 * MIN, inc.completion_data(state, None)),
        LEAD,
    )
    assert not_accepted.code == "completion_blocked" and "accepted" in not_accepted.fields


def test_tickets_are_proposed_by_station_feeder_or_street():
    state = declared(data={"feeder": "473-E12"})
    assert inc.proposes(state, "T-17", None, "") == "station"
    assert inc.proposes(state, None, "473-E12", "") == "feeder"
    streets = inc.streets(state.area)
    assert inc.proposes(state, None, None, "45 Lê Lợi, Hải Châu", streets) == "street"
    assert inc.proposes(state, "T-99", "X", "1 Nguyễn Văn Linh", streets) is None


def test_three_outages_of_a_station_within_fifteen_minutes_alert_once():
    times = [T0, T0 + 6 * MIN]
    assert not inc.cluster_alert(times)
    assert inc.cluster_alert(times + [T0 + 14 * MIN])
    assert not inc.cluster_alert(times + [T0 + 14 * MIN, T0 + 15 * MIN])  # told already
    assert not inc.cluster_alert([T0, T0 + 10 * MIN, T0 + 16 * MIN])
