"""The shapes of park-advisor's JSON outputs, as pydantic models, and the JSON Schemas made from them.

The command line and the Python API build their results as plain dictionaries; these models describe those
dictionaries (they are not used to build them), so that the documented schemas in docs/schemas/ come from
code and a test can check real outputs against them. Objects list the keys every output carries; blocks
meant for readers and reports may carry more keys than listed (`additionalProperties`), while the top level
of each result is closed.

Regenerate the committed schemas after changing a model or the profile format:

    python -m advisor.results docs/schemas
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from advisor.evaluate.output import EvaluationOutput
from advisor.kb.schemas.knowledge import Horizon, ObjectId
from advisor.kb.schemas.outputs import Block, Closed, Number, Synergy, Tapio, Trend
from advisor.profile.model import Profile

Object = ObjectId                   # the implementation objects and horizons, typed once in the knowledge schema


class ParkRef(Block):
    id: str
    name: str
    base_year: int | None = Field(default=None, description="analyze only")
    province: str | None = Field(default=None, description="analyze only")


# --- analyze --------------------------------------------------------------------------------------------

class CarbonShare(Block):
    t_co2e: Number
    share: Number = Field(description="fraction of the park's total CO2e (0.25 = 25 %)")


class CarbonByProcess(CarbonShare):
    process: str
    name: str | None = None
    category: str | None = None
    owner: str | None = None
    scope_1_t_co2e: Number = None
    scope_2_t_co2e: Number = None
    basis: str | None = Field(default=None, description="reported, computed from energy, balance (a feedstock carbon "
                              "balance), mixed, control, none")
    data_quality: Literal["proxy", "default_large_source", "default", "balance", "official", "reported", "measured",
                          "not_applicable"] | None = Field(
        default=None, description="the weakest data of the source: proxy activity, a default coal factor on a "
        "source of carbon-market size, default factors, a carbon balance, official factors, reported, measured; "
        "null without a CO2 figure")


class CarbonByCarrier(CarbonShare):
    carrier: str


class FactorUsed(Block):
    carrier: str
    factor: Number
    unit: str
    tier: str = Field(description="the data tier of the factor (measured, national, provincial or IPCC default)")
    source: str


class ExportRow(Block):
    carrier: str
    factor: Number
    factor_unit: str
    basis: Literal["onsite_generation", "fossil_power", "onsite_renewable", "grid_average", "onsite_heat_source",
                   "heat_default"] | None
    t_co2e: Number


class Exports(Block):
    t_co2e: Number = Field(description="shown apart, never subtracted; null when exports are not stated")
    basis: str | None = Field(description="the basis of the exported electricity's factor")
    rows: list[ExportRow]


class FeedstockBalance(Block):
    process: str
    status: Literal["balanced", "range", "reported"] = Field(
        description="balanced: process CO2 from the balance, counted; range: products unknown, not counted; "
        "reported: the process reports its CO2")
    t_co2_potential: Number
    feedstock_t_c: Number
    products_t_c: Number
    t_co2: Number = Field(description="process CO2 of the balance; null for a range")
    low_t_co2: Number
    high_t_co2: Number
    counted: bool


class ProcessCo2(Block):
    status: Literal["known", "estimated", "range"]
    t_co2e: Number
    share: Number = Field(description="share of the park's CO2e; null (unknown) while a feedstock is only a range")
    share_low: Number
    share_high: Number


class Carbon(Block):
    total_t_co2e: Number
    by_scope: dict[str, Number] = Field(description="scope ('1', '2', '3') → t CO2e")
    by_process: list[CarbonByProcess]
    by_carrier: list[CarbonByCarrier]
    factors_used: list[FactorUsed]
    gwp: str = Field(description="the IPCC assessment whose GWP-100 values weight the gases")
    exports: Exports
    feedstock_balance: list[FeedstockBalance]
    process_co2: ProcessCo2
    data_quality: dict[str, Any] = Field(description="threshold_t_co2e and large_sources: coal on default factors "
                                         "at sources of carbon-market size, with the market's value if unmeasured")


class PollutantByProcess(Block):
    process: str
    t: Number
    share: Number = Field(description="fraction of this pollutant's park total")


class Pollutant(Block):
    total_t: Number
    by_process: list[PollutantByProcess]


class SameSource(Block):
    process: str
    processes: list[str]
    co2e_share: Number
    pollutant_shares: dict[str, Number]
    reason: str
    reason_zh: str


class Substance(Block):
    change: Number = Field(description="fraction over the period (0.25 = +25 %)")
    elasticity: Number = Field(description="change of the substance / change of the economy; null when flat")
    tapio: Tapio | None
    state: Trend | None
    judgments_differ: bool | None = Field(default=None, description="true where Tapio and the trend read the "
                                          "period differently; why_differ and why_differ_zh say why")


class Period(Block):
    from_: int = Field(alias="from")
    to: int
    economy_change: Number
    substances: dict[str, Substance]
    pollutant_state: Trend | None
    carbon_state: Trend | None
    synergy: Synergy | None
    warnings: list[str]
    comparable: bool = Field(description="false when the park boundary changed inside the period")
    headline: bool | None = Field(default=None, description="true for the headline period (listed first)")


class Headline(Block):
    from_: int = Field(alias="from")
    to: int
    basis: Literal["whole_span", "longest_comparable_span", "requested"]
    comparable: bool


class Decoupling(Block):
    indicator: str | None
    periods: list[Period] = Field(description="the headline period first; the rules and the batch table read it")
    headline: Headline | None = Field(description="null when no span is free of boundary changes")
    not_comparable: list[str] = Field(description="the periods with a boundary change inside ('2018–2022')")


class Gap(Block):
    id: str
    missing: str = Field(description="the profile path whose data are missing")
    blocks: list[str] = Field(description="the parts of the analysis that need it")
    text_en: str
    text_zh: str


class AnalysisOutput(Closed):
    """`park-advisor analyze --json`: the status analysis of one park."""

    schema_version: Literal[1]
    park: ParkRef
    carbon: Carbon
    pollutants: dict[str, Pollutant] = Field(description="pollutant id (SO2, NOx, VOCs, COD …) → inventory")
    same_source: list[SameSource]
    decoupling: Decoupling
    energy: dict[str, Any]
    materials: dict[str, Any]
    fused: dict[str, Any]
    trade_offs: list[dict[str, Any]]
    gaps: list[Gap]
    warnings: list[str]
    warnings_zh: list[str]
    warning_ids: list[str]
    labels: dict[str, Any] = Field(description="Chinese and English names of the ids in this result")
    settings: dict[str, Any]


# --- recommend ------------------------------------------------------------------------------------------

class Finding(Block):
    id: str
    text: str
    severity: int
    status: Literal["found", "possible"]
    evidence: dict[str, Any] = Field(description="fact → value the finding rests on")
    rules: list[str]


class Reason(Block):
    """A rule that holds: its text states the condition as fact."""

    rule: str
    text: str
    clause: str
    weight: float | None = Field(default=None, description="how strongly the rule supports the measure")
    facts: dict[str, Any] = Field(description="the known facts that make the rule hold → their values")
    findings: list[str] = Field(description="the found findings that make the rule hold")
    inferred: list[str] | None = Field(default=None, description="facts it rests on that are inferred (strong "
                                       "inferences, see `inferred`); the text then says so")


class InferredMark(Block):
    """A likely value of an unknown fact, from a weak inference: shown, never used to establish a measure."""

    value: Any
    at_least: bool = Field(description="the value is a lower bound")
    text: str = Field(description="推断：… ，待确认 / Inferred: …, to confirm")


class UnknownFact(Block):
    """An unknown fact, named as the questionnaire asks it."""

    fact: str
    label: str = Field(description="the question's text in the output's language (the fact's text where no "
                                   "single question fills it)")
    question: str | None = Field(description="the id of the question that asks it; null when none does")
    inferred: InferredMark | None = Field(default=None, description="its likely value, where a weak inference "
                                          "gives one")


class OpenRule(Block):
    """A rule that is only possible: it holds if the unknown facts turn out as it needs."""

    rule: str
    text: str = Field(description="the rule written as a condition (若… / If …)")
    clause: str
    weight: float | None = None
    known: dict[str, Any] = Field(description="the known facts the rule reads → their values")
    unknown: list[UnknownFact] = Field(description="the unknown facts that decide it")


class Verify(Block):
    fact: str
    text: str = Field(description="the fact's label, as in `questions_to_answer`")


class Range(Block):
    low: float | None
    high: float | None


class Expected(Block):
    """A measure's estimate (docs/outputs.md, "Quantities"): besides these keys, one {low, high} per substance in
    t/yr (negative = an increase; null = unknown, never 0), and `missing` where a process lacks a figure."""

    acts_on: list[str] = Field(description="the park's processes it acts on")
    assumption: str
    share: dict[str, Any] = Field(description="low, high and set_by (default | profile)")
    coefficients: list[dict[str, Any]] = Field(description="id, name, value, low, high, unit, source, year, basis")


class Recommendation(Block):
    rank: int = Field(ge=1)
    measure: str
    object: Object
    title: str
    priority: Literal["high", "medium", "low"]
    score: float
    score_parts: dict[str, float]
    because: list[Reason] = Field(description="the rules that hold, strongest first")
    would_strengthen: list[OpenRule] = Field(description="rules only possible: they would add weight if confirmed")
    actions: list[str]
    co_benefits: list[str]
    verify: list[Verify] = Field(description="the unknown facts of `would_strengthen`")
    effect: Literal["co_reduction", "enabling", "trade_off"]
    horizon: Horizon
    effort: Literal["low", "medium", "high"]
    lead: str
    needs_higher_level: bool
    clause: str
    prerequisites: list[str]
    expected: Expected | None = Field(default=None, description="co-reduction and trade-off measures: the estimate")
    coordinates: dict[str, float | None] | None = Field(
        default=None, description="co2e_share and pollution_eq_share: midpoint cuts as shares of the park's totals")
    elasticity: dict[str, float | None] | None = Field(
        default=None, description="pollutant → (ΔP/P)/(ΔC/C); null where ΔC is 0 or unknown")
    enables: list[str] | None = Field(default=None, description="enabling measures: the measures they make possible")


class Blocker(Block):
    rule: str
    condition: str = Field(description="the condition in rule syntax, for tools")
    fact: str
    value: Any = Field(description="the fact's value: null when unknown")
    text: str = Field(description="why it keeps the measure out, in plain words")
    needed: str = Field(description="what it would need, in plain words")


class WhyNot(Blocker):
    because: str = Field(description="the rule written as a condition (若… / If …)")
    via: list[Blocker] | None = Field(default=None, description="for a finding: the condition that kept it out")


class NotRecommended(Block):
    measure: str
    object: Object
    title: str
    why_not: list[WhyNot]


class ToConfirm(Block):
    """A measure whose supporting rules are only possible."""

    measure: str
    object: Object
    title: str
    if_: list[OpenRule] = Field(alias="if", description="the rules that would establish it, most weight first")


class Question(UnknownFact):
    decides: list[str] = Field(description="the measures the answer decides")


class Inferred(Block):
    """A fact the profile leaves unknown, inferred from the park's province, type or divisions
    (knowledge/inferences.yaml); an answer overrides it."""

    fact: str
    label: str
    text: str = Field(description="推断：「…」为…，因为… / Inferred: “…” is …, as … (weak ones end “to confirm”)")
    value: Any
    at_least: bool = Field(description="the value is a lower bound (number facts)")
    strength: Literal["strong", "weak"] = Field(
        description="strong: used as the fact's value (in `facts`), may establish a measure; weak: the fact stays "
                    "unknown and the measures it would establish are to be confirmed")
    basis: str = Field(description="what it is inferred from, in the output's language")
    source: str = Field(description="the list or text followed, with its year")
    question: str | None = Field(description="the id of the question whose answer overrides it")
    inference: str = Field(description="the entry's id in knowledge/inferences.yaml")


class Unknown(Block):
    fact: str
    text: str
    affects: list[str] = Field(description="the measures an answer could change")


class AdviceOutput(Closed):
    """`park-advisor recommend --json`: the ordered, explained advice for one park."""

    schema_version: Literal[1]
    park: ParkRef
    lang: Literal["zh", "en"]
    park_type: str | None
    findings: list[Finding]
    recommendations: list[Recommendation]
    plan: dict[Object, dict[Horizon, list[str]]] = Field(
        description="object → horizon → established measures in rank order")
    to_confirm: list[ToConfirm] = Field(description="measures whose supporting rules are only possible")
    not_recommended: list[NotRecommended]
    questions_to_answer: list[Question] = Field(
        description="unknown facts behind open measures, the answers that decide most measures first")
    shortlist: list[str] = Field(description="the established measures of a first-year plan, in rank order")
    expected_total: dict[str, Range | None] = Field(
        default={}, description="the shortlist's reductions combined (each acts on what the others leave), t/yr")
    assumptions: list[dict[str, Any]] = Field(
        default=[], description="what a user may set (--set PATH=…): path, measure, default, value (null = default)")
    targets: list[dict[str, Any]] = Field(default=[], description="the targets table: indicator, name, unit, "
                                          "base_year, base, one key per target year, binding, basis, goal")
    projects: list[dict[str, Any]] = Field(default=[], description="the shortlist's key projects: measure, name, "
                                           "object, lead, start, end, expected, investment, funding")
    unknowns: list[Unknown]
    inferred: list[Inferred] = Field(description="facts inferred while the profile leaves them unknown")
    gaps: list[Gap]
    facts: dict[str, Any] = Field(description="the flat facts the rules read; null = unknown")


# --- explain and whatif ---------------------------------------------------------------------------------

class ConditionResult(Block):
    condition: str = Field(description="the condition in rule syntax, for tools")
    fact: str
    value: Any
    result: bool | None
    text: str = Field(description="what the condition asks, in plain words")
    value_text: str = Field(description="the park's value, in plain words")


class RuleResult(Block):
    rule: str
    because: str = Field(description="the rule's text: stated as fact when it holds, else as a condition")
    clause: str
    on_unknown: str
    outcome: Literal["true", "false", "unknown"]
    conditions: list[ConditionResult]


class ExplanationOutput(Closed):
    """`park-advisor explain --json`: why one measure is or is not recommended."""

    measure: str
    title: str
    recommended: bool = Field(description="true when established")
    status: Literal["established", "to_confirm", "not_recommended"]
    rules: list[RuleResult]
    rank: int | None = Field(default=None, description="when recommended")
    priority: str | None = Field(default=None, description="when recommended")
    score: float | None = Field(default=None, description="when recommended")
    score_parts: dict[str, float] | None = Field(default=None, description="when recommended")
    because: list[Reason] | None = Field(default=None, description="when recommended")
    verify: list[Verify] | None = Field(default=None, description="when recommended")
    would_strengthen: list[OpenRule] | None = Field(default=None, description="when recommended")
    if_: list[OpenRule] | None = Field(default=None, alias="if", description="when to confirm")
    why_not: list[WhyNot] | None = Field(default=None, description="when not recommended")
    questions: list[Question] | None = Field(default=None, description="when not established: the questions "
                                                                       "whose answers decide it")


class Entered(Block):
    measure: str
    title: str
    rank: int
    reason: str


class Left(Block):
    measure: str
    title: str
    to: Literal["to_confirm", "not_recommended"] | None = Field(default=None, description="the list it went to")
    reason: str
    why_not: list[WhyNot]


class ListMove(Block):
    measure: str
    title: str
    from_: Literal["established", "to_confirm", "not_recommended"] = Field(alias="from")
    to: Literal["established", "to_confirm", "not_recommended"]
    rank: int | None = Field(description="the new rank when established")
    reasons: list[str] = Field(description="why it is in its new list, in plain words")


class Moved(Block):
    measure: str
    title: str
    from_: int = Field(alias="from")
    to: int


class WhatIfOutput(Closed):
    """`park-advisor whatif --json`: what changes in the advice when some profile values change."""

    park: ParkRef
    changes: dict[str, Any] = Field(description="profile path → the new value")
    entered: list[Entered]
    left: list[Left]
    moved: list[Moved]
    moves: list[ListMove] = Field(description="every measure that changes list (established, to confirm, "
                                              "not recommended)")
    before: list[str] = Field(description="the recommended measures before, in rank order")
    after: list[str] = Field(description="the recommended measures after, in rank order")
    to_confirm_before: list[str] = Field(description="the measures to confirm before")
    to_confirm_after: list[str] = Field(description="the measures to confirm after")
    expected: dict[str, Any] | None = Field(
        default=None, description="the shortlist's combined reductions before and after, and the measures whose "
                                  "CO2e estimate changed")


# --- JSON Schemas ---------------------------------------------------------------------------------------

OUTPUTS: dict[str, type[BaseModel]] = {
    "analyze": AnalysisOutput, "recommend": AdviceOutput, "explain": ExplanationOutput, "whatif": WhatIfOutput,
    "evaluate": EvaluationOutput,
}


_BOUNDS = {"ge": "minimum", "le": "maximum"}


def _standard_bounds(node: Any) -> Any:
    """Number bounds in JSON Schema's words: pydantic leaves a bound that follows a custom validator (the
    profile's numbers accept text such as '5.21e6') under its Python name."""
    if isinstance(node, list):
        return [_standard_bounds(n) for n in node]
    if not isinstance(node, dict):
        return node
    numeric = node.get("type") in ("number", "integer")
    return {(_BOUNDS.get(k, k) if numeric else k): _standard_bounds(v) for k, v in node.items()}


def _profile_schema() -> dict[str, Any]:
    """The profile's schema as files write it: emissions_history holds its substances beside `unit`
    (the model gathers them under `series` while validating)."""
    schema = _standard_bounds(Profile.model_json_schema())
    history = schema["$defs"]["EmissionsHistory"]
    series = history["properties"].pop("series")
    history["additionalProperties"] = series["additionalProperties"]
    history["description"] = "Park totals by year: substance (CO2e, SO2 …) → year → amount, beside `unit`."
    return schema


def json_schemas() -> dict[str, dict[str, Any]]:
    """file name → JSON Schema, for the profile and each output."""
    schemas = {"profile.schema.json": _profile_schema()}
    for name, model in OUTPUTS.items():
        schemas[f"{name}.schema.json"] = model.model_json_schema(by_alias=True)
    return schemas


def schema_text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def write_schemas(folder: Path | str) -> list[Path]:
    """Write every schema into `folder`; returns the files written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in json_schemas().items():
        path = folder / name
        path.write_text(schema_text(schema), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_schemas(sys.argv[1] if len(sys.argv) > 1 else "docs/schemas"):
        sys.stdout.write(f"{path}\n")
