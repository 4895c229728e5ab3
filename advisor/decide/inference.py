"""Inferred facts (knowledge/inferences.yaml): a fact the profile leaves unknown takes the value its park's type,
divisions, province or city make likely. A known fact is never replaced. Which inferences may establish a measure and
which only make it to be confirmed is decided in advisor.decide.recommend (strong / weak)."""

from __future__ import annotations

from typing import Any, NamedTuple

from advisor.kb.inferences import Inference
from advisor.profile.model import Profile


class _Compiled(NamedTuple):
    inference: Inference
    park_types: frozenset[str] | None
    divisions: frozenset[str] | None
    min_share: float
    provinces: frozenset[str] | None
    city_in: frozenset[str] | None       # park.city known and one of these
    city_outside: frozenset[str] | None  # park.city known and none of these


def _compile(kb) -> tuple[tuple[_Compiled, ...], dict[str, str], dict[str, str]]:
    """The inferences with their conditions as sets; every spelling of a province (浙江省, 浙江, zhejiang) → its
    name in provinces.csv; every spelling of a city (苏州市, 苏州) → its name in cities.csv."""
    cities = getattr(kb, "cities", None) or []
    lists = getattr(kb, "city_lists", None) or {}

    def members(list_id: str | None) -> frozenset[str] | None:
        return lists[list_id].members(cities) if list_id is not None and list_id in lists else None

    rows = []
    for inf in kb.inferences:
        w = inf.when
        rows.append(_Compiled(inf, frozenset(w.park_types) if w.park_types else None,
                              frozenset(w.divisions) if w.divisions else None, w.min_share or 0.0,
                              frozenset(w.provinces) if w.provinces else None,
                              members(getattr(w, "city_in", None)), members(getattr(w, "city_outside", None))))
    spellings: dict[str, str] = {}
    for p in kb.provinces.values():
        for s in (p.name_zh, p.name_zh[:2], p.name_en.lower()):   # two characters name a province uniquely
            spellings[s] = p.name_zh
    city_names: dict[str, str] = {}
    for c in cities:
        for s in (c.name_zh, c.short_zh):
            if s:
                city_names[s] = c.name_zh
    return tuple(rows), spellings, city_names


def infer(facts: dict[str, Any], profile: Profile, kb) -> dict[str, Inference]:
    """fact → the inference that gives it, for each unknown fact some inference applies to (the first listed)."""
    rows, spellings, city_names = kb.derived("inference.compiled", _compile)
    if not rows:
        return {}
    out: dict[str, Inference] = {}
    province: str | None = None
    if profile.park.province:
        name = profile.park.province.strip()
        province = spellings.get(name) or spellings.get(name.lower()) or spellings.get(name[:2])
    city = city_names.get(profile.park.city.strip()) if profile.park.city else None   # unknown: no city
    for row in rows:
        fact = row.inference.fact
        if fact in out or facts.get(fact) is not None:
            continue
        if row.park_types is not None and facts.get("park.type") not in row.park_types:
            continue
        if row.provinces is not None and province not in row.provinces:
            continue
        if row.city_in is not None and (city is None or city not in row.city_in):
            continue
        if row.city_outside is not None and (city is None or city in row.city_outside):
            continue
        if row.divisions is not None:
            share = sum(i.share for i in profile.park.industries if i.code in row.divisions)
            if share + 1e-9 < row.min_share:
                continue
        out[fact] = row.inference
    return out


def inferred_entry(inf: Inference, words: Any, lang: str) -> dict[str, Any]:
    """One entry of the advice's `inferred` list (docs/outputs.md)."""
    asked = words.unknown(inf.fact)
    frames = words.frames
    value = words.value(inf.fact, inf.value)
    text = frames["inferred_fact"].format(fact=words.fact_name(inf.fact),
                                          value=frames["at_least"].format(value) if inf.at_least else value,
                                          basis=inf.basis.in_lang(lang))
    if inf.strength == "weak":
        text = frames["inferred_weak"].format(text)
    return {"fact": inf.fact, "label": asked["label"], "text": text, "value": inf.value, "at_least": inf.at_least,
            "strength": inf.strength, "basis": inf.basis.in_lang(lang),
            "source": f"{inf.source.title} ({inf.source.year})", "question": asked["question"],
            "inference": inf.id}


def reads_inferred(held_facts: list[str], found: list[str], base: Any, outcomes: dict[str, str],
                   strong: dict[str, Inference]) -> list[Inference]:
    """The strong inferences a rule that holds rests on: the facts it cites, and those read by the rules that
    concluded the findings it cites (transitively)."""
    out: list[Inference] = []

    def add(fact: str) -> None:
        inf = strong.get(fact)
        if inf is not None and inf not in out:
            out.append(inf)

    for f in held_facts:
        add(f)
    seen: set[str] = set()
    todo = list(found)
    while todo:
        fid = todo.pop()
        if fid in seen:
            continue
        seen.add(fid)
        for r in base.rules_for_finding(fid):
            if outcomes.get(r.rule.id) == "T":
                for f in r.facts:
                    add(f)
                todo.extend(r.findings)
    return out


def mark_inferred(rows: list[dict[str, Any]], weak: dict[str, Inference], lang: str) -> None:
    """Unknown facts ({fact, label, question}) that a weak inference gives a likely value get `inferred`: the
    value and "inferred from …, to confirm"."""
    from advisor.decide.advice_texts import frames

    frame = frames(lang)["inferred_confirm"]
    for row in rows:
        inf = weak.get(row.get("fact", ""))
        if inf is not None and "inferred" not in row:
            row["inferred"] = {"value": inf.value, "at_least": inf.at_least,
                               "text": frame.format(inf.basis.in_lang(lang))}
