"""Load knowledge/ into validated models, listing every problem found.

`load_knowledge()` is cached per directory: the knowledge base is read once per process.
Cross-file checks that involve the rule books live in advisor.decide.checks.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from advisor.errors import Issue, KnowledgeError
from advisor.kb import disk_cache, names
from advisor.kb import estimates as est
from advisor.kb import inferences as inf
from advisor.kb import standards as std
from advisor.kb.paths import knowledge_dir
from advisor.kb.safe_load import load_data_file
from advisor.kb.schemas import audit as a
from advisor.kb.schemas import indicators as ind
from advisor.kb.schemas import knowledge as k

M = TypeVar("M", bound=BaseModel)
D = TypeVar("D")


@dataclass
class KnowledgeBase:
    root: Path
    measures: dict[str, k.Measure] = field(default_factory=dict)
    objects: dict[str, k.ImplementationObject] = field(default_factory=dict)
    boundary_types: dict[str, k.BoundaryType] = field(default_factory=dict)
    data_tiers: dict[str, k.DataTier] = field(default_factory=dict)
    process_categories: dict[str, k.ProcessCategory] = field(default_factory=dict)
    decoupling: k.DecouplingVocabulary | None = None
    park_types: dict[str, k.ParkType] = field(default_factory=dict)
    programmes: dict[str, k.ProgrammeKind] = field(default_factory=dict)
    pollutants: dict[str, k.Pollutant] = field(default_factory=dict)
    carriers: dict[str, k.Carrier] = field(default_factory=dict)
    units: dict[str, k.Unit] = field(default_factory=dict)        # every spelling, aliases included
    industries: dict[str, k.Industry] = field(default_factory=dict)
    provinces: dict[str, k.Province] = field(default_factory=dict)
    grid_factors: list[k.GridFactor] = field(default_factory=list)
    fuel_factors: list[k.FuelFactor] = field(default_factory=list)
    other_factors: dict[str, k.OtherFactor] = field(default_factory=dict)
    gwp: dict[str, k.GwpRow] = field(default_factory=dict)
    standards: list[std.StandardEdition] = field(default_factory=list)   # knowledge/standards.csv
    grid_choices: dict[str, k.GridFactorChoice] = field(default_factory=dict)
    controls: dict[str, k.EndOfPipeControl] = field(default_factory=dict)
    analysis: k.AnalysisSettings | None = None
    audit: a.AuditSettings | None = None             # knowledge/audit.yaml
    product_carbon: dict[str, a.ProductCarbon] = field(default_factory=dict)   # factors/product_carbon.csv
    inferences: list[inf.Inference] = field(default_factory=list)   # knowledge/inferences.yaml
    industry_names: Any = None   # knowledge/industry_aliases.yaml (advisor.kb.names)
    cities: list[Any] = field(default_factory=list)   # knowledge/cities.csv (advisor.kb.names)
    city_lists: dict[str, Any] = field(default_factory=dict)   # knowledge/city_lists.yaml (advisor.kb.inferences)
    indicators: dict[str, ind.Indicator] = field(default_factory=dict)   # knowledge/indicators.yaml
    extra: dict[str, Any] = field(default_factory=dict)   # files read by later stages (facts, findings, questions)
    # tables its readers derive from it (indexes, look-ups), built on first use and kept with it: see derived()
    _derived: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    _in_order: list[k.Measure] | None = field(default=None, init=False, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_derived": {}}   # the disk cache stores what was read, not what was derived

    def derived(self, name: str, build: Callable[[KnowledgeBase], D]) -> D:
        """build(self), computed once for this knowledge base and kept with it (knowledge is not edited after
        loading). `name` says whose table it is, e.g. "accounting.index"."""
        try:
            return self._derived[name]
        except KeyError:
            value = self._derived[name] = build(self)
            return value

    def object_ids(self) -> list[str]:
        """The implementation objects in the guideline's order (objects.yaml)."""
        return list(self.objects)

    @property
    def substances(self) -> set[str]:
        """Every name a profile may use for an emitted substance."""
        return set(self.pollutants) | set(self.gwp) | {"CO2e"}

    def measures_in_order(self) -> list[k.Measure]:
        if self._in_order is None or len(self._in_order) != len(self.measures):
            self._in_order = sorted(self.measures.values(), key=lambda m: tuple(int(p) for p in m.id.split(".")))
        return list(self._in_order)

    def fuel_factor(self, fuel: str, factor_set: str) -> k.FuelFactor | None:
        for row in self.fuel_factors:
            if row.fuel == fuel and row.set == factor_set:
                return row
        return None

    def park_type_of(self, division: str) -> str | None:
        for pt in self.park_types.values():
            if division in pt.divisions:
                return pt.id
        return None


def _problem(exc: ValidationError) -> list[tuple[str, str]]:
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        out.append((loc, err["msg"]))
    return out


def _validate(model: type[M], data: Any, file: str, path: str, issues: list[Issue]) -> M | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for loc, msg in _problem(exc):
            issues.append(Issue(file, f"{path}.{loc}".strip(".") if loc else path, msg,
                                "edit the entry to match the schema in advisor/kb/schemas/knowledge.py"))
        return None


def _read_yaml(path: Path, issues: list[Issue]) -> Any:
    try:
        return load_data_file(path, KnowledgeError)
    except KnowledgeError as exc:
        issues.extend(exc.issues)
        return None


def _read_csv(path: Path, issues: list[Issue]) -> list[dict[str, str | None]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return [{key: (val if val != "" else None) for key, val in row.items()} for row in csv.DictReader(fh)]
    except FileNotFoundError:
        issues.append(Issue(str(path), "", "file not found", "restore it from the repository"))
        return []


def _keyed(items: list[M | None], key: str, file: str, issues: list[Issue]) -> dict[str, M]:
    out: dict[str, M] = {}
    for item in items:
        if item is None:
            continue
        ident = getattr(item, key)
        if ident in out:
            issues.append(Issue(file, ident, f"{key} '{ident}' is defined twice", "keep one entry"))
        out[ident] = item
    return out


def _list_file(root: Path, name: str, model: type[M], key: str, issues: list[Issue]) -> dict[str, M]:
    path = root / name
    data = _read_yaml(path, issues)
    if data is None:
        return {}
    if not isinstance(data, list):
        issues.append(Issue(str(path), "", "expected a list of entries", "start each entry with '- '"))
        return {}
    items = [_validate(model, row, str(path), f"[{i}]", issues) for i, row in enumerate(data)]
    return _keyed(items, key, str(path), issues)


def _csv_file(root: Path, name: str, model: type[M], issues: list[Issue]) -> list[M]:
    path = root / name
    rows = _read_csv(path, issues)
    items = [_validate(model, row, str(path), f"row {i + 2}", issues) for i, row in enumerate(rows)]
    return [i for i in items if i is not None]


def _load_measures(root: Path, issues: list[Issue]) -> dict[str, k.Measure]:
    folder = root / "measures"
    cards = []
    for path in sorted(folder.glob("*.yaml")):
        data = _read_yaml(path, issues)
        card = _validate(k.Measure, data, str(path), "", issues) if data is not None else None
        if card is not None and card.id != path.stem:
            issues.append(Issue(str(path), "id", f"card id '{card.id}' differs from the file name",
                                f"rename the file to {card.id}.yaml"))
        cards.append(card)
    return _keyed(cards, "id", str(folder), issues)


def _product_carbon(root: Path, issues: list[Issue]) -> list[a.ProductCarbon]:
    path = root / "factors/product_carbon.csv"
    rows = []
    for i, row in enumerate(_read_csv(path, issues)):
        cells: dict[str, Any] = dict(row)
        cells["aliases"] = [x.strip() for x in (row.get("aliases") or "").split("|") if x.strip()]
        item = _validate(a.ProductCarbon, cells, str(path), f"row {i + 2}", issues)
        if item is not None:
            rows.append(item)
    return rows


def _load_units(root: Path, issues: list[Issue]) -> dict[str, k.Unit]:
    path = root / "units.csv"
    units: dict[str, k.Unit] = {}
    for i, row in enumerate(_read_csv(path, issues)):
        cells: dict[str, Any] = dict(row)
        cells["aliases"] = [a.strip() for a in (row.get("aliases") or "").split("|") if a.strip()]
        unit = _validate(k.Unit, cells, str(path), f"row {i + 2}", issues)
        if unit is None:
            continue
        for spelling in [unit.unit, *unit.aliases]:
            if spelling in units:
                issues.append(Issue(str(path), f"row {i + 2}", f"unit spelling '{spelling}' is defined twice",
                                    "keep it on one row"))
            units[spelling] = unit
    return units


def load_knowledge_uncached(root: Path) -> tuple[KnowledgeBase, list[Issue]]:
    """The knowledge base and every problem found while reading it."""
    issues: list[Issue] = []
    kb = KnowledgeBase(root=root)
    kb.measures = _load_measures(root, issues)
    kb.objects = _list_file(root, "objects.yaml", k.ImplementationObject, "id", issues)
    kb.boundary_types = _list_file(root, "boundary_types.yaml", k.BoundaryType, "id", issues)
    kb.data_tiers = _list_file(root, "data_tiers.yaml", k.DataTier, "id", issues)
    kb.process_categories = _list_file(root, "process_categories.yaml", k.ProcessCategory, "id", issues)
    kb.park_types = _list_file(root, "park_types.yaml", k.ParkType, "id", issues)
    kb.pollutants = _list_file(root, "pollutants.yaml", k.Pollutant, "id", issues)
    kb.programmes = _list_file(root, "programmes.yaml", k.ProgrammeKind, "id", issues)
    kb.carriers = _list_file(root, "carriers.yaml", k.Carrier, "id", issues)
    decoupling = _read_yaml(root / "decoupling.yaml", issues)
    if decoupling is not None:
        kb.decoupling = _validate(k.DecouplingVocabulary, decoupling, str(root / "decoupling.yaml"), "", issues)
    analysis = _read_yaml(root / "analysis.yaml", issues)
    if analysis is not None:
        kb.analysis = _validate(k.AnalysisSettings, analysis, str(root / "analysis.yaml"), "", issues)
    kb.units = _load_units(root, issues)
    kb.industries = {i.code: i for i in _csv_file(root, "industries.csv", k.Industry, issues)}
    kb.provinces = {p.name_zh: p for p in _csv_file(root, "provinces.csv", k.Province, issues)}
    kb.grid_factors = _csv_file(root, "factors/grid_factors.csv", k.GridFactor, issues)
    kb.fuel_factors = _csv_file(root, "factors/fuel_factors.csv", k.FuelFactor, issues)
    kb.other_factors = {f.item: f for f in _csv_file(root, "factors/heat_and_other.csv", k.OtherFactor, issues)}
    kb.gwp = {g.gas: g for g in _csv_file(root, "factors/gwp.csv", k.GwpRow, issues)}
    kb.standards = std.load_table(root, issues)
    std.resolve(kb.measures, kb.standards)   # card citations get their titles
    kb.grid_choices = _list_file(root, "grid_choices.yaml", k.GridFactorChoice, "id", issues)
    kb.controls = _list_file(root, "controls.yaml", k.EndOfPipeControl, "id", issues)
    audit = _read_yaml(root / "audit.yaml", issues)
    if audit is not None:
        kb.audit = _validate(a.AuditSettings, audit, str(root / "audit.yaml"), "", issues)
    kb.product_carbon = {p.product: p for p in _product_carbon(root, issues)}
    _check_references(kb, root, issues)
    _check_audit(kb, root, issues)
    for name in ("facts.yaml", "findings.yaml", "questions.yaml"):
        if (root / name).exists():
            kb.extra[name] = _read_yaml(root / name, issues)
    kb.cities = names.load_cities(root, _read_csv, _validate, kb, issues)
    kb.city_lists = inf.load_city_lists(root, _read_yaml, _validate, kb, issues)
    kb.inferences = inf.load(root, _read_yaml, _validate, kb, issues)
    kb.extra["estimates"] = est.load(root, _read_yaml, _validate, kb, issues)   # per-measure reductions
    kb.industry_names = names.load(root, _read_yaml, _validate, kb, issues)
    if (root / "indicators.yaml").exists():
        kb.indicators = _list_file(root, "indicators.yaml", ind.Indicator, "id", issues)
        _check_indicators(kb, root, issues)
    return kb, issues


def _check_references(kb: KnowledgeBase, root: Path, issues: list[Issue]) -> None:
    """What one file names in another: a measure's clause section is its object's; one park type is the
    fallback, and the types coal feedstock turns exist; every fuel factor set has a tier; a grid choice's series
    and region have factors; a control's pollutant and factors exist."""
    for m in kb.measures.values():
        obj = kb.objects.get(m.object)
        if obj is not None and not m.id.startswith(obj.clause + "."):
            owner = next((o.id for o in kb.objects.values() if m.id.startswith(o.clause + ".")), "none")
            issues.append(Issue(str(root / "measures" / f"{m.id}.yaml"), "object",
                                f"clause {m.id} belongs to object '{owner}', not '{m.object}'",
                                "correct the object or the clause (objects.yaml gives each object's clause)"))
    fallbacks = [t.id for t in kb.park_types.values() if t.fallback]
    if len(fallbacks) != 1:
        issues.append(Issue(str(root / "park_types.yaml"), "fallback", f"{len(fallbacks)} types are marked fallback",
                            "mark exactly one type (the type of a park no other type fits) with fallback: true"))
    for park_type in kb.park_types.values():
        for other in park_type.coal_feedstock_in:
            if other not in kb.park_types:
                issues.append(Issue(str(root / "park_types.yaml"), f"{park_type.id}.coal_feedstock_in",
                                    f"unknown park type '{other}'", "use an id of park_types.yaml"))
    tiered_sets = {t.fuel_factor_set for t in kb.data_tiers.values()}
    for fuel_set in sorted({f.set for f in kb.fuel_factors} - tiered_sets):
        issues.append(Issue(str(root / "data_tiers.yaml"), "fuel_factor_set",
                            f"no tier for the fuel factors '{fuel_set}'",
                            "give the factor tier of that set its fuel_factor_set"))
    series_regions = {(g.series, g.region) for g in kb.grid_factors}
    for choice in kb.grid_choices.values():
        if not any(s == choice.series and choice.region in (None, r) for s, r in series_regions):
            where = f", region {choice.region}" if choice.region else ""
            issues.append(Issue(str(root / "grid_choices.yaml"), choice.id,
                                f"no grid factor of series {choice.series}{where}",
                                "add its rows to factors/grid_factors.csv or correct the series"))
    for control in kb.controls.values():
        if control.removes not in kb.pollutants:
            issues.append(Issue(str(root / "controls.yaml"), f"{control.id}.removes",
                                f"unknown pollutant '{control.removes}'", "use an id of pollutants.yaml"))
        for item in control.factors:
            if item not in kb.other_factors:
                issues.append(Issue(str(root / "controls.yaml"), f"{control.id}.factors", f"unknown factor '{item}'",
                                    "use an item of factors/heat_and_other.csv"))


def _check_indicators(kb: KnowledgeBase, root: Path, issues: list[Issue]) -> None:
    """An indicator's pollutant is in pollutants.yaml and its money unit in units.csv."""
    for indicator in kb.indicators.values():
        for term in [*indicator.value.numerator, *indicator.value.denominator]:
            kind, name = term.quantity.split(":", 1)
            unit = kb.units.get(name)
            if (kind == "pollutant_kg" and name not in kb.pollutants) or (
                    kind == "economy" and (unit is None or unit.dimension != "money")):
                issues.append(Issue(str(root / "indicators.yaml"), f"{indicator.id}.value",
                                    f"unknown {'pollutant' if kind == 'pollutant_kg' else 'money unit'} '{name}'",
                                    "use an id of pollutants.yaml or a money unit of units.csv"))


def _check_audit(kb: KnowledgeBase, root: Path, issues: list[Issue]) -> None:
    """audit.yaml names a grid series, carriers and decoupling states that exist."""
    if kb.audit is None:
        return
    where = str(root / "audit.yaml")
    if not any(g.series == kb.audit.exports.fossil_power_series for g in kb.grid_factors):
        issues.append(Issue(where, "exports.fossil_power_series", "no grid factor of this series",
                            "name a series of factors/grid_factors.csv"))
    for category in kb.audit.exports.heat_source_categories:
        if category not in kb.process_categories:
            issues.append(Issue(where, "exports.heat_source_categories", f"unknown process category '{category}'",
                                "use an id of process_categories.yaml"))
    for carrier in kb.audit.carbon_market.unmeasured_coal.carriers:
        if carrier not in kb.carriers:
            issues.append(Issue(where, "carbon_market.unmeasured_coal.carriers", f"unknown carrier '{carrier}'",
                                "use an id of carriers.yaml"))
    if kb.decoupling is not None:
        tapio = {s.id for s in kb.decoupling.tapio}
        trend = {s.id for s in kb.decoupling.trend}
        for i, d in enumerate(kb.audit.judgment_differences):
            if d.tapio not in tapio or d.state not in trend:
                issues.append(Issue(where, f"judgment_differences[{i}]", f"unknown state '{d.tapio}' or '{d.state}'",
                                    "use ids of decoupling.yaml (tapio, trend)"))


@cache
def _cached(root: Path) -> tuple[KnowledgeBase, tuple[Issue, ...]]:
    def build():
        kb, issues = load_knowledge_uncached(root)
        return kb, tuple(issues)
    return disk_cache.load("knowledge", [root], build)


def load_knowledge(root: Path | None = None) -> KnowledgeBase:
    """The validated knowledge base; raises KnowledgeError listing every problem."""
    kb, issues = _cached((root or knowledge_dir()).resolve())
    if issues:
        raise KnowledgeError(list(issues))
    return kb
