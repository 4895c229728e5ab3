"""Fixtures: the real knowledge base and rule base, and each bundled example park."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# the loaded knowledge and rule bases are cached on disk (advisor/disk_cache.py): the tests, and the
# commands they start, keep theirs in a folder of their own instead of the user's cache
os.environ.setdefault("PARK_ADVISOR_CACHE_DIR", tempfile.mkdtemp(prefix="park-advisor-test-cache-"))

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("demo-*.yaml"))


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
