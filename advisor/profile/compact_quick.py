"""Quick readers of list cells written the way a batch table usually writes them.

advisor.profile.compact_forms reads a list cell item by item through a function per item and per field,
each ready to say what is wrong. Most cells of a batch need none of that: a quick reader takes a whole
cell in one loop (a split per item, the fields read in place) and returns None at anything unusual – an
empty item or a missing field, a number that float does not read as written, a yes/no word written
otherwise, a name instead of an industry code – and read_list then reads that cell the careful way, which
also says what is wrong. For every cell it reads, a quick reader gives what the careful reading gives, key
for key and in the same order: the checks below are the careful readers' own, in the same terms.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from advisor.profile.cells import BOOL_SPELLINGS, CellError

# the characters of a plain amount's number (compact_forms._amount reads such a number with float)
_NUMBER_CHARS = "0123456789.eE+-"


def _finite(text: str) -> float | None:
    """float(text) when that is a finite number; None otherwise (the cell goes the careful way)."""
    try:
        number = float(text)
    except ValueError:
        return None
    return number if number - number == 0.0 else None

# energy tags after the unit (':fuel:metered:process=chp-1') come from a small vocabulary and repeat from park
# to park: each text is read once, by the careful reader, and its keys kept
_TAGS: dict[str, dict[str, Any]] = {}
_UNREADABLE: dict[str, Any] = {}     # the tags of a text the careful reader refuses


def _tags(tail: str) -> dict[str, Any]:
    from advisor.profile.compact_forms import COMPACT

    if len(_TAGS) > 4096:
        _TAGS.clear()
    try:
        tags = COMPACT["energy"][0]("c:0 t:" + tail)
    except CellError:
        tags = _UNREADABLE
    else:
        del tags["carrier"], tags["amount"], tags["unit"]
    _TAGS[tail] = tags
    return tags


def energy(text: str) -> list | None:
    """carrier:amount unit[:tag]…"""
    out = []
    for item in text.split(";"):
        fields = item.split(":", 2)
        if len(fields) < 2:
            return None
        carrier = fields[0].strip()
        number, space, unit = fields[1].partition(" ")
        if not carrier or not space or number.strip(_NUMBER_CHARS):
            return None
        amount = _finite(number)
        unit = unit.strip()
        if amount is None or not unit or "\n" in unit:
            return None
        found = {"carrier": carrier, "amount": amount, "unit": unit}
        if len(fields) == 3:
            tags = _TAGS.get(fields[2])
            if tags is None:
                tags = _tags(fields[2])
            if tags is _UNREADABLE:
                return None
            found.update(tags)
            if "factor" in tags:           # each item its own factor
                found["factor"] = dict(tags["factor"])
        out.append(found)
    return out


def industries(text: str) -> list | None:
    """code:share (codes only: a name goes the careful way)"""
    out = []
    for item in text.split(";"):
        code, _, share = item.partition(":")
        code = code.strip()
        if len(code) != 3 or not code[1:].isdigit():
            return None
        number = _finite(share)
        if number is None:
            return None
        out.append({"code": code, "share": number})
    return out


def _pairs(text: str) -> dict[str, float] | None:
    """substance=amount,… (every part filled)"""
    out = {}
    for part in text.split(","):
        key, _, value = part.partition("=")
        key = key.strip()
        if not key:
            return None
        number = _finite(value)
        if number is None:
            return None
        out[key] = number
    return out


def processes(text: str) -> list | None:
    """id|category|owner|emissions[|name[|controls[|removed]]]"""
    out = []
    for item in text.split(";"):
        fields = item.split("|")
        n = len(fields)
        if n > 7:
            return None
        pid = fields[0].strip()
        category = fields[1].strip() if n > 1 else ""
        if not pid or not category:
            return None
        found: dict[str, Any] = {"id": pid, "category": category}
        if n > 2:
            owner = fields[2].strip()
            if owner:
                found["owner"] = owner
        if n > 3:
            emissions = fields[3].strip()
            if emissions:
                pairs = _pairs(emissions)
                if pairs is None:
                    return None
                found["emissions"] = pairs
        if n > 4:
            name = fields[4].strip()
            if name:
                found["name"] = name
        if n > 5:
            controls = fields[5].strip()
            if controls:
                found["controls"] = [] if controls == "[]" else [c for c in map(str.strip, controls.split(",")) if c]
        if n > 6:
            removed = fields[6].strip()
            if removed:
                pairs = _pairs(removed)
                if pairs is None:
                    return None
                found["removed_t"] = pairs
        out.append(found)
    return out


def _optional(found: dict[str, Any], key: str, fields: list[str], n: int, at: int,
              read: Callable[[str], Any] | None = None) -> bool:
    """An optional field: fields[at], when the item has it and it is not blank, read (as text, or by `read`, which
    gives None for text it refuses) into found[key]. False when `read` refuses it: the cell goes the careful way."""
    if n <= at:
        return True
    text = fields[at].strip()
    if not text:
        return True
    value = text if read is None else read(text)
    if value is None:
        return False
    found[key] = value
    return True


def enterprises(text: str) -> list | None:
    """id|name|industry|output_share|key_energy_user"""
    out = []
    for item in text.split(";"):
        fields = item.split("|")
        n = len(fields)
        eid = fields[0].strip()
        if n > 5 or not eid:
            return None
        found: dict[str, Any] = {"id": eid}
        if not (_optional(found, "name", fields, n, 1) and _optional(found, "industry", fields, n, 2)
                and _optional(found, "output_share", fields, n, 3, _finite)
                and _optional(found, "key_energy_user", fields, n, 4, BOOL_SPELLINGS.get)):
            return None
        out.append(found)
    return out


def materials(text: str) -> list | None:
    """enterprise|kind|material|amount unit|receiver|hazardous"""
    out = []
    for item in text.split(";"):
        fields = item.split("|")
        n = len(fields)
        if n < 4 or n > 6:
            return None
        enterprise, kind, material, amount = fields[0].strip(), fields[1].strip(), fields[2].strip(), fields[3].strip()
        number, space, unit = amount.partition(" ")
        if not (enterprise and kind and material and space) or number.strip(_NUMBER_CHARS):
            return None
        value = _finite(number)
        unit = unit.strip()
        if value is None or not unit or "\n" in unit:
            return None
        found: dict[str, Any] = {"enterprise": enterprise, "kind": kind, "material": material,
                                 "amount": value, "unit": unit}
        if not (_optional(found, "receiver", fields, n, 4)
                and _optional(found, "hazardous", fields, n, 5, BOOL_SPELLINGS.get)):
            return None
        out.append(found)
    return out


def boilers(text: str) -> list | None:
    """fuel:t_h[:count]"""
    out = []
    for item in text.split(";"):
        fields = item.split(":")
        n = len(fields)
        fuel = fields[0].strip()
        if (n != 2 and n != 3) or not fuel:
            return None
        t_h = _finite(fields[1])
        if t_h is None:
            return None
        found: dict[str, Any] = {"fuel": fuel, "t_h": t_h}
        if n == 3:
            count = fields[2].strip()
            if count:
                if not (count.isascii() and count.isdigit()):
                    return None
                found["count"] = int(count)
        out.append(found)
    return out


def programmes(text: str) -> list | None:
    """kind[:year]"""
    out = []
    for item in text.split(";"):
        kind, _, year = item.partition(":")
        kind = kind.strip()
        if not kind:
            return None
        found: dict[str, Any] = {"kind": kind}
        year = year.strip()
        if year:
            if not (year.isascii() and year.isdigit()):
                return None
            found["year"] = int(year)
        out.append(found)
    return out


# column → its quick reader
QUICK: dict[str, Callable[[str], list | None]] = {
    "energy": energy,
    "park.industries": industries,
    "processes": processes,
    "enterprises": enterprises,
    "materials": materials,
    "enterprises_summary.boilers": boilers,
    "management.programmes": programmes,
}
