"""The fused carbon–pollutant inventory (guideline 6.3), same-source processes and end-of-pipe trade-offs.

Carbon and pollutants are joined by process, then aggregated by category × owner *before* the
thresholds are applied – otherwise twenty small boilers each under the threshold would vanish.
A group is same-source when its category emits GHG and pollutants from the same activity or fuel
(knowledge analysis.same_source.categories) and it carries at least co2e_share_min of the park's
CO2e (its direct, scope-1 part) and at least pollutant_share_min of some pollutant. The thresholds
are knowledge data, never code; shares are rounded to 6 decimals before they are compared (so 0.1 is 0.1).
"""

from __future__ import annotations

from advisor.accounting._common import UNASSIGNED, Processes, calc_share, processes_of, r, share


def calc_fused_processes(rows: list[tuple]) -> list[dict]:
    """One row per process (of _process_rows): its CO2e (total and scope 1) beside its pollutants (t)."""
    return [{"process": pid, "name": name, "category": category, "owner": owner, "t_co2e": r(t_co2e),
             "t_co2e_direct": r(t_direct), "pollutants": pollutant_t}
            for pid, name, category, owner, t_co2e, t_direct, pollutant_t in rows]


def _process_rows(carbon: dict, pollutants: dict, procs: Processes, categories=None) -> list[tuple]:
    """(process, name, category, owner, t CO2e, scope-1 t CO2e, {pollutant: t}) per process: the profile's
    processes in their order, then the others of carbon's by_process (energy rows' processes, '(unassigned)') by id.
    categories: the processes of these categories only (the others have none: their category is '(unassigned)')."""
    carbon_rows = {row["process"]: row for row in carbon["by_process"]}
    pollutants_of: dict[str, dict] = {}
    for name, block in pollutants.items():
        for row in block["by_process"]:
            if categories is None or row["category"] in categories:
                pollutants_of.setdefault(row["process"], {})[name] = row["t"]
    rows = []
    found = 0
    for p in procs.rows:
        row = carbon_rows.get(p.id)
        if row is not None:
            found += 1
        if categories is not None and p.category not in categories:
            continue
        if row is None:   # (carbon's by_process lists every process already, as a rule)
            rows.append((p.id, p.name, p.category, p.owner, 0.0, 0.0, pollutants_of.get(p.id, {})))
        else:
            rows.append((p.id, row["name"], row["category"], row["owner"], row["t_co2e"], row["scope_1_t_co2e"],
                         pollutants_of.get(p.id, {})))
    if len(carbon_rows) > found and categories is None:   # processes that processes[] does not hold
        listed = {p.id for p in procs.rows}
        for pid in sorted(k for k in carbon_rows if k not in listed):
            row = carbon_rows[pid]
            rows.append((pid, row["name"], row["category"], row["owner"], row["t_co2e"], row["scope_1_t_co2e"], {}))
    return rows


def calc_groups(rows: list[tuple]) -> list[dict]:
    """Σ by (category, owner) of _process_rows: CO2e, scope-1 CO2e and each pollutant (CO2e None when no process of
    the group has a CO2 figure). The shares are left None for calc_fused (which fills them in when it rounds)."""
    groups: dict[tuple[str, str], dict] = {}
    for pid, _, category, owner, t_co2e, t_direct, pollutant_t in rows:
        key = (category or UNASSIGNED, owner or UNASSIGNED)
        g = groups.get(key)
        if g is None:   # the keys in the order of the output rows
            g = groups[key] = {"category": key[0], "owner": key[1], "processes": [], "t_co2e": None,
                               "t_co2e_direct": None, "co2e_share": None, "pollutants": {}, "pollutant_shares": None}
        g["processes"].append(pid)
        if t_co2e is not None:   # a process without any CO2 figure adds nothing, not 0
            g["t_co2e"] = (g["t_co2e"] or 0.0) + t_co2e
            g["t_co2e_direct"] = (g["t_co2e_direct"] or 0.0) + (t_direct or 0.0)
        group_t = g["pollutants"]
        for p, t in pollutant_t.items():
            group_t[p] = group_t.get(p, 0.0) + t
    return list(groups.values())


def _reason(group: dict, co2e_share: float, over: dict[str, float], category_name) -> tuple[str, str]:
    shares_en = ", ".join(f"{p} {s:.0%}" for p, s in over.items())
    label = group["processes"][0] if len(group["processes"]) == 1 else f"{len(group['processes'])} processes"
    en = (f"{category_name.en} ({label}, owner {group['owner']}) emits GHG and pollutants from the same activity: "
          f"{co2e_share:.0%} of park CO2e (direct) and {shares_en} – one measure here cuts both")
    owner_zh = "园区基础设施" if group["owner"] == "infrastructure" else group["owner"]
    label_zh = group["processes"][0] if len(group["processes"]) == 1 else f"{len(group['processes'])} 个工序"
    zh = (f"{category_name.zh}（{label_zh}，归属 {owner_zh}）的温室气体与污染物同源：占园区CO2当量（直接排放）"
          f"{co2e_share:.0%}，{shares_en}——在此采取措施可同时减污降碳")
    return en, zh


def calc_same_source(groups: list[dict], kb, reasons: bool = True) -> list[dict]:
    """The same-source groups over both thresholds (shares as in calc_fused's groups), largest CO2e share first.
    reasons=False: without the reason texts (the batch screen does not show them)."""
    settings = kb.analysis.same_source
    co2e_min = settings.co2e_share_min.value
    pol_min = settings.pollutant_share_min.value
    out = []
    for g in groups:
        co2e_share = g["co2e_share"]
        if g["category"] not in settings.categories or co2e_share is None or co2e_share < co2e_min:
            continue
        over = {p: s for p, s in g["pollutant_shares"].items() if s is not None and s >= pol_min}
        if not over:
            continue
        if reasons:
            cat = kb.process_categories.get(g["category"])
            en, zh = _reason(g, co2e_share, over, cat.name if cat is not None else _Plain(g["category"]))
        else:
            en = zh = ""
        single = len(g["processes"]) == 1
        out.append({
            "process": g["processes"][0] if single else f"{g['category']}/{g['owner']}",
            "processes": list(g["processes"]),
            "category": g["category"],
            "owner": g["owner"],
            "t_co2e": g["t_co2e_direct"],
            "co2e_share": co2e_share,
            "pollutant_shares": dict(g["pollutant_shares"]),
            "pollutants_over_threshold": list(over),
            "reason": en,
            "reason_zh": zh,
        })
    out.sort(key=lambda row: (-row["co2e_share"], row["process"]))
    return out


class _Plain:
    """A category without a knowledge entry, named by its id in both languages."""

    def __init__(self, text: str) -> None:
        self.en = self.zh = text


def calc_trade_offs(carbon: dict) -> tuple[list[dict], list[dict]]:
    """(trade-offs, other controls): controls that add CO2 (limestone FGD, urea SCR/SNCR, RTO/RCO) with the pollutant
    removed and t CO2 added (None with a note when removed_t is missing), and the controls without a CO2 factor."""
    trade: list[dict] = []
    other: list[dict] = []
    for c in carbon["controls"]:
        row = {"process": c["process"], "owner": c["owner"], "control": c["control"],
               "pollutant_removed": c["pollutant"], "removed_t": r(c["removed_t"]),
               "t_co2_added": r(c["t_co2_added"]), "counted_in_inventory": c["counted"],
               "factor": c["factor"], "note": c["note"], "same_source_as": c.get("same_source_as")}
        (trade if c["adds_co2"] else other).append(row)
    return trade, other


def calc_fused(profile, kb, carbon: dict, pollutants: dict, energy_summary: dict | None,
               detail: bool = True, procs: Processes | None = None) -> dict:
    """The fused inventory block: processes, category × owner groups, and its notes (detail=False: the groups of the
    same-source categories only, all that calc_same_source reads). procs: the profile's processes, when the caller
    has read them already."""
    rows = _process_rows(carbon, pollutants, processes_of(profile, procs),
                         None if detail else kb.analysis.same_source.categories)
    group_rows = calc_groups(rows)
    park_co2e = carbon["total_t_co2e"] or 0.0
    park_pol = {p: b["total_t"] for p, b in pollutants.items()}
    for g in group_rows:
        pollutant_t = g["pollutants"]   # rounded in place, the pollutants in name order
        names = sorted(pollutant_t)
        g["pollutants"] = {p: r(pollutant_t[p]) for p in names}
        g["pollutant_shares"] = {p: share(pollutant_t[p], park_pol.get(p, 0.0)) for p in names}
        t_direct = g["t_co2e_direct"]
        g["t_co2e"] = r(g["t_co2e"])
        g["t_co2e_direct"] = r(t_direct)
        g["co2e_share"] = share(t_direct, park_co2e) if t_direct is not None else None
    group_rows.sort(key=lambda g: (-(g["t_co2e"] or 0.0), g["category"], g["owner"]))
    if not detail:
        return {"groups": group_rows}
    fused = calc_fused_processes(rows)
    fused_notes = []
    grid_mwh = (energy_summary or {}).get("electricity_by_origin_mwh", {}).get("grid", 0.0)
    if grid_mwh:
        scope2 = carbon["by_scope"].get("2", 0.0)
        scope2_share = calc_share(scope2, park_co2e)
        text_share = f"{scope2_share:.0%}" if scope2_share is not None else "n/a"
        fused_notes.append({
            "id": "offsite-grid-pollutants",
            "text_en": (f"grid electricity ({grid_mwh:,.0f} MWh, scope 2 = {text_share} of CO2e) also causes SO2, NOx "
                        "and PM at power plants off site; they are not estimated (no factors in knowledge) – saving "
                        "electricity has off-site co-benefits not shown here"),
            "text_zh": (f"外购电力（{grid_mwh:,.0f} MWh，范围二占CO2当量 {text_share}）"
                        "在园区外电厂产生SO2、NOx和颗粒物，因知识库无相应因子未估算——节电的园区外协同效益未在此体现"),
        })
    return {
        "processes": fused,
        "groups": group_rows,
        "thresholds": {"co2e_share_min": kb.analysis.same_source.co2e_share_min.value,
                       "pollutant_share_min": kb.analysis.same_source.pollutant_share_min.value,
                       "categories": list(kb.analysis.same_source.categories),
                       "basis": "category × owner groups; CO2e share counts direct (scope-1) emissions"},
        "notes": fused_notes,
    }
