"""The quantities of the advice as `recommend --json` gives them: each established recommendation's `expected`
(its estimate with the calculation shown), its `coordinates` in the co-control effect chart and its
cross-elasticities; enabling measures name what they make possible (docs/outputs.md, "Quantities").

coordinates: the midpoint reductions as shares of the park's base totals – CO2e, and the air pollutants added as
pollution equivalents (kg per equivalent from knowledge/pollution_equivalents.csv).
elasticity per pollutant: Els = (ΔP/P)/(ΔC/C) with the rounded midpoints shown and the analysis' totals, None
where ΔC is 0 or unknown (Mao Xianqiang's co-control coordinate system).
"""

from __future__ import annotations

from typing import Any

from advisor.decide.estimates import CO2E, Estimate, Process, combined, estimate, inventory, tables

META = ("acts_on", "assumption", "share", "coefficients", "missing")   # the keys of `expected` that are no substance


def _rounded(x: float) -> float:
    """Tonnes to 0.1 t, and small figures to 3 significant digits (heavy metals are a few kg)."""
    if abs(x) >= 10:
        return round(x, 1)
    return float(f"{x:.3g}")


def _share_text(low: float, high: float) -> str:
    return f"{low:.0%}" if low == high else f"{low:.0%}–{high:.0%}"


def totals(analysis: dict) -> dict[str, float | None]:
    """The park's base totals: CO2e and each pollutant (t/yr)."""
    out: dict[str, float | None] = {CO2E: (analysis.get("carbon") or {}).get("total_t_co2e")}
    for sub, block in (analysis.get("pollutants") or {}).items():
        out[sub] = block.get("total_t")
    return out


def mid(r: dict[str, Any] | None) -> float | None:
    if not r or r.get("low") is None or r.get("high") is None:
        return None
    return (r["low"] + r["high"]) / 2


def expected_entry(e: Estimate, kb, lang: str) -> dict[str, Any]:
    """The JSON of one estimate: a {low, high} per substance (None = unknown), the processes it acts on, the
    assumption in words, the share used and every coefficient with unit, source and year."""
    t = tables(kb)
    book = t["book"]
    coefs = t["coefficients"]
    out: dict[str, Any] = {}
    for sub, r in e.ranges.items():
        out[sub] = None if r is None else {"low": _rounded(r[0]), "high": _rounded(r[1])}
    out["acts_on"] = list(e.acts_on)
    text = book.measures[e.measure].assumption.in_lang(lang)
    out["assumption"] = text.replace("{share}", _share_text(*e.share))
    out["share"] = {"low": e.share[0], "high": e.share[1], "set_by": "profile" if e.share_set else "default"}
    out["coefficients"] = [{"id": c.id, "name": c.name.in_lang(lang), "value": round((c.low + c.high) / 2, 6),
                            "low": c.low, "high": c.high, "unit": c.unit, "unit_zh": c.unit_zh, "source": c.source,
                            "source_zh": c.source_zh, "year": c.year, "basis": c.basis}
                           for c in (coefs[cid] for cid in e.coefficients)]
    if e.missing:
        out["missing"] = {sub: list(pids) for sub, pids in e.missing.items()}
    return out


def air_equivalents(kb) -> dict[str, float]:
    """kg per pollution equivalent of the air pollutants."""
    return {s: q.kg_per_equivalent for s, q in tables(kb)["equivalents"].items() if q.medium == "air"}


def coordinates(expected: dict[str, Any], base: dict[str, float | None], kb) -> dict[str, float | None]:
    """The measure's point in the co-control chart: CO2e reduction and air-pollutant reduction (as pollution
    equivalents), each a share of the park's base total."""
    total_c = base.get(CO2E)
    dc = mid(expected.get(CO2E))
    co2e_share = dc / total_c if dc is not None and total_c else None
    eq = air_equivalents(kb)
    park_eq = sum((base.get(s) or 0.0) / kg for s, kg in eq.items())
    cut_eq = 0.0
    for s, kg in eq.items():
        m = mid(expected.get(s))
        if m is not None:
            cut_eq += m / kg
    poll_share = cut_eq / park_eq if park_eq else None
    return {"co2e_share": None if co2e_share is None else round(co2e_share, 6),
            "pollution_eq_share": None if poll_share is None else round(poll_share, 6)}


def elasticity(expected: dict[str, Any], base: dict[str, float | None]) -> dict[str, float | None]:
    """Els per pollutant = (ΔP/P)/(ΔC/C): > 1 means the pollutant falls proportionally more than CO2e."""
    total_c = base.get(CO2E)
    dc = mid(expected.get(CO2E))
    out: dict[str, float | None] = {}
    for sub, r in expected.items():
        if sub == CO2E or sub in META:
            continue
        p_total = base.get(sub)
        dp = mid(r) if isinstance(r, dict) else None
        if dc is None or dc == 0 or not total_c or dp is None or not p_total:
            out[sub] = None
        else:
            out[sub] = round((dp / p_total) / (dc / total_c), 4)
    return out


def attach(recommendations: list[dict], profile, analysis: dict, kb, lang: str
           ) -> tuple[list[Estimate], list[Process]]:
    """Adds `expected`, `coordinates` and `elasticity` to each established co-reduction or trade-off
    recommendation, and `enables` to each enabling one; returns the estimates (in rank order) and the park's
    processes they were made on."""
    t = tables(kb)
    if not t["plans"]:
        return [], []
    procs = inventory(profile, analysis, kb)
    base = totals(analysis)
    found: list[Estimate] = []
    for rec in recommendations:
        if rec.get("effect") == "enabling":
            rec["expected"] = None
            rec["enables"] = [m for m in t["enables"].get(rec["measure"], [])]
            continue
        e = estimate(rec["measure"], profile, procs, kb)
        if e is None:
            rec["expected"] = None
            continue
        found.append(e)
        entry = expected_entry(e, kb, lang)
        rec["expected"] = entry
        rec["coordinates"] = coordinates(entry, base, kb)
        rec["elasticity"] = elasticity(entry, base)
    return found, procs


def plan_tables(profile, analysis: dict, kb, recommendations: list[dict], shortlist: list[str],
                found: tuple[list[Estimate], list[Process]], lang: str) -> dict[str, Any]:
    """The top of the advice: `expected_total` (the shortlist's estimates combined: each acts on what the others
    leave), `assumptions` (what a user may set, with its default), `targets` (from the shortlist's estimates) and
    `projects`."""
    from advisor.decide.projects import projects
    from advisor.decide.targets import targets

    estimates, procs = found
    chosen = set(shortlist)
    horizons = {r["measure"]: r["horizon"] for r in recommendations}
    in_plan = [e for e in estimates if e.measure in chosen]
    totals_cut: dict[str, Any] = {}
    for sub in dict.fromkeys(s for e in in_plan for s in e.ranges):
        both = combined(in_plan, sub)
        totals_cut[sub] = None if both is None else {"low": _rounded(both[0]), "high": _rounded(both[1])}
    plans = tables(kb)["plans"]
    assumptions = [{"path": f"measures.{e.measure}.share", "measure": e.measure,
                    "default": {"low": plans[e.measure].share_low, "high": plans[e.measure].share_high},
                    "value": e.share[0] if e.share_set else None} for e in estimates]
    growth = getattr(getattr(profile, "assumptions", None), "growth_rate", None)
    assumptions.append({"path": "growth_rate", "measure": None, "default": None, "value": growth})
    return {"expected_total": totals_cut, "assumptions": assumptions,
            "targets": targets(profile, analysis, kb, [e for e in estimates if e.measure in chosen], horizons,
                               procs, lang),
            "projects": projects(profile, kb, recommendations, shortlist, lang)}
