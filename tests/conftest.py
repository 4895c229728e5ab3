"""Fixtures: the real knowledge base and rule base, and each bundled example park; helpers that read the
imports of advisor/'s source and decide whether the browser tests can run."""

from __future__ import annotations

import ast
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

# the loaded knowledge and rule bases are cached on disk (advisor/kb/disk_cache.py): the tests, and the
# commands they start, keep theirs in a folder of their own instead of the user's cache
os.environ.setdefault("PARK_ADVISOR_CACHE_DIR", tempfile.mkdtemp(prefix="park-advisor-test-cache-"))

ROOT = Path(__file__).resolve().parent.parent
# Set by .ci/run: the browser tests (tests/test_web_e2e.py) fail instead of skipping when they cannot run.
REQUIRE_BROWSER = "PARK_ADVISOR_REQUIRE_BROWSER"
# one profile per example park: a later cycle of a park (demo-chemical-2024, same park.id) is left out, as a batch
# takes each park once; the evaluation tests read it
EXAMPLES = sorted(p for p in (ROOT / "examples").glob("demo-*.yaml") if not re.search(r"-\d{4}$", p.stem))


@pytest.fixture(scope="session")
def kb():
    from advisor.kb.knowledge import load_knowledge

    return load_knowledge()


@pytest.fixture(scope="session")
def rulebase():
    from advisor.kb.rulebook import load_rulebase

    return load_rulebase()


@pytest.fixture(scope="session")
def example_paths():
    return EXAMPLES


@pytest.fixture(scope="session")
def demo_path():
    return ROOT / "examples" / "demo-chemical.yaml"


def minimal_profile(**extra) -> dict:
    """The smallest valid profile, plus any top-level sections given."""
    data = {"schema_version": 1,
            "park": {"id": "tiny", "name": "小园区", "base_year": 2022, "industries": [{"code": "C26", "share": 0.6}]}}
    data.update(extra)
    return data


def imports_of(path: Path, root: Path = ROOT) -> list[tuple[str, int]]:
    """Every module a source file imports, as (dotted name, line), at any depth (inside functions too).

    `from advisor import kb` counts as advisor.kb (the name imported may be a package); `from x.y import z` as x.y.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolved against the file's own package
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            if base == "advisor":
                found += [(f"{base}.{alias.name}", node.lineno) for alias in node.names]
            else:
                found.append((base, node.lineno))
    return found


def advisor_modules() -> list[Path]:
    return sorted((ROOT / "advisor").rglob("*.py"))


def without_browser(chromium: Path, has_playwright: bool, env) -> tuple[str, str] | None:
    """None when the browser tests can run; otherwise ("skip" or "fail", one line saying how to run them).

    They fail rather than skip when the environment requires them, so that CI cannot pass without a browser.
    """
    if chromium.exists() and has_playwright:
        return None
    missing = f"Chromium at {chromium}" if not chromium.exists() else "the Python package playwright"
    how = "apt-get install chromium" if not chromium.exists() else "pip install -e '.[test]'"
    line = f"browser tests not run: they need {missing} ({how}; never `playwright install`)"
    return ("fail", f"{line}; {REQUIRE_BROWSER} is set") if env.get(REQUIRE_BROWSER) == "1" else ("skip", line)


@pytest.fixture
def broken(tmp_path):
    """A private copy of knowledge/ and rules/ to break one thing at a time (see kb_copies.edit_rule)."""
    shutil.copytree(ROOT / "knowledge", tmp_path / "knowledge")
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    return tmp_path


# --- the web pages (a test module may define its own `client`, e.g. on another database) ---------------------

@pytest.fixture(scope="module")
def advisor():
    """The web pages' service (knowledge, rule base, engine, recent results), one per test module."""
    from advisor.web.service import Advisor

    return Advisor()


@pytest.fixture
def client(tmp_path, advisor):
    """A test client of the web pages on a fresh SQLite database."""
    from fastapi.testclient import TestClient

    from advisor.web.app import create_app

    with TestClient(create_app(f"sqlite:///{tmp_path / 'web.db'}", advisor=advisor),
                    raise_server_exceptions=False) as c:
        yield c


def upload(client, name: str, content: bytes) -> str:
    """A profile file uploaded through the start page; the new park's token."""
    r = client.post("/upload", files={"profile": (name, content)}, follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    return r.headers["location"].split("/")[2]
