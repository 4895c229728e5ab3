"""The benchmark scripts run and print their figures (the figures themselves are read by people, not tests)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_batch_benchmark_prints_each_run_and_the_median_of_repeated_runs(tmp_path):
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run_batch.py"), "--sizes", "30", "--jobs", "1",
                          "--no-startup", "--repeat", "2", "--workdir", str(tmp_path)],
                         capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    runs = [line.split() for line in out.stdout.splitlines() if line.split()[:2] == ["30", "1"]]
    assert len(runs) == 2
    for run in runs:
        rate, seconds, cpu, pss, hwm = (float(x.replace(",", "")) for x in run[2:5] + run[6:8])
        assert rate > 0 and seconds > 0 and cpu > 0 and pss > 0 and hwm > 0
    assert "30 parks, jobs 1: median" in out.stdout
    assert (tmp_path / "out-30-1.csv").read_text(encoding="utf-8-sig").count("\n") == 31   # header + 30 parks
