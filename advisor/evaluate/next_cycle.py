"""The next cycle (guideline 4.3): the latest cycle's advice beside the one before it.

new: recommended now, not before; persisting: recommended in both; resolved: recommended before, not now.
A measure the park marks done leaves these lists – unless the findings it rests on now are still found, in which
case it is listed as done, but the problem remains, with those findings.
"""

from __future__ import annotations

from advisor.evaluate.cycles import Cycle, tracked_measures


def _recommended(advice: dict) -> list[str]:
    return [r["measure"] for r in advice.get("recommendations", [])]


def compare_advice(cycles: list[Cycle], kb, lang: str) -> dict:
    before, now = cycles[-2].advice or {}, cycles[-1].advice or {}
    old, new = _recommended(before), _recommended(now)
    done = {m.measure for m in tracked_measures(cycles) if m.status == "done"}
    found = {f["id"]: f.get("text", f["id"]) for f in now.get("findings", []) if f.get("status", "found") == "found"}
    remains, left = [], []
    for rec in now.get("recommendations", []):
        if rec["measure"] not in done:
            continue
        still = sorted({f for b in rec.get("because", []) for f in b.get("findings", []) if f in found})
        if still:
            remains.append({"measure": rec["measure"], "findings": still, "texts": [found[f] for f in still]})
        else:
            left.append(rec["measure"])
    named = {*old, *new, *done}
    titles = {m.id: m.title.in_lang(lang) for m in kb.measures_in_order() if m.id in named}
    return {
        "new": [m for m in new if m not in old and m not in done],
        "persisting": [m for m in new if m in old and m not in done],
        "resolved": [m for m in old if m not in new],
        "done_left": left,
        "done_problem_remains": remains,
        "titles": titles,
    }
