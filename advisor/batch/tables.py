"""Reading the batch input: a CSV or XLSX table, one park per row, streamed.

CSV files are read as bytes and decoded with the file's one encoding: UTF-8 (with or without BOM) or GB18030 as
saved by Chinese Excel, told apart by the lines of the first stretch that holds non-ASCII bytes. Bytes that are
not valid in that encoding never stop the table: they are kept as escapes while the row is split into cells,
and the cells holding them become problems of that row only (`Table.unreadable`), shown with U+FFFD in their
place. A row the csv module cannot split (a cell over the size limit) is a problem of that row too.

XLSX is read with openpyxl in read-only mode: the first sheet, the header in the first non-empty row. Row
numbers are spreadsheet row numbers (the header is row 1).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from advisor.errors import Issue, ProfileError, UsageError

INPUT_SUFFIXES = (".csv", ".xlsx")
SNIFF_BYTES = 1 << 16
csv.field_size_limit(16 * 1024 * 1024)

# an undecodable byte b becomes the lone surrogate U+DC00+b: lossless, and never valid text, so easy to find
_ESCAPE = "park-advisor-escape"
# how many times bytes were escaped in this process: while it stays put, no row read since holds an escape, and
# the rows need no search for one (a file of good text – nearly every file – is read without looking)
_escapes = [0]


def _escape_bytes(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    _escapes[0] += 1
    bad = exc.object[exc.start:exc.end]
    return "".join(chr(0xDC00 + b) for b in bad), exc.end


codecs.register_error(_ESCAPE, _escape_bytes)
_ESCAPED = re.compile("[\udc00-\udcff]")


@dataclass
class Table:
    header: list[Any]
    rows: Iterator[tuple[int, list[Any]]]      # (spreadsheet row number, cells)
    fraction: Callable[[], float | None]       # share of the input read so far, for the ETA
    close: Callable[[], None]
    encoding: str = ""                         # CSV: the encoding the file is read with
    # row number → (cell index, the cell's bytes) of the cells not valid in `encoding` (filled as rows are read;
    # the cells themselves hold their text with U+FFFD in place of the bad bytes)
    unreadable: dict[int, list[tuple[int, bytes]]] = field(default_factory=dict)
    broken: dict[int, str] = field(default_factory=dict)   # row number → why the csv module could not split it


def not_blank(cells) -> bool:
    return any(c is not None and (not isinstance(c, str) or c.strip()) for c in cells)


def sniff_encoding(path: Path) -> str:
    """utf-8-sig, utf-8 or gb18030: the encoding of most lines of the first stretch holding non-ASCII bytes."""
    with open(path, "rb") as f:
        sample = f.read(SNIFF_BYTES)
        if sample.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        while sample.isascii():         # pure ASCII reads the same in both: look further on
            sample = f.read(SNIFF_BYTES)
            if not sample:
                return "utf-8"
        more = f.read(1)
    lines = sample.split(b"\n")
    if more:
        lines.pop()                     # may end inside a character
    utf8 = other = 0
    for line in lines:
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8 += 1
        except UnicodeDecodeError:
            other += 1
    return "utf-8" if utf8 >= other else "gb18030"


def _unescape(cell: str, encoding: str) -> tuple[str, bytes]:
    """The cell's text with U+FFFD for each run of bad bytes, and the cell's bytes as they were in the file."""
    encoding = "utf-8" if encoding == "utf-8-sig" else encoding      # a BOM only starts the file
    raw = b"".join(bytes([ord(c) - 0xDC00]) if "\udc00" <= c <= "\udcff" else c.encode(encoding) for c in cell)
    return re.sub("[\udc00-\udcff]+", "\ufffd", cell), raw


def open_csv(path: Path) -> Table:
    size = max(path.stat().st_size, 1)
    encoding = sniff_encoding(path)
    raw = open(path, "rb")  # noqa: SIM115 - read row by row after this returns; closed by the Table
    text = io.TextIOWrapper(raw, encoding=encoding, errors=_ESCAPE, newline="")
    escapes_before = _escapes[0]
    reader = csv.reader(text)
    header: list[Any] = []
    for cells in reader:
        if not_blank(cells):
            header = cells
            break
    bad_names = [Issue(f"{path} header", f"column {i + 1}",
                       f"'{_unescape(c, encoding)[0][:80]}' is not {_shown(encoding)} text like the rest of the file",
                       "save the table in one encoding throughout (UTF-8, or GB18030 as Chinese Excel does)")
                 for i, c in enumerate(header) if _ESCAPED.search(c)]
    if bad_names:
        text.close()
        raise ProfileError(bad_names)
    start = reader.line_num
    table = Table(header, iter(()), lambda: raw.tell() / size, text.close, encoding)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        number = start
        # the text is decoded a stretch ahead of the rows: once a byte was escaped, every later row is searched
        searching = False
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                number += 1
                table.broken[number] = str(exc)
                yield number, []
                continue
            number += 1
            if not searching and _escapes[0] != escapes_before:
                searching = True
            if searching and any(not cell.isascii() and _ESCAPED.search(cell) for cell in cells):
                bad = []
                for i, cell in enumerate(cells):
                    if _ESCAPED.search(cell):
                        cells[i], found = _unescape(cell, encoding)
                        bad.append((i, found))
                table.unreadable[number] = bad
            if not_blank(cells):
                yield number, cells

    table.rows = rows()
    return table


def open_xlsx(path: Path) -> Table:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise ProfileError([Issue(str(path), "", f"cannot read the workbook ({type(exc).__name__}: {exc})",
                                  "save it again as .xlsx from Excel or WPS")]) from None
    ws = wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    header: list[Any] = []
    number = 0
    for cells in it:
        number += 1
        if not_blank(cells):
            header = list(cells)
            break
    total = ws.max_row or 0
    state = {"at": number}

    def rows():
        n = number
        for cells in it:
            n += 1
            state["at"] = n
            if not_blank(cells):
                yield n, list(cells)

    return Table(header, rows(), lambda: (state["at"] / total) if total else None, wb.close)


def open_table(path: Path) -> Table:
    suffix = path.suffix.lower()
    if suffix not in INPUT_SUFFIXES:
        raise UsageError([Issue("batch", str(path), f"unknown input type '{suffix or '(none)'}'",
                                "give a .csv or .xlsx table, one park per row")])
    if not path.is_file():
        raise ProfileError([Issue(str(path), "", "file not found", "check the path")])
    return open_csv(path) if suffix == ".csv" else open_xlsx(path)


def _shown(encoding: str) -> str:
    return "UTF-8" if encoding.startswith("utf-8") else encoding.upper()


def row_problems(table: Table, number: int, columns: list[str | None], label: str) -> list[Issue]:
    """The problems of reading row `number` itself (bad bytes, a row the csv module could not split), each
    located by row and column; taken out of the table as they are asked for."""
    if not table.broken and not table.unreadable:
        return []
    file = f"{label} row {number}"
    broken = table.broken.pop(number, None)
    if broken is not None:
        return [Issue(file, "", f"the row cannot be read ({broken})",
                      "check the row's quotes; a cell holds at most 16 MB")]
    issues = []
    for i, found in table.unreadable.pop(number, ()):
        column = columns[i] if i < len(columns) else None
        if column is None:
            continue                    # an ignored column (a note) or a cell past the header
        other = "gb18030" if table.encoding.startswith("utf-8") else "utf-8"
        try:
            hint = f"; read as {_shown(other)} it says '{found.decode(other)[:80]}'"
        except UnicodeDecodeError:
            hint = ""
        issues.append(Issue(file, column, f"the cell is not {_shown(table.encoding)} text like the rest of the "
                                          f"file{hint}",
                            "save the table in one encoding throughout (UTF-8, or GB18030 as Chinese Excel does) "
                            "and run it again"))
    return issues
