"""The page of one uploaded list as an editable table (list_tables.py): shown, and saved as a plain form post."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request

from advisor.web.app import render
from advisor.web.list_tables import TABLES, build, check, columns, refusal_issues, submitted, table_rows
from advisor.web.pages import _park_page, _see_other, _store, _with_form
from advisor.web.texts import texts

router = APIRouter()


def _opened(request: Request, token: str, name: str):
    """The park, its service and language, and the list table `name` with its items and columns; 404 when the park
    has no such list."""
    state, adv, lang = _park_page(request, token)
    table = TABLES.get(name)
    items = state.answers.get(name)
    if table is None or not isinstance(items, list):
        raise HTTPException(status_code=404)
    return state, adv, lang, table, items, columns(table, items)


def _list_page(request: Request, token: str, name: str, status: int = 200, typed: list | None = None,
               issues: list[dict[str, Any]] | None = None, bad: frozenset[int] = frozenset()):
    state, adv, lang, table, items, cols = _opened(request, token, name)
    T = texts(lang)
    heads = [(T.get(c.label, c.label), T[c.unit] if c.unit else "", c.required) for c in cols]
    topic = next((t.text.in_lang(lang) for t in adv.book.topics if t.id == table.topic), "")
    return render(request, "list.html.j2", status=status, here=f"/p/{token}/lists/{name}", token=token,
                  table=table, title=T[table.title], heads=heads, topic=topic,
                  rows=table_rows(table, cols, items, adv.kb, lang, T, typed, bad), issues=issues or [],
                  saved=status == 200 and request.query_params.get("saved") == "1")


@router.get("/p/{token}/lists/{name}")
def list_page(request: Request, token: str, name: str):
    return _list_page(request, token, name)


@router.post("/p/{token}/lists/{name}")
async def save_list(request: Request, token: str, name: str):
    return await _with_form(request, _save_list, token, name)


def _save_list(request: Request, token: str, name: str, form):
    state, adv, lang, table, items, cols = _opened(request, token, name)
    T = texts(lang)
    rows = submitted(table, cols, form)
    new, refusals, where = build(table, cols, rows, items, T)
    if not refusals:
        refusals = check(adv, state.answers, table, new, where, lang, T)
    if refusals:
        bad = frozenset(r.row - 1 for r in refusals if r.row)
        return _list_page(request, token, name, 422, typed=rows, bad=bad,
                          issues=refusal_issues(refusals, T[table.title], T))
    _store(request).save(token, {name: new})
    return _see_other(f"/p/{token}/q/{table.topic}" if str(form.get("go") or "") == "topic"
                      else f"/p/{token}/lists/{name}?saved=1")
