"""The layout of advisor/: packages import only downward, one module talks to durable, small modules.

Read statically (ast), imports inside functions included, so a lazy import cannot hide an upward one.
"""

from __future__ import annotations

from conftest import ROOT, advisor_modules, imports_of

# Lowest first. A package may import its own modules and anything on a lower level; packages on the same
# level (questionnaire and render, batch and web) do not import each other. results holds the typed result
# objects that api returns, so it sits just below api.
LEVELS = {
    "errors": 0,
    "kb": 1,
    "profile": 2,
    "accounting": 3,
    "decide": 4,
    "evaluate": 5,
    "questionnaire": 6, "render": 6,
    "batch": 7, "web": 7,
    "results": 8,
    "api": 9,
    "cli": 10,
}
# The package itself and `python -m advisor` sit above everything and may import anything.
ROOT_MODULES = {"advisor/__init__.py", "advisor/__main__.py"}
# The version lives in advisor/__init__.py (the one source hatch reads); Python has run that file before
# any submodule, so reading it is no upward dependency.
VERSION = "advisor.__version__"

MAX_TOP_LEVEL_MODULES = 6
MAX_LINES = 600


def part_of(dotted: str) -> str:
    """The first name under advisor: 'advisor.kb.units' -> 'kb'; 'advisor' itself -> ''."""
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 else ""


def upward_imports() -> list[str]:
    wrong = []
    for path in advisor_modules():
        name = path.relative_to(ROOT).as_posix()
        if name in ROOT_MODULES:
            continue
        own = part_of(".".join(path.relative_to(ROOT).with_suffix("").parts))
        if own not in LEVELS:
            wrong.append(f"{name}: its package {own!r} has no place in the layering order of tests/test_layout.py")
            continue
        for target, line in imports_of(path):
            if target.split(".")[0] != "advisor" or target == VERSION:
                continue
            other = part_of(target)
            if other == own:
                continue
            if other not in LEVELS or LEVELS[other] >= LEVELS[own]:
                wrong.append(f"{name}:{line} ({own}) imports {target}")
    return wrong


def test_imports_are_found_inside_functions_and_relative_ones_are_resolved(tmp_path):
    module = tmp_path / "advisor" / "kb" / "late.py"
    module.parent.mkdir(parents=True)
    module.write_text("import json\n\ndef f():\n    from advisor.cli import entry\n    from ..render import text\n"
                      "    from . import units\n    from advisor import api\n", encoding="utf-8")
    assert sorted(imports_of(module, root=tmp_path), key=lambda found: found[1]) == [
        ("json", 1), ("advisor.cli", 4), ("advisor.render", 5), ("advisor.kb", 6), ("advisor.api", 7)]


def test_every_package_imports_only_from_itself_and_the_packages_below_it():
    wrong = upward_imports()
    assert not wrong, "\n".join(wrong)


def test_the_layering_order_is_what_the_packages_are():
    packages = {p.name for p in (ROOT / "advisor").iterdir() if (p / "__init__.py").exists()}
    modules = {p.stem for p in (ROOT / "advisor").glob("*.py") if p.name not in {"__init__.py", "__main__.py"}}
    assert packages | modules <= set(LEVELS), "a new package or top-level module needs its level in LEVELS"


def test_only_the_engine_imports_durable_rules():
    users = {path.relative_to(ROOT).as_posix() for path in advisor_modules()
             for target, _ in imports_of(path) if target.split(".")[0] == "durable"}
    assert users == {"advisor/decide/engine.py"}


def test_advisor_has_at_most_six_modules_at_its_top_level():
    top = sorted(p.name for p in (ROOT / "advisor").glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL_MODULES, top


def test_no_module_of_advisor_is_longer_than_600_lines():
    long = {path.relative_to(ROOT).as_posix(): n for path in advisor_modules()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}
