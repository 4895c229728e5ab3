"""Carbon accounting (6.2, Appendices A and B): factors by priority, scopes, grid series, processes, exports."""

from __future__ import annotations

import pytest
from conftest import ROOT, minimal_profile

from advisor.accounting import analyze_profile
from advisor.kb.units import UnitError
from advisor.profile.model import Profile

HAND_WORKED = [
    {"carrier": "raw_coal", "amount": 1, "unit": "万t", "process": "boiler-1"},
    {"carrier": "natural_gas", "amount": 200, "unit": "万Nm3", "process": "heaters"},
    {"carrier": "electricity", "amount": 500, "unit": "万kWh", "origin": "grid"},
    {"carrier": "steam", "amount": 1000, "unit": "t steam", "origin": "purchased"},
]


def analyse(kb, energy=None, period=None, **extra) -> dict:
    data = minimal_profile(**extra)
    if energy is not None:
        data["energy"] = energy
    return analyze_profile(Profile.model_validate(data), kb, period=period)


def carbon(kb, energy=None, **extra) -> dict:
    return analyse(kb, energy, **extra)["carbon"]


def factor_of(c: dict, carrier: str, origin=None) -> dict:
    return next(f for f in c["factors_used"] if f["carrier"] == carrier and (origin is None or f["origin"] == origin))


def test_a_coal_gas_grid_and_steam_park_emits_the_hand_worked_co2e(kb):
    """Worked by hand (base year 2022, defaults: cn_default fuels, MEE/NBS national grid, AR5):

    raw coal      10,000 t      × 1.9003 t CO2/t           = 19,003.0 t   scope 1 (provincial default)
    natural gas   200 × 10^4 Nm3 × 21.622 t CO2/10^4 Nm3  =  4,324.4 t   scope 1 (provincial default)
    grid power    5,000 MWh     × 0.5366 t CO2/MWh         =  2,683.0 t   scope 2 (MEE & NBS 2022)
    steam         1,000 t × 2.8 GJ/t = 2,800 GJ × 0.11     =    308.0 t   scope 2 (purchased heat)
    total 26,318.4 t CO2e = scope 1 23,327.4 + scope 2 2,991.0
    """
    c = carbon(kb, HAND_WORKED)
    assert c["total_t_co2e"] == pytest.approx(26318.4)
    assert c["by_scope"] == pytest.approx({"1": 23327.4, "2": 2991.0})
    assert {r["carrier"]: r["t_co2e"] for r in c["by_carrier"]} == pytest.approx(
        {"raw_coal": 19003.0, "natural_gas": 4324.4, "electricity": 2683.0, "steam": 308.0})
    assert [r["process"] for r in c["by_process"]] == ["boiler-1", "heaters", "(unassigned)"]
    assert c["by_process"][0]["share"] == pytest.approx(19003 / 26318.4, abs=1e-6)
    assert c["gwp"] == "AR5"
    tiers = {(f["carrier"], f["tier"], f["factor"], f["unit"]) for f in c["factors_used"]}
    assert tiers == {("raw_coal", "provincial_default", 1.9003, "t CO2/t"),
                     ("natural_gas", "provincial_default", 21.622, "t CO2/10^4 Nm3"),
                     ("electricity", "official_cn", 0.5366, "t CO2/MWh"),
                     ("steam", "official_cn", 0.11, "t CO2/GJ")}
    assert factor_of(c, "electricity")["year"] == 2022


def test_a_measured_factor_beats_the_default_and_is_recorded_with_its_source_and_year(kb):
    rows = [{"carrier": "raw_coal", "amount": 1000, "unit": "t",
             "factor": {"value": 1.85, "unit": "t CO2/t", "source": "2022 fuel assay", "year": 2022}}]
    c = carbon(kb, rows)
    assert c["total_t_co2e"] == pytest.approx(1850.0)
    f = factor_of(c, "raw_coal")
    assert (f["tier"], f["factor"], f["source"], f["year"]) == ("measured", 1.85, "2022 fuel assay", 2022)


def test_a_measured_factor_may_be_given_per_energy_content(kb):
    """1,000 t coal × 20.908 GJ/t = 20,908 GJ × 0.0950 t CO2/GJ = 1,986.26 t CO2."""
    rows = [{"carrier": "raw_coal", "amount": 1000, "unit": "t",
             "factor": {"value": 95.0, "unit": "kg CO2/GJ", "source": "lab"}}]
    assert carbon(kb, rows)["total_t_co2e"] == pytest.approx(1986.26)


def test_a_measured_factor_in_a_unit_that_does_not_fit_the_row_is_an_error(kb):
    rows = [{"carrier": "raw_coal", "amount": 1000, "unit": "t",
             "factor": {"value": 1.85, "unit": "t CO2/MWh", "source": "lab"}}]
    with pytest.raises(UnitError, match="energy\\[0\\].factor.unit 't CO2/MWh' is per MWh"):
        carbon(kb, rows)


def test_ipcc_defaults_are_used_when_chosen(kb):
    """IPCC 2006 diesel: 100 t × 3.186 t CO2/t = 318.6 t. IPCC natural gas is per tonne, the activity in Nm3, so it
    goes through energy: 2,000,000 Nm3 × 389.31 GJ/10^4 Nm3 = 77,862 GJ × 15.3 tC/TJ × 1.0 × 44/12 / 1000
    = 77,862 × 0.0561 = 4,368.0582 t."""
    rows = [{"carrier": "diesel", "amount": 100, "unit": "t"},
            {"carrier": "natural_gas", "amount": 200, "unit": "万Nm3"}]
    c = carbon(kb, rows, accounting={"fuel_factors": "ipcc2006"})
    assert factor_of(c, "diesel")["tier"] == "ipcc_default" and factor_of(c, "diesel")["factor"] == 3.186
    gas = factor_of(c, "natural_gas")
    assert (gas["tier"], gas["unit"], gas["factor"]) == ("ipcc_default", "t CO2/GJ", 0.0561)
    assert c["total_t_co2e"] == pytest.approx(318.6 + 4368.0582)


def test_a_fuel_without_an_ipcc_row_falls_back_to_the_chinese_default_with_a_warning(kb):
    result = analyse(kb, [{"carrier": "kerosene", "amount": 10, "unit": "t"}], accounting={"fuel_factors": "ipcc2006"})
    assert factor_of(result["carbon"], "kerosene")["tier"] == "provincial_default"
    assert any("no ipcc2006 factor for kerosene" in w for w in result["warnings"])


def test_a_fuel_without_a_chinese_row_uses_ipcc_by_default(kb):
    import dataclasses

    kb2 = dataclasses.replace(kb, fuel_factors=[f for f in kb.fuel_factors
                                                if not (f.fuel == "diesel" and f.set == "cn_default")])
    result = analyze_profile(Profile.model_validate(minimal_profile(
        energy=[{"carrier": "diesel", "amount": 100, "unit": "t"}])), kb2)
    assert factor_of(result["carbon"], "diesel")["tier"] == "ipcc_default"


@pytest.mark.parametrize("accounting, province, base_year, expected", [
    ({}, None, 2022, ("mee_nbs_average", "national", 2022, 0.5366)),
    ({"grid_factor": "mee_nbs_residual"}, None, 2023, ("mee_nbs_residual", "national", 2023, 0.6096)),
    ({"grid_factor": "mee_nbs_fossil"}, None, 2021, ("mee_nbs_fossil", "national", 2021, 0.8426)),
    ({"grid_factor": "carbon_market"}, None, 2022, ("carbon_market", "national", 2022, 0.5703)),
    ({"grid_factor": "mee_nbs_regional"}, "浙江省", 2022, ("mee_nbs_average", "east", 2022, 0.5617)),
    ({"grid_factor": "mee_nbs_regional"}, "四川", 2023, ("mee_nbs_average", "southwest", 2023, 0.2472)),
    ({"grid_factor": "mee_nbs_regional"}, "Guangdong", 2022, ("mee_nbs_average", "south", 2022, 0.3869)),
    ({"grid_factor": "mee_nbs_regional", "grid_region": "north"}, "浙江省", 2023,
     ("mee_nbs_average", "north", 2023, 0.6361)),
    ({"grid_year": 2021}, None, 2023, ("mee_nbs_average", "national", 2021, 0.5568)),
    ({}, None, 2025, ("mee_nbs_average", "national", 2023, 0.5306)),
])
def test_the_grid_factor_follows_the_chosen_series_region_and_year(kb, accounting, province, base_year, expected):
    data = minimal_profile(energy=[{"carrier": "electricity", "amount": 1000, "unit": "MWh"}],
                           accounting=accounting)
    data["park"]["base_year"] = base_year
    if province:
        data["park"]["province"] = province
    result = analyze_profile(Profile.model_validate(data), kb)
    grid = result["carbon"]["grid"]
    assert (grid["series"], grid["region"], grid["year"], grid["value"]) == expected
    assert result["carbon"]["total_t_co2e"] == pytest.approx(1000 * expected[3])
    assert result["settings"]["grid"] == grid


def test_a_base_year_before_every_grid_factor_takes_the_earliest_later_year_with_a_warning(kb):
    data = minimal_profile(energy=[{"carrier": "electricity", "amount": 1000, "unit": "MWh"}])
    data["park"]["base_year"] = 2019
    result = analyze_profile(Profile.model_validate(data), kb)
    assert result["carbon"]["grid"]["year"] == 2021
    assert any("earliest later year (2021)" in w for w in result["warnings"])


def test_a_base_year_after_every_grid_factor_says_which_earlier_year_it_took_and_how_to_choose(kb):
    data = minimal_profile(energy=[{"carrier": "electricity", "amount": 1000, "unit": "MWh"}])
    data["park"]["base_year"] = 2025
    result = analyze_profile(Profile.model_validate(data), kb)
    assert result["carbon"]["grid"]["year"] == 2023 and "grid-year-earlier" in result["warning_ids"]
    assert any("--grid-year" in w for w in result["warnings"])


def test_analyze_grid_year_chooses_the_factor_year_and_a_bad_year_is_a_usage_error(capsys):
    import json

    from advisor.cli.entry import main

    textile = str(ROOT / "examples" / "demo-textile.yaml")
    assert main(["analyze", textile, "--json", "--grid-year", "2021"]) == 0
    assert json.loads(capsys.readouterr().out)["carbon"]["grid"]["year"] == 2021
    assert main(["analyze", textile, "--grid-year", "21"]) == 2
    assert "--grid-year" in capsys.readouterr().err


def test_a_regional_grid_without_a_known_province_falls_back_to_the_national_average_with_a_warning(kb):
    result = analyse(kb, [{"carrier": "electricity", "amount": 1000, "unit": "MWh"}],
                     accounting={"grid_factor": "mee_nbs_regional"})
    assert result["carbon"]["grid"]["region"] == "national"
    assert any("needs accounting.grid_region" in w for w in result["warnings"])


def test_green_and_onsite_renewable_electricity_carry_no_scope_2_co2_and_factors_used_says_so(kb):
    rows = [{"carrier": "electricity", "amount": 1000, "unit": "MWh", "origin": "green_purchase"},
            {"carrier": "electricity", "amount": 500, "unit": "MWh", "origin": "onsite_renewable"}]
    c = carbon(kb, rows)
    assert c["total_t_co2e"] == 0.0
    green = factor_of(c, "electricity", "green_purchase")
    assert green["factor"] == 0.0 and green["tier"] == "renewable_zero" and "no scope-2 CO2" in green["source"]
    assert factor_of(c, "electricity", "onsite_renewable")["factor"] == 0.0


def test_feedstock_coal_is_reported_as_carbon_to_balance_not_as_combustion_co2(kb):
    """20,000 t × 1.9003 = 38,006 t CO2 potential, not emitted."""
    result = analyse(kb, [{"carrier": "raw_coal", "amount": 20000, "unit": "t", "process": "gasifier",
                           "use": "feedstock"}])
    c = result["carbon"]
    assert c["total_t_co2e"] == 0.0
    assert c["feedstock_t_co2_potential"] == pytest.approx(38006.0)
    assert c["feedstock"][0]["process"] == "gasifier"
    assert c["feedstock_balance"][0]["status"] == "range"   # no products stated: a range, not counted
    assert any("process CO2 is given as a range" in w for w in result["warnings"])


def test_a_process_that_reports_co2_wins_over_its_energy_rows_which_are_shown_for_comparison(kb):
    """Reported 20,000 t; computed 10,000 t × 1.9003 = 19,003 t – counted once, as reported."""
    processes = [{"id": "boiler-1", "category": "fuel_combustion", "emissions": {"CO2": 20000, "SO2": 30}}]
    c = carbon(kb, HAND_WORKED[:1], processes=processes)
    assert c["total_t_co2e"] == pytest.approx(20000)
    row = c["by_process"][0]
    assert (row["basis"], row["reported_t_co2e"], row["computed_t_co2"]) == ("reported", 20000, 19003)
    assert c["by_carrier"] == [{"carrier": "raw_coal", "t_co2e": 20000.0, "share": 1.0}]


def test_a_process_without_reported_co2_gets_it_from_its_energy_and_adds_its_other_gases_by_gwp(kb):
    """10,000 t coal × 1.9003 = 19,003 t CO2 + CH4 10 t × 28 (AR5) = 280 t CO2e → 19,283 t."""
    processes = [{"id": "boiler-1", "category": "fuel_combustion", "emissions": {"CH4": 10, "SO2": 30}}]
    c = carbon(kb, HAND_WORKED[:1], processes=processes)
    assert c["total_t_co2e"] == pytest.approx(19283)
    assert c["by_gas"] == {"CH4": 280.0, "CO2": 19003.0}
    assert c["by_process"][0]["basis"] == "mixed"


@pytest.mark.parametrize("gwp, ch4, sf6", [("AR5", 28, 23500), ("AR6", 27.9, 25200), ("SAR", 21, 23900)])
def test_the_gwp_set_is_a_choice_stated_in_the_output(kb, gwp, ch4, sf6):
    processes = [{"id": "ww", "category": "wastewater_treatment", "emissions": {"CH4": 100}},
                 {"id": "gis", "category": "fluorinated_gas_use", "emissions": {"SF6": 0.1}}]
    result = analyse(kb, processes=processes, accounting={"gwp": gwp})
    assert result["carbon"]["by_gas"] == pytest.approx({"CH4": 100 * ch4, "SF6": 0.1 * sf6})
    assert result["carbon"]["total_t_co2e"] is None   # no energy data and no reported CO2: the total is unknown
    assert result["carbon"]["gwp"] == result["settings"]["gwp"] == gwp
    assert result["carbon"]["gwp_values"]["CH4"] == ch4


def test_scope_two_rows_of_a_process_stay_in_scope_two_when_the_process_reports_its_direct_co2(kb):
    rows = [{"carrier": "raw_coal", "amount": 1000, "unit": "t", "process": "kiln"},
            {"carrier": "electricity", "amount": 1000, "unit": "MWh", "process": "kiln", "origin": "grid"}]
    processes = [{"id": "kiln", "category": "industrial_process", "emissions": {"CO2": 5000}}]
    c = carbon(kb, rows, processes=processes)
    assert c["by_scope"] == pytest.approx({"1": 5000, "2": 536.6})


def test_exports_of_a_park_that_burns_fossil_fuel_take_the_fossil_power_factor_not_the_grid_average(kb):
    """The park burns coal and gas and states no own generation: 100 MWh × 0.8325 (MEE & NBS fossil power, 2022)
    = 83.25 t, plus 1,000 GJ steam × 0.11 = 110 t → 193.25 t, shown apart (the total stays 26,318.4 t)."""
    c = carbon(kb, HAND_WORKED, exports=[{"carrier": "electricity", "amount": 100, "unit": "MWh"},
                                         {"carrier": "steam", "amount": 1000, "unit": "GJ"}])
    assert c["total_t_co2e"] == pytest.approx(26318.4)
    assert c["exports_t_co2e"] == pytest.approx(100 * 0.8325 + 1000 * 0.11)
    assert c["exports"]["basis"] == "fossil_power"
    assert [row["basis"] for row in c["exports"]["rows"]] == ["fossil_power", "heat_default"]


def test_exports_of_a_park_without_fuel_take_the_grid_average_and_of_a_renewable_park_zero(kb):
    grid_only = [{"carrier": "electricity", "amount": 1000, "unit": "MWh", "origin": "grid"}]
    c = carbon(kb, grid_only, exports=[{"carrier": "electricity", "amount": 100, "unit": "MWh"}])
    assert c["exports_t_co2e"] == pytest.approx(53.66)
    assert c["exports"]["basis"] == "grid_average"
    solar = grid_only + [{"carrier": "electricity", "amount": 500, "unit": "MWh", "origin": "onsite_renewable"}]
    c = carbon(kb, solar, exports=[{"carrier": "electricity", "amount": 100, "unit": "MWh"}])
    assert c["exports_t_co2e"] == 0.0
    assert c["exports"]["basis"] == "onsite_renewable"


def test_exports_use_the_average_factor_of_onsite_generation_when_it_can_be_derived(kb):
    """chp burns 1,000 t coal = 1,900.3 t CO2 and makes 1,000 MWh used in the park + 900 MWh exported:
    1,900.3 / 1,900 = 1.000158 t CO2/MWh → exports 900 × 1.000158 = 900.142 t CO2."""
    rows = [{"carrier": "raw_coal", "amount": 1000, "unit": "t", "process": "chp"},
            {"carrier": "electricity", "amount": 1000, "unit": "MWh", "process": "chp", "origin": "onsite_fossil"}]
    c = carbon(kb, rows, exports=[{"carrier": "electricity", "amount": 900, "unit": "MWh"}])
    assert c["total_t_co2e"] == pytest.approx(1900.3)
    assert c["exports_t_co2e"] == pytest.approx(900 * 1900.3 / 1900, abs=1e-3)
    assert c["exports"]["method"].startswith("on-site generation average")


def test_carbon_intensity_uses_the_base_year_economy(kb):
    """26,318.4 t / (5.0 亿元 = 50,000 万元) = 0.526368 t CO2e/万元."""
    c = carbon(kb, HAND_WORKED, economy={"indicator": "industrial_value_added", "unit": "亿元",
                                          "constant_prices": True, "values": {2022: 5.0}})
    assert c["intensity"]["value"] == pytest.approx(0.526368)
    assert c["intensity"]["unit"] == "t CO2e/万元"


def test_by_owner_separates_infrastructure_from_enterprises(kb):
    rows = [{"carrier": "raw_coal", "amount": 1000, "unit": "t", "process": "chp"},
            {"carrier": "natural_gas", "amount": 10, "unit": "万Nm3", "process": "oven"}]
    processes = [{"id": "chp", "category": "fuel_combustion", "owner": "infrastructure"},
                 {"id": "oven", "category": "fuel_combustion", "owner": "e-bake"}]
    c = carbon(kb, rows, processes=processes, enterprises=[{"id": "e-bake"}])
    owners = {(r["owner"], r["kind"]): r["t_co2e"] for r in c["by_owner"]}
    assert owners == pytest.approx({("infrastructure", "infrastructure"): 1900.3,
                                    ("e-bake", "enterprise"): 216.22})


def test_a_carbon_sink_is_reported_apart_and_only_netted_in_net_t_co2e(kb):
    processes = [{"id": "boiler-1", "category": "fuel_combustion"},
                 {"id": "green-belt", "category": "carbon_sink", "emissions": {"CO2": 300}}]
    c = carbon(kb, HAND_WORKED[:1], processes=processes)
    assert (c["total_t_co2e"], c["sinks_t_co2e"], c["net_t_co2e"]) == (19003.0, 300.0, 18703.0)


def test_parks_with_the_same_grid_choice_share_its_factors_but_each_row_gets_the_note_of_its_own_origin(kb):
    """The factors of grid electricity and purchased heat are built once per grid choice and shared by the parks
    that make it; a row without an origin still says that grid (or purchased) was assumed, a row with one does not."""
    given = [{"carrier": "electricity", "amount": 100, "unit": "MWh", "origin": "grid"},
             {"carrier": "steam", "amount": 100, "unit": "GJ", "origin": "purchased"}]
    assumed = [{"carrier": "electricity", "amount": 100, "unit": "MWh"},
               {"carrier": "steam", "amount": 100, "unit": "GJ"}]
    for rows in (given, assumed, given):
        c = carbon(kb, rows)
        notes = {f["carrier"]: f["note"] for f in c["factors_used"]}
        if rows is assumed:
            assert "origin not given: grid assumed" in notes["electricity"]
            assert notes["steam"] == "origin not given: purchased assumed"
        else:
            assert "assumed" not in notes["electricity"] and notes["steam"] == ""
        assert c["total_t_co2e"] == carbon(kb, assumed)["total_t_co2e"]


def test_a_process_without_any_co2_figure_has_unknown_co2e_not_zero_but_renewables_give_a_known_zero(kb):
    energy = [{"carrier": "raw_coal", "amount": 1, "unit": "万t", "process": "boiler"},
              {"carrier": "electricity", "amount": 50, "unit": "MWh", "origin": "onsite_renewable", "process": "pv"}]
    processes = [{"id": "boiler", "category": "fuel_combustion", "emissions": {"SO2": 5}},
                 {"id": "coating", "category": "solvent_use", "emissions": {"VOCs": 20}},
                 {"id": "pv", "category": "purchased_electricity", "emissions": {}}]
    rows = {row["process"]: row for row in carbon(kb, energy, processes=processes)["by_process"]}
    assert rows["coating"]["t_co2e"] is None and rows["coating"]["share"] is None   # no energy row, none reported
    assert rows["pv"]["t_co2e"] == 0.0 and rows["pv"]["share"] == 0.0               # its energy row emits nothing
    assert rows["boiler"]["t_co2e"] > 0


def test_scope_three_asked_for_is_unknown_not_zero(kb):
    c = carbon(kb, HAND_WORKED, accounting={"include_scope3": True})
    assert c["by_scope"]["3"] is None and c["total_t_co2e"] > 0


def test_without_energy_rows_reported_process_co2_is_the_total_and_scope_two_is_unknown(kb):
    processes = [{"id": "boiler", "category": "fuel_combustion", "emissions": {"CO2": 1000}}]
    c = carbon(kb, processes=processes)
    assert c["total_t_co2e"] == 1000.0 and c["by_scope"] == {"1": 1000.0, "2": None}
