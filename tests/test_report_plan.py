"""The parts of the report that make it a plan: the one-page summary, the 保障措施 written from the park's facts and
its established measures, and the numbering of chapters and parts."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.render import report
from advisor.render.report_numbering import bare, number_sections, zh_number
from advisor.render.report_summary import safeguard_parts

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def demo(kb):
    from advisor.accounting import analyze_profile
    from advisor.decide.recommend import advise
    from advisor.profile.files import load_profile

    profile = load_profile(ROOT / "examples" / "demo-chemical.yaml", kb)
    analysis = analyze_profile(profile, kb)
    return profile, analysis, advise(profile, kb, lang="zh", analysis=analysis)


def _section(ctx: dict, sid: str) -> dict:
    return next(s for s in ctx["sections"] if s["id"] == sid)


def _texts(section: dict) -> list[str]:
    out = []
    for sub in section["subsections"]:
        for b in sub["blocks"]:
            out += [b["text"]] if b["type"] == "paragraph" else b.get("items", [])
    return out


def test_the_summary_names_the_total_the_main_source_and_the_first_three_actions(demo, kb):
    profile, analysis, advice = demo
    ctx = report.build_context(profile, kb, analysis, advice, "zh")
    text = "\n".join(_texts(_section(ctx, "summary")))
    total = analysis["carbon"]["total_t_co2e"]
    assert f"{total / 1e4:,.0f}万吨" in text
    assert "燃煤热电联产锅炉" in text, "the largest source is named"
    first = sorted(advice["shortlist"], key=lambda m: next(r["rank"] for r in advice["recommendations"]
                                                          if r["measure"] == m))[:3]
    items = next(b["items"] for b in _section(ctx, "summary")["subsections"][0]["blocks"] if b["type"] == "list")
    assert [i.split()[0] for i in items] == first


def test_a_summary_without_energy_data_says_the_total_is_unknown_never_zero(demo, kb):
    profile, analysis, advice = demo
    blank = {**analysis, "carbon": {**analysis["carbon"], "total_t_co2e": None}}
    ctx = report.build_context(profile, kb, blank, advice, "zh")
    text = _texts(_section(ctx, "summary"))
    assert report.labels("zh")["sum_carbon_unknown"] in text
    assert not any("0万吨" in t for t in text)


def test_safeguards_cover_the_five_parts_and_cite_only_established_measures(demo, kb):
    profile, analysis, advice = demo
    ctx = report.build_context(profile, kb, analysis, advice, "zh")
    section = _section(ctx, "safeguards")
    assert [bare(s["title"]) for s in section["subsections"]] == [p["title"]["zh"] for p in safeguard_parts()]
    text = "".join(_texts(section))
    established = {r["measure"] for r in advice["recommendations"]}
    cited = {c["measure"] for p in safeguard_parts() for c in p.get("when") or [] if "measure" in c}
    for mid in cited:
        assert (f"指南第{mid}条" in text) == (mid in established), mid


def test_a_measure_to_confirm_or_an_unknown_fact_adds_no_safeguard_sentence(demo, kb):
    profile, analysis, advice = demo
    recs = [r for r in advice["recommendations"] if r["measure"] != "7.1.6"]
    pending = {**advice, "recommendations": recs, "facts": {**advice["facts"], "management.disclosure": None},
               "to_confirm": [*advice["to_confirm"], {"measure": "7.1.6", "object": "management", "if": []}]}
    ctx = report.build_context(profile, kb, analysis, pending, "zh")
    text = "".join(_texts(_section(ctx, "safeguards")))
    publicity = next(p for p in safeguard_parts() if p["id"] == "publicity")
    assert publicity["always"]["zh"] in text
    assert all(c["text"]["zh"].rstrip("。") not in text for c in publicity["when"]
               if c.get("measure") == "7.1.6" or c.get("fact") == "management.disclosure")


def test_a_known_fact_adds_its_safeguard_sentence(demo, kb):
    profile, analysis, advice = demo
    known = {**advice, "facts": {**advice["facts"], "management.disclosure": True}}
    ctx = report.build_context(profile, kb, analysis, known, "en")
    text = " ".join(_texts(_section(ctx, "safeguards")))
    sentence = next(c["text"]["en"] for p in safeguard_parts() for c in p.get("when") or []
                    if c.get("fact") == "management.disclosure")
    assert sentence in text


def test_chinese_numbers_read_as_written():
    assert [zh_number(n) for n in (1, 9, 10, 11, 19, 20, 21)] == ["一", "九", "十", "十一", "十九", "二十", "二十一"]


def test_a_section_added_anywhere_renumbers_the_rest_and_a_written_number_is_replaced():
    sections = [{"id": "summary", "kind": "summary", "title": "方案摘要", "subsections": []},
                {"id": "status", "title": "一、基本情况", "subsections": [{"title": "（九）存在的主要问题"}]},
                {"id": "projects", "title": "重点工程", "subsections": [{"title": ""}, {"title": "工程表"}]},
                {"id": "annex", "title": "附件1 排放因子", "subsections": []}]
    number_sections(sections, "zh", "附件{n}　{title}")
    assert [s["title"] for s in sections] == ["方案摘要", "一、基本情况", "二、重点工程", "附件1　排放因子"]
    assert sections[1]["subsections"][0]["title"] == "（一）存在的主要问题"
    assert sections[2]["subsections"][1]["title"] == "（一）工程表"
    number_sections(sections, "en", "Annex {n} {title}")
    assert sections[2]["title"] == "2. 重点工程" and sections[2]["subsections"][1]["title"] == "2.1 工程表"
