"""Units: spellings found tolerantly, amounts converted to the base unit, unknown units refused with a hint."""

from __future__ import annotations

import pytest

from advisor.kb.units import UnitError, accepted_units, convert, find_unit, normalise_unit


@pytest.mark.parametrize("spelling, canonical", [
    ("Nm3", "Nm3"), ("nm3", "Nm3"), ("NM3", "Nm3"), ("万 kWh", "万kWh"), ("10^4Nm3", "万Nm3"),
    ("10⁴ Nm³", "万Nm3"), ("万吨", "万t"), ("TCE", "tce"), (" t ", "t"), ("ｔ", "t"), ("t steam", "t steam"),
    ("吨蒸汽", "t steam"), ("亿元", "亿元"), ("kwh", "kWh"),
])
def test_a_unit_is_found_whatever_its_case_blanks_or_width(kb, spelling, canonical):
    assert find_unit(spelling, kb).unit == canonical


def test_every_spelling_in_knowledge_is_found_in_upper_and_lower_case_unless_two_units_clash(kb):
    keys: dict[str, set[str]] = {}
    for spelling, unit in kb.units.items():
        keys.setdefault(normalise_unit(spelling), set()).add(unit.unit)
    for spelling, unit in kb.units.items():
        if len(keys[normalise_unit(spelling)]) > 1:
            continue
        for variant in (spelling.upper(), spelling.lower(), f" {spelling} "):
            assert find_unit(variant, kb) is unit, variant


@pytest.mark.parametrize("amount, unit, base", [
    (2, "万t", 20000), (500, "万kWh", 5000), (3, "亿kWh", 300000), (1.62e6, "t", 1.62e6), (850, "万Nm3", 8.5e6),
    (1, "10^3 Nm3", 1000), (4, "万tce", 40000), (2500, "kg", 2.5), (3.2, "TJ", 3200), (512.3, "亿元", 5.123e10),
    (300, "kWh", 0.3),
])
def test_an_amount_is_converted_to_its_dimensions_base_unit(kb, amount, unit, base):
    assert convert(amount, unit, kb) == pytest.approx(base, rel=1e-12)


def test_an_unknown_unit_is_refused_with_a_did_you_mean_and_the_accepted_units(kb):
    with pytest.raises(UnitError) as info:
        convert(10, "万NM4", kb, "volume")
    text = str(info.value)
    assert "'万NM4'" in text and "did you mean '万Nm3'?" in text
    assert "units accepted for volume: " in text and "Nm3" in text and "tce" not in text


def test_a_unit_of_the_wrong_dimension_is_refused_naming_both_dimensions(kb):
    with pytest.raises(UnitError) as info:
        convert(10, "MWh", kb, "mass")
    assert "'MWh' measures electricity, but mass is needed" in str(info.value)


def test_a_dimension_may_be_one_of_several(kb):
    assert convert(10, "t steam", kb, ("energy", "steam")) == 10
    with pytest.raises(UnitError):
        convert(10, "t steam", kb, "energy")


def test_unit_error_is_a_value_error_so_callers_may_catch_either(kb):
    with pytest.raises(ValueError):
        convert(1, "furlong", kb)


def test_the_accepted_units_of_a_dimension_are_its_canonical_spellings(kb):
    assert set(accepted_units(kb, "electricity")) == {"MWh", "kWh", "万kWh", "亿kWh", "GWh"}
