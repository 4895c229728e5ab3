"""Load rules/*.yaml, the fact catalogue and the findings catalogue; parse conditions; stratify.

Rules conclude findings or measures; findings feed further rules. Strata order the
chain: a rule runs in the round after every finding it reads has been concluded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from advisor.errors import Issue, KnowledgeError
from advisor.kb import disk_cache
from advisor.kb.conditions import ConditionSyntaxError, Node, compile_check, facts_of, findings_of, parse
from advisor.kb.paths import knowledge_dir, rules_dir
from advisor.kb.safe_load import load_data_file
from advisor.kb.schemas.rules import FactDef, FindingDef, Rule, RuleBook

T = TypeVar("T")


@dataclass
class CompiledRule:
    rule: Rule
    condition: Node
    file: str
    stratum: int = 1

    @cached_property
    def facts(self) -> tuple[str, ...]:
        """The facts the condition reads, in order (asked for many times per park)."""
        return tuple(facts_of(self.condition))

    @cached_property
    def check(self):
        """The condition as a function (facts, findings) → True / False / None."""
        return compile_check(self.condition)

    @cached_property
    def findings(self) -> tuple[str, ...]:
        """The findings the condition reads, in order."""
        return tuple(findings_of(self.condition))


@dataclass
class RuleBase:
    rules: dict[str, CompiledRule] = field(default_factory=dict)
    facts: dict[str, FactDef] = field(default_factory=dict)
    findings: dict[str, FindingDef] = field(default_factory=dict)
    finding_stratum: dict[str, int] = field(default_factory=dict)
    themes: dict[str, str] = field(default_factory=dict)

    @property
    def rounds(self) -> int:
        return max((r.stratum for r in self.rules.values()), default=1)

    # The tables below are read for every park: each is built on first use and again only when rules or
    # findings were added since (it is kept with the count it was built for).
    _tables: dict[str, tuple[int, Any]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_tables": {}}   # the disk cache stores what was read, not what was derived

    def _table(self, name: str, size: int, build: Callable[[], T]) -> T:
        kept = self._tables.get(name)
        if kept is None or kept[0] != size:
            kept = self._tables[name] = (size, build())
        return kept[1]

    def _index(self) -> dict[tuple[str, str | None], list[CompiledRule]]:
        def build() -> dict[tuple[str, str | None], list[CompiledRule]]:
            index: dict[tuple[str, str | None], list[CompiledRule]] = {}
            for r in self.rules.values():
                then = r.rule.then
                key = ("measure", then.measure) if then.measure else ("finding", then.finding)
                index.setdefault(key, []).append(r)
            return index

        return self._table("by_conclusion", len(self.rules), build)

    def rules_for_measure(self, measure: str) -> list[CompiledRule]:
        return self._index().get(("measure", measure), [])

    def measure_rules(self) -> list[tuple[CompiledRule, str, str, bool]]:
        """(rule, its id, the measure it concludes, whether it supports it when only possible) for
        each rule that concludes a measure, in rule-file order (read for every park)."""
        return self._table("measure_rules", len(self.rules), lambda: [
            (r, r.rule.id, r.rule.then.measure, r.rule.on_unknown == "verify")
            for r in self.rules.values() if r.rule.then.measure])

    def measure_plan(self) -> list[tuple[str, tuple[tuple[CompiledRule, str, bool, float, tuple[str, ...]], ...]]]:
        """(measure id, ((rule, rule id, supports it when only possible, weight, findings it reads), …))
        per measure some rule concludes, its rules in rule-file order (read for every park)."""
        def build() -> list[tuple[str, tuple[tuple[CompiledRule, str, bool, float, tuple[str, ...]], ...]]]:
            by_measure: dict[str, list] = {}
            for r, rid, measure, verify in self.measure_rules():
                by_measure.setdefault(measure, []).append((r, rid, verify, float(r.rule.then.weight), r.findings))
            return [(measure, tuple(rules)) for measure, rules in by_measure.items()]

        return self._table("measure_plan", len(self.rules), build)

    def severities(self) -> dict[str, int]:
        """finding id → its severity (read for every park)."""
        return self._table("severities", len(self.findings),
                           lambda: {fid: d.severity for fid, d in self.findings.items()})

    def rule_targets(self, rule_id: str) -> tuple[str, ...]:
        """The measures a rule's outcome bears on: its own measure, or those reading its finding."""
        return self.targets_table()[rule_id]

    def targets_table(self) -> dict[str, tuple[str, ...]]:
        """rule id → rule_targets(rule id), for all rules (read for every park)."""
        def build() -> dict[str, tuple[str, ...]]:
            targets = {}
            for rid, r in self.rules.items():
                then = r.rule.then
                found = {then.measure} if then.measure else self.measures_reading(then.finding or "")
                targets[rid] = tuple(sorted(t for t in found if t))
            return targets

        return self._table("targets", len(self.rules), build)

    def fact_readers(self) -> dict[str, tuple[str, ...]]:
        """fact → the ids of the rules whose outcome it can change: those reading it, and those reading a
        finding concluded by such a rule (transitively)."""
        def build() -> dict[str, tuple[str, ...]]:
            behind: dict[str, set[str]] = {}

            def facts_behind(fid: str) -> set[str]:
                found = behind.get(fid)
                if found is None:
                    behind[fid] = set()      # ends a cycle (the rule loader refuses them)
                    found = set()
                    for r in self.rules_for_finding(fid):
                        found.update(r.facts)
                        for g in r.findings:
                            found |= facts_behind(g)
                    behind[fid] = found
                return found

            readers: dict[str, list[str]] = {}
            for rid, r in self.rules.items():
                read = set(r.facts)
                for g in r.findings:
                    read |= facts_behind(g)
                for fact in read:
                    readers.setdefault(fact, []).append(rid)
            return {fact: tuple(rids) for fact, rids in readers.items()}

        return self._table("fact_readers", len(self.rules), build)

    def rules_for_finding(self, finding: str) -> list[CompiledRule]:
        return self._index().get(("finding", finding), [])

    def measures_reading(self, finding: str) -> set[str]:
        """Measures whose rules read this finding directly."""
        def build() -> dict[str, set[str]]:
            readers: dict[str, set[str]] = {}
            for r in self.rules.values():
                if r.rule.then.measure:
                    for g in r.findings:
                        readers.setdefault(g, set()).add(r.rule.then.measure)
            return readers

        return self._table("readers", len(self.rules), build).get(finding, set())


def _catalogue(path: Path, model, issues: list[Issue]) -> dict:
    try:
        data = load_data_file(path, KnowledgeError)
    except KnowledgeError as exc:
        issues.extend(exc.issues)
        return {}
    if not isinstance(data, list):
        issues.append(Issue(str(path), "", "expected a list of entries", "start each entry with '- '"))
        return {}
    out = {}
    for i, row in enumerate(data):
        try:
            item = model.model_validate(row)
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(p) for p in err["loc"])
                issues.append(Issue(str(path), f"[{i}].{loc}", err["msg"],
                                    "match the rule schema in advisor/kb/schemas/rules.py (see docs/rules.md)"))
            continue
        if item.id in out:
            issues.append(Issue(str(path), f"[{i}]", f"'{item.id}' is defined twice", "keep one entry"))
        out[item.id] = item
    return out


def _stratify(base: RuleBase, issues: list[Issue]) -> None:
    """Give each rule the round after the findings it reads; report cycles."""
    concluding: dict[str, list[CompiledRule]] = {}
    for r in base.rules.values():
        if r.rule.then.finding:
            concluding.setdefault(r.rule.then.finding, []).append(r)
    state: dict[str, int] = {}
    visiting: set[str] = set()

    def rule_stratum(r: CompiledRule) -> int:
        reads = findings_of(r.condition)
        return 1 + max((finding_stratum(f) for f in reads), default=0)

    def finding_stratum(fid: str) -> int:
        if fid in state:
            return state[fid]
        if fid in visiting:
            issues.append(Issue("rules/", fid, f"finding '{fid}' depends on itself through a chain of rules",
                                "break the cycle: a finding cannot be a condition of the rules that conclude it"))
            return 0
        visiting.add(fid)
        value = max((rule_stratum(r) for r in concluding.get(fid, [])), default=0)
        visiting.discard(fid)
        state[fid] = value
        return value

    for r in base.rules.values():
        r.stratum = rule_stratum(r)
    base.finding_stratum = {f: finding_stratum(f) for f in concluding}


def load_rulebase_uncached(rules_root: Path, knowledge_root: Path) -> tuple[RuleBase, list[Issue]]:
    issues: list[Issue] = []
    base = RuleBase()
    base.facts = _catalogue(knowledge_root / "facts.yaml", FactDef, issues)
    base.findings = _catalogue(knowledge_root / "findings.yaml", FindingDef, issues)
    files = sorted(rules_root.glob("*.yaml"))
    if not files:
        issues.append(Issue(str(rules_root), "", "no rule books (*.yaml) found", "restore rules/ from the repository"))
    for path in files:
        try:
            data = load_data_file(path, KnowledgeError)
        except KnowledgeError as exc:
            issues.extend(exc.issues)
            continue
        try:
            book = RuleBook.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(p) for p in err["loc"])
                issues.append(Issue(str(path), loc, err["msg"].removeprefix("Value error, "),
                                    "match the rule schema in advisor/kb/schemas/rules.py (see docs/rules.md)"))
            continue
        base.themes[path.stem] = book.theme.en
        for rule in book.rules:
            if rule.id in base.rules:
                issues.append(Issue(str(path), rule.id,
                                    f"rule id '{rule.id}' is also used in {base.rules[rule.id].file}",
                                    "rule ids are unique and never reused"))
                continue
            try:
                node = parse(rule.when)
            except ConditionSyntaxError as exc:
                issues.append(Issue(str(path), f"{rule.id} {exc.path}", exc.message,
                                    "see the condition language in rules/README.md"))
                continue
            base.rules[rule.id] = CompiledRule(rule, node, path.name)
    _stratify(base, issues)
    return base, issues


@cache
def _cached(rules_root: Path, knowledge_root: Path):
    def build():
        base, issues = load_rulebase_uncached(rules_root, knowledge_root)
        return base, tuple(issues)
    return disk_cache.load("rules", [rules_root, knowledge_root], build)


def load_rulebase(rules_root: Path | None = None, knowledge_root: Path | None = None) -> RuleBase:
    base, issues = _cached((rules_root or rules_dir()).resolve(), (knowledge_root or knowledge_dir()).resolve())
    if issues:
        raise KnowledgeError(list(issues))
    return base
