"""Profile validation: every problem located, with a fix; hostile files refused quickly."""

from __future__ import annotations

import json
import time

import pytest
import yaml
from conftest import minimal_profile

from advisor.errors import ProfileError
from advisor.profile.files import load_profile, validate_data


def problems(data, kb) -> list:
    with pytest.raises(ProfileError) as info:
        validate_data(data, "park.yaml", kb)
    return info.value.issues


def test_every_example_park_validates(kb, example_paths):
    assert len(example_paths) >= 4
    for path in example_paths:
        assert load_profile(path, kb).park.id


def test_the_smallest_profile_is_valid_and_everything_else_is_unknown(kb):
    profile = validate_data(minimal_profile(), "park.yaml", kb)
    assert profile.management.synergy_plan is None
    assert profile.infrastructure.energy_env_links is None


def test_a_share_above_one_is_located_and_explained(kb):
    data = minimal_profile()
    data["park"]["industries"][0]["share"] = 55
    [issue] = problems(data, kb)
    assert issue.path == "park.industries[0].share"
    assert "0.55 = 55 %" in issue.fix


def test_industry_shares_may_not_add_up_to_more_than_one(kb):
    data = minimal_profile()
    data["park"]["industries"] = [{"code": "C26", "share": 0.7}, {"code": "C29", "share": 0.5}]
    [issue] = problems(data, kb)
    assert "add up to 1.200" in issue.problem


def test_a_misspelt_key_gets_a_did_you_mean(kb):
    data = minimal_profile(management={"synergy_plna": False})
    [issue] = problems(data, kb)
    assert issue.path == "management.synergy_plna"
    assert "did you mean 'synergy_plan'" in issue.fix


def test_an_unknown_unit_is_an_error_with_a_suggestion(kb):
    data = minimal_profile(energy=[{"carrier": "natural_gas", "amount": 1e6, "unit": "Nmm3"}])
    [issue] = problems(data, kb)
    assert issue.path == "energy[0].unit"
    assert "unknown unit" in issue.problem and "Nm3" in issue.fix


def test_a_unit_of_the_wrong_kind_is_an_error(kb):
    data = minimal_profile(energy=[{"carrier": "electricity", "amount": 1e6, "unit": "t"}])
    [issue] = problems(data, kb)
    assert "measures mass" in issue.problem


def test_a_material_stream_needs_a_known_unit_of_mass(kb):
    stream = {"enterprise": "e-a", "kind": "byproduct", "material": "粉煤灰", "amount": 2.1e4}
    enterprises = [{"id": "e-a"}]
    in_10k_t = minimal_profile(enterprises=enterprises, materials=[{**stream, "unit": "万t"}])
    valid = validate_data(in_10k_t, "park.yaml", kb)
    assert valid.materials[0].unit == "万t"
    [wrong_kind] = problems(minimal_profile(enterprises=enterprises, materials=[{**stream, "unit": "MWh"}]), kb)
    assert wrong_kind.path == "materials[0].unit" and "this field needs mass" in wrong_kind.problem
    [unknown] = problems(minimal_profile(enterprises=enterprises, materials=[{**stream, "unit": "tonnz"}]), kb)
    assert unknown.path == "materials[0].unit" and "unknown unit" in unknown.problem


def test_negative_amounts_are_rejected(kb):
    data = minimal_profile(energy=[{"carrier": "raw_coal", "amount": -5, "unit": "t"}])
    [issue] = problems(data, kb)
    assert issue.path == "energy[0].amount" and "negative" in issue.fix


def test_an_unknown_carrier_and_industry_are_both_reported(kb):
    data = minimal_profile(energy=[{"carrier": "raw_cole", "amount": 5, "unit": "t"}])
    data["park"]["industries"][0]["code"] = "C99"
    paths = {i.path for i in problems(data, kb)}
    assert paths == {"energy[0].carrier", "park.industries[0].code"}


def test_yaml_exponents_written_as_text_are_numbers(kb):
    data = minimal_profile(emissions_history={"unit": "t", "CO2e": {2018: "5.21e6"}})
    profile = validate_data(data, "park.yaml", kb)
    assert profile.emissions_history.series["CO2e"][2018] == 5.21e6


def test_text_that_is_not_a_number_is_located(kb):
    data = minimal_profile(emissions_history={"unit": "t", "SO2": {2018: "about 1200"}})
    [issue] = problems(data, kb)
    assert issue.path == "emissions_history.SO2.2018" and "not a number" in issue.problem


def test_unknown_substances_in_the_history_get_a_suggestion(kb):
    data = minimal_profile(emissions_history={"unit": "t", "S02": {2018: 1.0}})
    [issue] = problems(data, kb)
    assert "did you mean 'SO2'" in issue.fix


def test_a_yaml_syntax_error_names_the_line(tmp_path, kb):
    path = tmp_path / "bad.yaml"
    path.write_text("schema_version: 1\npark:\n  id: x\n  name: [unclosed\n", encoding="utf-8")
    with pytest.raises(ProfileError) as info:
        load_profile(path, kb)
    assert "line" in info.value.issues[0].path and "YAML syntax error" in info.value.issues[0].problem


def test_json_profiles_are_read_like_yaml(tmp_path, kb, demo_path):
    path = tmp_path / "park.json"
    path.write_text(json.dumps(yaml.safe_load(demo_path.read_text(encoding="utf-8")), default=str), encoding="utf-8")
    assert load_profile(path, kb).park.id == "demo-chemical"


def test_a_billion_laughs_file_is_refused_fast(tmp_path, kb):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    path = tmp_path / "laughs.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(ProfileError) as info:
        load_profile(path, kb)
    assert time.perf_counter() - start < 2.0
    assert "aliases expand" in info.value.issues[0].problem


def test_binary_and_huge_files_get_a_clear_error(tmp_path, kb):
    binary = tmp_path / "park.yaml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(ProfileError, match="binary"):
        load_profile(binary, kb)
    huge = tmp_path / "huge.yaml"
    huge.write_bytes(b"# " + b"x" * (6 * 1024 * 1024))
    with pytest.raises(ProfileError, match="larger than"):
        load_profile(huge, kb)


def test_unknown_file_types_are_refused(tmp_path, kb):
    path = tmp_path / "park.txt"
    path.write_text("x", encoding="utf-8")
    with pytest.raises(ProfileError, match="unknown file type"):
        load_profile(path, kb)


def test_the_fast_number_check_gives_the_profile_and_the_errors_of_the_full_model(kb, example_paths):
    import copy

    from pydantic import ValidationError

    from advisor.profile import model as schema

    def outcome(validate, data):
        try:
            return validate(copy.deepcopy(data)).model_dump()
        except ValidationError as exc:
            return [(e["loc"], e["msg"]) for e in exc.errors()]

    cases = []
    for path in example_paths:
        if path.suffix == ".yaml":
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            cases.append(data)
            for bad in ("5.21e6", " 7 ", "abc", True, float("nan"), -1, 2):
                changed = copy.deepcopy(data)
                changed["park"]["industries"][0]["share"] = bad
                cases.append(changed)
    assert len(cases) > 8
    for data in cases:
        assert outcome(schema.validate_profile, data) == outcome(schema.Profile.model_validate, data)
    assert schema._fast and schema._fast[0] is not None, "the fast path is not in use with this pydantic"


def test_numbers_written_as_text_in_a_profile_file_follow_the_cell_vocabulary(kb):
    data = minimal_profile(water={"reuse_rate": "35%", "fresh_water_m3": "5,210,000"})
    profile = validate_data(data, "park.yaml", kb)
    assert (profile.water.reuse_rate, profile.water.fresh_water_m3) == (0.35, 5210000)


def test_a_number_beyond_floats_in_a_profile_file_is_refused_with_a_fix(kb):
    [issue] = problems(minimal_profile(water={"fresh_water_m3": "1e400"}), kb)
    assert issue.path == "water.fresh_water_m3"
    assert issue.problem == "'1e400' is not a finite number" and "plain number" in issue.fix


def test_a_measured_factor_whose_unit_cannot_be_read_is_refused_by_validate(tmp_path):
    from advisor.cli.entry import main

    path = tmp_path / "p.yaml"
    path.write_text("schema_version: 1\n"
                    "park: {id: x, name: X, base_year: 2022, industries: [{code: C26, share: 0.5}]}\n"
                    "energy:\n"
                    "  - {carrier: raw_coal, amount: 1000, unit: t, factor: {value: 1.8, unit: abc, source: assay}}\n",
                    encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    assert main(["analyze", str(path)]) == 1


def test_a_whatif_value_that_is_not_utf8_text_is_a_usage_error(capsys):
    from advisor.cli.entry import main

    assert main(["whatif", "examples/demo-chemical.yaml", "--set", "park.name=园区\udcff"]) == 2
    err = capsys.readouterr().err
    assert "not a character" in err and "internal error" not in err
