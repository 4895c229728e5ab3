"""The answers shown back in plain words after each topic, and where the advice stands: 园区级别：国家级 …
目前确定推荐 5 项、待确认 12 项、不推荐 13 项."""

from __future__ import annotations

import re
from typing import Any

from advisor.kb.schemas.questions import Question
from advisor.questionnaire.answers import show_value
from advisor.questionnaire.messages import MESSAGES
from advisor.questionnaire.standing import Standing

_EXAMPLE = re.compile(r"\s*[（(][^（）()]*[）)]\s*$")   # "基准年（如 2022）" → "基准年": the example is for typing


def short_label(q: Question, lang: str) -> str:
    """The question's text without its trailing example or question mark."""
    return _EXAMPLE.sub("", q.text.in_lang(lang)).rstrip("？?：: ")


def plain_value(q: Question, value: Any, lang: str, names: Any = None) -> str:
    """An answer as a person reads it: 是/否, the choices' texts, divisions with their names, amounts with units."""
    text = MESSAGES[lang]
    comma = "，" if lang == "zh" else ", "
    if value is None:
        return text["unknown_label"]
    if isinstance(value, bool):
        return text["yes_label" if value else "no_label"]
    labels = {c.value: c.text.in_lang(lang) for c in q.choices or []}
    if isinstance(value, str):
        return labels.get(value, value)
    if q.type == "industries" and isinstance(value, list):
        return comma.join(f"{r['code']} {names.division_name(r['code'], lang) if names else ''} "
                        f"{float(r['share']) * 100:.4g}%".replace("  ", " ") for r in value if isinstance(r, dict))
    if isinstance(value, list):
        items = [v.get(q.item_field) if isinstance(v, dict) and q.item_field else v for v in value]
        return comma.join(labels.get(str(v), str(v)) for v in items) or text["none_label"]
    if q.type == "share" and isinstance(value, (int, float)):
        return f"{value * 100:.4g}%"
    shown = show_value(value)
    return f"{shown} {q.unit}" if q.unit else shown   # a series: 2018:410, 2022:512.3 t


def topic_summary(topic: str, asked: list[Question], answers: dict[str, Any], standing: Standing | None,
                  lang: str, names: Any = None) -> list[str]:
    """The lines shown when a stretch of questions on one topic ends."""
    text = MESSAGES[lang]
    lines = ["", text["summary"].format(topic=topic)]
    colon = "：" if lang == "zh" else ": "
    lines += [f"  {short_label(q, lang)}{colon}{plain_value(q, answers.get(q.path), lang, names)}" for q in asked]
    if standing is not None:
        lines.append(text["standing"].format(established=len(standing.established),
                                             to_confirm=len(standing.to_confirm), ruled_out=len(standing.ruled_out),
                                             total=len(standing.established) + len(standing.to_confirm)
                                             + len(standing.ruled_out)))
    lines.append(text["correct"])
    return lines
