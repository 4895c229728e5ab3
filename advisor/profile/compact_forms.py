"""The compact forms of list cells in a batch table, read and written.

A batch table holds a whole list in one cell, items separated by `;` (spaces around separators are
ignored). Numbers and yes/no words inside an item are read with advisor.profile.cells, as every cell is.

| column | item | example |
|---|---|---|
| `park.industries` | `code:share` (or `name:share`, 化工:0.55) | `C26:0.55;C29:12%` |
| `park.boundary_changes` | `year[:note]` | `2020:托管南区并入` |
| `energy` | `carrier:amount unit[:tag]…` | `raw_coal:1.62e6 t:fuel;electricity:2.9e6 MWh:grid` |
| `exports` | `carrier:amount unit` | `electricity:4.0e5 MWh;steam:3.0e5 GJ` |
| `processes` | `id|category|owner|emissions[|name[|controls[|removed]]]` | `chp-1|fuel_combustion||CO2=3.1e6` |
| `enterprises` | `id|name|industry|output_share|key_energy_user` | `e-fine|某精细化工公司|C26|0.08|true` |
| `materials` | `enterprise|kind|material|amount unit|receiver|hazardous` | `e-chlor|byproduct|粉煤灰|2.1e4 t||否` |
| `management.programmes` | `kind[:year]` | `circular_transformation:2021;green_park` |
| `enterprises_summary.boilers` | `fuel:t_h[:count]` | `coal:35:3;natural_gas:10:5` |
| `measures_status` | `measure:status[:since]` | `7.3.4:done:2023;7.1.1:in_progress` |
| `targets` | `indicator:year:value[:binding]` | `co2e_per_output:2025:0.95:true` |
| any other list (names) | `word` | `spent_acid;steam;fly_ash` (also `,` `，` `、`) |

Energy tags (after `amount unit`, each separated by `:`, any order): `fuel` or `feedstock` (use);
`grid`, `onsite_renewable`, `onsite_fossil`, `green_purchase`, `purchased` (origin); `metered`,
`reported`, `statistics`, `proxy` (data tier); `process=ID`; `owner=ID`; and a measured factor
`factor=VALUE UNIT@SOURCE[@YEAR]` (e.g. `factor=1.85 t CO2/t@2022 fuel assay@2022`).

Processes: `emissions` and `removed` are `substance=t,substance=t` (t/yr); `controls` is `a,b`
(`[]` = none); a field left empty between `|` is absent. Enterprises and materials: a field left
empty is absent (unknown). Any list cell may instead hold `[]` (known to be none), a none word
(`none`, `无`) or the list as JSON (`[{"code": "C26", "share": 0.55}]`), the escape hatch for text
containing the separators.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any

from advisor.errors import did_you_mean
from advisor.profile.cells import (
    BOOL_FIX,
    LIST_SEPARATORS,
    LONGEST_WORD,
    NUMBER_FIX,
    CellError,
    is_none_word,
    is_unknown,
    split_items,
    to_bool,
    to_choice,
    to_int,
    to_number,
)
from advisor.profile.compact_quick import QUICK

ITEM_SEP = ";"
# the number of an amount; its unit is the rest, stripped (one line: a line break inside is refused)
AMOUNT = re.compile(r"\s*([+-]?(?:\d[\d,_]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*")

ENERGY_USES = ("fuel", "feedstock")
ENERGY_ORIGINS = ("grid", "onsite_renewable", "onsite_fossil", "green_purchase", "purchased")
ENERGY_TIERS = ("metered", "reported", "statistics", "proxy")
# a plain energy tag → the key it sets
ENERGY_TAGS = {**dict.fromkeys(ENERGY_USES, "use"), **dict.fromkeys(ENERGY_ORIGINS, "origin"),
               **dict.fromkeys(ENERGY_TIERS, "data_tier")}


# --- reading -------------------------------------------------------------------------------

def _items(text: str, sep: str = ITEM_SEP) -> list[str]:
    """The non-empty parts of a text, stripped."""
    return [part for part in map(str.strip, text.split(sep)) if part]


def _in_item(what: str, item: str, read: Callable[[str], Any], text: str) -> Any:
    """read(text), a problem naming the part of the item it is in (the message is built only then)."""
    try:
        return read(text)
    except CellError as exc:
        where = f"{what} in" if what else "in"
        raise CellError(f"{exc.problem} ({where} '{item}')", exc.fix) from None


# the parts of an item are usually plain: a number float reads as to_number does, a whole number of ASCII digits;
# they are read at once, and anything else goes through to_number or to_int for its value or its problem
def _number_in(what: str, item: str, text: str) -> float | int:
    """to_number(text), a problem naming the part of the item it is in."""
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    return number if number - number == 0.0 else _in_item(what, item, to_number, text)


def _int_in(what: str, item: str, text: str) -> int:
    """to_int(text), a problem naming the part of the item it is in."""
    if text.isascii() and text.isdigit():
        return int(text)
    return _in_item(what, item, to_int, text)


def _amount(text: str, form: str) -> tuple[float | int, str]:
    """'1.62e6 t' → (1620000.0, 't')."""
    number, space, rest = text.partition(" ")
    # the usual amount, a plain number (what float reads of these characters, AMOUNT reads too), a space and
    # its unit: read without the regex, about twice as fast
    if space and not number.strip("0123456789.eE+-"):
        try:
            value = float(number)
        except ValueError:
            value = math.nan
        unit = rest.strip()
        if value == value and unit and "\n" not in unit:   # read; too large (inf): to_number says why
            return (value if value - value == 0.0 else to_number(number)), unit
    m = AMOUNT.match(text)
    unit = text[m.end():].rstrip() if m else ""
    if m is None or not unit or "\n" in unit:
        raise CellError(f"'{text}' is not an amount with a unit", f"write {form}, e.g. 1.62e6 t")
    return to_number(m.group(1)), unit


def _pairs(text: str, what: str) -> dict[str, float | int]:
    """'CO2=3.1e6,SO2=410' → {'CO2': 3.1e6, 'SO2': 410.0}; empty parts are passed over."""
    out: dict[str, float | int] = {}
    for part in text.split(","):
        key, eq, value = part.partition("=")
        key = key.strip()
        if not eq or not key:
            if not part.strip():
                continue
            raise CellError(f"'{part.strip()}' in the {what} is not substance=amount", "write e.g. CO2=3.1e6,SO2=410")
        try:
            number = float(value)               # the usual amount, read as to_number reads it
        except ValueError:
            number = math.nan
        try:
            out[key] = number if number - number == 0.0 else to_number(value)
        except CellError as exc:
            raise CellError(f"{exc.problem} (in '{part.strip()}')", exc.fix) from None
    return out


def _industry(item: str) -> dict:
    code, sep, share = item.partition(":")
    if not sep or not code.strip() or not share.strip():
        raise CellError(f"'{item}' is not code:share", "write e.g. C26:0.55;C29:0.12 (shares are fractions)")
    code = code.strip()
    if len(code) != 3 or not code[1:].isdigit():   # a name (化工:0.55), not a code: see advisor.profile.names
        from advisor.profile.names import industry_code

        code = industry_code(code)
    return {"code": code, "share": _number_in("share", item, share)}


def _boundary_change(item: str) -> dict:
    year, _, note = item.partition(":")
    out: dict[str, Any] = {"year": _int_in("year", item, year)}
    if note.strip():
        out["note"] = note.strip()
    return out


def _factor(tag: str, value: str) -> dict:
    parts = [p.strip() for p in value.split("@")]
    if len(parts) < 2 or not parts[1]:
        raise CellError(f"'{tag}' is not factor=VALUE UNIT@SOURCE[@YEAR]",
                        "write e.g. factor=1.85 t CO2/t@2022 fuel assay@2022")
    amount, unit = _amount(parts[0], "factor=VALUE UNIT@SOURCE[@YEAR]")
    factor: dict[str, Any] = {"value": amount, "unit": unit, "source": parts[1]}
    if len(parts) > 2 and parts[2]:
        factor["year"] = _int_in("factor year", tag, parts[2])
    return factor


def _energy(item: str) -> dict:
    fields = list(map(str.strip, item.split(":")))
    if len(fields) < 2 or not fields[0]:
        raise CellError(f"'{item}' is not carrier:amount unit",
                        "write e.g. raw_coal:1.62e6 t:fuel or electricity:2.9e6 MWh:grid")
    amount, unit = _amount(fields[1], "carrier:amount unit")
    out: dict[str, Any] = {"carrier": fields[0], "amount": amount, "unit": unit}
    for tag in fields[2:]:
        if not tag:
            continue
        if tag in ENERGY_TAGS:
            out[ENERGY_TAGS[tag]] = tag
            continue
        key, eq, value = tag.partition("=")
        key, value = key.strip(), value.strip()
        if not eq:
            choices = ENERGY_USES + ENERGY_ORIGINS + ENERGY_TIERS
            raise CellError(f"unknown energy tag '{tag}' in '{item}'",
                            did_you_mean(tag, choices) or f"use one of {', '.join(choices)}, or process=ID, owner=ID")
        if key in ("process", "owner"):
            out[key] = value
        elif key == "factor":
            out["factor"] = _factor(tag, value)
        else:
            raise CellError(f"unknown energy tag '{key}=' in '{item}'",
                            did_you_mean(key, ["process", "owner", "factor"]) or "use process=, owner= or factor=")
    return out


def _export(item: str) -> dict:
    carrier, sep, amount = item.partition(":")
    if not sep or not carrier.strip():
        raise CellError(f"'{item}' is not carrier:amount unit", "write e.g. electricity:4.0e5 MWh")
    value, unit = _amount(amount, "carrier:amount unit")
    return {"carrier": carrier.strip(), "amount": value, "unit": unit}


def _fields(item: str, count: int, form: str) -> list[str]:
    """The `|`-separated fields of an item, padded with '' to `count`."""
    fields = list(map(str.strip, item.split("|")))
    if len(fields) > count:
        raise CellError(f"'{item}' has {len(fields)} fields, at most {count} are read", f"write {form}")
    if len(fields) < count:
        fields += [""] * (count - len(fields))
    return fields


PROCESS_FORM = ("id|category|owner|emissions[|name[|controls[|removed]]], "
                "e.g. chp-1|fuel_combustion|infrastructure|CO2=3.1e6,SO2=410")


def _process(item: str) -> dict:
    pid, category, owner, emissions, name, controls, removed = _fields(item, 7, PROCESS_FORM)
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
    eid, name, industry, share, key_user = _fields(item, 5, ENTERPRISE_FORM)
    if not eid:
        raise CellError(f"'{item}' lacks an enterprise id", f"write {ENTERPRISE_FORM}")
    out: dict[str, Any] = {"id": eid}
    if name:
        out["name"] = name
    if industry:
        out["industry"] = industry
    if share:
        out["output_share"] = _number_in("output_share", item, share)
    if key_user and (key_energy_user := to_bool(key_user)) is not None:
        out["key_energy_user"] = key_energy_user
    return out


MATERIAL_FORM = ("enterprise|kind|material|amount unit|receiver|hazardous, "
                 "e.g. e-chlor|byproduct|粉煤灰|2.1e4 t|e-build|false")


def _material(item: str) -> dict:
    enterprise, kind, material, amount, receiver, hazardous = _fields(item, 6, MATERIAL_FORM)
    if not (enterprise and kind and material and amount):
        raise CellError(f"'{item}' lacks an enterprise, kind, material or amount", f"write {MATERIAL_FORM}")
    value, unit = _amount(amount, "amount unit")
    out: dict[str, Any] = {"enterprise": enterprise, "kind": kind, "material": material, "amount": value, "unit": unit}
    if receiver:
        out["receiver"] = receiver
    if hazardous and (is_hazardous := to_bool(hazardous)) is not None:
        out["hazardous"] = is_hazardous
    return out


def _programme(item: str) -> dict:
    kind, _, year = item.partition(":")
    out: dict[str, Any] = {"kind": kind.strip()}
    if year.strip():
        out["year"] = _int_in("year", item, year)
    return out


def _boiler(item: str) -> dict:
    fields = list(map(str.strip, item.split(":")))
    if len(fields) not in (2, 3) or not fields[0]:
        raise CellError(f"'{item}' is not fuel:t_h[:count]", "write e.g. coal:35:3;natural_gas:10:5")
    out: dict[str, Any] = {"fuel": fields[0], "t_h": _number_in("t/h", item, fields[1])}
    if len(fields) == 3 and fields[2]:
        out["count"] = _int_in("count", item, fields[2])
    return out


def _tracked(item: str) -> dict:
    fields = list(map(str.strip, item.split(":")))
    if len(fields) not in (2, 3) or not all(fields[:2]):
        raise CellError(f"'{item}' is not measure:status[:since]", "write e.g. 7.3.4:done:2023;7.1.1:in_progress")
    out: dict[str, Any] = {"measure": fields[0], "status": fields[1]}
    if len(fields) == 3 and fields[2]:
        out["since"] = _int_in("since", item, fields[2])
    return out


def _target(item: str) -> dict:
    fields = list(map(str.strip, item.split(":")))
    if len(fields) not in (3, 4) or not fields[0]:
        raise CellError(f"'{item}' is not indicator:year:value[:binding]", "write e.g. co2e_per_output:2025:0.95:true")
    out: dict[str, Any] = {"indicator": fields[0], "year": _int_in("year", item, fields[1]),
                           "value": _number_in("value", item, fields[2])}
    if len(fields) == 4 and fields[3] and (binding := to_bool(fields[3])) is not None:
        out["binding"] = binding
    return out


# column → (item parser, the form for messages)
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
    "measures_status": (_tracked, "measure:status[:since];… e.g. 7.3.4:done:2023;7.1.1:in_progress"),
    "targets": (_target, "indicator:year:value[:binding];… e.g. co2e_per_output:2025:0.95:true"),
}


_CHOICE_SETS: dict[tuple, frozenset] = {}   # the choices of a list column, as a set (see _plain_choices)


def _plain_choices(choices: tuple) -> frozenset:
    """The choices that are text as split_items leaves it: no list separator, no blank at an end."""
    return frozenset(c for c in choices if isinstance(c, str) and c and c == c.strip()
                     and not any(sep in c for sep in LIST_SEPARATORS))


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose keys are all different (a repeated key would silently replace the first)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise CellError(f"key '{key[:40]}' appears twice in one JSON object; the second would silently "
                            "replace the first", "keep one of the two")
        out[key] = value
    return out


def read_list(column: str, choices: tuple, value: Any) -> list | None:
    """A list cell of a column: JSON, the column's compact form, or names (checked against `choices`).

    None when the cell is blank or says "unknown"; [] when it says none ([] or a none word).
    """
    if type(value) is not str:
        if value is None:
            return None
        value = str(value)
    text = value.strip()
    if not text:
        return None
    short = len(text) <= LONGEST_WORD     # only a short text can be a word for "unknown" or "none"
    if short and is_unknown(text):
        return None
    if text[0] == "[" and text != "[]":
        try:
            data = json.loads(text, object_pairs_hook=_unique_keys)
        except json.JSONDecodeError as exc:
            raise CellError(f"'{text[:60]}' starts with '[' but is not a JSON list ({exc.msg})",
                            "write [] for none, the compact form, or a valid JSON list") from None
        except RecursionError:
            raise CellError("the JSON list is nested too deep", "a list of items nests two or three levels") from None
        if not isinstance(data, list):
            raise CellError("the JSON is not a list", "write a JSON list [...]")
        return data
    if short and is_none_word(text):
        return []
    if column not in COMPACT:
        if choices and (allowed := _CHOICE_SETS.get(choices)) is not None:
            items = text.split(ITEM_SEP)      # choices hold no separator: these are the items split_items finds
            if allowed.issuperset(items):
                return items
        items = split_items(text)
        if choices:
            # names as listed are the usual cells: one set look-up each, the careful to_choice for the others
            allowed = _CHOICE_SETS.get(choices)
            if allowed is None:
                allowed = _CHOICE_SETS[choices] = _plain_choices(choices)
            if allowed.issuperset(items):
                return items
            return [to_choice(item, choices) for item in items]
        return items
    quick = QUICK.get(column)
    if quick is not None and (found := quick(text)) is not None:
        return found
    parse, form = COMPACT[column]
    out = []
    for item in _items(text):
        try:
            out.append(parse(item))
        except CellError as exc:
            raise _item_error(exc, len(out) + 1, form) from None
    return out


def _item_error(exc: CellError, number: int, form: str) -> CellError:
    """The error of a list cell's item `number` (from 1), its fix naming the form."""
    fix = f"the form is {form}" if exc.fix in (NUMBER_FIX, BOOL_FIX) else exc.fix
    if not fix.startswith("write") and "the form is" not in fix:
        fix = f"{fix}; the form is {form}"
    return CellError(f"item {number}: {exc.problem}", fix)


# --- writing -------------------------------------------------------------------------------

def number_text(x: Any) -> str:
    """A number (or yes/no) as a cell writes it: whole floats without '.0', others exactly (repr)."""
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, float):
        return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)
    return str(x)


def _amount_text(amount: Any, unit: str) -> str:
    return f"{number_text(amount)} {unit}"


def _pairs_text(d: dict) -> str:
    return ",".join(f"{k}={number_text(v)}" for k, v in d.items())


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
            return f"{item['code']}:{number_text(item['share'])}"
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
                if set(f) - {"value", "unit", "source", "year"}:
                    return None
                if not all(_safe(f.get(k, ""), ":@") for k in ("unit", "source")):
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
            substances = {**(item.get("emissions") or {}), **(item.get("removed_t") or {})}
            if item.get("owner") == "" or item.get("name") == "" or any("=" in k or "," in k for k in substances):
                return None
            return _pipe_joined(texts)
        if column == "enterprises":
            allowed = {"id", "name", "industry", "output_share", "key_energy_user"}
            if set(item) - allowed:
                return None
            texts = [item["id"], item.get("name") or "", item.get("industry") or "",
                     "" if item.get("output_share") is None else number_text(item["output_share"]),
                     "" if item.get("key_energy_user") is None else number_text(item["key_energy_user"])]
            return _pipe_joined(texts)
        if column == "materials":
            allowed = {"enterprise", "kind", "material", "amount", "unit", "receiver", "hazardous"}
            if set(item) - allowed:
                return None
            texts = [item["enterprise"], item["kind"], item["material"],
                     _amount_text(item["amount"], item.get("unit", "t")), item.get("receiver") or "",
                     "" if item.get("hazardous") is None else number_text(item["hazardous"])]
            return _pipe_joined(texts)
        if column == "management.programmes":
            if set(item) - {"kind", "year"} or not _safe(item["kind"], ":"):
                return None
            return f"{item['kind']}:{item['year']}" if item.get("year") is not None else item["kind"]
        if column == "enterprises_summary.boilers":
            if set(item) - {"fuel", "t_h", "count"} or not _safe(item["fuel"], ":"):
                return None
            text = f"{item['fuel']}:{number_text(item['t_h'])}"
            return text + f":{item['count']}" if item.get("count") is not None else text
        if column == "measures_status":   # a note or project only as JSON
            if set(item) - {"measure", "status", "since"} or not _safe(item["measure"], ":"):
                return None
            text = f"{item['measure']}:{item['status']}"
            return text + f":{item['since']}" if item.get("since") is not None else text
        if column == "targets":
            if set(item) - {"indicator", "year", "value", "binding"} or not _safe(item["indicator"], ":"):
                return None
            text = f"{item['indicator']}:{item['year']}:{number_text(item['value'])}"
            return text + f":{number_text(item['binding'])}" if item.get("binding") is not None else text
    except (KeyError, TypeError, AttributeError):
        return None
    return None


_NAME_SEPARATORS = ",，；、"   # with ; and line breaks (_RESERVED): where a list of names is split


def write_list(column: str, items: list) -> str:
    """The cell of a list: its compact form where that carries the items exactly, JSON otherwise."""
    if not items:
        return "[]"
    text: str | None = None
    if column in COMPACT:
        texts = [_compact_item(column, item) if isinstance(item, dict) else None for item in items]
        if all(texts):
            text = ";".join(t for t in texts if t)
    elif all(isinstance(i, str) and i and _safe(i, _NAME_SEPARATORS) for i in items):
        text = ";".join(items)
    if text is None or is_none_word(text) or is_unknown(text):   # a lone 'none' item is not "known none"
        return json.dumps(items, ensure_ascii=False)
    return text
