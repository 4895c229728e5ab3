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


def test_the_release_comparison_takes_turns_and_prints_the_ratio_of_each_round(tmp_path):
    # this release against itself: the script's own work, on 30 parks, two rounds of one job count
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "compare_batch.py"), "--other", str(ROOT),
                          "--other-python", sys.executable, "--parks", "30", "--jobs", "1", "--rounds", "2",
                          "--workdir", str(tmp_path)],
                         capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    order = [line.split(",")[1].strip() for line in out.stdout.splitlines() if line.startswith("round ")]
    assert order == ["this", "other", "other", "this"]        # the order is swapped every round
    assert "--jobs 1: this / other in the same round, median" in out.stdout
    for name in ("this", "other"):
        assert (tmp_path / name / "out.csv").read_text(encoding="utf-8-sig").count("\n") == 31


def test_the_release_comparison_says_what_is_wrong_with_a_folder_that_is_no_checkout(tmp_path):
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "compare_batch.py"), "--other", str(tmp_path)],
                         capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert out.returncode == 2
    assert "no benchmarks/generate_parks.py there" in out.stderr and "Traceback" not in out.stderr


def test_with_the_same_table_both_releases_screen_the_other_release_table(tmp_path):
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "compare_batch.py"), "--other", str(ROOT),
                          "--other-python", sys.executable, "--parks", "30", "--jobs", "1", "--rounds", "1",
                          "--same-table", "--workdir", str(tmp_path)],
                         capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    assert (tmp_path / "other" / "parks.csv").exists() and not (tmp_path / "this" / "parks.csv").exists()
    for name in ("this", "other"):
        assert (tmp_path / name / "out.csv").read_text(encoding="utf-8-sig").count("\n") == 31


def test_the_release_comparison_stops_when_a_release_does_not_screen_every_park(tmp_path):
    # a table with a row the batch refuses (industry shares over 100 %): timing it would flatter that release
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "parks.csv").write_text(
        "park.id,park.name,park.base_year,park.industries\np1,Park,2023,C26:55\n", encoding="utf-8")
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "compare_batch.py"), "--other", str(ROOT),
                          "--other-python", sys.executable, "--parks", "30", "--jobs", "1", "--rounds", "1",
                          "--workdir", str(tmp_path)],
                         capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert out.returncode == 1
    assert "other release" in out.stderr and "not every park" in out.stderr and "(1 parks, 0 ok)" in out.stderr
    assert "Traceback" not in out.stderr
