"""knowledge/questions.yaml, validated: read by the questionnaire and by the views that name a question."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import ValidationError

from advisor.errors import Issue, KnowledgeError
from advisor.kb.paths import knowledge_dir
from advisor.kb.safe_load import load_data_file
from advisor.kb.schemas.questions import QuestionBook


@cache
def _load_book(path: Path) -> QuestionBook:
    data = load_data_file(path, KnowledgeError)
    try:
        return QuestionBook.model_validate(data)
    except ValidationError as exc:
        raise KnowledgeError([Issue(str(path), ".".join(str(p) for p in err["loc"]),
                                    err["msg"].removeprefix("Value error, "),
                                    "write the question in the form described at the top of this file")
                              for err in exc.errors()]) from None


def load_questions(root: Path | None = None) -> QuestionBook:
    """knowledge/questions.yaml, validated; raises KnowledgeError listing every problem."""
    return _load_book(((root or knowledge_dir()) / "questions.yaml").resolve())
