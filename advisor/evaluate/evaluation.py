"""`park-advisor evaluate`: two or more cycles of one park compared (guideline 4.3, evaluation and the next
cycle). The result's shape is documented in docs/outputs.md and docs/schemas/evaluate.schema.json."""

from __future__ import annotations

from advisor.errors import Issue, UsageError
from advisor.evaluate.compare import calc_changes, calc_cycle_decoupling
from advisor.evaluate.cycles import boundary_changes, build_cycles
from advisor.evaluate.indicators import indicator_table
from advisor.evaluate.next_cycle import compare_advice
from advisor.evaluate.texts import text
from advisor.evaluate.tracking import track_measures

SCHEMA_VERSION = 1
FACTORS = ("fixed", "own")


def _boundary_warnings(cycles, lang: str) -> list[str]:
    first, last = cycles[0].year, cycles[-1].year
    sep = "：" if lang == "zh" else ": "
    return [text("frames", "boundary", lang, year=year, note=f"{sep}{note}" if note else "", first=first, last=last)
            for year, note in boundary_changes(cycles)]


def _price_warning(profile, lang: str) -> list[str]:
    eco = profile.economy
    return [] if eco is None or eco.constant_prices is True else [text("frames", "nominal", lang)]


def evaluate_cycles(profiles: list, kb, lang: str = "zh", factors: str = "fixed") -> dict:
    """profiles: (source, Profile) pairs of one park, any order. ProfileError when the park ids differ or two
    share a base year; UsageError for fewer than two or an unknown factor choice."""
    if factors not in FACTORS:
        raise UsageError([Issue("evaluate", str(factors), "unknown factor choice", "use fixed or own")])
    from advisor.decide.recommend import advise  # the rule engine only when an evaluation runs

    cycles = build_cycles(profiles, kb, factors)
    for c in cycles:
        c.advice = advise(c.profile, kb, lang=lang, analysis=c.own_analysis)
    boundary = _boundary_warnings(cycles, lang)
    decoupling = calc_cycle_decoupling(cycles, kb)
    span = decoupling["span"]
    latest = cycles[-1]
    grid = latest.analysis["carbon"]["grid"]
    return {
        "schema_version": SCHEMA_VERSION,
        "park": {"id": latest.profile.park.id, "name": latest.profile.park.name},
        "lang": lang,
        "cycles": [c.year for c in cycles],
        "sources": [c.source for c in cycles],
        "factors": factors,
        "factor_set": {"year": latest.year, "grid_year": grid["year"], "grid_factor": grid["value"],
                       "gwp": latest.profile.accounting.gwp, "fuel_factors": latest.profile.accounting.fuel_factors},
        "changes": calc_changes(cycles, kb, lang, boundary),
        "decoupling": {**span, "warnings": boundary + _price_warning(latest.profile, lang)},
        "trend": decoupling["pairs"],
        "indicators": indicator_table(cycles, kb, lang, boundary),
        "measures": track_measures(cycles, kb, lang),
        "next_cycle": compare_advice(cycles, kb, lang),
        "warnings": boundary,
    }
