"""park-advisor evaluate: two cycles of the demo park compared, checked against analyze and by hand."""

from __future__ import annotations

import json

import pytest
import yaml
from conftest import ROOT

from advisor.accounting import analyze_profile
from advisor.cli.entry import main
from advisor.evaluate import evaluate_cycles
from advisor.evaluate.cycles import factor_set, with_factors
from advisor.evaluate.indicators import calc_attainment
from advisor.profile.files import load_profile
from advisor.results import EvaluationOutput

EARLIER = ROOT / "examples" / "demo-chemical.yaml"
LATER = ROOT / "examples" / "demo-chemical-2024.yaml"


@pytest.fixture(scope="module")
def profiles(kb):
    return [(str(LATER), load_profile(LATER, kb)), (str(EARLIER), load_profile(EARLIER, kb))]


@pytest.fixture(scope="module")
def fixed(profiles, kb):
    return evaluate_cycles(profiles, kb, lang="en")


@pytest.fixture(scope="module")
def own(profiles, kb):
    return evaluate_cycles(profiles, kb, lang="en", factors="own")


def figure(result: dict, name: str) -> dict:
    return next(c for c in result["changes"] if c["figure"] == name)


def indicator(result: dict, name: str) -> dict:
    return next(i for i in result["indicators"] if i["id"] == name)


def measure(result: dict, name: str) -> dict:
    return next(m for m in result["measures"] if m["measure"] == name)


def test_the_cycles_come_in_the_order_of_their_years_whatever_the_order_given(fixed):
    assert fixed["cycles"] == [2022, 2024]
    assert fixed["park"]["id"] == "demo-chemical"


def test_before_and_after_equal_analyze_of_each_profile_under_the_later_cycles_factors(profiles, kb, fixed):
    later = profiles[0][1]
    later_analysis = analyze_profile(later, kb)
    earlier_analysis = analyze_profile(with_factors(profiles[1][1], factor_set(later, later_analysis)), kb)
    total = figure(fixed, "carbon.total_t_co2e")
    assert total["values"]["2022"] == pytest.approx(earlier_analysis["carbon"]["total_t_co2e"])
    assert total["values"]["2024"] == pytest.approx(later_analysis["carbon"]["total_t_co2e"])
    for name, block in later_analysis["pollutants"].items():
        assert figure(fixed, f"pollutants.{name}.total_t")["values"]["2024"] == pytest.approx(block["total_t"])
        assert (figure(fixed, f"pollutants.{name}.total_t")["values"]["2022"]
                == pytest.approx(earlier_analysis["pollutants"][name]["total_t"]))
    assert figure(fixed, "energy.total_tce")["values"]["2022"] == pytest.approx(earlier_analysis["energy"]["total_tce"])


def test_with_own_factors_each_cycle_equals_its_plain_analyze(profiles, kb, own):
    for _source, profile in profiles:
        analysis = analyze_profile(profile, kb)
        year = str(profile.park.base_year)
        assert figure(own, "carbon.total_t_co2e")["values"][year] == pytest.approx(analysis["carbon"]["total_t_co2e"])


def test_the_fixed_factor_rule_values_2022_grid_power_with_the_2023_grid_factor(fixed, own):
    """2022 grid electricity 2.9e6 MWh: × 0.5306 (the 2023 factor the later cycle uses) = 1,538,740 t;
    × 0.5366 (its own 2022 factor) = 1,556,140 t. The two differ by 1.1 % (> 1 %), so both are shown."""
    scope2 = figure(fixed, "carbon.by_process.grid-power")
    assert fixed["factor_set"]["grid_year"] == 2023
    assert scope2["values"]["2022"] == pytest.approx(2.9e6 * 0.5306)
    assert scope2["values_other_factors"]["2022"] == pytest.approx(2.9e6 * 0.5366)
    assert figure(own, "carbon.by_process.grid-power")["values"]["2022"] == pytest.approx(2.9e6 * 0.5366)


def test_a_figure_whose_factor_sets_agree_within_one_percent_shows_one_set_of_values(fixed):
    assert "values_other_factors" not in figure(fixed, "carbon.by_process.chp-1")   # reported CO2, no factor
    assert "values_other_factors" not in figure(fixed, "pollutants.SO2.total_t")


def test_changes_are_fractions_of_the_earlier_value(fixed):
    """SO2: 640 t (chp-1 410 + boilers-coal 165 + gasifier 58 + boilers-gas 4 + heaters 3) → 450 t (385 + 58 + 4 + 3):
    (450 − 640) / 640 = −0.296875."""
    so2 = figure(fixed, "pollutants.SO2.total_t")
    assert so2["values"] == {"2022": 640.0, "2024": 450.0}
    assert so2["change"] == pytest.approx(-0.296875)


def test_a_process_shut_between_the_cycles_is_unknown_in_the_later_one_not_zero(fixed):
    boilers = figure(fixed, "carbon.by_process.boilers-coal")
    assert boilers["values"]["2024"] is None and boilers["change"] is None


def test_decoupling_between_the_cycles_by_hand(fixed):
    """Economy 512.3 → 556.0 亿元: +0.0853; SO2 −0.296875: e = −0.296875 / 0.085302 = −3.48, economy up and SO2
    down → strong decoupling, trend absolute."""
    d = fixed["decoupling"]
    assert (d["from"], d["to"]) == (2022, 2024)
    assert d["economy_change"] == pytest.approx((556.0 - 512.3) / 512.3, abs=1e-6)
    so2 = d["substances"]["SO2"]
    assert so2["elasticity"] == pytest.approx(-0.296875 / ((556.0 - 512.3) / 512.3), abs=1e-5)
    assert (so2["tapio"], so2["state"]) == ("strong_decoupling", "absolute")
    assert d["carbon_state"] == "absolute" and d["synergy"] == "synergistic_absolute"


def test_an_indicator_by_hand_so2_per_output(fixed):
    """2024: 450 t = 450,000 kg over 556.0 亿元 = 5,560,000 万元 → 0.0809353 kg/万元; target 0.075 in 2025.
    2022: 640,000 / 5,123,000 = 0.124927. Trend (0.0809353 − 0.124927) / 2 per year → 2025: 0.058939 ≤ 0.075."""
    so2 = indicator(fixed, "so2_per_output")
    assert so2["values"]["2024"] == pytest.approx(450_000 / 5_560_000, abs=1e-6)
    assert so2["values"]["2022"] == pytest.approx(640_000 / 5_123_000, abs=1e-6)
    assert so2["target"] == {"year": 2025, "value": 0.075, "binding": True}
    assert so2["attainment"] == "on_track"


def test_an_indicator_without_its_inputs_is_unknown_and_its_target_too(profiles, kb):
    data = yaml.safe_load(LATER.read_text(encoding="utf-8"))
    data["water"]["reuse_rate"] = None
    from advisor.profile.files import validate_data

    blank = validate_data(data, "later.yaml", kb)
    result = evaluate_cycles([profiles[1], ("later.yaml", blank)], kb, lang="en")
    reuse = indicator(result, "water_reuse_rate")
    assert reuse["values"]["2024"] is None
    assert reuse["attainment"] == "unknown"


@pytest.mark.parametrize("direction, target, points, expected", [
    ("lower", None, [(2022, 1.0), (2024, 0.9)], "no_target"),
    ("lower", {"year": 2025, "value": 0.9}, [(2022, 1.0), (2024, None)], "unknown"),
    ("lower", {"year": 2025, "value": 0.9}, [(2022, 1.0), (2024, 0.9)], "met"),
    # 1.0 → 0.95 in two years: −0.025 a year; 2026: 0.95 − 0.05 = 0.90 ≤ 0.90
    ("lower", {"year": 2026, "value": 0.9}, [(2022, 1.0), (2024, 0.95)], "on_track"),
    # 2025: 0.95 − 0.025 = 0.925 > 0.90
    ("lower", {"year": 2025, "value": 0.9}, [(2022, 1.0), (2024, 0.95)], "off_track"),
    ("higher", {"year": 2024, "value": 0.9}, [(2022, 0.5), (2024, 0.8)], "off_track"),   # the year has come
    ("higher", {"year": 2026, "value": 0.9}, [(2022, None), (2024, 0.8)], "unknown"),    # no trend to judge
    ("higher", {"year": 2026, "value": 0.9}, [(2022, 0.5), (2024, 0.8)], "on_track"),    # 0.8 + 0.15 × 2 = 1.1
])
def test_attainment(direction, target, points, expected):
    assert calc_attainment(direction, target, points) == expected


def test_a_planned_measure_is_too_early_and_a_dropped_one_has_no_data(fixed):
    assert measure(fixed, "7.4.2")["effect"] == "too_early"
    assert measure(fixed, "7.5.3")["effect"] == "no_data"


def test_a_measure_done_in_the_latest_cycles_year_is_too_early_to_judge(fixed):
    assert (measure(fixed, "7.2.5")["status"], measure(fixed, "7.2.5")["effect"]) == ("done", "too_early")


def test_the_coal_boilers_shut_in_2023_show_their_effect(fixed):
    tracked = measure(fixed, "7.3.4")
    assert (tracked["status"], tracked["since"], tracked["effect"]) == ("done", 2023, "seen")


def test_an_enabling_measure_shows_in_no_emission_figure(fixed):
    assert measure(fixed, "7.1.1")["effect"] == "no_data"


def test_a_done_measure_leaves_the_next_cycles_advice(fixed):
    nc = fixed["next_cycle"]
    assert "7.3.4" in nc["done_left"]
    assert "7.3.4" not in nc["new"] + nc["persisting"]


def test_a_done_measure_whose_findings_persist_says_the_problem_remains(fixed):
    nc = fixed["next_cycle"]
    remains = {r["measure"]: r["findings"] for r in nc["done_problem_remains"]}
    assert "renewables-far-below-potential" in remains["7.2.5"]
    assert "7.2.5" not in nc["new"] + nc["persisting"]


def test_the_plan_made_in_2023_resolves_the_top_level_design(fixed):
    assert "7.1.1" in fixed["next_cycle"]["resolved"]


# --- the command ----------------------------------------------------------------------------------

def test_evaluate_json_has_the_documented_keys(capsys):
    assert main(["evaluate", str(EARLIER), str(LATER), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"schema_version", "park", "cycles", "factors", "changes", "decoupling", "indicators", "measures",
            "next_cycle", "warnings"} <= set(out)
    assert out["factors"] == "fixed"
    assert 15 <= len(out["indicators"]) <= 25
    EvaluationOutput.model_validate(out)   # the documented schema (docs/schemas/evaluate.schema.json)


def test_evaluate_text_in_english_names_every_part(capsys):
    assert main(["evaluate", str(LATER), str(EARLIER), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    for heading in ("Changes between cycles", "Decoupling between the cycles", "Co-control indicators and targets",
                    "Measures tracked", "The next cycle", "Done, but the problem remains"):
        assert heading in out
    assert "7.3.1" in out and "measures_status" not in out


def _variant(tmp_path, name: str, **changes) -> str:
    data = yaml.safe_load(LATER.read_text(encoding="utf-8"))
    for dotted, value in changes.items():
        node = data
        *parents, leaf = dotted.split(".")
        for p in parents:
            node = node[p]
        node[leaf] = value
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_profiles_of_two_parks_are_an_error_naming_both(tmp_path, capsys):
    other = _variant(tmp_path, "other.yaml", **{"park.id": "other-park"})
    assert main(["evaluate", str(EARLIER), other]) == 1
    err = capsys.readouterr().err
    assert "other.yaml" in err and "park.id" in err and "other-park" in err and "Traceback" not in err


def test_two_profiles_of_one_year_are_an_error(tmp_path, capsys):
    same = _variant(tmp_path, "same-year.yaml", **{"park.base_year": 2022})
    assert main(["evaluate", str(EARLIER), same]) == 1
    err = capsys.readouterr().err
    assert "park.base_year" in err and "2022" in err


def test_one_profile_is_a_usage_error(capsys):
    assert main(["evaluate", str(EARLIER)]) == 2
    assert "two or more" in capsys.readouterr().err


def test_a_boundary_change_between_the_cycles_warns_on_every_figure(tmp_path, kb):
    moved = _variant(tmp_path, "moved.yaml", **{"park.boundary_changes": [{"year": 2020, "note": "南区并入"},
                                                                          {"year": 2023, "note": "北区并入"}]})
    result = evaluate_cycles([(str(EARLIER), load_profile(EARLIER, kb)), (moved, load_profile(moved, kb))], kb,
                             lang="en")
    assert any("2023" in w and "北区并入" in w for w in result["warnings"])
    assert all(any("2023" in w for w in c.get("warnings", [])) for c in result["changes"])
    assert all(i.get("warnings") for i in result["indicators"])
    assert figure(result, "carbon.total_t_co2e")["values"]["2024"] is not None   # the comparison still runs


@pytest.mark.parametrize("entry, path, words", [
    ({"measures_status": [{"measure": "7.3.9", "status": "done"}]}, "measures_status[0].measure", "7.3.8"),
    ({"measures_status": [{"measure": "7.3.4", "status": "finished"}]}, "measures_status[0].status", "planned"),
    ({"targets": [{"indicator": "co2_per_output", "year": 2025, "value": 0.4}]}, "targets[0].indicator",
     "co2e_per_output"),
])
def test_bad_tracking_entries_are_located_errors_of_validate(tmp_path, capsys, entry, path, words):
    data = yaml.safe_load(EARLIER.read_text(encoding="utf-8")) | entry
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert main(["validate", str(bad)]) == 1
    err = capsys.readouterr().err
    assert str(bad) in err and path in err and words in err


def test_three_cycles_give_the_span_and_each_pair(tmp_path, kb):
    middle = _variant(tmp_path, "demo-chemical-2023.yaml", **{"park.base_year": 2023})
    cycles = [(p, load_profile(p, kb)) for p in (str(LATER), middle, str(EARLIER))]
    result = evaluate_cycles(cycles, kb, lang="en")
    assert result["cycles"] == [2022, 2023, 2024]
    assert (result["decoupling"]["from"], result["decoupling"]["to"]) == (2022, 2024)
    assert [(p["from"], p["to"]) for p in result["trend"]] == [(2022, 2023), (2023, 2024)]
    assert set(figure(result, "carbon.total_t_co2e")["values"]) == {"2022", "2023", "2024"}
    # the boilers shut in 2023 are judged against the last cycle before 2023 and what its advice expected
    assert measure(result, "7.3.4")["effect"] == "seen"


def test_with_own_factors_the_text_says_so(capsys):
    assert main(["evaluate", str(EARLIER), str(LATER), "--factors", "own", "--lang", "en"]) == 0
    assert "Each cycle is valued with its own factors." in capsys.readouterr().out


def test_without_estimates_the_effect_is_read_from_the_processes_the_measure_targets(profiles, kb):
    """Fuel combustion (7.3.4's target category), SO2: 2022 chp-1 410 + boilers-coal 165 + boilers-gas 4 + heaters 3
    = 582 t; 2024: 385 + 4 + 3 = 392 t → (392 − 582) / 582 = −32.6 %, beyond the 1 % too small to call → seen.
    Transport (7.5.3), NOx: logistics 90 → 93 t, +3.3 %; CO2e up too → not seen."""
    from advisor.evaluate.cycles import build_cycles
    from advisor.evaluate.tracking import judge_effect
    from advisor.profile.model import MeasureStatus

    cycles = build_cycles(profiles, kb)   # no advice, so no per-measure estimates
    effect, evidence = judge_effect(MeasureStatus(measure="7.3.4", status="done", since=2023), cycles, kb, "en")
    assert effect == "seen" and f"SO2 {(392 - 582) / 582:+.1%} (2022–2024)" in evidence
    effect, evidence = judge_effect(MeasureStatus(measure="7.5.3", status="done", since=2023), cycles, kb, "en")
    assert effect == "not_seen" and f"NOx {(93 - 90) / 90:+.1%}" in evidence


def test_a_measure_whose_processes_have_no_data_in_either_cycle_has_no_data(profiles, kb):
    from advisor.evaluate.cycles import build_cycles
    from advisor.evaluate.tracking import judge_effect
    from advisor.profile.model import MeasureStatus

    cycles = build_cycles(profiles, kb)
    # 7.3.6 acts on waste incineration and landfill, which the demo park does not list
    assert judge_effect(MeasureStatus(measure="7.3.6", status="done", since=2023), cycles, kb, "en")[0] == "no_data"


def test_the_python_api_gives_what_the_command_prints(capsys):
    import advisor as pa

    assert main(["evaluate", str(EARLIER), str(LATER), "--json", "--lang", "en"]) == 0
    printed = json.loads(capsys.readouterr().out)
    evaluation = pa.evaluate_cycles(str(LATER), str(EARLIER), lang="en")
    assert evaluation.to_dict() == printed
    assert list(evaluation.indicators.columns[3:5]) == ["2022", "2024"]
