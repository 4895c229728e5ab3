"""The whole status analysis: its shape, JSON, determinism, data gaps, text views, DataFrame views, example parks."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import EXAMPLES, ROOT, minimal_profile

from advisor.accounting import analyze_profile
from advisor.kb.units import UnitError
from advisor.profile.files import load_profile
from advisor.profile.model import Profile
from advisor.render.analysis_text import analysis_text

# warnings an example park may legitimately carry (ids of analysis warnings): what an auditor must be told about
# exported power, a base year without its grid factor, a control counted once, feedstock carbon and periods with a
# boundary change
EXPECTED_EXAMPLE_WARNINGS = {"exports-fossil-power", "exports-heat-onsite", "grid-year-earlier", "double-count",
                             "feedstock-balanced", "feedstock-range", "default-coal-large-source",
                             "decoupling-headline", "decoupling-not-comparable"}

FULL = minimal_profile(
    economy={"indicator": "industrial_output", "unit": "亿元", "constant_prices": True,
             "values": {2018: 100.1, 2022: 130.3}},
    emissions_history={"unit": "万t", "CO2e": {2018: 2.1, 2022: 2.3}, "SO2": {2018: 0.003, 2022: 0.002}},
    characteristic_pollutants=["VOCs"],
    energy=[{"carrier": "raw_coal", "amount": 0.7, "unit": "万t", "process": "boiler"},
            {"carrier": "electricity", "amount": 0.1, "unit": "亿kWh", "process": "boiler", "origin": "grid"}],
    processes=[{"id": "boiler", "name": "锅炉", "category": "fuel_combustion", "emissions": {"SO2": 21.1, "NOx": 30.3},
                "controls": ["limestone_fgd"], "removed_t": {"SO2": 0.3}}],
)


def analyse(kb, data=FULL, **kw) -> dict:
    return analyze_profile(Profile.model_validate(data), kb, **kw)


def test_the_result_has_every_contract_key(kb):
    result = analyse(kb)
    assert {"schema_version", "park", "carbon", "pollutants", "same_source", "decoupling"} <= set(result)
    assert {"energy", "materials", "trade_offs", "gaps", "warnings", "settings"} <= set(result)
    assert result["schema_version"] == 1 and result["park"]["id"] == "tiny" and result["park"]["name"] == "小园区"
    c = result["carbon"]
    assert {"total_t_co2e", "by_scope", "by_process", "by_carrier", "factors_used"} <= set(c)
    assert {"process", "t_co2e", "share"} <= set(c["by_process"][0])
    assert {"carrier", "factor", "unit", "source", "tier", "year"} <= set(c["factors_used"][0])
    assert {"total_t", "by_process"} <= set(result["pollutants"]["SO2"])
    assert {"process", "t", "share"} <= set(result["pollutants"]["SO2"]["by_process"][0])
    same = result["same_source"][0]
    assert {"process", "co2e_share", "pollutant_shares", "reason", "reason_zh"} <= set(same)
    period = result["decoupling"]["periods"][0]
    assert {"from", "to", "economy_change", "substances", "pollutant_state", "carbon_state", "synergy",
            "warnings"} <= set(period)
    assert {"change", "elasticity", "tapio", "state"} <= set(period["substances"]["CO2e"])
    assert result["settings"]["gwp"] == "AR5" and result["settings"]["steam"]["gj_per_t"] == 2.8


def test_the_result_is_json_serialisable_and_the_same_every_time(kb):
    first = json.dumps(analyse(kb), ensure_ascii=False, sort_keys=False)
    assert first == json.dumps(analyse(kb), ensure_ascii=False, sort_keys=False)


def _floats(obj):
    if isinstance(obj, float):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _floats(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _floats(v)


def test_numbers_are_rounded_so_no_binary_noise_reaches_the_output(kb):
    """0.7 万t × 10,000 × 0.7143 and friends produce float noise before rounding; none may survive."""
    for x in _floats(analyse(kb)):
        assert len(repr(x).split(".")[-1]) <= 6, x


def test_a_profile_with_nothing_but_the_required_facts_gives_gaps_not_an_exception(kb):
    result = analyse(kb, minimal_profile())
    ids = [g["id"] for g in result["gaps"]]
    assert ids == ["no-energy", "no-processes", "no-economy", "no-emissions-history",
                   "no-characteristic-pollutants", "no-materials"]
    for gap in result["gaps"]:
        assert gap["missing"] and gap["blocks"] and gap["text_en"] and gap["text_zh"]
    assert result["carbon"]["total_t_co2e"] is None and result["decoupling"]["periods"] == []   # unknown, not 0
    assert result["energy"]["total_tce"] is None and result["energy"]["coal_fuel_share"] is None


@pytest.mark.parametrize("extra, gap", [
    ({"energy": [{"carrier": "raw_coal", "amount": 1, "unit": "t"}]}, "energy-rows-without-process"),
    ({"economy": {"indicator": "gdp", "values": {2018: 1, 2022: 2}},
      "emissions_history": {"CO2e": {2019: 1, 2020: 2}}}, "few-common-years"),
    ({"economy": {"indicator": "gdp", "values": {2018: 1}}}, "economy-base-year-missing"),
    ({"emissions_history": {"SO2": {2018: 1, 2022: 2}}}, "history-without-carbon"),
    ({"emissions_history": {"CO2e": {2018: 1, 2022: 2}}}, "history-without-pollutants"),
    ({"energy": [{"carrier": "raw_coal", "amount": 1, "unit": "t", "process": "boiler"}]}, "no-grid-electricity"),
    ({"energy": [{"carrier": "electricity", "amount": 1, "unit": "MWh", "data_tier": "metered"},
                 {"carrier": "electricity", "amount": 1, "unit": "MWh"}]}, "energy-rows-without-tier"),
    ({"processes": [{"id": "boiler", "category": "fuel_combustion", "emissions": {"CO2": 10}}]},
     "processes-without-pollutants"),
    ({"processes": [{"id": "boiler", "category": "fuel_combustion", "emissions": {"SO2": 10}}]},
     "controls-not-stated"),
])
def test_each_missing_piece_of_data_is_a_located_gap(kb, extra, gap):
    assert gap in [g["id"] for g in analyse(kb, minimal_profile(**extra))["gaps"]]


def test_an_unknown_unit_is_a_unit_error_with_a_suggestion(kb):
    data = minimal_profile(energy=[{"carrier": "electricity", "amount": 5, "unit": "万kwhh", "origin": "grid"}])
    with pytest.raises(UnitError) as info:
        analyse(kb, data)
    assert "unknown unit '万kwhh'" in str(info.value) and "did you mean '万kWh'?" in str(info.value)


def test_an_unknown_economy_unit_is_a_unit_error_too(kb):
    data = minimal_profile(economy={"indicator": "gdp", "unit": "万美元", "values": {2022: 1}})
    with pytest.raises(UnitError, match="economy.unit"):
        analyse(kb, data)


def test_a_process_inventory_covering_less_than_80_percent_of_the_reported_total_is_flagged(kb):
    """SO2: processes 21.1 t against 0.002 万t = 20 t reported → 105.5 % (fine); NOx: 30.3 t, none reported."""
    result = analyse(kb)
    assert result["pollutants"]["SO2"]["history_t"] == 20.0 and result["pollutants"]["SO2"]["coverage"] == 1.055
    low = dict(FULL, emissions_history={"unit": "t", "CO2e": {2018: 21000, 2022: 23000}, "SO2": {2022: 40}})
    result = analyse(kb, low)
    assert result["pollutants"]["SO2"]["coverage"] == 0.5275
    assert "pollutant-coverage-low" in result["warning_ids"]
    assert any("SO2 53%" in w for w in result["warnings"])


def test_material_flows_count_symbiosis_links_and_the_share_of_residues_used_in_the_park(kb):
    """Residues 100 + 50 + 30 + 20 = 200 t; received by park enterprises 100 + 50 = 150 t → 75 %; landfill 30 t."""
    data = minimal_profile(
        enterprises=[{"id": "e-steel"}, {"id": "e-cement"}, {"id": "e-chem"}],
        materials=[{"enterprise": "e-steel", "kind": "byproduct", "material": "slag", "amount": 100,
                    "receiver": "e-cement"},
                   {"enterprise": "e-chem", "kind": "byproduct", "material": "steam", "amount": 50,
                    "receiver": "e-steel"},
                   {"enterprise": "e-chem", "kind": "waste", "material": "sludge", "amount": 30, "receiver": "landfill",
                    "hazardous": True},
                   {"enterprise": "e-steel", "kind": "waste", "material": "dust", "amount": 0.002, "unit": "万t"},
                   {"enterprise": "e-cement", "kind": "product", "material": "cement", "amount": 900}])
    m = analyse(kb, data)["materials"]
    assert (m["symbiosis_link_count"], m["symbiosis_pairs"], m["residues_t"]) == (2, 2, 200.0)
    assert m["utilised_in_park_share"] == 0.75 and m["landfill_share"] == 0.15
    assert m["residues_destination_unknown_t"] == 20.0 and m["hazardous_t"] == 30.0
    assert m["by_kind"]["product"] == {"count": 1, "t": 900.0}


@pytest.mark.parametrize("lang, titles", [
    ("zh", ["一、能源", "二、碳排放", "三、污染物", "四、同源工序", "五、末端治理增碳", "六、脱钩分析",
            "七、数据缺口"]),
    ("en", ["1. Energy", "2. Carbon", "3. Pollutants", "4. Same-source", "5. End-of-pipe", "6. Decoupling",
            "7. Data gaps"]),
])
def test_the_terminal_view_has_every_section_in_the_chosen_language(kb, lang, titles):
    text = analysis_text(analyse(kb), lang)
    positions = [text.index(t) for t in titles]
    assert positions == sorted(positions)
    assert "boiler" in text


def test_the_terminal_view_copes_with_an_empty_analysis(kb):
    assert "无" in analysis_text(analyse(kb, minimal_profile()), "zh")


def test_columns_line_up_even_with_chinese_text(kb):
    from advisor.render.analysis_text import _width, table

    lines = table(["品种", "tce"], [["原煤", "1,000"], ["electricity", "20"]], right={1})
    assert len({_width(line) for line in lines}) == 1


def test_pandas_is_not_imported_with_the_accounting_package():
    code = "import sys, advisor.accounting; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"


def test_the_api_result_gives_the_analysis_tables_as_dataframes(kb):
    from advisor.api import Analysis

    result = Analysis(analyse(kb))
    balance = result.energy_balance
    assert list(balance["source"]) == ["raw_coal", "electricity:grid"]
    assert balance["tce"].sum() == pytest.approx(result.data["energy"]["total_tce"])
    assert set(result.carbon_by_scope["scope"]) == {"1", "2"}
    assert not result.emission_factors.empty
    assert list(result.pollutants["pollutant"]) == ["SO2", "NOx"]
    fused = result.fused_inventory
    assert fused.loc[0, "same_source"] and fused.loc[0, "SO2"] == 21.1
    assert set(result.decoupling["substance"]) == {"CO2e", "SO2"}


def test_every_example_park_analyses_without_unexpected_warnings_and_dumps_to_json(kb):
    assert EXAMPLES, "examples/demo-*.yaml are missing"
    for path in EXAMPLES:
        result = analyze_profile(load_profile(path, kb), kb)
        assert set(result["warning_ids"]) <= EXPECTED_EXAMPLE_WARNINGS, (path.name, result["warnings"])
        assert json.loads(json.dumps(result, ensure_ascii=False))["park"]["id"] == result["park"]["id"]
        assert result["carbon"]["total_t_co2e"] > 0 and result["decoupling"]["periods"], path.name
        assert analysis_text(result, "zh") and analysis_text(result, "en")


def test_a_pollutant_reported_in_the_history_but_by_no_process_is_zero_only_in_a_pollutant_inventory(kb):
    history = {"unit": "t", "SO2": {2022: 40}, "NOx": {2022: 30}}
    co2_only = [{"id": "boiler", "category": "fuel_combustion", "emissions": {"CO2": 100}}]
    assert analyse(kb, minimal_profile(processes=co2_only, emissions_history=history))["pollutants"] == {}
    inventory = [{"id": "boiler", "category": "fuel_combustion", "emissions": {"CO2": 100, "SO2": 40}}]
    pol = analyse(kb, minimal_profile(processes=inventory, emissions_history=history))["pollutants"]
    assert pol["NOx"]["total_t"] == 0.0 and pol["NOx"]["coverage"] == 0.0   # the inventory misses it: flagged


def test_the_text_view_names_the_export_factor_the_data_quality_and_puts_the_headline_first(kb):
    result = analyze_profile(load_profile(ROOT / "examples" / "demo-chemical.yaml", kb), kb)
    text = analysis_text(result, "en")
    assert "Electricity at 0.8325 t CO2/MWh (national fossil-power factor" in text
    assert "data quality" in text and "official factor" in text
    lines = [ln for ln in text.splitlines() if " period " in f" {ln}"]
    assert lines[0].startswith("  [headline] period 2020–2022")
    apart = text.index("not comparable (boundary change inside")
    assert text.index("period 2021–2022") < apart < text.index("period 2018–2022")
    zh = analysis_text(result, "zh")
    assert "[结论时段] 时段 2020–2022" in zh and "全国火电排放因子" in zh
