"""Inferred facts (knowledge/inferences.yaml): a fact the park's province, type or divisions make likely is
inferred while the profile leaves it unknown, labelled with what it is inferred from, and overridden by an
answer; a weak inference never establishes a measure, a strong one may and the reason then says so."""

from __future__ import annotations

import copy
import shutil

import pytest
import yaml
from conftest import EXAMPLES, minimal_profile

from advisor.decide.facts import build_facts
from advisor.decide.inference import infer
from advisor.decide.recommend import advise
from advisor.errors import KnowledgeError
from advisor.kb.knowledge import load_knowledge, load_knowledge_uncached
from advisor.profile.files import validate_data

FREIGHT = {"bulk_freight_t": 3.5e6, "road_freight_share": 0.8, "rail_or_water_access": False}


def _park(code: str = "C26", province: str | None = None, **sections) -> dict:
    data = minimal_profile(**sections)
    data["park"]["industries"] = [{"code": code, "share": 0.6}]
    if province:
        data["park"]["province"] = province
    return data


def _coal_chemical(**sections) -> dict:
    return _park("C26", energy=[{"carrier": "raw_coal", "amount": 1.0e6, "unit": "t", "use": "feedstock"}],
                 **sections)


def _inferred(data: dict, kb) -> dict:
    from advisor.accounting import analyze_profile

    profile = validate_data(data, "park.yaml", kb)
    analysis = analyze_profile(profile, kb)
    return {f: (i.value, i.strength) for f, i in infer(build_facts(profile, analysis, kb), profile, kb).items()}


def _advice(data: dict, kb, lang: str = "zh") -> dict:
    return advise(validate_data(data, "park.yaml", kb), kb, lang=lang)


EXAMPLE_PARKS = [
    ("a park in Jiangsu, wholly in a key region", lambda: _park(province="江苏省"),
     "park.key_air_region", True, "strong"),
    ("a park in Zhejiang, partly in a key region", lambda: _park(province="浙江"),
     "park.key_air_region", True, "weak"),
    ("an electronics park", lambda: _park("C39"), "carbon.fgas_present", True, "weak"),
    ("a coal chemical park", _coal_chemical, "water.high_salt_wastewater", True, "weak"),
    ("a steel park", lambda: _park("C31"), "surroundings.bulk_freight_t", 1500000, "weak"),
    ("a building-materials park", lambda: _park("C30"), "surroundings.bulk_freight_t", 1500000, "weak"),
]


@pytest.mark.parametrize(("kind", "make", "fact", "value", "strength"), EXAMPLE_PARKS,
                         ids=[p[0] for p in EXAMPLE_PARKS])
def test_each_example_inference_fires_on_a_minimal_park_of_its_kind(kb, kind, make, fact, value, strength):
    assert _inferred(make(), kb)[fact] == (value, strength)


def test_no_inference_fires_on_a_park_of_no_listed_kind_or_province(kb):
    assert _inferred(_park("C26", province="广东省"), kb) == {}
    assert _inferred(_park("C26"), kb) == {}


ANSWERS = [
    ("park", "key_air_region", lambda: _park(province="江苏省"), "park.key_air_region"),
    ("park", "key_air_region", lambda: _park(province="河北省"), "park.key_air_region"),
    ("water", "high_salt_wastewater", _coal_chemical, "water.high_salt_wastewater"),
]


@pytest.mark.parametrize("answer", [True, False])
@pytest.mark.parametrize(("section", "field", "make", "fact"), ANSWERS, ids=[a[3] + " " + str(i)
                                                                            for i, a in enumerate(ANSWERS)])
def test_an_answer_overrides_the_inference_whether_yes_or_no(kb, section, field, make, fact, answer):
    data = make()
    data.setdefault(section, {})[field] = answer
    assert fact not in _inferred(data, kb)
    advice = _advice(data, kb)
    assert advice["facts"][fact] is answer
    assert all(i["fact"] != fact for i in advice["inferred"])


def test_a_given_bulk_freight_or_process_list_overrides_the_inference(kb):
    assert "surroundings.bulk_freight_t" not in _inferred(_park("C31", surroundings={"bulk_freight_t": 2.0e5}), kb)
    no_fgas = _park("C39", processes=[{"id": "assembly", "category": "fuel_combustion", "emissions": {"CO2": 10}}])
    assert "carbon.fgas_present" not in _inferred(no_fgas, kb)


def test_a_weak_inference_never_establishes_a_measure_alone_it_makes_it_to_be_confirmed(kb):
    advice = _advice(_park(province="浙江省", surroundings=FREIGHT), kb)
    established = [r["measure"] for r in advice["recommendations"]]
    assert "7.5.3" not in established
    entry = next(e for e in advice["to_confirm"] if e["measure"] == "7.5.3")
    unknown = [u for rule in entry["if"] for u in rule["unknown"] if u["fact"] == "park.key_air_region"]
    assert unknown and unknown[0]["question"]
    assert unknown[0]["inferred"]["value"] is True and unknown[0]["inferred"]["text"].startswith("推断：")
    assert "park.key_air_region" not in advice["facts"]   # a weak inference is not stated as a fact


def test_a_weak_inference_on_an_omit_rule_brings_its_measure_to_confirm_not_to_recommend(kb):
    advice = _advice(_coal_chemical(), kb)
    assert "7.2.6" in [e["measure"] for e in advice["to_confirm"]]
    assert "7.2.6" not in [r["measure"] for r in advice["recommendations"]]
    answered = _advice(_coal_chemical(water={"high_salt_wastewater": True}), kb)
    assert "7.2.6" in [r["measure"] for r in answered["recommendations"]]


@pytest.mark.parametrize(("lang", "word"), [("zh", "推断"), ("en", "inferred")])
def test_a_strong_inference_establishes_its_measure_and_the_reason_says_it_is_inferred(kb, lang, word):
    advice = _advice(_park(province="江苏省", surroundings=FREIGHT), kb, lang)
    rec = next(r for r in advice["recommendations"] if r["measure"] == "7.5.3")
    cited = [b for b in rec["because"] if "park.key_air_region" in b["facts"]]
    assert cited and cited[0]["inferred"] == ["park.key_air_region"] and word in cited[0]["text"]
    listed = {i["fact"]: i for i in advice["inferred"]}["park.key_air_region"]
    assert listed["strength"] == "strong" and listed["value"] is True and listed["question"]
    assert "2023" in listed["source"]


def _knowledge_copy(tmp_path, entry: dict):
    root = tmp_path / "knowledge"
    shutil.copytree(load_knowledge().root, root)
    data = yaml.safe_load((root / "inferences.yaml").read_text(encoding="utf-8"))
    (root / "inferences.yaml").write_text(yaml.safe_dump([*data, entry], allow_unicode=True), encoding="utf-8")
    return root


GOOD = {"id": "x", "fact": "park.water_scarce", "value": True, "when": {"provinces": ["甘肃省"]},
        "strength": "weak", "basis": {"zh": "某依据", "en": "some basis"}, "source": {"title": "某文件", "year": 2020}}


@pytest.mark.parametrize(("change", "where"), [
    ({"fact": "park.no_such_fact"}, "x.fact"),
    ({"value": "yes"}, "x.value"),
    ({"when": {"provinces": ["火星省"]}}, "x.when.provinces"),
    ({"when": {"divisions": ["C39"]}}, "when"),
    ({"when": {}}, "when"),
    ({"when": {"city": ["兰州市"]}}, "when.city"),
    ({"strength": "likely"}, "strength"),
    ({"fact": "surroundings.bulk_freight_t", "value": 1000000, "at_least": True, "strength": "strong"}, "LAST"),
], ids=["unknown fact", "value of another type", "unknown province", "divisions without a share",
        "no condition", "unknown condition", "unknown strength",
        "a strong lower bound"])
def test_the_knowledge_base_refuses_a_bad_inference(tmp_path, change, where):
    root = _knowledge_copy(tmp_path, {**GOOD, **change})
    if where == "LAST":   # the entry added after those of knowledge/inferences.yaml
        where = f"[{len(load_knowledge().inferences)}]"
    _, issues = load_knowledge_uncached(root)
    assert any(where in i.path and "inferences.yaml" in i.file for i in issues), issues
    with pytest.raises(KnowledgeError):
        load_knowledge(root)


def test_the_knowledge_base_accepts_a_good_inference(tmp_path):
    _, issues = load_knowledge_uncached(_knowledge_copy(tmp_path, GOOD))
    assert issues == []


def _without_inferences(kb):
    bare = copy.copy(kb)
    bare.inferences = []
    bare._derived = {}     # its own tables
    return bare


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_the_complete_example_parks_get_the_same_advice_with_or_without_the_inferences(kb, path):
    profile = validate_data(yaml.safe_load(path.read_text(encoding="utf-8")), "park.yaml", kb)
    advice = advise(profile, kb)
    assert advice["inferred"] == []
    assert advice == advise(profile, _without_inferences(kb))


def test_an_example_park_whose_key_region_answer_is_removed_gets_it_back_inferred_and_labelled(kb):
    path = next(p for p in EXAMPLES if p.name == "demo-manufacturing.yaml")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["park"]["province"] == "江苏省" and data["park"]["key_air_region"] is True
    answered = _advice(data, kb)
    del data["park"]["key_air_region"]
    inferred = _advice(data, kb)
    assert [i["fact"] for i in inferred["inferred"]] == ["park.key_air_region"]
    assert inferred["facts"] == answered["facts"]
    assert ([(r["measure"], r["priority"]) for r in inferred["recommendations"]]
            == [(r["measure"], r["priority"]) for r in answered["recommendations"]])
    for got, was in zip(inferred["recommendations"], answered["recommendations"], strict=True):
        for b, a in zip(got["because"], was["because"], strict=True):
            if "park.key_air_region" in b["facts"]:
                assert b["text"].startswith(a["text"]) and "推断" in b["text"]
            else:
                assert b == a


@pytest.mark.parametrize(("lang", "start"), [("zh", "推断："), ("en", "Inferred: ")])
def test_the_terminal_view_and_the_report_list_the_inferred_facts(kb, lang, start):
    from advisor.accounting import analyze_profile
    from advisor.render.report import build_context
    from advisor.render.text import recommendations_text

    profile = validate_data(_park("C31", province="江苏省"), "park.yaml", kb)
    analysis = analyze_profile(profile, kb)
    advice = advise(profile, kb, lang=lang, analysis=analysis)
    texts = [i["text"] for i in advice["inferred"]]
    assert len(texts) == 2 and all(t.startswith(start) for t in texts)
    shown = recommendations_text(advice, lang)
    assert all(t[:30] in shown for t in texts)
    report = str(build_context(profile, kb, analysis, advice, lang))
    assert all(t in report for t in texts)
