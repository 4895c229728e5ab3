"""Interviews answered from an example park, without a terminal: each question the flow asks gets the park's
value for its path (or is left unknown when the park has none), so that the full and the quick interview can be
compared on the same park."""

from __future__ import annotations

from typing import Any

from advisor.kb.units import find_unit
from advisor.questionnaire import QuestionFlow, Session, flatten, measures_at_stake, nest
from advisor.questionnaire.standing import Judge


def profile_answers(data: dict, book: Any, kb: Any) -> dict[str, Any]:
    """question id → the value the park's profile gives for the question's path (as the Reader would store it)."""
    paths = flatten(data)
    out: dict[str, Any] = {}
    for q in book.questions:
        head, _, carrier = q.path.rpartition(".")
        if head == "energy":   # a row of the energy list: its amounts in the question's unit, summed
            want = find_unit(q.unit, kb)
            total = 0.0
            for row in data.get("energy") or []:
                have = find_unit(row.get("unit", ""), kb)
                if row.get("carrier") == carrier and have is not None and have.dimension == want.dimension:
                    total += row["amount"] * have.to_base / want.to_base
            if total:
                out[q.id] = total
        elif q.path in paths:
            out[q.id] = paths[q.path]
        else:
            inside = {p[len(q.path) + 1:]: v for p, v in paths.items() if p.startswith(q.path + ".")}
            if inside and q.type == "series":
                out[q.id] = {str(k): v for k, v in inside.items()}
    return out


def interview(book: Any, kb: Any, base: Any, answers: dict[str, Any], quick: bool,
              could_establish: dict[str, frozenset[str]] | None = None) -> tuple[list[str], Session]:
    """The questions asked, in order, and the session, when every question asked gets its answer from `answers`.
    `could_establish`, when given, receives for each question asked the open measures it could establish then."""
    session = Session()
    flow = QuestionFlow(book, session, measures_at_stake(book, base), rules_loaded=True, judge=Judge(book, kb, base),
                        quick=quick)
    while (q := flow.next_question()) is not None:
        if could_establish is not None:
            could_establish[q.id] = flow.can_move(q)
        value = answers.get(q.id)
        if value is not None:
            session.answers[q.path] = value
            for path, implied in q.implies.items():
                session.answers.setdefault(path, implied)
        session.asked.append(q.id)
        assert len(session.asked) <= len(book.questions), "a question was asked twice"
    return session.asked, session


def established(book: Any, kb: Any, session: Session) -> list[str]:
    """The established measures of the advice on the interview's answers."""
    return established_on(book, kb, session.answers)


def follow_up_closure(judge: Judge, qid: str) -> set[str]:
    """The question and every follow-up it opens, transitively: without its answer none of them is asked."""
    out, stack = {qid}, [qid]
    while stack:
        for follow in judge.follow_ups(stack.pop()):
            if follow not in out:
                out.add(follow)
                stack.append(follow)
    return out


def answered(book: Any, asked: set[str], answers: dict[str, Any]) -> dict[str, Any]:
    """The interview's answers (path → value) when only the questions `asked` get theirs."""
    out: dict[str, Any] = {}
    for q in book.questions:
        if q.id in asked and answers.get(q.id) is not None:
            out[q.path] = answers[q.id]
            for path, implied in q.implies.items():
                out.setdefault(path, implied)
    return out


def forced_questions(book: Any, kb: Any, base: Any, answers: dict[str, Any], full: list[str]) -> set[str]:
    """The questions of the full interview that any quick interview must ask to stop soundly with the full
    interview's established measures – a lower bound on its length. Adding an answer never withdraws an
    established measure nor settles a possible rule less, so a question is forced when it is required; when
    leaving it (and its follow-ups) unasked loses an established measure; or when, with every other answer
    given, a measure stays open on a fact no other question fills (a sound stop must ask it: its answer could
    establish that measure)."""
    judge = Judge(book, kb, base)
    target = set(established_on(book, kb, answered(book, set(full), answers)))
    required = {q.id for q in book.questions if q.required}
    forced = set(required)
    for qid in full:
        if qid in forced:
            continue
        others = set(full) - follow_up_closure(judge, qid)
        result = judge._advise(answered(book, others, answers))
        if result is None or not target <= {r["measure"] for r in result["recommendations"]}:
            forced.add(qid)
            continue
        for row in result["questions_to_answer"]:
            fq = judge._fact_questions.get(row["fact"])
            fillers = set(fq.questions if fq is not None else ())
            if qid in fillers and fillers - required <= follow_up_closure(judge, qid):
                forced.add(qid)
                break
    return forced


def established_on(book: Any, kb: Any, answers: dict[str, Any]) -> list[str]:
    """The established measures of the advice on answers (path → value)."""
    from advisor.decide.recommend import advise
    from advisor.profile.files import validate_data

    profile = validate_data(nest(answers, book), "answers", kb)
    return [r["measure"] for r in advise(profile, kb)["recommendations"]]
