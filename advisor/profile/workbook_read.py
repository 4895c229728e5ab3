"""Read a profile workbook (.xlsx) into the dict tree a YAML profile gives, remembering each value's cell.

Cells are read with the shared vocabulary of advisor.profile.cells (so 有, TRUE and yes are one answer,
35% is 0.35, and an empty cell or 未知 is unknown); the sheets and columns are those of
advisor.profile.workbook_layout. Every problem becomes an Issue naming the ``sheet!cell`` and a fix.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from advisor.errors import Issue, ProfileError, did_you_mean
from advisor.profile.cells import (
    CellError,
    is_blank,
    is_none_word,
    is_unknown,
    read_as,
    split_items,
    to_choice,
    to_text,
)
from advisor.profile.fields import Field
from advisor.profile.names import industry_code
from advisor.profile.workbook_file import check_file
from advisor.profile.workbook_layout import (
    DEFAULT_FAMILY_KEYS,
    FACT_HEADERS,
    FACT_SHEETS,
    FACTS,
    HISTORY_HEADERS,
    HISTORY_PATHS,
    HISTORY_SHEET,
    HISTORY_VALUE,
    MAX_COLUMNS,
    MAX_ISSUES,
    MAX_ROWS,
    MAX_WORKBOOK_BYTES,
    PATH_FIX,
    README_SHEETS,
    TABLE_SHEETS,
    TABLES,
    YEAR_HEADER,
    col_letter,
)

_BOUND_WORDS = {"ge": "at least", "gt": "more than", "le": "at most", "lt": "less than"}


def _check_bounds(value: float | int, field: Field) -> None:
    for op, limit in field.bounds:
        broken = {"ge": value < limit, "gt": value <= limit, "le": value > limit, "lt": value >= limit}[op]
        if broken:
            words = _BOUND_WORDS[op]
            fix = ("shares are fractions: write 0.35 for 35 %" if op == "le" and limit == 1
                   else f"write a value {words} {limit:g}")
            raise CellError(f"{value:g} is out of range: must be {words} {limit:g}", fix)


def convert(value: Any, field: Field) -> Any:
    """A cell's value as the profile wants it, None when unknown; raises CellError.

    A column of a family (emissions.SO2) is read as one value of the family's dict.
    """
    if field.kind == "dict" and field.item is not None:
        field = field.item
    if field.kind != "list":
        converted = read_as(field.kind, value, field.choices)
        if field.kind in ("number", "int") and converted is not None:
            _check_bounds(converted, field)
        return converted
    if is_unknown(value):
        return None
    text = to_text(value)
    if is_none_word(text):
        return []
    items = split_items(text)
    choices = field.item.choices if field.item is not None else ()
    return [to_choice(item, choices) for item in items] if choices else items


def _text(value: Any) -> str:
    """A header or name cell as text (any cell value has one)."""
    return str(value).strip()


def _set(tree: dict, path: Sequence[Any], value: Any) -> None:
    node = tree
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file
        self.tree: dict = {}
        self.cells: dict[str, str] = {}
        self.issues: list[Issue] = []
        self.seen_facts: dict[str, str] = {}
        self._substances: set[str] | None = None

    # -- helpers ---------------------------------------------------------------------------------
    def issue(self, where: str, problem: str, fix: str = "") -> None:
        if len(self.issues) < MAX_ISSUES:
            self.issues.append(Issue(self.file, where, problem, fix))
        elif len(self.issues) == MAX_ISSUES:
            self.issues.append(Issue(self.file, "", f"more than {MAX_ISSUES} problems; the rest are not listed",
                                     "fix these and read the workbook again"))

    def substances(self) -> set[str]:
        """Substance names of the knowledge base, or an empty set (no check) when it cannot be read."""
        if self._substances is None:
            try:
                from advisor.kb.knowledge import load_knowledge
                self._substances = set(load_knowledge().substances)
            except Exception:  # the knowledge check (kb check / validate) reports its own problems
                self._substances = set()
        return self._substances

    def rows(self, ws) -> Iterable[tuple[int, tuple]]:
        """(row number, values) of a sheet, within the row and column caps."""
        extra_empty = 0
        for number, values in enumerate(ws.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1), start=1):
            values = tuple(values) + (None,) * (MAX_COLUMNS + 1 - len(values))
            filled = any(not is_blank(v) for v in values)
            if not is_blank(values[MAX_COLUMNS]):
                self.issue(f"{ws.title}!{col_letter(MAX_COLUMNS + 1)}{number}",
                           f"more than {MAX_COLUMNS} columns are used", "keep the data in the documented columns")
                return
            if number > MAX_ROWS + 1:
                if filled:
                    self.issue(f"{ws.title}!A{number}", f"more than {MAX_ROWS} rows", "a park profile is far smaller: "
                               "check that this is the right workbook")
                    return
                extra_empty += 1
                if extra_empty > 10_000:                 # do not walk a million formatted empty rows
                    self.issue(f"{ws.title}!A{number}",
                               f"the sheet runs on beyond row {number} and was not read further",
                               f"delete the unused rows below the data (at most {MAX_ROWS} rows)")
                    return
                continue
            if filled:
                yield number, values[:MAX_COLUMNS]

    @staticmethod
    def is_comment(values: tuple) -> bool:
        first = next((v for v in values if not is_blank(v)), None)
        return isinstance(first, str) and _text(first).startswith("#")

    def header(self, ws, values: tuple, number: int, known: dict[str, str], kind: str) -> dict[int, str]:
        """Column index → canonical name, for a header row; unknown names become issues."""
        columns: dict[int, str] = {}
        for index, value in enumerate(values):
            if is_blank(value):
                continue
            name = _text(value)
            canonical = known.get(name) or known.get(name.lower())
            where = f"{ws.title}!{col_letter(index + 1)}{number}"
            if canonical is None:
                hint = did_you_mean(name, sorted(set(known.values())))
                self.issue(where, f"unknown {kind} '{name}'" + (f" ({hint})" if hint else ""),
                           "use the column names of the template: " + ", ".join(sorted(set(known.values()))))
                continue
            if canonical in columns.values() and canonical != "note":
                self.issue(where, f"column '{name}' appears twice", "keep one of the two columns")
                continue
            columns[index] = canonical
        return columns

    def stray(self, ws, number: int, values: tuple, labelled: set[int]) -> None:
        """Values in columns without a name (a misnamed column is reported once, at its name)."""
        for index, value in enumerate(values):
            if index not in labelled and not is_blank(value):
                self.issue(f"{ws.title}!{col_letter(index + 1)}{number}", "a value in a column without a column name",
                           "add the column name in row 1 or delete the value")

    # -- sheets ----------------------------------------------------------------------------------
    def read(self, wb) -> None:
        for ws in wb.worksheets:
            title = ws.title.strip()
            key = title.lower()
            if key in README_SHEETS:
                continue
            if key in FACT_SHEETS:
                self.read_facts(ws)
            elif key in TABLE_SHEETS:
                self.read_table(ws, key)
            elif key == HISTORY_SHEET:
                self.read_history(ws)
            else:
                if next(iter(self.rows(ws)), None) is None:
                    continue                                     # an empty extra sheet is harmless
                known = [*FACT_SHEETS, *TABLE_SHEETS, HISTORY_SHEET]
                hint = did_you_mean(title, known)
                self.issue(f"{title}!A1", f"unknown sheet '{title}'" + (f" ({hint})" if hint else ""),
                           "rename it to one of: " + ", ".join(known) + " (or README for notes)")

    def read_facts(self, ws) -> None:
        columns: dict[int, str] | None = None
        for number, values in self.rows(ws):
            if self.is_comment(values):
                continue
            if columns is None:
                labelled = {i for i, v in enumerate(values) if not is_blank(v)}
                columns = self.header(ws, values, number, FACT_HEADERS, "column")
                missing = {"path", "value"} - set(columns.values())
                if missing:
                    self.issue(f"{ws.title}!A{number}", "the first row must name the columns path and value"
                               f" (missing: {', '.join(sorted(missing))})", "write path | value | note in row 1")
                    return
                continue
            self.stray(ws, number, values, labelled)
            col = {name: index for index, name in columns.items() if name != "note"}
            raw_path, value = values[col["path"]], values[col["value"]]
            where = f"{ws.title}!{col_letter(col['value'] + 1)}{number}"
            if is_blank(raw_path):
                if not is_blank(value):
                    self.issue(where, "a value without a path", "write the profile path in the path column")
                continue
            path = _text(raw_path)
            field = FACTS.get(path)
            path_cell = f"{ws.title}!{col_letter(col['path'] + 1)}{number}"
            if field is None:
                self.issue(path_cell, f"unknown path '{path}'" + _elsewhere(path), PATH_FIX)
                continue
            if path in self.seen_facts:
                self.issue(path_cell, f"'{path}' is already given at {self.seen_facts[path]}",
                           "keep one of the two rows")
                continue
            self.seen_facts[path] = where
            try:
                converted = convert(value, field)
            except CellError as exc:
                self.issue(where, f"{path}: {exc.problem}", exc.fix)
                continue
            if converted is None:
                continue
            _set(self.tree, path.split("."), converted)
            self.cells[path] = where

    def read_table(self, ws, sheet: str) -> None:
        fields = TABLES[sheet]
        list_path = TABLE_SHEETS[sheet]
        families = {p for p, f in fields.items() if f.kind == "dict"}
        known = {p: p for p in fields if p not in families}
        known.update({p.lower(): p for p in fields if p not in families})
        columns: dict[int, tuple[str, str | None]] | None = None     # index → (field path, family key)
        items: list[dict] = []
        first_cell: str | None = None
        none_cell: str | None = None
        for number, values in self.rows(ws):
            if self.is_comment(values):
                continue
            if columns is None:
                labelled = {i for i, v in enumerate(values) if not is_blank(v)}
                columns = self.table_header(ws, number, values, known, families, list_path)
                continue
            self.stray(ws, number, values, labelled)
            first = next((i for i, v in enumerate(values) if not is_blank(v)), None)
            if (first is not None and is_none_word(values[first])
                    and all(is_blank(v) for i, v in enumerate(values) if i != first)):
                none_cell = f"{ws.title}!{col_letter(first + 1)}{number}"
                continue
            item: dict = {}
            index = len(items)
            for col, (path, key) in columns.items():
                where = f"{ws.title}!{col_letter(col + 1)}{number}"
                try:
                    converted = convert(values[col], fields[path])
                    if list_path == "park.industries" and path == "code" and isinstance(converted, str):
                        converted = industry_code(converted)   # 化工 as well as C26: advisor.profile.names
                except CellError as exc:
                    self.issue(where, f"{path if key is None else f'{path}.{key}'}: {exc.problem}", exc.fix)
                    continue
                if converted is None:
                    continue
                parts = path.split(".") + ([key] if key is not None else [])
                _set(item, parts, converted)
                self.cells[f"{list_path}.{index}.{'.'.join(parts)}"] = where
            if item:
                items.append(item)
                first_cell = first_cell or f"{ws.title}!A{number}"
        if none_cell and items:
            self.issue(none_cell, "'none' (the list is empty) but the sheet also has rows",
                       "delete the none row, or the other rows")
        elif none_cell:
            _set(self.tree, list_path.split("."), [])
            self.cells[list_path] = none_cell
        elif items:
            _set(self.tree, list_path.split("."), items)
            self.cells[list_path] = first_cell or f"{ws.title}!A1"

    def table_header(self, ws, number: int, values: tuple, known: dict[str, str], families: set[str],
                     list_path: str) -> dict[int, tuple[str, str | None]]:
        columns: dict[int, tuple[str, str | None]] = {}
        seen: dict[tuple[str, str | None], str] = {}
        names = sorted({*known.values(), *(f"{f}.<substance>" for f in families)})
        for index, value in enumerate(values):
            if is_blank(value):
                continue
            name = _text(value)
            where = f"{ws.title}!{col_letter(index + 1)}{number}"
            target: tuple[str, str | None] | None = None
            if name in known or name.lower() in known:
                target = (known.get(name) or known[name.lower()], None)
            else:
                head, _, key = name.partition(".")
                family = head if head in families else next((f for f in families if f == head.lower()), None)
                if family and key.strip():
                    key = key.strip()
                    target = (family, key)
                    substances = self.substances()
                    if substances and key not in substances:
                        hint = did_you_mean(key, sorted(substances))
                        self.issue(where,
                                   f"column '{name}': unknown substance '{key}'" + (f" ({hint})" if hint else ""),
                                   "use a substance id of knowledge/pollutants.yaml or a gas of factors/gwp.csv")
                        continue
            if target is None:
                candidates = [*known.values(), *(f"{f}.{k}" for f in families for k in DEFAULT_FAMILY_KEYS.get(f, []))]
                hint = did_you_mean(name, candidates)
                self.issue(where, f"unknown column '{name}' on sheet {ws.title}" + (f" ({hint})" if hint else ""),
                           f"columns of {list_path}: " + ", ".join(names))
                continue
            if target in seen:
                self.issue(where, f"column '{name}' appears twice (also {seen[target]})", "keep one of the two columns")
                continue
            seen[target] = where
            columns[index] = target
        return columns

    def read_history(self, ws) -> None:
        header: dict[int, str | int] | None = None
        seen: dict[tuple[str, str], str] = {}
        for number, values in self.rows(ws):
            if self.is_comment(values):
                continue
            if header is None:
                labelled = {i for i, v in enumerate(values) if not is_blank(v)}
                header = self.history_header(ws, number, values)
                if "series" not in header.values():
                    self.issue(f"{ws.title}!A{number}", "the first row must name the column series",
                               "write series | industry | 2018 | 2019 … in row 1")
                    return
                continue
            self.stray(ws, number, values, labelled)
            col = {v: k for k, v in header.items() if isinstance(v, str)}
            series_cell = f"{ws.title}!{col_letter(col['series'] + 1)}{number}"
            raw = values[col["series"]]
            if is_blank(raw):
                self.issue(series_cell, "values without a series name", "write economy or a substance (CO2e, SO2 …)")
                continue
            series = _text(raw)
            if series.lower() in ("economy", "经济", "经济指标"):
                series = "economy"
            industry = ""
            if "industry" in col and not is_blank(values[col["industry"]]):
                industry = to_text(values[col["industry"]])
            if series != "economy" and not self.history_substance_ok(series, series_cell):
                continue
            if (series, industry) in seen:
                self.issue(series_cell, f"series '{series}'{' for ' + industry if industry else ''} is already "
                           f"given at {seen[(series, industry)]}", "keep one of the two rows")
                continue
            seen[(series, industry)] = series_cell
            for index, year in header.items():
                if isinstance(year, str):
                    continue
                where = f"{ws.title}!{col_letter(index + 1)}{number}"
                try:
                    converted = convert(values[index], HISTORY_VALUE)
                except CellError as exc:
                    self.issue(where, f"{series} {year}: {exc.problem}", exc.fix)
                    continue
                if converted is None:
                    continue
                if series == "economy":
                    path = ["economy", "by_industry", industry, year] if industry else ["economy", "values", year]
                else:
                    path = (["emissions_history", "by_industry", industry, series, year] if industry
                            else ["emissions_history", series, year])
                _set(self.tree, path, converted)
                self.cells[".".join(str(p) for p in path)] = where

    def history_substance_ok(self, series: str, where: str) -> bool:
        reserved = {"unit", "by_industry", "series"}
        substances = self.substances()
        if series in reserved or (substances and series not in substances):
            hint = did_you_mean(series, sorted(substances | {"economy"})) if substances else ""
            self.issue(where, f"unknown series '{series}'" + (f" ({hint})" if hint else ""),
                       "write economy, or a substance id (CO2e, SO2, NOx, VOCs, COD, NH3-N …)")
            return False
        return True

    def history_header(self, ws, number: int, values: tuple) -> dict[int, str | int]:
        header: dict[int, str | int] = {}
        for index, value in enumerate(values):
            if is_blank(value):
                continue
            where = f"{ws.title}!{col_letter(index + 1)}{number}"
            if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
                year: int | None = int(value)
            else:
                match = YEAR_HEADER.match(str(value))
                year = int(match.group(1)) if match else None
            if year is not None:
                if not 1949 <= year <= 2100:
                    self.issue(where, f"year {year} is out of range", "write a year between 1949 and 2100")
                elif year in header.values():
                    self.issue(where, f"year {year} appears twice", "keep one of the two columns")
                else:
                    header[index] = year
                continue
            name = HISTORY_HEADERS.get(_text(value).lower())
            if name is None:
                hint = did_you_mean(_text(value), ["series", "industry"])
                self.issue(where, f"unknown column '{_text(value)}' on sheet history" + (f" ({hint})" if hint else ""),
                           "columns: series, industry, then one column per year (2018, 2019 …)")
                continue
            if name in header.values():
                self.issue(where, f"column '{name}' appears twice", "keep one of the two columns")
                continue
            header[index] = name
        return header


def _elsewhere(path: str) -> str:
    """Where a path that is not a fact belongs, as a parenthesised hint."""
    for sheet, list_path in TABLE_SHEETS.items():
        if path == list_path or path.startswith(list_path + "."):
            return f" ({path} is a list: fill the sheet {sheet})"
    for hist in HISTORY_PATHS:
        if path == hist or path.startswith(hist + "."):
            return " (yearly values go on the sheet history)"
    top = path.split(".")[0]
    if top == "emissions_history" and path != "emissions_history.unit":
        return " (yearly values go on the sheet history)"
    hint = did_you_mean(path, FACTS)
    return f" ({hint})" if hint else ""




def read_workbook_with_cells(path: Path | str) -> tuple[dict, dict[str, str]]:
    """The profile dict and, for every value read, its cell: {'park.name': 'park!B4', …}.

    Cell keys are dotted paths of the returned tree (list items by index: 'energy.0.amount');
    see cell_of() to locate a validation error.
    """
    path = Path(path)
    data = check_file(path, MAX_WORKBOOK_BYTES)
    name = str(path)
    import openpyxl

    reader = _Reader(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            wb = openpyxl.load_workbook(data, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds on damaged files
            raise ProfileError([Issue(name, "", f"cannot open the workbook ({type(exc).__name__}: {exc})",
                                      "open it in Excel and save it again as .xlsx")]) from None
        try:
            reader.read(wb)
        except ProfileError:
            raise
        except Exception as exc:
            raise ProfileError([Issue(name, "", f"cannot read the workbook ({type(exc).__name__}: {exc})",
                                      "open it in Excel and save it again as .xlsx")]) from None
        finally:
            wb.close()
    if reader.issues:
        raise ProfileError(reader.issues)
    return reader.tree, reader.cells


def read_workbook(path: Path | str) -> dict:
    """The park profile in a workbook, as the dict tree a YAML profile gives (not yet validated)."""
    return read_workbook_with_cells(path)[0]


def cell_of(cells: dict[str, str], loc: Iterable[Any] | str) -> str | None:
    """The cell behind a validation error location, best effort.

    `loc` is a pydantic loc tuple, a dotted path ('energy.0.amount') or an issue path as
    advisor.profile.files formats it ('energy[0].amount'). Profile validation moves emissions_history
    substances under 'series'; that step is undone here. The longest recorded prefix wins, so an
    error on a whole item points at the item's first cell.
    """
    if isinstance(loc, str):
        parts = [p for p in re.sub(r"\[(\d+)\]", r".\1", loc).split(".") if p]
    else:
        parts = [str(p) for p in loc]
    if parts[:2] == ["emissions_history", "series"]:
        parts = ["emissions_history", *parts[2:]]
    while parts:
        key = ".".join(parts)
        if key in cells:
            return cells[key]
        prefix = key + "."
        found = sorted(v for k, v in cells.items() if k.startswith(prefix))
        if found:
            return found[0]
        parts.pop()
    return None
