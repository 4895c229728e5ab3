"""Read a park profile (YAML, JSON or .xlsx) and validate it, listing every problem.

Each problem names the file, the field path (`park.industries[0].share`), what is
wrong and how to fix it; misspelt keys and units get a did-you-mean.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from advisor.errors import Issue, ProfileError, did_you_mean
from advisor.kb.safe_load import load_data_file, shown
from advisor.profile.cells import CellError
from advisor.profile.checks import check_profile
from advisor.profile.fields import model_at
from advisor.profile.model import TEXT_PATTERN, EmissionsHistory, Profile, validate_profile

SUFFIXES = {".yaml", ".yml", ".json", ".xlsx"}


def read_profile_data(path: Path) -> Any:
    """The raw data tree of a profile file."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ProfileError([Issue(str(path), "", f"unknown file type '{suffix or '(none)'}'",
                                  "use a .yaml, .yml, .json or .xlsx profile")])
    if suffix == ".xlsx":
        from advisor.profile.workbook import read_workbook

        return read_workbook(path)
    return load_data_file(path, ProfileError)


def format_loc(loc: tuple) -> str:
    """('park', 'industries', 0, 'share') → 'park.industries[0].share'."""
    out = ""
    for part in loc:
        if isinstance(part, str) and not part.isprintable():
            part = shown(part)
        if isinstance(part, int) and part < 1900:  # a list index; years are mapping keys
            out += f"[{part}]"
        elif isinstance(part, int):
            out += f".{part}"
        else:
            out += f".{part}" if out else str(part)
    if out.startswith("emissions_history.series"):
        return out.replace(".series.", ".") if out != "emissions_history.series" else "emissions_history"
    return out


def _model_at(loc: tuple) -> type[BaseModel] | None:
    """The pydantic model that owns the field at `loc` (to suggest sibling keys)."""
    return model_at(loc)


_FIXES = {
    "missing": "add this field (see docs/profile-format.md and the examples/ parks)",
    "greater_than_equal": "amounts and shares cannot be negative",
    "less_than_equal": "shares are fractions from 0 to 1 (0.55 = 55 %)",
    "literal_error": "use one of the values listed",
    "bool_type": "write true, false, or leave it empty (null) when unknown",
    "bool_parsing": "write true, false, or leave it empty (null) when unknown",
    "float_parsing": "write a plain number such as 5.21e6 or 5210000",
    "int_parsing": "write a whole number",
    "string_pattern_mismatch": "use letters, digits, '-', '_' or '.', starting with a letter or digit",
}


def issues_from_validation(exc: ValidationError, file: str) -> list[Issue]:
    issues = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        path = format_loc(loc)
        kind = err["type"]
        msg = err["msg"].removeprefix("Value error, ")
        fix = _FIXES.get(kind, "")
        cause = (err.get("ctx") or {}).get("error")
        if isinstance(cause, CellError):          # a value read with the cell vocabulary says its own fix
            msg, fix = cause.problem, cause.fix
        if kind == "extra_forbidden":
            parent = _model_at(loc[:-1])
            key = str(loc[-1])
            msg = f"unknown key '{shown(key)}'"
            choices = list(parent.model_fields) if parent else []
            if parent is EmissionsHistory:
                choices = ["unit", "by_industry"]
            hint = did_you_mean(key, choices)
            fix = hint or (f"allowed keys here: {', '.join(choices)}" if choices else "remove it")
        elif kind == "string_pattern_mismatch" and (err.get("ctx") or {}).get("pattern") == TEXT_PATTERN:
            msg, fix = _control_character(err.get("input"))
        elif kind == "string_unicode":
            msg, fix = "holds a lone surrogate code point, which is not a character", "retype the text"
        elif kind in ("dict_type", "model_type") and isinstance(err.get("input"), str):
            fix = "this needs a mapping of keys and values, not text"
        issues.append(Issue(file, path, msg, fix))
    return issues


def _control_character(text: Any) -> tuple[str, str]:
    """The problem and fix for text that holds a control character (model.TEXT_PATTERN refuses them)."""
    code = next((ord(c) for c in str(text) if not c.isprintable() and c not in "\t\n\r"), 0)
    return (f"contains the control character U+{code:04X}, which no report, workbook or terminal can show",
            f"remove the control character U+{code:04X}")


def validate_data(data: Any, file: str, kb=None) -> Profile:
    """A validated Profile; raises ProfileError with every schema and knowledge problem."""
    if not isinstance(data, dict):
        raise ProfileError([Issue(file, "", "a profile must be a mapping with schema_version and park",
                                  "start from examples/demo-chemical.yaml")])
    try:
        profile = validate_profile(data)   # = Profile.model_validate, faster for plain numbers
    except ValidationError as exc:
        raise ProfileError(issues_from_validation(exc, file)) from None
    if kb is not None:
        problems = check_profile(profile, kb, file)
        if problems:
            raise ProfileError(problems)
    return profile


def load_profile(path: Path | str, kb=None) -> Profile:
    """Read and validate a profile file; workbook problems name the sheet and cell too."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        return validate_data(read_profile_data(path), str(path), kb)
    from advisor.profile.workbook import cell_of, read_workbook_with_cells

    data, cells = read_workbook_with_cells(path)
    try:
        return validate_data(data, str(path), kb)
    except ProfileError as exc:
        located = []
        for issue in exc.issues:
            cell = cell_of(cells, issue.path) if issue.path else None
            where = f"{cell} ({issue.path})" if cell else issue.path
            located.append(Issue(issue.file, where, issue.problem, issue.fix))
        raise ProfileError(located) from None
