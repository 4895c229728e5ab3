"""Ranking (issue 17, "a list that says what comes first"): foundation measures first, priority bands relative to
the park and consistent with rank, the first-year shortlist, and the kb check of the ranking settings and of rules
that treat the same unknown finding differently."""

from __future__ import annotations

import dataclasses
import random
from types import SimpleNamespace

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.decide.ranking import Foundation, Scored, order, ranking_settings, shortlist

PRIORITY_RANK = {"high": 2, "medium": 1, "low": 0}


def _scored(*pairs: tuple[str, float]) -> list[Scored]:
    return [Scored(m, score) for m, score in pairs]


def _non_increasing(ranked: list[Scored]) -> bool:
    bands = [PRIORITY_RANK[s.priority] for s in ranked]
    return all(a >= b for a, b in zip(bands, bands[1:], strict=False))


def _with(**changes):
    return ranking_settings().model_copy(update=changes)


def test_the_chemical_demo_has_7_1_1_in_its_first_three_and_at_most_eight_high_measures(kb, demo_path):
    from advisor.decide.recommend import advise
    from advisor.profile.files import load_profile

    profile = load_profile(demo_path, kb)
    assert profile.management.synergy_plan is False
    recs = advise(profile, kb)["recommendations"]
    assert "7.1.1" in [r["measure"] for r in recs[:3]]
    assert sum(r["priority"] == "high" for r in recs) <= ranking_settings().high_at_most.value <= 8
    assert recs[[r["measure"] for r in recs].index("7.1.1")]["priority"] == "high"


def test_a_foundation_measure_whose_rule_holds_goes_first_in_clause_order_and_is_high(kb):
    scored = _scored(("7.2.3", 18.0), ("7.3.2", 1.0), ("7.3.5", 12.0), ("7.1.1", 0.5))
    ranked = order(scored, kb.measures, {"R-MGMT-01": "T", "R-ENT-05": "T"}, {})
    assert [s.measure for s in ranked] == ["7.1.1", "7.3.2", "7.2.3", "7.3.5"]
    assert [s.priority for s in ranked[:2]] == ["high", "high"]
    assert ranked[0].foundation and ranked[1].foundation and not ranked[2].foundation


def test_a_foundation_measure_resting_on_an_unknown_or_without_the_park_s_outcomes_keeps_its_score_rank(kb):
    scored = _scored(("7.2.3", 18.0), ("7.1.1", 0.5))
    for outcomes in ({"R-MGMT-01": "U"}, {"R-MGMT-01": "F"}, None):
        ranked = order(list(scored), kb.measures, outcomes, {})
        assert [s.measure for s in ranked] == ["7.2.3", "7.1.1"]
        assert ranked[1].priority == "low" and not ranked[1].foundation


def test_a_foundation_named_by_a_finding_counts_only_when_the_finding_is_found(kb):
    by_finding = _with(foundation=[Foundation(measure="7.3.2", findings=["weak-carbon-data"], reason="a test")])
    scored = _scored(("7.2.3", 18.0), ("7.3.2", 1.0))
    assert [s.measure for s in order(list(scored), kb.measures, {}, {"weak-carbon-data": True},
                                     by_finding)] == ["7.3.2", "7.2.3"]
    assert [s.measure for s in order(list(scored), kb.measures, {}, {"weak-carbon-data": None},
                                     by_finding)] == ["7.2.3", "7.3.2"]


def test_no_more_measures_are_high_or_medium_than_the_settings_allow_however_high_they_score(kb):
    settings_ = ranking_settings()
    scored = [Scored(m, 20.0 - i * 0.1) for i, m in enumerate(sorted(kb.measures))]
    ranked = order(scored, {m: kb.measures[m].model_copy(update={"prerequisites": []}) for m in kb.measures})
    priorities = [s.priority for s in ranked]
    high, medium = int(settings_.high_at_most.value), int(settings_.medium_at_most.value)
    assert priorities == ["high"] * high + ["medium"] * medium + ["low"] * (len(ranked) - high - medium)


def test_the_score_thresholds_still_decide_below_the_caps(kb):
    ranked = order(_scored(("7.2.3", 6.0), ("7.2.4", 3.0), ("7.2.5", 1.0)), kb.measures)
    assert [s.priority for s in ranked] == ["high", "medium", "low"]


def test_a_measure_moved_behind_a_lower_banded_prerequisite_takes_that_band(kb):
    assert "7.1.1" in kb.measures["7.1.2"].prerequisites
    scored = _scored(("7.1.2", 9.0), ("7.2.3", 8.0), ("7.2.4", 3.0), ("7.1.1", 1.0), ("7.2.5", 0.5))
    ranked = order(scored, kb.measures)
    assert [s.measure for s in ranked] == ["7.2.3", "7.2.4", "7.1.1", "7.1.2", "7.2.5"]
    assert [s.priority for s in ranked] == ["high", "medium", "low", "low", "low"]


def test_priorities_never_rise_down_the_list_in_any_example_park_or_any_part_of_one(kb, rulebase, example_paths):
    from advisor.accounting import analyze_profile
    from advisor.decide.recommend import get_engine, judge
    from advisor.profile.files import load_profile

    rng = random.Random(17)
    high_at_most = ranking_settings().high_at_most.value
    for path in example_paths:
        profile = load_profile(path, kb)
        j = judge(profile, kb, analyze_profile(profile, kb), rulebase, get_engine())
        assert _non_increasing(j.ranked) and sum(s.priority == "high" for s in j.ranked) <= high_at_most
        for _ in range(20):     # any subset of the measures, as when only the established ones are ranked
            part = [Scored(s.measure, s.score, s.parts) for s in j.ranked if rng.random() < 0.6]
            ranked = order(part, kb.measures, j.outcomes, j.findings)
            assert _non_increasing(ranked) and sum(s.priority == "high" for s in ranked) <= high_at_most
            for s in ranked:    # a prerequisite in the list always comes before its dependant
                for pre in kb.measures[s.measure].prerequisites:
                    assert pre not in [x.measure for x in ranked[ranked.index(s):]]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=25, allow_nan=False), min_size=0, max_size=30),
       st.sets(st.sampled_from(["R-MGMT-01", "R-ENT-05"])))
def test_bands_are_non_increasing_and_capped_for_any_scores(kb, scores, holding):
    ids = sorted(kb.measures, key=lambda m: tuple(map(int, m.split("."))))[:len(scores)]
    ranked = order([Scored(m, s) for m, s in zip(ids, scores, strict=False)], kb.measures,
                   dict.fromkeys(holding, "T"), {})
    settings_ = ranking_settings()
    assert _non_increasing(ranked)
    assert sum(s.priority == "high" for s in ranked) <= settings_.high_at_most.value
    assert sum(s.priority == "medium" for s in ranked) <= settings_.medium_at_most.value
    assert all(s.priority == "high" for s in ranked if s.foundation)


def test_the_shortlist_is_the_top_of_the_ranked_list_up_to_its_size(kb):
    size = int(ranking_settings().shortlist_size.value)
    scored = [Scored(m, 20.0 - i * 0.1) for i, m in enumerate(sorted(kb.measures))]
    ranked = order(scored, kb.measures, {"R-MGMT-01": "T"}, {})
    assert shortlist(ranked) == [s.measure for s in ranked[:size]]
    assert shortlist(ranked)[0] == "7.1.1"
    assert shortlist(ranked[:3]) == [s.measure for s in ranked[:3]]
    assert shortlist([]) == []


def test_the_shortlist_keeps_every_foundation_measure_even_beyond_its_size(kb):
    three = _with(shortlist_size=ranking_settings().shortlist_size.model_copy(update={"value": 2}),
                  foundation=[Foundation(measure=m, findings=["f"], reason="a test")
                              for m in ("7.1.1", "7.3.2", "7.5.1")])
    ranked = order(_scored(("7.2.3", 9.0), ("7.5.1", 1.0), ("7.3.2", 1.0), ("7.1.1", 1.0)), kb.measures,
                   {}, {"f": True}, three)
    assert shortlist(ranked, three) == ["7.1.1", "7.3.2", "7.5.1"]


def test_the_shortlist_of_the_chemical_demo_starts_with_7_1_1_and_holds_recommended_measures_only(
        kb, rulebase, demo_path):
    from advisor.accounting import analyze_profile
    from advisor.decide.recommend import advise, get_engine, judge
    from advisor.profile.files import load_profile

    profile = load_profile(demo_path, kb)
    recommended = [r["measure"] for r in advise(profile, kb)["recommendations"]]
    short = shortlist(judge(profile, kb, analyze_profile(profile, kb), rulebase, get_engine()).ranked)
    assert short[0] == "7.1.1" and short == recommended[:len(short)]
    assert len(short) == min(len(recommended), int(ranking_settings().shortlist_size.value))


def test_kb_check_accepts_the_real_ranking_settings_and_rules(kb, rulebase):
    from advisor.decide.checks import ranking_settings_resolve, same_unknown_finding_same_effect

    assert ranking_settings_resolve(kb, rulebase) == []
    assert same_unknown_finding_same_effect(kb, rulebase) == []


def test_kb_check_reports_foundation_entries_that_name_unknown_or_unrelated_things(kb, rulebase, tmp_path):
    from advisor.decide.checks import ranking_settings_resolve

    data = yaml.safe_load((kb.root / "ranking.yaml").read_text(encoding="utf-8"))
    data["high_at_most"]["value"] = 7.5
    data["foundation"] = [{"measure": "7.9.9", "rules": ["R-MGMT-99"], "reason": "a test"},
                          {"measure": "7.3.2", "rules": ["R-MGMT-01"], "findings": ["no-such-finding"],
                           "reason": "x y"},
                          {"measure": "7.1.1", "reason": "names nothing"}]
    (tmp_path / "ranking.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    problems = [i.problem for i in ranking_settings_resolve(SimpleNamespace(root=tmp_path, measures=kb.measures),
                                                            rulebase)]
    assert any("7.5 is not a whole number" in p for p in problems)
    assert any("unknown measure '7.9.9'" in p for p in problems)
    assert any("unknown rule 'R-MGMT-99'" in p for p in problems)
    assert any("R-MGMT-01 does not recommend 7.3.2" in p for p in problems)
    assert any("unknown finding 'no-such-finding'" in p for p in problems)
    assert any("names neither rules nor findings" in p for p in problems)


def _with_rule(base, rid: str, **changes):
    """A rule base whose rule `rid` has these fields changed (the rest shared)."""
    compiled = base.rules[rid]
    rules = dict(base.rules)
    rules[rid] = dataclasses.replace(compiled, rule=compiled.rule.model_copy(update=changes))
    return SimpleNamespace(rules=rules)


def test_kb_check_reports_rules_that_treat_the_same_unknown_finding_differently(kb, rulebase):
    from advisor.decide.checks import same_unknown_finding_same_effect
    from advisor.kb.schemas.common import Text

    assert rulebase.rules["R-MGMT-09"].rule.on_unknown == rulebase.rules["R-SUR-01"].rule.on_unknown == "verify"
    split = _with_rule(rulebase, "R-MGMT-09", on_unknown="omit")
    issues = same_unknown_finding_same_effect(kb, split)
    # R-MGMT-09 reads two findings; each is read by verify rules elsewhere (R-SUR-01, R-MGMT-10)
    assert sorted(i.path for i in issues) == ["finding carbon-not-decoupled", "finding energy-intensive-structure"]
    decoupling = next(i for i in issues if i.path == "finding carbon-not-decoupled")
    assert "omit: R-MGMT-09" in decoupling.problem and "R-SUR-01" in decoupling.problem
    reason = Text(zh="理由。", en="A reason.")
    explained = _with_rule(split, "R-MGMT-09", on_unknown="omit", on_unknown_reason=reason)
    assert same_unknown_finding_same_effect(kb, explained) == []


def test_an_audit_coverage_of_ninety_per_cent_is_no_gap_and_sixty_per_cent_is(kb, demo_path):
    from advisor.decide.recommend import advise
    from advisor.profile.files import validate_data

    data = yaml.safe_load(demo_path.read_text(encoding="utf-8"))
    found = {}
    for coverage in (0.9, 0.6):
        data["enterprises_summary"]["clean_production_audit_coverage"] = coverage
        advice = advise(validate_data(data, "demo-chemical.yaml", kb), kb)
        found[coverage] = {f["id"]: f["status"] for f in advice["findings"]}.get("low-cleaner-production-coverage")
    assert found == {0.9: None, 0.6: "found"}
