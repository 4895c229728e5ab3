"""The assumptions of the estimates on the results page: each established measure's share and the growth rate,
with the default and the value in use, set in a plain form and stored in the profile's `assumptions` section.

The values are checked as the command line's `--set measures.7.3.4.share=0.6` checks them (a share from 0 to 1,
a growth rate from -0.5 to 1, then the whole profile), and a refusal names the measure in the page's language.
The shares are one answer, `assumptions.measures` (measure ids hold dots); the growth rate is
`assumptions.growth_rate`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request

from advisor.errors import ProfileError
from advisor.web.app import render
from advisor.web.pages import (
    _answers_name,
    _park_page,
    _said,
    _see_other,
    _store,
    _with_form,
    results_page,
)
from advisor.web.texts import texts

router = APIRouter()

MEASURES = "assumptions.measures"
GROWTH = "assumptions.growth_rate"
GROWTH_FIELD = "growth"
SHARE_LIMITS = (0.0, 1.0)
GROWTH_LIMITS = (-0.5, 1.0)
_WIDE = str.maketrans("０１２３４５６７８９．％－＋", "0123456789.%-+")


@dataclass
class Row:
    """One assumption as the form shows it."""

    key: str        # the measure id, or growth_rate
    name: str       # the form field
    title: str      # the measure's title (or the growth rate's name)
    what: str       # what the value is, in a few words
    default: str
    current: str    # the value in the field: the stored one, or what was typed; "" = the default
    path: str       # the profile field (shown only in the technical details)
    cli: str        # the same on the command line
    error: bool = False


def _pct(x: float) -> str:
    return f"{x * 100:.3g}%"


def _number(x: float) -> str:
    return f"{x:g}"


def stored_shares(answers: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """measure id → its stored parameters (the profile's assumptions.measures)."""
    found = answers.get(MEASURES)
    return {str(k): dict(v) for k, v in found.items() if isinstance(v, dict)} if isinstance(found, dict) else {}


def _growth_default(profile, lang: str) -> str:
    from advisor.decide.targets import growth_rate

    T = texts(lang)
    own, _ = growth_rate(profile.model_copy(update={"assumptions": None}))
    return T["w_assumption_growth_unknown"] if own is None else T["w_assumption_growth_default"].format(rate=_pct(own))


def rows(res: dict[str, Any], answers: dict[str, Any], titles: dict[str, str], lang: str,
         typed: dict[str, str] | None = None, bad: frozenset[str] = frozenset()) -> list[Row]:
    """The assumptions the current advice uses (advice["assumptions"]), in its order, the growth rate last."""
    T = texts(lang)
    shares = stored_shares(answers)
    typed = typed or {}
    out = []
    for a in res["advice"].get("assumptions") or []:
        measure = a.get("measure")
        if measure:
            name = f"share-{measure}"
            value = shares.get(measure, {}).get("share")
            low, high = a["default"]["low"], a["default"]["high"]
            title = titles.get(measure, measure)
            out.append(Row(measure, name, title, T["w_assumption_share"],
                           _pct(low) if low == high else f"{_pct(low)}–{_pct(high)}",
                           typed.get(name, "" if value is None else _number(value)),
                           f"{MEASURES}.{measure}.share", f"measures.{measure}.share", name in bad))
        else:
            value = answers.get(GROWTH)
            out.append(Row("growth_rate", GROWTH_FIELD, T["w_assumption_growth"], "",
                           _growth_default(res["profile"], lang),
                           typed.get(GROWTH_FIELD, "" if value is None else _number(value)),
                           GROWTH, "growth_rate", GROWTH_FIELD in bad))
    return out


def view(request: Request, res: dict[str, Any], answers: dict[str, Any], titles: dict[str, str], lang: str,
         typed: dict[str, str] | None = None, issues: list[dict[str, Any]] | None = None,
         bad: frozenset[str] = frozenset()) -> dict[str, Any]:
    """What the results page's form shows."""
    return {"rows": rows(res, answers, titles, lang, typed, bad), "issues": issues or [],
            "saved": request.query_params.get("saved") == "assumptions"}


def read_value(raw: str) -> float | None:
    """A typed value: '' = the default; 0.6, 60%, ６０％; ValueError for anything else."""
    text = raw.translate(_WIDE).replace(" ", "")
    if not text:
        return None
    value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    if not math.isfinite(value):
        raise ValueError(raw)
    return value


def _refusal(row: Row, raw: str, lang: str, limits: tuple[float, float]) -> dict[str, Any]:
    T = texts(lang)
    key = "w_assumption_bad_growth" if row.key == "growth_rate" else "w_assumption_bad_share"
    sentence = T[key].format(title=row.title, value=raw)
    return {"kind": "assumption", "label": row.title, "sentence": sentence,
            "tech": {"file": T["w_the_profile"], "path": row.path,
                     "problem": f"{raw!r} is not a number from {limits[0]:g} to {limits[1]:g}",
                     "fix": f"e.g. --set {row.cli}={0.6 if row.key != 'growth_rate' else 0.05}"}}


def read_form(form, current: list[Row], answers: dict[str, Any], lang: str
              ) -> tuple[dict[str, Any], list[str], list[dict[str, Any]], dict[str, str], frozenset[str]]:
    """(values to store, paths to clear, refusals, what was typed, the fields refused) of a posted form.
    Only the assumptions the page listed are read; shares of other measures stay as they are."""
    shares = stored_shares(answers)
    growth = answers.get(GROWTH)
    issues: list[dict[str, Any]] = []
    typed: dict[str, str] = {}
    bad: set[str] = set()
    for row in current:
        if row.name not in form:
            continue
        raw = str(form.get(row.name) or "").strip()
        typed[row.name] = raw
        limits = GROWTH_LIMITS if row.key == "growth_rate" else SHARE_LIMITS
        try:
            value = read_value(raw)
            if value is not None and not limits[0] <= value <= limits[1]:
                raise ValueError(raw)
        except ValueError:
            issues.append(_refusal(row, raw, lang, limits))
            bad.add(row.name)
            continue
        if row.key == "growth_rate":
            growth = value
        elif value is None:
            shares.get(row.key, {}).pop("share", None)
        else:
            shares.setdefault(row.key, {})["share"] = value
    shares = {m: p for m, p in shares.items() if p}
    values: dict[str, Any] = {}
    clear: list[str] = []
    chosen: tuple[tuple[str, Any], ...] = ((MEASURES, shares or None), (GROWTH, growth))
    for path, setting in chosen:
        if setting is None:
            clear.append(path)
        else:
            values[path] = setting
    return values, clear, issues, typed, frozenset(bad)


@router.post("/p/{token}/assumptions")
async def save_assumptions(request: Request, token: str):
    return await _with_form(request, _save, token)


def _save(request: Request, token: str, form):
    state, adv, lang = _park_page(request, token)
    name = _answers_name(request)
    try:
        res = adv.results(state.answers, name, lang)
    except ProfileError as exc:
        return render(request, "incomplete.html.j2", token=token, issues=_said(request, exc))
    listed = rows(res, state.answers, adv.titles(lang), lang)
    values, clear, issues, typed, bad = read_form(form, listed, state.answers, lang)
    if not issues:
        changed = {p: v for p, v in state.answers.items() if p not in clear and p not in values}
        try:   # the profile's own checks, as `recommend --set` runs them
            adv.profile({**changed, **values}, name)
        except ProfileError as exc:
            issues = _said(request, exc)
    if issues:
        return results_page(request, token, status=422, typed=typed, issues=issues, bad=bad)
    _store(request).save(token, values, clear)
    return _see_other(f"/p/{token}/results?lang={lang}&saved=assumptions#assumptions")
