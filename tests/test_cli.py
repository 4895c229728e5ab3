"""The command line: verbs, exit codes, JSON shapes (docs/outputs.md)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from plain_text import problems, profile_names

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
    ids = [r["measure"] for key in ("recommendations", "to_confirm", "not_recommended") for r in result[key]]
    assert code == 0 and sorted(ids) == sorted(set(ids)) and len(ids) == MEASURES
    assert [r["rank"] for r in result["recommendations"]] == list(range(1, len(result["recommendations"]) + 1))


def test_recommend_top_limits_the_list(capsys, demo_path):
    _, out, _ = run(capsys, "recommend", str(demo_path), "--json", "--top", "3")
    assert len(json.loads(out)["recommendations"]) == 3


def test_recommend_prints_a_ranked_table_in_english(capsys, demo_path):
    code, out, _ = run(capsys, "recommend", str(demo_path), "--lang", "en")
    assert code == 0 and "priority" in out and "7.1.1" in out


def _advice(capsys, path, lang: str) -> dict:
    return json.loads(run(capsys, "recommend", str(path), "--json", "--lang", lang)[1])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_terminal_advice_and_explanations_have_no_field_paths_rule_ids_or_other_language(
        capsys, kb, example_paths, lang):
    from advisor.profile.files import load_profile

    for path in example_paths:
        names = profile_names(load_profile(path, kb))
        _, out, _ = run(capsys, "recommend", str(path), "--lang", lang)
        assert problems(out, lang, names) == [], path.name
        advice = _advice(capsys, path, lang)
        for key in ("recommendations", "to_confirm", "not_recommended"):
            for entry in advice[key][:2]:
                _, out, _ = run(capsys, "explain", str(path), entry["measure"], "--lang", lang)
                assert problems(out, lang, names) == [], (path.name, entry["measure"])


def test_the_terminal_lists_the_measures_to_confirm_apart_with_their_conditions_and_questions(capsys, example_paths):
    path = next(p for p in example_paths if "manufacturing" in p.name)
    advice = _advice(capsys, path, "zh")
    assert advice["to_confirm"] and advice["questions_to_answer"]
    _, out, _ = run(capsys, "recommend", str(path))
    ranked, _, rest = out.partition("待确认的措施:")
    pending, _, questions = rest.partition("先回答这些问题:")
    flat = "".join(pending.split())
    for t in advice["to_confirm"]:
        assert f"  {t['measure']} " not in ranked and f"{t['measure']}  {t['title']}" in pending
        for cond in t["if"]:
            assert "".join(cond["text"].split()) in flat
            assert all(u["label"][:10] in pending for u in cond["unknown"])
    shown = advice["questions_to_answer"][:5]
    decided = {m for q in shown for m in q["decides"]}
    assert f"回答这 {len(shown)} 个问题可判定 {len(decided)} 项措施" in questions
    assert all(q["label"] in questions for q in shown)


def test_explain_names_the_status_and_the_deciding_questions_of_a_measure_to_confirm(capsys, example_paths):
    path = next(p for p in example_paths if "manufacturing" in p.name)
    pending = _advice(capsys, path, "en")["to_confirm"][0]
    code, out, _ = run(capsys, "explain", str(path), pending["measure"], "--lang", "en")
    assert code == 0 and out.startswith(f"{pending['measure']} {pending['title']}: to confirm")
    assert "Advised if these conditions hold" in out and "Answer these first" in out


def test_whatif_text_says_which_measures_change_list_in_plain_words(capsys, demo_path):
    code, out, _ = run(capsys, "whatif", str(demo_path), "--set", "management.synergy_plan=true",
                       "--set", "management.plan_scope=integrated")
    changes, _, body = out.partition("\n")
    assert code == 0 and "⇄" in body and "推荐 → " in body
    assert problems(body, "zh", ("示例化工园区",)) == []


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
