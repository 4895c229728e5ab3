"""The park profile (format 1, docs/profile-format.md) as an Excel workbook (.xlsx) a park manager can fill in.

`read_workbook(path)` gives the same dict tree a YAML profile gives; `write_workbook(profile, path)` writes
one (an empty profile gives the blank template). Both round-trip: for every valid profile,
``Profile.model_validate(read_workbook(p)).model_dump() == Profile.model_validate(profile).model_dump()``
once ``write_workbook(profile, p)`` has run. The layout is derived from the pydantic model in
advisor/profile/model.py (through advisor.profile.fields), so a field added there gets its row or column here
without further work (tests/test_workbook.py checks that every field has a place).

Layout
------
README
    how to fill the workbook (Chinese and English); ignored when reading (also `说明`, `instructions`).

Fact sheets – columns ``path | value | 说明 | note``; one row per scalar fact, the path is the dotted profile path:
    ``park``                schema_version, park.* (boundary.* included), economy.indicator/unit/constant_prices,
                            emissions_history.unit, characteristic_pollutants, accounting.*
    ``management``          management.*
    ``infrastructure``      infrastructure.* (central_wastewater_plant.*, hazardous_waste.* …) and water.*
    ``enterprises_summary`` enterprises_summary.*
    ``third_party``         third_party.*
    ``surroundings``        surroundings.*
    Any fact path is accepted on any fact sheet; a path given twice is an error.

Table sheets – row 1 holds the column names (dotted paths inside one list item), one item per row:
    ``industries`` (park.industries), ``boundary_changes`` (park.boundary_changes), ``energy``, ``exports``,
    ``processes``, ``enterprises``, ``programmes`` (management.programmes), ``boilers``
    (enterprises_summary.boilers), ``materials``.
    Nested fields are dotted (``factor.value``). Per-substance amounts are one column each:
    ``emissions.SO2``, ``emissions.CO2``, ``removed_t.NOx`` … – add a column for any other substance.

``history`` sheet – columns ``series | industry | 2018 | 2019 | …`` (one column per year):
    series ``economy`` fills economy.values (economy.by_industry when `industry` holds a division code);
    any other series is a substance (CO2e, SO2, NOx …) and fills emissions_history (by_industry likewise).

Cell conventions (the shared vocabulary of advisor.profile.cells, also used by batch tables and the questionnaire)
    * empty cell → the key is absent = **unknown** (never "no"); so are ``unknown``, ``未知``, ``不详``, ``?``;
    * yes/no: TRUE/FALSE (Excel booleans), 是/否, 有/无, 对/不对, yes/no, y/n, 1/0;
    * numbers: numeric cells, or text such as ``5.21e6``, ``1,200`` or ``35%`` (= 0.35);
    * lists of names (byproduct_streams, services, controls, characteristic_pollutants …): comma-separated
      text (``,``, ``，``, ``;``, ``、``); ``none`` (or ``无``) means known to be none (an empty list);
    * a table whose only row is ``none`` (or ``无``) in its first column is known to be empty; a table
      with no rows is unknown;
    * a row whose first cell starts with ``#`` is a comment (the written notes rows are such rows).

Safety: files above MAX_WORKBOOK_BYTES, archives that expand beyond MAX_UNCOMPRESSED_BYTES, more than
MAX_ROWS rows or MAX_COLUMNS columns in a sheet are refused; workbooks are opened with read_only=True,
data_only=True (formulas give their cached values). Every problem is raised as a ProfileError whose
issues name the file, the ``sheet!cell`` and a fix – never a traceback.
"""

from advisor.profile.workbook_file import check_file
from advisor.profile.workbook_layout import (
    FACT_SHEETS,
    FACTS,
    HISTORY_SHEET,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_UNCOMPRESSED_BYTES,
    MAX_WORKBOOK_BYTES,
    TABLE_SHEETS,
    TABLES,
    unplaced_fields,
)
from advisor.profile.workbook_read import cell_of, convert, read_workbook, read_workbook_with_cells
from advisor.profile.workbook_write import write_template, write_workbook

__all__ = [
    "FACTS", "FACT_SHEETS", "HISTORY_SHEET", "MAX_COLUMNS", "MAX_ROWS", "MAX_UNCOMPRESSED_BYTES", "MAX_WORKBOOK_BYTES",
    "TABLES", "TABLE_SHEETS", "cell_of", "check_file", "convert", "read_workbook", "read_workbook_with_cells",
    "unplaced_fields", "write_template", "write_workbook",
]
