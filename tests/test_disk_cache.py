"""The disk cache of the knowledge and rule bases: used when nothing changed, never when something did."""

from __future__ import annotations

import shutil

import pytest

from advisor.kb import disk_cache
from advisor.kb.knowledge import load_knowledge_uncached
from advisor.kb.paths import knowledge_dir, rules_dir
from advisor.kb.rulebook import load_rulebase_uncached


@pytest.fixture
def knowledge_copy(tmp_path, monkeypatch):
    monkeypatch.setenv("PARK_ADVISOR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("PARK_ADVISOR_CACHE", raising=False)
    root = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir(), root)
    return root


def counting_builder(root, calls):
    def build():
        calls.append(1)
        kb, issues = load_knowledge_uncached(root)
        return kb, tuple(issues)
    return build


def test_a_second_load_comes_from_the_cache_and_equals_the_files(knowledge_copy):
    calls = []
    first, problems = disk_cache.load("knowledge", [knowledge_copy], counting_builder(knowledge_copy, calls))
    second, _ = disk_cache.load("knowledge", [knowledge_copy], counting_builder(knowledge_copy, calls))
    assert problems == () and len(calls) == 1
    assert second is not first
    def dumped(kb):
        return {k: m.model_dump() for k, m in kb.measures.items()}

    assert dumped(second) == dumped(first)
    assert second.gwp == first.gwp and second.industries == first.industries and second.units == first.units


def test_the_rule_base_is_cached_with_its_conditions_and_rounds(tmp_path, monkeypatch):
    monkeypatch.setenv("PARK_ADVISOR_CACHE_DIR", str(tmp_path / "cache"))
    roots = [rules_dir(), knowledge_dir()]

    def build():
        base, issues = load_rulebase_uncached(*roots)
        return base, tuple(issues)
    fresh, _ = disk_cache.load("rules", roots, build)
    cached, _ = disk_cache.load("rules", roots, lambda: pytest.fail("the rules were read again"))
    assert list(cached.rules) == list(fresh.rules)
    def conditions(rulebase):
        return [(r.condition, r.stratum) for r in rulebase.rules.values()]

    assert conditions(cached) == conditions(fresh)
    assert cached.finding_stratum == fresh.finding_stratum


def test_an_edited_knowledge_file_is_read_again(knowledge_copy):
    calls = []
    before, _ = disk_cache.load("knowledge", [knowledge_copy], counting_builder(knowledge_copy, calls))
    gwp = knowledge_copy / "factors" / "gwp.csv"
    text = gwp.read_text(encoding="utf-8")
    assert "CH4,21,25,28,27.9," in text
    gwp.write_text(text.replace("CH4,21,25,28,27.9,", "CH4,21,25,30,27.9,"), encoding="utf-8")
    after, _ = disk_cache.load("knowledge", [knowledge_copy], counting_builder(knowledge_copy, calls))
    assert len(calls) == 2
    assert before.gwp["CH4"].AR5 == 28 and after.gwp["CH4"].AR5 == 30


def test_a_new_file_in_the_knowledge_folder_is_read_again(knowledge_copy):
    calls = []
    disk_cache.load("knowledge", [knowledge_copy], counting_builder(knowledge_copy, calls))
    (knowledge_copy / "notes.txt").write_text("a new file", encoding="utf-8")
    disk_cache.load("knowledge", [knowledge_copy], counting_builder(knowledge_copy, calls))
    assert len(calls) == 2


def test_a_knowledge_base_with_problems_is_never_cached(knowledge_copy):
    (knowledge_copy / "analysis.yaml").write_text("inventory_coverage_min: [not a quantity\n", encoding="utf-8")
    calls = []
    for _ in range(2):
        _, problems = disk_cache.load("knowledge", [knowledge_copy], counting_builder(knowledge_copy, calls))
        assert problems and "analysis.yaml" in problems[0].file
    assert len(calls) == 2


def test_a_damaged_cache_entry_is_ignored(knowledge_copy, tmp_path):
    calls = []
    disk_cache.load("knowledge", [knowledge_copy], counting_builder(knowledge_copy, calls))
    for entry in (tmp_path / "cache").glob("knowledge-*.pickle"):
        entry.write_bytes(b"\x80\x05 not a pickle")
    kb, problems = disk_cache.load("knowledge", [knowledge_copy], counting_builder(knowledge_copy, calls))
    assert len(calls) == 2 and not problems and kb.measures


def test_the_cache_can_be_turned_off(knowledge_copy, monkeypatch, tmp_path):
    monkeypatch.setenv("PARK_ADVISOR_CACHE", "off")
    calls = []
    for _ in range(2):
        disk_cache.load("knowledge", [knowledge_copy], counting_builder(knowledge_copy, calls))
    assert len(calls) == 2 and not (tmp_path / "cache").exists()


def test_an_unwritable_cache_folder_only_costs_the_speed(knowledge_copy, monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("PARK_ADVISOR_CACHE_DIR", str(blocker / "cache"))
    calls = []
    kb, problems = disk_cache.load("knowledge", [knowledge_copy], counting_builder(knowledge_copy, calls))
    assert kb.measures and not problems and len(calls) == 1
