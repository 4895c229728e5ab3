"""Private copies of knowledge/ and rules/ for tests that break one thing at a time."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml


def edit_rule(root: Path, rule_id: str, change: Callable[[dict], object]) -> None:
    """Apply `change` to one rule of the rule books under root/rules and write its book back."""
    for path in (root / "rules").glob("*.yaml"):
        book = yaml.safe_load(path.read_text(encoding="utf-8"))
        for rule in book["rules"]:
            if rule["id"] == rule_id:
                change(rule)
                path.write_text(yaml.safe_dump(book, allow_unicode=True, sort_keys=False), encoding="utf-8")
                return
    raise AssertionError(f"{rule_id} not found")
