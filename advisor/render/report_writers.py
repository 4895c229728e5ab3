"""The renderers of a report context for HTML and Markdown (jinja2 templates); Word is in report_docx."""

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
