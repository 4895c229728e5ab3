"""`park-advisor serve [--host 127.0.0.1] [--port 8000] [--db URL-or-path] [--workers N]`: the web pages.

The web stack (FastAPI, uvicorn, SQLAlchemy) is imported only when the verb runs, so `--help` stays fast.
"""

from __future__ import annotations

import sys

from advisor.errors import AdvisorError, Issue, UsageError

WEB_MODULES = ("fastapi", "uvicorn", "sqlalchemy", "multipart")


def cmd_serve(args) -> int:
    import importlib.util

    missing = [m for m in WEB_MODULES if importlib.util.find_spec(m) is None]
    if missing:
        raise UsageError([Issue("serve", "", f"the web extra is not installed (missing: {', '.join(missing)})",
                                "pip install 'park-advisor[web]'")])
    if not 0 < args.port < 65536:
        raise UsageError([Issue("serve", f"--port {args.port}", "not a port number", "use 1–65535, e.g. --port 8000")])
    if args.workers is not None and not 1 <= args.workers <= 64:
        raise UsageError([Issue("serve", f"--workers {args.workers}", "not a number of processes",
                                "use 1–64, e.g. --workers 2 (one per core)")])
    _check_free(args.host, args.port)
    from advisor.web.app import default_workers, serve
    from advisor.web.store import database_url

    url = database_url(args.db)
    workers = args.workers or default_workers()
    shown = url.split("@")[-1] if "@" in url else url  # never print a password
    sys.stderr.write(f"park-advisor: http://{args.host}:{args.port}/  (database: {shown}; "
                     f"{workers} process{'es' if workers > 1 else ''}; Ctrl-C stops)\n")
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        sys.stderr.write("warning: the pages have no login; anyone who can reach this address can read the parks "
                         "whose links they know\n")
    serve(args.host, args.port, url, workers=workers)
    return 0


def _check_free(host: str, port: int) -> None:
    """A clear error, before anything starts, when the address cannot be listened on."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise AdvisorError([Issue("serve", f"--host {host}", f"unknown address ({exc.strerror or exc})",
                                  "use 127.0.0.1 (this machine) or 0.0.0.0 (every network interface)")]) from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise AdvisorError([Issue("serve", f"--host {host} --port {port}",
                                      f"cannot listen there ({exc.strerror or exc})",
                                      "choose another port with --port, or stop the program that uses it")]) from None


def register(sub, verb, lang) -> None:
    p = verb("serve", cmd_serve, "the web questionnaire and results pages (local web server)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--db", metavar="URL-or-PATH",
                   help="database: a SQLite file path or an SQLAlchemy URL such as postgresql+psycopg://user@host/db "
                        "(default: $PARK_ADVISOR_DB, else park-advisor-web.db in the current directory)")
    p.add_argument("--workers", type=int, metavar="N",
                   help="server processes, each with its own rule engine (default: one per core, at most 8)")
