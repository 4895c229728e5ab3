"""The questionnaire in a terminal: prompts, typed commands (?, back, quit) and answers, through injected streams.

The loop reads from and writes to the streams it is given, so it runs the same in a terminal, a test
(StringIO) or a pseudo-terminal. Every answer is written to the resume file as it is given, so end of
input, Ctrl-C or a crash never loses anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from advisor.kb.schemas.questions import Question, QuestionBook
from advisor.questionnaire.answers import AnswerError, Reader, show_value, unit_hint
from advisor.questionnaire.flow import QuestionFlow
from advisor.questionnaire.messages import COMMANDS, MESSAGES
from advisor.questionnaire.questions import question_by_id
from advisor.questionnaire.session import Session


class Stop(Exception):
    """The interview stopped before the end (quit, end of input)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Interview:
    """One interview in a terminal: asks the flow's next question until none is left or the user stops."""

    book: QuestionBook
    session: Session
    stdin: IO[str]
    stdout: IO[str]
    resume_path: Path
    lang: str = "zh"
    stakes: dict[str, list[str]] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    rules_loaded: bool = False
    reader: Reader | None = None   # default: a Reader in `lang` that knows no units

    def __post_init__(self) -> None:
        self.answer_reader: Reader = self.reader or Reader(lang=self.lang)
        self.flow = QuestionFlow(self.book, self.session, self.stakes, self.rules_loaded)

    # --- output ---------------------------------------------------------------------------
    def say(self, text: str = "") -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def msg(self, key: str, **kw: Any) -> str:
        return MESSAGES[self.lang][key].format(**kw)

    # --- the loop -------------------------------------------------------------------------
    def run(self) -> str:
        """Ask until done; returns 'done', 'quit' or 'eof'. Ctrl-C propagates after saving."""
        self.session.save(self.resume_path)
        if not self.session.asked:
            self.say(self.msg("welcome", total=self.flow.remaining_estimate()))
            self.say(self.msg("hints"))
        try:
            while True:
                q = self.flow.next_question()
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
        total = n + self.flow.remaining_estimate() - 1
        self.say("")
        self.say(f"[{topic}] {self.msg('progress', n=n, total=max(total, n))} · {q.id}")
        self.say(q.text.in_lang(self.lang) + (self.msg("required") if q.required else ""))
        if q.choices:
            self.say("  " + "  ".join(f"{i}) {c.text.in_lang(self.lang)}" for i, c in enumerate(q.choices, 1)))
            if q.type == "list":
                self.say("  " + self.msg("choices_many"))
        if q.unit:
            self.say("  " + unit_hint(q, self.answer_reader.units_kb, self.lang))
        if previous is not None:
            self.say("  " + self.msg("previous", value=show_value(previous)))

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
            try:
                value = self.answer_reader.read(q, text)
            except AnswerError as exc:
                self.say(self.msg("bad", reason=exc))
                continue
            if value is None and q.required:   # blank, or a word for "unknown"
                self.say(self.msg("required_again"))
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
        q = question_by_id(self.book, qid)
        if q is not None:
            previous = self.session.answers.pop(q.path, None)
            self.session.save(self.resume_path)
            self.ask(q, previous)
        return True
