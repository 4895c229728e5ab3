"""Unknowns in the advice: the facts behind rules that are only possible, the conditions that hold or are still
open, and the questions whose answers decide measures (docs/outputs.md, `to_confirm`, `questions_to_answer`)."""

from __future__ import annotations

from typing import Any

from advisor.kb.conditions import All, Atom, FindingAtom, Node, evaluate
from advisor.kb.rulebook import CompiledRule, RuleBase


class Unknowns:
    """The unknown facts behind one park's rule outcomes; each possible finding's worked out once."""

    def __init__(self, base: RuleBase, facts: dict, findings: dict, outcomes: dict):
        self.base, self.facts, self.findings, self.outcomes = base, facts, findings, outcomes
        self._behind: dict[str, list[str]] = {}

    def behind(self, fid: str) -> list[str]:
        """Unknown facts behind a finding that is only possible (transitively)."""
        found = self._behind.get(fid)
        if found is None:
            self._behind[fid] = []      # ends a cycle (the rule loader refuses them)
            out = []
            for r in self.base.rules_for_finding(fid):
                if self.outcomes.get(r.rule.id) == "U":
                    out += [f for f in r.facts if self.facts.get(f) is None]
                    for g in r.findings:
                        out += self.behind(g)
            found = self._behind[fid] = list(dict.fromkeys(out))
        return found

    def of_rule(self, r: CompiledRule) -> list[str]:
        """Unknown facts a rule reads, and those behind the possible findings it reads."""
        out = [f for f in r.facts if self.facts.get(f) is None]
        for g in r.findings:
            if self.findings.get(g, False) is None:
                out += self.behind(g)
        return list(dict.fromkeys(out))

    def deciding(self, r: CompiledRule) -> list[str]:
        """The unknown facts that decide a rule that is only possible: those of its conditions still open
        (an unknown inside an `any` that already holds decides nothing), and those behind the possible
        findings it reads."""
        out: list[str] = []
        for atom in open_atoms(r.condition, self.facts, self.findings):
            if isinstance(atom, FindingAtom):
                out += self.behind(atom.finding)
            else:
                out.append(atom.fact)
        return list(dict.fromkeys(out))


def open_atoms(node: Node, facts: dict, findings: dict) -> list[Atom | FindingAtom]:
    """The conditions of an unknown node that are themselves unknown and could still decide it."""
    if evaluate(node, facts, findings) is not None:
        return []
    if isinstance(node, (Atom, FindingAtom)):
        return [node]
    return [a for child in node.items for a in open_atoms(child, facts, findings)]


def holding_atoms(node: Node, facts: dict, findings: dict) -> list[Atom | FindingAtom]:
    """The conditions that make a true node true: all of an `all`, the first true part of an `any`."""
    if isinstance(node, (Atom, FindingAtom)):
        return [node]
    if isinstance(node, All):
        return [a for child in node.items for a in holding_atoms(child, facts, findings)]
    for child in node.items:
        if evaluate(child, facts, findings) is True:
            return holding_atoms(child, facts, findings)
    return []


def reason(r: CompiledRule, facts: dict, findings: dict, lang: str) -> dict[str, Any]:
    """A rule that holds, as a `because` entry: its text stated as fact, the known facts and found findings
    that make it hold."""
    held = holding_atoms(r.condition, facts, findings)
    cited = list(dict.fromkeys(a.fact for a in held if isinstance(a, Atom)))
    found = list(dict.fromkeys(a.finding for a in held if isinstance(a, FindingAtom) and not a.negated))
    return {"rule": r.rule.id, "text": r.rule.because.in_lang(lang), "clause": r.rule.clause,
            "weight": r.rule.then.weight, "facts": {f: facts.get(f) for f in cited}, "findings": found}


def conditional_text(r: CompiledRule, lang: str) -> str:
    """The rule written as a condition (若… / If …); its title where a rule book has none yet."""
    return (r.rule.conditional or r.rule.title).in_lang(lang)


def open_rule(r: CompiledRule, facts: dict, behind: Unknowns, words: Any, lang: str) -> dict[str, Any]:
    """A rule that is only possible, as an entry of `to_confirm[].if` or `would_strengthen`."""
    return {"rule": r.rule.id, "text": conditional_text(r, lang), "clause": r.rule.clause,
            "weight": r.rule.then.weight,
            "known": {f: facts[f] for f in r.facts if facts.get(f) is not None},
            "unknown": [words.unknown(f) for f in behind.deciding(r)]}


def questions_to_answer(open_rules: dict[str, list[CompiledRule]], behind: Unknowns, words: Any,
                        question_order: dict[str, int]) -> list[dict[str, Any]]:
    """The unknown facts behind measures still open (measure → its rules that are only possible), each with
    the measures its answer decides; most measures first, then the questionnaire's order."""
    decides: dict[str, list[str]] = {}
    for mid, rules in open_rules.items():
        for r in rules:
            for fact in behind.deciding(r):
                ms = decides.setdefault(fact, [])
                if mid not in ms:
                    ms.append(mid)
    rows = []
    for fact, ms in decides.items():
        row = words.unknown(fact)
        row["decides"] = sorted(ms, key=lambda m: tuple(int(p) for p in m.split(".")))
        rows.append(row)
    last = len(question_order)
    rows.sort(key=lambda q: (-len(q["decides"]), question_order.get(q["question"], last), q["fact"]))
    return rows
