"""row_to_data's quick readers give what the general cell readers give."""

from __future__ import annotations

import csv

import pytest

from advisor.profile.table_rows import (_AMOUNT, COMPACT, CellError, _amount, _blank, _convert, _parse_compact,
                                 _parse_list, _plain_amount, plan_columns, row_to_data, to_number)
from conftest import ROOT


def _typed(value):
    """A value with the type of every part spelled out (1 and 1.0 differ), key order kept."""
    if isinstance(value, dict):
        return ("dict", [(key, _typed(inner)) for key, inner in value.items()])
    if isinstance(value, list):
        return ("list", [_typed(inner) for inner in value])
    return (type(value).__name__, value)


def _general_row(plan, cells) -> tuple[dict, list[tuple]]:
    """row_to_data the slow way: each cell through the general reader, then nested by its path."""
    data: dict = {}
    problems = []
    for column, value in zip(plan, cells):
        if column is None or _blank(value):
            continue
        try:
            converted = _convert(column, value)
        except CellError as exc:
            problems.append((column.name, exc.problem, exc.fix))
            continue
        node = data
        for key in column.keys[:-1]:
            node = node.setdefault(key, {})
        node[column.keys[-1]] = converted
    data.setdefault("schema_version", 1)
    return data, problems


def _demo_rows():
    with open(ROOT / "examples" / "batch-demo.csv", encoding="utf-8-sig", newline="") as f:
        header, *rows = csv.reader(f)
    plan, _ = plan_columns(header)
    return plan, rows


def test_every_demo_row_reads_as_the_general_readers_read_it():
    plan, rows = _demo_rows()
    for cells in rows:
        data, issues = row_to_data(plan, cells, "demo.csv")
        expected, problems = _general_row(plan, cells)
        assert _typed(data) == _typed(expected)
        assert [(i.path, i.fix) for i in issues] == [(name, fix) for name, _, fix in problems]


ODD_CELLS = {
    "park.boundary.area_km2": ["5.21e6", " 12 ", "5,210,000", "1_000", "nan", "inf", "1e999", "abc", "  ", 7, 2.5],
    "park.water_scarce": ["TRUE", "是", " yes ", "No", "maybe", "", 1, True],
    "park.base_year": ["2022", " 2022 ", "2022.0", "2022.5", "12345678901234567", "x"],
    "park.name": ["  园区  ", "\t", "a"],
    "energy": ["raw_coal:1.62e6 t:fuel", "coal:1,000 t", "coal:1_000 t", "coal:1e3t", "coal:5  t :grid",
               "coal:inf t", "coal:3 t\nx", "coal:1 t:factor=1.85 t CO2/t@assay@2022", "coal:1 t:bogus",
               "[]", "  ", '[{"carrier": "coal"}]', "[bad"],
    "exports": ["electricity: 4.0e5 MWh", "steam:3e5", "[]", "steam:١٢ GJ"],
    "processes": ["a|b|c|CO2=1,SO2=2", "a|b||CO2=1,,SO2=2|n|[]|CO2=5", "a|b|c|CO2=1,000", "a|b|c|d|e|f|g|h",
                  "|b", "a|b|c|CO2=x"],
    "characteristic_pollutants": ["VOCs; SO2 ;;", "[]", '["a;b"]'],
}


@pytest.mark.parametrize("column", sorted(ODD_CELLS))
def test_odd_cells_read_as_the_general_readers_read_them(column):
    plan, _ = plan_columns([column])
    for value in ODD_CELLS[column]:
        cells = [value]
        data, issues = row_to_data(plan, cells, "odd.csv")
        expected, problems = _general_row(plan, cells)
        assert _typed(data) == _typed(expected), value
        assert [(i.path, i.fix) for i in issues] == [(name, fix) for name, _, fix in problems], value


def test_a_short_row_leaves_the_missing_cells_unknown():
    plan, _ = plan_columns(["park.id", "park.name", "park.base_year"])
    assert row_to_data(plan, ["p-1"], "short.csv") == ({"park": {"id": "p-1"}, "schema_version": 1}, [])


def _amount_by_pattern(text):
    """_amount without its quick reader: (value, unit), or None when the text is refused."""
    m = _AMOUNT.match(text)
    if m is None or not m.group(2):
        return None
    try:
        return to_number(m.group(1)), m.group(2)
    except CellError:
        return None


@pytest.mark.parametrize("text", ["1.62e6 t", "  5 t ", "5  t", "5.t", ".5 t", "+5 t", "-0 Nm3", "1,000 t",
                                  "1_000 t", "1_000.5_5 t", "1e1_0 t", "5t", "5 ", "5", "inf t", "nan t",
                                  "5 t\n", "5 t\nx", "5\t t", "5\n t", "١٢ t", "5 t CO2/t", "x t", ""])
def test_the_plain_amount_reader_agrees_with_the_pattern(text):
    expected = _amount_by_pattern(text)
    assert _plain_amount(text) in (None, expected)
    try:
        read = _amount(text, "amount unit")
    except CellError:
        read = None
    assert read == expected


def test_list_cells_read_alike_by_column_parser_and_by_column_name():
    plan, rows = _demo_rows()
    for cells in rows:
        for column, value in zip(plan, cells):
            if column is None or column.kind != "list" or _blank(value):
                continue
            parse, form = COMPACT.get(column.name, (None, ""))
            assert _typed(_parse_compact(parse, form, value)) == _typed(_parse_list(column.name, value))
