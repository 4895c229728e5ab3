"""The park profile, format 1 (described in docs/profile-format.md), as pydantic models.

Every yes/no fact is tri-state: true, false, or None = unknown (never read as "no").
Lists distinguish "absent" (None, unknown) from "empty" (known to be none).
Cross-checks against the knowledge base (known carriers, units, divisions, substances)
live in advisor.profile.checks; this module has no I/O and no knowledge lookups.
"""

from __future__ import annotations

import math
import re
from functools import partial
from operator import attrgetter
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, ValidationError, model_validator
from pydantic_core import SchemaValidator

from advisor.kb.safe_load import shown
from advisor.kb.schemas.common import Strict
from advisor.profile.cells import CellError, to_number

# Every number of a profile is 0 or between MIN_AMOUNT and MAX_AMOUNT in size, whatever its unit. No quantity of
# one park comes near 1e15 in any unit it may be written in (the world emits about 4e10 t CO2 a year, 4e13 kg;
# China's GDP is about 1.3e14 yuan), and none is smaller than 1e-12 (a microgram written in tonnes). The limits
# keep every sum, product and ratio of the analysis far inside the range of a float: a number such as 1e308 or
# 1e-320 is a typing error, and would overflow to infinity once multiplied or divided.
MAX_AMOUNT = 1e15
MIN_AMOUNT = 1e-12
AMOUNT_FIX = (f"check the number and its unit: a nonzero amount lies between {MIN_AMOUNT:g} and {MAX_AMOUNT:g} "
              "(write 0 for none)")


def coerce_number(value: Any) -> Any:
    """Read a number written as text ('5.21e6', which YAML 1.1 leaves as text, '5,210,000', '35%') as every
    cell is read (advisor.profile.cells); a CellError (a ValueError) says what is wrong and how to write it.
    A number must be finite, and 0 or between MIN_AMOUNT and MAX_AMOUNT in size."""
    kind = type(value)
    if kind is int or kind is float:
        if value == 0 or MIN_AMOUNT <= abs(value) <= MAX_AMOUNT:      # the usual case, first
            return value
        if kind is float and not math.isfinite(value):
            return to_number(value)                                     # refuses it, as every reader does
    elif isinstance(value, (str, bool)):
        value = to_number(value)
    else:
        return value
    if value == 0 or MIN_AMOUNT <= abs(value) <= MAX_AMOUNT:
        return value
    shown = (f"{value:g}" if isinstance(value, float) or abs(value) < 10**300
             else f"a {value.bit_length() * 0.30103:.0f}-digit number")
    if abs(value) > MAX_AMOUNT:
        raise CellError(f"{shown} is larger than any amount of a park ({MAX_AMOUNT:g} at most)", AMOUNT_FIX)
    raise CellError(f"{shown} is closer to 0 than any amount of a park ({MIN_AMOUNT:g} at least)", AMOUNT_FIX)


# Free text (names, notes, units, keys) holds no control character: a terminal would obey it, and a Word
# report or a workbook cannot hold it. Tab, line feed and carriage return are allowed.
CONTROL_CHARACTERS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\uFFFE\uFFFF"
TEXT_PATTERN = f"^[^{CONTROL_CHARACTERS}]*$"
Text = Annotated[str, Field(pattern=TEXT_PATTERN)]
_TEXT = re.compile(TEXT_PATTERN)


def _text_keys(value: dict) -> dict:
    """A mapping whose keys hold no control character (keys are checked here, not by a pattern, so that the
    JSON schema keeps describing the values of such a mapping)."""
    for key in value:
        if not _TEXT.match(key):
            code = next(ord(c) for c in key if not _TEXT.match(c))
            raise CellError(f"key '{shown(key)}' contains the control character U+{code:04X}, which no report, "
                            "workbook or terminal can show", f"remove the control character U+{code:04X}")
    return value


TextKeys = AfterValidator(_text_keys)


Number = Annotated[float, BeforeValidator(coerce_number)]
NonNegative = Annotated[float, BeforeValidator(coerce_number), Field(ge=0)]
Share = Annotated[float, BeforeValidator(coerce_number), Field(ge=0, le=1)]
Count = Annotated[int, BeforeValidator(coerce_number), Field(ge=0)]
Year = Annotated[int, Field(ge=1949, le=2100)]
YearSeries = dict[Year, NonNegative]
Slug = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]


class Boundary(Strict):
    type: Literal["physical", "management", "planning", "statistical"]
    area_km2: NonNegative | None = None
    description: Text | None = None


class BoundaryChange(Strict):
    year: Year
    note: Text = ""


class IndustryShare(Strict):
    code: Text = Field(description="GB/T 4754-2017 two-digit division, e.g. C26")
    share: Share


class Park(Strict):
    id: Slug
    name: Text = Field(min_length=1, max_length=200)
    name_en: Text | None = Field(default=None, max_length=200)
    level: Literal["national", "provincial", "municipal", "other"] | None = None
    province: Text | None = None
    city: Text | None = Field(default=None, description="prefecture-level city of knowledge/cities.csv, full or short "
                                                         "name (苏州 is stored as 苏州市); it must lie in the province")
    base_year: Year
    boundary: Boundary | None = None
    boundary_changes: list[BoundaryChange] | None = None
    industries: list[IndustryShare] = Field(min_length=1)
    enterprise_count: Count | None = None
    water_scarce: bool | None = None
    key_air_region: bool | None = None
    vacant_land_share: Share | None = None

    @model_validator(mode="after")
    def industry_shares_add_up_to_at_most_one(self) -> Park:
        problem = _industries_problem(self)
        if problem:
            raise ValueError(problem)
        return self


_CODE, _ID, _MEASURE, _SHARE = (attrgetter(name) for name in ("code", "id", "measure", "share"))


def _industries_problem(park: Park) -> str | None:
    """Why Park's industries are refused (shares above 1 in all, a division twice), or None."""
    industries = park.industries
    total = sum(map(_SHARE, industries))   # in order, as a generator would add them
    if total > 1.0 + 1e-6:
        return f"industry shares add up to {total:.3f}, more than 1 (shares are fractions: 0.55 = 55 %)"
    if len(set(map(_CODE, industries))) != len(industries):
        return "an industry division is listed twice"
    return None


class Economy(Strict):
    indicator: Literal["gdp", "industrial_value_added", "industrial_output"]
    unit: Text = "亿元"
    constant_prices: bool | None = None
    values: YearSeries = {}
    by_industry: Annotated[dict[str, YearSeries], TextKeys] | None = Field(
        default=None, description="per-industry economic series, keyed by division code")


class EmissionsHistory(Strict):
    """Park totals by year. Substance keys (CO2e, SO2 …) sit beside `unit` (docs/profile-format.md)."""

    unit: Text = "t"
    series: Annotated[dict[str, YearSeries], TextKeys] = {}
    by_industry: Annotated[dict[str, Annotated[dict[str, YearSeries], TextKeys]], TextKeys] | None = Field(
        default=None, description="division code → substance → year → amount")

    @model_validator(mode="before")
    @classmethod
    def substances_are_series(cls, data: Any) -> Any:
        return _substances_as_series(data)


def _substances_as_series(data: Any) -> Any:
    """emissions_history as written ({unit, CO2e: {…}, SO2: {…}}) → {unit, series: {CO2e: {…}, SO2: {…}}}."""
    if isinstance(data, dict) and "series" not in data:
        data = dict(data)
        fixed = {k: data.pop(k) for k in ("unit", "by_industry") if k in data}
        return {**fixed, "series": data}
    return data


class Factor(Strict):
    """A measured or supplier factor (Appendix A tier 1)."""

    value: NonNegative
    unit: Text
    source: Text = Field(min_length=1)
    year: Year | None = None


class EnergyUse(Strict):
    carrier: Text
    amount: NonNegative
    unit: Text
    process: Text | None = None
    owner: Text | None = None
    use: Literal["fuel", "feedstock"] = "fuel"
    origin: Literal["grid", "onsite_renewable", "onsite_fossil", "green_purchase", "purchased"] | None = None
    factor: Factor | None = None
    data_tier: Literal["metered", "reported", "statistics", "proxy"] | None = None


class Export(Strict):
    carrier: Text
    amount: NonNegative
    unit: Text


class Accounting(Strict):
    grid_factor: Literal["mee_nbs_national", "mee_nbs_regional", "mee_nbs_residual",
                         "mee_nbs_fossil", "carbon_market"] = "mee_nbs_national"
    grid_region: Literal["north", "northeast", "east", "central", "northwest", "south", "southwest"] | None = None
    grid_year: Year | None = None
    gwp: Literal["SAR", "AR4", "AR5", "AR6"] = "AR5"
    fuel_factors: Literal["cn_default", "ipcc2006"] = "cn_default"
    steam_gj_per_t: NonNegative | None = Field(
        default=None, description="enthalpy used to convert steam in t to GJ; default in knowledge")
    include_scope3: bool = False


class Process(Strict):
    id: Slug
    name: Text = ""
    category: Text
    owner: Text = "infrastructure"
    emissions: Annotated[dict[str, NonNegative], TextKeys] = {}
    controls: list[Text] | None = Field(
        default=None, description="end-of-pipe controls: limestone_fgd, scr_urea, sncr_urea, rto, rco …")
    removed_t: Annotated[dict[str, NonNegative], TextKeys] | None = Field(
        default=None, description="pollutant removed by the controls, t/yr (to estimate added CO2)")


class Enterprise(Strict):
    id: Slug
    name: Text = ""
    industry: Text | None = None
    output_share: Share | None = None
    key_energy_user: bool | None = None


class Programme(Strict):
    kind: Literal["eco_industrial", "circular_transformation", "low_carbon", "green_park",
                  "co_control", "zero_carbon", "no_waste_city"]
    year: Year | None = None


class Management(Strict):
    synergy_plan: bool | None = None
    plan_scope: Literal["integrated", "carbon_only", "pollution_only"] | None = None
    plan_year: Year | None = None
    plan_has_targets: bool | None = None
    appraisal_includes_synergy: bool | None = None
    synergy_in_regulations: bool | None = None
    smart_platform: Literal["none", "basic", "carbon_and_pollution"] | None = None
    disclosure: bool | None = None
    programmes: list[Programme] | None = None


class WastewaterPlant(Strict):
    present: bool | None = None
    capacity_t_d: NonNegative | None = None
    load_ratio: Annotated[float, BeforeValidator(coerce_number), Field(ge=0, le=3)] | None = None
    reclaimed_water_ratio: Share | None = None
    kwh_per_m3: NonNegative | None = None
    anaerobic: bool | None = None
    sludge_landfilled: bool | None = None


class HazardousWaste(Strict):
    generated_t: NonNegative | None = None
    disposal_capacity_t: NonNegative | None = None
    landfilled_t: NonNegative | None = None


EnergyEnvLink = Literal["sludge_cofiring", "incineration_steam", "biogas_energy", "reclaimed_water_cooling"]


class Infrastructure(Strict):
    central_wastewater_plant: WastewaterPlant | None = None
    central_heating: Literal["none", "coal_chp", "gas_chp", "biomass_chp", "waste_heat", "mixed"] | None = None
    steam_demand_t_h: NonNegative | None = None
    hazardous_waste: HazardousWaste | None = None
    hazardous_waste_facility: bool | None = None
    waste_incineration: bool | None = None
    energy_env_links: list[EnergyEnvLink] | None = None
    utility_corridor: bool | None = None
    digital_infrastructure: bool | None = None
    clean_truck_infrastructure: bool | None = None
    pv_capacity_mw: NonNegative | None = None
    pv_potential_mw: NonNegative | None = None
    energy_storage: bool | None = None
    microgrid: bool | None = None
    integrated_energy_system: bool | None = None
    cooling_demand: bool | None = None


class Water(Strict):
    fresh_water_m3: NonNegative | None = None
    reuse_rate: Share | None = None
    high_salt_wastewater: bool | None = None


class Boiler(Strict):
    fuel: Literal["coal", "oil", "natural_gas", "biomass", "electric", "other"]
    t_h: NonNegative
    count: Annotated[int, BeforeValidator(coerce_number), Field(ge=1)] = 1


ByproductStream = Literal["spent_acid", "spent_solvent", "steam", "fly_ash", "slag", "gypsum",
                          "pure_co2", "waste_heat", "sludge", "scrap_metal", "other"]


class EnterprisesSummary(Strict):
    key_energy_users: Count | None = None
    clean_production_audit_coverage: Share | None = None
    three_level_metering_coverage: Share | None = None
    online_monitoring_coverage: Share | None = None
    energy_management_coverage: Share | None = None
    boilers: list[Boiler] | None = None
    self_owned_coal_boilers: Count | None = None
    high_temperature_processes: bool | None = None
    waste_heat_recovery_rate: Share | None = None
    solid_waste_t: NonNegative | None = None
    solid_waste_utilization_rate: Share | None = None
    export_share: Share | None = None
    green_supply_chain: bool | None = None
    symbiosis_links: Count | None = None
    byproduct_streams: list[ByproductStream] | None = None


Service = Literal["environmental_housekeeper", "third_party_treatment", "energy_performance_contracting",
                  "carbon_asset_management", "green_finance"]


class ThirdParty(Strict):
    innovation_consortium: bool | None = None
    shared_service_platform: bool | None = None
    shared_process_firms: Count | None = None
    services: list[Service] | None = None
    sme_share: Share | None = None


class Surroundings(Strict):
    neighbouring_parks: Count | None = None
    cross_park_cooperation: bool | None = None
    road_freight_share: Share | None = None
    bulk_freight_t: NonNegative | None = None
    rail_or_water_access: bool | None = None
    urban_heat_demand_nearby: bool | None = None
    cross_boundary_enterprise_links: bool | None = None


class MaterialFlow(Strict):
    """One material stream of an enterprise (guideline ch. 5), optional."""

    enterprise: Text
    kind: Literal["input", "product", "byproduct", "waste"]
    material: Text = Field(min_length=1)
    amount: NonNegative
    unit: Text = "t"
    receiver: Text | None = Field(
        default=None, description="an enterprise id, or outside | landfill | incineration | recycling; null = unknown")
    hazardous: bool | None = None


class MeasureStatus(Strict):
    """A measure the park has taken up (guideline 4.3: carried out, then evaluated in the next cycle)."""

    measure: Text = Field(description="a guideline measure id, e.g. 7.3.4")
    status: Literal["planned", "in_progress", "done", "dropped"]
    since: Year | None = Field(default=None, description="the year the status was reached")
    note: Text | None = None
    project: Text | None = None


class Target(Strict):
    """The park's own target for one indicator of knowledge/indicators.yaml."""

    indicator: Text
    year: Year
    value: Number
    binding: bool | None = None


class MeasureAssumption(Strict):
    """A user-set parameter of one measure's estimate (defaults in knowledge/reduction_coefficients.yaml)."""

    share: Share | None = Field(default=None, description="the part of the activity the measure reaches, 0..1")


class Assumptions(Strict):
    """Parameters of the per-measure estimates and of the targets that the user sets."""

    measures: dict[Text, MeasureAssumption] | None = Field(default=None, description="measure id (7.3.4) → parameters")
    growth_rate: Annotated[float, BeforeValidator(coerce_number), Field(ge=-0.5, le=1)] | None = Field(
        default=None, description="yearly growth of the economic indicator; default: the park's own")


class Profile(Strict):
    schema_version: Literal[1]
    park: Park
    economy: Economy | None = None
    emissions_history: EmissionsHistory | None = None
    characteristic_pollutants: list[Text] | None = None
    energy: list[EnergyUse] | None = None
    exports: list[Export] | None = None
    accounting: Accounting = Accounting()
    processes: list[Process] | None = None
    enterprises: list[Enterprise] | None = None
    management: Management = Management()
    infrastructure: Infrastructure = Infrastructure()
    water: Water = Water()
    enterprises_summary: EnterprisesSummary = EnterprisesSummary()
    third_party: ThirdParty = ThirdParty()
    surroundings: Surroundings = Surroundings()
    materials: list[MaterialFlow] | None = None
    measures_status: list[MeasureStatus] | None = None
    targets: list[Target] | None = None
    assumptions: Assumptions | None = None

    @model_validator(mode="after")
    def ids_are_unique(self) -> Profile:
        problem = _repeats_problem(self)
        if problem:
            raise ValueError(problem)
        return self


def _repeats_problem(profile: Profile) -> str | None:
    """Why Profile is refused (an id of processes or enterprises, or a tracked measure, given twice), or None."""
    for name, items in (("processes", profile.processes), ("enterprises", profile.enterprises)):
        if not items:
            continue
        ids = list(map(_ID, items))
        if len(set(ids)) == len(ids):   # the usual case, without counting each id
            continue
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            return f"{name}: id {', '.join(dupes)} is used more than once"
    if profile.measures_status:
        tracked = list(map(_MEASURE, profile.measures_status))
        if len(set(tracked)) != len(tracked):
            dupes = sorted({m for m in tracked if tracked.count(m) > 1})
            return f"measures_status: measure {', '.join(dupes)} is listed more than once"
    return None


# --- the same validation, faster for plain numbers ----------------------------------------------
# Every number field runs coerce_number (and a Python ge/le check) for each value, ~120 Python
# calls per park. Most profiles (every batch row) hold only plain int/float numbers, which
# pydantic-core checks natively. `validate_profile` tries a copy of Profile's core schema in
# which those fields are native strict numbers with the same bounds; anything that copy refuses
# (text, yes/no, nan, a bound broken …) is validated again by Profile itself, so the result and
# every error message are exactly those of Profile.model_validate.

_BOUNDS = {"greater_than_or_equal_validator": "ge", "less_than_or_equal_validator": "le"}
# the models' after-validators the fast schema leaves out: validate_profile asks _industries_problem and
# _repeats_problem instead, the checks those validators make
_RULES = frozenset({"Park.industry_shares_add_up_to_at_most_one", "Profile.ids_are_unique"})
_AMOUNT = "advisor.amount"   # marks the union of amount ranges that stands for a coerce_number float


def _native_numbers(schema: Any) -> Any:
    """A copy of a core schema with coerce_number fields replaced by native strict numbers."""
    if isinstance(schema, list):
        return [_native_numbers(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    # default values are kept as they are (not copied): pydantic-core copies them itself
    out = {k: (v if k == "default" else _native_numbers(v)) for k, v in schema.items()}
    kind, inner = out.get("type"), out.get("schema")
    if kind == "default" and type(out.get("default")) is dict and not out["default"]:
        del out["default"]   # a fresh {} without copy.deepcopy({}) each time
        return {**out, "default_factory": dict}
    if kind not in ("function-before", "function-after") or not isinstance(inner, dict):
        return out   # not a validator function (nor a field named 'type')
    function = out["function"].get("function")
    if kind == "function-after" and getattr(function, "__qualname__", None) in _RULES:
        # the model's rule is asked by validate_profile once the profile is built (a plain call, no wrapper)
        return inner if "ref" not in out or "ref" in inner else {**inner, "ref": out["ref"]}
    if kind == "function-after" and function is _text_keys and inner.get("type") == "dict":
        # the keys' rule checked natively; a key it refuses is worded by _text_keys on the second try
        return {**inner, "keys_schema": {"type": "str", "pattern": TEXT_PATTERN}}
    if kind == "function-before" and function is coerce_number and inner.get("type") in ("float", "int"):
        # strict: int or float only (no bool, no text); a float must also be finite
        native = {**inner, "strict": True}
        if inner["type"] == "int":
            return {**native, "le": int(MAX_AMOUNT), "ge": -int(MAX_AMOUNT)}
        native["allow_inf_nan"] = False   # and 0 or between MIN_AMOUNT and MAX_AMOUNT in size:
        return {"type": "union", "mode": "left_to_right", "metadata": {_AMOUNT: True}, "choices": [
            {**native, "ge": MIN_AMOUNT, "le": MAX_AMOUNT}, {**native, "ge": -MAX_AMOUNT, "le": -MIN_AMOUNT},
            {**native, "ge": 0.0, "le": 0.0}]}
    if kind == "function-after" and isinstance(function, partial) and len(function.keywords) == 1:
        bound = _BOUNDS.get(getattr(function.func, "__name__", ""))   # pydantic's own ge/le validators
        (name, value), = function.keywords.items()
        if bound != name:
            return out
        if inner.get("type") == "int" and inner.get("strict"):
            return {**inner, name: max(value, inner[name]) if name == "ge" else min(value, inner[name])}
        if inner.get("type") == "union" and (inner.get("metadata") or {}).get(_AMOUNT):
            choices = [{**c, name: max(value, c[name]) if name == "ge" else min(value, c[name])}
                       for c in inner["choices"]]   # the Field(ge=…, le=…) bound, checked natively
            choices = [c for c in choices if c["ge"] <= c["le"]]
            return choices[0] if len(choices) == 1 else {**inner, "choices": choices}
    return out


def _model_config(schema: Any) -> Any:
    while isinstance(schema, dict) and schema.get("type") != "model":
        schema = schema.get("schema")
    return schema.get("config") if isinstance(schema, dict) else None


_fast: list = []


def validate_profile(data: Any) -> Profile:
    """Profile.model_validate(data): the same Profile, or the same ValidationError."""
    if not _fast:
        schema = Profile.__pydantic_core_schema__
        try:   # without prebuilt validators, which would run the nested models' coerce_number again
            _fast.append(SchemaValidator(_native_numbers(schema), _model_config(schema), _use_prebuilt=False))
        except TypeError:   # a pydantic-core without that option: no fast path
            _fast.append(None)
    if _fast[0] is not None:
        try:
            profile = _fast[0].validate_python(data)
        except ValidationError:
            pass   # let Profile itself accept the value (e.g. '5.21e6') or word the errors
        else:   # the rules of Park and Profile (_RULES); Profile words a broken one
            if _industries_problem(profile.park) is None and _repeats_problem(profile) is None:
                return profile
    return Profile.model_validate(data)
