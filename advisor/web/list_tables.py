"""The lists of an uploaded profile (energy rows, processes, enterprises, material flows) as small editable tables.

One row per item, its main fields as inputs: choices as selects labelled in the page's language, amounts with
their unit. Each row carries the position of the item it came from, and an edit starts from a copy of that item:
the fields the table does not show (a row's own emission factor, a process's controls …) are kept as they came.
An empty cell is unknown (the field is left out), never zero or "no". A row with some cells filled and a
required one empty is refused with its reason, never dropped; a new row left wholly empty is no row. The new
list goes through the profile's own validation before it is saved.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from advisor.errors import ProfileError

NEW = "new"            # the row field of a row added on the page
BLANK_ROWS = 2         # empty rows offered for adding without the page's script
ROW_INDEX = re.compile(r"^(?P<name>[a-z_]+)\[(?P<i>\d+)\]")


@dataclass(frozen=True)
class Column:
    key: str                      # the item's field; "emissions.CO2" for one substance of a mapping
    label: str                    # label key, or the substance itself for an emission column
    kind: str = "text"            # text | number | share | select | yesno
    required: bool = False
    unit: str = ""                # label key of the unit shown in the header
    options: str = ""             # select: the name of the choice list (see _options)


@dataclass(frozen=True)
class Table:
    name: str                     # the profile's list
    topic: str                    # the questionnaire page it belongs to
    title: str                    # label key
    columns: tuple[Column, ...]


TABLES: dict[str, Table] = {t.name: t for t in (
    Table("energy", "energy", "lt_energy", (
        Column("carrier", "lt_carrier", "select", True, options="carriers"),
        Column("amount", "lt_amount", "number", True),
        Column("unit", "lt_unit", "text", True),
        Column("use", "lt_use", "select", options="use"),
        Column("origin", "lt_origin", "select", options="origin"),
    )),
    Table("processes", "emissions", "lt_processes", (
        Column("name", "lt_name", "text"),
        Column("category", "lt_category", "select", True, options="categories"),
    )),
    Table("enterprises", "enterprises", "lt_enterprises", (
        Column("name", "lt_name", "text", True),
        Column("industry", "lt_industry", "select", options="industries"),
        Column("output_share", "lt_output_share", "share"),
        Column("key_energy_user", "lt_key_energy_user", "yesno"),
    )),
    Table("materials", "enterprises", "lt_materials", (
        Column("enterprise", "lt_enterprise", "text", True),
        Column("material", "lt_material", "text", True),
        Column("kind", "lt_kind", "select", True, options="kind"),
        Column("amount", "lt_amount", "number", True),
        Column("unit", "lt_unit", "text", True),
        Column("hazardous", "lt_hazardous", "yesno"),
    )),
)}
EMISSION_ORDER = ("CO2", "CH4", "N2O", "SO2", "NOx", "PM", "VOCs")
CHOICES = {"use": ("fuel", "feedstock"),
           "origin": ("grid", "onsite_renewable", "onsite_fossil", "green_purchase", "purchased"),
           "kind": ("input", "product", "byproduct", "waste")}


def columns(table: Table, items: list) -> tuple[Column, ...]:
    """The table's columns; processes get one per substance their emissions name (in tonnes a year)."""
    if table.name != "processes":
        return table.columns
    named = {s for item in items if isinstance(item, dict) for s in (item.get("emissions") or {})}
    order = [s for s in EMISSION_ORDER if s in named] + sorted(named - set(EMISSION_ORDER))
    for s in EMISSION_ORDER[:1] + EMISSION_ORDER[3:5]:   # room to add CO2, SO2 and NOx to any process
        if s not in order:
            order.append(s)
    return table.columns + tuple(Column(f"emissions.{s}", s, "number", unit="lt_t_a") for s in order)


def uploaded_lists(answers: dict[str, Any]) -> list[str]:
    """The lists this park's answers hold as a whole (from an uploaded profile) that have a table."""
    return [name for name in TABLES if isinstance(answers.get(name), list)]


# --- what the page shows ---------------------------------------------------------------------------------

@dataclass
class Cell:
    name: str                     # the form field
    kind: str                     # text | number | select
    value: str
    options: list[tuple[str, str]] = field(default_factory=list)   # select: (value, label)


@dataclass
class Row:
    source: str                   # the item's position in the saved list, or NEW
    cells: list[Cell]
    error: bool = False


def _options(kind: str, kb, lang: str, T: dict[str, str]) -> list[tuple[str, str]]:
    if kind == "carriers":
        return [(c.id, c.name.zh if lang == "zh" else c.name.en) for c in kb.carriers.values()]
    if kind == "categories":
        return [(c.id, c.name.zh if lang == "zh" else c.name.en) for c in kb.process_categories.values()]
    if kind == "industries":
        return [(code, ind.name_zh if lang == "zh" else ind.name_en) for code, ind in kb.industries.items()]
    if kind == "yesno":
        return [("yes", T["lt_yes"]), ("no", T["lt_no"])]
    return [(v, T[f"lt_{kind}_{v}"]) for v in CHOICES[kind]]


def _get(item: dict, key: str) -> Any:
    if "." in key:
        head, sub = key.split(".", 1)
        return (item.get(head) or {}).get(sub)
    return item.get(key)


def _shown(col: Column, value: Any) -> str:
    if value is None:
        return ""
    if col.kind == "yesno":
        return "yes" if value is True else "no" if value is False else ""
    if col.kind == "share" and isinstance(value, (int, float)):
        return f"{value * 100:.10g}%"
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


def table_rows(table: Table, cols: tuple[Column, ...], items: list, kb, lang: str, T: dict[str, str],
               typed: list[tuple[str, dict[str, str]]] | None = None, bad: frozenset[int] = frozenset()) -> list[Row]:
    """The rows to draw: the saved items (or what was typed, after a refusal) and a few empty rows."""
    opts = {c.key: ([("", T["w_unknown"] if not c.required else T["lt_choose"])]
                    + _options("yesno" if c.kind == "yesno" else c.options, kb, lang, T))
            for c in cols if c.kind in ("select", "yesno")}
    if typed is None:
        typed = [(str(i), {c.key: _shown(c, _get(item, c.key)) for c in cols})
                 for i, item in enumerate(items) if isinstance(item, dict)]
    typed = typed + [(NEW, {})] * BLANK_ROWS
    rows = []
    for n, (source, values) in enumerate(typed):
        cells = [Cell(f"{table.name}.{c.key}", "select" if c.key in opts else c.kind if c.kind == "number" else "text",
                      values.get(c.key, ""), opts.get(c.key, [])) for c in cols]
        rows.append(Row(source, cells, n in bad))
    return rows


# --- reading a submitted table ---------------------------------------------------------------------------

@dataclass
class Refusal:
    row: int                      # the row's number on the page (1 = first)
    text: str                     # in the page's language
    tech: dict[str, str] | None = None


def submitted(table: Table, cols: tuple[Column, ...], form) -> list[tuple[str, dict[str, str]]]:
    """(source, column key → text) of each row the page sent, without the rows ticked for removal."""
    sources = [str(s) for s in form.getlist(f"{table.name}.row")]
    removed = {str(s) for s in form.getlist(f"{table.name}.remove")}
    cells = {c.key: [str(v).strip() for v in form.getlist(f"{table.name}.{c.key}")] for c in cols}
    rows = []
    for n, source in enumerate(sources):
        if f"{n}" in removed:
            continue
        rows.append((source, {k: (v[n] if n < len(v) else "") for k, v in cells.items()}))
    return rows


def _value(col: Column, text: str) -> Any:
    from advisor.profile.cells import to_number

    if col.kind == "yesno":
        return {"yes": True, "no": False}.get(text)
    if col.kind in ("number", "share"):
        number = to_number(text)
        if col.kind == "share" and not text.endswith("%") and number > 1:
            number = number / 100
        return number
    return text


def _set(item: dict, key: str, value: Any) -> None:
    if "." in key:
        head, sub = key.split(".", 1)
        if value is None and head not in item:
            return   # no mapping made up for an unknown
        mapping = dict(item.get(head) or {})
        if value is None:
            mapping.pop(sub, None)
        else:
            mapping[sub] = value
        item[head] = mapping
    elif value is None:
        item.pop(key, None)
    else:
        item[key] = value


def _new_id(table: Table, taken: set[str]) -> str:
    stem = {"processes": "process", "enterprises": "enterprise"}[table.name]
    n = len(taken) + 1
    while f"{stem}-{n}" in taken:
        n += 1
    return f"{stem}-{n}"


def build(table: Table, cols: tuple[Column, ...], rows: list[tuple[str, dict[str, str]]], items: list,
          T: dict[str, str]) -> tuple[list[dict], list[Refusal], list[int]]:
    """(the new list, refusals, the page row of each item of the new list)."""
    out: list[dict] = []
    refusals: list[Refusal] = []
    where: list[int] = []
    taken = {str(i.get("id")) for i in items if isinstance(i, dict) and i.get("id")}
    for n, (source, values) in enumerate(rows, start=1):
        if source == NEW and not any(values.values()):
            continue   # an empty row offered for adding
        missing = [T[c.label] for c in cols if c.required and not values.get(c.key)]
        if missing:
            refusals.append(Refusal(n, T["lt_missing"].format(row=n, fields=T["lt_sep"].join(missing))))
            continue
        base = items[int(source)] if source.isdigit() and int(source) < len(items) else {}
        item = copy.deepcopy(base) if isinstance(base, dict) else {}
        bad = False
        for c in cols:
            text = values.get(c.key, "")
            try:
                _set(item, c.key, _value(c, text) if text else None)
            except Exception as exc:   # a number the cells reader refuses
                label = T.get(c.label, c.label)
                refusals.append(Refusal(n, T["lt_not_number"].format(row=n, field=label, value=text),
                                        {"problem": str(exc)}))
                bad = True
        if bad:
            continue
        if table.name in ("processes", "enterprises") and not item.get("id"):
            item["id"] = _new_id(table, taken)
            taken.add(item["id"])
        out.append(item)
        where.append(n)
    return out, refusals, where


def check(adv, answers: dict[str, Any], table: Table, new: list[dict], where: list[int], lang: str,
          T: dict[str, str]) -> list[Refusal]:
    """The profile's own validation of the answers with the new list; each problem with its row."""
    from advisor.profile.files import validate_data
    from advisor.web.messages import say

    changed = {**answers, table.name: new}
    try:
        validate_data(adv.profile_data(changed), T["w_answers_file"], adv.kb)
    except ProfileError as exc:
        out = []
        for issue in exc.issues:
            said = say(issue, adv.book, lang)
            m = ROW_INDEX.match(issue.path or "")
            row = where[int(m["i"])] if m and m["name"] == table.name and int(m["i"]) < len(where) else 0
            text = T["lt_row_problem"].format(row=row, sentence=said["sentence"]) if row else said["sentence"]
            out.append(Refusal(row, text, said["tech"]))
        return out
    return []


def refusal_issues(refusals: list[Refusal], title: str, T: dict[str, str]) -> list[dict[str, Any]]:
    """The refusals as the pages' issue list (_issues.html.j2): the table's name, the row, the reason."""
    return [{"kind": "list", "label": title, "sentence": T["lt_in_table"].format(title=title, text=r.text),
             "tech": ({"file": "", "path": "", "problem": r.tech.get("problem", ""), "fix": r.tech.get("fix", "")}
                      if r.tech and "path" not in r.tech else r.tech)}
            for r in refusals]

