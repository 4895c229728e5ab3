"""Section 1 of the report: the park's status – park, data, energy, carbon, pollutants, same-source processes,
decoupling, warnings and findings."""

from __future__ import annotations

from functools import cache

from advisor.render.report_base import ReportBase
from advisor.render.report_format import (
    DASH,
    factor_text,
    fmt_num,
    fmt_pct,
    paragraph,
    pick,
    table_block,
    terminal_labels,
    text_in,
    trade_off_note,
)

TOP_N = 10   # processes named in the carbon chart and the energy flow diagram; the rest become "other"


class StatusSections(ReportBase):
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
                [L["f_province"], self.province(park.province)],
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
        blocks = [table_block(L["t_park"], [L["c_item"], L["c_value"]], rows)]
        if btype:
            blocks.append(paragraph(f"{btype.name.in_lang(self.lang)}: {btype.description.in_lang(self.lang)}"))
        ind_rows = []
        for i in park.industries:
            info = self.kb.industries.get(i.code)
            ind_rows.append([i.code, (info.name_zh if self.lang == "zh" else info.name_en) if info else DASH,
                             fmt_pct(i.share)])
        blocks.append(table_block(L["t_industries"], [L["c_code"], L["c_industry"], L["c_share"]], ind_rows))
        return {"title": L["s1_park"], "blocks": blocks}

    def grid_text(self) -> str:
        L, g = self.L, (self.a.get("carbon") or {}).get("grid") or {}
        if g.get("value") is None:
            return self.p.accounting.grid_factor
        what = [L.get(f"{key}_{g[k]}", str(g[k])) for k, key in (("series", "grid_series"), ("region", "region"))
                if g.get(k) is not None] + ([str(g["year"])] if g.get("year") is not None else [])
        return f"{fmt_num(g['value'], 4)} {g.get('unit', '')} ({L['list_sep'].join(what)})"

    def owner(self, owner: str | None) -> str:
        """An energy row's owner: the enterprise's name from the profile, park infrastructure in words, else the id."""
        if not owner:
            return DASH
        names = {e.id: e.name for e in self.p.enterprises or [] if getattr(e, "name", None)}
        return names.get(owner) or self.L.get(f"owner_{owner}", owner)

    def province(self, name: str | None) -> str:
        """The province as the profile names it (Chinese); in English output its English name."""
        if not name:
            return DASH
        p = self.kb.provinces.get(name)
        return p.name_en if p and self.lang == "en" and getattr(p, "name_en", None) else name

    def data_part(self) -> dict:
        L = self.L
        rows = []
        for e in self.p.energy or []:
            src = e.factor.source if e.factor else ""
            where = self.process(e.process) if e.process else L.get(f"origin_{e.origin}", DASH)
            rows.append([self.carrier(e.carrier), where, self.owner(e.owner),
                         fmt_num(e.amount), e.unit, self.tier(e.data_tier), src or DASH])
        blocks = [table_block(L["t_data_sources"], [L["c_carrier"], L["c_process"], L["c_owner"], L["c_amount"],
                                                    L["c_unit"], L["c_tier"], L["c_source"]], rows)
                  if rows else paragraph(L["p_no_data"])]
        tiers = sorted(self.kb.data_tiers.values(), key=lambda t: (t.kind, t.rank))
        if tiers:
            blocks.append(table_block(L["t_data_tiers"], [L["c_kind"], L["c_rank"], L["c_name"], L["c_examples"]],
                                      [[L.get(f"kind_{t.kind}", t.kind), str(t.rank), t.name.in_lang(self.lang),
                                        t.examples.in_lang(self.lang)]
                                       for t in tiers]))
        return {"title": L["s1_data"], "blocks": blocks}

    def energy_part(self) -> dict:
        L, e = self.L, self.a.get("energy") or {}
        blocks: list[dict] = []
        total = e.get("total_tce")   # None: no energy data (the gaps say so) – never shown as 0
        blocks.append(paragraph(f"{L['p_energy_total']}: "
                                + (f"{fmt_num(total)} tce" if total is not None else L["unknown"])))
        blocks.append(self.chart("sankey", self.sankey_spec()))
        summary = [[L["e_total"], fmt_num(e.get("total_tce"))], [L["e_feedstock"], fmt_num(e.get("feedstock_tce"))],
                   [L["e_coal_fuel_share"], fmt_pct(e.get("coal_fuel_share"))],
                   [L["e_coal_share_total"], fmt_pct(e.get("coal_share_total"))],
                   [L["e_electricity_share"], fmt_pct(e.get("electricity_share"))],
                   [L["e_gas_share"], fmt_pct(e.get("natural_gas_share"))],
                   [L["e_renewable_share"], fmt_pct(e.get("renewable_electricity_share"))],
                   [L["e_exports"], fmt_num(e.get("exports_tce"))]]
        if e:
            blocks.append(table_block(L["t_energy_summary"], [L["c_item"], L["c_value"]], summary))
        carriers = e.get("by_carrier") or []
        if carriers:
            blocks.append(table_block(L["t_energy_carriers"], [L["c_carrier"], L["c_amount"], L["c_unit"], L["c_tce"],
                                                               L["c_share"]],
                                      [[self.carrier(c.get("carrier")), fmt_num(c.get("amount")), c.get("unit") or "",
                                        fmt_num(c.get("tce")), fmt_pct(c.get("share"))] for c in carriers]))
        return {"title": L["s1_energy"], "blocks": blocks}

    def sankey_spec(self) -> dict:
        """Carriers → processes → uses, in 10^4 tce on every node; carriers → uses when no process is named."""
        e = self.a.get("energy") or {}
        rows = e.get("balance") or e.get("flows") or []
        cl = self.clang
        first: dict[tuple[str, str], float] = {}
        second: dict[tuple[str, str], float] = {}
        direct: dict[tuple[str, str], float] = {}
        for row in rows:
            tce = row.get("tce") or 0.0
            if tce <= 0 or row.get("counted") is False:
                continue
            c = self.carrier(row.get("carrier"), cl)
            pr = self.process(row.get("process"), cl)
            use = self.CL.get(f"use_{row.get('use')}", str(row.get("use")))
            first[(c, pr)] = first.get((c, pr), 0.0) + tce
            second[(pr, use)] = second.get((pr, use), 0.0) + tce
            direct[(c, use)] = direct.get((c, use), 0.0) + tce
        if not first:
            return {"kind": "sankey", "empty": self.CL["chart_no_data"]}
        unit = {"unit": self.CL["chart_10k_tce"], "scale": 1e4}
        if {pr for _, pr in first} == {self.process(None, cl)}:   # one "unassigned" block in the middle says nothing
            return {"kind": "sankey", "size": (6.3, 3.4), **unit,
                    "stages": [[(a, b, v) for (a, b), v in direct.items()]],
                    "column_titles": [self.CL["chart_carriers"], self.CL["chart_uses"]]}
        first, second = self._group_small(first, second)
        return {"kind": "sankey", "size": (6.3, 4.6), **unit,
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
        total = c.get("total_t_co2e")   # None: no energy data and no reported CO2 – never shown as 0
        blocks = [paragraph(f"{L['p_carbon_total']}: "
                            + (f"{fmt_num(total)} t CO2e" if total is not None else L["unknown"])
                            + f" ({L['f_gwp']}: {self.p.accounting.gwp})")]
        by_process = c.get("by_process") or []
        blocks.append(self.carbon_chart(c))
        scopes = c.get("by_scope") or {}
        if scopes:
            blocks.append(table_block(L["t_scope"], [L["c_scope"], L["c_t_co2e"], L["c_share"]],
                                      [[self.L.get(f"scope_{k}", str(k)), fmt_num(v),
                                        fmt_pct(v / c["total_t_co2e"]) if c.get("total_t_co2e") and v is not None
                                        else DASH]
                                       for k, v in scopes.items()]))
            known = [(k, v) for k, v in scopes.items() if v]
            if len(known) > 1:
                blocks.append(self.chart("scope", {"kind": "bars", "size": (6.3, 0.5 + 0.42 * len(known)),
                                                   "labels": [self.CL.get(f"scope_{k}", str(k)) for k, _ in known],
                                                   "values": [v / 1e4 for _, v in known],
                                                   "xlabel": self.CL["chart_t_co2e"]}))
        carriers = c.get("by_carrier") or []
        if carriers:
            blocks.append(table_block(L["t_carbon_carrier"], [L["c_carrier"], L["c_t_co2e"], L["c_share"]],
                                      [[self.carrier(r.get("carrier")), fmt_num(r.get("t_co2e")),
                                        fmt_pct(r.get("share")) if r.get("share") is not None else
                                        (fmt_pct((r.get("t_co2e") or 0) / c["total_t_co2e"])
                                         if c.get("total_t_co2e") else DASH)] for r in carriers]))
        if by_process:
            rows = [[self.process(r.get("process")), fmt_num(r.get("t_co2e")), fmt_pct(r.get("share")),
                     L.get(f"dq_{r.get('data_quality')}", DASH) if r.get("data_quality") else DASH]
                    for r in sorted(by_process, key=lambda r: -(r.get("t_co2e") or 0))]
            blocks.append(table_block(L["t_carbon_process"], [L["c_process"], L["c_t_co2e"], L["c_share"],
                                                              L["c_data_quality"]], rows))
        blocks += [paragraph(line) for line in self.audit_lines(c)]
        return {"title": L["s1_carbon"], "blocks": blocks}

    def audit_lines(self, c: dict) -> list[str]:
        """Feedstock balances (or their ranges) and the CO2 of exported energy with each factor and why."""
        t, L = terminal_labels("analysis", self.lang), self.L
        out = []
        for b in c.get("feedstock_balance") or []:
            if b["status"] == "balanced":
                text = t["feedstock_balanced"].format(t=fmt_num(b["t_co2"]), c_in=fmt_num(b["feedstock_t_c"]),
                                                      c_out=fmt_num(b["products_t_c"]))
            elif b["status"] == "range":
                text = t["feedstock_range"].format(low=fmt_num(b["low_t_co2"]), high=fmt_num(b["high_t_co2"]))
            else:
                text = t["feedstock_reported"].format(potential=fmt_num(b["t_co2_potential"]))
            out.append(f"{t['feedstock_balance']} · {self.process(b['process'])}: {text}")
        if c.get("exports_t_co2e"):
            parts = [t["export_factor"].format(carrier=self.carrier(row["carrier"]), factor=row["factor"],
                                               unit=row["factor_unit"], basis=L.get(f"export_{row['basis']}", DASH))
                     for row in (c.get("exports") or {}).get("rows", []) if row.get("factor") is not None]
            out.append(f"{t['exports_co2']}: {fmt_num(c['exports_t_co2e'])} t CO2 · " + "; ".join(parts))
        return out

    def carbon_chart(self, c: dict) -> dict:
        """CO2e by process when processes are named, else by energy carrier; the largest TOP_N, the rest as other."""
        named = [r for r in c.get("by_process") or [] if r.get("t_co2e") is not None
                 and self.process(r.get("process")) != self.L["unassigned"]]
        if named:
            rows, key = [(self.process(r.get("process"), self.clang), r["t_co2e"]) for r in named], None
        else:
            rows = [(self.carrier(r.get("carrier"), self.clang), r["t_co2e"]) for r in c.get("by_carrier") or []
                    if r.get("t_co2e") is not None]
            key = "chart_carbon_carrier"
        rows.sort(key=lambda r: -r[1])
        if not rows:
            return self.chart("carbon", {"kind": "bars", "empty": self.CL["chart_no_data"]})
        top, rest = rows[:TOP_N], sum(v for _, v in rows[TOP_N:])
        labels_, values = [n for n, _ in top], [v / 1e4 for _, v in top]
        if rest:
            labels_.append(self.CL["chart_other"])
            values.append(rest / 1e4)
        return self.chart("carbon", {"kind": "bars", "size": (6.3, 0.6 + 0.3 * len(values)), "labels": labels_,
                                     "values": values, "xlabel": self.CL["chart_t_co2e"]}, key)

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
        unassigned = self.process(None, self.clang)
        cats = [pid for pid in pol if pol[pid].get("by_process")]
        if cats and set(shares) != {unassigned}:   # one "unassigned" block per bar would say nothing
            keep = [n for n, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:8]]
            other = self.CL["chart_other"]
            series = [(n, [shares[n].get(c, 0.0) for c in cats]) for n in keep]
            rest = [sum(shares[n].get(c, 0.0) for n in shares if n not in keep) for c in cats]
            if any(v > 0.05 for v in rest):
                series.append((other, rest))
            tonnes = self.CL["chart_tonnes"]
            spec = {"kind": "stacked", "size": (6.3, 2.7 + 0.2 * ((len(series) + 1) // 2)),   # legend rows below
                    "categories": [f"{self.substance(c, self.clang)}\n{tonnes.format(fmt_num(pol[c].get('total_t')))}"
                                   for c in cats],
                    "series": series, "other": other,
                    "ylabel": self.CL["chart_share_pct"]}
        else:
            spec = {"kind": "stacked", "empty": self.CL["chart_no_data"]}
        blocks = [self.chart("pollutants", spec)]
        blocks.append(table_block(L["t_pollutants"], [L["c_pollutant"], L["c_total_t"], L["c_main_process"]], rows)
                      if rows else paragraph(L["p_no_data"]))
        return {"title": L["s1_pollutants"], "blocks": blocks}

    def fused_part(self) -> dict:
        L = self.L
        blocks = [paragraph(L["p_fused"])]
        same = self.a.get("same_source") or []
        if same:
            blocks.append(table_block(L["t_same_source"], [L["c_process"], L["c_co2e_share"], L["c_pollutant_shares"],
                                                           L["c_reason"]],
                                      [[self.process(s.get("process")), fmt_pct(s.get("co2e_share")),
                                        "; ".join(f"{k} {fmt_pct(v)}"
                                                  for k, v in (s.get("pollutant_shares") or {}).items()),
                                        text_in(pick(s, "reason", self.lang), self.lang)] for s in same]))
        else:
            blocks.append(paragraph(L["p_no_same_source"]))
        notes = [text_in(n, self.lang) for n in (self.a.get("fused") or {}).get("notes") or []]
        if notes:
            blocks.append({"type": "list", "items": notes})
        trade = [t for t in self.a.get("trade_offs") or [] if isinstance(t, dict)]
        if trade:
            blocks.append(paragraph(L["p_trade_offs"]))
            blocks.append(table_block(L["t_trade_offs"], [L["c_process"], L["c_control"], L["c_pollutant"],
                                                          L["c_removed_t"], L["c_co2_added_t"], L["c_factor"],
                                                          L["c_reason"]],
                                      [[self.process(t.get("process")),
                                        L.get(f"control_{t.get('control')}", text_in(t.get("control"), self.lang)),
                                        text_in(t.get("pollutant_removed"), self.lang) or DASH,
                                        fmt_num(t.get("removed_t")),
                                        fmt_num(t.get("t_co2_added")), factor_text(t.get("factor"), self.lang) or DASH,
                                        trade_off_note(pick(t, "note", self.lang), self.lang) or DASH]
                                       for t in trade]))
        return {"title": L["s1_fused"], "blocks": blocks}

    def decoupling_part(self) -> dict:
        L, d = self.L, self.a.get("decoupling") or {}
        blocks = [paragraph(L["p_decoupling"]), self.chart("indices", self.indices_spec())]
        periods = d.get("periods") or []
        if periods:
            blocks.append(table_block(L["t_decoupling_periods"],
                                      [L["c_period"], L["c_economy_change"], L["c_carbon_state"],
                                       L["c_pollutant_state"], L["c_synergy"]],
                                      [[f"{p.get('from')}–{p.get('to')}", fmt_pct(p.get("economy_change"), True),
                                        self.state("trend", p.get("carbon_state")),
                                        self.state("trend", p.get("pollutant_state")) + self._which(p),
                                        self.state("synergy", p.get("synergy"))] for p in periods]))
            rows = []
            spans = [p for p in periods if p.get("headline")] or [p for p in periods if p.get("kind") == "span"] \
                or periods
            for p in spans:
                for sub, s in (p.get("substances") or {}).items():
                    rows.append([f"{p.get('from')}–{p.get('to')}", self.substance(sub), fmt_pct(s.get("change"), True),
                                 fmt_num(s.get("elasticity"), 2), self.state("tapio", s.get("tapio")),
                                 self.state("trend", s.get("state"))])
            blocks.append(table_block(L["t_decoupling_substances"],
                                      [L["c_period"], L["c_substance"], L["c_change"], L["c_elasticity"],
                                       L["c_tapio"], L["c_trend"]], rows))
        else:
            blocks.append(paragraph(L["p_no_data"]))
        return {"title": L["s1_decoupling"], "blocks": blocks}

    def _which(self, period: dict) -> str:
        which = period.get("pollutant_state_weakest")
        if isinstance(which, list):
            which = ", ".join(self.substance(x) for x in which)
        return self.L["paren"].format(which) if which else ""

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
        items = [text_in(w, self.lang) for w in pick(self.a, "warnings", self.lang) or []]
        for p in (self.a.get("decoupling") or {}).get("periods") or []:
            for w in pick(p, "warnings", self.lang) or []:
                items.append(f"{p.get('from')}–{p.get('to')}: {text_in(w, self.lang)}")
        items = list(dict.fromkeys(i for i in items if i))
        blocks: list[dict] = [{"type": "list", "items": items}] if items else [paragraph(self.L["none"])]
        gaps = self.a.get("gaps") or []
        if gaps:
            blocks.append({"type": "list", "items": [text_in(g, self.lang) for g in gaps]})
        return {"title": self.L["s1_warnings"], "blocks": blocks}

    def findings_part(self) -> dict:
        items = []
        for f in self.adv.get("findings", []):
            evidence = self.L["list_sep"].join(f"{self.fact(k)} = {self._evidence_value(k, v)}"
                                 for k, v in (f.get("evidence") or {}).items())
            possible = f"{self.L['finding_possible']} " if f.get("status") == "possible" else ""
            items.append(f"{possible}{text_in(f.get('text'), self.lang)}"
                         + (self.L["paren"].format(evidence) if evidence else "")
                         + (f" [{f['id']}]" if self.lang == "en" else ""))   # no English ids in the Chinese report
        return {"title": self.L["s1_findings"],
                "blocks": [{"type": "list", "items": items}] if items else [paragraph(self.L["none"])]}

    def _evidence_value(self, key: str, v) -> str:
        """A finding's evidence in words: the park type and decoupling states by their names, not their ids."""
        if isinstance(v, str):
            if key == "park.type" and v in self.kb.park_types:
                return self.kb.park_types[v].name.in_lang(self.lang)
            if key.startswith("decoupling."):
                return self.state("synergy" if key.endswith("synergy") else "trend", v)
            choice = _choice_labels().get(key, {}).get(v)
            if choice:
                return choice.in_lang(self.lang)
        return self.evidence(key, v)


@cache
def _choice_labels() -> dict:
    """{profile path: {choice value: its label}} of the questionnaire's choice questions: a fact read from an
    answer is shown as the answer's label (燃煤热电联产, not coal_chp)."""
    from advisor.kb.questions import load_questions

    return {q.path: {c.value: c.text for c in q.choices} for q in load_questions().questions
            if q.choices and q.type == "choice"}
