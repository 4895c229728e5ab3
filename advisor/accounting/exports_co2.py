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
Exported heat is valued at the park's own heat source when it is known: the CO2 per GJ of the fossil fuels that its
boilers and CHP units (knowledge/audit.yaml exports.heat_source_categories) burn – their counted scope-1 CO2 ÷ their
energy content – divided by the heat-production efficiency of exports.heat_efficiency; exported heat then carries
no more than the park's fuel-combustion CO2. Where the heat source is unknown it takes the purchased-heat default
(factors/heat_and_other.csv) and a warning says so.
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
                     notes: list[Note], process_names: dict[str, str] | None = None) -> dict:
    """t CO2 attributable to exports = exported amount × factor, with the factor's basis; see the module doc."""
    if exports is None:
        return {"t_co2e": None, "rows": [], "method": "exports not stated", "basis": None}
    if not exports:
        return {"t_co2e": 0.0, "rows": [], "method": "no exports", "basis": None}
    kb = ix.kb
    export_mwh = sum(e["base_amount"] for e in exports if e["kind"] == "electricity")
    export_gj = sum(e["base_amount"] for e in exports if e["kind"] == "heat")
    basis, elec_factor, method, cap = _electricity_factor(lines, contributions, grid, ix, export_mwh, notes)
    heat = _heat_factor(lines, contributions, ix, export_gj, notes, process_names or {})
    rows = []
    total = 0.0
    elec_total = export_mwh * elec_factor
    heat_total = export_gj * heat["factor"]
    if heat["cap"] is not None and heat_total > heat["cap"]:   # own heat carries no more than is burnt
        heat["factor"], heat_total = heat["cap"] / export_gj, heat["cap"]
    if heat["cap"] is not None and cap is None:
        cap = heat["cap"]
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
            factor, unit, row_basis = heat["factor"], heat["unit"], heat["basis"]
        else:
            factor, unit, row_basis = None, "", None
        t = e["base_amount"] * factor if factor is not None else None
        total += t or 0.0
        row = {"carrier": e["carrier"], "amount": e["amount"], "unit": e["unit"], "factor": r(factor, 6),
               "factor_unit": unit, "basis": row_basis, "t_co2e": r(t)}
        if e["kind"] == "heat":
            row["heat_source"] = heat["source"]
        rows.append(row)
    return {"t_co2e": r(total), "rows": rows, "method": method, "basis": basis if export_mwh else None,
            "capped": scale < 1.0, "heat_basis": heat["basis"] if export_gj else None, "heat_method": heat["method"]}


def _heat_factor(lines, contributions, ix: KbIndex, export_gj: float, notes: list[Note],
                 process_names: dict[str, str]) -> dict:
    """The factor of exported heat: the park's own heat source when known, else the purchased-heat default.

    Own source: (Σ counted scope-1 CO2 of the heat-making processes ÷ Σ the energy content of the fossil fuels they
    burn) ÷ efficiency. A process's CO2 is computed from its fuel rows or reported by it, whichever the inventory
    counts; a process with a fossil fuel row of unknown energy content is left out."""
    settings = ix.kb.audit.exports
    categories = set(settings.heat_source_categories)
    fuel_gj: dict[str, float] = {}
    fuel_lines: set[int] = set()
    unknown: set[str] = set()
    for ln in lines:
        if ln.kind == "fuel" and ln.fossil and ln.use == "fuel" and ln.process:
            if ln.gj:
                fuel_gj[ln.process] = fuel_gj.get(ln.process, 0.0) + ln.gj
                fuel_lines.add(ln.index)
            else:
                unknown.add(ln.process)
    co2_by: dict[str, float] = {}
    for c in contributions:
        if (c.process in fuel_gj and c.category in categories and c.counted and c.scope == "1"
                and c.gas in ("CO2", "CO2e")
                and ((c.basis == "computed" and c.line in fuel_lines) or c.basis == "reported")):
            co2_by[c.process] = co2_by.get(c.process, 0.0) + c.t_co2e
    processes = sorted(p for p, t in co2_by.items() if t > 0 and p not in unknown)
    co2 = sum(co2_by[p] for p in processes)
    gj = sum(fuel_gj[p] for p in processes)
    if co2 > 0 and gj > 0:
        eff, bound = settings.heat_efficiency, settings.heat_efficiency_bound
        fuel = co2 / gj
        factor = fuel / eff.value
        names = ", ".join(processes)
        if export_gj:   # the warning names the processes as the park does, not by their ids
            shown = [process_names.get(p) or p for p in processes]
            notes.append(audit_note(ix.kb, "exports-heat-onsite", fuel=f"{fuel:.6f}",
                                    processes=(", ".join(shown), "、".join(shown)),
                                    efficiency=eff.value, source=(eff.source, eff.source_zh or eff.source),
                                    factor=f"{factor:.6f}", bound=bound.value, low=f"{fuel / bound.value:.6f}"))
        return {"factor": factor, "unit": "t CO2/GJ", "basis": "onsite_heat_source", "cap": calc_combustion_co2(
                    contributions, lines),
                "source": {"processes": processes, "fuel_t_co2": r(co2), "fuel_gj": r(gj),
                           "fuel_t_co2_per_gj": r(fuel, 6), "efficiency": eff.value, "efficiency_unit": eff.unit,
                           "efficiency_year": eff.year, "efficiency_source": eff.source,
                           "efficiency_bound": bound.value, "factor_low": r(fuel / bound.value, 6)},
                "method": f"own heat source: {fuel:.6f} t CO2/GJ of the fuels of {names} ÷ efficiency {eff.value} "
                          f"({eff.year}; {eff.source})"}
    heat = ix.other("purchased_heat_co2")
    if export_gj:
        notes.append(audit_note(ix.kb, "exports-heat-default", factor=heat.value))
    return {"factor": heat.value, "unit": heat.unit, "basis": "heat_default", "cap": None, "source": None,
            "method": f"purchased-heat default {heat.value} {heat.unit}: the park's heat source is unknown"}


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
