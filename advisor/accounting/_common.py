"""Small pieces shared by the accounting modules: rounding, notes, and a per-knowledge-base index.

The index turns the knowledge tables into dictionaries once per knowledge base, so that the
analysis of one park does only dictionary look-ups (a regulator batch screens 22,000 parks).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from advisor.kb.units import Rate, parse_rate

UNASSIGNED = "(unassigned)"   # process or owner of an energy row that names none; not a valid slug, so no clash
INFRASTRUCTURE = "infrastructure"


def r(x: float | None, digits: int = 4) -> float | None:
    """x rounded for output to `digits` decimals (amounts 4, e.g. 0.1 + 0.2 → 0.3); None stays None.

    round(x × 10^d) / 10^d rather than round(x, d): the same nearest float but for half-way cases beyond 10^9, and
    several times faster (a batch rounds millions of values); -0.0 comes out as 0.0. A value too large to round
    (an infinity or NaN, which the profile's limits on numbers keep out) is None, never an error or a non-JSON
    number."""
    if x is None:
        return None
    scale = _SCALES[digits]
    try:
        return round(x * scale) / scale
    except (OverflowError, ValueError):
        return None


def rs(x: float | None) -> float | None:
    """A share or change rounded to 6 decimals (as r)."""
    if x is None:
        return None
    try:
        return round(x * 1e6) / 1e6
    except (OverflowError, ValueError):
        return None


def share(part: float, whole: float | None) -> float | None:
    """part / whole rounded to 6 decimals (as r); None when the whole is zero or unknown (a share of nothing is
    unknown)."""
    return round(part / whole * 1e6) / 1e6 if whole else None


_SCALES = {d: 10.0 ** d for d in range(13)}


def calc_share(part: float, whole: float | None) -> float | None:
    """share = part / whole; None when the whole is zero (a share of nothing is unknown, not 0)."""
    if not whole:
        return None
    return part / whole


class Note(NamedTuple):
    """A warning or note in English and Chinese; `id` is a stable kebab-case code."""

    id: str
    en: str
    zh: str


def texts(notes: list[Note]) -> tuple[list[str], list[str], list[str]]:
    """(English texts, Chinese texts, ids) in the same order, duplicates removed."""
    seen: set[str] = set()
    en: list[str] = []
    zh: list[str] = []
    ids: list[str] = []
    for n in notes:
        if n.en in seen:
            continue
        seen.add(n.en)
        en.append(n.en)
        zh.append(n.zh)
        ids.append(n.id)
    return en, zh, ids


class Proc:
    """A process of the profile as plain fields: the analysis reads each field many times, and a field of a
    validated model costs several times as much to read as a slot of a plain object."""

    __slots__ = ("id", "name", "category", "owner", "emissions", "controls", "removed_t")

    def __init__(self, p) -> None:
        self.id, self.name, self.category, self.owner = p.id, p.name, p.category, p.owner
        self.emissions, self.controls, self.removed_t = p.emissions, p.controls, p.removed_t


class Processes:
    """The profile's processes, read once for one park's analysis: `given` (whether the profile has a process list),
    `rows` (its processes in order, empty without one) and `by_id`."""

    __slots__ = ("given", "rows", "by_id")

    def __init__(self, profile) -> None:
        listed = profile.processes
        self.given = listed is not None
        self.rows = [Proc(p) for p in listed] if listed else []
        self.by_id = {p.id: p for p in self.rows}


def processes_of(profile, procs: Processes | None = None) -> Processes:
    """procs, or the profile's processes read now (for a caller that has not read them)."""
    return procs if procs is not None else Processes(profile)


class KbIndex:
    """Dictionaries over one knowledge base, built once and reused for every park."""

    def __init__(self, kb) -> None:
        self.kb = kb
        self.fuel = {(f.fuel, f.set): f for f in kb.fuel_factors}
        # fuel factor set → its data tier, the best tier first (the order in which sets are tried for a fuel)
        tiers = sorted((t for t in kb.data_tiers.values() if t.fuel_factor_set), key=lambda t: t.rank)
        self.fuel_set_tier = {t.fuel_factor_set: t.id for t in tiers}
        grid: dict[tuple[str, str], list] = {}
        for g in kb.grid_factors:
            grid.setdefault((g.series, g.region), []).append(g)
        self.grid = {k: sorted(v, key=lambda g: g.year) for k, v in grid.items()}
        self.provinces = dict(kb.provinces)
        self.provinces_loose: dict[str, Any] = {}
        for p in kb.provinces.values():
            self.provinces_loose[p.name_en.lower()] = p
            self.provinces_loose[p.name_zh[:2]] = p   # the first two characters are unique among provinces
        self._rates: dict[str, Rate] = {}
        self._fuel_rows: dict[str | None, list] = {}
        # filled on first use by the modules that own them (knowledge values only, the same for every park):
        self.fuel_tce: dict[tuple, float | None] = {}         # energy: (fuel, dimension) → tce per base unit
        self.fuel_ncv: dict[tuple, tuple | None] = {}         # energy: (fuel, dimension) → (NCV, per_base)
        self.carrier_units: dict[tuple, Any] = {}             # energy: (carrier, unit text) → Unit that fits
        self.energy_units: dict[tuple, tuple] = {}            # energy: (carrier, unit text) → carrier, unit, rates
        self.control_factors: dict[str, tuple] = {}           # control_co2: control → its CO2 factor and texts
        self.grid_choices: dict[tuple, Any] = {}              # carbon: accounting choices → GridChoice (read only)
        self.fuel_factors: dict[tuple, Any] = {}              # carbon: fuel row key → FactorUse (read only)
        self.total_control = list(kb.decoupling.total_control_pollutants) if kb.decoupling else []

    def rate(self, text: str) -> Rate:
        """The factor unit parsed; raises UnitError naming the unit when it cannot be read."""
        hit = self._rates.get(text)
        if hit is not None:
            return hit
        rate = parse_rate(text, self.kb)
        self._rates[text] = rate
        return rate

    def fuel_rows(self, fuel: str | None) -> list:
        """The factor rows of a fuel, cn_default first (empty for None or an unknown fuel)."""
        rows = self._fuel_rows.get(fuel)
        if rows is None:
            rows = sorted((f for (name, _), f in self.fuel.items() if name == fuel),
                          key=lambda f: f.set != "cn_default")
            self._fuel_rows[fuel] = rows
        return rows

    def province(self, name: str | None):
        """The province row for '浙江省', '浙江' or 'Zhejiang'; None when unknown."""
        if not name:
            return None
        name = name.strip()
        return (self.provinces.get(name) or self.provinces_loose.get(name.lower())
                or self.provinces_loose.get(name[:2]))

    def other(self, item: str):
        return self.kb.other_factors.get(item)


def kb_index(kb) -> KbIndex:
    """The index of this knowledge base, built on first use and kept with it."""
    return kb.derived("accounting.index", KbIndex)
