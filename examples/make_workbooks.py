"""Regenerate the shipped workbooks from the YAML examples.

    python examples/make_workbooks.py

writes, next to this script:
  template.xlsx        the blank park-profile template (every fact and column, notes in Chinese and English)
  demo-chemical.xlsx   demo-chemical.yaml written with advisor.profile.workbook.write_workbook

The files are made byte-reproducible (fixed zip and document timestamps), so regenerating them without a
change in the YAML, in advisor/profile/workbook_*.py or in knowledge/profile_fields.yaml leaves git clean.
"""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path

from advisor.errors import AdvisorError, ProfileError
from advisor.kb.safe_load import load_data_file
from advisor.profile.workbook import write_template, write_workbook

HERE = Path(__file__).resolve().parent
FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)
FIXED_DOC_TIME = "2024-01-01T00:00:00Z"


def make_reproducible(path: Path) -> None:
    """Rewrite the archive with fixed timestamps so that equal content gives equal bytes."""
    with zipfile.ZipFile(path) as zf:
        members = [(info.filename, zf.read(info.filename)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            if name == "docProps/core.xml":
                text = data.decode("utf-8")
                stamp = r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)"
                text = re.sub(stamp, rf"\g<1>{FIXED_DOC_TIME}\g<3>", text)
                data = text.encode("utf-8")
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)


def main() -> int:
    try:
        template = HERE / "template.xlsx"
        write_template(template)
        make_reproducible(template)
        demo = HERE / "demo-chemical.xlsx"
        write_workbook(load_data_file(HERE / "demo-chemical.yaml", ProfileError), demo)
        make_reproducible(demo)
    except AdvisorError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"wrote {template.name} and {demo.name} in {HERE.name}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
