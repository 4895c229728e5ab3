"""Missing data are findings, not crashes: what is missing, where it goes in the profile, and what it blocks."""

from __future__ import annotations


def _gap(gid: str, missing: str, blocks: list[str], en: str, zh: str) -> dict:
    return {"id": gid, "missing": missing, "blocks": blocks, "text_en": en, "text_zh": zh}


def find_gaps(profile, kb, energy: dict, carbon: dict, decoupling: dict, trade_offs: list[dict],
              notes_ids: set[str]) -> list[dict]:
    """Every data gap of the status analysis, in a fixed order."""
    p = profile
    gaps: list[dict] = []
    if not p.energy:
        gaps.append(_gap("no-energy", "energy", ["energy balance", "carbon (scope 1 and 2 from energy)"],
                         "no energy activity data: the energy balance and the carbon computed from energy are missing",
                         "缺少能源活动数据：无法编制能源平衡表，也无法由能耗核算碳排放"))
    elif energy.get("rows_without_process"):
        n = energy["rows_without_process"]
        gaps.append(_gap("energy-rows-without-process", "energy[].process",
                         ["fused inventory by process", "same-source screening"],
                         f"{n} energy row(s) name no process: their CO2 cannot be joined with pollutants by process",
                         f"{n} 条能源数据未注明工序：其碳排放无法与污染物按工序关联"))
    if p.energy and not energy.get("electricity_grid_known"):
        gaps.append(_gap("no-grid-electricity", "energy[] (carrier electricity, origin grid)",
                         ["electricity share", "renewable share of electricity"],
                         "no grid electricity row: the electricity bought is unknown, so the electricity share and "
                         "the renewable share of electricity are unknown (a grid row of 0 states that none is bought)",
                         "缺少电网购电数据：外购电量未知，电力占比和绿电占比无法计算（未购电请填写电网购电0）"))
    untiered = sum(1 for e in p.energy or [] if e.data_tier is None)
    if untiered:
        gaps.append(_gap("energy-rows-without-tier", "energy[].data_tier", ["carbon data quality"],
                         f"{untiered} energy row(s) state no data tier: the quality of the carbon data cannot be "
                         "judged",
                         f"{untiered} 条能源数据未注明数据层级：无法判断碳核算数据质量"))
    if p.energy and p.exports is None:
        gaps.append(_gap("exports-not-stated", "exports", ["energy net of exports", "CO2 of exports"],
                         "exports are not stated: energy and CO2 delivered outside the park are unknown "
                         "(an empty list states that there are none)",
                         "未说明对外输出能源：输出的能源及其碳排放未知（无输出请填写空列表）"))
    if "no-emission-factor" in notes_ids:
        gaps.append(_gap("no-emission-factor", "energy[].factor", ["carbon completeness"],
                         "some fuels have no emission factor in knowledge and no measured factor: their CO2 is missing",
                         "部分燃料既无知识库因子也无实测因子：其碳排放缺失"))
    if not p.processes:
        gaps.append(_gap("no-processes", "processes", ["pollutants", "fused inventory", "same-source screening",
                                                      "end-of-pipe trade-offs", "process emission share"],
                         "no emitting processes: the pollutant inventory and the fused carbon–pollutant inventory "
                         "cannot be built",
                         "缺少排放工序数据：无法编制污染物清单和碳—污染物融合清单"))
    elif not any(name in kb.pollutants for proc in p.processes for name in proc.emissions):
        gaps.append(_gap("processes-without-pollutants", "processes[].emissions",
                         ["pollutants", "same-source screening"],
                         "no process names a pollutant: the pollutant inventory is missing, not zero",
                         "各工序均未给出污染物排放量：缺少污染物清单（不等于零排放）"))
    if p.economy is None:
        gaps.append(_gap("no-economy", "economy", ["decoupling", "carbon intensity"],
                         "no economic series: decoupling and carbon intensity cannot be computed",
                         "缺少经济指标序列：无法分析脱钩状态和碳排放强度"))
    elif carbon.get("intensity") is None:
        gaps.append(_gap("economy-base-year-missing", f"economy.values.{p.park.base_year}", ["carbon intensity"],
                         f"the economy has no value for the base year {p.park.base_year}: no carbon intensity",
                         f"经济指标缺少基准年 {p.park.base_year} 数值：无法计算碳排放强度"))
    if p.emissions_history is None:
        gaps.append(_gap("no-emissions-history", "emissions_history", ["decoupling"],
                         "no emission series: the decoupling state cannot be judged",
                         "缺少排放历史序列：无法判断脱钩状态"))
    else:
        series = p.emissions_history.series
        if "CO2e" not in series and "CO2" not in series:
            gaps.append(_gap("history-without-carbon", "emissions_history.CO2e", ["carbon_state", "synergy"],
                             "emissions_history has no CO2e (or CO2) series: no carbon decoupling state",
                             "排放历史缺少CO2e（或CO2）序列：无法判断碳排放脱钩状态"))
        basis = set(kb.decoupling.total_control_pollutants) | set(p.characteristic_pollutants or [])
        if not basis & set(series):
            gaps.append(_gap("history-without-pollutants", "emissions_history.SO2",
                             ["pollutant_state", "synergy"],
                             "emissions_history has no total-control or characteristic pollutant: no pollutant "
                             "decoupling state",
                             "排放历史缺少总量控制污染物或特征污染物：无法判断污染物脱钩状态"))
    if p.economy is not None and p.emissions_history is not None and not decoupling.get("periods"):
        gaps.append(_gap("few-common-years", "economy.values / emissions_history", ["decoupling"],
                         "fewer than two years have both the economy and emissions: no period to judge",
                         "经济与排放共同年份不足两年：无法进行脱钩分析"))
    for per in decoupling.get("periods", []):
        if per.get("kind") == "requested" and not per.get("data_complete"):
            gaps.append(_gap("period-data-missing", "economy.values / emissions_history",
                             [f"decoupling {per['from']}–{per['to']}"],
                             f"the requested period {per['from']}–{per['to']} lies (partly) outside the data: "
                             + "; ".join(per["warnings"][:1]),
                             f"所选时段 {per['from']}–{per['to']} 超出已有数据范围"))
    if p.characteristic_pollutants is None:
        gaps.append(_gap("no-characteristic-pollutants", "characteristic_pollutants", ["pollutant_state basis"],
                         "the park's characteristic pollutants are not stated: the pollutant state rests on the "
                         "total-control pollutants only",
                         "未说明园区特征污染物：污染物脱钩状态仅依据总量控制污染物判断"))
    missing_removed = sorted({t["process"] for t in trade_offs
                              if t["t_co2_added"] is None and t["pollutant_removed"] is not None})
    if missing_removed:
        gaps.append(_gap("control-removed-missing", "processes[].removed_t", ["end-of-pipe trade-offs"],
                         f"controls without removed_t ({', '.join(missing_removed)}): "
                         "the CO2 they add is not estimated",
                         f"末端治理设施未给出去除量（{', '.join(missing_removed)}）：其增碳量未估算"))
    if p.processes and not trade_offs and any(proc.controls is None for proc in p.processes):
        gaps.append(_gap("controls-not-stated", "processes[].controls", ["end-of-pipe trade-offs"],
                         "the end-of-pipe controls of the processes are not stated: whether controls add CO2 "
                         "is unknown",
                         "未说明各工序的末端治理设施：无法判断末端治理是否增碳"))
    ranged = [b for b in carbon.get("feedstock_balance") or [] if b["status"] == "range"]
    if ranged:
        names = ", ".join(b["process"] for b in ranged)
        gaps.append(_gap("feedstock-products-missing", "materials[] (kind product or byproduct)",
                         ["process CO2 of feedstock", "process share of CO2"],
                         f"the products of the feedstock of {names} are not stated (or have no carbon content in "
                         "knowledge): their process CO2 is only a range and the process share of the park's CO2 is "
                         "unknown",
                         f"{names} 的原料对应产品未填写（或知识库无其含碳量）：过程排放仅为区间，过程排放占比未知"))
    if p.materials is None:
        gaps.append(_gap("no-materials", "materials", ["material flow analysis", "symbiosis links"],
                         "no material flows: by-product use and symbiosis links cannot be analysed",
                         "缺少物质流数据：无法分析副产物利用与企业间共生"))
    return gaps
