"""This release's batch against another release's, in one sitting, runs alternated.

    python benchmarks/compare_batch.py --other ../park-advisor-0.1 --rounds 6
    python benchmarks/compare_batch.py --other ../park-advisor-0.1 --other-python ../venv-0.1/bin/python --jobs 2
    python benchmarks/compare_batch.py --other ../park-advisor-0.1 --same-table

The machines these figures are taken on change speed from minute to minute, by more than a release changes the
batch: two releases measured one after the other say more about the minutes than about the releases. So this
script takes turns: each round runs both releases on 22,000 parks (--parks), once per job count, the order
swapped every round (A B, B A, …). Each release screens the table its own generator writes (an older release may
refuse a newer table's columns), so next to the times it prints each table's pandas read + write floor (best of
3, before and after the rounds) and the time against it. With --same-table both screen the other release's table
(this release reads older tables): the same parks, so the times compare the code alone. At the end, per job
count: the median and range of each release's wall and CPU seconds, the time against the floor, and the median
over the rounds of this release's time divided by the other's in the same round. A run that does not screen
every park of its table (a refused column, rows with errors) stops the comparison: it would be timed as fast.

--other is a checkout of the other release (its benchmarks/generate_parks.py writes its table); its Python is
--other-python, by default the checkout's .venv/bin/python, where that release is installed.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run_batch import PY, ROOT, pandas_floor, run_env, run_measured  # noqa: E402


@dataclass
class Release:
    name: str
    root: Path
    python: str
    workdir: Path
    table: Path = field(init=False)
    floors: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.table = self.workdir / "parks.csv"

    def generate(self, parks: int) -> None:
        if not self.table.exists():
            subprocess.run([self.python, str(self.root / "benchmarks" / "generate_parks.py"), "-n", str(parks),
                            "-o", str(self.table)], cwd=self.root, check=True, stdout=subprocess.DEVNULL)
        # fill the caches (compiled modules, loaded bases) before anything is measured
        subprocess.run([self.python, "-m", "advisor", "batch", "--help"], cwd=self.root, check=False,
                       stdout=subprocess.DEVNULL, env=run_env(self.workdir / "cache"))

    def run(self, jobs: int) -> tuple[float, float, int]:
        """(wall s, CPU s, parks screened); stops the comparison unless every park of the table was screened: a
        refused table or rows with errors would be timed as a fast batch."""
        command = [self.python, "-m", "advisor", "batch", str(self.table), "-o", str(self.workdir / "out.csv"),
                   "--jobs", str(jobs)]
        seconds, cpu, _, _, out = run_measured(command, run_env(self.workdir / "cache"), cwd=self.root)
        summary = re.search(r"(\d+) parks, (\d+) ok", out)
        if summary is None or summary[1] != summary[2] or summary[1] == "0":
            said = summary[0] if summary else "no summary line"
            raise SystemExit(f"{self.name} release ({self.root}): not every park of {self.table} was screened "
                             f"({said}); run its batch on that table by hand to see why")
        return seconds, cpu, int(summary[1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--other", required=True, help="a checkout of the other release")
    ap.add_argument("--other-python", help="the Python the other release is installed in (default: its .venv)")
    ap.add_argument("--parks", type=int, default=22000)
    ap.add_argument("--jobs", type=int, nargs="*", default=[2, 1])
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--same-table", action="store_true", help="both releases screen the other release's table")
    ap.add_argument("--workdir", help="keep the tables and caches here (default: a temporary folder)")
    a = ap.parse_args(argv)
    other_root = Path(a.other).resolve()
    other_python = a.other_python or str(other_root / ".venv" / "bin" / "python")
    if not (other_root / "benchmarks" / "generate_parks.py").exists():
        ap.error(f"--other {a.other}: no benchmarks/generate_parks.py there; give a checkout of park-advisor")
    if not Path(other_python).exists():
        ap.error(f"--other-python {other_python}: not found; give the Python the other release is installed in")

    tmp = tempfile.TemporaryDirectory() if not a.workdir else None
    workdir = Path(a.workdir or tmp.name)
    releases = [Release("this", ROOT, PY, workdir / "this"), Release("other", other_root, other_python,
                                                                      workdir / "other")]
    this, other = releases
    other.generate(a.parks)
    if a.same_table:
        this.table = other.table
    this.generate(a.parks)
    for release in releases:
        release.floors.append(pandas_floor(release.table, release.workdir))
    runs: dict[tuple[str, int], list[tuple[float, float]]] = {}
    screened: dict[str, int] = {}
    for r in range(a.rounds):
        for jobs in a.jobs:
            for release in releases if r % 2 == 0 else releases[::-1]:
                seconds, cpu, screened[release.name] = release.run(jobs)
                runs.setdefault((release.name, jobs), []).append((seconds, cpu))
                print(f"round {r + 1}, {release.name:5}, --jobs {jobs}: {seconds:6.2f} s, CPU {cpu:5.1f} s", flush=True)
    for release in releases:
        release.floors.append(pandas_floor(release.table, release.workdir))

    parks = " and ".join(sorted({f"{n:,}" for n in screened.values()}))   # a table kept in --workdir may differ
    print(f"\n{parks} parks, {a.rounds} rounds; pandas floor (best of 3, before and after): "
          + "; ".join(f"{r.name} {' and '.join(f'{f:.2f}' for f in r.floors)} s" for r in releases))
    for jobs in a.jobs:
        for release in releases:
            got = runs[(release.name, jobs)]
            wall = statistics.median(s for s, _ in got)
            print(f"--jobs {jobs}, {release.name:5}: wall median {wall:6.2f} s (runs {min(s for s, _ in got):.2f}–"
                  f"{max(s for s, _ in got):.2f}), CPU median {statistics.median(c for _, c in got):5.1f} s, "
                  f"{wall / min(release.floors):.2f} × its floor")
        ratios = [t[0] / o[0] for t, o in zip(runs[("this", jobs)], runs[("other", jobs)], strict=True)]
        print(f"--jobs {jobs}: this / other in the same round, median {statistics.median(ratios):.3f} "
              f"(rounds {min(ratios):.3f}–{max(ratios):.3f})")
    if tmp:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
