"""The Word renderer: the report context on the A4 template of advisor.render.docx_template."""

from __future__ import annotations

import datetime as dt
import io

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from advisor.render import docx_template as tpl


def render_docx(context: dict, now: dt.datetime | None = None) -> bytes:
    """A Word document: cover, contents, numbered chapters as Heading 1–4, tables and chart pictures."""
    from docx import Document

    from advisor.render.charts import render
    from advisor.render.report_writers import xml_safe

    context = xml_safe(context)
    lang = context["lang"]
    doc = Document()
    tpl.setup(doc, lang)
    tpl.cover(doc, context)
    tpl.table_of_contents(doc, context)
    width = tpl.text_width(doc)
    for sec in context["sections"]:
        tpl.para(doc, sec["title"], "Heading1")
        for sub in sec["subsections"]:
            if sub["title"]:
                tpl.para(doc, sub["title"], "Heading2")
            for block in sub["blocks"]:
                kind = block["type"]
                if kind == "paragraph":
                    doc.add_paragraph(block["text"])
                elif kind == "list":
                    for item in block["items"]:
                        tpl.para(doc, item, "ListBullet")
                elif kind == "subheading":
                    tpl.para(doc, block["text"], "Heading3")
                elif kind == "table":
                    _caption(doc, block.get("caption"))
                    tpl.table(doc, block["columns"], block["rows"], width)
                    doc.add_paragraph().paragraph_format.space_after = Pt(2)
                elif kind == "chart":
                    png = render(context["charts"][block["id"]], "png")
                    pic = doc.add_paragraph()
                    pic.alignment = WD_ALIGN_PARAGRAPH.CENTER
                    pic.paragraph_format.first_line_indent = Pt(0)
                    pic.paragraph_format.keep_with_next = True
                    pic.add_run().add_picture(io.BytesIO(png), width=width)
                    tpl.para(doc, block["title"], "Caption").paragraph_format.space_after = Pt(12)
                elif kind == "card":
                    tpl.para(doc, block["heading"], "Heading4")
                    tpl.table(doc, [], block["fields"], width, key_value=True)
                    for label, items in block["lists"]:
                        tpl.para(doc, label, "ListLabel")
                        for item in items:
                            tpl.para(doc, item, "ListBullet")
    tpl.properties(doc, context, now or dt.datetime.now(dt.UTC))
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _caption(doc, text: str | None) -> None:
    if text:
        tpl.para(doc, text, "Caption")
