"""One cell vocabulary: a word or a number means the same in a workbook, in a batch row and to cells itself."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from conftest import minimal_profile

from advisor.errors import ProfileError
from advisor.profile import cells
from advisor.profile.table_rows import row_dict_to_data
from advisor.profile.workbook import read_workbook, write_workbook
from advisor.profile.workbook_layout import FACTS, fact_sheet_of

ABSENT = "absent"

YES_NO_UNKNOWN = [
    ("是", True), ("有", True), ("对", True), ("TRUE", True), ("yes", True), ("Y", True), ("1", True), (True, True),
    ("否", False), ("无", False), ("没有", False), ("不对", False), ("false", False), ("No", False), ("0", False),
    (False, False),
    ("未知", None), ("不清楚", None), ("不详", None), ("unknown", None), ("?", None), ("  ", None),
]
NUMBERS = [("5,210,000", 5210000), ("5.21e6", 5.21e6), (" 12 ", 12), ("1_000", 1000), (42, 42), ("未知", None),
           ("", None)]
SHARES = [("35%", 0.35), ("12％", 0.12), ("0.35", 0.35), ("不详", None)]

BOOL_FACTS = [path for path, field in FACTS.items() if field.kind == "bool"]
NUMBER_FACTS = [path for path, field in FACTS.items() if field.kind == "number" and "le" not in dict(field.bounds)]
SHARE_FACTS = [path for path, field in FACTS.items() if field.kind == "number" and dict(field.bounds).get("le") == 1]


def _at(tree: dict, path: str):
    node = tree
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            return ABSENT
        node = node[key]
    return node


def _in_a_workbook(tmp_path: Path, facts: dict[str, object]) -> Path:
    """A workbook of the minimal profile with each fact's value cell set as given."""
    path = tmp_path / "vocabulary.xlsx"
    write_workbook(minimal_profile(), path)
    wb = openpyxl.load_workbook(path)
    for fact, value in facts.items():
        ws = wb[fact_sheet_of(fact)]
        row = next(r[0].row for r in ws.iter_rows(min_col=1, max_col=1) if r[0].value == fact)
        ws.cell(row=row, column=2, value=value)
    wb.save(path)
    return path


def _in_a_batch_row(facts: dict[str, object]) -> tuple[dict, list]:
    row = {"park.id": "tiny", "park.name": "小园区", "park.base_year": "2022", "park.industries": "C26:0.6", **facts}
    return row_dict_to_data(row, "vocabulary.csv")


def _read_everywhere(tmp_path: Path, cases: list[tuple[object, object]], facts: list[str]) -> dict[str, list]:
    """What cells, the workbook reader and the batch-row reader make of each case's value, in case order."""
    assert len(facts) >= len(cases), "not enough facts of this kind to give each case its own"
    placed = dict(zip(facts, (value for value, _ in cases), strict=False))
    workbook_tree = read_workbook(_in_a_workbook(tmp_path, placed))
    batch_tree, batch_issues = _in_a_batch_row(placed)
    assert batch_issues == []
    kind = FACTS[facts[0]]
    return {
        "cells": [cells.read_as(kind.kind, value) for value, _ in cases],
        "workbook": [_at(workbook_tree, fact) for fact in placed],
        "batch": [_at(batch_tree, fact) for fact in placed],
    }


def _expected(cases: list[tuple[object, object]], absent_as: object) -> list:
    return [absent_as if expected is None else expected for _, expected in cases]


def test_yes_no_and_unknown_words_mean_the_same_in_cells_workbook_and_batch(tmp_path: Path):
    read = _read_everywhere(tmp_path, YES_NO_UNKNOWN, BOOL_FACTS)
    assert read["cells"] == _expected(YES_NO_UNKNOWN, None)
    assert read["workbook"] == _expected(YES_NO_UNKNOWN, ABSENT)
    assert read["batch"] == _expected(YES_NO_UNKNOWN, ABSENT)


def test_grouped_and_exponent_numbers_mean_the_same_in_cells_workbook_and_batch(tmp_path: Path):
    read = _read_everywhere(tmp_path, NUMBERS, NUMBER_FACTS)
    assert read["cells"] == _expected(NUMBERS, None)
    assert read["workbook"] == _expected(NUMBERS, ABSENT)
    assert read["batch"] == _expected(NUMBERS, ABSENT)


def test_a_percentage_is_a_share_in_cells_workbook_and_batch(tmp_path: Path):
    read = _read_everywhere(tmp_path, SHARES, SHARE_FACTS)
    assert read["cells"] == _expected(SHARES, None)
    assert read["workbook"] == _expected(SHARES, ABSENT)
    assert read["batch"] == _expected(SHARES, ABSENT)
    assert cells.to_share("35%") == 0.35


@pytest.mark.parametrize("text", ["1e400", "-1e999", "nan"])
def test_a_number_beyond_floats_is_refused_everywhere_with_a_located_message(tmp_path: Path, text: str):
    fact = "infrastructure.pv_capacity_mw"
    with pytest.raises(cells.CellError, match="not a finite number"):
        cells.to_number(text)

    with pytest.raises(ProfileError) as error:
        read_workbook(_in_a_workbook(tmp_path, {fact: text}))
    [issue] = error.value.issues
    assert issue.path.startswith("infrastructure!B") and fact in issue.problem
    assert f"'{text}' is not a finite number" in issue.problem

    data, issues = _in_a_batch_row({fact: text})
    [issue] = issues
    assert issue.path == fact and f"'{text}' is not a finite number" in issue.problem
    assert _at(data, fact) == ABSENT


def test_a_word_that_is_not_yes_or_no_is_refused_everywhere_with_the_same_fix(tmp_path: Path):
    fact = "management.synergy_plan"
    with pytest.raises(cells.CellError) as direct:
        cells.to_bool("maybe")
    with pytest.raises(ProfileError) as in_workbook:
        read_workbook(_in_a_workbook(tmp_path, {fact: "maybe"}))
    _, in_batch = _in_a_batch_row({fact: "maybe"})
    fixes = {direct.value.fix, in_workbook.value.issues[0].fix, in_batch[0].fix}
    assert fixes == {cells.BOOL_FIX}
    assert in_workbook.value.issues[0].path.startswith("management!B") and in_batch[0].path == fact


def test_names_split_at_the_same_separators_and_none_words_mean_an_empty_list(tmp_path: Path):
    fact = "characteristic_pollutants"
    for text, expected in (("VOCs, Cr；Ni、NH3-N", ["VOCs", "Cr", "Ni", "NH3-N"]), ("无", []), ("none", [])):
        assert cells.split_items(text) == expected
        assert read_workbook(_in_a_workbook(tmp_path, {fact: text}))[fact] == expected
        assert _in_a_batch_row({fact: text})[0][fact] == expected


def test_every_unknown_word_is_neither_yes_nor_no_nor_none():
    assert not cells.UNKNOWN_WORDS & (cells.TRUE_WORDS | cells.FALSE_WORDS | cells.NONE_WORDS)
    assert all(cells.to_bool(word) is None and cells.is_unknown(word) for word in cells.UNKNOWN_WORDS)
