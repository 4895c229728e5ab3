"""The Word template of the report, built in code: A4 pages, a cover, a table-of-contents field, a running header
and page numbers, heading and body styles, and tables sized by their content.

Chinese documents use the faces of Chinese government documents: 黑体 for headings, 仿宋 for body text, 宋体 in
tables, Latin text in Times New Roman. They are named, not embedded: every Chinese Windows and Office install has
them; where one is missing Word and LibreOffice substitute the system's CJK face (e.g. WenQuanYi Micro Hei).
English documents use Times New Roman for text and Arial for headings.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt, RGBColor

from advisor.render.report_format import numeric_columns

BLACK = RGBColor(0, 0, 0)
HEAD_FILL = "E7ECF0"

# face per role and language: (Latin face, East Asian face)
FACES = {
    "zh": {"body": ("Times New Roman", "仿宋"), "heading": ("Times New Roman", "黑体"),
           "table": ("Times New Roman", "宋体"), "title": ("Times New Roman", "黑体")},
    "en": {"body": ("Times New Roman", "宋体"), "heading": ("Arial", "黑体"),
           "table": ("Times New Roman", "宋体"), "title": ("Arial", "黑体")},
}
# sizes in points: 三号 16, 四号 14, 小四 12, 五号 10.5, 小五 9
SIZES = {"body": 12, "h1": 16, "h2": 14, "h3": 12, "h4": 12, "table": 10.5, "caption": 10.5, "header": 9,
         "cover_title": 26, "cover_park": 20, "cover_line": 14}
MARGINS_CM = {"top": 3.0, "bottom": 2.5, "left": 2.8, "right": 2.6}   # text block 15.6 cm wide, as GB/T 9704


def set_faces(rpr_owner, latin: str, east_asian: str) -> None:
    """Name the Latin and East Asian faces of a style or run (python-docx only sets the Latin one)."""
    rpr = rpr_owner.element.get_or_add_rPr() if hasattr(rpr_owner, "element") else rpr_owner.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def setup(doc, lang: str) -> None:
    """A4 page, margins and the styles of every role."""
    faces = FACES[lang]
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(MARGINS_CM["top"]), Cm(MARGINS_CM["bottom"])
    section.left_margin, section.right_margin = Cm(MARGINS_CM["left"]), Cm(MARGINS_CM["right"])
    section.header_distance, section.footer_distance = Cm(1.5), Cm(1.5)

    styles = doc.styles
    normal = styles["Normal"]
    normal.font.size = Pt(SIZES["body"])
    set_faces(normal, *faces["body"])
    fmt = normal.paragraph_format
    fmt.space_after = Pt(4)
    fmt.line_spacing = 1.25
    if lang == "zh":
        fmt.first_line_indent = Pt(SIZES["body"] * 2)   # two characters, as Chinese body text
    for level, size in ((1, "h1"), (2, "h2"), (3, "h3"), (4, "h4")):
        st = styles[f"Heading {level}"]
        st.font.size = Pt(SIZES[size])
        st.font.bold = level != 1 or lang == "en"
        st.font.italic = False
        st.font.color.rgb = BLACK
        set_faces(st, *(faces["heading"] if level <= 2 else faces["body"]))
        pf = st.paragraph_format
        pf.first_line_indent = Pt(0)
        pf.space_before = Pt(18 if level == 1 else 10)
        pf.space_after = Pt(8 if level == 1 else 4)
        pf.keep_with_next = True
        if level == 1:
            pf.page_break_before = True
    title = styles["Title"]
    title.font.color.rgb = BLACK
    set_faces(title, *faces["title"])
    _no_border(title)
    for name in ("List Bullet",):
        st = styles[name]
        st.paragraph_format.first_line_indent = None
        set_faces(st, *faces["body"])
    for level in (1, 2):   # the entries of the table of contents
        st = _style(doc, f"TOC {level}")
        st.paragraph_format.first_line_indent = Pt(0)
        st.paragraph_format.left_indent = Pt(0 if level == 1 else SIZES["body"] * 2)
        st.paragraph_format.space_after = Pt(2)
    for name, points in (("Table Text", SIZES["table"]), ("Table Small", SIZES["table"] - 1.5)):
        st = _style(doc, name)
        st.font.size = Pt(points)
        set_faces(st, *faces["table"])
        pf = st.paragraph_format
        pf.first_line_indent = Pt(0)
        pf.space_after = Pt(0)
        pf.line_spacing = 1.0
    caption = _style(doc, "Caption")
    caption.font.size = Pt(SIZES["caption"])
    caption.font.bold = True
    caption.font.italic = False
    caption.font.color.rgb = BLACK
    set_faces(caption, *faces["heading"])
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.first_line_indent = Pt(0)
    caption.paragraph_format.keep_with_next = True
    caption.paragraph_format.space_before = Pt(6)
    caption.paragraph_format.space_after = Pt(4)
    label = _style(doc, "List Label")   # 依据 / 典型行动 above a card's lists
    label.font.bold = True
    label.paragraph_format.first_line_indent = Pt(0)
    label.paragraph_format.space_before = Pt(4)
    label.paragraph_format.space_after = Pt(2)
    label.paragraph_format.keep_with_next = True
    _language(doc, lang)


def _style(doc, name: str):
    """A paragraph style of the document, added on Normal when the default template lacks it."""
    from docx.enum.style import WD_STYLE_TYPE

    try:
        return doc.styles[name]
    except KeyError:
        st = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        st.base_style = doc.styles["Normal"]
        st.element.set(qn("w:styleId"), name.replace(" ", ""))
        return st


def _no_border(style) -> None:
    ppr = style.element.get_or_add_pPr()
    for child in ppr.findall(qn("w:pBdr")):
        ppr.remove(child)


def _language(doc, lang: str) -> None:
    """The proofing language of the text (so Word does not mark Chinese as misspelt English)."""
    rpr = doc.styles["Normal"].element.get_or_add_rPr()
    el = rpr.find(qn("w:lang"))
    if el is None:
        el = OxmlElement("w:lang")
        rpr.append(el)
    el.set(qn("w:val"), "en-GB" if lang == "en" else "en-US")
    el.set(qn("w:eastAsia"), "zh-CN")


def cover(doc, context: dict) -> None:
    """The cover page: park, title, compiling unit, date; then a new section whose pages are numbered from 1."""
    L, lang = context["labels"], context["lang"]
    faces = FACES[lang]

    def line(text: str, size: float, bold: bool = False, before: float = 0, face: str = "title"):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.first_line_indent = Pt(0)
        p.paragraph_format.space_before = Pt(before)
        run = p.add_run(text)
        run.font.size = Pt(size)
        run.bold = bold
        set_faces(run._r, *faces[face])
        return p

    line(context["cover_park"], SIZES["cover_park"], before=150)
    line(L["report_title"], SIZES["cover_title"], bold=True, before=24)
    line(context["subtitle"], SIZES["cover_line"] - 2, before=12, face="body")
    line(f"{L['cover_compiler']}{context['compiler']}", SIZES["cover_line"], before=220, face="body")
    line(context["date_text"], SIZES["cover_line"], before=6, face="body")
    note = line(context["note"], SIZES["header"] + 1, before=60, face="body")
    note.runs[0].italic = lang == "en"

    body = doc.add_section(WD_SECTION.NEW_PAGE)
    pg = OxmlElement("w:pgNumType")
    pg.set(qn("w:start"), "1")
    body._sectPr.append(pg)
    _running_header(body, context)


def _running_header(section, context: dict) -> None:
    """Header: the document's short title on the right above a rule; footer: "— n —" centred."""
    for part in (section.header, section.footer):
        part.is_linked_to_previous = False
    head = section.header.paragraphs[0]
    head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    head.paragraph_format.first_line_indent = Pt(0)
    run = head.add_run(context["running_header"])
    run.font.size = Pt(SIZES["header"])
    set_faces(run._r, *FACES[context["lang"]]["body"])
    _bottom_rule(head)
    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    foot.paragraph_format.first_line_indent = Pt(0)
    for text in ("— ", None, " —"):
        if text is None:
            field(foot, "PAGE", "1")
        else:
            foot.add_run(text)
    for r in foot.runs:
        r.font.size = Pt(SIZES["header"] + 1.5)


def _bottom_rule(paragraph) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    borders.append(bottom)
    ppr.append(borders)


def _fld_char(run, kind: str) -> None:
    el = OxmlElement("w:fldChar")
    el.set(qn("w:fldCharType"), kind)
    if kind == "begin":
        el.set(qn("w:dirty"), "true")   # Word recomputes the field when the document opens
    run._r.append(el)


def _instr(run, code: str) -> None:
    el = OxmlElement("w:instrText")
    el.set(qn("xml:space"), "preserve")
    el.text = f" {code} "
    run._r.append(el)


def field(paragraph, code: str, shown: str) -> None:
    """A complex field (PAGE, TOC …) in one paragraph, showing `shown` until the reader's program updates it."""
    _fld_char(paragraph.add_run(), "begin")
    _instr(paragraph.add_run(), code)
    _fld_char(paragraph.add_run(), "separate")
    paragraph.add_run(shown)
    _fld_char(paragraph.add_run(), "end")


def table_of_contents(doc, context: dict) -> None:
    """A TOC field over heading levels 1–2. Until Word updates it (it asks when the file opens) it shows the
    chapter titles without page numbers, so no reader ever sees an empty contents page."""
    L = context["labels"]
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    head.paragraph_format.first_line_indent = Pt(0)
    run = head.add_run(L["toc"])
    run.font.size = Pt(SIZES["h1"])
    set_faces(run._r, *FACES[context["lang"]]["heading"])
    entries = [(1, s["title"]) for s in context["sections"]]
    first = para(doc, "", "TOC1")
    _fld_char(first.add_run(), "begin")
    _instr(first.add_run(), 'TOC \\o "1-2" \\h \\z \\u')
    _fld_char(first.add_run(), "separate")
    first.add_run(entries[0][1] if entries else L["toc_update"])
    last = first
    for level, text in entries[1:]:
        last = para(doc, text, f"TOC{level}")
    _fld_char(last.add_run(), "end")
    hint = doc.add_paragraph()
    hint.paragraph_format.first_line_indent = Pt(0)
    hint.paragraph_format.space_before = Pt(12)
    hint_run = hint.add_run(L["toc_update"])
    hint_run.font.size = Pt(SIZES["header"])
    hint_run.italic = True
    settings = doc.settings.element
    if settings.find(qn("w:updateFields")) is None:
        upd = OxmlElement("w:updateFields")
        upd.set(qn("w:val"), "true")
        settings.append(upd)


def para(container, text: str = "", style_id: str | None = None):
    """A paragraph in a style given by its id (python-docx looks a style name up in a slow scan of all styles)."""
    p = container.add_paragraph()
    if style_id:
        p._p.style = style_id
    if text:
        p.add_run(text)
    return p


def page_break(doc) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def text_width(doc) -> int:
    section = doc.sections[-1]
    return int(section.page_width or 0) - int(section.left_margin or 0) - int(section.right_margin or 0)


# --- tables --------------------------------------------------------------------------------------

def display_width(text: str) -> float:
    """Width of a text in 'half-em' units: a CJK character counts 2, a capital or wide Latin letter 1.4, the rest 1."""
    w = 0.0
    for ch in text:
        w += 2.0 if unicodedata.east_asian_width(ch) in "WF" else 1.4 if ch.isupper() or ch in "mw%" else 1.0
    return w


def column_widths(columns: list[str], rows: list[list[str]], total: int, size: float = SIZES["table"]) -> list[int]:
    """Column widths (EMU) set by content. A column needs at least its longest unbreakable word (a number, a
    unit, a Latin word; Chinese breaks anywhere) and would like its longest cell on one line (capped, so one long
    text wraps rather than squeezing the others). Every column gets its need; the rest of the width is shared in
    proportion to the square root of what each would still like."""
    n = len(columns) or max((len(r) for r in rows), default=1)
    half_em = Pt(size / 2)
    pad = Pt(14)   # the cell's left and right margins and a little air
    need, like = [], []
    for i in range(n):
        cells = [r[i] for r in rows if i < len(r)]
        head = columns[i] if i < len(columns) else ""
        # a short cell (a unit, a tier, 活动数据) should not wrap either: it counts as one word
        words = [w for c in cells for w in ([c] if display_width(c) <= 10 else c.split())]
        unbreakable = max([display_width(w) for w in words if not _has_cjk(w) or display_width(w) <= 10]
                          + [display_width(w) * 1.15 for w in head.split() if not _has_cjk(w)],   # bold
                          default=0.0)
        longest = max([display_width(c) for c in cells] + [min(display_width(head), 12.0)], default=0.0)
        need.append(max(min(unbreakable, 28.0), 4.0) * half_em + pad)
        like.append(max(min(longest, 70.0), 4.0) * half_em + pad)
    if sum(need) >= total:   # too many columns: shrink the needs in proportion
        return [int(w * total / sum(need)) for w in need]
    extra = [max(lk - nd, 0.0) for lk, nd in zip(like, need, strict=True)]
    spare = total - sum(need)
    if sum(extra) <= spare:   # everything fits on one line: widen in proportion to the wish
        return [int(lk * total / sum(like)) for lk in like]
    # shared by the square root of each wish, so one long column does not take the whole page from the others
    roots = [ex ** 0.5 for ex in extra]
    return [int(nd + spare * rt / sum(roots)) for nd, rt in zip(need, roots, strict=True)]


def _has_cjk(text: str) -> bool:
    return any(unicodedata.east_asian_width(ch) in "WF" for ch in text)


def table(doc, columns: list[str], rows: list[list[str]], width: int, key_value: bool = False) -> Any:
    """A grid table: widths by content, a shaded header row repeated on every page, rows that do not split.
    Built on the XML directly: python-docx's cell objects cost a millisecond each."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    n = len(columns) or max((len(r) for r in rows), default=1)
    t = doc.add_table(rows=(1 if columns else 0) + len(rows), cols=n)
    t._tbl.tblPr.style = "TableGrid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    style = "TableText" if n < 6 else "TableSmall"
    widths = column_widths(columns, rows, width, SIZES["table"] - (1.5 if n >= 6 else 0))
    if key_value and n == 2:   # a card's label column: as wide as its longest label
        first = min(max(widths[0], int(width * 0.16)), int(width * 0.3))
        widths = [first, width - first]
    _fixed_layout(t, widths)
    data = ([columns] if columns else []) + [list(r) + [""] * (n - len(r)) for r in rows]
    numeric = numeric_columns(rows, n)
    for r, (tr, values) in enumerate(zip(t._tbl.tr_lst, data, strict=True)):
        header = bool(columns) and r == 0
        _row_props(tr, header)
        for c, (tc, value, w) in enumerate(zip(tr.tc_lst, values[:n], widths, strict=True)):
            tc.width = Emu(w)
            p = tc.p_lst[0]
            p.style = style
            para = Paragraph(p, t)
            run = para.add_run(value)
            if header:
                run.bold = True
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif numeric[c]:
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if key_value:   # a measure card's facts stay on one page
                para.paragraph_format.keep_with_next = True
            if header or (key_value and c == 0):
                _shade(tc, HEAD_FILL)
    assert isinstance(t, Table)
    return t


def _fixed_layout(t, widths: list[int]) -> None:
    tblpr = t._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblpr.append(layout)
    grid = t._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths, strict=False):
        col.set(qn("w:w"), str(int(w / 635)))   # EMU → twentieths of a point


def _row_props(tr, header: bool) -> None:
    trpr = tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))
    if header:
        trpr.append(OxmlElement("w:tblHeader"))


def _shade(tc, fill: str) -> None:
    shade = OxmlElement("w:shd")
    shade.set(qn("w:val"), "clear")
    shade.set(qn("w:color"), "auto")
    shade.set(qn("w:fill"), fill)
    tc.get_or_add_tcPr().append(shade)


def properties(doc, context: dict, now: dt.datetime) -> None:
    """Title, subject, keywords, language and the time it was made – what Word's File ▸ Info shows."""
    core = doc.core_properties
    core.title = context["title"]
    core.subject = context["labels"]["report_title"]
    core.author = context["compiler_known"] or "park-advisor"
    core.last_modified_by = "park-advisor"
    core.keywords = context["labels"]["doc_keywords"]
    core.comments = context["subtitle"]
    core.category = context["labels"]["doc_category"]
    core.language = "zh-CN" if context["lang"] == "zh" else "en"
    core.created = core.modified = now.replace(microsecond=0, tzinfo=None)
    core.revision = 1
