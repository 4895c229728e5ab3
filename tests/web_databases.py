"""The databases the web tests run on: SQLite in a temporary folder, and PostgreSQL when one is given.

PARK_ADVISOR_TEST_PG is a SQLAlchemy URL of a PostgreSQL server where the tests may create databases
(`.ci/run` starts a throwaway cluster and sets it). Without it the PostgreSQL cases are skipped with one line
saying so, unless PARK_ADVISOR_REQUIRE_POSTGRES=1 (set by `.ci/run` too) makes them fail instead.
"""

from __future__ import annotations

import os
import secrets

import pytest

PG_VAR = "PARK_ADVISOR_TEST_PG"
REQUIRE_PG = "PARK_ADVISOR_REQUIRE_POSTGRES"
KINDS = ("sqlite", "postgresql")


def without_postgres(env) -> tuple[str, str] | None:
    """None when the PostgreSQL cases can run; otherwise ("skip" or "fail", one line saying how to run them)."""
    if env.get(PG_VAR):
        return None
    line = f"PostgreSQL cases not run: set {PG_VAR} to a server URL (postgresql+psycopg://user@host:port/db)"
    return ("fail", f"{line}; {REQUIRE_PG} is set") if env.get(REQUIRE_PG) == "1" else ("skip", line)


def fresh_postgres() -> str:
    """A new, empty database on the test server; its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = make_url(os.environ[PG_VAR])
    name = f"web_test_{secrets.token_hex(6)}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin.set(database=name).render_as_string(hide_password=False)


def database(kind: str, tmp_path) -> str:
    """A fresh database of this kind for one test."""
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'web.db'}"
    missing = without_postgres(os.environ)
    if missing:
        (pytest.fail if missing[0] == "fail" else pytest.skip)(missing[1])
    return fresh_postgres()
