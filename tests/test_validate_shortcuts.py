"""The quick paths of validation give exactly what the full model and the row-by-row checks give."""

from __future__ import annotations

import copy

import pytest
import yaml
from pydantic import ValidationError

from advisor.errors import ProfileError
from advisor.profile import model as schema
from advisor.profile.checks import check_profile
from advisor.profile.files import validate_data


def _demo(example_paths) -> dict:
    path = next(p for p in example_paths if p.name == "demo-chemical.yaml")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _outcome(validate, data):
    try:
        return validate(copy.deepcopy(data)).model_dump()
    except ValidationError as exc:
        return [(e["loc"], e["msg"]) for e in exc.errors()]


def _broken_rules(data: dict) -> list[dict]:
    """The demo park with one model rule broken at a time (each one a model validator)."""
    cases = []
    for change in ("shares", "division", "process", "enterprise", "measure", "all"):
        bad = copy.deepcopy(data)
        if change in ("shares", "all"):
            bad["park"]["industries"][0]["share"] = 0.99
        if change in ("division", "all"):
            bad["park"]["industries"][1]["code"] = bad["park"]["industries"][0]["code"]
        if change in ("process", "all"):
            bad["processes"][1]["id"] = bad["processes"][0]["id"]
        if change in ("enterprise", "all"):
            bad["enterprises"][1]["id"] = bad["enterprises"][0]["id"]
        if change in ("measure", "all"):
            bad["measures_status"] = [{"measure": "7.3.4", "status": "done"}, {"measure": "7.3.4", "status": "planned"}]
        cases.append(bad)
    return cases


def test_the_fast_schema_and_its_rules_refuse_what_the_model_refuses(example_paths):
    data = _demo(example_paths)
    for bad in _broken_rules(data):
        refused = _outcome(schema.Profile.model_validate, bad)
        assert isinstance(refused, list) and refused, "the case breaks no rule"
        assert _outcome(schema.validate_profile, bad) == refused
    assert _outcome(schema.validate_profile, data) == _outcome(schema.Profile.model_validate, data)


def test_the_fast_schema_leaves_out_only_the_rules_validate_profile_asks():
    left: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            kind = node.get("type")   # a field may be named "type" too
            function = node["function"].get("function") if kind in ("function-before", "function-after") else None
            if function is not None and getattr(function, "__qualname__", "") in schema._RULES:
                left.append(function.__qualname__)
            for key, value in node.items():
                if key not in ("cls", "default"):
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema.Profile.__pydantic_core_schema__)
    assert sorted(left) == sorted(schema._RULES)   # the full model keeps them
    left.clear()
    walk(schema._native_numbers(schema.Profile.__pydantic_core_schema__))
    assert left == []


def _paths(data, kb) -> list[str]:
    try:
        validate_data(data, "park.yaml", kb)
    except ProfileError as exc:
        return [f"{issue.path}: {issue.problem}" for issue in exc.issues]
    return []


def test_knowledge_checks_list_every_problem_in_order_whether_remembered_or_not(kb, example_paths):
    data = _demo(example_paths)
    bad = copy.deepcopy(data)
    bad["energy"][0]["owner"] = "e-nobody"
    bad["energy"][1]["carrier"] = "moonlight"
    bad["energy"][2]["unit"] = "MWh"
    bad["energy"][2]["factor"]["unit"] = "t CO2"
    bad["exports"][1]["unit"] = "t"
    bad["processes"][0]["category"] = "alchemy"
    bad["processes"][1]["emissions"]["XYZ"] = 1.0
    bad["processes"][1]["owner"] = "e-nobody"
    bad["enterprises"][1]["industry"] = "Z99"
    bad["materials"][0]["enterprise"] = "e-nobody"
    bad["materials"][1]["receiver"] = "the-sea"
    bad["materials"][1]["unit"] = "MWh"
    expected = ["energy[0].owner", "energy[1].carrier", "energy[2].unit", "energy[2].factor.unit", "exports[1].unit",
                "processes[0].category", "processes[1].emissions.XYZ", "processes[1].owner",
                "enterprises[1].industry", "materials[0].enterprise", "materials[1].receiver", "materials[1].unit"]
    first = _paths(bad, kb)
    assert [p.split(": ")[0] for p in first] == expected
    assert _paths(bad, kb) == first   # the same once the good answers are remembered
    assert _paths(data, kb) == []
    assert _paths(bad, kb) == first


@pytest.mark.parametrize("where", ["energy", "processes", "materials"])
def test_an_owner_or_enterprise_left_empty_is_treated_as_before(kb, example_paths, where):
    data = _demo(example_paths)
    if where == "energy":
        data["energy"][0]["owner"] = ""   # an empty owner is not checked
        assert _paths(data, kb) == []
    elif where == "processes":
        data["processes"][0]["owner"] = ""   # a process's owner is always checked
        assert [p.split(": ")[0] for p in _paths(data, kb)] == ["processes[0].owner"]
    else:
        data["materials"][0]["receiver"] = ""   # an empty receiver is not checked
        assert _paths(data, kb) == []


def test_a_profile_without_enterprises_checks_no_owners(kb, example_paths):
    data = _demo(example_paths)
    data.pop("enterprises")
    data.pop("materials")
    data["energy"][0]["owner"] = "anyone"
    data["processes"][0]["owner"] = "anyone"
    assert _paths(data, kb) == []
    profile = schema.validate_profile(copy.deepcopy(data))
    assert check_profile(profile, kb, "park.yaml") == []
