"""What the questionnaire says, in Chinese and English, and the words that steer it (help, back, quit).

The sentences are in reports/templates/questionnaire_texts.yaml, so that the terminal and the web pages show
the same ones and a translator edits no Python.
"""

from __future__ import annotations

from pydantic import ValidationError

from advisor.errors import Issue, KnowledgeError
from advisor.kb.paths import templates_dir
from advisor.kb.safe_load import load_data_file
from advisor.kb.schemas.common import Strict


class _QuestionnaireTexts(Strict):
    messages: dict[str, dict[str, str]]
    commands: dict[str, list[str]]


def _load() -> _QuestionnaireTexts:
    path = templates_dir() / "questionnaire_texts.yaml"
    try:
        texts = _QuestionnaireTexts.model_validate(load_data_file(path, KnowledgeError))
    except ValidationError as exc:
        raise KnowledgeError([Issue(str(path), ".".join(map(str, e["loc"])), e["msg"], "give zh and en texts")
                              for e in exc.errors()]) from None
    zh, en = texts.messages.get("zh", {}), texts.messages.get("en", {})
    if set(texts.messages) != {"zh", "en"} or set(zh) != set(en):
        raise KnowledgeError([Issue(str(path), "messages", f"not in both languages: {sorted(set(zh) ^ set(en))}",
                                    "give every message in zh and en")])
    return texts


_TEXTS = _load()
MESSAGES: dict[str, dict[str, str]] = _TEXTS.messages
COMMANDS: dict[str, set[str]] = {name: set(words) for name, words in _TEXTS.commands.items()}
