"""The guided questionnaire (CONTRACT §6): questions are data, answers are a dict of profile path → value.

The loop reads from and writes to injected streams, so it runs the same in a terminal, a test
(StringIO) or a pseudo-terminal. Every answer is written to the resume file as it is given
(temp file + os.replace), so end of input, Ctrl-C or a crash never loses anything.

Which questions are asked (simple, explainable):
  1. a question already answered (by --answers, --resume or earlier in the interview) is not asked;
  2. a question whose `ask_if` is false or unknown is skipped (its follow-up makes no sense);
  3. park, economy, emissions and energy questions are always asked – the status analysis needs them;
  4. any other question is asked only when its answer can change a measure ("measures at stake").

Measures at stake are derived, never typed: question path → the facts in knowledge/facts.yaml whose
`source` mentions that path (or, for `analysis: NAME`, the profile sections that analysis reads) →
the rules whose condition reads those facts → their measures, and through the findings they
conclude, the measures of every rule reading those findings (transitively).
"""

from __future__ import annotations

import copy
import csv
import json
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import IO, Any

from pydantic import ValidationError

from advisor.kb.conditions import evaluate, facts_of, parse
from advisor.errors import Issue, KnowledgeError, ProfileError
from advisor.kb.paths import knowledge_dir
from advisor.kb.safe_load import load_data_file
from advisor.kb.schemas.questions import Question, QuestionBook

RESUME_FORMAT = "park-advisor-answers/1"
ALWAYS_ASKED_SECTIONS = ("park",)  # plus every section the status analysis reads (questions.yaml analysis_inputs)
KEYED_LISTS = {"energy": "carrier"}  # energy.<carrier> answers become rows of the `energy` list

# --- loading ------------------------------------------------------------------------------


@cache
def _load_book(path: Path) -> QuestionBook:
    data = load_data_file(path, KnowledgeError)
    try:
        return QuestionBook.model_validate(data)
    except ValidationError as exc:
        raise KnowledgeError([Issue(str(path), ".".join(str(p) for p in err["loc"]),
                                    err["msg"].removeprefix("Value error, "),
                                    "match the schema in advisor/schemas/questions.py")
                              for err in exc.errors()]) from None


def load_questions(root: Path | None = None) -> QuestionBook:
    """knowledge/questions.yaml, validated; raises KnowledgeError listing every problem."""
    return _load_book(((root or knowledge_dir()) / "questions.yaml").resolve())


def load_rulebase_partial():
    """The rule base, or what of it loads while rules/ is incomplete (measures at stake only)."""
    from advisor.kb.rulebook import load_rulebase, load_rulebase_uncached
    from advisor.kb.paths import rules_dir

    try:
        return load_rulebase()
    except KnowledgeError:
        base, _ = load_rulebase_uncached(rules_dir(), knowledge_dir())
        return base


def load_kb_or_none():
    try:
        from advisor.kb.knowledge import load_knowledge

        return load_knowledge()
    except KnowledgeError:
        return None


# --- measures at stake --------------------------------------------------------------------

_DOTTED = re.compile(r"[A-Za-z_][\w-]*(?:\[\])?(?:\.[\w-]+(?:\[\])?)*")


def source_paths(source: str, analysis_inputs: dict[str, list[str]]) -> list[str]:
    """The profile paths a fact's `source` mentions.

    "infrastructure.hazardous_waste.generated_t − disposal_capacity_t" → both fields (a bare name
    after a dotted path is its sibling); "analysis: energy" → the sections that analysis reads;
    file names and parenthesised notes are ignored.
    """
    text = source.strip()
    if text.startswith("analysis:"):
        words = text.split(":", 1)[1].split()
        return list(analysis_inputs.get(words[0], [])) if words else []
    from advisor.profile.model import Profile

    text = re.sub(r"\([^)]*\)", " ", text)
    text = re.sub(r"\S*/\S*", " ", text)  # knowledge/… file names and the '/' operator
    paths: list[str] = []
    parent = ""
    for token in _DOTTED.findall(text):
        token = token.replace("[]", "")
        if "." in token:
            paths.append(token)
            parent = token.rsplit(".", 1)[0]
        elif token in Profile.model_fields:
            paths.append(token)
        elif "_" in token and parent:
            paths.append(f"{parent}.{token}")
    return list(dict.fromkeys(paths))


def paths_overlap(a: str, b: str) -> bool:
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def measures_at_stake(book: QuestionBook, base) -> dict[str, list[str]]:
    """question id → the measures its answer can change (sorted by clause number)."""
    fact_sources = {fid: source_paths(f.source, book.analysis_inputs) for fid, f in base.facts.items()}
    by_fact: dict[str, list] = {}
    by_finding: dict[str, list] = {}
    from advisor.kb.conditions import findings_of

    for rule in base.rules.values():
        for fact in facts_of(rule.condition):
            by_fact.setdefault(fact, []).append(rule)
        for finding in findings_of(rule.condition):
            by_finding.setdefault(finding, []).append(rule)

    def measures_from(rules: list) -> set[str]:
        out: set[str] = set()
        queue, seen_findings = list(rules), set()
        while queue:
            rule = queue.pop()
            then = rule.rule.then
            if then.measure:
                out.add(then.measure)
            elif then.finding and then.finding not in seen_findings:
                seen_findings.add(then.finding)
                queue.extend(by_finding.get(then.finding, []))
        return out

    def clause_key(mid: str):
        return tuple(int(p) if p.isdigit() else 0 for p in mid.split("."))

    result: dict[str, list[str]] = {}
    for q in book.questions:
        facts = {fid for fid, paths in fact_sources.items() if any(paths_overlap(q.path, p) for p in paths)}
        facts |= {fid for fid in by_fact if paths_overlap(q.path, fid) and fid not in base.facts}
        rules = [r for fid in facts for r in by_fact.get(fid, [])]
        result[q.id] = sorted(measures_from(rules), key=clause_key)
    return result


# --- parsing answers ----------------------------------------------------------------------

class AnswerError(ValueError):
    """An answer that cannot be read; the message says why and how to write it."""


MESSAGES = {
    "zh": {
        "progress": "问题 {n} / 约 {total}",
        "required": "（必答）",
        "hints": "（直接回车 = 不清楚；? = 为什么问；back = 上一题；quit = 保存并退出）",
        "units": "单位：{unit}（也可写其他同类单位，如 {examples}）",
        "unit": "单位：{unit}",
        "previous": "之前的回答：{value}",
        "choices_many": "可多选，用逗号分隔；没有请填“无”",
        "bad": "✗ {reason}，请重新输入。",
        "required_again": "✗ 这个问题必须回答，请输入。",
        "why": "为什么问：{help}",
        "stake": "这个回答可能改变的措施：",
        "no_stake_analysis": "这个回答用于现状分析（碳排放、污染物、脱钩），不直接决定某一项措施。",
        "no_stake": "按现有规则，这个回答不会改变任何措施。",
        "no_back": "已经是第一个问题。",
        "saved": "答案已保存到 {file}。继续请运行：park-advisor ask --resume {file}{out}",
        "interrupted": "已中断。",
        "eof": "输入结束。",
        "quit": "已暂停。",
        "backup": "之前在 {file} 中的答案已另存为 {backup}（继续那次问卷请用 --resume {backup}）。",
        "crashed": "出错了，但已回答的内容没有丢失。",
        "written": "园区档案已写入 {file}",
        "top": "优先推荐的措施（前5项）：",
        "no_advice": "（暂时无法给出建议：{reason}）",
        "welcome": "减污降碳协同控制问卷：共约 {total} 个问题，可随时输入 quit 保存退出。",
        "yes": ("是", "有", "y", "yes", "true", "1", "对"),
        "no": ("否", "无", "没有", "n", "no", "false", "0", "不是"),
        "none_words": ("无", "没有", "none", "-"),
        "e_yesno": "请回答 是/否（或 y/n）",
        "e_number": "“{text}”不是数字（可写 1.2e6、120万 或带单位的 120万t）",
        "e_range_min": "不能小于 {min}",
        "e_range_max": "不能大于 {max}",
        "e_share": "比例请写成 85% 或 0.85",
        "e_count": "请填整数（可写 3.2万）",
        "e_year": "请填 {min}–{max} 之间的年份",
        "e_choice": "“{text}”不是可选项；请填编号或选项：{choices}",
        "e_pattern": "格式不对（只能用字母、数字、-、_、.，以字母或数字开头）",
        "e_empty_text": "请填写内容",
        "e_unit": "单位“{unit}”不适用，这里用 {expected}",
        "e_industry_item": "“{text}”应写成 行业代码:占比，如 C26:55%",
        "e_industry_code": "未知的行业大类代码“{code}”（国民经济行业分类 GB/T 4754-2017，如 C26）",
        "e_industry_sum": "各行业占比之和为 {total:.0%}，超过100%",
        "e_industry_dupe": "行业“{code}”重复",
        "e_series_item": "“{text}”应写成 年份:数值，如 2018:410",
    },
    "en": {
        "progress": "question {n} of about {total}",
        "required": " (required)",
        "hints": "(Enter = don't know; ? = why is this asked; back = previous question; quit = save and stop)",
        "units": "unit: {unit} (other units of the same kind work too, e.g. {examples})",
        "unit": "unit: {unit}",
        "previous": "previous answer: {value}",
        "choices_many": "several allowed, comma-separated; 'none' if none",
        "bad": "✗ {reason}; please answer again.",
        "required_again": "✗ this question must be answered.",
        "why": "Why this is asked: {help}",
        "stake": "Measures this answer can change:",
        "no_stake_analysis": "This answer feeds the status analysis (carbon, pollutants, decoupling); it decides no single measure.",
        "no_stake": "Under the current rules this answer changes no measure.",
        "no_back": "This is the first question.",
        "saved": "Answers saved to {file}. To continue: park-advisor ask --resume {file}{out}",
        "interrupted": "Interrupted.",
        "eof": "End of input.",
        "quit": "Paused.",
        "backup": "The earlier answers in {file} were kept as {backup} (continue them with --resume {backup}).",
        "crashed": "Something went wrong, but no answer given so far is lost.",
        "written": "Park profile written to {file}",
        "top": "Top recommendations (first 5):",
        "no_advice": "(no advice yet: {reason})",
        "welcome": "Pollution-and-carbon co-control questionnaire: about {total} questions; type quit at any time to save and stop.",
        "yes": ("y", "yes", "true", "1", "是", "有"),
        "no": ("n", "no", "false", "0", "否", "无", "没有"),
        "none_words": ("none", "no", "-", "无", "没有"),
        "e_yesno": "answer yes or no (y/n)",
        "e_number": "'{text}' is not a number (write 1.2e6, 1200000 or with a unit, 1.2e6 t)",
        "e_range_min": "must be at least {min}",
        "e_range_max": "must be at most {max}",
        "e_share": "write a share as 85% or 0.85",
        "e_count": "write a whole number (3.2万 works too)",
        "e_year": "write a year from {min} to {max}",
        "e_choice": "'{text}' is not one of the choices; write a number or one of: {choices}",
        "e_pattern": "wrong form (letters, digits, '-', '_' or '.', starting with a letter or digit)",
        "e_empty_text": "write something",
        "e_unit": "unit '{unit}' does not fit here; use {expected}",
        "e_industry_item": "'{text}' should be CODE:SHARE, e.g. C26:55%",
        "e_industry_code": "unknown industry division '{code}' (GB/T 4754-2017, e.g. C26)",
        "e_industry_sum": "the industry shares add up to {total:.0%}, more than 100 %",
        "e_industry_dupe": "industry '{code}' is listed twice",
        "e_series_item": "'{text}' should be YEAR:VALUE, e.g. 2018:410",
    },
}

COMMANDS = {"help": {"?", "？", "help", "帮助"}, "back": {"back", "返回", "上一题"},
            "quit": {"quit", "exit", "退出", "q"}}
_MULTIPLIERS = {"万": 1e4, "亿": 1e8}
_NUMBER = re.compile(r"^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*(.*)$")
_SPLIT = re.compile(r"[,，;；、\n]+")


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


@dataclass
class Reader:
    """Turns typed text into the stored value of a question, in the user's units."""

    lang: str = "zh"
    units_kb: Any = None          # anything with `.units` (the knowledge base, or units.csv alone)
    industries: frozenset[str] = frozenset()

    def msg(self, key: str, **kw) -> str:
        return MESSAGES[self.lang][key].format(**kw)

    def read(self, q: Question, text: str) -> Any:
        text = _norm(text)
        handler = getattr(self, f"_read_{q.type}")
        value = handler(q, text)
        if q.type in ("number", "share", "count", "year"):
            self._check_range(q, value)
        return value

    # numbers ------------------------------------------------------------------------------
    def _split_number(self, text: str) -> tuple[float, str]:
        m = _NUMBER.match(text.replace(",", "").replace("_", ""))
        if not m:
            raise AnswerError(self.msg("e_number", text=text))
        return float(m.group(1)), m.group(2).strip()

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
        amount, rest = self._split_number(text)
        return self._scaled(q, amount, rest)

    def _read_share(self, q: Question, text: str) -> float:
        percent = text.endswith("%") or text.endswith("％")
        amount, rest = self._split_number(text.rstrip("%％").strip())
        if rest:
            raise AnswerError(self.msg("e_share"))
        if percent:
            return amount / 100
        if amount > (q.max if q.max is not None else 1):
            raise AnswerError(self.msg("e_share"))
        return amount

    def _read_count(self, q: Question, text: str) -> int:
        amount, rest = self._split_number(text)
        value = self._scaled(q, amount, rest)
        if abs(value - round(value)) > 1e-9:
            raise AnswerError(self.msg("e_count"))
        return int(round(value))

    def _read_year(self, q: Question, text: str) -> int:
        lo, hi = int(q.min or 1949), int(q.max or 2100)
        if not re.fullmatch(r"\d{4}(年)?", text):
            raise AnswerError(self.msg("e_year", min=lo, max=hi))
        year = int(text[:4])
        if not lo <= year <= hi:
            raise AnswerError(self.msg("e_year", min=lo, max=hi))
        return year

    def _check_range(self, q: Question, value: float) -> None:
        lo = q.min if q.min is not None else (0 if q.type in ("share", "count") else None)
        hi = q.max if q.max is not None else (1 if q.type == "share" else None)
        if lo is not None and value < lo:
            raise AnswerError(self.msg("e_range_min", min=_show(lo)))
        if hi is not None and value > hi:
            raise AnswerError(self.msg("e_range_max", max=_show(hi)))

    # words --------------------------------------------------------------------------------
    def _read_yesno(self, q: Question, text: str) -> bool:
        word = text.lower()
        if word in MESSAGES["zh"]["yes"] or word in MESSAGES["en"]["yes"]:
            return True
        if word in MESSAGES["zh"]["no"] or word in MESSAGES["en"]["no"]:
            return False
        raise AnswerError(self.msg("e_yesno"))

    def _choice(self, q: Question, text: str) -> str:
        word = text.strip().lower()
        for i, c in enumerate(q.choices or [], 1):
            if word in (str(i), c.value.lower(), c.text.zh.lower(), c.text.en.lower()):
                return c.value
        names = ", ".join(f"{i}) {c.text.in_lang(self.lang)}" for i, c in enumerate(q.choices or [], 1))
        raise AnswerError(self.msg("e_choice", text=text, choices=names))

    def _read_choice(self, q: Question, text: str) -> str:
        return self._choice(q, text)

    def _read_list(self, q: Question, text: str) -> list:
        if text.lower() in MESSAGES[self.lang]["none_words"] or text in MESSAGES["zh"]["none_words"]:
            return []
        parts = [p for p in re.split(r"[,，;；、\s]+", text) if p]
        values = list(dict.fromkeys(self._choice(q, p) for p in parts))
        return [{q.item_field: v} for v in values] if q.item_field else values

    def _read_text(self, q: Question, text: str) -> str:
        if not text:
            raise AnswerError(self.msg("e_empty_text"))
        if q.pattern and not re.fullmatch(q.pattern, text):
            raise AnswerError(self.msg("e_pattern"))
        return text

    # structured ---------------------------------------------------------------------------
    def _read_industries(self, q: Question, text: str) -> list[dict]:
        rows, seen = [], set()
        for item in (p.strip() for p in _SPLIT.split(text) if p.strip()):
            m = re.fullmatch(r"([A-Za-z]\d{2})\s*[:=\s]\s*(.+)", item)
            if not m:
                raise AnswerError(self.msg("e_industry_item", text=item))
            code = m.group(1).upper()
            if self.industries and code not in self.industries:
                raise AnswerError(self.msg("e_industry_code", code=code))
            if code in seen:
                raise AnswerError(self.msg("e_industry_dupe", code=code))
            seen.add(code)
            share = self._read_share(Question.model_construct(type="share", max=None), m.group(2).strip())
            if not 0 <= share <= 1:
                raise AnswerError(self.msg("e_share"))
            rows.append({"code": code, "share": share})
        if not rows:
            raise AnswerError(self.msg("e_industry_item", text=text))
        total = sum(r["share"] for r in rows)
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


def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, list):
        return ", ".join(_show(v.get("kind") if isinstance(v, dict) and "kind" in v else
                               (f"{v['code']}:{v['share']:.0%}" if isinstance(v, dict) and "code" in v else v))
                         for v in value) or "[]"
    if isinstance(value, dict):
        return ", ".join(f"{k}:{_show(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --- session ------------------------------------------------------------------------------


@dataclass
class Session:
    """The state of one interview: answers (profile path → value) and the questions asked, in order."""

    answers: dict[str, Any] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)   # ids asked (answered or left unknown), in order
    output: str | None = None
    done: bool = False

    def to_json(self) -> dict:
        return {"format": RESUME_FORMAT, "answers": self.answers, "asked": self.asked,
                "output": self.output, "done": self.done}

    @classmethod
    def from_json(cls, data: Any, file: str) -> "Session":
        if not isinstance(data, dict) or data.get("format") != RESUME_FORMAT or not isinstance(data.get("answers"), dict):
            raise ProfileError([Issue(file, "", "not a park-advisor resume file",
                                      "name the .answers.json file an earlier `park-advisor ask` wrote")])
        return cls(answers=dict(data["answers"]), asked=[str(a) for a in data.get("asked") or []],
                   output=data.get("output"), done=bool(data.get("done")))

    @classmethod
    def load(cls, path: Path) -> "Session":
        return cls.from_json(load_data_file(path, ProfileError), str(path))

    def save(self, path: Path) -> None:
        """Write atomically: a temp file in the same directory, then os.replace."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(self.to_json(), fh, ensure_ascii=False, indent=1)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def prefill(self, data: dict, book: "QuestionBook | None" = None, units_kb=None) -> None:
        """Take the answers of a (partial) profile; answers already given win. With the question book,
        amounts are first brought to the units its questions ask in (see `align_units`)."""
        if book is not None:
            data = align_units(data, book, units_kb)
        for path, value in flatten(data).items():
            if not is_answered(self.answers, path):
                self.answers[path] = value


def align_units(data: dict, book: "QuestionBook", units_kb=None) -> dict:
    """The profile with each section whose questions imply a unit (`emissions_history.unit: t`) converted
    to that unit. Questions read answers in their own unit: without this, a series given in 万t would be
    shown as bare numbers and read back as tonnes. A unit that is unknown or of another kind is left
    alone for validation to report."""
    from advisor.kb.units import find_unit

    wanted: dict[str, str] = {}
    for q in book.questions:
        for path, implied in q.implies.items():
            if path.endswith(".unit") and isinstance(implied, str):
                wanted[path.removesuffix(".unit")] = implied
    out = copy.deepcopy(data)
    kb = units_kb or units_only()
    for section, unit in wanted.items():
        node = out
        for part in section.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        given = node.get("unit") if isinstance(node, dict) else None
        if not isinstance(given, str) or given == unit:
            continue
        have, want = find_unit(given, kb), find_unit(unit, kb)
        if have is None or want is None or have.dimension != want.dimension:
            continue
        factor = have.to_base / want.to_base
        node.update({k: _scaled_numbers(v, factor) for k, v in node.items() if k != "unit"})
        node["unit"] = unit
    return out


def _scaled_numbers(node: Any, factor: float) -> Any:
    if isinstance(node, dict):
        return {k: _scaled_numbers(v, factor) for k, v in node.items()}
    if isinstance(node, (int, float)) and not isinstance(node, bool):
        return float(f"{node * factor:.12g}")   # 0.263 万t → 2630 t, not 2630.0000000000005
    return node


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """A profile tree as dotted paths; lists and empty mappings are leaves; nulls (unknown) are dropped."""
    out: dict[str, Any] = {}
    if not isinstance(data, dict):
        return out
    for key, value in data.items():
        if not prefix and key == "schema_version":
            continue
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict) and value:
            out.update(flatten(value, path))
        elif value is not None:
            out[path] = value
    return out


def is_answered(answers: dict[str, Any], path: str) -> bool:
    """True when the path, a part of it, or a whole section containing it has a value."""
    return any(paths_overlap(path, p) for p in answers)


def nest(answers: dict[str, Any], book: QuestionBook) -> dict:
    """Profile data (format 1) from path → value answers."""
    from advisor.profile.model import Profile

    root: dict[str, Any] = {}
    for path, value in copy.deepcopy(answers).items():
        parts = path.split(".")
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        last = parts[-1]
        if isinstance(value, dict) and isinstance(node.get(last), dict):
            node[last].update(value)
        else:
            node[last] = value
    by_path = {q.path: q for q in book.questions}
    for section, key in KEYED_LISTS.items():
        if isinstance(root.get(section), dict):
            root[section] = [{key: name, "amount": amount, "unit": by_path[f"{section}.{name}"].unit
                              if f"{section}.{name}" in by_path else "t"}
                             for name, amount in root[section].items()]
    _years_as_numbers(root)
    order = list(Profile.model_fields)
    data = {"schema_version": 1}
    data.update({k: root[k] for k in sorted(root, key=lambda k: order.index(k) if k in order else len(order))})
    return data


def _years_as_numbers(node: Any) -> None:
    if isinstance(node, dict):
        for key in list(node):
            _years_as_numbers(node[key])
            if isinstance(key, str) and re.fullmatch(r"\d{4}", key):
                node[int(key)] = node.pop(key)
    elif isinstance(node, list):
        for item in node:
            _years_as_numbers(item)


# --- the interview ------------------------------------------------------------------------


class Stop(Exception):
    """The interview stopped before the end (quit, end of input)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class QuestionFlow:
    """Which question comes next, given the answers so far – no streams, so `ask` and the web pages share it."""

    book: QuestionBook
    session: Session
    stakes: dict[str, list[str]] = field(default_factory=dict)
    rules_loaded: bool = False

    def __post_init__(self) -> None:
        self._conditions: dict[str, Any] = {}
        self._always = set(ALWAYS_ASKED_SECTIONS) | {s for v in self.book.analysis_inputs.values() for s in v}

    def always_asked(self, q: Question) -> bool:
        """Park questions and every input of the status analysis are asked whatever the rules say."""
        return q.path.split(".")[0] in self._always

    def settled(self, q: Question) -> bool:
        return q.id in self.session.asked or is_answered(self.session.answers, q.path)

    def ask_if(self, q: Question) -> bool | None:
        if q.ask_if is None:
            return True
        if q.id not in self._conditions:
            self._conditions[q.id] = parse(q.ask_if, f"{q.id}.ask_if")
        return evaluate(self._conditions[q.id], self.session.answers, {})

    def can_matter(self, q: Question) -> bool:
        """Asked unless the rules are loaded and say it changes no measure (analysis inputs always matter)."""
        if q.required or self.always_asked(q) or not self.rules_loaded:
            return True
        return bool(self.stakes.get(q.id))

    def should_ask(self, q: Question) -> bool:
        return not self.settled(q) and self.ask_if(q) is True and self.can_matter(q)

    def next_question(self) -> Question | None:
        return next((q for q in self.book.questions if self.should_ask(q)), None)

    def remaining_estimate(self) -> int:
        count = 0
        for q in self.book.questions:
            if self.settled(q) or not self.can_matter(q):
                continue
            result = self.ask_if(q)
            if result is True:
                count += 1
            elif result is None:  # depends on answers still to come: count it
                pending = [f for f in facts_of(self._conditions[q.id]) if not is_answered(self.session.answers, f)]
                reading = {p.path: p for p in self.book.questions}
                if any(f in reading and not self.settled(reading[f]) for f in pending):
                    count += 1
        return count


@dataclass
class Interview:
    book: QuestionBook
    session: Session
    stdin: IO[str]
    stdout: IO[str]
    resume_path: Path
    lang: str = "zh"
    stakes: dict[str, list[str]] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    rules_loaded: bool = False
    reader: Reader | None = None

    def __post_init__(self) -> None:
        if self.reader is None:
            self.reader = Reader(lang=self.lang)
        self.flow = QuestionFlow(self.book, self.session, self.stakes, self.rules_loaded)

    # --- output ---------------------------------------------------------------------------
    def say(self, text: str = "") -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def msg(self, key: str, **kw) -> str:
        return MESSAGES[self.lang][key].format(**kw)

    # --- which questions (QuestionFlow) ---------------------------------------------------
    def settled(self, q: Question) -> bool:
        return self.flow.settled(q)

    def ask_if(self, q: Question) -> bool | None:
        return self.flow.ask_if(q)

    def can_matter(self, q: Question) -> bool:
        return self.flow.can_matter(q)

    def should_ask(self, q: Question) -> bool:
        return self.flow.should_ask(q)

    def next_question(self) -> Question | None:
        return self.flow.next_question()

    def remaining_estimate(self) -> int:
        return self.flow.remaining_estimate()

    # --- the loop -------------------------------------------------------------------------
    def run(self) -> str:
        """Ask until done; returns 'done', 'quit' or 'eof'. Ctrl-C propagates after saving."""
        self.session.save(self.resume_path)
        if not self.session.asked:
            self.say(self.msg("welcome", total=self.remaining_estimate()))
            self.say(self.msg("hints"))
        try:
            while True:
                q = self.next_question()
                if q is None:
                    return "done"
                self.ask(q)
        except Stop as stop:
            self.session.save(self.resume_path)
            self.say(self.msg(stop.reason))
            self.say(self.saved_message())
            return stop.reason
        except KeyboardInterrupt:
            self.session.save(self.resume_path)
            self.say("")
            self.say(self.msg("interrupted"))
            self.say(self.saved_message())
            raise
        except Exception:
            self.session.save(self.resume_path)
            self.say(self.msg("crashed"))
            self.say(self.saved_message())
            raise

    def saved_message(self) -> str:
        out = f" -o {self.session.output}" if self.session.output else ""
        return self.msg("saved", file=self.resume_path, out=out)

    def prompt(self, q: Question, previous: Any = None) -> None:
        topic = next((t.text.in_lang(self.lang) for t in self.book.topics if t.id == q.topic), q.topic)
        n = len(self.session.asked) + 1
        total = n + self.remaining_estimate() - 1
        self.say("")
        self.say(f"[{topic}] {self.msg('progress', n=n, total=max(total, n))} · {q.id}")
        self.say(q.text.in_lang(self.lang) + (self.msg("required") if q.required else ""))
        if q.choices:
            self.say("  " + "  ".join(f"{i}) {c.text.in_lang(self.lang)}" for i, c in enumerate(q.choices, 1)))
            if q.type == "list":
                self.say("  " + self.msg("choices_many"))
        if q.unit:
            self.say("  " + self.unit_hint(q))
        if previous is not None:
            self.say("  " + self.msg("previous", value=_show(previous)))

    def unit_hint(self, q: Question) -> str:
        from advisor.kb.units import accepted_units, find_unit

        kb = self.reader.units_kb
        row = find_unit(q.unit, kb) if kb is not None else None
        if row is None:
            return self.msg("unit", unit=q.unit)
        others = [u for u in accepted_units(kb, row.dimension) if u != q.unit][:4]
        return self.msg("units", unit=q.unit, examples=", ".join(others))

    def read_line(self) -> str:
        self.stdout.write("> ")
        self.stdout.flush()
        line = self.stdin.readline()
        if line == "":
            raise Stop("eof")
        return line.strip()

    def explain(self, q: Question) -> None:
        self.say(self.msg("why", help=q.help.in_lang(self.lang)))
        measures = self.stakes.get(q.id) or []
        if measures:
            self.say(self.msg("stake"))
            for mid in measures:
                self.say(f"  {mid} {self.titles.get(mid, '')}".rstrip())
        elif self.flow.always_asked(q):
            self.say(self.msg("no_stake_analysis"))
        else:
            self.say(self.msg("no_stake"))

    def ask(self, q: Question, previous: Any = None) -> None:
        self.prompt(q, previous)
        while True:
            text = self.read_line()
            word = text.lower()
            if word in COMMANDS["quit"]:
                raise Stop("quit")
            if word in COMMANDS["help"]:
                self.explain(q)
                continue
            if word in COMMANDS["back"]:
                if self.go_back():
                    return
                self.say(self.msg("no_back"))
                continue
            if not text:
                if q.required:
                    self.say(self.msg("required_again"))
                    continue
                self.record(q, None)
                return
            try:
                value = self.reader.read(q, text)
            except AnswerError as exc:
                self.say(self.msg("bad", reason=exc))
                continue
            self.record(q, value)
            return

    def record(self, q: Question, value: Any) -> None:
        if value is not None:
            self.session.answers[q.path] = value
            for path, implied in q.implies.items():
                self.session.answers.setdefault(path, implied)
        self.session.asked.append(q.id)
        self.session.save(self.resume_path)

    def go_back(self) -> bool:
        """Forget the last answer so that its question comes again; False at the first question."""
        if not self.session.asked:
            return False
        qid = self.session.asked.pop()
        q = next((x for x in self.book.questions if x.id == qid), None)
        if q is not None:
            previous = self.session.answers.pop(q.path, None)
            self.session.save(self.resume_path)
            self.ask(q, previous)
        return True


# --- building the profile -----------------------------------------------------------------


def missing_required(book: QuestionBook, answers: dict[str, Any], file: str) -> list[Issue]:
    return [Issue(file, q.path, f"required question '{q.id}' ({q.text.en}) has no answer",
                  "add it to the --answers profile, or run without --non-interactive to be asked")
            for q in book.questions if q.required and not is_answered(answers, q.path)]


def units_only(root: Path | None = None):
    """The units of knowledge/units.csv alone, for reading answers while the full knowledge base does not load."""
    from advisor.kb.knowledge import _load_units

    return SimpleNamespace(units=_load_units(root or knowledge_dir(), []))


def industry_codes(root: Path | None = None) -> frozenset[str]:
    path = (root or knowledge_dir()) / "industries.csv"
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return frozenset(row["code"] for row in csv.DictReader(fh) if row.get("code"))
    except (OSError, KeyError):
        return frozenset()


def write_yaml(path: Path, data: dict) -> None:
    """UTF-8 YAML, Chinese kept readable; written atomically like the resume file."""
    import yaml

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write("# park profile, format 1 – written by `park-advisor ask`\n")
            yaml.safe_dump(data, fh, allow_unicode=True, sort_keys=False, default_flow_style=None, width=110)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


@dataclass
class AskOptions:
    output: str | None = None
    resume: str | None = None
    answers: str | None = None
    non_interactive: bool = False
    lang: str = "zh"


def default_resume_path(output: str | None) -> Path:
    return Path(f"{output}.answers.json") if output else Path("park-answers.json")


def run_ask(opts: AskOptions, stdin: IO[str], stdout: IO[str]) -> int:
    """The whole `ask` verb with injectable streams; returns the exit code (130 after Ctrl-C)."""
    book = load_questions()
    base = load_rulebase_partial()
    kb = load_kb_or_none()
    if opts.resume:
        resume_path = Path(opts.resume)
        if not resume_path.exists():
            raise ProfileError([Issue(str(resume_path), "", "resume file not found",
                                      "name the .answers.json file an earlier `park-advisor ask` wrote, or leave out --resume")])
        session = Session.load(resume_path)
    else:
        resume_path = default_resume_path(opts.output)
        session = Session()
        if resume_path.exists() and not opts.non_interactive:  # never overwrite an earlier interview
            backup = resume_path.with_name(resume_path.name + ".bak")
            os.replace(resume_path, backup)
            stdout.write(MESSAGES[opts.lang]["backup"].format(file=resume_path, backup=backup) + "\n")
    if opts.output:
        session.output = opts.output
    session.output = session.output or "park-profile.yaml"
    if opts.answers:
        from advisor.profile.files import read_profile_data

        data = read_profile_data(Path(opts.answers))
        if not isinstance(data, dict):
            raise ProfileError([Issue(opts.answers, "", "a profile must be a mapping", "start from examples/demo-chemical.yaml")])
        session.prefill(data, book)
    if opts.non_interactive:
        issues = missing_required(book, session.answers, opts.answers or str(resume_path))
        if issues:
            raise ProfileError(issues)
    else:
        interview = Interview(book, session, stdin, stdout, resume_path, lang=opts.lang,
                              stakes=measures_at_stake(book, base),
                              titles={mid: m.title.in_lang(opts.lang) for mid, m in kb.measures.items()} if kb else {},
                              rules_loaded=bool(base.rules),
                              reader=Reader(lang=opts.lang, units_kb=kb if kb is not None else units_only(),
                                            industries=frozenset(kb.industries) if kb else industry_codes()))
        try:
            status = interview.run()
        except KeyboardInterrupt:
            return 130
        if status != "done":
            return 0
    return finish(session, book, Path(session.output), stdout, opts.lang,
                  resume_path if not opts.non_interactive or opts.resume else None)


def finish(session: Session, book: QuestionBook, output: Path, stdout: IO[str], lang: str,
           resume_path: Path | None) -> int:
    """Validate the answers as a profile, write it, and print the top five recommendations."""
    from advisor.kb.knowledge import load_knowledge
    from advisor.profile.files import validate_data
    from advisor.decide.recommend import advise

    kb = load_knowledge()
    data = nest(session.answers, book)
    profile = validate_data(data, str(output), kb)
    write_yaml(output, data)
    if resume_path is not None:
        session.done = True
        session.save(resume_path)
    text = MESSAGES[lang]
    try:
        result = advise(profile, kb, lang=lang)
    except Exception:
        stdout.write(text["written"].format(file=output) + "\n")
        raise
    stdout.write("\n" + text["top"] + "\n")
    for rec in result["recommendations"][:5]:
        stdout.write(f"  {rec['rank']}. {rec['measure']} {rec['title']} [{rec['priority']}]\n")
    stdout.write(text["written"].format(file=output) + "\n")
    stdout.flush()
    return 0
