"""Bad input through every front door: numbers out of range, control characters, special files, repeated keys,
what-if values that are not YAML. Each is refused with exit 1 (input) or 2 (usage), a located message, never an
internal error, and every JSON printed stays valid JSON."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest
import yaml

import advisor.api as api
from advisor.cli.entry import main, terminal_text
from advisor.errors import ProfileError

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo-chemical.yaml"


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def strict_json(text: str):
    """JSON as the standard defines it: NaN and Infinity are not JSON."""
    def refuse(constant: str):
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def demo_data() -> dict:
    return yaml.safe_load(DEMO.read_text(encoding="utf-8"))


def write_yaml(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def refused(capsys, *argv) -> str:
    """The stderr of a command that must refuse its input with exit 1, without an internal error."""
    code, out, err = run(capsys, *argv)
    assert code == 1, (out, err)
    assert "internal error" not in err and "Traceback" not in err
    return err


# --- 1. numbers -----------------------------------------------------------------------------

def demo_text_with(old: str, new: str) -> str:
    text = DEMO.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(("old", "new", "where", "problem"), [
    ("NOx: {2018: 2630", "NOx: {2018: '1e400'", "emissions_history.NOx.2018", "not a finite number"),
    ("NOx: {2018: 2630", "NOx: {2018: 1e400", "emissions_history.NOx.2018", "not a finite number"),
    ("NOx: {2018: 2630", "NOx: {2018: .inf", "emissions_history.NOx.2018", "not a finite number"),
    ("NOx: {2018: 2630", "NOx: {2018: 1e308", "emissions_history.NOx.2018", "larger than any amount"),
    ("NOx: {2018: 2630", "NOx: {2018: 1e-320", "emissions_history.NOx.2018", "closer to 0 than any amount"),
    ("pv_capacity_mw: 12", "pv_capacity_mw: '1e400'", "infrastructure.pv_capacity_mw", "not a finite number"),
    ("fresh_water_m3: 3.2e+7", "fresh_water_m3: 1e400", "water.fresh_water_m3", "not a finite number"),
    ("enterprise_count: 86", "enterprise_count: " + "9" * 400, "park.enterprise_count", "larger than any amount"),
])
def test_a_number_out_of_range_is_refused_by_validate_analyze_and_recommend_with_its_field(
        capsys, tmp_path, old, new, where, problem):
    path = tmp_path / "p.yaml"
    path.write_text(demo_text_with(old, new), encoding="utf-8")
    for verb in (["validate"], ["analyze", "--json"], ["recommend", "--json"], ["whatif", "--set",
                                                                                 "water.reuse_rate=0.9"]):
        err = refused(capsys, *verb, path)
        assert f"{where}: " in err and problem in err, err


def test_a_json_number_too_large_for_a_float_is_refused_by_name_not_read_as_infinity(capsys, tmp_path):
    data = demo_data()
    data["water"]["fresh_water_m3"] = 1.0
    path = tmp_path / "p.json"
    path.write_text(json.dumps(data, ensure_ascii=False).replace('"fresh_water_m3": 1.0', '"fresh_water_m3": 1e400'),
                    encoding="utf-8")
    err = refused(capsys, "recommend", "--json", path)
    assert "water.fresh_water_m3: '1e400' is not a finite number" in err


def test_a_json_nan_or_infinity_literal_is_refused(capsys, tmp_path):
    text = json.dumps(demo_data(), ensure_ascii=False).replace('"reuse_rate": 0.86', '"reuse_rate": NaN')
    path = tmp_path / "p.json"
    path.write_text(text, encoding="utf-8")
    assert "water.reuse_rate: 'NaN' is not a finite number" in refused(capsys, "validate", path)


def test_amounts_at_the_limits_are_analysed_and_advised_with_valid_json(capsys, tmp_path):
    data = demo_data()
    data["emissions_history"]["NOx"] = {2018: 1e15, 2019: 1e-12, 2020: 1e15, 2021: 1e-12, 2022: 1e15}
    data["economy"]["values"][2018] = 1e-12
    data["water"]["fresh_water_m3"] = 1e15
    data["infrastructure"]["pv_capacity_mw"] = 1e15
    data["processes"][0]["emissions"]["NOx"] = 1e15
    path = write_yaml(tmp_path / "p.yaml", data)
    for verb in ("analyze", "recommend"):
        code, out, err = run(capsys, verb, path, "--json")
        assert code == 0, err
        strict_json(out)


def test_a_workbook_cell_out_of_range_is_refused_with_its_cell(capsys, tmp_path):
    import openpyxl

    from advisor.profile.workbook import read_workbook_with_cells, write_workbook

    path = tmp_path / "p.xlsx"
    write_workbook(demo_data(), path)
    _, cells = read_workbook_with_cells(path)
    sheet, cell = cells["water.fresh_water_m3"].split("!")
    wb = openpyxl.load_workbook(path)
    wb[sheet][cell] = 1e308
    wb.save(path)
    err = refused(capsys, "validate", path)
    assert f"{sheet}!{cell}" in err and "larger than any amount" in err


def test_the_api_refuses_a_number_out_of_range_in_a_mapping_with_its_field():
    data = demo_data()
    data["emissions_history"]["SO2"][2018] = 1e308
    with pytest.raises(ProfileError) as caught:
        api.analyze(data)
    assert [i.path for i in caught.value.issues] == ["emissions_history.SO2.2018"]


def test_a_questionnaire_answer_out_of_range_is_refused_when_it_is_typed():
    from advisor.kb.questions import load_questions
    from advisor.questionnaire.answers import AnswerError, Reader

    question = next(q for q in load_questions().questions if q.id == "park-boundary-area")
    for text in ("1e308", "1e-320", "1e400"):
        with pytest.raises(AnswerError, match="too large or too small"):
            Reader(lang="en").read(question, text)


# --- 2. what-if values ----------------------------------------------------------------------

@pytest.mark.parametrize("value", ["[1, 2", "*x", "\x1b", "[" * 3000 + "]" * 3000,
                                   "!!python/object/apply:os.system [ls]", "{a: 1, a: 2}"])
def test_a_whatif_value_that_is_not_valid_yaml_is_a_usage_error_with_the_reason(capsys, value):
    code, out, err = run(capsys, "whatif", DEMO, "--set", f"water.reuse_rate={value}")
    assert code == 2, err
    assert "--set" in err and "is not valid YAML" in err
    assert "internal error" not in err and "\x1b" not in err


# --- 3. control characters ------------------------------------------------------------------

@pytest.mark.parametrize(("field", "char"), [("park.name", "\x1b"), ("park.name", "\x00"),
                                             ("processes[0].name", "\x01"), ("park.boundary_changes[0].note", "\x7f")])
def test_a_control_character_in_free_text_is_refused_at_validation_with_its_field_and_fix(
        capsys, tmp_path, field, char):
    data = demo_data()
    if field == "park.name":
        data["park"]["name"] = f"示例{char}园区"
    elif field == "processes[0].name":
        data["processes"][0]["name"] = f"锅炉{char}"
    else:
        data["park"]["boundary_changes"][0]["note"] = f"南区{char}并入"
    path = write_yaml(tmp_path / "p.yaml", data)
    code = f"U+{ord(char):04X}"
    for argv in (["validate", path], ["analyze", path], ["report", path, "-o", tmp_path / "r.docx"]):
        err = refused(capsys, *argv)
        assert f"{field}: contains the control character {code}" in err
        assert f"remove the control character {code}" in err and char not in err
    assert not (tmp_path / "r.docx").exists()


def test_a_control_character_in_a_key_is_refused_and_shown_escaped(capsys, tmp_path):
    data = demo_data()
    data["emissions_history"]["S\x1bO2"] = data["emissions_history"].pop("SO2")
    err = refused(capsys, "validate", write_yaml(tmp_path / "p.yaml", data))
    assert "S\\u001bO2" in err and "U+001B" in err and "\x1b" not in err


def test_a_lone_surrogate_in_json_text_is_refused(capsys, tmp_path):
    text = json.dumps(demo_data(), ensure_ascii=True).replace("\\u5316\\u5de5", "\\ud800", 1)
    path = tmp_path / "p.json"
    path.write_text(text, encoding="utf-8")
    assert "park.name: holds a lone surrogate" in refused(capsys, "validate", path)


def test_the_api_refuses_a_control_character_in_a_mapping():
    data = demo_data()
    data["park"]["name"] = "示例\x1b园区"
    with pytest.raises(ProfileError, match="U\\+001B"):
        api.recommend(data)


def test_a_questionnaire_text_with_a_control_character_is_refused_when_it_is_typed():
    from advisor.kb.questions import load_questions
    from advisor.questionnaire.answers import AnswerError, Reader

    question = next(q for q in load_questions().questions if q.id == "park-name")
    with pytest.raises(AnswerError, match="U\\+001B"):
        Reader(lang="en").read(question, "示例\x1b园区")


def test_the_word_writer_removes_characters_xml_cannot_hold():
    from advisor.render.report_writers import xml_safe

    context = {"title": "a\x1bb\x00c", "rows": [("d\ufffee", 1)], "n": 2.5}
    assert xml_safe(context) == {"title": "abc", "rows": [["de", 1]], "n": 2.5}


def test_the_terminal_shows_control_characters_escaped():
    assert terminal_text("a\x1b[31mb\tc\nd\x9b") == "a\\u001b[31mb\tc\nd\\u009b"
    assert terminal_text("示例园区") == "示例园区"


# --- 6. special files -----------------------------------------------------------------------

@pytest.fixture
def alarm():
    """Fail instead of hanging should a read block."""
    if not hasattr(signal, "SIGALRM"):
        pytest.skip("needs SIGALRM")

    def timeout(*_):
        raise TimeoutError("the read blocked")

    old = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_named_like_a_profile_is_refused_without_blocking(capsys, tmp_path, alarm):
    for name in ("p.json", "p.yaml", "p.xlsx"):
        fifo = tmp_path / name
        os.mkfifo(fifo)
        assert "is not a regular file" in refused(capsys, "validate", fifo)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_symlink_to_an_endless_device_is_refused_without_reading_it(capsys, tmp_path, alarm):
    for name in ("p.yaml", "p.json", "p.xlsx"):
        link = tmp_path / name
        link.symlink_to("/dev/zero")
        assert "is not a regular file" in refused(capsys, "validate", link)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_as_the_resume_file_is_refused_without_blocking(capsys, tmp_path, alarm):
    fifo = tmp_path / "session.json"
    os.mkfifo(fifo)
    assert "is not a regular file" in refused(capsys, "ask", "--resume", fifo, "-o", tmp_path / "out.yaml")


def test_a_read_is_bounded_by_the_bytes_read_not_the_size_reported(tmp_path):
    from advisor.kb.safe_load import read_bytes

    path = tmp_path / "p.yaml"
    path.write_bytes(b"a" * 101)
    assert read_bytes(path, ProfileError, 101) == b"a" * 101
    with pytest.raises(ProfileError, match="larger than"):
        read_bytes(path, ProfileError, 100)


# --- 7. repeated keys and deep nesting ------------------------------------------------------

def test_a_repeated_key_in_yaml_is_refused_with_both_lines(capsys, tmp_path):
    text = DEMO.read_text(encoding="utf-8") + "park: {id: other}\n"
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    first = 1 + text.splitlines().index("park:")
    second = len(text.splitlines())
    err = refused(capsys, "validate", path)
    assert f"line {second}, column 1: key 'park' appears twice" in err and f"first at line {first}," in err


def test_a_repeated_yes_no_key_in_one_mapping_is_refused_not_silently_replaced(capsys, tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(demo_text_with("management:\n", "management:\n  synergy_plan: false\n  synergy_plan: true\n"),
                    encoding="utf-8")
    assert "key 'synergy_plan' appears twice" in refused(capsys, "recommend", "--json", path)


def test_a_repeated_key_in_json_is_refused_with_both_places(capsys, tmp_path):
    path = tmp_path / "p.json"
    path.write_text('{"schema_version": 1,\n "park": {"id": "a"},\n "park": {"id": "b"}}', encoding="utf-8")
    err = refused(capsys, "validate", path)
    assert "line 3, column 2: key 'park' appears twice in one object (first at line 2, column 2)" in err


def test_json_nested_too_deep_names_the_line_and_column(capsys, tmp_path):
    path = tmp_path / "p.json"
    path.write_text('{"schema_version": 1,\n "park": ' + "[" * 3000 + "]" * 3000 + "}", encoding="utf-8")
    err = refused(capsys, "validate", path)
    assert "line 2, column" in err and "nesting is deeper than" in err


def test_yaml_nested_too_deep_names_the_line_and_column(capsys, tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("schema_version: 1\npark: " + "[" * 3000 + "]" * 3000 + "\n", encoding="utf-8")
    err = refused(capsys, "validate", path)
    assert "line 2, column" in err and "nesting" in err


def test_the_demo_park_is_still_advised_with_valid_json(capsys):
    code, out, _ = run(capsys, "recommend", DEMO, "--json")
    assert code == 0
    strict_json(out)
