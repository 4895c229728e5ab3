"""How much each measure cuts: the arithmetic by hand on the example parks, the caps, the multiplicative
combination, the end-of-pipe CO2, unknown inputs, user-set shares and the elasticity from the JSON's own
numbers."""

from __future__ import annotations

import pytest
import yaml

from advisor.accounting import analyze_profile
from advisor.decide import estimates as est
from advisor.decide.quantities import META
from advisor.decide.recommend import advise
from advisor.profile.files import validate_data
from tests.conftest import EXAMPLES, ROOT


def _load(name: str, kb, change=None):
    data = yaml.safe_load((ROOT / "examples" / f"{name}.yaml").read_text(encoding="utf-8"))
    if change:
        change(data)
    profile = validate_data(data, name, kb)
    return profile, analyze_profile(profile, kb)


def _estimate(name: str, measure: str, kb, change=None) -> est.Estimate:
    profile, analysis = _load(name, kb, change)
    e = est.estimate(measure, profile, est.inventory(profile, analysis, kb), kb)
    assert e is not None
    return e


def test_enterprise_fuel_switch_cuts_coal_boiler_co2_and_all_boiler_nox_by_hand(kb):
    """7.3.4 on the demo chemical park, share 60–100 %:
    coal boilers (e-chlor) 278,621.2 t CO2e, 520 t NOx; gas boilers and heaters 230 + 300 t NOx.
    CO2e low  = 278,621.2 × 0.6 × 0.44 = 73,556.0;   high = 278,621.2 × 1.0 × 0.52 = 144,883.0
    NOx  low  = 520 × 0.6 × 0.74 + 530 × 0.6 × 0.55 = 230.88 + 174.90 = 405.78
    NOx  high = 520 × 1.0 × 0.78 + 530 × 1.0 × 0.63 = 405.60 + 333.90 = 739.50"""
    e = _estimate("demo-chemical", "7.3.4", kb)
    assert e.ranges["CO2e"] == pytest.approx([73556.0, 144883.0], abs=0.1)
    assert e.ranges["NOx"] == pytest.approx([405.78, 739.50], abs=0.01)
    assert set(e.acts_on) == {"boilers-coal", "boilers-gas", "heaters"}   # the CHP is infrastructure's


def test_a_shared_coating_centre_with_an_oxidiser_cuts_vocs_and_adds_co2_by_hand(kb):
    """7.4.2 on the demo manufacturing park: coating VOCs 420 + 1,250 = 1,670 t, share 30–60 %, removal 85–90 %.
    VOCs removed low = 1,670 × 0.3 × 0.85 = 425.85;  high = 1,670 × 0.6 × 0.90 = 901.8
    CO2 added: most removed × 3.4 = 3,066.12 (the low reduction), least removed × 3.0 = 1,277.55 (the high)."""
    e = _estimate("demo-manufacturing", "7.4.2", kb)
    assert e.ranges["VOCs"] == pytest.approx([425.85, 901.8], abs=0.01)
    assert e.ranges["CO2e"] == pytest.approx([-3066.12, -1277.55], abs=0.01)


def test_two_measures_on_grid_power_combine_multiplicatively_not_by_sum(kb):
    """7.2.3 (share 10–30 %: CHP coal to gas, and as much grid power to green) with 7.2.5 (green power 5–15 %)
    on the demo chemical park; grid power 1,556,140 t, CHP 3,080,000 t CO2e.
    grid low  = 1,556,140 × (1 − 0.90 × 0.95) = 225,640.3  (a plain sum of 15 % would give 233,421.0)
    grid high = 1,556,140 × (1 − 0.70 × 0.85) = 630,236.7  (sum: 700,263.0)
    CHP  low  = 3,080,000 × 0.1 × 0.44 = 135,520;  high = 3,080,000 × 0.3 × 0.52 = 480,480
    plan low  = 361,160.3;  plan high = 1,110,716.7"""
    profile, analysis = _load("demo-chemical", kb)
    procs = est.inventory(profile, analysis, kb)
    both = [est.estimate(m, profile, procs, kb) for m in ("7.2.3", "7.2.5")]
    assert est.combined([e for e in both if e]) == pytest.approx([361160.3, 1110716.7], abs=0.1)


def test_a_share_set_in_the_profile_replaces_the_default_range(kb):
    def set_share(data):
        data["assumptions"] = {"measures": {"7.3.4": {"share": 0.5}}}
    e = _estimate("demo-chemical", "7.3.4", kb, set_share)
    assert e.share == (0.5, 0.5) and e.share_set
    assert e.ranges["CO2e"] == pytest.approx([278621.2221 * 0.5 * 0.44, 278621.2221 * 0.5 * 0.52])


def test_a_share_for_a_measure_without_an_estimate_is_refused_with_its_path(kb):
    from advisor.errors import ProfileError

    data = yaml.safe_load((ROOT / "examples" / "demo-chemical.yaml").read_text(encoding="utf-8"))
    data["assumptions"] = {"measures": {"7.1.1": {"share": 0.5}}}
    with pytest.raises(ProfileError) as caught:
        validate_data(data, "demo", kb)
    assert any(i.path == "assumptions.measures.7.1.1" for i in caught.value.issues)


def test_a_process_without_its_co2e_makes_that_figure_unknown_never_zero(kb):
    """7.2.8 reaches the coal-chemical firm's wastewater plant, which reports no greenhouse gas."""
    def only_that_plant(data):
        data["processes"] = [p for p in data["processes"] if p["id"] != "ww-central"]
    e = _estimate("demo-chemical", "7.2.8", kb, only_that_plant)
    assert e.ranges["CO2e"] is None
    assert e.missing == {"CO2e": ["ww-coalchem"]}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_on_every_example_each_co_reduction_carries_a_bounded_estimate_and_enabling_ones_no_tonnes(path, kb):
    profile = validate_data(yaml.safe_load(path.read_text(encoding="utf-8")), path.name, kb)
    analysis = analyze_profile(profile, kb)
    advice = advise(profile, kb, analysis=analysis)
    base = {"CO2e": analysis["carbon"]["total_t_co2e"],
            **{s: b["total_t"] for s, b in analysis["pollutants"].items()}}
    for rec in advice["recommendations"]:
        if rec["effect"] == "enabling":
            assert rec["expected"] is None and rec["enables"]
            continue
        expected = rec["expected"]
        substances = {s: r for s, r in expected.items() if s not in META}
        assert any(r is not None for r in substances.values()), rec["measure"]
        for c in expected["coefficients"]:
            assert c["unit"] and c["source"] and c["year"]
        for sub, r in substances.items():
            if r is not None and base.get(sub):
                assert r["high"] <= base[sub] + 1e-6, (rec["measure"], sub)
        dc = (expected["CO2e"]["low"] + expected["CO2e"]["high"]) / 2 if expected.get("CO2e") else None
        for sub, els in rec["elasticity"].items():
            r = expected[sub]
            if els is None:
                continue
            dp = (r["low"] + r["high"]) / 2
            assert els == pytest.approx((dp / base[sub]) / (dc / base["CO2e"]), rel=1e-3)


def test_fuel_switch_lands_in_the_synergy_quadrant_and_end_of_pipe_in_the_trade_off_one(kb):
    profile, analysis = _load("demo-manufacturing", kb)
    recs = {r["measure"]: r for r in advise(profile, kb, analysis=analysis)["recommendations"]}
    switch, shared = recs["7.3.4"]["coordinates"], recs["7.4.2"]["coordinates"]
    assert switch["co2e_share"] > 0 and switch["pollution_eq_share"] > 0
    assert shared["co2e_share"] < 0 < shared["pollution_eq_share"]


@pytest.mark.parametrize("name", ["demo-chemical", "demo-manufacturing", "demo-textile", "demo-electroplating"])
def test_the_batch_column_is_the_shortlists_combined_midpoint_computed_on_co2e_alone(name, kb):
    profile, analysis = _load(name, kb)
    shortlist = advise(profile, kb, analysis=analysis)["shortlist"]
    procs = est.inventory(profile, analysis, kb)
    low, high = est.combined([e for m in shortlist if (e := est.estimate(m, profile, procs, kb))])
    assert est.shortlist_t_co2e(profile, analysis, kb, shortlist) == pytest.approx((low + high) / 2, abs=0.1)
    assert (low + high) / 2 < analysis["carbon"]["total_t_co2e"]
    everything = list(est.tables(kb)["plans"])   # the trade-off 7.4.2 included
    low, high = est.combined([e for m in everything if (e := est.estimate(m, profile, procs, kb))])
    assert est.shortlist_t_co2e(profile, analysis, kb, everything) == pytest.approx((low + high) / 2, abs=0.1)


def test_recommend_sets_a_measures_share_from_the_command_line(capsys, demo_path):
    import json

    from advisor.cli.entry import main

    assert main(["recommend", str(demo_path), "--json", "--set", "measures.7.3.4.share=0.6"]) == 0
    advice = json.loads(capsys.readouterr().out)
    recs = {r["measure"]: r for r in advice["recommendations"]}
    assert recs["7.3.4"]["expected"]["share"] == {"low": 0.6, "high": 0.6, "set_by": "profile"}
    listed = {a["path"]: a for a in advice["assumptions"]}   # what a user may set, with its default
    assert listed["measures.7.3.4.share"]["value"] == 0.6
    assert listed["measures.7.3.4.share"]["default"] == {"low": 0.6, "high": 1.0}
    assert listed["measures.7.2.3.share"]["value"] is None and "growth_rate" in listed


@pytest.mark.parametrize("assignment, code, words", [
    ("measures.7.3.4.share=1.5", 1, "assumptions.measures.7.3.4.share"),
    ("measures.7.1.1.share=0.5", 1, "cuts nothing itself"),
    ("water.reuse_rate=0.5", 2, "whatif"),
])
def test_a_bad_share_on_the_command_line_names_the_path_and_the_fix_without_a_traceback(
        assignment, code, words, capsys, demo_path):
    from advisor.cli.entry import main

    assert main(["recommend", str(demo_path), "--set", assignment]) == code
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_whatif_shows_the_tonnes_before_and_after(demo_path, kb):
    from advisor.decide.whatif import what_if

    result = what_if(demo_path, kb, ["measures.7.3.4.share=0.5"])
    changed = {m["measure"]: m for m in result["expected"]["measures"]}
    assert changed["7.3.4"]["after"]["high"] < changed["7.3.4"]["before"]["high"]
    assert result["expected"]["after"]["CO2e"]["high"] < result["expected"]["before"]["CO2e"]["high"]


@pytest.mark.parametrize("change, words", [
    (lambda b: b["measures"]["7.3.4"]["levers"][0]["cuts"].update(CO2e="no_such_coefficient"),
     "unknown coefficient 'no_such_coefficient'"),
    (lambda b: b["coefficients"][0].update(high=1.4), "a fraction cannot exceed 1"),
    (lambda b: b["measures"].update({"7.1.1": b["measures"]["7.3.4"]}), "an enabling measure has no direct tonnes"),
    (lambda b: b["measures"]["7.3.4"]["assumption"].update(en="all boilers"), "must name {share}"),
])
def test_kb_check_refuses_a_broken_coefficient_book_and_says_where(broken, change, words):
    from advisor.decide.checks import check_all

    path = broken / "knowledge" / "reduction_coefficients.yaml"
    book = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(book)
    path.write_text(yaml.safe_dump(book, allow_unicode=True, sort_keys=False), encoding="utf-8")
    issues = check_all(broken / "knowledge", broken / "rules")
    assert any(words in i.problem and "reduction_coefficients.yaml" in i.file for i in issues)
