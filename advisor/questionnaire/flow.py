"""Which question comes next, given the answers so far – no streams, so `ask` and the web pages share it.

Which questions are asked (simple, explainable):
  1. a question already answered (by --answers, --resume or earlier in the interview) is not asked;
  2. a question whose `ask_if` is false or unknown is skipped (its follow-up makes no sense);
  3. park, economy, emissions and energy questions are always asked – the status analysis needs them;
  4. any other question is asked only when its answer can change a measure (see `stakes.py`).

In which order (with a `Judge`, as the terminal has): the required questions first, then the question whose
answer is worth the most (`standing.py`, recomputed after every answer): each open measure it can establish
counts 1 / the open questions that fill the fact deciding it, so that a question settling a fact alone comes
before one of several answers a computed fact needs; among equals the one that can establish more measures, the
weightier, the current topic, the book's order. The follow-ups of a question come right after it in the book's
order. Without a judge (the web pages, which go by topic) the book's order.

`quick` asks in the same order but only what can still establish an open measure: a question that can establish
none is not asked, whatever its topic (a follow-up included), and the interview stops when no question left can
establish any. What the full interview would still ask can then only leave measures as they stand or rule them
out – never establish one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from advisor.kb.conditions import evaluate, facts_of, parse
from advisor.kb.schemas.questions import Question, QuestionBook
from advisor.questionnaire.answer_paths import is_answered
from advisor.questionnaire.questions import question_by_id
from advisor.questionnaire.session import Session
from advisor.questionnaire.standing import Judge, Standing

ALWAYS_ASKED_SECTIONS = ("park",)  # plus every section the status analysis reads (questions.yaml analysis_inputs)


@dataclass
class QuestionFlow:
    """Which question comes next, given the answers so far."""

    book: QuestionBook
    session: Session
    stakes: dict[str, list[str]] = field(default_factory=dict)
    rules_loaded: bool = False
    judge: Judge | None = None     # orders the questions by the measures they can establish (None: the book's order)
    quick: bool = False            # ask only what can establish an open measure; stop when nothing left can
    quick_done: bool = field(default=False, init=False)   # the quick interview ended for that reason

    def __post_init__(self) -> None:
        self._conditions: dict[str, Any] = {}
        self._index = {q.id: i for i, q in enumerate(self.book.questions)}
        self._always = set(ALWAYS_ASKED_SECTIONS) | {s for v in self.book.analysis_inputs.values() for s in v}

    def always_asked(self, q: Question) -> bool:
        """Park questions and every input of the status analysis are asked whatever the rules say."""
        return q.path.split(".")[0] in self._always

    def settled(self, q: Question) -> bool:
        return q.id in self.session.asked or is_answered(self.session.answers, q.path)

    def _condition(self, q: Question) -> Any:
        if q.id not in self._conditions:
            self._conditions[q.id] = parse(q.ask_if, f"{q.id}.ask_if")
        return self._conditions[q.id]

    def ask_if(self, q: Question) -> bool | None:
        if q.ask_if is None:
            return True
        return evaluate(self._condition(q), self.session.answers, {})

    def may_hold_later(self, q: Question) -> bool:
        """Its ask_if reads a question still to be asked, so it may hold once that one is answered."""
        if q.ask_if is None:
            return False
        pending = [f for f in facts_of(self._condition(q)) if not is_answered(self.session.answers, f)]
        reading = {p.path: p for p in self.book.questions}
        return any(f in reading and not self.settled(reading[f]) for f in pending)

    def can_matter(self, q: Question) -> bool:
        """Asked unless the rules are loaded and say it changes no measure (analysis inputs always matter)."""
        if q.required or self.always_asked(q) or not self.rules_loaded:
            return True
        return bool(self.stakes.get(q.id))

    def should_ask(self, q: Question) -> bool:
        return not self.settled(q) and self.ask_if(q) is True and self.can_matter(q)

    def standing(self) -> Standing | None:
        """The advice on the answers so far (None without a judge, or while they are not yet a profile)."""
        if self.judge is None:
            return None
        settled = {q.id for q in self.book.questions if self.settled(q)}
        return self.judge.standing(self.session.answers, settled)

    def can_move(self, q: Question) -> frozenset[str]:
        """The open measures the question's answer can still establish (with those of the follow-ups it opens)."""
        standing = self.standing()
        if standing is None or self.judge is None:
            return frozenset()
        return self.judge.can_move(standing, q.id)

    def next_question(self) -> Question | None:
        pending = [q for q in self.book.questions if self.should_ask(q)]
        required = next((q for q in pending if q.required), None)
        standing = self.standing() if pending and required is None else None
        if standing is None or self.judge is None:
            return required or (pending[0] if pending else None)
        judge = self.judge
        moves = {q.id: judge.can_move(standing, q.id) for q in pending}
        if self.quick:   # what can establish no open measure is not asked
            pending = [q for q in pending if moves[q.id]]
            if not pending:
                self.quick_done = True
                return None
        last = question_by_id(self.book, self.session.asked[-1]) if self.session.asked else None
        if last is not None:   # its follow-ups next, in the book's order: they explain one another
            follow = [q for q in pending if q.id in judge.follow_ups(last.id)]
            if follow:
                return follow[0]
        topic = last.topic if last is not None else None
        return max(pending, key=lambda q: (round(judge.value(standing, q.id), 6), len(moves[q.id]),
                                           judge.weight(moves[q.id]), q.topic == topic, -self._index[q.id]))

    def quick_left(self) -> tuple[int, int]:
        """When a quick interview stops: the measures that stay to confirm, and the questions the full interview
        would still ask (none of which can establish a measure)."""
        standing = self.standing()
        return (len(standing.to_confirm) if standing is not None else 0), self.remaining_estimate(quick=False)

    def remaining_estimate(self, quick: bool | None = None) -> int:
        """The questions still to come, counting those whose ask_if depends on answers not given yet
        (in a quick interview, those that can still establish an open measure). `quick`: as if (not) quick."""
        standing = self.standing() if (self.quick if quick is None else quick) else None
        if standing is not None and self.judge is not None:
            return sum(1 for q in self.book.questions if self.should_ask(q)
                       and (q.required or self.judge.can_move(standing, q.id)))
        count = 0
        for q in self.book.questions:
            if self.settled(q) or not self.can_matter(q):
                continue
            result = self.ask_if(q)
            if result is True or (result is None and self.may_hold_later(q)):
                count += 1
        return count
