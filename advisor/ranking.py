"""Score, order and prioritise the recommended measures – every part of the score returned.

Order: score (high first), then implementation object, then the guideline's order; a
recommended prerequisite is moved before its dependants (7.1.1 before 7.1.2 …).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pydantic import ValidationError

from advisor.errors import Issue, KnowledgeError
from advisor.paths import knowledge_dir
from advisor.safe_load import load_data_file
from advisor.schemas.common import Strict
from advisor.schemas.knowledge import Quantity

OBJECT_ORDER = ["management", "infrastructure", "enterprise", "third_party", "surrounding"]


class RankingSettings(Strict):
    verify_factor: Quantity
    severity_weight: Quantity
    co2e_weight: Quantity
    pollutant_weight: Quantity
    priority_high: Quantity
    priority_medium: Quantity


@cache
def ranking_settings(root: Path | None = None) -> RankingSettings:
    path = (root or knowledge_dir()) / "ranking.yaml"
    data = load_data_file(path, KnowledgeError)
    try:
        return RankingSettings.model_validate(data)
    except ValidationError as exc:
        raise KnowledgeError([Issue(str(path), ".".join(map(str, e["loc"])), e["msg"], "match advisor/ranking.py")
                              for e in exc.errors()]) from None


@dataclass
class Scored:
    measure: str
    score: float
    parts: dict[str, float] = field(default_factory=dict)
    priority: str = "low"


def score_measure(measure, rule_weights: list[tuple[float, bool]], severities: list[int],
                  category_shares: dict[str, tuple[float, float]], settings: RankingSettings) -> Scored:
    """rule_weights: (weight, rests_on_unknown) per supporting rule; category_shares: category → (CO2e share, max pollutant share)."""
    verify, severity_weight, co2e_weight, pollutant_weight, high, medium = _weights(settings)
    rules = sum([w * (verify if unsure else 1.0) for w, unsure in rule_weights])
    findings = severity_weight * sum(severities)
    co2e, pollutant = 0.0, None
    for c in measure.target_processes:
        share_co2e, share_pollutant = category_shares.get(c, _NO_SHARE)
        co2e += share_co2e
        if pollutant is None or share_pollutant > pollutant:
            pollutant = share_pollutant
    pollutant = pollutant or 0.0
    parts = {
        "rules": round(rules, 4),
        "findings": round(findings, 4),
        "co2e_share": round(co2e_weight * min(co2e, 1.0), 4),
        "pollutant_share": round(pollutant_weight * min(pollutant, 1.0), 4),
    }
    score = round(sum(parts.values()), 4)
    priority = "high" if score >= high else "medium" if score >= medium else "low"
    return Scored(measure.id, score, parts, priority)


_weights_of: dict[int, tuple] = {}


def _weights(settings: RankingSettings) -> tuple[float, ...]:
    """The settings' six values, read once per settings object (score_measure runs for every measure of every park)."""
    hit = _weights_of.get(id(settings))
    if hit is None or hit[0] is not settings:
        values = (settings.verify_factor.value, settings.severity_weight.value, settings.co2e_weight.value,
                  settings.pollutant_weight.value, settings.priority_high.value, settings.priority_medium.value)
        hit = _weights_of[id(settings)] = (settings, values)
    return hit[1]


_NO_SHARE = (0.0, 0.0)


@cache
def _static_key(obj: str, measure_id: str) -> tuple:
    """Implementation object, then the guideline's order (7.1.2 before 7.1.10)."""
    return OBJECT_ORDER.index(obj), tuple(int(p) for p in measure_id.split("."))


def order(scored: list[Scored], measures: dict) -> list[Scored]:
    """Rank by score, object, guideline order; then pull each recommended prerequisite ahead."""
    static = {s.measure: _static_key(measures[s.measure].object, s.measure) for s in scored}
    ranked = sorted(scored, key=lambda s: (-s.score, static[s.measure]))
    ids = [s.measure for s in ranked]
    for _ in range(len(ids)):  # a few passes settle any chain of prerequisites
        moved = False
        for s in list(ranked):
            for pre in measures[s.measure].prerequisites:
                if pre in ids and ids.index(pre) > ids.index(s.measure):
                    ranked.remove(s)
                    ranked.insert([x.measure for x in ranked].index(pre) + 1, s)
                    ids = [x.measure for x in ranked]
                    moved = True
        if not moved:
            break
    return ranked
