"""Scoring inputs of the advice: emission shares by category, the unknowns behind a rule, rounding."""

from __future__ import annotations

import math
import random

from conftest import minimal_profile
from hypothesis import given
from hypothesis import strategies as st

from advisor.decide.evaluator import evaluate_rules
from advisor.decide.ranking import _round4
from advisor.decide.recommend import _category_shares, _Unknowns


def _unknowns_behind(fid, base, facts, outcomes, seen):
    """The plain definition: every unknown fact behind a possible finding, walking each finding once per question."""
    if fid in seen:
        return []
    seen.add(fid)
    out = []
    for r in base.rules_for_finding(fid):
        if outcomes.get(r.rule.id) == "U":
            out += [f for f in r.facts if facts.get(f) is None]
            for g in r.findings:
                out += _unknowns_behind(g, base, facts, outcomes, seen)
    return list(dict.fromkeys(out))


def _rule_unknowns(r, base, facts, findings, outcomes):
    out = [f for f in r.facts if facts.get(f) is None]
    for g in r.findings:
        if findings.get(g, False) is None:
            out += _unknowns_behind(g, base, facts, outcomes, set())
    return list(dict.fromkeys(out))


def test_the_unknowns_behind_each_rule_are_those_of_the_plain_definition_in_the_same_order(kb, rulebase, example_paths):
    from advisor.accounting import analyze_profile
    from advisor.decide.facts import build_facts
    from advisor.profile.files import load_profile

    rng = random.Random(7)
    compared = 0
    for path in example_paths:
        profile = load_profile(path, kb)
        full = build_facts(profile, analyze_profile(profile, kb), kb)
        for _ in range(40):   # the park with a random third of its facts unknown
            facts = {k: v for k, v in full.items() if rng.random() > 1 / 3}
            outcomes, findings = evaluate_rules(rulebase, facts)
            behind = _Unknowns(rulebase, facts, findings, outcomes)
            for r in rulebase.rules.values():
                expected = _rule_unknowns(r, rulebase, facts, findings, outcomes)
                assert behind.of_rule(r) == expected, (path.name, r.rule.id)
                compared += bool(expected and r.findings)
    assert compared, "some rule should read a possible finding with unknown facts behind it"


def test_a_row_without_a_category_takes_its_process_s_and_the_largest_pollutant_share_counts(kb):
    from advisor.profile.files import validate_data

    profile = validate_data(minimal_profile(processes=[
        {"id": "boiler", "name": "锅炉", "category": "fuel_combustion", "owner": "infrastructure"},
        {"id": "paint", "name": "涂装", "category": "solvent_use", "owner": "infrastructure"}]), "park.yaml", kb)
    analysis = {
        "carbon": {"by_process": [{"process": "boiler", "category": None, "share": 0.6},
                                  {"process": "paint", "category": "solvent_use", "share": 0.3},
                                  {"process": "elsewhere", "category": None, "share": 0.1}]},
        "pollutants": {"SO2": {"by_process": [{"process": "boiler", "share": 0.9}, {"process": "paint", "share": 0.1}]},
                       "VOCs": {"by_process": [{"process": "paint", "category": "solvent_use", "share": 0.75},
                                               {"process": "boiler", "share": 0.25}]}},
    }
    assert _category_shares(profile, analysis) == {"fuel_combustion": (0.6, 0.9), "solvent_use": (0.3, 0.75)}
    assert _category_shares(profile, {}) == {}


@given(st.one_of(st.floats(allow_nan=False), st.integers(-10**6, 10**6).map(lambda k: k / 16),
                 st.integers(-10**6, 10**6).map(lambda k: k / 10**4)))
def test_rounding_to_four_places_gives_the_float_round_gives(x):
    assert math.copysign(1, _round4(x)) == math.copysign(1, round(x, 4))
    assert _round4(x) == round(x, 4)


def test_rounding_keeps_zero_signs_infinities_and_nan():
    for x in (0.0, -0.0, 1.5, -2.0625, 0.0001, 1e300, -math.inf, math.inf):
        assert _round4(x) == round(x, 4) and math.copysign(1, _round4(x)) == math.copysign(1, round(x, 4))
    assert math.isnan(_round4(math.nan))


# --- the per-park scoring, ordering and unknowns against their plain definitions ------------------

def _example_parks(kb, rulebase, example_paths, per_example=25):
    """(profile, analysis, facts, outcomes, findings) of the example parks, each with a random third
    of its facts unknown in all but the first copy."""
    from advisor.accounting import analyze_profile
    from advisor.decide.facts import build_facts
    from advisor.profile.files import load_profile

    rng = random.Random(11)
    for path in example_paths:
        profile = load_profile(path, kb)
        analysis = analyze_profile(profile, kb)
        full = build_facts(profile, analysis, kb)
        for copy in range(per_example):
            facts = full if copy == 0 else {k: v for k, v in full.items() if rng.random() > 1 / 3}
            outcomes, findings = evaluate_rules(rulebase, facts)
            yield profile, analysis, facts, outcomes, findings


def _plain_supported(kb, base, outcomes, findings, shares):
    """The plain definition of the three outcomes: established when a rule holds (scored on the rules that
    hold and the found findings they read), to confirm when none holds and a `verify` rule is possible
    (most weight to gain first, then clause), else not recommended."""
    from advisor.decide.ranking import ranking_settings, score_measure, score_weights

    weights = score_weights(ranking_settings())
    scored, supporting, pending = [], {}, []
    for mid, rules in base.measure_plan():
        pairs = [(r, outcomes.get(rid, "F")) for r, rid, _, _, _ in rules if outcomes.get(rid, "F") != "F"]
        if pairs:
            supporting[mid] = pairs
        holding = [(weight, reads) for r, rid, _, weight, reads in rules if outcomes.get(rid) == "T"]
        if holding:
            severity = sum(base.findings[g].severity for _, reads in holding for g in reads if findings.get(g) is True)
            scored.append(score_measure(kb.measures[mid], sum(w for w, _ in holding), severity, shares, weights))
            continue
        gain = sum(weight for _, rid, verify, weight, _ in rules if verify and outcomes.get(rid) == "U")
        if gain:
            pending.append((-gain, tuple(int(p) for p in mid.split(".")), mid))
    return scored, supporting, [mid for _, _, mid in sorted(pending)]


def _plain_order(scored, measures, objects):
    """The ordering as first written – score, then implementation object (in objects.yaml's order), then clause –
    the reference that ordering by clause alone must match."""
    ranked = sorted(scored, key=lambda s: (-s.score, objects.index(measures[s.measure].object),
                                           tuple(int(p) for p in s.measure.split("."))))
    ids = [s.measure for s in ranked]
    for _ in range(len(ids)):
        moved = False
        for s in list(ranked):
            for pre in measures[s.measure].prerequisites:
                if pre in ids and ids.index(pre) > ids.index(s.measure):
                    ranked.remove(s)
                    ranked.insert([x.measure for x in ranked].index(pre) + 1, s)
                    ids = [x.measure for x in ranked]
                    moved = True
        if not moved:
            break
    return ranked


def _plain_unknowns(base, facts, findings, outcomes):
    out: dict[str, set[str]] = {}
    for rid, outcome in outcomes.items():
        if outcome == "U" and base.rule_targets(rid):
            for fact in _rule_unknowns(base.rules[rid], base, facts, findings, outcomes):
                out.setdefault(fact, set()).update(base.rule_targets(rid))
    return out


def test_scores_order_and_unknowns_are_those_of_their_plain_definitions(kb, rulebase, example_paths):
    from advisor.decide.ranking import order
    from advisor.decide.recommend import _supported, _unknowns

    no_prerequisites = {mid: m.model_copy(update={"prerequisites": []}) for mid, m in kb.measures.items()}
    moved = confirming = 0
    for profile, analysis, facts, outcomes, findings in _example_parks(kb, rulebase, example_paths):
        shares = _category_shares(profile, analysis)
        scored, supporting, to_confirm = _supported(kb, rulebase, outcomes, findings, shares)
        plain_scored, plain_supporting, plain_to_confirm = _plain_supported(kb, rulebase, outcomes, findings, shares)
        assert [(s.measure, s.score, s.parts, s.priority) for s in scored] == \
               [(s.measure, s.score, s.parts, s.priority) for s in plain_scored]
        assert supporting == plain_supporting
        assert to_confirm == plain_to_confirm
        confirming += bool(to_confirm)
        ranked = [s.measure for s in order(scored, kb.measures)]
        assert ranked == [s.measure for s in _plain_order(scored, kb.measures, kb.object_ids())]
        moved += ranked != [s.measure for s in _plain_order(scored, no_prerequisites, kb.object_ids())]
        assert _unknowns(rulebase, facts, findings, outcomes) == _plain_unknowns(rulebase, facts, findings, outcomes)
    assert moved, "in some park a prerequisite should have moved a measure"
    assert confirming, "in some park a measure should be left to confirm"


def test_a_measure_moves_to_just_after_its_recommended_prerequisite(kb):
    from advisor.decide.ranking import Scored, order

    assert "7.1.1" in kb.measures["7.1.2"].prerequisites
    scored = [Scored("7.1.2", 3.0), Scored("7.2.1", 2.0), Scored("7.1.1", 1.0)]
    assert [s.measure for s in order(scored, kb.measures)] == ["7.2.1", "7.1.1", "7.1.2"]
    # without the prerequisite among the recommended measures, score order stands
    assert [s.measure for s in order(scored[:2], kb.measures)] == ["7.1.2", "7.2.1"]


def test_ordering_reads_the_measures_table_it_is_given_not_one_seen_before(kb):
    from advisor.decide.ranking import Scored, order

    scored = [Scored("7.1.2", 3.0), Scored("7.1.1", 1.0)]
    assert [s.measure for s in order(scored, kb.measures)] == ["7.1.1", "7.1.2"]
    no_prerequisites = {mid: m.model_copy(update={"prerequisites": []}) for mid, m in kb.measures.items()}
    assert [s.measure for s in order(scored, no_prerequisites)] == ["7.1.2", "7.1.1"]
