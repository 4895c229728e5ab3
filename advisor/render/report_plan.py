"""Sections 2 to 8 of the report: targets, tasks (the first-year shortlist by implementation object, then the
other established measures), division of work, the measures to confirm, the questions to answer, the measures
not recommended, and the annex."""

from __future__ import annotations

from functools import cached_property
from typing import Any, get_args

from advisor.kb.schemas.knowledge import Horizon
from advisor.render.report_format import (
    DASH,
    factor_source,
    fmt_num,
    paragraph,
    table_block,
    text_in,
    value_text,
)
from advisor.render.report_quantities import QuantitySections

HORIZONS = get_args(Horizon)   # near, medium, long


def why_not_texts(n: dict, lang: str) -> list[str]:
    """The plain-language reasons a measure is left out, each once (rule ids and conditions stay in the JSON)."""
    return list(dict.fromkeys(text_in(w.get("text"), lang) for w in n.get("why_not") or []
                              if isinstance(w, dict) and w.get("text")))


class PlanSections(QuantitySections):
    # 2 targets -----------------------------------------------------------------------------------
    def targets(self) -> dict:
        """主要目标: computed from the shortlist's estimates (advisor/render/report_quantities.py)."""
        return self.targets_section(self.L["s2"])

    # 3 tasks --------------------------------------------------------------------------------------
    def recs(self) -> dict[str, dict]:
        return {r["measure"]: r for r in self.adv.get("recommendations", [])}

    def shortlist(self) -> list[str]:
        """The first-year measures (established only), in the plan's order: object, horizon, rank."""
        recs, listed = self.recs(), set(self.adv.get("shortlist") or [])
        return [i for i in self.plan_order() if i in listed and i in recs]

    def plan_order(self) -> list[str]:
        """Every established measure as the plan lays them out: by object, then horizon, in rank order."""
        plan, recs = self.adv.get("plan") or {}, self.recs()
        known = self.kb.object_ids()
        objects = [o for o in known if o in plan] + [o for o in plan if o not in known]
        ordered = [i for o in objects for h in HORIZONS for i in (plan.get(o) or {}).get(h, []) if i in recs]
        return ordered + [i for i in recs if i not in ordered]

    def tasks(self) -> dict:
        """重点任务: the first-year shortlist only, by implementation object and horizon."""
        L, recs = self.L, self.recs()
        first = self.shortlist()
        intro: list[dict] = [paragraph(L["p_tasks"]), self.chart("cocontrol", self.cocontrol_spec())]
        if not first:
            intro.append(paragraph(L["none"]))
        subs: list[dict[str, Any]] = [{"title": "", "blocks": intro}]
        for obj in dict.fromkeys(recs[i]["object"] for i in first):
            blocks: list[dict] = []
            for h in HORIZONS:
                ids = [i for i in first if recs[i]["object"] == obj and recs[i].get("horizon") == h]
                if ids:
                    blocks.append({"type": "subheading", "text": self.enum("horizon", h)})
                    blocks += [self.card(recs[i]) for i in ids]
            blocks += [self.card(recs[i]) for i in first if recs[i]["object"] == obj and recs[i].get("horizon")
                       not in HORIZONS]
            subs.append({"title": self.object_name(obj), "blocks": blocks})
        return {"id": "tasks", "kind": "chapter", "title": L["s3"], "subsections": subs}

    def other_recs(self) -> dict:
        """其他建议: the established measures beyond the shortlist, by implementation object."""
        L, recs = self.L, self.recs()
        first = self.shortlist()
        rest = [i for i in self.plan_order() if i not in first]
        subs: list[dict[str, Any]] = [{"title": "", "blocks": [paragraph(L["p_other_recs"] if rest else L["none"])]}]
        for obj in dict.fromkeys(recs[i]["object"] for i in rest):
            subs.append({"title": self.object_name(obj),
                         "blocks": [self.card(recs[i]) for i in rest if recs[i]["object"] == obj]})
        return {"id": "other_recs", "kind": "chapter", "title": L["other_recs"], "subsections": subs}

    def card(self, rec: dict) -> dict:
        L, mid = self.L, rec["measure"]
        m = self.kb.measures.get(mid)
        because = []
        for b in rec.get("because") or []:
            text = text_in(b.get("text"), self.lang)
            facts = L["list_sep"].join(f"{self.words.fact_name(k)}: {self.words.value(k, v)}"
                                       for k, v in (b.get("facts") or {}).items())
            finds = self.L["list_sep"].join((text_in(self.findings_text.get(f), self.lang) or f).rstrip("。.")
                                            for f in b.get("findings") or [])
            parts = [text]
            if facts:
                parts.append(f"{L['m_facts']}{L['colon']}{facts}")
            if finds:
                parts.append(f"{L['m_findings']}{L['colon']}{finds}")
            because.append(L["part_sep"].join(p.rstrip("。") for p in parts if p))
        trade = text_in(m.trade_offs, self.lang) if m and m.trade_offs else ""
        fields = [[L["m_priority"], self.enum("priority", rec.get("priority"))],
                  [L["m_effect"], self.enum("effect", rec.get("effect"))],
                  [L["m_co_benefits"], ", ".join(self.substance(x) for x in rec.get("co_benefits") or []) or DASH],
                  [L["m_lead"], self.lead(rec)],
                  [L["c_horizon"], self.enum("horizon", rec.get("horizon"))],
                  [L["m_clause"], f"{L['clause_prefix']}{rec.get('clause') or mid}{L['clause_suffix']}"]]
        if trade:
            fields.append([L["m_trade_offs"], trade])
        lists = [[L["m_because"], because or [DASH]],
                 [L["m_actions"],
                  [text_in(a, self.lang) for a in rec.get("actions") or self.typical_actions(m)] or [DASH]]]
        stronger = self.strengthen_texts(rec)
        if stronger:
            lists.append([L["m_would_strengthen"], stronger])
        return {"type": "card", "id": mid, "title": rec.get("title") or self.measure_title(mid),
                "heading": f"{mid} {rec.get('title') or self.measure_title(mid)}", "fields": fields, "lists": lists}

    def strengthen_texts(self, rec: dict) -> list[str]:
        """The rules that would add weight to an established measure once confirmed, written conditionally."""
        return list(dict.fromkeys(text_in(w.get("text"), self.lang) for w in rec.get("would_strengthen") or []
                                  if isinstance(w, dict) and w.get("text")))

    def typical_actions(self, m) -> list:
        """The card's actions for this park's type (its largest division), else the default list."""
        if m is None:
            return []
        top = max(self.p.park.industries, key=lambda i: i.share, default=None)
        ptype = self.kb.park_type_of(top.code) if top else None
        return m.actions.get(ptype) or m.actions.get("default") or []

    def lead(self, rec: dict) -> str:
        m = self.kb.measures.get(rec["measure"])
        if m:
            return m.lead.in_lang(self.lang)
        return text_in(rec.get("lead"), self.lang) or DASH

    def cocontrol_spec(self) -> dict:
        """The co-control effect chart of the quantified measures (advisor/render/chart_cocontrol.py)."""
        return self.quantified_cocontrol_spec()

    # 4 division ------------------------------------------------------------------------------------
    def division(self) -> dict:
        L = self.L
        first = self.shortlist()
        cols = [L["c_measure"], L["c_title"], L["c_lead"], L["c_partners"], L["c_horizon"], L["c_effort"],
                L["c_higher"], self.QL["c_expected"]]
        blocks = [table_block(L["t_division"], cols, self.division_rows(first)) if first else paragraph(L["none"])]
        rest = [i for i in self.plan_order() if i not in first]
        if rest:
            blocks.append(table_block(L["t_division_other"], cols, self.division_rows(rest)))
        return {"id": "division", "title": L["s4"], "subsections": [{"title": "", "blocks": blocks}]}

    def division_rows(self, ids: list[str]) -> list[list[str]]:
        rows, recs = [], self.recs()
        for mid in ids:
            rec, m = recs[mid], self.kb.measures.get(mid)
            partners = ", ".join(p.in_lang(self.lang) for p in m.partners) if m else ""
            higher = rec.get("needs_higher_level", m.needs_higher_level if m else None)
            rows.append([mid, rec.get("title") or self.measure_title(mid), self.lead(rec), partners or DASH,
                         self.enum("horizon", rec.get("horizon")), self.enum("effort", rec.get("effort")),
                         self.yes_no(higher), self.expected_text(rec)])
        return rows

    # 5 to confirm --------------------------------------------------------------------------------------
    def to_confirm(self) -> dict:
        L = self.L
        items = self.adv.get("to_confirm") or []
        blocks: list[dict] = [paragraph(L["p_to_confirm"])]
        blocks += [self.confirm_card(t) for t in items]
        if not items:
            blocks.append(paragraph(L["none"]))
        return {"id": "to_confirm", "title": L["s5"], "subsections": [{"title": "", "blocks": blocks}]}

    @cached_property
    def words(self):
        """Fact names and values in the advice's plain words (choices by their questionnaire text)."""
        from advisor.decide.advice_texts import Words
        from advisor.kb.fact_questions import fact_questions
        from advisor.kb.rulebook import load_rulebase
        from advisor.profile.model import Profile

        base = load_rulebase()
        return Words(base, self.kb, fact_questions(self.kb, base, Profile.model_fields), self.lang)

    def confirm_card(self, t: dict) -> dict:
        """A measure to confirm: its conditions, what is known already, and the questions that decide it."""
        L, mid = self.L, t["measure"]
        conditions: list[str] = []
        known: dict[str, None] = {}
        asked: dict[str, None] = {}
        for cond in t.get("if") or []:
            conditions.append(text_in(cond.get("text"), self.lang))
            for k, v in (cond.get("known") or {}).items():
                known[f"{self.words.fact_name(k)}: {self.words.value(k, v)}"] = None
            for u in cond.get("unknown") or []:
                asked[text_in(u.get("label"), self.lang) or self.fact(u.get("fact", ""))] = None
        m = self.kb.measures.get(mid)
        fields = [[L["c_object"], self.object_name(t.get("object") or (m.object if m else ""))],
                  [L["m_clause"], f"{L['clause_prefix']}{mid}{L['clause_suffix']}"]]
        lists = [[L["m_conditions"], conditions or [DASH]]]
        if known:
            lists.append([L["m_known"], list(known)])
        lists.append([L["m_questions"], list(asked) or [DASH]])
        title = t.get("title") or self.measure_title(mid)
        return {"type": "card", "id": mid, "title": title, "heading": f"{mid} {title}", "fields": fields,
                "lists": lists}

    # 6 questions to answer, 7 not recommended -----------------------------------------------------------
    def verify(self) -> dict:
        L = self.L
        questions = self.adv.get("questions_to_answer") or []
        blocks = [paragraph(L["p_verify"])]
        if questions:
            decided = {m for q in questions for m in q.get("decides") or []}
            rows = [[str(i), text_in(q.get("label"), self.lang) or self.fact(q.get("fact", "")),
                     self.L["list_sep"].join(f"{d} {self.measure_title(d)}" for d in q.get("decides") or [])]
                    for i, q in enumerate(questions, start=1)]
            # "part" lets the web page, which lists the questions in its own section, leave these two out
            blocks += [{**paragraph(L["p_questions"].format(n=len(questions), m=len(decided))), "part": "questions"},
                       {**table_block(L["t_questions"], [L["c_rank"], L["c_question"], L["c_decides"]], rows),
                        "part": "questions"}]
        rows = [[r["measure"], r.get("title") or self.measure_title(r["measure"]),
                 L["list_sep"].join(self.strengthen_texts(r))]
                for r in self.adv.get("recommendations", []) if self.strengthen_texts(r)]
        if rows:
            blocks.append(table_block(L["t_verify"], [L["c_measure"], L["c_title"], L["c_would_strengthen"]], rows))
        inferred = self.adv.get("inferred") or []
        if inferred:   # "推断：…" / "Inferred: …", each overridden by an answer
            blocks.append(table_block(L["t_inferred"], [L["c_inferred"]], [[i["text"]] for i in inferred]))
        gaps = self.adv.get("gaps") or []
        if gaps:
            blocks.append(table_block(L["t_gaps"], [L["c_gap"]], [[text_in(g, self.lang)] for g in gaps]))
        if not questions and not rows and not gaps and not inferred:
            blocks.append(paragraph(L["none"]))
        return {"id": "verify", "title": L["s6"], "subsections": [{"title": "", "blocks": blocks}]}

    def not_recommended(self) -> dict:
        L, rows = self.L, []
        for n in self.adv.get("not_recommended") or []:
            reasons = why_not_texts(n, self.lang)
            rows.append([n["measure"], n.get("title") or self.measure_title(n["measure"]),
                         L["list_sep"].join(reasons) or DASH])
        blocks = [paragraph(L["p_not_recommended"]),
                  table_block(L["t_not_recommended"], [L["c_measure"], L["c_title"], L["c_why_not"]], rows)
                  if rows else paragraph(L["none"])]
        return {"id": "not_recommended", "title": L["s7"], "subsections": [{"title": "", "blocks": blocks}]}

    # annexes ---------------------------------------------------------------------------------------------
    def annex(self) -> dict:
        """The emission factors used, with tier, source and year."""
        L = self.L
        factors = (self.a.get("carbon") or {}).get("factors_used") or []
        frows = [[(self.carrier(f.get("carrier")) if f.get("carrier") else text_in(f.get("item"), self.lang))
                  + (L["paren"].format(L.get("origin_" + f["origin"], f["origin"])) if f.get("origin") else ""),
                  fmt_num(f.get("factor", f.get("value"))), f.get("unit") or "", self.tier(f.get("tier")),
                  factor_source(f.get("source"), f.get("tier"), self.lang) or DASH,
                  value_text(f.get("year")) if f.get("year") else DASH]
                 for f in factors]
        return {"id": "annex", "kind": "annex", "title": L["annex_factors"], "subsections": [{"title": "", "blocks": [
            table_block(L["t_factors"], [L["c_carrier"], L["c_factor"], L["c_unit"], L["c_tier"], L["c_source"],
                                         L["c_year"]], frows) if frows else paragraph(L["p_no_data"])]}]}

    def ranking(self) -> dict:
        """The diagnostic rank and the parts of each score: the technical detail kept out of the plan's body."""
        L = self.L
        rrows = [[str(r.get("rank")), r["measure"], r.get("title") or self.measure_title(r["measure"]),
                  self.object_name(r.get("object", "")), self.enum("priority", r.get("priority")),
                  fmt_num(r.get("score"), 3),
                  "; ".join(f"{L.get('sp_' + k, k)} {fmt_num(v, 3)}" for k, v in (r.get("score_parts") or {}).items())]
                 for r in self.adv.get("recommendations", [])]
        return {"id": "ranking", "kind": "annex", "title": L["annex_ranking"], "subsections": [{"title": "", "blocks": [
            paragraph(L["p_ranking"]),
            table_block(L["t_ranking"], [L["c_rank"], L["c_measure"], L["c_title"], L["c_object"], L["c_priority"],
                                         L["c_score"], L["c_score_parts"]], rrows)
            if rrows else paragraph(L["none"])]}]}
