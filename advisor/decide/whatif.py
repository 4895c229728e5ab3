"""What changes in the advice when some profile values change (entered / left / moved)."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

from advisor.errors import Issue, UsageError
from advisor.kb.safe_load import parse_yaml, shown

_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
# a measure's assumption: its id holds dots (measures.7.3.4.share = assumptions.measures["7.3.4"].share)
_MEASURE = re.compile(r"^(?:assumptions\.)?measures\.(\d+\.\d+\.\d+)\.([^.\[\]]+)$")


def _steps(path: str) -> list:
    found = _MEASURE.match(path)
    if found:
        return ["assumptions", "measures", found.group(1), found.group(2)]
    if path == "growth_rate":
        return ["assumptions", "growth_rate"]
    return [int(i) if i else k for k, i in _STEP.findall(path)]


def parse_assignment(text: str) -> tuple[list, Any]:
    if "=" not in text:
        raise UsageError([Issue("--set", text, "expected PATH=VALUE", "e.g. --set management.synergy_plan=true")])
    path, raw = text.split("=", 1)
    steps = _steps(path.strip())
    if not steps:
        raise UsageError([Issue("--set", text, "empty path", "e.g. --set water.reuse_rate=0.9")])
    if not raw.strip():
        return steps, None
    try:
        value = parse_yaml(raw, "--set", UsageError)
    except UsageError as exc:   # located in the value: say which --set it was
        raise UsageError([Issue("--set", shown(text, 80),
                                f"the value is not valid YAML: {i.problem}" + (f" ({i.path})" if i.path else ""),
                                "write a plain value such as 0.9, true or 'text', or a list such as [a, b]")
                          for i in exc.issues]) from None
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


def with_assumptions(path: Path, kb, assignments: list[str]):
    """The profile of `path` with the estimates' assumptions set (recommend and report --set): only
    measures.<id>.<parameter>, assumptions.… and growth_rate; other facts are what-ifs."""
    from advisor.profile.files import read_profile_data, validate_data

    data = read_profile_data(path)
    for text in assignments:
        steps, value = parse_assignment(text)
        if steps[0] != "assumptions":
            raise UsageError([Issue("--set", text, "recommend and report set only the estimates' assumptions",
                                    "e.g. --set measures.7.3.4.share=0.6 or --set growth_rate=0.05; "
                                    "to change other facts use `park-advisor whatif`")])
        set_path(data, steps, value, text)
    return validate_data(data, f"{path} (with --set)", kb)


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


LISTS = ("established", "to_confirm", "not_recommended")


def _lists(advice: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """measure → (the list it is in, its entry there)."""
    out: dict[str, tuple[str, dict[str, Any]]] = {}
    for name, key in zip(LISTS, ("recommendations", "to_confirm", "not_recommended"), strict=True):
        for entry in advice.get(key, []):
            out[entry["measure"]] = (name, entry)
    return out


def _reasons(status: str, entry: dict[str, Any]) -> list[str]:
    """Why a measure is in its list, in plain words: the strongest rule that holds, the conditions to confirm,
    or what keeps it out."""
    if status == "established":
        texts = [b["text"] for b in entry.get("because", [])[:1]]
    elif status == "to_confirm":
        texts = [c["text"] for c in entry.get("if", [])]
    else:
        texts = [w.get("text", "") for w in entry.get("why_not", [])]
    return [t for t in dict.fromkeys(texts) if t]


def _co2e(rec: dict[str, Any] | None) -> dict[str, Any] | None:
    expected = (rec or {}).get("expected") or {}
    return expected.get("CO2e")


def _tonnes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The shortlist's combined reductions before and after, and each measure whose CO2e estimate changed."""
    old = {r["measure"]: r for r in before["recommendations"]}
    new = {r["measure"]: r for r in after["recommendations"]}
    changed = []
    for m in dict.fromkeys([*old, *new]):
        was, now = _co2e(old.get(m)), _co2e(new.get(m))
        if was != now:
            changed.append({"measure": m, "before": was, "after": now})
    return {"before": before.get("expected_total"), "after": after.get("expected_total"), "measures": changed}


def compare_advice(before: dict[str, Any], after: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Entered / left / moved between two `advise()` results (docs/outputs.md) for the same park: `entered`,
    `left` and `moved` are about the established recommendations; `moves` lists every measure that changes
    list (established, to confirm, not recommended)."""
    old = {r["measure"]: r for r in before["recommendations"]}
    new = {r["measure"]: r for r in after["recommendations"]}
    old_lists, new_lists = _lists(before), _lists(after)
    entered = [{"measure": m, "title": r["title"], "rank": r["rank"],
                "reason": r["because"][0]["text"] if r["because"] else ""} for m, r in new.items() if m not in old]
    left = []
    for m, r in old.items():
        if m not in new:
            status, entry = new_lists.get(m, ("not_recommended", {}))
            left.append({"measure": m, "title": r["title"], "to": status,
                         "reason": "; ".join(_reasons(status, entry)), "why_not": entry.get("why_not", [])})
    moved = [{"measure": m, "title": new[m]["title"], "from": old[m]["rank"], "to": new[m]["rank"]}
             for m in new if m in old and old[m]["rank"] != new[m]["rank"]]
    moves = []
    for m, (status, entry) in new_lists.items():
        was = old_lists.get(m, ("not_recommended", {}))[0]
        if was != status:
            moves.append({"measure": m, "title": entry["title"], "from": was, "to": status,
                          "rank": entry.get("rank"), "reasons": _reasons(status, entry)})
    moves.sort(key=lambda x: (LISTS.index(x["to"]), x["rank"] or 0, x["measure"]))
    return {"park": before["park"], "changes": changes, "entered": entered, "left": left, "moved": moved,
            "expected": _tonnes(before, after),
            "moves": moves,
            "before": [r["measure"] for r in before["recommendations"]],
            "after": [r["measure"] for r in after["recommendations"]],
            "to_confirm_before": [t["measure"] for t in before.get("to_confirm", [])],
            "to_confirm_after": [t["measure"] for t in after.get("to_confirm", [])]}
