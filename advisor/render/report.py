"""The plan-ready report (park-advisor report): one context object, three renderers.

`build_context(profile, kb, analysis, advice, lang)` turns the profile, the status analysis (CONTRACT §3) and the
advice (CONTRACT §4) into one dict laid out like a Chinese park 实施方案: sections → subsections → blocks.
Every table is built here with its numbers formatted; the templates in reports/templates only loop and print,
and every label comes from reports/templates/labels.yaml (zh and en). Blocks are

    {"type": "paragraph", "text"}                 {"type": "list", "items"}
    {"type": "table", "caption", "columns", "rows"}  {"type": "chart", "id", "title"}
    {"type": "subheading", "text"}                {"type": "card", "id", "heading", "fields", "lists"}

Charts are specs (plain dicts, see advisor.render.charts) in `context["charts"]`; the renderers draw them as inline SVG
(HTML), PNG files next to the document (Markdown) or PNG pictures (DOCX).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from advisor.errors import AdvisorError, Issue
from advisor.kb.paths import templates_dir

LANGS = ("zh", "en")
FORMATS = ("html", "md", "docx")
OBJECTS = ("management", "infrastructure", "enterprise", "third_party", "surrounding")
HORIZONS = ("near", "medium", "long")
CHART_IDS = ("sankey", "carbon", "pollutants", "indices", "cocontrol")
CARBON_SUBSTANCES = {"CO2", "CO2e", "GHG", "CH4", "N2O"}
TOP_N = 10


class ReportError(AdvisorError):
    """A report could not be written (unknown format, unwritable path)."""


# --- labels ---------------------------------------------------------------------------------

@cache
def _label_table() -> dict[str, dict[str, str]]:
    from advisor.kb.safe_load import load_data_file

    path = templates_dir() / "labels.yaml"
    data = load_data_file(path, ReportError)
    bad = [k for k, v in data.items()
           if not (isinstance(v, dict) and set(v) == set(LANGS) and all(isinstance(v[x], str) for x in LANGS))]
    if bad:
        raise ReportError([Issue(str(path), k, "a label needs text for zh and en, nothing else",
                                 "write {zh: …, en: …} and quote text that contains a comma")
                           for k in bad])
    return data


def labels(lang: str) -> dict[str, str]:
    """Every report label in one language."""
    return {key: value[lang] for key, value in _label_table().items()}


# --- formatting -------------------------------------------------------------------------------

DASH = "—"


def fmt_num(x: Any, digits: int | None = None) -> str:
    """1234567.8 → '1,234,568'; small numbers keep significant digits; None → '—'."""
    if x is None or isinstance(x, bool):
        return DASH
    try:
        x = float(x)
    except (TypeError, ValueError):
        return str(x)
    if digits is None:
        ax = abs(x)
        digits = 0 if ax >= 100 else 1 if ax >= 10 else 2 if ax >= 1 else 3 if ax >= 0.01 else 4
        if ax == 0:
            digits = 0
    return f"{x:,.{digits}f}"


def fmt_pct(x: Any, signed: bool = False) -> str:
    if x is None or isinstance(x, bool):
        return DASH
    return f"{float(x) * 100:+.1f}%" if signed else f"{float(x) * 100:.1f}%"


def _text(x: Any, lang: str) -> str:
    """Knowledge Text, {zh, en} dicts, plain strings, lists – as one string."""
    if x is None:
        return ""
    if hasattr(x, "in_lang"):
        return x.in_lang(lang)
    if isinstance(x, dict):
        if lang in x and isinstance(x[lang], str):
            return x[lang]
        for key in ("text", "message", "note", "warning", "problem"):
            picked = _pick(x, key, lang)
            if picked is not None:
                return _text(picked, lang)
        return "; ".join(f"{k}: {_value(v)}" for k, v in x.items())
    if isinstance(x, (list, tuple)):
        return "; ".join(_text(i, lang) for i in x)
    return str(x)


def _pick(d: dict, key: str, lang: str) -> Any:
    """d['key_zh'] / d['key_en'] / d['text_en'] style fields: the one in `lang`, else d['key']."""
    for k in (f"{key}_{lang}", f"{key}_en" if lang == "en" else None):
        if k and d.get(k) is not None:
            return d[k]
    return d.get(key)


def _value(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return fmt_num(v)
    if isinstance(v, (list, tuple)):
        return ", ".join(_value(i) for i in v)
    return str(v)


def _table(caption: str, columns: list[str], rows: list[list[Any]]) -> dict:
    return {"type": "table", "caption": caption, "columns": list(columns),
            "rows": [[c if isinstance(c, str) else _value(c) for c in row] for row in rows]}


def _para(text: str) -> dict:
    return {"type": "paragraph", "text": text}


class _Report:
    """Holds the inputs while the context is built; one method per part of the report."""

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
        return _text(self.facts_text.get(fid), self.lang) or fid

    def shown(self, v: Any) -> str:
        """A fact value for the reader: yes/no/unknown in the report language, numbers formatted."""
        if v is None or isinstance(v, bool):
            return self.yes_no(v)
        return _value(v)

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

    # the whole context ------------------------------------------------------------------------
    def context(self) -> dict:
        park = self.p.park
        name = park.name if self.lang == "zh" or not park.name_en else park.name_en
        sections = [self.status(), self.targets(), self.tasks(), self.division(), self.verify(),
                    self.not_recommended(), self.annex()]
        return {
            "lang": self.lang,
            "labels": self.L,
            "title": f"{name}{self.L['title_sep']}{self.L['report_title']}",
            "park_name": park.name,
            "park_name_en": park.name_en or "",
            "subtitle": self.L["report_subtitle"],
            "note": self.L["generated_note"],
            "sections": sections,
            "charts": self.charts,
            "chart_ids": list(CHART_IDS),
        }

    def chart(self, cid: str, spec: dict) -> dict:
        spec.setdefault("title", self.CL[f"chart_{cid}"])
        self.charts[cid] = spec
        return {"type": "chart", "id": cid, "title": self.L[f"chart_{cid}"]}

    # 1 status ------------------------------------------------------------------------------------
    def status(self) -> dict:
        subs = [self.park_part(), self.data_part(), self.energy_part(), self.carbon_part(), self.pollutant_part(),
                self.fused_part(), self.decoupling_part(), self.warnings_part(), self.findings_part()]
        return {"id": "status", "title": self.L["s1"], "subsections": subs}

    def park_part(self) -> dict:
        L, park, acc = self.L, self.p.park, self.p.accounting
        b = park.boundary
        btype = self.kb.boundary_types.get(b.type) if b else None
        rows = [[L["f_name"], park.name + (f" ({park.name_en})" if park.name_en else "")],
                [L["f_id"], park.id],
                [L["f_level"], self.enum("level", park.level)],
                [L["f_province"], park.province or DASH],
                [L["f_base_year"], str(park.base_year)],
                [L["f_boundary_type"], btype.name.in_lang(self.lang) if btype else (b.type if b else L["unknown"])],
                [L["f_boundary_desc"], (b.description if b and b.description else DASH)],
                [L["f_area"], fmt_num(getattr(b, "area_km2", None))],
                [L["f_boundary_changes"], "; ".join(f"{c.year}: {c.note}" for c in park.boundary_changes or [])
                 or L["none"]],
                [L["f_enterprises"], fmt_num(park.enterprise_count, 0)],
                [L["f_key_air_region"], self.yes_no(park.key_air_region)],
                [L["f_water_scarce"], self.yes_no(park.water_scarce)],
                [L["f_gwp"], acc.gwp],
                [L["f_grid_factor"], self.grid_text()]]
        blocks = [_table(L["t_park"], [L["c_item"], L["c_value"]], rows)]
        if btype:
            blocks.append(_para(f"{btype.name.in_lang(self.lang)}: {btype.description.in_lang(self.lang)}"))
        ind_rows = []
        for i in park.industries:
            info = self.kb.industries.get(i.code)
            ind_rows.append([i.code, (info.name_zh if self.lang == "zh" else info.name_en) if info else DASH,
                             fmt_pct(i.share)])
        blocks.append(_table(L["t_industries"], [L["c_code"], L["c_industry"], L["c_share"]], ind_rows))
        return {"title": L["s1_park"], "blocks": blocks}

    def grid_text(self) -> str:
        g = (self.a.get("carbon") or {}).get("grid") or {}
        if g.get("value") is None:
            return self.p.accounting.grid_factor
        what = ", ".join(str(g[k]) for k in ("series", "region", "year") if g.get(k) is not None)
        return f"{fmt_num(g['value'], 4)} {g.get('unit', '')} ({what})"

    def data_part(self) -> dict:
        L = self.L
        rows = []
        for e in self.p.energy or []:
            src = e.factor.source if e.factor else ""
            where = self.process(e.process) if e.process else L.get(f"origin_{e.origin}", DASH)
            rows.append([self.carrier(e.carrier), where, e.owner or DASH,
                         fmt_num(e.amount), e.unit, self.tier(e.data_tier), src or DASH])
        blocks = [_table(L["t_data_sources"], [L["c_carrier"], L["c_process"], L["c_owner"], L["c_amount"],
                                               L["c_unit"], L["c_tier"], L["c_source"]], rows)
                  if rows else _para(L["p_no_data"])]
        tiers = sorted(self.kb.data_tiers.values(), key=lambda t: (t.kind, t.rank))
        if tiers:
            blocks.append(_table(L["t_data_tiers"], [L["c_kind"], L["c_rank"], L["c_name"], L["c_examples"]],
                                 [[L.get(f"kind_{t.kind}", t.kind), str(t.rank), t.name.in_lang(self.lang),
                                   t.examples.in_lang(self.lang)]
                                  for t in tiers]))
        return {"title": L["s1_data"], "blocks": blocks}

    def energy_part(self) -> dict:
        L, e = self.L, self.a.get("energy") or {}
        blocks: list[dict] = []
        if e.get("total_tce") is not None:
            blocks.append(_para(f"{L['p_energy_total']}: {fmt_num(e.get('total_tce'))} tce"))
        blocks.append(self.chart("sankey", self.sankey_spec()))
        summary = [[L["e_total"], fmt_num(e.get("total_tce"))], [L["e_feedstock"], fmt_num(e.get("feedstock_tce"))],
                   [L["e_coal_fuel_share"], fmt_pct(e.get("coal_fuel_share"))],
                   [L["e_coal_share_total"], fmt_pct(e.get("coal_share_total"))],
                   [L["e_electricity_share"], fmt_pct(e.get("electricity_share"))],
                   [L["e_gas_share"], fmt_pct(e.get("natural_gas_share"))],
                   [L["e_renewable_share"], fmt_pct(e.get("renewable_electricity_share"))],
                   [L["e_exports"], fmt_num(e.get("exports_tce"))]]
        if e:
            blocks.append(_table(L["t_energy_summary"], [L["c_item"], L["c_value"]], summary))
        carriers = e.get("by_carrier") or []
        if carriers:
            blocks.append(_table(L["t_energy_carriers"], [L["c_carrier"], L["c_amount"], L["c_unit"], L["c_tce"],
                                                          L["c_share"]],
                                 [[self.carrier(c.get("carrier")), fmt_num(c.get("amount")), c.get("unit") or "",
                                   fmt_num(c.get("tce")), fmt_pct(c.get("share"))] for c in carriers]))
        return {"title": L["s1_energy"], "blocks": blocks}

    def sankey_spec(self) -> dict:
        e = self.a.get("energy") or {}
        rows = e.get("balance") or e.get("flows") or []
        cl = self.clang
        first: dict[tuple[str, str], float] = {}
        second: dict[tuple[str, str], float] = {}
        for row in rows:
            tce = row.get("tce") or 0.0
            if tce <= 0 or row.get("counted") is False:
                continue
            c = self.carrier(row.get("carrier"), cl)
            pr = self.process(row.get("process"), cl)
            use = self.CL.get(f"use_{row.get('use')}", str(row.get("use")))
            first[(c, pr)] = first.get((c, pr), 0.0) + tce
            second[(pr, use)] = second.get((pr, use), 0.0) + tce
        if not first:
            return {"kind": "sankey", "empty": self.CL["chart_no_data"]}
        first, second = self._group_small(first, second)
        return {"kind": "sankey", "size": (9.0, 5.2),
                "stages": [[(a, b, v) for (a, b), v in first.items()], [(a, b, v) for (a, b), v in second.items()]],
                "column_titles": [self.CL["chart_carriers"], self.CL["chart_processes"], self.CL["chart_uses"]]}

    def _group_small(self, first: dict, second: dict) -> tuple[dict, dict]:
        """Processes beyond the largest TOP_N become 'other' so the diagram stays readable."""
        totals: dict[str, float] = {}
        for (_, pr), v in first.items():
            totals[pr] = totals.get(pr, 0.0) + v
        keep = {pr for pr, _ in sorted(totals.items(), key=lambda kv: -kv[1])[:TOP_N]}
        other = self.CL["chart_other"]
        f2: dict[tuple[str, str], float] = {}
        s2: dict[tuple[str, str], float] = {}
        for (c, pr), v in first.items():
            key = (c, pr if pr in keep else other)
            f2[key] = f2.get(key, 0.0) + v
        for (pr, u), v in second.items():
            key = (pr if pr in keep else other, u)
            s2[key] = s2.get(key, 0.0) + v
        return f2, s2

    def carbon_part(self) -> dict:
        L, c = self.L, self.a.get("carbon") or {}
        blocks = [_para(f"{L['p_carbon_total']}: {fmt_num(c.get('total_t_co2e'))} t CO2e "
                        f"({L['f_gwp']}: {self.p.accounting.gwp})")]
        by_process = c.get("by_process") or []
        if by_process:
            rows = sorted(by_process, key=lambda r: -(r.get("t_co2e") or 0))
            top = rows[:TOP_N]
            rest = sum(r.get("t_co2e") or 0 for r in rows[TOP_N:])
            labels_ = [self.process(r.get("process"), self.clang) for r in top]
            values = [(r.get("t_co2e") or 0) / 1e4 for r in top]
            if rest:
                labels_.append(self.CL["chart_other"])
                values.append(rest / 1e4)
            blocks.append(self.chart("carbon", {"kind": "bars", "labels": labels_, "values": values,
                                                "xlabel": self.CL["chart_t_co2e"]}))
        else:
            blocks.append(self.chart("carbon", {"kind": "bars", "empty": self.CL["chart_no_data"]}))
        scopes = c.get("by_scope") or {}
        if scopes:
            blocks.append(_table(L["t_scope"], [L["c_scope"], L["c_t_co2e"], L["c_share"]],
                                 [[self.L.get(f"scope_{k}", str(k)), fmt_num(v),
                                   fmt_pct((v or 0) / c["total_t_co2e"]) if c.get("total_t_co2e") else DASH]
                                  for k, v in scopes.items()]))
        carriers = c.get("by_carrier") or []
        if carriers:
            blocks.append(_table(L["t_carbon_carrier"], [L["c_carrier"], L["c_t_co2e"], L["c_share"]],
                                 [[self.carrier(r.get("carrier")), fmt_num(r.get("t_co2e")),
                                   fmt_pct(r.get("share")) if r.get("share") is not None else
                                   (fmt_pct((r.get("t_co2e") or 0) / c["total_t_co2e"])
                                    if c.get("total_t_co2e") else DASH)] for r in carriers]))
        if by_process:
            blocks.append(_table(L["t_carbon_process"], [L["c_process"], L["c_t_co2e"], L["c_share"]],
                                 [[self.process(r.get("process")), fmt_num(r.get("t_co2e")), fmt_pct(r.get("share"))]
                                  for r in sorted(by_process, key=lambda r: -(r.get("t_co2e") or 0))]))
        return {"title": L["s1_carbon"], "blocks": blocks}

    def pollutant_part(self) -> dict:
        L, pol = self.L, self.a.get("pollutants") or {}
        rows = []
        shares: dict[str, dict[str, float]] = {}
        totals: dict[str, float] = {}
        for pid, block in pol.items():
            procs = sorted(block.get("by_process") or [], key=lambda r: -(r.get("t") or 0))
            main = "; ".join(f"{self.process(r.get('process'))} {fmt_pct(r.get('share'))}" for r in procs[:3])
            rows.append([self.pollutant(pid), fmt_num(block.get("total_t")), main or DASH])
            for r in procs:
                name = self.process(r.get("process"), self.clang)
                cell = shares.setdefault(name, {})
                cell[pid] = cell.get(pid, 0.0) + (r.get("share") or 0.0) * 100
                totals[name] = totals.get(name, 0.0) + (r.get("share") or 0.0)
        cats = [pid for pid in pol if pol[pid].get("by_process")]
        if cats:
            keep = [n for n, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:8]]
            other = self.CL["chart_other"]
            series = [(n, [shares[n].get(c, 0.0) for c in cats]) for n in keep]
            rest = [sum(shares[n].get(c, 0.0) for n in shares if n not in keep) for c in cats]
            if any(v > 0.05 for v in rest):
                series.append((other, rest))
            spec = {"kind": "stacked", "categories": [self.substance(c, self.clang) for c in cats],
                    "series": series, "other": other,
                    "ylabel": self.CL["chart_share_pct"]}
        else:
            spec = {"kind": "stacked", "empty": self.CL["chart_no_data"]}
        blocks = [self.chart("pollutants", spec)]
        blocks.append(_table(L["t_pollutants"], [L["c_pollutant"], L["c_total_t"], L["c_main_process"]], rows)
                      if rows else _para(L["p_no_data"]))
        return {"title": L["s1_pollutants"], "blocks": blocks}

    def fused_part(self) -> dict:
        L = self.L
        blocks = [_para(L["p_fused"])]
        same = self.a.get("same_source") or []
        if same:
            blocks.append(_table(L["t_same_source"], [L["c_process"], L["c_co2e_share"], L["c_pollutant_shares"],
                                                      L["c_reason"]],
                                 [[self.process(s.get("process")), fmt_pct(s.get("co2e_share")),
                                   "; ".join(f"{k} {fmt_pct(v)}" for k, v in (s.get("pollutant_shares") or {}).items()),
                                   _text(_pick(s, "reason", self.lang), self.lang)] for s in same]))
        else:
            blocks.append(_para(L["p_no_same_source"]))
        notes = [_text(n, self.lang) for n in (self.a.get("fused") or {}).get("notes") or []]
        if notes:
            blocks.append({"type": "list", "items": notes})
        trade = [t for t in self.a.get("trade_offs") or [] if isinstance(t, dict)]
        if trade:
            blocks.append(_para(L["p_trade_offs"]))
            blocks.append(_table(L["t_trade_offs"], [L["c_process"], L["c_control"], L["c_pollutant"],
                                                     L["c_removed_t"], L["c_co2_added_t"], L["c_factor"],
                                                     L["c_reason"]],
                                 [[self.process(t.get("process")),
                                   L.get(f"control_{t.get('control')}", _text(t.get("control"), self.lang)),
                                   _text(t.get("pollutant_removed"), self.lang) or DASH, fmt_num(t.get("removed_t")),
                                   fmt_num(t.get("t_co2_added")), _text(t.get("factor"), self.lang) or DASH,
                                   _text(_pick(t, "note", self.lang), self.lang) or DASH] for t in trade]))
        return {"title": L["s1_fused"], "blocks": blocks}

    def decoupling_part(self) -> dict:
        L, d = self.L, self.a.get("decoupling") or {}
        blocks = [_para(L["p_decoupling"]), self.chart("indices", self.indices_spec())]
        periods = d.get("periods") or []
        if periods:
            blocks.append(_table(L["t_decoupling_periods"],
                                 [L["c_period"], L["c_economy_change"], L["c_carbon_state"], L["c_pollutant_state"],
                                  L["c_synergy"]],
                                 [[f"{p.get('from')}–{p.get('to')}", fmt_pct(p.get("economy_change"), True),
                                   self.state("trend", p.get("carbon_state")),
                                   self.state("trend", p.get("pollutant_state")) + self._which(p),
                                   self.state("synergy", p.get("synergy"))] for p in periods]))
            rows = []
            spans = [p for p in periods if p.get("kind") == "span"] or periods
            for p in spans:
                for sub, s in (p.get("substances") or {}).items():
                    rows.append([f"{p.get('from')}–{p.get('to')}", sub, fmt_pct(s.get("change"), True),
                                 fmt_num(s.get("elasticity"), 2), self.state("tapio", s.get("tapio")),
                                 self.state("trend", s.get("state"))])
            blocks.append(_table(L["t_decoupling_substances"], [L["c_period"], L["c_substance"], L["c_change"],
                                                                L["c_elasticity"], L["c_tapio"], L["c_trend"]], rows))
        else:
            blocks.append(_para(L["p_no_data"]))
        return {"title": L["s1_decoupling"], "blocks": blocks}

    def _which(self, period: dict) -> str:
        which = period.get("pollutant_state_weakest")
        if isinstance(which, list):
            which = ", ".join(which)
        return f" ({which})" if which else ""

    def indices_spec(self) -> dict:
        eco = self.p.economy.values if self.p.economy else {}
        hist = self.p.emissions_history.series if self.p.emissions_history else {}
        years = sorted({int(y) for y in eco} | {int(y) for s in hist.values() for y in s})
        if len(years) < 2:
            return {"kind": "lines", "empty": self.CL["chart_no_data"]}

        def index(series: dict) -> list[float | None]:
            vals = {int(y): v for y, v in series.items() if v is not None}
            base_year = next((y for y in years if vals.get(y)), None)
            if base_year is None:
                return [None] * len(years)
            return [vals[y] / vals[base_year] * 100 if y in vals else None for y in years]

        series = []
        if eco:
            series.append((self.CL["chart_economy"], index(eco), True))
        order = ["CO2e"] + [s for s in hist if s != "CO2e"]
        for s in order:
            if s in hist:
                series.append((self.substance(s, self.clang), index(hist[s]), s == "CO2e"))
        return {"kind": "lines", "years": years, "series": series, "ylabel": self.CL["chart_index"]}

    def warnings_part(self) -> dict:
        items = [_text(w, self.lang) for w in _pick(self.a, "warnings", self.lang) or []]
        for p in (self.a.get("decoupling") or {}).get("periods") or []:
            for w in _pick(p, "warnings", self.lang) or []:
                items.append(f"{p.get('from')}–{p.get('to')}: {_text(w, self.lang)}")
        items = list(dict.fromkeys(i for i in items if i))
        blocks: list[dict] = [{"type": "list", "items": items}] if items else [_para(self.L["none"])]
        gaps = self.a.get("gaps") or []
        if gaps:
            blocks.append({"type": "list", "items": [_text(g, self.lang) for g in gaps]})
        return {"title": self.L["s1_warnings"], "blocks": blocks}

    def findings_part(self) -> dict:
        items = []
        for f in self.adv.get("findings", []):
            evidence = "; ".join(f"{self.fact(k)} = {self.evidence(k, v)}"
                                 for k, v in (f.get("evidence") or {}).items())
            possible = f"{self.L['finding_possible']} " if f.get("status") == "possible" else ""
            items.append(f"{possible}{_text(f.get('text'), self.lang)}" + (f" ({evidence})" if evidence else "")
                         + f" [{f['id']}]")
        return {"title": self.L["s1_findings"],
                "blocks": [{"type": "list", "items": items}] if items else [_para(self.L["none"])]}

    # 2 targets -----------------------------------------------------------------------------------
    def targets(self) -> dict:
        L, p, a = self.L, self.p, self.a
        carbon, energy = a.get("carbon") or {}, a.get("energy") or {}
        eco_unit = p.economy.unit if p.economy else ""
        eco = None
        if p.economy:
            eco = {int(k): v for k, v in p.economy.values.items()}.get(p.park.base_year)
        total = carbon.get("total_t_co2e")
        intensity = carbon.get("intensity") or {}
        if intensity.get("value") is not None:
            ci_unit, ci = intensity.get("unit", ""), fmt_num(intensity["value"])
        else:
            ci_unit = f"t CO2e/{eco_unit}" if eco_unit else DASH
            ci = fmt_num(total / eco) if total and eco else DASH
        rows = [[L["i_co2e"], "t CO2e", fmt_num(total)],
                [L["i_carbon_intensity"], ci_unit, ci],
                [L["i_energy"], "tce", fmt_num(energy.get("total_tce"))],
                [L["i_energy_intensity"], f"tce/{eco_unit}" if eco_unit else DASH,
                 fmt_num(energy["total_tce"] / eco) if energy.get("total_tce") and eco else DASH]]
        for pid, block in (a.get("pollutants") or {}).items():
            rows.append([f"{self.pollutant(pid)} {L['i_pollutant']}", "t", fmt_num(block.get("total_t"))])
        es = p.enterprises_summary
        rows += [[L["i_coal_share"], "%", fmt_pct(energy.get("coal_share_total"))],
                 [L["i_renewable_share"], "%", fmt_pct(energy.get("renewable_electricity_share"))],
                 [L["i_water_reuse"], "%", fmt_pct(p.water.reuse_rate)],
                 [L["i_solid_waste"], "%", fmt_pct(es.solid_waste_utilization_rate)],
                 [L["i_pv"], "MW", fmt_num(p.infrastructure.pv_capacity_mw)]]
        rows = [r + ["", "", ""] for r in rows]
        cols = [L["c_indicator"], L["c_unit"], f"{L['c_base']} ({p.park.base_year})",
                f"2025 {L['c_target']}", f"2027 {L['c_target']}", f"2030 {L['c_target']}"]
        return {"id": "targets", "title": L["s2"],
                "subsections": [{"title": "", "blocks": [_para(L["p_targets"]), _table(L["t_targets"], cols, rows)]}]}

    # 3 tasks --------------------------------------------------------------------------------------
    def recs(self) -> dict[str, dict]:
        return {r["measure"]: r for r in self.adv.get("recommendations", [])}

    def tasks(self) -> dict:
        L, recs = self.L, self.recs()
        plan = self.adv.get("plan") or {}
        subs = [{"title": "", "blocks": [_para(L["p_tasks"]), self.chart("cocontrol", self.cocontrol_spec())]}]
        objects = [o for o in OBJECTS if o in plan] + [o for o in plan if o not in OBJECTS]
        n = 0
        for obj in objects:
            blocks: list[dict] = []
            for h in HORIZONS:
                ids = [i for i in (plan.get(obj) or {}).get(h, []) if i in recs]
                if not ids:
                    continue
                blocks.append({"type": "subheading", "text": self.enum("horizon", h)})
                blocks += [self.card(recs[i]) for i in ids]
            if not blocks:
                continue
            n += 1
            title = f"（{'一二三四五六七八九'[n - 1]}）{self.object_name(obj)}" if self.lang == "zh" \
                else f"3.{n} {self.object_name(obj)}"
            subs.append({"title": title, "blocks": blocks})
        return {"id": "tasks", "title": L["s3"], "subsections": subs}

    def card(self, rec: dict) -> dict:
        L, mid = self.L, rec["measure"]
        m = self.kb.measures.get(mid)
        because = []
        for b in rec.get("because") or []:
            text = _text(b.get("text"), self.lang)
            facts = "; ".join(f"{self.fact(k)} = {self.evidence(k, v)}" for k, v in (b.get("facts") or {}).items())
            finds = self.L["list_sep"].join((_text(self.findings_text.get(f), self.lang) or f).rstrip("。.")
                                            for f in b.get("findings") or [])
            parts = [text]
            if facts:
                parts.append(f"{L['m_facts']}: {facts}")
            if finds:
                parts.append(f"{L['m_findings']}: {finds}")
            because.append(f"[{b.get('rule', '')}] " + " — ".join(p for p in parts if p))
        trade = _text(m.trade_offs, self.lang) if m and m.trade_offs else ""
        fields = [[L["m_priority"], self.enum("priority", rec.get("priority"))],
                  [L["m_rank"], str(rec.get("rank", DASH))],
                  [L["m_effect"], self.enum("effect", rec.get("effect"))],
                  [L["m_co_benefits"], ", ".join(self.substance(x) for x in rec.get("co_benefits") or []) or DASH],
                  [L["m_lead"], self.lead(rec)],
                  [L["m_clause"], f"{L['clause_prefix']}{rec.get('clause') or mid}{L['clause_suffix']}"]]
        if trade:
            fields.append([L["m_trade_offs"], trade])
        lists = [[L["m_because"], because or [DASH]],
                 [L["m_actions"],
                  [_text(a, self.lang) for a in rec.get("actions") or self.typical_actions(m)] or [DASH]]]
        if rec.get("verify"):
            lists.append([L["m_verify"], [self._verify_text(v) for v in rec["verify"]]])
        return {"type": "card", "id": mid, "title": rec.get("title") or self.measure_title(mid),
                "heading": f"{mid} {rec.get('title') or self.measure_title(mid)}", "fields": fields, "lists": lists}

    def typical_actions(self, m) -> list:
        """The card's actions for this park's type (its largest division), else the default list."""
        if m is None:
            return []
        top = max(self.p.park.industries, key=lambda i: i.share, default=None)
        ptype = self.kb.park_type_of(top.code) if top else None
        return m.actions.get(ptype) or m.actions.get("default") or []

    def _verify_text(self, v: Any) -> str:
        if isinstance(v, str):
            return self.fact(v)
        if isinstance(v, dict) and "fact" in v:
            return _text(v.get("text"), self.lang) or self.fact(v["fact"])
        return _text(v, self.lang)

    def lead(self, rec: dict) -> str:
        m = self.kb.measures.get(rec["measure"])
        if m:
            return m.lead.in_lang(self.lang)
        return _text(rec.get("lead"), self.lang) or DASH

    def cocontrol_spec(self) -> dict:
        points = []
        for r in self.adv.get("recommendations", []):
            subs = set(r.get("co_benefits") or [])
            n_pol = len(subs - CARBON_SUBSTANCES)
            carbon = bool(subs & CARBON_SUBSTANCES)
            effect = r.get("effect")
            if effect == "trade_off":
                x, y = -0.6, 0.6
            elif effect == "co_reduction" and carbon and n_pol:
                x, y = -0.72, -0.66
            elif effect == "co_reduction":
                x, y = (0.0, -0.55) if carbon else (-0.55, 0.0) if n_pol else (-0.2, -0.2)
            else:
                x, y = -0.3, -0.22
            points.append((r["measure"], x, y, effect or "enabling"))
        if not points:
            return {"kind": "quadrant", "empty": self.CL["chart_no_data"]}
        CL = self.CL
        return {"kind": "quadrant", "size": (7.0, 6.0), "points": points, "xlabel": CL["chart_x_pollutant"],
                "ylabel": CL["chart_y_carbon"], "q_co": CL["chart_q_co"], "q_trade": CL["chart_q_trade"],
                "note": CL["chart_q_note"],
                "kinds": {k: CL[f"effect_{k}"] for k in ("co_reduction", "enabling", "trade_off")}}

    # 4 division ------------------------------------------------------------------------------------
    def division(self) -> dict:
        L, rows = self.L, []
        plan = self.adv.get("plan") or {}
        recs = self.recs()
        ordered = [i for o in OBJECTS for h in HORIZONS for i in (plan.get(o) or {}).get(h, []) if i in recs]
        ordered += [i for i in recs if i not in ordered]
        for mid in ordered:
            rec, m = recs[mid], self.kb.measures.get(mid)
            partners = ", ".join(p.in_lang(self.lang) for p in m.partners) if m else ""
            higher = rec.get("needs_higher_level", m.needs_higher_level if m else None)
            rows.append([mid, rec.get("title") or self.measure_title(mid), self.lead(rec), partners or DASH,
                         self.enum("horizon", rec.get("horizon")), self.enum("effort", rec.get("effort")),
                         self.yes_no(higher)])
        cols = [L["c_measure"], L["c_title"], L["c_lead"], L["c_partners"], L["c_horizon"], L["c_effort"],
                L["c_higher"]]
        return {"id": "division", "title": L["s4"], "subsections": [{"title": "", "blocks": [
            _table(L["t_division"], cols, rows) if rows else _para(L["none"])]}]}

    # 5 verify, 6 not recommended ---------------------------------------------------------------------
    def verify(self) -> dict:
        L = self.L
        unknowns = self.adv.get("unknowns") or []
        blocks = [_para(L["p_verify"])]
        if unknowns:
            blocks.append(_table(L["t_unknowns"], [L["c_fact"], L["c_affects"]],
                                 [[f"{_text(u.get('text'), self.lang) or self.fact(u.get('fact'))} ({u.get('fact')})",
                                   ", ".join(u.get("affects") or [])]
                                  for u in unknowns]))
        rows = [[r["measure"], r.get("title") or self.measure_title(r["measure"]),
                 "; ".join(self._verify_text(v) for v in r.get("verify"))]
                for r in self.adv.get("recommendations", []) if r.get("verify")]
        if rows:
            blocks.append(_table(L["t_verify"], [L["c_measure"], L["c_title"], L["c_fact"]], rows))
        gaps = self.adv.get("gaps") or []
        if gaps:
            blocks.append(_table(L["t_gaps"], [L["c_gap"]], [[_text(g, self.lang)] for g in gaps]))
        if not unknowns and not rows and not gaps:
            blocks.append(_para(L["none"]))
        return {"id": "verify", "title": L["s5"], "subsections": [{"title": "", "blocks": blocks}]}

    def not_recommended(self) -> dict:
        L, rows = self.L, []
        for n in self.adv.get("not_recommended") or []:
            reasons = []
            for w in n.get("why_not") or []:
                if isinstance(w, dict):
                    because = _text(w.get("because"), self.lang)
                    reasons.append(f"[{w.get('rule', '')}] " + (f"{because} — " if because else "")
                                   + f"{L['m_condition']}: {w.get('condition', '')} "
                                   f"({L['m_current']}: {self.shown(w.get('value'))})")
                else:
                    reasons.append(_text(w, self.lang))
            rows.append([n["measure"], n.get("title") or self.measure_title(n["measure"]), " / ".join(reasons) or DASH])
        blocks = [_para(L["p_not_recommended"]),
                  _table(L["t_not_recommended"], [L["c_measure"], L["c_title"], L["c_why_not"]], rows)
                  if rows else _para(L["none"])]
        return {"id": "not_recommended", "title": L["s6"], "subsections": [{"title": "", "blocks": blocks}]}

    # annex -------------------------------------------------------------------------------------------
    def annex(self) -> dict:
        L = self.L
        factors = (self.a.get("carbon") or {}).get("factors_used") or []
        frows = [[(self.carrier(f.get("carrier")) if f.get("carrier") else _text(f.get("item"), self.lang))
                  + (f" ({L.get('origin_' + f['origin'], f['origin'])})" if f.get("origin") else ""),
                  fmt_num(f.get("factor", f.get("value"))), f.get("unit") or "", self.tier(f.get("tier")),
                  _text(f.get("source"), self.lang) or DASH, _value(f.get("year")) if f.get("year") else DASH]
                 for f in factors]
        rrows = [[str(r.get("rank")), r["measure"], r.get("title") or self.measure_title(r["measure"]),
                  self.object_name(r.get("object", "")), self.enum("priority", r.get("priority")),
                  fmt_num(r.get("score"), 3),
                  "; ".join(f"{L.get('sp_' + k, k)} {fmt_num(v, 3)}" for k, v in (r.get("score_parts") or {}).items())]
                 for r in self.adv.get("recommendations", [])]
        return {"id": "annex", "title": L["annex"], "subsections": [
            {"title": L["annex_factors"], "blocks": [
                _table(L["t_factors"], [L["c_carrier"], L["c_factor"], L["c_unit"], L["c_tier"], L["c_source"],
                                        L["c_year"]], frows) if frows else _para(L["p_no_data"])]},
            {"title": L["annex_ranking"], "blocks": [
                _para(L["p_ranking"]),
                _table(L["t_ranking"], [L["c_rank"], L["c_measure"], L["c_title"], L["c_object"], L["c_priority"],
                                        L["c_score"], L["c_score_parts"]], rrows) if rrows else _para(L["none"])]}]}


def build_context(profile, kb, analysis: dict, advice: dict, lang: str = "zh") -> dict:
    """The one context object every renderer reads (see the module docstring for its blocks)."""
    return _Report(profile, kb, analysis, advice, lang).context()


# --- jinja2 ---------------------------------------------------------------------------------------

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


def render_docx(context: dict) -> bytes:
    """A Word document: real headings (Heading 1/2/3), real tables, charts as PNG pictures."""
    import io

    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    from advisor.render.charts import render

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)
    font_name = "SimSun" if context["lang"] == "zh" else "Calibri"
    normal.font.name = font_name
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "SimSun")
    for level in (1, 2, 3):
        doc.styles[f"Heading {level}"].element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "SimHei")
    section = doc.sections[0]
    section.left_margin = section.right_margin = Cm(2.2)
    width = section.page_width - section.left_margin - section.right_margin

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


# --- the verb's work ------------------------------------------------------------------------------

def format_from_suffix(path: Path) -> str | None:
    return {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md", ".docx": "docx"}.get(
        path.suffix.lower())


def write_report(profile, kb, out: Path, fmt: str, lang: str = "zh", analysis: dict | None = None,
                 advice: dict | None = None) -> Path:
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
    context = build_context(profile, kb, analysis, advice, lang)
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
