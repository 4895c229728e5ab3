"""The questionnaire (knowledge/questions.yaml) as pydantic models.

Questions are data: each fills one profile path, may be asked only when its `ask_if`
(the rules' condition language, over the paths of earlier questions) holds, and is
grouped under a topic for progress. What a question can change in the advice is not
written here: advisor.questionnaire.interview derives it from knowledge/facts.yaml and rules/.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, model_validator

from advisor.kb.schemas.common import Strict, Text

QuestionType = Literal["yesno", "choice", "number", "share", "count", "year", "text", "list", "industries", "series"]
QUESTION_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$")
REQUIRED_PATHS = ("park.id", "park.name", "park.base_year", "park.industries")


class Choice(Strict):
    value: str
    text: Text


class Question(Strict):
    id: str
    topic: str
    text: Text
    help: Text
    type: QuestionType
    path: str
    unit: str | None = Field(default=None,
                             description="the unit of the stored value; other units of its dimension are converted")
    choices: list[Choice] | None = None
    item_field: str | None = Field(default=None, description="list answers: wrap each value as {item_field: value}")
    item_extra: dict[str, Any] = Field(default={}, description="list answers: keys written into every item beside "
                                                               "item_field, e.g. {status: done}")
    required: bool = False
    ask_if: dict[str, Any] | None = None
    min: float | None = None
    max: float | None = None
    pattern: str | None = Field(default=None, description="text answers must match this regular expression")
    names: Literal["province", "city"] | None = Field(
        default=None, description="text answers name a province of knowledge/provinces.csv (full, short or English "
                                  "name) or a city of knowledge/cities.csv; stored in full (苏州 → 江苏省); `city`: "
                                  "a prefecture-level city of knowledge/cities.csv, stored in full (苏州 → 苏州市)")
    implies: dict[str, Any] = Field(default={}, description="paths written with the answer when not already given")

    @model_validator(mode="after")
    def fields_fit_the_type(self) -> Question:
        if not QUESTION_ID.match(self.id):
            raise ValueError(f"question id '{self.id}' must be kebab-case like park-base-year")
        if not PATH.match(self.path):
            raise ValueError(f"{self.id}: path '{self.path}' must be a dotted profile path like park.base_year")
        if self.type in ("choice", "list") and not self.choices:
            raise ValueError(f"{self.id}: a {self.type} question needs choices")
        if self.type not in ("choice", "list") and self.choices:
            raise ValueError(f"{self.id}: only choice and list questions have choices")
        if self.unit and self.type not in ("number", "series"):
            raise ValueError(f"{self.id}: only number and series questions have a unit")
        if self.names and self.type != "text":
            raise ValueError(f"{self.id}: names is for text questions")
        if self.item_field and self.type != "list":
            raise ValueError(f"{self.id}: item_field is for list questions")
        if self.item_extra and not self.item_field:
            raise ValueError(f"{self.id}: item_extra needs item_field")
        if self.ask_if is not None:
            from advisor.kb.conditions import ConditionSyntaxError, parse

            try:
                parse(self.ask_if, f"{self.id}.ask_if")
            except ConditionSyntaxError as exc:
                raise ValueError(str(exc)) from None
        return self


class Topic(Strict):
    id: str
    text: Text


class QuestionBook(Strict):
    topics: list[Topic] = Field(min_length=1)
    analysis_inputs: dict[str, list[str]] = Field(
        default={}, description="'analysis: NAME' in knowledge/facts.yaml → the profile sections that analysis reads")
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def ids_and_paths_are_unique(self) -> QuestionBook:
        for attr in ("id", "path"):
            seen = [getattr(q, attr) for q in self.questions]
            dupes = sorted({v for v in seen if seen.count(v) > 1})
            if dupes:
                raise ValueError(f"question {attr}s used more than once: {', '.join(dupes)}")
        return self

    @model_validator(mode="after")
    def topics_are_declared(self) -> QuestionBook:
        known = {t.id for t in self.topics}
        unknown = sorted({q.topic for q in self.questions} - known)
        if unknown:
            raise ValueError(f"undeclared topics: {', '.join(unknown)}; add them under topics")
        return self

    @model_validator(mode="after")
    def only_the_profile_minimum_is_required(self) -> QuestionBook:
        required = {q.path for q in self.questions if q.required}
        if required != set(REQUIRED_PATHS):
            raise ValueError(f"required questions must fill exactly {', '.join(REQUIRED_PATHS)}; "
                             f"found {', '.join(sorted(required)) or 'none'}")
        return self

    @model_validator(mode="after")
    def ask_if_reads_only_earlier_answers(self) -> QuestionBook:
        from advisor.kb.conditions import facts_of, parse

        earlier: set[str] = set()
        for q in self.questions:
            if q.ask_if is not None:
                late = [f for f in facts_of(parse(q.ask_if)) if f not in earlier]
                if late:
                    raise ValueError(f"{q.id}: ask_if reads {', '.join(late)}, which no earlier question fills")
            earlier.add(q.path)
        return self
