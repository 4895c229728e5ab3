"""A batch-table row is read cell by cell with the shared vocabulary, its lists in their compact forms."""

from __future__ import annotations

import csv

import pytest
from conftest import ROOT

from advisor.profile.cells import CellError
from advisor.profile.compact_forms import _amount, read_list, write_list
from advisor.profile.table_rows import plan_columns, profile_to_row, row_dict_to_data, row_to_data


def _read(column: str, value):
    """(data, [(column, problem, fix)]) of a one-cell row."""
    data, issues = row_dict_to_data({column: value}, "odd.csv")
    return data, [(i.path, i.problem, i.fix) for i in issues]


def _value(column: str, value):
    data, problems = _read(column, value)
    assert problems == [], problems
    node = data
    for key in column.split("."):
        if key not in node:
            return "absent"
        node = node[key]
    return node


@pytest.mark.parametrize(("cell", "expected"), [
    ("5.21e6", 5.21e6), (" 12 ", 12.0), ("5,210,000", 5210000.0), ("1_000", 1000.0), ("35%", 0.35),
    (7, 7), (2.5, 2.5), ("  ", "absent"), ("unknown", "absent"), ("未知", "absent"), ("?", "absent"),
])
def test_number_cells_read_plain_grouped_and_percent_numbers(cell, expected):
    assert _value("park.boundary.area_km2", cell) == expected


@pytest.mark.parametrize("cell", ["nan", "inf", "1e999", "abc", True])
def test_a_cell_that_is_not_a_finite_number_is_refused_with_its_column_and_value(cell):
    data, problems = _read("park.boundary.area_km2", cell)
    assert "area_km2" not in data.get("park", {}).get("boundary", {})
    [(column, problem, fix)] = problems
    assert column == "park.boundary.area_km2"
    assert str(cell) in problem and ("not a" in problem or "yes/no" in problem)
    assert "plain number" in fix


@pytest.mark.parametrize(("cell", "expected"), [
    ("TRUE", True), ("是", True), (" yes ", True), ("有", True), ("对", True), ("No", False), ("无", False),
    ("不对", False), (1, True), (True, True), ("", "absent"), ("不详", "absent"),
])
def test_yes_no_cells_read_the_shared_words(cell, expected):
    assert _value("park.water_scarce", cell) == expected


@pytest.mark.parametrize(("cell", "expected"), [("2022", 2022), (" 2022 ", 2022), ("2022.0", 2022), ("2022年", 2022),
                                                ("12345678901234567", 12345678901234567)])
def test_whole_number_cells_read_years_and_counts(cell, expected):
    assert _value("park.base_year", cell) == expected


@pytest.mark.parametrize("cell", ["2022.5", "x"])
def test_a_whole_number_cell_refuses_fractions_and_words(cell):
    _, [(column, problem, _)] = _read("park.base_year", cell)
    assert column == "park.base_year" and f"'{cell}'" in problem


def test_a_choice_cell_matches_the_choices_ignoring_case_and_suggests_a_near_one():
    assert _value("park.level", "National") == "national"
    _, [(column, problem, fix)] = _read("park.level", "natonal")
    assert column == "park.level" and "did you mean 'national'" in problem and "provincial" in fix


def test_text_cells_are_stripped_and_unknown_words_leave_them_out():
    assert _value("park.name", "  园区  ") == "园区"
    assert _value("park.name", "\t") == "absent"
    assert _value("park.province", "不清楚") == "absent"


@pytest.mark.parametrize(("cell", "expected"), [
    ("raw_coal:1.62e6 t:fuel", [{"carrier": "raw_coal", "amount": 1.62e6, "unit": "t", "use": "fuel"}]),
    ("coal:1,000 t", [{"carrier": "coal", "amount": 1000.0, "unit": "t"}]),
    ("coal:1e3t", [{"carrier": "coal", "amount": 1000.0, "unit": "t"}]),
    ("coal:5  t :grid", [{"carrier": "coal", "amount": 5.0, "unit": "t", "origin": "grid"}]),
    ("coal:1 t:factor=1.85 t CO2/t@assay@2022",
     [{"carrier": "coal", "amount": 1.0, "unit": "t",
       "factor": {"value": 1.85, "unit": "t CO2/t", "source": "assay", "year": 2022}}]),
    ("[]", []), ("none", []), ("无", []), ("  ", "absent"), ('[{"carrier": "coal"}]', [{"carrier": "coal"}]),
])
def test_energy_cells_read_the_compact_form_json_and_none(cell, expected):
    assert _value("energy", cell) == expected


@pytest.mark.parametrize(("cell", "words"), [("coal:inf t", "not an amount"), ("coal:1 t:bogus", "bogus"),
                                             ("coal:3 t\nx", "not an amount"), ("[bad", "not a JSON list")])
def test_a_bad_energy_cell_names_the_item_and_the_form(cell, words):
    _, [(column, problem, fix)] = _read("energy", cell)
    assert column == "energy" and words in problem and fix


def test_process_items_read_pairs_controls_and_empty_fields():
    assert _value("processes", "a|b||CO2=1,,SO2=2|n|[]|CO2=5") == [
        {"id": "a", "category": "b", "emissions": {"CO2": 1.0, "SO2": 2.0}, "name": "n", "controls": [],
         "removed_t": {"CO2": 5.0}}]
    _, [(_, problem, _)] = _read("processes", "a|b|c|CO2=x")
    assert problem == "'a|b|c|CO2=x': item 1: 'x' is not a number (in 'CO2=x')"
    _, [(_, problem, _)] = _read("processes", "a|b|c|d|e|f|g|h")
    assert "8 fields, at most 7" in problem


def test_enterprise_items_read_shares_in_percent_and_yes_no_words():
    assert _value("enterprises", "e-1|某公司|C26|8%|有") == [
        {"id": "e-1", "name": "某公司", "industry": "C26", "output_share": 0.08, "key_energy_user": True}]


@pytest.mark.parametrize(("cell", "expected"), [("VOCs; SO2 ;;", ["VOCs", "SO2"]),
                                                ("VOCs，Cr、Ni", ["VOCs", "Cr", "Ni"]), ('["a;b"]', ["a;b"]),
                                                ("none", [])])
def test_lists_of_names_split_at_the_shared_separators(cell, expected):
    assert _value("characteristic_pollutants", cell) == expected


def test_a_list_of_choices_reads_each_name_as_a_choice():
    assert _value("third_party.services", "Green_Finance; environmental_housekeeper") == [
        "green_finance", "environmental_housekeeper"]


@pytest.mark.parametrize(("text", "expected"), [
    ("1.62e6 t", (1.62e6, "t")), ("  5 t ", (5.0, "t")), ("5  t", (5.0, "t")), ("5.t", (5.0, "t")),
    (".5 t", (0.5, "t")), ("+5 t", (5.0, "t")), ("1,000 t", (1000.0, "t")), ("1_000 t", (1000.0, "t")),
    ("5t", (5.0, "t")), ("5 t CO2/t", (5.0, "t CO2/t")), ("5 t\n", (5.0, "t")),
    ("5", None), ("5 ", None), ("x t", None), ("", None), ("5 t\nx", None), ("inf t", None), ("nan t", None),
])
def test_an_amount_is_a_number_and_a_unit(text, expected):
    try:
        read = _amount(text, "amount unit")
    except CellError:
        read = None
    assert read == expected


def test_a_short_row_leaves_the_missing_cells_unknown():
    plan, _ = plan_columns(["park.id", "park.name", "park.base_year"])
    assert row_to_data(plan, ["p-1"], "short.csv") == ({"park": {"id": "p-1"}, "schema_version": 1}, [])


def test_a_column_that_is_no_profile_field_points_to_the_profile_format():
    _, issues = plan_columns(["park.id", "park.nonsense_field_xyz"])
    [issue] = issues
    assert issue.path == "park.nonsense_field_xyz" and "docs/profile-format.md" in issue.fix


def test_every_demo_row_reads_without_a_cell_problem_but_the_bad_one():
    with open(ROOT / "examples" / "batch-demo.csv", encoding="utf-8-sig", newline="") as f:
        header, *rows = csv.reader(f)
    plan, header_issues = plan_columns(header)
    assert header_issues == []
    problems = {cells[0]: [i.path for i in row_to_data(plan, cells, "demo.csv")[1]] for cells in rows}
    assert problems.pop("demo-bad-row") == ["management.synergy_plan"]
    assert all(paths == [] for paths in problems.values()), problems


@pytest.mark.parametrize("items", [["Cr, Ni"], ["none"], ["unknown"], ["a", "b；c"]])
def test_names_that_the_short_form_would_misread_are_written_as_json(items):
    cell = write_list("characteristic_pollutants", items)
    assert cell.startswith("[")
    assert read_list("characteristic_pollutants", (), cell) == items


def test_an_enterprise_named_none_reads_back_as_one_enterprise():
    row = profile_to_row({"schema_version": 1, "enterprises": [{"id": "none"}]})
    data, issues = row_dict_to_data(row, "row.csv")
    assert issues == [] and data["enterprises"] == [{"id": "none"}]
