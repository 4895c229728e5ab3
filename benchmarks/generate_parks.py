"""Synthetic but plausible parks for batch benchmarks, as a batch table (CSV or XLSX).

Each park starts from one of the bundled example parks (chemical, electroplating, manufacturing,
textile) and is varied deterministically from the seed: size (energy, emissions and economy scale
together), energy mix (coal against gas and purchased power), industry shares, growth and
emission trends over the history years (so every decoupling state occurs), yes/no facts
(true, false or unknown), coverage shares, and sections left out (unknown). Nothing here is real.

    python benchmarks/generate_parks.py -n 2200 -o parks.csv [--seed 7]
"""

from __future__ import annotations

import argparse
import copy
import csv
import random
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from advisor.profile.fields import field_at  # noqa: E402
from advisor.profile.table_rows import profile_to_row  # noqa: E402

EXAMPLES = sorted((ROOT / "examples").glob("demo-*.yaml"))
BOOL_SECTIONS = ("management", "infrastructure", "water", "enterprises_summary", "third_party", "surroundings")
SHARE_KEYS = ("clean_production_audit_coverage", "three_level_metering_coverage", "online_monitoring_coverage",
              "energy_management_coverage", "waste_heat_recovery_rate", "solid_waste_utilization_rate",
              "export_share", "sme_share", "road_freight_share", "reuse_rate", "vacant_land_share")
EXTRA_FLAGS = ("management.synergy_plan", "management.appraisal_includes_synergy", "management.synergy_in_regulations",
               "management.disclosure", "infrastructure.utility_corridor", "infrastructure.digital_infrastructure",
               "infrastructure.energy_storage", "infrastructure.microgrid", "surroundings.cross_park_cooperation",
               "surroundings.rail_or_water_access", "third_party.shared_service_platform")
PLAN_SCOPES = ("integrated", "carbon_only", "pollution_only")
PLATFORMS = ("none", "basic", "carbon_and_pollution")



def _kind_of(section: str, key: str) -> str | None:
    field = field_at([section, key])
    return field.kind if field is not None else None

def templates() -> list[dict]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in EXAMPLES]


def _scale_numbers(node, factor: float, keys=("amount",)):
    for item in node or []:
        for k in keys:
            if isinstance(item.get(k), (int, float)):
                item[k] = round(item[k] * factor, 3)


def _series(base_value: float, years: list[int], base_year: int, growth: float, rng: random.Random) -> dict:
    out = {}
    for y in years:
        noise = 1 + rng.uniform(-0.015, 0.015)
        out[y] = round(base_value * (1 + growth) ** (y - base_year) * noise, 3)
    return out


def make_park(i: int, template: dict, rng: random.Random) -> dict:
    p = copy.deepcopy(template)
    park = p["park"]
    park["id"] = f"syn-{i:06d}"
    park["name"] = f"合成园区{i:06d}"
    park.pop("name_en", None)
    size = rng.lognormvariate(0, 0.8)
    coal = rng.choice((0.0, 0.3, 0.7, 1.0, 1.0, 1.5))

    # industries: same divisions, new shares that add up to at most 0.95
    weights = [rng.uniform(0.2, 1.0) for _ in park["industries"]]
    total = sum(weights) / rng.uniform(0.7, 0.95)
    for ind, w in zip(park["industries"], weights, strict=True):
        ind["share"] = round(w / total, 3)
    park["enterprise_count"] = max(5, int(park.get("enterprise_count", 50) * size))
    for key in ("water_scarce", "key_air_region"):
        park[key] = rng.choice((True, False, False, None))

    # energy: scale with size; the coal multiplier shifts the mix
    for e in p.get("energy") or []:
        mult = size * (coal if e["carrier"] in ("raw_coal", "coke", "cleaned_coal") else rng.uniform(0.7, 1.3))
        e["amount"] = round(e["amount"] * mult, 3)
    _scale_numbers(p.get("exports"), size)
    for proc in p.get("processes") or []:
        for sub, v in list((proc.get("emissions") or {}).items()):
            proc["emissions"][sub] = round(v * size * rng.uniform(0.6, 1.4), 3)
        for sub, v in list((proc.get("removed_t") or {}).items()):
            proc["removed_t"][sub] = round(v * size, 3)
    p.pop("materials", None) if rng.random() < 0.5 else None

    # history: growth of the economy and a trend per substance
    base_year = park["base_year"]
    econ = p.get("economy")
    if econ and rng.random() < 0.9:
        years = sorted(int(y) for y in econ["values"])
        growth = rng.choice((-0.03, 0.0, 0.04, 0.07, 0.10))
        econ["values"] = _series(econ["values"][base_year] * size, years, base_year, growth, rng)
        econ["constant_prices"] = rng.choice((True, True, False, None))
        econ.pop("by_industry", None) if rng.random() < 0.7 else None
        hist = p.get("emissions_history") or {}
        for sub in [k for k in hist if k not in ("unit", "by_industry")]:
            ys = sorted(int(y) for y in hist[sub])
            trend = rng.choice((-0.10, -0.05, -0.01, 0.02, 0.05, 0.08))
            hist[sub] = _series(hist[sub][max(ys)] * size, ys, max(ys), trend, rng)
        hist.pop("by_industry", None)
    else:
        p.pop("economy", None)
        p.pop("emissions_history", None)

    # yes/no facts: true / false / unknown
    for section in BOOL_SECTIONS:
        block = p.get(section) or {}
        for key, value in list(block.items()):
            if isinstance(value, bool) or (value is None and _kind_of(section, key) == "bool"):
                block[key] = rng.choice((True, False, False, None))
            elif key in SHARE_KEYS and isinstance(value, (int, float)):
                block[key] = None if rng.random() < 0.15 else round(rng.uniform(0.05, 0.95), 2)
    for path in EXTRA_FLAGS:
        section, key = path.split(".")
        p.setdefault(section, {})[key] = rng.choice((True, False, False, None))
    m = p["management"]
    if m.get("synergy_plan"):
        m["plan_scope"] = rng.choice(PLAN_SCOPES)
        m["plan_year"] = rng.choice((2021, 2022, 2023))
    else:
        m["plan_scope"] = m["plan_year"] = None
    m["smart_platform"] = rng.choice(PLATFORMS + (None,))
    if "vacant_land_share" in park:
        park["vacant_land_share"] = round(rng.uniform(0, 0.4), 2)
    return p


def header(tmpls: list[dict]) -> list[str]:
    cols: dict[str, None] = {}
    rng = random.Random(0)
    for t in tmpls:
        for k in profile_to_row(t):
            cols[k] = None
        for k in profile_to_row(make_park(0, t, rng)):
            cols[k] = None
    for path in EXTRA_FLAGS + ("management.plan_scope", "management.plan_year", "management.smart_platform",
                               "park.water_scarce", "park.key_air_region", "economy.constant_prices"):
        cols[path] = None
    return list(cols)


def rows(n: int, seed: int = 7):
    tmpls = templates()
    rng = random.Random(seed)
    for i in range(1, n + 1):
        yield profile_to_row(make_park(i, tmpls[(i - 1) % len(tmpls)], rng))


def write(n: int, out: Path, seed: int = 7) -> Path:
    cols = header(templates())
    if out.suffix.lower() == ".xlsx":
        import openpyxl

        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet("parks")
        ws.append(cols)
        for row in rows(n, seed):
            ws.append([row.get(c) for c in cols])
        wb.save(out)
        return out
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols, extrasaction="raise")
        w.writeheader()
        for row in rows(n, seed):
            w.writerow(row)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=2200, help="number of parks (default 2200)")
    ap.add_argument("-o", "--output", required=True, help=".csv or .xlsx")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args(argv)
    write(a.n, Path(a.output), a.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
