"""The park profile (format 1, CONTRACT §2) as an Excel workbook (.xlsx) a park manager can fill in.

`read_workbook(path)` gives the same dict tree a YAML profile gives; `write_workbook(profile, path)` writes
one (an empty profile gives the blank template). Both round-trip: for every valid profile,
``Profile.model_validate(read_workbook(p)).model_dump() == Profile.model_validate(profile).model_dump()``
once ``write_workbook(profile, p)`` has run. The layout is derived from the pydantic model in
advisor/schemas/profile.py, so a field added there gets its row or column here without further work
(tests/test_workbook.py checks that every field has a place).

Layout
------
README
    how to fill the workbook (Chinese and English); ignored when reading (also `说明`, `instructions`).

Fact sheets – columns ``path | value | 说明 | note``; one row per scalar fact, the path is the dotted profile path:
    ``park``                schema_version, park.* (boundary.* included), economy.indicator/unit/constant_prices,
                            emissions_history.unit, characteristic_pollutants, accounting.*
    ``management``          management.*
    ``infrastructure``      infrastructure.* (central_wastewater_plant.*, hazardous_waste.* …) and water.*
    ``enterprises_summary`` enterprises_summary.*
    ``third_party``         third_party.*
    ``surroundings``        surroundings.*
    Any fact path is accepted on any fact sheet; a path given twice is an error.

Table sheets – row 1 holds the column names (dotted paths inside one list item), one item per row:
    ``industries`` (park.industries), ``boundary_changes`` (park.boundary_changes), ``energy``, ``exports``,
    ``processes``, ``enterprises``, ``programmes`` (management.programmes), ``boilers``
    (enterprises_summary.boilers), ``materials``.
    Nested fields are dotted (``factor.value``). Per-substance amounts are one column each:
    ``emissions.SO2``, ``emissions.CO2``, ``removed_t.NOx`` … – add a column for any other substance.

``history`` sheet – columns ``series | industry | 2018 | 2019 | …`` (one column per year):
    series ``economy`` fills economy.values (economy.by_industry when `industry` holds a division code);
    any other series is a substance (CO2e, SO2, NOx …) and fills emissions_history (by_industry likewise).

Cell conventions
    * empty cell → the key is absent = **unknown** (never "no"); so are ``unknown``, ``未知``, ``null``, ``?``;
    * yes/no: TRUE/FALSE (Excel booleans), 是/否, 有/无, yes/no, y/n, 1/0;
    * numbers: numeric cells, or text such as ``5.21e6``, ``1,200`` or ``35%`` (= 0.35);
    * lists of names (byproduct_streams, services, controls, characteristic_pollutants …): comma-separated
      text (``,``, ``，``, ``;``, ``、``); ``none`` (or ``无``) means known to be none (an empty list);
    * a table whose only row is ``none`` (or ``无``) in its first column is known to be empty; a table
      with no rows is unknown;
    * a row whose first cell starts with ``#`` is a comment (the written notes rows are such rows).

Safety: files above MAX_WORKBOOK_BYTES, archives that expand beyond MAX_UNCOMPRESSED_BYTES, more than
MAX_ROWS rows or MAX_COLUMNS columns in a sheet are refused; workbooks are opened with read_only=True,
data_only=True (formulas give their cached values). Every problem is raised as a ProfileError whose
issues name the file, the ``sheet!cell`` and a fix – never a traceback.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import types
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Iterable, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from advisor.errors import Issue, ProfileError, did_you_mean
from advisor.profile.model import EmissionsHistory, Profile, coerce_number

MAX_WORKBOOK_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ROWS = 5_000
MAX_COLUMNS = 200
MAX_ISSUES = 200

README_SHEETS = {"readme", "说明", "instructions", "填表说明"}
PATH_FIX = "use a path listed in the template (e.g. park.name, management.synergy_plan)"

# fact sheets and the top-level sections whose scalar facts they hold (first match wins; the rest → park)
FACT_SHEETS: dict[str, tuple[str, ...]] = {
    "park": ("schema_version", "park", "economy", "emissions_history", "characteristic_pollutants", "accounting"),
    "management": ("management",),
    "infrastructure": ("infrastructure", "water"),
    "enterprises_summary": ("enterprises_summary",),
    "third_party": ("third_party",),
    "surroundings": ("surroundings",),
}
# table sheets and the list they hold
TABLE_SHEETS: dict[str, str] = {
    "industries": "park.industries",
    "boundary_changes": "park.boundary_changes",
    "energy": "energy",
    "exports": "exports",
    "processes": "processes",
    "enterprises": "enterprises",
    "materials": "materials",
    "programmes": "management.programmes",
    "boilers": "enterprises_summary.boilers",
}
HISTORY_SHEET = "history"
# dict-valued profile fields that the history sheet holds
HISTORY_PATHS = {"economy.values", "economy.by_industry", "emissions_history.series", "emissions_history.by_industry"}
SHEET_ORDER = ["park", HISTORY_SHEET, "industries", "boundary_changes", "energy", "exports", "processes",
               "enterprises", "materials", "management", "programmes", "infrastructure", "enterprises_summary",
               "boilers", "third_party", "surroundings"]

# substance columns always offered on the processes sheet (more appear when a profile uses them)
DEFAULT_FAMILY_KEYS = {
    "emissions": ["CO2", "CH4", "N2O", "SO2", "NOx", "PM", "VOCs", "COD", "NH3-N"],
    "removed_t": ["SO2", "NOx", "VOCs"],
}
TEMPLATE_HISTORY_SERIES = ["economy", "CO2e", "SO2", "NOx", "VOCs", "PM", "COD", "NH3-N"]
TEMPLATE_YEARS = [2018, 2019, 2020, 2021, 2022, 2023]

TRUE_WORDS = {"true", "yes", "y", "t", "是", "有", "对", "1"}
FALSE_WORDS = {"false", "no", "n", "f", "否", "无", "没有", "0"}
NONE_WORDS = {"none", "无", "(none)", "（无）", "(无)", "[]", "-none-"}
UNKNOWN_WORDS = {"unknown", "未知", "不详", "null", "~", "?", "？", "n/a"}
LIST_SPLIT = re.compile(r"[,，;；、]+")
FACT_HEADERS = {"path": "path", "路径": "path", "value": "value", "值": "value", "数值": "value",
                "note": "note", "说明": "note", "备注": "note", "note_en": "note"}
HISTORY_HEADERS = {"series": "series", "substance": "series", "项目": "series", "industry": "industry",
                   "行业": "industry"}
YEAR_HEADER = re.compile(r"^\s*(\d{4})\s*(年)?\s*$")


# --------------------------------------------------------------------------------------------------
# The field specification, derived from the pydantic model
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Spec:
    """One cell kind: a scalar fact, a table column, or a family of per-substance columns."""

    path: str                       # dotted path (profile path for facts, item path for table columns)
    kind: str                       # text | number | integer | bool | choice | list
    choices: tuple = ()             # for choice, and for the items of a list
    bounds: tuple = ()              # ((op, limit), …) with op in ge, gt, le, lt
    family: bool = False            # a dict of numbers, one column per key (emissions.SO2 …)


def _unwrap(tp: Any) -> tuple[Any, list[tuple[str, float]]]:
    """The bare type of an annotation (Optional and Annotated removed) and its numeric bounds."""
    bounds: list[tuple[str, float]] = []
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            args = get_args(tp)
            tp = args[0]
            for meta in args[1:]:
                bounds += _bounds_of(getattr(meta, "metadata", None) or [meta])
            continue
        if origin in (Union, types.UnionType):
            args = [a for a in get_args(tp) if a is not type(None)]
            if len(args) == 1:
                tp = args[0]
                continue
        return tp, bounds


def _bounds_of(metadata: Iterable[Any]) -> list[tuple[str, float]]:
    out = []
    for m in metadata:
        for op in ("ge", "gt", "le", "lt"):
            value = getattr(m, op, None)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                out.append((op, value))
    return out


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _scalar_spec(path: str, tp: Any, bounds: list) -> Spec | None:
    if get_origin(tp) is Literal:
        return Spec(path, "choice", tuple(get_args(tp)))
    if tp is bool:
        return Spec(path, "bool")
    if tp is int:
        return Spec(path, "integer", bounds=tuple(bounds))
    if tp is float:
        return Spec(path, "number", bounds=tuple(bounds))
    if tp is str:
        return Spec(path, "text")
    return None


def _walk(model: type[BaseModel], prefix: str, skip: set[str]) -> tuple[list[Spec], list[str]]:
    """Specs of the scalar (and list-of-scalar) leaves of a model; also the paths with no place here."""
    specs: list[Spec] = []
    unplaced: list[str] = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        if path in skip:
            continue
        tp, bounds = _unwrap(info.annotation)
        bounds += _bounds_of(info.metadata)
        origin = get_origin(tp)
        if _is_model(tp):
            sub, missing = _walk(tp, f"{path}.", skip)
            specs += sub
            unplaced += missing
        elif origin is list:
            item, item_bounds = _unwrap(get_args(tp)[0])
            if _is_model(item):
                unplaced.append(path)
                continue
            item_spec = _scalar_spec(path, item, item_bounds)
            specs.append(Spec(path, "list", item_spec.choices if item_spec else ()))
        elif origin is dict:
            value, value_bounds = _unwrap(get_args(tp)[1])
            if value is float:
                specs.append(Spec(path, "number", bounds=tuple(value_bounds), family=True))
            else:
                unplaced.append(path)
        else:
            spec = _scalar_spec(path, tp, bounds)
            if spec is None:
                unplaced.append(path)
            else:
                specs.append(spec)
    return specs, unplaced


def _model_at(path: str) -> type[BaseModel]:
    """The item model of the list at a dotted profile path."""
    model: Any = Profile
    for part in path.split("."):
        tp, _ = _unwrap(model.model_fields[part].annotation)
        if get_origin(tp) is list:
            tp, _ = _unwrap(get_args(tp)[0])
        model = tp
    return model


def _fact_specs() -> tuple[dict[str, Spec], list[str]]:
    skip = set(TABLE_SHEETS.values()) | HISTORY_PATHS
    specs, unplaced = _walk(Profile, "", skip)
    # a family (dict of numbers) among the facts has no place: only tables and history hold those
    unplaced += [s.path for s in specs if s.family]
    return {s.path: s for s in specs if not s.family}, unplaced


def _table_specs() -> tuple[dict[str, dict[str, Spec]], list[str]]:
    tables: dict[str, dict[str, Spec]] = {}
    unplaced: list[str] = []
    for sheet, path in TABLE_SHEETS.items():
        specs, missing = _walk(_model_at(path), "", set())
        tables[sheet] = {s.path: s for s in specs}
        unplaced += [f"{path}[].{m}" for m in missing]
    return tables, unplaced


FACTS, _UNPLACED_FACTS = _fact_specs()
TABLES, _UNPLACED_COLUMNS = _table_specs()


def unplaced_fields() -> list[str]:
    """Profile fields that have no row, column or history entry in the workbook (should be none)."""
    return _UNPLACED_FACTS + _UNPLACED_COLUMNS


def fact_sheet_of(path: str) -> str:
    top = path.split(".")[0]
    for sheet, sections in FACT_SHEETS.items():
        if top in sections:
            return sheet
    return "park"


# --------------------------------------------------------------------------------------------------
# Notes (zh, en) shown beside facts and under column names
# --------------------------------------------------------------------------------------------------

NOTES: dict[str, tuple[str, str]] = {
    "schema_version": ("格式版本，填 1", "profile format version: 1"),
    "park.id": ("园区标识：字母、数字、- _ .，批量处理时唯一", "slug: letters, digits, - _ .; unique in a batch"),
    "park.name": ("园区名称", "park name"),
    "park.name_en": ("英文名称（可选）", "English name (optional)"),
    "park.level": ("园区级别", "level"),
    "park.province": ("所在省份，如 浙江省", "province, Chinese name, e.g. 浙江省"),
    "park.base_year": ("基准年（能源与排放数据所属年份）", "base year of the activity data"),
    "park.boundary.type": ("边界类型（指南4.2.1，一般推荐实体边界 physical）",
                           "boundary type (guideline 4.2.1; physical is recommended)"),
    "park.boundary.area_km2": ("边界内面积，km²", "area within the boundary, km²"),
    "park.boundary.description": ("边界如何划定", "how the boundary is drawn"),
    "park.enterprise_count": ("企业数量", "number of enterprises"),
    "park.water_scarce": ("是否列入缺水地区名单", "on an official water-scarcity list"),
    "park.key_air_region": ("是否位于大气污染防治重点区域", "in a national key air-pollution control region"),
    "park.vacant_land_share": ("尚可供新项目使用的用地比例", "share of the area still open for new projects"),
    "economy.indicator": ("脱钩分析用经济指标（逐年数值填在 history 表 economy 行）",
                          "economic indicator for decoupling (yearly values: history sheet, row economy)"),
    "economy.unit": ("经济指标单位，默认 亿元", "unit of the economic values, default 亿元"),
    "economy.constant_prices": ("是否为可比价（不变价）；现价会使脱钩结果偏乐观",
                                "constant (comparable) prices? nominal values flatter decoupling"),
    "emissions_history.unit": ("history 表排放量的单位，默认 t", "unit of the emissions on the history sheet, default t"),
    "characteristic_pollutants": ("园区特征污染物，如 VOCs 或 Cr, Ni", "the park's own key pollutants, e.g. VOCs or Cr, Ni"),
    "accounting.grid_factor": ("电网排放因子系列，默认 mee_nbs_national", "grid emission factor series, default mee_nbs_national"),
    "accounting.grid_region": ("区域电网（选 mee_nbs_regional 时填写）", "regional grid (with mee_nbs_regional)"),
    "accounting.grid_year": ("电网因子年份，默认基准年或之前最近一年", "grid factor year; default: base year or the latest before it"),
    "accounting.gwp": ("全球增温潜势版本，默认 AR5", "GWP set, default AR5"),
    "accounting.fuel_factors": ("燃料排放因子集，默认 cn_default", "fuel factor set, default cn_default"),
    "accounting.steam_gj_per_t": ("蒸汽焓值 GJ/t，蒸汽以吨计时用于换算", "steam enthalpy, GJ/t, for steam given in t"),
    "accounting.include_scope3": ("是否核算范围三，默认否", "include scope 3 (default no)"),
    "management.synergy_plan": ("是否已有减污降碳协同控制规划或路线图（顶层设计）", "a co-control plan or roadmap exists"),
    "management.plan_scope": ("现有规划范围：integrated 协同 / carbon_only 仅碳达峰 / pollution_only 仅环保",
                              "scope of the existing plan"),
    "management.plan_year": ("规划编制年份", "year of the plan"),
    "management.plan_has_targets": ("规划是否有 2025/2030 量化目标", "the plan has quantified 2025/2030 targets"),
    "management.appraisal_includes_synergy": ("协同成效是否纳入园区对部门、平台公司的考核",
                                              "co-control results count in the appraisal the park sets"),
    "management.synergy_in_regulations": ("是否写入准入、环评、排污许可、节能审查等制度",
                                          "co-control in admission, EIA, permit and energy-review rules"),
    "management.smart_platform": ("智慧园区平台：none 无 / basic 基础 / carbon_and_pollution 含碳与污染物数据",
                                  "smart park platform"),
    "management.disclosure": ("园区是否公开自身碳与污染物清单（企业法定披露不算）",
                              "the park publishes its own carbon and pollutant inventory"),
    "infrastructure.central_wastewater_plant.present": ("是否有集中污水处理厂", "a central wastewater plant exists"),
    "infrastructure.central_wastewater_plant.capacity_t_d": ("设计处理能力，t/d", "design capacity, t/d"),
    "infrastructure.central_wastewater_plant.load_ratio": ("负荷率（实际/设计）", "load ratio (actual / design)"),
    "infrastructure.central_wastewater_plant.reclaimed_water_ratio": ("再生水回用比例", "share of effluent reclaimed"),
    "infrastructure.central_wastewater_plant.kwh_per_m3": ("吨水电耗，kWh/m³", "electricity per m³ treated, kWh/m³"),
    "infrastructure.central_wastewater_plant.anaerobic": ("是否有厌氧或水解酸化单元", "anaerobic or hydrolysis units"),
    "infrastructure.central_wastewater_plant.sludge_landfilled": ("污泥是否填埋", "sludge goes to landfill"),
    "infrastructure.central_heating": ("集中供热方式", "central heat supply"),
    "infrastructure.steam_demand_t_h": ("园区蒸汽需求，t/h", "steam demand of the park, t/h"),
    "infrastructure.hazardous_waste.generated_t": ("危险废物年产生量，t", "hazardous waste generated, t/yr"),
    "infrastructure.hazardous_waste.disposal_capacity_t": ("可用危废处置能力，t/a", "disposal capacity available, t/yr"),
    "infrastructure.hazardous_waste.landfilled_t": ("危废填埋量，t", "hazardous waste landfilled, t/yr"),
    "infrastructure.hazardous_waste_facility": ("园区内是否有危废处置设施", "a hazardous-waste facility in the park"),
    "infrastructure.waste_incineration": ("是否有焚烧设施", "an incinerator in the park"),
    "infrastructure.energy_env_links": ("能源与环境基础设施已有的耦合；none = 无", "existing energy–environment links; none = none"),
    "infrastructure.utility_corridor": ("是否有公共管廊", "shared pipe racks (管廊)"),
    "infrastructure.digital_infrastructure": ("物联网计量、5G、在线监测骨干网", "IoT metering, 5G, online monitoring backbone"),
    "infrastructure.clean_truck_infrastructure": ("新能源重卡充换电或加氢设施", "charging / swapping / hydrogen for heavy trucks"),
    "infrastructure.pv_capacity_mw": ("已建光伏装机，MW", "installed PV, MW"),
    "infrastructure.pv_potential_mw": ("光伏可开发潜力，MW", "PV potential, MW"),
    "infrastructure.energy_storage": ("是否有储能", "energy storage"),
    "infrastructure.microgrid": ("是否有微电网", "microgrid"),
    "infrastructure.integrated_energy_system": ("是否有综合能源系统（多能互补）", "integrated (multi-energy) system"),
    "infrastructure.cooling_demand": ("是否有较大制冷需求", "significant cooling demand"),
    "water.fresh_water_m3": ("新鲜水取用量，m³/a", "fresh water withdrawn, m³/yr"),
    "water.reuse_rate": ("水重复利用率", "water reuse rate"),
    "water.high_salt_wastewater": ("是否产生高盐废水", "high-salt wastewater"),
    "enterprises_summary.key_energy_users": ("重点用能单位数（≥1万 tce/a）", "enterprises ≥ 10,000 tce/yr"),
    "enterprises_summary.clean_production_audit_coverage": ("重点企业清洁生产审核覆盖率", "cleaner-production audit coverage"),
    "enterprises_summary.three_level_metering_coverage": ("重点用能单位三级计量覆盖率", "three-level metering coverage"),
    "enterprises_summary.online_monitoring_coverage": ("重点排污单位在线监测覆盖率", "online monitoring coverage"),
    "enterprises_summary.energy_management_coverage": ("企业碳/能源/污染管理体系覆盖率", "energy/carbon/pollution management systems"),
    "enterprises_summary.self_owned_coal_boilers": ("企业自备燃煤锅炉台数（无锅炉清单时填写）", "self-owned coal boilers (when boilers is unknown)"),
    "enterprises_summary.high_temperature_processes": ("是否有窑炉、反应器、加热炉等高温工艺", "kilns, reactors, furnaces"),
    "enterprises_summary.waste_heat_recovery_rate": ("余热回收率（含低品位余热）", "waste heat recovered / recoverable"),
    "enterprises_summary.solid_waste_t": ("一般工业固废产生量，t/a", "general solid waste, t/yr"),
    "enterprises_summary.solid_waste_utilization_rate": ("一般固废综合利用率", "solid-waste utilisation rate"),
    "enterprises_summary.export_share": ("产品出口比例", "share of output exported"),
    "enterprises_summary.green_supply_chain": ("是否开展绿色供应链管理", "green supply-chain management"),
    "enterprises_summary.symbiosis_links": ("企业间已有副产品、能源、水交换数", "existing by-product / energy / water exchanges"),
    "enterprises_summary.byproduct_streams": ("可供他人利用的副产品流", "by-product streams others could use"),
    "third_party.innovation_consortium": ("是否有技术创新联合体", "an innovation consortium"),
    "third_party.shared_service_platform": ("是否已有共享中心（集中喷涂、电镀、检测、溶剂回收）",
                                           "shared coating, plating, testing or solvent-recovery centres"),
    "third_party.shared_process_firms": ("运行同类排放工序、可由共享中心服务的企业数", "firms a shared centre could serve"),
    "third_party.services": ("已有绿色服务", "green services present"),
    "third_party.sme_share": ("中小企业占比", "share of firms that are SMEs"),
    "surroundings.neighbouring_parks": ("约 30 km 内的其他园区数", "other parks within about 30 km"),
    "surroundings.cross_park_cooperation": ("是否与邻近园区合作", "cooperation with neighbouring parks"),
    "surroundings.road_freight_share": ("公路货运占比", "share of freight by road"),
    "surroundings.bulk_freight_t": ("大宗货物运量，t/a", "bulk freight, t/yr"),
    "surroundings.rail_or_water_access": ("是否有铁路或水运条件", "rail or waterway access"),
    "surroundings.urban_heat_demand_nearby": ("周边是否有可接收余热的城市供热需求", "district-heat demand within reach"),
    "surroundings.cross_boundary_enterprise_links": ("是否有跨园区边界的企业合作或产业链", "enterprise links across the boundary"),
    # table columns: "<sheet>.<column>"
    "industries.code": ("GB/T 4754-2017 两位行业代码，如 C26", "two-digit division, e.g. C26"),
    "industries.share": ("占基准年工业产值比例（0–1）", "share of industrial output in the base year"),
    "boundary_changes.year": ("边界变化年份（该年前后数据不可比）", "year whose data are not comparable"),
    "boundary_changes.note": ("变化说明", "what changed"),
    "energy.carrier": ("能源品种 id：raw_coal, natural_gas, electricity, steam …", "carrier id (knowledge/carriers.yaml)"),
    "energy.amount": ("基准年消费量", "amount used in the base year"),
    "energy.unit": ("单位：t, 万t, Nm3, 万Nm3, MWh, 万kWh, GJ, t steam …", "unit (knowledge/units.csv)"),
    "energy.process": ("对应排放工序 id（processes 表）", "process id (processes sheet)"),
    "energy.owner": ("使用企业 id（enterprises 表）", "enterprise id (enterprises sheet)"),
    "energy.use": ("fuel 燃料（默认）/ feedstock 原料", "fuel (default) or feedstock"),
    "energy.origin": ("电力、热力来源", "origin of electricity or heat"),
    "energy.data_tier": ("活动数据来源等级", "activity-data tier"),
    "energy.factor.value": ("实测或供应商排放因子（可选）", "measured or supplier factor (optional)"),
    "energy.factor.unit": ("因子单位，如 t CO2/t", "factor unit, e.g. t CO2/t"),
    "energy.factor.source": ("因子来源", "source of the factor"),
    "energy.factor.year": ("因子年份", "year of the factor"),
    "exports.carrier": ("输出到边界外的能源品种", "carrier delivered outside the boundary"),
    "exports.amount": ("输出量", "amount"),
    "exports.unit": ("单位", "unit"),
    "processes.id": ("工序标识（唯一）", "process id (unique)"),
    "processes.name": ("工序名称", "name"),
    "processes.category": ("工序类别（knowledge/process_categories.yaml）", "category id"),
    "processes.owner": ("infrastructure（默认）或企业 id", "infrastructure (default) or an enterprise id"),
    "processes.emissions": ("基准年排放量 t/a；列名 emissions.物质", "base-year emissions, t/yr; column emissions.<substance>"),
    "processes.controls": ("末端治理设施：limestone_fgd, scr_urea, rto …", "end-of-pipe controls"),
    "processes.removed_t": ("治理设施去除量 t/a；列名 removed_t.物质", "removed by the controls, t/yr"),
    "enterprises.id": ("企业标识（唯一）", "enterprise id (unique)"),
    "enterprises.name": ("企业名称", "name"),
    "enterprises.industry": ("行业代码，如 C26", "division code"),
    "enterprises.output_share": ("占园区工业产值比例", "share of park output"),
    "enterprises.key_energy_user": ("是否重点用能单位", "key energy user"),
    "materials.enterprise": ("企业 id", "enterprise id"),
    "materials.kind": ("input 原料 / product 产品 / byproduct 副产品 / waste 废物", "kind of stream"),
    "materials.material": ("物料名称", "material"),
    "materials.amount": ("年量", "amount per year"),
    "materials.unit": ("单位，默认 t", "unit, default t"),
    "materials.receiver": ("去向：企业 id，或 outside / landfill / incineration / recycling", "receiver"),
    "materials.hazardous": ("是否危险废物", "hazardous"),
    "programmes.kind": ("参与的园区计划或试点", "programme the park takes part in"),
    "programmes.year": ("年份", "year"),
    "boilers.fuel": ("燃料", "fuel"),
    "boilers.t_h": ("单台容量，t/h", "capacity per boiler, t/h"),
    "boilers.count": ("台数", "number of boilers"),
}


def _hint(spec: Spec) -> tuple[str, str]:
    """A short zh/en hint on how to fill a cell of this kind."""
    bounds = dict(spec.bounds)
    if spec.kind == "bool":
        return "是/否（TRUE/FALSE），留空 = 未知", "TRUE/FALSE (是/否); empty = unknown"
    if spec.kind == "choice":
        opts = " | ".join(str(c) for c in spec.choices)
        return f"可选：{opts}", f"one of: {opts}"
    if spec.kind == "list":
        opts = f"：{' | '.join(spec.choices)}" if spec.choices else ""
        opts_en = f": {' | '.join(spec.choices)}" if spec.choices else ""
        return f"逗号分隔{opts}；none = 无", f"comma-separated{opts_en}; none = known to be none"
    if spec.kind in ("number", "integer"):
        if bounds.get("ge") == 0 and bounds.get("le") == 1:
            return "0–1 的比例（0.35 = 35 %）", "fraction 0–1 (0.35 = 35 %)"
        if spec.kind == "integer":
            return "整数", "whole number"
        return "", ""
    return "", ""


def _note(key: str, spec: Spec, family_key: str | None = None) -> tuple[str, str]:
    zh, en = NOTES.get(key, ("", ""))
    if family_key is not None:
        zh, en = f"{family_key}：{zh}", f"{family_key}: {en}"
    hzh, hen = _hint(spec)
    return "；".join(t for t in (zh, hzh) if t), "; ".join(t for t in (en, hen) if t)


# --------------------------------------------------------------------------------------------------
# Reading cells
# --------------------------------------------------------------------------------------------------

class _CellProblem(Exception):
    def __init__(self, problem: str, fix: str = "") -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix


_ABSENT = object()


def _col_letter(index: int) -> str:
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _text(value: Any) -> str:
    return str(value).replace("\u3000", " ").strip()


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not _text(value))


def _number(value: Any, spec: Spec) -> float | int:
    if isinstance(value, bool):
        raise _CellProblem("expected a number, got a yes/no value", "write a number")
    if isinstance(value, (_dt.date, _dt.time, _dt.timedelta)):
        raise _CellProblem("expected a number, got a date or time",
                           "format the cell as a number (Excel turned the entry into a date)")
    if isinstance(value, str):
        text = _text(value).replace("，", ",")
        if spec.kind == "integer" and text.endswith("年"):
            text = text[:-1].strip()                             # 2022年
        percent = text.endswith("%") or text.endswith("％")
        if percent:
            text = text[:-1].strip()
        try:
            number = coerce_number(text)
        except ValueError:
            raise _CellProblem(f"'{_text(value)}' is not a number",
                               "write a plain number such as 1200, 5.21e6 or 0.35 (units go in the unit column)") from None
        value = number / 100 if percent else number
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _CellProblem(f"'{value}' is not a finite number", "write a plain number")
    if spec.kind == "integer":
        if float(value) != int(value):
            raise _CellProblem(f"{value:g} is not a whole number", "write a whole number (a count or a year)")
        value = int(value)
    for op, limit in spec.bounds:
        bad = {"ge": value < limit, "gt": value <= limit, "le": value > limit, "lt": value >= limit}[op]
        if bad:
            words = {"ge": "at least", "gt": "more than", "le": "at most", "lt": "less than"}[op]
            fix = "shares are fractions: write 0.35 for 35 %" if op == "le" and limit == 1 else f"write a value {words} {limit:g}"
            raise _CellProblem(f"{value:g} is out of range: must be {words} {limit:g}", fix)
    return value


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    word = _text(value).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise _CellProblem(f"'{_text(value)}' is not a yes/no value",
                       "write TRUE or FALSE (是/否, yes/no); leave the cell empty when unknown")


def _choice(value: Any, choices: tuple) -> Any:
    if isinstance(value, bool):
        raise _CellProblem("expected one of the listed names, got a yes/no value", _choices_fix(choices))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    for choice in choices:
        if value == choice or _text(value) == str(choice):
            return choice
    for choice in choices:                                    # case alone is not ambiguous
        if _text(value).lower() == str(choice).lower():
            return choice
    hint = did_you_mean(_text(value), [str(c) for c in choices])
    raise _CellProblem(f"'{_text(value)}' is not allowed here" + (f" ({hint})" if hint else ""), _choices_fix(choices))


def _choices_fix(choices: tuple) -> str:
    return "write one of: " + ", ".join(str(c) for c in choices)


def _text_value(value: Any) -> str:
    if isinstance(value, bool):
        raise _CellProblem("expected text, got a yes/no value", "write the text, or leave the cell empty")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, _dt.datetime):
        raise _CellProblem("expected text, got a date", "format the cell as text")
    return _text(value)


def convert(value: Any, spec: Spec) -> Any:
    """A cell's value as the profile wants it, _ABSENT for unknown; raises _CellProblem."""
    if _is_blank(value) or (isinstance(value, str) and _text(value).lower() in UNKNOWN_WORDS):
        return _ABSENT
    if spec.kind in ("number", "integer"):
        return _number(value, spec)
    if spec.kind == "bool":
        return _bool(value)
    if spec.kind == "choice":
        return _choice(value, spec.choices)
    if spec.kind == "list":
        text = _text_value(value)
        if text.lower() in NONE_WORDS:
            return []
        items = [p.strip() for p in LIST_SPLIT.split(text) if p.strip()]
        if spec.choices:
            items = [_choice(i, spec.choices) for i in items]
        return items
    return _text_value(value)


def _set(tree: dict, path: list[str | int], value: Any) -> None:
    node = tree
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file
        self.tree: dict = {}
        self.cells: dict[str, str] = {}
        self.issues: list[Issue] = []
        self.seen_facts: dict[str, str] = {}
        self._substances: set[str] | None = None

    # -- helpers ---------------------------------------------------------------------------------
    def issue(self, where: str, problem: str, fix: str = "") -> None:
        if len(self.issues) < MAX_ISSUES:
            self.issues.append(Issue(self.file, where, problem, fix))
        elif len(self.issues) == MAX_ISSUES:
            self.issues.append(Issue(self.file, "", f"more than {MAX_ISSUES} problems; the rest are not listed",
                                     "fix these and read the workbook again"))

    def substances(self) -> set[str]:
        """Substance names of the knowledge base, or an empty set (no check) when it cannot be read."""
        if self._substances is None:
            try:
                from advisor.kb.knowledge import load_knowledge
                self._substances = set(load_knowledge().substances)
            except Exception:  # the knowledge check (kb check / validate) reports its own problems
                self._substances = set()
        return self._substances

    def rows(self, ws) -> Iterable[tuple[int, tuple]]:
        """(row number, values) of a sheet, within the row and column caps."""
        extra_empty = 0
        for number, values in enumerate(ws.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1), start=1):
            values = tuple(values) + (None,) * (MAX_COLUMNS + 1 - len(values))
            filled = any(not _is_blank(v) for v in values)
            if not _is_blank(values[MAX_COLUMNS]):
                self.issue(f"{ws.title}!{_col_letter(MAX_COLUMNS + 1)}{number}",
                           f"more than {MAX_COLUMNS} columns are used", "keep the data in the documented columns")
                return
            if number > MAX_ROWS + 1:
                if filled:
                    self.issue(f"{ws.title}!A{number}", f"more than {MAX_ROWS} rows", "a park profile is far smaller: "
                               "check that this is the right workbook")
                    return
                extra_empty += 1
                if extra_empty > 10_000:                 # do not walk a million formatted empty rows
                    self.issue(f"{ws.title}!A{number}", f"the sheet runs on beyond row {number} and was not read further",
                               f"delete the unused rows below the data (at most {MAX_ROWS} rows)")
                    return
                continue
            if filled:
                yield number, values[:MAX_COLUMNS]

    @staticmethod
    def is_comment(values: tuple) -> bool:
        first = next((v for v in values if not _is_blank(v)), None)
        return isinstance(first, str) and _text(first).startswith("#")

    def header(self, ws, values: tuple, number: int, known: dict[str, str], kind: str) -> dict[int, str]:
        """Column index → canonical name, for a header row; unknown names become issues."""
        columns: dict[int, str] = {}
        for index, value in enumerate(values):
            if _is_blank(value):
                continue
            name = _text(value)
            canonical = known.get(name) or known.get(name.lower())
            where = f"{ws.title}!{_col_letter(index + 1)}{number}"
            if canonical is None:
                hint = did_you_mean(name, sorted(set(known.values())))
                self.issue(where, f"unknown {kind} '{name}'" + (f" ({hint})" if hint else ""),
                           "use the column names of the template: " + ", ".join(sorted(set(known.values()))))
                continue
            if canonical in columns.values() and canonical != "note":
                self.issue(where, f"column '{name}' appears twice", "keep one of the two columns")
                continue
            columns[index] = canonical
        return columns

    def stray(self, ws, number: int, values: tuple, labelled: set[int]) -> None:
        """Values in columns without a name (a misnamed column is reported once, at its name)."""
        for index, value in enumerate(values):
            if index not in labelled and not _is_blank(value):
                self.issue(f"{ws.title}!{_col_letter(index + 1)}{number}",
                           "a value in a column without a column name", "add the column name in row 1 or delete the value")

    # -- sheets ----------------------------------------------------------------------------------
    def read(self, wb) -> None:
        for ws in wb.worksheets:
            title = ws.title.strip()
            key = title.lower()
            if key in README_SHEETS:
                continue
            if key in FACT_SHEETS:
                self.read_facts(ws)
            elif key in TABLE_SHEETS:
                self.read_table(ws, key)
            elif key == HISTORY_SHEET:
                self.read_history(ws)
            else:
                if next(iter(self.rows(ws)), None) is None:
                    continue                                     # an empty extra sheet is harmless
                known = [*FACT_SHEETS, *TABLE_SHEETS, HISTORY_SHEET]
                hint = did_you_mean(title, known)
                self.issue(f"{title}!A1", f"unknown sheet '{title}'" + (f" ({hint})" if hint else ""),
                           "rename it to one of: " + ", ".join(known) + " (or README for notes)")

    def read_facts(self, ws) -> None:
        columns: dict[int, str] | None = None
        for number, values in self.rows(ws):
            if self.is_comment(values):
                continue
            if columns is None:
                labelled = {i for i, v in enumerate(values) if not _is_blank(v)}
                columns = self.header(ws, values, number, FACT_HEADERS, "column")
                missing = {"path", "value"} - set(columns.values())
                if missing:
                    self.issue(f"{ws.title}!A{number}", "the first row must name the columns path and value"
                               f" (missing: {', '.join(sorted(missing))})", "write path | value | note in row 1")
                    return
                continue
            self.stray(ws, number, values, labelled)
            col = {name: index for index, name in columns.items() if name != "note"}
            raw_path, value = values[col["path"]], values[col["value"]]
            where = f"{ws.title}!{_col_letter(col['value'] + 1)}{number}"
            if _is_blank(raw_path):
                if not _is_blank(value):
                    self.issue(where, "a value without a path", "write the profile path in the path column")
                continue
            path = _text(raw_path)
            spec = FACTS.get(path)
            path_cell = f"{ws.title}!{_col_letter(col['path'] + 1)}{number}"
            if spec is None:
                self.issue(path_cell, f"unknown path '{path}'" + _elsewhere(path), PATH_FIX)
                continue
            if path in self.seen_facts:
                self.issue(path_cell, f"'{path}' is already given at {self.seen_facts[path]}", "keep one of the two rows")
                continue
            self.seen_facts[path] = where
            try:
                converted = convert(value, spec)
            except _CellProblem as exc:
                self.issue(where, f"{path}: {exc.problem}", exc.fix)
                continue
            if converted is _ABSENT:
                continue
            _set(self.tree, path.split("."), converted)
            self.cells[path] = where

    def read_table(self, ws, sheet: str) -> None:
        specs = TABLES[sheet]
        list_path = TABLE_SHEETS[sheet]
        families = {p for p, s in specs.items() if s.family}
        known = {p: p for p in specs if p not in families}
        known.update({p.lower(): p for p in specs if p not in families})
        columns: dict[int, tuple[str, str | None]] | None = None     # index → (spec path, family key)
        items: list[dict] = []
        first_cell: str | None = None
        none_cell: str | None = None
        for number, values in self.rows(ws):
            if self.is_comment(values):
                continue
            if columns is None:
                labelled = {i for i, v in enumerate(values) if not _is_blank(v)}
                columns = self.table_header(ws, number, values, known, families, list_path)
                continue
            self.stray(ws, number, values, labelled)
            first = next((i for i, v in enumerate(values) if not _is_blank(v)), None)
            if (first is not None and isinstance(values[first], str) and _text(values[first]).lower() in NONE_WORDS
                    and all(_is_blank(v) for i, v in enumerate(values) if i != first)):
                none_cell = f"{ws.title}!{_col_letter(first + 1)}{number}"
                continue
            item: dict = {}
            index = len(items)
            for col, (path, key) in columns.items():
                where = f"{ws.title}!{_col_letter(col + 1)}{number}"
                try:
                    converted = convert(values[col], specs[path])
                except _CellProblem as exc:
                    self.issue(where, f"{path if key is None else f'{path}.{key}'}: {exc.problem}", exc.fix)
                    continue
                if converted is _ABSENT:
                    continue
                parts = path.split(".") + ([key] if key is not None else [])
                _set(item, parts, converted)
                self.cells[f"{list_path}.{index}.{'.'.join(parts)}"] = where
            if item:
                items.append(item)
                first_cell = first_cell or f"{ws.title}!A{number}"
        if none_cell and items:
            self.issue(none_cell, "'none' (the list is empty) but the sheet also has rows",
                       "delete the none row, or the other rows")
        elif none_cell:
            _set(self.tree, list_path.split("."), [])
            self.cells[list_path] = none_cell
        elif items:
            _set(self.tree, list_path.split("."), items)
            self.cells[list_path] = first_cell or f"{ws.title}!A1"

    def table_header(self, ws, number: int, values: tuple, known: dict[str, str], families: set[str],
                     list_path: str) -> dict[int, tuple[str, str | None]]:
        columns: dict[int, tuple[str, str | None]] = {}
        seen: dict[tuple[str, str | None], str] = {}
        names = sorted({*known.values(), *(f"{f}.<substance>" for f in families)})
        for index, value in enumerate(values):
            if _is_blank(value):
                continue
            name = _text(value)
            where = f"{ws.title}!{_col_letter(index + 1)}{number}"
            target: tuple[str, str | None] | None = None
            if name in known or name.lower() in known:
                target = (known.get(name) or known[name.lower()], None)
            else:
                head, _, key = name.partition(".")
                family = head if head in families else next((f for f in families if f == head.lower()), None)
                if family and key.strip():
                    key = key.strip()
                    target = (family, key)
                    substances = self.substances()
                    if substances and key not in substances:
                        hint = did_you_mean(key, sorted(substances))
                        self.issue(where, f"column '{name}': unknown substance '{key}'" + (f" ({hint})" if hint else ""),
                                   "use a substance id of knowledge/pollutants.yaml or a gas of factors/gwp.csv")
                        continue
            if target is None:
                candidates = [*known.values(), *(f"{f}.{k}" for f in families for k in DEFAULT_FAMILY_KEYS.get(f, []))]
                hint = did_you_mean(name, candidates)
                self.issue(where, f"unknown column '{name}' on sheet {ws.title}" + (f" ({hint})" if hint else ""),
                           f"columns of {list_path}: " + ", ".join(names))
                continue
            if target in seen:
                self.issue(where, f"column '{name}' appears twice (also {seen[target]})", "keep one of the two columns")
                continue
            seen[target] = where
            columns[index] = target
        return columns

    def read_history(self, ws) -> None:
        header: dict[int, str | int] | None = None
        seen: dict[tuple[str, str], str] = {}
        for number, values in self.rows(ws):
            if self.is_comment(values):
                continue
            if header is None:
                labelled = {i for i, v in enumerate(values) if not _is_blank(v)}
                header = self.history_header(ws, number, values)
                if "series" not in header.values():
                    self.issue(f"{ws.title}!A{number}", "the first row must name the column series",
                               "write series | industry | 2018 | 2019 … in row 1")
                    return
                continue
            self.stray(ws, number, values, labelled)
            col = {v: k for k, v in header.items() if isinstance(v, str)}
            series_cell = f"{ws.title}!{_col_letter(col['series'] + 1)}{number}"
            raw = values[col["series"]]
            if _is_blank(raw):
                self.issue(series_cell, "values without a series name", "write economy or a substance (CO2e, SO2 …)")
                continue
            series = _text(raw)
            if series.lower() in ("economy", "经济", "经济指标"):
                series = "economy"
            industry = ""
            if "industry" in col and not _is_blank(values[col["industry"]]):
                industry = _text_value(values[col["industry"]])
            if series != "economy" and not self.history_substance_ok(series, series_cell):
                continue
            if (series, industry) in seen:
                self.issue(series_cell, f"series '{series}'{' for ' + industry if industry else ''} is already "
                           f"given at {seen[(series, industry)]}", "keep one of the two rows")
                continue
            seen[(series, industry)] = series_cell
            spec = Spec("history", "number", bounds=(("ge", 0),))
            for index, year in header.items():
                if isinstance(year, str):
                    continue
                where = f"{ws.title}!{_col_letter(index + 1)}{number}"
                try:
                    converted = convert(values[index], spec)
                except _CellProblem as exc:
                    self.issue(where, f"{series} {year}: {exc.problem}", exc.fix)
                    continue
                if converted is _ABSENT:
                    continue
                if series == "economy":
                    path = ["economy", "by_industry", industry, year] if industry else ["economy", "values", year]
                else:
                    path = (["emissions_history", "by_industry", industry, series, year] if industry
                            else ["emissions_history", series, year])
                _set(self.tree, path, converted)
                self.cells[".".join(str(p) for p in path)] = where

    def history_substance_ok(self, series: str, where: str) -> bool:
        reserved = {"unit", "by_industry", "series"}
        substances = self.substances()
        if series in reserved or (substances and series not in substances):
            hint = did_you_mean(series, sorted(substances | {"economy"})) if substances else ""
            self.issue(where, f"unknown series '{series}'" + (f" ({hint})" if hint else ""),
                       "write economy, or a substance id (CO2e, SO2, NOx, VOCs, COD, NH3-N …)")
            return False
        return True

    def history_header(self, ws, number: int, values: tuple) -> dict[int, str | int]:
        header: dict[int, str | int] = {}
        for index, value in enumerate(values):
            if _is_blank(value):
                continue
            where = f"{ws.title}!{_col_letter(index + 1)}{number}"
            if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
                year: int | None = int(value)
            else:
                match = YEAR_HEADER.match(str(value))
                year = int(match.group(1)) if match else None
            if year is not None:
                if not 1949 <= year <= 2100:
                    self.issue(where, f"year {year} is out of range", "write a year between 1949 and 2100")
                elif year in header.values():
                    self.issue(where, f"year {year} appears twice", "keep one of the two columns")
                else:
                    header[index] = year
                continue
            name = HISTORY_HEADERS.get(_text(value).lower())
            if name is None:
                hint = did_you_mean(_text(value), ["series", "industry"])
                self.issue(where, f"unknown column '{_text(value)}' on sheet history" + (f" ({hint})" if hint else ""),
                           "columns: series, industry, then one column per year (2018, 2019 …)")
                continue
            if name in header.values():
                self.issue(where, f"column '{name}' appears twice", "keep one of the two columns")
                continue
            header[index] = name
        return header


def _elsewhere(path: str) -> str:
    """Where a path that is not a fact belongs, as a parenthesised hint."""
    for sheet, list_path in TABLE_SHEETS.items():
        if path == list_path or path.startswith(list_path + "."):
            return f" ({path} is a list: fill the sheet {sheet})"
    for hist in HISTORY_PATHS:
        if path == hist or path.startswith(hist + "."):
            return " (yearly values go on the sheet history)"
    top = path.split(".")[0]
    if top == "emissions_history" and path != "emissions_history.unit":
        return " (yearly values go on the sheet history)"
    hint = did_you_mean(path, FACTS)
    return f" ({hint})" if hint else ""



# --------------------------------------------------------------------------------------------------
# Public API: reading
# --------------------------------------------------------------------------------------------------

def _check_file(path: Path) -> None:
    name = str(path)

    def fail(problem: str, fix: str) -> ProfileError:
        return ProfileError([Issue(name, "", problem, fix)])

    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise fail("file not found", "check the path") from None
    except OSError as exc:
        raise fail(f"cannot read the file ({exc.strerror})", "check the path and permissions") from None
    if path.is_dir():
        raise fail("is a directory, not a workbook", "name an .xlsx file")
    if size > MAX_WORKBOOK_BYTES:
        raise fail(f"workbook is {size / 1e6:.1f} MB, larger than the {MAX_WORKBOOK_BYTES / 1e6:.0f} MB limit",
                   "a park profile workbook is well under 1 MB: check that this is the right file")
    try:
        with path.open("rb") as fh:
            magic = fh.read(8)
    except OSError as exc:
        raise fail(f"cannot read the file ({exc.strerror})", "check the path and permissions") from None
    if magic.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise fail("is a password-protected workbook or an old-format .xls file",
                   "remove the password and save it as an Excel workbook (.xlsx)")
    if not zipfile.is_zipfile(path):
        raise fail("is not an .xlsx workbook (not a zip archive)",
                   "save it from Excel as 'Excel Workbook (*.xlsx)'; YAML or JSON profiles need a .yaml/.json name")
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
            names = {m.filename for m in members}
            if any(m.flag_bits & 0x1 for m in members):
                raise fail("the workbook is encrypted", "remove the password and save it again as .xlsx")
            if sum(m.file_size for m in members) > MAX_UNCOMPRESSED_BYTES:
                raise fail(f"the workbook expands to more than {MAX_UNCOMPRESSED_BYTES / 1e6:.0f} MB",
                           "a park profile workbook is small: check that this is the right file")
    except zipfile.BadZipFile as exc:
        raise fail(f"the workbook is damaged ({exc})", "open it in Excel and save it again as .xlsx") from None
    if "xl/workbook.xml" not in names:
        raise fail("is a zip archive but not an Excel workbook (no xl/workbook.xml)",
                   "save it from Excel as 'Excel Workbook (*.xlsx)'")


def read_workbook_with_cells(path: Path | str) -> tuple[dict, dict[str, str]]:
    """The profile dict and, for every value read, its cell: {'park.name': 'park!B4', …}.

    Cell keys are dotted paths of the returned tree (list items by index: 'energy.0.amount');
    see cell_of() to locate a validation error.
    """
    path = Path(path)
    _check_file(path)
    name = str(path)
    import openpyxl

    reader = _Reader(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds on damaged files
            raise ProfileError([Issue(name, "", f"cannot open the workbook ({type(exc).__name__}: {exc})",
                                      "open it in Excel and save it again as .xlsx")]) from None
        try:
            reader.read(wb)
        except ProfileError:
            raise
        except Exception as exc:
            raise ProfileError([Issue(name, "", f"cannot read the workbook ({type(exc).__name__}: {exc})",
                                      "open it in Excel and save it again as .xlsx")]) from None
        finally:
            wb.close()
    if reader.issues:
        raise ProfileError(reader.issues)
    return reader.tree, reader.cells


def read_workbook(path: Path | str) -> dict:
    """The park profile in a workbook, as the dict tree a YAML profile gives (not yet validated)."""
    return read_workbook_with_cells(path)[0]


def cell_of(cells: dict[str, str], loc: Iterable[Any] | str) -> str | None:
    """The cell behind a validation error location, best effort.

    `loc` is a pydantic loc tuple, a dotted path ('energy.0.amount') or an issue path as
    advisor.profile.files formats it ('energy[0].amount'). Profile validation moves emissions_history
    substances under 'series'; that step is undone here. The longest recorded prefix wins, so an
    error on a whole item points at the item's first cell.
    """
    if isinstance(loc, str):
        parts = [p for p in re.sub(r"\[(\d+)\]", r".\1", loc).split(".") if p]
    else:
        parts = [str(p) for p in loc]
    if parts[:2] == ["emissions_history", "series"]:
        parts = ["emissions_history", *parts[2:]]
    while parts:
        key = ".".join(parts)
        if key in cells:
            return cells[key]
        prefix = key + "."
        found = sorted(v for k, v in cells.items() if k.startswith(prefix))
        if found:
            return found[0]
        parts.pop()
    return None


# --------------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------------

def _get(tree: Any, path: str) -> Any:
    node = tree
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _unknown_keys(data: Any, model: type[BaseModel], prefix: str, out: list[str]) -> None:
    """Keys in the profile that the workbook has no place for (so writing would lose them)."""
    if not isinstance(data, dict):
        return
    for key, value in data.items():
        if model is EmissionsHistory and key not in EmissionsHistory.model_fields:
            continue                                                  # a substance series
        info = model.model_fields.get(str(key))
        if info is None:
            out.append(f"{prefix}{key}")
            continue
        tp, _ = _unwrap(info.annotation)
        if _is_model(tp):
            _unknown_keys(value, tp, f"{prefix}{key}.", out)
        elif get_origin(tp) is list and isinstance(value, list):
            item, _ = _unwrap(get_args(tp)[0])
            if _is_model(item):
                for i, element in enumerate(value):
                    _unknown_keys(element, item, f"{prefix}{key}.{i}.", out)


def _cell_value(value: Any, spec: Spec) -> Any:
    if value is None:
        return None
    if spec.kind == "list":
        if isinstance(value, (list, tuple)):
            return ", ".join(str(v) for v in value) if value else "none"
        return str(value)
    if spec.kind in ("number", "integer") and isinstance(value, str):
        try:
            return coerce_number(value)
        except ValueError:
            return value
    if isinstance(value, (dict, list)):
        raise _CellProblem(f"{spec.path}: expected a single value, got a {type(value).__name__}")
    return value


def _put(ws, row: int, col: int, value: Any) -> Any:
    cell = ws.cell(row=row, column=col)
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"                       # text, never a formula
    return cell


class _Writer:
    def __init__(self, profile: dict) -> None:
        import openpyxl
        from openpyxl.styles import Alignment, Font, PatternFill

        self.profile = profile
        self.wb = openpyxl.Workbook()
        self.wb.remove(self.wb.active)
        self.bold = Font(bold=True)
        self.head_fill = PatternFill("solid", fgColor="DDEBF7")
        self.note_font = Font(italic=True, color="666666")
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.problems: list[str] = []

    def dropdown(self, ws, spec: Spec, ref: str) -> None:
        from openpyxl.worksheet.datavalidation import DataValidation

        if spec.kind == "bool":
            options = "TRUE,FALSE"
        elif spec.kind == "choice":
            options = ",".join(str(c) for c in spec.choices)
        else:
            return
        if len(options) > 250:
            return
        dv = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True, showErrorMessage=False)
        ws.add_data_validation(dv)
        dv.add(ref)

    def readme(self) -> None:
        ws = self.wb.create_sheet("README")
        lines = [
            ("园区减污降碳协同控制 – 园区档案填报模板（格式 1）", "Park profile workbook for park-advisor (profile format 1)"),
            ("", ""),
            ("事实表（park, management, infrastructure, enterprises_summary, third_party, surroundings）："
             "每行一个事实，在 value 列填写。", "Fact sheets: one fact per row; fill the value column."),
            ("列表表（industries, boundary_changes, energy, exports, processes, enterprises, materials, programmes, "
             "boilers）：第 1 行为列名，每行一条。", "Table sheets: row 1 names the columns; one item per row."),
            ("history 表：series 列填 economy（经济指标）或物质（CO2e, SO2 …），industry 列留空为园区合计，"
             "填行业代码为分行业；年份各占一列。",
             "history: series = economy or a substance; industry empty = park total, a division code = by industry; "
             "one column per year."),
            ("processes 表：每种物质一列，列名 emissions.物质（如 emissions.SO2），可增加列。",
             "processes: one column per substance, emissions.<substance>; add columns as needed."),
            ("留空 = 未知（不等于“否”）；是/否 可填 TRUE/FALSE、是/否；比例填 0–1 的小数（0.35 = 35%）。",
             "Empty = unknown (never 'no'); yes/no as TRUE/FALSE or 是/否; shares as fractions (0.35 = 35 %)."),
            ("多个名称用逗号分隔；填 none（或 无）表示确定没有；列表表只有一行 none 表示确定为空。",
             "Lists of names: comma-separated; none (or 无) = known to be none; a table whose only row is none is known empty."),
            ("以 # 开头的行为注释，读取时忽略。", "Rows whose first cell starts with # are comments."),
            ("数量可用中文统计单位（万t、万Nm3、万kWh、亿元 …），单位填在 unit 列。",
             "Amounts may use Chinese units (万t, 万Nm3, 万kWh, 亿元 …) named in the unit column."),
            ("每个字段的含义见 value 列右侧的说明，或列表表第 2 行。",
             "Each field is explained beside it (fact sheets) or in row 2 (table sheets)."),
        ]
        ws.column_dimensions["A"].width = 90
        ws.column_dimensions["B"].width = 90
        for i, (zh, en) in enumerate(lines, start=1):
            for col, text in ((1, zh), (2, en)):
                cell = _put(ws, i, col, text or None)
                cell.alignment = self.wrap
                if i == 1:
                    cell.font = self.bold

    def header_row(self, ws, names: list[str]) -> None:
        for col, name in enumerate(names, start=1):
            cell = _put(ws, 1, col, name)
            cell.font = self.bold
            cell.fill = self.head_fill

    def facts(self, sheet: str) -> None:
        ws = self.wb.create_sheet(sheet)
        self.header_row(ws, ["path", "value", "说明", "note"])
        for letter, width in zip("ABCD", (52, 24, 60, 60)):
            ws.column_dimensions[letter].width = width
        ws.freeze_panes = "B2"
        row = 2
        for path, spec in FACTS.items():
            if fact_sheet_of(path) != sheet:
                continue
            value = _get(self.profile, path)
            if not self.profile and path == "schema_version":
                value = 1
            try:
                value = _cell_value(value, spec)
            except _CellProblem as exc:
                self.problems.append(exc.problem)
                value = None
            _put(ws, row, 1, path)
            _put(ws, row, 2, value)
            zh, en = _note(path, spec)
            for col, text in ((3, zh), (4, en)):
                cell = _put(ws, row, col, text)
                cell.font = self.note_font
            self.dropdown(ws, spec, f"B{row}")
            row += 1

    def table(self, sheet: str) -> None:
        ws = self.wb.create_sheet(sheet)
        specs = TABLES[sheet]
        list_path = TABLE_SHEETS[sheet]
        items = _get(self.profile, list_path)
        if items is not None and not isinstance(items, list):
            self.problems.append(f"{list_path}: expected a list")
            items = None
        columns: list[tuple[str, Spec, str | None]] = []
        for path, spec in specs.items():
            if not spec.family:
                columns.append((path, spec, None))
                continue
            keys = list(DEFAULT_FAMILY_KEYS.get(path, []))
            for item in items or []:
                for key in (_get(item, path) or {}) if isinstance(item, dict) else {}:
                    if str(key) not in keys:
                        keys.append(str(key))
            columns += [(path, spec, key) for key in keys]
        self.header_row(ws, [p if k is None else f"{p}.{k}" for p, _, k in columns])
        for col, (path, spec, key) in enumerate(columns, start=1):
            zh, en = _note(f"{sheet}.{path}", spec, key)
            text = f"{zh}\n{en}"
            cell = _put(ws, 2, col, f"# {text}" if col == 1 else text)
            cell.font = self.note_font
            cell.alignment = self.wrap
            letter = _col_letter(col)
            ws.column_dimensions[letter].width = 18 if key is not None else 24
            self.dropdown(ws, spec, f"{letter}3:{letter}{MAX_ROWS}")
        ws.row_dimensions[2].height = 60
        ws.freeze_panes = "B3"
        if items == []:
            _put(ws, 3, 1, "none")
            return
        for r, item in enumerate(items or [], start=3):
            if not isinstance(item, dict):
                self.problems.append(f"{list_path}.{r - 3}: expected a mapping")
                continue
            for col, (path, spec, key) in enumerate(columns, start=1):
                value = _get(item, path)
                if key is not None:
                    value = value.get(key) if isinstance(value, dict) else None
                try:
                    _put(ws, r, col, _cell_value(value, spec))
                except _CellProblem as exc:
                    self.problems.append(f"{list_path}.{r - 3}.{exc.problem}")

    def history(self) -> None:
        ws = self.wb.create_sheet(HISTORY_SHEET)
        rows: list[tuple[str, str, dict]] = []
        economy = _get(self.profile, "economy") or {}
        history = _get(self.profile, "emissions_history") or {}
        if isinstance(economy, dict):
            if isinstance(economy.get("values"), dict):
                rows.append(("economy", "", economy["values"]))
            for industry, series in (economy.get("by_industry") or {}).items():
                rows.append(("economy", str(industry), series or {}))
        if isinstance(history, dict):
            series_map = {k: v for k, v in history.items() if k not in ("unit", "by_industry", "series")}
            series_map.update(history.get("series") or {})
            rows += [(str(name), "", values or {}) for name, values in series_map.items()]
            for industry, by_substance in (history.get("by_industry") or {}).items():
                for name, values in (by_substance or {}).items():
                    rows.append((str(name), str(industry), values or {}))
        if not self.profile:
            rows = [(name, "", {}) for name in TEMPLATE_HISTORY_SERIES]
        years = sorted({int(y) for _, _, values in rows if isinstance(values, dict) for y in values}) or TEMPLATE_YEARS
        self.header_row(ws, ["series", "industry", *years])
        notes = [("# economy = 经济指标（单位见 park 表 economy.unit），或物质 CO2e, SO2 …",
                  "economy or a substance id"),
                 ("留空 = 园区合计；行业代码 = 分行业", "empty = park total; division code = by industry")]
        for col, (zh, en) in enumerate(notes, start=1):
            cell = _put(ws, 2, col, f"{zh}\n{en}")
            cell.font = self.note_font
            cell.alignment = self.wrap
        ws.row_dimensions[2].height = 45
        ws.column_dimensions["A"].width = 30
        ws.column_dimensions["B"].width = 22
        ws.freeze_panes = "C3"
        for r, (name, industry, values) in enumerate(rows, start=3):
            _put(ws, r, 1, name)
            _put(ws, r, 2, industry or None)
            if not isinstance(values, dict):
                self.problems.append(f"history {name}: expected a mapping of year to value")
                continue
            spec = Spec("history", "number")
            by_year = {int(y): v for y, v in values.items()}
            for col, year in enumerate(years, start=3):
                _put(ws, r, col, _cell_value(by_year.get(year), spec))

    def build(self) -> None:
        self.readme()
        for sheet in SHEET_ORDER:
            if sheet in FACT_SHEETS:
                self.facts(sheet)
            elif sheet in TABLE_SHEETS:
                self.table(sheet)
            else:
                self.history()


def write_workbook(profile: dict | None, path: Path | str) -> None:
    """Write a profile (the dict tree of a YAML profile) as a workbook; None or {} gives the blank template."""
    path = Path(path)
    profile = profile or {}
    name = str(path)
    if not isinstance(profile, dict):
        raise ProfileError([Issue(name, "", "the profile must be a mapping", "pass the dict a YAML profile gives")])
    unknown: list[str] = []
    _unknown_keys(profile, Profile, "", unknown)
    if unknown:
        raise ProfileError([Issue(name, key, "this key has no place in the workbook and would be lost",
                                  "remove it or correct its spelling (see the profile format)") for key in unknown])
    writer = _Writer(profile)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            writer.build()
        except (TypeError, ValueError, AttributeError) as exc:
            raise ProfileError([Issue(name, "", f"cannot write this profile as a workbook ({exc})",
                                      "validate the profile first (park-advisor validate)")]) from None
    if writer.problems:
        raise ProfileError([Issue(name, p.split(":")[0], p, "validate the profile first (park-advisor validate)")
                            for p in writer.problems])
    try:
        writer.wb.save(path)
    except OSError as exc:
        raise ProfileError([Issue(name, "", f"cannot write the workbook ({exc.strerror})",
                                  "check the folder exists and the file is not open in Excel")]) from None


def write_template(path: Path | str) -> None:
    """The blank template: every fact and column, with notes, and no values (schema_version 1)."""
    write_workbook({}, path)
