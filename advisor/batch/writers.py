"""The batch table's columns and its three writers: CSV (UTF-8 with BOM), JSONL and XLSX (with a CSV sidecar
while it is written). A writer writes rows as they come; the batch flushes it when a chunk's rows have arrived
(docs/outputs.md).

Cells bound for a spreadsheet (CSV and XLSX) are made safe here, the one place that writes them:
- text starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'` (OWASP's rule against
  formula injection), so that a park named `=HYPERLINK(…)` is shown as text and never run; numbers stay numbers;
- control characters that XML forbids (and a workbook cannot hold) are shown as their Unicode control pictures
  (ESC as `␛`), bytes that were not text as U+FFFD, and text beyond a workbook cell's 32,767 characters is cut
  with a closing `…`.
JSONL keeps the values as they are (JSON escapes what needs it).
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
from pathlib import Path
from typing import Any

from advisor.errors import Issue, UsageError

# the first seven columns are promised in docs/outputs.md; columns are only ever added after them
OUTPUT_COLUMNS = ["park.id", "status", "error", "synergy", "carbon_state", "pollutant_state", "recommended",
                  "to_confirm", "n_recommended", "n_to_confirm", "n_high_priority", "n_unknowns", "park_type",
                  "park.name", "row", "expected_t_co2e", "measures_done"]
OUTPUT_SUFFIXES = (".csv", ".xlsx", ".jsonl")


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_XLSX_CELL = 32_767
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")    # not allowed in XML, or not characters
_SURROGATE = re.compile("[\ud800-\udfff]")
_FORMULA_AT = re.compile("(?:^|\n)[=+\\-@\t\r]")      # a FORMULA_START at the start of a cell of a joined row


def _visible(match: re.Match) -> str:
    char = match.group()
    return "\ufffd" if char >= "\ud800" else chr(0x2400 + ord(char))


def sheet_cell(value: Any) -> Any:
    """A cell as a spreadsheet may hold it: formulas neutralised, control characters shown (see above)."""
    if type(value) is not str or not value:
        return value
    if _NOT_TEXT.search(value):
        value = _NOT_TEXT.sub(_visible, value)
    if value.startswith(FORMULA_START):
        value = "'" + value
    return value


def sheet_row(row: list) -> list:
    # the usual row has no control character and no text that could start a formula: two searches for the whole
    # row (a line break inside a cell may look like a cell's start: then each cell is looked at, as always)
    texts = "\n".join([v for v in row if type(v) is str and v])
    if not _NOT_TEXT.search(texts) and not _FORMULA_AT.search(texts):
        return row
    return [sheet_cell(v) for v in row]


# --- writing ------------------------------------------------------------------------------

class CsvWriter:
    def __init__(self, path: Path):
        self.path = path
        self.file = open(path, "w", encoding="utf-8-sig", newline="")  # noqa: SIM115 - open until close()
        self.writer = csv.writer(self.file)
        self.writer.writerow(OUTPUT_COLUMNS)
        self.file.flush()

    def write(self, row: list) -> None:
        self.writer.writerow(sheet_row(row))

    def flush(self) -> None:
        self.file.flush()

    def close(self) -> None:
        self.file.close()

    abort = close       # every row written is already in the file


class JsonlWriter:
    def __init__(self, path: Path):
        self.path = path
        self.file = open(path, "w", encoding="utf-8")  # noqa: SIM115 - open until close()

    def write(self, row: list) -> None:
        line = json.dumps(dict(zip(OUTPUT_COLUMNS, row, strict=True)), ensure_ascii=False)
        if _SURROGATE.search(line):         # not characters: UTF-8 cannot hold them
            line = _SURROGATE.sub("\ufffd", line)
        self.file.write(line + "\n")

    def flush(self) -> None:
        self.file.flush()

    def close(self) -> None:
        self.file.close()

    abort = close


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.stem + ".partial.csv")


class XlsxWriter:
    """Rows stream into a write-only workbook and, flushed, into a CSV sidecar; saved at close.

    The workbook appears only whole: it is saved under a temporary name and renamed, and only then is the
    sidecar removed. A workbook left from an earlier run is removed at the start, so that a batch that stops
    early (`abort`) leaves the sidecar with its rows and no workbook that could pass for the result.
    """

    def __init__(self, path: Path):
        import openpyxl

        self.path = path
        self.sidecar = CsvWriter(sidecar_path(path))
        path.unlink(missing_ok=True)
        self.wb = openpyxl.Workbook(write_only=True)
        self.ws = self.wb.create_sheet("batch")
        self.ws.append(OUTPUT_COLUMNS)

    def write(self, row: list) -> None:
        row = list(sheet_row(row))     # a copy: the caller's row stays as it was
        for i, value in enumerate(row):
            if type(value) is str and len(value) > MAX_XLSX_CELL:
                row[i] = value[:MAX_XLSX_CELL - 1] + "…"
        self.sidecar.write(row)
        self.ws.append(row)

    def flush(self) -> None:
        self.sidecar.flush()

    def close(self) -> None:
        self.sidecar.close()
        saving = self.path.with_name(self.path.stem + ".saving.xlsx")
        try:
            self.wb.save(saving)
            os.replace(saving, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                saving.unlink()
            raise
        self.sidecar.path.unlink(missing_ok=True)

    def abort(self) -> None:
        """Stopped by a fault: keep the sidecar (every row done), save no workbook."""
        self.sidecar.close()
        with contextlib.suppress(Exception):   # end the sheet's stream and remove its temporary file
            self.ws.close()
            self.ws._writer.cleanup()


def open_writer(path: Path):
    suffix = path.suffix.lower()
    if suffix not in OUTPUT_SUFFIXES:
        raise UsageError([Issue("batch", f"-o {path}", f"unknown output type '{suffix or '(none)'}'",
                                "name the output .csv, .xlsx or .jsonl")])
    try:
        return {".csv": CsvWriter, ".jsonl": JsonlWriter, ".xlsx": XlsxWriter}[suffix](path)
    except OSError as exc:
        raise UsageError([Issue("batch", f"-o {path}", f"cannot write ({exc.strerror})",
                                "check the folder exists and is writable")]) from None
