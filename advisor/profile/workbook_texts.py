"""The profile workbook's texts – README sheet, notes beside fields, fill-in hints – from knowledge/profile_fields.yaml.

The file is checked when it is read: a misspelt key, a missing hint or a note of a field the workbook
does not have is a KnowledgeError naming the file, never a silently missing note.
"""

from __future__ import annotations

from functools import cache

from pydantic import ValidationError

from advisor.errors import Issue, KnowledgeError
from advisor.kb.paths import knowledge_dir
from advisor.kb.safe_load import load_data_file
from advisor.kb.schemas.common import Strict
from advisor.profile.fields import Field

TEXTS_FILE = "profile_fields.yaml"


class Pair(Strict):
    """One text in Chinese and English (either may be empty: a blank README row)."""

    zh: str
    en: str


class Hints(Strict):
    """How to fill a cell, by kind; {options} stands for the allowed values."""

    bool: Pair
    choice: Pair
    list: Pair
    list_of_choices: Pair
    share: Pair
    int: Pair


class WorkbookTexts(Strict):
    readme: list[Pair]
    history_notes: list[Pair]
    hints: Hints
    notes: dict[str, Pair]


@cache
def workbook_texts() -> WorkbookTexts:
    path = knowledge_dir() / TEXTS_FILE
    data = load_data_file(path, KnowledgeError)
    try:
        return WorkbookTexts.model_validate(data)
    except ValidationError as exc:
        raise KnowledgeError([Issue(str(path), ".".join(str(p) for p in err["loc"]), err["msg"],
                                    "compare with the other entries of the file")
                              for err in exc.errors()]) from None


def _is_share(field: Field) -> bool:
    bounds = dict(field.bounds)
    return bounds.get("ge") == 0 and bounds.get("le") == 1


def hint(field: Field) -> tuple[str, str]:
    """A short zh/en hint on how to fill a cell of this field ('', '' when the note says enough)."""
    hints = workbook_texts().hints
    if field.kind == "dict" and field.item is not None:      # a family of columns: the hint of one value
        return hint(field.item)
    if field.kind == "bool":
        return hints.bool.zh, hints.bool.en
    if field.kind == "choice":
        options = " | ".join(str(c) for c in field.choices)
        return hints.choice.zh.format(options=options), hints.choice.en.format(options=options)
    if field.kind == "list":
        choices = field.item.choices if field.item is not None else ()
        if not choices:
            return hints.list.zh, hints.list.en
        options = " | ".join(str(c) for c in choices)
        return hints.list_of_choices.zh.format(options=options), hints.list_of_choices.en.format(options=options)
    if field.kind in ("number", "int") and _is_share(field):
        return hints.share.zh, hints.share.en
    if field.kind == "int":
        return hints.int.zh, hints.int.en
    return "", ""


def note(key: str, field: Field, family_key: str | None = None) -> tuple[str, str]:
    """The zh/en note of a fact path or a '<sheet>.<column>' key, with the hint of its kind."""
    text = workbook_texts().notes.get(key)
    zh, en = (text.zh, text.en) if text is not None else ("", "")
    if family_key is not None:
        zh, en = f"{family_key}：{zh}", f"{family_key}: {en}"
    hint_zh, hint_en = hint(field)
    return "；".join(t for t in (zh, hint_zh) if t), "; ".join(t for t in (en, hint_en) if t)
