"""Energy flow analysis (ch. 5): standard coal, the fuel mix, steam conversion, on-site generation and exports."""

from __future__ import annotations

import pytest
from conftest import minimal_profile

from advisor.accounting import analyze_profile
from advisor.kb.units import UnitError
from advisor.profile.model import Profile


def park(energy, **extra) -> Profile:
    return Profile.model_validate(minimal_profile(energy=energy, **extra))


HAND_WORKED = [
    {"carrier": "raw_coal", "amount": 1, "unit": "万t", "process": "boiler-1"},
    {"carrier": "natural_gas", "amount": 200, "unit": "万Nm3", "process": "heaters"},
    {"carrier": "electricity", "amount": 500, "unit": "万kWh", "origin": "grid"},
    {"carrier": "steam", "amount": 1000, "unit": "t steam", "origin": "purchased"},
]


def test_a_coal_gas_grid_and_steam_park_adds_up_to_the_hand_worked_standard_coal(kb):
    """Worked by hand (GB/T 2589 calorific equivalents, knowledge/factors):

    raw coal      1 万t = 10,000 t       × 0.7143 tce/t          =  7,143.000 tce
    natural gas 200 万Nm3 = 2,000,000 Nm3 × 13.300 tce/10^4 Nm3   =  2,660.000 tce
    grid power  500 万kWh = 5,000 MWh     × 0.1229 tce/MWh        =    614.500 tce
    steam       1,000 t × 2.8 GJ/t = 2,800 GJ × 0.03412 tce/GJ   =     95.536 tce
    total                                                         = 10,513.036 tce
    coal share of fuel energy = 7,143 / (7,143 + 2,660) = 7,143 / 9,803 = 0.728654
    electricity share = 614.5 / 10,513.036 = 0.058451; natural gas share = 2,660 / 10,513.036 = 0.253019
    """
    e = analyze_profile(park(HAND_WORKED), kb)["energy"]
    assert e["total_tce"] == pytest.approx(10513.036)
    assert e["coal_fuel_share"] == pytest.approx(7143 / 9803, abs=1e-6)
    assert e["coal_share_total"] == pytest.approx(7143 / 10513.036, abs=1e-6)
    assert e["electricity_share"] == pytest.approx(614.5 / 10513.036, abs=1e-6)
    assert e["natural_gas_share"] == pytest.approx(2660 / 10513.036, abs=1e-6)
    tce = {row["carrier"]: row["tce"] for row in e["by_carrier"]}
    assert tce == pytest.approx({"raw_coal": 7143.0, "natural_gas": 2660.0, "electricity": 614.5, "steam": 95.536})


def test_steam_in_tonnes_uses_the_knowledge_enthalpy_and_says_so(kb):
    e = analyze_profile(park(HAND_WORKED), kb)["energy"]
    assert e["method"]["steam_gj_per_t"] == kb.analysis.steam_gj_per_t.value == 2.8
    assert e["method"]["steam_source"].startswith("knowledge analysis.steam_gj_per_t")
    assert e["method"]["steam_rows_converted"] == 1
    steam = next(row for row in e["balance"] if row["carrier"] == "steam")
    assert (steam["amount"], steam["unit"]) == (2800.0, "GJ")


def test_a_measured_steam_enthalpy_in_the_profile_replaces_the_default(kb):
    result = analyze_profile(park(HAND_WORKED, accounting={"steam_gj_per_t": 3.0}), kb)
    assert result["settings"]["steam"] == {"gj_per_t": 3.0, "source": "profile accounting.steam_gj_per_t",
                                           "rows_converted": 1}
    steam = next(row for row in result["energy"]["balance"] if row["carrier"] == "steam")
    assert steam["tce"] == pytest.approx(3000 * 0.03412)


def test_feedstock_coal_counts_in_total_energy_but_not_in_the_fuel_mix(kb):
    """fuel coal 7,143 tce, feedstock coal 14,286 tce, gas 2,660 tce → coal fuel share 7,143 / 9,803 as before."""
    rows = HAND_WORKED + [{"carrier": "raw_coal", "amount": 20000, "unit": "t", "process": "gasifier",
                           "use": "feedstock"}]
    e = analyze_profile(park(rows), kb)["energy"]
    assert e["coal_fuel_share"] == pytest.approx(7143 / 9803, abs=1e-6)
    assert e["coal_feedstock"] is True and e["feedstock_tce"] == pytest.approx(14286)
    assert e["total_tce"] == pytest.approx(10513.036 + 14286)
    assert e["coal_share_total"] == pytest.approx((7143 + 14286) / (10513.036 + 14286), abs=1e-6)


def test_renewable_share_counts_onsite_renewables_and_green_purchases_over_all_electricity(kb):
    rows = [{"carrier": "electricity", "amount": 900, "unit": "MWh", "origin": "grid"},
            {"carrier": "electricity", "amount": 60, "unit": "MWh", "origin": "onsite_renewable"},
            {"carrier": "electricity", "amount": 40, "unit": "MWh", "origin": "green_purchase"}]
    e = analyze_profile(park(rows), kb)["energy"]
    assert e["renewable_electricity_share"] == pytest.approx(0.1)
    assert e["electricity_by_origin_mwh"] == {"green_purchase": 40.0, "grid": 900.0, "onsite_renewable": 60.0}


def test_power_generated_on_site_from_fossil_fuel_is_shown_but_not_counted_twice(kb):
    rows = [{"carrier": "raw_coal", "amount": 1000, "unit": "t", "process": "chp"},
            {"carrier": "electricity", "amount": 2000, "unit": "MWh", "origin": "onsite_fossil", "process": "chp"}]
    e = analyze_profile(park(rows), kb)["energy"]
    assert e["total_tce"] == pytest.approx(714.3)
    own = next(row for row in e["balance"] if row["carrier"] == "electricity")
    assert own["counted"] is False and own["tce"] == pytest.approx(245.8)


def test_exports_are_shown_apart_and_never_subtracted_silently(kb):
    e = analyze_profile(park(HAND_WORKED, exports=[{"carrier": "electricity", "amount": 1000, "unit": "MWh"},
                                                   {"carrier": "steam", "amount": 100, "unit": "t steam"}]),
                        kb)["energy"]
    assert e["total_tce"] == pytest.approx(10513.036)
    assert e["exports_tce"] == pytest.approx(122.9 + 280 * 0.03412)
    assert e["total_tce_net_of_exports"] == pytest.approx(10513.036 - 122.9 - 280 * 0.03412)


def test_the_balance_runs_from_carrier_through_process_to_use_for_a_sankey(kb):
    balance = analyze_profile(park(HAND_WORKED), kb)["energy"]["balance"]
    assert [(b["carrier"], b["process"], b["use"]) for b in balance] == [
        ("raw_coal", "boiler-1", "fuel"), ("natural_gas", "heaters", "fuel"),
        ("electricity", "(unassigned)", "electricity"), ("steam", "(unassigned)", "heat")]
    assert set(balance[0]) >= {"carrier", "origin", "owner", "process", "use", "tce"}


def test_an_energy_row_in_an_unknown_unit_is_an_error_naming_the_row_never_a_guess(kb):
    rows = [{"carrier": "natural_gas", "amount": 200, "unit": "万方米", "process": "heaters"}]
    with pytest.raises(UnitError) as info:
        analyze_profile(park(rows), kb)
    assert str(info.value).startswith("energy[0].unit: unknown unit '万方米'")
    assert "units accepted for volume" in str(info.value)


def test_an_energy_row_in_a_unit_of_the_wrong_dimension_is_an_error(kb):
    with pytest.raises(UnitError, match="energy\\[0\\].unit: unit 'MWh' measures electricity"):
        analyze_profile(park([{"carrier": "raw_coal", "amount": 5, "unit": "MWh"}]), kb)


def test_an_unknown_carrier_is_a_profile_error_with_a_suggestion(kb):
    from advisor.errors import ProfileError

    with pytest.raises(ProfileError) as info:
        analyze_profile(park([{"carrier": "raw_cole", "amount": 5, "unit": "t"}]), kb)
    [issue] = info.value.issues
    assert issue.path == "energy[0].carrier" and "did you mean 'raw_coal'?" in issue.fix


def test_exports_not_stated_are_unknown_and_an_empty_list_states_there_are_none(kb):
    unstated = analyze_profile(park(HAND_WORKED), kb)
    assert unstated["energy"]["exports_tce"] is None and unstated["energy"]["total_tce_net_of_exports"] is None
    assert unstated["carbon"]["exports_t_co2e"] is None
    assert "exports-not-stated" in [g["id"] for g in unstated["gaps"]]
    none = analyze_profile(park(HAND_WORKED, exports=[]), kb)
    assert none["energy"]["exports_tce"] == 0.0 and none["carbon"]["exports_t_co2e"] == 0.0
    assert none["energy"]["total_tce_net_of_exports"] == none["energy"]["total_tce"]
    assert "exports-not-stated" not in [g["id"] for g in none["gaps"]]


def test_fuel_rows_without_a_grid_row_leave_the_electricity_share_unknown_not_zero(kb):
    e = analyze_profile(park(HAND_WORKED[:2]), kb)["energy"]
    assert e["total_tce"] == pytest.approx(7143 + 2660)
    assert e["electricity_share"] is None and e["renewable_electricity_share"] is None
