"""Series and industry shares as small tables: one row per year and its value, or per industry and its share.

The rows are put together into the text the questionnaire's Reader reads (`2018:410, 2022:512.3`,
`C26 55%, C29 12%`), so the web accepts exactly what `park-advisor ask` accepts. An industry may be named in
either language or by its GB/T 4754 code; a division's full name becomes its code first, because some names
hold commas. A half-filled row reaches the Reader as it is and is refused with its reason, never dropped.
"""

from __future__ import annotations

from typing import Any

from advisor.questionnaire import show_value

GRID_TYPES = ("series", "industries")
FIRST, SECOND = ".a", ".b"     # form field suffixes of the two columns


def is_grid(q) -> bool:
    return q.type in GRID_TYPES


def _pct(x: Any) -> str:
    return f"{float(x) * 100:.10g}%"


def stored_rows(q, value: Any, lang: str, kb) -> list[tuple[str, str]]:
    """The rows of a saved answer: (year, value) or (industry name in `lang`, share as a percentage)."""
    if q.type == "series" and isinstance(value, dict):
        return [(str(year), show_value(v)) for year, v in value.items()]
    rows = []
    if q.type == "industries" and isinstance(value, list):
        for item in value:
            if not isinstance(item, dict):
                continue
            ind = kb.industries.get(item.get("code")) if kb is not None else None
            name = (ind.name_zh if lang == "zh" else ind.name_en) if ind else str(item.get("code") or "")
            rows.append((name, _pct(item["share"]) if item.get("share") is not None else ""))
    return rows


def with_blank_rows(rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Room to add a few rows without the page's script (which adds more on demand)."""
    return list(rows) + [("", "")] * (2 if rows else 3)


def submitted_rows(q, form) -> list[tuple[str, str]] | None:
    """The rows a page sent, None when it sent the answer as one text (a client without the table)."""
    first = [str(x).strip() for x in form.getlist(q.id + FIRST)]
    second = [str(x).strip() for x in form.getlist(q.id + SECOND)]
    if not first and not second:
        return None
    n = max(len(first), len(second))
    first += [""] * (n - len(first))
    second += [""] * (n - len(second))
    return list(zip(first, second, strict=True))


def rows_text(q, rows: list[tuple[str, str]], kb) -> str:
    """The rows as the text the Reader reads; empty rows are left out."""
    codes: dict[str, str] = {}
    if kb is not None:
        for code, ind in kb.industries.items():
            codes[ind.name_zh.lower()] = code
            codes[ind.name_en.lower()] = code
    parts = []
    for a, b in rows:
        if not a and not b:
            continue
        if q.type == "series":
            parts.append(f"{a}:{b}")
        else:
            parts.append(f"{codes.get(a.lower(), a)} {b}".strip())
    return ", ".join(parts)


def industry_options(kb, lang: str) -> list[tuple[str, str]]:
    """(name in `lang`, code) of every GB/T 4754 division, for the industry cells' search list."""
    if kb is None:
        return []
    return [(ind.name_zh if lang == "zh" else ind.name_en, code) for code, ind in kb.industries.items()]
