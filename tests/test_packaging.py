"""What a plain `pip install park-advisor` gets: the knowledge base, the rules and the templates in the wheel,
and every third-party package that the code outside the web pages imports."""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

from conftest import advisor_modules, imports_of

import advisor

ROOT = Path(__file__).resolve().parent.parent
# The web pages need the optional `web` extra; `serve` checks for it before importing them.
OPTIONAL_PARTS = ("advisor/web/",)
# Distributions that a core dependency pins to its own release and installs with itself.
SHIPPED_WITH = {"pydantic-core": "pydantic"}


def test_the_wheel_ships_knowledge_rules_and_templates_and_runs_from_elsewhere(tmp_path):
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                            "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-2000:]
    [wheel] = tmp_path.glob("park_advisor-*.whl")
    assert wheel.name.startswith(f"park_advisor-{advisor.__version__}-")  # the version of advisor/__init__.py
    names = zipfile.ZipFile(wheel).namelist()
    assert "advisor/_data/knowledge/measures/7.3.5.yaml" in names
    assert "advisor/_data/knowledge/factors/grid_factors.csv" in names
    assert any(n.startswith("advisor/_data/rules/") and n.endswith(".yaml") for n in names)
    assert any(n.startswith("advisor/_data/reports/templates/") for n in names)
    assert "advisor/_data/examples/demo-chemical.yaml" in names
    assert "advisor/web/app.py" in names
    assert "advisor/_data/reports/templates/web/results.html.j2" in names
    assert "advisor/_data/reports/templates/web/labels.yaml" in names
    assert "advisor/py.typed" in names

    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}
    run_kb_check = "from advisor.cli.entry import main; raise SystemExit(main(['kb', 'check']))"
    done = subprocess.run([sys.executable, "-c", run_kb_check],
                          cwd=elsewhere, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    check = subprocess.run([sys.executable, "-c", "import advisor.kb.paths as p; print(p.knowledge_dir())"],
                           cwd=elsewhere, env=env, capture_output=True, text=True)
    assert str(site) in check.stdout


def distribution(requirement: str) -> str:
    """'python-docx>=1.1' -> 'python-docx', 'psycopg[binary]>=3.1' -> 'psycopg' (names normalised as pip does)."""
    match = re.match(r"[A-Za-z0-9._-]+", requirement)
    assert match, requirement
    return re.sub(r"[-_.]+", "-", match.group()).lower()


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def third_party_imports(paths) -> dict[str, list[str]]:
    """Top-level module -> where it is imported, for the modules that are neither standard library nor advisor."""
    found: dict[str, list[str]] = {}
    for path in paths:
        for target, line in imports_of(path):
            top = target.split(".")[0]
            if top and top != "advisor" and top not in sys.stdlib_module_names:
                found.setdefault(top, []).append(f"{path.relative_to(ROOT).as_posix()}:{line}")
    return found


def test_every_package_the_core_code_imports_is_a_core_dependency():
    core = {distribution(r) for r in project()["dependencies"]}
    owners = importlib.metadata.packages_distributions()
    code = [p for p in advisor_modules() if not p.relative_to(ROOT).as_posix().startswith(OPTIONAL_PARTS)]
    undeclared = {}
    for module, where in third_party_imports(code).items():
        names = {distribution(d) for d in owners.get(module, [module])}
        if not names & (core | {d for d, by in SHIPPED_WITH.items() if by in core}):
            undeclared[module] = where
    assert undeclared == {}, "imported outside advisor/web/ but not in [project] dependencies of pyproject.toml"


def test_the_packages_shipped_with_a_dependency_are_its_own_requirements():
    for shipped, dependency in SHIPPED_WITH.items():
        required = {distribution(r) for r in importlib.metadata.requires(dependency) or [] if "extra ==" not in r}
        assert shipped in required, (shipped, dependency)


def test_the_web_stack_is_an_optional_extra_and_no_core_dependency():
    meta = project()
    core = {distribution(r) for r in meta["dependencies"]}
    web = {distribution(r) for r in meta["optional-dependencies"]["web"]}
    assert {"fastapi", "uvicorn", "sqlalchemy", "python-multipart", "psycopg"} <= web
    assert not web & core
    assert {"matplotlib", "python-docx", "pandas"} <= core


def test_the_version_is_read_from_the_package_only():
    meta = project()
    assert "version" not in meta and "version" in meta["dynamic"]
