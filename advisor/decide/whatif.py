"""What changes in the advice when some profile values change (entered / left / moved)."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import yaml

from advisor.errors import Issue, UsageError

_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_assignment(text: str) -> tuple[list, Any]:
    if "=" not in text:
        raise UsageError([Issue("--set", text, "expected PATH=VALUE", "e.g. --set management.synergy_plan=true")])
    path, raw = text.split("=", 1)
    steps = [int(i) if i else k for k, i in _STEP.findall(path.strip())]
    if not steps:
        raise UsageError([Issue("--set", text, "empty path", "e.g. --set water.reuse_rate=0.9")])
    value = yaml.safe_load(raw) if raw.strip() else None
    return steps, value


def set_path(data: dict, steps: list, value: Any, text: str) -> None:
    node = data
    for i, step in enumerate(steps[:-1]):
        nxt = steps[i + 1]
        if isinstance(step, int):
            if not isinstance(node, list) or step >= len(node):
                raise UsageError([Issue("--set", text, f"no list item [{step}] there", "check the index")])
            node = node[step]
        else:
            if not isinstance(node, dict):
                raise UsageError([Issue("--set", text, f"'{step}' is not inside a mapping", "check the path")])
            node = node.setdefault(step, [] if isinstance(nxt, int) else {})
    last = steps[-1]
    if isinstance(last, int):
        if not isinstance(node, list) or last >= len(node):
            raise UsageError([Issue("--set", text, f"no list item [{last}] there", "check the index")])
        node[last] = value
    else:
        node[last] = value


def what_if(path: Path, kb, assignments: list[str], lang: str = "zh") -> dict[str, Any]:
    from advisor.decide.recommend import advise
    from advisor.profile.files import read_profile_data, validate_data

    if not assignments:
        raise UsageError([Issue("whatif", "", "nothing to change", "add --set PATH=VALUE")])
    data = read_profile_data(path)
    before = advise(validate_data(data, str(path), kb), kb, lang=lang)
    changed = copy.deepcopy(data)
    changes = {}
    for text in assignments:
        steps, value = parse_assignment(text)
        set_path(changed, steps, value, text)
        changes[text.split("=", 1)[0].strip()] = value
    after = advise(validate_data(changed, f"{path} (with --set)", kb), kb, lang=lang)
    return compare_advice(before, after, changes)


def compare_advice(before: dict[str, Any], after: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Entered / left / moved between two `advise()` results (docs/outputs.md) for the same park."""
    old = {r["measure"]: r for r in before["recommendations"]}
    new = {r["measure"]: r for r in after["recommendations"]}
    why_not = {n["measure"]: n for n in after["not_recommended"]}
    entered = [{"measure": m, "title": r["title"], "rank": r["rank"],
                "reason": r["because"][0]["text"] if r["because"] else ""} for m, r in new.items() if m not in old]
    left = []
    for m, r in old.items():
        if m not in new:
            first = why_not[m]["why_not"][0] if why_not[m]["why_not"] else {}
            left.append({"measure": m, "title": r["title"],
                         "reason": f"{first.get('condition', '')} ({first.get('fact')} = {first.get('value')})",
                         "why_not": why_not[m]["why_not"]})
    moved = [{"measure": m, "title": new[m]["title"], "from": old[m]["rank"], "to": new[m]["rank"]}
             for m in new if m in old and old[m]["rank"] != new[m]["rank"]]
    return {"park": before["park"], "changes": changes, "entered": entered, "left": left, "moved": moved,
            "before": [r["measure"] for r in before["recommendations"]],
            "after": [r["measure"] for r in after["recommendations"]]}
