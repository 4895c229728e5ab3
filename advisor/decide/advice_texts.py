"""The plain words of the advice's explanations (zh, en): how a fact, its value and a condition read to a
park manager – labels from the questionnaire, never field paths, rule ids or rule syntax.

The sentences are fixed frames, in reports/templates/advice_texts.yaml; what fills them (fact and question
texts, choice texts, finding texts) comes from knowledge/ (facts.yaml, questions.yaml, findings.yaml,
decoupling.yaml, park_types.yaml).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import ValidationError

from advisor.errors import Issue, KnowledgeError
from advisor.kb.conditions import Atom, FindingAtom
from advisor.kb.fact_questions import FactQuestion
from advisor.kb.paths import templates_dir
from advisor.kb.safe_load import load_data_file
from advisor.kb.schemas.common import Strict


class _AdviceTexts(Strict):
    frames: dict[str, dict[str, str]]
    units: dict[str, dict[str, str]]


@cache
def _texts() -> _AdviceTexts:
    """reports/templates/advice_texts.yaml, validated: both languages with the same frames."""
    path = templates_dir() / "advice_texts.yaml"
    try:
        texts = _AdviceTexts.model_validate(load_data_file(path, KnowledgeError))
    except ValidationError as exc:
        raise KnowledgeError([Issue(str(path), ".".join(map(str, e["loc"])), e["msg"], "give zh and en frames")
                              for e in exc.errors()]) from None
    zh, en = texts.frames.get("zh", {}), texts.frames.get("en", {})
    if set(texts.frames) != {"zh", "en"} or not zh or set(zh) != set(en):
        raise KnowledgeError([Issue(str(path), "frames", f"frames not in both languages: {sorted(set(zh) ^ set(en))}",
                                    "give every frame in zh and en")])
    return texts


def frames(lang: str) -> dict[str, str]:
    """The sentence frames in one language."""
    return _texts().frames[lang]


def _units(lang: str) -> dict[str, str]:
    return _texts().units.get(lang, {})


def _number(value: float) -> str:
    if float(value).is_integer() and abs(value) >= 1:
        return f"{int(value):,}"
    return f"{value:.3g}"


def _sentence_start(text: str, lang: str) -> str:
    return text[:1].upper() + text[1:] if lang == "en" else text


def _strip_stop(text: str) -> str:
    return text.rstrip("。. ")


class Words:
    """Names facts, values, conditions and findings for one park's advice in one language."""

    def __init__(self, base: Any, kb: Any, questions: dict[str, FactQuestion], lang: str,
                 answered: Any = None):
        self.base, self.kb, self.questions, self.lang = base, kb, questions, lang
        self.frames = frames(lang)
        self.answered = answered      # profile path → whether the park answered it (None: not known here)

    # --- names -------------------------------------------------------------------------------------
    def label(self, fact: str) -> str:
        """What the questionnaire calls the fact (the question's text), else the fact's own text."""
        fq = self.questions.get(fact)
        if fq is not None:
            return _sentence_start(fq.label.in_lang(self.lang), self.lang)
        d = self.base.facts.get(fact)
        return _sentence_start(d.text.in_lang(self.lang), self.lang) if d else fact

    def fact_name(self, fact: str) -> str:
        """The fact as a statement (knowledge/facts.yaml), for saying what its value is."""
        d = self.base.facts.get(fact)
        return _sentence_start(d.text.in_lang(self.lang), self.lang) if d else self.label(fact)

    def unknown(self, fact: str) -> dict[str, Any]:
        """{fact, label, question} of an unknown fact."""
        fq = self.questions.get(fact)
        question = fq and (fq.first_open(self.answered) if self.answered is not None else fq.question)
        return {"fact": fact, "label": self.label(fact), "question": question}

    def finding(self, fid: str) -> str:
        d = self.base.findings.get(fid)
        return _strip_stop(d.text.in_lang(self.lang)) if d else fid

    # --- values ------------------------------------------------------------------------------------
    def value(self, fact: str, value: Any) -> str:
        f = self.frames
        if value is None:
            return f["unknown"]
        if isinstance(value, bool):
            return f["yes"] if value else f["no"]
        if isinstance(value, str):
            return f["quoted"].format(self._choice(fact, value))
        if isinstance(value, (int, float)):
            d = self.base.facts.get(fact)
            unit = d.unit if d else ""
            if unit == "fraction":
                return f"{value * 100:.3g}%"
            shown = _units(self.lang).get(unit, unit)
            return f"{_number(value)} {shown}".strip()
        return str(value)

    def _choice(self, fact: str, value: str) -> str:
        fq = self.questions.get(fact)
        if fq is not None and value in fq.choices:
            return fq.choices[value].in_lang(self.lang)
        vocab = getattr(self.kb, "decoupling", None)
        if fact.startswith("decoupling.") and vocab is not None:
            states = vocab.synergy if fact.endswith("synergy") else vocab.trend
            for state in states:
                if state.id == value:
                    return state.name.in_lang(self.lang)
        park_type = getattr(self.kb, "park_types", {}).get(value) if fact == "park.type" else None
        return park_type.name.in_lang(self.lang) if park_type is not None else value

    def need(self, atom: Atom) -> str:
        """What the condition asks of its fact, in words: "不低于50%" / "to be at least 50%"."""
        f = self.frames
        if atom.op == "exists":
            return f["exists"]
        if atom.op == "unknown":
            return f["is_unknown"]
        if atom.op in ("in", "nin"):
            shown = f["list_sep"].join(self.value(atom.fact, v) for v in atom.value)
            return f[atom.op].format(v=shown)
        return f[atom.op].format(v=self.value(atom.fact, atom.value))

    # --- why a condition does not hold -------------------------------------------------------------
    def blocker(self, atom: Atom | FindingAtom, facts: dict, findings: dict, behind) -> dict[str, str]:
        """{text, needed}: why this condition keeps the measure out, and what it would need, in plain words.
        `behind(finding)` gives the unknown facts behind a finding that is only possible."""
        f = self.frames
        if isinstance(atom, FindingAtom):
            name = self.finding(atom.finding)
            status = findings.get(atom.finding, False)
            needed = f["needs_no_finding" if atom.negated else "needs_finding"].format(finding=name)
            if status is None:
                labels = f["list_sep"].join(f["label"].format(self.label(x)) for x in behind(atom.finding))
                text = (f["finding_possible"].format(finding=name, labels=labels) if labels
                        else f["finding_possible_bare"].format(finding=name))
            elif atom.negated:
                text = f["finding_found"].format(finding=name)
            else:
                text = f["finding_absent"].format(finding=name)
            return {"text": text, "needed": needed}
        needed = f["needs_fact"].format(fact=self.fact_name(atom.fact), need=self.need(atom))
        value = facts.get(atom.fact)
        if value is None:
            return {"text": f["fact_unknown"].format(label=self.label(atom.fact)), "needed": needed}
        return {"text": f["fact_is"].format(fact=self.fact_name(atom.fact), value=self.value(atom.fact, value)),
                "needed": needed}
