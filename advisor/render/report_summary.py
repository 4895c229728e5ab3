"""The parts of the plan around its tasks: the one-page summary at the top, the 保障措施 (safeguards) written
from knowledge/safeguards.yaml and the park's facts, and the 编制依据 (basis) chapter."""

from __future__ import annotations

from functools import cache
from typing import Any

from advisor.errors import Issue
from advisor.render.report_base import ReportBase
from advisor.render.report_format import DASH, ReportError, fmt_num, fmt_pct, paragraph, table_block, text_in

TOP_SOURCES = 3    # main emission sources named in the summary
FIRST_ACTIONS = 3  # the first actions the summary names


@cache
def safeguard_parts() -> list[dict]:
    """knowledge/safeguards.yaml, checked: every part has an id, a title, an `always` text and conditions that
    name a measure or a fact, each text in zh and en."""
    from advisor.kb.paths import knowledge_dir
    from advisor.kb.safe_load import load_data_file

    path = knowledge_dir() / "safeguards.yaml"
    data = load_data_file(path, ReportError)
    issues: list[Issue] = []

    def bilingual(x: Any, where: str) -> None:
        if not (isinstance(x, dict) and set(x) == {"zh", "en"} and all(isinstance(v, str) and v for v in x.values())):
            issues.append(Issue(str(path), where, "a text needs zh and en, nothing else", "write {zh: …, en: …}"))

    if not isinstance(data, list):
        raise ReportError([Issue(str(path), "", "the file must be a list of parts", "restore the file")])
    for i, part in enumerate(data):
        if not isinstance(part, dict) or not part.get("id"):
            issues.append(Issue(str(path), f"[{i}]", "a part needs an id", "add id: …"))
            continue
        bilingual(part.get("title"), f"{part['id']}.title")
        bilingual(part.get("always"), f"{part['id']}.always")
        for j, cond in enumerate(part.get("when") or []):
            where = f"{part['id']}.when[{j}]"
            if not isinstance(cond, dict) or ("measure" in cond) == ("fact" in cond) or (
                    "fact" in cond and "is" not in cond):
                issues.append(Issue(str(path), where, "a condition names a measure, or a fact and its value",
                                    "write measure: \"7.1.2\" or fact: …, is: …"))
                continue
            bilingual(cond.get("text"), f"{where}.text")
    if issues:
        raise ReportError(issues)
    return data


class SummarySections(ReportBase):
    """Needs recs(), shortlist() and plan_order() of PlanSections."""

    recs: Any
    shortlist: Any
    plan_order: Any
    typical_actions: Any

    # the one-page summary -------------------------------------------------------------------------------
    def summary(self) -> dict:
        L = self.L
        first, recs = self.shortlist(), self.recs()
        rest = [i for i in self.plan_order() if i not in first]
        blocks = [paragraph(self._emissions_sentence()), paragraph(self._decoupling_sentence()),
                  paragraph(self._data_sentence()),
                  paragraph(self._counts_sentence(len(first), len(rest)))]
        by_rank = sorted(first, key=lambda i: recs[i].get("rank") or 0)[:FIRST_ACTIONS]
        if by_rank:
            blocks.append(paragraph(L["sum_first"]))
            items = []
            for mid in by_rank:
                rec, m = recs[mid], self.kb.measures.get(mid)
                acts = [text_in(a, self.lang) for a in rec.get("actions") or self.typical_actions(m)]
                title = rec.get("title") or self.measure_title(mid)
                items.append(f"{mid} {title}" + (f"{L['sum_action_sep']}{acts[0].rstrip('。.')}" if acts else ""))
            blocks.append({"type": "list", "items": items})
        return {"id": "summary", "kind": "summary", "title": L["s_summary"], "subsections": [
            {"title": "", "blocks": blocks}]}

    def _emissions_sentence(self) -> str:
        L, c = self.L, self.a.get("carbon") or {}
        total = c.get("total_t_co2e")
        if total is None:   # never 0: the carbon figure needs energy data or a reported CO2
            return L["sum_carbon_unknown"]
        scopes = c.get("by_scope") or {}
        scope_text = L["list_sep"].join(
            f"{L.get('scope_short_' + str(k), str(k))} {fmt_pct(v / total)}" for k, v in scopes.items()
            if v is not None and total)
        named = [r for r in c.get("by_process") or [] if r.get("t_co2e") is not None
                 and not str(r.get("process") or "").startswith(("_", "(unassigned)"))]
        if named:
            top = sorted(named, key=lambda r: -(r["t_co2e"] or 0))[:TOP_SOURCES]
            sources = [f"{self.process(r.get('process'))} {fmt_pct(r['t_co2e'] / total)}" for r in top]
        else:
            top = sorted((r for r in c.get("by_carrier") or [] if r.get("t_co2e") is not None),
                         key=lambda r: -(r["t_co2e"] or 0))[:TOP_SOURCES]
            sources = [f"{self.carrier(r.get('carrier'))} {fmt_pct(r['t_co2e'] / total)}" for r in top]
        return L["sum_carbon"].format(year=self.p.park.base_year, total=fmt_num(total / 1e4),
                                      scopes=scope_text or DASH,
                                      sources=L["list_sep"].join(sources) or L["unknown"])

    def _decoupling_sentence(self) -> str:
        L = self.L
        periods = (self.a.get("decoupling") or {}).get("periods") or []
        spans = ([p for p in periods if p.get("headline")] or [p for p in periods if p.get("kind") == "span"]
                 or periods)
        if not spans:
            return L["sum_decoupling_unknown"]
        p = spans[0]
        return L["sum_decoupling"].format(period=f"{p.get('from')}–{p.get('to')}",
                                          carbon=self.state("trend", p.get("carbon_state")),
                                          pollutants=self.state("trend", p.get("pollutant_state")),
                                          synergy=self.state("synergy", p.get("synergy")))

    def _data_sentence(self) -> str:
        L = self.L
        rows = self.p.energy or []
        good = sum(1 for e in rows if e.data_tier and (t := self.kb.data_tiers.get(e.data_tier)) and t.rank <= 2)
        known = sum(1 for e in rows if e.data_tier)
        questions = self.adv.get("questions_to_answer") or []
        energy = (L["sum_data_energy"].format(n=len(rows), good=good, unknown=len(rows) - known) if rows
                  else L["sum_data_no_energy"])
        pending = len(self.adv.get("to_confirm") or [])
        return L["sum_data" if pending else "sum_data_none_pending"].format(energy=energy, k=pending, q=len(questions))

    def _counts_sentence(self, n: int, m: int) -> str:
        pending = len(self.adv.get("to_confirm") or [])
        return self.L["sum_counts" if pending else "sum_counts_none_pending"].format(n=n, m=m, k=pending)

    # 保障措施 -----------------------------------------------------------------------------------------
    def safeguards(self) -> dict:
        L, lang = self.L, self.lang
        established = set(self.recs())
        facts = self.adv.get("facts") or {}
        subs = []
        for part in safeguard_parts():
            sentences = [part["always"][lang]]
            for cond in part.get("when") or []:
                if "measure" in cond and cond["measure"] in established:
                    text = cond["text"][lang].rstrip("。.")   # the clause goes inside the sentence
                    sentences.append(text + L["safeguard_ref"].format(cond["measure"]) + L["sentence_end"])
                elif "fact" in cond and facts.get(cond["fact"]) is not None and facts.get(cond["fact"]) == cond["is"]:
                    sentences.append(cond["text"][lang])
            subs.append({"title": part["title"][lang], "blocks": [paragraph(L["sentence_sep"].join(sentences))]})
        return {"id": "safeguards", "kind": "chapter", "title": L["s_safeguards"], "subsections": subs}

    # 编制依据 -----------------------------------------------------------------------------------------
    def basis(self) -> dict:
        """The guideline and policy the plan follows, then the standards the key tasks cite, by dated edition."""
        from advisor.kb.standards import basis

        L = self.L
        blocks: list[dict] = [paragraph(L["p_basis_docs"]),
                              {"type": "list", "items": [L["basis_guideline"], L["basis_policy"]]}]
        ids = self.shortlist()
        rows = [[edition, title, L["list_sep"].join(sorted(mids, key=lambda m: [int(x) for x in m.split(".")]))]
                for edition, title, mids in basis(self.kb, ids, self.lang)]
        if rows:
            blocks += [paragraph(L["p_basis"]),
                       table_block(L["t_basis"], [L["c_standard"], L["c_standard_title"], L["c_measures"]], rows)]
        return {"id": "basis", "kind": "chapter", "title": L["s_basis"], "subsections": [
            {"title": "", "blocks": blocks}]}
