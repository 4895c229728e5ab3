"""How much each measure cuts: share × coefficient of what the processes it acts on emit (docs/outputs.md,
"Quantities"). The coefficients are knowledge (reduction_coefficients.yaml); here is only the arithmetic.

- A lever cuts a fraction f = share × coefficient (≤ 1) of each substance of each process it reaches, so no
  measure cuts more than those processes emit.
- Cuts on the same process and substance combine multiplicatively, within a measure and across the plan:
  the second acts on what the first leaves, reduction = E × (1 − Π(1 − f)).
- An end-of-pipe step adds CO2 per tonne it removes: a negative CO2e reduction.
- low uses the low share and coefficients, high the high ones; a figure resting on a missing input is None.

The levers are compiled once per knowledge base (kb.derived); a park's inventory is read from the analysis'
carbon.by_process and pollutants[*].by_process, which the batch's short analysis has too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CO2E = "CO2e"
HEAVY_METALS = "heavy_metals"


@dataclass(frozen=True)
class Cut:
    substance: str
    low: float
    high: float
    coefficient: str


@dataclass(frozen=True)
class Lever:
    categories: frozenset[str] = frozenset()
    owner: str | None = None                     # infrastructure | enterprise | None (any)
    carriers: frozenset[str] | None = None
    cuts: tuple[Cut, ...] = ()
    adds: tuple[Cut, ...] = ()                   # substance removed → t CO2 added per t
    activity: tuple[tuple[tuple[str, ...], bool], ...] | None = None   # (path steps, complement)
    substance: str | None = None
    coefficient: Cut | None = None


@dataclass(frozen=True)
class Plan:
    """One measure's levers and the default share of the activity it reaches."""
    share_low: float
    share_high: float
    levers: tuple[Lever, ...]


@dataclass
class Process:
    id: str
    category: str
    owner: str                                   # infrastructure | enterprise
    carriers: frozenset[str]
    amounts: dict[str, float | None]             # substance → t/yr (CO2e None: unknown)


@dataclass
class Estimate:
    """One measure for one park: per substance [low, high] (None = unknown), the processes reached, and the
    fractions cut per (process, substance) for combining with other measures."""
    measure: str
    share: tuple[float, float]
    share_set: bool
    ranges: dict[str, list[float] | None]
    acts_on: list[str]
    fractions: dict[tuple[str, str], tuple[float, float]]   # (process, substance) → (f_low, f_high)
    amounts: dict[tuple[str, str], float]
    added_co2: tuple[float, float]                          # t CO2 added by end-of-pipe steps (low, high)
    coefficients: list[str]
    missing: dict[str, list[str]]                           # substance → processes without a figure
    _mids: dict[str, list[tuple[tuple[str, str], float, float]]] = field(default_factory=dict, repr=False)

    def mids(self, substance: str) -> list[tuple[tuple[str, str], float, float]]:
        """(process, substance), midpoint fraction and amount of each cut of one substance (kept once built)."""
        got = self._mids.get(substance)
        if got is None:
            got = self._mids[substance] = [(key, (lo + hi) / 2, self.amounts[key])
                                           for key, (lo, hi) in self.fractions.items() if key[1] == substance]
        return got


def _compile(kb) -> dict[str, Any]:
    """measure → Plan, and the tables the arithmetic reads, from the validated knowledge."""
    loaded = kb.extra.get("estimates") or {}
    book = loaded.get("book")
    if book is None:
        return {"plans": {}, "coefficients": {}, "enables": {}, "equivalents": {}, "heavy": frozenset(),
                "gases": {}}
    coef = {c.id: c for c in book.coefficients}

    def cut(sub: str, cid: str) -> Cut:
        return Cut(sub, coef[cid].low, coef[cid].high, cid)

    plans = {}
    for mid, est in book.measures.items():
        levers = []
        for lv in est.levers:
            if lv.acts_on is not None:
                levers.append(Lever(frozenset(lv.acts_on.categories), lv.acts_on.owner,
                                    frozenset(lv.acts_on.carriers) if lv.acts_on.carriers else None,
                                    tuple(cut(s, c) for s, c in lv.cuts.items()),
                                    tuple(cut(s, c) for s, c in lv.adds.items())))
            else:
                steps = tuple((tuple(p.removeprefix("1-").split(".")), p.startswith("1-"))
                              for p in lv.activity or [])
                levers.append(Lever(activity=steps, substance=lv.substance,
                                    coefficient=cut(lv.substance or "", lv.coefficient or "")))
        plans[mid] = Plan(est.share.low, est.share.high, tuple(levers))
    return {"plans": plans, "coefficients": coef, "enables": dict(book.enables),
            "equivalents": dict(loaded.get("equivalents") or {}),
            "heavy": frozenset(p.id for p in kb.pollutants.values() if getattr(p, "heavy_metal", False)),
            "gases": {c.id: bool(c.gases) for c in kb.process_categories.values()},
            "book": book}


def tables(kb) -> dict[str, Any]:
    return kb.derived("decide.estimates", _compile)


def inventory(profile, analysis: dict, kb) -> list[Process]:
    """The park's processes with their CO2e and pollutants (t/yr), owner kind and the carriers they burn."""
    gases = tables(kb)["gases"]
    carriers: dict[str, set[str]] = {}
    for row in profile.energy or []:
        if row.process:
            carriers.setdefault(row.process, set()).add(row.carrier)
    procs: dict[str, Process] = {}

    def get(pid: str, category: str | None, owner: str | None) -> Process | None:
        p = procs.get(pid)
        if p is None and category:
            kind = "infrastructure" if owner in (None, "infrastructure") else "enterprise"
            p = procs[pid] = Process(pid, category, kind, frozenset(carriers.get(pid, ())), {})
        return p

    for row in (analysis.get("carbon") or {}).get("by_process") or []:
        p = get(row["process"], row.get("category"), row.get("owner"))
        if p is not None:
            p.amounts[CO2E] = row.get("t_co2e")
    for sub, block in (analysis.get("pollutants") or {}).items():
        for row in block.get("by_process") or []:
            p = get(row["process"], row.get("category"), row.get("owner"))
            if p is not None and row.get("t") is not None:
                p.amounts[sub] = row["t"]
    for declared in profile.processes or []:
        p = get(declared.id, declared.category, declared.owner)
        if p is not None and CO2E not in p.amounts and gases.get(p.category):
            p.amounts[CO2E] = None     # a process whose gases were not reported: its CO2e is unknown
    return list(procs.values())


def user_share(profile, measure: str) -> float | None:
    """The share the profile's assumptions set for a measure, if any."""
    assumptions = getattr(profile, "assumptions", None)
    entry = (getattr(assumptions, "measures", None) or {}).get(measure) if assumptions else None
    return getattr(entry, "share", None) if entry is not None else None


def _profile_value(profile, steps: tuple[str, ...]) -> float | None:
    node: Any = profile
    for step in steps:
        node = node.get(step) if isinstance(node, dict) else getattr(node, step, None)
        if node is None:
            return None
    return float(node) if isinstance(node, (int, float)) and not isinstance(node, bool) else None


def _reaches(lever: Lever, p: Process) -> bool:
    return (p.category in lever.categories and (lever.owner is None or lever.owner == p.owner)
            and (lever.carriers is None or not lever.carriers.isdisjoint(p.carriers)))


def estimate(measure: str, profile, procs: list[Process], kb) -> Estimate | None:
    """The estimate of one measure for one park; None when the knowledge has no levers for it."""
    t = tables(kb)
    plan: Plan | None = t["plans"].get(measure)
    if plan is None:
        return None
    chosen = user_share(profile, measure)
    s_low, s_high = (chosen, chosen) if chosen is not None else (plan.share_low, plan.share_high)
    heavy = t["heavy"]
    keep: dict[tuple[str, str], list[float]] = {}
    amounts: dict[tuple[str, str], float] = {}
    missing: dict[str, list[str]] = {}
    acts_on: list[str] = []
    used: list[str] = []
    added = [0.0, 0.0]
    unknown_activity: set[str] = set()
    for lever in plan.levers:
        if lever.activity is not None:
            c = lever.coefficient
            assert c is not None and lever.substance is not None
            used.append(c.coefficient)
            quantity: float | None = 1.0
            for steps, complement in lever.activity:
                v = _profile_value(profile, steps)
                quantity = None if v is None or quantity is None else quantity * ((1.0 - v) if complement else v)
            key = ("activity", lever.substance)
            if quantity is None:
                unknown_activity.add(lever.substance)
                continue
            amounts[key] = quantity
            k = keep.setdefault(key, [1.0, 1.0])
            k[0] *= 1.0 - s_low * c.low
            k[1] *= 1.0 - s_high * c.high
            continue
        used.extend(c.coefficient for c in (*lever.cuts, *lever.adds))
        for p in procs:
            if not _reaches(lever, p):
                continue
            if p.id not in acts_on:
                acts_on.append(p.id)
            for c in lever.cuts:
                subs = [s for s in p.amounts if s in heavy] if c.substance == HEAVY_METALS else [c.substance]
                for sub in subs:
                    if sub not in p.amounts:
                        continue                  # the process does not emit it
                    amount = p.amounts[sub]
                    if amount is None:
                        missing.setdefault(sub, []).append(p.id)
                        continue
                    key = (p.id, sub)
                    amounts[key] = amount
                    k = keep.setdefault(key, [1.0, 1.0])
                    k[0] *= 1.0 - s_low * c.low
                    k[1] *= 1.0 - s_high * c.high
                    for a in lever.adds:
                        if a.substance == sub:   # removed × CO2 per t removed; most removed → most added
                            added[0] += amount * s_high * c.high * a.high
                            added[1] += amount * s_low * c.low * a.low
    fractions = {key: (1.0 - k[0], 1.0 - k[1]) for key, k in keep.items()}
    ranges: dict[str, list[float] | None] = {}
    for (_, sub), (f_low, f_high) in fractions.items():
        r = ranges.setdefault(sub, [0.0, 0.0])
        assert r is not None
        r[0] += amounts[(_, sub)] * f_low
        r[1] += amounts[(_, sub)] * f_high
    if added != [0.0, 0.0]:
        r = ranges.setdefault(CO2E, [0.0, 0.0])
        assert r is not None
        r[0] -= added[0]
        r[1] -= added[1]
    for sub in missing:
        if sub not in ranges:
            ranges[sub] = None           # every process reached lacks the figure: unknown, never 0
    for sub in unknown_activity:
        ranges.setdefault(sub, None)
    return Estimate(measure, (s_low, s_high), chosen is not None, ranges, acts_on, fractions, amounts,
                    (added[0], added[1]), list(dict.fromkeys(used)), missing)


def combined(estimates: list[Estimate], substance: str = CO2E) -> list[float] | None:
    """The plan's [low, high] reduction of one substance: cuts on the same process combine multiplicatively
    (each acts on what the others leave); CO2 added by end-of-pipe steps is added up. None when no estimate
    has a figure for the substance."""
    keep: dict[tuple[str, str], list[float]] = {}
    amounts: dict[tuple[str, str], float] = {}
    known = False
    added = [0.0, 0.0]
    for e in estimates:
        if e.ranges.get(substance) is not None:
            known = True
        for key, (f_low, f_high) in e.fractions.items():
            if key[1] != substance:
                continue
            amounts[key] = e.amounts[key]
            k = keep.setdefault(key, [1.0, 1.0])
            k[0] *= 1.0 - f_low
            k[1] *= 1.0 - f_high
        if substance == CO2E:
            added[0] += e.added_co2[0]
            added[1] += e.added_co2[1]
    if not known:
        return None
    low = sum(amounts[key] * (1.0 - k[0]) for key, k in keep.items()) - added[0]
    high = sum(amounts[key] * (1.0 - k[1]) for key, k in keep.items()) - added[1]
    return [low, high]


def _co2e_levers(kb) -> dict[str, tuple[float, float, tuple]]:
    """measure → (share low, high, its levers that change CO2e as plain tuples) for the batch column:
    (categories, owner, carriers, cut low, cut high, added-CO2 entries (substance, cut low, cut high, add low,
    add high))."""
    out = {}
    for mid, plan in tables(kb)["plans"].items():
        levers = []
        for lv in plan.levers:
            cut = next((c for c in lv.cuts if c.substance == CO2E), None)
            adds = tuple((c.substance, c.low, c.high, a.low, a.high)
                         for a in lv.adds for c in lv.cuts if c.substance == a.substance)
            if cut is not None or adds:
                levers.append((lv.categories, lv.owner, lv.carriers, cut.low if cut else 0.0,
                               cut.high if cut else 0.0, adds))
        if levers:
            out[mid] = (plan.share_low, plan.share_high, tuple(levers))
    return out


def shortlist_t_co2e(profile, analysis: dict, kb, measures: list[str]) -> float | None:
    """The batch column: the shortlist's combined CO2e reduction, midpoint, t/yr (None when no measure of it has
    a CO2e figure). The same arithmetic as combined() over estimate(), on CO2e alone, for the batch's speed."""
    levers_of = kb.derived("decide.estimates.co2e", _co2e_levers)
    chosen = [(m, levers_of[m]) for m in measures if m in levers_of]
    if not chosen:
        return None
    carriers: dict[str, set[str]] | None = None
    rows: dict[str | None, list[tuple[str, str, float | None]]] = {}   # category → (process, owner kind, t)
    for row in (analysis.get("carbon") or {}).get("by_process") or []:
        owner = row.get("owner")
        rows.setdefault(row.get("category"), []).append(
            (row["process"], "infrastructure" if owner in (None, "infrastructure") else "enterprise",
             row.get("t_co2e")))
    removed_of: dict[str, dict[tuple[str, str | None, str], float]] = {}
    keep: dict[str, list[float]] = {}
    amount_of: dict[str, float] = {}
    added_low = added_high = 0.0
    known = False
    for measure, (s_low, s_high, levers) in chosen:
        chosen_share = user_share(profile, measure)
        if chosen_share is not None:
            s_low = s_high = chosen_share
        for categories, owner, wanted, c_low, c_high, adds in levers:
            if wanted is not None and carriers is None:
                carriers = {}
                for e in profile.energy or []:
                    if e.process:
                        carriers.setdefault(e.process, set()).add(e.carrier)
            for category in categories if (c_high or c_low) else ():
                for pid, kind, t in rows.get(category, ()):
                    if (owner is not None and owner != kind) or t is None:
                        continue
                    if wanted is not None and wanted.isdisjoint((carriers or {}).get(pid, ())):
                        continue
                    known = True
                    amount_of[pid] = t
                    k = keep.setdefault(pid, [1.0, 1.0])
                    k[0] *= 1.0 - s_low * c_low
                    k[1] *= 1.0 - s_high * c_high
            for sub, r_low, r_high, a_low, a_high in adds:
                by_process = removed_of.get(sub)
                if by_process is None:
                    by_process = removed_of[sub] = {}
                    for row in ((analysis.get("pollutants") or {}).get(sub) or {}).get("by_process") or []:
                        o = row.get("owner")
                        key = (row["process"], row.get("category"),
                               "infrastructure" if o in (None, "infrastructure") else "enterprise")
                        by_process[key] = row.get("t") or 0.0
                for (pid, category, kind), t in by_process.items():
                    if category not in categories or (owner is not None and owner != kind):
                        continue
                    if wanted is not None and wanted.isdisjoint((carriers or {}).get(pid, ())):
                        continue
                    if t:
                        known = True
                        added_low += t * s_high * r_high * a_high
                        added_high += t * s_low * r_low * a_low
    if not known:
        return None
    low = sum(amount_of[p] * (1.0 - k[0]) for p, k in keep.items()) - added_low
    high = sum(amount_of[p] * (1.0 - k[1]) for p, k in keep.items()) - added_high
    return round((low + high) / 2, 1)
