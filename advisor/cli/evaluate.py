"""The `evaluate` verb: park-advisor evaluate EARLIER LATER [MORE…] [--json] [--lang zh|en] [--factors fixed|own]."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def cmd_evaluate(args) -> int:
    from advisor.cli.entry import terminal_text
    from advisor.evaluate import evaluate_cycles
    from advisor.kb.knowledge import load_knowledge
    from advisor.profile.files import load_profile

    kb = load_knowledge()
    profiles = [(path, load_profile(Path(path), kb)) for path in args.profiles]
    result = evaluate_cycles(profiles, kb, lang=args.lang, factors=args.factors)
    if args.json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
        return 0
    from advisor.render.report_evaluation import evaluation_text, state_names

    sys.stdout.write(terminal_text(evaluation_text(result, args.lang, state_names(kb, args.lang))))
    return 0


def register(sub, verb, lang) -> None:
    p = verb("evaluate", cmd_evaluate, "evaluation and the next cycle: two or more years of one park compared "
                                       "(changes, decoupling, indicators against targets, tracked measures)")
    p.add_argument("profiles", nargs="+", metavar="PROFILE", help="two or more profiles of one park, any order")
    p.add_argument("--json", action="store_true")
    p.add_argument("--factors", choices=["fixed", "own"], default="fixed",
                   help="fixed (default): every cycle valued with the latest cycle's factors; own: each its own")
    lang(p)
