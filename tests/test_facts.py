"""Profile + analysis → facts: unknown stays unknown; judgments come from knowledge/."""

from typing import get_args

from advisor.facts import build_facts
from advisor.profile_io import validate_data
from advisor.schemas.profile import Programme
from conftest import minimal_profile


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


def test_the_tables_of_many_knowledge_bases_do_not_pile_up(kb):
    import dataclasses

    from advisor import facts

    profile = validate_data(minimal_profile(), "park.yaml", kb)
    copies = [dataclasses.replace(kb) for _ in range(3 * facts.TABLES_KEPT)]
    for copy in copies:
        build_facts(profile, {}, copy)
    assert len(facts._TABLES) <= facts.TABLES_KEPT
