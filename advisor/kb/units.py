"""Units of quantities in a profile: look a spelling up in knowledge/units.csv and convert to the base unit.

Every dimension has one base unit (t, Nm3, MWh, GJ, tce, t steam, 元). A spelling is found
exactly first, then tolerant of case, blanks, full-width characters and superscripts
("nm3", "万 kWh", "10^4Nm3", "10⁴ Nm³"). An unknown unit, or one of the wrong dimension,
raises UnitError naming the unit, a did-you-mean and the units accepted – never a guess.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from advisor.errors import did_you_mean

_SUPERSCRIPT_POWERS = {"10⁴": "10^4", "10⁸": "10^8", "10³": "10^3", "10⁶": "10^6"}


_HINT = "did you mean '"


class UnitError(ValueError):
    """A quantity's unit is unknown or measures the wrong thing (mass given where energy is needed …)."""


def normalise_unit(text: str) -> str:
    """The comparison key of a unit spelling: NFKC, no blanks, lower case ("10⁴ Nm³" → "10^4nm3")."""
    text = str(text)
    for sup, plain in _SUPERSCRIPT_POWERS.items():
        text = text.replace(sup, plain)
    text = unicodedata.normalize("NFKC", text)
    return "".join(text.split()).lower()


class _UnitIndex:
    """Exact and normalised spellings of one knowledge base's units, built once."""

    __slots__ = ("exact", "loose", "by_dimension", "hits", "fits")

    def __init__(self, units: dict) -> None:
        self.exact = dict(units)
        loose: dict[str, object] = {}
        clashes: set[str] = set()
        for spelling, unit in units.items():
            key = normalise_unit(spelling)
            if key in loose and loose[key] is not unit:
                clashes.add(key)
            loose[key] = unit
        for key in clashes:  # two different units under one loose key: only exact spellings find them
            del loose[key]
        self.loose = loose
        by_dim: dict[str, list[str]] = {}
        for unit in {id(u): u for u in units.values()}.values():
            by_dim.setdefault(unit.dimension, []).append(unit.unit)
        self.by_dimension = {d: sorted(v) for d, v in by_dim.items()}
        self.hits: dict[str, object] = {}
        self.fits: dict[tuple, bool] = {}   # (spelling, dimensions) → unit_fits answer


# The most entries any per-knowledge-base look-up remembers (units here; fuel factors, grid choices and
# carrier units in the accounting): beyond it answers are computed each time, so memory stays flat
# however many different spellings a batch holds.
MEMO_LIMIT = 10_000

def _index(kb) -> _UnitIndex:
    """The unit index of this knowledge base, built on first use and kept with it."""
    return kb.derived("units.index", _build_index)


def _build_index(kb) -> _UnitIndex:
    return _UnitIndex(kb.units)


def find_unit(unit: str, kb):
    """The Unit row for a spelling (aliases, case and blank variants included), or None."""
    if unit is None:
        return None
    idx = _index(kb)
    found = idx.exact.get(unit)
    if found is not None:
        return found
    found = idx.hits.get(unit)
    if found is None:
        found = idx.loose.get(normalise_unit(unit))
        if found is not None and len(idx.hits) < MEMO_LIMIT:
            idx.hits[unit] = found
    return found


def unit_fits(unit: str, kb, dimensions: tuple[str, ...]) -> bool:
    """Whether a spelling is a known unit of one of `dimensions` (the answer is remembered)."""
    idx = _index(kb)
    key = (unit, dimensions)
    fits = idx.fits.get(key)
    if fits is None:
        found = find_unit(unit, kb)
        fits = found is not None and found.dimension in dimensions
        if len(idx.fits) < MEMO_LIMIT:
            idx.fits[key] = fits
    return fits


def accepted_units(kb, dimension: str | Iterable[str] | None = None) -> list[str]:
    """The canonical spellings of one dimension (or of several, or of all)."""
    idx = _index(kb)
    if dimension is None:
        dims = sorted(idx.by_dimension)
    elif isinstance(dimension, str):
        dims = [dimension]
    else:
        dims = list(dimension)
    return [u for d in dims for u in idx.by_dimension.get(d, [])]


def _dimensions(dimension: str | Iterable[str] | None) -> tuple[str, ...] | None:
    if dimension is None:
        return None
    if isinstance(dimension, str):
        return (dimension,)
    return tuple(dimension)


def unit_error(unit: str, kb, dimension: str | Iterable[str] | None = None) -> UnitError:
    """The UnitError for a spelling that is unknown, or known but of another dimension."""
    dims = _dimensions(dimension)
    accepted = accepted_units(kb, dims)
    found = find_unit(unit, kb)
    what = " or ".join(dims) if dims else "any quantity"
    if found is not None and dims and found.dimension not in dims:
        return UnitError(f"unit '{unit}' measures {found.dimension}, but {what} is needed here; "
                         f"units accepted for {what}: {', '.join(accepted)}")
    choices = sorted(s for s, u in kb.units.items() if not dims or u.dimension in dims)  # aliases too
    hint = did_you_mean(unit, choices)
    if not hint:  # compare normalised spellings, then name the canonical one
        loose = {normalise_unit(c): c for c in choices}
        close = did_you_mean(normalise_unit(unit), loose)
        if close:  # "did you mean 'KEY'?" → the canonical spelling of KEY
            hint = f"did you mean '{loose[close[len(_HINT):-2]]}'?"
    hint = f"; {hint}" if hint else ""
    return UnitError(f"unknown unit '{unit}'{hint}; units accepted for {what}: {', '.join(accepted)}")


def unit_of(unit: str, kb, dimension: str | Iterable[str] | None = None):
    """The Unit row, checked against the dimension(s); raises UnitError."""
    found = find_unit(unit, kb)
    dims = _dimensions(dimension)
    if found is None or (dims and found.dimension not in dims):
        raise unit_error(unit, kb, dims)
    return found


def convert(amount: float, unit: str, kb, dimension: str | Iterable[str] | None = None) -> float:
    """amount_base = amount × to_base(unit): the amount in its dimension's base unit.

    Raises UnitError when the unit is unknown or not of `dimension` (a name or a tuple of names).
    """
    return amount * unit_of(unit, kb, dimension).to_base


_RATE = re.compile(r"^\s*(?P<num>[^/]+?)\s*/\s*(?P<den>.+?)\s*$")
_GAS = re.compile(r"^(?P<unit>.*?)\s*(?P<gas>CO2e|CO2|CO₂e|CO₂)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Rate:
    """A rate unit such as 't CO2/10^4 Nm3', 'tce/t' or 'GJ/t': value × per_base = numerator base per denominator
    base."""

    text: str
    per_base: float          # multiply the factor value by this to get (numerator base) per (denominator base)
    numerator: str           # base unit of the numerator: t (of a gas), tce, GJ …
    gas: str | None          # CO2 or CO2e when the numerator is a gas mass
    dimension: str           # dimension of the denominator: mass, volume, electricity, energy, steam …
    base: str                # base unit of the denominator


def parse_rate(text: str, kb) -> Rate:
    """A factor unit such as 't CO2/t' or 'GJ/10^4 Nm3' read into a Rate; raises UnitError naming the unit."""
    m = _RATE.match(text or "")
    if not m:
        raise UnitError(f"factor unit '{text}' is not of the form 'NUMERATOR/DENOMINATOR' "
                        "(write e.g. 't CO2/t', 't CO2/10^4 Nm3', 't CO2/MWh', 'tce/t')")
    num, den = m.group("num"), m.group("den")
    gas = None
    g = _GAS.match(num)
    if g:
        gas = "CO2e" if g.group("gas").lower().endswith("e") else "CO2"
        num = g.group("unit") or "t"
    num_unit = find_unit(num, kb)
    if num_unit is None or (gas and num_unit.dimension != "mass"):
        raise UnitError(f"factor unit '{text}': numerator '{num}' is not a known unit "
                        "(write e.g. 't CO2/t', 'kg CO2/kWh', 'tce/t', 'GJ/t')")
    den_unit = find_unit(den, kb)
    if den_unit is None:
        raise UnitError(f"factor unit '{text}': {unit_error(den, kb)}")
    return Rate(text, num_unit.to_base / den_unit.to_base, num_unit.base, gas, den_unit.dimension, den_unit.base)
