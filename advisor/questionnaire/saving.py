"""Writing the questionnaire's files – the resume file after every answer, the profile at the end – atomically.

A temp file in the same directory, then os.replace: end of input, Ctrl-C or a crash mid-write leaves
the previous file whole, never half of a new one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

PROFILE_HEADER = "# park profile, format 1 – written by `park-advisor ask`\n"


def write_atomically(path: Path, text: str) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_yaml(path: Path, data: dict[str, Any]) -> None:
    """The profile as UTF-8 YAML, Chinese kept readable."""
    import yaml

    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=None, width=110)
    write_atomically(path, PROFILE_HEADER + text)
