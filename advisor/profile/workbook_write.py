"""Write a profile (the dict tree of a YAML profile) as a workbook; an empty profile gives the blank template.

The sheets follow advisor.profile.workbook_layout; the README sheet, the notes beside the fields and the
fill-in hints come from knowledge/profile_fields.yaml (advisor.profile.workbook_texts). Values are
written so that reading the workbook back gives the same profile.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from advisor.errors import Issue, ProfileError
from advisor.profile.cells import CellError, to_number
from advisor.profile.fields import Field, fields_of
from advisor.profile.model import EmissionsHistory, Profile
from advisor.profile.workbook_layout import (
    DEFAULT_FAMILY_KEYS,
    FACT_SHEETS,
    FACTS,
    HISTORY_SHEET,
    HISTORY_VALUE,
    MAX_ROWS,
    SHEET_ORDER,
    TABLE_SHEETS,
    TABLES,
    TEMPLATE_HISTORY_SERIES,
    TEMPLATE_YEARS,
    col_letter,
    fact_sheet_of,
)
from advisor.profile.workbook_texts import note, workbook_texts


def _get(tree: Any, path: str) -> Any:
    node = tree
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _unknown_keys(data: Any, model: type[BaseModel], prefix: str, out: list[str]) -> None:
    """Keys in the profile that the workbook has no place for (so writing would lose them)."""
    if not isinstance(data, dict):
        return
    for key, value in data.items():
        if model is EmissionsHistory and key not in EmissionsHistory.model_fields:
            continue                                                  # a substance series
        field = fields_of(model).get(str(key))
        if field is None:
            out.append(f"{prefix}{key}")
            continue
        if field.kind == "model" and field.model is not None:
            _unknown_keys(value, field.model, f"{prefix}{key}.", out)
        elif field.item_model is not None and isinstance(value, list):
            for i, element in enumerate(value):
                _unknown_keys(element, field.item_model, f"{prefix}{key}.{i}.", out)


def _cell_value(value: Any, field: Field) -> Any:
    if value is None:
        return None
    if field.kind == "list":
        if isinstance(value, (list, tuple)):
            return ", ".join(str(v) for v in value) if value else "none"
        return str(value)
    if field.kind in ("number", "int") and isinstance(value, str):
        try:                                    # '5.21e6' (text in YAML 1.1) is written as a number
            return to_number(value)
        except CellError:
            return value
    if isinstance(value, (dict, list)):
        raise CellError(f"{field.path}: expected a single value, got a {type(value).__name__}")
    return value


def _put(ws, row: int, col: int, value: Any) -> Any:
    cell = ws.cell(row=row, column=col)
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"                       # text, never a formula
    return cell


class _Writer:
    def __init__(self, profile: dict) -> None:
        import openpyxl
        from openpyxl.styles import Alignment, Font, PatternFill

        self.profile = profile
        self.wb = openpyxl.Workbook()
        self.wb.remove(self.wb.active)
        self.bold = Font(bold=True)
        self.head_fill = PatternFill("solid", fgColor="DDEBF7")
        self.note_font = Font(italic=True, color="666666")
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.problems: list[str] = []

    def dropdown(self, ws, field: Field, ref: str) -> None:
        from openpyxl.worksheet.datavalidation import DataValidation

        if field.kind == "bool":
            options = "TRUE,FALSE"
        elif field.kind == "choice":
            options = ",".join(str(c) for c in field.choices)
        else:
            return
        if len(options) > 250:
            return
        dv = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True, showErrorMessage=False)
        ws.add_data_validation(dv)
        dv.add(ref)

    def readme(self) -> None:
        ws = self.wb.create_sheet("README")
        lines = [(line.zh, line.en) for line in workbook_texts().readme]
        ws.column_dimensions["A"].width = 90
        ws.column_dimensions["B"].width = 90
        for i, (zh, en) in enumerate(lines, start=1):
            for col, text in ((1, zh), (2, en)):
                cell = _put(ws, i, col, text or None)
                cell.alignment = self.wrap
                if i == 1:
                    cell.font = self.bold

    def header_row(self, ws, names: list[Any]) -> None:
        for col, name in enumerate(names, start=1):
            cell = _put(ws, 1, col, name)
            cell.font = self.bold
            cell.fill = self.head_fill

    def facts(self, sheet: str) -> None:
        ws = self.wb.create_sheet(sheet)
        self.header_row(ws, ["path", "value", "说明", "note"])
        for letter, width in zip("ABCD", (52, 24, 60, 60), strict=True):
            ws.column_dimensions[letter].width = width
        ws.freeze_panes = "B2"
        row = 2
        for path, field in FACTS.items():
            if fact_sheet_of(path) != sheet:
                continue
            value = _get(self.profile, path)
            if not self.profile and path == "schema_version":
                value = 1
            try:
                value = _cell_value(value, field)
            except CellError as exc:
                self.problems.append(exc.problem)
                value = None
            _put(ws, row, 1, path)
            _put(ws, row, 2, value)
            zh, en = note(path, field)
            for col, text in ((3, zh), (4, en)):
                cell = _put(ws, row, col, text)
                cell.font = self.note_font
            self.dropdown(ws, field, f"B{row}")
            row += 1

    def table(self, sheet: str) -> None:
        ws = self.wb.create_sheet(sheet)
        fields = TABLES[sheet]
        list_path = TABLE_SHEETS[sheet]
        items = _get(self.profile, list_path)
        if items is not None and not isinstance(items, list):
            self.problems.append(f"{list_path}: expected a list")
            items = None
        columns: list[tuple[str, Field, str | None]] = []
        for path, field in fields.items():
            if field.kind != "dict":
                columns.append((path, field, None))
                continue
            keys = list(DEFAULT_FAMILY_KEYS.get(path, []))
            for item in items or []:
                for key in (_get(item, path) or {}) if isinstance(item, dict) else {}:
                    if str(key) not in keys:
                        keys.append(str(key))
            columns += [(path, field, key) for key in keys]
        self.header_row(ws, [p if k is None else f"{p}.{k}" for p, _, k in columns])
        for col, (path, field, key) in enumerate(columns, start=1):
            zh, en = note(f"{sheet}.{path}", field, key)
            text = f"{zh}\n{en}"
            cell = _put(ws, 2, col, f"# {text}" if col == 1 else text)
            cell.font = self.note_font
            cell.alignment = self.wrap
            letter = col_letter(col)
            ws.column_dimensions[letter].width = 18 if key is not None else 24
            self.dropdown(ws, field, f"{letter}3:{letter}{MAX_ROWS}")
        ws.row_dimensions[2].height = 60
        ws.freeze_panes = "B3"
        if items == []:
            _put(ws, 3, 1, "none")
            return
        for r, item in enumerate(items or [], start=3):
            if not isinstance(item, dict):
                self.problems.append(f"{list_path}.{r - 3}: expected a mapping")
                continue
            for col, (path, field, key) in enumerate(columns, start=1):
                value = _get(item, path)
                if key is not None:
                    value = value.get(key) if isinstance(value, dict) else None
                    field = field.item or field
                try:
                    _put(ws, r, col, _cell_value(value, field))
                except CellError as exc:
                    self.problems.append(f"{list_path}.{r - 3}.{exc.problem}")

    def history(self) -> None:
        ws = self.wb.create_sheet(HISTORY_SHEET)
        rows: list[tuple[str, str, dict]] = []
        economy = _get(self.profile, "economy") or {}
        history = _get(self.profile, "emissions_history") or {}
        if isinstance(economy, dict):
            if isinstance(economy.get("values"), dict):
                rows.append(("economy", "", economy["values"]))
            for industry, series in (economy.get("by_industry") or {}).items():
                rows.append(("economy", str(industry), series or {}))
        if isinstance(history, dict):
            series_map = {k: v for k, v in history.items() if k not in ("unit", "by_industry", "series")}
            series_map.update(history.get("series") or {})
            rows += [(str(name), "", values or {}) for name, values in series_map.items()]
            for industry, by_substance in (history.get("by_industry") or {}).items():
                for name, values in (by_substance or {}).items():
                    rows.append((str(name), str(industry), values or {}))
        if not self.profile:
            rows = [(name, "", {}) for name in TEMPLATE_HISTORY_SERIES]
        years = sorted({int(y) for _, _, values in rows if isinstance(values, dict) for y in values}) or TEMPLATE_YEARS
        self.header_row(ws, ["series", "industry", *years])
        for col, text in enumerate(workbook_texts().history_notes, start=1):
            cell = _put(ws, 2, col, f"{'# ' if col == 1 else ''}{text.zh}\n{text.en}")
            cell.font = self.note_font
            cell.alignment = self.wrap
        ws.row_dimensions[2].height = 45
        ws.column_dimensions["A"].width = 30
        ws.column_dimensions["B"].width = 22
        ws.freeze_panes = "C3"
        for r, (name, industry, values) in enumerate(rows, start=3):
            _put(ws, r, 1, name)
            _put(ws, r, 2, industry or None)
            if not isinstance(values, dict):
                self.problems.append(f"history {name}: expected a mapping of year to value")
                continue
            by_year = {int(y): v for y, v in values.items()}
            for col, year in enumerate(years, start=3):
                _put(ws, r, col, _cell_value(by_year.get(year), HISTORY_VALUE))

    def build(self) -> None:
        self.readme()
        for sheet in SHEET_ORDER:
            if sheet in FACT_SHEETS:
                self.facts(sheet)
            elif sheet in TABLE_SHEETS:
                self.table(sheet)
            else:
                self.history()


def write_workbook(profile: dict | None, path: Path | str) -> None:
    """Write a profile (the dict tree of a YAML profile) as a workbook; None or {} gives the blank template."""
    path = Path(path)
    profile = profile or {}
    name = str(path)
    if not isinstance(profile, dict):
        raise ProfileError([Issue(name, "", "the profile must be a mapping", "pass the dict a YAML profile gives")])
    unknown: list[str] = []
    _unknown_keys(profile, Profile, "", unknown)
    if unknown:
        raise ProfileError([Issue(name, key, "this key has no place in the workbook and would be lost",
                                  "remove it or correct its spelling (see the profile format)") for key in unknown])
    writer = _Writer(profile)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            writer.build()
        except (TypeError, ValueError, AttributeError) as exc:
            raise ProfileError([Issue(name, "", f"cannot write this profile as a workbook ({exc})",
                                      "validate the profile first (park-advisor validate)")]) from None
    if writer.problems:
        raise ProfileError([Issue(name, p.split(":")[0], p, "validate the profile first (park-advisor validate)")
                            for p in writer.problems])
    try:
        writer.wb.save(path)
    except OSError as exc:
        raise ProfileError([Issue(name, "", f"cannot write the workbook ({exc.strerror})",
                                  "check the folder exists and the file is not open in Excel")]) from None


def write_template(path: Path | str) -> None:
    """The blank template: every fact and column, with notes, and no values (schema_version 1)."""
    write_workbook({}, path)
