"""Names as people write them: industries by name or short name (化工, 印染, steel) → GB/T 4754-2017 divisions,
provinces by short or English name (江苏, Jiangsu) or by one of their cities (苏州) → their name in provinces.csv,
prefecture-level cities by full or short name (苏州, 苏州市) → their row of cities.csv.

knowledge/industry_aliases.yaml and knowledge/cities.csv are read and checked here (each division named must be
in industries.csv, each city's province in provinces.csv); `name_index(kb)` is the look-up the profile readers
and the questionnaire share.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor.errors import Issue
from advisor.kb.schemas.names import DIVISION, City, IndustryNames, name_key

ALIASES_FILE = "industry_aliases.yaml"
# trailing words that only say "industry" (印染行业, 化工产业, textile industry); a name is also tried without them
_INDUSTRY_WORDS = ("行业", "产业", " industry", " industries", " sector")


def load(root: Path, read: Any, validate: Any, kb: Any, issues: list[Issue]) -> IndustryNames | None:
    """root/industry_aliases.yaml (None when absent), each division checked against industries.csv."""
    path = root / ALIASES_FILE
    if not path.exists():
        return None
    data = read(path, issues)
    if data is None:
        return None
    names = validate(IndustryNames, data, str(path), "", issues)
    if names is None:
        return None
    bad = False
    for i, alias in enumerate(names.industries):
        if alias.division not in kb.industries:
            bad = True
            issues.append(Issue(str(path), f"industries[{i}].division", f"unknown division '{alias.division}'",
                                "use a code of knowledge/industries.csv"))
    for p in names.pick_lists:
        for d in p.divisions:
            if d not in kb.industries:
                bad = True
                issues.append(Issue(str(path), f"pick_lists.{p.id}.divisions", f"unknown division '{d}'",
                                    "use a code of knowledge/industries.csv"))
    codes = {name_key(c) for c in kb.industries} | {name_key(i.name_zh) for i in kb.industries.values()} | {
        name_key(i.name_en) for i in kb.industries.values()}
    for alias_names in [a.names for a in names.industries] + [p.names for p in names.pick_lists]:
        for name in alias_names:
            if name_key(name) in codes:
                bad = True
                issues.append(Issue(str(path), name, f"'{name}' is already a division's code or name in industries.csv",
                                    "leave it out: the divisions' own names are accepted"))
    return None if bad else names


def load_cities(root: Path, read_csv: Any, validate: Any, kb: Any, issues: list[Issue]) -> list[City]:
    """root/cities.csv (none when absent), each city's province checked against provinces.csv."""
    path = root / "cities.csv"
    if not path.exists():
        return []
    out: list[City] = []
    for i, row in enumerate(read_csv(path, issues)):
        city = validate(City, dict(row), str(path), f"row {i + 2}", issues)
        if city is None:
            continue
        if city.province not in kb.provinces:
            issues.append(Issue(str(path), f"row {i + 2}", f"unknown province '{city.province}'",
                                "use a name_zh of knowledge/provinces.csv"))
            continue
        out.append(city)
    return out


@dataclass(frozen=True)
class Match:
    """What a name means: one division (`code`), or the divisions to pick from (`choices`)."""

    name: str
    code: str | None = None
    choices: tuple[str, ...] = ()


class NameIndex:
    """Every accepted spelling → its division or pick list; every province spelling → its name_zh."""

    def __init__(self, kb: Any):
        self.industries: dict[str, tuple[str, ...]] = {}
        for code, ind in kb.industries.items():
            for spelling in (code, ind.name_zh, ind.name_en):
                self.industries[name_key(spelling)] = (code,)
        names: IndustryNames | None = getattr(kb, "industry_names", None)
        if names is not None:
            for alias in names.industries:
                for name in alias.names:
                    self.industries[name_key(name)] = (alias.division,)
            for p in names.pick_lists:
                for name in p.names:
                    self.industries[name_key(name)] = tuple(p.divisions)
        self.division_names = {code: (ind.name_zh, ind.name_en) for code, ind in kb.industries.items()}
        self.provinces: dict[str, str] = {}
        self.cities: dict[str, City] = {}          # every spelling of a city → its row of cities.csv
        self.province_cities: dict[str, list[City]] = {}   # province name_zh → its cities, in the file's order
        for city in getattr(kb, "cities", None) or []:   # first, so that 吉林 stays the province's short name
            for spelling in (city.name_zh, city.short_zh):
                if spelling:
                    self.provinces[name_key(spelling)] = city.province
                    self.cities[name_key(spelling)] = city
            self.province_cities.setdefault(city.province, []).append(city)
        for prov in kb.provinces.values():
            for spelling in (prov.name_zh, getattr(prov, "short_zh", None), prov.name_en):
                if spelling:
                    self.provinces[name_key(spelling)] = prov.name_zh

    def industry(self, text: str) -> Match | None:
        """The division(s) a name or code means; None when the name is not known."""
        key = name_key(text)
        found = self.industries.get(key)
        if found is None:
            for word in _INDUSTRY_WORDS:
                if key.endswith(word) and len(key) > len(word):
                    found = self.industries.get(key[: -len(word)].strip())
                    if found is not None:
                        break
        if found is None:
            return None
        return Match(text.strip(), code=found[0]) if len(found) == 1 else Match(text.strip(), choices=found)

    def division_name(self, code: str, lang: str = "zh") -> str:
        zh, en = self.division_names.get(code, (code, code))
        return zh if lang == "zh" else en

    def province(self, text: str) -> str | None:
        """provinces.csv's name of a province written in full, short (江苏) or in English, or of the province
        of a city (苏州, 苏州市); None when unknown."""
        return self.provinces.get(name_key(text))

    def city(self, text: str) -> City | None:
        """The row of cities.csv of a prefecture-level city written in full (苏州市) or short (苏州); None when
        unknown (never guessed)."""
        return self.cities.get(name_key(text))

    def cities_of(self, province: str) -> list[City]:
        """The cities of a province (its name_zh in provinces.csv), as listed in cities.csv."""
        return self.province_cities.get(province, [])

    def industry_spellings(self) -> list[str]:
        """Every name accepted for an industry (lower case), for suggestions."""
        return sorted(k for k in self.industries if not DIVISION.match(k.upper()))


def name_index(kb: Any) -> NameIndex:
    """The look-up of `kb`, built once per knowledge base."""
    return kb.derived("kb.names", NameIndex)
