"""knowledge/indicators.yaml: the co-control indicator set is checked by kb check like every knowledge file."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.decide.checks import check_all


def problems(root: Path) -> str:
    return "\n".join(str(i) for i in check_all(root / "knowledge", root / "rules"))


def replace(root: Path, old: str, new: str) -> None:
    path = root / "knowledge" / "indicators.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_set_has_15_to_25_indicators_each_with_names_unit_definition_source_and_year(kb):
    assert 15 <= len(kb.indicators) <= 25
    for ind in kb.indicators.values():
        assert ind.name.zh and ind.name.en and ind.unit and ind.definition.zh and ind.definition.en
        assert ind.source and 1949 <= ind.year <= 2100
        for term in [*ind.value.numerator, *ind.value.denominator]:
            if term.per is not None:   # every number in knowledge/ carries its unit, source and year
                assert term.per.unit and term.per.source and term.per.year


@pytest.mark.parametrize("old, new, words", [
    ("pollutant_kg:SO2]", "pollutant_kg:SO3]", "unknown pollutant 'SO3'"),
    ("denominator: [economy:万元]", "denominator: [economy:万吨]", "unknown money unit '万吨'"),
    ("analysis:carbon.total_t_co2e]", "carbon.total_t_co2e]", "is not a quantity"),
    ("direction: lower", "direction: down", "direction"),
])
def test_a_broken_indicator_is_reported_by_kb_check(broken, old, new, words):
    replace(broken, old, new)
    report = problems(broken)
    assert "indicators.yaml" in report and words in report
