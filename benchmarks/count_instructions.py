"""CPU instructions per park in the batch's per-park path, counted by valgrind (a figure that, unlike the
clock, does not move with the machine's other load: use it to compare two versions of the code).

    python benchmarks/count_instructions.py [--parks 300] [--workdir DIR]

After one run that fills the caches (compiled modules, the loaded knowledge and rule bases), it runs a
small driver twice under `valgrind --tool=callgrind --separate-threads=yes`: once that starts up, reads
the table and screens 300 warm-up parks (the engine's memory filled, as in a long batch), and once that
screens `--parks` parks more, in chunks as a batch worker gets them. The difference of the main thread's
instructions, divided by the number of parks, is printed (the rule engine's timer threads are left out:
they run by the clock). Instructions are not time: taking a group of parks through each step together
runs a few more of them and takes less time, as the processor's caches then hold what each step reads.
Needs valgrind (Debian package `valgrind`); it takes a few minutes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

DRIVER = """
import sys
from pathlib import Path
from advisor.batch.run import CHUNK, open_table, plan_columns, process_chunk, setup_worker
src = Path(sys.argv[1]); count = int(sys.argv[2])
table = open_table(src); plan, _ = plan_columns(table.header)
setup_worker(plan, src.name, "zh", None)
rows = list(table.rows)
for part in (rows[:300], rows[300:300 + count]):   # in chunks, as a batch worker gets them
    for start in range(0, len(part), CHUNK):
        process_chunk(part[start:start + CHUNK])
"""


def main_thread_instructions(driver: Path, table: Path, parks: int, out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONHASHSEED="0")
    subprocess.run(["valgrind", "--tool=callgrind", "--separate-threads=yes", f"--callgrind-out-file={out / 'cg'}",
                    sys.executable, str(driver), str(table), str(parks)],
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    main = out / "cg-01"   # the main thread's file
    for line in main.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1])
    raise SystemExit(f"no instruction total in {main}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--parks", type=int, default=300, help="parks counted after the 300 warm-up parks")
    ap.add_argument("--workdir", help="keep the table and valgrind's files here (default: a temporary folder)")
    a = ap.parse_args(argv)
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    from generate_parks import write

    tmp = tempfile.TemporaryDirectory() if not a.workdir else None
    workdir = Path(a.workdir or tmp.name)
    workdir.mkdir(parents=True, exist_ok=True)
    table = workdir / f"parks-{300 + a.parks}.csv"
    if not table.exists():
        write(300 + a.parks, table)
    driver = workdir / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    # a run outside valgrind first: both measured runs then find the same compiled modules and cached bases
    subprocess.run([sys.executable, str(driver), str(table), "0"], cwd=ROOT, check=True)
    base = main_thread_instructions(driver, table, 0, workdir / "start")
    full = main_thread_instructions(driver, table, a.parks, workdir / "parks")
    print(f"{(full - base) / a.parks / 1e6:.2f} million instructions per park (main thread, {a.parks} parks after "
          f"300 warm-up parks)")
    if tmp:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
