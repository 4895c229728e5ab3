"""A disk cache of the loaded knowledge and rule bases, so a command starts without re-reading them.

Reading and validating knowledge/ and rules/ takes a fifth of a second, about a third of a
`recommend` run; the cached copy loads in about ten milliseconds. An entry is used only when
its fingerprint matches: the name, size and modification time of every file in the data folders
and of every module of the package (the classes the entry is made of), and the Python, pydantic
and advisor versions. Anything else – a file edited, added or removed, a newer package – and the
bases are read from the files again. Only a base read without problems is stored, so every error
is still found and reported from the files themselves.

The folder is $PARK_ADVISOR_CACHE_DIR, else $XDG_CACHE_HOME/park-advisor, else ~/.cache/park-advisor.
PARK_ADVISOR_CACHE=off turns the cache off. A cache that cannot be read or written is skipped:
the bases are then read from the files, as without a cache.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent.parent


def cache_dir() -> Path | None:
    """Where entries are kept; None when the cache is turned off."""
    if os.environ.get("PARK_ADVISOR_CACHE", "").strip().lower() in ("off", "0", "no", "false"):
        return None
    if os.environ.get("PARK_ADVISOR_CACHE_DIR"):
        return Path(os.environ["PARK_ADVISOR_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "park-advisor"


def _tree(root: Path, pattern: str) -> list[str]:
    """'relative path size mtime' of every file under root matching pattern, sorted."""
    out = []
    for path in sorted(root.rglob(pattern)):
        if "__pycache__" in path.parts:
            continue
        try:
            st = path.stat()
        except OSError:
            continue
        if path.is_file():
            out.append(f"{path.relative_to(root)} {st.st_size} {st.st_mtime_ns}")
    return out


@cache
def _code_state() -> tuple[str, ...]:
    """The versions and the package's modules (the code does not change while a process runs)."""
    import pydantic

    from advisor import __version__

    return (sys.version, pydantic.VERSION, __version__, *_tree(_PACKAGE, "*.py"))


def fingerprint(roots: list[Path]) -> str:
    """The state of the data folders and of the code an entry depends on."""
    parts = list(_code_state())
    for root in roots:
        parts.append(f"== {root}")
        parts.extend(_tree(root, "*"))
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _entry_path(folder: Path, kind: str, roots: list[Path]) -> Path:
    name = hashlib.sha256("\n".join(map(str, roots)).encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return folder / f"{kind}-{name}.pickle"


def _read(path: Path, key: str) -> Any | None:
    try:
        if hasattr(os, "getuid") and path.stat().st_uid != os.getuid():   # only entries this user wrote
            return None
        with open(path, "rb") as f:
            stored_key, value = pickle.load(f)
    except Exception:   # missing, truncated, from another version: read the files instead
        return None
    return value if stored_key == key else None


def _write(path: Path, key: str, value: Any) -> None:
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        data = pickle.dumps((key, value), protocol=pickle.HIGHEST_PROTOCOL)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)   # readers see the old entry or the new one, never half of one
    except Exception:   # a read-only home, a full disk, an object that cannot be pickled: no cache
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def load(kind: str, roots: list[Path], build: Callable[[], tuple[Any, tuple]]) -> tuple[Any, tuple]:
    """build() → (base, problems), or the same from the cache when nothing it was built from has changed.
    Results with problems are never stored."""
    folder = cache_dir()
    if folder is None:
        return build()
    path = _entry_path(folder, kind, roots)
    key = fingerprint(roots)
    cached = _read(path, key)
    if cached is not None:
        return cached, ()
    value, problems = build()
    if not problems:
        _write(path, key, value)
    return value, problems
