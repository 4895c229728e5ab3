"""Decoupling (6.4, Appendix C): Tapio elasticities and states, trend states, synergy, periods and their warnings."""

from __future__ import annotations

import pytest
from conftest import minimal_profile

from advisor.accounting import analyze_profile
from advisor.accounting.decoupling import (
    calc_change,
    calc_elasticity,
    calc_synergy,
    calc_tapio_state,
    calc_trend_state,
    calc_weakest_state,
)
from advisor.errors import UsageError
from advisor.profile.model import Profile

LOWER, UPPER, SMALL = 0.8, 1.2, 0.01


def tapio(e0, e1, x0, x1):
    de, dx = calc_change(e0, e1), calc_change(x0, x1)
    e = calc_elasticity(dx, de)
    return e, calc_tapio_state(de, dx, e, LOWER, UPPER), calc_trend_state(de, dx, SMALL)


def test_the_thresholds_in_these_tests_are_the_knowledge_thresholds(kb):
    d = kb.decoupling
    assert (d.tapio_lower, d.tapio_upper, d.indeterminate_change) == (LOWER, UPPER, SMALL)


@pytest.mark.parametrize("economy, substance, elasticity, state, trend", [
    ((100, 110), (100, 100), 0.0, "weak_decoupling", "indeterminate"),        # e = 0: X flat while E grows
    ((100, 110), (100, 108), 0.8, "expansive_coupling", "relative"),          # e = 0.8 exactly (0.08/0.1)
    ((100, 110), (100, 107.9), 0.79, "weak_decoupling", "relative"),
    ((100, 110), (100, 112), 1.2, "expansive_coupling", "none"),              # e = 1.2 exactly: still coupling
    ((100, 110), (100, 112.1), 1.21, "expansive_negative_decoupling", "none"),
    ((100, 110), (100, 110), 1.0, "expansive_coupling", "none"),              # as fast as the economy
    ((100, 110), (100, 95), -0.5, "strong_decoupling", "absolute"),           # e < 0 with E up
    ((100, 90), (100, 105), -0.5, "strong_negative_decoupling", "shrinking"),  # E down, X up
    ((100, 90), (100, 100), 0.0, "weak_negative_decoupling", "shrinking"),    # E down, X flat: e = 0
    ((100, 90), (100, 95), 0.5, "weak_negative_decoupling", "shrinking"),
    ((100, 90), (100, 92), 0.8, "recessive_coupling", "shrinking"),
    ((100, 90), (100, 88), 1.2, "recessive_coupling", "shrinking"),
    ((100, 90), (100, 85), 1.5, "recessive_decoupling", "shrinking"),
])
def test_tapio_states_at_and_around_their_boundaries(economy, substance, elasticity, state, trend):
    e, got_state, got_trend = tapio(*economy, *substance)
    assert e == pytest.approx(elasticity)
    assert (got_state, got_trend) == (state, trend)


def test_a_flat_economy_leaves_the_elasticity_undefined_instead_of_dividing_by_zero():
    e, state, trend = tapio(100, 100, 100, 90)
    assert (e, state, trend) == (None, None, "indeterminate")


def test_a_substance_starting_at_zero_has_no_change_and_no_elasticity():
    assert calc_change(0, 5) is None
    assert tapio(100, 110, 0, 5) == (None, None, "indeterminate")


@pytest.mark.parametrize("de, dx, state", [
    (0.25, -0.1, "absolute"), (0.25, 0.1, "relative"), (0.25, 0.25, "none"), (0.25, 0.4, "none"),
    (-0.05, -0.2, "shrinking"), (0.005, -0.3, "indeterminate"), (0.25, 0.009, "indeterminate"),
    (0.25, -0.009, "indeterminate"), (None, 0.1, None),   # the economy's change unknown: unknown, not "too small"
])
def test_the_trend_state(de, dx, state):
    assert calc_trend_state(de, dx, SMALL) == state


@pytest.mark.parametrize("pollutant, carbon, synergy", [
    ("absolute", "absolute", "synergistic_absolute"), ("absolute", "relative", "synergistic_relative"),
    ("relative", "relative", "synergistic_relative"), ("absolute", "none", "pollution_only"),
    ("none", "relative", "carbon_only"), ("none", "none", "coupled"), ("indeterminate", "absolute", "indeterminate"),
    ("shrinking", "shrinking", "indeterminate"), (None, "absolute", None), ("none", None, None),
])
def test_the_synergy_state(pollutant, carbon, synergy):
    assert calc_synergy(pollutant, carbon) == synergy


def test_the_weakest_state_orders_none_below_indeterminate_below_relative_below_absolute():
    assert calc_weakest_state({"SO2": "absolute", "VOCs": "relative", "COD": "absolute"}) == ("relative", ["VOCs"])
    assert calc_weakest_state({"SO2": "absolute", "NOx": "indeterminate"}) == ("indeterminate", ["NOx"])
    assert calc_weakest_state({"SO2": "relative", "NOx": "none"}) == ("none", ["NOx"])
    assert calc_weakest_state({}) == (None, [])   # no pollutant with data: unknown, not "too small to call"


def test_an_unknown_state_leaves_the_weakest_unknown_unless_a_known_one_is_already_the_weakest():
    assert calc_weakest_state({"SO2": None, "NOx": "absolute"}) == (None, [])
    assert calc_weakest_state({"SO2": None, "NOx": "none"}) == ("none", ["NOx"])


# --- published results reproduced ------------------------------------------------------------------------------

def test_wri_2016_us_2010_2012_strong_decoupling_is_reproduced_from_the_stated_levels():
    """WRI (N. Aden, 2016), "The Roads to Decoupling: 21 Countries Are Reducing Carbon Emissions While Growing GDP",
    as stored at beetlebark.com/news/2016/7/13/…: "From 2010 to 2012, energy-related carbon dioxide emissions declined
    by 6 percent (from 5.58 to 5.23 billion metric tons), while GDP grew by 4 percent (from $14.8 to $15.4
    trillion)" – the US economy grew while emissions fell: decoupled.

    From the stated levels: ΔX/X0 = 5.23/5.58 − 1 = −0.0627 (the published −6 %), ΔE/E0 = 15.4/14.8 − 1 = +0.0405
    (the published +4 %), e = −0.0627/0.0405 = −1.548 → Tapio strong decoupling, trend state absolute.
    """
    e, state, trend = tapio(14.8, 15.4, 5.58, 5.23)
    assert round(calc_change(5.58, 5.23), 2) == -0.06 and round(calc_change(14.8, 15.4), 2) == 0.04
    assert e == pytest.approx(-1.548, abs=1e-3)
    assert (state, trend) == ("strong_decoupling", "absolute")


@pytest.mark.parametrize("years, elasticity, published_state", [
    ("1996", 0.53, "weak_decoupling"),          # "0.53 in 1996 … weak decoupling in 1996–2004"
    ("2011", 0.85, "expansive_coupling"),       # "0.85 in 2011 … expansive coupling in 2005–2011"
])
def test_guangdong_1996_2011_published_elasticities_fall_in_the_published_tapio_states(years, elasticity,
                                                                                      published_state):
    """The Scientific World Journal (2014), article 782750, "decoupling elasticity decomposition quantitative model
    of energy-related carbon emission in Guangdong" (abstract): "Decoupling elasticity values of energy-related
    carbon emission and economic growth increase from 0.53 in 1996 to 0.85 in 2011, and its decoupling state turns
    from weak decoupling in 1996–2004 to expansive coupling in 2005–2011." Guangdong's GDP grew in every one of these
    years, so the published elasticities must map to the published states with ΔE > 0. This reproduces the
    classification (thresholds 0.8 / 1.2), not the underlying data, which the abstract does not give.
    """
    de = 0.10                                   # any growth of the economy
    dx = elasticity * de
    assert calc_tapio_state(de, dx, calc_elasticity(dx, de), LOWER, UPPER) == published_state


def test_the_us_2005_2021_absolute_decoupling_reported_by_grist_is_reproduced_end_to_end(kb):
    """Grist (K. Hu & J. Winters, March 2024, "Can we slash carbon emissions and still have economic growth?"): "The
    U.S., for example, saw a 32 percent increase in GDP between 2005 and 2021, while its overall CO2 emissions fell
    by about 17 percent" – absolute decoupling. Index 2005 = 100: economy 100 → 132, CO2 100 → 83:
    e = −0.17 / 0.32 = −0.53125 → strong decoupling, carbon_state absolute."""
    data = minimal_profile(
        economy={"indicator": "gdp", "unit": "亿元", "constant_prices": True, "values": {2005: 100, 2021: 132}},
        emissions_history={"unit": "t", "CO2": {2005: 100, 2021: 83}})
    period = analyze_profile(Profile.model_validate(data), kb)["decoupling"]["periods"][0]
    co2 = period["substances"]["CO2"]
    assert (co2["change"], co2["elasticity"], co2["tapio"]) == (-0.17, -0.53125, "strong_decoupling")
    assert (period["carbon_state"], period["carbon_state_basis"]) == ("absolute", "CO2")


# --- the park's periods --------------------------------------------------------------------------------------

def history_park(boundary_changes=None, **extra) -> Profile:
    data = minimal_profile(
        economy={"indicator": "industrial_value_added", "unit": "亿元", "constant_prices": True,
                 "values": {2018: 100, 2019: 110, 2020: 121, 2021: 125}},
        emissions_history={"unit": "t", "CO2e": {2018: 1000, 2019: 1050, 2020: 1000, 2021: 1010},
                           "SO2": {2018: 50, 2019: 45, 2020: 40, 2021: 38},
                           "VOCs": {2018: 80, 2019: 82, 2020: 85, 2021: 86},
                           "NOx": {2018: 60, 2021: 50}},
        characteristic_pollutants=["VOCs"])
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    if boundary_changes:
        data["park"]["boundary_changes"] = boundary_changes
    return Profile.model_validate(data)


def test_periods_are_the_whole_span_then_each_pair_of_consecutive_years(kb):
    d = analyze_profile(history_park(), kb)["decoupling"]
    assert [(p["from"], p["to"], p["kind"]) for p in d["periods"]] == [
        (2018, 2021, "span"), (2018, 2019, "pair"), (2019, 2020, "pair"), (2020, 2021, "pair")]
    assert d["indicator"] == "industrial_value_added"


def test_a_period_carries_the_contract_fields_and_names_the_basis_of_its_states(kb):
    """2018–2021: economy +25 %; CO2e +1 % → relative; SO2 −24 % absolute; NOx −16.7 % absolute; VOCs +7.5 %
    relative → pollutant_state relative (weakest VOCs) → synergy synergistic_relative."""
    span = analyze_profile(history_park(), kb)["decoupling"]["periods"][0]
    assert set(span) >= {"from", "to", "economy_change", "substances", "pollutant_state", "carbon_state", "synergy",
                         "warnings"}
    assert span["economy_change"] == 0.25
    assert span["substances"]["CO2e"] == {"change": 0.01, "elasticity": 0.04, "tapio": "weak_decoupling",
                                          "state": "relative", "from_value": 1000, "to_value": 1010}
    assert span["pollutant_state_basis"] == ["NOx", "VOCs", "SO2"]
    assert (span["pollutant_state"], span["pollutant_state_weakest"]) == ("relative", ["VOCs"])
    assert (span["carbon_state"], span["synergy"]) == ("relative", "synergistic_relative")


def test_a_substance_missing_a_year_is_left_out_of_that_period_with_a_warning(kb):
    pair = analyze_profile(history_park(), kb)["decoupling"]["periods"][1]
    assert "NOx" not in pair["substances"]
    assert any("NOx: no value for 2018 or 2019" in w for w in pair["warnings"])
    span = analyze_profile(history_park(), kb)["decoupling"]["periods"][0]
    assert any(w == "NOx: no values for 2019–2020" for w in span["warnings"])


def test_nominal_prices_and_boundary_changes_are_warned_about_in_the_periods_they_touch(kb):
    profile = history_park(economy={"constant_prices": False}, boundary_changes=[{"year": 2020, "note": "南区并入"}])
    periods = analyze_profile(profile, kb)["decoupling"]["periods"]
    assert all(any("not at constant prices" in w for w in p["warnings"]) for p in periods)
    touched = [(p["from"], p["to"]) for p in periods if any("boundary changed in 2020" in w for w in p["warnings"])]
    assert touched == [(2018, 2021), (2019, 2020)]
    whole = next(p for p in periods if p["kind"] == "span")
    assert any("园区边界" in w for w in whole["warnings_zh"]) and not whole["comparable"]


def test_a_requested_period_is_the_only_one_analysed(kb):
    d = analyze_profile(history_park(), kb, period=(2019, 2021))["decoupling"]
    assert [(p["from"], p["to"], p["kind"]) for p in d["periods"]] == [(2019, 2021, "requested")]


def test_a_requested_period_outside_the_data_is_a_warning_and_a_gap_not_a_crash(kb):
    result = analyze_profile(history_park(), kb, period=(2015, 2021))
    [period] = result["decoupling"]["periods"]
    assert period["economy_change"] is None and period["synergy"] is None   # unknown, not "too small to call"
    assert period["carbon_state"] is None and period["pollutant_state"] is None
    assert any("no value for 2015" in w for w in period["warnings"])
    assert "period-data-missing" in [g["id"] for g in result["gaps"]]


def test_a_period_that_runs_backwards_is_a_usage_error(kb):
    with pytest.raises(UsageError, match="does not run forward"):
        analyze_profile(history_park(), kb, period=(2021, 2019))


def test_decoupling_runs_per_industry_when_both_series_exist_by_division(kb):
    profile = history_park(
        economy={"by_industry": {"C26": {2018: 60, 2021: 70}}},
        emissions_history={"by_industry": {"C26": {"CO2e": {2018: 700, 2021: 650}, "SO2": {2018: 30, 2021: 25}}}})
    [period] = analyze_profile(profile, kb)["decoupling"]["by_industry"]["C26"]["periods"]
    assert (period["from"], period["to"], period["carbon_state"], period["pollutant_state"]) == (
        2018, 2021, "absolute", "absolute")
    assert period["synergy"] == "synergistic_absolute"


def test_no_history_means_no_periods_and_a_gap(kb):
    result = analyze_profile(Profile.model_validate(minimal_profile()), kb)
    assert result["decoupling"]["periods"] == []
    assert {"no-economy", "no-emissions-history"} <= {g["id"] for g in result["gaps"]}
