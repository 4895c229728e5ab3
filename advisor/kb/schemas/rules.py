"""Rule books, findings and the fact catalogue as pydantic models.

A condition is written in one small language shared by the engine compiler, the
why-not evaluator and the questionnaire's `ask_if`:

    {all: [c, ...]}  {any: [c, ...]}  {not: c}
    {fact: energy.coal_fuel_share, ge: 0.5}      ops: eq ne lt le gt ge in exists unknown
    {finding: coal-dominated-energy}             true when the finding was concluded
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from advisor.kb.schemas.common import Strict, Text

OPS = ("eq", "ne", "lt", "le", "gt", "ge", "in", "exists", "unknown")
RULE_ID = re.compile(r"^R-[A-Z]+-\d{2,3}$")
FINDING_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class Conclusion(Strict):
    measure: str | None = None
    finding: str | None = None
    weight: float = Field(default=1.0, gt=0, le=10, description="strength of support for a measure")

    @model_validator(mode="after")
    def concludes_exactly_one_thing(self) -> Conclusion:
        if (self.measure is None) == (self.finding is None):
            raise ValueError("`then` names exactly one of `measure` or `finding`")
        return self


class Case(Strict):
    """A test case: these facts (everything else unknown) → the rule fires or not."""

    given: dict[str, Any]
    expect: Literal["fire", "verify", "no_fire"]
    note: str = ""


class Rule(Strict):
    id: str
    title: Text
    when: dict[str, Any]
    then: Conclusion
    because: Text
    conditional: Text | None = Field(
        default=None, description="the condition stated as a condition (若… / If …), for a rule that is only possible")
    clause: str
    on_unknown: Literal["verify", "omit"] = Field(
        default="omit",
        description="verify: recommend and say what to check when an unknown fact could block it; omit: leave out")
    on_unknown_reason: Text | None = Field(
        default=None, description="why this rule treats an unknown finding unlike other rules that read it")
    cases: list[Case] = Field(default=[], description="at least one; kb check runs them")

    @field_validator("id")
    @classmethod
    def id_is_stable_form(cls, v: str) -> str:
        if not RULE_ID.match(v):
            raise ValueError(f"rule id '{v}' must look like R-ENERGY-03")
        return v


class RuleBook(Strict):
    theme: Text
    rules: list[Rule]


class FactDef(Strict):
    id: str
    type: Literal["bool", "number", "count", "enum", "text"]
    unit: str = ""
    values: list[str] = []
    text: Text
    source: str = Field(description="profile path(s) or 'analysis: …' it comes from")


class FindingDef(Strict):
    id: str
    text: Text
    severity: int = Field(ge=1, le=3, description="1 notable · 2 important · 3 severe")

    @field_validator("id")
    @classmethod
    def id_is_kebab_case(cls, v: str) -> str:
        if not FINDING_ID.match(v):
            raise ValueError(f"finding id '{v}' must be kebab-case like coal-dominated-energy")
        return v
