"""`park-advisor batch INPUT -o OUTPUT [--jobs N] [--json-dir DIR] [--lang zh|en]`.

The columns read are described in docs/profile-format.md, those written in docs/outputs.md.

Exit codes: 0 every park screened; 1 some rows were invalid (each has its error row in OUTPUT),
the table itself is unreadable, or a worker process died; 2 usage error (e.g. an unknown output suffix); 130 interrupted
(everything written so far is kept).
"""

from __future__ import annotations

import sys

from advisor.errors import Issue, UsageError

OUTPUT_SUFFIXES = (".csv", ".xlsx", ".jsonl")


def cmd_batch(args) -> int:
    from pathlib import Path

    output = Path(args.output)
    if output.suffix.lower() not in OUTPUT_SUFFIXES:
        raise UsageError([Issue("batch", f"-o {args.output}", f"unknown output type '{output.suffix or '(none)'}'",
                                "name the output .csv, .xlsx or .jsonl")])
    if args.jobs < 1:
        raise UsageError([Issue("batch", f"--jobs {args.jobs}", "needs at least one job", "write --jobs 1 or more")])
    from advisor.batch.run import run_batch, sidecar_path

    summary = run_batch(args.input, output, jobs=args.jobs, json_dir=args.json_dir, lang=args.lang)
    for note in summary.notes:
        sys.stderr.write(f"✗ {note}\n")
    if summary.interrupted or summary.failed:
        kept = sidecar_path(output) if output.suffix.lower() == ".xlsx" and sidecar_path(output).exists() else output
        what = "interrupted" if summary.interrupted else "stopped"
        sys.stderr.write(f"{what}: {summary.line()}; the {summary.total} rows done are in {kept}\n")
        return 130 if summary.interrupted else 1
    sys.stdout.write(f"{summary.line()} → {output}\n")
    return 1 if summary.errors else 0


def register(sub, verb, lang) -> None:
    p = verb("batch", cmd_batch, "screen many parks at once (CSV/XLSX in, CSV/XLSX/JSONL out)")
    p.add_argument("input", metavar="INPUT", help="a .csv or .xlsx table, one park per row, dotted-path columns")
    p.add_argument("-o", "--output", required=True, metavar="OUTPUT",
                   help="result table: .csv, .xlsx or .jsonl (one row per input row; recommended and to_confirm "
                        "hold measure ids)")
    p.add_argument("--jobs", "-j", type=int, default=1, metavar="N", help="worker processes (default 1)")
    p.add_argument("--json-dir", metavar="DIR", help="also write DIR/<park.id>.json with each park's full advice")
    lang(p)
