"""Honest advice on incomplete data: established, to confirm or not recommended – never overstated.

Run on the bundled example parks and on copies of them with random profile fields removed (unknown)."""

from __future__ import annotations

import copy
import random
import re

import pytest
import yaml
from conftest import EXAMPLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.decide.evaluator import evaluate_rules
from advisor.decide.recommend import _supported, advise
from advisor.kb.conditions import evaluate

FIELDS = ("management", "infrastructure", "water", "enterprises_summary", "third_party", "surroundings")
WHOLE = ("energy", "processes", "emissions_history", "economy")
CJK = re.compile(r"[\u4e00-\u9fff]")
RULE_ID = re.compile(r"\bR-[A-Z]+-\d{2,3}\b")


def _data(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _without_random_fields(data: dict, rng: random.Random, share: float) -> dict:
    """The profile with about `share` of the fields of its sections removed (unknown)."""
    out = copy.deepcopy(data)
    for section in FIELDS:
        block = out.get(section)
        for key in list(block or {}):
            if rng.random() < share:
                del block[key]
    for section in WHOLE:
        if section in out and rng.random() < share / 2:
            del out[section]
    return out


def _advice(data: dict, kb, lang: str = "zh") -> dict:
    from advisor.profile.files import validate_data

    return advise(validate_data(data, "park.yaml", kb), kb, lang=lang)


def _parks(kb, copies: int = 6):
    """(name, advice) of each example park and of copies with random fields unknown."""
    rng = random.Random(17)
    for path in EXAMPLES:
        data = _data(path)
        yield path.name, _advice(data, kb)
        for i in range(copies):
            yield f"{path.name} copy {i}", _advice(_without_random_fields(data, rng, 0.4), kb)


@pytest.fixture(scope="module")
def parks(kb):
    return list(_parks(kb))


def _findings(advice: dict) -> dict:
    return {f["id"]: (True if f["status"] == "found" else None) for f in advice["findings"]}


def test_every_measure_is_in_exactly_one_of_the_three_lists(parks, kb):
    confirming = 0
    for name, advice in parks:
        ids = ([r["measure"] for r in advice["recommendations"]] + [t["measure"] for t in advice["to_confirm"]]
               + [n["measure"] for n in advice["not_recommended"]])
        assert sorted(ids) == sorted(kb.measures), name
        confirming += bool(advice["to_confirm"])
    assert confirming, "some park with unknowns should have measures to confirm"


def test_every_recommendation_rests_on_a_rule_that_holds_on_known_facts_and_found_findings(parks, rulebase):
    for name, advice in parks:
        facts, findings = advice["facts"], _findings(advice)
        for rec in advice["recommendations"]:
            assert rec["because"], (name, rec["measure"])
            for b in rec["because"]:
                assert evaluate(rulebase.rules[b["rule"]].condition, facts, findings) is True, (name, b["rule"])
            assert any(all(v is not None for v in b["facts"].values())
                       and all(findings.get(g) is True for g in b["findings"]) and (b["facts"] or b["findings"])
                       for b in rec["because"]), (name, rec["measure"])


def test_because_is_strongest_first_and_the_rules_only_possible_are_apart(parks, rulebase):
    seen = 0
    for name, advice in parks:
        facts, findings = advice["facts"], _findings(advice)
        for rec in advice["recommendations"]:
            weights = [b["weight"] for b in rec["because"]]
            assert weights == sorted(weights, reverse=True), (name, rec["measure"])
            for w in rec["would_strengthen"]:
                seen += 1
                assert evaluate(rulebase.rules[w["rule"]].condition, facts, findings) is None
                assert w["text"] == rulebase.rules[w["rule"]].rule.conditional.in_lang("zh")
                assert all(facts.get(u["fact"]) is None for u in w["unknown"]) and w["unknown"]
    assert seen, "some recommendation should have a rule that would strengthen it"


def test_nothing_to_confirm_is_in_the_plan_or_the_shortlist_and_the_plan_holds_the_recommendations(parks):
    for name, advice in parks:
        planned = [m for horizons in advice["plan"].values() for ms in horizons.values() for m in ms]
        pending = {t["measure"] for t in advice["to_confirm"]}
        assert sorted(planned) == sorted(r["measure"] for r in advice["recommendations"]), name
        assert not pending & set(planned) and not pending & set(advice["shortlist"]), name
        assert set(advice["shortlist"]) <= set(planned)


def test_a_measure_to_confirm_says_which_unknowns_decide_it_with_the_question_that_asks_each(parks, rulebase):
    for name, advice in parks:
        facts, findings = advice["facts"], _findings(advice)
        asked = {q["fact"]: q for q in advice["questions_to_answer"]}
        for t in advice["to_confirm"]:
            assert t["if"], (name, t["measure"])
            for entry in t["if"]:
                rule = rulebase.rules[entry["rule"]]
                assert evaluate(rule.condition, facts, findings) is None
                assert entry["text"].startswith("若") and entry["unknown"]
                assert all(v is not None for v in entry["known"].values())
                for u in entry["unknown"]:
                    assert facts.get(u["fact"]) is None
                    assert t["measure"] in asked[u["fact"]]["decides"]


def test_questions_to_answer_come_most_decisive_first_with_labels_not_paths(parks):
    for name, advice in parks:
        questions = advice["questions_to_answer"]
        counts = [len(q["decides"]) for q in questions]
        assert counts == sorted(counts, reverse=True), name
        for q in questions:
            assert advice["facts"].get(q["fact"]) is None
            assert q["label"] and q["fact"] not in q["label"] and CJK.search(q["label"])


def test_a_park_that_has_a_co_control_plan_is_never_told_it_has_none(kb, rulebase):
    data = _data(EXAMPLES[0].with_name("demo-chemical.yaml"))
    data["management"]["synergy_plan"] = True     # what the plan covers stays unknown
    for lang in ("zh", "en"):
        advice = _advice(data, kb, lang)
        assert "no-co-control-plan" not in {f["id"] for f in advice["findings"] if f["status"] == "found"}
        texts = [b["text"] for r in advice["recommendations"] for b in r["because"]]
        no_plan = [r for r in rulebase.rules.values() if "no-co-control-plan" in r.findings
                   or r.rule.then.finding == "no-co-control-plan"]
        assert no_plan and not {r.rule.because.in_lang(lang) for r in no_plan} & set(texts)


def test_a_park_with_all_three_conditions_of_7_5_2_unknown_gets_it_to_confirm_not_recommended(kb):
    data = _data(EXAMPLES[0].with_name("demo-chemical.yaml"))
    for key in ("neighbouring_parks", "cross_park_cooperation"):
        data["surroundings"].pop(key, None)
    data["infrastructure"].pop("hazardous_waste", None)
    advice = _advice(data, kb)
    assert "7.5.2" not in [r["measure"] for r in advice["recommendations"]]
    pending = next(t for t in advice["to_confirm"] if t["measure"] == "7.5.2")
    unknown = {u["fact"] for entry in pending["if"] for u in entry["unknown"]}
    assert {"surroundings.neighbouring_parks", "surroundings.cross_park_cooperation"} <= unknown
    questions = {q["question"] for q in advice["questions_to_answer"] if "7.5.2" in q["decides"]}
    assert {"neighbouring-parks", "cross-park-cooperation"} <= questions


def _user_texts(advice: dict) -> list[str]:
    texts = [b["text"] for r in advice["recommendations"] for b in r["because"]]
    texts += [e["text"] for r in advice["recommendations"] for e in r["would_strengthen"]]
    texts += [e["text"] for t in advice["to_confirm"] for e in t["if"]]
    texts += [u["label"] for t in advice["to_confirm"] for e in t["if"] for u in e["unknown"]]
    for n in advice["not_recommended"]:
        for w in n["why_not"]:
            texts += [w["text"], w["needed"], w["because"]] + [v["text"] for v in w.get("via") or []]
    texts += [q["label"] for q in advice["questions_to_answer"]]
    return texts


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_texts_people_read_hold_no_field_paths_rule_ids_or_the_other_language(kb, rulebase, lang):
    rng = random.Random(3)
    paths = set(rulebase.facts)
    for path in EXAMPLES:
        for data in (_data(path), _without_random_fields(_data(path), rng, 0.5)):
            texts = _user_texts(_advice(data, kb, lang))
            assert texts
            for text in texts:
                assert not RULE_ID.search(text) and not [p for p in paths if p in text], text
                assert bool(CJK.search(text)) == (lang == "zh"), text


def test_why_not_names_the_known_fact_that_rules_a_measure_out_in_plain_words(kb):
    data = _data(EXAMPLES[0].with_name("demo-chemical.yaml"))
    data["management"]["synergy_plan"] = True
    data["management"]["plan_scope"] = "integrated"
    for lang, expected in (("zh", "「已有减污降碳协同规划或方案」为“是”，不满足条件"),
                           ("en", "“A co-control plan or roadmap exists” is yes, so the condition does not hold")):
        why_not = [w for n in _advice(data, kb, lang)["not_recommended"] for w in n["why_not"]]
        assert expected in [v["text"] for w in why_not for v in w.get("via") or []]


def test_why_not_says_which_unknown_keeps_a_measure_out_and_that_its_question_decides_it(kb):
    data = _data(EXAMPLES[0].with_name("demo-chemical.yaml"))
    data["management"].update(synergy_plan=True, plan_scope="integrated", plan_year=None)
    data["management"].pop("plan_has_targets", None)
    for lang, expected in (("zh", "回答以下问题后才能判断：「规划是否有量化目标？」"),
                           ("en", "answer these questions to decide: “Does the plan have quantified targets?”")):
        advice = _advice(data, kb, lang)
        texts = [w["text"] for n in advice["not_recommended"] for w in n["why_not"]]
        texts += [v["text"] for n in advice["not_recommended"] for w in n["why_not"] for v in w.get("via") or []]
        assert any(expected in t for t in texts), texts


# --- one answer moves only the measures that read it -------------------------------------------------

def _status(kb, rulebase, facts: dict) -> dict[str, str]:
    outcomes, findings = evaluate_rules(rulebase, facts)
    scored, _, to_confirm = _supported(kb, rulebase, outcomes, findings, {})
    status = dict.fromkeys(kb.measures, "not_recommended")
    status.update(dict.fromkeys(to_confirm, "to_confirm"))
    status.update({s.measure: "established" for s in scored})
    return status


def _readers(rulebase, fact: str) -> set[str]:
    """The measures whose rules read the fact, directly or through the findings built on it (transitively)."""
    queue = [r for r in rulebase.rules.values() if fact in r.facts]
    measures, seen = set(), set()
    while queue:
        r = queue.pop()
        then = r.rule.then
        if then.measure:
            measures.add(then.measure)
        elif then.finding not in seen:
            seen.add(then.finding)
            queue += [x for x in rulebase.rules.values() if then.finding in x.findings]
    return measures


@pytest.fixture(scope="module")
def example_facts(kb):
    from advisor.accounting import analyze_profile
    from advisor.decide.facts import build_facts
    from advisor.profile.files import load_profile

    out = []
    for path in EXAMPLES:
        profile = load_profile(path, kb)
        out.append(build_facts(profile, analyze_profile(profile, kb), kb))
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_answering_one_unknown_moves_only_measures_whose_rules_read_it(kb, rulebase, example_facts, data):
    full = data.draw(st.sampled_from(example_facts))
    read = sorted(f for f in full if any(f in r.facts for r in rulebase.rules.values()) and full[f] is not None)
    hidden = data.draw(st.sets(st.sampled_from(read), min_size=1, max_size=len(read)))
    facts = {k: v for k, v in full.items() if k not in hidden}
    fact = data.draw(st.sampled_from(sorted(hidden)))
    before = _status(kb, rulebase, facts)
    after = _status(kb, rulebase, {**facts, fact: full[fact]})
    moved = {m for m in kb.measures if before[m] != after[m]}
    assert moved <= _readers(rulebase, fact), (fact, moved - _readers(rulebase, fact))


def test_the_batch_screen_gives_the_same_three_lists_as_the_full_advice(kb):
    from advisor.accounting import analyze_profile
    from advisor.decide.recommend import screen
    from advisor.profile.files import validate_data

    rng = random.Random(5)
    for path in EXAMPLES:
        for data in (_data(path), _without_random_fields(_data(path), rng, 0.5)):
            profile = validate_data(data, "park.yaml", kb)
            full = advise(profile, kb)
            lean = screen(profile, kb, analysis=analyze_profile(profile, kb))
            assert [m for m, _, _ in lean["ranked"]] == [r["measure"] for r in full["recommendations"]]
            assert lean["to_confirm"] == [t["measure"] for t in full["to_confirm"]]


def test_an_unknown_fact_is_named_by_its_question_or_else_by_its_own_text(kb, rulebase):
    from advisor.decide.recommend import _words
    from advisor.kb.fact_questions import question_book

    book = question_book(kb)
    assert book is not None
    by_id = {q.id: q for q in book.questions}
    for lang in ("zh", "en"):
        words, order = _words(kb, rulebase, lang)
        steam = words.unknown("infrastructure.steam_demand_t_h")
        assert steam["question"] == "steam-demand"
        assert steam["label"].startswith(by_id["steam-demand"].text.in_lang(lang)[:4])
        gap = words.unknown("infrastructure.hazardous_waste_gap_t")     # two questions fill it: the fact's text
        assert gap["question"] == "hazardous-waste-generated"
        assert gap["label"].lower() == rulebase.facts["infrastructure.hazardous_waste_gap_t"].text.in_lang(lang).lower()
        tier = words.unknown("data.weak_tier_share")                      # no question asks it
        assert tier["question"] is None and tier["label"]
        assert order["steam-demand"] < order["neighbouring-parks"]


def test_the_advice_frames_come_from_their_label_file_in_both_languages():
    import yaml

    from advisor.decide.advice_texts import frames
    from advisor.kb.paths import templates_dir

    data = yaml.safe_load((templates_dir() / "advice_texts.yaml").read_text(encoding="utf-8"))
    assert frames("zh") == data["frames"]["zh"] and frames("en") == data["frames"]["en"]
    assert frames("zh").keys() == frames("en").keys()
