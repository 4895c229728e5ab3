"""Carbon accounting (guideline 6.2, Appendices A and B): activity × factor per gas × GWP → CO2e.

Factor priority (Appendix A): a factor given in the profile (`measured`) beats an official Chinese
value (`official_cn`: grid factors, purchased heat), which beats the provincial inventory default
(`provincial_default`: cn_default fuel rows), which beats IPCC 2006 (`ipcc_default`) – IPCC is used
when accounting.fuel_factors is ipcc2006, or when a fuel has no Chinese row. Every factor used is
listed with its tier, source and year.

Scopes: fuels burnt in the park are scope 1; grid electricity and purchased heat are scope 2.
Electricity from on-site renewables or bought as green power carries no scope-2 CO2; electricity
or heat generated on site from fossil fuels carries none either (its fuels are counted in scope 1).
Feedstock carbon is not combustion CO2: it is reported apart, to be balanced. Exports are reported
apart (exports_t_co2e) and never subtracted.

Processes: gases given in processes[].emissions × GWP are used. A process that reports CO2 (or
CO2e) supersedes the energy rows assigned to it *in its own scope* (the computed value is shown for
comparison, not added); a process without reported CO2 gets CO2 from its energy rows. End-of-pipe
controls add CO2 (limestone FGD, urea SCR/SNCR, RTO/RCO); it is added unless the process reports CO2,
which is then assumed to include it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from advisor.accounting._common import (INFRASTRUCTURE, UNASSIGNED, KbIndex, Note, calc_share, r,
                                        rs)
from advisor.accounting.energy import EnergyLine
from advisor.kb.units import MEMO_LIMIT, UnitError, convert

C_TO_CO2 = 44 / 12
NON_ENERGY = "non_energy"     # by_carrier label of reported process gases that are not tied to an energy row
END_OF_PIPE = "end_of_pipe"   # by_carrier label of CO2 added by end-of-pipe controls

FACTOR_SET_TIER = {"cn_default": "provincial_default", "ipcc2006": "ipcc_default"}
# the factor sets tried for a fuel: the preferred one first, then the others in FACTOR_SET_TIER order
_FACTOR_ORDER = {pref: (pref,) + tuple(s for s in FACTOR_SET_TIER if s != pref) for pref in FACTOR_SET_TIER}
GRID_SERIES = {
    "mee_nbs_national": ("mee_nbs_average", "national"),
    "mee_nbs_regional": ("mee_nbs_average", None),
    "mee_nbs_residual": ("mee_nbs_residual", "national"),
    "mee_nbs_fossil": ("mee_nbs_fossil", "national"),
    "carbon_market": ("carbon_market", "national"),
}
# control → (pollutant removed, knowledge items multiplied: t CO2 = removed_t × Π factors)
CONTROL_FACTORS = {
    "limestone_fgd": ("SO2", ("limestone_fgd_co2",)),
    "scr_urea": ("NOx", ("urea_per_nox_removed", "urea_co2")),
    "sncr_urea": ("NOx", ("urea_per_nox_removed", "urea_co2")),
    "rto": ("VOCs", ()),
    "rco": ("VOCs", ()),
}
VOC_CONTROLS = {"rto", "rco"}
ZERO_ORIGINS = ("onsite_fossil", "onsite_renewable", "green_purchase")   # electricity or heat that carries no CO2


@dataclass(slots=True)
class FactorUse:
    """One emission factor applied: value in its own unit, and t CO2 per base unit of activity (or per GJ)."""

    carrier: str
    origin: str | None
    scope: str
    factor: float
    unit: str
    per_base: float
    tier: str
    source: str
    year: int | None = None
    gas: str = "CO2"
    basis: str = "amount"     # what the factor multiplies: amount (base unit) | gj (energy content) | t_steam
    note: str = ""


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


@dataclass(slots=True)
class GridChoice:
    series: str
    region: str
    year: int
    value: float
    unit: str
    source: str
    choice: str
    year_note: str = ""
    notes: list[Note] = field(default_factory=list)
    # the fixed factors of rows under this choice (see _fixed_factor): filled on first use, like a memo
    factors: dict[tuple, FactorUse] = field(default_factory=dict, compare=False, repr=False)


def calc_emission(activity: float, factor_per_unit: float, gwp: float = 1.0) -> float:
    """t CO2e = activity × emission factor × GWP."""
    return activity * factor_per_unit * gwp


def calc_fuel_co2_per_gj(carbon_content_tc_per_tj: float, oxidation: float) -> float:
    """t CO2/GJ = carbon content (tC/TJ) × oxidation × 44/12 / 1000."""
    return carbon_content_tc_per_tj * oxidation * C_TO_CO2 / 1000


def calc_pick_year(years: list[int], target: int) -> tuple[int, str]:
    """The target year if present, else the latest before it ('earlier'), else the earliest after ('later')."""
    if target in years:
        return target, "exact"
    before = [y for y in years if y < target]
    if before:
        return max(before), "earlier"
    return min(years), "later"


def select_grid_factor(profile, ix: KbIndex) -> GridChoice:
    """The grid factor chosen by accounting.grid_factor for accounting.grid_year or the base year.

    The choice depends on these settings and the park's province only, so it is remembered per knowledge base
    (most parks share one); the GridChoice returned is shared and must not be changed."""
    acc = profile.accounting
    key = (acc.grid_factor, acc.grid_region, profile.park.province, acc.grid_year or profile.park.base_year)
    choice = ix.grid_choices.get(key)
    if choice is None:
        choice = _select_grid_factor(profile, ix)
        if len(ix.grid_choices) < MEMO_LIMIT:
            ix.grid_choices[key] = choice
    return choice


def _select_grid_factor(profile, ix: KbIndex) -> GridChoice:
    acc = profile.accounting
    series, region = GRID_SERIES[acc.grid_factor]
    notes: list[Note] = []
    if region is None:
        region = acc.grid_region
        if region is None:
            prov = ix.province(profile.park.province)
            if prov is not None:
                region = prov.grid_region
            else:
                region = "national"
                notes.append(Note("grid-region-unknown",
                                  f"grid_factor mee_nbs_regional needs accounting.grid_region or a known park.province "
                                  f"(got {profile.park.province!r}); the national average is used",
                                  f"区域电网因子需要 accounting.grid_region 或可识别的省份（{profile.park.province!r}），"
                                  "已改用全国平均因子"))
    rows = ix.grid.get((series, region))
    if not rows:
        notes.append(Note("grid-series-missing",
                          f"no grid factor for series {series}, region {region} in knowledge; national average used",
                          f"知识库无 {series}/{region} 电网因子，已改用全国平均因子"))
        series, region = "mee_nbs_average", "national"
        rows = ix.grid[(series, region)]
    target = acc.grid_year or profile.park.base_year
    year, how = calc_pick_year([g.year for g in rows], target)
    row = next(g for g in rows if g.year == year)
    year_note = ""
    if how == "earlier":
        year_note = f"no {target} value; the latest earlier year ({year}) is used"
    elif how == "later":
        year_note = f"no value for {target} or earlier; the earliest later year ({year}) is used"
        notes.append(Note("grid-year-later",
                          f"grid factor: {year_note} ({series}, {region})",
                          f"电网因子：无 {target} 年及更早数值，采用最早的 {year} 年数值（{series}，{region}）"))
    return GridChoice(series, region, year, row.value, row.unit, row.source, acc.grid_factor, year_note, notes)


def _gwp(kb, gas: str, gwp_set: str) -> float | None:
    if gas in ("CO2", "CO2e"):
        return 1.0
    row = kb.gwp.get(gas)
    return getattr(row, gwp_set) if row is not None else None


def _gwp_values(ix: KbIndex, gwp_set: str) -> dict[str, float | None]:
    """gas → its GWP in the set (None when the set has no value), for the gases of knowledge but CO2e (which needs
    none); built once per knowledge base and set."""
    memo = ix.memo
    key = "gwp_" + gwp_set
    values = memo.get(key)
    if values is None:
        values = memo[key] = {gas: _gwp(ix.kb, gas, gwp_set) for gas in ix.kb.gwp if gas != "CO2e"}
    return values


def _measured(line: EnergyLine, scope: str, ix: KbIndex) -> FactorUse:
    """A factor given in the profile; its unit must be per the row's quantity (or per GJ for a fuel)."""
    f = line.row.factor
    rate = ix.rate(f.unit)
    if rate.gas is None:
        raise UnitError(f"energy[{line.index}].factor.unit '{f.unit}' must name the gas, e.g. 't CO2/t'")
    if rate.base == line.base_unit:
        basis = "amount"
    elif rate.dimension == "energy" and line.gj is not None:
        basis = "gj"
    elif rate.dimension == "steam" and line.t_steam is not None:
        basis = "t_steam"
    else:
        raise UnitError(f"energy[{line.index}].factor.unit '{f.unit}' is per {rate.base}, "
                        f"but the row's amount is in {line.unit}")
    return FactorUse(line.carrier, line.origin_used, scope, f.value, f.unit, f.value * rate.per_base, "measured",
                     f.source, f.year, rate.gas, basis)


def _fuel_factor(line: EnergyLine, profile, ix: KbIndex, notes: list[Note]) -> FactorUse | None:
    """The knowledge factor of a fossil fuel row. A factor of the preferred set depends only on the key below and
    adds no note, so it is remembered per knowledge base (shared FactorUse: read only)."""
    preferred = profile.accounting.fuel_factors
    key = (line.fuel, line.carrier, preferred, line.base_unit, line.gj is not None)
    hit = ix.fuel_factors.get(key)
    if hit is not None:
        return hit
    factor, rank = _find_fuel_factor(line, preferred, ix, notes)
    if factor is not None and rank == 0 and len(ix.fuel_factors) < MEMO_LIMIT:
        ix.fuel_factors[key] = factor
    return factor


def _find_fuel_factor(line: EnergyLine, preferred: str, ix: KbIndex, notes: list[Note]) -> tuple[FactorUse | None, int]:
    order = _FACTOR_ORDER.get(preferred) or [preferred] + [s for s in FACTOR_SET_TIER if s != preferred]
    for rank, factor_set in enumerate(order):
        row = ix.fuel.get((line.fuel, factor_set))
        if row is None:
            continue
        rate = ix.rate(row.co2_unit)
        note = ""
        if rank > 0:
            note = f"no {preferred} factor for {line.carrier} in knowledge; {factor_set} used"
            notes.append(Note("fuel-factor-fallback", f"energy[{line.index}] {note}",
                              f"energy[{line.index}] 知识库无 {line.carrier} 的 {preferred} 因子，已用 {factor_set}"))
        if rate.base == line.base_unit:
            return FactorUse(line.carrier, None, "1", row.co2_factor, row.co2_unit, row.co2_factor * rate.per_base,
                             FACTOR_SET_TIER[factor_set], row.source, None, "CO2", "amount", note), rank
        if line.gj is not None:   # a factor per mass applied to a volume (or vice versa): go through energy
            per_gj = calc_fuel_co2_per_gj(row.carbon_content_tC_per_TJ, row.oxidation)
            note = (note + "; " if note else "") + (f"{factor_set} carbon content × oxidation applied to the energy "
                                                    "content (GJ from the Chinese NCV)")
            return FactorUse(line.carrier, None, "1", round(per_gj, 6), "t CO2/GJ", per_gj,
                             FACTOR_SET_TIER[factor_set], row.source, None, "CO2", "gj", note), rank
    return None, 0


def choose_factor(line: EnergyLine, profile, ix: KbIndex, grid: GridChoice, notes: list[Note]) -> FactorUse | None:
    """The factor of one energy row by Appendix A priority; None when no factor exists (never a guess)."""
    if line.kind == "fuel":
        if line.row.factor is not None:
            return _measured(line, "1", ix)
        if line.fossil:
            return _fuel_factor(line, profile, ix, notes)
    elif line.row.factor is not None and line.origin_used not in ZERO_ORIGINS:
        return _measured(line, "2", ix)
    # the other factors follow from the row's kind, carrier, origin and unit and the grid choice alone: each is built
    # once per grid choice (which is itself shared by the parks with the same settings) and shared (read only)
    key = (line.kind, line.carrier, line.origin_used, line.origin is None, line.base_unit)
    factor = grid.factors.get(key)
    if factor is None:
        factor = grid.factors[key] = _fixed_factor(line, ix, grid)
    return factor


def _fixed_factor(line: EnergyLine, ix: KbIndex, grid: GridChoice) -> FactorUse:
    """The factor of a biogenic fuel row, or of an electricity or heat row without a measured factor."""
    if line.kind == "fuel":
        return FactorUse(line.carrier, None, "1", 0.0, "t CO2/t", 0.0, "biogenic",
                         "biogenic CO2 is reported apart, not counted (IPCC 2006)", None, "CO2", "amount",
                         "biogenic carbon: CO2 not counted; CH4 and N2O not estimated")
    origin = line.origin_used
    if origin == "onsite_fossil":
        return FactorUse(line.carrier, origin, "1", 0.0, f"t CO2/{line.base_unit}", 0.0, "not_applicable",
                         "generated on site from fossil fuels counted in scope 1", None, "CO2", "amount",
                         "not counted again: its fuels are in scope 1")
    if origin in ("onsite_renewable", "green_purchase"):
        why = ("renewable electricity generated on site" if origin == "onsite_renewable"
               else "green certificates or direct green power bought")
        return FactorUse(line.carrier, origin, "2" if origin == "green_purchase" else "1", 0.0,
                         f"t CO2/{line.base_unit}", 0.0, "renewable_zero",
                         f"origin {origin}: {why} carries no scope-2 CO2", None, "CO2", "amount",
                         "zero by origin (market-based treatment of green power)")
    if line.kind == "electricity":
        note = f"series {grid.series}, region {grid.region}, year {grid.year}"
        if line.origin is None:
            note += "; origin not given: grid assumed"
        if grid.year_note:
            note += f"; {grid.year_note}"
        return FactorUse(line.carrier, origin, "2", grid.value, grid.unit, grid.value, "official_cn", grid.source,
                         grid.year, "CO2", "amount", note)
    heat = ix.other("purchased_heat_co2")
    note = "origin not given: purchased assumed" if line.origin is None else ""
    return FactorUse(line.carrier, origin, "2", heat.value, heat.unit, heat.value, "official_cn", heat.source,
                     None, "CO2", "amount", note)


def calc_control_co2(control: str, removed_t: dict | None, ix: KbIndex, kb) -> dict:
    """t CO2 added = pollutant removed × stoichiometric factors (FGD: × 0.6875; urea SCR/SNCR: × urea per NOx ×
    0.7333; RTO/RCO: × VOC carbon fraction × 44/12). t_co2_added is None, with a note, when not estimable."""
    rule = CONTROL_FACTORS.get(control)
    if rule is None:
        return {"control": control, "pollutant": None, "removed_t": None, "t_co2_added": None, "factor": None,
                "adds_co2": False,
                "note": f"no reagent or combustion CO2 factor for '{control}' in knowledge: not treated as adding CO2 "
                        "(its electricity and fuel are counted through the energy rows)"}
    pollutant = rule[0]
    removed = (removed_t or {}).get(pollutant)
    out = {"control": control, "pollutant": pollutant, "removed_t": removed, "t_co2_added": None, "factor": None,
           "adds_co2": True, "note": ""}
    per_t, factor_text, note, missing = _control_factor(control, ix, kb)
    if missing:
        out["note"] = missing
        return out
    out["factor"] = factor_text
    if removed is None:
        out["note"] = f"give removed_t.{pollutant} to estimate the CO2 added" + (f"; {note}" if note else "")
        return out
    out["t_co2_added"] = removed * per_t
    out["note"] = note
    return out


def _control_factor(control: str, ix: KbIndex, kb) -> tuple[float, str, str, str]:
    """(t CO2 per t removed, factor text, note, missing-item note) of a control in CONTROL_FACTORS; knowledge
    values only, so built once per knowledge base."""
    hit = ix.controls.get(control)
    if hit is None:
        hit = ix.controls[control] = _control_factor_of(control, ix, kb)
    return hit


def _control_factor_of(control: str, ix: KbIndex, kb) -> tuple[float, str, str, str]:
    items = CONTROL_FACTORS[control][1]
    if control in VOC_CONTROLS:
        frac = kb.analysis.voc_carbon_fraction
        per_t = frac.value * C_TO_CO2
        factor_text = f"{frac.value} t C/t VOCs × 44/12 = {per_t:.4f} t CO2/t VOCs"
        support = kb.analysis.rto_support_gas_nm3_per_t_voc
        note = ("support gas not included: give the oxidiser's natural gas as an energy row of this process"
                if not support.value else "")
        if support.value:
            gas = ix.fuel.get(("natural_gas", "cn_default"))
            gas_per_nm3 = gas.co2_factor * ix.rate(gas.co2_unit).per_base
            per_t += support.value * gas_per_nm3
            factor_text += f" + {support.value} Nm3 support gas/t × {gas_per_nm3:.6f} t CO2/Nm3"
    else:
        per_t = 1.0
        parts = []
        for item in items:
            row = ix.other(item)
            if row is None:
                return per_t, "", "", f"knowledge item '{item}' is missing (factors/heat_and_other.csv)"
            per_t *= row.value
            parts.append(f"{row.value} {row.unit}")
        factor_text = " × ".join(parts)
        note = ""
        if control == "sncr_urea":
            note = "stoichiometric urea (NSR 1): SNCR usually doses 1.5–2.5 times more, so this is a lower bound"
    return per_t, factor_text, note, ""


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
        self.carrier = self.owner = self.category = self.gas = None
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
                    notes: list[Note]) -> tuple[list[Contribution], list[tuple], list[dict]]:
    """Per energy row: t CO2 = activity × factor (scope by origin); feedstock rows give a CO2 potential instead.

    Returns (contributions, factor uses (factor, line, t) for factors_used, feedstock rows).
    """
    processes = {p.id: p for p in profile.processes or []}
    contributions: list[Contribution] = []
    uses: list[tuple[FactorUse, EnergyLine, float]] = []
    feedstock: list[dict] = []
    missing_factor: set[str] = set()
    unknown_process: set[str] = set()
    for ln in lines:
        if ln.process and ln.process not in processes and profile.processes is not None:
            unknown_process.add(ln.process)
        factor = choose_factor(ln, profile, ix, grid, notes)
        if factor is None:
            missing_factor.add(ln.carrier)
            continue
        activity = ln.gj if factor.basis == "gj" else ln.t_steam if factor.basis == "t_steam" else ln.base_amount
        t = calc_emission(activity, factor.per_base)
        if ln.kind == "fuel" and ln.use == "feedstock":
            feedstock.append({"carrier": ln.carrier, "process": ln.process or UNASSIGNED, "amount": ln.amount,
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
        notes.append(Note("no-emission-factor", f"no CO2 factor in knowledge for {names}: not estimated "
                          "(give a measured factor in energy[].factor)",
                          f"知识库无 {names} 的排放因子，未估算（可在 energy[].factor 给出实测因子）"))
    if unknown_process:
        names = ", ".join(sorted(unknown_process))
        notes.append(Note("energy-unknown-process", f"energy rows name processes not in processes: {names}",
                          f"能源数据引用了未在 processes 中定义的工序：{names}"))
    if not feedstock:
        return contributions, uses, feedstock
    reporting = {p.id for p in profile.processes or [] if "CO2" in p.emissions or "CO2e" in p.emissions}
    for f in feedstock:
        f["process_reports_co2"] = f["process"] in reporting   # its CO2 then comes from a balance already
    if any(not f["process_reports_co2"] for f in feedstock):
        notes.append(Note("feedstock-carbon",
                          "feedstock carbon is not combustion CO2: a carbon balance (products, by-products, process "
                          "CO2) is needed; its CO2 potential is reported apart under carbon.feedstock",
                          "原料用能的碳不是燃烧排放，需做碳平衡（产品、副产品、过程排放）；其CO2潜力单列于 carbon.feedstock"))
    return contributions, uses, feedstock


def calc_process_co2(profile, kb, ix: KbIndex, contributions: list[Contribution],
                     notes: list[Note]) -> tuple[dict[str, dict], list[dict]]:
    """Reported gases × GWP per process, reported CO2 superseding the computed CO2 of the process's own scope, and
    the CO2 added by end-of-pipe controls. Appends to (and marks superseded lines in) `contributions`.

    Returns (per-process info: reported, computed, control CO2 and basis; control records).
    """
    gwp_set = profile.accounting.gwp
    gwps = _gwp_values(ix, gwp_set)
    info_by_process: dict[str, dict] = {}   # processes left out have the defaults (_NO_INFO)
    controls: list[dict] = []
    missing_gwp: set[str] = set()
    computed_of: dict[str | None, list[Contribution]] = {}   # process → its computed lines (none are added below)
    for c in contributions:
        if c.basis == "computed":
            computed_of.setdefault(c.process, []).append(c)
    for p in profile.processes or []:
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
                        share = part / computed
                        contributions.append(Contribution(scope, carrier, p.id, p.owner, p.category, gas, t * share,
                                                          t_co2e * share, "reported"))
                else:
                    contributions.append(Contribution(scope, NON_ENERGY, p.id, p.owner, p.category, gas, t, t_co2e,
                                                      "reported"))
            info["reported_t_co2e"] = sum(t_co2e for _, _, t_co2e in items)
        elif reported:
            for gas, t, t_co2e in reported:
                contributions.append(Contribution(scope, NON_ENERGY, p.id, p.owner, p.category, gas, t, t_co2e,
                                                  "reported"))
            info["basis"] = "mixed" if own else "reported"
            info["reported_t_co2e"] = sum(t_co2e for _, _, t_co2e in reported)
        for control in p.controls or []:
            rec = calc_control_co2(control, p.removed_t, ix, kb)
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
    if missing_gwp:
        names = ", ".join(sorted(missing_gwp))
        notes.append(Note("gwp-missing", f"no {gwp_set} GWP for {names} in knowledge: left out of CO2e",
                          f"知识库无 {names} 的 {gwp_set} GWP 值，未计入CO2当量"))
    return info_by_process, controls


def _ranked(agg: dict, name: str, total: float, extra=None) -> list[dict]:
    """Rows {name, t_co2e, share}, largest first (ties by name)."""
    out = []
    for k, v in sorted(agg.items(), key=lambda kv: (-kv[1], str(kv[0]))):
        # r(v) and rs(calc_share(v, total)) inline (see r)
        row = {name: k, "t_co2e": round(v * 1e4) / 1e4, "share": round(v / total * 1e6) / 1e6 if total else None}
        if extra:
            row.update(extra(k))
        out.append(row)
    return out


# the per-process info of a process without any (as calc_process_co2 writes it; read only)
_NO_INFO = {"reported_t_co2e": None, "computed_t_co2": None, "control_t_co2": 0.0, "basis": "computed"}


def calc_by_process(emitted: list[Contribution], profile, info_by_process: dict, lines: list[EnergyLine],
                    total: float, sums: _Sums | None = None) -> list[dict]:
    """One row per process (and per energy-row process not in processes, and '(unassigned)'), largest first.

    sums: the _Sums of `emitted` when the caller has them already."""
    processes = {p.id: p for p in profile.processes or []}
    if sums is None:
        sums = _Sums(emitted)
    proc_total, proc_scope1, proc_scope2 = sums.process, sums.process_scope1, sums.process_scope2
    rows = []
    for pid in list(processes) + sorted(k for k in proc_total if k not in processes):
        p = processes.get(pid)
        info = info_by_process.get(pid, _NO_INFO)
        t = proc_total.get(pid, 0.0)
        if info is _NO_INFO:   # the usual case: CO2 computed from energy rows only (what _basis and r give for it)
            basis, reported, computed, control = ("computed" if t else "none"), None, None, 0.0
        else:
            basis, reported, computed = _basis(info, t), r(info["reported_t_co2e"]), r(info["computed_t_co2"])
            control = r(info["control_t_co2"] or 0.0)
        rows.append({   # r and rs(calc_share) inline for the values that cannot be None (see r)
            "process": pid,
            "name": p.name if p else "",
            "category": p.category if p else None,
            "owner": p.owner if p else (UNASSIGNED if pid == UNASSIGNED else _line_owner(lines, pid)),
            "t_co2e": round(t * 1e4) / 1e4,
            "share": round(t / total * 1e6) / 1e6 if total else None,
            "scope_1_t_co2e": round(proc_scope1.get(pid, 0.0) * 1e4) / 1e4,
            "scope_2_t_co2e": round(proc_scope2.get(pid, 0.0) * 1e4) / 1e4,
            "basis": basis,
            "reported_t_co2e": reported,
            "computed_t_co2": computed,
            "control_t_co2": control,
        })
    rows.sort(key=lambda row: (-row["t_co2e"], row["process"]))
    return rows


def calc_carbon(profile, kb, ix: KbIndex, lines: list[EnergyLine], exports: list[dict], notes: list[Note],
                detail: bool = True) -> dict:
    """The carbon inventory: Σ activity × factor × GWP by scope, carrier, process, owner; see the module doc.

    detail=False: total, scopes, by_process and controls only (what the facts and the ranking read)."""
    gwp_set = profile.accounting.gwp
    grid = select_grid_factor(profile, ix)
    notes.extend(grid.notes)
    contributions, uses, feedstock = calc_energy_co2(profile, ix, lines, grid, notes)
    info_by_process, controls = calc_process_co2(profile, kb, ix, contributions, notes)

    counted = [c for c in contributions if c.counted]
    emitted = [c for c in counted if c.scope != "sink"]
    total = sum(c.t_co2e for c in emitted)
    by_scope = {"1": 0.0, "2": 0.0}
    if profile.accounting.include_scope3:
        by_scope["3"] = 0.0
        notes.append(Note("scope3-not-estimated", "scope 3 was asked for, but profile format 1 carries no scope-3 "
                          "activity data: scope 3 is not estimated (0 shown)",
                          "已要求范围三，但档案格式1不含范围三活动数据：未估算（显示为0）"))
    sums = _Sums(emitted, detail)
    for k, v in sums.scope.items():
        by_scope[k] = by_scope.get(k, 0.0) + v
    if not detail:
        return {"total_t_co2e": r(total), "by_scope": {k: r(v) for k, v in by_scope.items()},
                "by_process": calc_by_process(emitted, profile, info_by_process, lines, total, sums),
                "controls": controls}

    sinks_t = sum(c.t_co2e for c in counted if c.scope == "sink")
    exports_block = calc_exports_co2(exports, lines, contributions, grid, ix)
    history = _history_coverage(profile, kb, total)
    coverage_min = kb.analysis.inventory_coverage_min.value
    if history and history.get("coverage") is not None and not (
            coverage_min <= history["coverage"] <= 1 / coverage_min):
        notes.append(Note("carbon-history-mismatch",
                          f"the computed inventory ({total:,.0f} t CO2e) is {history['coverage']:.0%} of the CO2e "
                          f"reported in emissions_history for {profile.park.base_year}: check coverage and boundary",
                          f"核算清单（{total:,.0f} t CO2e）为 emissions_history {profile.park.base_year} 年CO2e的 "
                          f"{history['coverage']:.0%}：请核对覆盖范围与边界"))
    return {
        "total_t_co2e": r(total),
        "by_scope": {k: r(v) for k, v in by_scope.items()},
        "by_process": calc_by_process(emitted, profile, info_by_process, lines, total, sums),
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
        "feedstock_t_co2_potential": r(sum(f["t_co2_potential"] for f in feedstock)),
        "exports_t_co2e": exports_block["t_co2e"],
        "exports": exports_block,
        "sinks_t_co2e": r(sinks_t),
        "net_t_co2e": r(total - sinks_t),
        "intensity": _intensity(profile, kb, total),
        "history": history,
        "controls": controls,
    }


def _basis(info: dict, t: float) -> str:
    """reported | computed | mixed | control (only CO2 added by controls) | none."""
    if info.get("reported_t_co2e") is not None:
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
    for row in out:   # r inline (see r)
        row["activity"] = round(row["activity"] * 1e4) / 1e4
        row["t_co2e"] = round(row["t_co2e"] * 1e4) / 1e4
    return out


def calc_exports_co2(exports: list[dict], lines: list[EnergyLine], contributions: list[Contribution],
                     grid: GridChoice, ix: KbIndex) -> dict:
    """t CO2 attributable to exports = exported amount × factor; shown apart, never subtracted.

    Electricity: the average factor of on-site fossil generation when derivable (scope-1 CO2e of the processes
    that generate the park's onsite_fossil electricity ÷ (that electricity + exported electricity); all their fuel
    is charged to power, so it is an upper bound for CHP), else the grid factor. Heat: the purchased-heat factor.
    """
    if not exports:
        return {"t_co2e": 0.0, "rows": [], "method": "no exports"}
    generators = {ln.process for ln in lines if ln.kind == "electricity" and ln.origin_used == "onsite_fossil"
                  and ln.process}
    onsite_mwh = sum(ln.base_amount for ln in lines if ln.kind == "electricity" and ln.origin_used == "onsite_fossil"
                     and ln.process in generators)
    export_mwh = sum(e["base_amount"] for e in exports if e["kind"] == "electricity")
    gen_co2 = sum(c.t_co2e for c in contributions if c.counted and c.scope == "1" and c.process in generators)
    if generators and gen_co2 > 0 and onsite_mwh + export_mwh > 0:
        elec_factor = gen_co2 / (onsite_mwh + export_mwh)
        method = (f"on-site generation average: scope-1 CO2e of {', '.join(sorted(generators))} ÷ (on-site fossil "
                  "electricity used + exported); all fuel charged to power (upper bound for CHP)")
    else:
        elec_factor = grid.value
        method = (f"grid factor {grid.value} t CO2/MWh ({grid.series}, {grid.year}): the on-site generation factor "
                  "is not derivable (no onsite_fossil electricity row assigned to a generating process)")
    heat = ix.other("purchased_heat_co2")
    rows = []
    total = 0.0
    for e in exports:
        if e["kind"] == "electricity":
            factor, unit = elec_factor, "t CO2/MWh"
        elif e["kind"] == "heat":
            factor, unit = heat.value, heat.unit
        else:
            factor, unit = None, ""
        t = e["base_amount"] * factor if factor is not None else None
        total += t or 0.0
        rows.append({"carrier": e["carrier"], "amount": e["amount"], "unit": e["unit"], "factor": r(factor, 6),
                     "factor_unit": unit, "t_co2e": r(t)})
    return {"t_co2e": r(total), "rows": rows, "method": method,
            "heat_method": f"purchased-heat default {heat.value} {heat.unit}"}


def _intensity(profile, kb, total: float) -> dict | None:
    eco = profile.economy
    if eco is None or profile.park.base_year not in eco.values:
        return None
    try:
        yuan = convert(eco.values[profile.park.base_year], eco.unit, kb, "money")
    except UnitError as exc:
        raise UnitError(f"economy.unit: {exc}") from None
    if not yuan:
        return None
    return {"value": r(total / (yuan / 1e4), 6), "unit": "t CO2e/万元", "year": profile.park.base_year,
            "indicator": eco.indicator, "constant_prices": eco.constant_prices}


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
            "coverage": rs(calc_share(total, reported)) if total else None}
