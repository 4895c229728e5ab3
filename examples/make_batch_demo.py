"""Write examples/batch-demo.csv: the example parks as batch rows, plus one deliberately bad row.

    python examples/make_batch_demo.py

The bad row shows what a batch reports for a broken park (an industry share written as a
percentage, a yes/no cell that is neither) while the other parks are screened as usual.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from advisor.profile.table_rows import profile_to_row  # noqa: E402

BAD_ROW = {"park.id": "demo-bad-row", "park.name": "填错的园区（演示错误行）", "park.base_year": "2022",
           "park.industries": "C26:55", "management.synergy_plan": "maybe"}


def main() -> int:
    parks = [p for p in sorted(HERE.glob("demo-*.yaml")) if not re.search(r"-\d{4}$", p.stem)]   # not later cycles
    rows = [profile_to_row(yaml.safe_load(p.read_text(encoding="utf-8"))) for p in parks]
    rows.append(BAD_ROW)
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    out = HERE / "batch-demo.csv"
    with open(out, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(columns))
        writer.writeheader()
        writer.writerows(rows)
    print(f"{out.name}: {len(rows)} rows, {len(columns)} columns")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
