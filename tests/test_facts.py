"""Profile + analysis → facts: unknown stays unknown; judgments come from knowledge/."""

from typing import get_args

from conftest import minimal_profile

from advisor.decide.facts import build_facts
from advisor.profile.files import validate_data
from advisor.profile.model import Programme


def facts_for(kb, **sections):
    profile = validate_data(minimal_profile(**sections), "park.yaml", kb)
    return build_facts(profile, {}, kb)


def test_every_programme_kind_of_the_profile_is_described_in_knowledge(kb):
    assert set(get_args(Programme.model_fields["kind"].annotation)) == set(kb.programmes)


def test_a_no_waste_city_programme_alone_does_not_make_a_model_park(kb):
    facts = facts_for(kb, management={"programmes": [{"kind": "no_waste_city"}]})
    assert facts["park.is_model_park"] is False and facts["park.has_co_control_pilot"] is False


def test_a_zero_carbon_pilot_is_a_co_control_pilot(kb):
    facts = facts_for(kb, management={"programmes": [{"kind": "zero_carbon", "year": 2023}]})
    assert facts["park.is_model_park"] is True and facts["park.has_co_control_pilot"] is True


def test_absent_programmes_leave_the_facts_unknown(kb):
    facts = facts_for(kb)
    assert "park.is_model_park" not in facts and "management.synergy_plan" not in facts


def test_the_inventory_coverage_threshold_is_knowledge_data(kb):
    assert kb.analysis.inventory_coverage_min.value == 0.8
    assert kb.analysis.inventory_coverage_min.source


def test_another_knowledge_base_is_read_afresh_not_from_the_first_one_s_tables(kb):
    import dataclasses

    programmes = {kind: row.model_copy(update={"model_park": True}) for kind, row in kb.programmes.items()}
    changed = dataclasses.replace(kb, programmes=programmes)
    profile = validate_data(minimal_profile(management={"programmes": [{"kind": "no_waste_city"}]}), "park.yaml", kb)
    assert build_facts(profile, {}, kb)["park.is_model_park"] is False
    assert build_facts(profile, {}, changed)["park.is_model_park"] is True


def test_the_tables_of_a_knowledge_base_go_with_it_when_it_is_dropped(kb):
    import dataclasses
    import gc
    import weakref

    profile = validate_data(minimal_profile(), "park.yaml", kb)
    copy = dataclasses.replace(kb)
    build_facts(profile, {}, copy)
    gone = weakref.ref(copy)
    del copy
    gc.collect()
    assert gone() is None   # no module-level cache keeps a knowledge base (or its tables) alive


def test_history_years_count_the_years_with_both_economy_and_some_emission_series(kb):
    facts = facts_for(kb, economy={"indicator": "gdp", "unit": "亿元", "values": {2019: 10, 2020: 11, 2021: 12}},
                      emissions_history={"unit": "t",
                                         "series": {"CO2e": {2018: 5, 2019: 5}, "SO2": {2021: 1, 2023: 1}}})
    assert facts["data.history_years"] == 2        # 2019 and 2021; 2018 and 2023 have no economy value
    facts = facts_for(kb, economy={"indicator": "gdp", "unit": "亿元", "values": {2019: 10}},
                      emissions_history={"unit": "t", "series": {}})
    assert facts["data.history_years"] == 0


def test_an_f_gas_counts_as_present_only_with_a_positive_amount(kb):
    def fgas(emissions):
        processes = [{"id": "boiler", "category": "fuel_combustion", "owner": "infrastructure",
                      "emissions": {"CO2": 5.0}},
                     {"id": "switchgear", "category": "fluorinated_gas_use", "owner": "infrastructure",
                      "emissions": emissions}]
        return facts_for(kb, processes=processes)["carbon.fgas_present"]

    assert fgas({"SF6": 0.2}) is True
    assert fgas({"SF6": 0.0, "CO2": 1.0}) is False
    assert fgas({"CH4": 3.0}) is False


def test_the_park_type_follows_the_dominant_division_coal_feedstock_and_the_fallback_of_knowledge(kb):
    def park_type(code, analysis):
        data = minimal_profile()
        data["park"]["industries"] = [{"code": code, "share": 0.6}]
        return build_facts(validate_data(data, "park.yaml", kb), analysis, kb)["park.type"]

    assert park_type("C26", {}) == "chemical"
    assert park_type("C26", {"energy": {"coal_feedstock": 120.0}}) == "coal_chemical"
    assert park_type("C31", {"energy": {"coal_feedstock": 120.0}}) == "steel"   # coal turns only chemical types
    assert park_type("B06", {}) == "comprehensive"   # a division no type lists


def test_rows_of_a_weak_data_tier_count_as_weak_data(kb):
    rows = [{"carrier": "electricity", "amount": 100, "unit": "MWh", "data_tier": tier}
            for tier in ("metered", "reported", "statistics", "proxy", "statistics")]
    assert facts_for(kb, energy=rows)["data.weak_tier_share"] == 0.6   # statistics twice and proxy


def test_a_row_without_a_data_tier_leaves_the_weak_data_share_unknown_not_weak(kb):
    rows = [{"carrier": "electricity", "amount": 100, "unit": "MWh", "data_tier": tier}
            for tier in ("metered", "reported", "statistics", "proxy")]
    rows.append({"carrier": "electricity", "amount": 100, "unit": "MWh"})
    assert "data.weak_tier_share" not in facts_for(kb, energy=rows)
