"""Reading typed answers: text as a park manager writes it → the value stored for the question.

The terminal and the web form both call `Reader.read`, so they accept exactly the same text
(162万t, 29亿kWh, 85%, C26:55%, 2018:410 …). Amounts are kept in the question's own unit.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from advisor.kb.names import NameIndex, name_index
from advisor.kb.schemas.questions import Question
from advisor.profile.cells import CellError, is_unknown, split_items, to_bool, to_choice, to_int, to_number, to_share
from advisor.profile.model import TEXT_PATTERN, coerce_number
from advisor.questionnaire.messages import MESSAGES

_TEXT = re.compile(TEXT_PATTERN)


class AnswerError(ValueError):
    """An answer that cannot be read; the message says why and how to write it."""


class PickNeeded(AnswerError):
    """A name that covers several industry divisions: the terminal offers them numbered, the web page lists them
    with their codes. `text` is the whole answer, `name` the ambiguous item's name, `choices` the codes."""

    def __init__(self, message: str, text: str, name: str, choices: tuple[str, ...]):
        super().__init__(message)
        self.text, self.name, self.choices = text, name, choices

    def with_choice(self, number: int) -> str:
        """The answer with the name replaced by the code picked (1 = the first choice)."""
        code = self.choices[number - 1]
        return re.sub(rf"(^|[,，;；、\n]\s*){re.escape(self.name)}", lambda m: m.group(1) + code, self.text, count=1)


# Bare Chinese multipliers (3.2万 enterprises, 120万 in the question's unit); a multiplier glued to a unit
# (162万t, 29亿kWh) is a unit of knowledge/units.csv and is read by advisor.kb.units.
_MULTIPLIERS = {"万": 1e4, "亿": 1e8}
# a number as profile.cells reads it (separators, exponent, percent), then whatever unit follows
_AMOUNT = re.compile(r"^([+-]?(?:\d[\d,_]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?(?:\s*%)?)\s*(.*)$")
_SPLIT = re.compile(r"[,，;；、\n]+")   # the items of an industry list or a series
# an industry item: name or code, then its share – after ':' or '=', after blanks, or glued to a Chinese name
_INDUSTRY_ITEM = (re.compile(r"(.+?)\s*[:=：]\s*(.+)"), re.compile(r"(.+?)\s+(\S+)"),
                  re.compile(r"([^\x00-\x7f]+?)([\d.]+\s*%?)"))
_BLANKS = re.compile(r"\s+")


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


@dataclass
class Reader:
    """Turns typed text into the stored value of a question, in the user's units.

    Words and numbers mean what advisor.profile.cells says they mean everywhere (是/有/yes, 否/无/no,
    不清楚/unknown, 5,210,000, 35%); units and Chinese statistical units come from advisor.kb.units.
    """

    lang: str = "zh"
    units_kb: Any = None          # anything with `.units` (the knowledge base, or units.csv alone)
    industries: frozenset[str] = frozenset()
    # what the last answer's names were read as ("化工 → C26 化学原料和化学制品制造业 55%"), to show back
    notes: list[str] = field(default_factory=list, init=False)

    def msg(self, key: str, **kw: Any) -> str:
        return MESSAGES[self.lang][key].format(**kw)

    @property
    def names(self) -> NameIndex | None:
        """The industry and province names of the knowledge base given as units_kb (None without one)."""
        kb = self.units_kb
        return name_index(kb) if kb is not None and getattr(kb, "industries", None) else None

    def read(self, q: Question, text: str) -> Any:
        """The value of the answer; None when it is blank or says "unknown" (不清楚, unknown …)."""
        self.notes = []
        text = _norm(text)
        if is_unknown(text):
            return None
        handler = getattr(self, f"_read_{q.type}")
        value = handler(q, text)
        if q.type in ("number", "share", "count", "year"):
            self._check_range(q, value)
        return value

    # numbers ------------------------------------------------------------------------------
    def _split_number(self, text: str) -> tuple[float, str, bool]:
        """(the number at the start, the unit text after it, whether the number was a percentage)."""
        m = _AMOUNT.match(text)
        if not m:
            raise AnswerError(self.msg("e_number", text=text))
        try:
            amount = float(to_number(m.group(1)))
        except CellError:  # written like a number, so only its size is wrong: 1e400
            raise AnswerError(self.msg("e_finite", text=text)) from None
        return amount, m.group(2).strip(), m.group(1).endswith("%")

    def _scaled(self, q: Question, amount: float, rest: str) -> float:
        """amount in the question's unit, from a typed unit or a 万/亿 multiplier."""
        if not rest:
            return amount
        from advisor.kb.units import find_unit, normalise_unit

        qrow = find_unit(q.unit, self.units_kb) if q.unit and self.units_kb is not None else None
        if qrow is not None:
            row = find_unit(rest, self.units_kb)
            if row is None and rest[0] in _MULTIPLIERS:
                inner = rest[1:].strip()
                if not inner:
                    return amount * _MULTIPLIERS[rest[0]]
                row = find_unit(inner, self.units_kb)
                if row is not None and row.dimension == qrow.dimension:
                    return amount * _MULTIPLIERS[rest[0]] * row.to_base / qrow.to_base
                row = None
            if row is not None and row.dimension == qrow.dimension:
                return amount * row.to_base / qrow.to_base
            from advisor.kb.units import unit_error

            raise AnswerError(str(unit_error(rest, self.units_kb, qrow.dimension)))
        factor = 1.0
        if rest[0] in _MULTIPLIERS:
            factor, rest = _MULTIPLIERS[rest[0]], rest[1:].strip()
        if not rest or (q.unit and normalise_unit(rest) == normalise_unit(q.unit)):
            return amount * factor
        raise AnswerError(self.msg("e_unit", unit=rest, expected=q.unit or "–"))

    def _read_number(self, q: Question, text: str) -> float:
        amount, rest, _ = self._split_number(text)
        value = self._scaled(q, amount, rest)
        try:
            return float(coerce_number(value))   # 1e305万 is finite as typed, not once scaled; a profile's limits
        except CellError:
            raise AnswerError(self.msg("e_finite", text=text)) from None

    def _read_share(self, q: Question, text: str) -> float:
        """85% or 0.85; a bare number above the question's maximum (85) is taken for a forgotten %."""
        amount, rest, percent = self._split_number(text)
        if rest or (not percent and amount > (q.max if q.max is not None else 1)):
            raise AnswerError(self.msg("e_share"))
        return amount

    def _read_count(self, q: Question, text: str) -> int:
        value = self._read_number(q, text)
        if abs(value - round(value)) > 1e-9:   # 1.1万 is 11000.000000000002
            raise AnswerError(self.msg("e_count"))
        return int(round(value))

    def _read_year(self, q: Question, text: str) -> int:
        lo, hi = int(q.min or 1949), int(q.max or 2100)
        try:
            year = to_int(text)
        except CellError:
            raise AnswerError(self.msg("e_year", min=lo, max=hi)) from None
        if not lo <= year <= hi:
            raise AnswerError(self.msg("e_year", min=lo, max=hi))
        return year

    def _check_range(self, q: Question, value: float) -> None:
        lo = q.min if q.min is not None else (0 if q.type in ("share", "count") else None)
        hi = q.max if q.max is not None else (1 if q.type == "share" else None)
        if lo is not None and value < lo:
            raise AnswerError(self.msg("e_range_min", min=show_value(lo)))
        if hi is not None and value > hi:
            raise AnswerError(self.msg("e_range_max", max=show_value(hi)))

    # words --------------------------------------------------------------------------------
    def _read_yesno(self, q: Question, text: str) -> bool:
        try:
            value = to_bool(text)
        except CellError:
            raise AnswerError(self.msg("e_yesno")) from None
        if value is None:   # read() has already taken every unknown word
            raise AnswerError(self.msg("e_yesno"))
        return value

    def _choice(self, q: Question, text: str) -> str:
        """The choice named by its number, its value or its text in either language (any case)."""
        spellings: dict[str, str] = {}
        for i, c in enumerate(q.choices or [], 1):
            for name in (str(i), c.value, c.text.zh, c.text.en):
                spellings.setdefault(name, c.value)
        try:
            return spellings[to_choice(text, spellings)]
        except CellError:
            names = ", ".join(f"{i}) {c.text.in_lang(self.lang)}" for i, c in enumerate(q.choices or [], 1))
            raise AnswerError(self.msg("e_choice", text=text, choices=names)) from None

    def _read_choice(self, q: Question, text: str) -> str:
        return self._choice(q, text)

    def _read_list(self, q: Question, text: str) -> list:
        """Choices separated as in a list cell (, ; 、); a none word (无, none) is the empty list.
        An item that names no choice may be several written with blanks between them (1 2 3)."""
        values: list[str] = []
        for item in split_items(text):
            try:
                values.append(self._choice(q, item))
            except AnswerError:
                parts = _BLANKS.split(item)
                if len(parts) == 1:
                    raise
                values.extend(self._choice(q, part) for part in parts)
        values = list(dict.fromkeys(values))
        return [{q.item_field: v, **q.item_extra} for v in values] if q.item_field else values

    def _read_text(self, q: Question, text: str) -> str:
        if not text:
            raise AnswerError(self.msg("e_empty_text"))
        if not _TEXT.match(text):   # the profile's rule for free text
            code = next(ord(c) for c in text if not _TEXT.match(c))
            raise AnswerError(self.msg("e_control", code=f"U+{code:04X}"))
        if q.pattern and not re.fullmatch(q.pattern, text):
            raise AnswerError(self.msg("e_pattern"))
        if q.names == "province" and self.names is not None:
            name = self.names.province(text)
            if name is None:
                raise AnswerError(self.msg("e_province", text=text))
            if name != text:
                self.notes.append(f"{text} → {name}")
            return name
        if q.names == "city" and self.names is not None:
            city = self.names.city(text)
            if city is None:
                raise AnswerError(self.msg("e_city", text=text))
            if city.name_zh != text:
                self.notes.append(f"{text} → {city.name_zh}")
            return city.name_zh
        return text

    # structured ---------------------------------------------------------------------------
    def _industry_code(self, name: str, text: str) -> str:
        """The division of a code or name; PickNeeded when the name covers several divisions."""
        if re.fullmatch(r"[A-Za-z]\d{2}", name):
            code = name.upper()
            if self.industries and code not in self.industries:
                raise AnswerError(self.msg("e_industry_code", code=code))
            return code
        index = self.names
        match = index.industry(name) if index is not None else None
        if match is None:
            raise AnswerError(self.msg("e_industry_name", text=name))
        if match.code:
            return match.code
        assert index is not None
        options = ("；" if self.lang == "zh" else "; ").join(
            f"{i}) {c} {index.division_name(c, self.lang)}" for i, c in enumerate(match.choices, 1))
        raise PickNeeded(self.msg("e_industry_pick", text=name, choices=options, code=match.choices[0]),
                         text, name, match.choices)

    def _read_industries(self, q: Question, text: str) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        seen: set[str] = set()
        for item in (p.strip() for p in _SPLIT.split(text) if p.strip()):
            m = next((m for pattern in _INDUSTRY_ITEM if (m := pattern.fullmatch(item))), None)
            if not m:
                raise AnswerError(self.msg("e_industry_item", text=item))
            name = m.group(1).strip()
            code = self._industry_code(name, text)
            if code in seen:
                raise AnswerError(self.msg("e_industry_dupe", code=code))
            seen.add(code)
            try:
                share = to_share(m.group(2).strip().replace("％", "%"))
            except CellError:
                raise AnswerError(self.msg("e_share")) from None
            rows.append({"code": code, "share": share})
            shown = f"{code} {self.names.division_name(code, self.lang)}" if self.names is not None else code
            pct = f"{share * 100:.4g}%"
            self.notes.append(f"{name} → {shown} {pct}" if name.upper() != code else f"{shown} {pct}")
        if not rows:
            raise AnswerError(self.msg("e_industry_item", text=text))
        total = sum(float(r["share"]) for r in rows)
        if total > 1 + 1e-6:
            raise AnswerError(self.msg("e_industry_sum", total=total))
        return rows

    def _read_series(self, q: Question, text: str) -> dict[str, float]:
        out: dict[str, float] = {}
        for item in (p.strip() for p in _SPLIT.split(text) if p.strip()):
            m = re.fullmatch(r"(\d{4})\s*(?:年)?\s*[:=\s]\s*(.+)", item)
            if not m:
                raise AnswerError(self.msg("e_series_item", text=item))
            year = int(m.group(1))
            if not 1949 <= year <= 2100:
                raise AnswerError(self.msg("e_year", min=1949, max=2100))
            value = self._read_number(q, m.group(2).strip())
            if value < 0:
                raise AnswerError(self.msg("e_range_min", min=0))
            out[str(year)] = value
        if not out:
            raise AnswerError(self.msg("e_series_item", text=text))
        return out


def show_value(value: Any) -> str:
    """A stored value as text the Reader reads back: 1620000, national, C26:55%, 2018:410, true."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, list):
        return ", ".join(show_value(v.get("kind") if isinstance(v, dict) and "kind" in v else
                               (f"{v['code']}:{v['share']:.0%}" if isinstance(v, dict) and "code" in v else v))
                         for v in value) or "[]"
    if isinstance(value, dict):
        return ", ".join(f"{k}:{show_value(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def unit_hint(q: Question, units_kb: Any, lang: str) -> str:
    """The question's unit and a few others of the same kind the Reader converts from; '' without a unit."""
    if not q.unit:
        return ""
    from advisor.kb.units import accepted_units, find_unit

    row = find_unit(q.unit, units_kb) if units_kb is not None else None
    if row is None:
        return MESSAGES[lang]["unit"].format(unit=q.unit)
    others = [u for u in accepted_units(units_kb, row.dimension) if u != q.unit][:4]
    return MESSAGES[lang]["units"].format(unit=q.unit, examples=", ".join(others))
