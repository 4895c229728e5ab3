"""The status analysis as a plain-text terminal view (aligned columns, Chinese or English labels). No printing.

A figure the analysis could not compute (null: its inputs are missing) shows as "—", a total as "unknown (see the
data gaps)", and a section whose inputs are missing says so instead of "none"."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from advisor.render.report_format import DASH, LANGS, factor_source, labels, terminal_labels, trade_off_note

CJK = re.compile(r"[\u3400-\u9fff]")


def _width(text: str) -> int:
    """Display width: East Asian wide and full-width characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * max(width - _width(text), 0)
    return gap + text if right else text + gap


def table(headers: list[str], rows: list[list[Any]], right: set[int] | None = None, indent: str = "  ") -> list[str]:
    """Rows as aligned columns; columns in `right` are right-aligned (numbers)."""
    right = right or set()
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in row] for row in rows]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(headers))]
    out = []
    for n, row in enumerate(cells):
        out.append(indent + "  ".join(_pad(c, widths[i], i in right) for i, c in enumerate(row)).rstrip())
        if n == 0:
            out.append(indent + "  ".join("-" * w for w in widths))
    return out


def _num(x: float | None, digits: int = 0) -> str:
    if x is None:
        return DASH
    return f"{x:,.{digits}f}"


def _pct(x: float | None) -> str:
    return DASH if x is None else f"{x * 100:.1f}%"


def _total(x: float | None, unit: str, t: dict[str, str]) -> str:
    """A total with its unit, or 'unknown (see the data gaps)' when its inputs are missing."""
    return t["unknown"] if x is None else f"{_num(x)} {unit}"


def _missing(result: dict, *gap_ids: str) -> bool:
    """Whether one of these data gaps keeps a section from being computed."""
    return any(g.get("id") in gap_ids for g in result.get("gaps") or [])


def _name(labels: dict, kind: str, key: str | None, lang: str) -> str:
    if key is None:
        return DASH
    entry = labels.get(kind, {}).get(key)
    return entry[lang] if entry else key


def _state(labels: dict, kind: str, key: str | None, lang: str) -> str:
    if key is None:
        return DASH
    entry = labels.get("states", {}).get(kind, {}).get(key)
    return entry[lang] if entry else key


class _Words:
    """The ids of the analysis in words of one language: carriers, processes, owners, tiers, controls, substances."""

    def __init__(self, result: dict, lang: str) -> None:
        from advisor.kb.knowledge import load_knowledge

        self.result, self.lang, self.labels, self.L = result, lang, result.get("labels", {}), labels(lang)
        self.kb = load_knowledge()
        self.process_names = {p["process"]: p.get("name") for p in (result.get("carbon") or {}).get("by_process") or []}

    def _word(self, key: str, default: str) -> str:
        return self.L.get(key, default)

    def carrier(self, cid: str | None) -> str:
        if cid is None:
            return DASH
        entry = self.labels.get("carriers", {}).get(cid)
        if entry:
            return entry[self.lang]
        c = self.kb.carriers.get(cid)
        return c.name.in_lang(self.lang) if c else self._word(f"carrier_{cid}", cid)

    def process(self, pid: str | None) -> str:
        """The process's own name from the profile (in English output its id where the name is Chinese)."""
        if pid is None:
            return DASH
        name = self.process_names.get(pid) or pid
        return name if self.lang == "zh" or not CJK.search(name) else pid

    def word(self, key: str, default: str | None) -> str:
        return DASH if default is None else self._word(key, default)

    def quality(self, grade: str | None) -> str:
        return DASH if grade is None else self._word(f"dq_{grade}", grade)

    def owner(self, owner: str | None) -> str:
        return DASH if owner is None else self._word(f"owner_{owner}", owner)

    def basis(self, basis: str | None) -> str:
        return DASH if basis is None else self._word(f"basis_{basis}", basis)

    def origin(self, origin: str | None) -> str:
        return "" if not origin else self._word(f"origin_{origin}", origin)

    def tier(self, tier: str | None) -> str:
        if not tier:
            return DASH
        t = self.kb.data_tiers.get(tier)
        return t.name.in_lang(self.lang) if t else self._word(f"tier_{tier}", tier)

    def control(self, cid: str) -> str:
        c = self.kb.controls.get(cid)
        return c.name.in_lang(self.lang) if c else self._word(f"control_{cid}", cid)

    def substance(self, sid: str) -> str:
        """SO2, NOx, VOCs stay as written; word-like ids (acid_mist) and, in Chinese, every pollutant by name."""
        entry = self.labels.get("pollutants", {}).get(sid)
        pol = self.kb.pollutants.get(sid)
        name = entry[self.lang] if entry else pol.name.in_lang(self.lang) if pol else self._word(f"sub_{sid}", sid)
        return name if self.lang == "zh" or re.search(r"[a-z]_|^[a-z]+$", sid) else sid

    def grid(self, grid: dict) -> str:
        series, region = grid.get("series"), grid.get("region")
        words = [self._word(f"grid_series_{series}", str(series)) if series else "",
                 self._word(f"region_{region}", str(region)) if region else ""]
        return " · ".join(w for w in words if w)

    def indicator(self, ind: str) -> str:
        return self._word(f"indicator_{ind}", ind)


def analysis_text(result: dict, lang: str = "zh") -> str:
    """The readable terminal view of analyze_profile's result."""
    lang = lang if lang in LANGS else "zh"
    t = terminal_labels("analysis", lang)
    labels = result.get("labels", {})
    w = _Words(result, lang)
    park = result["park"]
    st = result.get("settings", {})
    grid = st.get("grid") or {}
    out = [f"{t['park']}: {park['name']} ({park['id']}) · {t['base_year']} {park.get('base_year', '')}", ""]
    out.append(f"{t['settings']}: {t['gwp']} {st.get('gwp')} · {t['grid']} {w.grid(grid)} "
               f"{grid.get('year')} = {grid.get('value')} {grid.get('unit')} · {t['steam']} "
               f"{(st.get('steam') or {}).get('gj_per_t')} GJ/t")
    out.append("")

    e = result.get("energy") or {}
    out.append(t["energy"])
    out.append(f"  {t['total_tce']}: {_total(e.get('total_tce'), 'tce', t)} · {t['coal_fuel_share']} "
               f"{_pct(e.get('coal_fuel_share'))} · {t['coal_share_total']} {_pct(e.get('coal_share_total'))} · "
               f"{t['electricity_share']} {_pct(e.get('electricity_share'))} · {t['renewable_share']} "
               f"{_pct(e.get('renewable_electricity_share'))}")
    if e.get("by_carrier"):
        out += table([t["carrier"], t["amount"], t["unit"], "tce", t["share"]],
                     [[w.carrier(c["carrier"]), _num(c["amount"]), c["unit"], _num(c["tce"]),
                       _pct(c["share"])] for c in e["by_carrier"]], right={1, 3, 4})
    if e.get("exports"):
        out.append(f"  {t['exports']}: " + "; ".join(f"{w.carrier(x['carrier'])} {_num(x['amount'])} {x['unit']} "
                                                     f"({_num(x['tce'])} tce)" for x in e["exports"]))
    out.append("")

    c = result.get("carbon") or {}
    scopes = c.get("by_scope", {})
    line = (f"  {t['total']}: {_total(c.get('total_t_co2e'), t['t_co2e'], t)} · "
            f"{t['scope1']} {_num(scopes.get('1'))} · {t['scope2']} {_num(scopes.get('2'))}")
    if "3" in scopes:
        line += f" · {t['scope3']} {_num(scopes.get('3'))}"
    if c.get("intensity"):
        line += f" · {t['intensity']} {c['intensity']['value']} {c['intensity']['unit']}"
    out += [t["carbon"], line]
    if c.get("by_process"):
        out.append(f"  {t['by_process']}:")
        out += table([t["process"], t["category"], t["owner"], t["t_co2e"], t["share"], t["basis"], t["data_quality"]],
                     [[w.process(p["process"]), _name(labels, "categories", p["category"], lang), w.owner(p["owner"]),
                       _num(p["t_co2e"]), _pct(p["share"]), w.basis(p["basis"]), w.quality(p.get("data_quality"))]
                      for p in c["by_process"]],
                     right={3, 4}, indent="    ")
    if c.get("by_carrier"):
        out.append(f"  {t['by_carrier']}:")
        out += table([t["carrier"], t["t_co2e"], t["share"]],
                     [[w.carrier(r["carrier"]), _num(r["t_co2e"]), _pct(r["share"])]
                      for r in c["by_carrier"]], right={1, 2}, indent="    ")
    if c.get("factors_used"):
        out.append(f"  {t['factors']}:")
        out += table([t["carrier"], t["origin"], t["factor"], t["unit"], t["tier"], t["source"]],
                     [[w.carrier(f["carrier"]), w.origin(f["origin"]), f["factor"], f["unit"], w.tier(f["tier"]),
                       _short(factor_source(f["source"], f["tier"], lang))]
                      for f in c["factors_used"]], right={2}, indent="    ")
    out += _feedstock_lines(c, t, w)
    out += _export_lines(c, t, w)
    out.append("")

    pol = result.get("pollutants") or {}
    out.append(t["pollutants"])
    if pol:
        rows = []
        for pid, block in pol.items():
            top = block["by_process"][0] if block["by_process"] else None
            main = f"{w.process(top['process'])} {_pct(top['share'])}" if top else DASH
            rows.append([w.substance(pid), _num(block["total_t"], 1),
                         main, _pct(block.get("coverage"))])
        out += table([t["pollutant"], t["total_t"], t["main"], t["coverage"]], rows, right={1, 3})
    else:
        unknown = _missing(result, "no-processes", "processes-without-pollutants")
        out.append(f"  {t['unknown'] if unknown else t['none']}")
    out.append("")

    out.append(t["same_source"])
    same = result.get("same_source") or []
    for s in same:
        out.append(f"  • {s['reason_zh'] if lang == 'zh' else s['reason']}")
    if not same:
        unknown = _missing(result, "no-processes", "processes-without-pollutants") or c.get("total_t_co2e") is None
        out.append(f"  {t['unknown'] if unknown else t['none']}")
    for n in (result.get("fused") or {}).get("notes", []):
        out.append(f"  ({n['text_zh'] if lang == 'zh' else n['text_en']})")
    out.append("")

    out.append(t["trade_offs"])
    trade = result.get("trade_offs") or []
    if trade:
        out += table([t["process"], t["control"], t["pollutant"], t["removed"], t["added"], t["notes"]],
                     [[w.process(x["process"]), w.control(x["control"]), x["pollutant_removed"] or DASH,
                       _num(x["removed_t"]), _num(x["t_co2_added"]), trade_off_note(x["note"], lang)]
                      for x in trade], right={3, 4})
    else:
        out.append(f"  {t['unknown'] if _missing(result, 'no-processes', 'controls-not-stated') else t['none']}")
    out.append("")

    d = result.get("decoupling") or {}
    out.append(t["decoupling"] + (f" · {t['indicator']}: {w.indicator(d['indicator'])}" if d.get("indicator") else ""))
    periods = d.get("periods") or []
    if not periods:
        unknown = _missing(result, "no-economy", "no-emissions-history", "few-common-years")
        out.append(f"  {t['unknown'] if unknown else t['none']}")
    shown_apart = False
    apart = [p for p in periods if p.get("comparable") is False and not p.get("headline")]
    for p in [p for p in periods if p not in apart] + apart:   # periods with a boundary change inside come last
        if p.get("comparable") is False and not p.get("headline") and not shown_apart:
            out.append(f"  {t['not_comparable']}:")
            shown_apart = True
        mark = f"[{t['headline']}] " if p.get("headline") else ""
        out.append(f"  {mark}{t['period']} {p['from']}–{p['to']} · {t['economy']} {_pct(p['economy_change'])} · "
                   f"{t['pollutant_state']}: {_state(labels, 'trend', p['pollutant_state'], lang)}"
                   + (f" ({t['weakest']}: {', '.join(w.substance(x) for x in p['pollutant_state_weakest'])})"
                      if p.get("pollutant_state_weakest") else "")
                   + f" · {t['carbon_state']}: {_state(labels, 'trend', p['carbon_state'], lang)} · "
                     f"{t['synergy']}: {_state(labels, 'synergy', p['synergy'], lang)}")
        out += table([t["pollutant"], t["change"], t["elasticity"], t["tapio"], t["state"]],
                     [[w.substance(name), _pct(s["change"]),
                       DASH if s["elasticity"] is None else f"{s['elasticity']:.3f}",
                       _state(labels, "tapio", s["tapio"], lang), _state(labels, "trend", s["state"], lang)]
                      for name, s in p["substances"].items()], right={1, 2}, indent="    ")
        for name, sub in p["substances"].items():
            if sub.get("judgments_differ"):
                out.append("    ~ " + t["judgments_differ"].format(
                    substance=w.substance(name), tapio=_state(labels, "tapio", sub["tapio"], lang),
                    state=_state(labels, "trend", sub["state"], lang),
                    why=sub["why_differ_zh"] if lang == "zh" else sub["why_differ"]))
        for warning in p.get("warnings_zh" if lang == "zh" else "warnings", []):
            out.append(f"    ! {warning}")
    for code, block in (d.get("by_industry") or {}).items():
        for p in block["periods"][:1]:
            out.append(f"  {code} {p['from']}–{p['to']}: {t['pollutant_state']} "
                       f"{_state(labels, 'trend', p['pollutant_state'], lang)} · {t['carbon_state']} "
                       f"{_state(labels, 'trend', p['carbon_state'], lang)} · {t['synergy']} "
                       f"{_state(labels, 'synergy', p['synergy'], lang)}")
    out.append("")

    m = result.get("materials") or {}
    if m.get("present"):
        out.append(f"{t['materials']}: {m['streams']} · {t['links']} {m['symbiosis_link_count']} · "
                   f"{t['utilised']} {_pct(m['utilised_in_park_share'])}")
        out.append("")

    gaps = result.get("gaps") or []
    out.append(t["gaps"])
    for g in gaps:
        out.append(f"  - {g['text_zh'] if lang == 'zh' else g['text_en']}")   # the fields missing are in the JSON
    if not gaps:
        out.append(f"  {t['none']}")
    warnings = result.get("warnings_zh" if lang == "zh" else "warnings") or []
    if warnings:
        out += ["", t["warnings"]] + [f"  ! {w}" for w in warnings]
    return "\n".join(out)


def _feedstock_lines(c: dict, t: dict, w: _Words) -> list[str]:
    """Per process taking feedstock: the balance counted, the range not counted, or the CO2 it reports."""
    out = []
    for b in c.get("feedstock_balance") or []:
        if b["status"] == "balanced":
            text = t["feedstock_balanced"].format(t=_num(b["t_co2"]), c_in=_num(b["feedstock_t_c"]),
                                                  c_out=_num(b["products_t_c"]))
        elif b["status"] == "range":
            text = t["feedstock_range"].format(low=_num(b["low_t_co2"]), high=_num(b["high_t_co2"]))
        else:
            text = t["feedstock_reported"].format(potential=_num(b["t_co2_potential"]))
        out.append(f"  {t['feedstock_balance']} · {w.process(b['process'])}: {text}")
    pc = c.get("process_co2") or {}
    if pc.get("status") == "range":
        out.append("  " + t["process_share_range"].format(low=_pct(pc.get("share_low")),
                                                          high=_pct(pc.get("share_high"))))
    return out


def _export_lines(c: dict, t: dict, w: _Words) -> list[str]:
    """The CO2 of exported energy with each factor and why it was chosen."""
    if not c.get("exports_t_co2e"):
        return []
    parts = [t["export_factor"].format(carrier=w.carrier(row["carrier"]), factor=row["factor"],
                                       unit=row["factor_unit"], basis=w.word(f"export_{row['basis']}", row["basis"]))
             for row in (c.get("exports") or {}).get("rows", []) if row.get("factor") is not None]
    return [f"  {t['exports_co2']}: {_num(c['exports_t_co2e'])} t CO2 · " + "; ".join(parts)]


def _short(text: str, width: int = 60) -> str:
    """The text cut to `width` display columns (a Chinese character takes two), with … where it was cut."""
    if _width(text) <= width:
        return text
    out = ""
    for ch in text:
        if _width(out + ch) > width - 1:
            break
        out += ch
    return out + "…"
