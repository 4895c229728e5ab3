"""Tracked measures and targets in batch tables: their compact cells, read and written, and checked like validate."""

from __future__ import annotations

import json

import pytest

from advisor.cli.entry import main
from advisor.profile.compact_forms import read_list, write_list


def test_a_compact_cell_of_tracked_measures_reads_as_the_profile_list():
    assert read_list("measures_status", (), "7.3.4:done:2023; 7.1.1:in_progress") == [
        {"measure": "7.3.4", "status": "done", "since": 2023}, {"measure": "7.1.1", "status": "in_progress"}]


def test_a_compact_cell_of_targets_reads_as_the_profile_list():
    assert read_list("targets", (), "co2e_per_output:2025:0.95:true;water_reuse_rate:2025:90%") == [
        {"indicator": "co2e_per_output", "year": 2025, "value": 0.95, "binding": True},
        {"indicator": "water_reuse_rate", "year": 2025, "value": 0.9}]


@pytest.mark.parametrize("column, items", [
    ("measures_status", [{"measure": "7.3.4", "status": "done", "since": 2023},
                         {"measure": "7.1.1", "status": "planned"}]),
    ("targets", [{"indicator": "co2e_per_output", "year": 2025, "value": 0.95, "binding": True}]),
    ("measures_status", [{"measure": "7.3.4", "status": "done", "note": "锅炉关停; 并网"}]),   # only JSON carries it
])
def test_a_written_cell_reads_back_as_the_same_items(column, items):
    assert read_list(column, (), write_list(column, items)) == items


def test_a_cell_that_is_not_the_compact_form_says_how_to_write_it():
    with pytest.raises(ValueError, match="measure:status"):
        read_list("measures_status", (), "7.3.4")


def test_an_unknown_measure_in_a_batch_row_is_that_rows_error(tmp_path, capsys):
    table = tmp_path / "parks.csv"
    table.write_text("park.id,park.name,park.base_year,park.industries,measures_status\n"
                     "p1,P1,2022,C26:0.5,7.3.9:done\np2,P2,2022,C26:0.5,7.3.4:done:2021\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(table), "-o", str(out)]) == 1
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows[0]["status"] == "error" and "measures_status[0].measure" in rows[0]["error"]
    assert rows[1]["status"] == "ok"


def test_the_questionnaire_asks_which_measures_are_done_and_records_them_as_done(kb):
    from conftest import minimal_profile

    from advisor.kb.questions import load_questions
    from advisor.profile.files import validate_data
    from advisor.questionnaire.answers import Reader

    question = next(q for q in load_questions().questions if q.id == "measures-done")
    items = Reader(lang="zh").read(question, "7.3.4、7.1.1")
    assert items == [{"measure": "7.3.4", "status": "done"}, {"measure": "7.1.1", "status": "done"}]
    profile = validate_data(minimal_profile(measures_status=items), "answers", kb)
    assert [m.status for m in profile.measures_status] == ["done", "done"]


def test_the_batch_counts_the_measures_done_and_leaves_it_empty_when_none_are_tracked(tmp_path, capsys):
    table = tmp_path / "parks.csv"
    table.write_text("park.id,park.name,park.base_year,park.industries,measures_status\n"
                     "p1,P1,2022,C26:0.5,7.3.4:done:2023;7.1.1:in_progress;7.2.5:done\n"
                     "p2,P2,2022,C26:0.5,\np3,P3,2022,C26:0.5,[]\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(table), "-o", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["measures_done"] for r in rows] == [2, None, 0]
