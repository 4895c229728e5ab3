"""Asking first what decides the most: after the required questions, the question whose answer can still
establish the most open measures comes next (recomputed as answers come in); `--quick` asks only what can still
establish an open measure and stops when nothing left can, with the full interview's established measures; the
answers are shown back after each topic; a short interview in a real terminal can be answered with names only."""

from __future__ import annotations

import io
import os
import re
import sys
from pathlib import Path

import pytest
import yaml
from interviews import established, forced_questions, interview, profile_answers

from advisor.questionnaire import (
    Interview,
    QuestionFlow,
    Reader,
    Session,
    load_questions,
    load_rulebase_partial,
    measures_at_stake,
)
from advisor.questionnaire.standing import Judge

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ["chemical", "textile", "electroplating", "manufacturing"]
REQUIRED = {"park.id": "demo", "park.name": "示例园区", "park.base_year": 2022,
            "park.industries": [{"code": "C26", "share": 0.55}]}


@pytest.fixture(scope="module")
def book():
    return load_questions()


@pytest.fixture(scope="module")
def base():
    return load_rulebase_partial()


def flow(book, kb, base, session, quick=False):
    return QuestionFlow(book, session, measures_at_stake(book, base), rules_loaded=True,
                        judge=Judge(book, kb, base), quick=quick)


def test_the_required_questions_come_first(book, kb, base):
    f = flow(book, kb, base, Session(answers={"park.id": "demo"}, asked=["park-id"]))
    assert f.next_question().id == "park-name"


def test_each_question_asked_is_worth_at_least_as_much_as_any_other_then_open(book, kb, base):
    session = Session(answers=dict(REQUIRED), asked=["park-id", "park-name", "park-base-year", "park-industries"])
    f = flow(book, kb, base, session)
    seen_five_before_one = seen_alone_before_shared = False
    while (q := f.next_question()) is not None:
        last = session.asked[-1]
        pending = [p for p in book.questions if f.should_ask(p)]
        standing = f.standing()
        worth = {p.id: round(f.judge.value(standing, p.id), 6) for p in pending}
        counts = {p.id: len(f.can_move(p)) for p in pending}
        if q.id not in f.judge.follow_ups(last):   # a follow-up comes right after its question, whatever it moves
            assert worth[q.id] == max(worth.values()), (q.id, worth)
            assert counts[q.id] == max(c for p, c in counts.items() if worth[p] == worth[q.id])
            assert worth[q.id] <= counts[q.id]
            seen_five_before_one |= counts[q.id] >= 5 and any(c == 1 for c in counts.values())
            # a question that settles its measures' facts alone before one of several answers a computed fact needs
            seen_alone_before_shared |= worth[q.id] == counts[q.id] and any(
                worth[p] < counts[p] and counts[p] > counts[q.id] for p in counts)
        session.asked.append(q.id)   # left unknown
    assert seen_five_before_one, "no question moving 5 measures was asked while one moving 1 waited"
    assert seen_alone_before_shared, "no question settling its facts alone came before one sharing a fact"


def test_the_count_is_recomputed_as_answers_come_in(book, kb, base):
    session = Session(answers=dict(REQUIRED), asked=["park-id", "park-name", "park-base-year", "park-industries"])
    f = flow(book, kb, base, session)
    plan = next(q for q in book.questions if q.id == "management-plan")
    before = f.can_move(plan)
    session.answers["management.synergy_plan"] = False
    session.asked.append("management-plan")
    assert before and not f.can_move(plan), "an answered question moves nothing any more"


def test_follow_ups_come_right_after_the_question_they_follow(book, kb, base):
    session = Session(answers={**REQUIRED, "infrastructure.central_wastewater_plant.present": True},
                      asked=["park-id", "park-name", "park-base-year", "park-industries", "wastewater-plant"])
    q = flow(book, kb, base, session).next_question()
    assert q.ask_if is not None and "central_wastewater_plant.present" in str(q.ask_if)


def table_row(name):
    """The figures docs/questionnaire.md gives for an example: questions full, quick, established full, quick,
    and the fewest questions a sound quick interview can ask."""
    text = (ROOT / "docs" / "questionnaire.md").read_text(encoding="utf-8")
    row = re.search(rf"^\| `demo-{name}` \|(.*)\|$", text, re.M)
    assert row, f"docs/questionnaire.md has no row for demo-{name}"
    return [int(re.search(r"\d+", cell).group()) for cell in row.group(1).split("|")]


@pytest.mark.parametrize("name", EXAMPLES)
def test_quick_reaches_the_full_interviews_established_measures(book, kb, base, name):
    data = yaml.safe_load((ROOT / "examples" / f"demo-{name}.yaml").read_text(encoding="utf-8"))
    answers = profile_answers(data, book, kb)
    full, full_session = interview(book, kb, base, answers, quick=False)
    could: dict[str, frozenset[str]] = {}
    quick, quick_session = interview(book, kb, base, answers, quick=True, could_establish=could)
    in_full, in_quick = established(book, kb, full_session), established(book, kb, quick_session)
    assert set(in_quick) == set(in_full)
    assert set(quick) < set(full)
    # each question asked (the required ones apart) could establish a measure still open when it was asked
    assert all(could[qid] for qid in quick[4:]), [qid for qid in quick[4:] if not could[qid]]
    f = flow(book, kb, base, quick_session, quick=True)
    assert f.next_question() is None and f.quick_done
    assert not any(f.can_move(q) for q in book.questions if f.should_ask(q))
    # every question a sound stop must ask is asked; the figures are those docs/questionnaire.md gives
    forced = forced_questions(book, kb, base, answers, full)
    assert forced <= set(quick), sorted(forced - set(quick))
    assert table_row(name) == [len(full), len(quick), len(in_full), len(in_quick), len(forced)]


def test_quick_asks_no_follow_up_that_can_establish_nothing(book, kb, base):
    session = Session(answers={**REQUIRED, "infrastructure.central_wastewater_plant.present": True},
                      asked=["park-id", "park-name", "park-base-year", "park-industries", "wastewater-plant"])
    full, quick = flow(book, kb, base, session), flow(book, kb, base, session, quick=True)
    follow = [q for q in book.questions if q.id in full.judge.follow_ups("wastewater-plant") and full.should_ask(q)]
    assert any(not full.can_move(q) for q in follow), "every follow-up can establish a measure: no case to test"
    assert full.next_question().id == follow[0].id
    q = quick.next_question()
    assert q is not None and quick.can_move(q)


def test_the_full_interview_asks_the_same_questions_as_before_only_in_another_order(book, kb, base):
    data = yaml.safe_load((ROOT / "examples" / "demo-chemical.yaml").read_text(encoding="utf-8"))
    answers = profile_answers(data, book, kb)
    ordered, _ = interview(book, kb, base, answers, quick=False)
    session = Session()
    plain = QuestionFlow(book, session, measures_at_stake(book, base), rules_loaded=True)
    while (q := plain.next_question()) is not None:
        if answers.get(q.id) is not None:
            session.answers[q.path] = answers[q.id]
            session.answers.update({p: v for p, v in q.implies.items() if p not in session.answers})
        session.asked.append(q.id)
    assert sorted(ordered) == sorted(session.asked) and ordered != session.asked


# --- the terminal -----------------------------------------------------------------------------

def terminal(book, kb, base, lines, quick=False, tmp_path=None):
    out = io.StringIO()
    iv = Interview(book, Session(), io.StringIO("".join(f"{line}\n" for line in lines)), out,
                   tmp_path / "answers.json", lang="zh", stakes=measures_at_stake(book, base), rules_loaded=True,
                   reader=Reader(units_kb=kb, industries=frozenset(kb.industries)), judge=Judge(book, kb, base),
                   quick=quick)
    return iv, out


def test_the_answers_of_a_topic_are_shown_back_with_where_the_advice_stands(book, kb, base, tmp_path):
    iv, out = terminal(book, kb, base, ["demo", "示例园区", "2022", "化工 55%"], tmp_path=tmp_path)
    assert iv.run() == "eof"
    text = out.getvalue()
    assert "—— 园区概况：您的回答 ——" in text
    assert "  主导行业及其产值占比：C26 化学原料和化学制品制造业 55%" in text
    assert "目前：确定推荐 0 项，待确认" in text and "有误请输入 back" in text
    assert re.search(r"（这个回答还可能改变 [1-9]\d* 项措施）", text)


def test_back_after_the_summary_corrects_the_last_answer(book, kb, base, tmp_path):
    iv, _ = terminal(book, kb, base, ["demo", "示例园区", "2022", "化工 55%", "back", "纺织 60%"], tmp_path=tmp_path)
    iv.run()
    assert iv.session.answers["park.industries"] == [{"code": "C17", "share": 0.6}]


def test_quick_says_why_it_stops_what_is_left_and_how_to_go_on(book, kb, base, tmp_path):
    iv, out = terminal(book, kb, base, ["demo", "示例园区", "2022", "化工 55%"] + [""] * 90, quick=True,
                       tmp_path=tmp_path)
    assert iv.run() == "done"
    text = out.getvalue()
    standing = iv.flow.standing()
    left = [q for q in book.questions if not iv.flow.settled(q) and iv.flow.can_matter(q) and iv.flow.ask_if(q)]
    assert "剩下的问题都不能再使任何措施确定推荐，快速问卷到此结束" in text and "--resume" in text
    assert f"仍有 {len(standing.to_confirm)} 项措施待确认" in text and standing.to_confirm
    assert f"其余 {len(left)} 个问题不能再使措施确定推荐" in text
    assert not any(iv.flow.can_move(q) for q in left)


def test_the_end_of_an_interview_says_how_many_measures_stay_to_confirm(tmp_path):
    from advisor.questionnaire import AskOptions, run_ask

    out = io.StringIO()
    typed = "demo\n示例园区\n2022\n化工 55%\n" + "\n" * 90
    assert run_ask(AskOptions(output=str(tmp_path / "p.yaml"), quick=True), io.StringIO(typed), out) == 0
    text = out.getvalue()
    assert "还没有可以确定推荐的措施" in text and "项措施待确认" in text and f"recommend {tmp_path / 'p.yaml'}" in text


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_a_short_quick_interview_in_a_real_terminal_answered_with_names_only(tmp_path):
    import pty

    from test_questionnaire import Terminal

    out = tmp_path / "park.yaml"
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(ROOT)
        os.execv(sys.executable, [sys.executable, "-m", "advisor", "ask", "--quick", "-o", str(out)])
    term = Terminal(fd)
    try:
        for qid, answer in [("park-id", "names-only"), ("park-name", "名称园区"), ("park-base-year", "2022"),
                            ("park-industries", "精细化工 40%, 石化 30%")]:
            term.wait_for(f"· {qid}")
            term.wait_for("> ")
            os.write(fd, f"{answer}\r".encode())
        term.wait_for("请输入编号（1–2）")
        os.write(fd, b"1\r")
        shown = term.wait_for("—— 园区概况：您的回答 ——")
        os.write(fd, "不清楚\r".encode() * 90)   # every other question: don't know
        tail = term.wait_for("园区档案已写入")
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(fd)
    assert "✓ 精细化工 → C26 化学原料和化学制品制造业 40%" in shown and "✓ 石化 → C25" in shown
    assert os.waitstatus_to_exitcode(status) == 0
    assert "快速问卷到此结束" in tail
    written = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert written["park"]["industries"] == [{"code": "C26", "share": 0.4}, {"code": "C25", "share": 0.3}]


@pytest.mark.parametrize("qid, value, lang, shown", [
    ("park-key-air-region", True, "zh", "是"),
    ("park-key-air-region", False, "en", "no"),
    ("park-key-air-region", None, "zh", "不清楚"),
    ("park-level", "national", "zh", "国家级"),
    ("park-vacant-land", 0.15, "zh", "15%"),
    ("energy-coal", 1620000.0, "zh", "1620000 t"),
    ("emissions-so2", {"2018": 1210.0, "2022": 640.0}, "en", "2018:1210, 2022:640 t"),
    ("management-programmes", [{"kind": "low_carbon"}, {"kind": "green_park"}], "zh", "低碳园区试点，绿色园区"),
    ("energy-env-links", [], "en", "none"),
])
def test_an_answer_is_shown_back_in_plain_words(book, qid, value, lang, shown):
    from advisor.questionnaire.summary import plain_value

    q = next(q for q in book.questions if q.id == qid)
    assert plain_value(q, value, lang) == shown
