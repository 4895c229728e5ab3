"""Why one measure is established, to confirm or not recommended, rule by rule and condition by condition."""

from __future__ import annotations

from typing import Any

from advisor.errors import Issue, UsageError, did_you_mean
from advisor.kb.conditions import Atom, FindingAtom, atoms, evaluate
from advisor.kb.rulebook import load_rulebase

STATUS = ("established", "to_confirm", "not_recommended")


def explain_measure(profile, kb, measure_id: str, lang: str = "zh") -> dict[str, Any]:
    from advisor.decide.recommend import _words, advise

    if measure_id not in kb.measures:
        raise UsageError([Issue("explain", measure_id, "no such measure",
                                did_you_mean(measure_id, kb.measures) or "see `park-advisor kb list`")])
    base = load_rulebase()
    result = advise(profile, kb, lang=lang)
    words, _ = _words(kb, base, lang)
    facts = result["facts"]
    findings = {f["id"]: (True if f["status"] == "found" else None) for f in result["findings"]}
    rec = next((r for r in result["recommendations"] if r["measure"] == measure_id), None)
    pending = next((t for t in result["to_confirm"] if t["measure"] == measure_id), None)
    rules = []
    for r in base.rules_for_measure(measure_id):
        outcome = evaluate(r.condition, facts, findings)
        # a rule that holds is stated as fact; any other is stated as a condition (never overstated)
        text = r.rule.because if outcome is True else (r.rule.conditional or r.rule.title)
        rules.append({
            "rule": r.rule.id, "because": text.in_lang(lang), "clause": r.rule.clause,
            "on_unknown": r.rule.on_unknown,
            "outcome": {True: "true", False: "false", None: "unknown"}[outcome],
            "conditions": [_condition(a, facts, findings, words) for a in atoms(r.condition)],
        })
    m = kb.measures[measure_id]
    status = "established" if rec else "to_confirm" if pending else "not_recommended"
    out: dict[str, Any] = {"measure": measure_id, "title": m.title.in_lang(lang), "recommended": rec is not None,
                           "status": status, "rules": rules}
    if rec:
        out.update({"rank": rec["rank"], "priority": rec["priority"], "score": rec["score"],
                    "score_parts": rec["score_parts"], "because": rec["because"], "verify": rec["verify"],
                    "would_strengthen": rec["would_strengthen"]})
    elif pending:
        out["if"] = pending["if"]
    else:
        out["why_not"] = next(n["why_not"] for n in result["not_recommended"] if n["measure"] == measure_id)
    if not rec:
        out["questions"] = [q for q in result["questions_to_answer"] if measure_id in q["decides"]]
    return out


def _condition(a: Atom | FindingAtom, facts: dict[str, Any], findings: dict[str, bool | None],
               words: Any) -> dict[str, Any]:
    """One condition of a rule: what it reads, the park's value for it, its outcome – and the same in plain
    words (`text`: what it asks; `value_text`: the park's value)."""
    if isinstance(a, FindingAtom):
        read = f"finding:{a.finding}"
        value: Any = ("found" if findings.get(a.finding) is True else
                      "possible" if a.finding in findings else "not found")
        frame = words.frames["needs_no_finding" if a.negated else "needs_finding"]
        text = frame.format(finding=words.finding(a.finding))
        value_text = words.frames[{"found": "found", "possible": "unknown"}.get(value, "not_found")]
    else:
        read, value = a.fact, facts.get(a.fact)
        text = words.frames["needs_fact"].format(fact=words.fact_name(a.fact), need=words.need(a))
        value_text = words.value(a.fact, value)
    return {"condition": a.text(), "fact": read, "value": value, "result": evaluate(a, facts, findings),
            "text": text, "value_text": value_text}
