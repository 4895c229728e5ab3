"""What the questionnaire is built from: the question book, the rules, the units and the industry codes.

Each loader degrades gracefully where the questionnaire can still run on less: the rule base as far
as it loads (for the measures at stake), the units of units.csv alone when the rest of the
knowledge base does not load, no industry list rather than none at all.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from advisor.errors import KnowledgeError
from advisor.kb.paths import knowledge_dir
from advisor.kb.schemas.questions import Question, QuestionBook


def question_by_id(book: QuestionBook, qid: str) -> Question | None:
    return next((q for q in book.questions if q.id == qid), None)


def load_rulebase_partial() -> Any:
    """The rule base, or what of it loads while rules/ is incomplete (measures at stake only)."""
    from advisor.kb.paths import rules_dir
    from advisor.kb.rulebook import load_rulebase, load_rulebase_uncached

    try:
        return load_rulebase()
    except KnowledgeError:
        base, _ = load_rulebase_uncached(rules_dir(), knowledge_dir())
        return base


def load_kb_or_none() -> Any:
    try:
        from advisor.kb.knowledge import load_knowledge

        return load_knowledge()
    except KnowledgeError:
        return None


def units_only(root: Path | None = None) -> Any:
    """A knowledge base holding the units of knowledge/units.csv alone, for reading answers while the full
    knowledge base does not load."""
    from advisor.kb.knowledge import KnowledgeBase, _load_units

    folder = root or knowledge_dir()
    return KnowledgeBase(root=folder, units=_load_units(folder, []))


def industry_codes(root: Path | None = None) -> frozenset[str]:
    path = (root or knowledge_dir()) / "industries.csv"
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return frozenset(row["code"] for row in csv.DictReader(fh) if row.get("code"))
    except (OSError, KeyError):
        return frozenset()
