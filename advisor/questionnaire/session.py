"""One interview's state – answers (profile path → value) and the questions asked – and its resume file."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from advisor.errors import Issue, ProfileError
from advisor.kb.safe_load import load_data_file
from advisor.kb.schemas.questions import QuestionBook
from advisor.questionnaire.answer_paths import align_units, flatten, is_answered
from advisor.questionnaire.saving import write_atomically

RESUME_FORMAT = "park-advisor-answers/1"


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
    def from_json(cls, data: Any, file: str) -> Session:
        if not (isinstance(data, dict) and data.get("format") == RESUME_FORMAT
                and isinstance(data.get("answers"), dict)):
            raise ProfileError([Issue(file, "", "not a park-advisor resume file",
                                      "name the .answers.json file an earlier `park-advisor ask` wrote")])
        return cls(answers=dict(data["answers"]), asked=[str(a) for a in data.get("asked") or []],
                   output=data.get("output"), done=bool(data.get("done")))

    @classmethod
    def load(cls, path: Path) -> Session:
        return cls.from_json(load_data_file(path, ProfileError), str(path))

    def save(self, path: Path) -> None:
        write_atomically(path, json.dumps(self.to_json(), ensure_ascii=False, indent=1))

    def prefill(self, data: dict, book: QuestionBook | None = None, units_kb: Any = None) -> None:
        """Take the answers of a (partial) profile; answers already given win. With the question book,
        amounts are first brought to the units its questions ask in (see `align_units`)."""
        if book is not None:
            data = align_units(data, book, units_kb)
        for path, value in flatten(data).items():
            if not is_answered(self.answers, path):
                self.answers[path] = value
