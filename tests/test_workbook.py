"""The park profile as an Excel workbook: what is written reads back the same, and a problem names its cell."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml

from advisor.errors import ProfileError
from advisor.profile import workbook_read
from advisor.profile.model import Profile
from advisor.profile.workbook import (
    cell_of,
    read_workbook,
    read_workbook_with_cells,
    unplaced_fields,
    write_template,
    write_workbook,
)

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
EXAMPLE_YAMLS = sorted(EXAMPLES.glob("*.yaml"))


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def validated(tree: dict) -> dict:
    return Profile.model_validate(tree).model_dump()


def only_issue(error: pytest.ExceptionInfo) -> object:
    issues = error.value.issues
    assert len(issues) == 1, [str(i) for i in issues]
    return issues[0]


@pytest.fixture
def demo_xlsx(tmp_path: Path) -> Path:
    path = tmp_path / "demo.xlsx"
    write_workbook(load(EXAMPLES / "demo-chemical.yaml"), path)
    return path


def edit(path: Path, sheet: str, cell: str, value: object) -> None:
    wb = openpyxl.load_workbook(path)
    wb[sheet][cell] = value
    wb.save(path)


def fact_row(path: Path, sheet: str, fact: str) -> int:
    wb = openpyxl.load_workbook(path)
    for row in wb[sheet].iter_rows(min_col=1, max_col=1):
        if row[0].value == fact:
            return row[0].row
    raise AssertionError(f"{fact} not on sheet {sheet}")


def sheet_values(path: Path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    finally:
        wb.close()


# --- round trips ------------------------------------------------------------------------------------

def test_there_are_four_example_parks_and_a_later_cycle_of_one_and_each_is_a_valid_profile():
    assert [p.stem for p in EXAMPLE_YAMLS] == ["demo-chemical-2024", "demo-chemical", "demo-electroplating",
                                               "demo-manufacturing", "demo-textile"]
    for path in EXAMPLE_YAMLS:
        Profile.model_validate(load(path))


@pytest.mark.parametrize("example", EXAMPLE_YAMLS, ids=lambda p: p.stem)
def test_every_example_park_reads_back_from_its_workbook_unchanged(example: Path, tmp_path: Path):
    profile = load(example)
    path = tmp_path / f"{example.stem}.xlsx"
    write_workbook(profile, path)
    assert validated(read_workbook(path)) == validated(profile)


def test_the_shipped_demo_workbook_reads_to_the_same_profile_as_the_demo_yaml():
    assert validated(read_workbook(EXAMPLES / "demo-chemical.xlsx")) == validated(load(EXAMPLES / "demo-chemical.yaml"))


def test_the_shipped_template_is_an_empty_profile_of_format_1():
    assert read_workbook(EXAMPLES / "template.xlsx") == {"schema_version": 1}


def test_the_shipped_workbooks_are_up_to_date_with_the_yaml_and_the_layout(tmp_path: Path):
    write_template(tmp_path / "template.xlsx")
    write_workbook(load(EXAMPLES / "demo-chemical.yaml"), tmp_path / "demo-chemical.xlsx")
    for name in ("template.xlsx", "demo-chemical.xlsx"):
        assert sheet_values(EXAMPLES / name) == sheet_values(tmp_path / name), \
            f"examples/{name} is stale: run python examples/make_workbooks.py"


def test_every_profile_field_has_a_row_or_a_column_in_the_workbook():
    assert unplaced_fields() == []


def _noted_keys() -> set[str]:
    from advisor.profile.workbook import FACTS, TABLES

    return set(FACTS) | {f"{sheet}.{column}" for sheet, columns in TABLES.items() for column in columns}


def test_every_fact_and_column_has_a_note_and_every_note_a_field():
    from advisor.profile.workbook_texts import workbook_texts

    notes = set(workbook_texts().notes)
    assert sorted(_noted_keys() - notes) == []
    assert sorted(notes - _noted_keys()) == []


def test_the_workbook_texts_refuse_a_misspelt_key(tmp_path: Path, monkeypatch):
    from advisor.errors import KnowledgeError
    from advisor.profile import workbook_texts

    text = (workbook_texts.knowledge_dir() / workbook_texts.TEXTS_FILE).read_text(encoding="utf-8")
    misspelt = text.replace("history_notes:", "histroy_notes:")
    (tmp_path / workbook_texts.TEXTS_FILE).write_text(misspelt, encoding="utf-8")
    monkeypatch.setattr(workbook_texts, "knowledge_dir", lambda: tmp_path)
    workbook_texts.workbook_texts.cache_clear()
    try:
        with pytest.raises(KnowledgeError) as error:
            workbook_texts.workbook_texts()
    finally:
        workbook_texts.workbook_texts.cache_clear()
    assert {i.path for i in error.value.issues} == {"history_notes", "histroy_notes"}


def test_unknown_facts_stay_unknown_and_known_empty_lists_stay_empty(tmp_path: Path):
    profile = load(EXAMPLES / "demo-manufacturing.yaml")
    path = tmp_path / "m.xlsx"
    write_workbook(profile, path)
    back = read_workbook(path)
    assert "synergy_in_regulations" not in back["management"]
    assert "energy_env_links" not in back["infrastructure"]
    assert "cross_boundary_enterprise_links" not in back["surroundings"]
    assert back["exports"] == []


def test_numbers_that_yaml_left_as_text_are_numbers_in_the_workbook(tmp_path: Path):
    profile = {"schema_version": 1, "park": {"id": "p", "name": "P", "base_year": 2022,
                                             "industries": [{"code": "C26", "share": 0.5}]},
               "emissions_history": {"CO2e": {2018: "5.21e6", 2022: "5.48e6"}}}
    path = tmp_path / "p.xlsx"
    write_workbook(profile, path)
    assert read_workbook(path)["emissions_history"]["CO2e"] == {2018: 5.21e6, 2022: 5.48e6}


def test_text_that_looks_like_a_formula_is_kept_as_text(tmp_path: Path):
    profile = {"schema_version": 1, "park": {"id": "p", "name": "=1+1", "base_year": 2022,
                                             "industries": [{"code": "C26", "share": 0.5}]}}
    path = tmp_path / "p.xlsx"
    write_workbook(profile, path)
    assert read_workbook(path)["park"]["name"] == "=1+1"


# --- cell conventions --------------------------------------------------------------------------------

@pytest.mark.parametrize("cell, expected", [("是", True), ("否", False), ("yes", True), ("FALSE", False), (True, True)])
def test_yes_no_cells_accept_chinese_and_english_words(demo_xlsx: Path, cell: object, expected: bool):
    edit(demo_xlsx, "management", f"B{fact_row(demo_xlsx, 'management', 'management.disclosure')}", cell)
    assert read_workbook(demo_xlsx)["management"]["disclosure"] is expected


def test_an_empty_cell_means_unknown_not_no(demo_xlsx: Path):
    edit(demo_xlsx, "management", f"B{fact_row(demo_xlsx, 'management', 'management.disclosure')}", None)
    assert "disclosure" not in read_workbook(demo_xlsx)["management"]


def test_a_share_written_as_a_percentage_is_read_as_a_fraction(demo_xlsx: Path):
    edit(demo_xlsx, "infrastructure", f"B{fact_row(demo_xlsx, 'infrastructure', 'water.reuse_rate')}", "86%")
    assert read_workbook(demo_xlsx)["water"]["reuse_rate"] == pytest.approx(0.86)


def test_a_comma_separated_cell_is_a_list_and_none_is_an_empty_list(demo_xlsx: Path):
    row = fact_row(demo_xlsx, "third_party", "third_party.services")
    edit(demo_xlsx, "third_party", f"B{row}", "green_finance，environmental_housekeeper")
    assert read_workbook(demo_xlsx)["third_party"]["services"] == ["green_finance", "environmental_housekeeper"]
    edit(demo_xlsx, "third_party", f"B{row}", "无")
    assert read_workbook(demo_xlsx)["third_party"]["services"] == []


def test_a_table_whose_only_row_is_none_is_known_to_be_empty_and_an_empty_table_is_unknown(tmp_path: Path):
    profile = load(EXAMPLES / "demo-textile.yaml")
    path = tmp_path / "t.xlsx"
    write_workbook(profile, path)
    assert read_workbook(path)["exports"] == []
    edit(path, "exports", "A3", None)
    assert "exports" not in read_workbook(path)


# --- located errors -----------------------------------------------------------------------------------

def test_a_misspelt_column_is_named_with_a_suggestion(demo_xlsx: Path):
    edit(demo_xlsx, "energy", "A1", "carier")
    with pytest.raises(ProfileError) as error:
        read_workbook(demo_xlsx)
    issue = only_issue(error)
    assert issue.file == str(demo_xlsx)
    assert issue.path == "energy!A1"
    assert "did you mean 'carrier'" in issue.problem


def test_a_misspelt_fact_path_is_named_with_a_suggestion(demo_xlsx: Path):
    row = fact_row(demo_xlsx, "management", "management.synergy_plan")
    edit(demo_xlsx, "management", f"A{row}", "management.synergy_plna")
    with pytest.raises(ProfileError) as error:
        read_workbook(demo_xlsx)
    issue = only_issue(error)
    assert issue.path == f"management!A{row}"
    assert "did you mean 'management.synergy_plan'" in issue.problem


def test_a_misspelt_substance_column_is_named_with_a_suggestion(demo_xlsx: Path, monkeypatch):
    monkeypatch.setattr(workbook_read._Reader, "substances", lambda self: {"SO2", "NOx", "CO2", "VOCs", "PM"})
    wb = openpyxl.load_workbook(demo_xlsx)
    ws = wb["processes"]
    column = next(c.column_letter for c in ws[1] if c.value == "emissions.SO2")
    ws[f"{column}1"] = "emissions.S02"
    wb.save(demo_xlsx)
    with pytest.raises(ProfileError) as error:
        read_workbook(demo_xlsx)
    issues = [i for i in error.value.issues if i.path == f"processes!{column}1"]
    assert issues and "did you mean 'SO2'" in issues[0].problem


def test_an_unknown_sheet_is_named_with_a_suggestion(demo_xlsx: Path):
    wb = openpyxl.load_workbook(demo_xlsx)
    wb["energy"].title = "enrgy"
    wb.save(demo_xlsx)
    with pytest.raises(ProfileError) as error:
        read_workbook(demo_xlsx)
    issue = only_issue(error)
    assert issue.path == "enrgy!A1"
    assert "did you mean 'energy'" in issue.problem


def test_a_bad_number_cell_names_the_sheet_and_the_cell(demo_xlsx: Path):
    edit(demo_xlsx, "energy", "B3", "lots")
    with pytest.raises(ProfileError) as error:
        read_workbook(demo_xlsx)
    issue = only_issue(error)
    assert issue.path == "energy!B3"
    assert "'lots' is not a number" in issue.problem
    assert issue.fix


def test_a_share_in_percent_points_is_out_of_range_at_its_cell(demo_xlsx: Path):
    edit(demo_xlsx, "industries", "B3", 55)
    with pytest.raises(ProfileError) as error:
        read_workbook(demo_xlsx)
    issue = only_issue(error)
    assert issue.path == "industries!B3"
    assert "at most 1" in issue.problem and "35 %" in issue.fix


def test_a_bad_yes_no_cell_and_a_bad_choice_are_both_listed_at_once(demo_xlsx: Path):
    edit(demo_xlsx, "management", f"B{fact_row(demo_xlsx, 'management', 'management.disclosure')}", "maybe")
    edit(demo_xlsx, "management", f"B{fact_row(demo_xlsx, 'management', 'management.smart_platform')}", "basik")
    with pytest.raises(ProfileError) as error:
        read_workbook(demo_xlsx)
    problems = [i.problem for i in error.value.issues]
    assert len(problems) == 2
    assert any("not a yes/no value" in p for p in problems)
    assert any("did you mean 'basic'" in p for p in problems)


def test_a_validation_error_can_be_traced_back_to_its_cell(demo_xlsx: Path):
    _, cells = read_workbook_with_cells(demo_xlsx)
    assert cell_of(cells, ("park", "industries", 0, "share")) == "industries!B3"
    assert cell_of(cells, ("emissions_history", "series", "SO2", 2022)).startswith("history!")
    assert cell_of(cells, "park.name").startswith("park!B")
    assert cell_of(cells, "energy[2].factor.value") == "energy!H5"


# --- files that are not workbooks ---------------------------------------------------------------------

def test_a_file_that_is_not_a_workbook_gets_a_clear_error(tmp_path: Path):
    path = tmp_path / "profile.xlsx"
    path.write_text("schema_version: 1\n", encoding="utf-8")
    with pytest.raises(ProfileError) as error:
        read_workbook(path)
    issue = only_issue(error)
    assert issue.file == str(path)
    assert "not an .xlsx workbook" in issue.problem


def test_a_password_protected_or_old_xls_file_is_refused(tmp_path: Path):
    path = tmp_path / "locked.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    with pytest.raises(ProfileError) as error:
        read_workbook(path)
    assert "password-protected" in only_issue(error).problem


def test_a_damaged_workbook_is_refused_without_a_traceback(tmp_path: Path):
    path = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "this is not xml")
    with pytest.raises(ProfileError) as error:
        read_workbook(path)
    assert "workbook" in only_issue(error).problem


def test_a_missing_file_is_reported(tmp_path: Path):
    with pytest.raises(ProfileError) as error:
        read_workbook(tmp_path / "nowhere.xlsx")
    assert only_issue(error).problem == "file not found"


def test_a_workbook_above_the_size_limit_is_refused_before_it_is_opened(demo_xlsx: Path, monkeypatch):
    monkeypatch.setattr(workbook_read, "MAX_WORKBOOK_BYTES", 1000)
    with pytest.raises(ProfileError) as error:
        read_workbook(demo_xlsx)
    assert "larger than" in only_issue(error).problem


def test_a_sheet_with_too_many_rows_is_refused(demo_xlsx: Path, monkeypatch):
    monkeypatch.setattr(workbook_read, "MAX_ROWS", 5)
    with pytest.raises(ProfileError) as error:
        read_workbook(demo_xlsx)
    assert any("more than 5 rows" in i.problem for i in error.value.issues)


# --- writing ------------------------------------------------------------------------------------------

def test_writing_a_key_the_workbook_has_no_place_for_is_refused_rather_than_lost(tmp_path: Path):
    profile = load(EXAMPLES / "demo-chemical.yaml")
    profile["park"]["colour"] = "green"
    with pytest.raises(ProfileError) as error:
        write_workbook(profile, tmp_path / "x.xlsx")
    assert only_issue(error).path == "park.colour"
