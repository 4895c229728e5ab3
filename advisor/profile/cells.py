"""The cell vocabulary: what a typed or spreadsheet value means, the same in every reader.

The workbook reader, the batch-row reader and the questionnaire all read people's entries through
these functions, so `有`, `TRUE` and `yes` are one answer everywhere, `35%` is 0.35 everywhere and
`1e400` is refused everywhere. A blank cell, or a word such as `未知` or `unknown`, means "unknown":
the key is left out of the profile, never read as "no" or 0.

API (stable; other packages rely on these signatures):

- ``CellError(problem, fix="")`` – a value that cannot be read; ``.problem`` says what is wrong,
  ``.fix`` how to write it. A ``ValueError``.
- ``is_blank(value)`` – None or text of blanks only.
- ``is_unknown(value)`` – blank, or a word for "unknown" (UNKNOWN_WORDS).
- ``is_none_word(value)`` – a word for "known to be none" (NONE_WORDS), for lists.
- ``to_bool(value)`` – True/False from yes/no words, Excel booleans and 1/0; None when unknown.
- ``to_number(value, what="")`` – a finite number from a number or text (``5.21e6``, ``5,210,000``,
  ``35%`` = 0.35). ``what`` is appended to the problem, e.g. ``" (share in 'C26:x')"``.
- ``to_int(value, what="")`` – a whole number (``2022``, ``2022.0``, ``2022年``).
- ``to_share(value, what="")`` – a number from 0 to 1 (``0.35`` or ``35%``).
- ``to_text(value)`` – stripped text; whole floats without ``.0`` (Excel gives 2022.0 for 2022).
- ``to_choice(value, choices)`` – the listed choice a value names (exact, then ignoring case).
- ``split_items(text)`` – the items of a list of names (``a, b；c、d``); [] for a none word.
- ``read_as(kind, value, choices=())`` – a value read as a field of kind bool, number, int, text or choice
  (advisor.profile.fields names the kinds; others are kept as they are); None when blank or unknown.
- ``reader(kind, choices=())`` – the converter read_as applies, to choose once and call for many values
  (it may raise CellError for an unknown word: check is_unknown(value) when a value fails).

Numbers with units and Chinese amounts (万t, 亿元) are read by advisor.kb.units, not here.
The profile format and these words are described in docs/profile-format.md.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from advisor.errors import did_you_mean

__all__ = [
    "BOOL_FIX", "BOOL_SPELLINGS", "FALSE_WORDS", "LONGEST_WORD", "NONE_WORDS", "NUMBER_FIX", "TRUE_WORDS",
    "UNKNOWN_WORDS",
    "CellError", "is_blank", "is_none_word", "is_unknown", "read_as", "reader", "split_items", "to_bool", "to_choice",
    "to_int", "to_number", "to_share", "to_text",
]

TRUE_WORDS = frozenset({"true", "yes", "y", "t", "1", "是", "有", "对", "是的"})
FALSE_WORDS = frozenset({"false", "no", "n", "f", "0", "否", "无", "没有", "不是", "不对"})
UNKNOWN_WORDS = frozenset({"unknown", "未知", "不详", "不清楚", "不知道", "null", "~", "?", "？", "n/a"})
NONE_WORDS = frozenset({"none", "无", "没有", "(none)", "（无）", "(无)", "[]", "-none-"})

BOOL_FIX = "write true or false (also yes/no, 是/否, 1/0), or leave the cell empty when unknown"
NUMBER_FIX = "write a plain number such as 5.21e6, 5210000 or 35%, or leave it empty when unknown"
WHOLE_FIX = "write a whole number such as 2022"
SHARE_FIX = "shares are fractions from 0 to 1: write 0.35 or 35% for 35 %"

LONGEST_WORD = max(map(len, TRUE_WORDS | FALSE_WORDS | UNKNOWN_WORDS | NONE_WORDS))
_NUMBER_TEXT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
LIST_SEPARATORS = ",，;；、"     # where split_items splits a list of names
_LIST_SPLIT = re.compile(f"[{re.escape(LIST_SEPARATORS)}]+")
# yes/no words as they are usually written (any case of the latin ones): one dict look-up (to_bool's and the
# batch row reader's fast path)
BOOL_SPELLINGS = {**dict.fromkeys(TRUE_WORDS, True), **dict.fromkeys(FALSE_WORDS, False)}
BOOL_SPELLINGS.update({w.upper(): v for w, v in list(BOOL_SPELLINGS.items())})
BOOL_SPELLINGS.update({w.capitalize(): v for w, v in list(BOOL_SPELLINGS.items())})


class CellError(ValueError):
    """A value that cannot be read; carries what is wrong and how to write it."""

    def __init__(self, problem: str, fix: str = "") -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix


def _word(value: Any) -> str:
    """The comparison form of a word: full-width letters folded, blanks stripped, lower case."""
    return unicodedata.normalize("NFKC", str(value)).strip().lower()


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_one_of(value: Any, words: frozenset[str]) -> bool:
    """Whether a value is text naming one of `words` (blanks, case and full-width letters aside)."""
    return isinstance(value, str) and _stripped_is_one_of(value.strip(), words)


def _stripped_is_one_of(word: str, words: frozenset[str]) -> bool:
    if len(word) > LONGEST_WORD:        # every text cell of a batch passes here: most are longer
        return False
    return word in words or (word.lower() if word.isascii() else _word(word)) in words


def is_unknown(value: Any) -> bool:
    """Blank, or a word that says "unknown": the key is left out of the profile."""
    if not isinstance(value, str):
        return value is None
    word = value.strip()
    return not word or _stripped_is_one_of(word, UNKNOWN_WORDS)


def is_none_word(value: Any) -> bool:
    """A word that says "known to be none" (an empty list)."""
    return _is_one_of(value, NONE_WORDS)


def to_bool(value: Any) -> bool | None:
    """True or False; None for a blank or an unknown word. Raises CellError for anything else."""
    if isinstance(value, str):
        known = BOOL_SPELLINGS.get(value)
        if known is not None:
            return known
        word = _word(value)
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        if not word or word in UNKNOWN_WORDS:
            return None
    elif isinstance(value, bool):
        return value
    elif value is None:
        return None
    elif isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    raise CellError(f"'{_shown(value)}' is not a yes/no value", BOOL_FIX)


def to_number(value: Any, what: str = "") -> float | int:
    """A finite number; text may use thousands separators and a percent sign (35% = 0.35)."""
    if type(value) is str:
        try:                                       # the usual cell: a plain number such as 5.21e6
            number = float(value)
        except ValueError:
            number = _number_text(value, what)
        if number - number != 0.0:                 # inf or nan
            raise CellError(f"'{value.strip()}' is not a finite number{what}", NUMBER_FIX)
        return number
    if isinstance(value, bool):
        raise CellError(f"'{value}' is a yes/no value, not a number{what}", NUMBER_FIX)
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise CellError(f"'{value}' is not a finite number{what}", NUMBER_FIX)
        return value
    if isinstance(value, (_dt.date, _dt.time, _dt.timedelta)):
        raise CellError(f"expected a number, got a date or time{what}",
                        "format the cell as a number (Excel turned the entry into a date)")
    if value is None:
        raise CellError(f"expected a number, got nothing{what}", NUMBER_FIX)
    return to_number(str(value), what)


def _number_text(value: str, what: str) -> float:
    """A number written with separators or a percent sign (the slow path of to_number)."""
    text = value.strip().replace("，", ",").replace("％", "%")
    percent = text.endswith("%")
    if percent:
        text = text[:-1].rstrip()
    text = text.replace(",", "").replace("_", "")
    if not _NUMBER_TEXT.match(text):
        raise CellError(f"'{value.strip()}' is not a number{what}", NUMBER_FIX)
    number = float(text)
    return number / 100 if percent else number


def to_int(value: Any, what: str = "") -> int:
    """A whole number: 2022, '2022', 2022.0 or '2022年' (digits are read exactly, however many)."""
    if type(value) is str:
        text = value.strip().removesuffix("年")
        try:
            return int(text)
        except ValueError:
            value = text
    number = to_number(value, what)
    if float(number).is_integer():
        return int(number)
    raise CellError(f"'{_shown(value)}' is not a whole number{what}", WHOLE_FIX)


def to_share(value: Any, what: str = "") -> float:
    """A share from 0 to 1: 0.35 or 35%."""
    number = to_number(value, what)
    if not 0 <= number <= 1:
        raise CellError(f"{number:g} is not a share from 0 to 1{what}", SHARE_FIX)
    return number


def _shown(value: Any) -> str:
    """A value as a message quotes it."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def to_text(value: Any) -> str:
    """Stripped text; a whole float is written without '.0'. Yes/no values and dates are refused."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        raise CellError("expected text, got a yes/no value", "write the text, or leave the cell empty")
    if isinstance(value, _dt.datetime):
        raise CellError("expected text, got a date", "format the cell as text")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def to_choice(value: Any, choices: Iterable[Any]) -> Any:
    """The choice a value names: exactly, else ignoring case (case alone is never ambiguous here)."""
    options = tuple(choices)
    if type(value) is str and value in options:       # the usual cell: a choice as written
        return value
    if isinstance(value, bool):
        raise CellError("expected one of the listed names, got a yes/no value", _choices_fix(options))
    text = to_text(value)
    for choice in options:
        if value == choice or text == str(choice):
            return choice
    folded = text.lower()
    for choice in options:
        if folded == str(choice).lower():
            return choice
    hint = did_you_mean(text, [str(c) for c in options])
    raise CellError(f"'{text}' is not allowed here" + (f" ({hint})" if hint else ""), _choices_fix(options))


def _choices_fix(choices: tuple) -> str:
    return "write one of: " + ", ".join(str(c) for c in choices)


def split_items(text: str) -> list[str]:
    """The names in a list cell, split at , ， ; ； 、 – or [] when the text says "none"."""
    if is_none_word(text):
        return []
    return [part.strip() for part in _LIST_SPLIT.split(text) if part.strip()]


def reader(kind: str, choices: Iterable[Any] = ()) -> Callable[[Any], Any]:
    """The converter of a kind: to_bool, to_number, to_int, to_choice (with `choices`) or a text reader.

    For readers of many cells of one kind (a column): a blank or unknown value gives None, or raises
    CellError like a wrong one – the reader then checks is_unknown(value) for the cells that fail,
    as read_as does. Any other kind (lists, whose forms differ between readers) keeps the value.
    """
    if kind == "bool":
        return to_bool
    if kind == "number":
        return to_number
    if kind == "int":
        return to_int
    if kind == "choice":
        return partial(to_choice, choices=tuple(choices))
    if kind == "text":
        return _text_or_unknown
    return _value_or_unknown


def read_as(kind: str, value: Any, choices: Iterable[Any] = ()) -> Any:
    """A value read as a field of `kind` (bool, number, int, text, choice); None when blank or unknown."""
    if value is None:
        return None
    try:
        return reader(kind, choices)(value)
    except CellError:
        if is_unknown(value):            # checked after a failure: most values are read at the first try
            return None
        raise


def _text_or_unknown(value: Any) -> str | None:
    return None if is_unknown(value) else to_text(value)


def _value_or_unknown(value: Any) -> Any:
    return None if is_unknown(value) else value
