"""Score, order and prioritise the recommended measures – every part of the score returned.

Order: foundation measures whose condition holds first (`foundation` in knowledge/ranking.yaml, in the
guideline's order among themselves); then score (high first), then the guideline's order (which is by
implementation object first); a recommended prerequisite is moved before its dependants (7.1.1 before
7.1.2 …). Priority bands are given after that final order, relative to the park: at most `high_at_most`
high and `medium_at_most` medium measures, never a higher band below a lower one. `shortlist` picks the
measures of a first-year plan from the ranked list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from operator import attrgetter
from pathlib import Path
from typing import NamedTuple

from pydantic import Field, ValidationError

from advisor.errors import Issue, KnowledgeError
from advisor.kb.paths import knowledge_dir
from advisor.kb.safe_load import load_data_file
from advisor.kb.schemas.common import Strict
from advisor.kb.schemas.knowledge import Quantity


class Foundation(Strict):
    """A measure that comes first wherever one of its named rules holds or named findings is found."""
    measure: str
    rules: list[str] = []
    findings: list[str] = []
    reason: str = Field(min_length=3)


class RankingSettings(Strict):
    verify_factor: Quantity
    severity_weight: Quantity
    co2e_weight: Quantity
    pollutant_weight: Quantity
    priority_high: Quantity
    priority_medium: Quantity
    high_at_most: Quantity
    medium_at_most: Quantity
    shortlist_size: Quantity
    foundation: list[Foundation] = []


@cache
def ranking_settings(root: Path | None = None) -> RankingSettings:
    path = (root or knowledge_dir()) / "ranking.yaml"
    data = load_data_file(path, KnowledgeError)
    try:
        return RankingSettings.model_validate(data)
    except ValidationError as exc:
        raise KnowledgeError([Issue(str(path), ".".join(map(str, e["loc"])), e["msg"],
                                    "match the settings listed in knowledge/README.md")
                              for e in exc.errors()]) from None


@dataclass(slots=True)
class Scored:
    measure: str
    score: float
    parts: dict[str, float] = field(default_factory=dict)
    priority: str = "low"       # by score alone until `order` gives the bands relative to the park
    foundation: bool = False    # set by `order`: a foundation measure whose condition holds


class ScoreWeights(NamedTuple):
    """The settings' values as plain numbers (read for every measure of every park)."""
    verify: float
    severity: float
    co2e: float
    pollutant: float
    high: float
    medium: float


def score_measure(measure, rules: float, severity: int, category_shares: dict[str, tuple[float, float]],
                  weights: ScoreWeights) -> Scored:
    """rules: Σ weight of the supporting rules (one resting on unknowns counts `weights.verify` of its
    weight); severity: Σ severity of the findings those rules read; category_shares: category → (CO2e
    share, max pollutant share)."""
    return score_with(measure, rules, severity, category_shares, weights, fixed_parts(weights))


_Fixed = tuple[float, float, float, str]    # rules part, findings part, the score and priority without shares
_FIXED: dict[ScoreWeights, dict[tuple[float, int], _Fixed]] = {}


def fixed_parts(weights: ScoreWeights) -> dict[tuple[float, int], _Fixed]:
    """(Σ rule weight, Σ severity) → the parts of a score that do not depend on the park's shares, worked out once:
    the same few sums recur in every park."""
    fixed = _FIXED.get(weights)
    if fixed is None:
        if len(_FIXED) > 16:
            _FIXED.clear()
        fixed = _FIXED[weights] = {}
    return fixed


def score_with(measure, rules: float, severity: int, category_shares: dict[str, tuple[float, float]],
               weights: ScoreWeights, fixed: dict[tuple[float, int], _Fixed]) -> Scored:
    """score_measure, with `fixed_parts(weights)` given (read once per park)."""
    got = fixed.get((rules, severity))
    if got is None:
        if len(fixed) > 4_096:
            fixed.clear()
        r, f = _round4(rules), _round4(weights.severity * severity)
        # without target processes both shares are 0 (a zero product is already exact)
        score = _round4(r + f + weights.co2e * 0.0 + weights.pollutant * 0.0)
        got = fixed[(rules, severity)] = (r, f, score, _priority(score, weights))
    rules_part, findings, score, priority = got
    targets = measure.target_processes
    if targets:
        co2e, pollutant = 0.0, None
        for c in targets:
            share_co2e, share_pollutant = category_shares.get(c, _NO_SHARE)
            co2e += share_co2e
            if pollutant is None or share_pollutant > pollutant:
                pollutant = share_pollutant
        pollutant = pollutant or 0.0
        co2e = _round4(weights.co2e * (1.0 if co2e > 1.0 else co2e))    # min(co2e, 1.0), without a call
        pollutant = _round4(weights.pollutant * (1.0 if pollutant > 1.0 else pollutant))
        score = _round4(rules_part + findings + co2e + pollutant)
        priority = _priority(score, weights)
    else:
        co2e, pollutant = weights.co2e * 0.0, weights.pollutant * 0.0
    parts = {"rules": rules_part, "findings": findings, "co2e_share": co2e, "pollutant_share": pollutant}
    return Scored(measure.id, score, parts, priority)


def _priority(score: float, weights: ScoreWeights) -> str:
    return "high" if score >= weights.high else "medium" if score >= weights.medium else "low"


def _round4(x: float) -> float:
    """round(x, 4), which goes through a decimal string, computed directly where that is exact: when x·10⁴ is
    clearly nearer one integer n than any other (|x·10⁴ − n| < 0.4999, beyond the product's own rounding error
    for |x·10⁴| < 10¹²), round gives the double nearest n / 10⁴, as the division does; a zero keeps x's sign."""
    y = x * 10000.0
    if -1e12 < y < 1e12:
        n = round(y)
        d = y - n
        if -0.4999 < d < 0.4999:
            return n / 10000.0 if n else x * 0.0
    return round(x, 4)


def score_weights(settings: RankingSettings) -> ScoreWeights:
    """The settings' six values as plain numbers."""
    return ScoreWeights(settings.verify_factor.value, settings.severity_weight.value, settings.co2e_weight.value,
                        settings.pollutant_weight.value, settings.priority_high.value, settings.priority_medium.value)


_NO_SHARE = (0.0, 0.0)
_SCORE = attrgetter("score")


@cache
def clause_key(measure_id: str) -> tuple[int, ...]:
    """'7.1.2' → (7, 1, 2): the guideline's order (7.1.2 before 7.1.10), which groups the measures by
    implementation object too (7.1 management … 7.5 surrounding, objects.yaml's clauses)."""
    return tuple(int(p) for p in measure_id.split("."))


def foundational(outcomes: dict[str, str] | None, findings: dict[str, bool | None] | None,
                 settings: RankingSettings | None = None) -> set[str]:
    """The foundation measures whose condition holds for this park: one of the rules named for it holds
    (outcome "T": true on known facts and found findings) or one of the findings named for it is found."""
    outcomes, findings = outcomes or {}, findings or {}
    out = set()
    for measure, rules, found in _foundations(settings or ranking_settings()):
        for r in rules:
            if outcomes.get(r) == "T":
                out.add(measure)
                break
        else:
            for g in found:
                if findings.get(g) is True:
                    out.add(measure)
                    break
    return out


_Foundations = tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]
_foundations_kept: tuple[object, _Foundations] = (None, ())


def _foundations(settings: RankingSettings) -> _Foundations:
    """(measure, its rules, its findings) of each foundation entry, kept for the settings last read."""
    global _foundations_kept
    kept = _foundations_kept
    if kept[0] is not settings:
        kept = _foundations_kept = (settings, tuple((f.measure, tuple(f.rules), tuple(f.findings))
                                                    for f in settings.foundation))
    return kept[1]


def order(scored: list[Scored], measures: dict, outcomes: dict[str, str] | None = None,
          findings: dict[str, bool | None] | None = None, settings: RankingSettings | None = None) -> list[Scored]:
    """Rank the foundation measures whose condition holds first (in the guideline's order), then the rest by
    score, then the guideline's order; then move each measure ranked above a recommended prerequisite of its
    to just after that prerequisite; then give the priority bands (`bands`).

    outcomes (rule id → "T"/"U"/"F") and findings (finding → True found / None possible) are the park's;
    without them no measure counts as foundational."""
    settings = settings or ranking_settings()
    first = foundational(outcomes, findings, settings) if outcomes or findings else set()
    for s in scored:
        s.foundation = s.measure in first
    by_measure = {s.measure: s for s in scored}
    if len(by_measure) == len(scored):
        # the guideline's order, then a stable sort by score (high first): equal scores stay in that order
        in_clause = [by_measure[m] for m in sorted(by_measure, key=clause_key)]
        if first:
            ranked = [s for s in in_clause if s.foundation]
            ranked += sorted([s for s in in_clause if not s.foundation], key=_SCORE, reverse=True)
        else:
            ranked = sorted(in_clause, key=_SCORE, reverse=True)
    elif first:   # a measure scored twice (never in advice): the same order, by a key per measure
        ranked = sorted(scored, key=lambda s: (0, 0.0, clause_key(s.measure)) if s.foundation
                        else (1, -s.score, clause_key(s.measure)))
    else:
        ranked = sorted(scored, key=lambda s: (-s.score, clause_key(s.measure)))
    prerequisites = {s.measure: measures[s.measure].prerequisites for s in ranked}
    if any(prerequisites.values()):
        ranked = _after_prerequisites(ranked, prerequisites)
    bands(ranked, settings)
    return ranked


def _after_prerequisites(ranked: list[Scored], prerequisites: dict[str, list[str]]) -> list[Scored]:
    ids = [s.measure for s in ranked]
    for _ in range(len(ids)):  # a few passes settle any chain of prerequisites
        moved = False
        for s in [s for s in ranked if prerequisites[s.measure]]:   # those without one never move themselves
            for pre in prerequisites[s.measure]:
                if pre in ids and ids.index(pre) > ids.index(s.measure):
                    ranked.remove(s)
                    ranked.insert([x.measure for x in ranked].index(pre) + 1, s)
                    ids = [x.measure for x in ranked]
                    moved = True
        if not moved:
            break
    return ranked


PRIORITIES = ("low", "medium", "high")


def bands(ranked: list[Scored], settings: RankingSettings | None = None) -> None:
    """Give each measure of the final order its priority, relative to the park: a measure's own band comes
    from its score (`priority_high`, `priority_medium`; a foundation measure is high); down the list the
    band never rises (a measure moved behind a lower-banded prerequisite takes that band), and once
    `high_at_most` measures are high (`medium_at_most` medium) the next ones fall a band."""
    settings = settings or ranking_settings()
    high, medium = settings.priority_high.value, settings.priority_medium.value
    room = [0, int(settings.medium_at_most.value), int(settings.high_at_most.value)]
    cap = 2
    for i, s in enumerate(ranked):
        band = 2 if s.foundation or s.score >= high else 1 if s.score >= medium else 0
        if band > cap:
            band = cap
        while band and not room[band]:
            band -= 1
        if not band:        # low from here on
            for t in ranked[i:]:
                t.priority = "low"
            return
        room[band] -= 1
        s.priority = PRIORITIES[band]
        cap = band


def shortlist(ranked: list[Scored], settings: RankingSettings | None = None) -> list[str]:
    """The measures of a first-year plan, in rank order: every foundation measure of the list, then the
    highest-ranked others up to `shortlist_size` in all. `ranked` is `order`'s result for the established
    measures."""
    size = int((settings or ranking_settings()).shortlist_size.value)
    chosen = {s.measure for s in ranked if s.foundation}
    for s in ranked:
        if len(chosen) >= size:
            break
        chosen.add(s.measure)
    return [s.measure for s in ranked if s.measure in chosen]
