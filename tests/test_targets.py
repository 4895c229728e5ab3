"""The plan's targets table and key projects: how a measure's cut is phased in, how growth and cuts give a
target, and that every example park gets numbers in every target column and reductions in its projects."""

from __future__ import annotations

import pytest
import yaml

from advisor.accounting import analyze_profile
from advisor.decide.estimates import Estimate
from advisor.decide.recommend import advise
from advisor.decide.targets import cut_share, growth_rate, realised
from advisor.profile.files import validate_data
from tests.conftest import EXAMPLES, ROOT

SPANS = {"near": 2, "medium": 5, "long": 8}


def _estimate(measure: str, f_low: float, f_high: float, amount: float) -> Estimate:
    return Estimate(measure, (1, 1), False, {"CO2e": [amount * f_low, amount * f_high]}, ["p"],
                    {("p", "CO2e"): (f_low, f_high)}, {("p", "CO2e"): amount}, (0.0, 0.0), [], {})


def test_a_medium_measure_is_three_fifths_done_three_years_after_the_base_year():
    assert realised("medium", 2022, 2025, SPANS) == pytest.approx(0.6)
    assert realised("near", 2022, 2025, SPANS) == 1.0
    assert realised("long", 2022, 2030, SPANS) == 1.0


def test_two_phased_cuts_on_one_process_combine_at_their_midpoints_by_hand():
    """1,000 t; measure A cuts 20–40 % (mid 30 %), 60 % realised → 18 %; measure B cuts 10 % fully.
    kept = (1 − 0.18) × (1 − 0.10) = 0.738 → a cut of 26.2 % (a plain sum would say 28 %)."""
    pairs = [(_estimate("A", 0.2, 0.4, 1000), 0.6), (_estimate("B", 0.1, 0.1, 1000), 1.0)]
    assert cut_share(pairs, "CO2e", 1000) == pytest.approx(0.262)


def _advice(path, change=None):
    from advisor.kb.knowledge import load_knowledge

    kb = load_knowledge()
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if change:
        change(data)
    profile = validate_data(data, path.name, kb)
    return profile, advise(profile, kb, analysis=analyze_profile(profile, kb))


def test_a_growth_rate_set_in_the_profile_is_used_instead_of_the_parks_own():
    profile, _ = _advice(ROOT / "examples" / "demo-chemical.yaml",
                         lambda d: d.update(assumptions={"growth_rate": 0.03}))
    assert growth_rate(profile) == (0.03, "profile")


def test_the_total_target_is_the_grown_base_less_the_realised_cut():
    _, advice = _advice(ROOT / "examples" / "demo-chemical.yaml", lambda d: d.update(assumptions={"growth_rate": 0}))
    rows = {r["indicator"]: r for r in advice["targets"]}
    total, intensity = rows["co2e_total"], rows["co2e_per_output"]
    for year in ("2025", "2027", "2030"):   # no growth: the total falls exactly as the intensity
        assert total[year] / total["base"] == pytest.approx(intensity[year] / intensity["base"], rel=1e-3)
        assert total[year] < total["base"]


@pytest.mark.parametrize("path", [p for p in EXAMPLES if "2024" not in p.stem], ids=lambda p: p.stem)
def test_every_example_gets_numbers_in_every_target_column_and_reductions_in_its_projects(path):
    _, advice = _advice(path)
    assert advice["targets"]
    for row in advice["targets"]:
        assert all(row[y] is not None for y in ("2025", "2027", "2030")), row["indicator"]
        assert row["basis"]
    binding = {r["indicator"] for r in advice["targets"] if r["binding"]}
    assert {"co2e_per_output", "energy_per_output"} <= binding
    assert advice["projects"]
    for project in advice["projects"]:
        assert project["measure"] in advice["shortlist"]
        assert project["start"] <= project["end"] and project["funding"] and project["investment"]["source"]
        assert project["expected"] or project["enables"]
