"""The plain Python evaluator of the rule base: why-not, and an independent check of the engine."""

from __future__ import annotations

from typing import Any

from advisor.conditions import evaluate
from advisor.rulebook import RuleBase


def evaluate_rules(base: RuleBase, facts: dict[str, Any]) -> tuple[dict[str, str], dict[str, bool | None]]:
    """Same contract as Engine.evaluate: outcomes 'T' / 'U' / 'F' by rule id, findings True / None."""
    known = {k: v for k, v in facts.items() if k in base.facts}
    outcomes: dict[str, str] = {}
    findings: dict[str, bool | None] = {}
    for rnd in range(1, base.rounds + 1):
        for rid, r in base.rules.items():
            if r.stratum != rnd:
                continue
            result = evaluate(r.condition, known, findings)
            outcome = "T" if result is True else "U" if result is None else "F"
            outcomes[rid] = outcome
            fid = r.rule.then.finding
            if fid and outcome != "F":
                findings[fid] = True if (outcome == "T" or findings.get(fid) is True) else None
    return outcomes, findings
