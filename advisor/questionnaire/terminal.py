"""The questionnaire in a terminal: prompts, typed commands (?, back, quit) and answers, through injected streams.

The loop reads from and writes to the streams it is given, so it runs the same in a terminal, a test
(StringIO) or a pseudo-terminal. Every answer is written to the resume file as it is given, so end of
input, Ctrl-C or a crash never loses anything. Names are shown back as read (化工 → C26 …); when a stretch of
questions on one topic ends, the answers are shown back with where the advice stands.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from advisor.kb.schemas.questions import Question, QuestionBook
from advisor.questionnaire.answers import AnswerError, PickNeeded, Reader, show_value, unit_hint
from advisor.questionnaire.flow import QuestionFlow
from advisor.questionnaire.messages import COMMANDS, MESSAGES
from advisor.questionnaire.questions import question_by_id
from advisor.questionnaire.session import Session
from advisor.questionnaire.standing import Judge
from advisor.questionnaire.summary import topic_summary


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
    judge: Judge | None = None     # orders the questions by what they can still move; None: the book's order
    quick: bool = False            # ask only what can still establish a measure; stop when nothing left can

    def __post_init__(self) -> None:
        self.answer_reader: Reader = self.reader or Reader(lang=self.lang)
        self.flow = QuestionFlow(self.book, self.session, self.stakes, self.rules_loaded, judge=self.judge,
                                 quick=self.quick)
        self.stretch: list[Question] = []   # the questions answered since the topic last changed

    def topic_text(self, topic: str) -> str:
        return next((t.text.in_lang(self.lang) for t in self.book.topics if t.id == topic), topic)

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
            if self.quick:
                self.say(self.msg("quick_welcome"))
            self.say(self.msg("hints"))
        try:
            while True:
                q = self.flow.next_question()
                if q is None or (self.stretch and q.topic != self.stretch[-1].topic):
                    self.show_stretch()
                if q is None:
                    if self.flow.quick_done:
                        to_confirm, left = self.flow.quick_left()
                        self.say("")
                        self.say(self.msg("quick_done", n=len(self.session.asked), to_confirm=to_confirm, left=left,
                                          file=self.resume_path))
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
        moves = len(self.flow.can_move(q)) if self.judge is not None and not q.required else 0
        if moves:
            self.say("  " + self.msg("moves", n=moves))

    def show_stretch(self) -> None:
        """The answers of the topic just left, in plain words, and where the advice stands now."""
        if not any(q.path in self.session.answers for q in self.stretch):   # all unknown: nothing has changed
            self.stretch = []
            return
        names = self.answer_reader.names
        for line in topic_summary(self.topic_text(self.stretch[-1].topic), self.stretch, self.session.answers,
                                  self.flow.standing(), self.lang, names):
            self.say(line)
        self.stretch = []

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
                value = self.read_answer(q, text)
            except AnswerError as exc:
                self.say(self.msg("bad", reason=exc))
                continue
            if value is None and q.required:   # blank, or a word for "unknown"
                self.say(self.msg("required_again"))
                continue
            self.record(q, value)
            return

    def read_answer(self, q: Question, text: str) -> Any:
        """The answer's value; a name that covers several divisions is picked from a numbered list."""
        picked: dict[str, str] = {}   # code picked → the name it was picked for, to show back
        while True:
            try:
                value = self.answer_reader.read(q, text)
            except PickNeeded as pick:
                self.say("  " + str(pick))
                self.stdout.write("  " + self.msg("pick", n=len(pick.choices)))
                line = self.read_line()
                if line.lower() in COMMANDS["quit"]:
                    raise Stop("quit") from None
                if line.isdigit() and 1 <= int(line) <= len(pick.choices):
                    text = pick.with_choice(int(line))
                    picked[pick.choices[int(line) - 1]] = pick.name
                else:
                    text = line
                continue
            for note in self.answer_reader.notes:
                code = note.split(" ", 1)[0]
                self.say(self.msg("read_as", note=f"{picked[code]} → {note}" if code in picked else note))
            return value

    def record(self, q: Question, value: Any) -> None:
        if value is not None:
            self.session.answers[q.path] = value
            for path, implied in q.implies.items():
                self.session.answers.setdefault(path, implied)
        self.session.asked.append(q.id)
        self.session.save(self.resume_path)
        if self.stretch and self.stretch[-1].topic != q.topic:
            self.show_stretch()
        self.stretch = [p for p in self.stretch if p.id != q.id] + [q]

    def go_back(self) -> bool:
        """Forget the last answer so that its question comes again; False at the first question."""
        if not self.session.asked:
            return False
        qid = self.session.asked.pop()
        q = question_by_id(self.book, qid)
        self.stretch = [p for p in self.stretch if p.id != qid]
        if q is not None:
            previous = self.session.answers.pop(q.path, None)
            self.session.save(self.resume_path)
            self.ask(q, previous)
        return True
