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


def interview(book: Any, kb: Any, base: Any, answers: dict[str, Any], quick: bool) -> tuple[list[str], Session]:
    """The questions asked, in order, and the session, when every question asked gets its answer from `answers`."""
    session = Session()
    flow = QuestionFlow(book, session, measures_at_stake(book, base), rules_loaded=True, judge=Judge(book, kb, base),
                        quick=quick)
    while (q := flow.next_question()) is not None:
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
    from advisor.decide.recommend import advise
    from advisor.profile.files import validate_data

    profile = validate_data(nest(session.answers, book), "answers", kb)
    return [r["measure"] for r in advise(profile, kb)["recommendations"]]
