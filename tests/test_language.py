"""Every text a person reads is in their language, end to end: the `analyze` text view, the whole report, the web
results page and the what-if views hold no field paths and no rule ids; Chinese output has no English sentences and
English output no Chinese ones – the park's own names and texts from its profile, Chinese units (万t, 亿元) and the
cited guideline title aside (the allow-list in plain_text.py)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from plain_text import problems, profile_texts

from advisor.render.analysis_text import analysis_text

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("demo-*.yaml"))
IDS = [p.stem for p in EXAMPLES]
LANGS = ("zh", "en")


@pytest.fixture(scope="module")
def parks(kb):
    """{example: (profile, analysis, {lang: advice})}, computed once for the module."""
    from advisor.accounting import analyze_profile
    from advisor.decide.recommend import advise
    from advisor.profile.files import load_profile

    out = {}
    for path in EXAMPLES:
        profile = load_profile(path, kb)
        analysis = analyze_profile(profile, kb)
        out[path.stem] = (profile, analysis, {lang: advise(profile, kb, lang=lang, analysis=analysis)
                                              for lang in LANGS})
    return out


def _minimal(kb):
    from conftest import minimal_profile

    from advisor.profile.model import Profile

    return Profile.model_validate(minimal_profile())


# --- analyze -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", IDS)
def test_the_whole_analyze_text_view_reads_in_its_language(parks, name, lang):
    profile, analysis, _ = parks[name]
    assert problems(analysis_text(analysis, lang), lang, profile_texts(profile)) == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_analyze_text_view_of_a_park_with_only_the_required_answers_reads_in_its_language(kb, lang):
    from advisor.accounting import analyze_profile

    profile = _minimal(kb)
    assert problems(analysis_text(analyze_profile(profile, kb), lang), lang, profile_texts(profile)) == []


def test_the_chinese_analyze_view_shows_labels_not_the_codes_of_basis_owner_origin_tier_and_carrier(parks):
    profile, analysis, _ = parks["demo-chemical"]
    text = analysis_text(analysis, "zh")
    for code in ("computed", "reported", "infrastructure", "origin", "national_default", "provincial_default",
                 "official_cn", "renewable_zero", "non_energy", "end_of_pipe", "limestone_fgd", "mee_nbs_average",
                 "industrial_value_added", "(relative)", "raw_coal"):
        assert code not in text, code
    for label in ("按能源计算", "报告值", "园区基础设施", "来源类型", "省级清单指南缺省值", "国家官方发布值",
                  "非能源（工艺过程）", "石灰石-石膏湿法脱硫", "工业增加值", "原煤"):
        assert label in text, label


def test_the_english_analyze_view_names_states_and_substances_in_words_and_lists_gaps_without_field_paths(parks):
    _, analysis, _ = parks["demo-electroplating"]
    text = analysis_text(analysis, "en")
    assert "Strong decoupling" in text and "strong_decoupling" not in text
    assert "Acid mist" in text and "acid_mist" not in text
    assert not re.search(r"\[[a-z_]+\.[a-z_.]+\]", text)


# --- report ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", IDS)
def test_the_whole_markdown_report_reads_in_its_language(parks, kb, tmp_path, name, lang):
    from advisor.render import report

    profile, analysis, advice = parks[name]
    out = tmp_path / f"{name}-{lang}.md"
    ctx = report.build_context(profile, kb, analysis, advice[lang], lang)
    assert problems(report.render_markdown(ctx, out), lang, profile_texts(profile)) == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_report_of_a_park_with_only_the_required_answers_reads_in_its_language(kb, tmp_path, lang):
    from advisor.accounting import analyze_profile
    from advisor.decide.recommend import advise
    from advisor.render import report

    profile = _minimal(kb)
    analysis = analyze_profile(profile, kb)
    ctx = report.build_context(profile, kb, analysis, advise(profile, kb, lang=lang, analysis=analysis), lang)
    text = report.render_markdown(ctx, tmp_path / f"tiny-{lang}.md")
    assert problems(text, lang, profile_texts(profile)) == []


def test_every_row_of_the_factor_tables_has_a_chinese_source_and_keeps_its_english_one():
    for path in sorted((ROOT / "knowledge" / "factors").glob("*.csv")):
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                assert row["source"] and re.search(r"[\u4e00-\u9fff]|^GB/T", row["source_zh"] or ""), (path.name, row)


def test_the_chinese_report_cites_the_factor_sources_in_chinese_and_the_json_keeps_the_english_source(parks, kb):
    from advisor.render import report

    _, analysis, advice = parks["demo-chemical"]
    sources = [f["source"] for f in analysis["carbon"]["factors_used"]]
    assert any(s.startswith("MEE & NBS announcement") for s in sources)
    text = str(report.build_context(parks["demo-chemical"][0], kb, analysis, advice["zh"], "zh"))
    assert "生态环境部、国家统计局关于发布2022年电力二氧化碳排放因子的公告" in text
    assert "MEE & NBS announcement" not in text


# --- web ---------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from fastapi.testclient import TestClient

    from advisor.web.app import create_app
    from advisor.web.service import Advisor

    db = tmp_path_factory.mktemp("web") / "web.db"
    with TestClient(create_app(f"sqlite:///{db}", advisor=Advisor()), raise_server_exceptions=False) as c:
        yield c


def _upload(client, path: Path) -> str:
    r = client.post("/upload", files={"profile": (path.name, path.read_bytes())}, follow_redirects=False)
    return r.headers["location"].split("/")[2]


def _main_text(html: str) -> str:
    import lxml.html

    tree = lxml.html.fromstring(html)
    # technical details (field paths, command-line forms) sit in collapsed blocks marked `tech`, apart on purpose
    for node in tree.xpath("//script|//style|//*[contains(concat(' ', normalize-space(@class), ' '), ' tech ')]"):
        node.drop_tree()
    return tree.xpath("//main")[0].text_content()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", IDS)
def test_the_whole_web_results_page_reads_in_its_language(client, parks, name, lang):
    token = _upload(client, ROOT / "examples" / f"{name}.yaml")
    page = client.get(f"/p/{token}/results?lang={lang}")
    assert page.status_code == 200
    assert problems(_main_text(page.text), lang, profile_texts(parks[name][0])) == []


@pytest.mark.parametrize("lang", LANGS)
def test_every_questionnaire_page_of_an_uploaded_example_reads_in_its_language(client, parks, kb, lang):
    # the province and city questions want the Chinese name and show one; cities.csv has no English names, so
    # the city list shows the Chinese ones in either language
    asks_for_chinese = ("(e.g. 浙江省)", "(e.g. 苏州)")
    cities = tuple(c.name_zh for c in kb.cities)
    for name in ("demo-chemical", "demo-manufacturing"):
        token = _upload(client, ROOT / "examples" / f"{name}.yaml")
        topics = re.findall(rf'href="/p/{token}/q/([a-z_]+)"', client.get(f"/p/{token}").text)
        assert topics
        for url in [f"/p/{token}"] + [f"/p/{token}/q/{t}" for t in topics]:
            text = _main_text(client.get(f"{url}?lang={lang}").text)
            for allowed in asks_for_chinese:
                text = text.replace(allowed, " ")
            assert problems(text, lang, profile_texts(parks[name][0]) + cities) == [], url


@pytest.mark.parametrize("lang", LANGS)
def test_the_web_results_of_a_park_with_only_the_required_answers_read_in_their_language(client, kb, tmp_path, lang):
    import yaml
    from conftest import minimal_profile

    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(minimal_profile(), allow_unicode=True), encoding="utf-8")
    page = client.get(f"/p/{_upload(client, path)}/results?lang={lang}")
    assert page.status_code == 200
    assert problems(_main_text(page.text), lang, profile_texts(_minimal(kb))) == []


def test_the_web_what_if_list_shows_the_current_answers_as_yes_no_and_choice_labels(client):
    token = _upload(client, ROOT / "examples" / "demo-chemical.yaml")
    zh = client.get(f"/p/{token}/whatif?lang=zh").text
    en = client.get(f"/p/{token}/whatif?lang=en").text
    assert "当前：false" not in zh and "当前：true" not in zh and "（当前：否）" in zh
    assert "now: false" not in en and "(now: no)" in en
    options = re.findall(r'<option value="[^"]+"[^>]*>([^<]*)</option>', zh)
    assert not [o for o in options if re.search(r"当前：[a-z_]+）$", o)], "a choice shows its stored value"


# --- what-if terminal view and card texts --------------------------------------------------------------------------

def test_the_whatif_view_names_the_question_of_each_change_and_keeps_a_path_only_where_no_question_asks_it(kb):
    from advisor.render.text import whatif_text

    result = {"changes": {"management.synergy_plan": True, "park.vacant_land_share": 0.1, "park.no_such_field": 3},
              "entered": [], "left": [], "moved": [], "moves": []}
    first = whatif_text(result, "zh").splitlines()[0]
    assert "园区是否已有减污降碳协同规划或实施方案 = 是" in first and "= 10%" in first
    assert "management.synergy_plan" not in first and "(park.no_such_field) = 3" in first
    assert "co-control plan or roadmap = yes" in whatif_text(result, "en").splitlines()[0]


def test_no_measure_card_names_a_file_in_text_people_read(kb):
    for m in kb.measures.values():
        for text in (m.title, m.summary, m.applies_when, m.trade_offs):
            for lang in LANGS:
                words = text.in_lang(lang) if text else ""
                assert not re.search(r"[\w/]+\.(csv|yaml|json|py)\b", words), (m.id, lang, words)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_questionnaire_summary_reads_in_the_users_language(lang, tmp_path, capsys):
    from advisor.cli.entry import main
    from advisor.profile.files import load_profile

    demo = Path(__file__).resolve().parent.parent / "examples" / "demo-manufacturing.yaml"
    assert main(["ask", "--answers", str(demo), "--non-interactive", "--lang", lang,
                 "-o", str(tmp_path / "park.yaml")]) == 0
    out = capsys.readouterr().out.replace(str(tmp_path / "park.yaml"), "")
    names = profile_texts(load_profile(demo))
    assert problems(out, lang, names) == []
    if lang == "zh":
        assert "[high]" not in out and "[medium]" not in out and "[low]" not in out
