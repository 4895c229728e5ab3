"""The quantities of the plan on the results page (措施 part, #quantities): the targets table, the key projects
(重点工程) and the co-control effect chart.

Everything comes from the advice the page already computed (`advice["targets"]`, `advice["projects"]`, each
recommendation's `expected`), so it follows the saved assumptions without a second advise; the chart is the
report's spec (advisor/render/chart_cocontrol.py), fetched as an image addressed by the hash of its data like the
other charts of the page. Column names are the report's (quantity_labels.yaml); an unknown value is "—" or
"unknown", never 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from advisor.render.report_format import DASH, fmt_num, fmt_pct

META = ("acts_on", "assumption", "share", "coefficients", "missing")   # the keys of `expected` that are no substance


@dataclass
class Goal:
    text: str
    source: str
    year: int | None


@dataclass
class TargetRow:
    indicator: str
    name: str
    unit: str
    base: str
    values: list[str]
    binding: bool
    basis: str
    goal: Goal | None


@dataclass
class ProjectRow:
    measure: str
    title: str
    name: str
    object: str
    lead: str
    period: str
    expected: list[str]     # "CO2e 935–3,740", one per substance; an unknown one says so
    enables: str            # an enabling measure's "makes … possible", else ""
    investment: str
    funding: list[str]


@dataclass
class Quantities:
    years: list[str] = field(default_factory=list)
    base_year: int | None = None
    targets: list[TargetRow] = field(default_factory=list)
    growth: str = ""
    projects: list[ProjectRow] = field(default_factory=list)
    investment_source: str = ""
    chart: bool = False     # the co-control chart has something to draw
    chart_empty: str = ""


def _labels(lang: str) -> dict[str, str]:
    from advisor.render.chart_cocontrol import quantity_labels

    return quantity_labels(lang)


def _value(x: Any, unit: str) -> str:
    """A share in per cent, a quantity with its usual digits; None stays unknown (—)."""
    if x is None:
        return DASH
    return fmt_pct(x) if unit == "share" else fmt_num(x)


def _source(block: dict, lang: str) -> str:
    return (block.get("source_zh") or block.get("source") or "") if lang == "zh" else (block.get("source") or "")


def substance_name(sub: str, T: dict[str, str]) -> str:
    """A substance as the measures above name it: its own label where the pages have one, else its formula."""
    return T.get(f"w_substance_{sub}", sub)


def expected_texts(expected: dict | None, T: dict[str, str], QL: dict[str, str]) -> list[str]:
    """Each substance's expected yearly change as a range (t/yr): 'SO2 38.9–122', 'CO2e +120–300' where it is
    added, 'NOx unknown' where the data do not tell."""
    out = []
    for sub, r in (expected or {}).items():
        if sub in META:
            continue
        name = substance_name(sub, T)
        if not isinstance(r, dict) or r.get("low") is None or r.get("high") is None:
            out.append(f"{name} {QL['unknown']}")
        elif r["high"] < 0:
            out.append(f"{name} +{fmt_num(-r['high'])}–{fmt_num(-r['low'])}")
        else:
            out.append(f"{name} {fmt_num(r['low'])}–{fmt_num(r['high'])}")
    return out


def _growth(rows: list[dict], QL: dict[str, str]) -> str:
    first = rows[0]
    source = {"history": QL["growth_history"], "profile": QL["growth_profile"]}.get(str(first.get("growth_from")))
    if first.get("growth") is None or source is None:
        return QL["growth_unknown"]
    return QL["growth_note"].format(growth=fmt_pct(first["growth"]), source=source)


def view(res: dict[str, Any], titles: dict[str, str], lang: str, T: dict[str, str]) -> Quantities:
    """The targets, projects and chart of the results `res` (Advisor.results), in the page's language."""
    QL = _labels(lang)
    advice = res["advice"]
    out = Quantities(chart="cocontrol" in res.get("charts", {}), chart_empty=QL["chart_empty"])
    rows = advice.get("targets") or []
    if rows:
        out.years = [k for k in rows[0] if k.isdigit()]
        out.base_year = rows[0].get("base_year")
        out.growth = _growth(rows, QL)
    for r in rows:
        unit = (QL["share_unit"] if r["unit"] == "share" else r["unit"] if lang == "zh"
                else r.get("unit_en") or r["unit"])
        g = r.get("goal")
        goal = None if not g else Goal(g.get("text") or "", _source(g, lang), g.get("year"))
        out.targets.append(TargetRow(r["indicator"], r["name"], unit, _value(r.get("base"), r["unit"]),
                                     [_value(r.get(y), r["unit"]) for y in out.years], bool(r.get("binding")),
                                     r.get("basis") or "", goal))
    recs = {r["measure"]: r for r in advice.get("recommendations", [])}
    for p in advice.get("projects") or []:
        rec = recs.get(p["measure"]) or {}
        expected = p.get("expected")
        enables = p.get("enables") or rec.get("enables") or []
        funding_sep = "、" if lang == "zh" else ", "
        out.projects.append(ProjectRow(
            p["measure"], titles.get(p["measure"], p["measure"]), p["name"], p["object"], p["lead"],
            f"{p['start']}–{p['end']}", expected_texts(expected, T, QL),
            "" if expected else QL["enables"].format(ids=funding_sep.join(titles.get(m, m) for m in enables))
            if enables else "",
            p["investment"]["range"], [f["name"] for f in p.get("funding") or []]))
    if advice.get("projects"):
        inv = advice["projects"][0]["investment"]
        out.investment_source = QL["investment_note"].format(source=_source(inv, lang), year=inv.get("year"))
    return out


def labels(lang: str) -> dict[str, str]:
    """The report's labels of the quantified parts (column names, binding/expected …) for the template."""
    return _labels(lang)
