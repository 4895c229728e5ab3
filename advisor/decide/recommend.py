"""The pipeline: profile → status analysis → facts → rules → explained, ordered advice (docs/outputs.md)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from advisor.decide.evaluator import check_rules
from advisor.decide.facts import build_facts
from advisor.decide.ranking import Scored, order, ranking_settings, score_measure, score_weights
from advisor.errors import Issue, RuleEngineError
from advisor.kb.conditions import FindingAtom, blocking
from advisor.kb.rulebook import CompiledRule, RuleBase, load_rulebase
from advisor.profile.model import Profile

_engine = None
_engine_lock = threading.Lock()


def get_engine(base: RuleBase | None = None):
    """One engine per process (the durable ruleset is compiled once)."""
    global _engine
    from advisor.decide.engine import Engine

    with _engine_lock:
        if base is not None and (_engine is None or _engine.base is not base):
            return Engine(base)
        if _engine is None:
            _engine = Engine(load_rulebase())
        return _engine


def _shares_by_category(rows: list[dict], profile: Profile) -> dict[str, float]:
    """category → summed share of the rows (a row without a category takes its process's)."""
    out: dict[str, float] = {}
    category_of: dict[str | None, str] | None = None     # built only for a row without a category
    for row in rows:
        cat = row.get("category")
        if not cat:
            if category_of is None:
                category_of = {p.id: p.category for p in profile.processes or []}
            cat = category_of.get(row.get("process"))
            if not cat:
                continue
        out[cat] = out.get(cat, 0.0) + (row.get("share") or 0.0)
    return out


def _category_shares(profile: Profile, analysis: dict) -> dict[str, tuple[float, float]]:
    """process category → (share of park CO2e, largest share of any pollutant)."""
    co2e = _shares_by_category((analysis.get("carbon") or {}).get("by_process", []), profile)
    pollutant: dict[str, float] = {}
    for block in (analysis.get("pollutants") or {}).values():
        for cat, share in _shares_by_category(block.get("by_process", []), profile).items():
            if cat not in pollutant or share > pollutant[cat]:
                pollutant[cat] = share
    return {c: (co2e.get(c, 0.0), pollutant.get(c, 0.0)) for c in co2e.keys() | pollutant.keys()}


def _fact_text(base: RuleBase, fact: str, lang: str) -> str:
    d = base.facts.get(fact)
    return d.text.in_lang(lang) if d else fact


def _explain_atom(atom, facts: dict, findings: dict, base: RuleBase, lang: str, depth: int = 0) -> dict:
    if isinstance(atom, FindingAtom):
        status = findings.get(atom.finding, False)
        out: dict[str, Any] = {
            "condition": atom.text(), "fact": f"finding:{atom.finding}",
            "value": "found" if status is True else "possible" if status is None else "not found",
            "needed": ("no " if atom.negated else "") + f"finding {atom.finding}"}
        if depth == 0 and not atom.negated:
            via = []
            for r in base.rules_for_finding(atom.finding):
                for a in blocking(r.condition, facts, findings)[:1]:
                    via.append({"rule": r.rule.id, **_explain_atom(a, facts, findings, base, lang, depth + 1)})
            out["via"] = via
        return out
    value = facts.get(atom.fact)
    needed = atom.text() if value is not None else f"find out {_fact_text(base, atom.fact, lang)} ({atom.text()})"
    return {"condition": atom.text(), "fact": atom.fact, "value": value, "needed": needed}


class _Unknowns:
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


def _actions(measure, park_type: str | None, lang: str) -> list[str]:
    chosen = measure.actions.get(park_type or "", []) or measure.actions["default"]
    return [a.in_lang(lang) for a in chosen]


@dataclass
class Judgement:
    """What the full advice and the batch screen share: rule outcomes, ordered measures, unknowns."""
    facts: dict[str, Any]
    outcomes: dict[str, str]
    findings: dict[str, bool | None]
    ranked: list[Scored]                                  # recommended, in rank order
    supporting: dict[str, list[tuple[CompiledRule, str]]]  # measure → (rule, outcome) that recommend it
    unknowns: dict[str, set[str]]                         # unknown fact → measures it could change

    @property
    def park_type(self) -> str | None:
        return self.facts.get("park.type")


def judge(profile: Profile, kb, analysis: dict, base: RuleBase, engine, check_engine: bool = True) -> Judgement:
    """Facts → rules → scored, ordered measures and the unknowns behind them (no texts)."""
    facts = build_facts(profile, analysis, kb)
    outcomes, findings = _evaluate(base, engine, facts, check_engine)
    scored, supporting = _supported(kb, base, outcomes, findings, _category_shares(profile, analysis))
    return Judgement(facts, outcomes, findings, order(scored, kb.measures), supporting,
                     _unknowns(base, facts, findings, outcomes))


def _evaluate(base: RuleBase, engine, facts: dict, check_engine: bool) -> tuple[dict[str, str], dict]:
    fresh: list[str] = []
    outcomes, findings = engine.evaluate(facts, fresh=fresh)
    if check_engine and fresh:
        # every outcome durable computed for this park is checked; an outcome the engine remembered
        # was checked when durable computed it (the tests check remembering against computing)
        expected = check_rules(base, facts, findings, fresh)
        diff = sorted(rid for rid in fresh if outcomes[rid] != expected[rid])
        if diff:
            raise RuleEngineError([Issue("rules/", ", ".join(diff) or "findings",
                                         "the rule engine and the Python evaluator disagree",
                                         "report this with the profile; run `park-advisor kb check`")])
    return outcomes, findings


def _supported(kb, base: RuleBase, outcomes: dict, findings: dict, shares: dict
               ) -> tuple[list[Scored], dict[str, list[tuple[CompiledRule, str]]]]:
    """The measures some rule supports, scored, and the (rule, outcome) pairs supporting each."""
    weights = score_weights(ranking_settings())
    verify_factor = weights.verify
    severities = base.severities()
    measures = kb.measures
    outcome_of = outcomes.get
    supporting: dict[str, list[tuple[CompiledRule, str]]] = {}
    scored = []
    for mid, rules in base.measure_plan():   # each measure's rules in rule-file order
        support = None
        for r, rid, verify, weight, reads in rules:
            outcome = outcome_of(rid, "F")
            if outcome == "T":
                pass
            elif outcome == "U" and verify:
                weight = weight * verify_factor
            else:
                continue
            if support is None:
                support, rule_sum, severity_sum = [], 0.0, 0
            support.append((r, outcome))
            rule_sum += weight      # the same additions, in the same order, as sum() of the weights
            for g in reads:
                if g in findings:   # a finding of this park: its severity counts
                    severity_sum += severities.get(g, 0)
        if support is not None:
            measure = measures.get(mid)
            if measure is None:
                continue
            supporting[mid] = support
            scored.append(score_measure(measure, rule_sum, severity_sum, shares, weights))
    return scored, supporting


def _unknowns(base: RuleBase, facts: dict, findings: dict, outcomes: dict) -> dict[str, set[str]]:
    """unknown fact → the measures it could change."""
    behind = _Unknowns(base, facts, findings, outcomes)
    targets_of = base.targets_table()
    rules = base.rules
    unknowns: dict[str, set[str]] = {}
    for rid in [rid for rid, outcome in outcomes.items() if outcome == "U"]:
        targets = targets_of[rid]
        if not targets:   # an unknown that changes no measure is not listed
            continue
        for fact in behind.of_rule(rules[rid]):
            known_to = unknowns.get(fact)
            if known_to is None:
                unknowns[fact] = set(targets)
            else:
                known_to.update(targets)
    return unknowns


def screen(profile: Profile, kb, *, analysis: dict, base: RuleBase | None = None, engine=None,
           check_engine: bool = True) -> dict[str, Any]:
    """The batch table's view of one park: ranks, priorities, the number of unknowns – the same
    as `advise` gives, without the texts and reasons the table does not show."""
    j = judge(profile, kb, analysis, base or load_rulebase(), engine or get_engine(), check_engine)
    return {"park_type": j.park_type, "ranked": [(s.measure, s.priority, s.score) for s in j.ranked],
            "unknowns": sorted(j.unknowns)}


def advise(profile: Profile, kb, *, lang: str = "zh", analysis: dict | None = None,
           base: RuleBase | None = None, engine=None, check_engine: bool = True) -> dict[str, Any]:
    """The advice for one park, as `recommend --json` prints it (docs/outputs.md)."""
    from advisor.accounting import analyze_profile

    base = base or load_rulebase()
    if analysis is None:
        analysis = analyze_profile(profile, kb)
    j = judge(profile, kb, analysis, base, engine or get_engine(), check_engine)
    facts, outcomes, findings, park_type = j.facts, j.outcomes, j.findings, j.park_type

    finding_rows: list[dict[str, Any]] = []
    for fid, status in findings.items():
        d = base.findings[fid]
        evidence: dict[str, Any] = {}
        rules = []
        for r in base.rules_for_finding(fid):
            if outcomes.get(r.rule.id) in ("T", "U"):
                rules.append(r.rule.id)
                for fact in r.facts:
                    evidence[fact] = facts.get(fact)
        finding_rows.append({"id": fid, "text": d.text.in_lang(lang), "severity": d.severity,
                             "status": "found" if status is True else "possible",
                             "evidence": evidence, "rules": rules})
    finding_rows.sort(key=lambda f: (-f["severity"], f["id"]))

    not_recommended = []
    for measure in kb.measures_in_order():
        if measure.id in j.supporting:
            continue
        why = []
        for r in base.rules_for_measure(measure.id):
            for atom in blocking(r.condition, facts, findings):
                why.append({"rule": r.rule.id, "because": r.rule.because.in_lang(lang),
                            **_explain_atom(atom, facts, findings, base, lang)})
        not_recommended.append({"measure": measure.id, "object": measure.object,
                                "title": measure.title.in_lang(lang), "why_not": why})

    behind = _Unknowns(base, facts, findings, outcomes)
    recommendations = []
    for rank, s in enumerate(j.ranked, start=1):
        m = kb.measures[s.measure]
        because: list[dict[str, Any]] = []
        verify: list[dict[str, str]] = []
        for r, outcome in j.supporting[m.id]:
            because.append({"rule": r.rule.id, "text": r.rule.because.in_lang(lang), "clause": r.rule.clause,
                            "facts": {f: facts.get(f) for f in r.facts},
                            "findings": [g for g in r.findings if findings.get(g, False) is not False]})
            if outcome == "U":
                for fact in behind.of_rule(r):
                    if fact not in [v["fact"] for v in verify]:
                        verify.append({"fact": fact, "text": _fact_text(base, fact, lang)})
        recommendations.append({
            "rank": rank, "measure": m.id, "object": m.object, "title": m.title.in_lang(lang),
            "priority": s.priority, "score": s.score, "score_parts": s.parts, "because": because,
            "actions": _actions(m, park_type, lang), "co_benefits": list(m.co_benefits), "verify": verify,
            "effect": m.effect, "horizon": m.horizon, "effort": m.effort, "lead": m.lead.in_lang(lang),
            "needs_higher_level": m.needs_higher_level, "clause": m.id,
            "prerequisites": [p for p in m.prerequisites],
        })

    plan: dict[str, dict[str, list[str]]] = {obj: {"near": [], "medium": [], "long": []} for obj in kb.object_ids()}
    for rec in recommendations:
        plan[rec["object"]][rec["horizon"]].append(rec["measure"])

    unknowns = [{"fact": f, "text": _fact_text(base, f, lang), "affects": sorted(ms)}
                for f, ms in sorted(j.unknowns.items())]

    return {
        "schema_version": 1,
        "park": {"id": profile.park.id, "name": profile.park.name},
        "lang": lang,
        "park_type": park_type,
        "findings": finding_rows,
        "recommendations": recommendations,
        "plan": plan,
        "not_recommended": not_recommended,
        "unknowns": unknowns,
        "gaps": analysis.get("gaps", []),
        "facts": facts,
    }
