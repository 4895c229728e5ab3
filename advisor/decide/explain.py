"""Why one measure is or is not recommended, rule by rule and condition by condition."""

from __future__ import annotations

from typing import Any

from advisor.errors import Issue, UsageError, did_you_mean
from advisor.kb.conditions import Atom, FindingAtom, atoms, evaluate
from advisor.kb.rulebook import load_rulebase


def explain_measure(profile, kb, measure_id: str, lang: str = "zh") -> dict[str, Any]:
    from advisor.decide.recommend import advise

    if measure_id not in kb.measures:
        raise UsageError([Issue("explain", measure_id, "no such measure",
                                did_you_mean(measure_id, kb.measures) or "see `park-advisor kb list`")])
    base = load_rulebase()
    result = advise(profile, kb, lang=lang)
    facts = result["facts"]
    findings = {f["id"]: (True if f["status"] == "found" else None) for f in result["findings"]}
    rec = next((r for r in result["recommendations"] if r["measure"] == measure_id), None)
    rules = []
    for r in base.rules_for_measure(measure_id):
        outcome = evaluate(r.condition, facts, findings)
        rules.append({
            "rule": r.rule.id, "because": r.rule.because.in_lang(lang), "clause": r.rule.clause,
            "on_unknown": r.rule.on_unknown,
            "outcome": {True: "true", False: "false", None: "unknown"}[outcome],
            "conditions": [_condition(a, facts, findings) for a in atoms(r.condition)],
        })
    m = kb.measures[measure_id]
    out = {"measure": measure_id, "title": m.title.in_lang(lang), "recommended": rec is not None, "rules": rules}
    if rec:
        out.update({"rank": rec["rank"], "priority": rec["priority"], "score": rec["score"],
                    "score_parts": rec["score_parts"], "because": rec["because"], "verify": rec["verify"]})
    else:
        out["why_not"] = next(n["why_not"] for n in result["not_recommended"] if n["measure"] == measure_id)
    return out


def _condition(a: Atom | FindingAtom, facts: dict[str, Any], findings: dict[str, bool | None]) -> dict[str, Any]:
    """One condition of a rule: what it reads, the park's value for it, and its outcome."""
    if isinstance(a, FindingAtom):
        read = f"finding:{a.finding}"
        value: Any = ("found" if findings.get(a.finding) is True else
                      "possible" if a.finding in findings else "not found")
    else:
        read, value = a.fact, facts.get(a.fact)
    return {"condition": a.text(), "fact": read, "value": value, "result": evaluate(a, facts, findings)}
