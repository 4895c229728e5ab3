"""Batch throughput, memory and start-up figures (the targets of the batch issue).

    python benchmarks/run_batch.py                        # 2,200 parks, --jobs 1 and 2, plus start-up times
    python benchmarks/run_batch.py --large --repeat 3     # also 22,000 parks, every run three times

For each size and job count it runs `python -m advisor batch parks.csv -o out.csv --jobs N` as a
separate process and prints: parks per second and seconds (wall, start-up included), the CPU time of the
process tree, peak memory (the sum of PSS over the batch process and its workers, sampled from /proc
every 0.25 s, and the largest VmHWM of any of them, which the kernel keeps exactly), the ratio of the
batch time to a pandas read_csv + to_csv of the same table (the I/O floor, best of 3). The machines these figures
are taken on are shared and change speed from minute to minute: the same batch has needed 40% more CPU
time in one run than in the next, which shows as fewer parks per CPU-second. So each figure is best
read over a few runs: with --repeat the median of the runs is printed as well.

Then the wall time of `recommend` and `analyze` on the demo park and of `--help`, best of 3, start-up
included – with the compiled modules and the loaded knowledge and rule bases cached, as from the second
run of an installed package, and cold (every module compiled and the bases read at start). The batch runs
use the caches too (kept in the work folder, so the repository and the user's cache stay clean).
"""

from __future__ import annotations

import argparse
import os
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
PY = sys.executable
DEMO = ROOT / "examples" / "demo-chemical.yaml"


def _children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid:
                    out.append(int(entry))
            except OSError:
                pass
    return out


def _proc_kb(pid: int, file: str, field: str) -> int | None:
    """A 'Field:  N kB' line of /proc/<pid>/<file>; None when the process or the line is gone."""
    try:
        with open(f"/proc/{pid}/{file}") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _memory_kb(pid: int) -> int:
    """PSS of one process (shared pages counted once across the tree), RSS if PSS is not available."""
    pss = _proc_kb(pid, "smaps_rollup", "Pss")
    if pss is not None:
        return pss
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except OSError:
        return 0


def _hwm_kb(pid: int) -> int:
    """Peak resident set of one process so far (VmHWM)."""
    return _proc_kb(pid, "status", "VmHWM") or 0


def run_env(cache: Path | None) -> dict[str, str]:
    """The environment of the measured runs. With a cache folder, Python keeps compiled modules there as an
    installed package does (also when the shell sets PYTHONDONTWRITEBYTECODE), and park-advisor its loaded
    knowledge and rule bases (advisor/kb/disk_cache.py); without one, every module is compiled from source and
    the bases are read from their files at each start (a cold start)."""
    env = dict(os.environ)
    if cache is None:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="no-bytecode-")   # empty: nothing cached is found
        env["PARK_ADVISOR_CACHE"] = "off"
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.pop("PARK_ADVISOR_CACHE", None)
        env["PYTHONPYCACHEPREFIX"] = str(cache / "bytecode")
        env["PARK_ADVISOR_CACHE_DIR"] = str(cache / "bases")
    return env


SAMPLE_EVERY = 0.25   # seconds between memory samples


def run_measured(cmd: list[str], env: dict[str, str] | None = None,
                 cwd: Path = ROOT) -> tuple[float, float, int, int, str]:
    """(wall s, CPU s of the process tree, peak summed PSS of the tree in kB, largest VmHWM in kB, stdout).

    getrusage's ru_maxrss is not used for memory: for a child it includes the image of this (large)
    process forked before exec.
    """
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_before = usage.ru_utime + usage.ru_stime
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peak, hwm = [0], [0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            tree = [proc.pid] + _children(proc.pid)
            peak[0] = max(peak[0], sum(_memory_kb(p) for p in tree))
            hwm[0] = max([hwm[0]] + [_hwm_kb(p) for p in tree])
            # not more often: reading PSS walks the page tables of every process and, every 20 ms,
            # slowed the batch it measures by about a fifth with two workers
            done.wait(SAMPLE_EVERY)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    done.set()
    t.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-2000:]}")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime - cpu_before
    return seconds, cpu, peak[0], hwm[0], out


def pandas_floor(src: Path, workdir: Path, n: int = 3) -> float:
    """pandas reading the table and writing it back, best of n: on the machine measured one run varied by a third
    from one minute to the next, which made the ratio to it say more about the minute than about the batch."""
    import pandas as pd

    times = []
    for _ in range(n):
        start = time.perf_counter()
        df = pd.read_csv(src, dtype=str, keep_default_na=False)
        df.to_csv(workdir / "floor.csv", index=False)
        times.append(time.perf_counter() - start)
        del df
    return min(times)


def best_of(cmd: list[str], env: dict[str, str], n: int = 3) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env)
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--large", action="store_true", help="also run 22,000 parks")
    ap.add_argument("--sizes", type=int, nargs="*", help="park counts (default 2200, plus 22000 with --large)")
    ap.add_argument("--jobs", type=int, nargs="*", default=[1, 2])
    ap.add_argument("--workdir", help="keep the generated tables here (default: a temporary folder)")
    ap.add_argument("--advisor", default=f"{PY} -m advisor",
                    help="the command to benchmark (default: this python -m advisor; e.g. park-advisor)")
    ap.add_argument("--no-startup", action="store_true", help="skip the recommend/analyze/--help timings")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each size and job count (the median is summed up)")
    a = ap.parse_args(argv)
    sizes = a.sizes or ([2200, 22000] if a.large else [2200])
    advisor = shlex.split(a.advisor)

    from generate_parks import write

    tmp = tempfile.TemporaryDirectory() if not a.workdir else None
    workdir = Path(a.workdir or tmp.name)
    workdir.mkdir(parents=True, exist_ok=True)
    env = run_env(workdir / "cache")
    for args in (["recommend", str(DEMO)], ["batch", "--help"]):   # fill the caches before anything is measured
        subprocess.run(advisor + args, cwd=ROOT, stdout=subprocess.DEVNULL, env=env, check=False)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs\n")
    print(f"{'parks':>7} {'jobs':>4} {'parks/s':>9} {'seconds':>8} {'CPU s':>7} {'parks/CPU-s':>11} "
          f"{'peak PSS MB':>12} {'max HWM MB':>11} {'pandas s':>9} {'× floor':>8}")
    peaks: dict[tuple[int, int], int] = {}
    rates: dict[tuple[int, int], list[float]] = {}
    for n in sizes:
        src = workdir / f"parks-{n}.csv"
        if not src.exists():
            write(n, src)
        floor = pandas_floor(src, workdir)
        for _ in range(a.repeat):
            for jobs in a.jobs:
                out = workdir / f"out-{n}-{jobs}.csv"
                command = advisor + ["batch", str(src), "-o", str(out), "--jobs", str(jobs)]
                seconds, cpu, pss, rss, _ = run_measured(command, env)
                peaks[(n, jobs)] = max(pss, peaks.get((n, jobs), 0))
                rates.setdefault((n, jobs), []).append(n / seconds)
                print(f"{n:>7,} {jobs:>4} {n / seconds:>9,.0f} {seconds:>8.2f} {cpu:>7.1f} {n / cpu:>11,.0f} "
                      f"{pss / 1024:>12.1f} {rss / 1024:>11.1f} "
                      f"{floor:>9.2f} {seconds / floor:>8.1f}", flush=True)
    if a.repeat > 1:
        for (n, jobs), got in rates.items():
            got = sorted(got)
            print(f"{n:,} parks, jobs {jobs}: median {statistics.median(got):,.0f} parks/s "
                  f"(runs {', '.join(f'{r:,.0f}' for r in got)})")
    if len(sizes) > 1:
        for jobs in a.jobs:
            small, large = peaks[(min(sizes), jobs)], peaks[(max(sizes), jobs)]
            print(f"memory growth {min(sizes):,} → {max(sizes):,} parks, jobs {jobs}: ×{large / small:.2f} "
                  "(target ≤ 1.2)")
    if not a.no_startup:
        print(f"\n{'wall s, best of 3, start-up included':<40} {'installed':>10} {'cold':>8}")
        cold = run_env(None)
        for label, args in (("recommend demo-chemical", ["recommend", str(DEMO)]),
                            ("analyze demo-chemical", ["analyze", str(DEMO)]),
                            ("--help", ["--help"]),
                            ("batch --help", ["batch", "--help"])):
            subprocess.run(advisor + args, cwd=ROOT, stdout=subprocess.DEVNULL, env=env, check=False)   # cache it
            print(f"{label:<40} {best_of(advisor + args, env):>10.3f} {best_of(advisor + args, cold):>8.3f}")
        print("installed: compiled modules and loaded bases cached, as from the second run after pip install;\n"
              "cold: every module compiled and the knowledge and rules read at start")
    if tmp:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
