"""Answers in the park manager's words: industries by name (化工 → C26), with a pick list when a name covers
several divisions; provinces by short name (江苏 → 江苏省); the same names in the terminal, the web form and a
batch or workbook cell."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml

from advisor.kb.names import name_index
from advisor.profile.cells import CellError
from advisor.profile.compact_forms import read_list
from advisor.questionnaire import AnswerError, Interview, Reader, Session, load_questions
from advisor.questionnaire.answers import PickNeeded

ROOT = Path(__file__).resolve().parent.parent
ALIASES = ROOT / "knowledge" / "industry_aliases.yaml"


@pytest.fixture(scope="module")
def book():
    return load_questions()


def question(book, qid):
    return next(q for q in book.questions if q.id == qid)


def reader(kb, lang="zh"):
    return Reader(lang=lang, units_kb=kb, industries=frozenset(kb.industries))


# --- the alias data ------------------------------------------------------------------------

def test_every_alias_maps_to_exactly_one_division_or_to_a_pick_list(kb):
    data = yaml.safe_load(ALIASES.read_text(encoding="utf-8"))
    index = name_index(kb)
    for entry in data["industries"]:
        assert entry["division"] in kb.industries
        for name in entry["names"]:
            assert index.industry(name).code == entry["division"], name
    for pick in data["pick_lists"]:
        assert set(pick["divisions"]) <= set(kb.industries) and len(pick["divisions"]) >= 2
        for name in pick["names"]:
            match = index.industry(name)
            assert match.code is None and match.choices == tuple(pick["divisions"]), name


@pytest.mark.parametrize("name, code", [
    ("化工", "C26"), ("精细化工", "C26"), ("纺织", "C17"), ("印染", "C17"), ("电镀", "C33"), ("钢铁", "C31"),
    ("水泥", "C30"), ("火电", "D44"), ("半导体", "C39"), ("chemicals", "C26"), ("Steel", "C31"),
    ("印染行业", "C17"), ("化学原料和化学制品制造业", "C26"), ("c26", "C26"),
])
def test_the_common_short_names_name_their_division(kb, name, code):
    assert name_index(kb).industry(name).code == code


def test_a_name_listed_twice_is_refused_by_the_schema():
    from pydantic import ValidationError

    from advisor.kb.schemas.names import IndustryNames

    data = yaml.safe_load(ALIASES.read_text(encoding="utf-8"))
    data["pick_lists"][0]["names"].append("化工")
    with pytest.raises(ValidationError, match="'化工'.*a name must mean one thing"):
        IndustryNames.model_validate(data)


def test_kb_check_refuses_an_alias_to_a_division_that_does_not_exist(broken):
    from advisor.kb.knowledge import load_knowledge_uncached

    path = broken / "knowledge" / "industry_aliases.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("division: C33", "division: C99", 1), encoding="utf-8")
    _, issues = load_knowledge_uncached(broken / "knowledge")
    assert any("unknown division 'C99'" in i.problem for i in issues)


# --- the questionnaire reads names ---------------------------------------------------------

@pytest.mark.parametrize("text, rows", [
    ("化工 55%, 纺织印染 12%", [("C26", 0.55), ("C17", 0.12)]),
    ("化工:0.55；电镀 10%", [("C26", 0.55), ("C33", 0.10)]),
    ("化工55%、半导体0.2", [("C26", 0.55), ("C39", 0.20)]),
    ("C26:55%, 钢铁 20%", [("C26", 0.55), ("C31", 0.20)]),
    ("iron and steel 30%, cement 0.2", [("C31", 0.30), ("C30", 0.20)]),
])
def test_industries_are_read_by_name_with_shares_as_percent_or_fraction(book, kb, text, rows):
    value = reader(kb).read(question(book, "park-industries"), text)
    assert [(r["code"], pytest.approx(r["share"])) for r in value] == [(c, pytest.approx(s)) for c, s in rows]


def test_a_name_is_shown_back_with_its_division_for_confirmation(book, kb):
    r = reader(kb)
    r.read(question(book, "park-industries"), "化工 55%")
    assert r.notes == ["化工 → C26 化学原料和化学制品制造业 55%"]


def test_a_name_covering_several_divisions_asks_which_one_and_the_pick_gives_its_code(book, kb):
    q = question(book, "park-industries")
    with pytest.raises(PickNeeded) as pick:
        reader(kb).read(q, "精细化工 40%, 石化 30%")
    assert pick.value.choices == ("C25", "C26")
    assert "1) C25 石油、煤炭及其他燃料加工业" in str(pick.value) and "2) C26" in str(pick.value)
    picked = reader(kb).read(q, pick.value.with_choice(1))
    assert picked == [{"code": "C26", "share": 0.4}, {"code": "C25", "share": 0.3}]


@pytest.mark.parametrize("text, reason", [
    ("塑胶 30%", "is not an industry we know"),
    ("化工", "should be a name or code and its share"),
    ("化工 55%, 精细化工 10%", "listed twice"),
    ("化工 155%", "share"),
])
def test_a_name_that_cannot_be_read_is_refused_with_the_reason_and_the_fix(book, kb, text, reason):
    with pytest.raises(AnswerError, match=reason):
        reader(kb, "en").read(question(book, "park-industries"), text)


@pytest.mark.parametrize("text, name", [("江苏", "江苏省"), ("江苏省", "江苏省"), ("Jiangsu", "江苏省"),
                                        ("内蒙古", "内蒙古自治区"), ("广西", "广西壮族自治区"),
                                        ("苏州", "江苏省"), ("苏州市", "江苏省"), ("吉林", "吉林省")])
def test_a_province_is_read_by_its_short_or_english_name_or_a_city_and_stored_in_full(book, kb, text, name):
    assert reader(kb).read(question(book, "park-province"), text) == name


def test_a_place_that_is_no_province_is_refused_naming_the_answer(book, kb):
    with pytest.raises(AnswerError, match="'Atlantis' is not a province or city we know"):
        reader(kb, "en").read(question(book, "park-province"), "Atlantis")


def test_the_terminal_offers_a_numbered_pick_list_and_shows_the_pick_back(book, kb, tmp_path):
    out = io.StringIO()
    iv = Interview(book, Session(), io.StringIO("石化 30%\n1\n"), out, tmp_path / "a.json", reader=reader(kb))
    iv.ask(question(book, "park-industries"))
    assert iv.session.answers["park.industries"] == [{"code": "C25", "share": 0.3}]
    text = out.getvalue()
    assert "请输入编号（1–2）" in text and "✓ 石化 → C25 石油、煤炭及其他燃料加工业 30%" in text


# --- the same names everywhere --------------------------------------------------------------

def test_a_batch_or_workbook_cell_reads_industry_names_like_the_questionnaire():
    assert read_list("park.industries", (), "化工:0.55;纺织业:12%;C29:0.1") == [
        {"code": "C26", "share": 0.55}, {"code": "C17", "share": 0.12}, {"code": "C29", "share": 0.1}]
    with pytest.raises(CellError, match="'石化' may mean several divisions: C25 .*C26"):
        read_list("park.industries", (), "石化:0.3")


def test_the_web_form_reads_industry_names_like_the_terminal(book, kb):
    from advisor.web.forms import read_answers

    class Form(dict):
        def getlist(self, key):
            return [self[key]] if key in self else []

    q = question(book, "park-industries")
    values, errors, _ = read_answers([q], Form({q.id: "化工 55%, 电镀 10%"}), reader(kb), "required")
    assert not errors and values[q.id] == [{"code": "C26", "share": 0.55}, {"code": "C33", "share": 0.1}]


def test_a_workbook_reads_industry_names_in_the_code_column_and_names_the_cell_of_an_ambiguous_one(tmp_path):
    import shutil

    import openpyxl

    from advisor.errors import ProfileError
    from advisor.profile.files import read_profile_data

    book_path = tmp_path / "park.xlsx"
    shutil.copy(ROOT / "examples" / "demo-chemical.xlsx", book_path)
    wb = openpyxl.load_workbook(book_path)
    rows = [r for r in wb["industries"].iter_rows(min_row=1) if r[0].value in ("C26", "C29")]
    rows[0][0].value, rows[1][0].value = "化工", "橡塑"
    wb.save(book_path)
    industries = read_profile_data(book_path)["park"]["industries"]
    assert [i["code"] for i in industries[:2]] == ["C26", "C29"]
    rows[1][0].value = "石化"
    wb.save(book_path)
    with pytest.raises(ProfileError, match=rf"industries!A{rows[1][0].row}: code: '石化' may mean several divisions"):
        read_profile_data(book_path)
