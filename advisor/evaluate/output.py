"""The shape of `park-advisor evaluate --json`, as pydantic models (advisor.results makes its JSON Schema).

Like the other result models, they describe the dictionary the evaluation builds; they are not used to build it.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from advisor.kb.schemas.outputs import Block, Closed, Number, Synergy, Tapio, Trend


class ParkRef(Block):
    id: str
    name: str


class CycleSubstance(Block):
    change: Number = Field(description="fraction between the cycles (0.25 = +25 %)")
    elasticity: Number = Field(description="change of the substance / change of the economy; null when flat")
    tapio: Tapio | None
    state: Trend | None


class CycleChange(Block):
    figure: str = Field(description="what is compared, e.g. carbon.total_t_co2e, pollutants.SO2.total_t")
    label: str
    unit: str = Field(description="the unit of the values; 'share' = a fraction 0..1")
    values: dict[str, Number] = Field(description="base year → value under the evaluation's factor set")
    change: Number = Field(description="(last − first) / first, a fraction (0.25 = +25 %); null when unknown")
    values_other_factors: dict[str, Number] | None = Field(
        default=None, description="the values under the other factor set, where they differ by more than 1 %")
    warnings: list[str] | None = Field(default=None, description="e.g. a boundary change between the cycles")


class CyclePeriod(Block):
    from_: int = Field(alias="from")
    to: int
    economy_change: Number
    substances: dict[str, CycleSubstance]
    pollutant_state: Trend | None
    carbon_state: Trend | None
    synergy: Synergy | None


class TargetRef(Block):
    year: int
    value: float
    binding: bool | None


class IndicatorRow(Block):
    id: str
    name: str
    unit: str
    values: dict[str, Number] = Field(description="base year → value; null when an input is missing")
    target: TargetRef | None
    attainment: Literal["met", "on_track", "off_track", "no_target", "unknown"]
    source: str


class TrackedMeasure(Block):
    measure: str
    status: Literal["planned", "in_progress", "done", "dropped"]
    since: int | None
    effect: Literal["seen", "not_seen", "too_early", "no_data"]
    evidence: str


class StillFound(Block):
    measure: str
    findings: list[str]


class NextCycle(Block):
    new: list[str]
    persisting: list[str]
    resolved: list[str]
    done_left: list[str] = Field(description="measures marked done that left the recommendations")
    done_problem_remains: list[StillFound] = Field(
        description="measures marked done whose findings are still found (done, but the problem remains)")


class EvaluationOutput(Closed):
    """`park-advisor evaluate --json`: two or more cycles of one park compared."""

    schema_version: Literal[1]
    park: ParkRef
    lang: Literal["zh", "en"]
    cycles: list[int] = Field(description="the base years, earliest first")
    sources: list[str] = Field(description="the profile files, in the order of cycles")
    factors: Literal["fixed", "own"] = Field(
        description="fixed: every cycle valued with the latest cycle's factor set; own: each with its own")
    factor_set: dict[str, Any]
    changes: list[CycleChange]
    decoupling: CyclePeriod = Field(description="between the first and the last cycle")
    trend: list[CyclePeriod] = Field(description="between each pair of cycles, with three or more cycles")
    indicators: list[IndicatorRow]
    measures: list[TrackedMeasure]
    next_cycle: NextCycle
    warnings: list[str]
