"""Where the advice stands on the answers so far, and which measures each open question can still establish.

After each answer the answers are read as a profile and advised on (the same `advise` as `recommend`); its
`questions_to_answer` names, for every unknown fact that decides a rule still possible (neither true nor false on
the facts known) of a measure not yet established, the measures that fact decides. A question that fills one of
the fact's inputs can establish those measures (some answer can make the rule true); a question that opens
follow-ups (their `ask_if` reads its answer) can establish what they can. An established measure needs no more
questions: it is not counted. A question no open measure's possible rule reads can establish nothing (it can at
most change the figures of the status analysis). The terminal asks first the question whose answer is worth the
most: each measure it can establish counts 1 / the open questions filling the fact that decides it (a fact the
status analysis computes from several answers needs several), then the number of measures, then their weights.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from advisor.kb.conditions import facts_of, parse
from advisor.kb.schemas.questions import QuestionBook
from advisor.questionnaire.answer_paths import nest


@dataclass(frozen=True)
class Standing:
    """The advice on the answers so far: the measures in each list, and question id → the open measures its
    answer can establish."""

    established: tuple[str, ...]
    to_confirm: tuple[str, ...]
    ruled_out: tuple[str, ...]
    moves: dict[str, frozenset[str]]
    shares: dict[str, dict[str, float]] = field(default_factory=dict)   # qid → measure → 1 / questions its fact needs


@dataclass
class Judge:
    """Advises on a session's answers; remembers the last standing so that asking again costs nothing."""

    book: QuestionBook
    kb: Any
    base: Any
    _fact_questions: dict[str, Any] = field(default_factory=dict, init=False)
    _weights: dict[str, float] = field(default_factory=dict, init=False)
    _follow_ups: dict[str, list[str]] = field(default_factory=dict, init=False)
    _last: tuple[str, Standing | None] | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        from advisor.kb.fact_questions import fact_questions
        from advisor.profile.model import Profile

        self._fact_questions = fact_questions(self.kb, self.base, Profile.model_fields)
        by_path = {q.path: q.id for q in self.book.questions}
        for q in self.book.questions:
            if q.ask_if is not None:
                for path in facts_of(parse(q.ask_if)):
                    if path in by_path:
                        self._follow_ups.setdefault(by_path[path], []).append(q.id)
        for rule in self.base.rules.values():   # a measure's weight: that of its strongest rule
            mid = rule.rule.then.measure
            if mid:
                self._weights[mid] = max(self._weights.get(mid, 0.0), float(rule.rule.then.weight))

    def weight(self, measures: frozenset[str]) -> float:
        """The measures' summed weight (each measure's strongest rule): among questions that can establish as
        many measures, the one that can establish the weightier comes first."""
        return sum(self._weights.get(m, 0.0) for m in measures)

    def follow_ups(self, qid: str) -> list[str]:
        """The questions whose ask_if reads this question's answer, in the book's order."""
        return self._follow_ups.get(qid, [])

    def standing(self, answers: dict[str, Any], settled: set[str]) -> Standing | None:
        """The advice on `answers`; None while they are not yet a valid profile. `settled`: the question ids
        asked or answered, which move nothing any more."""
        key = repr(sorted(answers.items(), key=lambda kv: kv[0])) + repr(sorted(settled))
        if self._last is not None and self._last[0] == key:
            return self._last[1]
        result = self._advise(answers)
        standing = None if result is None else self._standing(result, settled)
        self._last = (key, standing)
        return standing

    def _advise(self, answers: dict[str, Any]) -> dict | None:
        from advisor.decide.recommend import advise
        from advisor.errors import AdvisorError
        from advisor.profile.files import validate_data

        try:
            profile = validate_data(nest(answers, self.book), "answers", self.kb)
            return advise(profile, self.kb, base=self.base, check_engine=False)
        except AdvisorError:   # not yet a profile (a required answer missing) or not one the advice can read
            return None

    def _standing(self, result: dict, settled: set[str]) -> Standing:
        moves: dict[str, set[str]] = {}
        shares: dict[str, dict[str, float]] = {}
        for row in result["questions_to_answer"]:
            fq = self._fact_questions.get(row["fact"])
            open_ = [qid for qid in (fq.questions if fq is not None else ()) if qid not in settled]
            for qid in open_:
                moves.setdefault(qid, set()).update(row["decides"])
                mine = shares.setdefault(qid, {})
                for m in row["decides"]:
                    mine[m] = max(mine.get(m, 0.0), 1.0 / len(open_))
        return Standing(
            established=tuple(r["measure"] for r in result["recommendations"]),
            to_confirm=tuple(r["measure"] for r in result["to_confirm"]),
            ruled_out=tuple(r["measure"] for r in result["not_recommended"]),
            moves={qid: frozenset(ms) for qid, ms in moves.items()}, shares=shares)

    def value(self, standing: Standing, qid: str) -> float:
        """What the question's answer is worth: each measure it can establish counts 1 / the questions still open
        that fill the fact deciding it (one answer of several settles less than one that settles it alone)."""
        out: dict[str, float] = dict(standing.shares.get(qid, {}))
        for follow in self.follow_ups(qid):
            for m, share in standing.shares.get(follow, {}).items():
                out[m] = max(out.get(m, 0.0), share)
        return sum(out.values())

    def can_move(self, standing: Standing, qid: str) -> frozenset[str]:
        """The open measures a question's answer can establish: its own, and those of the follow-ups it opens."""
        out = set(standing.moves.get(qid, ()))
        for follow in self.follow_ups(qid):
            out |= standing.moves.get(follow, frozenset())
        return frozenset(out)
