"""Labels and number formats of the report, and the blocks its sections are made of (paragraph, table).

The labels of the terminal views are read here too, from terminal_labels.yaml beside the report's labels.yaml."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from advisor.errors import AdvisorError, Issue
from advisor.kb.paths import templates_dir

LANGS = ("zh", "en")


class ReportError(AdvisorError):
    """A report could not be written (unknown format, unwritable path)."""


@cache
def _label_table(file: str = "labels.yaml", group: str | None = None) -> dict[str, dict[str, str]]:
    """{key: {zh, en}} of a label file (or of one group in it), checked."""
    from advisor.kb.safe_load import load_data_file

    path = templates_dir() / file
    data = load_data_file(path, ReportError)
    if group is not None:
        data = data.get(group) if isinstance(data, dict) else None
        if not isinstance(data, dict):
            raise ReportError([Issue(str(path), group, "the group of labels is missing",
                                     f"restore the '{group}:' section of the file")])
    bad = [k for k, v in data.items()
           if not (isinstance(v, dict) and set(v) == set(LANGS) and all(isinstance(v[x], str) for x in LANGS))]
    if bad:
        raise ReportError([Issue(str(path), k, "a label needs text for zh and en, nothing else",
                                 "write {zh: …, en: …} and quote text that contains a comma")
                           for k in bad])
    return data


def labels(lang: str) -> dict[str, str]:
    """Every report label in one language."""
    return {key: value[lang] for key, value in _label_table().items()}


def terminal_labels(view: str, lang: str) -> dict[str, str]:
    """The labels of one terminal view ('analysis' or 'advice') in one language."""
    return {key: value[lang] for key, value in _label_table("terminal_labels.yaml", view).items()}


DASH = "—"


def fmt_num(x: Any, digits: int | None = None) -> str:
    """1234567.8 → '1,234,568'; small numbers keep significant digits; None → '—'."""
    if x is None or isinstance(x, bool):
        return DASH
    try:
        x = float(x)
    except (TypeError, ValueError):
        return str(x)
    if digits is None:
        ax = abs(x)
        digits = 0 if ax >= 100 else 1 if ax >= 10 else 2 if ax >= 1 else 3 if ax >= 0.01 else 4
        if ax == 0:
            digits = 0
    return f"{x:,.{digits}f}"


def fmt_pct(x: Any, signed: bool = False) -> str:
    if x is None or isinstance(x, bool):
        return DASH
    return f"{float(x) * 100:+.1f}%" if signed else f"{float(x) * 100:.1f}%"


def text_in(x: Any, lang: str) -> str:
    """Knowledge Text, {zh, en} dicts, plain strings, lists – as one string."""
    if x is None:
        return ""
    if hasattr(x, "in_lang"):
        return x.in_lang(lang)
    if isinstance(x, dict):
        if lang in x and isinstance(x[lang], str):
            return x[lang]
        for key in ("text", "message", "note", "warning", "problem"):
            picked = pick(x, key, lang)
            if picked is not None:
                return text_in(picked, lang)
        return "; ".join(f"{k}: {value_text(v)}" for k, v in x.items())
    if isinstance(x, (list, tuple)):
        return "; ".join(text_in(i, lang) for i in x)
    return str(x)


def pick(d: dict, key: str, lang: str) -> Any:
    """d['key_zh'] / d['key_en'] / d['text_en'] style fields: the one in `lang`, else d['key']."""
    for k in (f"{key}_{lang}", f"{key}_en" if lang == "en" else None):
        if k and d.get(k) is not None:
            return d[k]
    return d.get(key)


def value_text(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return fmt_num(v)
    if isinstance(v, (list, tuple)):
        return ", ".join(value_text(i) for i in v)
    return str(v)


def table_block(caption: str, columns: list[str], rows: list[list[Any]]) -> dict:
    cells = [[c if isinstance(c, str) else value_text(c) for c in row] for row in rows]
    return {"type": "table", "caption": caption, "columns": list(columns), "rows": cells,
            "numeric": numeric_columns(cells, len(columns))}


_NUMBER = re.compile(r"^[+\-−]?[\d,]+(\.\d+)?%?$")


def numeric_columns(rows: list[list[str]], n: int) -> list[bool]:
    """Which columns hold only numbers (or a dash for unknown), to be set right-aligned."""
    n = n or max((len(r) for r in rows), default=0)
    out = []
    for i in range(n):
        values = [r[i].strip() for r in rows if i < len(r) and r[i].strip() not in ("", DASH)]
        out.append(bool(values) and all(_NUMBER.match(v) for v in values))
    return out


def paragraph(text: str) -> dict:
    return {"type": "paragraph", "text": text}


# --- the sources of emission factors and the notes of end-of-pipe trade-offs, in the reader's language ----------
# The knowledge tables keep an English `source` (JSON and tools read it) and a Chinese `source_zh`; a source the
# park gave in its profile is shown as written. The notes the accounting writes on trade-offs are English: each
# known part has its Chinese text among the labels (note_*), a part with a blank (a pollutant, a control) a pattern.
_NOTE_PATTERNS = (
    (re.compile(r"give removed_t\.(\S+) to estimate the CO2 added"), "note_give_removed"),
    (re.compile(r"no reagent or combustion CO2 factor for '([^']+)' in knowledge: not treated as adding CO2 "
                r"\(its electricity and fuel are counted through the energy rows\)"), "note_no_factor"),
    (re.compile(r"the same source as (\S+), which reports its CO2: counted once"), "note_same_source"),
)


@cache
def _sources_zh() -> dict[str, str]:
    """{English source: Chinese source} of every row of the factor tables that has both."""
    from advisor.kb.knowledge import load_knowledge

    kb = load_knowledge()
    rows: list[Any] = [*kb.grid_factors, *kb.fuel_factors, *kb.other_factors.values(), *kb.gwp.values()]
    return {r.source: r.source_zh for r in rows if r.source_zh}


def factor_source(source: str | None, tier: str | None, lang: str) -> str:
    """The source of a factor in `lang`: the table's Chinese text, the label of a factor the accounting sets itself
    (renewable, biogenic, counted elsewhere), else the text as given."""
    if not source:
        return ""
    table = labels(lang)
    if f"source_{tier}" in table:
        return table[f"source_{tier}"]
    return (_sources_zh().get(source) if lang == "zh" else None) or source


def trade_off_note(note: str | None, lang: str) -> str:
    """The accounting's note on a trade-off ('; '-separated parts) in `lang`."""
    if not note or lang != "zh":
        return note or ""
    table = {v["en"]: v["zh"] for k, v in _label_table().items() if k.startswith("note_")}
    parts = []
    for part in note.split("; "):
        text = table.get(part)
        for pattern, key in _NOTE_PATTERNS:
            m = pattern.fullmatch(part)
            if text is None and m:
                text = labels("zh")[key].format(m.group(1))
        parts.append(text or part)
    return "；".join(parts)


_FACTOR_WORDS_ZH = ((" removed (as NO2)", "（去除量，以NO2计）"), (" removed", "（去除量）"),
                    (" support gas/t", " 助燃天然气/t"), (" urea", " 尿素"))


def factor_text(text: str | None, lang: str) -> str:
    """A trade-off's factor ('0.6875 t CO2/t SO2 removed') with the English words of its units in `lang`."""
    if not text or lang != "zh":
        return text or ""
    for en, zh in _FACTOR_WORDS_ZH:
        text = text.replace(en, zh)
    return text
