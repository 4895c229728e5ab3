"""The emission factor of each energy row, by the priority of guideline Appendix A.

A factor given in the profile (`measured`) beats an official Chinese value (`official_cn`: grid factors,
purchased heat), which beats the provincial inventory default (`provincial_default`: cn_default fuel rows), which
beats IPCC 2006 (`ipcc_default`) – IPCC is used when accounting.fuel_factors is ipcc2006, or when a fuel has no
Chinese row. Electricity or heat generated on site from fossil fuels, or renewable, carries no CO2 of its own.
The grid factor is read from the one series that accounting.grid_factor names (knowledge/grid_choices.yaml).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from advisor.accounting._common import KbIndex, Note
from advisor.accounting.audit_texts import audit_note
from advisor.accounting.energy import EnergyLine
from advisor.kb.units import MEMO_LIMIT, UnitError

C_TO_CO2 = 44 / 12   # molar masses: t CO2 per t carbon burnt
ZERO_ORIGINS = ("onsite_fossil", "onsite_renewable", "green_purchase")   # electricity or heat that carries no CO2
NATIONAL_AVERAGE = "mee_nbs_national"   # the grid choice used when the chosen series has no factor for the region


@dataclass(slots=True)
class FactorUse:
    """One emission factor applied: value in its own unit, and t CO2 per base unit of activity (or per GJ)."""

    carrier: str
    origin: str | None
    scope: str
    factor: float
    unit: str
    per_base: float
    tier: str
    source: str
    year: int | None = None
    gas: str = "CO2"
    basis: str = "amount"     # what the factor multiplies: amount (base unit) | gj (energy content) | t_steam
    note: str = ""



@dataclass(slots=True)
class GridChoice:
    series: str
    region: str
    year: int
    value: float
    unit: str
    source: str
    choice: str
    year_note: str = ""
    notes: list[Note] = field(default_factory=list)
    # the fixed factors of rows under this choice (see _fixed_factor): filled on first use, like a memo
    factors: dict[tuple, FactorUse] = field(default_factory=dict, compare=False, repr=False)



def calc_fuel_co2_per_gj(carbon_content_tc_per_tj: float, oxidation: float) -> float:
    """t CO2/GJ = carbon content (tC/TJ) × oxidation × 44/12 / 1000."""
    return carbon_content_tc_per_tj * oxidation * C_TO_CO2 / 1000


def calc_pick_year(years: list[int], target: int) -> tuple[int, str]:
    """The target year if present, else the latest before it ('earlier'), else the earliest after ('later')."""
    if target in years:
        return target, "exact"
    before = [y for y in years if y < target]
    if before:
        return max(before), "earlier"
    return min(years), "later"


def select_grid_factor(profile, ix: KbIndex) -> GridChoice:
    """The grid factor chosen by accounting.grid_factor for accounting.grid_year or the base year.

    The choice depends on these settings and the park's province only, so it is remembered per knowledge base
    (most parks share one); the GridChoice returned is shared and must not be changed."""
    acc = profile.accounting
    key = (acc.grid_factor, acc.grid_region, profile.park.province, acc.grid_year or profile.park.base_year)
    choice = ix.grid_choices.get(key)
    if choice is None:
        choice = _select_grid_factor(profile, ix)
        if len(ix.grid_choices) < MEMO_LIMIT:
            ix.grid_choices[key] = choice
    return choice


def _select_grid_factor(profile, ix: KbIndex) -> GridChoice:
    acc = profile.accounting
    chosen = ix.kb.grid_choices[acc.grid_factor]
    series, region = chosen.series, chosen.region
    notes: list[Note] = []
    if region is None:
        region = acc.grid_region
        if region is None:
            prov = ix.province(profile.park.province)
            if prov is not None:
                region = prov.grid_region
            else:
                region = "national"
                notes.append(Note("grid-region-unknown",
                                  f"grid_factor mee_nbs_regional needs accounting.grid_region or a known park.province "
                                  f"(got {profile.park.province!r}); the national average is used",
                                  "区域电网因子需要填写所属区域电网或可识别的省份"
                                  f"（{profile.park.province!r}），已改用全国平均因子"))
    rows = ix.grid.get((series, region))
    if not rows:
        notes.append(Note("grid-series-missing",
                          f"no grid factor for series {series}, region {region} in knowledge; national average used",
                          f"知识库无 {series}/{region} 电网因子，已改用全国平均因子"))
        fallback = ix.kb.grid_choices[NATIONAL_AVERAGE]
        series, region = fallback.series, fallback.region
        rows = ix.grid[(series, region)]
    target = acc.grid_year or profile.park.base_year
    year, how = calc_pick_year([g.year for g in rows], target)
    row = next(g for g in rows if g.year == year)
    year_note = ""
    if how == "earlier":
        year_note = f"no {target} value; the latest earlier year ({year}) is used"
        notes.append(audit_note(ix.kb, "grid-year-earlier", target=target, year=year, series=f"{series}, {region}"))
    elif how == "later":
        year_note = f"no value for {target} or earlier; the earliest later year ({year}) is used"
        notes.append(audit_note(ix.kb, "grid-year-later", target=target, year=year, series=f"{series}, {region}"))
    return GridChoice(series, region, year, row.value, row.unit, row.source, acc.grid_factor, year_note, notes)



def _measured(line: EnergyLine, scope: str, ix: KbIndex) -> FactorUse:
    """A factor given in the profile; its unit must be per the row's quantity (or per GJ for a fuel)."""
    f = line.row.factor
    rate = ix.rate(f.unit)
    if rate.gas is None:
        raise UnitError(f"energy[{line.index}].factor.unit '{f.unit}' must name the gas, e.g. 't CO2/t'")
    if rate.base == line.base_unit:
        basis = "amount"
    elif rate.dimension == "energy" and line.gj is not None:
        basis = "gj"
    elif rate.dimension == "steam" and line.t_steam is not None:
        basis = "t_steam"
    else:
        raise UnitError(f"energy[{line.index}].factor.unit '{f.unit}' is per {rate.base}, "
                        f"but the row's amount is in {line.unit}")
    return FactorUse(line.carrier, line.origin_used, scope, f.value, f.unit, f.value * rate.per_base, "measured",
                     f.source, f.year, rate.gas, basis)


def _fuel_factor(line: EnergyLine, profile, ix: KbIndex, notes: list[Note]) -> FactorUse | None:
    """The knowledge factor of a fossil fuel row. A factor of the preferred set depends only on the key below and
    adds no note, so it is remembered per knowledge base (shared FactorUse: read only)."""
    preferred = profile.accounting.fuel_factors
    key = (line.fuel, line.carrier, preferred, line.base_unit, line.gj is not None)
    hit = ix.fuel_factors.get(key)
    if hit is not None:
        return hit
    factor, rank = _find_fuel_factor(line, preferred, ix, notes)
    if factor is not None and rank == 0 and len(ix.fuel_factors) < MEMO_LIMIT:
        ix.fuel_factors[key] = factor
    return factor


def _find_fuel_factor(line: EnergyLine, preferred: str, ix: KbIndex, notes: list[Note]) -> tuple[FactorUse | None, int]:
    tier_of = ix.fuel_set_tier   # knowledge/data_tiers.yaml
    order = [preferred] + [s for s in tier_of if s != preferred]   # then the other sets, the best tier first
    for rank, factor_set in enumerate(order):
        row = ix.fuel.get((line.fuel, factor_set))
        if row is None:
            continue
        rate = ix.rate(row.co2_unit)
        note = ""
        if rank > 0:
            note = f"no {preferred} factor for {line.carrier} in knowledge; {factor_set} used"
            notes.append(Note("fuel-factor-fallback", f"energy[{line.index}] {note}",
                              f"第 {line.index + 1} 条能源数据：知识库无该能源的 {preferred} 因子，已用 {factor_set}"))
        if rate.base == line.base_unit:
            return FactorUse(line.carrier, None, "1", row.co2_factor, row.co2_unit, row.co2_factor * rate.per_base,
                             tier_of[factor_set], row.source, None, "CO2", "amount", note), rank
        if line.gj is not None:   # a factor per mass applied to a volume (or vice versa): go through energy
            per_gj = calc_fuel_co2_per_gj(row.carbon_content_tC_per_TJ, row.oxidation)
            note = (note + "; " if note else "") + (f"{factor_set} carbon content × oxidation applied to the energy "
                                                    "content (GJ from the Chinese NCV)")
            return FactorUse(line.carrier, None, "1", round(per_gj, 6), "t CO2/GJ", per_gj,
                             tier_of[factor_set], row.source, None, "CO2", "gj", note), rank
    return None, 0


def choose_factor(line: EnergyLine, profile, ix: KbIndex, grid: GridChoice, notes: list[Note]) -> FactorUse | None:
    """The factor of one energy row by Appendix A priority; None when no factor exists (never a guess)."""
    if line.kind == "fuel":
        if line.row.factor is not None:
            return _measured(line, "1", ix)
        if line.fossil:
            return _fuel_factor(line, profile, ix, notes)
    elif line.row.factor is not None and line.origin_used not in ZERO_ORIGINS:
        return _measured(line, "2", ix)
    # the other factors follow from the row's kind, carrier, origin and unit and the grid choice alone: each is built
    # once per grid choice (which is itself shared by the parks with the same settings) and shared (read only)
    key = (line.kind, line.carrier, line.origin_used, line.origin is None, line.base_unit)
    factor = grid.factors.get(key)
    if factor is None:
        factor = grid.factors[key] = _fixed_factor(line, ix, grid)
    return factor


def _fixed_factor(line: EnergyLine, ix: KbIndex, grid: GridChoice) -> FactorUse:
    """The factor of a biogenic fuel row, or of an electricity or heat row without a measured factor."""
    if line.kind == "fuel":
        return FactorUse(line.carrier, None, "1", 0.0, "t CO2/t", 0.0, "biogenic",
                         "biogenic CO2 is reported apart, not counted (IPCC 2006)", None, "CO2", "amount",
                         "biogenic carbon: CO2 not counted; CH4 and N2O not estimated")
    origin = line.origin_used
    if origin == "onsite_fossil":
        return FactorUse(line.carrier, origin, "1", 0.0, f"t CO2/{line.base_unit}", 0.0, "not_applicable",
                         "generated on site from fossil fuels counted in scope 1", None, "CO2", "amount",
                         "not counted again: its fuels are in scope 1")
    if origin in ("onsite_renewable", "green_purchase"):
        why = ("renewable electricity generated on site" if origin == "onsite_renewable"
               else "green certificates or direct green power bought")
        return FactorUse(line.carrier, origin, "2" if origin == "green_purchase" else "1", 0.0,
                         f"t CO2/{line.base_unit}", 0.0, "renewable_zero",
                         f"origin {origin}: {why} carries no scope-2 CO2", None, "CO2", "amount",
                         "zero by origin (market-based treatment of green power)")
    if line.kind == "electricity":
        note = f"series {grid.series}, region {grid.region}, year {grid.year}"
        if line.origin is None:
            note += "; origin not given: grid assumed"
        if grid.year_note:
            note += f"; {grid.year_note}"
        return FactorUse(line.carrier, origin, "2", grid.value, grid.unit, grid.value, "official_cn", grid.source,
                         grid.year, "CO2", "amount", note)
    heat = ix.other("purchased_heat_co2")
    note = "origin not given: purchased assumed" if line.origin is None else ""
    return FactorUse(line.carrier, origin, "2", heat.value, heat.unit, heat.value, "official_cn", heat.source,
                     None, "CO2", "amount", note)
