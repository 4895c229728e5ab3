"""The routes. Pages are server-rendered forms; every state change is a POST followed by a redirect.

Routes that compute (advice, reports, what-if) are plain `def`: FastAPI runs them in its thread pool,
and service.py explains how engine calls and chart drawing are serialised.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from advisor.errors import ProfileError
from advisor.web.app import BodyTooLarge, page_lang, render
from advisor.web.forms import field_views, progress, read_answers, shown, topic_questions, topics_in_use, visible
from advisor.web.grids import industry_options
from advisor.web.park_id import with_park_id
from advisor.web.service import Advisor, plan_save
from advisor.web.store import ParkState, Store
from advisor.web.texts import texts

router = APIRouter()
REPORT_FORMATS = ("html", "docx", "md")
_LINK_TOKEN = re.compile(r"(?:^|/p/)([A-Za-z0-9_-]{16,64})(?:[/?#]|$)")


def _store(request: Request) -> Store:
    return request.app.state.store


def _advisor(request: Request) -> Advisor:
    return request.app.state.advisor


def _park(request: Request, token: str) -> ParkState:
    state = _store(request).load(token)
    if state is None:
        raise HTTPException(status_code=404)
    return state


def _park_page(request: Request, token: str) -> tuple[ParkState, Advisor, str]:
    """The park behind a link (404 if none), the advisor and the page language: what every park page starts from."""
    return _park(request, token), _advisor(request), page_lang(request)


def _safe_filename(name: str) -> str:
    """A download name a browser keeps as it is (ASCII letters, digits, '_', '.', '-')."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _said(request: Request, exc: ProfileError) -> list[dict[str, Any]]:
    """The problems in the page's language, each with its question's label (messages.py)."""
    from advisor.web.messages import say_all

    return say_all(exc.issues, _advisor(request).book, page_lang(request))


def _answers_name(request: Request) -> str:
    return texts(page_lang(request))["w_answers_file"]


# --- start ---------------------------------------------------------------------------------------------

@router.get("/")
def start(request: Request):
    return render(request, "start.html.j2", issues=[], upload_name="", resume_error="")


@router.post("/new")
def new_park(request: Request):
    token = _store(request).create()
    return _see_other(f"/p/{token}/q/park")


@router.post("/resume")
async def resume(request: Request):
    async with request.form(max_files=0) as form:
        link = str(form.get("link") or "").strip()
    m = _LINK_TOKEN.search(link)
    if m and _store(request).load(m.group(1)) is not None:
        return _see_other(f"/p/{m.group(1)}")
    T = texts(page_lang(request))
    return render(request, "start.html.j2", status=404, here="/", issues=[], upload_name="",
                  resume_error=T["w_resume_unknown"])


@router.post("/upload")
async def upload(request: Request):
    T = texts(page_lang(request))
    limit = request.app.state.upload_limit
    try:
        async with request.form(max_files=1, max_fields=10) as form:
            item = form.get("profile")
            name = str(getattr(item, "filename", "") or "")
            content = await item.read(limit + 1) if name and isinstance(item, UploadFile) else b""
    except BodyTooLarge:
        raise
    except Exception:  # a malformed multipart body
        raise HTTPException(status_code=400) from None
    if not name:
        return render(request, "start.html.j2", status=422, here="/", upload_name="", resume_error="",
                      issues=[{"label": "", "sentence": f"{T['w_no_file']}：{T['w_no_file_fix']}", "tech": None}])
    if len(content) > limit:
        raise BodyTooLarge()
    try:
        answers = await run_in_threadpool(_advisor(request).read_upload, name, content)
    except ProfileError as exc:
        return render(request, "start.html.j2", status=422, here="/", upload_name=name, resume_error="",
                      issues=_said(request, exc))
    token = _store(request).create(answers, origin="upload")
    return _see_other(f"/p/{token}/results")


async def _with_form(request: Request, handler: Callable[..., Any], *args: Any) -> Any:
    """Read the posted form (no files), then run `handler(request, *args, form)` in the thread pool:
    handlers may call the rule engine, whose calls are serialised by its lock."""
    async with request.form(max_files=0) as form:
        return await run_in_threadpool(handler, request, *args, form)


# --- the questionnaire ------------------------------------------------------------------------------------

def _progress(adv: Advisor, flow) -> dict[str, Any]:
    return progress(flow, list(adv.book.questions))


@router.get("/p/{token}")
def overview(request: Request, token: str):
    state = _park(request, token)
    adv = _advisor(request)
    flow = adv.flow(state)
    lang = page_lang(request)
    topics: list[dict[str, Any]] = []
    for tid in topics_in_use(flow):
        qs = topic_questions(flow, tid)
        topic = next(t for t in adv.book.topics if t.id == tid)
        topics.append({"id": tid, "text": topic.text.in_lang(lang), **progress(flow, qs)})
    first_open = next((t["id"] for t in topics if t["done"] < t["total"]), None)
    return render(request, "overview.html.j2", token=token, topics=topics, first_open=first_open,
                  progress=_progress(adv, flow), link=str(request.url_for("overview", token=token)))


def _topic_page(request: Request, state: ParkState, topic: str, status: int = 200,
                errors: dict | None = None, typed: dict | None = None, new: frozenset[str] = frozenset()):
    adv = _advisor(request)
    lang = page_lang(request)
    flow = adv.flow(state)
    order = topics_in_use(flow)
    if topic not in order:
        raise HTTPException(status_code=404)
    i = order.index(topic)
    questions = topic_questions(flow, topic)
    fields = field_views(flow, questions, adv.reader(lang), lang, adv.titles(lang), errors, typed, new)
    title = next(t.text.in_lang(lang) for t in adv.book.topics if t.id == topic)
    return render(request, "topic.html.j2", status=status, here=f"/p/{state.token}/q/{topic}", token=state.token,
                  topic=topic, title=title, fields=fields, page=i + 1, pages=len(order),
                  prev=order[i - 1] if i else None, progress=_progress(adv, flow),
                  link=str(request.url_for("overview", token=state.token)), errors=bool(errors), new=len(new),
                  industries=industry_options(adv.kb, lang) if any(f.row_kind == "industries" for f in fields) else [])


@router.get("/p/{token}/q/{topic}")
def topic_page(request: Request, token: str, topic: str):
    return _topic_page(request, _park(request, token), topic)


@router.post("/p/{token}/q/{topic}")
async def save_topic(request: Request, token: str, topic: str):
    return await _with_form(request, _save_topic, token, topic)


def _save_topic(request: Request, token: str, topic: str, form):
    state, adv, lang = _park_page(request, token)
    flow = adv.flow(state)
    order = topics_in_use(flow)
    if topic not in order:
        raise HTTPException(status_code=404)
    questions = topic_questions(flow, topic)
    # only the questions the page showed send a "seen" mark: a hidden follow-up is neither answered nor asked
    seen = set(form.getlist("seen"))
    on_page = [q for q in questions if q.id in seen]
    form = with_park_id(form)
    values, errors, typed = read_answers(on_page, form, adv.reader(lang), texts(lang)["w_required"])
    saved = plan_save(flow, questions, values, [q.id for q in on_page if q.id in values])
    _store(request).save(token, saved.values, saved.clear, saved.asked)
    state = _park(request, token)
    if errors:
        return _topic_page(request, state, topic, status=422, errors=errors, typed=typed)
    after = adv.flow(state)
    opened = frozenset(q.id for q in topic_questions(after, topic)
                       if q.id not in seen and shown(after, q) and not after.settled(q))
    if opened:   # the answers opened follow-ups on this page: ask them before moving on
        return _topic_page(request, state, topic, new=opened)
    order = topics_in_use(after)
    go = str(form.get("go") or "next")
    if go == "prev":
        i = order.index(topic) if topic in order else 0
        return _see_other(f"/p/{token}/q/{order[max(i - 1, 0)]}")
    if go == "overview":
        return _see_other(f"/p/{token}")
    later = order[order.index(topic) + 1:] if topic in order else []
    return _see_other(f"/p/{token}/q/{later[0]}" if later else f"/p/{token}/results")


@router.post("/p/{token}/answer")
async def autosave(request: Request, token: str):
    """One question saved as soon as it changes (the pages' small script); the page works without it."""
    return await _with_form(request, _autosave, token)


def _autosave(request: Request, token: str, form):
    state, adv, lang = _park_page(request, token)
    q = adv.questions.get(str(form.get("question") or ""))
    if q is None:
        return JSONResponse({"ok": False, "error": texts(lang)["w_bad_request"]}, status_code=422)
    flow = adv.flow(state)
    values, errors, _ = read_answers([q], form, adv.reader(lang), texts(lang)["w_required"])
    if errors:
        return JSONResponse({"ok": False, "error": errors[q.id]}, status_code=422)
    page = topic_questions(flow, q.topic)
    saved = plan_save(flow, page if q in page else [q], values, [])   # the flow now holds the new answers
    _store(request).save(token, saved.values, saved.clear, [])
    # the follow-ups of this page that are open now: the script opens and closes them to match
    return JSONResponse({"ok": True, "show": [f.id for f in page if shown(flow, f)]})


# --- results, what-if, downloads ------------------------------------------------------------------------------

def _ask_links(adv: Advisor, state: ParkState, token: str, advice: dict) -> dict[str, str]:
    """question id → the questionnaire page (and place) where it is asked, for the questions that decide a
    measure to confirm; a question the questionnaire does not show now gets no link."""
    flow = adv.flow(state)
    in_use = set(topics_in_use(flow))
    wanted = {q["question"] for q in advice["questions_to_answer"] if q.get("question")}
    wanted |= {u["question"] for t in advice["to_confirm"] for c in t["if"] for u in c["unknown"] if u.get("question")}
    links = {}
    for qid in sorted(wanted):
        q = adv.questions.get(qid)
        if q is not None and q.topic in in_use and visible(flow, q) and shown(flow, q):
            links[qid] = f"/p/{token}/q/{q.topic}#q-{qid}"
    return links


def _confirm_views(advice: dict) -> list[dict[str, Any]]:
    """Each measure to confirm with its conditions and the questions that decide it (each once)."""
    views = []
    for t in advice["to_confirm"]:
        asked: dict[str, dict] = {}
        for c in t["if"]:
            for u in c["unknown"]:
                asked.setdefault(u.get("question") or u["label"], u)
        views.append({**t, "conditions": list(dict.fromkeys(c["text"] for c in t["if"])),
                      "questions": list(asked.values())})
    return views


@router.get("/p/{token}/results")
def results(request: Request, token: str):
    return results_page(request, token)


def results_page(request: Request, token: str, status: int = 200, **posted: Any):
    """The results; `posted` (typed, issues, bad) is a refused assumptions form to show again (assumptions.py)."""
    from advisor.web.assumptions import view as assumptions_view
    from advisor.web.quantities_view import labels as quantity_labels
    from advisor.web.quantities_view import view as quantities_view

    state, adv, lang = _park_page(request, token)
    try:
        res = adv.results(state.answers, _answers_name(request), lang)
    except ProfileError as exc:
        return render(request, "incomplete.html.j2", token=token, issues=_said(request, exc))
    advice = res["advice"]
    questions = advice["questions_to_answer"]
    recs = {r["measure"]: r for r in advice["recommendations"]}
    import markupsafe

    from advisor.render.text import why_not_texts

    shortlist = [recs[m] for m in advice["shortlist"] if m in recs]
    others = [r for r in advice["recommendations"] if r["measure"] not in advice["shortlist"]]
    svg = {cid: markupsafe.Markup(
        f'<img src="/p/{token}/chart/{cid}.svg?v={c["hash"]}&amp;lang={lang}" alt="{markupsafe.escape(c["title"])}" '
        f'loading="lazy">') for cid, c in res["charts"].items()}
    return render(request, "results.html.j2", status=status, here=f"/p/{token}/results", token=token, res=res,
                  advice=advice, svg=svg, shortlist=shortlist, others=others, titles=adv.titles(lang),
                  assumptions=assumptions_view(request, res, state.answers, adv.titles(lang), lang, **posted),
                  quantities=quantities_view(res, adv.titles(lang), lang, texts(lang)), QL=quantity_labels(lang),
                  not_recommended=[{**n, "reasons": why_not_texts(n)} for n in advice["not_recommended"]],
                  confirm=_confirm_views(advice), links=_ask_links(adv, state, token, advice),
                  questions=questions, decided=len({m for q in questions for m in q["decides"]}),
                  has_previous=_store(request).previous(token) is not None)


def _whatif_choices(adv: Advisor, state: ParkState, lang: str) -> list[dict]:
    from advisor.web.forms import ancestor_answer, current_value, readable_text

    flow = adv.flow(state)
    out = []
    for q in adv.book.questions:
        if q.required or ancestor_answer(state.answers, q.path) is not None or not flow.can_matter(q):
            continue
        out.append({"id": q.id, "text": q.text.in_lang(lang),
                    "current": readable_text(q, current_value(state.answers, q.path), lang, adv.kb.provinces)})
    return out


def _whatif_field(adv: Advisor, state: ParkState, qid: str, lang: str, typed: str):
    """The chosen question drawn as on its questionnaire page (yes/no/unknown radios, choices, a list), with the
    answer to try in place of the saved one."""
    q = adv.questions.get(qid)
    if q is None:
        return None
    from advisor.web.forms import NONE, NONE_WORD

    shown_typed: Any = typed
    if q.type == "list":
        shown_typed = [NONE] if typed == NONE_WORD else typed.split(",")
    views = field_views(adv.flow(state), [q], adv.reader(lang), lang, adv.titles(lang),
                        typed={q.id: shown_typed} if typed else None)
    view = views[0]
    if typed and view.kind == "input":
        view.value = typed
    return view


def _whatif_render(request: Request, token: str, state: ParkState, adv: Advisor, chosen: str, typed: str,
                   status: int = 200, **context: Any):
    lang = page_lang(request)
    common = {"result": None, "issues": [], "error": "", "question": "", "tried": "", "tonnes": [], "at_stake": [],
              **context}
    return render(request, "whatif.html.j2", status=status, here=f"/p/{token}/whatif", token=token,
                  choices=_whatif_choices(adv, state, lang), chosen=chosen, typed=typed,
                  field=_whatif_field(adv, state, chosen, lang, typed) if chosen else None, **common)


@router.get("/p/{token}/whatif")
def whatif_page(request: Request, token: str):
    state, adv, _ = _park_page(request, token)
    chosen = str(request.query_params.get("q") or "")
    return _whatif_render(request, token, state, adv, chosen if chosen in adv.questions else "", "")


@router.post("/p/{token}/whatif")
async def whatif_run(request: Request, token: str):
    return await _with_form(request, _whatif_run, token)


def _whatif_run(request: Request, token: str, form):
    from advisor.questionnaire import AnswerError
    from advisor.web.forms import NONE, NONE_WORD, UNKNOWN, readable_text

    state, adv, lang = _park_page(request, token)
    T = texts(lang)
    chosen = str(form.get("question") or "")
    picked = [str(v) for v in form.getlist("value")]
    typed = ",".join(v for v in picked if v != UNKNOWN).strip()
    if NONE in picked:
        typed = NONE_WORD
    q = adv.questions.get(chosen)
    if q is None or chosen not in [c["id"] for c in _whatif_choices(adv, state, lang)]:
        return _whatif_render(request, token, state, adv, "", "", status=422, error=T["w_whatif_pick"])
    try:
        value = adv.reader(lang).read(q, typed) if typed else None
    except AnswerError as exc:
        return _whatif_render(request, token, state, adv, chosen, typed, status=422, error=str(exc))
    try:
        result = adv.what_if(state.answers, _answers_name(request), q.path, value, lang)
    except ProfileError as exc:
        return _whatif_render(request, token, state, adv, chosen, typed, status=422, issues=_said(request, exc))
    tried = readable_text(q, value, lang, adv.kb.provinces) or T["unknown"]
    titles = adv.titles(lang)
    return _whatif_render(request, token, state, adv, chosen, typed, result=result,
                          question=q.text.in_lang(lang), tried=tried, tonnes=_tonnes(result.get("expected")),
                          at_stake=[titles.get(m, m) for m in adv.stakes.get(q.id, [])])


def _t(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def _tonnes(expected: dict | None) -> list[dict[str, Any]]:
    """The shortlist's expected reduction by substance, before and after (t/yr, low–high), changed ones marked."""
    if not expected or not isinstance(expected.get("before"), dict):
        return []
    before, after = expected.get("before") or {}, expected.get("after") or {}
    rows = []
    for sub in dict.fromkeys([*before, *after]):
        b, a = before.get(sub) or {}, after.get(sub) or {}
        rows.append({"substance": sub, "before": f"{_t(b.get('low'))}–{_t(b.get('high'))}",
                     "after": f"{_t(a.get('low'))}–{_t(a.get('high'))}", "changed": a != b})
    return rows


@router.get("/p/{token}/chart/{chart}.svg")
def chart(request: Request, token: str, chart: str):
    """A chart of the results page; its address carries the hash of its data, so the browser keeps it."""
    state, adv, lang = _park_page(request, token)
    try:
        svg = adv.chart_svg(state.answers, _answers_name(request), lang, chart)
    except ProfileError:
        svg = None
    if svg is None:
        raise HTTPException(status_code=404)
    return Response(svg.encode("utf-8"), media_type="image/svg+xml",
                    headers={"Cache-Control": "private, max-age=31536000, immutable"})


@router.get("/p/{token}/download/profile.yaml")
def download_profile(request: Request, token: str):
    state = _park(request, token)
    adv = _advisor(request)
    text = adv.profile_yaml(state.answers)
    park_id = str(adv.profile_data(state.answers).get("park", {}).get("id") or "park")
    safe = _safe_filename(park_id)[:64] or "park"
    return Response(text.encode("utf-8"), media_type="application/x-yaml; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{safe}.yaml"'})


@router.get("/p/{token}/download/report.{fmt}")
def download_report(request: Request, token: str, fmt: str):
    if fmt not in REPORT_FORMATS:
        raise HTTPException(status_code=404)
    state = _park(request, token)
    content, name, media = _advisor(request).report(state.answers, _answers_name(request), fmt, page_lang(request))
    safe = _safe_filename(name)
    return Response(content, media_type=media, headers={"Content-Disposition": f'attachment; filename="{safe}"'})
