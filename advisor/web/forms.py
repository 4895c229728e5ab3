"""Questions as form fields, and form fields back into answers – read by the questionnaire's Reader.

Every answer goes through `Reader.read`, so the web accepts exactly what `park-advisor ask` accepts
(162万t, 29亿kWh, 85%, C26:55% …). Radio buttons and check boxes send the choice values, which the
Reader reads like typed text. An empty field, the "unknown" radio or no ticked box is unknown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from advisor.kb.schemas.questions import Question
from advisor.questionnaire import MESSAGES, AnswerError, QuestionFlow, Reader, show_value, unit_hint
from advisor.web.grids import is_grid, rows_text, stored_rows, submitted_rows, with_blank_rows
from advisor.web.list_tables import TABLES, uploaded_lists

UNKNOWN = "__unknown__"
NONE = "__none__"
NONE_WORD = "none"   # what a ticked "none" box is read as: a word of advisor.profile.cells.NONE_WORDS


@dataclass
class FieldView:
    """One question as the template draws it."""

    id: str
    kind: str                    # input | radio | checkbox | select | rows | fixed
    text: str
    help: str
    required: bool
    value: str = ""              # input: the text shown
    options: list[tuple[str, str, bool]] = field(default_factory=list)   # (value, label, checked)
    unknown: bool = False        # radio / checkbox: "unknown" is selected
    none: bool = False           # checkbox: "none" is ticked
    unit: str = ""
    error: str = ""
    stakes: list[tuple[str, str]] = field(default_factory=list)
    stake_note: str = ""
    fixed: str = ""              # kind fixed: the value from an uploaded profile
    fixed_list: str = ""         # kind fixed: the uploaded list it is a part of, when that list has a table
    lists: list[tuple[str, str, int]] = field(default_factory=list)   # first field: (list, title, rows) of the topic
    rows: list[tuple[str, str]] = field(default_factory=list)   # kind rows: (year, value) or (industry, share)
    row_kind: str = ""           # kind rows: series | industries
    groups: list[tuple[str, str, bool, list[tuple[str, str, bool]]]] = field(default_factory=list)
    # kind select in groups (the city): (province name_zh, its label, shown, [(value, label, selected)])
    hidden: bool = False         # a follow-up whose condition does not hold yet
    follow_up: bool = False      # has a condition: the page's script opens and closes it as answers change
    new: bool = False            # opened by the answers just saved


# --- which questions ----------------------------------------------------------------------------

def visible(flow: QuestionFlow, q: Question) -> bool:
    """Shown on its topic page: it can matter and its ask_if holds, or may hold once this page is answered."""
    if not flow.can_matter(q):
        return False
    # false or unknown now, it may still hold once a question it reads is answered (`exists` is false until then)
    return flow.ask_if(q) is True or flow.may_hold_later(q)


def shown(flow: QuestionFlow, q: Question) -> bool:
    """Shown open on its page now: its ask_if holds. A follow-up whose condition may hold once this page is
    answered is on the page but hidden until it does (the page's script, or the next save, opens it)."""
    return flow.ask_if(q) is True


def topic_questions(flow: QuestionFlow, topic: str) -> list[Question]:
    return [q for q in flow.book.questions if q.topic == topic and visible(flow, q)]


def topics_in_use(flow: QuestionFlow) -> list[str]:
    return [t.id for t in flow.book.topics if any(shown(flow, q) for q in topic_questions(flow, t.id))]


def progress(flow: QuestionFlow, questions: list[Question]) -> dict[str, int]:
    """Answered (or seen and left unknown) out of the questions shown: a hidden follow-up counts once it opens."""
    open_now = [q for q in questions if visible(flow, q) and shown(flow, q)]
    return {"done": sum(1 for q in open_now if flow.settled(q)), "total": len(open_now)}


# --- current values -------------------------------------------------------------------------------

def ancestor_answer(answers: dict[str, Any], path: str) -> str | None:
    """A broader path answered as a whole (e.g. `energy` as a list from an uploaded profile)."""
    return next((p for p in answers if path.startswith(p + ".")), None)


def current_value(answers: dict[str, Any], path: str) -> Any:
    """The answer at `path`: the value itself, or a mapping rebuilt from the paths under it; None if unknown."""
    if path in answers:
        return answers[path]
    under = {p[len(path) + 1:]: v for p, v in answers.items() if p.startswith(path + ".")}
    if not under:
        return None
    tree: dict[str, Any] = {}
    for rest, v in under.items():
        node = tree
        parts = rest.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = v
    return tree


def _pct(x: Any) -> str:
    return f"{float(x) * 100:.10g}%"


def display_text(q: Question, value: Any) -> str:
    """A stored value as text that the Reader reads back to the same value."""
    if value is None:
        return ""
    if q.type == "share" and isinstance(value, (int, float)):
        return _pct(value)
    if q.type == "industries" and isinstance(value, list):
        return ", ".join(f"{r.get('code')}:{_pct(r.get('share', 0))}" if isinstance(r, dict) else str(r) for r in value)
    return show_value(value)   # a series shows as 2018:410, 2022:512.3


def readable_text(q: Question, value: Any, lang: str, provinces: dict | None = None) -> str:
    """A stored value as a person reads it in `lang`: 是/否 (yes/no) and the choices' labels instead of the
    stored true/false and choice values, a province by its name in `lang`; '' when unknown (the page says so in
    its own words)."""
    if value is None:
        return ""
    if provinces and isinstance(value, str) and value in provinces and lang != "zh":
        return provinces[value].name_en
    if isinstance(value, bool):
        return MESSAGES[lang]["yes_label" if value else "no_label"]
    labels = {c.value: c.text.in_lang(lang) for c in q.choices or []}
    if isinstance(value, str) and value in labels:
        return labels[value]
    if value == []:
        from advisor.web.texts import texts

        return texts(lang)["none"]
    if isinstance(value, list) and labels:
        items = [item.get(q.item_field) if isinstance(item, dict) and q.item_field else item for item in value]
        return ("、" if lang == "zh" else ", ").join(labels.get(str(i), str(i)) for i in items)
    return display_text(q, value)


def _whole_text(value: Any, lang: str) -> str:
    """A section the uploaded profile gives as a whole (a list of energy rows, processes …): how many entries, in
    words – its rows are shown in the results and the report, not dumped here as data."""
    from advisor.web.texts import texts

    n = len(value) if isinstance(value, (list, dict)) else 1
    return texts(lang)["w_fixed_entries"].format(n=n)


def _list_values(q: Question, value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    out = []
    for item in value:
        out.append(str(item.get(q.item_field)) if isinstance(item, dict) and q.item_field else str(item))
    return out


def city_groups(kb: Any, province: Any, chosen: Any, lang: str
                ) -> list[tuple[str, str, bool, list[tuple[str, str, bool]]]]:
    """The cities of knowledge/cities.csv by province, for a select: each province's group is shown when it is
    the chosen province, or when no known province is chosen (and the group of the chosen city is always shown,
    so that a city of another province is seen and can be corrected). Cities go by their Chinese names: the
    knowledge base has no other."""
    from advisor.kb.names import name_index

    index = name_index(kb)
    known = province if isinstance(province, str) and province in kb.provinces else None
    out = []
    for name, prov in kb.provinces.items():
        cities = index.cities_of(name)
        if not cities:
            continue
        options = [(c.name_zh, c.name_zh, chosen == c.name_zh) for c in cities]
        shown_here = known is None or name == known or any(o[2] for o in options)
        out.append((name, name if lang == "zh" else prov.name_en, shown_here, options))
    return out


def field_views(flow: QuestionFlow, questions: list[Question], reader: Reader, lang: str, titles: dict[str, str],
                errors: dict[str, str] | None = None, typed: dict[str, Any] | None = None,
                new: frozenset[str] = frozenset()) -> list[FieldView]:
    errors, typed = errors or {}, typed or {}
    answers = flow.session.answers
    views = []
    for q in questions:
        stakes = [(m, titles.get(m, "")) for m in flow.stakes.get(q.id, [])]
        note = "" if stakes else MESSAGES[lang]["no_stake_analysis" if flow.always_asked(q) else "no_stake"]
        v = FieldView(id=q.id, kind="input", text=q.text.in_lang(lang), help=q.help.in_lang(lang),
                      required=q.required, unit=unit_hint(q, reader.units_kb, lang), error=errors.get(q.id, ""),
                      stakes=stakes, stake_note=note, hidden=not shown(flow, q), follow_up=q.ask_if is not None,
                      new=q.id in new)
        whole = ancestor_answer(answers, q.path)
        value = current_value(answers, q.path)
        asked = q.id in flow.session.asked
        if whole is not None:
            v.kind = "fixed"
            v.fixed = _whole_text(answers[whole], lang)
            v.fixed_list = whole if whole in TABLES else ""
        elif q.type in ("yesno", "choice"):
            v.kind = "radio"
            chosen = typed.get(q.id, value)
            if q.type == "yesno":
                opts = [("yes", MESSAGES[lang]["yes_label"], chosen is True or chosen == "yes"),
                        ("no", MESSAGES[lang]["no_label"], chosen is False or chosen == "no")]
            else:
                opts = [(c.value, c.text.in_lang(lang), chosen == c.value) for c in q.choices or []]
            v.options = opts
            v.unknown = not any(o[2] for o in opts) and (asked or chosen == UNKNOWN)
        elif q.type == "list":
            v.kind = "checkbox"
            if q.id in typed:
                ticked = list(typed[q.id])
            else:
                ticked = _list_values(q, value)
                if value == []:
                    ticked = [NONE]
            v.options = [(c.value, c.text.in_lang(lang), c.value in ticked) for c in q.choices or []]
            v.none = NONE in ticked
        elif is_grid(q) and not isinstance(typed.get(q.id), str):
            v.kind, v.row_kind = "rows", q.type
            rows = typed[q.id] if q.id in typed else stored_rows(q, value, lang, reader.units_kb)
            v.rows = with_blank_rows(rows)
        elif getattr(q, "names", None) == "province" and getattr(reader.units_kb, "provinces", None):
            v.kind = "select"   # a province is picked from the list, never typed
            chosen = typed.get(q.id, value)
            v.options = [(p.name_zh, p.name_zh if lang == "zh" else p.name_en, chosen == p.name_zh)
                         for p in reader.units_kb.provinces.values()]
            v.unknown = not any(o[2] for o in v.options)
        elif getattr(q, "names", None) == "city" and getattr(reader.units_kb, "cities", None):
            v.kind = "select"   # a city is picked from its province's list; the page's script follows the province
            chosen = typed.get(q.id, value)
            province = typed.get("park-province", current_value(answers, "park.province"))
            v.groups = city_groups(reader.units_kb, province, chosen, lang)
            v.unknown = not any(o[2] for g in v.groups for o in g[3])
        else:
            v.value = str(typed[q.id]) if q.id in typed else display_text(q, value)
        views.append(v)
    if views:   # the uploaded lists asked on this page, each edited as a table of its own
        from advisor.web.texts import texts

        views[0].lists = [(name, texts(lang)[TABLES[name].title], len(answers[name]))
                          for name in uploaded_lists(answers) if TABLES[name].topic == questions[0].topic]
    return views


# --- reading a submitted page -------------------------------------------------------------------------

def raw_answer(q: Question, form, kb=None) -> tuple[str, Any]:
    """(text for the Reader, what to show again on error) from the submitted form."""
    rows = submitted_rows(q, form) if is_grid(q) else None
    if rows is not None:
        return rows_text(q, rows, kb), [r for r in rows if r != ("", "")]
    if q.type == "list":
        ticked = [str(x) for x in form.getlist(q.id)]
        if NONE in ticked:
            return NONE_WORD, ticked
        return ",".join(ticked), ticked
    text = str(form.get(q.id) or "")
    if text == UNKNOWN:
        return "", UNKNOWN
    return text.strip(), text


def read_answers(questions: list[Question], form, reader: Reader, required_text: str
                 ) -> tuple[dict[str, Any], dict[str, str], dict[str, Any]]:
    """(question id → value or None for unknown, question id → error, question id → raw input for errors)."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    typed: dict[str, Any] = {}
    for q in questions:
        text, shown = raw_answer(q, form, reader.units_kb)
        try:
            value = reader.read(q, text)
        except AnswerError as exc:
            errors[q.id] = str(exc)
            typed[q.id] = shown
            continue
        if value is None and q.required:   # blank, or a word for "unknown"
            errors[q.id] = required_text
            typed[q.id] = shown
            continue
        values[q.id] = value
    return values, errors, typed
