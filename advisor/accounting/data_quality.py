"""The data quality of each source of the carbon inventory (guideline Appendix A), and the large coal sources that
the national carbon market would require to measure.

Per process, the weakest of: proxy (activity from a proxy) < default_large_source (a default coal factor on a
source the size of a carbon-market key emitter) < default (provincial or IPCC default factors) < balance (a
feedstock carbon balance) < official (published Chinese factors: grid, heat) < reported (the process reports its
CO2) < measured (measured factors only); not_applicable for CO2-free rows; None without any CO2 figure.

A source is of carbon-market size when its owner's scope-1 CO2 reaches the market's threshold
(knowledge/audit.yaml carbon_market.threshold). For its default-factor coal the CO2 at the market's rule for
unmeasured coal is shown beside it: GJ × carbon content × oxidation × 44/12.
"""

from __future__ import annotations

from advisor.accounting._common import UNASSIGNED, Note, r
from advisor.accounting.audit_texts import audit_note, tons
from advisor.accounting.carbon_factors import C_TO_CO2

ORDER = ("proxy", "default_large_source", "default", "balance", "official", "reported", "measured",
         "not_applicable")
TIERS = {"measured": "measured", "official_cn": "official", "provincial_default": "default",
         "ipcc_default": "default", "renewable_zero": "not_applicable", "not_applicable": "not_applicable",
         "biogenic": "not_applicable"}


def calc_data_quality(profile, kb, lines, contributions, by_process: list[dict], notes: list[Note]) -> dict:
    """Adds `data_quality` to each row of by_process; returns the large sources on default coal factors."""
    market = kb.audit.carbon_market if kb.audit is not None else None
    coal = _coal_carriers(kb)
    owner_t: dict[str, float] = {}
    grades: dict[str | None, set[str]] = {}
    default_coal = False   # a coal row on a default factor: only then can a source be flagged
    for c in contributions:
        if not c.counted:
            continue
        if c.scope == "1":
            owner_t[c.owner] = owner_t.get(c.owner, 0.0) + c.t_co2e
        basis = c.basis
        if basis == "computed" and c.factor is not None:
            grade = TIERS.get(c.factor.tier, "default")
            if grade == "default" and c.carrier in coal:
                default_coal = True
        elif basis == "reported" or basis == "balance":
            grade = basis
        else:
            continue   # CO2 a control adds: a trade-off estimate, not the accounting of the source itself
        found = grades.get(c.process)
        if found is None:
            grades[c.process] = {grade}
        else:
            found.add(grade)
    large: list[dict] = []
    if market is not None and default_coal and any(t >= market.threshold.value for t in owner_t.values()):
        large = _large_sources(profile, kb, lines, contributions, owner_t, notes)
    flagged = {row["process"] for row in large}
    proxy = {ln.process or UNASSIGNED for ln in lines if ln.row.data_tier == "proxy"}
    for row in by_process:
        pid = row["process"]
        found = set(grades.get(None if pid == UNASSIGNED else pid, ()))
        if pid in proxy:
            found.add("proxy")
        if pid in flagged:
            found.add("default_large_source")
        row["data_quality"] = min(found, key=ORDER.index) if found else None
    return {"threshold_t_co2e": market.threshold.value if market else None, "large_sources": large}


def _coal_carriers(kb) -> frozenset[str]:
    return kb.derived("accounting.unmeasured_coal", lambda kb: frozenset(
        kb.audit.carbon_market.unmeasured_coal.carriers if kb.audit is not None else ()))


def _large_sources(profile, kb, lines, contributions, owner_t: dict[str, float], notes: list[Note]) -> list[dict]:
    market = kb.audit.carbon_market
    threshold = market.threshold.value
    coal = set(market.unmeasured_coal.carriers)
    per_gj = market.unmeasured_coal.carbon_content.value * market.unmeasured_coal.oxidation.value * C_TO_CO2
    industry = {e.id: e.industry for e in profile.enterprises or []}
    generators = {ln.process for ln in lines if ln.kind == "electricity" and ln.origin_used == "onsite_fossil"}
    by_process: dict[str, dict] = {}
    for c in contributions:
        if not (c.counted and c.basis == "computed" and c.carrier in coal and c.factor is not None
                and c.factor.tier != "measured" and owner_t.get(c.owner, 0.0) >= threshold):
            continue
        ln = lines[c.line] if c.line is not None and c.line < len(lines) else None
        entry = by_process.setdefault(c.process or UNASSIGNED,
                                      {"process": c.process or UNASSIGNED, "owner": c.owner, "t_co2": 0.0,
                                       "gj": 0.0, "gj_known": True})
        entry["t_co2"] += c.t_co2e
        if ln is None or ln.gj is None:
            entry["gj_known"] = False
        else:
            entry["gj"] += ln.gj
    out = []
    for pid, e in by_process.items():
        code = industry.get(e["owner"])
        sector = ("power" if pid in generators or code in market.power_industries.codes
                  else "possibly_covered" if code in market.other_industries.codes else None)
        high = e["gj"] * per_gj if e["gj_known"] else None
        row = {"process": pid, "owner": e["owner"], "t_co2": r(e["t_co2"]), "owner_t_co2": r(owner_t[e["owner"]]),
               "sector": sector, "t_co2_if_unmeasured_market_rule": r(high),
               "difference": r(high / e["t_co2"] - 1, 4) if high is not None and e["t_co2"] else None}
        out.append(row)
        words = {"power": ("sector-power",), "possibly_covered": ("sector-possible",)}.get(sector or "", ())
        sector_text = audit_note(kb, words[0]) if words else None
        notes.append(audit_note(
            kb, "default-coal-large-source", process=pid, t=tons(row["t_co2"]), owner=e["owner"],
            owner_t=tons(row["owner_t_co2"]), threshold=tons(threshold),
            sector=(sector_text.en, sector_text.zh) if sector_text else "",
            high=tons(row["t_co2_if_unmeasured_market_rule"]),
            pct=f"{row['difference']:.0%}" if row["difference"] is not None else "—"))
    return out
