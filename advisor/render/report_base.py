"""What every section of the report needs: the inputs, labels in the report and chart languages, names of
carriers, processes, substances, measures and states, and the charts gathered while the sections are built."""

from __future__ import annotations

import re
from typing import Any

from advisor.errors import Issue
from advisor.render.report_format import (
    DASH,
    LANGS,
    ReportError,
    fmt_pct,
    labels,
    paragraph,
    text_in,
    value_text,
)


class ReportBase:
    """Holds the inputs while the context is built; the sections add one method per part of the report."""

    def __init__(self, profile, kb, analysis: dict, advice: dict, lang: str) -> None:
        from advisor.render.charts import chart_lang

        if lang not in LANGS:
            raise ReportError([Issue("--lang", lang, "unknown language", "use zh or en")])
        self.p, self.kb, self.a, self.adv, self.lang = profile, kb, analysis or {}, advice or {}, lang
        self.L = labels(lang)
        self.clang = chart_lang(lang)
        self.CL = labels(self.clang)
        self.charts: dict[str, dict] = {}
        self.facts_text = {f.get("id"): f.get("text") for f in (kb.extra.get("facts.yaml") or [])
                           if isinstance(f, dict)}
        self.findings_text = {f["id"]: f.get("text", "") for f in self.adv.get("findings", [])}
        self.process_names = {pr.id: pr.name or pr.id for pr in profile.processes or []}

    # names ---------------------------------------------------------------------------------
    def carrier(self, cid: str, lang: str | None = None) -> str:
        c = self.kb.carriers.get(cid)
        if c:
            return c.name.in_lang(lang or self.lang)
        return (self.L if (lang or self.lang) == self.lang else self.CL).get(f"carrier_{cid}", cid)

    def process(self, pid: str | None, lang: str | None = None) -> str:
        lang = lang or self.lang
        if pid is None or pid == "(unassigned)" or pid.startswith("_"):
            return (self.L if lang == self.lang else self.CL)["unassigned"]
        name = self.process_names.get(pid, pid)
        if lang == "zh":
            return name
        return pid if re.search(r"[\u3000-\u9fff]", name) else name

    def pollutant(self, pid: str) -> str:
        name = self.substance(pid)
        pol = self.kb.pollutants.get(pid)
        if name == pid and pol and self.lang == "zh" and pol.name.zh != pid:
            return f"{pid}（{pol.name.zh}）"
        return name

    def substance(self, sid: str, lang: str | None = None) -> str:
        """CO2, SO2, VOCs stay as written; word-like ids (heavy_metals, acid_mist) get their name."""
        lang = lang or self.lang
        if not re.search(r"[a-z]_|^[a-z]+$", sid):
            return sid
        pol = self.kb.pollutants.get(sid)
        table = self.L if lang == self.lang else self.CL
        return pol.name.in_lang(lang) if pol else table.get(f"sub_{sid}", sid.replace("_", " "))

    def measure_title(self, mid: str, fallback: str = "") -> str:
        m = self.kb.measures.get(mid)
        return m.title.in_lang(self.lang) if m else fallback

    def object_name(self, obj: str) -> str:
        o = self.kb.objects.get(obj)
        return o.name.in_lang(self.lang) if o else self.L.get(f"object_{obj}", obj)

    def state(self, kind: str, sid: str | None) -> str:
        if sid is None:
            return DASH
        vocab = getattr(self.kb.decoupling, kind, None) or []
        for s in vocab:
            if s.id == sid:
                return s.name.in_lang(self.lang)
        return sid

    def tier(self, tid: str | None) -> str:
        if not tid:
            return DASH
        t = self.kb.data_tiers.get(tid)
        return t.name.in_lang(self.lang) if t else self.L.get(f"tier_{tid}", tid)

    def fact(self, fid: str) -> str:
        return text_in(self.facts_text.get(fid), self.lang) or fid

    def shown(self, v: Any) -> str:
        """A fact value for the reader: yes/no/unknown in the report language, numbers formatted."""
        if v is None or isinstance(v, bool):
            return self.yes_no(v)
        return value_text(v)

    def evidence(self, key: str, v: Any) -> str:
        """share-like facts as percentages, the rest as shown()."""
        if isinstance(v, float) and not isinstance(v, bool) and ("share" in key or "ratio" in key or "rate" in key
                                                                 or "coverage" in key) and abs(v) <= 1.5:
            return fmt_pct(v)
        return self.shown(v)

    def yes_no(self, v: Any) -> str:
        return self.L["unknown"] if v is None else self.L["bool_yes"] if v else self.L["bool_no"]

    def enum(self, prefix: str, v: Any) -> str:
        return self.L.get(f"{prefix}_{v}", DASH if v is None else str(v))

    def chart(self, cid: str, spec: dict, title_key: str | None = None) -> dict:
        """A figure numbered in the order figures appear; a chart with nothing to draw is a one-line note
        instead of an empty frame (and keeps no number)."""
        key = title_key or f"chart_{cid}"
        if spec.get("empty"):
            return paragraph(self.L["chart_omitted"].format(title=_bare_figure(self.L[key])))
        n = len(self.charts) + 1
        spec.setdefault("title", self.CL["fig_n"].format(n=n, title=_bare_figure(self.CL[key])))
        self.charts[cid] = spec
        return {"type": "chart", "id": cid, "title": self.L["fig_n"].format(n=n, title=_bare_figure(self.L[key]))}


_FIGURE_NUMBER = re.compile(r"^\s*(?:图\s*\d+\s*|Fig\.\s*\d+\s*)")


def _bare_figure(title: str) -> str:
    """A chart title without a figure number written into its label."""
    return _FIGURE_NUMBER.sub("", title, count=1)
