"""The words of the evaluation, from reports/templates/evaluate_texts.yaml (zh and en), checked on reading."""

from __future__ import annotations

from functools import cache

from advisor.errors import Issue, KnowledgeError
from advisor.kb.paths import templates_dir
from advisor.kb.safe_load import load_data_file

FILE = "evaluate_texts.yaml"
GROUPS = ("figures", "status", "effect", "attainment", "words", "frames")


@cache
def _table() -> dict[str, dict[str, dict[str, str]]]:
    path = templates_dir() / FILE
    data = load_data_file(path, KnowledgeError)
    issues = []
    for group in GROUPS:
        entries = data.get(group) if isinstance(data, dict) else None
        if not isinstance(entries, dict):
            issues.append(Issue(str(path), group, "the group of texts is missing", f"restore the '{group}:' section"))
            continue
        issues += [Issue(str(path), f"{group}.{key}", "a text needs zh and en, nothing else",
                         "write {zh: …, en: …} and quote text that contains a comma")
                   for key, value in entries.items()
                   if not (isinstance(value, dict) and set(value) == {"zh", "en"}
                           and all(isinstance(t, str) for t in value.values()))]
    if issues:
        raise KnowledgeError(issues)
    return data


def text(group: str, key: str, lang: str, **fill: object) -> str:
    """One text in one language, its {…} filled in."""
    words = _table()[group][key][lang]
    return words.format(**fill) if fill else words


def group(name: str, lang: str) -> dict[str, str]:
    """Every text of one group in one language."""
    return {key: value[lang] for key, value in _table()[name].items()}
