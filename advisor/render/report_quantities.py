"""The report's quantified parts: the targets table (主要目标), the key projects (重点工程), the expected
reductions of each task in the division of work, and the co-control effect chart's spec. The numbers come from
the advice (`targets`, `projects`, each recommendation's `expected`); labels from quantity_labels.yaml."""

from __future__ import annotations

from functools import cached_property

from advisor.render.report_base import ReportBase
from advisor.render.report_format import DASH, fmt_num, fmt_pct, paragraph, table_block

META = ("acts_on", "assumption", "share", "coefficients", "missing")   # keys of `expected` that are no substance
FORMULAS = {"CO2e", "SO2", "NOx", "PM", "VOCs", "COD", "NH3-N", "TN", "TP"}   # shown as written


def _pct(x) -> str:
    """A share in per cent; below 1 % with two significant digits (0.016 %), not rounded to 0.0 %."""
    if x is None or abs(x) >= 0.01:
        return fmt_pct(x)
    return f"{x * 100:.2g}%"


class QuantitySections(ReportBase):
    @cached_property
    def QL(self) -> dict[str, str]:
        from advisor.render.chart_cocontrol import quantity_labels

        return quantity_labels(self.lang)

    def quantity_name(self, sub: str) -> str:
        """A substance as a reader knows it: its formula, else its name."""
        if sub in FORMULAS:
            return sub
        known = self.kb.pollutants.get(sub)
        return known.name.in_lang(self.lang) if known else self.QL.get(f"substance_{sub}", sub)

    def _value(self, x, unit: str) -> str:
        return fmt_pct(x) if unit == "share" else fmt_num(x)

    def targets_section(self, title: str) -> dict:
        """主要目标: base year and target years, binding or expected, and the national goal each serves."""
        QL, rows_in = self.QL, self.adv.get("targets") or []
        if not rows_in:
            return {"id": "targets", "title": title, "subsections": [{"title": "", "blocks": [
                paragraph(self.L["none"])]}]}
        years = [k for k in rows_in[0] if k.isdigit()]
        cols = [QL["c_indicator"], QL["c_unit"], f"{QL['c_base']} ({rows_in[0]['base_year']})",
                *(QL["c_year"].format(year=y) for y in years), QL["c_kind"], QL["c_goal"]]
        rows: list[list[str]] = []
        sources: dict[str, int] = {}
        for r in rows_in:
            unit = QL["share_unit"] if r["unit"] == "share" else r["unit"] if self.lang == "zh" else r.get(
                "unit_en") or r["unit"]
            goal = r.get("goal") or {}
            if goal:
                sources.setdefault(goal.get("source_zh") or goal["source"] if self.lang == "zh" else goal["source"],
                                   goal["year"])
            rows.append([r["name"], unit, self._value(r["base"], r["unit"]),
                         *(self._value(r[y], r["unit"]) for y in years),
                         QL["binding"] if r["binding"] else QL["expected_kind"], goal.get("text") or DASH])
        first = rows_in[0]
        source = {"history": QL["growth_history"], "profile": QL["growth_profile"]}.get(first.get("growth_from"))
        growth = (QL["growth_note"].format(growth=fmt_pct(first["growth"]), source=source)
                  if first.get("growth") is not None and source else QL["growth_unknown"])
        notes = QL["sep"].join(s + QL["in_year"].format(year=y) for s, y in sources.items())
        blocks = [paragraph(QL["p_targets"]), table_block(QL["t_targets"], cols, rows),
                  paragraph(growth), paragraph(f"{QL['goal_sources']}{QL['colon']}{notes}")]
        return {"id": "targets", "title": title, "subsections": [{"title": "", "blocks": blocks}]}

    def expected_text(self, rec: dict | None) -> str:
        """A task's expected reductions in one cell: 'CO2e 1.2–2.0万 …', or what an enabling task makes possible."""
        QL = self.QL
        if not rec:
            return DASH
        expected = rec.get("expected")
        if not expected:
            ids = rec.get("enables")
            return QL["enables"].format(ids=", ".join(ids)) if ids else DASH
        parts = []
        for sub, r in expected.items():
            if sub in META:
                continue
            name = self.quantity_name(sub)
            if r is None:
                parts.append(f"{name} {QL['unknown']}")
            elif r["high"] < 0:
                parts.append(f"{name} {QL['increase']} {fmt_num(-r['high'])}–{fmt_num(-r['low'])}")
            else:
                parts.append(f"{name} {fmt_num(r['low'])}–{fmt_num(r['high'])}")
        return QL["sep"].join(parts) or DASH

    def projects(self) -> dict | None:
        """重点工程: one row per first-year measure with an engineering content."""
        QL, rows_in = self.QL, self.adv.get("projects") or []
        if not rows_in:
            return None
        cols = [self.L["c_measure"], QL["c_project"], QL["c_object"], QL["c_lead"], QL["c_period"],
                QL["c_expected"], QL["c_investment"], QL["c_funding"]]
        recs = {r["measure"]: r for r in self.adv.get("recommendations", [])}
        rows = [[p["measure"], p["name"], p["object"], p["lead"], f"{p['start']}–{p['end']}",
                 self.expected_text(recs.get(p["measure"])), p["investment"]["range"],
                 "、".join(f["name"] for f in p["funding"]) if self.lang == "zh"
                 else ", ".join(f["name"] for f in p["funding"])] for p in rows_in]
        inv = rows_in[0]["investment"]
        blocks = [paragraph(QL["p_projects"]), table_block(QL["t_projects"], cols, rows),
                  paragraph(QL["investment_note"].format(
                      source=inv.get("source_zh") or inv["source"] if self.lang == "zh" else inv["source"],
                      year=inv["year"])),
                  *self.effect_blocks(), *self.coefficient_blocks()]
        return {"id": "projects", "title": QL["s_projects"], "subsections": [{"title": "", "blocks": blocks}]}

    def _quantified(self) -> list[dict]:
        short = set(self.adv.get("shortlist") or [])
        return [r for r in self.adv.get("recommendations", []) if r.get("expected") and r["measure"] in short]

    def effect_blocks(self) -> list[dict]:
        """The co-control coordinates and cross-elasticities of the first-year measures, and how to read them."""
        QL, recs = self.QL, self._quantified()
        if not recs:
            return []
        rows = []
        for r in recs:
            c = r.get("coordinates") or {}
            els = QL["sep"].join(f"{self.quantity_name(p)} {fmt_num(v)}" for p, v in (r.get("elasticity") or {}).items()
                                 if v is not None)
            rows.append([r["measure"], r["title"], _pct(c.get("co2e_share")), _pct(c.get("pollution_eq_share")),
                         els or DASH])
        cols = [self.L["c_measure"], self.L["c_title"], QL["c_co2e_share"], QL["c_eq_share"], QL["c_elasticity"]]
        return [paragraph(QL["p_effects"]), table_block(QL["t_effects"], cols, rows)]

    def coefficient_blocks(self) -> list[dict]:
        """Every coefficient the first-year estimates use, with its value, unit, basis and source."""
        QL = self.QL
        used: dict[str, tuple[dict, list[str]]] = {}
        for r in self._quantified():
            for c in r["expected"].get("coefficients") or []:
                used.setdefault(c["id"], (c, []))[1].append(r["measure"])
        if not used:
            return []
        rows = []
        for c, measures in used.values():
            value = fmt_num(c["low"]) if c["low"] == c["high"] else f"{fmt_num(c['low'])}–{fmt_num(c['high'])}"
            zh = self.lang == "zh"
            unit, source = (c.get("unit_zh") or c["unit"], c.get("source_zh") or c["source"]) if zh else (
                c["unit"], c["source"])
            rows.append([c["name"], f"{value} {unit}", QL[f"basis_{c['basis']}"],
                         source + QL["in_year"].format(year=c["year"]),
                         ", ".join(measures)])
        cols = [QL["c_coefficient"], QL["c_range"], QL["c_basis"], QL["c_source"], QL["c_measures"]]
        return [paragraph(QL["p_coefficients"]), table_block(QL["t_coefficients"], cols, rows)]

    def quantified_cocontrol_spec(self) -> dict:
        from advisor.render.chart_cocontrol import cocontrol_spec

        return cocontrol_spec(self.adv, self.a, self.kb, self.clang)
