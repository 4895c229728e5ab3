"""Answers as dotted profile paths: a profile tree flattened to paths and nested back, and units aligned.

The questionnaire keeps answers as {"energy.raw_coal": 1.62e6, "park.level": "national", …}; `nest`
builds profile data (format 1, see docs/profile-format.md) from them, `flatten` takes a profile apart.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from advisor.kb.schemas.questions import QuestionBook
from advisor.questionnaire.questions import units_only

KEYED_LISTS = {"energy": "carrier"}  # energy.<carrier> answers become rows of the `energy` list
# mappings whose keys hold dots (measure ids such as 7.3.4): one answer each, never taken apart
WHOLE_MAPPINGS = ("assumptions.measures",)


def paths_overlap(a: str, b: str) -> bool:
    """The same path, or one inside the other."""
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def align_units(data: dict, book: QuestionBook, units_kb: Any = None) -> dict:
    """The profile with each section whose questions imply a unit (`emissions_history.unit: t`) converted
    to that unit. Questions read answers in their own unit: without this, a series given in 万t would be
    shown as bare numbers and read back as tonnes. A unit that is unknown or of another kind is left
    alone for validation to report."""
    from advisor.kb.units import find_unit

    wanted: dict[str, str] = {}
    for q in book.questions:
        for path, implied in q.implies.items():
            if path.endswith(".unit") and isinstance(implied, str):
                wanted[path.removesuffix(".unit")] = implied
    out = copy.deepcopy(data)
    kb = units_kb or units_only()
    for section, unit in wanted.items():
        node: Any = out
        for part in section.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        given = node.get("unit") if isinstance(node, dict) else None
        if not isinstance(given, str) or given == unit:
            continue
        have, want = find_unit(given, kb), find_unit(unit, kb)
        if have is None or want is None or have.dimension != want.dimension:
            continue
        factor = have.to_base / want.to_base
        node.update({k: _scaled_numbers(v, factor) for k, v in node.items() if k != "unit"})
        node["unit"] = unit
    return out


def _scaled_numbers(node: Any, factor: float) -> Any:
    if isinstance(node, dict):
        return {k: _scaled_numbers(v, factor) for k, v in node.items()}
    if isinstance(node, (int, float)) and not isinstance(node, bool):
        return float(f"{node * factor:.12g}")   # 0.263 万t → 2630 t, not 2630.0000000000005
    return node


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """A profile tree as dotted paths; lists and empty mappings are leaves; nulls (unknown) are dropped."""
    out: dict[str, Any] = {}
    if not isinstance(data, dict):
        return out
    for key, value in data.items():
        if not prefix and key == "schema_version":
            continue
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict) and value and path not in WHOLE_MAPPINGS:
            out.update(flatten(value, path))
        elif value is not None:
            out[path] = value
    return out


def is_answered(answers: dict[str, Any], path: str) -> bool:
    """True when the path, a part of it, or a whole section containing it has a value."""
    return any(paths_overlap(path, p) for p in answers)


def nest(answers: dict[str, Any], book: QuestionBook) -> dict:
    """Profile data (format 1) from path → value answers."""
    from advisor.profile.model import Profile

    root: dict[str, Any] = {}
    for path, value in copy.deepcopy(answers).items():
        parts = path.split(".")
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        last = parts[-1]
        if isinstance(value, dict) and isinstance(node.get(last), dict):
            node[last].update(value)
        else:
            node[last] = value
    by_path = {q.path: q for q in book.questions}
    for section, key in KEYED_LISTS.items():
        if isinstance(root.get(section), dict):
            root[section] = [{key: name, "amount": amount, "unit": by_path[f"{section}.{name}"].unit
                              if f"{section}.{name}" in by_path else "t"}
                             for name, amount in root[section].items()]
    _years_as_numbers(root)
    order = list(Profile.model_fields)
    data = {"schema_version": 1}
    data.update({k: root[k] for k in sorted(root, key=lambda k: order.index(k) if k in order else len(order))})
    return data


def _years_as_numbers(node: Any) -> None:
    if isinstance(node, dict):
        for key in list(node):
            _years_as_numbers(node[key])
            if isinstance(key, str) and re.fullmatch(r"\d{4}", key):
                node[int(key)] = node.pop(key)
    elif isinstance(node, list):
        for item in node:
            _years_as_numbers(item)
