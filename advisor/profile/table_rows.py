"""One batch-table row ⇄ one park profile (CONTRACT §5).

A batch table has one row per park. Each column is a dotted path of the profile (CONTRACT §2):
`park.id`, `management.synergy_plan`, `infrastructure.central_wastewater_plant.present`,
`economy.values.2018`, `emissions_history.CO2e.2022`, `economy.by_industry.C26.2018`,
`emissions_history.by_industry.C26.VOCs.2022` … Columns whose name starts with `#` or `_` are
comments and ignored.

Cells
-----
- empty cell = unknown: the key is left out of the profile (never read as "no" or 0);
- yes/no: `true` `false` `yes` `no` `y` `n` `1` `0` `是` `否` (any case; Excel TRUE/FALSE too);
- numbers: `5.21e6`, `5210000`, `5,210,000`;
- a list cell holding `[]` means "known to be none" (e.g. `infrastructure.energy_env_links`);
- any list cell may instead hold the list as JSON (`[{"code": "C26", "share": 0.55}]`), the
  escape hatch for text containing the separators below.

Compact list forms (items separated by `;`, spaces around separators are ignored)
------------------------------------------------------------------------------------
| column | item | example |
|---|---|---|
| `park.industries` | `code:share` | `C26:0.55;C29:0.12` |
| `park.boundary_changes` | `year[:note]` | `2020:托管南区并入` |
| `energy` | `carrier:amount unit[:tag]…` | `raw_coal:1.62e6 t:fuel;natural_gas:8.5e7 Nm3;electricity:2.9e6 MWh:grid` |
| `exports` | `carrier:amount unit` | `electricity:4.0e5 MWh;steam:3.0e5 GJ` |
| `processes` | `id\\|category\\|owner\\|emissions[\\|name[\\|controls[\\|removed]]]` | `chp-1\\|fuel_combustion\\|infrastructure\\|CO2=3.1e6,SO2=410` |
| `enterprises` | `id\\|name\\|industry\\|output_share\\|key_energy_user` | `e-fine\\|某精细化工公司\\|C26\\|0.08\\|true` |
| `materials` | `enterprise\\|kind\\|material\\|amount unit\\|receiver\\|hazardous` | `e-chlor\\|byproduct\\|粉煤灰\\|2.1e4 t\\|e-build\\|false` |
| `management.programmes` | `kind[:year]` | `circular_transformation:2021;green_park` |
| `enterprises_summary.boilers` | `fuel:t_h[:count]` | `coal:35:3;natural_gas:10:5` |
| `characteristic_pollutants`, `infrastructure.energy_env_links`, `enterprises_summary.byproduct_streams`, `third_party.services` | `word` | `spent_acid;steam;fly_ash` |

Energy tags (after `amount unit`, each separated by `:`, any order): `fuel` or `feedstock` (use);
`grid`, `onsite_renewable`, `onsite_fossil`, `green_purchase`, `purchased` (origin); `metered`,
`reported`, `statistics`, `proxy` (data tier); `process=ID`; `owner=ID`; and a measured factor
`factor=VALUE UNIT@SOURCE[@YEAR]` (e.g. `factor=1.85 t CO2/t@2022 fuel assay@2022`).

Processes: `emissions` and `removed` are `substance=t,substance=t` (t/yr); `controls` is
`a,b` (`[]` = none); a field left empty between `|` is absent. Enterprises and materials: a
field left empty is absent (unknown).

Every problem in a row is reported with its column, the cell value and a fix; the caller
(`advisor.batch.run`) then validates the assembled profile like any profile file.
"""

from __future__ import annotations

import json
import math
import re
import types
import typing
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, Literal

from pydantic import BaseModel

from advisor.errors import Issue, did_you_mean
from advisor.profile.model import EmissionsHistory, Profile

ITEM_SEP = ";"
TRUE_WORDS = {"true", "yes", "y", "1", "是", "t"}
FALSE_WORDS = {"false", "no", "n", "0", "否", "f"}
BOOL_FIX = "write true or false (also yes/no, 是/否, 1/0), or leave the cell empty when unknown"
NUMBER_FIX = "write a plain number such as 5.21e6 or 5210000, or leave the cell empty when unknown"

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_AMOUNT = re.compile(r"^\s*([+-]?(?:\d[\d,_]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*(.*?)\s*$")

ENERGY_USES = ("fuel", "feedstock")
ENERGY_ORIGINS = ("grid", "onsite_renewable", "onsite_fossil", "green_purchase", "purchased")
ENERGY_TIERS = ("metered", "reported", "statistics", "proxy")


class CellError(ValueError):
    """A cell (or one item of a list cell) that cannot be read; carries the fix."""

    def __init__(self, problem: str, fix: str):
        super().__init__(problem)
        self.problem, self.fix = problem, fix


# --- scalar cells -------------------------------------------------------------------------

def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def to_number(value: Any, what: str = "") -> float | int:
    if type(value) is str:
        try:                                   # fast path: plain numbers such as 5.21e6
            number = float(value)
        except ValueError:
            text = value.strip().replace(",", "").replace("_", "")
            if not _NUMBER.match(text):
                raise CellError(f"'{value}' is not a number{what}", NUMBER_FIX) from None
            number = float(text)
        if number - number != 0.0:             # inf or nan
            raise CellError(f"'{value}' is not a finite number{what}", NUMBER_FIX)
        return number
    if isinstance(value, bool):
        raise CellError(f"'{value}' is a yes/no value, not a number", NUMBER_FIX)
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise CellError(f"'{value}' is not a finite number", NUMBER_FIX)
        return value
    return to_number(str(value), what)


def to_int(value: Any, what: str = "") -> int:
    number = to_number(value, what)
    if float(number).is_integer():
        return int(number)
    raise CellError(f"'{value}' is not a whole number{what}", "write a whole number such as 2022")


def to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(f"'{value}' is not a yes/no value", BOOL_FIX)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- compact list forms -------------------------------------------------------------------

def _items(text: str, sep: str = ITEM_SEP) -> list[str]:
    return list(filter(None, map(str.strip, text.split(sep))))   # the non-empty parts, stripped


def _quick_number(value: str) -> float | None:
    """to_number(value) for a plain finite number such as '5.21e6', else None (then call to_number
    itself, which reads '5,210,000' or words the error: its message is built only when needed)."""
    try:
        number = float(value)
    except ValueError:
        return None
    return number if number - number == 0.0 else None   # not inf or nan


def _plain_amount(text: str) -> tuple[float, str] | None:
    """_amount(text) for the usual 'NUMBER UNIT' (a plain finite number, one space), else None.

    Faster than the _AMOUNT pattern; anything unusual (1,000, 1_000, no space, a line break, inf)
    gives None and the pattern reads it."""
    number, space, unit = text.partition(" ")
    if not space or "_" in number or "\n" in unit:
        return None
    unit = unit.strip()
    value = _quick_number(number) if unit else None
    return None if value is None else (value, unit)


def _amount(text: str, form: str) -> tuple[float, str]:
    plain = _plain_amount(text)
    if plain is not None:
        return plain
    m = _AMOUNT.match(text)
    if not m or not m.group(2):
        raise CellError(f"'{text}' is not an amount with a unit", f"write {form}, e.g. 1.62e6 t")
    number, unit = m.groups()
    value = _quick_number(number)
    return (to_number(number) if value is None else value), unit


def _pairs(text: str, what: str) -> dict[str, float]:
    """'CO2=3.1e6,SO2=410' → {'CO2': 3.1e6, 'SO2': 410.0}."""
    out: dict[str, float] = {}
    for part in text.split(","):   # plain parts first: key=number (blanks around are fine)
        key, eq, value = part.partition("=")
        key = key.strip()
        if not eq or not key:
            break
        try:
            number = float(value)
        except ValueError:
            break
        if number - number != 0.0:   # inf or nan
            break
        out[key] = number
    else:
        return out
    out = {}   # anything else (an empty part, text such as 1,000, an error): part by part
    for part in _items(text, ","):
        key, eq, value = part.partition("=")
        key = key.strip()
        if not eq or not key:
            raise CellError(f"'{part}' in the {what} is not substance=amount", "write e.g. CO2=3.1e6,SO2=410")
        try:
            number = float(value)
        except ValueError:
            number = None
        if number is None or number - number != 0.0:   # text such as 1,000, or inf/nan: to_number
            number = to_number(value, f" (in '{part}')")
        out[key] = number
    return out


def _words(text: str) -> list[str]:
    return _items(text)


def _industry(item: str) -> dict:
    code, sep, share = item.partition(":")
    if not sep or not code.strip() or not share.strip():
        raise CellError(f"'{item}' is not code:share", "write e.g. C26:0.55;C29:0.12 (shares are fractions)")
    number = _quick_number(share)
    return {"code": code.strip(), "share": to_number(share, f" (share in '{item}')") if number is None else number}


def _boundary_change(item: str) -> dict:
    year, _, note = item.partition(":")
    out: dict[str, Any] = {"year": to_int(year, f" (year in '{item}')")}
    if note.strip():
        out["note"] = note.strip()
    return out


# a plain energy tag → the key it sets (the same as the if/elif chain in _energy)
_TAG_KEYS = {**dict.fromkeys(ENERGY_USES, "use"), **dict.fromkeys(ENERGY_ORIGINS, "origin"),
             **dict.fromkeys(ENERGY_TIERS, "data_tier")}


def _energy(item: str) -> dict:
    fields = list(map(str.strip, item.split(":")))
    if len(fields) < 2 or not fields[0]:
        raise CellError(f"'{item}' is not carrier:amount unit", "write e.g. raw_coal:1.62e6 t:fuel or electricity:2.9e6 MWh:grid")
    amount, unit = _amount(fields[1], "carrier:amount unit")
    out: dict[str, Any] = {"carrier": fields[0], "amount": amount, "unit": unit}
    tag_keys = _TAG_KEYS
    for tag in fields[2:]:
        if not tag:
            continue
        plain = tag_keys.get(tag)
        if plain is not None:   # fuel, grid, metered …: the usual tags, one look-up
            out[plain] = tag
            continue
        key, eq, value = tag.partition("=")
        key, value = key.strip(), value.strip()
        if eq:
            if key in ("process", "owner"):
                out[key] = value
            elif key == "factor":
                parts = [p.strip() for p in value.split("@")]
                if len(parts) < 2 or not parts[1]:
                    raise CellError(f"'{tag}' is not factor=VALUE UNIT@SOURCE[@YEAR]",
                                    "write e.g. factor=1.85 t CO2/t@2022 fuel assay@2022")
                fvalue, funit = _amount(parts[0], "factor=VALUE UNIT@SOURCE[@YEAR]")
                factor: dict[str, Any] = {"value": fvalue, "unit": funit, "source": parts[1]}
                if len(parts) > 2 and parts[2]:
                    factor["year"] = to_int(parts[2], f" (factor year in '{tag}')")
                out["factor"] = factor
            else:
                raise CellError(f"unknown energy tag '{key}=' in '{item}'",
                                did_you_mean(key, ["process", "owner", "factor"]) or "use process=, owner= or factor=")
        elif tag in ENERGY_USES:
            out["use"] = tag
        elif tag in ENERGY_ORIGINS:
            out["origin"] = tag
        elif tag in ENERGY_TIERS:
            out["data_tier"] = tag
        else:
            choices = ENERGY_USES + ENERGY_ORIGINS + ENERGY_TIERS
            raise CellError(f"unknown energy tag '{tag}' in '{item}'",
                            did_you_mean(tag, choices) or f"use one of {', '.join(choices)}, or process=ID, owner=ID")
    return out


def _export(item: str) -> dict:
    carrier, sep, amount = item.partition(":")
    if not sep or not carrier.strip():
        raise CellError(f"'{item}' is not carrier:amount unit", "write e.g. electricity:4.0e5 MWh")
    value, unit = _amount(amount, "carrier:amount unit")
    return {"carrier": carrier.strip(), "amount": value, "unit": unit}


def _fields(item: str, names: tuple[str, ...], form: str) -> list[str]:
    fields = list(map(str.strip, item.split("|")))
    missing = len(names) - len(fields)
    if missing < 0:
        raise CellError(f"'{item}' has {len(fields)} fields, at most {len(names)} are read", f"write {form}")
    if missing:
        fields += [""] * missing
    return fields


PROCESS_FORM = "id|category|owner|emissions[|name[|controls[|removed]]], e.g. chp-1|fuel_combustion|infrastructure|CO2=3.1e6,SO2=410"


def _process(item: str) -> dict:
    pid, category, owner, emissions, name, controls, removed = _fields(
        item, ("id", "category", "owner", "emissions", "name", "controls", "removed"), PROCESS_FORM)
    if not pid or not category:
        raise CellError(f"'{item}' lacks an id or a category", f"write {PROCESS_FORM}")
    out: dict[str, Any] = {"id": pid, "category": category}
    if owner:
        out["owner"] = owner
    if emissions:
        out["emissions"] = _pairs(emissions, "emissions")
    if name:
        out["name"] = name
    if controls:
        out["controls"] = [] if controls == "[]" else _items(controls, ",")
    if removed:
        out["removed_t"] = _pairs(removed, "removed amounts")
    return out


ENTERPRISE_FORM = "id|name|industry|output_share|key_energy_user, e.g. e-fine|某精细化工公司|C26|0.08|true"


def _enterprise(item: str) -> dict:
    eid, name, industry, share, key_user = _fields(
        item, ("id", "name", "industry", "output_share", "key_energy_user"), ENTERPRISE_FORM)
    if not eid:
        raise CellError(f"'{item}' lacks an enterprise id", f"write {ENTERPRISE_FORM}")
    out: dict[str, Any] = {"id": eid}
    if name:
        out["name"] = name
    if industry:
        out["industry"] = industry
    if share:
        number = _quick_number(share)
        out["output_share"] = to_number(share, f" (output_share in '{item}')") if number is None else number
    if key_user:
        known = _BOOL_WORDS.get(key_user)   # true, false … as written; else to_bool reads or refuses it
        out["key_energy_user"] = to_bool(key_user) if known is None else known
    return out


MATERIAL_FORM = "enterprise|kind|material|amount unit|receiver|hazardous, e.g. e-chlor|byproduct|粉煤灰|2.1e4 t|e-build|false"


def _material(item: str) -> dict:
    enterprise, kind, material, amount, receiver, hazardous = _fields(
        item, ("enterprise", "kind", "material", "amount", "receiver", "hazardous"), MATERIAL_FORM)
    if not (enterprise and kind and material and amount):
        raise CellError(f"'{item}' lacks an enterprise, kind, material or amount", f"write {MATERIAL_FORM}")
    value, unit = _amount(amount, "amount unit")
    out: dict[str, Any] = {"enterprise": enterprise, "kind": kind, "material": material, "amount": value, "unit": unit}
    if receiver:
        out["receiver"] = receiver
    if hazardous:
        known = _BOOL_WORDS.get(hazardous)
        out["hazardous"] = to_bool(hazardous) if known is None else known
    return out


def _programme(item: str) -> dict:
    kind, _, year = item.partition(":")
    out: dict[str, Any] = {"kind": kind.strip()}
    if year.strip():
        out["year"] = to_int(year, f" (year in '{item}')")
    return out


def _boiler(item: str) -> dict:
    fields = list(map(str.strip, item.split(":")))
    if len(fields) not in (2, 3) or not fields[0]:
        raise CellError(f"'{item}' is not fuel:t_h[:count]", "write e.g. coal:35:3;natural_gas:10:5")
    out: dict[str, Any] = {"fuel": fields[0], "t_h": to_number(fields[1], f" (t/h in '{item}')")}
    if len(fields) == 3 and fields[2]:
        out["count"] = to_int(fields[2], f" (count in '{item}')")
    return out


# column → (item parser, item separator, the form for messages)
COMPACT: dict[str, tuple[Callable[[str], Any], str]] = {
    "park.industries": (_industry, "code:share;… e.g. C26:0.55;C29:0.12"),
    "park.boundary_changes": (_boundary_change, "year[:note];… e.g. 2020:托管南区并入"),
    "energy": (_energy, "carrier:amount unit[:tag]…;… e.g. raw_coal:1.62e6 t:fuel;electricity:2.9e6 MWh:grid"),
    "exports": (_export, "carrier:amount unit;… e.g. electricity:4.0e5 MWh"),
    "processes": (_process, PROCESS_FORM),
    "enterprises": (_enterprise, ENTERPRISE_FORM),
    "materials": (_material, MATERIAL_FORM),
    "management.programmes": (_programme, "kind[:year];… e.g. circular_transformation:2021"),
    "enterprises_summary.boilers": (_boiler, "fuel:t_h[:count];… e.g. coal:35:3;natural_gas:10:5"),
}
WORD_LISTS = ("characteristic_pollutants", "infrastructure.energy_env_links",
              "enterprises_summary.byproduct_streams", "third_party.services")


def _parse_list(column: str, value: Any) -> list:
    parse, form = COMPACT.get(column, (None, ""))
    return _parse_list_text(_text(value), parse, form)


def _parse_list_text(text: str, parse: Callable[[str], Any] | None, form: str) -> list:
    """A list cell's stripped text: JSON, a compact list (parse each item) or words (parse None)."""
    if text == "[]":   # known to be none: the usual JSON cell, without the JSON reader
        return []
    if text.startswith("["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CellError(f"'{text[:60]}' starts with '[' but is not a JSON list ({exc.msg})",
                            "write [] for none, the compact form, or a valid JSON list") from None
        if not isinstance(data, list):
            raise CellError("the JSON is not a list", "write a JSON list [...]")
        return data
    if parse is not None:
        out = []
        for item in _items(text):
            try:
                out.append(parse(item))
            except CellError as exc:
                raise _item_error(exc, len(out) + 1, form) from None
        return out
    return _words(text)


def _item_error(exc: CellError, number: int, form: str) -> CellError:
    """The error of a list cell's item `number` (from 1), its fix naming the form."""
    fix = f"the form is {form}" if exc.fix in (NUMBER_FIX, BOOL_FIX) else exc.fix
    if not fix.startswith("write") and "the form is" not in fix:
        fix = f"{fix}; the form is {form}"
    return CellError(f"item {number}: {exc.problem}", fix)


# --- the column plan ----------------------------------------------------------------------

Kind = str   # bool | number | int | text | list | any, and dict | model while resolving a path


def _strip(annotation: Any) -> Any:
    """Optional[Annotated[X, …]] → X."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def _kind(annotation: Any) -> tuple[Kind, Any]:
    ann = _strip(annotation)
    origin = typing.get_origin(ann)
    if ann is bool:
        return "bool", None
    if ann is int:
        return "int", None
    if ann is float:
        return "number", None
    if origin is Literal and all(isinstance(a, int) and not isinstance(a, bool) for a in typing.get_args(ann)):
        return "int", None
    if ann is str or origin is Literal:
        return "text", None
    if origin is list:
        return "list", None
    if origin is dict:
        return "dict", typing.get_args(ann)[1]
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return "model", ann
    return "any", None


def _resolve(parts: list[str]) -> Kind | None:
    """The kind of value at a dotted path of the profile, or None when no such path exists."""
    kind, inner = "model", Profile
    for i, part in enumerate(parts):
        if kind == "model":
            fields = inner.model_fields
            if part in fields:
                kind, inner = _kind(fields[part].annotation)
            elif inner is EmissionsHistory:  # substances sit beside `unit`: emissions_history.CO2e.2022
                kind, inner = _kind(typing.get_args(fields["series"].annotation)[1])
            else:
                return None
        elif kind == "dict":
            kind, inner = _kind(inner)
        else:
            return None
    if kind in ("model", "dict"):
        return None
    return kind


@dataclass(frozen=True)
class Column:
    name: str
    keys: tuple          # path keys; all-digit segments are int (years)
    kind: str            # bool | number | int | text | list | any


def _key(part: str) -> Any:
    return int(part) if part.isdigit() else part


def plan_columns(header: list[Any]) -> tuple[list[Column | None], list[Issue]]:
    """One Column per header cell (None = ignored), and the header's problems."""
    plan: list[Column | None] = []
    issues: list[Issue] = []
    seen: dict[str, int] = {}
    known = known_columns()
    for i, cell in enumerate(header):
        name = "" if cell is None else _text(cell)
        if not name or name.startswith(("#", "_")):
            plan.append(None)
            continue
        if name in seen:
            issues.append(Issue("header", name, f"column {i + 1} repeats column {seen[name] + 1}", "keep one of them"))
            plan.append(None)
            continue
        seen[name] = i
        parts = name.split(".")
        kind = _resolve(parts) if all(parts) else None
        if kind is None:
            issues.append(Issue("header", name, "not a profile field path",
                                did_you_mean(name, known) or "columns are dotted profile paths such as "
                                "park.id or economy.values.2018 (see CONTRACT §2); start a column with # to ignore it"))
            plan.append(None)
            continue
        plan.append(Column(name, tuple(_key(p) for p in parts), kind))
    return plan, issues


def known_columns() -> list[str]:
    """Dotted paths of every scalar and list field (for did-you-mean)."""
    out: list[str] = []

    def walk(model, prefix):
        for name, field in model.model_fields.items():
            kind, inner = _kind(field.annotation)
            path = f"{prefix}{name}"
            if kind == "model":
                walk(inner, path + ".")
            elif kind != "dict":
                out.append(path)
    walk(Profile, "")
    return out


def _convert(column: Column, value: Any) -> Any:
    kind = column.kind
    if kind == "list":
        return _parse_list(column.name, value)
    return _CONVERTERS[kind](value)


_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "bool": to_bool, "number": to_number, "int": to_int, "text": _text, "any": lambda v: v}


_BOOL_WORDS = {**{w: True for w in TRUE_WORDS}, **{w: False for w in FALSE_WORDS}}
_BOOL_WORDS.update({w.upper(): v for w, v in list(_BOOL_WORDS.items())})
_BOOL_WORDS.update({w.capitalize(): v for w, v in list(_BOOL_WORDS.items())})
_KIND_CODES = {"number": 0, "bool": 1, "text": 2, "int": 3, "list": 4, "any": 5}
_compiled: dict[int, tuple[list, tuple]] = {}


def _compile(plan: list[Column | None]) -> tuple[list[tuple], list[tuple]]:
    """The per-column work of row_to_data, done once per plan.

    Entries: (cell index, kind code, parent number, last key, may hold parts, list parser, column)
    for every read column; parents: the distinct parent key paths, () first as number 0.
    `may hold parts` is true only when another column's path goes inside this column's field (or
    is the same path, e.g. economy.values.2018 and economy.values.02018);
    `list parser` is (item parser, form) for a list column ((None, "") for words), None for the others.
    """
    hit = _compiled.get(id(plan))
    if hit is not None and hit[0] is plan:
        return hit[1]
    columns = [(i, c) for i, c in enumerate(plan) if c is not None]
    parents: dict[tuple, int] = {(): 0}
    for _, c in columns:
        parents.setdefault(c.keys[:-1], len(parents))
    inner_paths = {c.keys[:k] for _, c in columns for k in range(1, len(c.keys))}   # paths holding other columns
    path_count = Counter(c.keys for _, c in columns)
    entries = []
    for i, c in columns:
        has_parts = c.keys in inner_paths or path_count[c.keys] > 1
        entries.append((i, _KIND_CODES[c.kind], parents[c.keys[:-1]], c.keys[-1], has_parts,
                        COMPACT.get(c.name, _WORDS) if c.kind == "list" else None, c))
    compiled = (entries, list(parents))
    if len(_compiled) > 64:
        _compiled.clear()
    _compiled[id(plan)] = (plan, compiled)
    return compiled


_WORDS = (None, "")   # the list parser of a word list column


def _parse_compact(parse: Callable[[str], Any] | None, form: str, value: Any) -> list:
    """_parse_list for a list column whose item parser (None for words) is already known."""
    text = value.strip() if type(value) is str else _text(value)
    if not text or text[0] == "[" or parse is None:   # JSON, words (or nothing): the general reader
        return _parse_list_text(text, parse, form)
    try:
        return list(map(parse, filter(None, map(str.strip, text.split(ITEM_SEP)))))
    except CellError:
        return _parse_list_text(text, parse, form)   # again, item by item: the error names the item


def row_to_data(plan: list[Column | None], cells: list[Any], file: str) -> tuple[dict, list[Issue]]:
    """Profile data (a nested dict) from one row's cells, and the cells' problems.

    The hot loop of a batch: the common cells (plain numbers, yes/no words, compact lists) are
    converted inline; per-column work (parent paths, parsers, possible conflicts) is done once per plan.
    """
    data: dict[str, Any] = {}
    issues: list[Issue] = []
    entries, parent_keys = _compile(plan)
    nodes: list[dict | None] = [None] * len(parent_keys)   # parent dict of each parent path, made when needed
    nodes[0] = data
    n = len(cells)
    bool_words = _BOOL_WORDS
    for i, code, pid, last, has_parts, compact, column in entries:
        if i >= n:
            continue
        value = cells[i]
        if value is None or value == "":
            continue
        try:
            if code == 0 and type(value) is str:
                try:
                    converted = float(value)
                    if converted - converted != 0.0:
                        raise ValueError
                except ValueError:
                    if value.isspace():
                        continue
                    converted = to_number(value)
            elif code == 1 and type(value) is str:
                converted = bool_words.get(value)
                if converted is None:
                    if value.isspace():
                        continue
                    converted = to_bool(value)
            elif code == 2 and type(value) is str:
                converted = value.strip()   # _text(value)
                if not converted:
                    continue
            elif code == 3 and type(value) is str and len(value) < 16:   # int() = to_int() up to 15 digits
                try:
                    converted = int(value)
                except ValueError:
                    if value.isspace():
                        continue
                    converted = to_int(value)
            elif type(value) is str and value.isspace():
                continue
            elif compact is not None:
                converted = _parse_compact(compact[0], compact[1], value)
            else:
                converted = _CONVERTERS[column.kind](value)
        except CellError as exc:
            shown = _text(value)
            problem = exc.problem if shown[:40] in exc.problem else f"'{shown[:80]}': {exc.problem}"
            issues.append(Issue(file, column.name, problem, exc.fix))
            continue
        node = nodes[pid]
        if node is None:
            node = data
            for key in parent_keys[pid]:
                nxt = node.get(key)
                if nxt is None:
                    nxt = node[key] = {}
                elif type(nxt) is not dict:
                    node = None
                    break
                node = nxt
            if node is None:
                issues.append(Issue(file, column.name, "this column goes inside another column's value",
                                    "keep either the whole field or its dotted parts"))
                continue
            nodes[pid] = node
        if has_parts and type(node.get(last)) is dict:
            issues.append(Issue(file, column.name, "other columns fill parts of this field",
                                "keep either the whole field or its dotted parts"))
            continue
        node[last] = converted
    if "schema_version" not in data:
        data["schema_version"] = 1
    return data, issues


def row_dict_to_data(row: dict[str, Any], file: str) -> tuple[dict, list[Issue]]:
    """Convenience for a single row given as {column: cell}."""
    header = list(row)
    plan, issues = plan_columns(header)
    issues = [Issue(file, i.path, i.problem, i.fix) for i in issues]
    data, more = row_to_data(plan, [row[h] for h in header], file)
    return data, issues + more


# --- the inverse: profile data → row ------------------------------------------------------

def _num(x: Any) -> str:
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, float):
        return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)
    return str(x)


def _amount_text(amount: Any, unit: str) -> str:
    return f"{_num(amount)} {unit}"


def _pairs_text(d: dict) -> str:
    return ",".join(f"{k}={_num(v)}" for k, v in d.items())


_RESERVED = re.compile(r"[;|\n\r]")


def _safe(text: Any, extra: str = "") -> bool:
    s = str(text)
    return not _RESERVED.search(s) and not any(c in s for c in extra) and s == s.strip() and not s.startswith("[")


def _pipe_joined(texts: list) -> str | None:
    """Fields joined by '|' with the empty ones at the end left off; None when a field cannot be written so."""
    if not all(_safe(t) for t in texts):
        return None
    while texts and texts[-1] == "":
        texts.pop()
    return "|".join(str(t) for t in texts)


def _compact_item(column: str, item: dict) -> str | None:
    """The compact form of one list item, or None when only JSON can carry it exactly."""
    try:
        if column == "park.industries":
            if set(item) - {"code", "share"} or not _safe(item["code"], ":"):
                return None
            return f"{item['code']}:{_num(item['share'])}"
        if column == "park.boundary_changes":
            if set(item) - {"year", "note"} or not _safe(item.get("note", "")):
                return None
            note = item.get("note")
            return f"{item['year']}:{note}" if note else str(item["year"])
        if column == "energy":
            allowed = {"carrier", "amount", "unit", "process", "owner", "use", "origin", "factor", "data_tier"}
            if set(item) - allowed or not _safe(item["carrier"], ":") or not _safe(item["unit"], ":"):
                return None
            parts = [item["carrier"], _amount_text(item["amount"], item["unit"])]
            if item.get("use") is not None:
                parts.append(item["use"])
            for key in ("origin", "data_tier"):
                if item.get(key) is not None:
                    parts.append(item[key])
            for key in ("process", "owner"):
                if item.get(key) is not None:
                    if not _safe(item[key], ":="):
                        return None
                    parts.append(f"{key}={item[key]}")
            f = item.get("factor")
            if f is not None:
                if set(f) - {"value", "unit", "source", "year"} or not all(_safe(f.get(k, ""), ":@") for k in ("unit", "source")):
                    return None
                text = f"factor={_amount_text(f['value'], f['unit'])}@{f['source']}"
                if f.get("year") is not None:
                    text += f"@{f['year']}"
                parts.append(text)
            return ":".join(str(p) for p in parts)
        if column == "exports":
            if set(item) - {"carrier", "amount", "unit"} or not _safe(item["carrier"], ":"):
                return None
            return f"{item['carrier']}:{_amount_text(item['amount'], item['unit'])}"
        if column == "processes":
            allowed = {"id", "category", "owner", "emissions", "name", "controls", "removed_t"}
            if set(item) - allowed:
                return None
            texts = [item["id"], item["category"], item.get("owner") or "",
                     _pairs_text(item.get("emissions") or {}), item.get("name") or ""]
            controls = item.get("controls")
            texts.append("" if controls is None else "[]" if not controls else ",".join(controls))
            texts.append(_pairs_text(item.get("removed_t") or {}))
            if any("," in c or not _safe(c) for c in controls or []):
                return None
            if item.get("owner") == "" or item.get("name") == "" or any("=" in k or "," in k for k in
                                                                         {**(item.get("emissions") or {}), **(item.get("removed_t") or {})}):
                return None
            return _pipe_joined(texts)
        if column == "enterprises":
            allowed = {"id", "name", "industry", "output_share", "key_energy_user"}
            if set(item) - allowed:
                return None
            texts = [item["id"], item.get("name") or "", item.get("industry") or "",
                     "" if item.get("output_share") is None else _num(item["output_share"]),
                     "" if item.get("key_energy_user") is None else _num(item["key_energy_user"])]
            return _pipe_joined(texts)
        if column == "materials":
            allowed = {"enterprise", "kind", "material", "amount", "unit", "receiver", "hazardous"}
            if set(item) - allowed:
                return None
            texts = [item["enterprise"], item["kind"], item["material"],
                     _amount_text(item["amount"], item.get("unit", "t")), item.get("receiver") or "",
                     "" if item.get("hazardous") is None else _num(item["hazardous"])]
            return _pipe_joined(texts)
        if column == "management.programmes":
            if set(item) - {"kind", "year"} or not _safe(item["kind"], ":"):
                return None
            return f"{item['kind']}:{item['year']}" if item.get("year") is not None else item["kind"]
        if column == "enterprises_summary.boilers":
            if set(item) - {"fuel", "t_h", "count"} or not _safe(item["fuel"], ":"):
                return None
            text = f"{item['fuel']}:{_num(item['t_h'])}"
            return text + f":{item['count']}" if item.get("count") is not None else text
    except (KeyError, TypeError, AttributeError):
        return None
    return None


def _list_cell(column: str, items: list) -> str:
    if not items:
        return "[]"
    if column in COMPACT:
        texts = [_compact_item(column, item) if isinstance(item, dict) else None for item in items]
        if all(t is not None and t for t in texts):
            return ";".join(texts)
    elif all(isinstance(i, str) and i and _safe(i) for i in items):
        return ";".join(items)
    return json.dumps(items, ensure_ascii=False)


def profile_to_row(data: dict) -> dict[str, str]:
    """The batch row (column → cell text) of a profile data tree; `row_to_data` reads it back.

    Unknown (None) values are left out (an empty cell); lists use the compact forms where they
    carry the data exactly, JSON otherwise.
    """
    row: dict[str, str] = {}

    def walk(value: Any, path: list[str], kind_hint: str | None) -> None:
        if value is None:
            return
        name = ".".join(path)
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, path + [str(key)], None)
            return
        if isinstance(value, list):
            row[name] = _list_cell(name, value)
            return
        row[name] = _num(value) if isinstance(value, (bool, int, float)) else str(value)

    for key, value in data.items():
        if key == "schema_version":
            row[key] = _num(value)
            continue
        walk(value, [key], None)
    # park.id first: readers look for it there
    order = ["park.id", "park.name"]
    return {**{k: row[k] for k in order if k in row}, **{k: v for k, v in row.items() if k not in order}}
