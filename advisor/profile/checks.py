"""Checks of a schema-valid profile against the knowledge base: codes, carriers, units, names."""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter

from advisor.errors import Issue, did_you_mean
from advisor.kb.units import MEMO_LIMIT, UnitError, find_unit, parse_rate, unit_fits
from advisor.profile.model import EnergyUse, Export, Profile

_RECEIVERS = {"outside", "landfill", "incineration", "recycling"}
_ACCEPTS = {"energy": ("energy", "steam")}   # dimension a field needs → unit dimensions it accepts

# Most profiles are fine: each part is first tested whole, in C (map, set tests), and looked at row by row
# (the issues, in order) only when that test fails.
_CARRIER_UNIT = attrgetter("carrier", "unit")
_CATEGORY, _CODE, _EMISSIONS, _ENTERPRISE = (attrgetter(n) for n in ("category", "code", "emissions", "enterprise"))
_FACTOR, _ID, _INDUSTRY, _OWNER = (attrgetter(n) for n in ("factor", "id", "industry", "owner"))
_RECEIVER, _UNIT = attrgetter("receiver"), attrgetter("unit")


class _Fine:
    """What check_profile has found fine in one knowledge base (kept with it, bounded by MEMO_LIMIT)."""

    __slots__ = ("substances", "carrier_units", "units", "factor_units")

    def __init__(self, kb) -> None:
        self.substances: set[str] = kb.substances
        self.carrier_units: dict[tuple[str, str], bool] = {}   # (carrier, unit) → known and of the right kind
        self.units: dict[str, set[str]] = {}                     # dimension → unit spellings that fit it
        self.factor_units: dict[str, str | None] = {}            # factor unit text → its problem or None

    def unit_issue(self, file: str, path: str, unit: str, dimension: str, kb) -> Issue | None:
        """_unit_issue, remembering the units that fit (`path` is only read when there is a problem)."""
        fitting = self.units.setdefault(dimension, set())
        if unit in fitting:
            return None
        problem = _unit_issue(file, path, unit, dimension, kb)
        if problem is None and len(fitting) < MEMO_LIMIT:
            fitting.add(unit)
        return problem


def _unknown(file: str, path: str, what: str, value: str, choices, fix_all: str) -> Issue:
    hint = did_you_mean(value, choices)
    return Issue(file, path, f"unknown {what} '{value}'", hint or fix_all)


def _unit_issue(file: str, path: str, unit: str, dimension: str, kb) -> Issue | None:
    if unit_fits(unit, kb, _ACCEPTS.get(dimension) or (dimension,)):   # the usual case, remembered
        return None
    found = find_unit(unit, kb)
    if found is not None and (found.dimension == dimension or (dimension == "energy" and found.dimension == "steam")):
        return None
    accepted = sorted({u.unit for u in kb.units.values() if u.dimension == dimension})
    if found is None:
        hint = did_you_mean(unit, kb.units)
        return Issue(file, path, f"unknown unit '{unit}'",
                     (hint + " " if hint else "") + f"units accepted here: {', '.join(accepted)}")
    if found.dimension != dimension and not (dimension == "energy" and found.dimension == "steam"):
        return Issue(file, path, f"unit '{unit}' measures {found.dimension}, this field needs {dimension}",
                     f"use one of: {', '.join(accepted)}")
    return None


def _carrier_issues(file: str, path: str, row, kb) -> list[Issue]:
    """A known carrier, given in a unit of the right kind."""
    carrier = kb.carriers.get(row.carrier)
    if carrier is None:
        return [_unknown(file, f"{path}.carrier", "energy carrier", row.carrier, kb.carriers,
                         f"carriers: {', '.join(kb.carriers)}")]
    problem = _unit_issue(file, f"{path}.unit", row.unit, carrier.dimension, kb)
    return [problem] if problem else []


def _city_issue(profile: Profile, kb, file: str) -> Issue | None:
    """park.city: a city of knowledge/cities.csv (a short name is stored as the full one, 苏州 → 苏州市) that lies
    in park.province when both are given; a province the names do not know is not compared."""
    from advisor.kb.names import name_index

    park = profile.park
    index = name_index(kb)
    city = index.city(park.city) if park.city else None
    province = index.province(park.province) if park.province else None
    if city is None:   # suggested among the province's cities first
        near = [c.name_zh for c in index.cities_of(province)] if province else []
        hint = (did_you_mean(park.city or "", near)
                or did_you_mean(park.city or "", sorted({c.name_zh for c in index.cities.values()})))
        return Issue(file, "park.city", f"unknown prefecture-level city '{park.city}'",
                     (hint + " " if hint else "") + "use a city of knowledge/cities.csv (苏州 or 苏州市), or leave it "
                     "out when unknown")
    park.city = city.name_zh
    if province is not None and province != city.province:
        return Issue(file, "park.city", f"city {city.name_zh} lies in {city.province}, not in park.province "
                     f"{park.province}",
                     f"correct the province to {city.province}, or the city to a city of {province}")
    return None


def check_profile(profile: Profile, kb, file: str) -> list[Issue]:
    """Every problem a knowledge-aware reading of the profile finds (a city's short name is written in full)."""
    issues: list[Issue] = []
    park = profile.park
    if park.city is not None:
        problem = _city_issue(profile, kb, file)
        if problem:
            issues.append(problem)
    industries = kb.industries
    if not all(map(industries.__contains__, map(_CODE, park.industries))):
        for i, ind in enumerate(park.industries):
            if ind.code not in industries:
                issues.append(_unknown(file, f"park.industries[{i}].code", "industry division", ind.code,
                                       kb.industries, "use a GB/T 4754-2017 division code such as C26 (see "
                                       "knowledge/industries.csv)"))
    fine: _Fine = kb.derived("profile.fine", _Fine)
    substances = fine.substances
    enterprise_ids = set(map(_ID, profile.enterprises)) if profile.enterprises else set()
    owners = {"infrastructure"} | enterprise_ids
    owned = owners | {None, ""}   # an owner left out is not checked

    for section, rows in (("energy", profile.energy), ("exports", profile.exports)):
        if rows and not _rows_fine(rows, section, fine, enterprise_ids, owned):
            issues.extend(_row_issues(section, rows, kb, file, fine, enterprise_ids, owners))

    # the loops over names below run only when a name is unknown (issuperset is the quick test)
    categories = kb.process_categories
    processes = profile.processes
    if processes and not (all(map(categories.__contains__, map(_CATEGORY, processes)))
                          and all(map(substances.issuperset, map(_EMISSIONS, processes)))
                          and (not enterprise_ids or owners.issuperset(map(_OWNER, processes)))):
        for i, proc in enumerate(processes):
            if proc.category not in categories:
                issues.append(_unknown(file, f"processes[{i}].category", "process category", proc.category,
                                       categories, "see `park-advisor kb processes`"))
            for name in () if substances.issuperset(proc.emissions) else proc.emissions:
                if name not in substances:
                    issues.append(_unknown(file, f"processes[{i}].emissions.{name}", "substance", name, substances,
                                           "see knowledge/pollutants.yaml and knowledge/factors/gwp.csv"))
            if enterprise_ids and proc.owner not in owners:
                issues.append(_unknown(file, f"processes[{i}].owner", "owner", proc.owner, owners,
                                       "use 'infrastructure' or an id from enterprises"))

    history = profile.emissions_history
    if history is not None:
        problem = fine.unit_issue(file, "emissions_history.unit", history.unit, "mass", kb)
        if problem:
            issues.append(problem)
        for name in () if substances.issuperset(history.series) else history.series:
            if name not in substances:
                issues.append(_unknown(file, f"emissions_history.{name}", "substance", name, substances,
                                       "see knowledge/pollutants.yaml; carbon is CO2e"))
        for code, series in (history.by_industry or {}).items():
            if code not in industries:
                issues.append(_unknown(file, f"emissions_history.by_industry.{code}", "industry division", code,
                                       kb.industries, "use a division code such as C26"))
            for name in () if substances.issuperset(series) else series:
                if name not in substances:
                    issues.append(_unknown(file, f"emissions_history.by_industry.{code}.{name}", "substance",
                                           name, substances, "see knowledge/pollutants.yaml"))
    for i, name in enumerate(profile.characteristic_pollutants or []):
        if name not in kb.pollutants:
            issues.append(_unknown(file, f"characteristic_pollutants[{i}]", "pollutant", name, kb.pollutants,
                                   "see knowledge/pollutants.yaml"))
    if profile.economy is not None:
        problem = fine.unit_issue(file, "economy.unit", profile.economy.unit, "money", kb)
        if problem:
            issues.append(problem)
        for code in profile.economy.by_industry or {}:
            if code not in industries:
                issues.append(_unknown(file, f"economy.by_industry.{code}", "industry division", code,
                                       kb.industries, "use a division code such as C26"))
    enterprises = profile.enterprises
    if enterprises and not all(map(industries.__contains__, filter(None, map(_INDUSTRY, enterprises)))):
        for i, ent in enumerate(enterprises):
            if ent.industry and ent.industry not in industries:
                issues.append(_unknown(file, f"enterprises[{i}].industry", "industry division", ent.industry,
                                       kb.industries, "use a division code such as C26"))
    materials = profile.materials
    if materials and not ((not enterprise_ids or (enterprise_ids.issuperset(map(_ENTERPRISE, materials))
                                                  and (enterprise_ids | _RECEIVERS).issuperset(
                                                      filter(None, map(_RECEIVER, materials)))))
                          and fine.units.get("mass", set()).issuperset(map(_UNIT, materials))):
        for i, flow in enumerate(materials):
            if enterprise_ids and flow.enterprise not in enterprise_ids:
                issues.append(_unknown(file, f"materials[{i}].enterprise", "enterprise", flow.enterprise,
                                       enterprise_ids, "use an id from enterprises"))
            if flow.receiver and enterprise_ids and flow.receiver not in enterprise_ids | _RECEIVERS:
                issues.append(_unknown(file, f"materials[{i}].receiver", "receiver", flow.receiver,
                                       enterprise_ids | _RECEIVERS,
                                       "use an enterprise id or outside, landfill, incineration, recycling"))
            problem = fine.unit_issue(file, f"materials[{i}].unit", flow.unit, "mass", kb)
            if problem:
                issues.append(problem)
    for i, tracked in enumerate(profile.measures_status or []):
        if tracked.measure not in kb.measures:
            issues.append(_unknown(file, f"measures_status[{i}].measure", "measure", tracked.measure, kb.measures,
                                   "use a guideline measure id such as 7.3.4 (see `park-advisor kb list`)"))
    for i, target in enumerate(profile.targets or []):
        if target.indicator not in kb.indicators:
            issues.append(_unknown(file, f"targets[{i}].indicator", "indicator", target.indicator, kb.indicators,
                                   "use an indicator id of knowledge/indicators.yaml, e.g. co2e_per_output"))
    assumptions = profile.assumptions
    if assumptions is not None and assumptions.measures:
        book = (kb.extra.get("estimates") or {}).get("book")
        for measure in assumptions.measures:
            if book is not None and measure in kb.measures and measure not in book.measures:
                issues.append(Issue(file, f"assumptions.measures.{measure}",
                                    f"measure {measure} has no estimate: it enables others and cuts nothing itself",
                                    "set the share of a co-reduction measure such as 7.3.4"))
            elif book is not None and measure not in book.measures:
                issues.append(_unknown(file, f"assumptions.measures.{measure}", "measure", measure, book.measures,
                                       "use the id of a co-reduction measure such as 7.3.4"))
    return issues


def _rows_fine(rows: Sequence[EnergyUse | Export], section: str, fine: _Fine, enterprise_ids: set[str],
               owned: set) -> bool:
    """Whether energy or export rows have nothing to report: carriers and units known to fit, factor units
    known to be readable, owners known (tested whole; False may still mean no issue)."""
    if not all(map(fine.carrier_units.get, map(_CARRIER_UNIT, rows))):
        return False
    if section != "energy":
        return True
    readable = fine.factor_units
    for factor in filter(None, map(_FACTOR, rows)):
        if factor.unit not in readable or readable[factor.unit] is not None:
            return False
    return not enterprise_ids or owned.issuperset(map(_OWNER, rows))


def _row_issues(section: str, rows: Sequence[EnergyUse | Export], kb, file: str, fine: _Fine,
                enterprise_ids: set[str], owners: set[str]) -> list[Issue]:
    """The issues of energy or export rows, row by row (each remembered answer is kept in `fine`)."""
    issues: list[Issue] = []
    carriers = kb.carriers
    fitting = fine.carrier_units   # (carrier, unit) → whether the carrier is known and the unit fits it
    for i, row in enumerate(rows):
        key = (row.carrier, row.unit)
        fits = fitting.get(key)
        if fits is None:
            carrier = carriers.get(row.carrier)
            fits = carrier is not None and unit_fits(row.unit, kb, _ACCEPTS.get(carrier.dimension)
                                                     or (carrier.dimension,))
            if len(fitting) < MEMO_LIMIT:
                fitting[key] = fits
        if not fits:
            issues.extend(_carrier_issues(file, f"{section}[{i}]", row, kb))   # only a problem gets a path
        factor = row.factor if isinstance(row, EnergyUse) else None
        if factor is not None:
            readable = fine.factor_units   # unit text → its problem or None
            if factor.unit not in readable:
                if len(readable) > 1000:   # a table of odd units: remember a bounded number
                    readable.clear()
                try:
                    parse_rate(factor.unit, kb)
                    readable[factor.unit] = None
                except UnitError as exc:   # the accounting reads the same unit with the same parser
                    readable[factor.unit] = str(exc)
            unreadable = readable[factor.unit]
            if unreadable is not None:
                issues.append(Issue(file, f"{section}[{i}].factor.unit", unreadable,
                                    "write the factor's unit as NUMERATOR/DENOMINATOR, e.g. 't CO2/t'"))
        owner = row.owner if isinstance(row, EnergyUse) else None   # exports have no owner
        if owner and enterprise_ids and owner not in owners:
            issues.append(_unknown(file, f"{section}[{i}].owner", "owner", owner, owners,
                                   "use 'infrastructure' or an id from enterprises"))
    return issues
