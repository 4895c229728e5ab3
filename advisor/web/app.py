"""The FastAPI application: templates, the store, error pages (never a traceback), the upload size cap."""

from __future__ import annotations

import logging
import os
from typing import Any

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, PlainTextResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from advisor.errors import AdvisorError
from advisor.web.texts import LANGS, texts, web_templates_dir

logger = logging.getLogger(__name__)
LANG_COOKIE = "park_advisor_lang"
FALLBACK_500 = "服务器内部出错 / internal error – see the server log"


def environment() -> jinja2.Environment:
    """Autoescaped jinja2 (every profile-derived string is escaped); the report partials are reachable too."""
    from advisor.kb.paths import templates_dir

    loader = jinja2.FileSystemLoader([str(web_templates_dir()), str(templates_dir())])
    return jinja2.Environment(loader=loader, undefined=jinja2.StrictUndefined, autoescape=True,
                              trim_blocks=True, lstrip_blocks=True)


def page_lang(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return asked
    cookie = request.cookies.get(LANG_COOKIE)
    return cookie if cookie in LANGS else "zh"


def render(request: Request, name: str, status: int = 200, here: str | None = None, **context: Any) -> HTMLResponse:
    """A page in the request's language; `here` is the GET address the language switch links to."""
    lang = page_lang(request)
    env: jinja2.Environment = request.app.state.env
    html = env.get_template(name).render(T=texts(lang), lang=lang, here=here or request.url.path,
                                         token=context.pop("token", None), **context)
    response = HTMLResponse(html, status_code=status)
    if request.query_params.get("lang") in LANGS:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax", httponly=True)
    return response


class BodyTooLarge(Exception):
    """The request body is larger than the upload cap."""


class BodyLimit:
    """Pure ASGI middleware: refuse bodies above the cap, by Content-Length or while streaming."""

    def __init__(self, app, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            return await _too_large(scope, send, self.max_bytes)
        received = 0

        async def limited():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge()
            return message

        await self.app(scope, limited, send)


def too_large_text(lang: str, max_bytes: int) -> tuple[str, str]:
    T = texts(lang)
    return T["w_too_large"], T["w_too_large_fix"].format(mb=f"{max_bytes / 1e6:.0f}")


async def _too_large(scope, send, max_bytes: int) -> None:
    request = Request(scope)
    lang = page_lang(request)
    problem, fix = too_large_text(lang, max_bytes)
    html = environment().get_template("error.html.j2").render(
        T=texts(lang), lang=lang, here="/", token=None, title=problem, message=fix, issues=[])
    await HTMLResponse(html, status_code=413)(scope, request.receive, send)


def create_app(db_url: str, advisor=None) -> FastAPI:
    """The application on the database at `db_url` (see store.database_url)."""
    from advisor.web.assumptions import router as assumptions_router
    from advisor.web.cycles import router as cycles_router
    from advisor.web.list_pages import router as lists_router
    from advisor.web.pages import router
    from advisor.web.service import Advisor, upload_limit
    from advisor.web.store import Store

    app = FastAPI(title="park-advisor", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.env = environment()
    app.state.store = Store(db_url)
    app.state.advisor = advisor or Advisor()
    app.state.upload_limit = upload_limit()
    app.include_router(router)
    app.include_router(cycles_router)   # a park's years: next year's questionnaire, the evaluation
    app.include_router(assumptions_router)   # the estimates' assumptions set on the results page
    app.include_router(lists_router)   # an uploaded profile's lists as editable tables

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        T = texts(page_lang(request))
        title = T["w_not_found"] if exc.status_code == 404 else T["w_http_error"].format(code=exc.status_code)
        message = T["w_not_found_text"] if exc.status_code == 404 else ""
        return render(request, "error.html.j2", status=exc.status_code, here="/", title=title, message=message,
                      issues=[])

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError):
        T = texts(page_lang(request))
        return render(request, "error.html.j2", status=422, here="/", title=T["w_bad_request"], message="",
                      issues=[])

    @app.exception_handler(AdvisorError)
    async def advisor_error(request: Request, exc: AdvisorError):
        from advisor.web.messages import say_all

        lang = page_lang(request)
        return render(request, "error.html.j2", status=422, here="/", title=texts(lang)["w_problems"], message="",
                      issues=say_all(exc.issues, request.app.state.advisor.book, lang))

    @app.exception_handler(BodyTooLarge)
    async def body_too_large(request: Request, exc: BodyTooLarge):
        problem, fix = too_large_text(page_lang(request), app.state.upload_limit)
        return render(request, "error.html.j2", status=413, here="/", title=problem, message=fix, issues=[])

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception):
        logger.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
        try:
            T = texts(page_lang(request))
            return render(request, "error.html.j2", status=500, here="/", title=T["w_internal"],
                          message=T["w_internal_text"], issues=[])
        except Exception:  # the page itself failed: plain text, still no traceback
            logger.exception("the error page failed")
            return PlainTextResponse(FALLBACK_500, status_code=500)

    # the cap covers the multipart envelope as well as the largest file allowed
    app.add_middleware(BodyLimit, max_bytes=app.state.upload_limit + 256 * 1024)
    return app


SERVE_DB_VAR = "PARK_ADVISOR_SERVE_DB"    # the database of the worker processes started by `serve(workers=N)`


def default_workers() -> int:
    """Server processes by default: one per core (each has its own rule engine), at most 8."""
    return max(1, min(os.cpu_count() or 1, 8))


class CloseConnections:
    """Pure ASGI middleware: every response ends its connection (`Connection: close`).

    The worker processes share one listening socket, and a kept-alive connection stays with the process that
    accepted it: a few busy clients could all sit on one process while the others idle. A new connection per
    request goes to whichever process accepts it first, which is one that is free (on loopback it costs about
    0.1 ms)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def closing(message):
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"connection"]
                message = {**message, "headers": headers + [(b"connection", b"close")]}
            await send(message)

        await self.app(scope, receive, closing)


def app_from_env() -> FastAPI:
    """The application of one worker process of `serve` (uvicorn calls this factory in each worker)."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    app = create_app(os.environ[SERVE_DB_VAR])
    app.add_middleware(CloseConnections)
    return app


def serve(host: str, port: int, db_url: str, workers: int = 1) -> None:
    """Serve the pages; with workers > 1, in that many processes, each with its own engine and connections.

    Every answer is written to the database in its own transaction before the request returns, whichever
    process takes it (SQLite in WAL mode with a busy timeout, or PostgreSQL), so the processes share no state
    but the database. The tables are created here, once, before the workers start.
    """
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if workers <= 1:
        uvicorn.run(create_app(db_url), host=host, port=port, log_level="warning", server_header=False)
        return
    from advisor.web.store import Store

    Store(db_url).close()
    os.environ[SERVE_DB_VAR] = db_url
    uvicorn.run("advisor.web.app:app_from_env", factory=True, workers=workers, host=host, port=port,
                log_level="warning", server_header=False)
