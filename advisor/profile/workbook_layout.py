"""The sheet plan of the profile workbook: which sheet holds which field, derived from the profile model.

Fact sheets hold one scalar field per row, table sheets one list item per row, the history sheet the
yearly series. Every field of the model must have a place (`unplaced_fields()` lists those that do not;
a test keeps it empty), so a field added to the model appears in the workbook without further work.
"""

from __future__ import annotations

import re

from advisor.profile.fields import Field, field_at, model_at, walk

MAX_WORKBOOK_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ROWS = 5_000
MAX_COLUMNS = 200
MAX_ISSUES = 200

README_SHEETS = {"readme", "说明", "instructions", "填表说明"}
PATH_FIX = "use a path listed in the template (e.g. park.name, management.synergy_plan)"

# fact sheets and the top-level sections whose scalar facts they hold (first match wins; the rest → park)
FACT_SHEETS: dict[str, tuple[str, ...]] = {
    "park": ("schema_version", "park", "economy", "emissions_history", "characteristic_pollutants", "accounting"),
    "management": ("management",),
    "infrastructure": ("infrastructure", "water"),
    "enterprises_summary": ("enterprises_summary",),
    "third_party": ("third_party",),
    "surroundings": ("surroundings",),
}
# table sheets and the list they hold
TABLE_SHEETS: dict[str, str] = {
    "industries": "park.industries",
    "boundary_changes": "park.boundary_changes",
    "energy": "energy",
    "exports": "exports",
    "processes": "processes",
    "enterprises": "enterprises",
    "materials": "materials",
    "programmes": "management.programmes",
    "boilers": "enterprises_summary.boilers",
    "measures_status": "measures_status",
    "targets": "targets",
}
# mappings keyed by a measure id the workbook does not hold: they are set in YAML/JSON profiles or with --set
NOT_IN_WORKBOOK = {"assumptions.measures"}
HISTORY_SHEET = "history"
# dict-valued profile fields that the history sheet holds
HISTORY_PATHS = {"economy.values", "economy.by_industry", "emissions_history.series", "emissions_history.by_industry"}
SHEET_ORDER = ["park", HISTORY_SHEET, "industries", "boundary_changes", "energy", "exports", "processes",
               "enterprises", "materials", "management", "programmes", "infrastructure", "enterprises_summary",
               "boilers", "third_party", "surroundings", "measures_status", "targets"]

# substance columns always offered on the processes sheet (more appear when a profile uses them)
DEFAULT_FAMILY_KEYS = {
    "emissions": ["CO2", "CH4", "N2O", "SO2", "NOx", "PM", "VOCs", "COD", "NH3-N"],
    "removed_t": ["SO2", "NOx", "VOCs"],
}
TEMPLATE_HISTORY_SERIES = ["economy", "CO2e", "SO2", "NOx", "VOCs", "PM", "COD", "NH3-N"]
TEMPLATE_YEARS = [2018, 2019, 2020, 2021, 2022, 2023]

FACT_HEADERS = {"path": "path", "路径": "path", "value": "value", "值": "value", "数值": "value",
                "note": "note", "说明": "note", "备注": "note", "note_en": "note"}
HISTORY_HEADERS = {"series": "series", "substance": "series", "项目": "series", "industry": "industry",
                   "行业": "industry"}
YEAR_HEADER = re.compile(r"^\s*(\d{4})\s*(年)?\s*$")


def _has_a_cell(field: Field, families: bool) -> bool:
    """Whether a field fits one cell (or, with `families`, one column per key of a dict of numbers)."""
    if field.kind == "list":
        return field.item_model is None
    if field.kind == "dict":
        return families and field.item is not None and field.item.kind == "number"
    return field.kind in ("bool", "number", "int", "text", "choice")


def _fact_fields() -> tuple[dict[str, Field], list[str]]:
    skip = set(TABLE_SHEETS.values()) | HISTORY_PATHS | NOT_IN_WORKBOOK
    fields = [f for f in walk() if f.path not in skip]
    return {f.path: f for f in fields if _has_a_cell(f, families=False)}, [
        f.path for f in fields if not _has_a_cell(f, families=False)]


def _table_fields() -> tuple[dict[str, dict[str, Field]], list[str]]:
    tables: dict[str, dict[str, Field]] = {}
    unplaced: list[str] = []
    for sheet, path in TABLE_SHEETS.items():
        item = model_at(path)
        fields = list(walk(item)) if item is not None else []
        tables[sheet] = {f.path: f for f in fields if _has_a_cell(f, families=True)}
        unplaced += [f"{path}[].{f.path}" for f in fields if not _has_a_cell(f, families=True)]
    return tables, unplaced


FACTS, _UNPLACED_FACTS = _fact_fields()
TABLES, _UNPLACED_COLUMNS = _table_fields()


def _history_value() -> Field:
    """One yearly value of the history sheet (economy.values and the emission series are alike)."""
    field = field_at(["economy", "values", "2020"])
    if field is None or field.kind != "number":
        raise RuntimeError("economy.values is expected to map years to numbers")
    return field


HISTORY_VALUE = _history_value()


def col_letter(index: int) -> str:
    """The column letters of a 1-based column number (1 → A, 27 → AA)."""
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def unplaced_fields() -> list[str]:
    """Profile fields that have no row, column or history entry in the workbook (should be none)."""
    return _UNPLACED_FACTS + _UNPLACED_COLUMNS


def fact_sheet_of(path: str) -> str:
    top = path.split(".")[0]
    for sheet, sections in FACT_SHEETS.items():
        if top in sections:
            return sheet
    return "park"
