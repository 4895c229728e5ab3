"""The fused inventory (6.3): same-source processes by category × owner, thresholds from knowledge, trade-offs."""

from __future__ import annotations

import dataclasses

import pytest
from conftest import minimal_profile

from advisor.accounting import analyze_profile
from advisor.kb.schemas.knowledge import Quantity
from advisor.profile.model import Profile

# park CO2 = 10,000 t, SO2 = 100 t
PROCESSES = [
    {"id": "chp", "category": "fuel_combustion", "owner": "infrastructure", "emissions": {"CO2": 1000, "SO2": 10}},
    {"id": "boiler-a", "category": "fuel_combustion", "owner": "e-a", "emissions": {"CO2": 999, "SO2": 50}},
    {"id": "coating", "category": "solvent_use", "owner": "e-b", "emissions": {"CO2": 3000, "VOCs": 100}},
    {"id": "reactor", "category": "chemical_process", "owner": "e-c", "emissions": {"CO2": 5001, "SO2": 40}},
]


def analyse(kb, processes, **extra) -> dict:
    return analyze_profile(Profile.model_validate(minimal_profile(processes=processes, **extra)), kb)


def test_a_same_source_process_at_exactly_both_thresholds_is_flagged_with_a_reason(kb):
    """chp: 1,000 / 10,000 = 10 % of CO2e and 10 / 100 = 10 % of SO2 – both thresholds (≥ 10 %) met."""
    [same] = analyse(kb, PROCESSES)["same_source"]
    assert (same["process"], same["co2e_share"], same["pollutant_shares"]) == ("chp", 0.1, {"SO2": 0.1})
    assert same["pollutants_over_threshold"] == ["SO2"]
    assert "10% of park CO2e" in same["reason"] and "SO2 10%" in same["reason"]
    assert "同源" in same["reason_zh"]


def test_a_process_just_under_the_co2e_threshold_or_outside_the_same_source_categories_is_not_flagged(kb):
    """boiler-a: 9.99 % of CO2e (50 % of SO2); coating (30 % of CO2e, all VOCs) and reactor (50 %, 40 % of SO2) are
    not same-source categories: solvent VOCs and reactor emissions do not come from the activity that emits CO2."""
    flagged = {s["process"] for s in analyse(kb, PROCESSES)["same_source"]}
    assert flagged == {"chp"}


def test_small_processes_are_aggregated_by_category_and_owner_before_the_thresholds(kb):
    """Two boilers of e-x, each 6 % of CO2e and 6 % of SO2, are 12 % and 12 % together."""
    processes = [
        {"id": "b1", "category": "fuel_combustion", "owner": "e-x", "emissions": {"CO2": 600, "SO2": 6}},
        {"id": "b2", "category": "fuel_combustion", "owner": "e-x", "emissions": {"CO2": 600, "SO2": 6}},
        {"id": "other", "category": "chemical_process", "owner": "e-y", "emissions": {"CO2": 8800, "SO2": 88}},
    ]
    [same] = analyse(kb, processes)["same_source"]
    assert (same["process"], same["processes"]) == ("fuel_combustion/e-x", ["b1", "b2"])
    assert (same["co2e_share"], same["pollutant_shares"]) == (0.12, {"SO2": 0.12})


def test_the_thresholds_are_knowledge_data_not_code(kb):
    settings = kb.analysis.same_source.model_copy(update={
        "co2e_share_min": Quantity(value=0.05, unit="fraction of park CO2e", source="test")})
    kb2 = dataclasses.replace(kb, analysis=kb.analysis.model_copy(update={"same_source": settings}))
    result = analyze_profile(Profile.model_validate(minimal_profile(processes=PROCESSES)), kb2)
    assert {s["process"] for s in result["same_source"]} == {"chp", "boiler-a"}
    assert result["fused"]["thresholds"]["co2e_share_min"] == 0.05


def test_the_fused_inventory_joins_carbon_and_pollutants_by_process(kb):
    fused = analyse(kb, PROCESSES)["fused"]
    chp = next(p for p in fused["processes"] if p["process"] == "chp")
    assert (chp["t_co2e"], chp["pollutants"]) == (1000.0, {"SO2": 10})
    groups = {(g["category"], g["owner"]): g for g in fused["groups"]}
    assert groups[("solvent_use", "e-b")]["pollutant_shares"] == {"VOCs": 1.0}


def test_end_of_pipe_controls_add_co2_and_are_listed_as_trade_offs(kb):
    """limestone FGD: 100 t SO2 × 0.6875 = 68.75 t; urea SCR: 92 t NOx × 0.6522 t urea/t × 0.7333 t CO2/t urea
    = 43.9998 t; RTO: 10 t VOCs × 0.85 t C/t × 44/12 = 31.1667 t. None of these processes reports CO2, so all three
    are added to the inventory (scope 1, carrier end_of_pipe)."""
    processes = [
        {"id": "boiler", "category": "fuel_combustion", "emissions": {"SO2": 5, "NOx": 8},
         "controls": ["limestone_fgd", "scr_urea", "esp"], "removed_t": {"SO2": 100, "NOx": 92}},
        {"id": "rto-1", "category": "end_of_pipe_thermal", "owner": "e-paint", "emissions": {"VOCs": 1},
         "controls": ["rto"], "removed_t": {"VOCs": 10}},
    ]
    result = analyse(kb, processes)
    added = {(t["process"], t["control"]): t["t_co2_added"] for t in result["trade_offs"]}
    assert added == pytest.approx({("boiler", "limestone_fgd"): 68.75, ("boiler", "scr_urea"): 43.9998,
                                   ("rto-1", "rto"): 31.1667}, abs=1e-4)
    assert all(t["counted_in_inventory"] for t in result["trade_offs"])
    assert result["carbon"]["by_gas"]["CO2"] == pytest.approx(68.75 + 43.9998 + 31.1667, abs=1e-3)
    assert result["carbon"]["total_t_co2e"] is None   # no energy data: the park's total is unknown
    assert {r["carrier"] for r in result["carbon"]["by_carrier"]} == {"end_of_pipe"}
    assert [c["control"] for c in result["fused"]["other_controls"]] == ["esp"]


def test_a_control_without_removed_t_is_a_trade_off_with_no_estimate_a_note_and_a_gap(kb):
    processes = [{"id": "boiler", "category": "fuel_combustion", "emissions": {"SO2": 5},
                  "controls": ["sncr_urea"]}]
    result = analyse(kb, processes)
    [trade] = result["trade_offs"]
    assert trade["t_co2_added"] is None and "give removed_t.NOx" in trade["note"]
    assert "control-removed-missing" in {g["id"] for g in result["gaps"]}


def test_a_control_on_a_process_that_reports_co2_is_assumed_included_and_not_added_again(kb):
    processes = [{"id": "chp", "category": "fuel_combustion", "emissions": {"CO2": 5000, "SO2": 5},
                  "controls": ["limestone_fgd"], "removed_t": {"SO2": 100}}]
    result = analyse(kb, processes)
    assert result["carbon"]["total_t_co2e"] == 5000.0
    [trade] = result["trade_offs"]
    assert trade["t_co2_added"] == 68.75 and trade["counted_in_inventory"] is False
    assert trade["note"].startswith("assumed included")


def test_off_site_grid_pollutants_are_named_as_not_estimated(kb):
    result = analyse(kb, PROCESSES, energy=[{"carrier": "electricity", "amount": 1000, "unit": "MWh"}])
    [note] = result["fused"]["notes"]
    assert note["id"] == "offsite-grid-pollutants" and "not estimated" in note["text_en"]


def test_the_lean_analysis_keeps_the_groups_that_can_be_same_source_exactly_as_the_full_one(kb):
    """The lean analysis (the batch screen) rounds only the groups of the same-source categories, the only ones
    calc_same_source can flag; they and the same-source rows equal those of the full analysis."""
    from advisor.accounting.fused import calc_fused

    profile = Profile.model_validate(minimal_profile(processes=PROCESSES + [
        {"id": "b1", "category": "fuel_combustion", "owner": "e-a", "emissions": {"CO2": 600, "NOx": 6}}]))
    full, lean = analyze_profile(profile, kb), analyze_profile(profile, kb, detail=False)
    categories = kb.analysis.same_source.categories
    lean_groups = calc_fused(profile, kb, lean["carbon"], lean["pollutants"], lean["energy"], detail=False)["groups"]
    assert lean_groups == [g for g in full["fused"]["groups"] if g["category"] in categories]
    assert [g["processes"] for g in lean_groups] == [["boiler-a", "b1"], ["chp"]]   # not coating nor reactor
    assert lean["same_source"] == [{**s, "reason": "", "reason_zh": ""} for s in full["same_source"]]


def test_a_group_whose_processes_have_no_co2_figure_has_unknown_co2e_not_zero(kb):
    processes = [{"id": "coating-1", "category": "solvent_use", "owner": "e-a", "emissions": {"VOCs": 30}},
                 {"id": "coating-2", "category": "solvent_use", "owner": "e-a", "emissions": {"VOCs": 20}},
                 {"id": "boiler", "category": "fuel_combustion", "owner": "e-a", "emissions": {"CO2": 500, "SO2": 4}}]
    groups = {g["category"]: g for g in analyse(kb, processes)["fused"]["groups"]}
    assert groups["solvent_use"]["t_co2e"] is None and groups["solvent_use"]["co2e_share"] is None
    assert groups["solvent_use"]["pollutants"] == {"VOCs": 50.0}
    assert groups["fuel_combustion"]["t_co2e"] == 500.0 and groups["fuel_combustion"]["co2e_share"] == 1.0
