"""The `report` verb: park-advisor report PROFILE --format html|md|docx -o FILE [--lang zh|en]."""

from __future__ import annotations

import sys
from pathlib import Path

from advisor.errors import Issue


def cmd_report(args) -> int:
    from advisor.kb.knowledge import load_knowledge
    from advisor.profile.files import load_profile
    from advisor.render.report import FORMATS, ReportError, format_from_suffix, write_report

    out = Path(args.output)
    fmt = args.format or format_from_suffix(out)
    if fmt not in FORMATS:
        raise ReportError([Issue("-o", args.output, "cannot tell the report format from the file name",
                                 "give --format html, md or docx, or end the name in .html, .md or .docx")])
    kb = load_knowledge()
    if args.set:   # the estimates' assumptions (measures.7.3.4.share=0.6, growth_rate=0.05)
        from advisor.decide.whatif import with_assumptions

        profile = with_assumptions(Path(args.profile), kb, args.set)
    else:
        profile = load_profile(Path(args.profile), kb)
    evaluation = None
    if args.previous:   # the chapter 评估与持续改进: this cycle beside the earlier ones
        from advisor.evaluate import evaluate_cycles

        cycles = [(path, load_profile(Path(path), kb)) for path in args.previous] + [(args.profile, profile)]
        evaluation = evaluate_cycles(cycles, kb, lang=args.lang)
    written = write_report(profile, kb, out, fmt, lang=args.lang, evaluation=evaluation)
    sys.stdout.write(f"✓ {fmt} report for {profile.park.id} written to {written}\n")
    return 0


def register(sub, verb, lang) -> None:
    p = verb("report", cmd_report, "a plan-ready report (HTML, Markdown or Word)")
    p.add_argument("profile", metavar="PROFILE")
    p.add_argument("--format", choices=["html", "md", "docx"],
                   help="report format (default: from the suffix of -o)")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="the report file to write")
    p.add_argument("--set", action="append", metavar="PATH=VALUE",
                   help="an assumption of the estimates, e.g. measures.7.3.4.share=0.6 (repeatable)")
    p.add_argument("--previous", action="append", metavar="EARLIER",
                   help="a profile of an earlier year of the park: adds the chapter on evaluation (repeatable)")
    lang(p)
