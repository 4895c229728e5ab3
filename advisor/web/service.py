"""What the pages compute: the profile from the answers, the advice, the reports, what-if, uploads.

Engine calls: the endpoints that call these functions are plain `def` routes, which FastAPI runs in a
thread pool. `advise()` reaches durable-rules only through advisor.decide.engine, whose `Engine.evaluate` and
rule-set loading hold that module's lock, and `get_engine()` builds the one engine under its own lock;
so engine calls are serialised. Charts are drawn with matplotlib, whose rc settings are process-global:
drawing is serialised here with RENDER_LOCK.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import logging
import tempfile
import threading
import zipfile
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor.errors import Issue, ProfileError
from advisor.questionnaire import QuestionFlow, Reader, Session, flatten, nest
from advisor.web.store import ParkState

RENDER_LOCK = threading.Lock()
RESULTS_KEPT = 32     # answer sets whose results stay computed, per server process
UPLOAD_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx")


def upload_limit() -> int:
    """The largest upload accepted: the bigger of the profile text and workbook caps (each still applies)."""
    from advisor.kb.safe_load import MAX_TEXT_BYTES
    from advisor.profile.workbook import MAX_WORKBOOK_BYTES

    return max(MAX_TEXT_BYTES, MAX_WORKBOOK_BYTES)


def _fingerprint(data: Any) -> str:
    return hashlib.sha1(json.dumps(data, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()[:16]


def _without_first_actions(section: dict) -> dict:
    """The report's summary without its closing list of first actions (and the sentence that leads into it):
    the page lists them itself, each linking to its measure."""
    subs = []
    for sub in section["subsections"]:
        blocks = sub["blocks"]
        keep = [b for i, b in enumerate(blocks) if b["type"] != "list"
                and not (i + 1 < len(blocks) and blocks[i + 1]["type"] == "list")]
        subs.append({**sub, "blocks": keep})
    return {**section, "subsections": subs}


def _cards(section: dict | None) -> dict[str, dict]:
    if not section:
        return {}
    return {b["id"]: b for sub in section["subsections"] for b in sub["blocks"] if b["type"] == "card"}


class Advisor:
    """Knowledge, questions and rules, loaded once when the server starts."""

    def __init__(self) -> None:
        from advisor.decide.recommend import get_engine
        from advisor.kb.knowledge import load_knowledge
        from advisor.kb.rulebook import load_rulebase
        from advisor.questionnaire import load_questions, measures_at_stake

        self.kb = load_knowledge()
        self.base = load_rulebase()
        self.book = load_questions()
        self.stakes = measures_at_stake(self.book, self.base)
        self.questions = {q.id: q for q in self.book.questions}
        self._results: OrderedDict[tuple, dict] = OrderedDict()
        self._results_lock = threading.Lock()
        get_engine()  # build the durable rule sets now, not in the first request
        self._warm_up()

    def _warm_up(self) -> None:
        """Compute the results of a small park once, so that the first park's results do not pay for the
        report and accounting code being loaded (about a second per server process)."""
        answers = {"park.id": "warm-up", "park.name": "warm-up", "park.base_year": 2022,
                   "park.industries": [{"code": next(iter(self.kb.industries)), "share": 1.0}]}
        for lang in ("zh", "en"):
            try:
                self._compute_results(answers, "warm-up", lang)
            except Exception:   # a warm-up that fails costs only the time it would have saved
                logging.getLogger(__name__).debug("warm-up failed", exc_info=True)

    def titles(self, lang: str) -> dict[str, str]:
        return {mid: m.title.in_lang(lang) for mid, m in self.kb.measures.items()}

    def reader(self, lang: str) -> Reader:
        return Reader(lang=lang, units_kb=self.kb, industries=frozenset(self.kb.industries))

    def flow(self, state: ParkState) -> QuestionFlow:
        session = Session(answers=dict(state.answers), asked=list(state.asked))
        return QuestionFlow(self.book, session, self.stakes, rules_loaded=bool(self.base.rules))

    # profile and advice ------------------------------------------------------------------------------
    def profile_data(self, answers: dict[str, Any]) -> dict:
        return nest(answers, self.book)

    def profile(self, answers: dict[str, Any], name: str):
        """The validated profile; the required questions not yet answered are named first."""
        from advisor.profile.files import validate_data
        from advisor.questionnaire import missing_required

        missing = missing_required(self.book, answers, name)
        if missing:
            raise ProfileError([Issue(i.file, i.path, i.problem, "answer it on the questionnaire's first page")
                                for i in missing])
        return validate_data(self.profile_data(answers), name, self.kb)

    def advise(self, profile, lang: str) -> tuple[dict, dict]:
        from advisor.accounting import analyze_profile
        from advisor.decide.recommend import advise

        analysis = analyze_profile(profile, self.kb)
        return analysis, advise(profile, self.kb, lang=lang, analysis=analysis)

    def results(self, answers: dict[str, Any], name: str, lang: str) -> dict[str, Any]:
        """Everything the results page shows; raises ProfileError while the answers are not a valid profile.

        Kept for the last few answer sets (keyed by their content and the language): a results page opened
        again, or its charts fetched, without a change in between is not computed twice."""
        key = (_fingerprint(answers), name, lang)
        with self._results_lock:
            if key in self._results:
                self._results.move_to_end(key)
                return self._results[key]
        res = self._compute_results(answers, name, lang)
        with self._results_lock:
            self._results[key] = res
            while len(self._results) > RESULTS_KEPT:
                self._results.popitem(last=False)
        return res

    def _compute_results(self, answers: dict[str, Any], name: str, lang: str) -> dict[str, Any]:
        from advisor.render.report import build_context

        profile = self.profile(answers, name)
        analysis, advice = self.advise(profile, lang)
        context = build_context(profile, self.kb, analysis, advice, lang)
        sections = {s["id"]: s for s in context["sections"]}
        # each measure's card, wherever the report places it (the plan's tasks, other advice, to confirm)
        confirm = _cards(sections.get("to_confirm"))
        cards = {k: v for sec_id, sec in sections.items() if sec_id != "to_confirm" for k, v in _cards(sec).items()}
        status = sections["status"]
        wanted = [b for sub in status["subsections"] for b in sub["blocks"] if b["type"] == "chart"]
        # the charts are images of their own (fetched, and kept by the browser, by the hash of their data)
        charts = {b["id"]: {"title": b.get("title", ""), "hash": _fingerprint(context["charts"][b["id"]])}
                  for b in wanted}
        if "cocontrol" in context["charts"]:   # the co-control effect chart of the measures (quantities_view.py)
            charts["cocontrol"] = {"title": context["labels"]["chart_cocontrol"],
                                   "hash": _fingerprint(context["charts"]["cocontrol"])}
        return {"profile": profile, "analysis": analysis, "advice": advice, "context": context,
                "status": status, "summary": _without_first_actions(sections["summary"]),
                "verify": sections["verify"], "cards": cards, "confirm_cards": confirm, "charts": charts}

    def chart_svg(self, answers: dict[str, Any], name: str, lang: str, chart: str) -> str | None:
        """One chart of the results page as SVG; None if the page has no such chart."""
        from advisor.render.charts import render

        res = self.results(answers, name, lang)
        if chart not in res["charts"]:
            return None
        with RENDER_LOCK:
            return render(res["context"]["charts"][chart], "svg")

    def report(self, answers: dict[str, Any], name: str, fmt: str, lang: str) -> tuple[bytes, str, str]:
        """(content, file name, media type) of the report in html, docx or md (a zip with the chart images)."""
        from advisor.render.report import build_context, render_docx, render_html, render_markdown

        profile = self.profile(answers, name)
        analysis, advice = self.advise(profile, lang)
        context = build_context(profile, self.kb, analysis, advice, lang)
        stem = f"{profile.park.id}-report-{lang}"
        with RENDER_LOCK:
            if fmt == "html":
                return render_html(context).encode("utf-8"), f"{stem}.html", "text/html; charset=utf-8"
            if fmt == "docx":
                return (render_docx(context), f"{stem}.docx",
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / f"{stem}.md"
                out.write_text(render_markdown(context, out), encoding="utf-8")
                buf = io.BytesIO()
                with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
                    for path in sorted(Path(tmp).rglob("*")):
                        if path.is_file():
                            zf.write(path, path.relative_to(tmp).as_posix())
                return buf.getvalue(), f"{stem}-md.zip", "application/zip"

    def profile_yaml(self, answers: dict[str, Any]) -> str:
        import yaml

        data = self.profile_data(answers)
        return "# park profile, format 1 – written by `park-advisor serve`\n" + yaml.safe_dump(
            data, allow_unicode=True, sort_keys=False, default_flow_style=None, width=110)

    def what_if(self, answers: dict[str, Any], name: str, path: str, value: Any, lang: str) -> dict[str, Any]:
        from advisor.decide.whatif import compare_advice

        changed = {p: v for p, v in copy.deepcopy(answers).items() if p != path and not p.startswith(path + ".")}
        if value is not None:
            changed[path] = value
        _, before = self.advise(self.profile(answers, name), lang)
        _, after = self.advise(self.profile(changed, name), lang)
        return compare_advice(before, after, {path: value})

    # uploads -------------------------------------------------------------------------------------------
    def read_upload(self, filename: str, content: bytes) -> dict[str, Any]:
        """The answers (profile path → value) of an uploaded profile, validated like `park-advisor validate`."""
        from advisor.profile.files import load_profile, read_profile_data, validate_data

        name = Path(filename or "").name or "upload"
        suffix = Path(name).suffix.lower()
        if suffix not in UPLOAD_SUFFIXES:
            raise ProfileError([Issue(name, "", f"unknown file type '{suffix or '(none)'}'",
                                      "upload a .yaml, .yml, .json or .xlsx profile")])
        if not content:
            raise ProfileError([Issue(name, "", "the file is empty", "choose the profile file again")])
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"upload{suffix}"
            path.write_bytes(content)
            try:
                if suffix == ".xlsx":   # a workbook's problems name their cells
                    load_profile(path, self.kb)
                    data = read_profile_data(path)
                else:                   # the same checks as load_profile, on one reading of the text
                    data = read_profile_data(path)
                    validate_data(data, str(path), self.kb)
            except ProfileError as exc:
                raise ProfileError([Issue(name if i.file.startswith(str(path)) or i.file == str(path) else i.file,
                                          i.path, i.problem.replace(str(path), name), i.fix)
                                    for i in exc.issues]) from None
        from advisor.questionnaire import align_units

        return flatten(align_units(data, self.book, self.kb))


@dataclass
class Saved:
    values: dict[str, Any]
    clear: list[str]
    asked: list[str]


def plan_save(flow: QuestionFlow, questions: list, values: dict[str, Any], seen: list[str] | None = None) -> Saved:
    """What to write for a submitted page: answers given, unknowns cleared, and follow-ups on the page cleared
    whose ask_if no longer holds. Only the questions in `values` were submitted (a hidden follow-up sends
    nothing, so it is neither answered nor recorded as asked); `seen` (default: all of them) are recorded."""
    from advisor.questionnaire import is_answered
    from advisor.web.forms import ancestor_answer

    answers = flow.session.answers
    out: dict[str, Any] = {}
    clear: list[str] = []
    for q in questions:
        if q.id not in values or ancestor_answer(answers, q.path) is not None:
            continue
        value = values[q.id]
        if value is None:
            clear.append(q.path)
            answers.pop(q.path, None)
            for p in [p for p in answers if p.startswith(q.path + ".")]:
                answers.pop(p)
        else:
            out[q.path] = value
            answers[q.path] = value
            for p in [p for p in answers if p.startswith(q.path + ".")]:
                answers.pop(p)
            for path, implied in q.implies.items():
                if not is_answered(answers, path):
                    out[path] = implied
                    answers[path] = implied
    for q in questions:
        if q.ask_if is None or ancestor_answer(answers, q.path) is not None:
            continue
        holds = flow.ask_if(q)
        # an answer given now needs its condition to hold; one given earlier goes only when it is false
        if (q.path in out and holds is not True) or (q.path in answers and holds is False):
            out.pop(q.path, None)
            answers.pop(q.path, None)
            clear.append(q.path)
    marked = [q.id for q in questions if q.id in values] if seen is None else list(seen)
    # seen only if shown: a follow-up whose condition does not hold after these answers was hidden
    asked = [q.id for q in questions if q.id in marked and flow.ask_if(q) is True]
    return Saved(out, clear, asked)
