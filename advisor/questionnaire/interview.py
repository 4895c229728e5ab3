"""The `ask` verb with injectable streams: load what the questionnaire needs, resume or pre-fill,
run the terminal interview (or check a non-interactive one), then write the profile and show the advice."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from advisor.errors import Issue, ProfileError
from advisor.kb.questions import load_questions
from advisor.kb.schemas.questions import QuestionBook
from advisor.questionnaire.answer_paths import is_answered, nest
from advisor.questionnaire.answers import Reader
from advisor.questionnaire.messages import MESSAGES
from advisor.questionnaire.questions import (
    industry_codes,
    load_kb_or_none,
    load_rulebase_partial,
    units_only,
)
from advisor.questionnaire.saving import write_yaml
from advisor.questionnaire.session import Session
from advisor.questionnaire.stakes import measures_at_stake
from advisor.questionnaire.standing import Judge
from advisor.questionnaire.terminal import Interview


def missing_required(book: QuestionBook, answers: dict[str, Any], file: str) -> list[Issue]:
    return [Issue(file, q.path, f"required question '{q.id}' ({q.text.en}) has no answer",
                  "add it to the --answers profile, or run without --non-interactive to be asked")
            for q in book.questions if q.required and not is_answered(answers, q.path)]


@dataclass
class AskOptions:
    output: str | None = None
    resume: str | None = None
    answers: str | None = None
    non_interactive: bool = False
    lang: str = "zh"
    quick: bool = False   # ask only what can still establish a measure, the most first; stop when nothing left can


def default_resume_path(output: str | None) -> Path:
    return Path(f"{output}.answers.json") if output else Path("park-answers.json")


def open_session(opts: AskOptions, book: QuestionBook, stdout: IO[str]) -> tuple[Session, Path]:
    """The session to continue (--resume) or a new one, pre-filled from --answers, and where it is saved."""
    if opts.resume:
        resume_path = Path(opts.resume)
        if not resume_path.exists():
            raise ProfileError([Issue(str(resume_path), "", "resume file not found",
                                      "name the .answers.json file an earlier `park-advisor ask` wrote, "
                                      "or leave out --resume")])
        session = Session.load(resume_path)
    else:
        resume_path = default_resume_path(opts.output)
        session = Session()
        if resume_path.exists() and not opts.non_interactive:  # never overwrite an earlier interview
            backup = resume_path.with_name(resume_path.name + ".bak")
            os.replace(resume_path, backup)
            stdout.write(MESSAGES[opts.lang]["backup"].format(file=resume_path, backup=backup) + "\n")
    session.output = opts.output or session.output or "park-profile.yaml"
    if opts.answers:
        from advisor.profile.files import read_profile_data

        data = read_profile_data(Path(opts.answers))
        if not isinstance(data, dict):
            raise ProfileError([Issue(opts.answers, "", "a profile must be a mapping",
                                      "start from examples/demo-chemical.yaml")])
        session.prefill(data, book)
    return session, resume_path


def terminal_interview(book: QuestionBook, session: Session, stdin: IO[str], stdout: IO[str], resume_path: Path,
    lang: str, quick: bool = False) -> Interview:
    """An Interview with the measures at stake, their titles, a Reader that knows the units and industries, and
    (when the knowledge and rules load) a Judge that asks first what decides the most."""
    base = load_rulebase_partial()
    kb = load_kb_or_none()
    judge = Judge(book, kb, base) if kb is not None and base.rules else None
    return Interview(book, session, stdin, stdout, resume_path, lang=lang,
    stakes=measures_at_stake(book, base),
    titles={mid: m.title.in_lang(lang) for mid, m in kb.measures.items()} if kb else {},
    rules_loaded=bool(base.rules),
    reader=Reader(lang=lang, units_kb=kb if kb is not None else units_only(),
    industries=frozenset(kb.industries) if kb else industry_codes()),
    judge=judge, quick=quick and judge is not None)


def run_ask(opts: AskOptions, stdin: IO[str], stdout: IO[str]) -> int:
    """The whole `ask` verb with injectable streams; returns the exit code (130 after Ctrl-C)."""
    book = load_questions()
    session, resume_path = open_session(opts, book, stdout)
    if opts.non_interactive:
        issues = missing_required(book, session.answers, opts.answers or str(resume_path))
        if issues:
            raise ProfileError(issues)
    else:
        try:
            status = terminal_interview(book, session, stdin, stdout, resume_path, opts.lang, opts.quick).run()
        except KeyboardInterrupt:
            return 130
        if status != "done":
            return 0
    return finish(session, book, Path(session.output or "park-profile.yaml"), stdout, opts.lang,
                  resume_path if not opts.non_interactive or opts.resume else None)


def finish(session: Session, book: QuestionBook, output: Path, stdout: IO[str], lang: str,
           resume_path: Path | None) -> int:
    """Validate the answers as a profile, write it, and print the top five recommendations."""
    from advisor.decide.recommend import advise
    from advisor.kb.knowledge import load_knowledge
    from advisor.profile.files import validate_data

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
        priority = text.get(f"priority_{rec['priority']}", rec["priority"])
        stdout.write(f"  {rec['rank']}. {rec['measure']} {rec['title']} [{priority}]\n")
    if not result["recommendations"]:
        stdout.write(text["none_yet"] + "\n")
    if result["to_confirm"]:   # what unknown answers keep open is said, never dropped
        stdout.write(text["to_confirm_left"].format(n=len(result["to_confirm"]), file=output) + "\n")
    stdout.write(text["written"].format(file=output) + "\n")
    stdout.flush()
    return 0
