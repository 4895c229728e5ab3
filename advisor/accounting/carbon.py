"""Carbon accounting (guideline 6.2, Appendices A and B): activity × factor per gas × GWP → CO2e.

The factor of each energy row and its tier are chosen in advisor.accounting.carbon_factors (Appendix A
priority); every factor used is listed with its tier, source and year.

Scopes: fuels burnt in the park are scope 1; grid electricity and purchased heat are scope 2.
Electricity from on-site renewables or bought as green power carries no scope-2 CO2; electricity
or heat generated on site from fossil fuels carries none either (its fuels are counted in scope 1).
Feedstock carbon is not combustion CO2: it is reported apart, to be balanced. Exports are reported
apart (exports_t_co2e) and never subtracted.

Missing is never zero: without energy rows and without a process that reports CO2 (or CO2e) the park's
total is unknown – total_t_co2e, the scopes, sinks, net and intensity are None, not 0 (process gases
other than CO2 alone would make a fraction of the total look like all of it). Without energy rows scope 2
is None unless a process reports it (the total is then what the processes report, and the gaps say that
energy is missing). Scope 3, which profile format 1 cannot carry, is None when asked for; exports not
stated give exports_t_co2e None.

Processes: gases given in processes[].emissions × GWP are used. A process that reports CO2 (or
CO2e) supersedes the energy rows assigned to it *in its own scope* (the computed value is shown for
comparison, not added); a process without reported CO2 gets CO2 from its energy rows. End-of-pipe
controls add CO2 (knowledge/controls.yaml: limestone FGD, urea SCR/SNCR, RTO/RCO; see
advisor.accounting.control_co2); it is added unless the process reports CO2, which is then assumed to include it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from advisor.accounting._common import INFRASTRUCTURE, UNASSIGNED, KbIndex, Note, Processes, processes_of, r, share
from advisor.accounting.carbon_factors import FactorUse, GridChoice, choose_factor, select_grid_factor
from advisor.accounting.control_co2 import calc_control_co2
from advisor.accounting.data_quality import calc_data_quality
from advisor.accounting.energy import EnergyLine
from advisor.accounting.exports_co2 import calc_exports_co2
from advisor.accounting.feedstock import calc_feedstock_balances
from advisor.accounting.overlaps import remove_control_double_counts
from advisor.kb.units import UnitError, convert

NON_ENERGY = "non_energy"     # by_carrier label of reported process gases that are not tied to an energy row
END_OF_PIPE = "end_of_pipe"   # by_carrier label of CO2 added by end-of-pipe controls
PROCESS_CATEGORY = "industrial_process"   # the category whose CO2 is process CO2 (with feedstock balances)
INTENSITY_MONEY_UNIT = "万元"   # carbon intensity per 10^4 yuan, as Chinese statistics state it (units.csv)


@dataclass(slots=True)
class Contribution:
    """One line of the inventory: a gas from a carrier or a process, in t and t CO2e."""

    scope: str
    carrier: str
    process: str | None
    owner: str
    category: str | None
    gas: str
    t: float
    t_co2e: float
    basis: str                # computed | reported | control
    counted: bool = True
    factor: FactorUse | None = None
    line: int | None = None


def calc_emission(activity: float, factor_per_unit: float, gwp: float = 1.0) -> float:
    """t CO2e = activity × emission factor × GWP."""
    return activity * factor_per_unit * gwp


def _gwp(kb, gas: str, gwp_set: str) -> float | None:
    if gas in ("CO2", "CO2e"):
        return 1.0
    row = kb.gwp.get(gas)
    return getattr(row, gwp_set) if row is not None else None


def _gwp_values(ix: KbIndex, gwp_set: str) -> dict[str, float | None]:
    """gas → its GWP in the set (None when the set has no value), for the gases of knowledge but CO2e (which needs
    none); built once per knowledge base and set."""
    return ix.kb.derived("carbon.gwp_" + gwp_set,
                         lambda kb: {gas: _gwp(kb, gas, gwp_set) for gas in kb.gwp if gas != "CO2e"})


def _owner_kind(owner: str) -> str:
    if owner == INFRASTRUCTURE:
        return "infrastructure"
    if owner == UNASSIGNED:
        return "unassigned"
    return "enterprise"


def _aggregate(items: list[Contribution], key) -> dict:
    out: dict = {}
    for c in items:
        k = key(c)
        out[k] = out.get(k, 0.0) + c.t_co2e
    return out


class _Sums:
    """The Σ t_co2e of the emitted lines by scope, process (all, scope 1, scope 2), carrier, owner, category and
    gas: each sum adds in list order, exactly as _aggregate does, so the floats are the same.
    detail=False: by scope and process only (the tables by carrier, owner, category and gas are for readers)."""

    __slots__ = ("scope", "process", "process_scope1", "process_scope2", "carrier", "owner", "category", "gas")

    def __init__(self, emitted: list[Contribution], detail: bool = True) -> None:
        by_scope: dict = {}
        by_process: dict = {}
        scope1: dict = {}
        scope2: dict = {}
        for c in emitted:
            t = c.t_co2e
            scope = c.scope
            pid = c.process or UNASSIGNED
            by_scope[scope] = by_scope.get(scope, 0.0) + t
            by_process[pid] = by_process.get(pid, 0.0) + t
            if scope == "1":
                scope1[pid] = scope1.get(pid, 0.0) + t
            elif scope == "2":
                scope2[pid] = scope2.get(pid, 0.0) + t
        self.scope, self.process, self.process_scope1, self.process_scope2 = by_scope, by_process, scope1, scope2
        self.carrier: dict = {}
        self.owner: dict = {}
        self.category: dict = {}
        self.gas: dict = {}
        if detail:
            self._tables(emitted)

    def _tables(self, emitted: list[Contribution]) -> None:
        by_carrier: dict = {}
        by_owner: dict = {}
        by_category: dict = {}
        by_gas: dict = {}
        for c in emitted:
            t = c.t_co2e
            by_carrier[c.carrier] = by_carrier.get(c.carrier, 0.0) + t
            by_owner[c.owner] = by_owner.get(c.owner, 0.0) + t
            category = c.category or UNASSIGNED
            by_category[category] = by_category.get(category, 0.0) + t
            by_gas[c.gas] = by_gas.get(c.gas, 0.0) + t
        self.carrier, self.owner, self.category, self.gas = by_carrier, by_owner, by_category, by_gas


def calc_energy_co2(profile, ix: KbIndex, lines: list[EnergyLine], grid: GridChoice,
                    notes: list[Note], procs: Processes | None = None
                    ) -> tuple[list[Contribution], list[tuple], list[dict]]:
    """Per energy row: t CO2 = activity × factor (scope by origin); feedstock rows give a CO2 potential instead.

    Returns (contributions, factor uses (factor, line, t) for factors_used, feedstock rows).
    """
    procs = processes_of(profile, procs)
    processes = procs.by_id
    contributions: list[Contribution] = []
    uses: list[tuple[FactorUse, EnergyLine, float]] = []
    feedstock: list[dict] = []
    missing_factor: set[str] = set()
    unknown_process: set[str] = set()
    for ln in lines:
        if ln.process and ln.process not in processes and procs.given:
            unknown_process.add(ln.process)
        factor = choose_factor(ln, profile, ix, grid, notes)
        if factor is None:
            missing_factor.add(ln.carrier)
            continue
        # a factor per GJ or per t steam is chosen only for a row that has that quantity
        activity = cast(float, ln.gj if factor.basis == "gj" else ln.t_steam if factor.basis == "t_steam"
                        else ln.base_amount)
        t = calc_emission(activity, factor.per_base)
        if ln.kind == "fuel" and ln.use == "feedstock":
            feedstock.append({"carrier": ln.carrier, "process": ln.process or UNASSIGNED, "owner": ln.owner,
                              "amount": ln.amount,
                              "unit": ln.unit, "t_co2_potential": r(t), "factor": factor.factor,
                              "factor_unit": factor.unit, "tier": factor.tier})
            continue
        uses.append((factor, ln, t))
        if t:
            category = processes[ln.process].category if ln.process in processes else None
            contributions.append(Contribution(factor.scope, ln.carrier, ln.process, ln.owner, category, factor.gas,
                                              t, t, "computed", True, factor, ln.index))
    if missing_factor:
        names = ", ".join(sorted(missing_factor))
        carriers = ix.kb.carriers
        names_zh = "、".join(carriers[c].name.zh if c in carriers else c for c in sorted(missing_factor))
        notes.append(Note("no-emission-factor", f"no CO2 factor in knowledge for {names}: not estimated "
                          "(give a measured factor in energy[].factor)",
                          f"知识库无{names_zh}的排放因子，未估算（可在该能源数据中给出实测排放因子）"))
    if unknown_process:
        names = ", ".join(sorted(unknown_process))
        notes.append(Note("energy-unknown-process", f"energy rows name processes not in processes: {names}",
                          f"能源数据引用了未在 processes 中定义的工序：{names}"))
    if not feedstock:
        return contributions, uses, feedstock
    reporting = {p.id for p in procs.rows if "CO2" in p.emissions or "CO2e" in p.emissions}
    for f in feedstock:
        f["process_reports_co2"] = f["process"] in reporting   # its CO2 then comes from a balance already
    return contributions, uses, feedstock


def calc_process_co2(profile, kb, ix: KbIndex, contributions: list[Contribution],
                     notes: list[Note], procs: Processes | None = None) -> tuple[dict[str, dict], list[dict]]:
    """Reported gases × GWP per process, reported CO2 superseding the computed CO2 of the process's own scope, and
    the CO2 added by end-of-pipe controls. Appends to (and marks superseded lines in) `contributions`.

    Returns (per-process info: reported, computed, control CO2 and basis; control records).
    """
    gwp_set = profile.accounting.gwp
    gwps = _gwp_values(ix, gwp_set)
    info_by_process: dict[str, dict] = {}   # processes left out have the defaults (_NO_INFO)
    controls: list[dict] = []
    missing_gwp: set[str] = set()
    computed_of: dict[str | None, list[Contribution]] | None = None   # process → its computed lines, when needed
    rows = processes_of(profile, procs).rows
    for p in rows:
        reported: list[tuple[str, float, float]] = []   # gas, t, t CO2e
        for gas, t in p.emissions.items():
            if gas in gwps:
                g = gwps[gas]
                if g is None:
                    missing_gwp.add(gas)
                else:
                    reported.append((gas, t, t * g))
        co2e_given = p.emissions.get("CO2e")
        reports_co2 = co2e_given is not None or "CO2" in p.emissions
        if not (reports_co2 or reported or p.controls):
            continue   # its CO2 is all computed from its energy rows
        cat = kb.process_categories.get(p.category)
        scope = cat.scope if cat is not None else "1"
        info = {"reported_t_co2e": None, "computed_t_co2": None, "control_t_co2": 0.0, "basis": "computed"}
        if computed_of is None:   # (most processes report nothing and never get here; none are added below)
            computed_of = {}
            for c in contributions:
                if c.basis == "computed":
                    computed_of.setdefault(c.process, []).append(c)
        own = [c for c in computed_of.get(p.id, ()) if c.scope == scope]
        if reports_co2:
            computed = sum(c.t_co2e for c in own)
            for c in own:
                c.counted = False
            info["computed_t_co2"] = computed if own else None
            info["basis"] = "reported"
            items = [("CO2e", co2e_given, co2e_given)] if co2e_given is not None else reported
            by_carrier = _aggregate(own, lambda c: c.carrier)
            for gas, t, t_co2e in items:
                if gas in ("CO2", "CO2e") and computed > 0:
                    # split the reported value over the carriers in proportion to the computed CO2
                    for carrier, part in sorted(by_carrier.items()):
                        fraction = part / computed
                        contributions.append(Contribution(scope, carrier, p.id, p.owner, p.category, gas, t * fraction,
                                                          t_co2e * fraction, "reported"))
                else:
                    contributions.append(Contribution(scope, _reported_carrier(kb, p.category, gas), p.id, p.owner,
                                                      p.category, gas, t, t_co2e, "reported"))
            info["reported_t_co2e"] = sum(t_co2e for _, _, t_co2e in items)
        elif reported:
            for gas, t, t_co2e in reported:
                contributions.append(Contribution(scope, _reported_carrier(kb, p.category, gas), p.id, p.owner,
                                                  p.category, gas, t, t_co2e, "reported"))
            info["basis"] = "mixed" if own else "reported"
            info["reported_t_co2e"] = sum(t_co2e for _, _, t_co2e in reported)
        for control in p.controls or []:
            rec = calc_control_co2(control, p.removed_t, ix)
            rec["process"], rec["owner"], rec["counted"] = p.id, p.owner, False   # (update(**kw) costs more)
            if rec["t_co2_added"] is not None and reports_co2:
                rec["note"] = "assumed included in the process's reported CO2" + (
                    f"; {rec['note']}" if rec["note"] else "")
            elif rec["t_co2_added"] is not None:
                rec["counted"] = True
                info["control_t_co2"] += rec["t_co2_added"]
                contributions.append(Contribution("1", END_OF_PIPE, p.id, p.owner, p.category, "CO2",
                                                  rec["t_co2_added"], rec["t_co2_added"], "control"))
            controls.append(rec)
        info_by_process[p.id] = info
    remove_control_double_counts(rows, kb, contributions, controls, info_by_process, notes)
    if missing_gwp:
        names = ", ".join(sorted(missing_gwp))
        notes.append(Note("gwp-missing", f"no {gwp_set} GWP for {names} in knowledge: left out of CO2e",
                          f"知识库无 {names} 的 {gwp_set} GWP 值，未计入CO2当量"))
    return info_by_process, controls


def _reported_carrier(kb, category: str, gas: str) -> str:
    """The by-carrier label of a gas a process reports without energy rows: CO2 takes it from the process's
    category (a CHP's reported CO2 is fuel combustion, not non-energy); other gases stay non-energy."""
    if gas in ("CO2", "CO2e") and kb.audit is not None:
        return kb.audit.reported_carriers.get(category, NON_ENERGY)
    return NON_ENERGY


def _ranked(agg: dict, name: str, total: float | None, extra=None) -> list[dict]:
    """Rows {name, t_co2e, share}, largest first (ties by name)."""
    out = []
    for k, v in sorted(agg.items(), key=lambda kv: (-kv[1], str(kv[0]))):
        row = {name: k, "t_co2e": r(v), "share": share(v, total)}
        if extra:
            row.update(extra(k))
        out.append(row)
    return out


# the per-process info of a process without any (as calc_process_co2 writes it; read only)
_NO_INFO = {"reported_t_co2e": None, "computed_t_co2": None, "control_t_co2": 0.0, "basis": "computed"}


def calc_by_process(emitted: list[Contribution], profile, info_by_process: dict, lines: list[EnergyLine],
                    total: float | None, sums: _Sums | None = None, procs: Processes | None = None) -> list[dict]:
    """One row per process (and per energy-row process not in processes, and '(unassigned)'), largest first.

    sums, procs: the _Sums of `emitted` and the profile's processes, when the caller has them already."""
    processes = processes_of(profile, procs).by_id
    if sums is None:
        sums = _Sums(emitted)
    proc_total, proc_scope1, proc_scope2 = sums.process, sums.process_scope1, sums.process_scope2
    with_lines: set[str | None] | None = None   # processes named by an energy row, built only when needed
    rows = []
    for pid in list(processes) + sorted(k for k in proc_total if k not in processes):
        p = processes.get(pid)
        info = info_by_process.get(pid, _NO_INFO)
        control: float | None
        t = proc_total.get(pid, 0.0)
        if info is _NO_INFO:   # the usual case: CO2 computed from energy rows only (what _basis and r give for it)
            basis, reported, computed, control = ("computed" if t else "none"), None, None, 0.0
        else:
            basis, reported, computed = _basis(info, t), r(info["reported_t_co2e"]), r(info["computed_t_co2"])
            control = r(info["control_t_co2"] or 0.0)
        known = True
        if basis == "none":   # no CO2 reported, computed or added: unknown (None), unless energy rows gave 0
            if with_lines is None:
                with_lines = {ln.process for ln in lines}
            known = pid in with_lines
        rows.append({
            "process": pid,
            "name": p.name if p else "",
            "category": p.category if p else None,
            "owner": p.owner if p else (UNASSIGNED if pid == UNASSIGNED else _line_owner(lines, pid)),
            "t_co2e": r(t) if known else None,
            "share": round(t / total * 1e6) / 1e6 if known and total else None,   # share(t, total), written out
            "scope_1_t_co2e": r(proc_scope1.get(pid, 0.0)) if known else None,
            "scope_2_t_co2e": r(proc_scope2.get(pid, 0.0)) if known else None,
            "basis": basis,
            "reported_t_co2e": reported,
            "computed_t_co2": computed,
            "control_t_co2": control,
        })
    rows.sort(key=lambda row: (-(row["t_co2e"] or 0.0), row["process"]))
    return rows


def calc_carbon(profile, kb, ix: KbIndex, lines: list[EnergyLine], exports: list[dict] | None, notes: list[Note],
                detail: bool = True, procs: Processes | None = None) -> dict:
    """The carbon inventory: Σ activity × factor × GWP by scope, carrier, process, owner; see the module doc.

    detail=False: total, scopes, by_process and controls only (what the facts and the ranking read).
    procs: the profile's processes, when the caller has read them already."""
    procs = processes_of(profile, procs)
    gwp_set = profile.accounting.gwp
    grid = select_grid_factor(profile, ix)
    notes.extend(grid.notes)
    contributions, uses, feedstock = calc_energy_co2(profile, ix, lines, grid, notes, procs)
    info_by_process, controls = calc_process_co2(profile, kb, ix, contributions, notes, procs)
    balances = calc_feedstock_balances(profile, kb, feedstock, notes) if feedstock else []
    _count_balances(procs, balances, feedstock, contributions, info_by_process)

    counted = [c for c in contributions if c.counted]
    emitted = [c for c in counted if c.scope != "sink"]
    known = total_known(profile, lines)
    total: float | None = sum(c.t_co2e for c in emitted) if known else None
    by_scope: dict[str, float | None] = {"1": 0.0, "2": 0.0}
    if profile.accounting.include_scope3:
        by_scope["3"] = None
        notes.append(Note("scope3-not-estimated", "scope 3 was asked for, but profile format 1 carries no scope-3 "
                          "activity data: scope 3 is not estimated (shown as unknown)",
                          "已要求范围三，但档案格式1不含范围三活动数据：未估算（显示为未知）"))
    sums = _Sums(emitted, detail)
    for k, v in sums.scope.items():
        before = by_scope.get(k, 0.0)
        by_scope[k] = before + v if before is not None else None
    scopes = {k: r(v) if known else None for k, v in by_scope.items()}
    if not lines and "2" not in sums.scope:   # purchased electricity and heat come from energy rows: unknown
        scopes["2"] = None
    by_process = calc_by_process(emitted, profile, info_by_process, lines, total, sums, procs)
    if balances:
        _unknown_where_only_a_range(by_process, balances)
    process_co2 = calc_process_share(by_process, balances, total)
    if not detail:   # (no fact reads the sources' data quality: the lean view leaves it out)
        return {"total_t_co2e": r(total), "by_scope": scopes, "by_process": by_process, "controls": controls,
                "process_co2": process_co2}

    quality = calc_data_quality(profile, kb, lines, contributions, by_process, notes)
    sinks_t = sum(c.t_co2e for c in counted if c.scope == "sink")
    exports_block = calc_exports_co2(exports, lines, contributions, grid, ix, notes,
                                     {q.id: q.name for q in procs.rows if q.name})
    history = _history_coverage(profile, kb, total) if total is not None else None
    coverage_min = kb.analysis.inventory_coverage_min.value
    if history and history.get("coverage") is not None and not (
            coverage_min <= history["coverage"] <= 1 / coverage_min):
        notes.append(Note("carbon-history-mismatch",
                          f"the computed inventory ({total:,.0f} t CO2e) is {history['coverage']:.0%} of the CO2e "
                          f"reported in emissions_history for {profile.park.base_year}: check coverage and boundary",
                          f"核算清单（{total:,.0f} t CO2e）为排放历史数据中 {profile.park.base_year} 年CO2e的 "
                          f"{history['coverage']:.0%}：请核对覆盖范围与边界"))
    return {
        "total_t_co2e": r(total),
        "by_scope": scopes,
        "by_process": by_process,
        "by_carrier": _ranked(sums.carrier, "carrier", total),
        "by_owner": _ranked(sums.owner, "owner", total, lambda k: {"kind": _owner_kind(k)}),
        "by_category": _ranked(sums.category, "category", total),
        "by_gas": {k: r(v) for k, v in sorted(sums.gas.items())},
        "factors_used": _factors_used(uses),
        "gwp": gwp_set,
        "gwp_values": {g: _gwp(kb, g, gwp_set) for g in sorted({c.gas for c in contributions} - {"CO2e"})},
        "grid": {"choice": grid.choice, "series": grid.series, "region": grid.region, "year": grid.year,
                 "value": grid.value, "unit": grid.unit, "source": grid.source, "note": grid.year_note},
        "feedstock": feedstock,
        "feedstock_balance": balances,
        "process_co2": process_co2,
        "data_quality": quality,
        "feedstock_t_co2_potential": r(sum(f["t_co2_potential"] for f in feedstock)) if lines else None,
        "exports_t_co2e": exports_block["t_co2e"],
        "exports": exports_block,
        "sinks_t_co2e": r(sinks_t) if total is not None else None,
        "net_t_co2e": r(total - sinks_t) if total is not None else None,
        "intensity": _intensity(profile, kb, total),
        "history": history,
        "controls": controls,
    }


def _count_balances(procs: Processes, balances: list[dict], feedstock: list[dict], contributions: list[Contribution],
                    info_by_process: dict) -> None:
    """Adds the process CO2 of each balanced feedstock (scope 1, its feedstock carrier) to the inventory."""
    categories = {p.id: p.category for p in procs.rows}
    for b in balances:
        if not b["counted"] or not b["t_co2"]:
            continue
        pid = b["process"]
        carrier = next(f["carrier"] for f in feedstock if f["process"] == pid)
        contributions.append(Contribution("1", carrier, pid, b["owner"], categories.get(pid), "CO2", b["t_co2"],
                                          b["t_co2"], "balance"))
        info = info_by_process.setdefault(pid, dict(_NO_INFO))
        info["basis"] = "balance"


def _unknown_where_only_a_range(by_process: list[dict], balances: list[dict]) -> None:
    """A process whose only CO2 is a feedstock range has an unknown figure (None), not 0."""
    ranges = {b["process"] for b in balances if b["status"] == "range"}
    for row in by_process:
        if row["process"] in ranges and not row["t_co2e"]:
            row.update(t_co2e=None, share=None, scope_1_t_co2e=None, scope_2_t_co2e=None)


def calc_process_share(by_process: list[dict], balances: list[dict], total: float | None) -> dict:
    """Process CO2 (industrial-process category, plus feedstock balances of processes of other categories) and its
    share of the total; where a feedstock is only a range, the share is a range too and `share` is None (unknown)."""
    balanced = {b["process"]: b for b in balances}
    known = 0.0
    for row in by_process:
        if row["category"] == PROCESS_CATEGORY or (row["process"] in balanced and balanced[row["process"]]["counted"]):
            known += row["t_co2e"] or 0.0
    ranges = [b for b in balances if b["status"] == "range"]
    low = sum(b["low_t_co2"] or 0.0 for b in ranges)
    high = sum(b["high_t_co2"] or 0.0 for b in ranges)
    status = "range" if ranges else "estimated" if any(b["counted"] for b in balances) else "known"
    if total is None:
        return {"status": status, "t_co2e": None, "share": None, "low_t_co2e": None, "high_t_co2e": None,
                "share_low": None, "share_high": None}
    return {"status": status, "t_co2e": r(known) if not ranges else None,
            "share": share(known, total) if not ranges else None,
            "low_t_co2e": r(known + low), "high_t_co2e": r(known + high),
            "share_low": share(known + low, total + low), "share_high": share(known + high, total + high)}


def total_known(profile, lines: list[EnergyLine]) -> bool:
    """Whether the park's carbon total can be stated: it has energy rows, or a process reports its CO2 (or CO2e)."""
    return bool(lines) or any("CO2" in p.emissions or "CO2e" in p.emissions for p in profile.processes or [])


def _basis(info: dict, t: float) -> str:
    """reported | computed | mixed | balance (feedstock carbon balance) | control (only CO2 added by controls) |
    none."""
    if info.get("reported_t_co2e") is not None or info.get("basis") == "balance":
        return info["basis"]
    if not t:
        return "none"
    if info.get("control_t_co2") and abs(info["control_t_co2"] - t) < 1e-9 * max(t, 1.0):
        return "control"
    return "computed"


def _line_owner(lines: list[EnergyLine], process: str) -> str:
    owners = sorted({ln.owner for ln in lines if ln.process == process})
    return owners[0] if len(owners) == 1 else UNASSIGNED


def _factors_used(uses: list[tuple[FactorUse, EnergyLine, float]]) -> list[dict]:
    """One row per distinct factor (carrier, origin, value, unit, tier, source), with the activity and CO2 it covers."""
    rows: dict[tuple, dict] = {}
    for f, ln, t in uses:
        key = (f.carrier, f.origin, f.factor, f.unit, f.tier, f.source, f.note)
        row = rows.get(key)
        if row is None:
            row = rows[key] = {"carrier": f.carrier, "origin": f.origin, "scope": f.scope, "gas": f.gas,
                               "factor": f.factor, "unit": f.unit, "tier": f.tier, "source": f.source,
                               "year": f.year, "note": f.note, "activity": 0.0, "activity_unit": ln.base_unit,
                               "t_co2e": 0.0}
        row["activity"] += ln.base_amount
        row["t_co2e"] += t
    out = list(rows.values())
    for row in out:
        row["activity"] = r(row["activity"])
        row["t_co2e"] = r(row["t_co2e"])
    return out


def _intensity(profile, kb, total: float | None) -> dict | None:
    """t CO2e per 万元 of the base year's economy; None when the total or the economy is unknown (the economy's
    unit is checked either way)."""
    eco = profile.economy
    if eco is None or profile.park.base_year not in eco.values:
        return None
    try:
        yuan = convert(eco.values[profile.park.base_year], eco.unit, kb, "money")
    except UnitError as exc:
        raise UnitError(f"economy.unit: {exc}") from None
    if not yuan or total is None:
        return None
    per = convert(1.0, INTENSITY_MONEY_UNIT, kb, "money")   # yuan in one money unit of the intensity
    return {"value": r(total / (yuan / per), 6), "unit": f"t CO2e/{INTENSITY_MONEY_UNIT}",
            "year": profile.park.base_year, "indicator": eco.indicator, "constant_prices": eco.constant_prices}


def _history_coverage(profile, kb, total: float) -> dict | None:
    hist = profile.emissions_history
    if hist is None:
        return None
    series = hist.series.get("CO2e") or hist.series.get("CO2")
    name = "CO2e" if "CO2e" in hist.series else "CO2"
    if not series or profile.park.base_year not in series:
        return None
    try:
        reported = convert(series[profile.park.base_year], hist.unit, kb, "mass")
    except UnitError as exc:
        raise UnitError(f"emissions_history.unit: {exc}") from None
    return {"substance": name, "year": profile.park.base_year, "reported_t": r(reported),
            "coverage": share(total, reported) if total else None}
