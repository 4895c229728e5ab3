"""The plan-ready report (park-advisor report): one context object, three renderers.

`build_context(profile, kb, analysis, advice, lang)` turns the profile, the status analysis
(docs/schemas/analyze.schema.json) and the advice (docs/schemas/recommend.schema.json) into one dict laid out like
a Chinese park 实施方案: sections → subsections → blocks. The sections, in the order of `_Report.context`, are
built in report_summary (summary, 保障措施, 编制依据), report_status (the status), report_plan (targets, key tasks,
further recommendations, to confirm, task division, annexes) and the modules that add projects and the
evaluation, all on report_base; report_numbering numbers them by one scheme. The renderers are report_writers
(HTML, Markdown) and report_docx on docx_template (Word on an A4 template).
Every table is built in the sections with its numbers formatted; the templates in reports/templates only loop and print,
and every label comes from reports/templates/labels.yaml (zh and en). Blocks are

    {"type": "paragraph", "text"}                 {"type": "list", "items"}
    {"type": "table", "caption", "columns", "rows", "numeric"}  {"type": "chart", "id", "title"}
    {"type": "subheading", "text"}                {"type": "card", "id", "heading", "fields", "lists"}

Charts are specs (plain dicts, see advisor.render.charts) in `context["charts"]`; the renderers draw them as inline SVG
(HTML), PNG files next to the document (Markdown) or PNG pictures (DOCX).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from advisor.errors import Issue
from advisor.render.report_docx import render_docx
from advisor.render.report_evaluation import EvaluationSections
from advisor.render.report_format import ReportError, labels
from advisor.render.report_numbering import number_sections
from advisor.render.report_plan import PlanSections
from advisor.render.report_status import StatusSections
from advisor.render.report_summary import SummarySections
from advisor.render.report_writers import md_escape, render_html, render_markdown

__all__ = ["FORMATS", "ReportError", "build_context", "format_from_suffix", "labels", "md_escape",
           "render_docx", "render_html", "render_markdown", "write_report"]

FORMATS = ("html", "md", "docx")
CHART_IDS = ("sankey", "carbon", "pollutants", "indices", "cocontrol")


class _Report(SummarySections, StatusSections, PlanSections, EvaluationSections):
    """The whole report: summary and safeguards (SummarySections), the status (StatusSections) and the plan
    (PlanSections)."""

    def context(self, today: dt.date | None = None) -> dict:
        park, L = self.p.park, self.L
        name = park.name if self.lang == "zh" or not park.name_en else park.name_en
        today = today or dt.date.today()
        # the order of a 实施方案; a part another module adds is a method named below, left out while it is missing
        sections = [self.summary(), self.status(), self.targets(), self.tasks(), self.other_recs(),
                    self.to_confirm(), self.division(),
                    *self.optional("projects"),     # 重点工程: the projects of the quantified measures
                    self.safeguards(),
                    *self.optional("evaluation"),   # 评估: the previous cycle compared, when one is given
                    self.basis(),
                    self.annex(), self.verify(), self.not_recommended(), self.ranking()]
        number_sections(sections, self.lang, L["annex_n"])
        return {
            "lang": self.lang,
            "labels": L,
            "title": f"{name}{L['title_sep']}{L['report_title']}",
            "park_name": park.name,
            "park_name_en": park.name_en or "",
            "cover_park": name,
            "compiler": L["cover_compiler_unknown"],   # the profile names no compiling unit yet
            "compiler_known": None,
            "date": today.isoformat(),
            "date_text": L["date_format"].format(y=today.year, m=today.month, month=today.strftime("%B")),
            "running_header": f"{name}{L['title_sep']}{L['report_title']}",
            "subtitle": L["report_subtitle"],
            "note": L["generated_note"],
            "sections": sections,
            "charts": self.charts,
            "chart_ids": [cid for cid in CHART_IDS if cid in self.charts] + [c for c in self.charts
                                                                              if c not in CHART_IDS],
        }

    def optional(self, name: str) -> list[dict]:
        """The section a method `name` builds, or nothing while no module defines it (or it has nothing to show)."""
        build = getattr(self, name, None)
        section = build() if callable(build) else None
        return [section] if section else []


def build_context(profile, kb, analysis: dict, advice: dict, lang: str = "zh", today: dt.date | None = None,
                  evaluation: dict | None = None) -> dict:
    """The one context object every renderer reads (see the module docstring for its blocks); `evaluation`
    (advisor.evaluate) adds the chapter 评估与持续改进."""
    report = _Report(profile, kb, analysis, advice, lang)
    report.evaluated = evaluation
    return report.context(today)


# --- the verb's work ------------------------------------------------------------------------------

def format_from_suffix(path: Path) -> str | None:
    return {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md", ".docx": "docx"}.get(
        path.suffix.lower())


def write_report(profile, kb, out: Path, fmt: str, lang: str = "zh", analysis: dict | None = None,
                 advice: dict | None = None, evaluation: dict | None = None) -> Path:
    """Analyse, advise, render and write; raises ReportError when the file cannot be written."""
    if fmt not in FORMATS:
        raise ReportError([Issue("--format", str(fmt), "unknown report format", "use html, md or docx")])
    parent = out.parent
    if not parent.is_dir():
        raise ReportError([Issue(str(out), "", f"the directory {parent} does not exist",
                                 "create it first or choose another path with -o")])
    if analysis is None:
        from advisor.accounting import analyze_profile

        analysis = analyze_profile(profile, kb)
    if advice is None:
        from advisor.decide.recommend import advise

        advice = advise(profile, kb, lang=lang, analysis=analysis)
    context = build_context(profile, kb, analysis, advice, lang, evaluation=evaluation)
    try:
        if fmt == "html":
            out.write_text(render_html(context), encoding="utf-8")
        elif fmt == "md":
            out.write_text(render_markdown(context, out), encoding="utf-8")
        else:
            out.write_bytes(render_docx(context))
    except OSError as exc:
        raise ReportError([Issue(str(out), "", f"cannot write the report: {exc.strerror or exc}",
                                 "choose a writable path with -o")]) from None
    return out
