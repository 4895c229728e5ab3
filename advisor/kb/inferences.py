"""knowledge/inferences.yaml: facts the park's location, type or divisions make likely, each with its strength,
the basis it is inferred from and the source it follows; knowledge/city_lists.yaml: the lists of cities their
conditions name. Read here; applied by advisor.decide.inference."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator

from advisor.errors import Issue
from advisor.kb.schemas.common import Strict, Text


class InferenceWhen(Strict):
    """Every condition named must hold."""

    park_types: list[str] | None = Field(default=None, min_length=1, description="ids of park_types.yaml")
    divisions: list[str] | None = Field(default=None, min_length=1, description="divisions of industries.csv")
    min_share: float | None = Field(default=None, gt=0, le=1,
                                    description="the least output share the divisions have together")
    provinces: list[str] | None = Field(default=None, min_length=1, description="name_zh of provinces.csv")
    city_in: str | None = Field(default=None, description="an id of city_lists.yaml: park.city is known and on it")
    city_outside: str | None = Field(default=None,
                                     description="an id of city_lists.yaml: park.city is known and not on it")

    @model_validator(mode="after")
    def names_a_condition(self) -> InferenceWhen:
        if not (self.park_types or self.divisions or self.provinces or self.city_in or self.city_outside):
            raise ValueError("name at least one of park_types, divisions, provinces, city_in, city_outside")
        if (self.divisions is None) != (self.min_share is None):
            raise ValueError("divisions and min_share go together")
        return self


class InferenceSource(Strict):
    title: str = Field(min_length=1)
    year: int = Field(ge=1949, le=2100)


class CityList(Strict):
    """A list of prefecture-level cities (knowledge/city_lists.yaml): provinces listed whole, and cities."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: Text
    source: InferenceSource
    note: str | None = None
    provinces: list[str] = Field(default=[], description="name_zh of provinces.csv: every city of them is on the list")
    cities: list[str] = Field(min_length=1, description="name_zh of cities.csv")

    def members(self, cities: list[Any]) -> frozenset[str]:
        """The name_zh of every city on the list, given the rows of cities.csv."""
        whole = set(self.provinces)
        return frozenset(self.cities) | {c.name_zh for c in cities if c.province in whole}


class Inference(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    fact: str = Field(description="an id of knowledge/facts.yaml")
    value: bool | float | str
    at_least: bool = Field(default=False, description="number facts: the value is a lower bound")
    when: InferenceWhen
    strength: Literal["strong", "weak"]
    basis: Text = Field(description="what the fact is inferred from, in plain words")
    source: InferenceSource

    @model_validator(mode="after")
    def a_lower_bound_is_weak(self) -> Inference:
        if self.at_least and self.strength == "strong":
            raise ValueError("a lower bound (at_least) cannot be strong: it is compared only as 'at least'")
        return self


def _value_issue(inf: Inference, fact: dict[str, Any]) -> str | None:
    kind, value = fact.get("type"), inf.value
    if kind == "bool":
        ok = isinstance(value, bool)
    elif kind == "enum":
        ok = isinstance(value, str) and value in (fact.get("values") or [])
    elif kind in ("number", "count"):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    else:
        ok = False
    if not ok:
        return f"value {value!r} does not fit the fact's type '{kind}'"
    if inf.at_least and kind not in ("number", "count"):
        return "at_least is for number facts only"
    return None


def load_city_lists(root: Path, read: Any, validate: Any, kb: Any, issues: list[Issue]) -> dict[str, CityList]:
    """The lists of root/city_lists.yaml (none when absent), each name checked against provinces.csv and
    cities.csv (kb.cities must be loaded)."""
    path = root / "city_lists.yaml"
    if not path.exists():
        return {}
    data = read(path, issues)
    if data is None:
        return {}
    if not isinstance(data, list):
        issues.append(Issue(str(path), "", "expected a list of entries", "start each entry with '- '"))
        return {}
    known = {c.name_zh for c in kb.cities}
    out: dict[str, CityList] = {}
    for i, row in enumerate(data):
        lst = validate(CityList, row, str(path), f"[{i}]", issues)
        if lst is None:
            continue
        problems = [("provinces", f"unknown province '{p}'", "use a name_zh of knowledge/provinces.csv")
                    for p in lst.provinces if p not in kb.provinces]
        problems += [("cities", f"unknown city '{c}'", "use a name_zh of knowledge/cities.csv")
                     for c in lst.cities if c not in known]
        if lst.id in out:
            problems.append(("id", f"id '{lst.id}' is defined twice", "keep one entry"))
        for field, msg, fix in problems:
            issues.append(Issue(str(path), f"{lst.id}.{field}", msg, fix))
        if not problems:
            out[lst.id] = lst
    return out


def load(root: Path, read: Any, validate: Any, kb: Any, issues: list[Issue]) -> list[Inference]:
    """The inferences of root/inferences.yaml (none when the file is absent), each checked against the facts,
    park types, divisions, provinces and city lists it names (kb.city_lists must be loaded); `read` and
    `validate` are the knowledge loader's."""
    path = root / "inferences.yaml"
    if not path.exists():
        return []
    data = read(path, issues)
    if data is None:
        return []
    if not isinstance(data, list):
        issues.append(Issue(str(path), "", "expected a list of entries", "start each entry with '- '"))
        return []
    facts = {row.get("id"): row for row in (kb.extra.get("facts.yaml") or []) if isinstance(row, dict)}
    out: list[Inference] = []
    for i, row in enumerate(data):
        inf = validate(Inference, row, str(path), f"[{i}]", issues)
        if inf is None:
            continue
        where = f"{inf.id}"
        problems = []
        fact = facts.get(inf.fact)
        if fact is None:
            problems.append(("fact", f"unknown fact '{inf.fact}'", "use an id of knowledge/facts.yaml"))
        elif (msg := _value_issue(inf, fact)) is not None:
            problems.append(("value", msg, "give a value of the fact's type (facts.yaml)"))
        w = inf.when
        for name, known, table in (("park_types", kb.park_types, "park_types.yaml"),
                                   ("divisions", kb.industries, "industries.csv"),
                                   ("provinces", kb.provinces, "provinces.csv")):
            for item in getattr(w, name) or []:
                if item not in known:
                    problems.append((f"when.{name}", f"unknown entry '{item}'", f"use a name of {table}"))
        for name in ("city_in", "city_outside"):
            item = getattr(w, name)
            if item is not None and item not in kb.city_lists:
                problems.append((f"when.{name}", f"unknown city list '{item}'", "use an id of city_lists.yaml"))
        if any(o.id == inf.id for o in out):
            problems.append(("id", f"id '{inf.id}' is defined twice", "keep one entry"))
        for field, msg, fix in problems:
            issues.append(Issue(str(path), f"{where}.{field}", msg, fix))
        if not problems:
            out.append(inf)
    return out
