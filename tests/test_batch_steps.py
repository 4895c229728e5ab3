"""A worker takes a group of parks through each step together (advisor.batch.run.process_chunk): the rows must be
exactly those of one park at a time, and the garbage collector must be left as it was."""

from __future__ import annotations

import csv
import gc
from pathlib import Path

import pytest
from conftest import ROOT

import advisor.batch.run as batch


def demo_rows_repeated(path: Path, times: int) -> Path:
    """The demo table (every example park and a bad row) `times` over, the copies with ids of their own but
    for one repeated id (an error row decided before any step)."""
    with open(ROOT / "examples" / "batch-demo.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    out = []
    for copy in range(times):
        for row in rows:
            out.append({**row, "park.id": f"{row['park.id']}-{copy}" if copy < times - 1 else row["park.id"]})
    out.append(dict(out[0]))
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(out)
    return path


def tasks_of(path: Path, json_dir: str | None) -> list:
    table = batch.open_table(path)
    try:
        plan, _ = batch.plan_columns(table.header)
        batch.setup_worker(plan, path.name, "zh", json_dir)
        return list(batch._tasks(table, plan, path.name, [0]))
    finally:
        table.close()


@pytest.mark.parametrize("json_dir", [False, True], ids=["screen", "full advice"])
def test_a_chunk_gives_exactly_the_rows_its_parks_give_one_at_a_time(tmp_path, json_dir):
    tasks = tasks_of(demo_rows_repeated(tmp_path / "parks.csv", 6), str(tmp_path / "json") if json_dir else None)
    (tmp_path / "json").mkdir()
    assert len(tasks) > 2 * batch.STEP_GROUP and len(tasks) % batch.STEP_GROUP, "groups of parks and a short one"
    one_at_a_time = [batch.process_row(*task) for task in tasks]
    assert batch.process_chunk(tasks) == one_at_a_time
    statuses = [row[1] for row in one_at_a_time]
    assert "ok" in statuses and "error" in statuses


@pytest.mark.parametrize("enabled", [True, False], ids=["collector on", "collector off"])
def test_the_collector_is_paused_while_a_chunk_runs_and_left_as_it_was(tmp_path, monkeypatch, enabled):
    tasks = tasks_of(demo_rows_repeated(tmp_path / "parks.csv", 1), None)
    seen = []
    real = batch.park_steps

    def watched(*task):
        seen.append(gc.isenabled())
        return real(*task)

    monkeypatch.setattr(batch, "park_steps", watched)
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        rows = batch.process_chunk(tasks)
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()
    assert len(rows) == len(tasks) and seen and not any(seen)


def run_counting_pauses(steps) -> tuple:
    """(the result of a step generator, how often it paused)."""
    pauses = 0
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value, pauses
        pauses += 1


def test_the_lean_analysis_and_the_screen_pause_between_steps_and_give_what_the_straight_calls_give(kb, example_paths):
    from advisor.accounting.analyze import screen_analysis, screen_analysis_steps
    from advisor.decide.recommend import screen, screen_steps
    from advisor.profile.files import load_profile

    for path in example_paths:
        profile = load_profile(path, kb)
        analysis, pauses = run_counting_pauses(screen_analysis_steps(profile, kb))
        assert pauses == 2 and analysis == screen_analysis(profile, kb), path.name
        result, pauses = run_counting_pauses(screen_steps(profile, kb, analysis=analysis))
        assert pauses == 1 and result == screen(profile, kb, analysis=analysis), path.name
