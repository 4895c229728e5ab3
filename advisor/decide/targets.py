"""The targets table of the plan: base year, 2025, 2027, 2030 for carbon, energy, pollutants and resource
indicators, following from the shortlist's estimated cuts and a growth assumption (knowledge/plan_targets.yaml).

A measure's cut is realised linearly over the years of its horizon from the plan's first year (base year + 1);
cuts on the same process and substance combine multiplicatively at their midpoints. Totals grow with the
economy at constant intensity before the cuts (the park's own growth, or assumptions.growth_rate); without a
growth, totals are unknown (None) while intensities and shares still follow.
"""

from __future__ import annotations

from typing import Any

from advisor.decide.estimates import CO2E, Estimate, Process


def growth_rate(profile) -> tuple[float | None, str]:
    """The yearly growth of the economic indicator: the user's, else the park's own over its history."""
    assumptions = getattr(profile, "assumptions", None)
    if assumptions is not None and assumptions.growth_rate is not None:
        return assumptions.growth_rate, "profile"
    values = dict(profile.economy.values) if profile.economy and profile.economy.values else {}
    years = sorted(y for y, v in values.items() if y <= profile.park.base_year and v)
    if len(years) < 2:
        return None, "unknown"
    first, last = years[0], years[-1]
    return (values[last] / values[first]) ** (1 / (last - first)) - 1, "history"


def realised(horizon: str, base_year: int, year: int, horizon_years: dict[str, int]) -> float:
    """The part of a measure's cut realised by `year`: linear over its horizon from base year + 1."""
    span = horizon_years.get(horizon, 5)
    return min(1.0, max(0.0, (year - base_year) / span))


def cut_share(estimates: list[tuple[Estimate, float]], substance: str, base_total: float | None,
              only: set[str] | None = None) -> float:
    """The midpoint share of `base_total` the estimates cut together, each weighted by the part realised;
    `only` restricts to processes of these ids."""
    if not base_total:
        return 0.0
    keep: dict[tuple[str, str], float] = {}
    amounts: dict[tuple[str, str], float] = {}
    added = 0.0
    for e, part in estimates:
        for key, f_mid, amount in e.mids(substance):
            if only is not None and key[0] not in only:
                continue
            amounts[key] = amount
            keep[key] = keep.get(key, 1.0) * (1.0 - part * f_mid)
        if substance == CO2E and only is None:
            added += part * (e.added_co2[0] + e.added_co2[1]) / 2
    cut = sum(amounts[k] * (1.0 - v) for k, v in keep.items()) - added
    return cut / base_total


def _output_wan_yuan(profile, kb) -> float | None:
    economy = profile.economy
    if economy is None or not economy.values:
        return None
    value = dict(economy.values).get(profile.park.base_year)
    unit, wan = kb.units.get(economy.unit or ""), kb.units.get("万元")
    if value is None or unit is None or wan is None or unit.dimension != "money":
        return None
    return value * unit.to_base / wan.to_base


def _round(x: float | None, unit: str) -> float | None:
    if x is None:
        return None
    if unit == "share":
        return round(x, 4)
    return round(x, 1) if abs(x) >= 100 else float(f"{x:.4g}")


def targets(profile, analysis: dict, kb, estimates: list[Estimate], horizons: dict[str, str],
            procs: list[Process], lang: str) -> list[dict[str, Any]]:
    """The rows of the targets table (docs/outputs.md): indicator, name, unit, base_year, base, one column per
    target year, binding, basis and the national goal it serves."""
    book = (kb.extra.get("estimates") or {}).get("targets")
    if book is None:
        return []
    base_year = profile.park.base_year
    g, g_from = growth_rate(profile)
    growth_text = "—" if g is None else f"{g:.1%}"
    output = _output_wan_yuan(profile, kb)
    carbon_total = (analysis.get("carbon") or {}).get("total_t_co2e")
    energy = analysis.get("energy") or {}
    weighted = {y: [(e, realised(horizons.get(e.measure, "medium"), base_year, y, book.horizon_years))
                    for e in estimates] for y in book.years}
    saving = set(book.energy_saving_measures)
    rows: list[dict[str, Any]] = []

    def row(ind, base, values: dict[int, float | None], name=None, goal=None):
        goal = goal if goal is not None else ind.goal
        rows.append({"indicator": ind.id, "name": name or ind.name.in_lang(lang), "unit": ind.unit,
                     "unit_en": ind.unit_en or ind.unit,
                     "base_year": base_year, "base": _round(base, ind.unit),
                     **{str(y): _round(values.get(y), ind.unit) for y in book.years},
                     "binding": ind.binding, "basis": ind.basis.in_lang(lang).replace("{growth}", growth_text),
                     "growth": None if g is None else round(g, 4), "growth_from": g_from,
                     "goal": None if goal is None else {"text": goal.text.in_lang(lang), "source": goal.source,
                                                        "source_zh": goal.source_zh, "year": goal.year}})

    def grown(y: int) -> float | None:
        return None if g is None else (1 + g) ** (y - base_year)

    def total(base: float | None, y: int, share: float) -> float | None:
        f = grown(y)
        return None if base is None or f is None else base * f * (1 - share)

    grid = {p.id for p in procs if p.category == "purchased_electricity"}
    grid_co2 = sum(p.amounts.get(CO2E) or 0.0 for p in procs if p.id in grid)
    mwh = energy.get("electricity_mwh")
    grid_mwh = (energy.get("electricity_by_origin_mwh") or {}).get("grid")
    for ind in book.indicators:
        if ind.id == "co2e_total":
            row(ind, carbon_total, {y: total(carbon_total, y, cut_share(w, CO2E, carbon_total))
                                    for y, w in weighted.items()})
        elif ind.id == "co2e_per_output":
            base = carbon_total / output if carbon_total is not None and output else None
            row(ind, base, {y: None if base is None else base * (1 - cut_share(w, CO2E, carbon_total))
                            for y, w in weighted.items()})
        elif ind.id == "energy_per_output":
            tce = energy.get("total_tce")
            base = tce / output if tce is not None and output else None
            row(ind, base, {y: None if base is None else
                            base * (1 - cut_share([(e, p) for e, p in w if e.measure in saving], CO2E, carbon_total))
                            for y, w in weighted.items()})
        elif ind.id == "pollutant_total":
            for sub in _pollutants(profile, analysis, kb):
                base = analysis["pollutants"][sub].get("total_t")
                name = ind.name.in_lang(lang).replace("{pollutant}", kb.pollutants[sub].name.in_lang(lang))
                row(ind, base, {y: total(base, y, cut_share(w, sub, base)) for y, w in weighted.items()},
                    name=name, goal=ind.goals.get(sub))
                rows[-1]["pollutant"] = sub
                rows[-1]["binding"] = ind.binding and sub in ind.goals   # binding where a national goal is
        elif ind.id == "renewable_electricity_share":
            base = energy.get("renewable_electricity_share")
            green: float = grid_mwh / mwh if base is not None and mwh and grid_mwh is not None and grid_co2 else 0.0
            row(ind, base, {y: None if base is None else base + cut_share(w, CO2E, grid_co2, grid) * green
                            for y, w in weighted.items()})
        elif ind.raised_by is not None:
            base = _profile_share(profile, ind.id)
            row(ind, base, {y: None if base is None else base + (1 - base) * _raised(w, ind.raised_by)
                            for y, w in weighted.items()})
    return rows


def _raised(weighted: list[tuple[Estimate, float]], measure: str) -> float:
    """The midpoint fraction a measure moves a share indicator (its largest cut fraction), as realised."""
    for e, part in weighted:
        if e.measure == measure and e.fractions:
            return part * max((lo + hi) / 2 for lo, hi in e.fractions.values())
    return 0.0


def _profile_share(profile, indicator: str) -> float | None:
    if indicator == "water_reuse_rate":
        return profile.water.reuse_rate
    if indicator == "solid_waste_utilization_rate":
        return profile.enterprises_summary.solid_waste_utilization_rate
    return None


def _pollutants(profile, analysis: dict, kb) -> list[str]:
    """The total-control pollutants present, then the park's characteristic pollutants."""
    present = analysis.get("pollutants") or {}
    out = [p for p, d in kb.pollutants.items() if d.total_control and present.get(p, {}).get("total_t")]
    for p in profile.characteristic_pollutants or []:
        if p not in out and present.get(p, {}).get("total_t"):
            out.append(p)
    return out

