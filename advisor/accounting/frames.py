"""pandas views of an analysis result ("pandas out" for reports and notebooks).

pandas is imported inside each function: importing advisor.accounting stays cheap for the CLI and
for batch runs, which never need a DataFrame.
"""

from __future__ import annotations


def _pd():
    import pandas as pd

    return pd


def energy_balance_frame(result: dict):
    """source → process → use, in tce (one row per energy row; `counted` false for on-site conversions).

    Columns: source (carrier, with its origin when given), carrier, origin, process, owner, use, amount, unit, tce,
    counted – ready for a Sankey (source → process, process → use).
    """
    pd = _pd()
    rows = [{"source": f"{b['carrier']}:{b['origin']}" if b["origin"] else b["carrier"], **b}
            for b in result["energy"]["balance"]]
    cols = ["source", "carrier", "origin", "process", "owner", "use", "amount", "unit", "tce", "counted"]
    return pd.DataFrame(rows, columns=cols)


def carbon_frame(result: dict, by: str = "process"):
    """Carbon by scope | carrier | process | owner | category, with shares; by='factors' gives factors_used."""
    pd = _pd()
    carbon = result["carbon"]
    if by == "scope":
        total = carbon["total_t_co2e"] or 0.0
        return pd.DataFrame([{"scope": k, "t_co2e": v, "share": (v / total if total else None)}
                             for k, v in carbon["by_scope"].items()], columns=["scope", "t_co2e", "share"])
    if by == "factors":
        return pd.DataFrame(carbon["factors_used"])
    key = {"carrier": "by_carrier", "process": "by_process", "owner": "by_owner", "category": "by_category"}.get(by)
    if key is None:
        raise ValueError(f"carbon_frame: by must be scope, carrier, process, owner, category or factors, not {by!r}")
    return pd.DataFrame(carbon[key])


def pollutants_frame(result: dict):
    """One row per pollutant × process: pollutant, process, owner, category, t, share (of that pollutant)."""
    pd = _pd()
    rows = [{"pollutant": pid, **row} for pid, block in result["pollutants"].items() for row in block["by_process"]]
    return pd.DataFrame(rows, columns=["pollutant", "process", "owner", "category", "t", "share"])


def fused_frame(result: dict):
    """The fused inventory: one row per process with CO2e (total and direct) and one column per pollutant (t)."""
    pd = _pd()
    rows = []
    for p in result["fused"]["processes"]:
        row = {k: p[k] for k in ("process", "name", "category", "owner", "t_co2e", "t_co2e_direct")}
        row.update(p["pollutants"])
        rows.append(row)
    same = {pid for s in result["same_source"] for pid in s["processes"]}
    frame = pd.DataFrame(rows)
    if not frame.empty:
        frame["same_source"] = frame["process"].isin(same)
    return frame


def decoupling_frame(result: dict, industry: str | None = None):
    """One row per period × substance: from, to, kind, economy_change, substance, change, elasticity, tapio, state,
    and the period's pollutant_state, carbon_state and synergy. `industry` selects decoupling.by_industry[code]."""
    pd = _pd()
    d = result["decoupling"]
    periods = d["by_industry"][industry]["periods"] if industry else d["periods"]
    rows = []
    for p in periods:
        for name, s in p["substances"].items():
            rows.append({"from": p["from"], "to": p["to"], "kind": p.get("kind"), "economy_change": p["economy_change"],
                         "substance": name, "change": s["change"], "elasticity": s["elasticity"], "tapio": s["tapio"],
                         "state": s["state"], "pollutant_state": p["pollutant_state"],
                         "carbon_state": p["carbon_state"], "synergy": p["synergy"]})
    cols = ["from", "to", "kind", "economy_change", "substance", "change", "elasticity", "tapio", "state",
            "pollutant_state", "carbon_state", "synergy"]
    return pd.DataFrame(rows, columns=cols)
