"""Cross-file checks of knowledge/ and rules/: one function per problem, each listing offenders.

`check_all()` is what `park-advisor kb check` runs; every function returns issues, never raises.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from advisor.errors import Issue, KnowledgeError, did_you_mean
from advisor.kb.conditions import Atom, FindingAtom, atoms, evaluate
from advisor.kb.knowledge import KnowledgeBase, load_knowledge_uncached
from advisor.kb.paths import knowledge_dir, rules_dir
from advisor.kb.rulebook import RuleBase, load_rulebase_uncached
from advisor.kb.standards import CHECKS as STANDARD_CHECKS

EXPECTED_MEASURES = [f"7.{o}.{i}" for o, n in ((1, 7), (2, 8), (3, 8), (4, 3), (5, 4)) for i in range(1, n + 1)]


def guideline_has_thirty_measures(kb: KnowledgeBase, base: RuleBase) -> list[Issue]:
    missing = [m for m in EXPECTED_MEASURES if m not in kb.measures]
    extra = [m for m in kb.measures if m not in EXPECTED_MEASURES]
    issues = [Issue("knowledge/measures", m, "measure card missing", f"add knowledge/measures/{m}.yaml")
              for m in missing]
    issues += [Issue("knowledge/measures", m, "not a measure of the guideline (7.1.1–7.5.4)", "remove the card")
               for m in extra]
    return issues


def measure_references_resolve(kb: KnowledgeBase, base: RuleBase) -> list[Issue]:
    issues = []
    substances = kb.substances
    for m in kb.measures.values():
        file = f"knowledge/measures/{m.id}.yaml"
        for pre in m.prerequisites:
            if pre not in kb.measures:
                issues.append(Issue(file, "prerequisites", f"unknown measure '{pre}'", did_you_mean(pre, kb.measures)))
        for cat in m.target_processes:
            if cat not in kb.process_categories:
                fix = did_you_mean(cat, kb.process_categories) or "see knowledge/process_categories.yaml"
                issues.append(Issue(file, "target_processes", f"unknown process category '{cat}'", fix))
        for sub in m.co_benefits:
            if sub not in substances:
                issues.append(Issue(file, "co_benefits", f"unknown substance '{sub}'",
                                    did_you_mean(sub, substances) or "see knowledge/pollutants.yaml"))
        for key in m.actions:
            if key != "default" and key not in kb.park_types:
                issues.append(Issue(file, f"actions.{key}", f"unknown park type '{key}'",
                                    did_you_mean(key, kb.park_types) or "see knowledge/park_types.yaml"))
    return issues


def park_types_do_not_overlap(kb: KnowledgeBase, base: RuleBase) -> list[Issue]:
    seen: dict[str, str] = {}
    issues = []
    for pt in kb.park_types.values():
        for code in pt.divisions:
            if code not in kb.industries:
                issues.append(Issue("knowledge/park_types.yaml", pt.id, f"unknown division '{code}'",
                                    did_you_mean(code, kb.industries)))
            if code in seen:
                issues.append(Issue("knowledge/park_types.yaml", pt.id, f"division {code} is also in {seen[code]}",
                                    "a division belongs to one park type"))
            seen[code] = pt.id
    return issues


def _value_problem(fact, atom: Atom) -> str:
    values = atom.value if atom.op in ("in", "nin") else (atom.value,)
    if atom.op in ("exists", "unknown"):
        return ""
    for v in values:
        if fact.type == "bool" and not isinstance(v, bool):
            return f"{fact.id} is yes/no; compare it with true or false, not {v!r}"
        if fact.type in ("number", "count") and (isinstance(v, bool) or not isinstance(v, (int, float))):
            return f"{fact.id} is a number ({fact.unit or 'count'}); {v!r} is not"
        if fact.type == "enum" and v not in fact.values:
            hint = did_you_mean(v, fact.values)
            return (f"{fact.id} takes {', '.join(fact.values)}; {v!r} is not one of them"
                    + (f" – {hint}" if hint else ""))
    if atom.op in ("lt", "le", "gt", "ge") and fact.type not in ("number", "count"):
        return f"{fact.id} is {fact.type}; `{atom.op}` compares numbers"
    return ""


def rules_reference_known_things(kb: KnowledgeBase, base: RuleBase) -> list[Issue]:
    issues = []
    for r in base.rules.values():
        file = f"rules/{r.file}"
        then = r.rule.then
        if then.measure and then.measure not in kb.measures:
            issues.append(Issue(file, r.rule.id, f"unknown measure '{then.measure}'",
                                did_you_mean(then.measure, kb.measures) or "measures are 7.1.1 … 7.5.4"))
        if then.finding and then.finding not in base.findings:
            issues.append(Issue(file, r.rule.id, f"unknown finding '{then.finding}'",
                                did_you_mean(then.finding, base.findings) or "declare it in knowledge/findings.yaml"))
        if r.rule.clause not in kb.measures and not r.rule.clause.startswith(("4.", "5.", "6.", "7.")):
            issues.append(Issue(file, r.rule.id, f"clause '{r.rule.clause}' is not a guideline clause",
                                "cite a clause such as 7.2.3 or 6.4"))
        for a in atoms(r.condition):
            if isinstance(a, FindingAtom):
                if a.finding not in base.findings:
                    fix = did_you_mean(a.finding, base.findings) or "declare it in knowledge/findings.yaml"
                    issues.append(Issue(file, r.rule.id, f"unknown finding '{a.finding}'", fix))
                continue
            fact = base.facts.get(a.fact)
            if fact is None:
                issues.append(Issue(file, r.rule.id, f"unknown fact '{a.fact}'",
                                    did_you_mean(a.fact, base.facts) or "declare it in knowledge/facts.yaml"))
                continue
            problem = _value_problem(fact, a)
            if problem:
                issues.append(Issue(file, r.rule.id, problem, "fix the value in the condition"))
    return issues


def findings_are_concluded(kb: KnowledgeBase, base: RuleBase) -> list[Issue]:
    concluded = {r.rule.then.finding for r in base.rules.values() if r.rule.then.finding}
    return [Issue("knowledge/findings.yaml", fid, "no rule concludes this finding", "add a rule or remove the finding")
            for fid in base.findings if fid not in concluded]


def case_outcome(r, given: dict[str, Any]) -> str:
    """What a rule does for a case: 'fire', 'verify' or 'no_fire'."""
    facts = {k: v for k, v in given.items() if not k.startswith("finding:")}
    findings = {k.removeprefix("finding:"): v for k, v in given.items() if k.startswith("finding:") and v is not False}
    result = evaluate(r.condition, facts, findings)
    if result is True:
        return "fire"
    if result is None and r.rule.on_unknown == "verify":
        return "verify"
    return "no_fire"


def every_rule_has_passing_cases(kb: KnowledgeBase, base: RuleBase) -> list[Issue]:
    issues = []
    for r in base.rules.values():
        file = f"rules/{r.file}"
        if not r.rule.cases:
            issues.append(Issue(file, r.rule.id, "rule has no test case", "add cases: [{given: {...}, expect: fire}]"))
            continue
        if not any(c.expect in ("fire", "verify") for c in r.rule.cases):
            issues.append(Issue(file, r.rule.id, "no case shows the rule firing (can it ever fire?)",
                                "add a case with expect: fire"))
        for i, case in enumerate(r.rule.cases):
            for key in case.given:
                name = key.removeprefix("finding:")
                known = base.findings if key.startswith("finding:") else base.facts
                if name not in known:
                    kind = "finding" if key.startswith("finding:") else "fact"
                    issues.append(Issue(file, f"{r.rule.id} cases[{i}]", f"unknown {kind} '{name}'",
                                        did_you_mean(name, known)))
            got = case_outcome(r, case.given)
            if got != case.expect:
                issues.append(Issue(file, f"{r.rule.id} cases[{i}]", f"expected {case.expect}, the rule gives {got}",
                                    "fix the rule's condition or the case"))
    return issues


# ASCII boundaries: a path or id may stand right against a Chinese character ("若management.synergy_plan为否").
FIELD_PATH = re.compile(r"(?<![A-Za-z0-9_.])[a-z_][a-z0-9_]+(?:\.[a-z_][a-z0-9_]+)+(?![A-Za-z0-9_])")
RULE_ID_IN_TEXT = re.compile(r"(?<![A-Za-z0-9])R-[A-Z]+-\d{2,3}(?![0-9])")


def every_rule_has_a_conditional_text(kb: KnowledgeBase, base: RuleBase) -> list[Issue]:
    """The rule's condition written as a condition (若… / If …), in plain words, for when it is only possible."""
    issues = []
    for r in base.rules.values():
        file, text = f"rules/{r.file}", r.rule.conditional
        if text is None:
            issues.append(Issue(file, r.rule.id, "rule has no conditional text",
                                'add conditional: {zh: "若…（clause）。", en: "If … (clause)."} after because'))
            continue
        zh, en = text.zh.strip(), text.en.strip()
        if not zh or not en:
            issues.append(Issue(file, r.rule.id, "conditional text is empty in " + ("zh" if not zh else "en"),
                                "write the condition in both languages"))
            continue
        if not zh.startswith(("若", "如果")):
            issues.append(Issue(file, r.rule.id, f"conditional zh does not start with 若 or 如果: {zh[:20]}…",
                                "state the condition as a condition: 若…"))
        if not re.match(r"If\b", en):
            issues.append(Issue(file, r.rule.id, f"conditional en does not start with 'If': {en[:30]}…",
                                "state the condition as a condition: If …"))
        for lang, t in (("zh", zh), ("en", en)):
            for m in FIELD_PATH.finditer(t):
                issues.append(Issue(file, r.rule.id, f"conditional {lang} names the field path '{m.group()}'",
                                    "name the fact in plain words"))
            for m in RULE_ID_IN_TEXT.finditer(t):
                issues.append(Issue(file, r.rule.id, f"conditional {lang} names the rule id '{m.group()}'",
                                    "leave rule ids out of the text"))
    return issues


def every_measure_is_reachable(kb: KnowledgeBase, base: RuleBase) -> list[Issue]:
    reachable = {r.rule.then.measure for r in base.rules.values()
                 if r.rule.then.measure and any(c.expect in ("fire", "verify") for c in r.rule.cases)}
    return [Issue("rules/", m, "no rule can recommend this measure", "add a rule whose `then` names it")
            for m in kb.measures if m not in reachable]


def ranking_settings_resolve(kb: KnowledgeBase, base: RuleBase) -> list[Issue]:
    """knowledge/ranking.yaml: whole numbers of measures for the bands and the shortlist, and foundation
    entries that name a measure, rules that recommend it and findings that exist."""
    from advisor.decide.ranking import ranking_settings

    file = "knowledge/ranking.yaml"
    try:
        settings = ranking_settings(kb.root)
    except KnowledgeError as exc:
        return list(exc.issues)
    issues = []
    for key in ("high_at_most", "medium_at_most", "shortlist_size"):
        value = getattr(settings, key).value
        if value != int(value) or value < 1:
            issues.append(Issue(file, key, f"{value} is not a whole number of measures", "write a count such as 8"))
    if len(settings.foundation) > settings.high_at_most.value:
        issues.append(Issue(file, "foundation", f"{len(settings.foundation)} foundation measures, more than "
                            f"high_at_most ({settings.high_at_most.value:g}) can keep high",
                            "name fewer foundation measures or raise high_at_most"))
    for i, f in enumerate(settings.foundation):
        where = f"foundation[{i}]"
        if f.measure not in kb.measures:
            issues.append(Issue(file, where, f"unknown measure '{f.measure}'",
                                did_you_mean(f.measure, kb.measures) or "measures are 7.1.1 … 7.5.4"))
        if not f.rules and not f.findings:
            issues.append(Issue(file, where, "names neither rules nor findings",
                                "name the rule(s) or finding(s) whose holding makes the measure come first"))
        for rid in f.rules:
            r = base.rules.get(rid)
            if r is None:
                issues.append(Issue(file, where, f"unknown rule '{rid}'", did_you_mean(rid, base.rules)))
            elif r.rule.then.measure != f.measure:
                issues.append(Issue(file, where, f"rule {rid} does not recommend {f.measure}",
                                    f"name a rule whose `then` is measure {f.measure}"))
        for fid in f.findings:
            if fid not in base.findings:
                issues.append(Issue(file, where, f"unknown finding '{fid}'", did_you_mean(fid, base.findings)))
    return issues


def same_unknown_finding_same_effect(kb: KnowledgeBase, base: RuleBase) -> list[Issue]:
    """Measure rules that read the same finding treat its being unknown alike (all `on_unknown: verify` or all
    `omit`), so that one unknown cannot leave one measure to confirm and silently drop another – unless every
    rule on one side states why (`on_unknown_reason`)."""
    readers: dict[str, dict[str, list]] = {}
    for r in base.rules.values():
        if not r.rule.then.measure:
            continue    # a status rule's unknown always makes its finding possible
        for fid in dict.fromkeys(a.finding for a in atoms(r.condition) if isinstance(a, FindingAtom)):
            readers.setdefault(fid, {}).setdefault(r.rule.on_unknown, []).append(r)
    issues = []
    for fid, by_mode in readers.items():
        if len(by_mode) < 2 or any(all(r.rule.on_unknown_reason for r in rs) for rs in by_mode.values()):
            continue
        listing = "; ".join(f"{mode}: {', '.join(r.rule.id for r in rs)}" for mode, rs in sorted(by_mode.items()))
        issues.append(Issue("rules/", f"finding {fid}", f"the rules reading it treat its being unknown differently "
                            f"({listing})", "give them the same on_unknown, or state on_unknown_reason: {zh, en} "
                            "in each rule of one side"))
    return issues


def engine_limits_respected(kb: KnowledgeBase, base: RuleBase) -> list[Issue]:
    from advisor.decide.engine import limit_issues

    return limit_issues(base)


CHECKS = [guideline_has_thirty_measures, measure_references_resolve, park_types_do_not_overlap,
          rules_reference_known_things, findings_are_concluded, every_rule_has_passing_cases,
          every_measure_is_reachable, engine_limits_respected, every_rule_has_a_conditional_text,
          ranking_settings_resolve, same_unknown_finding_same_effect, *STANDARD_CHECKS]


def check_all(knowledge_root: Path | None = None, rules_root: Path | None = None) -> list[Issue]:
    """Every problem in knowledge/ and rules/."""
    kroot = (knowledge_root or knowledge_dir()).resolve()
    rroot = (rules_root or rules_dir()).resolve()
    kb, issues = load_knowledge_uncached(kroot)
    base, rule_issues = load_rulebase_uncached(rroot, kroot)
    issues = list(issues) + list(rule_issues)
    for check in CHECKS:
        issues.extend(check(kb, base))
    return issues
