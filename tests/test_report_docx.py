"""The report's structure in each format, opened the way a reader's program opens it: the Word file on its A4
template (cover, contents field, page numbers, running header, styles, tables), the HTML and Markdown headings in
the order of a 实施方案, and charts that adapt to a park without a process list."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import markupsafe
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm

from advisor.render import report

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("zh", "en")
# the chapters of a 实施方案, in order; evaluation and projects appear when another part of the report adds them
PLAN_ORDER = ("summary", "status", "targets", "tasks", "other_recs", "to_confirm", "division", "projects",
              "safeguards", "evaluation", "basis", "annex", "verify", "not_recommended", "ranking")


def _advise(profile, kb, lang):
    from advisor.accounting import analyze_profile
    from advisor.decide.recommend import advise

    analysis = analyze_profile(profile, kb)
    return analysis, advise(profile, kb, lang=lang, analysis=analysis)


@pytest.fixture(scope="module")
def demo(kb):
    from advisor.profile.files import load_profile

    return load_profile(ROOT / "examples" / "demo-chemical.yaml", kb)


@pytest.fixture(scope="module")
def no_processes(kb):
    """The textile demo without its process list: energy rows name no process."""
    from advisor.profile.files import load_profile

    profile = load_profile(ROOT / "examples" / "demo-textile.yaml", kb).model_copy(deep=True)
    profile.processes = None
    for row in profile.energy or []:
        row.process = None
    return profile


@pytest.fixture(scope="module", params=LANGS)
def built(request, demo, kb):
    lang = request.param
    analysis, advice = _advise(demo, kb, lang)
    ctx = report.build_context(demo, kb, analysis, advice, lang)
    made = dt.datetime.now(dt.UTC)
    doc = Document(io.BytesIO(report.render_docx(ctx)))
    return lang, ctx, doc, made


def _instructions(element) -> list[str]:
    return [t.text.strip() for t in element.iter(qn("w:instrText"))]


def test_the_word_report_is_on_a4_paper(built):
    _, _, doc, _ = built
    for section in doc.sections:
        assert abs(section.page_width - Cm(21.0)) < Cm(0.05)
        assert abs(section.page_height - Cm(29.7)) < Cm(0.05)


def test_the_word_report_opens_with_a_cover_naming_park_title_compiler_and_date(built):
    lang, ctx, doc, made = built
    L = report.labels(lang)
    cover = []
    for p in doc.paragraphs:
        if p.style.name.startswith("TOC"):
            break
        cover.append(p.text)
    text = "\n".join(cover)
    assert ctx["cover_park"] in text and L["report_title"] in text and L["cover_compiler"].strip() in text
    assert str(made.year) in text
    assert not "".join(p.text for p in doc.sections[0].header.paragraphs).strip(), "the cover carries no header"


def test_the_word_report_has_a_contents_field_over_two_heading_levels(built):
    _, ctx, doc, _ = built
    codes = _instructions(doc.element.body)
    assert any(re.fullmatch(r'TOC \\o "1-2".*', c) for c in codes)
    entries = [p.text for p in doc.paragraphs if p.style.name == "TOC 1"]
    assert entries == [s["title"] for s in ctx["sections"]], "until Word updates it, the field lists the chapters"
    assert doc.settings.element.find(qn("w:updateFields")) is not None


def test_the_body_has_page_numbers_from_one_and_a_running_header(built):
    _, ctx, doc, _ = built
    body = doc.sections[-1]
    assert "PAGE" in _instructions(body.footer._element)
    start = body._sectPr.find(qn("w:pgNumType"))
    assert start is not None and start.get(qn("w:start")) == "1"
    assert ctx["running_header"] in "".join(p.text for p in body.header.paragraphs)


def test_chapters_are_heading_1_in_the_order_of_a_plan(built):
    _, ctx, doc, _ = built
    ids = [s["id"] for s in ctx["sections"]]
    assert [i for i in PLAN_ORDER if i in ids] == ids
    assert {"summary", "status", "targets", "tasks", "division", "safeguards", "basis"} <= set(ids)
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == [s["title"] for s in ctx["sections"]]


def test_chapters_and_annexes_follow_one_numbering_scheme(built):
    lang, ctx, _, _ = built
    chapters = [s["title"] for s in ctx["sections"] if s["kind"] == "chapter"]
    annexes = [s["title"] for s in ctx["sections"] if s["kind"] == "annex"]
    if lang == "zh":
        assert [t.split("、")[0] for t in chapters[:3]] == ["一", "二", "三"]
        assert all(t.startswith(f"附件{i}") for i, t in enumerate(annexes, start=1))
    else:
        assert all(t.startswith(f"{i}. ") for i, t in enumerate(chapters, start=1))
        assert all(t.startswith(f"Annex {i} ") for i, t in enumerate(annexes, start=1))
    summary = next(s for s in ctx["sections"] if s["kind"] == "summary")
    assert not re.match(r"^[一二三四五六七八九十\d]", summary["title"]), "the summary stays unnumbered"


def test_headings_and_text_use_the_faces_of_the_language(built):
    lang, _, doc, _ = built

    def faces(name):
        fonts = doc.styles[name].element.rPr.rFonts
        return fonts.get(qn("w:ascii")), fonts.get(qn("w:eastAsia"))

    if lang == "zh":
        assert faces("Heading 1")[1] == "黑体" and faces("Normal")[1] == "仿宋" and faces("Table Text")[1] == "宋体"
    else:
        assert faces("Heading 1")[0] == "Arial" and faces("Normal")[0] == "Times New Roman"
    for level in (1, 2, 3):
        colour = doc.styles[f"Heading {level}"].font.color.rgb
        assert colour is None or str(colour) == "000000", "headings in black, not Word's blue"


def test_table_header_rows_repeat_and_no_row_splits_across_pages(built):
    _, _, doc, _ = built
    headed = 0
    for table in doc.tables:
        rows = table._tbl.tr_lst
        assert all(tr.trPr is not None and tr.trPr.find(qn("w:cantSplit")) is not None for tr in rows)
        if rows[0].trPr.find(qn("w:tblHeader")) is not None:
            headed += 1
            assert all(tr.trPr.find(qn("w:tblHeader")) is None for tr in rows[1:])
    assert headed >= 10


def test_table_columns_are_sized_by_content(built):
    _, _, doc, _ = built
    lang = built[0]
    partners = report.labels(lang)["c_partners"]
    division = next(t for t in doc.tables if partners in [c.text for c in t.rows[0].cells])
    header = [c.text for c in division.rows[0].cells]
    widths = [int(w) for w in (g.get(qn("w:w")) for g in division._tbl.tblGrid.findall(qn("w:gridCol")))]
    assert widths[header.index(partners)] > 1.5 * widths[0], "the partners column is wider than the measure number"


def test_document_properties_name_the_plan_and_the_time_it_was_made(built):
    lang, ctx, doc, made = built
    core = doc.core_properties
    assert core.title == ctx["title"] and core.subject == report.labels(lang)["report_title"]
    created = core.created.replace(tzinfo=None)
    assert abs(created - made.replace(tzinfo=None)) < dt.timedelta(minutes=5)
    assert core.author and "python-docx" not in (core.comments or "")


@pytest.mark.parametrize("lang", LANGS)
def test_html_and_markdown_carry_the_same_chapters_in_the_same_order(demo, kb, lang, tmp_path):
    analysis, advice = _advise(demo, kb, lang)
    ctx = report.build_context(demo, kb, analysis, advice, lang)
    titles = [s["title"] for s in ctx["sections"]]
    html = report.render_html(ctx)
    h2 = [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", html, re.S)]
    assert [t for t in h2 if t != report.labels(lang)["toc"]] == [str(markupsafe.escape(t)) for t in titles]
    md = report.render_markdown(ctx, tmp_path / "r.md")
    assert [line[3:] for line in md.splitlines() if line.startswith("## ")] == [report.md_escape(t) for t in titles]
    assert "@page" in html and "A4" in html and "break-before: page" in html


def test_a_park_without_processes_gets_no_empty_chart_and_its_carbon_by_carrier(no_processes, kb):
    analysis, advice = _advise(no_processes, kb, "zh")
    ctx = report.build_context(no_processes, kb, analysis, advice, "zh")
    assert all(not spec.get("empty") for spec in ctx["charts"].values())
    assert len(ctx["charts"]["sankey"]["stages"]) == 1, "carriers straight to uses, no 'unassigned' column"
    carbon = next(b for s in ctx["sections"] for sub in s["subsections"] for b in sub["blocks"]
                  if b["type"] == "chart" and b["id"] == "carbon")
    assert carbon["title"].endswith(report.labels("zh")["chart_carbon_carrier"])
    assert "pollutants" not in ctx["charts"]
    note = report.labels("zh")["chart_omitted"].split("{title}")[1]
    assert any(note in b.get("text", "") for s in ctx["sections"] for sub in s["subsections"] for b in sub["blocks"])


def test_sankey_nodes_carry_their_unit(demo, kb):
    from advisor.render import charts

    analysis, advice = _advise(demo, kb, "en")
    spec = report.build_context(demo, kb, analysis, advice, "en")["charts"]["sankey"]
    assert charts._short(1_234_567.0, spec) == f"123.5 {spec['unit']}"


def test_sankey_labels_of_close_nodes_are_pushed_one_line_apart():
    from advisor.render import charts

    placed = charts._spread([0.50, 0.49, 0.485, 0.2], ["a", "b", "c", "d"], line=0.04)
    heights = [y for y, _ in placed]
    assert all(upper - lower >= 0.04 - 1e-9 for upper, lower in zip(heights, heights[1:], strict=False))
    assert heights[0] == 0.50 and heights[-1] == 0.2, "a label with room stays at its node"


def test_a_long_sankey_label_is_shortened_to_its_room_and_keeps_its_amount():
    from advisor.render import charts

    text = charts._clip("外购蒸汽（邻近燃煤热电厂）及其他来源", "40.1 万tce", room=1.2)
    assert text.endswith("… 40.1 万tce") and charts.text_inches(text, 7.5) <= 1.2
    assert charts._clip("原煤", "140.7 万tce", room=1.2) == "原煤 140.7 万tce"
