"""The plain Python evaluator of the rule base: why-not, and an independent check of the engine."""

from __future__ import annotations

from typing import Any

from advisor.kb.rulebook import RuleBase


def _outcome(result: bool | None) -> str:
    return "T" if result is True else "U" if result is None else "F"


def check_rules(base: RuleBase, facts: dict[str, Any], findings: dict[str, bool | None],
                rule_ids: list[str]) -> dict[str, str]:
    """The outcomes of some rules, given the park's findings (a rule reads only findings concluded
    in earlier rounds, so the final findings are the ones it saw)."""
    known = {k: v for k, v in facts.items() if k in base.facts}
    return {rid: _outcome(base.rules[rid].check(known, findings)) for rid in rule_ids}


def evaluate_rules(base: RuleBase, facts: dict[str, Any]) -> tuple[dict[str, str], dict[str, bool | None]]:
    """Same contract as Engine.evaluate: outcomes 'T' / 'U' / 'F' by rule id, findings True / None."""
    known = {k: v for k, v in facts.items() if k in base.facts}
    outcomes: dict[str, str] = {}
    findings: dict[str, bool | None] = {}
    for r in sorted(base.rules.values(), key=lambda r: r.stratum):   # round by round, rule order kept
        outcome = _outcome(r.check(known, findings))
        outcomes[r.rule.id] = outcome
        fid = r.rule.then.finding
        if fid and outcome != "F":
            findings[fid] = True if (outcome == "T" or findings.get(fid) is True) else None
    return outcomes, findings
