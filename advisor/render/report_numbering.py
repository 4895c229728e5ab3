"""One numbering scheme for the whole report: chapters 一、二、… (1. 2. …), their parts （一）（二）… (1.1 1.2 …),
annexes 附件1 附件2 … (Annex 1 …); the summary stays unnumbered. Titles are given bare; a number already written
in a title (an older label) is replaced, so a section added anywhere renumbers the rest."""

from __future__ import annotations

import re

ANNEX_IDS = frozenset({"annex", "verify", "not_recommended", "ranking"})
_DIGITS = "一二三四五六七八九"
_LEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|附件\s*\d+\s*|Annex\s+\d+\s*"
                      r"|A?\d{1,2}(?:\.\d{1,2})*\.?\s+)")


def zh_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 23 → 二十三 (up to 99)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else f"{_DIGITS[tens - 1]}十")
    return head + (_DIGITS[ones - 1] if ones else "") if n else "〇"


def bare(title: str) -> str:
    """A title without the number written in front of it."""
    return _LEADING.sub("", title, count=1)


def number_sections(sections: list[dict], lang: str, annex_label: str) -> list[dict]:
    """Number the sections and their titled parts in place (by kind: summary, chapter, annex); returns them."""
    chapter = annex = 0
    for sec in sections:
        kind = sec.get("kind") or ("annex" if sec.get("id") in ANNEX_IDS else "chapter")
        sec["kind"] = kind
        title = bare(sec["title"])
        if kind == "summary":
            sec["title"], prefix = title, ""
        elif kind == "annex":
            annex += 1
            sec["title"], prefix = annex_label.format(n=annex, title=title), f"A{annex}."
        else:
            chapter += 1
            sec["title"] = f"{zh_number(chapter)}、{title}" if lang == "zh" else f"{chapter}. {title}"
            prefix = f"{chapter}."
        k = 0
        for sub in sec.get("subsections") or []:
            if sub.get("title"):
                k += 1
                text = bare(sub["title"])
                sub["title"] = f"（{zh_number(k)}）{text}" if lang == "zh" else f"{prefix}{k} {text}"
    return sections
