"""The 重点工程 (key projects) list of the plan: one row per shortlisted measure with an engineering content
(knowledge/projects.yaml), with its lead, start and end year, expected reductions, investment class and the
usual funding channels."""

from __future__ import annotations

from typing import Any

from advisor.decide.quantities import META


def projects(profile, kb, recommendations: list[dict], shortlist: list[str], lang: str) -> list[dict[str, Any]]:
    loaded = kb.extra.get("estimates") or {}
    book, plan = loaded.get("projects"), loaded.get("targets")
    if book is None or plan is None:
        return []
    classes = {c.id: c for c in book.investment_classes}
    channels = {c.id: c for c in book.funding_channels}
    by_id = {r["measure"]: r for r in recommendations}
    start = profile.park.base_year + 1
    rows = []
    for mid in shortlist:
        template, rec = book.projects.get(mid), by_id.get(mid)
        if template is None or rec is None:
            continue
        span = plan.horizon_years.get(rec["horizon"], 5)
        expected = rec.get("expected")
        rows.append({
            "measure": mid, "name": template.name.in_lang(lang), "object": template.object.in_lang(lang),
            "lead": rec["lead"], "start": start, "end": start + span - 1,
            "expected": None if expected is None else {s: r for s, r in expected.items() if s not in META},
            "enables": rec.get("enables"),
            "investment": {"class": template.investment, "range": classes[template.investment].range.in_lang(lang),
                           "source": book.investment_source, "source_zh": book.investment_source_zh,
                           "year": book.investment_year},
            "funding": [{"id": f, "name": channels[f].name.in_lang(lang), "source": channels[f].source,
                         "year": channels[f].year} for f in template.funding],
        })
    return rows
