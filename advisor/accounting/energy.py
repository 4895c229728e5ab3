"""Energy flow analysis (guideline ch. 5): every energy row in standard coal, and the park's energy balance.

Standard coal (tce) uses calorific equivalents (当量值): fuels by their GB/T 2589 factor
(knowledge/factors/fuel_factors.csv, tce_factor), electricity and heat by electricity_tce_equivalent and
heat_tce (knowledge/factors/heat_and_other.csv). Steam given in t is converted to GJ with
accounting.steam_gj_per_t, else the knowledge default (analysis.yaml), and the output says which.

Electricity or steam generated on site from fossil fuels (origin onsite_fossil) is an internal
conversion: its fuels are already counted, so it is shown in the balance but not added to total_tce.
Feedstock (use: feedstock) counts in total energy use, as in Chinese energy statistics, but not in
the fuel mix (coal_fuel_share). Exports are shown apart and never subtracted silently.

Missing is never zero: without energy rows the totals are None (unknown), not 0; without a grid
electricity row (amount 0 states that none is bought) the park's electricity use is not known, so the
electricity and renewable shares are None; without an exports list the exports are None.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from advisor.accounting._common import UNASSIGNED, KbIndex, Note, Processes, kb_index, processes_of, r, share
from advisor.errors import ProfileError, did_you_mean, one_issue
from advisor.kb.units import MEMO_LIMIT, UnitError, unit_of

GAS_CARRIER_PREFIX = "natural_gas"   # natural_gas, natural_gas_gasfield
RENEWABLE_ORIGINS = ("onsite_renewable", "green_purchase")
GJ_PER_MWH = 3.6                     # physical: 1 MWh = 3.6 GJ


@dataclass(slots=True)
class EnergyLine:
    """One energy row of the profile, converted."""

    index: int
    carrier: str
    kind: str                 # fuel | electricity | heat
    use: str                  # fuel | feedstock
    origin: str | None        # as given
    origin_used: str | None   # as treated (grid when electricity names none, purchased for heat)
    process: str | None
    owner: str
    amount: float
    unit: str
    base_amount: float
    base_unit: str
    gj: float | None          # energy content, when known
    t_steam: float | None     # steam given in t (before conversion to GJ)
    tce: float | None
    counted: bool             # part of total_tce
    coal: bool
    fossil: bool
    fuel: str | None
    row: Any                  # the profile row (factor, data_tier …)


@dataclass(slots=True)
class SteamConversion:
    gj_per_t: float
    source: str
    rows: int = 0


def calc_standard_coal(amount_base: float, tce_per_base: float) -> float:
    """tce = amount (base unit) × standard-coal factor (tce per base unit)."""
    return amount_base * tce_per_base


def calc_steam_energy(t_steam: float, gj_per_t: float) -> float:
    """GJ = t steam × enthalpy (GJ/t)."""
    return t_steam * gj_per_t


def steam_conversion(profile, kb) -> SteamConversion:
    """The steam enthalpy used: the profile's accounting.steam_gj_per_t, else the knowledge default."""
    given = profile.accounting.steam_gj_per_t
    if given:
        return SteamConversion(given, "profile accounting.steam_gj_per_t")
    default = kb.analysis.steam_gj_per_t
    return SteamConversion(default.value, f"knowledge analysis.steam_gj_per_t ({default.source})")


def _fuel_tce_rate(ix: KbIndex, fuel: str | None, dimension: str) -> float | None:
    """tce per base unit of a fuel (cn_default row first, then any set with a tce factor); None when unknown.

    Knowledge values only: remembered per knowledge base."""
    memo = ix.fuel_tce
    key = (fuel, dimension)
    if key not in memo:
        memo[key] = _find_fuel_tce_rate(ix, fuel, dimension)
    return memo[key]


def _find_fuel_tce_rate(ix: KbIndex, fuel: str | None, dimension: str) -> float | None:
    for row in ix.fuel_rows(fuel):
        if row.tce_factor is not None and row.tce_unit:
            rate = ix.rate(row.tce_unit)
            if rate.dimension == dimension:
                return row.tce_factor * rate.per_base
    return None


def _fuel_ncv(ix: KbIndex, fuel: str | None, dimension: str) -> tuple[float, float] | None:
    """(net calorific value, per_base) of a fuel (cn_default row first), for GJ = amount × NCV × per_base; None when
    no NCV fits the amount's dimension. Knowledge values only: remembered per knowledge base."""
    memo = ix.fuel_ncv
    key = (fuel, dimension)
    if key not in memo:
        memo[key] = _find_fuel_ncv(ix, fuel, dimension)
    return memo[key]


def _find_fuel_ncv(ix: KbIndex, fuel: str | None, dimension: str) -> tuple[float, float] | None:
    for row in ix.fuel_rows(fuel):
        rate = ix.rate(row.ncv_unit)
        if rate.dimension == dimension and rate.numerator == "GJ":
            return row.ncv, rate.per_base
    return None


def _carrier_and_unit(section: str, i: int, row, kb, ix: KbIndex | None = None):
    """The row's carrier and unit, checked: steam may be given in tonnes or in energy units."""
    carrier = kb.carriers.get(row.carrier)
    if carrier is None:
        raise one_issue(ProfileError, "profile", f"{section}[{i}].carrier", f"unknown energy carrier '{row.carrier}'",
                        did_you_mean(row.carrier, kb.carriers) or f"carriers: {', '.join(kb.carriers)}")
    units = (ix or kb_index(kb)).carrier_units   # remembers the units that fit, per knowledge base
    unit = units.get((carrier.id, row.unit))
    if unit is not None:
        return carrier, unit
    dims = ("energy", "steam") if carrier.id == "steam" else (carrier.dimension,)
    try:
        unit = unit_of(row.unit, kb, dims)
    except UnitError as exc:
        raise UnitError(f"{section}[{i}].unit: {exc}") from None
    if len(units) < MEMO_LIMIT:
        units[(carrier.id, row.unit)] = unit
    return carrier, unit


def _energy_unit(i: int, row, kb, ix: KbIndex) -> tuple:
    """(kind, coal, fossil, fuel, to_base, base unit, dimension, tce per base unit, (NCV, per_base) or None) of an
    energy row's carrier and unit: knowledge values only, so looked up once per knowledge base and kept as plain
    values, cheaper to read than the knowledge rows' fields (tce per GJ for heat; for a fuel, None when knowledge
    has no factor)."""
    key = (row.carrier, row.unit)
    hit = ix.energy_units.get(key)
    if hit is not None:
        return hit
    carrier, unit = _carrier_and_unit("energy", i, row, kb, ix)
    ncv = None
    if carrier.kind == "fuel":
        tce_rate = _fuel_tce_rate(ix, carrier.fuel, unit.dimension)
        ncv = _fuel_ncv(ix, carrier.fuel, unit.dimension)
    elif carrier.kind == "electricity":
        tce_rate = ix.other("electricity_tce_equivalent").value
    else:
        tce_rate = ix.other("heat_tce").value
    hit = (carrier.kind, carrier.coal, carrier.fossil, carrier.fuel, unit.to_base, unit.base, unit.dimension, tce_rate,
           ncv)
    if len(ix.energy_units) < MEMO_LIMIT:
        ix.energy_units[key] = hit
    return hit


def calc_energy_lines(profile, kb, ix: KbIndex, steam: SteamConversion, notes: list[Note],
                      procs: Processes | None = None) -> list[EnergyLine]:
    """Each energy row → base amount, GJ where known, and tce = amount × standard-coal factor.

    Raises UnitError (with the row named) for an unknown unit or one of the wrong dimension.
    procs: the profile's processes, when the caller has read them already.
    """
    by_id = processes_of(profile, procs).by_id
    units = ix.energy_units
    lines: list[EnergyLine] = []
    for i, row in enumerate(profile.energy or []):
        # each field of the row read once (a field of a validated model is slow to read)
        carrier_id, unit_text, amount, process, origin = row.carrier, row.unit, row.amount, row.process, row.origin
        hit = units.get((carrier_id, unit_text))
        if hit is None:
            hit = _energy_unit(i, row, kb, ix)
        kind, coal, fossil, fuel, to_base, base_unit, dimension, tce_rate, ncv = hit
        base_amount = amount * to_base
        owner = row.owner
        if not owner:
            p = by_id.get(process or "")
            owner = (p.owner if p is not None else None) or UNASSIGNED
        gj = None
        t_steam = None
        tce = None
        counted = True
        origin_used = origin
        if kind == "fuel":
            if ncv is not None:
                gj = base_amount * ncv[0] * ncv[1]   # amount × net calorific value
            if tce_rate is not None:
                tce = calc_standard_coal(base_amount, tce_rate)
            else:
                notes.append(Note("no-standard-coal-factor",
                                  f"energy[{i}] {carrier_id}: no standard-coal factor in knowledge; "
                                  "left out of total_tce",
                                  f"第 {i + 1} 条能源数据（{kb.carriers[carrier_id].name.zh}）：知识库无折标系数，"
                                  "未计入综合能耗"))
        elif kind == "electricity":
            origin_used = origin or "grid"
            tce = calc_standard_coal(base_amount, tce_rate)
            gj = base_amount * GJ_PER_MWH
        else:  # heat
            origin_used = origin or "purchased"
            if dimension == "steam":
                t_steam = base_amount
                base_amount = calc_steam_energy(base_amount, steam.gj_per_t)
                base_unit = "GJ"
                steam.rows += 1
            gj = base_amount
            tce = calc_standard_coal(gj, tce_rate)
        if origin_used == "onsite_fossil" and kind != "fuel":
            counted = False   # generated on site from fuels already counted
        # positional, in the field order of EnergyLine: twenty keywords make the call four times as slow
        lines.append(EnergyLine(
            i, carrier_id, kind, row.use, origin,                              # index carrier kind use origin
            origin_used, process, owner, amount, unit_text,                    # origin_used process owner amount unit
            base_amount, base_unit, gj, t_steam, tce,                          # base_amount base_unit gj t_steam tce
            counted and tce is not None, coal, fossil, fuel,                   # counted coal fossil fuel
            row))
    return lines


def calc_exports(profile, kb, ix: KbIndex, steam: SteamConversion) -> list[dict] | None:
    """Exported electricity and heat: amount in the base unit and tce = amount × standard-coal factor; None when the
    profile does not state its exports (an empty list states that there are none)."""
    if profile.exports is None:
        return None
    out = []
    elec_tce = ix.other("electricity_tce_equivalent").value
    heat_tce = ix.other("heat_tce").value
    for i, row in enumerate(profile.exports):
        carrier, unit = _carrier_and_unit("exports", i, row, kb, ix)
        base = row.amount * unit.to_base
        base_unit = unit.base
        if unit.dimension == "steam":
            base, base_unit = calc_steam_energy(base, steam.gj_per_t), "GJ"
            steam.rows += 1
        if carrier.kind == "electricity":
            tce = base * elec_tce
        elif carrier.kind == "heat":
            tce = base * heat_tce
        else:
            tce_rate = _fuel_tce_rate(ix, carrier.fuel, unit.dimension)
            tce = base * tce_rate if tce_rate is not None else None
        out.append({"carrier": row.carrier, "kind": carrier.kind, "amount": row.amount, "unit": row.unit,
                    "base_amount": base, "base_unit": base_unit, "tce": tce})
    return out


def check_exports(profile, kb, ix: KbIndex) -> None:
    """The exports' carriers and units checked as calc_exports checks them (the same UnitError), for the lean
    analysis, which shows no exports."""
    for i, row in enumerate(profile.exports or ()):
        _carrier_and_unit("exports", i, row, kb, ix)


def calc_energy_summary(lines: list[EnergyLine], exports: list[dict] | None, steam: SteamConversion,
                        ix: KbIndex, detail: bool = True) -> dict:
    """Totals and shares: total_tce = Σ tce of counted rows; coal_fuel_share = coal fuel tce / fuel tce (feedstock
    excluded); coal_share_total = all coal tce / total_tce; renewable_electricity_share = (onsite_renewable +
    green_purchase MWh) / all electricity MWh; electricity_share and natural_gas_share = carrier tce / total_tce.

    No lines: every total is None (unknown). No grid electricity line: electricity_share and
    renewable_electricity_share are None. exports None (not stated): exports_tce is None.

    detail=False: the totals and shares alone, the same numbers (no table by carrier or origin, no exports, no
    method: only readers see them)."""
    total = fuel = coal_fuel = coal_all = feedstock = coal_feedstock = elec_tce = gas_tce = heat = 0.0
    elec_mwh = renewable_mwh = 0.0
    grid_known = False   # a grid electricity row, even of 0, states how much the park buys
    by_origin: dict[str | None, float] = {}
    by_carrier: dict[str, dict] = {}
    unassigned = 0
    for ln in lines:
        if ln.process is None and ln.origin_used not in RENEWABLE_ORIGINS:   # zero-CO2 rows need no process
            unassigned += 1
        if ln.kind == "electricity":
            elec_mwh += ln.base_amount
            if detail:
                by_origin[ln.origin_used] = by_origin.get(ln.origin_used, 0.0) + ln.base_amount
            if ln.origin_used in RENEWABLE_ORIGINS:
                renewable_mwh += ln.base_amount
            elif ln.origin_used == "grid":
                grid_known = True
        if not ln.counted:
            continue
        tce = ln.tce or 0.0
        total += tce
        if detail:
            entry = by_carrier.get(ln.carrier)
            if entry is None:
                entry = by_carrier[ln.carrier] = {"carrier": ln.carrier, "amount": 0.0, "unit": ln.base_unit,
                                                  "tce": 0.0}
            entry["amount"] += ln.base_amount
            entry["tce"] += tce
        if ln.kind == "fuel":
            if ln.use == "feedstock":
                feedstock += tce
                if ln.coal:
                    coal_feedstock += tce
            else:
                fuel += tce
                if ln.coal:
                    coal_fuel += tce
            if ln.coal:
                coal_all += tce
            if ln.carrier.startswith(GAS_CARRIER_PREFIX):
                gas_tce += tce
        elif ln.kind == "electricity":
            elec_tce += tce
        else:
            heat += tce
    if not detail and not lines:
        return dict(_UNKNOWN_SCREEN)
    totals = {
        "total_tce": r(total),
        "fuel_tce": r(fuel),
        "feedstock_tce": r(feedstock),
        "coal_fuel_share": share(coal_fuel, fuel),
        "coal_share_total": share(coal_all, total),
        "coal_feedstock": coal_feedstock > 0,
        "coal_feedstock_tce": r(coal_feedstock),
        "electricity_share": share(elec_tce, total) if grid_known else None,
        "natural_gas_share": share(gas_tce, total),
        "heat_share": share(heat, total),
        "electricity_mwh": r(elec_mwh),
    }
    grid = {"electricity_grid_known": grid_known,
            "renewable_electricity_share": share(renewable_mwh, elec_mwh) if grid_known else None}
    if not detail:   # the totals and shares alone, without the tables
        return {**totals, **grid, "rows_without_process": unassigned}
    exports_tce = sum(e["tce"] or 0.0 for e in exports) if exports is not None else None
    carriers = sorted(by_carrier.values(), key=lambda e: (-e["tce"], e["carrier"]))
    for e in carriers:
        e["share"] = round(e["tce"] / total * 1e6) / 1e6 if total else None   # share(tce, total), written out
        e["amount"] = r(e["amount"])
        e["tce"] = r(e["tce"])
    elec = ix.other("electricity_tce_equivalent")
    heat_f = ix.other("heat_tce")
    if not lines:   # without energy rows no total is known: None, never 0
        return _unknown_summary(by_origin, exports, exports_tce, steam, elec, heat_f)
    return {
        **totals,
        "electricity_by_origin_mwh": {k: r(v) for k, v in sorted(by_origin.items())},
        **grid,
        "by_carrier": carriers,
        "exports": [{**e, "base_amount": r(e["base_amount"]), "tce": r(e["tce"])} for e in exports or []],
        "exports_tce": r(exports_tce),
        "total_tce_net_of_exports": r(total - exports_tce) if exports_tce is not None else None,
        "rows_without_process": unassigned,
        "method": _method(steam, elec, heat_f),
    }


def _method(steam: SteamConversion, elec, heat_f) -> dict:
    return {
        "standard_coal": "calorific equivalent (当量值)",
        "electricity_tce_per_mwh": elec.value,
        "heat_tce_per_gj": heat_f.value,
        "steam_gj_per_t": steam.gj_per_t,
        "steam_source": steam.source,
        "steam_rows_converted": steam.rows,
        "onsite_fossil": "electricity or heat generated on site from fossil fuels is shown in the balance but "
                         "not added to total_tce (its fuels are counted)",
        "feedstock": "feedstock counts in total_tce (as in Chinese energy statistics) but not in coal_fuel_share",
    }


# a park without energy rows: every total and share unknown (None), none of them 0
_UNKNOWN_TOTALS = {
    "total_tce": None, "fuel_tce": None, "feedstock_tce": None,
    "coal_fuel_share": None, "coal_share_total": None, "coal_feedstock": None, "coal_feedstock_tce": None,
    "electricity_share": None, "natural_gas_share": None, "heat_share": None, "electricity_mwh": None,
}
_UNKNOWN_GRID = {"electricity_grid_known": False, "renewable_electricity_share": None}
# the lean summary of such a park (as _unknown_summary, without its tables)
_UNKNOWN_SCREEN = {**_UNKNOWN_TOTALS, **_UNKNOWN_GRID, "rows_without_process": 0}


def _unknown_summary(by_origin: dict, exports: list[dict] | None, exports_tce: float | None,
                     steam: SteamConversion, elec, heat_f) -> dict:
    """The summary of a park without energy rows: every total and share unknown (None), none of them 0."""
    return {
        **_UNKNOWN_TOTALS,
        "electricity_by_origin_mwh": by_origin, **_UNKNOWN_GRID, "by_carrier": [],
        "exports": [{**e, "base_amount": r(e["base_amount"]), "tce": r(e["tce"])} for e in exports or []],
        "exports_tce": r(exports_tce), "total_tce_net_of_exports": None, "rows_without_process": 0,
        "method": _method(steam, elec, heat_f),
    }


def calc_energy_balance(lines: list[EnergyLine]) -> list[dict]:
    """The balance rows (carrier, origin, owner, process, use, tce) – source → process → use, for a Sankey."""
    rows = []
    for ln in lines:
        rows.append({
            "carrier": ln.carrier,
            "origin": ln.origin_used,
            "owner": ln.owner,
            "process": ln.process or UNASSIGNED,
            "use": ln.use if ln.kind == "fuel" else ln.kind,
            "amount": r(ln.base_amount),
            "unit": ln.base_unit,
            "tce": r(ln.tce),
            "counted": ln.counted,
        })
    return rows
