"""The cycles of one park: checked, put in order, and analysed under one factor set.

A cycle is one profile of the park (its base year). The factor set of a profile is its `accounting` block with
the grid factor's year pinned to the year the analysis chose; by default every cycle is analysed with the latest
cycle's set ("fixed"), so that a change between cycles is a change of the park and not of a factor table
(a falling grid factor would otherwise be credited to the park). `own` analyses each cycle with its own set.
"""

from __future__ import annotations

from dataclasses import dataclass

from advisor.accounting import analyze_profile
from advisor.errors import Issue, ProfileError, UsageError
from advisor.profile.model import Profile


@dataclass
class Cycle:
    source: str                  # the file it came from, for messages
    profile: Profile
    analysis: dict               # under the factor set of the evaluation
    other_analysis: dict         # under the other set (own when the evaluation's is fixed, and back)
    own_analysis: dict           # under its own set (what `analyze` and `recommend` of the profile use)
    advice: dict | None = None   # `recommend` of the profile as it is

    @property
    def year(self) -> int:
        return self.profile.park.base_year


def check_cycles(profiles: list[tuple[str, Profile]]) -> list[tuple[str, Profile]]:
    """The profiles in the order of their base years; ProfileError when they are not two or more years of one
    park (park ids differ, or two share a base year)."""
    if len(profiles) < 2:
        raise UsageError([Issue("evaluate", profiles[0][0] if profiles else "", "an evaluation needs two or more "
                                "cycles", "give the profiles of two or more years of the park")])
    issues = []
    first_source, first = profiles[0]
    for source, p in profiles[1:]:
        if p.park.id != first.park.id:
            issues.append(Issue(source, "park.id", f"park '{p.park.id}' is not park '{first.park.id}' of "
                                f"{first_source}", "give profiles of one park only (the same park.id)"))
    seen: dict[int, str] = {}
    for source, p in profiles:
        year = p.park.base_year
        if year in seen:
            issues.append(Issue(source, "park.base_year", f"base year {year} is also the base year of {seen[year]}",
                                "give one profile per year; correct park.base_year of one of them"))
        seen.setdefault(year, source)
    if issues:
        raise ProfileError(issues)
    return sorted(profiles, key=lambda sp: sp[1].park.base_year)


def factor_set(profile, analysis: dict):
    """The profile's accounting block with the grid year the analysis used, so that another cycle analysed with
    it reads the very same grid factor."""
    return profile.accounting.model_copy(update={"grid_year": analysis["carbon"]["grid"]["year"]})


def with_factors(profile, accounting):
    """The profile analysed with another cycle's factor set (its own data, measured factors included, unchanged)."""
    return profile.model_copy(update={"accounting": accounting})


def build_cycles(profiles: list[tuple[str, Profile]], kb, factors: str = "fixed") -> list[Cycle]:
    """Every cycle with its own analysis and the analysis of the evaluation (fixed: the latest cycle's factors)."""
    ordered = check_cycles(profiles)
    own = [analyze_profile(p, kb) for _, p in ordered]
    fixed = factor_set(ordered[-1][1], own[-1])
    cycles = []
    for (source, p), own_analysis in zip(ordered, own, strict=True):
        fixed_analysis = own_analysis if p is ordered[-1][1] else analyze_profile(with_factors(p, fixed), kb)
        if factors == "own":
            cycles.append(Cycle(source, p, own_analysis, fixed_analysis, own_analysis))
        else:
            cycles.append(Cycle(source, p, fixed_analysis, own_analysis, own_analysis))
    return cycles


def boundary_changes(cycles: list[Cycle]) -> list[tuple[int, str]]:
    """Boundary changes (year, note) that lie between the first and the last cycle (first < year ≤ last), as
    any cycle records them."""
    first, last = cycles[0].year, cycles[-1].year
    found: dict[int, str] = {}
    for c in cycles:
        for change in c.profile.park.boundary_changes or []:
            if first < change.year <= last:
                found.setdefault(change.year, change.note)
    for before, after in zip(cycles, cycles[1:], strict=False):
        a, b = before.profile.park.boundary, after.profile.park.boundary
        if a is not None and b is not None and (a.type, a.area_km2) != (b.type, b.area_km2):
            found.setdefault(after.year, "")   # the stated boundary itself differs
    return sorted(found.items())


def tracked_measures(cycles: list[Cycle]) -> list:
    """The measures the park tracks: `measures_status` of the latest cycle that states it (none: [])."""
    for c in reversed(cycles):
        if c.profile.measures_status is not None:
            return list(c.profile.measures_status)
    return []
