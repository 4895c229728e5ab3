"""The quick readers of list cells read what the careful item-by-item reading reads, or leave the cell to it."""

from __future__ import annotations

import random

import pytest

from advisor.profile.cells import CellError
from advisor.profile.compact_forms import COMPACT, _items, read_list
from advisor.profile.compact_quick import QUICK

CELLS = {
    "energy": ["raw_coal:1827894.317 t:fuel:metered:process=chp-1;natural_gas:407.964 万Nm3:metered:owner=e-base",
               "raw_coal:1.5e5 t:fuel:metered:process=boilers:owner=e-chlor:factor=1.85 t CO2/t@2022 fuel assay@2022",
               "electricity:2.9e6 MWh:grid;diesel:317.79 t", "coal:.5 t:;gas:+1. m3::fuel:fuel"],
    "park.industries": ["C26:0.061;C29:0.218;D44:0.169", "C26:0;C26:1"],
    "processes": ["chp-1|fuel_combustion|infrastructure|CO2=2470669.496,SO2=200.3|燃煤锅炉|limestone_fgd,scr_urea|"
                  "SO2=6514.224;grid-power|purchased_electricity|infrastructure||外购电力",
                  "a|b|||||", "a|b|c|CO2=1,CO2=2|n|[]|SO2=1", "a|b"],
    "enterprises": ["e-coalchem|某煤化工公司|C26|0.14|true;e-fine|某精细化工公司|C26|0.08|false", "e|||",
                    "e|n|C26|1e3|Yes"],
    "materials": ["e-auto|byproduct|冲压边角料（废钢）|38000 t|e-foundry|false;e-foundry|input|铸造生铁及废钢|110000 t",
                  "e|k|m|1 t||"],
    "enterprises_summary.boilers": ["coal:35:3;natural_gas:10:5", "coal:35:003;oil:2"],
    "management.programmes": ["circular_transformation:2021;green_park", "x:0012"],
}
NOISE = [" ", "\t", "\u3000", ";", ":", "|", ",", "=", "\n", "%", "e", "1e999", "9" * 25, "true", "是", "x", "-", ".",
         "[]", "@", "０", "_", "nan", "inf"]


def _careful(column: str, text: str):
    try:
        return [COMPACT[column][0](item) for item in _items(text)]
    except CellError as exc:
        return exc.problem


def _shape(x):
    """A value with its types spelled out (1 and 1.0 differ)."""
    if isinstance(x, dict):
        return [(k, _shape(v)) for k, v in x.items()]
    if isinstance(x, list):
        return [_shape(v) for v in x]
    return type(x).__name__, x


def _variants(text: str, rnd: random.Random) -> list[str]:
    out = [text]
    for _ in range(60):
        chars = list(text)
        at = rnd.randrange(len(chars) + 1)
        if rnd.random() < 0.6:
            chars.insert(at, rnd.choice(NOISE))
        else:
            del chars[min(at, len(chars) - 1)]
        out.append("".join(chars).strip())
    return [t for t in out if t]


@pytest.mark.parametrize("column", sorted(QUICK))
def test_a_quick_reader_reads_as_the_careful_reader_or_leaves_the_cell_to_it(column):
    rnd = random.Random(column)
    read = 0
    for cell in CELLS[column]:
        for text in _variants(cell, rnd):
            quick = QUICK[column](text)
            if quick is not None:
                read += 1
                assert _shape(quick) == _shape(_careful(column, text)), text
    assert read > len(CELLS[column])


def test_cells_the_quick_readers_leave_keep_their_careful_messages():
    with pytest.raises(CellError, match=r"item 2: 'x' is not carrier:amount unit"):
        read_list("energy", (), "coal:1 t;x")
    with pytest.raises(CellError, match=r"item 1: '1e999' is not a finite number \(in 'CO2=1e999'\)"):
        read_list("processes", (), "a|b|c|CO2=1e999")
    assert read_list("energy", (), "coal: 1,000 t ; gas:2 m3") == [
        {"carrier": "coal", "amount": 1000.0, "unit": "t"}, {"carrier": "gas", "amount": 2.0, "unit": "m3"}]


def test_energy_items_get_their_own_factor():
    cell = "coal:1 t:factor=1.85 t CO2/t@assay@2022;coal:2 t:factor=1.85 t CO2/t@assay@2022"
    first, second = read_list("energy", (), cell)
    assert first["factor"] == second["factor"] == {"value": 1.85, "unit": "t CO2/t", "source": "assay", "year": 2022}
    assert first["factor"] is not second["factor"]


def test_a_list_of_names_reads_the_same_the_second_time_when_the_set_of_choices_is_kept():
    choices = ("spent_acid", "steam", "a,b")
    for _ in range(2):
        assert read_list("test.names", choices, "steam;spent_acid") == ["steam", "spent_acid"]
        assert read_list("test.names", choices, "Steam， spent_acid") == ["steam", "spent_acid"]
        with pytest.raises(CellError, match="'a' is not allowed here"):
            read_list("test.names", choices, "a,b")
