"""Which question of the questionnaire settles each fact: fact → the questions whose path fills its inputs.

A fact's `source` in knowledge/facts.yaml names the profile paths it is computed from (or, for
`analysis: NAME`, the part of the status analysis, whose inputs the question book lists); a question fills one
profile path (knowledge/questions.yaml). Joining the two tells the advice which question to ask about an
unknown fact, and what to call it: the question's text when one question fills the fact, else the fact's own text.
The questionnaire derives the measures at stake from the same joins (advisor/questionnaire/stakes.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from advisor.kb.schemas.common import Text
from advisor.kb.schemas.questions import Question, QuestionBook

_DOTTED = re.compile(r"[A-Za-z_][\w-]*(?:\[\])?(?:\.[\w-]+(?:\[\])?)*")


def paths_overlap(a: str, b: str) -> bool:
    """The same path, or one inside the other."""
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def source_paths(source: str, analysis_inputs: dict[str, list[str]], sections: Iterable[str] = ()) -> list[str]:
    """The profile paths a fact's `source` mentions.

    "infrastructure.hazardous_waste.generated_t − disposal_capacity_t" → both fields (a bare name
    after a dotted path is its sibling); "analysis: energy" → the sections that analysis reads;
    a bare name among `sections` (the profile's top-level keys) is that section; file names and
    parenthesised notes are ignored.
    """
    text = source.strip()
    if text.startswith("analysis:"):
        words = text.split(":", 1)[1].split()
        return list(analysis_inputs.get(words[0], [])) if words else []
    top = set(sections)
    text = re.sub(r"\([^)]*\)", " ", text)
    text = re.sub(r"\S*/\S*", " ", text)  # knowledge/… file names and the '/' operator
    paths: list[str] = []
    parent = ""
    for token in _DOTTED.findall(text):
        token = token.replace("[]", "")
        if "." in token:
            paths.append(token)
            parent = token.rsplit(".", 1)[0]
        elif token in top:
            paths.append(token)
        elif "_" in token and parent:
            paths.append(f"{parent}.{token}")
    return list(dict.fromkeys(paths))


@dataclass(frozen=True)
class FactQuestion:
    """How the advice names an unknown fact and which question settles it."""

    fact: str
    label: Text                         # the question's text (one question), else the fact's text
    questions: tuple[str, ...]          # the questions that fill the fact's inputs, in questionnaire order
    paths: tuple[str, ...]              # the profile path each of those questions fills
    choices: dict[str, Text]            # enum value → the question's text for it (where a question offers it)

    @property
    def question(self) -> str | None:
        return self.questions[0] if self.questions else None

    def first_open(self, answered) -> str | None:
        """The first of its questions whose path `answered(path)` says is not answered yet (else the first)."""
        for qid, path in zip(self.questions, self.paths, strict=True):
            if not answered(path):
                return qid
        return self.question


def question_book(kb: Any) -> QuestionBook | None:
    """knowledge/questions.yaml as the knowledge base read it, validated; None when it is missing or invalid
    (the questionnaire's own loader reports its problems)."""
    raw = kb.extra.get("questions.yaml")
    if raw is None:
        return None
    try:
        return QuestionBook.model_validate(raw)
    except ValidationError:
        return None


def facts_to_questions(book: QuestionBook | None, facts: dict[str, Any], sections: Iterable[str]
                       ) -> dict[str, FactQuestion]:
    """fact id → its FactQuestion, for every fact of the catalogue (`facts`: id → FactDef)."""
    questions: list[Question] = list(book.questions) if book else []
    inputs = book.analysis_inputs if book else {}
    top = tuple(sections)
    out: dict[str, FactQuestion] = {}
    for fid, d in facts.items():
        paths = source_paths(d.source, inputs, top)
        asked = [q for q in questions if any(paths_overlap(q.path, p) for p in paths)]
        label = asked[0].text if len(asked) == 1 else d.text
        choices = {c.value: c.text for q in asked for c in (q.choices or [])}
        out[fid] = FactQuestion(fid, label, tuple(q.id for q in asked), tuple(q.path for q in asked), choices)
    return out


def fact_questions(kb: Any, base: Any, sections: Iterable[str]) -> dict[str, FactQuestion]:
    """facts_to_questions for this knowledge base and rule base, computed once and kept with the knowledge base."""
    top = tuple(sections)
    return kb.derived(f"kb.fact_questions.{id(base)}",
                      lambda kb: facts_to_questions(question_book(kb), base.facts, top))
