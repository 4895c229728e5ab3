"""What text shown to people must not hold: field paths and rule ids (they stay in the JSON keys for tools),
English sentences in Chinese output and Chinese in English output (names from the park's profile aside)."""

from __future__ import annotations

import re

from advisor.decide.checks import FIELD_PATH, RULE_ID_IN_TEXT

FILE_NAME = re.compile(r"\.(csv|yaml|png)$")   # a file a text names is not a field path
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
# a word and three or more lower-case words after it: an English phrase, not units or substances (NOx, PM, COD)
ENGLISH_RUN = re.compile(r"\b[A-Za-z][a-z]+(?:[ ,;:'’-]+[a-z]{2,}){3,}")
# an id with an underscore (coal_chp, national_default, non_energy) shown instead of its label; not part of a file
# or folder name (demo-zh_files/…)
CODE_ID = re.compile(r"(?<![\w/.-])[a-z]+(?:_[a-z0-9]+)+(?![\w/.-])")


# The allow-list, small and explicit: what may stay in the other language.
# - Chinese units as the park writes them (万t, 亿kWh, 万Nm3, 万元/亿元) – a unit, not a sentence;
# - the guideline's title, cited as it is published.
CHINESE_UNIT = re.compile(r"[万亿](?:元|吨|(?=[A-Za-z]))")
CITED_TITLES = ("产业园区减污降碳协同控制指南",)


def problems(text: str, lang: str, names: tuple[str, ...] = ()) -> list[str]:
    """What is wrong with `text` shown in `lang`; `names` (the park's own, from its profile) are left out, and so are
    the allow-listed units and cited titles. Units, chemical formulas, standard codes (GB/T 2589) and measure ids
    (7.3.2) never match the patterns in the first place."""
    for name in sorted(set(names) | set(CITED_TITLES), key=len, reverse=True):
        text = text.replace(name, " ")
    text = CHINESE_UNIT.sub(" ", text)
    found = [f"field path: {m}" for m in FIELD_PATH.findall(text) if not FILE_NAME.search(m)]
    found += [f"rule id: {m}" for m in RULE_ID_IN_TEXT.findall(text)]
    if lang == "zh":
        found += [f"English: {m}" for m in ENGLISH_RUN.findall(text)]
        found += [f"code: {m}" for m in CODE_ID.findall(text)]
    else:
        found += [f"Chinese: {m}" for m in CJK.findall(text)]
    return sorted(set(found))


def profile_names(profile) -> tuple[str, ...]:
    """The names a profile gives (park, processes, enterprises): shown as written, in any language."""
    names = [profile.park.name, profile.park.name_en or ""]
    names += [p.name or "" for p in profile.processes or []]
    names += [e.name or "" for e in getattr(profile, "enterprises", None) or []]
    return tuple(n for n in names if n)


def profile_texts(profile) -> tuple[str, ...]:
    """The names and the free texts a profile gives (boundary description, notes, a factor's source, the unit of its
    economic series …), shown as written in either language. Ids (no space, no Chinese) are not among them: an id
    shown instead of its label is still found."""
    found: list[str] = list(profile_names(profile))

    def walk(node) -> None:
        if isinstance(node, str):
            if CJK.search(node) or " " in node.strip():
                found.append(node)
        elif isinstance(node, dict):
            for v in node.values():
                walk(v)
        elif isinstance(node, (list, tuple)):
            for v in node:
                walk(v)

    walk(profile.model_dump(mode="json"))
    return tuple(dict.fromkeys(found))


def strings(node) -> str:
    """Every string shown from a (report context) structure, one per line."""
    if isinstance(node, str):
        return node
    if isinstance(node, dict):   # a block's id and type are how the context is built, never shown
        return "\n".join(strings(v) for k, v in node.items() if k not in ("id", "type"))
    if isinstance(node, (list, tuple)):
        return "\n".join(strings(v) for v in node)
    return ""
