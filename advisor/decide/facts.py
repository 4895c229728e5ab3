"""Profile + status analysis → the flat facts the rules see (knowledge/facts.yaml).

Compute in Python, decide in rules: every fact here is a plain value with its unit in the
name, so a rule condition is a plain comparison. A fact that cannot be determined is
left out (unknown) – never defaulted to "no" or 0.
"""

from __future__ import annotations

from typing import Any, NamedTuple, get_args

from advisor.profile.model import Profile, Service


class _KbTables(NamedTuple):
    """What the facts read from the knowledge base, gathered once per knowledge base (the facts
    are built for every park of a batch)."""
    park_type: dict[str, str]                # division → kb.park_type_of(division)
    coal_feedstock_type: dict[str, str]      # park type → the type it is with coal used as feedstock
    fallback_type: str                       # the type of a park whose dominant division no type lists
    energy_intensive: frozenset[str]         # divisions
    water_intensive: frozenset[str]
    model_park: frozenset[str]               # programme kinds
    co_control: frozenset[str]
    fgases: frozenset[str]                   # fluorinated greenhouse gases
    heavy_metals: frozenset[str]             # pollutant ids
    weak_tiers: frozenset[str]               # activity-data tiers too coarse to plan on


def _build_tables(kb) -> _KbTables:
    # kb.park_type_of for every division some park type lists (the others have none)
    park_type = {d: kb.park_type_of(d) for pt in kb.park_types.values() for d in pt.divisions}

    def flagged(table: dict, flag: str) -> frozenset[str]:
        return frozenset(key for key, row in table.items() if getattr(row, flag, False))

    coal_feedstock_type = {other: t.id for t in kb.park_types.values() for other in t.coal_feedstock_in}
    fallback_type = next(t.id for t in kb.park_types.values() if t.fallback)
    return _KbTables(park_type, coal_feedstock_type, fallback_type,
                     flagged(kb.industries, "energy_intensive"), flagged(kb.industries, "water_intensive"),
                     flagged(kb.programmes, "model_park"), flagged(kb.programmes, "co_control"),
                     frozenset(g for g, row in kb.gwp.items() if row.fluorinated),
                     flagged(kb.pollutants, "heavy_metal"), flagged(kb.data_tiers, "weak"))


def _tables(kb) -> _KbTables:
    """The tables of this knowledge base, built on first use and kept with it."""
    return kb.derived("facts.tables", _build_tables)


def _share_of(profile: Profile, divisions: frozenset[str]) -> float:
    return round(sum(i.share for i in profile.park.industries if i.code in divisions), 6)


def _park_type(dominant_code: str, tables: _KbTables, analysis: dict) -> str:
    kind = tables.park_type.get(dominant_code)
    if kind in tables.coal_feedstock_type and (analysis.get("energy") or {}).get("coal_feedstock"):
        return tables.coal_feedstock_type[kind]
    return kind or tables.fallback_type


def _programme_flag(profile: Profile, kinds: frozenset[str]) -> bool | None:
    """Whether any programme the park takes part in is of one of `kinds` (knowledge/programmes.yaml)."""
    programmes = profile.management.programmes
    if programmes is None:
        return None
    return any(p.kind in kinds for p in programmes)


def _enterprise_shares(pollutants: dict, heavy_metals: frozenset[str]) -> tuple[float | None, float, float | None]:
    """(share of VOCs emitted by processes owned by enterprises, t of heavy metals in the process inventory, the
    enterprises' share of them); a share is None when the inventory holds none of the substance."""
    vocs = vocs_owned = heavy = heavy_owned = 0.0
    for pid, block in pollutants.items():
        is_vocs = pid == "VOCs"
        if not is_vocs and pid not in heavy_metals:
            continue
        for row in block.get("by_process", []):
            t = row.get("t") or 0.0
            owned = row.get("owner", "infrastructure") != "infrastructure"
            if is_vocs:
                vocs += t
                vocs_owned += t if owned else 0.0
            else:
                heavy += t
                heavy_owned += t if owned else 0.0
    return (round(vocs_owned / vocs, 6) if vocs > 0 else None, round(heavy, 6),
            round(heavy_owned / heavy, 6) if heavy > 0 else None)


def _trade_off_count(p: Profile, analysis: dict) -> int | None:
    """End-of-pipe controls known to add CO2 (FGD, urea SCR/SNCR, RTO …; scrubbers and filters are listed too, but
    not counted); None when none is found and some process does not state its controls (absent = unknown)."""
    count = sum(1 for t in analysis.get("trade_offs") or []
                if t.get("pollutant_removed") is not None or (t.get("t_co2_added") or 0) > 0)
    if count or all(proc.controls is not None for proc in p.processes or []):
        return count
    return None


_SERVICE_KINDS = len(get_args(Service))


def build_facts(profile: Profile, analysis: dict, kb) -> dict[str, Any]:
    """The fact dictionary for one park; unknown facts are absent."""
    p = profile
    tables = _tables(kb)
    f: dict[str, Any] = {}
    dominant = max(p.park.industries, key=lambda i: i.share)
    f["park.level"] = p.park.level
    f["park.type"] = _park_type(dominant.code, tables, analysis)
    f["park.dominant_share"] = dominant.share
    f["park.energy_intensive_share"] = _share_of(p, tables.energy_intensive)
    f["park.water_intensive_share"] = _share_of(p, tables.water_intensive)
    f["park.key_air_region"] = p.park.key_air_region
    f["park.water_scarce"] = p.park.water_scarce
    f["park.vacant_land_share"] = p.park.vacant_land_share
    f["park.enterprise_count"] = p.park.enterprise_count
    f["park.is_model_park"] = _programme_flag(p, tables.model_park)
    f["park.has_co_control_pilot"] = _programme_flag(p, tables.co_control)

    m = p.management
    f["management.synergy_plan"] = m.synergy_plan
    f["management.plan_scope"] = m.plan_scope
    f["management.plan_age_years"] = (p.park.base_year - m.plan_year) if m.plan_year else None
    f["management.plan_has_targets"] = m.plan_has_targets
    f["management.appraisal_includes_synergy"] = m.appraisal_includes_synergy
    f["management.synergy_in_regulations"] = m.synergy_in_regulations
    f["management.smart_platform"] = m.smart_platform
    f["management.disclosure"] = m.disclosure

    infra = p.infrastructure
    plant = infra.central_wastewater_plant
    if plant is not None:
        f["infrastructure.wastewater_plant"] = plant.present
        if plant.present is not False:
            f["infrastructure.wastewater_load_ratio"] = plant.load_ratio
            f["infrastructure.wastewater_kwh_per_m3"] = plant.kwh_per_m3
            f["infrastructure.wastewater_anaerobic"] = plant.anaerobic
            f["infrastructure.sludge_landfilled"] = plant.sludge_landfilled
            f["infrastructure.reclaimed_water_ratio"] = plant.reclaimed_water_ratio
    f["infrastructure.central_heating"] = infra.central_heating
    f["infrastructure.steam_demand_t_h"] = infra.steam_demand_t_h
    hw = infra.hazardous_waste
    if hw is not None:
        f["infrastructure.hazardous_waste_generated_t"] = hw.generated_t
        if hw.generated_t is not None and hw.disposal_capacity_t is not None:
            f["infrastructure.hazardous_waste_gap_t"] = round(hw.generated_t - hw.disposal_capacity_t, 3)
        f["infrastructure.hazardous_waste_landfilled_t"] = hw.landfilled_t
    f["infrastructure.hazardous_waste_facility"] = infra.hazardous_waste_facility
    f["infrastructure.waste_incineration"] = infra.waste_incineration
    f["infrastructure.energy_env_links_count"] = (len(infra.energy_env_links)
                                                  if infra.energy_env_links is not None else None)
    f["infrastructure.utility_corridor"] = infra.utility_corridor
    f["infrastructure.digital_infrastructure"] = infra.digital_infrastructure
    f["infrastructure.clean_truck_infrastructure"] = infra.clean_truck_infrastructure
    if infra.pv_potential_mw and infra.pv_capacity_mw is not None:
        f["infrastructure.pv_ratio"] = round(infra.pv_capacity_mw / infra.pv_potential_mw, 6)
    f["infrastructure.pv_potential_mw"] = infra.pv_potential_mw
    f["infrastructure.energy_storage"] = infra.energy_storage
    f["infrastructure.microgrid"] = infra.microgrid
    f["infrastructure.integrated_energy_system"] = infra.integrated_energy_system
    f["infrastructure.cooling_demand"] = infra.cooling_demand

    f["water.reuse_rate"] = p.water.reuse_rate
    f["water.high_salt_wastewater"] = p.water.high_salt_wastewater
    f["water.fresh_water_m3"] = p.water.fresh_water_m3

    es = p.enterprises_summary
    f["enterprises.key_energy_users"] = es.key_energy_users
    f["enterprises.clean_production_audit_coverage"] = es.clean_production_audit_coverage
    f["enterprises.three_level_metering_coverage"] = es.three_level_metering_coverage
    f["enterprises.online_monitoring_coverage"] = es.online_monitoring_coverage
    f["enterprises.energy_management_coverage"] = es.energy_management_coverage
    if es.boilers is not None:
        f["enterprises.coal_boilers"] = sum(b.count for b in es.boilers if b.fuel == "coal")
        f["enterprises.fossil_boiler_t_h"] = round(sum(b.t_h * b.count for b in es.boilers
                                                       if b.fuel in ("coal", "oil", "natural_gas")), 3)
    else:
        f["enterprises.coal_boilers"] = es.self_owned_coal_boilers
    f["enterprises.high_temperature_processes"] = es.high_temperature_processes
    f["enterprises.waste_heat_recovery_rate"] = es.waste_heat_recovery_rate
    f["enterprises.solid_waste_utilization_rate"] = es.solid_waste_utilization_rate
    f["enterprises.export_share"] = es.export_share
    f["enterprises.green_supply_chain"] = es.green_supply_chain
    f["enterprises.symbiosis_links"] = es.symbiosis_links
    if es.symbiosis_links is not None and p.park.enterprise_count:
        f["enterprises.symbiosis_links_per_10_firms"] = round(es.symbiosis_links / p.park.enterprise_count * 10, 6)
    if es.byproduct_streams is not None:
        f["enterprises.byproduct_streams"] = len(es.byproduct_streams)
        f["enterprises.pure_co2_stream"] = "pure_co2" in es.byproduct_streams

    tp = p.third_party
    f["third_party.innovation_consortium"] = tp.innovation_consortium
    f["third_party.shared_service_platform"] = tp.shared_service_platform
    f["third_party.shared_process_firms"] = tp.shared_process_firms
    f["third_party.services_missing"] = (_SERVICE_KINDS - len(set(tp.services))
                                         if tp.services is not None else None)
    f["third_party.sme_share"] = tp.sme_share

    s = p.surroundings
    for name in ("neighbouring_parks", "cross_park_cooperation", "road_freight_share", "bulk_freight_t",
                 "rail_or_water_access", "urban_heat_demand_nearby", "cross_boundary_enterprise_links"):
        f[f"surroundings.{name}"] = getattr(s, name)

    _analysis_facts(f, p, analysis, tables)
    return {k: v for k, v in f.items() if v is not None}


def _analysis_facts(f: dict[str, Any], p: Profile, analysis: dict, tables: _KbTables) -> None:
    """The facts read from the analysis; a figure the analysis could not compute (None) stays unknown, and so does
    a fact whose own inputs are missing (the share of process emissions without a process list …)."""
    energy = analysis.get("energy") or {}
    if p.energy:
        f["energy.total_tce"] = energy.get("total_tce")
        f["energy.coal_fuel_share"] = energy.get("coal_fuel_share")
        f["energy.renewable_electricity_share"] = energy.get("renewable_electricity_share")
        f["energy.electricity_share"] = energy.get("electricity_share")
        f["energy.coal_feedstock"] = energy.get("coal_feedstock")
    carbon = analysis.get("carbon") or {}
    total = carbon.get("total_t_co2e")
    if total is not None:
        f["carbon.total_t_co2e"] = total
        if p.processes is not None and total > 0:   # without a process list the share is unknown, not 0
            process_co2 = carbon.get("process_co2")
            if process_co2 is not None:   # feedstock balanced (estimated) or only a range (unknown)
                f["carbon.process_co2_share"] = process_co2.get("share")
            else:
                process_t = sum(r.get("t_co2e") or 0.0 for r in carbon.get("by_process", [])
                                if r.get("category") == "industrial_process")
                f["carbon.process_co2_share"] = round(process_t / total, 6)
    if p.processes is not None:
        fgases = tables.fgases
        f["carbon.fgas_present"] = any(v > 0 for proc in p.processes if not fgases.isdisjoint(proc.emissions)
                                       for g, v in proc.emissions.items() if g in fgases)
        pollutants = analysis.get("pollutants") or {}
        if any(block.get("by_process") for block in pollutants.values()):
            # a pollutant inventory: a pollutant it does not name is not emitted (a list of CO2 alone is none)
            (f["pollutants.enterprise_vocs_share"], f["pollutants.heavy_metal_t"],
             f["pollutants.enterprise_heavy_metal_share"]) = _enterprise_shares(pollutants, tables.heavy_metals)
            vocs = pollutants.get("VOCs")
            f["pollutants.vocs_t"] = (vocs.get("total_t") or 0.0) if vocs else 0.0
        if total is not None:   # same-source shares need the park's CO2e
            same = analysis.get("same_source") or []
            f["fused.same_source_count"] = len(same)
            f["fused.same_source_co2e_share"] = round(sum(s.get("co2e_share", 0) for s in same), 6)
        f["fused.trade_off_count"] = _trade_off_count(p, analysis)
    if p.characteristic_pollutants is not None:
        heavy = tables.heavy_metals
        f["pollutants.heavy_metal_characteristic"] = any(c in heavy for c in p.characteristic_pollutants)
    decoupling = analysis.get("decoupling") or {}
    periods = decoupling.get("periods") or []
    # the headline period comes first; without one (a boundary change inside every period) the states stay unknown
    if periods and decoupling.get("headline", {}) is not None:   # None is unknown where its series are missing
        whole = periods[0]
        f["decoupling.carbon_state"] = whole.get("carbon_state")
        f["decoupling.pollutant_state"] = whole.get("pollutant_state")
        f["decoupling.synergy"] = whole.get("synergy")
    if p.energy is not None:
        f["data.energy_rows"] = len(p.energy)
        tiers = [e.data_tier for e in p.energy]
        if tiers and None not in tiers:   # a row without a tier is not a weak one: the share is then unknown
            weak_tiers = tables.weak_tiers
            f["data.weak_tier_share"] = round(sum(1 for t in tiers if t in weak_tiers) / len(tiers), 6)
    if p.economy is not None and p.emissions_history is not None:
        years = set(p.economy.values)
        reported = set().union(*p.emissions_history.series.values())   # the years some series has
        f["data.history_years"] = len(years & reported)
