"""knowledge/audit.yaml and knowledge/factors/product_carbon.csv: the numbers and sentences of an auditable
carbon account (exported power, the national carbon market, feedstock carbon balances)."""

from __future__ import annotations

import string

from pydantic import Field, model_validator

from advisor.kb.schemas.common import Strict, Text


class SourcedNumber(Strict):
    value: float
    unit: str = Field(min_length=1)
    year: int = Field(ge=1990, le=2100)
    source: str = Field(min_length=3)
    source_zh: str | None = None


class IndustryList(Strict):
    codes: list[str] = Field(min_length=1)
    year: int = Field(ge=1990, le=2100)
    source: str = Field(min_length=3)
    source_zh: str | None = None


class UnmeasuredCoal(Strict):
    carriers: list[str] = Field(min_length=1)
    carbon_content: SourcedNumber
    oxidation: SourcedNumber


class CarbonMarket(Strict):
    threshold: SourcedNumber
    power_industries: IndustryList
    other_industries: IndustryList
    unmeasured_coal: UnmeasuredCoal


class ExportSettings(Strict):
    fossil_power_series: str
    heat_source_categories: list[str] = Field(min_length=1, description="process categories whose fuels make heat")
    heat_efficiency: SourcedNumber
    heat_efficiency_bound: SourcedNumber

    @model_validator(mode="after")
    def efficiency_is_a_share_below_its_bound(self) -> ExportSettings:
        if not 0 < self.heat_efficiency.value <= self.heat_efficiency_bound.value <= 1:
            raise ValueError("need 0 < heat_efficiency ≤ heat_efficiency_bound ≤ 1")
        return self


class FeedstockRange(Strict):
    range_low: SourcedNumber
    range_high: SourcedNumber

    @model_validator(mode="after")
    def low_is_not_above_high(self) -> FeedstockRange:
        if not 0 <= self.range_low.value <= self.range_high.value <= 1:
            raise ValueError("need 0 ≤ range_low ≤ range_high ≤ 1 (shares of the feedstock CO2 potential)")
        return self


class JudgmentDifference(Strict):
    tapio: str
    state: str
    why: Text


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


class AuditSettings(Strict):
    exports: ExportSettings
    reported_carriers: dict[str, str] = Field(description="process category → by-carrier label of its reported CO2")
    carbon_market: CarbonMarket
    feedstock: FeedstockRange
    judgment_differences: list[JudgmentDifference]
    texts: dict[str, Text]

    @model_validator(mode="after")
    def texts_have_the_same_placeholders_in_both_languages(self) -> AuditSettings:
        bad = [k for k, t in self.texts.items() if _fields(t.zh) != _fields(t.en)]
        if bad:
            raise ValueError(f"texts {', '.join(bad)}: zh and en name different {{placeholders}}")
        return self

    def numbers(self) -> list[SourcedNumber]:
        """Every number of the file, for `kb check`'s count."""
        m = self.carbon_market
        return [m.threshold, m.unmeasured_coal.carbon_content, m.unmeasured_coal.oxidation,
                self.feedstock.range_low, self.feedstock.range_high,
                self.exports.heat_efficiency, self.exports.heat_efficiency_bound]


class ProductCarbon(Strict):
    """The carbon content of a product or by-product, for the carbon balance of feedstock."""

    product: str
    name_zh: str
    name_en: str
    aliases: list[str] = Field(default_factory=list)
    carbon: float = Field(ge=0, le=1)
    unit: str = Field(pattern=r"^t C/t$")
    year: int = Field(ge=1990, le=2100)
    source: str = Field(min_length=3)
    source_zh: str | None = None
