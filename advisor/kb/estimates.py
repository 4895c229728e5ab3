"""knowledge/reduction_coefficients.yaml and knowledge/pollution_equivalents.csv: read, validated and cross-checked
here; applied by advisor.decide.estimates (the tables it precomputes are built there, once per knowledge base)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from advisor.errors import Issue
from advisor.kb.schemas.estimates import PlanTargets, PollutionEquivalent, ProjectBook, ReductionBook

BOOK = "reduction_coefficients.yaml"
EQUIVALENTS = "pollution_equivalents.csv"
TARGETS = "plan_targets.yaml"
PROJECTS = "projects.yaml"


def load(root: Path, read: Any, validate: Any, kb: Any, issues: list[Issue]) -> dict[str, Any]:
    """{"book": ReductionBook | None, "equivalents": {substance: PollutionEquivalent}, "targets": PlanTargets |
    None, "projects": ProjectBook | None}; absent files give none. `read` and `validate` are the loader's."""
    out: dict[str, Any] = {"book": None, "equivalents": {}, "targets": None, "projects": None}
    path = root / BOOK
    if path.exists():
        data = read(path, issues)
        if data is not None:
            book = validate(ReductionBook, data, str(path), "", issues)
            if book is not None:
                problems = _references(book, kb)
                issues.extend(Issue(str(path), where, msg, fix) for where, msg, fix in problems)
                out["book"] = None if problems else book
    path = root / EQUIVALENTS
    if path.exists():
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = [{k: (v if v != "" else None) for k, v in row.items()} for row in csv.DictReader(fh)]
        for i, row in enumerate(rows):
            eq = validate(PollutionEquivalent, row, str(path), f"row {i + 2}", issues)
            if eq is None:
                continue
            if eq.substance not in kb.pollutants:
                issues.append(Issue(str(path), f"row {i + 2}", f"unknown pollutant '{eq.substance}'",
                                    "use an id of pollutants.yaml"))
            out["equivalents"][eq.substance] = eq
    for key, name, model in (("targets", TARGETS, PlanTargets), ("projects", PROJECTS, ProjectBook)):
        path = root / name
        data = read(path, issues) if path.exists() else None
        if data is not None:
            out[key] = validate(model, data, str(path), "", issues)
    for mid in (out["projects"].projects if out["projects"] else {}):
        if mid not in kb.measures:
            issues.append(Issue(str(root / PROJECTS), f"projects.{mid}", f"unknown measure '{mid}'",
                                "use a clause id of measures/"))
    for mid in (out["targets"].energy_saving_measures if out["targets"] else []):
        if mid not in kb.measures:
            issues.append(Issue(str(root / TARGETS), "energy_saving_measures", f"unknown measure '{mid}'",
                                "use a clause id of measures/"))
    return out


def _references(book: ReductionBook, kb: Any) -> list[tuple[str, str, str]]:
    """Every measure, coefficient, category, carrier and substance the book names exists; only co-reduction or
    trade-off measures have levers, only enabling ones `enables`."""
    problems = []
    coefficients = {c.id for c in book.coefficients}
    if len(coefficients) != len(book.coefficients):
        problems.append(("coefficients", "a coefficient id is defined twice", "keep one row per id"))
    substances = set(kb.pollutants) | {"CO2e", "solid_waste"}
    for mid, est in book.measures.items():
        measure = kb.measures.get(mid)
        if measure is None:
            problems.append((f"measures.{mid}", f"unknown measure '{mid}'", "use a clause id of measures/"))
        elif measure.effect == "enabling":
            problems.append((f"measures.{mid}", "an enabling measure has no direct tonnes",
                             "name what it makes possible under enables instead"))
        for i, lever in enumerate(est.levers):
            where = f"measures.{mid}.levers[{i}]"
            named = [*lever.cuts.values(), *lever.adds.values(), *([lever.coefficient] if lever.coefficient else [])]
            for cid in named:
                if cid not in coefficients:
                    problems.append((where, f"unknown coefficient '{cid}'", "add it under coefficients"))
            for sub in [*lever.cuts, *lever.adds, *([lever.substance] if lever.substance else [])]:
                if sub not in substances:
                    problems.append((where, f"unknown substance '{sub}'", "use CO2e or an id of pollutants.yaml"))
            if lever.acts_on is not None:
                for cat in lever.acts_on.categories:
                    if cat not in kb.process_categories:
                        problems.append((where, f"unknown process category '{cat}'",
                                         "use an id of process_categories.yaml"))
                for carrier in lever.acts_on.carriers or []:
                    if carrier not in kb.carriers:
                        problems.append((where, f"unknown carrier '{carrier}'", "use an id of carriers.yaml"))
    for mid, targets in book.enables.items():
        for other in [mid, *targets]:
            if other not in kb.measures:
                problems.append((f"enables.{mid}", f"unknown measure '{other}'", "use a clause id of measures/"))
        if mid in kb.measures and kb.measures[mid].effect != "enabling":
            problems.append((f"enables.{mid}", f"measure {mid} is not an enabling measure",
                             "give it levers under measures instead"))
    return problems
