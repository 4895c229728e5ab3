"""Batch screening: many parks from a CSV/XLSX table, one output row each (docs/outputs.md).

- Input is streamed by advisor.batch.tables: CSV with the csv module (UTF-8 with or without BOM,
  or GB18030 as saved by Chinese Excel; a cell whose bytes are not of the file's encoding is an
  error of its row), XLSX with openpyxl in read-only mode (first sheet, header in the first
  non-empty row). Row numbers in messages are spreadsheet row numbers (the header is row 1).
- Each row is read by `advisor.profile.table_rows`, validated like a profile file (file label
  `INPUT row N`), analysed and advised exactly as `recommend` does; a bad row becomes an
  error row and the batch goes on.
- Output (advisor.batch.writers) is written as results arrive, in input order: CSV (UTF-8 with BOM, so Excel
  shows the Chinese text) and JSONL are flushed as each chunk's rows arrive (and after each row redone alone
  after a crash). XLSX can only be saved whole: rows go to a CSV sidecar `OUTPUT.partial.csv` as they come,
  and the workbook is saved at the end (also on Ctrl-C), after which the sidecar is removed – if the process
  is killed, the sidecar holds everything computed so far.
- `jobs > 1` runs worker processes, each with its own rule engine, on chunks of rows; results are
  written in input order and are identical to `jobs = 1`. Workers are forked when the parent has
  not started a rule engine (a forked copy of durable's C state is untried), otherwise
  spawned.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor.accounting.steps import Steps, finish
from advisor.batch.tables import INPUT_SUFFIXES as INPUT_SUFFIXES  # the reading, imported from here too
from advisor.batch.tables import Table, not_blank, open_table, row_problems
from advisor.batch.tables import open_csv as open_csv
from advisor.batch.tables import open_xlsx as open_xlsx
from advisor.batch.writers import OUTPUT_COLUMNS as OUTPUT_COLUMNS  # the table's columns, read from here too
from advisor.batch.writers import OUTPUT_SUFFIXES, open_writer
from advisor.batch.writers import sidecar_path as sidecar_path
from advisor.errors import AdvisorError, Issue, ProfileError, UsageError
from advisor.profile.table_rows import Column, RowReader, plan_columns

if TYPE_CHECKING:  # the pool is started only when a batch runs
    from concurrent.futures import ProcessPoolExecutor

REQUIRED_COLUMNS = ("park.id", "park.name", "park.base_year", "park.industries")
CHUNK = 100               # rows per task sent to a worker (fewer, larger tasks: less pool overhead)
STEP_GROUP = 12           # parks taken through each step together (process_chunk; 8 to 16 measure alike)
WINDOW_PER_JOB = 4        # chunks in flight per worker (bounds memory, keeps workers busy)
Task = tuple[int, list, Issue | None, tuple[Issue, ...]]   # process_row's arguments


# --- one park -----------------------------------------------------------------------------

_W: dict[str, Any] = {}     # per-process state: plan, kb, rule base, engine, options


def setup_worker(plan: list[Column | None], label: str, lang: str, json_dir: str | None,
                 in_child: bool = False) -> None:
    """Load the knowledge and rule bases and start this process's own engine."""
    if in_child:
        signal.signal(signal.SIGINT, signal.SIG_IGN)   # the parent handles Ctrl-C
    from advisor.decide.recommend import get_engine
    from advisor.kb.knowledge import load_knowledge
    from advisor.kb.rulebook import load_rulebase

    names = [c.name if c else None for c in plan]
    _W.update(plan=plan, rows=RowReader(plan), label=label, lang=lang, json_dir=json_dir, kb=load_knowledge(),
              base=load_rulebase(), engine=get_engine(),
              id_at=names.index("park.id") if "park.id" in names else -1,
              name_at=names.index("park.name") if "park.name" in names else -1)


def _cell_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _error_row(park_id: str, name: str, issues: list[Issue], number: int) -> list:
    text = " | ".join(str(i) for i in issues)
    return [park_id, "error", text, None, None, None, None, None, None, None, None, None, None, name or None, number,
            None, None]


def process_row(number: int, cells: list, pre_issue: Issue | None = None, unread: tuple[Issue, ...] = ()) -> list:
    """The output row of one input row; never raises for a bad park.

    `pre_issue` (a park.id used before) makes the row an error at once; `unread` are the cells that could not
    be read (advisor.batch.tables.row_problems): they count as empty while the rest of the row is checked.
    """
    return finish(park_steps(number, cells, pre_issue, unread))


def park_steps(number: int, cells: list, pre_issue: Issue | None = None, unread: tuple[Issue, ...] = ()) -> Steps[list]:
    """process_row in steps – read, validate, the analysis' steps, the advice's steps – returning the row; it
    pauses (yields) between steps so that process_chunk can take a few parks through each step in turn."""
    plan = _W["plan"]
    file = f"{_W['label']} row {number}"
    id_at, name_at = _W["id_at"], _W["name_at"]
    park_id = _cell_text(cells[id_at]) if 0 <= id_at < len(cells) else ""
    name = _cell_text(cells[name_at]) if 0 <= name_at < len(cells) else ""
    try:
        if pre_issue is not None:
            return _error_row(park_id, name, [pre_issue], number)
        issues: list[Issue] = list(unread)
        if unread:
            if not all(i.path for i in unread):          # the row itself could not be split into cells
                return _error_row(park_id, name, issues, number)
            gone = {i.path for i in unread}
            cells = [None if j < len(plan) and plan[j] is not None and plan[j].name in gone else c
                     for j, c in enumerate(cells)]
        if len(cells) > len(plan) and not_blank(cells[len(plan):]):
            issues.append(Issue(file, "", f"the row has {len(cells)} cells, the header only {len(plan)} columns",
                                "check for a stray separator or a shifted row"))
        data, cell_issues = _W["rows"].read(cells, file)
        issues += cell_issues
        cell_issues = list(unread) + cell_issues
        from advisor.profile.files import validate_data

        kb = _W["kb"]
        yield
        try:
            profile = validate_data(data, file, kb)
        except ProfileError as exc:
            bad = {i.path for i in cell_issues}
            issues += [i for i in exc.issues
                       if not any(i.path == b or i.path.startswith((b + ".", b + "[")) for b in bad)]
            return _error_row(park_id, name, issues, number)
        if issues:
            return _error_row(park_id, name, issues, number)
        yield
        analysis = yield from _analyse(profile)
        yield
        return (yield from _advise_row(profile, analysis, number))
    except AdvisorError as exc:
        return _error_row(park_id, name, exc.issues, number)
    except Exception as exc:  # a bug must not stop the batch; it is reported in the row
        return _error_row(park_id, name, [Issue(file, "", f"internal error: {type(exc).__name__}: {exc}",
                                                "report this row with the profile")], number)


def _analyse(profile) -> Steps[dict]:
    """The whole analysis when the full advice is written (--json-dir); otherwise what the table needs: the
    whole span's decoupling and no reasons or texts."""
    from advisor.accounting.analyze import analyze_profile, screen_analysis_steps

    if _W["json_dir"]:
        return analyze_profile(profile, _W["kb"])
    return (yield from screen_analysis_steps(profile, _W["kb"]))


def _advise_row(profile, analysis: dict, number: int) -> Steps[list]:
    from advisor.decide.estimates import shortlist_t_co2e
    from advisor.decide.recommend import advise, screen_steps

    kb = _W["kb"]
    json_dir = _W["json_dir"]
    if json_dir:
        advice = advise(profile, kb, lang=_W["lang"], analysis=analysis, base=_W["base"], engine=_W["engine"])
        target = os.path.join(json_dir, f"{profile.park.id}.json")
        # compact JSON: with indent, json falls back to its pure-Python encoder (about 5x slower);
        # written to a temporary name and renamed, so a stopped batch leaves no half file
        with open(target + ".tmp", "w", encoding="utf-8") as f:
            f.write(json.dumps(advice, ensure_ascii=False) + "\n")
        os.replace(target + ".tmp", target)
        ranked = [(r["measure"], r["priority"]) for r in advice["recommendations"]]
        to_confirm = [t["measure"] for t in advice["to_confirm"]]
        n_unknowns, park_type = len(advice["unknowns"]), advice.get("park_type")
        expected = shortlist_t_co2e(profile, analysis, kb, advice["shortlist"])
    else:   # the reasons and texts are worked out only when the full advice is written
        result = yield from screen_steps(profile, kb, analysis=analysis, base=_W["base"], engine=_W["engine"])
        ranked = [(measure, priority) for measure, priority, _ in result["ranked"]]
        to_confirm = list(result["to_confirm"])
        n_unknowns, park_type = len(result["unknowns"]), result["park_type"]
        expected = result["expected_t_co2e"]
    decoupling = analysis.get("decoupling") or {}
    periods = decoupling.get("periods") or []
    period = periods[0] if periods and decoupling.get("headline", {}) is not None else {}   # the headline period
    # None is an empty cell in CSV/XLSX and null in JSONL
    return [profile.park.id, "ok", "", period.get("synergy"), period.get("carbon_state"),
            period.get("pollutant_state"), " ".join(m for m, _ in ranked), " ".join(to_confirm), len(ranked),
            len(to_confirm), sum(1 for _, p in ranked if p == "high"), n_unknowns, park_type, profile.park.name,
            number, expected, _measures_done(profile)]


def _measures_done(profile) -> int | None:
    """How many tracked measures are done; empty (unknown) when the park tracks none, [] = 0."""
    tracked = profile.measures_status
    return None if tracked is None else sum(1 for m in tracked if m.status == "done")


def process_chunk(chunk: list[Task]) -> list[list]:
    """The output rows of a chunk of tasks, in order.

    A group of parks goes through each step (park_steps) before the group's next step starts: one step's code
    and knowledge then stay in the processor's caches for the whole group. The cyclic garbage collector is
    paused meanwhile: the group's half-done parks are many live objects, and the collector, counting them as
    new, would run over and over (and promote them to the older generations it collects rarely and slowly). The
    garbage of a chunk is freed as usual, by reference counting; the few cycles a chunk leaves (a few thousand
    objects, more for rows with errors) go at the collector's next run, after the chunk."""
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        rows: list[list] = []
        for start in range(0, len(chunk), STEP_GROUP):
            done: list = [None] * min(STEP_GROUP, len(chunk) - start)
            running = [(i, park_steps(*task)) for i, task in enumerate(chunk[start:start + STEP_GROUP])]
            while running:
                unfinished = []
                for i, steps in running:
                    try:
                        next(steps)
                    except StopIteration as finished:
                        done[i] = finished.value
                    else:
                        unfinished.append((i, steps))
                running = unfinished
            rows += done
        return rows
    finally:
        if paused:
            gc.enable()


# --- progress -----------------------------------------------------------------------------

class Progress:
    """A one-line progress bar with rate and ETA on a terminal; silent otherwise."""

    def __init__(self, stream, fraction: Callable[[], float | None], enabled: bool | None = None,
                 read: Callable[[], int] | None = None):
        self.stream = stream
        self.fraction = fraction          # share of the input read (bytes or rows)
        self.read = read                  # rows read so far (ahead of those done)
        self.enabled = stream.isatty() if enabled is None else enabled
        self.start = time.monotonic()
        self.last = 0.0

    def update(self, done: int, final: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not final and now - self.last < 0.1:
            return
        self.last = now
        elapsed = max(now - self.start, 1e-9)
        rate = done / elapsed
        frac = self.fraction() or 0.0
        read = self.read() if self.read else 0
        if final:
            frac = 1.0
        elif read and frac > 0:           # rows done out of the rows the input will hold
            frac = done / (read / frac)
        frac = min(max(frac, 0.0), 1.0)
        width = 24
        bar = "█" * int(frac * width) + "·" * (width - int(frac * width))
        eta = "" if final or frac <= 0 else f"  ETA {_clock(elapsed * (1 - frac) / frac)}"
        self.stream.write(f"\r{bar} {frac:5.1%}  {done:,} parks  {rate:,.0f} parks/s  {_clock(elapsed)}{eta}   ")
        if final:
            self.stream.write("\n")
        self.stream.flush()


def _clock(seconds: float) -> str:
    s = int(seconds + 0.5)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


# --- the batch ----------------------------------------------------------------------------

@dataclass
class Summary:
    total: int = 0
    ok: int = 0
    errors: int = 0
    seconds: float = 0.0
    interrupted: bool = False       # stopped by Ctrl-C
    failed: bool = False            # stopped because a worker process died
    output: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.total / self.seconds if self.seconds > 0 else 0.0

    def line(self) -> str:
        return (f"{self.total} parks, {self.ok} ok, {self.errors} error{'s' if self.errors != 1 else ''}, "
                f"{self.rate:,.0f} parks/s")


def _header_problems(path: Path, header: list, plan: list) -> list[Issue]:
    names = {c.name for c in plan if c}
    issues = []
    if not header:
        return [Issue(str(path), "", "the table is empty",
                      "put the column names (park.id, park.name …) in the first row")]
    for req in REQUIRED_COLUMNS:
        if req not in names:
            issues.append(Issue(str(path), req, "required column missing",
                                "every park needs park.id, park.name, park.base_year and park.industries"))
    return issues


def _tasks(table: Table, plan: list, label: str, counter: list[int]) -> Iterator[Task]:
    """Input rows with a duplicate-id issue attached where a park.id repeats, and the problems of reading them."""
    names = [c.name if c else None for c in plan]
    id_at = names.index("park.id")
    first_row: dict[str, int] = {}
    for number, cells in table.rows:
        counter[0] += 1
        unread = tuple(row_problems(table, number, names, label))
        pid = _cell_text(cells[id_at]) if id_at < len(cells) else ""
        issue = None
        if pid:
            if pid in first_row:
                issue = Issue(f"{label} row {number}", "park.id", f"'{pid}' is already used in row {first_row[pid]}",
                              "give every park its own id (it names the result and the JSON file)")
            else:
                first_row[pid] = number
        yield number, cells, issue, unread


def _chunks(tasks: Iterator, size: int) -> Iterator[list]:
    chunk = []
    for task in tasks:
        chunk.append(task)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


MAX_CRASHES_IN_A_ROW = 10   # parks in a row that kill their worker: a systemic problem, stop


class _Workers:
    """Worker processes running chunks of rows; results come back in input order.

    A park that kills its worker process (a crash inside the rule engine's C core) costs the
    chunks in flight: they are redone one park at a time in a single fresh worker, the park that
    crashes it gets an error row, and the batch goes on with a new pool.
    """

    def __init__(self, jobs: int, init_args: tuple, plan: list, label: str):
        self.jobs, self.init_args, self.label = jobs, init_args, label
        names = [c.name if c else None for c in plan]
        self.id_at = names.index("park.id") if "park.id" in names else -1
        self.name_at = names.index("park.name") if "park.name" in names else -1
        self.executor = _pool(jobs, init_args)
        self.solo: ProcessPoolExecutor | None = None     # runs again, one at a time, the parks of a crashed chunk
        self.pending: deque = deque()          # (future, chunk)
        self.crashes_in_a_row = 0

    def submit(self, chunk: list) -> None:
        self.pending.append((self.executor.submit(process_chunk, chunk), chunk))

    def next_rows(self) -> Iterator[list[list]]:
        """The rows of the oldest chunk in flight, all at once (after a crash: of every chunk that was in flight,
        one row at a time)."""
        from concurrent.futures.process import BrokenProcessPool

        future, chunk = self.pending.popleft()
        try:
            rows = future.result()
        except BrokenProcessPool:
            lost = [chunk] + [c for _, c in self.pending]
            self.pending.clear()
            self.executor.shutdown(wait=False, cancel_futures=True)
            for c in lost:
                for task in c:
                    yield [self._isolated(task)]      # each row is written before the next is tried
            if self.solo is not None:
                self.solo.shutdown(wait=True)
                self.solo = None
            self.executor = _pool(self.jobs, self.init_args)
            return
        yield rows

    def _isolated(self, task: tuple) -> list:
        from concurrent.futures.process import BrokenProcessPool

        if self.solo is None:
            self.solo = _pool(1, self.init_args)
        try:
            [row] = self.solo.submit(process_chunk, [task]).result()
            self.crashes_in_a_row = 0
            return row
        except BrokenProcessPool:
            self.solo.shutdown(wait=False, cancel_futures=True)
            self.solo = None
            self.crashes_in_a_row += 1
            if self.crashes_in_a_row >= MAX_CRASHES_IN_A_ROW:
                raise
            number, cells = task[0], task[1]
            park_id = _cell_text(cells[self.id_at]) if 0 <= self.id_at < len(cells) else ""
            name = _cell_text(cells[self.name_at]) if 0 <= self.name_at < len(cells) else ""
            return _error_row(park_id, name, [Issue(f"{self.label} row {number}", "",
                                                    "the rule engine crashed on this park (its worker process died)",
                                                    "report this row with its profile; "
                                                    "the other parks are not affected")],
                              number)

    def terminate(self) -> None:
        for pool in (self.executor, self.solo):
            if pool is not None:
                for proc in list((getattr(pool, "_processes", None) or {}).values()):
                    proc.terminate()

    def shutdown(self, wait: bool) -> None:
        for pool in (self.executor, self.solo):
            if pool is not None:
                pool.shutdown(wait=wait, cancel_futures=True)


def _pool(jobs: int, init_args: tuple) -> ProcessPoolExecutor:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    import advisor.decide.engine as engine_module

    # fork only a parent that has not started durable: a forked copy of its C state is untried
    method = "fork" if engine_module._host is None and "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method),
                               initializer=setup_worker, initargs=init_args + (True,))


def run_batch(input_path: Path | str, output_path: Path | str, *, jobs: int = 1, json_dir: Path | str | None = None,
              lang: str = "zh", progress_stream=None, progress: bool | None = None) -> Summary:
    """Screen every park of the input table; write one output row per input row as it is done."""
    input_path, output_path = Path(input_path), Path(output_path)
    if output_path.suffix.lower() not in OUTPUT_SUFFIXES:
        raise UsageError([Issue("batch", f"-o {output_path}", f"unknown output type '{output_path.suffix or '(none)'}'",
                                "name the output .csv, .xlsx or .jsonl")])
    if jobs < 1:
        raise UsageError([Issue("batch", f"--jobs {jobs}", "needs at least one job", "write --jobs 1 or more")])
    if output_path.resolve() == input_path.resolve():
        raise UsageError([Issue("batch", f"-o {output_path}", "the output would overwrite the input",
                                "name another output file")])
    table = open_table(input_path)
    try:
        plan, header_issues = plan_columns(table.header)
        header_issues = [Issue(f"{input_path} header", i.path, i.problem, i.fix) for i in header_issues]
        header_issues += _header_problems(input_path, table.header, plan)
        if header_issues:
            raise ProfileError(header_issues)
        if json_dir is not None:
            Path(json_dir).mkdir(parents=True, exist_ok=True)
        label = input_path.name
        init_args = (plan, label, lang, str(json_dir) if json_dir is not None else None)
        # the knowledge and rule bases are loaded, and the modules a worker runs imported, before forking so
        # that workers share them instead of each doing it again
        import advisor.accounting
        import advisor.decide.estimates
        import advisor.decide.recommend
        import advisor.profile.files  # noqa: F401 - imported for the workers
        from advisor.kb.knowledge import load_knowledge
        from advisor.kb.rulebook import load_rulebase

        load_knowledge()
        load_rulebase()
        writer = open_writer(output_path)
        summary = Summary(output=str(output_path))
        rows_read = [0]
        bar = Progress(progress_stream or sys.stderr, table.fraction, progress, lambda: rows_read[0])
        start = time.monotonic()

        def emit(rows: list[list]) -> None:
            """Rows that arrived together: written, then flushed once."""
            for row in rows:
                writer.write(row)
                summary.total += 1      # row by row: a Ctrl-C in between still counts what was written
                if row[1] == "ok":
                    summary.ok += 1
                else:
                    summary.errors += 1
            writer.flush()
            bar.update(summary.total)

        workers = None
        orderly = False         # ended or stopped as planned: the rows done make a (shorter) result
        try:
            chunks = _chunks(_tasks(table, plan, label, rows_read), CHUNK)
            if jobs == 1:
                setup_worker(*init_args)
                for chunk in chunks:
                    emit(process_chunk(chunk))
            else:
                workers = _Workers(jobs, init_args, plan, label)
                window = jobs * WINDOW_PER_JOB
                for chunk in chunks:
                    workers.submit(chunk)
                    while len(workers.pending) >= window:
                        for rows in workers.next_rows():
                            emit(rows)
                while workers.pending:
                    for rows in workers.next_rows():
                        emit(rows)
            orderly = True
        except KeyboardInterrupt:
            summary.interrupted = orderly = True
            if workers is not None:
                workers.terminate()
        except Exception as exc:  # the pool keeps breaking: keep what was written and say so
            from concurrent.futures.process import BrokenProcessPool

            if not isinstance(exc, BrokenProcessPool):
                raise
            summary.failed = orderly = True
            summary.notes.append(f"worker processes keep dying ({exc}); rows after {summary.total} were not screened")
        finally:
            if workers is not None:
                workers.shutdown(wait=not (summary.interrupted or summary.failed))
            summary.seconds = time.monotonic() - start
            bar.update(summary.total, final=True)
            # a fault keeps every row written (for .xlsx: in the sidecar) and makes no workbook that looks whole
            if orderly:
                writer.close()
            else:
                writer.abort()
        return summary
    finally:
        table.close()
