"""Pollutant inventory (guideline 6.1): totals and shares by pollutant and process from processes[].emissions.

When emissions_history reports the same pollutant for the base year, the process inventory is
compared with it (coverage = inventory / reported); coverage below the knowledge threshold
(analysis.yaml inventory_coverage_min) is flagged, since the processes then miss part of the park's emissions.
"""

from __future__ import annotations

from advisor.accounting._common import Note, Processes, calc_share, processes_of, r, rs
from advisor.kb.units import UnitError, convert


def calc_pollutant_totals(processes, pollutant_ids) -> tuple[dict[str, list[tuple[str, str, str, float]]], list[str]]:
    """(pollutant → [(process, owner, category, t)], the other substances named): t as given (t/yr); Σ over
    processes gives the park total."""
    out: dict[str, list[tuple[str, str, str, float]]] = {}
    others: list[str] = []
    for p in processes or []:
        for name, t in p.emissions.items():
            if name in pollutant_ids:
                out.setdefault(name, []).append((p.id, p.owner, p.category, t))
            else:
                others.append(name)
    return out, others


def calc_coverage(inventory_t: float, reported_t: float) -> float | None:
    """coverage = process inventory / reported park total; None when nothing is reported."""
    return calc_share(inventory_t, reported_t)


def calc_pollutants(profile, kb, notes: list[Note] | None, procs: Processes | None = None) -> dict:
    """{pollutant: {total_t, by_process [{process, owner, category, t, share}], history_t, coverage}}, in the
    order of knowledge/pollutants.yaml. notes=None: without the warnings (the lean analysis shows none).
    procs: the profile's processes, when the caller has read them already."""
    totals, others = calc_pollutant_totals(processes_of(profile, procs).rows, kb.pollutants)
    hist = profile.emissions_history
    base = profile.park.base_year
    to_t = 1.0
    if hist is not None:
        try:
            to_t = convert(1.0, hist.unit, kb, "mass")
        except UnitError as exc:
            raise UnitError(f"emissions_history.unit: {exc}") from None
    coverage_min = kb.analysis.inventory_coverage_min.value
    position = _positions(kb)
    names = sorted(totals, key=position.__getitem__)
    series = hist.series if hist is not None else {}
    if hist is not None and totals:   # reported for the base year, but by no process of a pollutant inventory
        names += sorted((p for p, values in series.items() if p in position and p not in totals and base in values),
                        key=position.__getitem__)
    out: dict[str, dict] = {}
    low: list[tuple[str, float]] = []   # (pollutant, coverage) under the minimum
    for name in names:
        rows = totals.get(name, [])
        total = sum(row[3] for row in rows)
        if len(rows) > 1:   # (most pollutants come from one process)
            rows = sorted(rows, key=_largest_first)
        # share(t, total) written out: the batch builds millions of these rows
        by_process = [{"process": pid, "owner": owner, "category": cat, "t": t,
                       "share": round(t / total * 1e6) / 1e6 if total else None}
                      for pid, owner, cat, t in rows]
        block = {"total_t": r(total), "by_process": by_process}
        reported_series = series.get(name)
        if reported_series is not None and base in reported_series:
            reported = reported_series[base] * to_t
            cov = calc_coverage(total, reported)
            block["history_t"] = r(reported)
            block["coverage"] = rs(cov)
            if cov is not None and cov < coverage_min:
                low.append((name, cov))
        out[name] = block
    if notes is None:
        return out
    if low:
        low_text = [f"{name} {cov:.0%}" for name, cov in low]
        notes.append(Note("pollutant-coverage-low",
                          f"the process inventory covers less than {coverage_min:.0%} of the park total reported "
                          f"for {base}: {', '.join(low_text)} – add the missing processes",
                          f"工序清单覆盖不足 {base} 年园区报告总量的 {coverage_min:.0%}："
                          f"{', '.join(low_text)}，请补充遗漏工序"))
    unknown = sorted({name for name in others if name not in kb.gwp and name != "CO2e"})
    if unknown:
        notes.append(Note("unknown-substance", f"substances not in knowledge were left out: {', '.join(unknown)}",
                          f"知识库中没有的物质未纳入：{', '.join(unknown)}"))
    return out


def _largest_first(row: tuple[str, str, str, float]) -> tuple[float, str]:
    return -row[3], row[0]


def _positions(kb) -> dict[str, int]:
    """pollutant → its place in knowledge/pollutants.yaml (the order of the output), built once per knowledge base."""
    return kb.derived("pollutants.positions", lambda kb: {name: i for i, name in enumerate(kb.pollutants)})
