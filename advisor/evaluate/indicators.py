"""The co-control indicators of knowledge/indicators.yaml per cycle, and attainment of the park's targets.

value = Σ numerator terms / Σ denominator terms, each term a quantity divided by its weight (if any); a term
whose quantity is unknown makes the value unknown (None), never 0; a denominator of 0 gives None.

Attainment of a target T (year Y_T) from the values v_first (year Y_first) and v_last (year Y_last):
- v_last unknown → unknown; no target for the indicator → no_target;
- v_last at or beyond T in the better direction (≤ T for `lower`, ≥ T for `higher`) → met;
- otherwise, when Y_T > Y_last and v_first is known: the straight-line trend
  v(Y_T) = v_last + (v_last − v_first) / (Y_last − Y_first) × (Y_T − Y_last) reaches T → on_track, else off_track;
- Y_T ≤ Y_last and not met → off_track (the year has come); one cycle's value only and not met → unknown.
"""

from __future__ import annotations

from typing import Any

from advisor.evaluate.compare import economy_yuan
from advisor.evaluate.cycles import Cycle
from advisor.kb.units import convert


def _walk(data: Any, path: str) -> Any:
    for part in path.split("."):
        if data is None:
            return None
        data = data.get(part) if isinstance(data, dict) else getattr(data, part, None)
    return data


def quantity(name: str, cycle: Cycle, kb) -> float | None:
    """One quantity of a cycle (analysis:…, pollutant_kg:…, economy:…, profile:…); None when unknown."""
    kind, what = name.split(":", 1)
    if kind == "analysis":
        value = _walk(cycle.analysis, what)
    elif kind == "pollutant_kg":
        total = (cycle.analysis["pollutants"].get(what) or {}).get("total_t")
        value = None if total is None else total * 1000.0   # t → kg
    elif kind == "economy":
        yuan = economy_yuan(cycle.profile, kb)
        value = None if yuan is None else yuan / convert(1.0, what, kb, "money")
    else:
        value = _walk(cycle.profile, what)
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _sum(terms, cycle: Cycle, kb) -> float | None:
    total = 0.0
    for term in terms:
        value = quantity(term.quantity, cycle, kb)
        if value is None:
            return None
        total += value / term.per.value if term.per is not None else value
    return total


def calc_indicator(indicator, cycle: Cycle, kb) -> float | None:
    top = _sum(indicator.value.numerator, cycle, kb)
    if not indicator.value.denominator:
        return top
    bottom = _sum(indicator.value.denominator, cycle, kb)
    if top is None or not bottom:
        return None
    return top / bottom


def _better_or_equal(value: float, target: float, direction: str) -> bool:
    return value <= target if direction == "lower" else value >= target


def calc_attainment(direction: str, target: dict | None, points: list[tuple[int, float | None]]) -> str:
    """met / on_track / off_track / no_target / unknown (see the module doc); points = (year, value) per cycle."""
    if target is None:
        return "no_target"
    y_last, v_last = points[-1]
    if v_last is None:
        return "unknown"
    if _better_or_equal(v_last, target["value"], direction):
        return "met"
    if target["year"] <= y_last:
        return "off_track"
    known = [(y, v) for y, v in points[:-1] if v is not None]
    if not known:
        return "unknown"
    y_first, v_first = known[0]
    projected = v_last + (v_last - v_first) / (y_last - y_first) * (target["year"] - y_last)
    return "on_track" if _better_or_equal(projected, target["value"], direction) else "off_track"


def park_targets(cycles: list[Cycle]) -> dict[str, list[dict]]:
    """The targets of the latest cycle that states any, by indicator, nearest year first."""
    for c in reversed(cycles):
        if c.profile.targets:
            out: dict[str, list[dict]] = {}
            for t in c.profile.targets:
                out.setdefault(t.indicator, []).append({"year": t.year, "value": t.value, "binding": t.binding})
            return {k: sorted(v, key=lambda t: t["year"]) for k, v in out.items()}
    return {}


def _target_for(targets: list[dict], last_year: int) -> dict | None:
    """The nearest target not yet due; else the latest one."""
    ahead = [t for t in targets if t["year"] >= last_year]
    return ahead[0] if ahead else (targets[-1] if targets else None)


def indicator_table(cycles: list[Cycle], kb, lang: str, warnings: list[str]) -> list[dict]:
    targets = park_targets(cycles)
    rows = []
    for ind in kb.indicators.values():
        points = [(c.year, calc_indicator(ind, c, kb)) for c in cycles]
        target = _target_for(targets.get(ind.id, []), cycles[-1].year)
        unit = ind.unit_en if lang == "en" and ind.unit_en else ind.unit
        row = {"id": ind.id, "group": ind.group, "name": ind.name.in_lang(lang), "unit": unit,
               "direction": ind.direction,
               "values": {str(y): None if v is None else round(v, 6) for y, v in points},
               "target": target, "attainment": calc_attainment(ind.direction, target, points),
               "definition": ind.definition.in_lang(lang), "source": ind.source, "source_year": ind.year}
        if warnings:
            row["warnings"] = list(warnings)
        rows.append(row)
    return rows
