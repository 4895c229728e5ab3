"""Industry and province names in the cells of a workbook or batch table and in typed answers: 化工 → C26,
江苏 → 江苏省, read through advisor.kb.names so that every reader accepts the same names.

A division code (C26) is returned at once, without the knowledge base; the batch reader keeps codes on its own
fast path and asks only about text that is not a code.
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


def industry_code(text: str, kb: Any = None) -> str:
    """The division a code or name means. CellError for an unknown name and for one that covers several
    divisions (the message lists them, so the writer can put the code)."""
    text = text.strip()
    if CODE.fullmatch(text):
        return text.upper()
    index = _index(kb)
    match: Match | None = index.industry(text) if index is not None else None
    if index is not None and match is not None:
        if match.code:
            return match.code
        options = ", ".join(f"{c} {index.division_name(c)}" for c in match.choices)
        raise CellError(f"'{text}' may mean several divisions: {options}", "write the code of the one you mean")
    hint = did_you_mean(text, index.industry_spellings()) if index is not None else None
    raise CellError(f"'{text}' is not a known industry" + (f" ({hint})" if hint else ""), INDUSTRY_FIX)

