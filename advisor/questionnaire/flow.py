"""Which question comes next, given the answers so far – no streams, so `ask` and the web pages share it.

Which questions are asked (simple, explainable):
  1. a question already answered (by --answers, --resume or earlier in the interview) is not asked;
  2. a question whose `ask_if` is false or unknown is skipped (its follow-up makes no sense);
  3. park, economy, emissions and energy questions are always asked – the status analysis needs them;
  4. any other question is asked only when its answer can change a measure (see `stakes.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from advisor.kb.conditions import evaluate, facts_of, parse
from advisor.kb.schemas.questions import Question, QuestionBook
from advisor.questionnaire.answer_paths import is_answered
from advisor.questionnaire.session import Session

ALWAYS_ASKED_SECTIONS = ("park",)  # plus every section the status analysis reads (questions.yaml analysis_inputs)


@dataclass
class QuestionFlow:
    """Which question comes next, given the answers so far."""

    book: QuestionBook
    session: Session
    stakes: dict[str, list[str]] = field(default_factory=dict)
    rules_loaded: bool = False

    def __post_init__(self) -> None:
        self._conditions: dict[str, Any] = {}
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

    def next_question(self) -> Question | None:
        return next((q for q in self.book.questions if self.should_ask(q)), None)

    def remaining_estimate(self) -> int:
        """The questions still to come, counting those whose ask_if depends on answers not given yet."""
        count = 0
        for q in self.book.questions:
            if self.settled(q) or not self.can_matter(q):
                continue
            result = self.ask_if(q)
            if result is True or (result is None and self.may_hold_later(q)):
                count += 1
        return count
