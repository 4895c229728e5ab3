"""The knowledge base loads, and every cross-check catches the problem it is named after."""

from __future__ import annotations

from pathlib import Path

import yaml
from kb_copies import edit_rule

from advisor.decide.checks import check_all
from advisor.kb.knowledge import load_knowledge_uncached

ROOT = Path(__file__).resolve().parent.parent


def test_the_shipped_knowledge_and_rules_have_no_problems():
    assert [str(i) for i in check_all()] == []


def test_there_are_exactly_thirty_measures_in_guideline_order(kb):
    ids = [m.id for m in kb.measures_in_order()]
    assert len(ids) == 30 and ids[0] == "7.1.1" and ids[-1] == "7.5.4"
    assert [m.object for m in kb.measures_in_order()].count("enterprise") == 8


def test_every_factor_row_carries_unit_and_source(kb):
    for row in kb.grid_factors + kb.fuel_factors:
        assert row.source
    assert all(f.unit and f.source for f in kb.other_factors.values())
    assert all(u.source for u in kb.units.values())


def test_chinese_statistical_units_are_known(kb):
    for unit in ("万t", "万tce", "万kWh", "万Nm3", "亿元", "万元", "GJ", "MWh"):
        assert unit in kb.units, unit


def test_industry_divisions_cover_manufacturing_and_utilities(kb):
    for code in [f"C{n}" for n in range(13, 44)] + ["D44", "D45", "D46"]:
        assert code in kb.industries, code





def _first_rule(root: Path, kind: str) -> str:
    for path in sorted((root / "rules").glob("*.yaml")):
        for rule in yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]:
            if kind in rule["then"]:
                return rule["id"]
    raise AssertionError(kind)


def problems(root: Path) -> str:
    return "\n".join(str(i) for i in check_all(root / "knowledge", root / "rules"))


def test_a_missing_measure_card_is_reported(broken):
    (broken / "knowledge" / "measures" / "7.3.5.yaml").unlink()
    report = problems(broken)
    assert "7.3.5: measure card missing" in report


def test_a_misspelt_key_in_a_card_is_reported(broken):
    path = broken / "knowledge" / "measures" / "7.2.1.yaml"
    card = yaml.safe_load(path.read_text(encoding="utf-8"))
    card["horizn"] = card.pop("horizon")
    path.write_text(yaml.safe_dump(card, allow_unicode=True), encoding="utf-8")
    report = problems(broken)
    assert "horizn" in report and "horizon" in report


def test_a_factor_row_without_a_source_is_reported(broken):
    path = broken / "knowledge" / "factors" / "grid_factors.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    parts = lines[1].split(",")
    parts[5] = ""
    lines[1] = ",".join(parts)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert "grid_factors.csv: row 2.source" in problems(broken)


def test_a_fuel_factor_that_does_not_follow_from_its_parts_is_reported(broken):
    path = broken / "knowledge" / "factors" / "fuel_factors.csv"
    text = path.read_text(encoding="utf-8").replace("1.9003", "2.9003", 1)
    path.write_text(text, encoding="utf-8")
    assert "differs from NCV" in problems(broken)


def test_a_rule_naming_an_unknown_measure_is_reported(broken):
    rid = _first_rule(broken, "measure")
    edit_rule(broken, rid, lambda r: r["then"].update(measure="7.2.9"))
    assert f"{rid}: unknown measure '7.2.9'" in problems(broken)


def test_a_rule_reading_an_unknown_fact_is_reported(broken):
    rid = _first_rule(broken, "measure")
    edit_rule(broken, rid, lambda r: r.update(when={"fact": "energy.coal_shar", "ge": 0.5}))
    report = problems(broken)
    assert "unknown fact 'energy.coal_shar'" in report


def test_a_rule_comparing_a_yes_no_fact_with_a_number_is_reported(broken):
    rid = _first_rule(broken, "measure")
    edit_rule(broken, rid, lambda r: r.update(when={"fact": "management.synergy_plan", "eq": 1}))
    assert "compare it with true or false" in problems(broken)


def test_a_rule_reading_an_unknown_finding_is_reported(broken):
    rid = _first_rule(broken, "measure")
    edit_rule(broken, rid, lambda r: r.update(when={"finding": "no-such-finding"}))
    assert "unknown finding 'no-such-finding'" in problems(broken)


def test_a_rule_without_cases_is_reported(broken):
    rid = _first_rule(broken, "measure")
    edit_rule(broken, rid, lambda r: r.update(cases=[]))
    assert f"{rid}: rule has no test case" in problems(broken)


def test_a_case_that_fails_is_reported(broken):
    rid = _first_rule(broken, "measure")
    edit_rule(broken, rid, lambda r: r.update(cases=[{"given": {}, "expect": "fire"}]))
    assert "expected fire, the rule gives" in problems(broken)


def test_a_rule_that_can_never_fire_is_reported(broken):
    rid = _first_rule(broken, "measure")
    edit_rule(broken, rid, lambda r: r.update(
        when={"all": [{"fact": "water.reuse_rate", "lt": 0.2}, {"fact": "water.reuse_rate", "gt": 0.8}]},
        cases=[{"given": {"water.reuse_rate": 0.5}, "expect": "no_fire"}]))
    assert "can it ever fire?" in problems(broken)


def test_a_measure_no_rule_recommends_is_reported(broken):
    for path in (broken / "rules").glob("*.yaml"):
        book = yaml.safe_load(path.read_text(encoding="utf-8"))
        book["rules"] = [r for r in book["rules"] if r["then"].get("measure") != "7.5.1"]
        path.write_text(yaml.safe_dump(book, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert "7.5.1: no rule can recommend this measure" in problems(broken)


def test_a_cycle_of_findings_is_reported(broken):
    rid = _first_rule(broken, "finding")
    def loop(rule):
        rule["when"] = {"finding": rule["then"]["finding"]}
    edit_rule(broken, rid, loop)
    assert "depends on itself" in problems(broken)


def test_a_rule_id_used_twice_is_reported(broken):
    path = sorted((broken / "rules").glob("*.yaml"))[0]
    book = yaml.safe_load(path.read_text(encoding="utf-8"))
    book["rules"].append(dict(book["rules"][0]))
    path.write_text(yaml.safe_dump(book, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert "is also used in" in problems(broken)


def test_the_loader_lists_every_problem_not_just_the_first(broken):
    (broken / "knowledge" / "measures" / "7.1.1.yaml").write_text("id: 7.1.1\n", encoding="utf-8")
    (broken / "knowledge" / "carriers.yaml").write_text("- {id: coal}\n", encoding="utf-8")
    _, issues = load_knowledge_uncached(broken / "knowledge")
    files = {Path(i.file).name for i in issues}
    assert {"7.1.1.yaml", "carriers.yaml"} <= files


def test_the_implementation_objects_come_in_the_order_of_objects_yaml(kb):
    listed = [row["id"] for row in yaml.safe_load((ROOT / "knowledge" / "objects.yaml").read_text(encoding="utf-8"))]
    assert kb.object_ids() == listed
    # clause order groups the measures by object in that same order (the ranking relies on it)
    assert list(dict.fromkeys(m.object for m in kb.measures_in_order())) == listed


def test_a_measure_filed_under_another_object_than_its_clause_is_reported(broken):
    path = broken / "knowledge" / "measures" / "7.2.1.yaml"
    card = yaml.safe_load(path.read_text(encoding="utf-8"))
    card["object"] = "enterprise"
    path.write_text(yaml.safe_dump(card, allow_unicode=True), encoding="utf-8")
    assert "clause 7.2.1 belongs to object 'infrastructure', not 'enterprise'" in problems(broken)


def test_every_grid_choice_a_profile_may_name_reads_a_series_of_knowledge(kb):
    from typing import get_args

    from advisor.profile.model import Accounting

    choices = get_args(Accounting.model_fields["grid_factor"].annotation)
    assert choices and sorted(choices) == sorted(kb.grid_choices)
    series = {g.series for g in kb.grid_factors}
    assert all(kb.grid_choices[c].series in series for c in choices)


def test_a_grid_choice_reading_a_series_without_factors_is_reported(broken):
    path = broken / "knowledge" / "factors" / "grid_factors.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(line for line in lines if not line.startswith("carbon_market,")) + "\n",
                    encoding="utf-8")
    assert "no grid factor of series carbon_market, region national" in problems(broken)


def test_a_control_naming_an_unknown_factor_is_reported(broken):
    path = broken / "knowledge" / "controls.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("[limestone_fgd_co2]", "[limestone_co2]"),
                    encoding="utf-8")
    assert "unknown factor 'limestone_co2'" in problems(broken)


def test_a_control_needs_either_factors_or_the_carbon_of_the_vocs_it_burns(broken):
    path = broken / "knowledge" / "controls.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  burns_voc_carbon: true\n", "", 1), encoding="utf-8")
    assert "give either factors" in problems(broken)


def test_what_is_derived_from_a_knowledge_base_is_not_stored_with_it(kb):
    import pickle

    from advisor.accounting._common import kb_index

    index = kb_index(kb)
    assert kb_index(kb) is index   # built once, then kept with the knowledge base
    copy = pickle.loads(pickle.dumps(kb))
    assert kb_index(copy) is not index and kb_index(copy).kb is copy


def test_park_types_need_exactly_one_fallback(broken):
    path = broken / "knowledge" / "park_types.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  fallback: true\n", ""), encoding="utf-8")
    assert "0 types are marked fallback" in problems(broken)


def test_a_fuel_factor_set_without_a_data_tier_is_reported(broken):
    path = broken / "knowledge" / "data_tiers.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  fuel_factor_set: ipcc2006\n", ""), encoding="utf-8")
    assert "no tier for the fuel factors 'ipcc2006'" in problems(broken)
