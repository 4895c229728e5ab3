"""The knowledge base as pydantic models: measure cards, vocabularies and tables."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from advisor.kb.schemas.common import Strict, Text

# the implementation objects, typed once here; their order and clauses are objects.yaml's (kb.object_ids())
ObjectId = Literal["management", "infrastructure", "enterprise", "third_party", "surrounding"]
Effect = Literal["co_reduction", "trade_off", "enabling"]
Horizon = Literal["near", "medium", "long"]
Effort = Literal["low", "medium", "high"]
MEASURE_ID = re.compile(r"^7\.[1-5]\.[1-9]$")


class Standard(Strict):
    """A national or sector standard a measure relates to, cited by code and edition year.

    The card gives code and year; the title is filled in from knowledge/standards.csv when the knowledge
    base loads (advisor.kb.standards), so an edition's title is kept in one place."""

    code: str = Field(min_length=2)
    year: int | None = Field(default=None, ge=1949, le=2100, description="the edition, as in GB/T 24789-2022")
    title: Text | None = Field(default=None, description="from knowledge/standards.csv, not written in the card")
    title_en_ours: bool = Field(default=False, description="title.en is our rendering, not an official title")


class Measure(Strict):
    """One guideline measure (clause 7.x.y) as a card a domain expert can edit."""

    id: str
    object: ObjectId
    order: int = Field(ge=1, le=9, description="logical order within its object (the guideline's)")
    title: Text = Field(description="zh: the guideline's title; en: our translation")
    summary: Text = Field(description="what the measure means, in our own words")
    applies_when: Text = Field(description="when it applies – our design, in prose; the rules decide")
    effect: Effect
    co_benefits: list[str] = Field(description="substances it acts on: CO2, SO2, NOx, PM, VOCs, COD, NH3-N …")
    trade_offs: Text | None = None
    actions: dict[str, list[Text]] = Field(description="typical actions by park type; key 'default' required")
    prerequisites: list[str] = []
    standards: list[Standard] = []
    horizon: Horizon
    effort: Effort
    lead: Text
    partners: list[Text] = []
    needs_higher_level: bool
    target_processes: list[str] = Field(
        default=[], description="process categories whose emissions the measure acts on (ranking share)")

    @field_validator("id")
    @classmethod
    def id_is_a_clause_of_chapter_7(cls, v: str) -> str:
        if not MEASURE_ID.match(v):
            raise ValueError(f"'{v}' is not a clause id like 7.3.5")
        return v

    @model_validator(mode="after")
    def id_matches_order(self) -> Measure:
        # that the clause's section is its object's (7.1 management …) is checked against objects.yaml on loading
        if int(self.id.split(".")[2]) != self.order:
            raise ValueError(f"order {self.order} does not match clause {self.id}")
        if "default" not in self.actions:
            raise ValueError("actions needs a 'default' list (used when no park type matches)")
        return self


class ImplementationObject(Strict):
    id: ObjectId
    clause: str
    name: Text
    description: Text


class BoundaryType(Strict):
    id: Literal["physical", "management", "planning", "statistical"]
    name: Text
    description: Text
    recommended: bool = False


FuelFactorSet = Literal["cn_default", "ipcc2006"]


class DataTier(Strict):
    id: str
    kind: Literal["activity", "factor"]
    rank: int = Field(ge=1, le=4, description="1 = best")
    name: Text
    examples: Text
    fuel_factor_set: FuelFactorSet | None = Field(
        default=None, description="the set of factors/fuel_factors.csv whose rows are of this tier")
    weak: bool = Field(default=False, description="activity data too coarse to plan on")


class ProcessCategory(Strict):
    id: str
    name: Text
    gases: list[str]
    relevant_in: Text
    scope: Literal["1", "2", "3", "sink"] = "1"
    adds_co2_for_control: bool = False


class State(Strict):
    id: str
    name: Text
    description: Text


class DecouplingVocabulary(Strict):
    tapio: list[State]
    trend: list[State]
    synergy: list[State]
    tapio_lower: float = Field(description="elasticity below which growth is weak decoupling (Tapio 2005)")
    tapio_upper: float = Field(description="elasticity above which growth is negative decoupling (Tapio 2005)")
    indeterminate_change: float = Field(gt=0, lt=1, description="fraction below which a change is too small to call")
    total_control_pollutants: list[str]
    source: str

    @model_validator(mode="after")
    def has_all_tapio_states(self) -> DecouplingVocabulary:
        if len(self.tapio) != 8:
            raise ValueError(f"Tapio has 8 states, {len(self.tapio)} are listed")
        return self


class ParkType(Strict):
    id: str
    name: Text
    divisions: list[str]
    hotspots: Text
    typical: Text
    coal_feedstock_in: list[str] = Field(
        default=[], description="park types that are this type when the park uses coal as feedstock")
    fallback: bool = Field(default=False, description="the type of a park whose dominant division no type lists")


class ProgrammeKind(Strict):
    """A park programme and what taking part in it says about the park."""

    id: Literal["eco_industrial", "circular_transformation", "low_carbon", "green_park",
                "co_control", "zero_carbon", "no_waste_city"]
    name: Text
    model_park: bool
    co_control: bool


class Pollutant(Strict):
    id: str
    name: Text
    total_control: bool = False
    medium: Literal["air", "water", "soil", "waste"]
    heavy_metal: bool = False


class Carrier(Strict):
    """An energy carrier the profile may name in `energy` (raw_coal, electricity, steam …)."""

    id: str
    name: Text
    kind: Literal["fuel", "electricity", "heat"]
    dimension: Literal["mass", "volume", "energy", "electricity"]
    fuel: str | None = Field(default=None, description="row of factors/fuel_factors.csv")
    fossil: bool = True
    coal: bool = False


class Unit(Strict):
    unit: str
    dimension: str
    to_base: float = Field(gt=0)
    base: str
    aliases: list[str] = []
    source: str


class Industry(Strict):
    code: str
    name_zh: str
    name_en: str
    energy_intensive: bool
    water_intensive: bool

    @field_validator("code")
    @classmethod
    def code_is_a_division(cls, v: str) -> str:
        if not re.fullmatch(r"[A-T]\d{2}", v):
            raise ValueError(f"'{v}' is not a GB/T 4754-2017 division code like C26")
        return v


GridSeries = Literal["mee_nbs_average", "mee_nbs_residual", "mee_nbs_fossil", "carbon_market"]


class GridFactor(Strict):
    series: GridSeries
    region: str
    year: int
    value: float = Field(gt=0)
    unit: Literal["t CO2/MWh"]
    source: str = Field(min_length=3)
    note: str | None = None
    source_zh: str | None = Field(default=None, description="the source in Chinese, for Chinese output")


class GridFactorChoice(Strict):
    """A choice of accounting.grid_factor and the one series of grid factors it reads."""

    id: str
    series: GridSeries
    region: str | None = Field(default=None, description="national, or None for the park's regional grid")
    description: str


class EndOfPipeControl(Strict):
    """An end-of-pipe control that adds CO2 while it removes a pollutant."""

    id: str
    name: Text
    removes: str = Field(description="the pollutant removed (pollutants.yaml)")
    factors: list[str] = Field(default=[], description="items of factors/heat_and_other.csv multiplied together")
    burns_voc_carbon: bool = Field(default=False, description="CO2 from the carbon of the VOCs it oxidises")
    note: str = ""

    @model_validator(mode="after")
    def has_one_way_to_add_co2(self) -> EndOfPipeControl:
        if bool(self.factors) == self.burns_voc_carbon:
            raise ValueError("give either factors (a reagent's CO2) or burns_voc_carbon: true, not both or neither")
        return self


class FuelFactor(Strict):
    set: FuelFactorSet
    fuel: str
    ncv: float = Field(gt=0)
    ncv_unit: str
    carbon_content_tC_per_TJ: float = Field(gt=0)
    oxidation: float = Field(gt=0, le=1)
    co2_factor: float = Field(gt=0)
    co2_unit: str
    tce_factor: float | None = None
    tce_unit: str | None = None
    source: str = Field(min_length=3)
    source_zh: str | None = Field(default=None, description="the source in Chinese, for Chinese output")

    @model_validator(mode="after")
    def co2_factor_follows_from_its_parts(self) -> FuelFactor:
        # CO2 = NCV × C × oxidation × 44/12 (GJ → TJ: /1000)
        expected = self.ncv * self.carbon_content_tC_per_TJ * self.oxidation * 44 / 12 / 1000
        if abs(expected - self.co2_factor) > 0.01 * self.co2_factor:
            raise ValueError(f"co2_factor {self.co2_factor} differs from NCV × C × oxidation × 44/12 = {expected:.4f}")
        return self


class OtherFactor(Strict):
    item: str
    value: float = Field(gt=0)
    unit: str
    source: str = Field(min_length=3)
    note: str | None = None
    source_zh: str | None = Field(default=None, description="the source in Chinese, for Chinese output")


class GwpRow(Strict):
    gas: str
    fluorinated: bool = Field(description="a fluorinated gas (SF6, NF3, HFCs, PFCs)")
    SAR: float | None = None
    AR4: float | None = None
    AR5: float | None = None
    AR6: float | None = None
    source: str
    source_zh: str | None = Field(default=None, description="the source in Chinese, for Chinese output")


class Quantity(Strict):
    value: float
    unit: str
    source: str = Field(min_length=3)


class SameSourceSettings(Strict):
    co2e_share_min: Quantity
    pollutant_share_min: Quantity
    categories: list[str]


class AnalysisSettings(Strict):
    same_source: SameSourceSettings
    steam_gj_per_t: Quantity
    rto_support_gas_nm3_per_t_voc: Quantity
    voc_carbon_fraction: Quantity
    inventory_coverage_min: Quantity


class Province(Strict):
    name_zh: str
    short_zh: str = Field(min_length=2, description="the name without 省/市/自治区, as people say it: 江苏, 内蒙古")
    name_en: str
    grid_region: Literal["north", "northeast", "east", "central", "northwest", "south", "southwest"]
    source: str
