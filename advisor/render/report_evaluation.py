"""The chapter 评估与持续改进 (guideline 4.3): an evaluation (advisor.evaluate) as report blocks and a chart, and
the same blocks as the terminal view of `park-advisor evaluate`.

Every word comes from reports/templates/evaluate_texts.yaml; the numbers are the evaluation's, formatted here.
"""

from __future__ import annotations

from typing import Any

from advisor.evaluate.texts import group, text
from advisor.render.report_format import DASH, fmt_num, fmt_pct, paragraph, table_block

CHART_ID = "evaluation"
CHART_INDICATORS = ("co2e_per_output", "energy_per_output", "air_pollution_eq_per_output", "vocs_per_output",
                    "cod_per_output")   # intensities drawn as an index, first cycle = 100


def _value(v: Any, unit: str) -> str:
    if v is None:
        return DASH
    return fmt_pct(v) if unit == "share" else fmt_num(v)


def _change(v: Any) -> str:
    return DASH if v is None else fmt_pct(v, signed=True)


def _measures_line(ids: list[str], titles: dict[str, str], lang: str) -> str:
    if not ids:
        return text("words", "none", lang)
    sep = "；" if lang == "zh" else "; "
    return sep.join(f"{m} {titles.get(m, '')}".strip() for m in ids)


def changes_block(result: dict, lang: str) -> dict:
    w = group("words", lang)
    years = [str(y) for y in result["cycles"]]
    rows = []
    for c in result["changes"]:
        row = [c["label"], c["unit"] if c["unit"] != "share" else "%",
               *(_value(c["values"].get(y), c["unit"]) for y in years), _change(c["change"])]
        rows.append(row)
    return table_block(w["changes"], [w["figure"], w["unit"], *years, w["change"]], rows)


def other_factor_notes(result: dict, lang: str) -> list[str]:
    """One line per figure whose values under the other factor set differ by more than 1 %."""
    out = []
    for c in result["changes"]:
        other = c.get("values_other_factors")
        if other:
            values = ", ".join(f"{y}: {_value(v, c['unit'])}" for y, v in other.items())
            out.append(f"{c['label']} – " + text("words", "other_factors", lang, values=values))
    return out


def decoupling_lines(result: dict, lang: str, state_names: dict[str, str]) -> list[str]:
    def name(s: Any) -> str:
        return state_names.get(s, DASH if s is None else str(s))

    lines = []
    for p in [result["decoupling"], *result.get("trend", [])]:
        carbon = (p.get("substances") or {}).get("CO2e") or {}
        lines.append(text("words", "decoupling_line", lang, **{
            "from": p["from"], "to": p["to"], "economy": _change(p.get("economy_change")),
            "carbon": f"{_change(carbon.get('change'))} ({name(p.get('carbon_state'))})",
            "tapio": name(carbon.get("tapio")), "pollutant": name(p.get("pollutant_state")),
            "synergy": name(p.get("synergy"))}))
    return lines


def indicators_block(result: dict, lang: str) -> dict:
    w, names = group("words", lang), group("attainment", lang)
    years = [str(y) for y in result["cycles"]]
    rows = []
    for i in result["indicators"]:
        t = i.get("target")
        target = DASH if not t else (f"{_value(t['value'], i['unit'])} ({t['year']}"
                                     + (f", {w['binding']}" if t.get("binding") else "") + ")")
        rows.append([i["name"], "%" if i["unit"] == "share" else i["unit"],
                     *(_value(i["values"].get(y), i["unit"]) for y in years), target, names[i["attainment"]]])
    return table_block(w["indicators"], [w["indicator"], w["unit"], *years, w["target"], w["attainment_col"]], rows)


def measures_block(result: dict, lang: str) -> dict:
    w, status, effect = group("words", lang), group("status", lang), group("effect", lang)
    if not result["measures"]:
        return paragraph(w["no_measures"])
    rows = [[f"{m['measure']} {m['title']}", status[m["status"]], DASH if m["since"] is None else str(m["since"]),
             effect[m["effect"]], m["evidence"]] for m in result["measures"]]
    return table_block(w["measures"], [w["measure"], w["status_col"], w["since"], w["effect_col"], w["evidence"]],
                       rows)


def next_cycle_items(result: dict, lang: str) -> list[str]:
    w, nc = group("words", lang), result["next_cycle"]
    titles = nc.get("titles") or {}
    sep = "：" if lang == "zh" else ": "
    items = [f"{w[key]}{sep}{_measures_line(nc[key], titles, lang)}"
             for key in ("new", "persisting", "resolved", "done_left")]
    for r in nc["done_problem_remains"]:
        still = text("frames", "problem_remains", lang, findings=("；" if lang == "zh" else "; ").join(
            t.rstrip("。.") for t in r["texts"]))
        items.append(f"{w['done_problem_remains']}{sep}{r['measure']} {titles.get(r['measure'], '')} – {still}")
    return items


def chart_spec(result: dict, chart_lang: str, kb) -> dict:
    """The chosen intensities over the cycles as an index (first cycle with a value = 100)."""
    years = list(result["cycles"])
    rows = {i["id"]: i for i in result["indicators"]}
    series = []
    for ind_id in CHART_INDICATORS:
        row = rows.get(ind_id)
        if row is None:
            continue
        values = [row["values"].get(str(y)) for y in years]
        base = next((v for v in values if v), None)
        if base is None:
            continue
        known = kb.indicators.get(ind_id)
        series.append((known.name.in_lang(chart_lang) if known else ind_id,
                       [None if v is None else v / base * 100 for v in values], ind_id == "co2e_per_output"))
    return {"kind": "lines", "years": years, "series": series, "ylabel": text("words", "chart_index", chart_lang),
            "title": text("words", "chart", chart_lang)}


def evaluation_subsections(result: dict, lang: str, state_names: dict[str, str]) -> list[dict]:
    """The chapter's parts: changes, decoupling, indicators, measures, next cycle (and warnings)."""
    w = group("words", lang)
    year = result["factor_set"]["year"]
    basis = (text("words", "factors_fixed", lang, year=year, grid_year=result["factor_set"]["grid_year"])
             if result["factors"] == "fixed" else w["factors_own"])
    years = "、".join(map(str, result["cycles"])) if lang == "zh" else ", ".join(map(str, result["cycles"]))
    first = [paragraph(text("words", "cycles", lang, years=years, park=result["park"]["name"])), paragraph(basis),
             changes_block(result, lang) if result["changes"] else paragraph(w["none"])]
    notes = other_factor_notes(result, lang)
    if notes:
        first.append({"type": "list", "items": notes})
    parts = [{"title": w["changes"], "blocks": first},
             {"title": w["decoupling"], "blocks": [{"type": "list",
                                                    "items": decoupling_lines(result, lang, state_names)}]},
             {"title": w["indicators"], "blocks": [indicators_block(result, lang)]},
             {"title": w["measures"], "blocks": [measures_block(result, lang)]},
             {"title": w["next_cycle"], "blocks": [{"type": "list", "items": next_cycle_items(result, lang)}]}]
    warnings = list(dict.fromkeys(result.get("warnings", []) + result["decoupling"].get("warnings", [])))
    if warnings:
        parts.append({"title": w["warnings"], "blocks": [{"type": "list", "items": warnings}]})
    return parts


def evaluation_text(result: dict, lang: str, state_names: dict[str, str]) -> str:
    """The terminal view of `park-advisor evaluate`: the chapter's blocks as plain text."""
    lines = [text("words", "title", lang), ""]
    for part in evaluation_subsections(result, lang, state_names):
        lines += [f"## {part['title']}", ""]
        for block in part["blocks"]:
            if block["type"] == "paragraph":
                lines.append(block["text"])
            elif block["type"] == "list":
                lines += [f"  - {item}" for item in block["items"]]
            elif block["type"] == "table":
                lines.append(" | ".join(block["columns"]))
                lines += [" | ".join(row) for row in block["rows"]]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


class EvaluationSections:
    """The report's chapter 评估与持续改进, when the report is given a previous cycle (report … --previous)."""

    evaluated: dict | None = None
    charts: dict
    lang: str
    kb: Any

    def evaluation(self) -> dict | None:
        if not self.evaluated:
            return None
        from advisor.render.charts import chart_lang

        parts = evaluation_subsections(self.evaluated, self.lang, state_names(self.kb, self.lang))
        title = text("words", "chart", self.lang)
        self.charts[CHART_ID] = chart_spec(self.evaluated, chart_lang(self.lang), self.kb)
        parts[2]["blocks"].append({"type": "chart", "id": CHART_ID, "title": title})
        return {"id": "evaluation", "title": text("words", "title", self.lang), "subsections": parts}


def state_names(kb, lang: str) -> dict[str, str]:
    """The names of the decoupling states (knowledge/decoupling.yaml) in one language."""
    d = kb.decoupling
    return {s.id: s.name.in_lang(lang) for s in [*d.tapio, *d.trend, *d.synergy]}
