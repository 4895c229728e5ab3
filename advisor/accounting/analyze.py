"""The status analysis of one park (guideline ch. 5 and 6) as one dictionary.

Its shape is documented in docs/schemas/analyze.schema.json.

analyze_profile is pure: a validated Profile and the knowledge base in, a JSON-serialisable dict out
(deterministic order, rounded numbers). An unknown unit raises advisor.kb.units.UnitError (the caller
turns it into a located message); missing data become `gaps`, never exceptions.
"""

from __future__ import annotations

from advisor.accounting._common import Note, Processes, kb_index, texts
from advisor.accounting.carbon import calc_carbon
from advisor.accounting.decoupling import calc_decoupling, check_period
from advisor.accounting.energy import (
    SteamConversion,
    calc_energy_balance,
    calc_energy_lines,
    calc_energy_summary,
    calc_exports,
    check_exports,
    steam_conversion,
)
from advisor.accounting.fused import calc_fused, calc_same_source, calc_trade_offs
from advisor.accounting.gaps import find_gaps
from advisor.accounting.materials import calc_materials
from advisor.accounting.pollutants import calc_pollutants
from advisor.accounting.steps import Steps, finish

SCHEMA_VERSION = 1


def analyze_profile(profile, kb, period: tuple[int, int] | None = None, year_pairs: bool = True,
                    detail: bool = True) -> dict:
    """Energy, materials, carbon, pollutants, same-source processes, trade-offs and decoupling of one park.

    period: (Y1, Y2) restricts decoupling to that period; by default the whole span and each pair of years
    (year_pairs=False: the span only, for the batch table).
    detail=False: only the blocks the facts and the batch table read (screen_analysis), with the same numbers
    (decoupling: the requested period or the whole span).
    """
    if not detail:
        return screen_analysis(profile, kb, period)
    period = check_period(period)
    notes, steam, energy, carbon, pollutants, procs = _inventories(profile, kb, detail=True)
    fused = calc_fused(profile, kb, carbon, pollutants, energy, procs=procs)
    same_source = calc_same_source(fused["groups"], kb)
    trade_offs, other_controls = calc_trade_offs(carbon)
    fused["other_controls"] = other_controls
    del carbon["controls"]   # shown once, as trade_offs
    decoupling = calc_decoupling(profile, kb, period, year_pairs)
    notes += [Note(i, en, zh) for i, en, zh in zip(decoupling["warning_ids"], decoupling["warnings"],
                                                    decoupling["warnings_zh"], strict=True)]
    materials = calc_materials(profile, kb)
    gaps = find_gaps(profile, kb, energy, carbon, decoupling, trade_offs, {n.id for n in notes})
    warnings_en, warnings_zh, warning_ids = texts(notes)
    labels = _labels(kb, profile, pollutants)
    return {
        "schema_version": SCHEMA_VERSION,
        "park": _park(profile),
        "carbon": carbon,
        "pollutants": pollutants,
        "same_source": same_source,
        "decoupling": decoupling,
        "energy": energy,
        "materials": materials,
        "fused": fused,
        "trade_offs": trade_offs,
        "gaps": gaps,
        "warnings": warnings_en,
        "warnings_zh": warnings_zh,
        "warning_ids": warning_ids,
        "labels": labels,
        "settings": {
            "gwp": profile.accounting.gwp,
            "fuel_factors": profile.accounting.fuel_factors,
            "grid": carbon["grid"],
            "steam": {"gj_per_t": steam.gj_per_t, "source": steam.source, "rows_converted": steam.rows},
            "standard_coal": energy["method"]["standard_coal"],
            "include_scope3": profile.accounting.include_scope3,
            "period": list(period) if period else None,
        },
    }


def screen_analysis(profile, kb, period: tuple[int, int] | None = None) -> dict:
    """What the rules' facts, the ranking and the batch table read of the analysis: energy totals and shares,
    carbon total and by_process, pollutants, same-source groups (without their reason texts),
    trade-offs and the decoupling of the whole span (or of the requested period). Each block comes
    from the same functions as in analyze_profile, so the numbers are the same; the blocks only a
    reader sees (balance, materials, gaps, warnings, labels, factor tables, per-industry
    decoupling) are left out."""
    return finish(screen_analysis_steps(profile, kb, period))


def screen_analysis_steps(profile, kb, period: tuple[int, int] | None = None) -> Steps[dict]:
    """screen_analysis in three steps: the inventories; the same-source groups and trade-offs; decoupling."""
    _, _, energy, carbon, pollutants, procs = _inventories(profile, kb, detail=False)
    yield
    groups = calc_fused(profile, kb, carbon, pollutants, energy, detail=False, procs=procs)["groups"]
    trade_offs, _ = calc_trade_offs(carbon)
    same_source = calc_same_source(groups, kb, reasons=False)
    yield
    return {
        "schema_version": SCHEMA_VERSION,
        "park": _park(profile),
        "carbon": carbon,
        "pollutants": pollutants,
        "same_source": same_source,
        "decoupling": calc_decoupling(profile, kb, period, year_pairs=False, by_industry=False),
        "energy": energy,
        "trade_offs": trade_offs,
    }


def _inventories(profile, kb, detail: bool) -> tuple[list[Note], SteamConversion, dict, dict, dict, Processes]:
    """(notes, steam conversion, energy summary, carbon, pollutants, the profile's processes read once): where both
    analyses start.
    detail=False: without the energy balance, the energy summary's tables and exports, and carbon's tables for
    readers."""
    ix = kb_index(kb)
    notes: list[Note] = []
    procs = Processes(profile)
    steam = steam_conversion(profile, kb)
    lines = calc_energy_lines(profile, kb, ix, steam, notes, procs)
    if detail:
        exports = calc_exports(profile, kb, ix, steam)
        energy = calc_energy_summary(lines, exports, steam, ix)
        energy["balance"] = calc_energy_balance(lines)
    else:   # the totals and shares: no exports (their units are checked all the same), balance or tables
        check_exports(profile, kb, ix)
        exports = None
        energy = calc_energy_summary(lines, None, steam, ix, detail=False)
    carbon = calc_carbon(profile, kb, ix, lines, exports, notes, detail=detail, procs=procs)
    pollutants = calc_pollutants(profile, kb, notes if detail else None, procs)   # (the lean analysis: no warnings)
    return notes, steam, energy, carbon, pollutants, procs


def _park(profile) -> dict:
    park = profile.park
    return {"id": park.id, "name": park.name, "base_year": park.base_year, "province": park.province}


def _text(t) -> dict:
    return {"zh": t.zh, "en": t.en}


def _state_labels(kb) -> tuple:
    """The decoupling states' names as (name, ((id, zh, en), …)): the same for every park."""
    d = kb.decoupling
    return tuple((name, tuple((s.id, s.name.zh, s.name.en) for s in group))
                 for name, group in (("tapio", d.tapio), ("trend", d.trend), ("synergy", d.synergy)))


def _labels(kb, profile, pollutants: dict) -> dict:
    """Chinese and English names of the ids that appear in the result, for views and reports."""
    states = kb.derived("analysis.state_labels", _state_labels)
    cats = {p.category for p in profile.processes or []}
    carriers = {e.carrier for e in profile.energy or []} | {e.carrier for e in profile.exports or []}
    return {
        "states": {name: {sid: {"zh": zh, "en": en} for sid, zh, en in group} for name, group in states},  # new dicts
        "categories": {c: _text(kb.process_categories[c].name) for c in sorted(cats) if c in kb.process_categories},
        "carriers": {c: _text(kb.carriers[c].name) for c in sorted(carriers) if c in kb.carriers},
        "pollutants": {p: _text(kb.pollutants[p].name) for p in pollutants if p in kb.pollutants},
    }
