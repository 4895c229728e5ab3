"""The three renderers of a report context: HTML and Markdown through jinja2 templates, Word through python-docx."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from advisor.errors import Issue
from advisor.kb.paths import templates_dir
from advisor.render.report_format import ReportError


class Raw(str):
    """Text the Markdown renderer prints as is (links it builds itself)."""


MD_SPECIAL = re.compile(r"([\\`*_\[\]|#])")


def md_escape(value: Any) -> str:
    """Escape profile-derived text for a Markdown table cell or line: HTML, pipes, newlines, emphasis."""
    if isinstance(value, Raw):
        return str(value)
    text = "" if value is None else str(value)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = MD_SPECIAL.sub(r"\\\1", text)
    return re.sub(r"\s*[\r\n]+\s*", " ", text)


def environment(kind: str):
    """The jinja2 environment: StrictUndefined; HTML autoescaped, Markdown escaped by md_escape on output."""
    import jinja2

    loader = jinja2.FileSystemLoader(str(templates_dir()))
    if kind == "html":
        return jinja2.Environment(loader=loader, undefined=jinja2.StrictUndefined, trim_blocks=True,
                                  lstrip_blocks=True, keep_trailing_newline=True,
                                  autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"),
                                                                      default_for_string=True, default=True))
    return jinja2.Environment(loader=loader, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True, autoescape=False, finalize=md_escape)


def render_html(context: dict) -> str:
    """One self-contained HTML file: inline CSS, charts as inline SVG, no external request."""
    import markupsafe

    from advisor.render.charts import render

    svg = {cid: markupsafe.Markup(render(spec, "svg")) for cid, spec in context["charts"].items()}
    return environment("html").get_template("report.html.j2").render(**context, svg=svg)


def render_markdown(context: dict, out: Path) -> str:
    """Markdown text; chart PNGs are written to `<name>_files/` next to `out` and linked relatively."""
    from advisor.render.charts import render

    folder = out.parent / f"{out.stem}_files"
    images = {}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for cid, spec in context["charts"].items():
            (folder / f"{cid}.png").write_bytes(render(spec, "png"))
            images[cid] = Raw(f"{folder.name}/{cid}.png")
    except OSError as exc:
        raise ReportError([Issue(str(folder), "", f"cannot write the chart images: {exc.strerror or exc}",
                                 "choose a writable output directory with -o")]) from None
    return environment("md").get_template("report.md.j2").render(**context, images=images)


# characters an XML document (a .docx) cannot hold: C0 controls but tab, line feed and carriage return, U+FFFE,
# U+FFFF and lone surrogates. The profile refuses them in its text; knowledge text passes here too.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(value: Any) -> Any:
    """A report context with every character an XML document cannot hold removed from its text."""
    if isinstance(value, str):
        return _NOT_XML.sub("", value) if _NOT_XML.search(value) else value
    if isinstance(value, dict):
        return {k: xml_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [xml_safe(v) for v in value]
    return value


def render_docx(context: dict) -> bytes:
    """A Word document: real headings (Heading 1/2/3), real tables, charts as PNG pictures."""
    import io

    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    from advisor.render.charts import render

    context = xml_safe(context)
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)
    font_name = "SimSun" if context["lang"] == "zh" else "Calibri"
    normal.font.name = font_name
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "SimSun")
    for level in (1, 2, 3):
        doc.styles[f"Heading {level}"].element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "SimHei")
    section = doc.sections[0]
    margin = Cm(2.2)
    section.left_margin = section.right_margin = margin
    width = int(section.page_width or 0) - 2 * margin   # the default template sets the page width

    doc.add_heading(context["title"], level=0)
    doc.add_paragraph(context["subtitle"])
    doc.add_paragraph(context["note"]).runs[0].italic = True
    for sec in context["sections"]:
        doc.add_heading(sec["title"], level=1)
        for sub in sec["subsections"]:
            if sub["title"]:
                doc.add_heading(sub["title"], level=2)
            for block in sub["blocks"]:
                kind = block["type"]
                if kind == "paragraph":
                    doc.add_paragraph(block["text"])
                elif kind == "list":
                    for item in block["items"]:
                        doc.add_paragraph(item, style="List Bullet")
                elif kind == "subheading":
                    doc.add_heading(block["text"], level=3)
                elif kind == "table":
                    _docx_table(doc, block, Pt)
                elif kind == "chart":
                    png = render(context["charts"][block["id"]], "png")
                    doc.add_picture(io.BytesIO(png), width=width)
                    cap = doc.add_paragraph(block["title"])
                    cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
                elif kind == "card":
                    doc.add_heading(block["heading"], level=4)
                    _docx_table(doc, {"caption": "", "columns": [], "rows": block["fields"]}, Pt)
                    for label, items in block["lists"]:
                        p = doc.add_paragraph()
                        p.add_run(label).bold = True
                        for item in items:
                            doc.add_paragraph(item, style="List Bullet")
    core = doc.core_properties
    core.title = context["title"]
    core.author = "park-advisor"
    import datetime as _dt

    fixed = _dt.datetime(2000, 1, 1)
    core.created = core.modified = fixed
    core.last_modified_by = "park-advisor"
    core.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _docx_table(doc, block: dict, Pt) -> None:
    if block.get("caption"):
        p = doc.add_paragraph()
        p.add_run(block["caption"]).bold = True
    cols = block["columns"]
    ncols = len(cols) or max((len(r) for r in block["rows"]), default=1)
    table = doc.add_table(rows=(1 if cols else 0) + len(block["rows"]), cols=ncols)
    table.style = "Table Grid"
    offset = 0
    if cols:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        for i, c in enumerate(cols):
            cell = table.rows[0].cells[i]
            cell.text = c
            for run in cell.paragraphs[0].runs:
                run.bold = True
            shade = OxmlElement("w:shd")
            shade.set(qn("w:val"), "clear")
            shade.set(qn("w:color"), "auto")
            shade.set(qn("w:fill"), "EEF2F5")
            cell._tc.get_or_add_tcPr().append(shade)
        offset = 1
    for r, row in enumerate(block["rows"]):
        for i, value in enumerate(row[:ncols]):
            table.rows[r + offset].cells[i].text = value
    for row in table.rows:
        for cell in row.cells:
            for para in cell.paragraphs:
                for run in para.runs:
                    run.font.size = Pt(9)
    doc.add_paragraph()
