"""One batch-table row ⇄ one park profile.

A batch table has one row per park. Each column is a dotted path of the profile (docs/profile-format.md):
`park.id`, `management.synergy_plan`, `infrastructure.central_wastewater_plant.present`,
`economy.values.2018`, `emissions_history.CO2e.2022`, `economy.by_industry.C26.2018`,
`emissions_history.by_industry.C26.VOCs.2022` … Columns whose name starts with `#` or `_` are
comments and ignored.

Cells are read with the shared vocabulary of advisor.profile.cells, as in the workbook and the
questionnaire: an empty cell (or `unknown`, `未知`, `?`) is unknown and leaves the key out of the
profile (never "no" or 0); yes/no words such as `true`, `是`, `有`, `1`; numbers such as `5.21e6`,
`5,210,000` or `35%` (= 0.35). Whole lists sit in one cell in the compact forms of
advisor.profile.compact_forms (or as JSON; `[]` or `none` = known to be none).

Every problem in a row is reported with its column, the cell value and a fix; the caller
(`advisor.batch.run`) then validates the assembled profile like any profile file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from advisor.errors import Issue, did_you_mean
from advisor.profile.cells import BOOL_SPELLINGS, CellError, is_unknown, reader
from advisor.profile.compact_forms import number_text, read_list, write_list
from advisor.profile.fields import field_at, walk


@dataclass(slots=True)
class Column:
    name: str
    keys: tuple          # path keys; all-digit segments are int (years)
    kind: str            # bool | number | int | text | choice | list | any (advisor.profile.fields)
    choices: tuple = ()  # choice: the allowed values; list: those of an item
    # derived once here, used for every cell of the column:
    read: Callable[[Any], Any] = field(init=False, repr=False, compare=False)   # see cells.reader
    parent: str = field(init=False, repr=False, compare=False)   # dotted path of the mapping holding the value
    last: Any = field(init=False, repr=False, compare=False)     # the value's key in that mapping

    def __post_init__(self) -> None:
        self.read = (partial(read_list, self.name, self.choices) if self.kind == "list"
                     else reader(self.kind, self.choices))
        self.parent = self.name.rpartition(".")[0]
        self.last = self.keys[-1]


def _key(part: str) -> Any:
    return int(part) if part.isdigit() else part


def _column(name: str) -> Column | None:
    """The column of a dotted profile path, or None when the path names no single cell's field."""
    parts = name.split(".")
    found = field_at(parts) if all(parts) else None
    if found is None or found.kind in ("model", "dict"):
        return None
    choices = found.item.choices if found.kind == "list" and found.item is not None else found.choices
    return Column(name, tuple(_key(p) for p in parts), found.kind, choices)


def plan_columns(header: list[Any]) -> tuple[list[Column | None], list[Issue]]:
    """One Column per header cell (None = ignored), and the header's problems."""
    plan: list[Column | None] = []
    issues: list[Issue] = []
    seen: dict[str, int] = {}
    known = known_columns()
    for i, cell in enumerate(header):
        name = "" if cell is None else str(cell).strip()
        if not name or name.startswith(("#", "_")):
            plan.append(None)
            continue
        if name in seen:
            issues.append(Issue("header", name, f"column {i + 1} repeats column {seen[name] + 1}", "keep one of them"))
            plan.append(None)
            continue
        seen[name] = i
        column = _column(name)
        if column is None:
            issues.append(Issue("header", name, "not a profile field path",
                                did_you_mean(name, known) or "columns are dotted profile paths such as park.id or "
                                "economy.values.2018 (see docs/profile-format.md); start a column with # to ignore it"))
        plan.append(column)
    return plan, issues


def known_columns() -> list[str]:
    """Dotted paths of every scalar and list field (for did-you-mean)."""
    return [f.path for f in walk() if f.kind != "dict"]


def _mapping_at(data: dict, keys: tuple) -> dict:
    """The mapping at a path of the row's data, made where missing."""
    node = data
    for key in keys:
        node = node.setdefault(key, {})
    return node


# the cells of the usual kinds, read as the column's reader reads them but without a call: a plain number, a yes/no
# word as usually written, a whole number, a choice as listed; anything else (and every problem) goes to the reader
_QUICK = {
    "number": ("x = None", "if type(v) is str:", "    try:", "        x = float(v)", "    except ValueError:",
               "        pass", "    else:", "        if x - x != 0.0:", "            x = None"),
    "bool": ("x = BOOL(v) if type(v) is str else None",),
    "int": ("x = int(v) if type(v) is str and v.isascii() and v.isdigit() else None",),
    "choice": ("x = v if type(v) is str and v in CHOICES[{j}] else None",),
}


class RowReader:
    """Reads the rows of one table: the plan's columns and their cell positions are worked out once.

    The batch reads every row through one reader, so the reader is a function written for the plan: one
    straight block per column (its cell position, kind and mapping fixed), without a loop that asks each cell
    what its column is. The source holds only numbers: names, keys and choices sit in tables beside it. A plan's
    columns name scalar or list fields only, so no column's value ever sits where another column's mapping goes.
    """

    def __init__(self, plan: list[Column | None]) -> None:
        used = [(i, c) for i, c in enumerate(plan) if c is not None]
        self.columns = [c for _, c in used]
        parents: dict[str, int] = {}
        paths: list[tuple] = []
        lines = ["def read(cells, file):", "    data = {}", "    issues = []"]
        if used:
            last_position = used[-1][0]
            # a short row leaves the last columns unknown
            lines += [f"    if len(cells) <= {last_position}:",
                      f"        cells = [*cells, *[None] * ({last_position + 1} - len(cells))]"]
        lines += [f"    n{q} = None" for q in range(len({c.parent for _, c in used}))]
        for j, (position, column) in enumerate(used):
            q = parents.setdefault(column.parent, len(parents))
            if q == len(paths):
                paths.append(column.keys[:-1])
            quick = [line.format(j=j) for line in _QUICK.get(column.kind, ("x = None",))]
            lines += [f"    v = cells[{position}]", "    if v is not None and v != '':",
                      *(f"        {line}" for line in quick),
                      "        if x is None:", f"            x = slow({j}, v, file, issues)",
                      "        if x is not None:",
                      f"            if n{q} is None:", f"                n{q} = mapping(data, PATHS[{q}])",
                      f"            n{q}[LAST[{j}]] = x"]
        lines += ["    data.setdefault('schema_version', 1)", "    return data, issues"]
        scope: dict[str, Any] = {
            "BOOL": BOOL_SPELLINGS.get, "CHOICES": [frozenset(c.choices) for c in self.columns],
            "LAST": [c.last for c in self.columns], "PATHS": paths, "slow": self._slow, "mapping": _mapping_at}
        exec(compile("\n".join(lines), "<row reader>", "exec"), scope)
        self.read: Callable[[list[Any], str], tuple[dict, list[Issue]]] = scope["read"]
        """Profile data (a nested dict) from one row's cells, and the cells' problems."""

    def _slow(self, j: int, value: Any, file: str, issues: list[Issue]) -> Any:
        """The value of a cell that needs the column's reader; None (and perhaps a problem) when there is none."""
        column = self.columns[j]
        try:
            return column.read(value)
        except CellError as exc:
            if not is_unknown(value):
                shown = str(value).strip()
                problem = exc.problem if shown[:40] in exc.problem else f"'{shown[:80]}': {exc.problem}"
                issues.append(Issue(file, column.name, problem, exc.fix))
            return None


def row_to_data(plan: list[Column | None], cells: list[Any], file: str) -> tuple[dict, list[Issue]]:
    """Profile data (a nested dict) from one row's cells, and the cells' problems (see RowReader)."""
    return RowReader(plan).read(cells, file)


def row_dict_to_data(row: dict[str, Any], file: str) -> tuple[dict, list[Issue]]:
    """Convenience for a single row given as {column: cell}."""
    header = list(row)
    plan, issues = plan_columns(header)
    issues = [Issue(file, i.path, i.problem, i.fix) for i in issues]
    data, more = row_to_data(plan, [row[h] for h in header], file)
    return data, issues + more


def profile_to_row(data: dict) -> dict[str, str]:
    """The batch row (column → cell text) of a profile data tree; `row_to_data` reads it back.

    Unknown (None) values are left out (an empty cell); lists use the compact forms where they
    carry the data exactly, JSON otherwise.
    """
    row: dict[str, str] = {}

    def walk(value: Any, path: list[str], kind_hint: str | None) -> None:
        if value is None:
            return
        name = ".".join(path)
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, path + [str(key)], None)
            return
        if isinstance(value, list):
            row[name] = write_list(name, value)
            return
        row[name] = number_text(value) if isinstance(value, (bool, int, float)) else str(value)

    for key, value in data.items():
        if key == "schema_version":
            row[key] = number_text(value)
            continue
        walk(value, [key], None)
    # park.id first: readers look for it there
    order = ["park.id", "park.name"]
    return {**{k: row[k] for k in order if k in row}, **{k: v for k, v in row.items() if k not in order}}
