"""knowledge/industry_aliases.yaml as pydantic models: the names people use for industries, each belonging to
one GB/T 4754-2017 division or, when a name covers several, to a pick list of divisions."""

from __future__ import annotations

import re
import unicodedata

from pydantic import Field, model_validator

from advisor.kb.schemas.common import Strict, Text

DIVISION = re.compile(r"^[A-T]\d{2}$")


def name_key(text: str) -> str:
    """How names are compared: full-width letters folded, blanks squeezed, without case."""
    return " ".join(unicodedata.normalize("NFKC", text).split()).casefold()


class IndustryAlias(Strict):
    names: list[str] = Field(min_length=1)
    division: str = Field(pattern=DIVISION.pattern, description="a code of knowledge/industries.csv")
    basis: Text = Field(description="the GB/T 4754-2017 group or class the names are classified in")


class PickList(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    names: list[str] = Field(min_length=1)
    divisions: list[str] = Field(min_length=2, description="codes of knowledge/industries.csv, the choices offered")
    basis: Text = Field(description="why the names cover several divisions")

    @model_validator(mode="after")
    def divisions_are_codes_listed_once(self) -> PickList:
        bad = [d for d in self.divisions if not DIVISION.match(d)]
        if bad or len(set(self.divisions)) != len(self.divisions):
            raise ValueError(f"{self.id}: divisions must be different codes like C26; got {', '.join(self.divisions)}")
        return self


class IndustryNames(Strict):
    source: str = Field(min_length=1)
    industries: list[IndustryAlias] = Field(min_length=1)
    pick_lists: list[PickList] = Field(default=[])

    @model_validator(mode="after")
    def every_name_means_one_thing(self) -> IndustryNames:
        seen: dict[str, str] = {}
        twice: list[str] = []
        entries = [(a.names, a.division) for a in self.industries] + [(p.names, p.id) for p in self.pick_lists]
        for names, owner in entries:
            for name in names:
                key = name_key(name)
                if not key:
                    raise ValueError(f"{owner}: an empty name")
                if key in seen:
                    twice.append(f"'{name}' ({seen[key]} and {owner})")
                seen[key] = owner
        if twice:
            raise ValueError(f"names listed more than once: {', '.join(twice)}; a name must mean one thing")
        return self


class City(Strict):
    """A prefecture-level city of knowledge/cities.csv, for reading "苏州" as a park in 江苏省."""

    name_zh: str = Field(min_length=2)
    short_zh: str | None = Field(default=None, description="the name without 市/地区/盟, where people say it so")
    province: str = Field(description="name_zh of knowledge/provinces.csv")
    adcode: str = Field(pattern=r"^\d{6}$", description="the GB/T 2260 code")
    source: str = Field(min_length=1)
