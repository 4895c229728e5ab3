"""Refusals in the page's language: a reader's English problem said again with the question's label.

The profile readers (pydantic and the knowledge checks) describe a problem in English with its field path, for
`validate` and the logs. The pages say it with the question a park manager answered (or the part of the
profile it belongs to) and a sentence from reports/templates/web/messages.yaml; the original stays in the
page's collapsed technical details.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from advisor.errors import Issue, KnowledgeError
from advisor.web.texts import LANGS, texts, web_templates_dir

INDEX = re.compile(r"\[\d+\]")


@dataclass(frozen=True)
class Sentence:
    kind: str
    match: re.Pattern[str]
    text: dict[str, str]


@cache
def sentences() -> tuple[Sentence, ...]:
    from advisor.kb.safe_load import load_data_file

    path = web_templates_dir() / "messages.yaml"
    data = load_data_file(path, KnowledgeError)
    out, bad = [], []
    for i, entry in enumerate(data if isinstance(data, list) else []):
        ok = isinstance(entry, dict) and set(entry) == {"kind", "match", *LANGS} and all(
            isinstance(entry[k], str) for k in entry)
        if not ok:
            bad.append(Issue(str(path), f"[{i}]", "an entry needs kind, match, zh and en, all text",
                             "copy the form of the entries above it"))
            continue
        out.append(Sentence(entry["kind"], re.compile(entry["match"]), {x: entry[x] for x in LANGS}))
    if bad or not out or out[-1].match.pattern:
        raise KnowledgeError(bad or [Issue(str(path), "", "the last entry must match everything (match: \"\")",
                                           "end the list with the kind `other`")])
    return tuple(out)


def labels(book, lang: str) -> dict[str, str]:
    """profile path → what the pages call it: the question that fills it."""
    return {q.path: q.text.in_lang(lang) for q in book.questions}


def label_of(path: str, book, lang: str) -> str:
    """The question whose path is `path` or holds it; else the topic its section is asked in; else the profile."""
    plain = INDEX.sub("", path or "")
    named = labels(book, lang)
    parts = plain.split(".") if plain else []
    for n in range(len(parts), 0, -1):
        if ".".join(parts[:n]) in named:
            return named[".".join(parts[:n])]
    topics = {t.id: t.text.in_lang(lang) for t in book.topics}
    section = parts[0] if parts else ""
    for q in book.questions:
        if q.path.split(".")[0] == section:
            return topics.get(q.topic, texts(lang)["w_the_profile"])
    return texts(lang)["w_the_profile"]


def say(issue: Issue, book, lang: str) -> dict[str, Any]:
    """The issue as the pages show it: `sentence` in `lang`, `label`, and the original in `tech`."""
    label = label_of(issue.path, book, lang)
    for s in sentences():
        m = s.match.search(issue.problem)
        if m:
            groups = {k: v for k, v in m.groupdict().items() if v is not None}
            sentence = s.text[lang].format_map(_Defaults(label=label, **groups))
            return {"kind": s.kind, "label": label, "sentence": sentence, "tech": issue.as_dict()}
    raise AssertionError("the last sentence matches everything")   # sentences() checks it


class _Defaults(dict):
    def __missing__(self, key: str) -> str:
        return ""


def say_all(issues: list[Issue], book, lang: str) -> list[dict[str, Any]]:
    return [say(i, book, lang) for i in issues]
