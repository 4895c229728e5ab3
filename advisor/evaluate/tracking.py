"""Each measure the park tracks (profile `measures_status`): its status and whether the data show its effect.

effect, decided in this order:
- planned → too_early; dropped → no_data (no effect is expected);
- under way or done only since the latest cycle's year (since ≥ that year) → too_early: that year's data
  cannot show a full year of it;
- an enabling measure (its card's effect) → no_data: it shows in no emission figure directly;
- with the per-measure estimate of the baseline cycle's advice (`expected`: the processes it acts on and the reduction
  range per substance): seen when the observed fall on those processes reaches the low end of the range for
  at least one substance, else not_seen;
- otherwise, on the processes of the card's target categories, for its co-benefit substances: seen when at least
  one of them fell by more than the "too small to call" share of decoupling.yaml, else not_seen; no such
  process in either cycle → no_data.
The comparison runs from the last cycle before `since` (else the first) to the latest cycle.
"""

from __future__ import annotations

from advisor.accounting.decoupling import calc_change
from advisor.evaluate.cycles import Cycle, tracked_measures
from advisor.evaluate.texts import text


def _totals(cycle: Cycle, processes=None, categories=None) -> dict[str, float]:
    """Emissions per substance (CO2e and pollutants, t) of the processes named or of the categories named."""
    def picked(row) -> bool:
        return row.get("process") in processes if processes is not None else row.get("category") in categories

    out: dict[str, float] = {}
    for row in cycle.analysis["carbon"].get("by_process") or []:
        if picked(row) and row.get("t_co2e") is not None:
            out["CO2e"] = out.get("CO2e", 0.0) + row["t_co2e"]
    for name, block in cycle.analysis["pollutants"].items():
        for row in block.get("by_process") or []:
            if picked(row) and row.get("t") is not None:
                out[name] = out.get(name, 0.0) + row["t"]
    return out


def _pct(x: float) -> str:
    return f"{x:+.1%}"


def _baseline(cycles: list[Cycle], since: int | None) -> Cycle:
    before = [c for c in cycles[:-1] if since is None or c.year < since]
    return before[-1] if before else cycles[0]


def _expected(base: Cycle, measure: str) -> dict | None:
    """The estimate the baseline cycle's advice gave for the measure (what it was expected to do)."""
    for rec in (base.advice or {}).get("recommendations", []):
        if rec.get("measure") == measure and isinstance(rec.get("expected"), dict):
            return rec["expected"]
    return None


def judge_effect(tracked, cycles: list[Cycle], kb, lang: str) -> tuple[str, str]:
    """(effect, evidence in words) of one tracked measure (see the module doc)."""
    last = cycles[-1]
    if tracked.status == "planned":
        return "too_early", text("frames", "too_early_planned", lang)
    if tracked.status == "dropped":
        return "no_data", text("frames", "dropped", lang)
    if tracked.since is not None and tracked.since >= last.year:
        return "too_early", text("frames", "too_early_since", lang, since=tracked.since, year=last.year)
    card = kb.measures[tracked.measure]
    if card.effect == "enabling":
        return "no_data", text("frames", "enabling", lang)
    base = _baseline(cycles, tracked.since)
    expected = _expected(base, tracked.measure)
    if expected is not None and expected.get("acts_on"):
        processes = set(expected["acts_on"])
        before, after = _totals(base, processes=processes), _totals(last, processes=processes)
        ranges = {k: v for k, v in expected.items() if isinstance(v, dict) and v.get("low") is not None}
        seen = {k: before.get(k, 0.0) - after.get(k, 0.0) for k in ranges if k in before or k in after}
        if not seen:
            return "no_data", text("frames", "no_processes", lang)
        words = "; ".join(f"{k}: " + text("frames", "expected_low", lang, low=f"{ranges[k]['low']:,.0f} t",
                                          seen=f"{v:,.0f} t") for k, v in seen.items())
        hit = any(ranges[k]["low"] > 0 and v >= ranges[k]["low"] for k, v in seen.items())
        return ("seen" if hit else "not_seen"), words
    substances = {"CO2e" if s == "CO2" else s for s in card.co_benefits}
    categories = set(card.target_processes)
    before, after = _totals(base, categories=categories), _totals(last, categories=categories)
    changes: dict[str, float] = {}
    for k in sorted(substances & set(before)):
        change = calc_change(before[k], after.get(k))   # a substance the later cycle lacks is unknown there
        if change is not None:
            changes[k] = change
    if not changes:
        return "no_data", text("frames", "no_processes", lang)
    names = sorted({p.name or p.id for c in (base, last) for p in c.profile.processes or []
                    if p.category in categories})
    words = text("frames", "observed", lang, processes="、".join(names) if lang == "zh" else ", ".join(names),
                 changes=", ".join(f"{k} {_pct(v)} ({base.year}–{last.year})" for k, v in changes.items()))
    threshold = kb.decoupling.indeterminate_change
    return ("seen" if any(v < -threshold for v in changes.values()) else "not_seen"), words


def track_measures(cycles: list[Cycle], kb, lang: str) -> list[dict]:
    out = []
    for tracked in tracked_measures(cycles):
        card = kb.measures[tracked.measure]
        effect, evidence = judge_effect(tracked, cycles, kb, lang)
        out.append({"measure": tracked.measure, "title": card.title.in_lang(lang), "status": tracked.status,
                    "since": tracked.since, "project": tracked.project, "note": tracked.note,
                    "effect": effect, "evidence": evidence})
    return out
