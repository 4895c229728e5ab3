"""The batch table's columns and its three writers: CSV (UTF-8 with BOM), JSONL and XLSX (with a CSV sidecar
while it is written); every row is flushed as it comes (docs/outputs.md)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from advisor.errors import Issue, UsageError

# the first seven columns are promised in docs/outputs.md; columns are only ever added after them
OUTPUT_COLUMNS = ["park.id", "status", "error", "synergy", "carbon_state", "pollutant_state", "recommended",
                  "to_confirm", "n_recommended", "n_to_confirm", "n_high_priority", "n_unknowns", "park_type",
                  "park.name", "row"]
OUTPUT_SUFFIXES = (".csv", ".xlsx", ".jsonl")


# --- writing ------------------------------------------------------------------------------

class CsvWriter:
    def __init__(self, path: Path):
        self.path = path
        self.file = open(path, "w", encoding="utf-8-sig", newline="")  # noqa: SIM115 - open until close()
        self.writer = csv.writer(self.file)
        self.writer.writerow(OUTPUT_COLUMNS)
        self.file.flush()

    def write(self, row: list) -> None:
        self.writer.writerow(row)
        self.file.flush()

    def close(self) -> None:
        self.file.close()


class JsonlWriter:
    def __init__(self, path: Path):
        self.path = path
        self.file = open(path, "w", encoding="utf-8")  # noqa: SIM115 - open until close()

    def write(self, row: list) -> None:
        self.file.write(json.dumps(dict(zip(OUTPUT_COLUMNS, row, strict=True)), ensure_ascii=False) + "\n")
        self.file.flush()

    def close(self) -> None:
        self.file.close()


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.stem + ".partial.csv")


class XlsxWriter:
    """Rows stream into a write-only workbook and, flushed, into a CSV sidecar; saved at close."""

    def __init__(self, path: Path):
        import openpyxl

        self.path = path
        self.wb = openpyxl.Workbook(write_only=True)
        self.ws = self.wb.create_sheet("batch")
        self.ws.append(OUTPUT_COLUMNS)
        self.sidecar = CsvWriter(sidecar_path(path))

    def write(self, row: list) -> None:
        self.ws.append(row)
        self.sidecar.write(row)

    def close(self) -> None:
        self.sidecar.close()
        self.wb.save(self.path)
        self.sidecar.path.unlink(missing_ok=True)


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
