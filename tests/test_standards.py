"""Standards are cited by edition: the checked table in knowledge/standards.csv, the cards' dated citations,
the checks that keep them right, and what `kb show` prints."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from advisor.cli.entry import main
from advisor.decide.checks import check_all
from advisor.kb.standards import CITED, load_table

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"


def table() -> dict[tuple[str, int], dict[str, str]]:
    with (KNOWLEDGE / "standards.csv").open(encoding="utf-8", newline="") as fh:
        return {(row["code"], int(row["year"])): row for row in csv.DictReader(fh)}


def cited_by(kb, mid: str) -> dict[str, object]:
    return {s.code: s for s in kb.measures[mid].standards}


# --- the table and the corrections --------------------------------------------------------------------

def test_the_table_loads_without_problems_and_has_one_current_edition_per_code():
    issues: list = []
    rows = load_table(KNOWLEDGE, issues)
    assert issues == [] and len(rows) == len(table())
    current = [r.code for r in rows if r.status == "current"]
    assert len(current) == len(set(current))


def test_every_superseded_edition_names_a_current_successor_in_the_table():
    rows = table()
    for (code, year), row in rows.items():
        if row["status"] == "superseded":
            succ_code, succ_year = row["superseded_by"].rsplit("-", 1)
            assert rows[(succ_code, int(succ_year))]["status"] == "current", f"{code}-{year}"


def test_gb_t_38903_has_its_own_title(kb):
    assert table()[("GB/T 38903", 2020)]["title_zh"] == "工业园区物质流分析技术导则"
    for mid in ("7.1.1", "7.3.8"):
        s = cited_by(kb, mid)["GB/T 38903"]
        assert s.year == 2020 and s.title.zh == "工业园区物质流分析技术导则"


def test_gb_24789_is_cited_as_the_recommended_2022_edition(kb):
    rows = table()
    assert rows[("GB 24789", 2009)]["superseded_by"] == "GB/T 24789-2022"
    assert rows[("GB/T 24789", 2022)]["status"] == "current"
    for mid in ("7.2.6", "7.3.2"):
        codes = cited_by(kb, mid)
        assert "GB 24789" not in codes and codes["GB/T 24789"].year == 2022


def test_hj_212_is_cited_as_the_2025_edition_with_its_new_title(kb):
    rows = table()
    assert rows[("HJ 212", 2025)]["title_zh"] == "污染物自动监测监控系统数据传输技术要求"
    assert "2026-01-01" in rows[("HJ 212", 2025)]["note"]
    assert rows[("HJ 212", 2017)]["superseded_by"] == "HJ 212-2025"
    for mid in ("7.1.5", "7.2.2"):
        s = cited_by(kb, mid)["HJ 212"]
        assert s.year == 2025 and s.title.zh == "污染物自动监测监控系统数据传输技术要求"


def test_gb_t_36547_is_cited_as_the_2024_edition_on_stations(kb):
    assert table()[("GB/T 36547", 2024)]["title_zh"] == "电化学储能电站接入电网技术规定"
    s = cited_by(kb, "7.2.5")["GB/T 36547"]
    assert s.year == 2024 and s.title.zh == "电化学储能电站接入电网技术规定"


@pytest.mark.parametrize("code,year", [("GB 17167", 2025), ("GB 34330", 2025), ("GB/T 36132", 2025),
                                       ("GB/T 29319", 2024)])
def test_the_newer_editions_are_the_current_ones(code, year):
    rows = table()
    assert rows[(code, year)]["status"] == "current"
    assert all(r["status"] == "superseded" for (c, y), r in rows.items() if c == code and y != year)


def test_gb_18918_notes_its_amendment():
    assert "2026-03-01" in table()[("GB 18918", 2002)]["note"]


def test_the_purchased_heat_factor_no_longer_cites_an_unconfirmed_revision(kb):
    source = kb.other_factors["purchased_heat_co2"].source
    assert "32150" not in source and "NDRC" in source


def test_no_english_title_is_both_official_and_ours():
    for key, row in table().items():
        assert bool(row["title_en"]) != bool(row["title_en_ours"]), key


# --- the cards' citations -------------------------------------------------------------------------------

def test_every_card_citation_resolves_to_a_current_row_with_year_and_title(kb):
    rows = table()
    count = 0
    for m in kb.measures.values():
        for s in m.standards:
            row = rows.get((s.code, s.year))
            assert row is not None, f"{m.id}: {s.code}-{s.year}"
            assert row["status"] == "current", f"{m.id}: {s.code}-{s.year}"
            assert s.title is not None and s.title.zh == row["title_zh"]
            assert s.title.en == (row["title_en"] or row["title_en_ours"])
            assert s.title_en_ours == (not row["title_en"])
            count += 1
    assert count >= 60


def test_every_standard_named_anywhere_in_knowledge_is_in_the_table():
    codes = {code for code, _ in table()}
    named = set()
    for path in KNOWLEDGE.rglob("*"):
        if path.is_file() and path.suffix in (".yaml", ".csv", ".md") and path.name != "standards.csv":
            named |= {f"{prefix} {number}" for prefix, number, _ in CITED.findall(path.read_text(encoding="utf-8"))}
    assert named and named <= codes, sorted(named - codes)


def test_cards_carry_no_titles_of_their_own():
    for path in (KNOWLEDGE / "measures").glob("*.yaml"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if "code:" in line:
                assert re.fullmatch(r'\s*- \{code: "[^"]+", year: \d{4}\}', line), f"{path.name}: {line}"


def test_kb_show_prints_code_year_and_title(capsys):
    assert main(["kb", "show", "7.2.6"]) == 0
    out = capsys.readouterr().out
    assert "GB/T 24789-2022 用水单位水计量器具配备和管理通则" in out
    assert "GB 24789 " not in out and "[our translation]" in out


def test_kb_show_json_gives_year_and_title(capsys):
    import json

    assert main(["kb", "show", "7.2.5", "--json"]) == 0
    standards = {s["code"]: s for s in json.loads(capsys.readouterr().out)["standards"]}
    assert standards["GB/T 36547"]["year"] == 2024
    assert standards["GB/T 36547"]["title"]["zh"] == "电化学储能电站接入电网技术规定"
    assert standards["GB/T 36547"]["title_en_ours"] is False


# --- the checks ------------------------------------------------------------------------------------------



def problems(root: Path) -> str:
    return "\n".join(str(i) for i in check_all(root / "knowledge", root / "rules"))


def edit_card(root: Path, mid: str, old: str, new: str) -> None:
    path = root / "knowledge" / "measures" / f"{mid}.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def add_rows(root: Path, *rows: str) -> None:
    path = root / "knowledge" / "standards.csv"
    path.write_text(path.read_text(encoding="utf-8") + "".join(r + "\n" for r in rows), encoding="utf-8")


def test_the_copy_is_clean(broken):
    assert problems(broken) == ""


def test_a_citation_without_a_year_is_reported(broken):
    edit_card(broken, "7.2.6", '{code: "GB/T 24789", year: 2022}', '{code: "GB/T 24789"}')
    report = problems(broken)
    assert "7.2.6.yaml: standards[2]: GB/T 24789 is cited without a year" in report
    assert "GB/T 24789-2022" in report


def test_an_unknown_code_is_reported(broken):
    edit_card(broken, "7.2.6", '{code: "GB/T 24789", year: 2022}', '{code: "GB/T 24790", year: 2022}')
    assert "7.2.6.yaml: standards[2]: GB/T 24790 is not in knowledge/standards.csv" in problems(broken)


def test_an_edition_the_table_does_not_have_is_reported(broken):
    edit_card(broken, "7.2.6", '{code: "GB/T 24789", year: 2022}', '{code: "GB/T 24789", year: 2021}')
    report = problems(broken)
    assert "GB/T 24789-2021 is not in knowledge/standards.csv" in report and "GB/T 24789-2022 (current)" in report


def test_a_code_named_in_a_factor_source_must_be_in_the_table(broken):
    path = broken / "knowledge" / "factors" / "heat_and_other.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("GB/T 2589 (calorific", "GB/T 2590 (calorific"),
                    encoding="utf-8")
    assert "heat_and_other.csv: GB/T 2590: GB/T 2590 is cited but not in knowledge/standards.csv" in problems(broken)


def test_one_edition_with_two_titles_in_the_table_is_reported(broken):
    add_rows(broken, "GB/T 38903,2020,园区物质流分析技术指南,,Technical guide for material flow analysis,"
                     "current,,review,")
    report = problems(broken)
    assert "GB/T 38903-2020 has two titles: 工业园区物质流分析技术导则 and 园区物质流分析技术指南" in report
    assert "GB/T 38903 has 2 current editions" in report


def test_a_card_giving_a_title_other_than_the_tables_is_reported(broken):
    edit_card(broken, "7.1.1", '{code: "GB/T 38903", year: 2020}',
              '{code: "GB/T 38903", year: 2020, title: {zh: "园区物质流分析技术指南", en: "Material flow analysis"}}')
    report = problems(broken)
    assert ("7.1.1.yaml: standards[0]: GB/T 38903 has two titles: 园区物质流分析技术指南 in the card "
            "and 工业园区物质流分析技术导则 in knowledge/standards.csv") in report


def test_two_editions_of_one_code_cited_by_the_cards_are_reported(broken):
    edit_card(broken, "7.2.2", '{code: "HJ 212", year: 2025}', '{code: "HJ 212", year: 2017}')
    report = problems(broken)
    assert "HJ 212 is cited with two titles" in report
    assert "7.2.2.yaml: standards[0]: HJ 212-2017 is superseded by HJ 212-2025" in report


def test_a_table_row_without_a_title_is_reported(broken):
    add_rows(broken, "GB 99999,2020,,,Something,current,,review,")
    assert "standards.csv: row" in problems(broken) and "title_zh" in problems(broken)


def test_the_basis_of_a_plan_lists_each_cited_edition_once_with_its_measures(kb):
    from advisor.kb.standards import basis

    rows = basis(kb, ["7.2.6", "7.3.2", "7.1.5"])
    editions = [e for e, _, _ in rows]
    assert len(editions) == len(set(editions))
    assert ("GB/T 24789-2022", "用水单位水计量器具配备和管理通则", ["7.2.6", "7.3.2"]) in rows
    assert ("HJ 212-2025", "Technical requirements for data transmission of pollutant automatic monitoring and "
            "surveillance systems", ["7.1.5"]) in basis(kb, ["7.1.5"], "en")
