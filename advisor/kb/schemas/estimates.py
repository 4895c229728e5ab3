"""Models of knowledge/reduction_coefficients.yaml and knowledge/pollution_equivalents.csv: what each measure is
expected to cut and every coefficient behind it."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from advisor.kb.schemas.common import Strict, Text


class Coefficient(Strict):
    """One number of an estimate, as a range (low = high when the source gives one value)."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: Text
    low: float = Field(ge=0)
    high: float = Field(ge=0)
    unit: str = Field(min_length=1)
    unit_zh: str = Field(min_length=1)
    source: str = Field(min_length=1)
    source_zh: str = Field(min_length=1, description="the source in Chinese, for Chinese reports")
    year: int = Field(ge=1990, le=2100)
    basis: Literal["confirmed", "derived", "inferred"]
    note: str | None = None

    @model_validator(mode="after")
    def low_is_not_above_high(self) -> Coefficient:
        if self.low > self.high:
            raise ValueError(f"low {self.low} is above high {self.high}")
        if self.unit.startswith("fraction") and self.high > 1:
            raise ValueError(f"a fraction cannot exceed 1 (high {self.high}): no measure cuts more than is emitted")
        return self


class ShareRange(Strict):
    low: float = Field(gt=0, le=1)
    high: float = Field(gt=0, le=1)

    @model_validator(mode="after")
    def low_is_not_above_high(self) -> ShareRange:
        if self.low > self.high:
            raise ValueError(f"low {self.low} is above high {self.high}")
        return self


class ActsOn(Strict):
    """The park's processes a lever reaches."""

    categories: list[str] = Field(min_length=1, description="ids of process_categories.yaml")
    owner: Literal["infrastructure", "enterprise"] | None = None
    carriers: list[str] | None = Field(default=None, min_length=1,
                                       description="only processes with an energy row of one of these carriers")


class Lever(Strict):
    """Either share × coefficient of what the processes reached emit (`acts_on`, `cuts`, `adds`), or of a
    quantity from the profile (`activity`, `substance`, `coefficient`)."""

    acts_on: ActsOn | None = None
    cuts: dict[str, str] = Field(default={}, description="substance (or heavy_metals) → coefficient id")
    adds: dict[str, str] = Field(default={}, description="substance removed → coefficient of t CO2 added per t")
    activity: list[str] | None = Field(default=None, min_length=1,
                                       description="profile paths multiplied; '1-path' is the complement of a share")
    substance: str | None = None
    coefficient: str | None = None

    @model_validator(mode="after")
    def is_one_kind_of_lever(self) -> Lever:
        if (self.acts_on is None) == (self.activity is None):
            raise ValueError("give either acts_on (with cuts) or activity (with substance and coefficient)")
        if self.acts_on is not None and not self.cuts:
            raise ValueError("a lever with acts_on needs cuts")
        if self.activity is not None and not (self.substance and self.coefficient):
            raise ValueError("a lever with activity needs substance and coefficient")
        if set(self.adds) - set(self.cuts):
            raise ValueError("adds names a substance the lever does not cut")
        return self


class MeasureEstimate(Strict):
    share: ShareRange
    assumption: Text = Field(description="the assumption in words; {share} is replaced by the share used")
    levers: list[Lever] = Field(min_length=1)

    @model_validator(mode="after")
    def assumption_names_the_share(self) -> MeasureEstimate:
        for text in (self.assumption.zh, self.assumption.en):
            if "{share}" not in text:
                raise ValueError("the assumption must name {share}, the part a user may change")
        return self


class ReductionBook(Strict):
    coefficients: list[Coefficient] = Field(min_length=1)
    measures: dict[str, MeasureEstimate]
    enables: dict[str, list[str]] = {}


class PollutionEquivalent(Strict):
    substance: str = Field(min_length=1)
    medium: Literal["air", "water"]
    kg_per_equivalent: float = Field(gt=0)
    source: str = Field(min_length=1)
    year: int = Field(ge=1990, le=2100)
    basis: Literal["confirmed", "stated setting"]
    note: str | None = None


class Goal(Strict):
    text: Text
    source: str = Field(min_length=1)
    source_zh: str = Field(min_length=1)
    year: int = Field(ge=1990, le=2100)


class TargetIndicator(Strict):
    """A row of the targets table; `pollutant_total` stands for one row per total-control or characteristic
    pollutant, its name holding {pollutant}."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: Text
    unit: str = Field(min_length=1)
    unit_en: str | None = Field(default=None, description="the unit in English where it has Chinese words")
    binding: bool
    goal: Goal | None = None
    goals: dict[str, Goal] = Field(default={}, description="pollutant → the national goal it serves")
    basis: Text = Field(description="how the target values follow, in words; {growth} is the growth used")
    raised_by: str | None = Field(default=None, description="share indicators: the measure whose estimate raises it")


class PlanTargets(Strict):
    years: list[int] = Field(min_length=1)
    horizon_years: dict[Literal["near", "medium", "long"], int]
    energy_saving_measures: list[str] = []
    indicators: list[TargetIndicator] = Field(min_length=1)


class InvestmentClass(Strict):
    id: str = Field(pattern=r"^[a-z_]+$")
    range: Text


class FundingChannel(Strict):
    id: str = Field(pattern=r"^[a-z_]+$")
    name: Text
    source: str = Field(min_length=1)
    year: int = Field(ge=1990, le=2100)


class ProjectTemplate(Strict):
    name: Text
    object: Text
    investment: str
    funding: list[str] = Field(min_length=1)


class ProjectBook(Strict):
    investment_classes: list[InvestmentClass] = Field(min_length=1)
    investment_source: str = Field(min_length=1)
    investment_source_zh: str = Field(min_length=1)
    investment_year: int = Field(ge=1990, le=2100)
    funding_channels: list[FundingChannel] = Field(min_length=1)
    projects: dict[str, ProjectTemplate]

    @model_validator(mode="after")
    def classes_and_channels_are_defined(self) -> ProjectBook:
        classes = {c.id for c in self.investment_classes}
        channels = {c.id for c in self.funding_channels}
        for mid, p in self.projects.items():
            if p.investment not in classes:
                raise ValueError(f"projects.{mid}: unknown investment class '{p.investment}'")
            unknown = [f for f in p.funding if f not in channels]
            if unknown:
                raise ValueError(f"projects.{mid}: unknown funding channel {', '.join(unknown)}")
        return self
