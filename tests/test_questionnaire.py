"""The guided questionnaire: questions as data, the ask loop fed through streams,
resume after end of input or Ctrl-C, --answers / --non-interactive, and the derived measures at stake."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from demo_answers import TYPED

from advisor.errors import ProfileError
from advisor.profile.files import validate_data
from advisor.questionnaire import (
    AskOptions,
    Interview,
    Reader,
    Session,
    flatten,
    load_questions,
    load_rulebase_partial,
    measures_at_stake,
    nest,
    run_ask,
    source_paths,
    units_only,
)

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo-chemical.yaml"
EOF = object()

# The demo chemical park as typed at the terminal: choices by number or 是/否 (question id → answer).
DEMO_ANSWERS = {
    **TYPED,
    "park-level": "1",
    "park-key-air-region": "是",
    "park-water-scarce": "否",
    "economy-indicator": "1",
    "economy-constant-prices": "y",
    "management-plan": "否",
    "management-appraisal": "否",
    "management-smart-platform": "2",
    "management-disclosure": "否",
    "wastewater-plant": "是",
    "high-salt-wastewater": "是",
    "byproduct-streams": "spent_acid, steam, fly_ash, gypsum, pure_co2",
}


class ScriptedInput:
    """Answers by question id: reads the id of the question just printed ("… · park-id") from the output.

    A list gives successive answers to the same question (for re-asks); EOF ends the input there;
    a question not in the script gets an empty answer (unknown).
    """

    def __init__(self, output: io.StringIO, script: dict):
        self.output = output
        self.script = {k: (list(v) if isinstance(v, list) else [v]) for k, v in script.items()}
        self.calls = 0

    def readline(self) -> str:
        self.calls += 1
        assert self.calls < 1000, "the interview does not end"
        ids = re.findall(r" · ([a-z0-9-]+)\n", self.output.getvalue())
        answers = self.script.get(ids[-1]) if ids else None
        if not answers:
            return "\n"
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if answer is EOF:
            return ""
        return f"{answer}\n"


@pytest.fixture(scope="module")
def book():
    return load_questions()


@pytest.fixture(scope="module")
def stakes(book):
    return measures_at_stake(book, load_rulebase_partial())


@pytest.fixture(scope="module")
def units():
    return units_only()


def interview(book, stakes, units, tmp_path, script, session=None, lang="zh"):
    out = io.StringIO()
    base = load_rulebase_partial()
    iv = Interview(book, session or Session(), ScriptedInput(out, script), out, tmp_path / "answers.json",
                   lang=lang, stakes=stakes, titles={}, rules_loaded=bool(base.rules),
                   reader=Reader(lang=lang, units_kb=units))
    return iv, out


# --- the question file ---------------------------------------------------------------------

def test_the_question_file_has_at_least_25_questions_covering_every_profile_section(book):
    assert len(book.questions) >= 25
    sections = {q.path.split(".")[0] for q in book.questions}
    assert {"park", "economy", "emissions_history", "energy", "management", "infrastructure", "water",
            "enterprises_summary", "third_party", "surroundings"} <= sections


def test_only_id_name_base_year_and_industries_are_required(book):
    required = {q.path for q in book.questions if q.required}
    assert required == {"park.id", "park.name", "park.base_year", "park.industries"}


def test_a_misspelt_key_in_a_question_is_an_error(book):
    from pydantic import ValidationError

    from advisor.kb.schemas.questions import QuestionBook

    data = book.model_dump(mode="json")
    data["questions"][0]["txet"] = data["questions"][0]["text"]
    with pytest.raises(ValidationError, match="txet"):
        QuestionBook.model_validate(data)


def test_every_question_fills_a_real_profile_field(book, kb):
    from advisor.profile.fields import model_at

    for q in book.questions:
        head, _, last = q.path.rpartition(".")
        if head == "energy":
            assert last in kb.carriers, q.id
        elif head == "emissions_history":
            assert last in kb.substances, q.id
        else:
            model = model_at(head or ())   # a top-level list (measures_status) sits on the profile itself
            assert model is not None and last in model.model_fields, f"{q.id}: {q.path}"


def test_every_analysis_named_by_a_fact_source_says_which_profile_sections_it_reads(book):
    base = load_rulebase_partial()
    named = {f.source.split(":", 1)[1].split()[0] for f in base.facts.values() if f.source.startswith("analysis:")}
    assert named <= set(book.analysis_inputs), "add the missing names under analysis_inputs in knowledge/questions.yaml"


def test_a_fact_source_with_a_bare_sibling_field_names_both_profile_paths():
    paths = source_paths("infrastructure.hazardous_waste.generated_t − disposal_capacity_t", {})
    assert paths == ["infrastructure.hazardous_waste.generated_t", "infrastructure.hazardous_waste.disposal_capacity_t"]
    assert source_paths("analysis: decoupling (whole span)", {"decoupling": ["economy"]}) == ["economy"]


def test_measures_at_stake_include_every_rule_reading_the_questions_fact(book, stakes):
    base = load_rulebase_partial()
    if not base.rules:
        pytest.skip("rules/ has no rule books yet")
    from advisor.kb.conditions import facts_of

    direct = {r.rule.then.measure for r in base.rules.values()
              if r.rule.then.measure and "infrastructure.wastewater_kwh_per_m3" in facts_of(r.condition)}
    assert direct <= set(stakes["wastewater-kwh-per-m3"])


# --- reading answers -----------------------------------------------------------------------

@pytest.mark.parametrize("qid, text, value", [
    ("park-enterprise-count", "3.2万", 32000),
    ("park-enterprise-count", "32,000", 32000),
    ("park-vacant-land", "85%", 0.85),
    ("park-vacant-land", "0.85", 0.85),
    ("energy-coal", "1.2e6 t", 1.2e6),
    ("energy-coal", "120万t", 1.2e6),
    ("energy-coal", "120万", 1.2e6),
    ("energy-electricity", "29亿kWh", 2.9e6),
    ("park-key-air-region", "是", True),
    ("park-key-air-region", "n", False),
    ("park-level", "2", "provincial"),
    ("management-programmes", "1, low_carbon", [{"kind": "eco_industrial"}, {"kind": "low_carbon"}]),
    ("energy-env-links", "无", []),
    ("economy-values", "2018:410, 2022=512.3", {"2018": 410.0, "2022": 512.3}),
])
def test_answers_are_read_in_the_users_units(book, units, qid, text, value):
    q = next(q for q in book.questions if q.id == qid)
    assert Reader(units_kb=units).read(q, text) == pytest.approx(value) if isinstance(value, float) else \
        Reader(units_kb=units).read(q, text) == value


@pytest.mark.parametrize("qid, text, reason", [
    ("energy-coal", "1.2e6 GJ", "GJ"),
    ("energy-coal", "lots", "not a number"),
    ("park-vacant-land", "85", "85%"),
    ("park-enterprise-count", "3.5", "whole number"),
    ("park-industries", "C26:70%, C29:40%", "more than 100"),
    ("park-industries", "X99:10%", "unknown industry"),
    ("park-level", "galactic", "not one of the choices"),
])
def test_a_bad_answer_is_refused_with_the_reason(book, units, qid, text, reason):
    from advisor.questionnaire import AnswerError, industry_codes

    q = next(q for q in book.questions if q.id == qid)
    with pytest.raises(AnswerError, match=reason):
        Reader(lang="en", units_kb=units, industries=industry_codes()).read(q, text)


# --- one vocabulary: the terminal, the web form and a workbook cell read an answer alike -----

REFUSED = "refused"


class Form(dict):
    """A submitted page as the web form reader sees it (Starlette's FormData: get and getlist)."""

    def getlist(self, key):
        return [self[key]] if key in self else []


def answered_in_the_terminal(book, units, tmp_path, qid, text):
    """What the terminal stores for the answer typed once; REFUSED when it asks again instead."""
    from advisor.questionnaire import Stop

    q = next(q for q in book.questions if q.id == qid)
    iv = Interview(book, Session(), io.StringIO(f"{text}\n"), io.StringIO(), tmp_path / "answers.json", lang="en",
                   reader=Reader(lang="en", units_kb=units))
    try:
        iv.ask(q)
    except Stop:   # the answer was not taken and the input ended before a second one
        return REFUSED
    assert iv.session.asked == [qid]
    return iv.session.answers.get(q.path)


def answered_on_the_web_form(book, units, qid, text):
    """What the web form stores for the same text; REFUSED when it shows an error instead."""
    from advisor.web.forms import read_answers

    q = next(q for q in book.questions if q.id == qid)
    values, errors, _ = read_answers([q], Form({qid: text}), Reader(lang="en", units_kb=units), "required")
    return REFUSED if qid in errors else values[qid]


def in_a_workbook_cell(read, text):
    """What the workbook's cell vocabulary (advisor.profile.cells) makes of the same text."""
    from advisor.profile.cells import CellError

    try:
        return read(text)
    except CellError:
        return REFUSED


@pytest.mark.parametrize("text, value", [
    ("是", True), ("有", True), ("yes", True), ("对", True),
    ("否", False), ("没有", False), ("no", False), ("0", False),
    ("不清楚", None), ("unknown", None), ("", None),
    ("也许", REFUSED),
])
def test_a_yes_no_answer_means_the_same_in_the_terminal_the_web_form_and_a_workbook_cell(
        book, units, tmp_path, text, value):
    from advisor.profile.cells import to_bool

    assert answered_in_the_terminal(book, units, tmp_path, "park-key-air-region", text) == value
    assert answered_on_the_web_form(book, units, "park-key-air-region", text) == value
    assert in_a_workbook_cell(to_bool, text) == value


@pytest.mark.parametrize("qid, text, value", [
    ("energy-coal", "5,210,000", 5210000.0),
    ("energy-coal", "5.21e6", 5210000.0),
    ("energy-coal", "35%", 0.35),
    ("park-vacant-land", "35%", 0.35),
    ("park-vacant-land", "0.35", 0.35),
    ("energy-coal", "1e400", REFUSED),
    ("energy-coal", "-1e400", REFUSED),
    ("energy-coal", "不清楚", None),
])
def test_a_number_means_the_same_in_the_terminal_the_web_form_and_a_workbook_cell(
        book, units, tmp_path, qid, text, value):
    from advisor.profile.cells import is_unknown, to_number

    assert answered_in_the_terminal(book, units, tmp_path, qid, text) == value
    assert answered_on_the_web_form(book, units, qid, text) == value
    assert in_a_workbook_cell(lambda t: None if is_unknown(t) else to_number(t), text) == value


@pytest.mark.parametrize("text, kinds", [
    ("无", []), ("none", []), ("没有", []),
    ("low_carbon, green_park", ["low_carbon", "green_park"]),
    ("low_carbon；green_park、co_control", ["low_carbon", "green_park", "co_control"]),
    ("eco-industrial park, 绿色园区", ["eco_industrial", "green_park"]),
])
def test_a_list_means_the_same_in_the_terminal_the_web_form_and_a_workbook_cell(book, units, tmp_path, text, kinds):
    from advisor.profile.cells import split_items

    rows = [{"kind": k} for k in kinds]
    assert answered_in_the_terminal(book, units, tmp_path, "management-programmes", text) == rows
    assert answered_on_the_web_form(book, units, "management-programmes", text) == rows
    q = next(q for q in book.questions if q.id == "management-programmes")
    names = {c.text.en: c.value for c in q.choices} | {c.text.zh: c.value for c in q.choices}
    assert [names.get(item, item) for item in split_items(text)] == kinds


def test_a_number_too_large_for_a_float_as_typed_or_in_the_questions_unit_is_refused(book, units):
    from advisor.questionnaire import AnswerError

    q = next(q for q in book.questions if q.id == "energy-coal")
    for text in ("1e400 t", "1e305万t", "1e305万"):
        with pytest.raises(AnswerError, match="too large"):
            Reader(lang="en", units_kb=units).read(q, text)


def test_an_unknown_word_for_a_required_question_is_asked_again_in_the_terminal_and_refused_on_the_web(
        book, units, tmp_path):
    assert answered_in_the_terminal(book, units, tmp_path, "park-name", "不清楚") == REFUSED
    assert answered_on_the_web_form(book, units, "park-name", "不清楚") == REFUSED


def test_every_question_asks_for_the_kind_of_value_its_profile_field_holds(book):
    from advisor.profile.fields import field_at

    kinds = {"yesno": {"bool"}, "number": {"number"}, "share": {"number"}, "count": {"int"}, "year": {"int"},
             "text": {"text"}, "choice": {"choice", "text"}, "list": {"list"}, "industries": {"list"}}
    for q in book.questions:
        if q.type not in kinds or q.path.split(".")[0] in ("energy", "emissions_history"):  # keyed rows, series
            continue
        field = field_at(q.path.split("."))
        assert field is not None and field.kind in kinds[q.type], f"{q.id}: {q.path} holds {field}"
        if field.kind == "choice":   # a choice of free text (economy.unit) offers common values only
            assert {c.value for c in q.choices or []} <= set(field.choices), q.id


# --- the loop ------------------------------------------------------------------------------

def test_a_full_interview_for_the_demo_parks_key_facts_gives_a_valid_profile(book, stakes, units, tmp_path, kb):
    iv, out = interview(book, stakes, units, tmp_path, DEMO_ANSWERS)
    assert iv.run() == "done"
    text = out.getvalue()
    assert "问题 1 / 约" in text and "园区名称" in text
    profile = validate_data(nest(iv.session.answers, book), "answers", kb)
    assert profile.park.id == "demo-chemical" and profile.park.industries[0].share == pytest.approx(0.55)
    assert profile.emissions_history.series["CO2e"][2022] == pytest.approx(5.48e6)
    coal = next(e for e in profile.energy if e.carrier == "raw_coal")
    assert (coal.amount, coal.unit) == (pytest.approx(1.62e6), "t")
    assert profile.infrastructure.hazardous_waste.generated_t == pytest.approx(38000)
    saved = json.loads((tmp_path / "answers.json").read_text(encoding="utf-8"))
    assert saved["answers"] == iv.session.answers


def test_bad_answers_are_asked_again_with_the_reason(book, stakes, units, tmp_path):
    script = dict(DEMO_ANSWERS, **{"park-base-year": ["二〇二二", "1800", "2022"], "energy-coal": ["5 GJ", "1.62e6 t"]})
    iv, out = interview(book, stakes, units, tmp_path, script, lang="en")
    assert iv.run() == "done"
    text = out.getvalue()
    assert text.count("✗ write a year from 2005 to 2100") == 2
    assert "unit 'GJ' measures energy, but mass is needed here" in text
    assert iv.session.answers["park.base_year"] == 2022 and iv.session.answers["energy.raw_coal"] == 1.62e6


def test_an_empty_answer_is_unknown_and_absent_from_the_profile_but_a_required_one_is_asked_again(
        book, stakes, units, tmp_path, kb):
    script = dict(DEMO_ANSWERS, **{"park-name": ["", "示例化工园区"], "park-key-air-region": ""})
    iv, out = interview(book, stakes, units, tmp_path, script, lang="en")
    assert iv.run() == "done"
    assert "this question must be answered" in out.getvalue()
    assert "park-key-air-region" in iv.session.asked and "park.key_air_region" not in iv.session.answers
    profile = validate_data(nest(iv.session.answers, book), "answers", kb)
    assert profile.park.key_air_region is None


def test_a_question_mark_shows_why_the_question_is_asked_and_the_measures_it_can_change(book, stakes, units, tmp_path):
    script = dict(DEMO_ANSWERS, **{"management-plan": ["?", "否"]})
    iv, out = interview(book, stakes, units, tmp_path, script, lang="en")
    iv.run()
    text = out.getvalue()
    assert "Why this is asked: A top-level plan is where co-control starts" in text
    if stakes["management-plan"]:
        assert "Measures this answer can change:" in text
        assert all(f"  {m}" in text for m in stakes["management-plan"])


def test_back_revisits_the_previous_question_showing_the_earlier_answer(book, stakes, units, tmp_path):
    script = dict(DEMO_ANSWERS, **{"park-province": ["back", "浙江省"], "park-level": ["1", "2"]})
    iv, out = interview(book, stakes, units, tmp_path, script, lang="en")
    assert iv.run() == "done"
    assert "previous answer: national" in out.getvalue()
    assert iv.session.answers["park.level"] == "provincial"
    assert iv.session.asked.count("park-level") == 1


def test_a_follow_up_is_skipped_when_its_ask_if_is_false(book, stakes, units, tmp_path):
    iv, out = interview(book, stakes, units, tmp_path, dict(DEMO_ANSWERS, **{"wastewater-plant": "否"}))
    iv.run()
    assert "· wastewater-load-ratio" not in out.getvalue()
    assert "infrastructure.central_wastewater_plant.load_ratio" not in iv.session.answers


def test_an_interview_stopped_at_end_of_input_resumes_from_the_file_and_ends_with_the_same_profile(
        book, stakes, units, tmp_path):
    whole, _ = interview(book, stakes, units, tmp_path / "a", DEMO_ANSWERS)
    whole.run()
    first, out = interview(book, stakes, units, tmp_path / "b", dict(DEMO_ANSWERS, **{"management-plan": EOF}))
    assert first.run() == "eof"
    assert "park-advisor ask --resume" in out.getvalue()
    resumed, _ = interview(book, stakes, units, tmp_path / "b", DEMO_ANSWERS,
                           session=Session.load(tmp_path / "b" / "answers.json"))
    assert resumed.run() == "done"
    assert nest(resumed.session.answers, book) == nest(whole.session.answers, book)


def test_run_ask_stops_cleanly_at_end_of_input_with_exit_code_zero(tmp_path):
    out = io.StringIO()
    code = run_ask(AskOptions(output=str(tmp_path / "p.yaml"), lang="en"), io.StringIO("demo\nDemo park\n"), out)
    assert code == 0
    saved = json.loads((tmp_path / "p.yaml.answers.json").read_text(encoding="utf-8"))
    assert saved["answers"] == {"park.id": "demo", "park.name": "Demo park"}
    assert f"--resume {tmp_path / 'p.yaml.answers.json'}" in out.getvalue()


# --- pre-filled and non-interactive --------------------------------------------------------

def test_answers_from_a_profile_are_not_asked_again(book, stakes, units, tmp_path):
    data = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    session = Session()
    session.prefill(data)
    iv, out = interview(book, stakes, units, tmp_path, {}, session=session)
    assert iv.run() == "done"
    given = flatten(data)
    asked = [q for q in book.questions if q.id in iv.session.asked]
    assert not [q.id for q in asked if any(p == q.path or p.startswith(q.path + ".") for p in given)]
    assert "park-id" not in iv.session.asked and "energy-coal" not in iv.session.asked


def test_a_profile_flattened_to_paths_and_nested_again_is_unchanged(book, kb):
    data = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    again = nest(flatten(data), book)
    assert flatten(again) == flatten(data)
    validate_data(again, "again", kb)


def test_non_interactive_without_a_required_answer_fails_naming_the_question_and_path(tmp_path):
    partial = tmp_path / "partial.yaml"
    partial.write_text("schema_version: 1\npark: {id: tiny, base_year: 2022}\n", encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        run_ask(AskOptions(answers=str(partial), non_interactive=True, output=str(tmp_path / "o.yaml")),
                io.StringIO(""), io.StringIO())
    text = str(err.value)
    assert "park-name" in text and "park.name" in text and "park-industries" in text and "park.industries" in text
    assert "park.id" not in text


def _cli(*argv, **kw):
    return subprocess.run([sys.executable, "-m", "advisor", *argv], capture_output=True, text=True,
                          encoding="utf-8", timeout=300, cwd=kw.get("cwd", ROOT), input=kw.get("input"))


def test_non_interactive_answers_from_the_demo_park_give_the_same_recommendations(tmp_path):
    out = tmp_path / "demo.yaml"
    done = _cli("ask", "--non-interactive", "--answers", str(DEMO), "-o", str(out), "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert f"Park profile written to {out}" in done.stdout
    assert _cli("validate", str(out)).returncode == 0
    ids = [[r["measure"] for r in json.loads(_cli("recommend", str(p), "--json").stdout)["recommendations"]]
           for p in (DEMO, out)]
    assert ids[0] == ids[1]


def test_list_questions_json_lists_every_question_with_its_derived_measures(capsys):
    from advisor.cli.entry import main

    assert main(["ask", "--list-questions", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) >= 25
    assert all({"id", "text", "type", "path", "measures"} <= set(r) for r in rows)
    assert all(set(r["text"]) == {"zh", "en"} for r in rows)
    if load_rulebase_partial().rules:
        assert sum(1 for r in rows if r["measures"]) >= 25


# --- a real terminal -----------------------------------------------------------------------

class Terminal:
    """The parent's side of a pseudo-terminal: read until some text has appeared (past what was already seen)."""

    def __init__(self, fd: int):
        self.fd, self.buf, self.pos = fd, b"", 0

    def wait_for(self, needle: str, timeout: float = 60) -> str:
        import select

        end = time.monotonic() + timeout
        while (at := self.buf.find(needle.encode(), self.pos)) < 0:
            left = end - time.monotonic()
            assert left > 0, f"timed out waiting for {needle!r}; got {self.buf.decode(errors='replace')[-500:]!r}"
            if select.select([self.fd], [], [], left)[0]:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:  # the child has gone
                    chunk = b""
                assert chunk, f"the terminal closed before {needle!r}: {self.buf.decode(errors='replace')[-500:]!r}"
                self.buf += chunk
        seen, self.pos = self.buf[self.pos:at + len(needle)], at + len(needle)
        return seen.decode(errors="replace")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_ctrl_c_in_a_real_terminal_saves_the_answers_and_resume_finishes(tmp_path):
    import pty

    out = tmp_path / "park.yaml"
    pid, fd = pty.fork()
    if pid == 0:  # the child: the questionnaire on the pseudo-terminal
        import signal

        signal.signal(signal.SIGINT, signal.SIG_DFL)  # a background test runner may ignore SIGINT; a terminal does not
        os.chdir(ROOT)
        os.execv(sys.executable, [sys.executable, "-m", "advisor", "ask", "-o", str(out), "--lang", "en"])
    term = Terminal(fd)
    try:
        for qid, answer in [("park-id", "pty-park"), ("park-name", "PTY Park"),
                            ("park-base-year", "2022"), ("park-industries", "C26:60%")]:
            term.wait_for(f"· {qid}")
            term.wait_for("> ")
            os.write(fd, f"{answer}\r".encode())
        term.wait_for("question 5 of")   # after the required questions, what decides the most
        term.wait_for("> ")
        os.write(fd, b"\x03")  # Ctrl-C: the terminal sends SIGINT
        tail = term.wait_for("--resume")
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(fd)
    assert "Interrupted" in tail
    assert os.waitstatus_to_exitcode(status) == 130
    saved = json.loads(Path(f"{out}.answers.json").read_text(encoding="utf-8"))
    assert saved["answers"]["park.id"] == "pty-park"
    assert saved["answers"]["park.industries"] == [{"code": "C26", "share": 0.6}]
    done = _cli("ask", "--resume", f"{out}.answers.json", "--lang", "en", input="\n" * 200)
    assert done.returncode == 0, done.stderr
    assert "Top recommendations (first 5):" in done.stdout and f"Park profile written to {out}" in done.stdout
    written = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert written["park"]["id"] == "pty-park" and written["park"]["name"] == "PTY Park"


class _Raising:
    """An input stream that answers the first question, then raises."""

    def __init__(self, exc: BaseException):
        self.exc, self.lines = exc, ["demo\n"]

    def readline(self) -> str:
        if self.lines:
            return self.lines.pop()
        raise self.exc


def test_ctrl_c_through_the_streams_saves_and_exits_with_130(tmp_path):
    out = io.StringIO()
    code = run_ask(AskOptions(output=str(tmp_path / "p.yaml"), lang="en"), _Raising(KeyboardInterrupt()), out)
    assert code == 130 and "Interrupted." in out.getvalue() and "--resume" in out.getvalue()
    assert json.loads((tmp_path / "p.yaml.answers.json").read_text(encoding="utf-8"))["answers"] == {"park.id": "demo"}


def test_an_error_mid_way_keeps_the_answers_and_says_how_to_resume(tmp_path):
    out = io.StringIO()
    with pytest.raises(OSError):
        run_ask(AskOptions(output=str(tmp_path / "p.yaml"), lang="en"), _Raising(OSError("disk gone")), out)
    assert "no answer given so far is lost" in out.getvalue() and "--resume" in out.getvalue()
    assert json.loads((tmp_path / "p.yaml.answers.json").read_text(encoding="utf-8"))["answers"] == {"park.id": "demo"}


def test_a_prefilled_series_in_wan_tonnes_becomes_tonnes_the_unit_the_questions_ask_in(book):
    data = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    data["emissions_history"] = {"unit": "万t", "CO2e": {2018: 521, 2022: 548}, "NOx": {2018: 0.263}}
    session = Session()
    session.prefill(data, book)
    assert session.answers["emissions_history.unit"] == "t"
    assert session.answers["emissions_history.CO2e.2018"] == 5210000.0
    assert session.answers["emissions_history.CO2e.2022"] == 5480000.0
    assert session.answers["emissions_history.NOx.2018"] == 2630.0


def test_a_prefilled_unit_that_is_not_a_mass_is_left_for_validation_to_report(book):
    data = {"emissions_history": {"unit": "万kWh", "CO2e": {2018: 521}}}
    session = Session()
    session.prefill(data, book)
    assert session.answers["emissions_history.unit"] == "万kWh"
    assert session.answers["emissions_history.CO2e.2018"] == 521
