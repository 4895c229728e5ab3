"""The pipeline: profile → status analysis → facts → rules → explained, ordered advice (docs/outputs.md)."""

from __future__ import annotations

import operator
import threading
from dataclasses import dataclass, field
from typing import Any

from advisor.accounting.steps import Steps, finish
from advisor.decide.advice_texts import Words
from advisor.decide.estimates import shortlist_t_co2e
from advisor.decide.evaluator import check_rules
from advisor.decide.facts import build_facts
from advisor.decide.inference import infer, inferred_entry, mark_inferred, reads_inferred
from advisor.decide.quantities import attach as attach_quantities
from advisor.decide.quantities import plan_tables
from advisor.decide.ranking import (
    Scored,
    clause_key,
    fixed_parts,
    order,
    ranking_settings,
    score_measure,
    score_weights,
    score_with,
    shortlist,
)
from advisor.decide.unknowns import Unknowns, conditional_text, open_rule, questions_to_answer, reason
from advisor.errors import Issue, RuleEngineError
from advisor.kb.conditions import FindingAtom, blocking
from advisor.kb.fact_questions import fact_questions, question_book
from advisor.kb.rulebook import CompiledRule, RuleBase, load_rulebase
from advisor.profile.model import Profile

_Unknowns = Unknowns      # its former name here

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


def _blocker(atom, facts: dict, findings: dict, words: Words, behind: Unknowns, depth: int = 0) -> dict:
    """One condition that keeps a measure out: the keys tools read (`condition` in rule syntax, `fact`,
    `value`) and the plain words people read (`text`, `needed`)."""
    if isinstance(atom, FindingAtom):
        status = findings.get(atom.finding, False)
        out: dict[str, Any] = {
            "condition": atom.text(), "fact": f"finding:{atom.finding}",
            "value": "found" if status is True else "possible" if status is None else "not found",
            **words.blocker(atom, facts, findings, behind.behind)}
        if depth == 0 and not atom.negated and status is False:
            via = []
            for r in behind.base.rules_for_finding(atom.finding):
                for a in blocking(r.condition, facts, findings)[:1]:
                    via.append({"rule": r.rule.id, **_blocker(a, facts, findings, words, behind, depth + 1)})
            out["via"] = via
        return out
    return {"condition": atom.text(), "fact": atom.fact, "value": facts.get(atom.fact),
            **words.blocker(atom, facts, findings, behind.behind)}


def _actions(measure, park_type: str | None, lang: str) -> list[str]:
    chosen = measure.actions.get(park_type or "", []) or measure.actions["default"]
    return [a.in_lang(lang) for a in chosen]


@dataclass
class Judgement:
    """What the full advice and the batch screen share: rule outcomes, the three lists, unknowns.

    A measure is *established* when one of its rules holds ("T": true on known facts and found findings), *to
    confirm* when none holds but one marked `on_unknown: verify` is possible ("U"), and not recommended
    otherwise – also when only rules marked `omit` are possible (their unknowns are still questions to answer)."""
    facts: dict[str, Any]
    outcomes: dict[str, str]
    findings: dict[str, bool | None]
    ranked: list[Scored]                                  # established, in rank order
    supporting: dict[str, list[tuple[CompiledRule, str]]]  # measure → its (rule, outcome) that hold or are possible
    to_confirm: list[str]                                 # to confirm: most weight to gain first, then clause
    unknowns: dict[str, set[str]]                         # unknown fact → measures it could change
    inferred: dict[str, Any] = field(default_factory=dict)  # fact → its Inference (strong ones are in facts)

    @property
    def park_type(self) -> str | None:
        return self.facts.get("park.type")


def judge(profile: Profile, kb, analysis: dict, base: RuleBase, engine, check_engine: bool = True,
          affects: bool = True) -> Judgement:
    """Facts → rules → the established measures scored and ordered, those to confirm, and the unknowns
    behind them (no texts). With `affects=False` each unknown fact maps to no measures (the batch table
    only counts the unknown facts)."""
    facts = build_facts(profile, analysis, kb)
    inferred = infer(facts, profile, kb)
    weak = {f: i.value for f, i in inferred.items() if i.strength == "weak"}
    facts.update((f, i.value) for f, i in inferred.items() if i.strength == "strong")
    outcomes, findings = _evaluate(base, engine, facts, check_engine)
    weakly_held: frozenset[str] = frozenset()
    readers = base.fact_readers()
    if any(outcomes.get(rid) == "U" for f in weak for rid in readers.get(f, ())):
        # a rule that holds only with a weak inference is possible, its measure to be confirmed; only a
        # possible rule that reads a weak fact (or a finding resting on one) can hold with them
        with_weak, _ = _evaluate(base, engine, {**facts, **weak}, check_engine)
        weakly_held = frozenset(rid for rid, o in with_weak.items() if o == "T" and outcomes.get(rid) == "U")
    scored, supporting, to_confirm = _supported(kb, base, outcomes, findings, _category_shares(profile, analysis),
                                                weakly_held)
    return Judgement(facts, outcomes, findings, order(scored, kb.measures, outcomes, findings), supporting,
                     to_confirm, _unknowns(base, facts, findings, outcomes) if affects
                     else {f: set() for f in _unknown_facts(base, facts, findings, outcomes)}, inferred)


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


def _supported(kb, base: RuleBase, outcomes: dict, findings: dict, shares: dict,
               weakly_held: frozenset[str] = frozenset()
               ) -> tuple[list[Scored], dict[str, list[tuple[CompiledRule, str]]], list[str]]:
    """The established measures, scored on the rules that hold (their weights, the severity of the found
    findings they read, the emission shares of the measure's targets); the (rule, outcome) pairs that hold
    or are possible for each measure; the measures to confirm, most weight to gain first, then by clause (a
    rule in `weakly_held` holds only with a weak inferred fact: it counts as one marked verify).

    What a measure's rules give depends only on their outcomes, and a measure has a few rules of three outcomes
    each: that is worked out once per combination (`_measure_memo`) and looked up for every park."""
    if weakly_held:
        return _supported_walk(kb, base, outcomes, findings, shares, weakly_held)
    weights = score_weights(ranking_settings())
    fixed = fixed_parts(weights)
    severities = base.severities()
    measures = kb.measures
    supporting: dict[str, list[tuple[CompiledRule, str]]] = {}
    scored = []
    pending: list[tuple[float, tuple[int, ...], str]] = []
    for mid, getter, rules, memo in _measure_memo(base):
        try:
            key = getter(outcomes)
        except KeyError:        # an outcome missing (read as "F")
            return _supported_walk(kb, base, outcomes, findings, shares, weakly_held)
        got = memo.get(key)
        if got is None:
            got = memo[key] = _measure_outcomes(rules, (key,) if len(rules) == 1 else key)
        support, rule_sum, reads, to_gain = got
        if support is None:
            continue
        measure = measures.get(mid)
        if measure is None:
            continue
        supporting[mid] = list(support)
        if reads is not None:       # some rule holds
            severity_sum = 0
            for g in reads:
                if findings.get(g) is True:   # a finding of this park: its severity counts
                    severity_sum += severities.get(g, 0)
            scored.append(score_with(measure, rule_sum, severity_sum, shares, weights, fixed))
        elif to_gain:
            pending.append((-to_gain, clause_key(mid), mid))
    pending.sort()
    return scored, supporting, [mid for _, _, mid in pending]


_MeasureRules = tuple[tuple[CompiledRule, str, bool, float, tuple[str, ...]], ...]
_MEMOS: dict[int, tuple[Any, tuple]] = {}


def _measure_memo(base: RuleBase) -> tuple[tuple[str, Any, _MeasureRules, dict], ...]:
    """(measure, a getter of its rules' outcomes, its rules, outcomes → `_measure_outcomes`) per measure of
    `base.measure_plan()`, kept while that plan is."""
    plan = base.measure_plan()
    kept = _MEMOS.get(id(plan))
    if kept is None or kept[0] is not plan:
        if len(_MEMOS) > 8:
            _MEMOS.clear()
        kept = _MEMOS[id(plan)] = (plan, tuple((mid, operator.itemgetter(*(rid for _, rid, _, _, _ in rules)),
                                                 rules, {}) for mid, rules in plan))
    return kept[1]


def _measure_outcomes(rules: _MeasureRules, outcomes: tuple[str, ...]
                      ) -> tuple[tuple | None, float, tuple[str, ...] | None, float]:
    """For a measure's rules with these outcomes: its (rule, outcome) pairs that hold or are possible (None if
    none); Σ weight of those that hold, in rule order; the findings they read (None if none holds: a severity
    counts once per holding rule reading the finding); Σ weight of the possible ones marked verify."""
    support = []
    rule_sum = to_gain = 0.0
    reads: list[str] | None = None
    for (r, _, verify, weight, read), outcome in zip(rules, outcomes, strict=True):
        if outcome == "F":
            continue
        support.append((r, outcome))
        if outcome == "T":
            rule_sum += weight      # the same additions, in the same order, as sum() of the weights
            reads = [*(reads or ()), *read]
        elif verify:
            to_gain += weight
    return (tuple(support) if support else None), rule_sum, (None if reads is None else tuple(reads)), to_gain


def _supported_walk(kb, base: RuleBase, outcomes: dict, findings: dict, shares: dict,
                    weakly_held: frozenset[str] = frozenset()
                    ) -> tuple[list[Scored], dict[str, list[tuple[CompiledRule, str]]], list[str]]:
    """_supported, walking every measure's rules (a park with a rule held only by a weak inference)."""
    weights = score_weights(ranking_settings())
    severities = base.severities()
    measures = kb.measures
    outcome_of = outcomes.get
    supporting: dict[str, list[tuple[CompiledRule, str]]] = {}
    scored = []
    pending: list[tuple[float, tuple[int, ...], str]] = []
    for mid, rules in base.measure_plan():   # each measure's rules in rule-file order
        support = None
        rule_sum = 0.0
        severity_sum = 0
        holds = False
        to_gain = 0.0
        for r, rid, verify, weight, reads in rules:
            outcome = outcome_of(rid, "F")
            if outcome == "F":
                continue
            if support is None:
                support = []
            support.append((r, outcome))
            if outcome == "T":
                holds = True
                rule_sum += weight
                for g in reads:
                    if findings.get(g) is True:
                        severity_sum += severities.get(g, 0)
            elif verify or rid in weakly_held:
                to_gain += weight
        if support is None:
            continue
        measure = measures.get(mid)
        if measure is None:
            continue
        supporting[mid] = support
        if holds:
            scored.append(score_measure(measure, rule_sum, severity_sum, shares, weights))
        elif to_gain:
            pending.append((-to_gain, clause_key(mid), mid))
    pending.sort()
    return scored, supporting, [mid for _, _, mid in pending]


def _unknowns(base: RuleBase, facts: dict, findings: dict, outcomes: dict) -> dict[str, set[str]]:
    """unknown fact → the measures it could change."""
    behind = Unknowns(base, facts, findings, outcomes)
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


def _unknown_facts(base: RuleBase, facts: dict, findings: dict, outcomes: dict) -> set[str]:
    """The keys of `_unknowns`, without the measures each could change (cheaper: a set of facts)."""
    behind = Unknowns(base, facts, findings, outcomes)
    reads = _target_reads(base)
    out: set[str] = set()
    for rid, outcome in outcomes.items():
        if outcome != "U":
            continue
        read = reads.get(rid)
        if read is None:   # an unknown that changes no measure is not listed
            continue
        for f in read[0]:
            if f not in out and facts.get(f) is None:
                out.add(f)
        for g in read[1]:
            if findings.get(g, False) is None:
                out.update(behind.behind(g))
    return out


_READS: dict[int, tuple[Any, dict[str, tuple[tuple[str, ...], tuple[str, ...]]]]] = {}


def _target_reads(base: RuleBase) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """rule id → (the facts, the findings it reads) for each rule whose outcome bears on some measure, kept
    while `base.targets_table()` is."""
    targets = base.targets_table()
    kept = _READS.get(id(targets))
    if kept is None or kept[0] is not targets:
        if len(_READS) > 8:
            _READS.clear()
        kept = _READS[id(targets)] = (targets, {rid: (tuple(base.rules[rid].facts), tuple(base.rules[rid].findings))
                                                for rid, measures in targets.items() if measures})
    return kept[1]


def _unknown_rows(entries: list[dict]) -> list[dict]:
    return [u for e in entries for u in e["unknown"]]


def _inferred_because(entry: dict, r: CompiledRule, base: RuleBase, outcomes: dict, strong: dict,
                      words: Words) -> dict:
    """A `because` entry that rests on a strongly inferred fact says so (`inferred`, and the text)."""
    if strong:
        used = reads_inferred(list(entry["facts"]), entry["findings"], base, outcomes, strong)
        if used:
            entry["inferred"] = [i.fact for i in used]
            entry["text"] = words.frames["inferred_because"].format(
                entry["text"], "；".join(i.basis.in_lang(words.lang) for i in used) if words.lang == "zh"
                else "; ".join(i.basis.in_lang(words.lang) for i in used))
    return entry


def screen(profile: Profile, kb, *, analysis: dict, base: RuleBase | None = None, engine=None,
           check_engine: bool = True) -> dict[str, Any]:
    """The batch table's view of one park: the established measures with ranks and priorities, the ids of
    those to confirm, the unknowns – the same as `advise` gives, without the texts and reasons the table
    does not show."""
    return finish(screen_steps(profile, kb, analysis=analysis, base=base, engine=engine, check_engine=check_engine))


def screen_steps(profile: Profile, kb, *, analysis: dict, base: RuleBase | None = None, engine=None,
                 check_engine: bool = True) -> Steps[dict[str, Any]]:
    """screen in two steps: the judgement; the shortlist's expected cut."""
    j = judge(profile, kb, analysis, base or load_rulebase(), engine or get_engine(), check_engine, affects=False)
    yield
    return {"park_type": j.park_type, "ranked": [(s.measure, s.priority, s.score) for s in j.ranked],
            "to_confirm": list(j.to_confirm), "unknowns": sorted(j.unknowns),
            "expected_t_co2e": shortlist_t_co2e(profile, analysis, kb, shortlist(j.ranked))}


def _answered(profile: Profile | None):
    """profile path → whether the profile gives it (a row of a keyed list such as `energy.raw_coal` counts when
    a row of that carrier is there)."""
    if profile is None:
        return None
    data = profile.model_dump(exclude_none=True)

    def answered(path: str) -> bool:
        node: Any = data
        for step in path.split("."):
            if isinstance(node, dict) and step in node:
                node = node[step]
            elif isinstance(node, list):
                node = [row for row in node if isinstance(row, dict) and step in row.values()]
                if not node:
                    return False
            else:
                return False
        return node is not None
    return answered


def _words(kb, base: RuleBase, lang: str, profile: Profile | None = None) -> tuple[Words, dict[str, int]]:
    """The plain words of one language, and the questionnaire's order of the questions (id → position).
    With the profile, an unknown fact names the first of its questions the park has not answered."""
    asked = fact_questions(kb, base, Profile.model_fields)
    book = question_book(kb)
    order_of = {q.id: i for i, q in enumerate(book.questions)} if book else {}
    return Words(base, kb, asked, lang, _answered(profile)), order_of


def advise(profile: Profile, kb, *, lang: str = "zh", analysis: dict | None = None,
           base: RuleBase | None = None, engine=None, check_engine: bool = True) -> dict[str, Any]:
    """The advice for one park, as `recommend --json` prints it (docs/outputs.md)."""
    from advisor.accounting import analyze_profile

    base = base or load_rulebase()
    if analysis is None:
        analysis = analyze_profile(profile, kb)
    j = judge(profile, kb, analysis, base, engine or get_engine(), check_engine)
    facts, outcomes, findings, park_type = j.facts, j.outcomes, j.findings, j.park_type
    words, question_order = _words(kb, base, lang, profile)
    behind = Unknowns(base, facts, findings, outcomes)
    strong = {f: i for f, i in j.inferred.items() if i.strength == "strong"}

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

    def strongest_first(pairs: list[tuple[CompiledRule, str]], outcome: str) -> list[CompiledRule]:
        return sorted((r for r, o in pairs if o == outcome), key=lambda r: -r.rule.then.weight)

    established = {s.measure for s in j.ranked}
    confirming = set(j.to_confirm)
    open_rules: dict[str, list[CompiledRule]] = {}    # measures still open → their possible rules
    not_recommended = []
    for measure in kb.measures_in_order():
        if measure.id in established or measure.id in confirming:
            continue
        possible = strongest_first(j.supporting.get(measure.id, []), "U")
        if possible:
            open_rules[measure.id] = possible
        why = []
        for r in base.rules_for_measure(measure.id):
            for atom in blocking(r.condition, facts, findings):
                why.append({"rule": r.rule.id, "because": conditional_text(r, lang),   # never stated as fact
                            **_blocker(atom, facts, findings, words, behind)})
        not_recommended.append({"measure": measure.id, "object": measure.object,
                                "title": measure.title.in_lang(lang), "why_not": why})

    to_confirm = []
    for mid in j.to_confirm:
        m = kb.measures[mid]
        possible = strongest_first(j.supporting[mid], "U")
        open_rules[mid] = possible
        to_confirm.append({"measure": mid, "object": m.object, "title": m.title.in_lang(lang),
                           "if": [open_rule(r, facts, behind, words, lang) for r in possible]})

    recommendations = []
    for rank, s in enumerate(j.ranked, start=1):
        m = kb.measures[s.measure]
        pairs = j.supporting[m.id]
        strengthen = [open_rule(r, facts, behind, words, lang) for r in strongest_first(pairs, "U")]
        verify: list[dict[str, Any]] = []
        for entry in strengthen:
            for u in entry["unknown"]:
                if u["fact"] not in [v["fact"] for v in verify]:
                    verify.append({"fact": u["fact"], "text": u["label"], "question": u["question"]})
        recommendations.append({
            "rank": rank, "measure": m.id, "object": m.object, "title": m.title.in_lang(lang),
            "priority": s.priority, "score": s.score, "score_parts": s.parts,
            "because": [_inferred_because(reason(r, facts, findings, lang), r, base, outcomes, strong, words)
                        for r in strongest_first(pairs, "T")],
            "would_strengthen": strengthen,
            "actions": _actions(m, park_type, lang), "co_benefits": list(m.co_benefits), "verify": verify,
            "effect": m.effect, "horizon": m.horizon, "effort": m.effort, "lead": m.lead.in_lang(lang),
            "needs_higher_level": m.needs_higher_level, "clause": m.id,
            "prerequisites": [p for p in m.prerequisites],
        })

    found = attach_quantities(recommendations, profile, analysis, kb, lang)   # expected, coordinates, elasticity
    plan: dict[str, dict[str, list[str]]] = {obj: {"near": [], "medium": [], "long": []} for obj in kb.object_ids()}
    for rec in recommendations:
        plan[rec["object"]][rec["horizon"]].append(rec["measure"])

    unknowns = [{"fact": f, "text": words.label(f), "affects": sorted(ms)} for f, ms in sorted(j.unknowns.items())]
    questions = questions_to_answer(open_rules, behind, words, question_order)
    weak = {f: i for f, i in j.inferred.items() if i.strength == "weak"}
    if weak:
        mark_inferred([u for e in to_confirm for u in _unknown_rows(e["if"])], weak, lang)
        mark_inferred([u for r in recommendations for u in _unknown_rows(r["would_strengthen"])], weak, lang)
        mark_inferred(questions, weak, lang)

    short = shortlist(j.ranked)
    return {
        "schema_version": 1,
        "park": {"id": profile.park.id, "name": profile.park.name},
        "lang": lang,
        "park_type": park_type,
        "findings": finding_rows,
        "recommendations": recommendations,
        "plan": plan,
        "to_confirm": to_confirm,
        "not_recommended": not_recommended,
        "questions_to_answer": questions,
        "shortlist": short,
        **plan_tables(profile, analysis, kb, recommendations, short, found, lang),   # targets, projects
        "unknowns": unknowns,
        "inferred": [inferred_entry(i, words, lang) for i in j.inferred.values()],
        "gaps": analysis.get("gaps", []),
        "facts": facts,
    }
