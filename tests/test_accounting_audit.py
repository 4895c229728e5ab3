"""Worked examples an auditor can check by hand: exported coal power, a coal-to-methanol carbon balance, a control
counted once and a series with a boundary change. Each docstring gives the hand calculation (base year 2022;
knowledge defaults: raw coal 1.9003 t CO2/t = 20.908 GJ/t × 26.37 t C/TJ × 0.94 × 44/12; fossil power 0.8325 t
CO2/MWh; methanol 0.3749 t C/t; VOC carbon 0.85 t C/t)."""

from __future__ import annotations

import pytest
from conftest import minimal_profile

from advisor.accounting import analyze_profile
from advisor.decide.facts import build_facts
from advisor.profile.model import Profile
from advisor.render.analysis_text import analysis_text


def analyse(kb, period=None, **sections) -> dict:
    return analyze_profile(Profile.model_validate(minimal_profile(**sections)), kb, period=period)


def facts(kb, **sections) -> dict:
    profile = Profile.model_validate(minimal_profile(**sections))
    return build_facts(profile, analyze_profile(profile, kb), kb)


POWER_PLANT = dict(
    energy=[{"carrier": "raw_coal", "amount": 1.0e6, "unit": "t", "process": "units-1-2", "owner": "e-power"}],
    processes=[{"id": "units-1-2", "category": "fuel_combustion", "owner": "e-power"}],
    enterprises=[{"id": "e-power", "name": "某发电公司", "industry": "D44"}],
)


def test_a_coal_power_park_values_its_exported_power_at_the_fossil_power_factor(kb):
    """1,000,000 t coal × 1.9003 = 1,900,300 t CO2 burnt in the park.
    Exported 1,500,000 MWh × 0.8325 (fossil power, 2022) = 1,248,750 t – not 804,900 t at the 0.5366 grid average."""
    a = analyse(kb, **POWER_PLANT, exports=[{"carrier": "electricity", "amount": 1.5e6, "unit": "MWh"}])
    c = a["carbon"]
    assert c["total_t_co2e"] == pytest.approx(1_900_300)
    assert c["exports_t_co2e"] == pytest.approx(1_248_750)
    assert c["exports"]["rows"][0] | {"factor": 0.8325, "basis": "fossil_power"} == c["exports"]["rows"][0]
    assert "exports-fossil-power" in a["warning_ids"]


def test_exported_power_never_carries_more_co2_than_the_park_burns(kb):
    """3,000,000 MWh × 0.8325 = 2,497,500 t would exceed the 1,900,300 t of coal burnt: capped at 1,900,300 t
    (0.633433 t CO2/MWh)."""
    a = analyse(kb, **POWER_PLANT, exports=[{"carrier": "electricity", "amount": 3.0e6, "unit": "MWh"}])
    assert a["carbon"]["exports_t_co2e"] == pytest.approx(1_900_300)
    assert a["carbon"]["exports"]["rows"][0]["factor"] == pytest.approx(1_900_300 / 3.0e6, abs=1e-6)
    assert a["carbon"]["exports"]["capped"] and "exports-capped" in a["warning_ids"]


def test_a_power_plant_on_the_default_coal_factor_is_flagged_with_the_carbon_market_s_unmeasured_value(kb):
    """e-power emits 1,900,300 t ≥ 26,000 t and is in power generation (D44): the market requires measured carbon.
    Unmeasured, its rule gives 20,908,000 GJ × 0.03085 t C/GJ × 0.99 × 44/12 = 2,341,393 t, +23.2 %."""
    c = analyse(kb, **POWER_PLANT, exports=[])["carbon"]
    (source,) = c["data_quality"]["large_sources"]
    assert source["process"] == "units-1-2" and source["sector"] == "power"
    assert source["t_co2_if_unmeasured_market_rule"] == pytest.approx(2_341_393, abs=1)
    assert source["difference"] == pytest.approx(0.2321, abs=1e-4)
    assert c["by_process"][0]["data_quality"] == "default_large_source"


def test_a_measured_coal_factor_is_not_flagged(kb):
    measured = {**POWER_PLANT["energy"][0], "factor": {"value": 1.95, "unit": "t CO2/t", "source": "2022 assay"}}
    c = analyse(kb, **{**POWER_PLANT, "energy": [measured]}, exports=[])["carbon"]
    assert c["data_quality"]["large_sources"] == []
    assert c["by_process"][0]["data_quality"] == "measured"


METHANOL = dict(
    energy=[{"carrier": "raw_coal", "amount": 1.0e5, "unit": "t", "process": "gasifier", "use": "feedstock"},
            {"carrier": "raw_coal", "amount": 5.0e4, "unit": "t", "process": "boiler"}],
    processes=[{"id": "gasifier", "category": "chemical_process", "owner": "e-meoh"},
               {"id": "boiler", "category": "fuel_combustion", "owner": "e-meoh"}],
    enterprises=[{"id": "e-meoh", "name": "某煤制甲醇公司", "industry": "C26"}],
)


def test_a_coal_to_methanol_plant_counts_the_process_co2_of_its_carbon_balance(kb):
    """Feedstock 100,000 t × 1.9003 = 190,030 t CO2 potential = 51,826.36 t C; methanol 60,000 t × 0.3749 =
    22,494 t C; process CO2 = (51,826.36 − 22,494) × 44/12 = 107,552 t. Boiler 50,000 × 1.9003 = 95,015 t.
    Total 202,567 t; process share 107,552 / 202,567 = 0.530945."""
    materials = [{"enterprise": "e-meoh", "kind": "product", "material": "甲醇", "amount": 6.0e4, "unit": "t"}]
    a = analyse(kb, **METHANOL, materials=materials)
    (balance,) = a["carbon"]["feedstock_balance"]
    assert balance["status"] == "balanced" and balance["counted"]
    assert balance["t_co2"] == pytest.approx(107_552, abs=0.01)
    assert a["carbon"]["total_t_co2e"] == pytest.approx(202_567, abs=0.01)
    assert a["carbon"]["process_co2"]["share"] == pytest.approx(0.530945, abs=1e-6)
    gasifier = next(row for row in a["carbon"]["by_process"] if row["process"] == "gasifier")
    assert gasifier["basis"] == "balance" and gasifier["data_quality"] == "balance"
    assert facts(kb, **METHANOL, materials=materials)["carbon.process_co2_share"] == pytest.approx(0.530945)


def test_without_its_products_a_feedstock_gives_a_range_and_the_process_share_stays_unknown(kb):
    """No products: process CO2 between 0 and 190,030 t, not counted; total 95,015 t (the boiler);
    process share between 0 and 190,030 / (95,015 + 190,030) = 0.666667 – the fact is unknown, not 0."""
    a = analyse(kb, **METHANOL)
    (balance,) = a["carbon"]["feedstock_balance"]
    assert (balance["status"], balance["low_t_co2"], balance["high_t_co2"]) == ("range", 0.0, pytest.approx(190_030))
    assert a["carbon"]["total_t_co2e"] == pytest.approx(95_015)
    pc = a["carbon"]["process_co2"]
    assert pc["share"] is None and pc["share_high"] == pytest.approx(0.666667, abs=1e-6)
    assert "feedstock-range" in a["warning_ids"]
    assert "feedstock-products-missing" in [g["id"] for g in a["gaps"]]
    assert "carbon.process_co2_share" not in facts(kb, **METHANOL)


def test_a_control_estimate_and_the_same_source_s_reported_co2_are_counted_once(kb):
    """The coating line's RTO removes 1,000 t VOCs: 1,000 × 0.85 × 44/12 = 3,116.67 t CO2 estimated; the RTO,
    listed as a process of the same owner, reports 3,000 t. Before: 6,116.67 t; counted once: 3,000 t."""
    processes = [{"id": "coating", "category": "solvent_use", "owner": "e-auto", "emissions": {"VOCs": 200},
                  "controls": ["rto"], "removed_t": {"VOCs": 1000}},
                 {"id": "rto-1", "category": "end_of_pipe_thermal", "owner": "e-auto", "emissions": {"CO2": 3000}}]
    a = analyse(kb, processes=processes)
    assert a["carbon"]["total_t_co2e"] == pytest.approx(3000)
    (rto,) = a["trade_offs"]
    assert rto["t_co2_added"] == pytest.approx(3116.6667, abs=1e-3)
    assert (rto["counted_in_inventory"], rto["same_source_as"]) == (False, "rto-1")
    assert "double-count" in a["warning_ids"]


def test_a_reported_chp_co2_is_fuel_combustion_not_non_energy(kb):
    processes = [{"id": "chp", "category": "fuel_combustion", "emissions": {"CO2": 1.0e6, "SO2": 100}},
                 {"id": "ww", "category": "wastewater_treatment", "emissions": {"CH4": 10}}]
    carriers = {row["carrier"] for row in analyse(kb, processes=processes)["carbon"]["by_carrier"]}
    assert carriers == {"fuel_reported", "non_energy"}


SERIES = dict(
    park={"id": "merged", "name": "合并园区", "base_year": 2022, "industries": [{"code": "C26", "share": 0.6}],
          "boundary_changes": [{"year": 2019, "note": "南区并入"}]},
    economy={"indicator": "industrial_value_added", "unit": "亿元", "constant_prices": True,
             "values": {2016: 100, 2017: 105, 2018: 110, 2019: 150, 2020: 156, 2021: 162, 2022: 168}},
    emissions_history={"unit": "t", "CO2e": {2016: 1000, 2017: 1010, 2018: 1020, 2019: 1500, 2020: 1530,
                                             2021: 1560, 2022: 1600},
                       "SO2": {2016: 100, 2018: 98, 2019: 140, 2022: 120}},
)


def test_the_headline_comes_from_the_longest_span_without_a_boundary_change(kb):
    """The boundary changed in 2019: 2016–2018 (2 years) and 2019–2022 (3 years) are comparable, 2016–2022 is not.
    Headline 2019–2022: ΔE = 168/150 − 1 = 12 %, ΔCO2e = 1600/1500 − 1 = 6.67 %, e = 0.5556 → weak decoupling,
    relative; SO2 120/140 − 1 = −14.3 % → absolute; synergy: synergistic relative. The whole span is shown apart:
    ΔE = 68 %, ΔCO2e = 60 %, e = 0.8824 → Tapio expansive coupling beside the trend's relative, with the reason."""
    a = analyse(kb, **SERIES)
    d = a["decoupling"]
    assert d["headline"] == {"from": 2019, "to": 2022, "basis": "longest_comparable_span", "comparable": True}
    head = d["periods"][0]
    assert (head["from"], head["to"], head["headline"]) == (2019, 2022, True)
    assert head["substances"]["CO2e"]["elasticity"] == pytest.approx(0.555556, abs=1e-6)
    assert (head["carbon_state"], head["pollutant_state"], head["synergy"]) == (
        "relative", "absolute", "synergistic_relative")
    whole = next(p for p in d["periods"] if p["kind"] == "span")
    assert not whole["comparable"] and whole["boundary_changes_inside"] == [2019]
    assert "2016–2022" in d["not_comparable"] and "2018–2019" in d["not_comparable"]
    co2e = whole["substances"]["CO2e"]
    assert co2e["elasticity"] == pytest.approx(0.882353, abs=1e-6)
    assert (co2e["tapio"], co2e["state"], co2e["judgments_differ"]) == ("expansive_coupling", "relative", True)
    assert "0.8" in co2e["why_differ"]
    assert {"decoupling-headline", "decoupling-not-comparable"} <= set(a["warning_ids"])
    f = facts(kb, **SERIES)
    assert (f["decoupling.carbon_state"], f["decoupling.synergy"]) == ("relative", "synergistic_relative")


def test_without_a_comparable_period_no_headline_state_reaches_the_rules(kb):
    series = {**SERIES, "economy": {**SERIES["economy"], "values": {2018: 110, 2022: 168}}}
    a = analyse(kb, **series)
    assert a["decoupling"]["headline"] is None and "decoupling-no-comparable" in a["warning_ids"]
    assert "decoupling.carbon_state" not in facts(kb, **series)


def test_a_requested_period_is_the_headline_even_across_a_boundary_change_but_is_flagged(kb):
    a = analyse(kb, period=(2016, 2022), **SERIES)
    assert a["decoupling"]["headline"]["basis"] == "requested"
    assert a["decoupling"]["headline"]["comparable"] is False
    assert "decoupling-requested-not-comparable" in a["warning_ids"]


def test_a_process_whose_only_co2_is_a_feedstock_range_shows_an_unknown_figure_not_zero(kb):
    gasifier = next(row for row in analyse(kb, **METHANOL)["carbon"]["by_process"] if row["process"] == "gasifier")
    assert (gasifier["t_co2e"], gasifier["share"]) == (None, None)


def test_exported_power_and_heat_together_carry_no_more_co2_than_the_park_burns(kb):
    """The plant's coal is its heat source: 1,900,300 t ÷ 20,908,000 GJ = 0.0908886 t CO2/GJ ÷ 0.80 = 0.1136108;
    heat 1,000,000 GJ × 0.1136108 = 113,610.82 t; electricity room 1,900,300 − 113,610.82 = 1,786,689.18 t
    (not 2,497,500 t); exports 1,900,300 t in all."""
    exports = [{"carrier": "electricity", "amount": 3.0e6, "unit": "MWh"},
               {"carrier": "steam", "amount": 1.0e6, "unit": "GJ"}]
    c = analyse(kb, **POWER_PLANT, exports=exports)["carbon"]
    assert [row["t_co2e"] for row in c["exports"]["rows"]] == [pytest.approx(1_786_689.18, abs=0.01),
                                                                 pytest.approx(113_610.82, abs=0.01)]
    assert c["exports_t_co2e"] == pytest.approx(1_900_300)


STEAM = [{"carrier": "steam", "amount": 1.0e6, "unit": "GJ"}]
BOILER = {"id": "boiler-house", "category": "fuel_combustion", "owner": "infrastructure"}


def test_a_coal_boiler_park_values_its_exported_steam_at_its_own_coal_not_the_national_default(kb):
    """100,000 t raw coal in the boiler house: 100,000 × 1.9003 = 190,030 t CO2 from 100,000 × 20.908 = 2,090,800 GJ
    = 0.0908886 t CO2 per GJ of fuel (26.37 t C/TJ × 0.94 × 44/12 ÷ 1000); ÷ heat efficiency 0.80 = 0.1136108 t CO2/GJ
    of heat – above the 0.11 default. Exported 1,000,000 GJ steam × 0.1136108 = 113,610.82 t (shown apart)."""
    energy = [{"carrier": "raw_coal", "amount": 1.0e5, "unit": "t", "process": "boiler-house"}]
    a = analyse(kb, energy=energy, processes=[BOILER], exports=STEAM)
    c = a["carbon"]
    (row,) = c["exports"]["rows"]
    assert (row["basis"], row["factor_unit"]) == ("onsite_heat_source", "t CO2/GJ")
    assert row["factor"] == pytest.approx(0.113611, abs=1e-6) and row["factor"] > 0.11
    assert row["t_co2e"] == pytest.approx(113_610.82, abs=0.01)
    assert c["exports_t_co2e"] == pytest.approx(113_610.82, abs=0.01) and c["total_t_co2e"] == pytest.approx(190_030)
    source = row["heat_source"]
    assert source["processes"] == ["boiler-house"] and source["fuel_gj"] == pytest.approx(2_090_800)
    assert source["fuel_t_co2_per_gj"] == pytest.approx(0.090889, abs=1e-6)
    assert (source["efficiency"], source["efficiency_year"]) == (0.8, 2006)
    assert "GHG Protocol" in source["efficiency_source"] and source["factor_low"] == pytest.approx(0.090889, abs=1e-6)
    assert c["exports"]["heat_basis"] == "onsite_heat_source"
    assert "exports-heat-onsite" in a["warning_ids"] and "exports-heat-default" not in a["warning_ids"]


def test_a_gas_boiler_park_values_its_exported_steam_lower_than_a_coal_boiler_park(kb):
    """10,000 × 10^4 Nm3 natural gas: 10,000 × 21.622 = 216,220 t CO2 from 10,000 × 389.31 = 3,893,100 GJ
    = 0.0555393 t CO2/GJ of fuel (15.3 t C/TJ × 0.99 × 44/12 ÷ 1000); ÷ 0.80 = 0.0694241 t CO2/GJ of heat, below
    both the coal boiler's 0.1136108 and the 0.11 default. 1,000,000 GJ × 0.0694241 = 69,424.11 t."""
    energy = [{"carrier": "natural_gas", "amount": 1.0e4, "unit": "10^4 Nm3", "process": "boiler-house"}]
    c = analyse(kb, energy=energy, processes=[BOILER], exports=STEAM)["carbon"]
    (row,) = c["exports"]["rows"]
    assert row["basis"] == "onsite_heat_source"
    assert row["factor"] == pytest.approx(0.069424, abs=1e-6)
    assert row["t_co2e"] == pytest.approx(69_424.11, abs=0.01)
    assert row["heat_source"]["fuel_t_co2_per_gj"] == pytest.approx(0.055539, abs=1e-6)


@pytest.mark.parametrize("energy", [
    [{"carrier": "electricity", "amount": 1.0e4, "unit": "MWh", "origin": "grid"}],
    [{"carrier": "raw_coal", "amount": 1.0e5, "unit": "t"}],
], ids=["no-fuel", "fuel-without-process"])
def test_a_park_whose_heat_source_is_unknown_keeps_the_default_and_says_so(kb, energy):
    """No fuel burnt, or coal not assigned to a boiler or CHP process: the heat source is unknown, so the exported
    steam keeps the purchased-heat default: 1,000,000 GJ × 0.11 = 110,000 t, with a warning."""
    a = analyse(kb, energy=energy, processes=[BOILER], exports=STEAM)
    (row,) = a["carbon"]["exports"]["rows"]
    assert (row["basis"], row["factor"], row["heat_source"]) == ("heat_default", 0.11, None)
    assert row["t_co2e"] == pytest.approx(110_000)
    assert "exports-heat-default" in a["warning_ids"] and "exports-heat-onsite" not in a["warning_ids"]
    assert any("heat source is unknown" in w for w in a["warnings"])
    assert any("外购热力缺省因子 0.11" in w and "热源不明" in w for w in a["warnings_zh"])


def test_exported_heat_alone_never_carries_more_co2_than_the_park_burns(kb):
    """2,000,000 GJ × 0.1136108 = 227,221.6 t would exceed the 190,030 t of coal burnt: capped at 190,030 t
    (0.095015 t CO2/GJ)."""
    energy = [{"carrier": "raw_coal", "amount": 1.0e5, "unit": "t", "process": "boiler-house"}]
    steam = [{"carrier": "steam", "amount": 2.0e6, "unit": "GJ"}]
    c = analyse(kb, energy=energy, processes=[BOILER], exports=steam)["carbon"]
    (row,) = c["exports"]["rows"]
    assert row["t_co2e"] == pytest.approx(190_030) and row["factor"] == pytest.approx(0.095015, abs=1e-6)


def test_the_text_view_names_the_heat_factor_and_its_basis_in_both_languages(kb):
    energy = [{"carrier": "raw_coal", "amount": 1.0e5, "unit": "t", "process": "boiler-house"}]
    result = analyse(kb, energy=energy, processes=[BOILER], exports=STEAM)
    en, zh = analysis_text(result, "en"), analysis_text(result, "zh")
    assert "Steam at 0.113611 t CO2/GJ (the park's own heat source" in en
    assert "heat-production efficiency 0.8" in en and "GHG Protocol" in en
    assert "0.113611 t CO2/GJ（园区自身热源" in zh and "产热效率 0.8" in zh


ATOMIC = {"C": 12.011, "H": 1.008, "O": 15.999, "N": 14.007}   # IUPAC 2021 standard atomic weights (abridged)
FORMULAS = {"methanol": {"C": 1, "H": 4, "O": 1}, "urea": {"C": 1, "H": 4, "N": 2, "O": 1},
            "ammonia": {"N": 1, "H": 3}, "ethylene": {"C": 2, "H": 4}, "propylene": {"C": 3, "H": 6},
            "acetic_acid": {"C": 2, "H": 4, "O": 2}, "dimethyl_ether": {"C": 2, "H": 6, "O": 1},
            "ethylene_glycol": {"C": 2, "H": 6, "O": 2}, "formaldehyde": {"C": 1, "H": 2, "O": 1},
            "ammonium_bicarbonate": {"N": 1, "H": 5, "C": 1, "O": 3}, "carbon_dioxide": {"C": 1, "O": 2}}


@pytest.mark.parametrize("product", sorted(FORMULAS))
def test_the_stoichiometric_product_carbon_contents_follow_from_their_formulas(kb, product):
    atoms = FORMULAS[product]
    carbon = atoms.get("C", 0) * ATOMIC["C"] / sum(n * ATOMIC[a] for a, n in atoms.items())
    assert kb.product_carbon[product].carbon == pytest.approx(carbon, abs=6e-5)


def test_coke_carbon_is_the_coke_fuel_row_s_energy_times_its_carbon_content(kb):
    coke = next(f for f in kb.fuel_factors if f.fuel == "coke" and f.set == "cn_default")
    assert kb.product_carbon["coke"].carbon == pytest.approx(coke.ncv * coke.carbon_content_tC_per_TJ / 1000, abs=6e-5)


def test_natural_gas_is_labelled_as_the_national_accounting_default(kb):
    assert "national accounting default" in kb.carriers["natural_gas"].name.en
    gas = next(f for f in kb.fuel_factors if f.fuel == "natural_gas" and f.set == "cn_default")
    assert "national enterprise GHG accounting guidelines" in gas.source
