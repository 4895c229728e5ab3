"""What changed between the cycles: energy, carbon, pollutants and intensities, and the decoupling between them.

change = (X_last − X_first) / X_first, a fraction of the first cycle's value (0.25 = +25 %); null when either
value is unknown or the first is 0. Values come from the analyses of the evaluation's factor set (cycles.py);
a carbon figure whose values under each cycle's own factors differ by more than 1 % carries those too.
"""

from __future__ import annotations

from typing import Any

from advisor.accounting.decoupling import (
    calc_change,
    calc_elasticity,
    calc_synergy,
    calc_tapio_state,
    calc_trend_state,
    calc_weakest_state,
)
from advisor.evaluate.cycles import Cycle
from advisor.evaluate.texts import text
from advisor.kb.units import convert

OTHER_FACTORS_SHOWN = 0.01   # a relative difference above which the other factor set's values are shown


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 6)


def economy_yuan(profile, kb) -> float | None:
    """The park's economic indicator in its base year, in yuan; None when unknown."""
    eco = profile.economy
    if eco is None or profile.park.base_year not in eco.values:
        return None
    return convert(eco.values[profile.park.base_year], eco.unit, kb, "money")


def _figures(analysis: dict, profile, kb) -> dict[str, tuple[str, str, float | None]]:
    """figure id → (label key, name filled into the label, value) of one analysis, in a fixed order."""
    out: dict[str, tuple[str, str, float | None]] = {}
    energy, carbon = analysis["energy"], analysis["carbon"]
    out["energy.total_tce"] = ("energy.total_tce", "", energy.get("total_tce"))
    out["energy.coal_fuel_share"] = ("energy.coal_fuel_share", "", energy.get("coal_fuel_share"))
    for row in energy.get("by_carrier") or []:
        out[f"energy.by_carrier.{row['carrier']}"] = ("energy.by_carrier", row["carrier"], row.get("tce"))
    out["carbon.total_t_co2e"] = ("carbon.total_t_co2e", "", carbon.get("total_t_co2e"))
    for scope, value in sorted((carbon.get("by_scope") or {}).items()):
        out[f"carbon.by_scope.{scope}"] = ("carbon.by_scope", scope, value)
    for row in carbon.get("by_process") or []:
        out[f"carbon.by_process.{row['process']}"] = ("carbon.by_process", row["process"], row.get("t_co2e"))
    for name, block in analysis["pollutants"].items():
        out[f"pollutants.{name}.total_t"] = ("pollutants", name, block.get("total_t"))
    yuan = economy_yuan(profile, kb)
    per = convert(1.0, "万元", kb, "money")
    for key, total in (("intensity.co2e", carbon.get("total_t_co2e")), ("intensity.energy", energy.get("total_tce"))):
        out[key] = (key, "", total / (yuan / per) if total is not None and yuan else None)
    return out


UNITS = {"energy": "tce", "carbon": "t CO2e", "pollutants": "t", "intensity.co2e": "t CO2e/万元",
         "intensity.energy": "tce/万元", "energy.coal_fuel_share": "share"}


def _unit(figure: str) -> str:
    for prefix in ("energy.coal_fuel_share", "intensity.co2e", "intensity.energy", "energy", "carbon", "pollutants"):
        if figure.startswith(prefix):
            return UNITS[prefix]
    return ""


def _name(label_key: str, name: str, kb, lang: str) -> str:
    """The name filled into a label: a carrier's or pollutant's name in knowledge/ where it has one."""
    table = kb.carriers if label_key == "energy.by_carrier" else kb.pollutants if label_key == "pollutants" else {}
    return table[name].name.in_lang(lang) if name in table else name


def calc_changes(cycles: list[Cycle], kb, lang: str, warnings: list[str]) -> list[dict]:
    """One entry per figure any cycle has: label, unit, value per cycle, change first → last, the other factor
    set's values where they differ by more than OTHER_FACTORS_SHOWN, and the boundary warnings."""
    per_cycle = [_figures(c.analysis, c.profile, kb) for c in cycles]
    other = [_figures(c.other_analysis, c.profile, kb) for c in cycles]
    names = {row["process"]: row.get("name") or row["process"]
             for c in cycles for row in c.analysis["carbon"].get("by_process") or []}
    order: list[str] = []
    for figures in per_cycle:
        order += [f for f in figures if f not in order]
    out = []
    for figure in order:
        label_key, name = next(f[figure][:2] for f in per_cycle if figure in f)
        shown = names.get(name, name) if label_key == "carbon.by_process" else _name(label_key, name, kb, lang)
        values = {str(c.year): _round(f[figure][2]) if figure in f else None for c, f in zip(cycles, per_cycle,
                                                                                             strict=True)}
        if all(v is None for v in values.values()):
            continue   # a process that emits no greenhouse gas, say
        entry: dict[str, Any] = {"figure": figure, "label": text("figures", label_key, lang, name=shown),
                                 "unit": _unit(figure), "values": values,
                                 "change": _round(calc_change(values[str(cycles[0].year)],
                                                              values[str(cycles[-1].year)]))}
        if figure.startswith(("carbon.", "intensity.co2e")):
            alt = {str(c.year): _round(f[figure][2]) if figure in f else None for c, f in zip(cycles, other,
                                                                                              strict=True)}
            if any(_differs(values[y], alt[y]) for y in values):
                entry["values_other_factors"] = alt
        if warnings:
            entry["warnings"] = list(warnings)
        out.append(entry)
    return out


def _differs(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is not b
    return abs(a - b) > OTHER_FACTORS_SHOWN * max(abs(a), abs(b))


def calc_between(y0: int, y1: int, economy: dict[int, float], series: dict[str, dict[int, float]], kb,
                 characteristic: list[str]) -> dict:
    """Decoupling from cycle y0 to cycle y1 by the method of the status analysis (accounting.decoupling): change,
    Tapio elasticity and state, trend state per substance; the pollutant state (weakest of the total-control and
    characteristic pollutants present), the carbon state (CO2e) and the synergy state."""
    d = kb.decoupling
    de = calc_change(economy.get(y0), economy.get(y1))
    substances: dict[str, dict] = {}
    for name, values in series.items():
        if y0 not in values or y1 not in values:
            continue
        dx = calc_change(values[y0], values[y1])
        e = calc_elasticity(dx, de)
        substances[name] = {"change": _round(dx), "elasticity": _round(e),
                            "tapio": calc_tapio_state(de, dx, e, d.tapio_lower, d.tapio_upper),
                            "state": calc_trend_state(de, dx, d.indeterminate_change),
                            "from_value": values[y0], "to_value": values[y1]}
    basis = [p for p in d.total_control_pollutants if p in substances]
    basis += [p for p in characteristic if p in substances and p not in basis]
    pollutant_state, _ = calc_weakest_state({p: substances[p]["state"] for p in basis})
    carbon_state = substances["CO2e"]["state"] if "CO2e" in substances else None
    return {"from": y0, "to": y1, "economy_change": _round(de), "substances": substances,
            "pollutant_state": pollutant_state, "pollutant_state_basis": basis, "carbon_state": carbon_state,
            "synergy": calc_synergy(pollutant_state, carbon_state)}


def calc_cycle_decoupling(cycles: list[Cycle], kb) -> dict:
    """Between the first and the last cycle (`span`) and, with three or more cycles, between each pair
    (`pairs`), from the cycles' economy in their base years and their analysed totals (CO2e, each pollutant)."""
    economy: dict[int, float] = {}
    series: dict[str, dict[int, float]] = {}
    for c in cycles:
        yuan = economy_yuan(c.profile, kb)
        if yuan is not None:
            economy[c.year] = yuan
        total = c.analysis["carbon"].get("total_t_co2e")
        if total is not None:
            series.setdefault("CO2e", {})[c.year] = total
        for name, block in c.analysis["pollutants"].items():
            if block.get("total_t") is not None:
                series.setdefault(name, {})[c.year] = block["total_t"]
    characteristic = list(cycles[-1].profile.characteristic_pollutants or [])
    years = [c.year for c in cycles]
    return {"span": calc_between(years[0], years[-1], economy, series, kb, characteristic),
            "pairs": [calc_between(a, b, economy, series, kb, characteristic)
                      for a, b in zip(years, years[1:], strict=False)] if len(cycles) > 2 else []}
