"""`park-advisor ask`: the guided questionnaire, and `ask --list-questions`.

The questions are knowledge/questions.yaml; the profile they fill is described in docs/profile-format.md."""

from __future__ import annotations

import json
import sys


def register(sub, verb, lang) -> None:
    p = verb("ask", cmd_ask, "the guided questionnaire: asks, writes a park profile, gives the advice")
    p.add_argument("-o", "--output", metavar="PROFILE", help="where to write the profile (default park-profile.yaml)")
    p.add_argument("--resume", metavar="FILE",
                   help="continue the interview saved in FILE "
                        "(default file: <output>.answers.json or park-answers.json)")
    p.add_argument("--answers", metavar="PROFILE", help="pre-fill from a (partial) profile; only the rest is asked")
    p.add_argument("--non-interactive", action="store_true",
                   help="ask nothing: missing optional answers are unknown, missing required ones an error")
    p.add_argument("--quick", action="store_true",
                   help="ask only the questions whose answer can still establish a measure, those that can establish "
                        "the most first, and stop when none is left")
    p.add_argument("--list-questions", action="store_true", help="list the questions instead of asking them")
    p.add_argument("--json", action="store_true", help="with --list-questions: JSON output")
    lang(p)


def question_rows(lang: str = "zh") -> list[dict]:
    from advisor.questionnaire import load_questions, load_rulebase_partial, measures_at_stake

    book = load_questions()
    stakes = measures_at_stake(book, load_rulebase_partial())
    return [{"id": q.id, "topic": q.topic, "text": {"zh": q.text.zh, "en": q.text.en}, "type": q.type,
             "path": q.path, "unit": q.unit, "required": q.required, "ask_if": q.ask_if,
             "measures": stakes.get(q.id, [])} for q in book.questions]


def cmd_ask(args) -> int:
    if args.list_questions:
        rows = question_rows(args.lang)
        if args.json:
            sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        else:
            for r in rows:
                measures = " ".join(r["measures"]) or "–"
                sys.stdout.write(f"{r['id']:<28} {r['type']:<10} {r['path']:<55} {measures}\n"
                                 f"    {r['text'][args.lang]}\n")
            sys.stdout.write(f"{len(rows)} questions\n")
        return 0
    from advisor.questionnaire import AskOptions, run_ask

    opts = AskOptions(output=args.output, resume=args.resume, answers=args.answers,
                      non_interactive=args.non_interactive, lang=args.lang, quick=args.quick)
    return run_ask(opts, sys.stdin, sys.stdout)
