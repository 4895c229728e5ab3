"""The checked table of cited standards (knowledge/standards.csv), and the card citations it resolves.

A measure card cites a standard by code and edition year only (`{code: "GB/T 24789", year: 2022}`); its
title comes from the table when the knowledge base loads, so an edition's title is kept in one place.
The check functions at the end are run by `park-advisor kb check` (advisor.decide.checks).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import Field, model_validator

from advisor.errors import Issue, did_you_mean
from advisor.kb.schemas.common import Strict, Text

if TYPE_CHECKING:
    from advisor.kb.knowledge import KnowledgeBase
    from advisor.kb.schemas.knowledge import Standard

TABLE = "knowledge/standards.csv"
CODE = re.compile(r"^(GB/T|GB/Z|GB|HJ/T|HJ)\s\d+(\.\d+)?$")
EDITION = re.compile(r"^(GB/T|GB/Z|GB|HJ/T|HJ)\s\d+(\.\d+)?-(19|20)\d\d$")
# a code as it appears in running text (factor sources, units): "GB/T 2589", "HJ 212-2025"
CITED = re.compile(r"\b(GB/T|GB/Z|HJ/T|GB|HJ)\s?(\d+(?:\.\d+)?)(?:-((?:19|20)\d\d))?")


class StandardEdition(Strict):
    """One edition of a standard: a row of knowledge/standards.csv."""

    code: str = Field(description="e.g. 'GB/T 24789'; the prefix GB, GB/T, GB/Z, HJ or HJ/T, a space, the number")
    year: int = Field(ge=1949, le=2100, description="the edition's year, as in GB/T 24789-2022")
    title_zh: str = Field(min_length=2)
    title_en: str | None = Field(default=None, description="the official English title; empty where none was seen")
    title_en_ours: str | None = Field(default=None, description="our English rendering where no official one is known")
    status: Literal["current", "superseded"]
    superseded_by: str | None = Field(default=None, description="the edition that replaced it, e.g. 'GB/T 24789-2022'")
    checked: Literal["catalogue", "review", "secondary", "not_reconfirmed"]
    note: str | None = None

    @model_validator(mode="after")
    def well_formed(self) -> StandardEdition:
        if not CODE.match(self.code):
            raise ValueError(f"'{self.code}' is not a code like 'GB/T 24789' or 'HJ 212'")
        if not (self.title_en or self.title_en_ours):
            raise ValueError("give title_en (official) or title_en_ours (our rendering)")
        if self.title_en and self.title_en_ours:
            raise ValueError("give title_en (official) or title_en_ours (our rendering), not both")
        if self.status == "superseded" and not self.superseded_by:
            raise ValueError("a superseded edition names its successor in superseded_by")
        if self.status == "current" and self.superseded_by:
            raise ValueError("a current edition has no superseded_by")
        if self.superseded_by and not EDITION.match(self.superseded_by):
            raise ValueError(f"superseded_by '{self.superseded_by}' is not an edition like 'GB/T 24789-2022'")
        return self

    @property
    def edition(self) -> str:
        return f"{self.code}-{self.year}"

    @property
    def title(self) -> Text:
        return Text(zh=self.title_zh, en=self.title_en or self.title_en_ours or "")


def load_table(root: Path, issues: list[Issue]) -> list[StandardEdition]:
    """Every row of knowledge/standards.csv that validates; problems go to issues."""
    from advisor.kb.knowledge import _csv_file

    return _csv_file(root, "standards.csv", StandardEdition, issues)


def editions(table: list[StandardEdition]) -> dict[tuple[str, int], StandardEdition]:
    return {(row.code, row.year): row for row in table}


def resolve(measures: dict, table: list[StandardEdition]) -> None:
    """Fill in the title of every dated card citation found in the table (in place).

    A citation the table does not know keeps no title; a title a card gives itself is kept, so that
    the checks below can compare it with the table's.
    """
    index = editions(table)
    for m in measures.values():
        for s in m.standards:
            row = index.get((s.code, s.year)) if s.year is not None else None
            if row is not None and s.title is None:
                s.title = row.title
                s.title_en_ours = not row.title_en


def cited(s: Standard) -> str:
    """'GB/T 24789-2022', or the bare code of an undated citation."""
    return f"{s.code}-{s.year}" if s.year is not None else s.code


def citation_line(s: Standard, kb: KnowledgeBase | None = None) -> str:
    """'GB/T 24789-2022 用水单位… / General rules …' – the one way a citation is printed."""
    title = s.title
    if title is None:
        return f"{cited(s)} (not in {TABLE})"
    en = title.en + (" [our translation]" if s.title_en_ours else "")
    line = f"{cited(s)} {title.zh} / {en}"
    row = editions(kb.standards).get((s.code, s.year)) if kb is not None and s.year is not None else None
    if row is not None and row.status == "superseded":
        line += f" (superseded by {row.superseded_by})"
    return line


def basis(kb: KnowledgeBase, measure_ids: list[str], lang: str = "zh") -> list[tuple[str, str, list[str]]]:
    """The standards the given measures cite, once each, for a plan's 编制依据: (edition, title, measure ids),
    in the table's order, e.g. ("GB/T 24789-2022", "用水单位水计量器具配备和管理通则", ["7.2.6", "7.3.2"])."""
    by_edition: dict[str, list[str]] = {}
    titles: dict[str, str] = {}
    for mid in measure_ids:
        m = kb.measures.get(mid)
        for s in m.standards if m is not None else []:
            if s.title is not None:
                by_edition.setdefault(cited(s), []).append(mid)
                titles[cited(s)] = s.title.in_lang(lang)
    order = {row.edition: i for i, row in enumerate(kb.standards)}
    return [(e, titles[e], ids) for e, ids in sorted(by_edition.items(), key=lambda kv: order.get(kv[0], 0))]


# --- checks (run by `park-advisor kb check`) -------------------------------------------------------

def _card(mid: str) -> str:
    return f"knowledge/measures/{mid}.yaml"


def standards_are_cited_with_year(kb: KnowledgeBase, base=None) -> list[Issue]:
    """A card citation names the edition: code and year."""
    out = []
    for m in kb.measures_in_order():
        for i, s in enumerate(m.standards):
            if s.year is None:
                years = sorted(r.year for r in kb.standards if r.code == s.code and r.status == "current")
                hint = f"the current edition in {TABLE} is {s.code}-{years[-1]}" if years else f"see {TABLE}"
                out.append(Issue(_card(m.id), f"standards[{i}]", f"{s.code} is cited without a year",
                                 f"write {{code: \"{s.code}\", year: …}}; {hint}"))
    return out


def standards_cited_are_in_the_table(kb: KnowledgeBase, base=None) -> list[Issue]:
    """Every card citation, and every code named in a factor or unit source, is a row of the table."""
    index = editions(kb.standards)
    codes = {r.code for r in kb.standards}
    out = []
    for m in kb.measures_in_order():
        for i, s in enumerate(m.standards):
            if s.code not in codes:
                out.append(Issue(_card(m.id), f"standards[{i}]", f"{s.code} is not in {TABLE}",
                                 did_you_mean(s.code, codes) or f"check the code and add its edition to {TABLE}"))
            elif s.year is not None and (s.code, s.year) not in index:
                known = ", ".join(f"{r.edition} ({r.status})" for r in kb.standards if r.code == s.code)
                out.append(Issue(_card(m.id), f"standards[{i}]", f"{s.code}-{s.year} is not in {TABLE}",
                                 f"the table has {known}"))
    for file, text in _source_texts(kb):
        for code, year in _codes_in(text):
            if code not in codes:
                out.append(Issue(file, code, f"{code} is cited but not in {TABLE}", f"add its edition to {TABLE}"))
            elif year is not None and (code, year) not in index:
                out.append(Issue(file, f"{code}-{year}", f"{code}-{year} is not in {TABLE}",
                                 "cite an edition the table has, or add this one"))
    return out


def standards_have_one_title_per_code(kb: KnowledgeBase, base=None) -> list[Issue]:
    """One code is shown under one title: one current edition per code, one row per edition, and the
    cards neither cite two editions of a code nor give a title of their own that differs from the table's."""
    out = []
    seen: dict[tuple[str, int], StandardEdition] = {}
    current: dict[str, list[StandardEdition]] = {}
    for row in kb.standards:
        if (row.code, row.year) in seen:
            other = seen[(row.code, row.year)]
            problem = (f"{row.edition} has two titles: {other.title_zh} and {row.title_zh}"
                       if other.title_zh != row.title_zh or other.title.en != row.title.en
                       else f"{row.edition} is listed twice")
            out.append(Issue(TABLE, row.edition, problem, "keep one row per edition"))
        seen[(row.code, row.year)] = row
        if row.status == "current":
            current.setdefault(row.code, []).append(row)
    for code, rows in current.items():
        if len(rows) > 1:
            out.append(Issue(TABLE, code, f"{code} has {len(rows)} current editions "
                             f"({', '.join(r.edition for r in rows)})",
                             "mark the older ones superseded, with superseded_by"))
    titles: dict[str, dict[str, list[str]]] = {}
    for m in kb.measures_in_order():
        for i, s in enumerate(m.standards):
            listed = seen.get((s.code, s.year)) if s.year is not None else None
            if listed is not None and s.title is not None and (
                    (s.title.zh, s.title.en) != (listed.title.zh, listed.title.en)):
                out.append(Issue(_card(m.id), f"standards[{i}]",
                                 f"{s.code} has two titles: {s.title.zh} in the card and {listed.title_zh} in {TABLE}",
                                 f"cite only code and year; the title comes from {TABLE}"))
            if s.title is not None:
                titles.setdefault(s.code, {}).setdefault(f"{cited(s)} {s.title.zh}", []).append(m.id)
    for code, by_title in titles.items():
        if len(by_title) > 1:
            shown = "; ".join(f"{t} ({', '.join(ids)})" for t, ids in by_title.items())
            out.append(Issue("knowledge/measures", code, f"{code} is cited with two titles: {shown}",
                             "cite one edition of a standard in every card"))
    return out


def standards_cited_are_current(kb: KnowledgeBase, base=None) -> list[Issue]:
    """A card cites the edition in force, not one that has been replaced."""
    index = editions(kb.standards)
    out = []
    for m in kb.measures_in_order():
        for i, s in enumerate(m.standards):
            row = index.get((s.code, s.year)) if s.year is not None else None
            if row is not None and row.status == "superseded":
                out.append(Issue(_card(m.id), f"standards[{i}]", f"{row.edition} is superseded by {row.superseded_by}",
                                 f"cite {row.superseded_by}"))
    return out


CHECKS = [standards_are_cited_with_year, standards_cited_are_in_the_table, standards_have_one_title_per_code,
          standards_cited_are_current]


def _codes_in(text: str) -> list[tuple[str, int | None]]:
    return [(f"{prefix} {number}", int(year) if year else None) for prefix, number, year in CITED.findall(text)]


def _source_texts(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """The free-text sources of the factor and unit tables, where a standard may be named."""
    out = [("knowledge/factors/fuel_factors.csv", r.source) for r in kb.fuel_factors]
    out += [("knowledge/factors/grid_factors.csv", r.source) for r in kb.grid_factors]
    out += [("knowledge/factors/heat_and_other.csv", r.source) for r in kb.other_factors.values()]
    out += [("knowledge/factors/gwp.csv", r.source) for r in kb.gwp.values()]
    out += [("knowledge/units.csv", u.source) for u in kb.units.values() if getattr(u, "source", None)]
    return out
