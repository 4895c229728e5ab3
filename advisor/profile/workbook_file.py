"""Check a workbook file before it is opened: size, format, encryption and zip-bomb limits.

Every refusal is a ProfileError naming the file and a fix – never a traceback from the zip or xlsx reader.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from advisor.errors import Issue, ProfileError
from advisor.kb.safe_load import read_bytes
from advisor.profile.workbook_layout import MAX_UNCOMPRESSED_BYTES, MAX_WORKBOOK_BYTES


def check_file(path: Path, max_bytes: int = MAX_WORKBOOK_BYTES) -> io.BytesIO:
    """The workbook's bytes (read once, from a regular file, at most `max_bytes`), or a refusal of a file that is
    missing, not a regular file, too large, encrypted, not an .xlsx or that expands too far."""
    name = str(path)

    def fail(problem: str, fix: str) -> ProfileError:
        return ProfileError([Issue(name, "", problem, fix)])

    raw = read_bytes(path, ProfileError, max_bytes, "a park profile workbook is well under 1 MB")
    magic = raw[:8]
    if magic.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise fail("is a password-protected workbook or an old-format .xls file",
                   "remove the password and save it as an Excel workbook (.xlsx)")
    data = io.BytesIO(raw)
    if not zipfile.is_zipfile(data):
        raise fail("is not an .xlsx workbook (not a zip archive)",
                   "save it from Excel as 'Excel Workbook (*.xlsx)'; YAML or JSON profiles need a .yaml/.json name")
    try:
        with zipfile.ZipFile(data) as zf:
            members = zf.infolist()
            names = {m.filename for m in members}
            if any(m.flag_bits & 0x1 for m in members):
                raise fail("the workbook is encrypted", "remove the password and save it again as .xlsx")
            if sum(m.file_size for m in members) > MAX_UNCOMPRESSED_BYTES:
                raise fail(f"the workbook expands to more than {MAX_UNCOMPRESSED_BYTES / 1e6:.0f} MB",
                           "a park profile workbook is small: check that this is the right file")
    except zipfile.BadZipFile as exc:
        raise fail(f"the workbook is damaged ({exc})", "open it in Excel and save it again as .xlsx") from None
    if "xl/workbook.xml" not in names:
        raise fail("is a zip archive but not an Excel workbook (no xl/workbook.xml)",
                   "save it from Excel as 'Excel Workbook (*.xlsx)'")
    data.seek(0)
    return data
