"""The plan-ready report: every example park in HTML, Markdown and Word, in Chinese and English."""

from __future__ import annotations

import re
from pathlib import Path

import markupsafe
import pytest

from advisor.cli.entry import main
from advisor.render import report

ROOT = Path(__file__).resolve().parent.parent
PARKS = sorted((ROOT / "examples").glob("*.yaml"))
FORMATS = ("html", "md", "docx")
LANGS = ("zh", "en")
HOSTILE = "<script>alert(1)</script> | pipe"


def _pipeline(path: Path, kb):
    from advisor.accounting import analyze_profile
    from advisor.decide.recommend import advise
    from advisor.profile.files import load_profile

    profile = load_profile(path, kb)
    analysis = analyze_profile(profile, kb)
    advice = {lang: advise(profile, kb, lang=lang, analysis=analysis) for lang in LANGS}
    return profile, analysis, advice


class Rendered:
    """One park's reports, rendered on first use and kept for the module."""

    def __init__(self, profile, analysis, advice, kb, folder: Path) -> None:
        self.profile, self.analysis, self.advice, self.kb, self.folder = profile, analysis, advice, kb, folder
        self._cache: dict[tuple[str, str], object] = {}

    def get(self, fmt: str, lang: str):
        key = (fmt, lang)
        if key not in self._cache:
            ctx = report.build_context(self.profile, self.kb, self.analysis, self.advice[lang], lang)
            if fmt == "html":
                self._cache[key] = report.render_html(ctx)
            elif fmt == "md":
                out = self.folder / f"{self.profile.park.id}-{lang}.md"
                out.write_text(report.render_markdown(ctx, out), encoding="utf-8")
                self._cache[key] = out
            else:
                out = self.folder / f"{self.profile.park.id}-{lang}.docx"
                out.write_bytes(report.render_docx(ctx))
                self._cache[key] = out
        return self._cache[key]

    def text(self, fmt: str, lang: str) -> str:
        got = self.get(fmt, lang)
        if fmt == "html":
            return got
        if fmt == "md":
            return got.read_text(encoding="utf-8")
        return docx_text(got)


def docx_text(path: Path) -> str:
    from docx import Document

    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


def shown(text: str, fmt: str) -> str:
    """How a piece of text appears in a format."""
    if fmt == "html":
        return str(markupsafe.escape(text))
    if fmt == "md":
        return report.md_escape(text)
    return text


@pytest.fixture(scope="module", params=PARKS, ids=lambda p: p.stem)
def park(request, kb, tmp_path_factory):
    profile, analysis, advice = _pipeline(request.param, kb)
    return Rendered(profile, analysis, advice, kb, tmp_path_factory.mktemp(profile.park.id))


@pytest.fixture(scope="module")
def demo(kb):
    return _pipeline(ROOT / "examples" / "demo-chemical.yaml", kb)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_report_names_the_park_and_every_recommended_measure(park, fmt, lang):
    text = park.text(fmt, lang)
    assert shown(park.profile.park.name, fmt) in text
    recs = park.advice[lang]["recommendations"]
    assert recs, "an example park should get some advice"
    for rec in recs:
        assert rec["measure"] in text
        assert shown(rec["title"], fmt) in text, f"{rec['measure']} title missing"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_report_draws_each_chart_of_its_context_once(park, fmt, lang):
    ctx = report.build_context(park.profile, park.kb, park.analysis, park.advice[lang], lang)
    charts = [b for s in ctx["sections"] for sub in s["subsections"] for b in sub["blocks"] if b["type"] == "chart"]
    assert len(charts) == len(ctx["charts"]) >= 4, "an example park has data for most charts"
    got = park.get(fmt, lang)
    if fmt == "html":
        assert len(re.findall(r"<svg\b", got)) == len(charts)
    elif fmt == "md":
        links = re.findall(r"!\[[^\]]*\]\(([^)\s]+\.png)\)", got.read_text(encoding="utf-8"))
        assert len(links) == len(charts)
        for link in links:
            assert not Path(link).is_absolute() and (got.parent / link).stat().st_size > 1000
    else:
        from docx import Document

        assert len(Document(str(got)).inline_shapes) == len(charts)


@pytest.mark.parametrize("lang", LANGS)
def test_figures_are_numbered_in_the_order_they_appear(park, lang):
    ctx = report.build_context(park.profile, park.kb, park.analysis, park.advice[lang], lang)
    titles = [b["title"] for s in ctx["sections"] for sub in s["subsections"] for b in sub["blocks"]
              if b["type"] == "chart"]
    prefix = "图{}" if lang == "zh" else "Fig. {} "
    assert [t.startswith(prefix.format(i)) for i, t in enumerate(titles, start=1)] == [True] * len(titles)


@pytest.mark.parametrize("lang", LANGS)
def test_the_word_report_uses_real_headings_and_tables(park, lang):
    from docx import Document

    doc = Document(str(park.get("docx", lang)))
    styles = {p.style.name for p in doc.paragraphs}
    assert {"Heading 1", "Heading 2"} <= styles
    assert len(doc.tables) >= 10


@pytest.mark.parametrize("lang", LANGS)
def test_the_html_report_makes_no_external_request(park, lang):
    html = park.get("html", lang)
    assert not re.search(r"""\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert "@import" not in html and not re.search(r"url\(\s*['\"]?\s*(?:https?:)?//", html, re.I)
    assert "<script" not in html.lower() and "<link" not in html.lower()


@pytest.mark.parametrize("lang", LANGS)
def test_the_plan_shows_the_targets_table_and_both_decoupling_judgments(park, lang):
    html = park.get("html", lang)
    labels = report.labels(lang)
    for row in park.advice[lang]["targets"]:   # the target columns hold numbers, as the table shows them
        assert row["name"] in html and all(row[year] is not None for year in ("2025", "2027", "2030"))
    if (park.analysis.get("decoupling") or {}).get("periods"):
        assert labels["c_tapio"] in html and labels["c_trend"] in html and labels["c_synergy"] in html


def _hostile_reports(demo, kb, tmp_path: Path, lang: str) -> tuple[str, str]:
    profile, analysis, advice = demo
    hostile = profile.model_copy(deep=True)
    hostile.park.name = HOSTILE
    if hostile.park.boundary is not None:
        hostile.park.boundary.description = "first line\n| second | line"
    ctx = report.build_context(hostile, kb, analysis, advice[lang], lang)
    out = tmp_path / "hostile.md"
    return report.render_html(ctx), report.render_markdown(ctx, out)


@pytest.mark.parametrize("lang", LANGS)
def test_hostile_text_in_the_park_name_is_escaped_in_html(demo, kb, tmp_path, lang):
    html, _ = _hostile_reports(demo, kb, tmp_path, lang)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; | pipe" in html


@pytest.mark.parametrize("lang", LANGS)
def test_hostile_text_cannot_break_markdown_tables(demo, kb, tmp_path, lang):
    _, md = _hostile_reports(demo, kb, tmp_path, lang)
    assert "<script>" not in md
    assert r"&lt;script&gt;alert(1)&lt;/script&gt; \| pipe" in md
    assert "first line \\| second \\| line" in md
    header = None
    for line in md.splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = len(re.findall(r"(?<!\\)\|", line))
        if header is None:
            header = cells
        assert cells == header, f"a table row has a different number of cells: {line}"


def test_markdown_escape_neutralises_pipes_newlines_and_html():
    assert report.md_escape("a|b\nc <i>") == r"a\|b c &lt;i&gt;"


def test_charts_are_deterministic():
    from advisor.render import charts

    spec = {"kind": "bars", "title": "t", "labels": ["a", "b"], "values": [1.0, 2.0], "xlabel": "x"}
    assert charts._draw(spec, "svg") == charts._draw(spec, "svg")
    assert charts._draw(spec, "png") == charts._draw(spec, "png")
    assert "<dc:date>" not in charts._draw(spec, "svg")


def test_chinese_chart_text_is_used_when_a_cjk_font_is_installed():
    from advisor.render import charts

    if charts.cjk_font() is None:
        assert charts.chart_lang("zh") == "en"
    else:
        assert charts.chart_lang("zh") == "zh"
    assert charts.chart_lang("en") == "en"


def test_without_a_cjk_font_the_chinese_report_draws_its_charts_in_english(demo, kb, monkeypatch):
    from advisor.render import charts

    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    profile, analysis, advice = demo
    ctx = report.build_context(profile, kb, analysis, advice["zh"], "zh")
    english = report.labels("en")
    assert ctx["charts"]["carbon"]["title"].endswith(english["chart_carbon"])
    chart_text = repr(ctx["charts"])
    assert not re.search(r"[\u4e00-\u9fff]", chart_text), "a Chinese string reached a chart without a CJK font"
    assert "<svg" in charts.render(ctx["charts"]["sankey"], "svg")


def test_every_label_has_chinese_and_english():
    assert report.labels("zh").keys() == report.labels("en").keys()


def test_the_report_verb_takes_the_format_from_the_file_suffix(tmp_path, capsys):
    out = tmp_path / "demo.html"
    code = main(["report", str(ROOT / "examples" / "demo-chemical.yaml"), "-o", str(out), "--lang", "en"])
    assert code == 0 and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert str(out) in capsys.readouterr().out


def test_the_report_verb_fails_clearly_when_the_directory_does_not_exist(tmp_path, capsys):
    out = tmp_path / "missing" / "demo.docx"
    code = main(["report", str(ROOT / "examples" / "demo-chemical.yaml"), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 1 and "does not exist" in err and not out.exists()


def test_the_report_verb_needs_a_known_format(tmp_path, capsys):
    code = main(["report", str(ROOT / "examples" / "demo-chemical.yaml"), "-o", str(tmp_path / "demo.pdf")])
    assert code == 1 and "--format" in capsys.readouterr().err


# --- established, to confirm, not recommended ------------------------------------------------------------

PLAN_SECTIONS = ("summary", "tasks", "other_recs", "to_confirm", "division", "safeguards", "verify",
                 "not_recommended")


def _sections(park, lang: str) -> dict[str, dict]:
    ctx = report.build_context(park.profile, park.kb, park.analysis, park.advice[lang], lang)
    return {s["id"]: s for s in ctx["sections"]}


def _cards(section: dict) -> list[str]:
    return [b["id"] for sub in section["subsections"] for b in sub["blocks"] if b["type"] == "card"]


@pytest.mark.parametrize("lang", LANGS)
def test_key_tasks_hold_the_shortlist_and_further_recommendations_the_other_established_measures(park, lang):
    advice = park.advice[lang]
    established = [r["measure"] for r in advice["recommendations"]]
    pending = {t["measure"] for t in advice["to_confirm"]}
    sections = _sections(park, lang)
    first = _cards(sections["tasks"])
    assert sorted(first) == sorted(advice["shortlist"]) and set(first) <= set(established)
    assert sorted(first + _cards(sections["other_recs"])) == sorted(established)
    tables = [b for sub in sections["division"]["subsections"] for b in sub["blocks"] if b["type"] == "table"]
    assert [row[0] for row in tables[0]["rows"]] == first
    in_tables = [row[0] for t in tables for row in t["rows"]]
    assert sorted(in_tables) == sorted(established) and not pending & set(in_tables)


@pytest.mark.parametrize("lang", LANGS)
def test_the_measures_to_confirm_have_their_own_section_with_conditions_and_deciding_questions(park, lang):
    advice = park.advice[lang]
    section = _sections(park, lang)["to_confirm"]
    cards = {b["id"]: b for sub in section["subsections"] for b in sub["blocks"] if b["type"] == "card"}
    assert list(cards) == [t["measure"] for t in advice["to_confirm"]]
    L = report.labels(lang)
    for t in advice["to_confirm"]:
        lists = dict((label, items) for label, items in cards[t["measure"]]["lists"])
        assert lists[L["m_conditions"]] == list(dict.fromkeys(c["text"] for c in t["if"]))
        assert {u["label"] for c in t["if"] for u in c["unknown"]} == set(lists[L["m_questions"]])


def test_an_example_park_has_measures_to_confirm_and_the_word_report_shows_them():
    from docx import Document

    from advisor.accounting import analyze_profile
    from advisor.decide.recommend import advise
    from advisor.kb.knowledge import load_knowledge
    from advisor.profile.files import load_profile

    kb = load_knowledge()
    profile = load_profile(ROOT / "examples" / "demo-manufacturing.yaml", kb)
    advice = advise(profile, kb)
    assert advice["to_confirm"]
    ctx = report.build_context(profile, kb, analyze_profile(profile, kb), advice, "zh")
    import io
    doc = Document(io.BytesIO(report.render_docx(ctx)))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    at = headings.index("五、待确认的措施")
    assert headings[at + 1:at + 1 + len(advice["to_confirm"])] == [f"{t['measure']} {t['title']}"
                                                                  for t in advice["to_confirm"]]
    division = [c.text for table in doc.tables if table.rows[0].cells[1].text == "任务名称" for row in table.rows
                for c in row.cells[:1]]
    assert division and not {t["measure"] for t in advice["to_confirm"]} & set(division)


@pytest.mark.parametrize("lang", LANGS)
def test_the_plan_sections_hold_no_field_paths_rule_ids_or_other_language(park, lang):
    from plain_text import problems, profile_names, strings

    sections = _sections(park, lang)
    text = strings([sections[s] for s in PLAN_SECTIONS])
    assert problems(text, lang, profile_names(park.profile)) == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_basis_chapter_lists_the_standards_of_the_key_tasks_by_dated_edition(demo, kb, lang):
    profile, analysis, advice = demo
    context = report.build_context(profile, kb, analysis, advice[lang], lang)
    basis = next(s for s in context["sections"] if s["id"] == "basis")
    table = next(b for sub in basis["subsections"] for b in sub["blocks"] if b["type"] == "table")
    editions = [row[0] for row in table["rows"]]
    shortlist = set(advice[lang]["shortlist"])
    cited = {f"{s.code}-{s.year}" for m in shortlist for s in kb.measures[m].standards}
    assert editions and set(editions) == cited
    assert all(re.search(r"-\d{4}$", e) for e in editions)
    assert all(set(re.split(r"[；;,、]\s*", row[2])) <= shortlist for row in table["rows"])
