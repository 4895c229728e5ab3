"""Scoring inputs of the advice: emission shares by category, the unknowns behind a rule, rounding."""

from __future__ import annotations

import math
import random

from hypothesis import given
from hypothesis import strategies as st

from advisor.evaluator import evaluate_rules
from advisor.ranking import _round4
from advisor.recommend import _category_shares, _Unknowns
from conftest import minimal_profile


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
    from advisor.facts import build_facts
    from advisor.profile_io import load_profile

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
    from advisor.profile_io import validate_data

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
