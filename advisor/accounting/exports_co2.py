"""The CO2 of energy delivered outside the park (guideline 6.3: exports shown apart, never subtracted).

Exported electricity is valued, in this order, at:
1. the average factor of the park's own fossil generation, when derivable: scope-1 CO2e of the processes that
   generate its onsite_fossil electricity ÷ (that electricity + exported electricity); all their fuel is charged
   to power, so for CHP it is an upper bound;
2. the fossil-power factor (knowledge/audit.yaml exports.fossil_power_series, the grid-factor year), when the park
   burns fossil fuels – the grid average would count hydro, wind, solar and nuclear power the park does not make;
   capped so that exported electricity and heat together carry no more than the park's fuel-combustion CO2;
3. zero, when the park burns no fossil fuel and generates renewable power;
4. the grid average otherwise (the origin is unknown).
Exported heat takes the purchased-heat default (factors/heat_and_other.csv).
"""

from __future__ import annotations

from advisor.accounting._common import KbIndex, Note, r
from advisor.accounting.audit_texts import audit_note, tons
from advisor.accounting.carbon_factors import GridChoice, calc_pick_year

COMBUSTION = "fuel_combustion"   # the process category whose CO2 bounds what exported power can carry


def calc_combustion_co2(contributions, lines) -> float:
    """t CO2 of fuels burnt in the park (counted, scope 1): computed from fossil fuel rows, whatever the process,
    and reported by fuel-combustion processes."""
    fuel_carriers = {ln.carrier for ln in lines if ln.kind == "fuel" and ln.fossil}
    total = 0.0
    for c in contributions:
        if not c.counted or c.scope != "1" or c.gas not in ("CO2", "CO2e"):
            continue
        if (c.basis == "computed" and c.carrier in fuel_carriers) or (c.basis == "reported"
                                                                     and c.category == COMBUSTION):
            total += c.t_co2e
    return total


def fossil_power_factor(ix: KbIndex, grid: GridChoice) -> tuple[float, int, str] | None:
    """(value, year, source) of the fossil-power factor for the grid factor's year, by the same year rule."""
    series = ix.kb.audit.exports.fossil_power_series
    rows = ix.grid.get((series, "national"))
    if not rows:
        return None
    year, _ = calc_pick_year([g.year for g in rows], grid.year)
    row = next(g for g in rows if g.year == year)
    return row.value, row.year, row.source


def calc_exports_co2(exports: list[dict] | None, lines, contributions, grid: GridChoice, ix: KbIndex,
                     notes: list[Note]) -> dict:
    """t CO2 attributable to exports = exported amount × factor, with the factor's basis; see the module doc."""
    if exports is None:
        return {"t_co2e": None, "rows": [], "method": "exports not stated", "basis": None}
    if not exports:
        return {"t_co2e": 0.0, "rows": [], "method": "no exports", "basis": None}
    kb = ix.kb
    export_mwh = sum(e["base_amount"] for e in exports if e["kind"] == "electricity")
    basis, elec_factor, method, cap = _electricity_factor(lines, contributions, grid, ix, export_mwh, notes)
    heat = ix.other("purchased_heat_co2")
    rows = []
    total = 0.0
    elec_total = export_mwh * elec_factor
    heat_total = sum(e["base_amount"] * heat.value for e in exports if e["kind"] == "heat")
    room = max(cap - heat_total, 0.0) if cap is not None else None   # exports together carry no more than is burnt
    scale = min(1.0, room / elec_total) if room is not None and elec_total > 0 else 1.0
    if scale < 1.0:
        notes.append(audit_note(kb, "exports-capped", full=tons(elec_total), combustion=tons(cap),
                                cap=tons(room)))
    for e in exports:
        factor: float | None
        if e["kind"] == "electricity":
            factor, unit, row_basis = elec_factor * scale, "t CO2/MWh", basis
        elif e["kind"] == "heat":
            factor, unit, row_basis = heat.value, heat.unit, "heat_default"
        else:
            factor, unit, row_basis = None, "", None
        t = e["base_amount"] * factor if factor is not None else None
        total += t or 0.0
        rows.append({"carrier": e["carrier"], "amount": e["amount"], "unit": e["unit"], "factor": r(factor, 6),
                     "factor_unit": unit, "basis": row_basis, "t_co2e": r(t)})
    return {"t_co2e": r(total), "rows": rows, "method": method, "basis": basis if export_mwh else None,
            "capped": scale < 1.0,
            "heat_method": f"purchased-heat default {heat.value} {heat.unit}"}


def _electricity_factor(lines, contributions, grid: GridChoice, ix: KbIndex, export_mwh: float,
                        notes: list[Note]) -> tuple[str, float, str, float | None]:
    """(basis, t CO2/MWh, method, cap in t CO2 or None) of exported electricity."""
    generators = {ln.process for ln in lines if ln.kind == "electricity" and ln.origin_used == "onsite_fossil"
                  and ln.process}
    onsite_mwh = sum(ln.base_amount for ln in lines if ln.kind == "electricity"
                     and ln.origin_used == "onsite_fossil" and ln.process in generators)
    gen_co2 = sum(c.t_co2e for c in contributions if c.counted and c.scope == "1" and c.process in generators)
    if generators and gen_co2 > 0 and onsite_mwh + export_mwh > 0:
        return ("onsite_generation", gen_co2 / (onsite_mwh + export_mwh),
                f"on-site generation average: scope-1 CO2e of {', '.join(sorted(generators))} ÷ (on-site fossil "
                "electricity used + exported); all fuel charged to power (upper bound for CHP)", None)
    combustion = calc_combustion_co2(contributions, lines)
    fossil = fossil_power_factor(ix, grid)
    if combustion > 0 and fossil is not None:
        value, year, source = fossil
        if export_mwh:
            notes.append(audit_note(ix.kb, "exports-fossil-power", factor=value, year=year))
        return ("fossil_power", value, f"fossil-power factor {value} t CO2/MWh ({year}; {source}): the park burns "
                "fossil fuels; capped at its fuel-combustion CO2", combustion)
    renewable = sum(ln.base_amount for ln in lines if ln.kind == "electricity" and ln.origin_used == "onsite_renewable")
    if combustion == 0 and renewable > 0:
        if export_mwh:
            notes.append(audit_note(ix.kb, "exports-renewable"))
        return "onsite_renewable", 0.0, "own renewable generation: no fossil fuel is burnt in the park", None
    if export_mwh:
        notes.append(audit_note(ix.kb, "exports-grid"))
    return ("grid_average", grid.value, f"grid factor {grid.value} t CO2/MWh ({grid.series}, {grid.year}): the "
            "origin of the exported electricity is unknown", None)
