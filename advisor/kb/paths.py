"""Where the data directories are: inside the installed wheel, or at the repository top."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


@cache
def data_dir(name: str) -> Path:
    """knowledge/, rules/, reports/ or examples/ – packaged copy first, then the source tree."""
    packaged = _PACKAGE / "_data" / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parent / name


def knowledge_dir() -> Path:
    return data_dir("knowledge")


def rules_dir() -> Path:
    return data_dir("rules")


def templates_dir() -> Path:
    return data_dir("reports") / "templates"


def examples_dir() -> Path:
    return data_dir("examples")
