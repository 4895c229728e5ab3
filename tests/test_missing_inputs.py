"""Missing is never zero, never yes: every fact of knowledge/facts.yaml is unknown (absent) when its own inputs are
missing, figures from absent inputs are null, and no rule turns an unknown into false.

The list of facts is read from knowledge/facts.yaml, so a new fact is covered as soon as it is described there: its
`source` names the profile path it reads, or INPUTS below says how to take its inputs away."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable

import pytest
import yaml
from conftest import ROOT, minimal_profile

from advisor.accounting import analyze_profile
from advisor.decide.evaluator import evaluate_rules
from advisor.decide.facts import build_facts
from advisor.profile.files import validate_data
from advisor.render.analysis_text import analysis_text

FACTS = yaml.safe_load((ROOT / "knowledge" / "facts.yaml").read_text(encoding="utf-8"))
FACT_IDS = [f["id"] for f in FACTS]
SOURCE = {f["id"]: f["source"] for f in FACTS}

# facts that are known from the required fields alone, and why
KNOWN_WITHOUT_INPUT = {
    "park.type": "the dominant division of the required park.industries (knowledge/park_types.yaml)",
    "park.dominant_share": "the largest share of the required park.industries",
    "park.energy_intensive_share": "the required park.industries with knowledge/industries.csv",
    "park.water_intensive_share": "the required park.industries with knowledge/industries.csv",
}


def facts_of(data: dict, kb) -> dict:
    """The facts of a profile, from the full analysis – and the same from the lean one the batch uses."""
    profile = validate_data(data, "park.yaml", kb)
    full, lean = analyze_profile(profile, kb), analyze_profile(profile, kb, detail=False)
    facts = build_facts(profile, full, kb)
    assert build_facts(profile, lean, kb) == facts
    # the lean energy block: the full one's totals and shares (unknown, never 0, when an input is missing)
    assert lean["energy"] == {k: full["energy"][k] for k in lean["energy"]}
    return facts


# --- a complete profile: every fact known ------------------------------------------------------------------

def complete_profile() -> dict:
    """The electroplating example with every process's controls stated (none where it names none): a profile in
    which every fact of knowledge/facts.yaml is known."""
    data = yaml.safe_load((ROOT / "examples" / "demo-electroplating.yaml").read_text(encoding="utf-8"))
    for proc in data["processes"]:
        proc.setdefault("controls", [])
    return data


def _remove(path: str) -> Callable[[dict], None]:
    """A step that deletes a dotted profile path (the fact's input) from the data."""
    def step(data: dict) -> None:
        *parents, last = path.split(".")
        node = data
        for key in parents:
            node = node[key]
        del node[last]
    step.__name__ = f"remove {path}"
    return step


def _drop_reported_co2(data: dict) -> None:
    for proc in data.get("processes") or []:
        for gas in ("CO2", "CO2e"):
            proc.get("emissions", {}).pop(gas, None)


def _only_non_grid_electricity(data: dict) -> None:
    data["energy"] = [row for row in data["energy"]
                      if row["carrier"] != "electricity" or row.get("origin") not in (None, "grid")]


def _controls_not_stated(data: dict) -> None:
    for proc in data["processes"]:
        proc.pop("controls", None)
        proc.pop("removed_t", None)


POLLUTANT_IDS = {p["id"] for p in yaml.safe_load((ROOT / "knowledge" / "pollutants.yaml").read_text(encoding="utf-8"))}


def _processes_report_no_pollutant(data: dict) -> None:
    for proc in data["processes"]:
        proc["emissions"] = {k: v for k, v in proc.get("emissions", {}).items() if k not in POLLUTANT_IDS}
        proc.pop("removed_t", None)


def _untiered_row(data: dict) -> None:
    data["energy"][0].pop("data_tier")


def _history_without(substances: set[str]) -> Callable[[dict], None]:
    def step(data: dict) -> None:
        for name in substances:
            data["emissions_history"].pop(name, None)
    step.__name__ = f"remove {', '.join(sorted(substances))} from emissions_history"
    return step


def _history_without_pollutants(data: dict) -> None:
    history = data["emissions_history"]
    for name in [k for k in history if k not in ("unit", "CO2e", "CO2")]:
        del history[name]


NO_CARBON_SERIES = _history_without({"CO2e", "CO2"})
NO_POLLUTANT_SERIES = _history_without_pollutants

# facts whose inputs are not a single profile path: the ways of taking their inputs away (each must leave the fact
# unknown); a fact whose source is a plain profile path loses just that path
INPUTS: dict[str, list[Callable[[dict], None]]] = {
    "park.is_model_park": [_remove("management.programmes")],
    "park.has_co_control_pilot": [_remove("management.programmes")],
    "management.plan_age_years": [_remove("management.plan_year")],
    "infrastructure.hazardous_waste_gap_t": [_remove("infrastructure.hazardous_waste.disposal_capacity_t"),
                                             _remove("infrastructure.hazardous_waste.generated_t")],
    "infrastructure.pv_ratio": [_remove("infrastructure.pv_capacity_mw"), _remove("infrastructure.pv_potential_mw")],
    "enterprises.coal_boilers": [lambda d: [_remove("enterprises_summary.boilers")(d),
                                            _remove("enterprises_summary.self_owned_coal_boilers")(d)]],
    "enterprises.symbiosis_links_per_10_firms": [_remove("park.enterprise_count"),
                                                 _remove("enterprises_summary.symbiosis_links")],
    "energy.total_tce": [_remove("energy")],
    "energy.coal_fuel_share": [_remove("energy")],
    "energy.renewable_electricity_share": [_remove("energy"), _only_non_grid_electricity],
    "energy.electricity_share": [_remove("energy"), _only_non_grid_electricity],
    "energy.coal_feedstock": [_remove("energy")],
    "carbon.total_t_co2e": [lambda d: [_remove("energy")(d), _drop_reported_co2(d)]],
    "carbon.process_co2_share": [_remove("processes")],
    "carbon.fgas_present": [_remove("processes")],
    "pollutants.enterprise_vocs_share": [_remove("processes"), _processes_report_no_pollutant],
    "pollutants.enterprise_heavy_metal_share": [_remove("processes"), _processes_report_no_pollutant],
    "pollutants.heavy_metal_t": [_remove("processes"), _processes_report_no_pollutant],
    "pollutants.heavy_metal_characteristic": [_remove("characteristic_pollutants")],
    "pollutants.vocs_t": [_remove("processes"), _processes_report_no_pollutant],
    "fused.same_source_count": [_remove("processes"), lambda d: [_remove("energy")(d), _drop_reported_co2(d)]],
    "fused.same_source_co2e_share": [_remove("processes"), lambda d: [_remove("energy")(d), _drop_reported_co2(d)]],
    "fused.trade_off_count": [_remove("processes"), _controls_not_stated],
    "decoupling.carbon_state": [_remove("economy"), _remove("emissions_history"), NO_CARBON_SERIES],
    "decoupling.pollutant_state": [_remove("economy"), _remove("emissions_history"), NO_POLLUTANT_SERIES],
    "decoupling.synergy": [_remove("economy"), NO_CARBON_SERIES, NO_POLLUTANT_SERIES],
    "data.energy_rows": [_remove("energy")],
    "data.weak_tier_share": [_remove("energy"), _untiered_row],
    "data.history_years": [_remove("economy"), _remove("emissions_history")],
}
_PLAIN_PATH = re.compile(r"^[a-z_0-9]+(\.[a-z_0-9]+)*$")


def ways_to_remove(fact: str) -> list[Callable[[dict], None]]:
    if fact in INPUTS:
        return INPUTS[fact]
    source = SOURCE[fact]
    assert _PLAIN_PATH.match(source), (f"{fact}: its source '{source}' is not a profile path – say in INPUTS how to "
                                       "take its inputs away")
    return [_remove(source)]


@pytest.mark.parametrize("fact", FACT_IDS)
def test_every_fact_is_unknown_in_a_profile_with_only_the_required_fields(kb, fact):
    facts = facts_of(minimal_profile(), kb)
    if fact in KNOWN_WITHOUT_INPUT:
        assert fact in facts, f"{fact} is listed as known from the required fields, but it is not"
    else:
        assert fact not in facts, f"{fact} = {facts.get(fact)!r} with none of its inputs given"


def test_the_complete_profile_knows_every_fact(kb):
    facts = facts_of(complete_profile(), kb)
    assert [f for f in FACT_IDS if f not in facts] == []


@pytest.mark.parametrize("fact", [f for f in FACT_IDS if f not in KNOWN_WITHOUT_INPUT])
def test_every_fact_is_unknown_when_its_own_inputs_are_taken_from_a_complete_profile(kb, fact):
    for remove in ways_to_remove(fact):
        data = complete_profile()
        remove(data)
        facts = facts_of(data, kb)
        assert fact not in facts, f"{fact} = {facts[fact]!r} after '{remove.__name__}'"


def test_every_fact_listed_as_known_without_input_is_a_fact_of_knowledge():
    assert set(KNOWN_WITHOUT_INPUT) <= set(FACT_IDS)
    assert set(INPUTS) <= set(FACT_IDS)


# --- the cases of issue 17 ---------------------------------------------------------------------------------

COAL_CHEMICAL_BASE = {
    "park": {"id": "coal-base", "name": "煤化工基地", "base_year": 2022, "industries": [{"code": "C26", "share": 0.8},
                                                                                       {"code": "C25", "share": 0.2}]},
    "energy": [{"carrier": "raw_coal", "amount": 600, "unit": "万t", "use": "feedstock", "data_tier": "metered"},
               {"carrier": "raw_coal", "amount": 150, "unit": "万t", "data_tier": "metered"},
               {"carrier": "electricity", "amount": 2.0e6, "unit": "MWh", "origin": "grid", "data_tier": "metered"}],
}


def test_without_a_process_list_the_process_share_is_unknown_and_significant_process_emissions_possible(kb, rulebase):
    facts = facts_of(minimal_profile(**COAL_CHEMICAL_BASE), kb)
    assert facts["park.type"] == "coal_chemical" and facts["carbon.total_t_co2e"] > 0
    assert "carbon.process_co2_share" not in facts              # not 0: the process list is missing
    outcomes, findings = evaluate_rules(rulebase, facts)
    assert findings.get("process-co2-significant", False) is None   # possible, not "not found"
    assert outcomes["R-MGMT-10"] != "F" and outcomes["R-TP-01"] != "F"   # 7.1.4 and 7.4.1 are not ruled out


def test_a_stated_process_list_without_process_emissions_gives_a_share_of_zero(kb):
    fuel_only = {**COAL_CHEMICAL_BASE, "energy": COAL_CHEMICAL_BASE["energy"][1:]}
    data = minimal_profile(**fuel_only,
                           processes=[{"id": "boiler", "category": "fuel_combustion", "emissions": {"SO2": 40}}])
    assert facts_of(data, kb)["carbon.process_co2_share"] == 0.0


def test_feedstock_without_its_products_leaves_the_process_share_unknown_even_with_a_process_list(kb):
    data = minimal_profile(**COAL_CHEMICAL_BASE,
                           processes=[{"id": "boiler", "category": "fuel_combustion", "emissions": {"SO2": 40}}])
    assert "carbon.process_co2_share" not in facts_of(data, kb)   # a range of 0 to its CO2 potential, not 0


def test_only_a_pv_row_leaves_the_renewable_share_of_electricity_unknown_not_a_hundred_percent(kb):
    pv = {"carrier": "electricity", "amount": 500, "unit": "MWh", "origin": "onsite_renewable"}
    result = analyze_profile(validate_data(minimal_profile(energy=[pv]), "park.yaml", kb), kb)
    assert result["energy"]["renewable_electricity_share"] is None
    assert result["energy"]["electricity_share"] is None
    assert "no-grid-electricity" in [g["id"] for g in result["gaps"]]
    assert "energy.renewable_electricity_share" not in facts_of(minimal_profile(energy=[pv]), kb)


def test_a_grid_row_of_zero_states_that_no_grid_power_is_bought(kb):
    rows = [{"carrier": "electricity", "amount": 500, "unit": "MWh", "origin": "onsite_renewable"},
            {"carrier": "electricity", "amount": 0, "unit": "MWh", "origin": "grid"}]
    assert facts_of(minimal_profile(energy=rows), kb)["energy.renewable_electricity_share"] == 1.0


def test_controls_not_stated_leave_the_trade_off_count_unknown_and_stated_ones_count(kb):
    boiler = {"id": "boiler", "category": "fuel_combustion", "emissions": {"SO2": 40}}
    assert "fused.trade_off_count" not in facts_of(minimal_profile(processes=[boiler]), kb)
    assert facts_of(minimal_profile(processes=[{**boiler, "controls": []}]), kb)["fused.trade_off_count"] == 0
    fgd = {**boiler, "controls": ["limestone_fgd"], "removed_t": {"SO2": 400}}
    other = {"id": "coating", "category": "solvent_use", "emissions": {"VOCs": 5}}   # its controls not stated
    assert facts_of(minimal_profile(processes=[fgd, other]), kb)["fused.trade_off_count"] == 1


def test_an_unknown_waste_heat_recovery_rate_does_not_count_as_low(kb, rulebase):
    facts = facts_of(minimal_profile(enterprises_summary={"high_temperature_processes": True}), kb)
    outcomes, findings = evaluate_rules(rulebase, facts)
    assert outcomes["R-ENT-11"] == "U" and findings.get("low-waste-heat-recovery", False) is None
    r_ent_11 = next(r for r in yaml.safe_load((ROOT / "rules" / "enterprise.yaml").read_text(encoding="utf-8"))["rules"]
                    if r["id"] == "R-ENT-11")
    assert "未知" not in r_ent_11["because"]["zh"] and "unknown" not in r_ent_11["because"]["en"]


def test_unstated_data_tiers_do_not_establish_weak_carbon_data(kb, rulebase):
    rows = [{"carrier": "electricity", "amount": 100, "unit": "MWh", "origin": "grid"}]
    outcomes, findings = evaluate_rules(rulebase, facts_of(minimal_profile(energy=rows), kb))
    assert findings.get("weak-carbon-data", False) is None   # possible, not established
    assert outcomes["R-STATUS-09"] == "U"


def _atoms(node, out: list) -> list:
    if isinstance(node, dict):
        if "fact" in node:
            out.append(node)
        for key in ("all", "any"):
            for part in node.get(key, []):
                _atoms(part, out)
        if "not" in node:
            _atoms(node["not"], out)
    return out


def test_no_rule_guards_a_comparison_with_exists_so_an_unknown_never_becomes_false():
    bad = []
    for book in sorted((ROOT / "rules").glob("*.yaml")):
        for rule in yaml.safe_load(book.read_text(encoding="utf-8"))["rules"]:
            atoms = _atoms(rule["when"], [])
            guarded = {a["fact"] for a in atoms if a.get("exists") is True}
            compared = {a["fact"] for a in atoms if not {"exists", "unknown"} & set(a)}
            bad += [f"{rule['id']}: {fact}" for fact in sorted(guarded & compared)]
    assert bad == []


@pytest.mark.parametrize("given, rule, outcome", [
    ({"enterprises.high_temperature_processes": True, "infrastructure.integrated_energy_system": False},
     "R-INFRA-11", "U"),   # steam demand unknown: 7.2.4 possible
    ({"infrastructure.wastewater_plant": True, "infrastructure.energy_env_links_count": 0}, "R-INFRA-22", "U"),
    ({"management.synergy_in_regulations": False}, "R-MGMT-08", "U"),
    ({"pollutants.enterprise_vocs_share": 0.9}, "R-STATUS-10", "U"),
])
def test_a_rule_that_used_an_exists_guard_is_possible_when_its_fact_is_unknown(rulebase, given, rule, outcome):
    outcomes, _ = evaluate_rules(rulebase, given)
    assert outcomes[rule] == outcome


# --- the analysis and its views ----------------------------------------------------------------------------

def _numbers(node, path: str = ""):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _numbers(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _numbers(v, f"{path}[{i}]")
    elif isinstance(node, float):
        yield path, node


def test_a_park_without_energy_data_has_null_totals_never_zero(kb):
    result = analyze_profile(validate_data(minimal_profile(), "park.yaml", kb), kb)
    e, c = result["energy"], result["carbon"]
    assert e["total_tce"] is None and e["fuel_tce"] is None and e["coal_feedstock"] is None
    assert e["total_tce_net_of_exports"] is None and e["exports_tce"] is None
    assert c["total_t_co2e"] is None and c["by_scope"] == {"1": None, "2": None}
    assert c["net_t_co2e"] is None and c["intensity"] is None and c["exports_t_co2e"] is None
    assert {"no-energy", "no-processes"} <= {g["id"] for g in result["gaps"]}
    zeros = [path for path, x in _numbers({"energy": e, "carbon": c}) if x == 0.0 and "method" not in path]
    assert zeros == []


@pytest.mark.parametrize("lang, unknown", [("zh", "未知"), ("en", "unknown")])
def test_the_terminal_view_says_unknown_for_totals_without_inputs_never_zero(kb, lang, unknown):
    result = analyze_profile(validate_data(minimal_profile(), "park.yaml", kb), kb)
    text = analysis_text(result, lang)
    label = "综合能源消费量" if lang == "zh" else "total energy use"
    energy_line = next(line for line in text.splitlines() if label in line)
    assert unknown in energy_line and " 0 tce" not in text and " 0 t CO2e" not in text
    assert "nan" not in text.lower()


def test_the_report_status_chapter_says_unknown_for_totals_without_inputs(kb, tmp_path):
    from advisor.cli.entry import main

    park = tmp_path / "park.yaml"
    park.write_text(yaml.safe_dump(minimal_profile(), allow_unicode=True), encoding="utf-8")
    out = tmp_path / "report.md"
    assert main(["report", str(park), "--format", "md", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "综合能源消费量: 未知" in text and "温室气体排放总量: 未知" in text
    assert "0 tce" not in text and ": 0 t CO2e" not in text
    findings = text[text.index("（可能）"):]
    assert "[no-co-control-plan]" not in findings and "= chemical" not in findings   # names, not ids


def test_missing_decoupling_series_give_unknown_states_not_indeterminate(kb):
    data = minimal_profile(economy={"indicator": "gdp", "unit": "亿元", "values": {2018: 10, 2022: 14}},
                           emissions_history={"unit": "t", "SO2": {2018: 100, 2022: 80}})
    period = analyze_profile(validate_data(data, "park.yaml", kb), kb)["decoupling"]["periods"][0]
    assert period["pollutant_state"] == "absolute"
    assert period["carbon_state"] is None and period["synergy"] is None   # no CO2e series: unknown
    facts = facts_of(data, kb)
    assert facts["decoupling.pollutant_state"] == "absolute" and "decoupling.carbon_state" not in facts


def test_the_example_parks_and_a_bare_profile_analyse_without_nan(kb, example_paths):
    from advisor.profile.files import load_profile

    profiles = [load_profile(path, kb) for path in example_paths]
    profiles.append(validate_data(minimal_profile(), "park.yaml", kb))
    for profile in profiles:
        result = analyze_profile(profile, kb)
        json.dumps(result, allow_nan=False)
        assert not [p for p, x in _numbers(result) if math.isnan(x)]


def test_the_facts_file_lists_no_fact_twice():
    assert len(FACT_IDS) == len(set(FACT_IDS))
