"""Industry and province names in the cells of a workbook or batch table and in typed answers: 化工 → C26,
江苏 → 江苏省, read through advisor.kb.names so that every reader accepts the same names.

A division code (C26) never comes here: the readers keep codes on their own fast path and ask only about text
that is not a code.
"""

from __future__ import annotations

import re
from typing import Any

from advisor.errors import did_you_mean
from advisor.kb.names import Match, NameIndex, name_index
from advisor.profile.cells import CellError

CODE = re.compile(r"[A-Za-z]\d{2}")
INDUSTRY_FIX = "write a division code such as C26, or a name such as 化工, 纺织, 电镀 (knowledge/industry_aliases.yaml)"


def _index(kb: Any = None) -> NameIndex | None:
    if kb is None:
        from advisor.errors import KnowledgeError
        from advisor.kb.knowledge import load_knowledge

        try:
            kb = load_knowledge()
        except KnowledgeError:   # the knowledge base is broken: names cannot be read, codes still can
            return None
    return name_index(kb)


def industry_match(text: str, kb: Any = None) -> Match | None:
    """What an industry name means (a code, or the divisions to pick from); None when unknown."""
    index = _index(kb)
    return index.industry(text) if index is not None else None


def industry_code(text: str, kb: Any = None) -> str:
    """The division a code or name means. CellError for an unknown name and for one that covers several
    divisions (the message lists them, so the writer can put the code)."""
    text = text.strip()
    if CODE.fullmatch(text):
        return text.upper()
    index = _index(kb)
    match = index.industry(text) if index is not None else None
    if match is not None and match.code:
        return match.code
    if match is not None:
        options = ", ".join(f"{c} {index.division_name(c)}" for c in match.choices)   # type: ignore[union-attr]
        raise CellError(f"'{text}' may mean several divisions: {options}", "write the code of the one you mean")
    hint = did_you_mean(text, index.industry_spellings()) if index is not None else None
    raise CellError(f"'{text}' is not a known industry" + (f" ({hint})" if hint else ""), INDUSTRY_FIX)


def province_name(text: str, kb: Any = None) -> str | None:
    """provinces.csv's name of a province written in full, short (江苏) or English; None when unknown."""
    index = _index(kb)
    return index.province(text) if index is not None else None
