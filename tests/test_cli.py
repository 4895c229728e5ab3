"""The command line: verbs, exit codes, JSON shapes (docs/outputs.md)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from advisor.cli.entry import main

MEASURES = 30


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_kb_list_json_lists_exactly_the_thirty_measures_with_objects(capsys):
    code, out, _ = run(capsys, "kb", "list", "--json")
    rows = json.loads(out)
    assert code == 0 and len(rows) == MEASURES
    assert {r["object"] for r in rows} == {"management", "infrastructure", "enterprise", "third_party", "surrounding"}


def test_kb_list_can_filter_by_object(capsys):
    _, out, _ = run(capsys, "kb", "list", "--object", "third_party", "--json")
    assert [r["id"] for r in json.loads(out)] == ["7.4.1", "7.4.2", "7.4.3"]


def test_kb_show_reads_in_both_languages(capsys):
    code, out, _ = run(capsys, "kb", "show", "7.3.5")
    assert code == 0
    assert "能量梯级利用" in out and "Meaning:" in out and "含义:" in out


def test_kb_show_of_an_unknown_measure_is_a_usage_error_with_a_hint(capsys):
    code, _, err = run(capsys, "kb", "show", "7.3.55")
    assert code == 2 and "did you mean" in err


def test_kb_check_passes(capsys):
    code, out, _ = run(capsys, "kb", "check")
    assert code == 0, out
    assert "30 measures" in out


def test_validate_accepts_every_example(capsys, example_paths):
    for path in example_paths:
        code, out, _ = run(capsys, "validate", str(path))
        assert code == 0 and "valid park profile" in out


def test_validate_lists_every_problem_and_exits_1(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\npark: {id: x, name: y, base_year: 2022,\n"
                   "  industries: [{code: C26, share: 1.5}], levle: national}\n", encoding="utf-8")
    code, _, err = run(capsys, "validate", str(bad))
    assert code == 1
    assert "park.industries[0].share" in err and "park.levle" in err and "did you mean 'level'" in err
    assert "Traceback" not in err


def test_a_missing_file_is_a_clear_error(capsys, tmp_path):
    code, _, err = run(capsys, "validate", str(tmp_path / "nope.yaml"))
    assert code == 1 and "file not found" in err


def test_analyze_json_has_the_contract_fields(capsys, demo_path):
    code, out, _ = run(capsys, "analyze", str(demo_path), "--json")
    result = json.loads(out)
    assert code == 0
    assert {"schema_version", "park", "carbon", "pollutants", "same_source", "decoupling"} <= set(result)
    assert {"total_t_co2e", "by_scope", "by_process", "by_carrier", "factors_used"} <= set(result["carbon"])
    period = result["decoupling"]["periods"][0]
    assert {"from", "to", "economy_change", "substances", "pollutant_state", "carbon_state", "synergy"} <= set(period)


def test_recommend_json_lists_every_measure_exactly_once(capsys, demo_path):
    code, out, _ = run(capsys, "recommend", str(demo_path), "--json")
    result = json.loads(out)
    ids = [r["measure"] for r in result["recommendations"]] + [n["measure"] for n in result["not_recommended"]]
    assert code == 0 and sorted(ids) == sorted(set(ids)) and len(ids) == MEASURES
    assert [r["rank"] for r in result["recommendations"]] == list(range(1, len(result["recommendations"]) + 1))


def test_recommend_top_limits_the_list(capsys, demo_path):
    _, out, _ = run(capsys, "recommend", str(demo_path), "--json", "--top", "3")
    assert len(json.loads(out)["recommendations"]) == 3


def test_recommend_prints_a_ranked_table_in_english(capsys, demo_path):
    code, out, _ = run(capsys, "recommend", str(demo_path), "--lang", "en")
    assert code == 0 and "priority" in out and "7.1.1" in out


def test_explain_gives_facts_for_a_recommended_and_a_left_out_measure(capsys, demo_path):
    _, out, _ = run(capsys, "recommend", str(demo_path), "--json")
    result = json.loads(out)
    for measure in (result["recommendations"][0]["measure"], result["not_recommended"][0]["measure"]):
        code, out, _ = run(capsys, "explain", str(demo_path), measure, "--json")
        explained = json.loads(out)
        assert code == 0 and explained["rules"] and explained["rules"][0]["conditions"]


def test_whatif_reports_a_measure_leaving_when_the_plan_exists(capsys, demo_path):
    code, out, _ = run(capsys, "whatif", str(demo_path), "--json",
                       "--set", "management.synergy_plan=true", "--set", "management.plan_scope=integrated",
                       "--set", "management.plan_year=2022", "--set", "management.plan_has_targets=true")
    result = json.loads(out)
    assert code == 0
    assert "7.1.1" in result["before"]
    assert "7.1.1" in [x["measure"] for x in result["left"]] or "7.1.1" in [x["measure"] for x in result["moved"]]


def test_whatif_with_a_bad_path_value_is_a_located_error(capsys, demo_path):
    code, _, err = run(capsys, "whatif", str(demo_path), "--set", "water.reuse_rate=2")
    assert code == 1 and "water.reuse_rate" in err


def test_demo_runs_the_whole_pipeline(capsys):
    code, out, _ = run(capsys, "demo", "--lang", "en")
    assert code == 0 and "demo-chemical" in out


def test_no_verb_prints_help_and_exits_2(capsys):
    code, out, _ = run(capsys)
    assert code == 2 and "usage" in out


def test_python_dash_m_is_the_same_program():
    done = subprocess.run([sys.executable, "-m", "advisor", "kb", "list", "--json"], capture_output=True, text=True)
    assert done.returncode == 0 and len(json.loads(done.stdout)) == MEASURES


def test_help_does_not_import_pandas_or_the_engine():
    code = ("import sys; from advisor.cli.entry import build_parser; build_parser(); "
            "print('pandas' in sys.modules, 'durable' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.split() == ["False", "False"]


@pytest.mark.parametrize("verb", ["kb list", "validate"])
def test_verbs_that_do_not_analyse_do_not_import_pandas(verb, demo_path):
    args = verb.split() + ([str(demo_path)] if verb == "validate" else [])
    code = (f"import sys; from advisor.cli.entry import main; main({args!r}); "
            "sys.stderr.write(str('pandas' in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stderr.strip().endswith("False")
