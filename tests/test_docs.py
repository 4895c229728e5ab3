"""docs/: the schemas are what the code generates, real outputs fit them, and the pages cover what they promise."""

from __future__ import annotations

import json
import re
import typing

import pytest
from conftest import EXAMPLES, ROOT
from pydantic import BaseModel

import advisor
from advisor.cli.entry import main
from advisor.profile.model import Profile
from advisor.results import (
    OUTPUTS,
    AdviceOutput,
    AnalysisOutput,
    ExplanationOutput,
    WhatIfOutput,
    json_schemas,
    schema_text,
)

DOCS = ROOT / "docs"
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def page(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def cli_json(capsys, *argv) -> dict:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_committed_schemas_are_what_the_models_generate_now():
    generated = json_schemas()
    committed = {p.name for p in (DOCS / "schemas").glob("*.json")}
    assert committed == set(generated), "run: python -m advisor.results docs/schemas"
    for name, schema in generated.items():
        assert (DOCS / "schemas" / name).read_text(encoding="utf-8") == schema_text(schema), (
            f"docs/schemas/{name} is out of date: run python -m advisor.results docs/schemas")


def unknown_keys(data, node: dict, defs: dict, path: str = "") -> list[str]:
    """The keys of `data` that the schema `node` has no place for (objects only; values are not checked)."""
    node = defs[node["$ref"].rsplit("/", 1)[-1]] if "$ref" in node else node
    found = []
    for option in node.get("anyOf", []):
        if option.get("type") != "null":
            found += unknown_keys(data, option, defs, path)
    if isinstance(data, dict) and (node.get("type") == "object" or "properties" in node):
        properties, extra = node.get("properties", {}), node.get("additionalProperties", True)
        for key, value in data.items():
            if key in properties:
                found += unknown_keys(value, properties[key], defs, f"{path}.{key}")
            elif isinstance(extra, dict):
                found += unknown_keys(value, extra, defs, f"{path}.{key}")
            elif extra is False:
                found.append(f"{path}.{key}")
    if isinstance(data, list) and isinstance(node.get("items"), dict):
        for i, item in enumerate(data):
            found += unknown_keys(item, node["items"], defs, f"{path}[{i}]")
    return found


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_the_profile_schema_has_a_place_for_every_key_of_each_example(path):
    import yaml

    schema = json_schemas()["profile.schema.json"]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert "emissions_history" in data and "CO2e" in data["emissions_history"]
    assert unknown_keys(data, schema, schema["$defs"]) == []


def test_the_schema_check_finds_a_misspelt_key(demo_path):
    import yaml

    schema = json_schemas()["profile.schema.json"]
    data = yaml.safe_load(demo_path.read_text(encoding="utf-8"))
    data["management"]["synergy_plann"] = True
    assert unknown_keys(data, schema, schema["$defs"]) == [".management.synergy_plann"]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_the_outputs_of_each_example_fit_the_result_models(capsys, path):
    AnalysisOutput.model_validate(cli_json(capsys, "analyze", str(path)))
    for lang in ("zh", "en"):
        advice = AdviceOutput.model_validate(cli_json(capsys, "recommend", str(path), "--lang", lang))
        ExplanationOutput.model_validate(cli_json(capsys, "explain", str(path), advice.recommendations[0].measure))
        if advice.not_recommended:
            left_out = advice.not_recommended[0].measure
            ExplanationOutput.model_validate(cli_json(capsys, "explain", str(path), left_out))
    WhatIfOutput.model_validate(cli_json(capsys, "whatif", str(path), "--set", "management.synergy_plan=true",
                                         "--set", "park.key_air_region=false"))


def test_a_result_with_an_unknown_top_level_key_does_not_fit(capsys, demo_path):
    from pydantic import ValidationError

    result = cli_json(capsys, "analyze", str(demo_path))
    with pytest.raises(ValidationError):
        AnalysisOutput.model_validate({**result, "surprise": 1})


def _model_in(annotation: typing.Any) -> tuple[type[BaseModel] | None, str]:
    """The pydantic model inside an annotation, and '[]' when it is a list of them."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, ""
    for arg in typing.get_args(annotation):
        model, suffix = _model_in(arg)
        if model is not None:
            return model, ("[]" if typing.get_origin(annotation) is list else "") + suffix
    return None, ""


def profile_paths(model: type[BaseModel] = Profile, prefix: str = "") -> list[str]:
    """Every field of the profile model as a dotted path, lists marked `[]` (park.industries[].code)."""
    paths = []
    for name, field in model.model_fields.items():
        inner, suffix = _model_in(field.annotation)
        path = prefix + name + suffix
        paths.append(path)
        if inner is not None:
            paths += profile_paths(inner, path + ".")
    # files write the substances of emissions_history beside `unit`; the model gathers them as `series`
    return [p.replace("emissions_history.series", "emissions_history.<substance>") for p in paths]


def test_the_profile_walk_reaches_nested_list_fields():
    paths = profile_paths()
    assert "park.industries[].share" in paths and "energy[].factor.source" in paths


def test_the_profile_format_documents_every_field_of_the_model():
    text = page("profile-format.md")
    missing = [p for p in profile_paths() if f"`{p}`" not in text]
    assert not missing, f"docs/profile-format.md lacks: {', '.join(missing)}"


def test_the_outputs_page_names_every_key_of_each_result_and_the_batch_columns():
    from advisor.batch.run import OUTPUT_COLUMNS

    text = page("outputs.md")
    keys = {f"`{k}`" for model in OUTPUTS.values() for k in model.model_json_schema(by_alias=True)["properties"]}
    keys |= {f"`{c}`" for c in OUTPUT_COLUMNS}
    assert not [k for k in keys if k not in text]


def test_the_glossary_explains_every_decoupling_state_data_tier_and_object(kb):
    text = page("glossary.md")
    d = kb.decoupling
    ids = [s.id for group in (d.tapio, d.trend, d.synergy) for s in group]
    ids += [o for o in ("management", "infrastructure", "enterprise", "third_party", "surrounding")]
    tiers = re.findall(r"^- id: (\w+)", (ROOT / "knowledge" / "data_tiers.yaml").read_text(encoding="utf-8"), re.M)
    assert tiers
    assert not [i for i in ids + tiers if f"`{i}`" not in text]


def test_the_rules_page_links_the_rule_books_readme_and_shows_each_operator():
    from advisor.kb.schemas.rules import OPS

    text = page("rules.md")
    assert "../rules/README.md" in text and "park-advisor kb check" in text
    shown = set(re.findall(r"`(\w+)`", text)) | set(re.findall(r"(\w+):", text))
    assert not [op for op in (*OPS, "all", "any", "not", "finding") if op not in shown]


def test_every_page_is_listed_in_the_index_and_every_relative_link_resolves():
    pages = sorted(p.name for p in DOCS.glob("*.md") if p.name != "README.md")
    index = page("README.md")
    assert not [p for p in pages if f"({p})" not in index]
    broken = []
    for path in [*DOCS.glob("*.md"), ROOT / "CHANGELOG.md"]:
        for target in LINK.findall(path.read_text(encoding="utf-8")):
            if not target.startswith(("http://", "https://")) and not (path.parent / target).exists():
                broken.append(f"{path.name}: {target}")
    assert not broken


def test_the_changelog_has_a_section_for_this_version():
    assert re.search(rf"^## .*\b{re.escape(advisor.__version__)}\b", (ROOT / "CHANGELOG.md").read_text(
        encoding="utf-8"), re.M)


def test_the_docs_point_only_inside_the_repository():
    texts = [*DOCS.glob("*.md"), ROOT / "CHANGELOG.md"]
    outside = re.compile(r"CONTRACT|DOMAIN\.md|DOMAIN §|(?<![\w.])/(?:work|tmp|home|root)/")   # notes, machine paths
    assert not [p.name for p in texts if outside.search(p.read_text(encoding="utf-8"))]
