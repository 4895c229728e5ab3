"""A park's years on the web pages: start next year's questionnaire from this year's answers, and compare a
year with the one it was started from (the evaluation of advisor.evaluate, as the report's chapter shows it)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request

from advisor.errors import ProfileError
from advisor.web.app import render
from advisor.web.pages import _answers_name, _park, _park_page, _said, _see_other, _store

router = APIRouter()


@router.post("/p/{token}/next-year")
def next_year(request: Request, token: str):
    """A copy of the park's answers, one year on, to edit; the copy keeps this park as its previous year."""
    answers = dict(_park(request, token).answers)
    year = answers.get("park.base_year")
    if isinstance(year, int) and not isinstance(year, bool):
        answers["park.base_year"] = year + 1
    return _see_other(f"/p/{_store(request).next_cycle(token, answers)}")


@router.get("/p/{token}/evaluation")
def evaluation(request: Request, token: str):
    from advisor.evaluate import evaluate_cycles
    from advisor.render.report_evaluation import evaluation_subsections, state_names

    state, adv, lang = _park_page(request, token)
    previous = _store(request).previous(token)
    before = _store(request).load(previous) if previous else None
    if before is None:
        raise HTTPException(status_code=404)
    name = _answers_name(request)
    try:
        cycles = [(name, adv.profile(before.answers, name)), (name, adv.profile(state.answers, name))]
        result = evaluate_cycles(cycles, adv.kb, lang=lang)
    except ProfileError as exc:
        return render(request, "incomplete.html.j2", token=token, issues=_said(request, exc))
    return render(request, "evaluation.html.j2", token=token, previous=previous, result=result,
                  parts=evaluation_subsections(result, lang, state_names(adv.kb, lang)))
