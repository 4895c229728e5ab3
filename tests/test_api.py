"""The public Python API: the same results as the command line, tables as DataFrames, clear errors, cheap import."""

from __future__ import annotations

import doctest
import json
import re
import subprocess
import sys

import pytest
from conftest import EXAMPLES, ROOT, minimal_profile

import advisor as pa
from advisor.cli.entry import main
from advisor.errors import ProfileError, UsageError

PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def cli_json(capsys, *argv) -> dict:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture(scope="module")
def demo():
    return pa.load_profile(ROOT / "examples" / "demo-chemical.yaml")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_each_result_equals_the_json_of_its_command(capsys, path):
    profile = pa.load_profile(path)
    assert pa.analyze(profile).to_dict() == cli_json(capsys, "analyze", str(path))
    assert pa.recommend(profile, lang="en").to_dict() == cli_json(capsys, "recommend", str(path), "--lang", "en")
    assert pa.explain(profile, "7.2.3").to_dict() == cli_json(capsys, "explain", str(path), "7.2.3")
    changed = pa.whatif(profile, {"management.synergy_plan": True, "water.reuse_rate": 0.95})
    assert changed.to_dict() == cli_json(capsys, "whatif", str(path), "--set", "management.synergy_plan=true",
                                         "--set", "water.reuse_rate=0.95")


def test_to_json_is_the_text_the_command_prints(capsys, demo_path):
    assert main(["analyze", str(demo_path), "--period", "2019-2021", "--json"]) == 0
    assert pa.analyze(demo_path, period=(2019, 2021)).to_json() + "\n" == capsys.readouterr().out


def test_recommend_top_keeps_the_first_measures_as_the_command_does(capsys, demo, demo_path):
    top = pa.recommend(demo, top=3)
    assert top.to_dict() == cli_json(capsys, "recommend", str(demo_path), "--top", "3")
    assert len(top.measures) == 3


def test_whatif_gives_the_same_answer_from_a_path_a_mapping_and_a_profile(demo, demo_path):
    import yaml

    change = {"management.synergy_plan": True}
    from_path = pa.whatif(demo_path, change).to_dict()
    from_mapping = pa.whatif(yaml.safe_load(demo_path.read_text(encoding="utf-8")), change).to_dict()
    assert from_path == from_mapping == pa.whatif(demo, change).to_dict()


def test_whatif_can_change_an_emissions_history_value_of_a_loaded_profile(demo, demo_path):
    change = {"emissions_history.SO2.2022": 2000}
    assert pa.whatif(demo, change).to_dict() == pa.whatif(demo_path, change).to_dict()


def test_whatif_without_changes_is_a_usage_error(demo):
    with pytest.raises(UsageError):
        pa.whatif(demo, {})


def test_whatif_names_a_path_that_leads_nowhere(demo):
    with pytest.raises(UsageError) as caught:
        pa.whatif(demo, {"energy[99].amount": 1.0})
    assert [(i.file, i.path) for i in caught.value.issues] == [("whatif", "energy[99].amount")]


def test_whatif_to_an_invalid_value_is_a_profile_error_at_that_path(demo):
    with pytest.raises(ProfileError) as caught:
        pa.whatif(demo, {"water.reuse_rate": "lots"})
    assert [i.path for i in caught.value.issues] == ["water.reuse_rate"]


def test_a_profile_can_be_a_mapping_and_a_park_that_says_almost_nothing_gets_measures_to_confirm_not_advice(kb):
    profile = pa.load_profile(minimal_profile())
    advice = pa.recommend(profile)
    assert profile.park.id == "tiny" and advice.data["to_confirm"] and advice.data["questions_to_answer"]
    assert all(b["facts"] or b["findings"] for r in advice.data["recommendations"] for b in r["because"])


def test_a_bad_mapping_raises_a_profile_error_that_names_each_field():
    data = minimal_profile()
    data["park"]["base_year"] = "next year"
    data["water"] = {"reuse_rate": 1.5}
    with pytest.raises(ProfileError) as caught:
        pa.load_profile(data)
    paths = {issue.path for issue in caught.value.issues}
    assert {"park.base_year", "water.reuse_rate"} <= paths


def test_a_missing_file_raises_a_profile_error(tmp_path):
    with pytest.raises(ProfileError) as caught:
        pa.load_profile(tmp_path / "nowhere.yaml")
    assert "file not found" in str(caught.value)


def test_a_profile_of_another_type_is_refused_with_a_fix():
    with pytest.raises(ProfileError) as caught:
        pa.load_profile(42)   # type: ignore[arg-type]
    assert caught.value.issues[0].fix


def test_a_backwards_period_and_an_unknown_language_are_usage_errors(demo):
    with pytest.raises(UsageError):
        pa.analyze(demo, period="2022-2018")
    with pytest.raises(UsageError):
        pa.recommend(demo, lang="fr")


def test_an_unknown_measure_is_a_usage_error_with_a_hint(demo):
    with pytest.raises(UsageError) as caught:
        pa.explain(demo, "7.2.9")
    assert "did you mean" in str(caught.value)


def test_the_analysis_tables_add_up_to_the_totals(demo):
    a = pa.analyze(demo)
    assert a.carbon_by_process["t_co2e"].sum() == pytest.approx(a.total_t_co2e, rel=1e-4)
    assert a.carbon_by_carrier["t_co2e"].sum() == pytest.approx(a.total_t_co2e, rel=1e-4)
    assert a.carbon_by_scope["share"].sum() == pytest.approx(1.0)
    so2 = a.pollutants[a.pollutants["pollutant"] == "SO2"]
    assert so2["t"].sum() == pytest.approx(a.data["pollutants"]["SO2"]["total_t"])
    periods = a.decoupling
    assert set(periods["substance"]) >= {"CO2e", "SO2"} and set(periods["kind"]) >= {"span"}
    assert not a.decoupling_by_industry("C26").empty
    with pytest.raises(UsageError):
        a.decoupling_by_industry("C99")


def test_the_advice_tables_hold_every_measure_once(demo):
    r = pa.recommend(demo)
    ranked, left_out = r.recommendations, r.not_recommended
    pending = [t["measure"] for t in r.data["to_confirm"]]
    assert list(ranked["rank"]) == list(range(1, len(ranked) + 1))
    assert len(set(ranked["measure"]) | set(left_out["measure"]) | set(pending)) == 30
    assert not set(pending) & (set(ranked["measure"]) | set(left_out["measure"]))
    assert list(ranked["measure"]) == r.measures
    assert set(r.findings["status"]) <= {"found", "possible"}


def test_the_explanation_and_whatif_tables_list_conditions_and_moves(demo):
    conditions = pa.explain(demo, "7.2.3").conditions
    assert set(conditions["outcome"]) <= {"true", "false", "unknown"} and not conditions.empty
    moves = pa.whatif(demo, {"management.synergy_plan": True}).changes
    assert set(moves["change"]) <= {"entered", "left", "moved"} and not moves.empty


def test_the_typed_model_of_a_result_reads_its_fields(demo):
    assert pa.analyze(demo).model.carbon.by_process[0].process == "chp-1"
    assert pa.recommend(demo).model.recommendations[0].rank == 1


def test_screen_of_a_table_gives_the_rows_of_the_batch_jsonl(tmp_path):
    table = ROOT / "examples" / "batch-demo.csv"
    assert main(["batch", str(table), "-o", str(tmp_path / "out.jsonl")]) == 1   # the demo holds one bad row
    expected = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    screening = pa.screen(table)
    assert screening.to_dict()["rows"] == expected
    assert len(screening.frame) == len(expected) and screening.errors == 1


def test_screen_of_rows_reads_dicts_and_dataframes_alike():
    import pandas as pd

    rows = [{"park.id": "a", "park.name": "甲", "park.base_year": 2022, "park.industries": "C26:0.6",
             "management.synergy_plan": False},
            {"park.id": "b", "park.name": "乙", "park.base_year": 2022, "park.industries": "C26:1.6",
             "management.synergy_plan": None}]
    from_dicts = pa.screen(rows)
    assert list(from_dicts.frame["status"]) == ["ok", "error"]
    assert "park.industries" in from_dicts.rows[1]["error"] and "row 3" in from_dicts.rows[1]["error"]
    assert pa.screen(pd.DataFrame(rows)).rows == from_dicts.rows


def test_screen_of_rows_without_a_required_column_names_the_rows_not_a_temporary_file():
    with pytest.raises(ProfileError) as caught:
        pa.screen([{"park.id": "a", "park.name": "甲", "park.base_year": 2022}])
    assert [(i.file, i.path) for i in caught.value.issues] == [("rows.csv", "park.industries")]


def test_importing_advisor_loads_neither_the_api_nor_pandas_until_a_name_is_used():
    code = ("import sys, advisor; print('advisor.api' in sys.modules, 'pandas' in sys.modules); "
            "advisor.load_profile; print('advisor.api' in sys.modules, 'pandas' in sys.modules, "
            "'durable' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.split() == ["False", "False", "True", "False", "False"]


def test_an_unknown_name_of_the_package_is_an_attribute_error():
    with pytest.raises(AttributeError):
        pa.no_such_function   # noqa: B018


@pytest.mark.parametrize("module", ["advisor", "advisor.api"])
def test_the_docstring_examples_run(module):
    import importlib

    failed, tried = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert tried and not failed


def python_blocks(name: str) -> list[str]:
    path = ROOT / name
    return PYTHON_BLOCK.findall(path.read_text(encoding="utf-8")) if path.exists() else []


def test_the_api_guide_has_an_example():
    assert python_blocks("docs/api.md")


@pytest.mark.parametrize("name", ["docs/api.md", "README.md"])
def test_every_python_example_of_the_documents_runs(name, monkeypatch):
    monkeypatch.chdir(ROOT)     # the examples name examples/ files relative to the repository
    for number, block in enumerate(python_blocks(name), start=1):
        exec(compile(block, f"{name} python block {number}", "exec"), {"__name__": "__example__"})
