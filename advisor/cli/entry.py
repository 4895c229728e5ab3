"""The command line – the only module that prints. One function per verb; heavy imports are lazy.

Exit codes: 0 success, 1 invalid input or knowledge (every problem listed), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from advisor import __version__
from advisor.errors import AdvisorError, UsageError

DEMO_PARK = "demo-chemical.yaml"


# control characters a terminal would obey (ESC starts a colour or cursor command), shown escaped instead:
# the profile refuses them, but text from knowledge or a file name reaches the terminal too
_TERMINAL = {c: f"\\u{c:04x}" for c in (*range(0x20), 0x7f, *range(0x80, 0xa0)) if c not in (0x09, 0x0a)}


def terminal_text(text: str) -> str:
    """Text as the terminal shows it: control characters but tab and line feed escaped (\\u001b)."""
    return text.translate(_TERMINAL) if not text.isprintable() else text


def _out(text: str = "") -> None:
    sys.stdout.write(terminal_text(text) + "\n")


def _json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _kb():
    from advisor.kb.knowledge import load_knowledge

    return load_knowledge()


def _profile(path: str):
    from advisor.profile.files import load_profile

    return load_profile(Path(path), _kb())


# --- kb ---------------------------------------------------------------------------------

def cmd_kb_list(args) -> int:
    kb = _kb()
    if args.object and args.object not in kb.objects:
        from advisor.errors import Issue

        raise UsageError([Issue("--object", args.object, "no such implementation object",
                                f"use one of {', '.join(kb.object_ids())}")])
    measures = [m for m in kb.measures_in_order() if not args.object or m.object == args.object]
    if args.json:
        _json([{"id": m.id, "object": m.object, "title": m.title.zh, "title_en": m.title.en,
                "effect": m.effect, "horizon": m.horizon} for m in measures])
        return 0
    for m in measures:
        _out(f"{m.id:<6} {m.object:<15} {m.title.zh}  –  {m.title.en}")
    return 0


def cmd_kb_show(args) -> int:
    kb = _kb()
    m = kb.measures.get(args.id)
    if m is None:
        from advisor.errors import Issue, did_you_mean

        raise UsageError([Issue("kb show", args.id, "no such measure",
                                did_you_mean(args.id, kb.measures) or "see `park-advisor kb list`")])
    if args.json:
        _json(m.model_dump(mode="json"))
        return 0
    from advisor.render.text import measure_card_text

    _out(measure_card_text(m, kb))
    return 0


def cmd_kb_check(args) -> int:
    from advisor.decide.checks import check_all

    issues = check_all()
    if issues:
        for i in issues:
            _out(f"✗ {i}")
        _out(f"{len(issues)} problem(s) in knowledge/ and rules/")
        return 1
    from advisor.kb.knowledge import load_knowledge
    from advisor.kb.rulebook import load_rulebase

    kb, base = load_knowledge(), load_rulebase()
    cases = sum(len(r.rule.cases) for r in base.rules.values())
    _out(f"knowledge and rules OK: {len(kb.measures)} measures, {len(base.rules)} rules, "
         f"{len(base.findings)} findings, {len(base.facts)} facts, {cases} rule cases pass")
    if kb.audit is not None:
        _out(f"accounting checks: {len(kb.audit.numbers())} numbers and {len(kb.product_carbon)} product carbon "
             "contents, each with unit, year and source")
    estimates = kb.extra.get("estimates") or {}
    if estimates.get("book") is not None:
        book, plan = estimates["book"], estimates.get("targets")
        _out(f"estimates: {len(book.measures)} measures with {len(book.coefficients)} coefficients, each with unit, "
             f"source, year and basis; {len(estimates['equivalents'])} pollution equivalents; "
             f"{len(plan.indicators) if plan else 0} target indicators")
    return 0


def cmd_kb_processes(args) -> int:
    kb = _kb()
    rows = [{"id": c.id, "name": c.name.zh, "name_en": c.name.en, "gases": c.gases, "scope": c.scope}
            for c in kb.process_categories.values()]
    if args.json:
        _json(rows)
    else:
        for r in rows:
            _out(f"{r['id']:<22} {r['name']}  –  {r['name_en']}  [{', '.join(r['gases']) or '–'}]")
    return 0


# --- profile verbs ----------------------------------------------------------------------

def cmd_validate(args) -> int:
    p = _profile(args.profile)
    _out(f"✓ {args.profile}: valid park profile ({p.park.id}, {p.park.name}, base year {p.park.base_year})")
    return 0


def _period(text: str | None):
    if not text:
        return None
    try:
        a, b = (int(x) for x in text.split("-"))
    except ValueError:
        from advisor.errors import Issue

        raise UsageError([Issue("--period", text, "expected two years like 2018-2022",
                                "write --period 2018-2022")]) from None
    return (a, b)


def cmd_analyze(args) -> int:
    from advisor.accounting import analyze_profile

    profile = _profile(args.profile)
    if args.grid_year is not None:   # the year of the grid factor, as accounting.grid_year in the profile
        if not 1990 <= args.grid_year <= 2100:
            from advisor.errors import Issue

            raise UsageError([Issue("--grid-year", str(args.grid_year), "not a plausible year",
                                    "write a year such as --grid-year 2022")])
        profile.accounting = profile.accounting.model_copy(update={"grid_year": args.grid_year})
    result = analyze_profile(profile, _kb(), period=_period(args.period))
    if args.json:
        _json(result)
    else:
        from advisor.render.analysis_text import analysis_text

        _out(analysis_text(result, args.lang))
    return 0


def _emit(args, result: dict, view: str) -> int:
    """The result as JSON (--json) or as the text of advisor.render.text.<view>; exit code 0."""
    if args.json:
        _json(result)
    else:
        from advisor.render import text as views

        _out(getattr(views, view)(result, args.lang))
    return 0


def _advice(path: str, lang: str, assignments: list[str] | None = None):
    from advisor.decide.recommend import advise
    from advisor.decide.whatif import with_assumptions

    profile = with_assumptions(Path(path), _kb(), assignments) if assignments else _profile(path)
    return profile, advise(profile, _kb(), lang=lang)


def cmd_recommend(args) -> int:
    _, result = _advice(args.profile, args.lang, args.set)
    if args.top:
        result["recommendations"] = result["recommendations"][: args.top]
    return _emit(args, result, "recommendations_text")


def cmd_demo(args) -> int:
    from advisor.kb.paths import examples_dir
    from advisor.render.text import recommendations_text

    path = examples_dir() / DEMO_PARK
    _, result = _advice(str(path), args.lang)
    _out(recommendations_text(result, args.lang, source=path.name))
    return 0


def cmd_explain(args) -> int:
    from advisor.decide.explain import explain_measure

    profile = _profile(args.profile)
    result = explain_measure(profile, _kb(), args.measure, lang=args.lang)
    return _emit(args, result, "explanation_text")


def cmd_whatif(args) -> int:
    from advisor.decide.whatif import what_if

    result = what_if(Path(args.profile), _kb(), args.set or [], lang=args.lang)
    return _emit(args, result, "whatif_text")


# --- parser -----------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="park-advisor",
        description="Pollution and carbon co-control advice for industrial parks (产业园区减污降碳协同控制).")
    parser.add_argument("--version", action="version", version=f"park-advisor {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="verb", metavar="VERB")

    def verb(name: str, func: Callable, help: str, parent=sub) -> argparse.ArgumentParser:
        p = parent.add_parser(name, help=help, description=help)
        p.set_defaults(func=func)
        return p

    def lang(p):
        p.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the output (default zh)")

    p = verb("demo", cmd_demo, "run the whole pipeline on the bundled example park")
    lang(p)

    kb = sub.add_parser("kb", help="the knowledge base: list, show, check", description="the knowledge base")
    kb_sub = kb.add_subparsers(dest="kb_verb", metavar="KB_VERB")
    kb.set_defaults(func=lambda a: (_ for _ in ()).throw(UsageError([])), parser=kb)
    p = verb("list", cmd_kb_list, "the 30 guideline measures", kb_sub)
    p.add_argument("--object", metavar="OBJECT", help="only the measures of one implementation object "
                   "(knowledge/objects.yaml: management, infrastructure …)")
    p.add_argument("--json", action="store_true")
    p = verb("show", cmd_kb_show, "one measure card", kb_sub)
    p.add_argument("id", metavar="ID")
    p.add_argument("--json", action="store_true")
    verb("check", cmd_kb_check, "validate knowledge/ and rules/ (exit 1 on any problem)", kb_sub)
    p = verb("processes", cmd_kb_processes, "the process categories of guideline Appendix B", kb_sub)
    p.add_argument("--json", action="store_true")

    p = verb("validate", cmd_validate, "validate a park profile (.yaml, .json or .xlsx)")
    p.add_argument("profile", metavar="PROFILE")

    p = verb("analyze", cmd_analyze, "status analysis: carbon, pollutants, same-source processes, decoupling")
    p.add_argument("profile", metavar="PROFILE")
    p.add_argument("--json", action="store_true")
    p.add_argument("--period", metavar="Y1-Y2")
    p.add_argument("--grid-year", type=int, metavar="YEAR",
                   help="the year of the grid factor (default: the base year, else the nearest year with a value)")
    lang(p)

    p = verb("recommend", cmd_recommend, "the advice: recommended measures in order with their reasons, "
                                         "measures to confirm and the questions that decide them")
    p.add_argument("profile", metavar="PROFILE")
    p.add_argument("--json", action="store_true")
    p.add_argument("--top", type=int, metavar="N")
    p.add_argument("--set", action="append", metavar="PATH=VALUE",
                   help="an assumption of the estimates, e.g. measures.7.3.4.share=0.6 or growth_rate=0.05 "
                        "(repeatable)")
    lang(p)

    p = verb("explain", cmd_explain, "why a measure is recommended, to confirm or not recommended, in plain words")
    p.add_argument("profile", metavar="PROFILE")
    p.add_argument("measure", metavar="MEASURE_ID")
    p.add_argument("--json", action="store_true")
    lang(p)

    p = verb("whatif", cmd_whatif, "what changes if these facts change: measures that move between "
                                   "recommended, to confirm and not recommended")
    p.add_argument("profile", metavar="PROFILE")
    p.add_argument("--set", action="append", metavar="PATH=VALUE",
                   help="a profile path and a new value, e.g. management.synergy_plan=true (repeatable)")
    p.add_argument("--json", action="store_true")
    lang(p)

    _register_optional_verbs(sub, verb, lang)
    return parser


def _register_optional_verbs(sub, verb, lang) -> None:
    """Verbs whose modules may add their own arguments (report, ask, batch)."""
    from advisor.cli import ask, batch, evaluate, report, serve

    for module in (report, ask, batch, serve, evaluate):
        module.register(sub, verb, lang)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    if getattr(args, "verb", None) == "kb" and not getattr(args, "kb_verb", None):
        args.parser.print_help()
        return 2
    try:
        return args.func(args) or 0
    except UsageError as exc:
        for issue in exc.issues:
            sys.stderr.write(terminal_text(f"error: {issue}") + "\n")
        return 2
    except AdvisorError as exc:
        if args.debug:
            raise
        for issue in exc.issues:
            sys.stderr.write(terminal_text(f"✗ {issue}") + "\n")
        sys.stderr.write(f"{len(exc.issues)} problem(s) found\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # never a traceback unless asked
        if args.debug:
            raise
        sys.stderr.write(terminal_text(f"internal error: {type(exc).__name__}: {exc}") + "\n"
                         "(run again with --debug for details and report it)\n")
        return 1
