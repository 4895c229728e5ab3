"""Parks and their answers in a database: SQLite by default, PostgreSQL (or any SQLAlchemy URL) when given.

A park is reached by an unguessable token (its link). Each answer is one row (profile path → JSON value),
written when it is given, so a refresh, a closed tab or a restarted server loses nothing. An unknown
answer has no row; `asked` remembers which questions were shown and left unknown.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import ForeignKey, String, Text, create_engine, delete, event, select, update
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, lazyload, mapped_column, relationship

from advisor.errors import Issue, UsageError

ENV_VAR = "PARK_ADVISOR_DB"
DEFAULT_DB = "park-advisor-web.db"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def database_url(value: str | None = None) -> str:
    """`--db` value, else $PARK_ADVISOR_DB, else ./park-advisor-web.db – a URL, or a file path for SQLite."""
    raw = (value or os.environ.get(ENV_VAR) or DEFAULT_DB).strip()
    if "://" in raw:
        return raw
    path = Path(raw).expanduser()
    if path.is_dir():
        raise UsageError([Issue("--db", raw, "is a directory", "name a database file, e.g. --db parks.db")])
    if not path.parent.is_dir():
        raise UsageError([Issue("--db", raw, f"the directory {path.parent} does not exist",
                                "create it first or choose another path")])
    return f"sqlite:///{path.resolve()}"


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class ParkRow(Base):
    __tablename__ = "web_parks"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    created: Mapped[datetime] = mapped_column(default=now)
    updated: Mapped[datetime] = mapped_column(default=now)
    origin: Mapped[str] = mapped_column(String(16), default="new")      # new | upload
    asked: Mapped[str] = mapped_column(Text, default="[]")              # JSON list of question ids
    answers: Mapped[list[AnswerRow]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class AnswerRow(Base):
    __tablename__ = "web_answers"

    token: Mapped[str] = mapped_column(ForeignKey("web_parks.token", ondelete="CASCADE"), primary_key=True)
    path: Mapped[str] = mapped_column(String(300), primary_key=True)
    value: Mapped[str] = mapped_column(Text)                             # JSON
    updated: Mapped[datetime] = mapped_column(default=now)


class CycleRow(Base):
    """A park's years: the park at `token` is the next cycle (year) of the park at `previous`."""

    __tablename__ = "web_park_cycles"

    token: Mapped[str] = mapped_column(ForeignKey("web_parks.token", ondelete="CASCADE"), primary_key=True)
    previous: Mapped[str] = mapped_column(String(64))


@dataclass
class ParkState:
    """One park as the pages see it: answers (profile path → value) and the question ids asked."""

    token: str
    answers: dict[str, Any] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)
    origin: str = "new"
    updated: datetime | None = None


class Store:
    """The repository: the only code that talks to the database."""

    def __init__(self, url: str):
        self.url = url
        # SQLite has one writer at a time and its busy wait sleeps in steps of up to 100 ms: this process's
        # saves queue on a lock of their own instead (other processes still meet SQLite's wait)
        self._writing = threading.Lock() if url.startswith("sqlite") else contextlib.nullcontext()
        kwargs: dict[str, Any] = {}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        self.engine = create_engine(url, **kwargs)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        Base.metadata.create_all(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def create(self, answers: dict[str, Any] | None = None, origin: str = "new") -> str:
        token = secrets.token_urlsafe(18)
        with Session(self.engine) as s, s.begin():
            park = ParkRow(token=token, origin=origin)
            park.answers = [AnswerRow(path=p, value=_dump(v)) for p, v in (answers or {}).items()]
            s.add(park)
        return token

    def next_cycle(self, previous: str, answers: dict[str, Any]) -> str:
        """A new park with `answers`, kept as the next year of the park at `previous`; its token."""
        token = secrets.token_urlsafe(18)
        with Session(self.engine) as s, s.begin():
            park = ParkRow(token=token, origin="next_cycle")
            park.answers = [AnswerRow(path=p, value=_dump(v)) for p, v in answers.items()]
            s.add(park)
            s.flush()   # the park's row before the row that names it
            s.add(CycleRow(token=token, previous=previous))
        return token

    def previous(self, token: str) -> str | None:
        """The token of the park's previous year, if it was started from one."""
        with Session(self.engine) as s:
            return s.scalar(select(CycleRow.previous).where(CycleRow.token == token))

    def load(self, token: str) -> ParkState | None:
        if not TOKEN.match(token or ""):
            return None
        with Session(self.engine) as s:
            park = s.get(ParkRow, token, options=[lazyload(ParkRow.answers)])
            if park is None:
                return None
            # plain rows, not ORM objects: a park has a few hundred answers and this runs on every page
            rows = s.execute(select(AnswerRow.path, AnswerRow.value).where(AnswerRow.token == token))
            return ParkState(token=token, answers={path: json.loads(value) for path, value in rows},
                             asked=list(json.loads(park.asked or "[]")), origin=park.origin, updated=park.updated)

    def save(self, token: str, values: dict[str, Any], clear: Sequence[str] = (), asked: Sequence[str] = ()) -> None:
        """Set `values`, delete the paths in `clear` (and everything under them), add `asked` – one transaction.

        The park's row is written first: that takes its lock (a row lock in PostgreSQL, the write lock in SQLite)
        before `asked` is read, so two saves of the same park at once cannot lose each other's questions."""
        with self._writing, Session(self.engine) as s, s.begin():
            touched = s.execute(update(ParkRow).where(ParkRow.token == token).values(updated=now()))
            if not getattr(touched, "rowcount", 1):
                raise KeyError(token)
            for path in list(clear) + list(values):
                s.execute(delete(AnswerRow).where(AnswerRow.token == token, AnswerRow.path == path))
                s.execute(delete(AnswerRow).where(AnswerRow.token == token,
                                                  AnswerRow.path.startswith(path + ".", autoescape=True)))
            for path, value in values.items():
                s.add(AnswerRow(token=token, path=path, value=_dump(value), updated=now()))
            if asked:
                seen = json.loads(s.scalar(select(ParkRow.asked).where(ParkRow.token == token)) or "[]")
                new = [a for a in asked if a not in seen]
                if new:
                    s.execute(update(ParkRow).where(ParkRow.token == token).values(asked=json.dumps(seen + new)))


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.close()


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
