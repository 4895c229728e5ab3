"""Measures at stake: which measures each question's answer can change, derived, never typed.

Question path → the facts in knowledge/facts.yaml whose `source` mentions that path (or, for
`analysis: NAME`, the profile sections that analysis reads) → the rules whose condition reads those
facts → their measures, and through the findings they conclude, the measures of every rule reading
those findings (transitively).
"""

from __future__ import annotations

from typing import Any

from advisor.kb.conditions import facts_of, findings_of
from advisor.kb.fact_questions import source_paths as kb_source_paths
from advisor.kb.schemas.questions import QuestionBook
from advisor.questionnaire.answer_paths import paths_overlap


def source_paths(source: str, analysis_inputs: dict[str, list[str]]) -> list[str]:
    """The profile paths a fact's `source` mentions (advisor.kb.fact_questions.source_paths, with the
    profile's top-level sections)."""
    from advisor.profile.model import Profile

    return kb_source_paths(source, analysis_inputs, Profile.model_fields)


def _clause_key(mid: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 0 for p in mid.split("."))


def measures_at_stake(book: QuestionBook, base: Any) -> dict[str, list[str]]:
    """question id → the measures its answer can change (sorted by clause number)."""
    fact_sources = {fid: source_paths(f.source, book.analysis_inputs) for fid, f in base.facts.items()}
    by_fact: dict[str, list] = {}
    by_finding: dict[str, list] = {}
    for rule in base.rules.values():
        for fact in facts_of(rule.condition):
            by_fact.setdefault(fact, []).append(rule)
        for finding in findings_of(rule.condition):
            by_finding.setdefault(finding, []).append(rule)

    def measures_from(rules: list) -> set[str]:
        out: set[str] = set()
        queue, seen_findings = list(rules), set()
        while queue:
            rule = queue.pop()
            then = rule.rule.then
            if then.measure:
                out.add(then.measure)
            elif then.finding and then.finding not in seen_findings:
                seen_findings.add(then.finding)
                queue.extend(by_finding.get(then.finding, []))
        return out

    result: dict[str, list[str]] = {}
    for q in book.questions:
        facts = {fid for fid, paths in fact_sources.items() if any(paths_overlap(q.path, p) for p in paths)}
        facts |= {fid for fid in by_fact if paths_overlap(q.path, fid) and fid not in base.facts}
        rules = [r for fid in facts for r in by_fact.get(fid, [])]
        result[q.id] = sorted(measures_from(rules), key=_clause_key)
    return result
