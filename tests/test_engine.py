"""The durable-rules engine agrees with the plain Python evaluator, park after park."""

from __future__ import annotations

import textwrap
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.decide.engine import Engine, compile_possible, count_expressions
from advisor.decide.evaluator import evaluate_rules
from advisor.kb.rulebook import load_rulebase_uncached

FACTS = """
- {id: coal_share, type: number, unit: fraction, text: {zh: 煤, en: coal}, source: test}
- {id: plan, type: bool, text: {zh: 规划, en: plan}, source: test}
- {id: heating, type: enum, values: [none, coal_chp, gas_chp], text: {zh: 供热, en: heating}, source: test}
"""
FINDINGS = """
- {id: coal-heavy, text: {zh: 煤多, en: coal heavy}, severity: 2}
"""
RULES = """
theme: {zh: 测试, en: test}
rules:
  - id: R-T-01
    title: {zh: 煤, en: coal}
    when: {any: [{fact: coal_share, ge: 0.5}, {fact: heating, eq: coal_chp}]}
    then: {finding: coal-heavy}
    because: {zh: 煤多, en: much coal}
    clause: "6.2"
    cases: [{given: {coal_share: 0.6}, expect: fire}]
  - id: R-T-02
    title: {zh: 能源, en: energy}
    when: {all: [{finding: coal-heavy}, {not: {fact: plan, eq: true}}]}
    then: {measure: "7.2.3", weight: 2}
    because: {zh: 煤多无规划, en: coal and no plan}
    clause: "7.2.3"
    on_unknown: verify
    cases: [{given: {"finding:coal-heavy": true, plan: false}, expect: fire}]
  - id: R-T-03
    title: {zh: 规划, en: plan}
    when: {fact: plan, ne: true}
    then: {measure: "7.1.1"}
    because: {zh: 无规划, en: no plan}
    clause: "7.1.1"
    cases: [{given: {plan: false}, expect: fire}]
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    root = tmp_path_factory.mktemp("kb")
    (root / "knowledge").mkdir()
    (root / "rules").mkdir()
    (root / "knowledge" / "facts.yaml").write_text(textwrap.dedent(FACTS), encoding="utf-8")
    (root / "knowledge" / "findings.yaml").write_text(textwrap.dedent(FINDINGS), encoding="utf-8")
    (root / "rules" / "test.yaml").write_text(textwrap.dedent(RULES), encoding="utf-8")
    base, issues = load_rulebase_uncached(root / "rules", root / "knowledge")
    assert issues == []
    return base, Engine(base)


def test_a_finding_feeds_a_measure_rule_in_the_next_round(tiny):
    base, engine = tiny
    assert base.rules["R-T-02"].stratum == 2
    outcomes, findings = engine.evaluate({"coal_share": 0.7, "plan": False})
    assert findings == {"coal-heavy": True}
    assert outcomes == {"R-T-01": "T", "R-T-02": "T", "R-T-03": "T"}


def test_unknown_facts_make_rules_possible_not_false(tiny):
    _, engine = tiny
    outcomes, findings = engine.evaluate({"coal_share": 0.2})
    assert findings == {"coal-heavy": None}       # heating unknown: coal CHP still possible
    assert outcomes["R-T-02"] == "U" and outcomes["R-T-03"] == "U"


def test_nothing_fires_on_a_clean_park(tiny):
    _, engine = tiny
    outcomes, findings = engine.evaluate({"coal_share": 0.1, "heating": "gas_chp", "plan": True})
    assert set(outcomes.values()) == {"F"} and findings == {}


def test_sessions_are_deleted_so_thousands_of_parks_fit_in_one_ruleset(tiny):
    _, engine = tiny
    engine = Engine(base := tiny[0], memo=False)   # every park asserted, none remembered
    for i in range(1500):  # durable refuses more than 1,024 live sessions
        engine.evaluate({"coal_share": (i % 10) / 10})
    assert engine.asserted == 1500 * len(engine._chunks) and base.rounds == 2


def test_a_park_like_one_seen_before_is_answered_without_asserting_again(tiny):
    base, _ = tiny
    engine = Engine(base)
    first = engine.evaluate({"coal_share": 0.61, "plan": False})
    asserted = engine.asserted
    assert engine.evaluate({"coal_share": 0.93, "plan": False}) == first   # same side of 0.5
    assert engine.asserted == asserted
    assert engine.evaluate({"coal_share": 0.5, "plan": False}) == first    # ge 0.5: on the threshold
    assert engine.asserted > asserted
    outcomes, _ = engine.evaluate({"coal_share": 0.49999, "plan": False})
    assert outcomes["R-T-01"] == "U"                                        # below it: heating unknown


def test_conditions_compile_within_the_engine_limits(rulebase):
    for r in rulebase.rules.values():
        assert count_expressions(compile_possible(r.condition)) < 32, r.rule.id


def _fact_strategy(fact):
    if fact.type == "bool":
        return st.booleans()
    if fact.type == "enum":
        return st.sampled_from(fact.values)
    if fact.type == "count":
        return st.integers(min_value=0, max_value=200)
    if fact.type == "number":
        return st.one_of(st.floats(min_value=0, max_value=1.5, allow_nan=False),
                         st.floats(min_value=0, max_value=1e7, allow_nan=False),
                         st.sampled_from(THRESHOLDS.get(fact.id) or [0.0]))
    return st.text(max_size=5)


def _thresholds(base) -> dict[str, list]:
    """Each number a rule compares a fact with, and its two nearest floats: where classes meet."""
    import math

    from advisor.kb.conditions import Atom, atoms

    out: dict[str, list] = {}
    for r in base.rules.values():
        for atom in atoms(r.condition):
            if isinstance(atom, Atom) and isinstance(atom.value, (int, float)) and not isinstance(atom.value, bool):
                v = float(atom.value)
                out.setdefault(atom.fact, []).extend([v, math.nextafter(v, -math.inf), math.nextafter(v, math.inf)])
                if float(atom.value).is_integer():
                    out[atom.fact].append(int(atom.value))
    return out


THRESHOLDS: dict[str, list] = {}


@st.composite
def random_parks(draw, base):
    facts = {}
    for fid, fact in base.facts.items():
        if draw(st.integers(0, 3)) > 0:  # about a quarter of the facts unknown
            facts[fid] = draw(_fact_strategy(fact))
    return facts


def test_engine_and_evaluator_agree_on_random_parks(rulebase):
    THRESHOLDS.update(_thresholds(rulebase))
    engine = Engine(rulebase)

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(random_parks(rulebase))
    def check(facts):
        assert engine.evaluate(facts) == evaluate_rules(rulebase, facts)

    check()


def test_remembered_results_equal_fresh_ones_on_random_parks_near_the_thresholds(rulebase):
    THRESHOLDS.update(_thresholds(rulebase))
    remembering, fresh = Engine(rulebase), Engine(rulebase, memo=False)

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(random_parks(rulebase))
    def check(facts):
        assert remembering.evaluate(facts) == fresh.evaluate(facts)

    check()
    assert remembering.asserted < fresh.asserted


def test_engine_and_evaluator_agree_on_every_example_park(kb, rulebase, example_paths):
    from advisor.accounting import analyze_profile
    from advisor.decide.facts import build_facts
    from advisor.profile.files import load_profile

    engine = Engine(rulebase)
    assert example_paths
    for path in example_paths:
        profile = load_profile(path, kb)
        facts = build_facts(profile, analyze_profile(profile, kb), kb)
        assert engine.evaluate(facts) == evaluate_rules(rulebase, facts), path.name


def test_the_engine_names_the_rules_durable_evaluated_and_not_those_it_remembered(tiny):
    engine = Engine(tiny[0])
    first: list[str] = []
    engine.evaluate({"coal_share": 0.7, "plan": False}, fresh=first)
    assert sorted(first) == ["R-T-01", "R-T-02", "R-T-03"]
    again: list[str] = []
    engine.evaluate({"coal_share": 0.8, "plan": False}, fresh=again)   # the same class of park
    assert again == []


def test_advice_stops_when_durable_and_the_python_evaluator_disagree(kb, rulebase, demo_path, monkeypatch):
    from advisor.decide.recommend import advise
    from advisor.errors import RuleEngineError
    from advisor.profile.files import load_profile

    profile = load_profile(demo_path, kb)
    engine = Engine(rulebase, memo=False)
    advise(profile, kb, base=rulebase, engine=engine)           # they agree
    rule = next(iter(rulebase.rules.values()))
    honest = rule.check
    monkeypatch.setattr(rule, "check", lambda facts, findings: {True: False, False: True}.get(honest(facts, findings)))
    with pytest.raises(RuleEngineError) as caught:
        advise(profile, kb, base=rulebase, engine=engine)
    assert rule.rule.id in caught.value.issues[0].path


def test_the_engine_runs_no_polling_threads_beside_the_park_being_judged(tiny):
    _, engine = tiny
    engine.evaluate({"coal_share": 0.7, "plan": False})
    assert not [t for t in threading.enumerate() if isinstance(t, threading.Timer)]
