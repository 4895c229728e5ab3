"""knowledge/indicators.yaml as pydantic models: the co-control indicators an evaluation computes per cycle.

An indicator's value is a sum of terms over a sum of terms; each term names a quantity of the analysis, the
profile or the economy (see the file's header), so another indicator set can replace ours without code changes.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from advisor.kb.schemas.common import Strict, Text

# analysis:<dotted path> | pollutant_kg:<pollutant id> | economy:<money unit> | profile:<dotted path>
QUANTITY = re.compile(r"^(analysis|pollutant_kg|economy|profile):[^\s:][^:]*$")


class Weight(Strict):
    """What one unit of the indicator counts of the quantity (e.g. 0.95 kg of SO2 per pollution equivalent)."""

    value: float = Field(gt=0)
    unit: str = Field(min_length=1)
    source: str = Field(min_length=3)
    year: int = Field(ge=1949, le=2100)


class Term(Strict):
    quantity: str
    per: Weight | None = Field(default=None, description="the quantity is divided by this weight")

    @field_validator("quantity")
    @classmethod
    def quantity_names_a_known_kind(cls, v: str) -> str:
        if not QUANTITY.match(v):
            raise ValueError(f"'{v}' is not a quantity: write analysis:PATH, pollutant_kg:ID, economy:UNIT or "
                             "profile:PATH")
        return v


def _terms(value: Any) -> Any:
    """A bare quantity name stands for a term without weight."""
    if isinstance(value, list):
        return [{"quantity": v} if isinstance(v, str) else v for v in value]
    return value


class Formula(Strict):
    numerator: list[Term] = Field(min_length=1)
    denominator: list[Term] = []

    @model_validator(mode="before")
    @classmethod
    def bare_names_are_terms(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: _terms(v) if k in ("numerator", "denominator") else v for k, v in data.items()}
        return data


class Indicator(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    group: Literal["carbon", "energy", "pollution", "resource", "management"]
    name: Text
    unit: str = Field(min_length=1, description="the unit of the value; 'share' = a fraction 0..1")
    unit_en: str | None = Field(default=None, description="the unit in English output, where `unit` has Chinese "
                                                          "words other than 万元 and 亿元")
    direction: Literal["lower", "higher"] = Field(description="which way is better")
    value: Formula
    definition: Text
    source: str = Field(min_length=3)
    year: int = Field(ge=1949, le=2100, description="the year of the source")
