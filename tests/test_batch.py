"""Batch screening: compact table cells, error rows, output formats, workers, the CLI verb."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from advisor.errors import ProfileError
from advisor.profile.table_rows import profile_to_row, row_dict_to_data

PROMISED_COLUMNS = [  # the first columns, in docs/outputs.md; later ones are only added after them
    "park.id", "status", "error", "synergy", "carbon_state", "pollutant_state", "recommended"]
MINIMAL = {"park.id": "tiny", "park.name": "小园区", "park.base_year": "2022", "park.industries": "C26:0.6"}


def read(row: dict) -> dict:
    data, issues = row_dict_to_data(row, "parks.csv row 2")
    assert not issues, issues
    return data


def problems(row: dict) -> list:
    return row_dict_to_data(row, "parks.csv row 2")[1]


def write_csv(path: Path, rows: list[dict]) -> Path:
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(columns))
        w.writeheader()
        w.writerows(rows)
    return path


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def example_rows(example_paths) -> list[dict]:
    return [profile_to_row(yaml.safe_load(p.read_text(encoding="utf-8"))) for p in example_paths]


# --- compact cells --------------------------------------------------------------------------

def test_industries_are_code_share_pairs():
    data = read({**MINIMAL, "park.industries": "C26:0.55; C29:0.12"})
    assert data["park"]["industries"] == [{"code": "C26", "share": 0.55}, {"code": "C29", "share": 0.12}]


def test_energy_items_carry_amount_unit_use_origin_and_tags():
    cell = ("raw_coal:1.62e6 t:fuel;natural_gas:8.5e7 Nm3;electricity:2.9e6 MWh:grid:metered;"
            "raw_coal:1.5e5 t:process=boilers:owner=e-chlor:factor=1.85 t CO2/t@2022 fuel assay@2022")
    energy = read({**MINIMAL, "energy": cell})["energy"]
    assert energy[0] == {"carrier": "raw_coal", "amount": 1.62e6, "unit": "t", "use": "fuel"}
    assert energy[1] == {"carrier": "natural_gas", "amount": 8.5e7, "unit": "Nm3"}
    assert energy[2] == {"carrier": "electricity", "amount": 2.9e6, "unit": "MWh", "origin": "grid",
                         "data_tier": "metered"}
    assert energy[3]["factor"] == {"value": 1.85, "unit": "t CO2/t", "source": "2022 fuel assay", "year": 2022}
    assert energy[3]["process"] == "boilers" and energy[3]["owner"] == "e-chlor"


def test_processes_are_pipe_separated_with_emission_pairs():
    cell = ("chp-1|fuel_combustion|infrastructure|CO2=3.1e6,SO2=410|燃煤锅炉|limestone_fgd,scr_urea|SO2=8660;"
            "tanks|chemical_process||VOCs=780")
    procs = read({**MINIMAL, "processes": cell})["processes"]
    assert procs[0] == {"id": "chp-1", "category": "fuel_combustion", "owner": "infrastructure",
                        "emissions": {"CO2": 3.1e6, "SO2": 410.0}, "name": "燃煤锅炉",
                        "controls": ["limestone_fgd", "scr_urea"], "removed_t": {"SO2": 8660.0}}
    assert procs[1] == {"id": "tanks", "category": "chemical_process", "emissions": {"VOCs": 780.0}}


def test_word_lists_programmes_and_boilers_have_their_own_short_forms():
    data = read({**MINIMAL, "characteristic_pollutants": "VOCs;Ni", "third_party.services": "green_finance",
                 "management.programmes": "circular_transformation:2021;green_park",
                 "enterprises_summary.boilers": "coal:35:3;natural_gas:10"})
    assert data["characteristic_pollutants"] == ["VOCs", "Ni"]
    assert data["third_party"]["services"] == ["green_finance"]
    assert data["management"]["programmes"] == [{"kind": "circular_transformation", "year": 2021},
                                                {"kind": "green_park"}]
    assert data["enterprises_summary"]["boilers"] == [{"fuel": "coal", "t_h": 35.0, "count": 3},
                                                      {"fuel": "natural_gas", "t_h": 10.0}]


def test_an_empty_cell_is_unknown_and_brackets_mean_none():
    data = read({**MINIMAL, "infrastructure.energy_env_links": "[]", "infrastructure.utility_corridor": ""})
    assert data["infrastructure"] == {"energy_env_links": []}


def test_year_columns_become_series_keyed_by_year():
    data = read({**MINIMAL, "economy.indicator": "gdp", "economy.values.2018": "410", "economy.values.2022": "5.123e2",
                 "emissions_history.CO2e.2022": "5.48e6", "emissions_history.NH3-N.2018": "95"})
    assert data["economy"]["values"] == {2018: 410.0, 2022: 512.3}
    assert data["emissions_history"] == {"CO2e": {2022: 5.48e6}, "NH3-N": {2018: 95.0}}


@pytest.mark.parametrize("cell,value", [("true", True), ("FALSE", False), ("是", True), ("否", False),
                                        ("yes", True), ("no", False), ("1", True), ("0", False)])
def test_yes_no_cells_accept_the_usual_spellings(cell, value):
    assert read({**MINIMAL, "management.synergy_plan": cell})["management"]["synergy_plan"] is value


def test_a_bad_cell_names_its_column_its_value_and_a_fix():
    [bool_issue, energy_issue] = problems({**MINIMAL, "management.synergy_plan": "maybe",
                                           "energy": "raw_coal:1e6 t:fule"})
    assert bool_issue.path == "management.synergy_plan"
    assert "'maybe'" in bool_issue.problem and "true or false" in bool_issue.fix
    assert energy_issue.path == "energy" and "fule" in energy_issue.problem and "fuel" in energy_issue.fix


def test_every_example_park_reads_back_from_its_row_unchanged(kb, example_paths):
    from advisor.profile.files import validate_data

    for path in example_paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        row = profile_to_row(data)
        assert all(isinstance(v, str) for v in row.values())
        again = validate_data(read(row), "row", kb)
        assert again.model_dump() == validate_data(data, str(path), kb).model_dump()


# --- the batch --------------------------------------------------------------------------------

def test_an_unknown_column_stops_the_batch_before_any_row_with_a_suggestion(tmp_path):
    from advisor.batch.run import run_batch

    src = write_csv(tmp_path / "parks.csv", [{**MINIMAL, "management.synergy_plna": "true"}])
    with pytest.raises(ProfileError) as info:
        run_batch(src, tmp_path / "out.csv")
    assert "management.synergy_plan" in str(info.value)


def test_bad_rows_get_their_own_error_rows_and_the_batch_goes_on(tmp_path):
    from advisor.batch.run import run_batch

    rows = [{**MINIMAL, "park.id": "bad-share", "park.industries": "C26:55"},
            {**MINIMAL, "park.id": "bad-flag", "management.synergy_plan": "maybe", "park.base_year": "later"},
            {**MINIMAL, "park.id": "bad-share"}]
    summary = run_batch(write_csv(tmp_path / "parks.csv", rows), tmp_path / "out.csv")
    out = read_csv(tmp_path / "out.csv")
    assert [r["park.id"] for r in out] == ["bad-share", "bad-flag", "bad-share"]
    assert [r["status"] for r in out] == ["error"] * 3
    assert "0.55 = 55 %" in out[0]["error"]
    assert "management.synergy_plan" in out[1]["error"] and " | " in out[1]["error"]   # every issue of the row
    assert "already used in row 2" in out[2]["error"]
    assert summary.total == 3 and summary.errors == 3


def test_the_demo_batch_screens_the_examples_and_reports_the_bad_row(tmp_path, example_paths):
    from advisor.batch.run import OUTPUT_COLUMNS, run_batch

    summary = run_batch(ROOT / "examples" / "batch-demo.csv", tmp_path / "out.csv")
    out = read_csv(tmp_path / "out.csv")
    assert list(out[0]) == OUTPUT_COLUMNS and OUTPUT_COLUMNS[:7] == PROMISED_COLUMNS
    assert [r["status"] for r in out] == ["ok"] * len(example_paths) + ["error"]
    assert all(r["recommended"] and r["synergy"] and not r["error"] for r in out[:-1])
    assert summary.ok == len(example_paths) and summary.errors == 1


def test_results_are_the_same_with_two_workers_and_equal_to_advise(tmp_path, kb, example_paths):
    from advisor.accounting import analyze_profile
    from advisor.batch.run import run_batch
    from advisor.profile.files import load_profile

    rows = example_rows(example_paths) * 3
    for i, row in enumerate(rows):
        row["park.id"] = f"{row['park.id']}-{i}"
    src = write_csv(tmp_path / "parks.csv", rows)
    run_batch(src, tmp_path / "one.csv", jobs=1, json_dir=tmp_path / "one")
    run_batch(src, tmp_path / "two.csv", jobs=2, json_dir=tmp_path / "two")
    one, two = read_csv(tmp_path / "one.csv"), read_csv(tmp_path / "two.csv")
    assert one == two
    for path, row in zip(example_paths, one[:len(example_paths)], strict=True):  # the first copy of each
        from advisor.decide.recommend import advise

        profile = load_profile(path, kb)
        advice = advise(profile, kb)
        period = analyze_profile(profile, kb)["decoupling"]["periods"][0]
        assert row["recommended"] == " ".join(r["measure"] for r in advice["recommendations"])
        assert (row["synergy"], row["carbon_state"], row["pollutant_state"]) == (
            period["synergy"], period["carbon_state"], period["pollutant_state"])
        saved = json.loads((tmp_path / "one" / f"{row['park.id']}.json").read_text(encoding="utf-8"))
        assert saved["recommendations"] == advice["recommendations"]
        name = f"{row['park.id']}.json"
        assert (tmp_path / "one" / name).read_text() == (tmp_path / "two" / name).read_text()


@pytest.mark.parametrize("with_json", [False, True], ids=["screen", "full advice"])
def test_the_to_confirm_column_holds_the_measures_recommend_puts_to_confirm(tmp_path, kb, example_paths, with_json):
    from advisor.batch.run import OUTPUT_COLUMNS, run_batch
    from advisor.decide.recommend import advise
    from advisor.profile.files import load_profile

    assert OUTPUT_COLUMNS.index("to_confirm") == OUTPUT_COLUMNS.index("recommended") + 1
    src = write_csv(tmp_path / "parks.csv", example_rows(example_paths))
    run_batch(src, tmp_path / "out.csv", json_dir=tmp_path / "json" if with_json else None)
    rows = read_csv(tmp_path / "out.csv")
    assert any(row["to_confirm"] for row in rows)     # the examples leave some measures to confirm
    for path, row in zip(example_paths, rows, strict=True):
        advice = advise(load_profile(path, kb), kb)
        pending = [t["measure"] for t in advice["to_confirm"]]
        assert row["to_confirm"] == " ".join(pending) and row["n_to_confirm"] == str(len(pending))
        assert row["n_recommended"] == str(len(advice["recommendations"]))
        assert not set(row["to_confirm"].split()) & set(row["recommended"].split())


def test_jsonl_and_xlsx_outputs_and_xlsx_input_are_readable(tmp_path):
    import openpyxl

    from advisor.batch.run import OUTPUT_COLUMNS, run_batch

    demo = read_csv(ROOT / "examples" / "batch-demo.csv")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(demo[0]))
    for row in demo:
        ws.append([v or None for v in row.values()])
    wb.save(tmp_path / "parks.xlsx")
    run_batch(tmp_path / "parks.xlsx", tmp_path / "out.jsonl")
    run_batch(tmp_path / "parks.xlsx", tmp_path / "out.xlsx")
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    sheet = list(openpyxl.load_workbook(tmp_path / "out.xlsx").active.iter_rows(values_only=True))
    assert list(sheet[0]) == OUTPUT_COLUMNS and list(lines[0]) == OUTPUT_COLUMNS
    assert [line["status"] for line in lines] == [r[1] for r in sheet[1:]] == ["ok"] * (len(demo) - 1) + ["error"]
    assert [line["row"] for line in lines] == list(range(2, len(demo) + 2))
    assert not (tmp_path / "out.partial.csv").exists()


def test_the_cli_refuses_an_unknown_output_suffix_with_exit_2(tmp_path, capsys):
    from advisor.cli.entry import main

    assert main(["batch", str(ROOT / "examples" / "batch-demo.csv"), "-o", str(tmp_path / "out.txt")]) == 2
    assert ".csv, .xlsx or .jsonl" in capsys.readouterr().err


def test_the_cli_prints_a_summary_and_exits_1_when_a_row_is_bad(tmp_path, capsys):
    from advisor.cli.entry import main

    assert main(["batch", str(ROOT / "examples" / "batch-demo.csv"), "-o", str(tmp_path / "out.csv")]) == 1
    out = capsys.readouterr()
    assert "5 parks, 4 ok, 1 error" in out.out and out.err == ""   # no progress bar when not a terminal


def test_stopping_a_batch_keeps_every_row_already_written(tmp_path, monkeypatch):
    import advisor.batch.run as batch

    rows = [{**MINIMAL, "park.id": f"bad-{i}", "park.industries": "C26:55"} for i in range(batch.CHUNK + 10)]
    src = write_csv(tmp_path / "parks.csv", rows)
    real, calls = batch.process_chunk, []

    def stop_on_second_chunk(chunk):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(chunk)

    monkeypatch.setattr(batch, "process_chunk", stop_on_second_chunk)
    summary = batch.run_batch(src, tmp_path / "out.xlsx")
    assert summary.interrupted and summary.total == batch.CHUNK
    import openpyxl

    sheet = list(openpyxl.load_workbook(tmp_path / "out.xlsx").active.iter_rows(values_only=True))
    assert [r[0] for r in sheet[1:]] == [f"bad-{i}" for i in range(batch.CHUNK)]


def test_the_progress_line_shows_rate_and_eta_on_a_terminal():
    import io

    from advisor.batch.run import Progress

    stream = io.StringIO()
    bar = Progress(stream, lambda: 0.25, enabled=True, read=lambda: 100)
    bar.update(50, final=False)
    assert "parks/s" in stream.getvalue() and "ETA" in stream.getvalue()
    quiet = io.StringIO()
    Progress(quiet, lambda: 0.5).update(10, final=True)       # StringIO is not a terminal
    assert quiet.getvalue() == ""


def test_text_holding_a_separator_is_written_as_json_and_reads_back():
    data = {"schema_version": 1, "park": {"id": "p", "name": "园区;一", "base_year": 2022,
                                          "industries": [{"code": "C26", "share": 0.5}],
                                          "boundary_changes": [{"year": 2020, "note": "南区并入; 北区划出"}]},
            "processes": [{"id": "a", "category": "chemical_process", "name": "反应|精馏",
                           "emissions": {"VOCs": 10.0}}]}
    row = profile_to_row(data)
    assert row["park.boundary_changes"].startswith("[") and row["processes"].startswith("[")
    assert read(row) == data


def test_a_park_that_kills_its_worker_gets_an_error_row_and_the_others_go_on(tmp_path, monkeypatch):
    import os

    import advisor.batch.run as batch
    import advisor.decide.engine

    monkeypatch.setattr(advisor.decide.engine, "_host", None)       # fork, so that the workers see the patch below
    real = batch.park_steps

    def crash_on_one_park(number, cells, *rest):
        if "crash-me" in cells:
            os._exit(3)                                       # what a crash in the engine's C core looks like
        return real(number, cells, *rest)

    monkeypatch.setattr(batch, "park_steps", crash_on_one_park)
    rows = [{**MINIMAL, "park.id": f"bad-{i}", "park.industries": "C26:55"} for i in range(6)]
    rows.insert(3, {**MINIMAL, "park.id": "crash-me", "park.industries": "C26:55"})
    summary = batch.run_batch(write_csv(tmp_path / "parks.csv", rows), tmp_path / "out.csv", jobs=2)
    out = read_csv(tmp_path / "out.csv")
    assert [r["park.id"] for r in out] == [r["park.id"] for r in rows]
    assert "crashed" in out[3]["error"] and all("0.55 = 55 %" in r["error"] for r in out if r["park.id"] != "crash-me")
    assert summary.total == 7 and not summary.failed


def test_the_batch_screen_ranks_prioritises_and_lists_unknowns_like_the_full_advice(kb, example_paths):
    from advisor.accounting import analyze_profile
    from advisor.decide.recommend import advise, screen
    from advisor.profile.files import load_profile

    unknowns_seen = 0
    for path in example_paths:
        profile = load_profile(path, kb)
        analysis, lean = analyze_profile(profile, kb), analyze_profile(profile, kb, detail=False)
        assert lean["decoupling"]["periods"] == analysis["decoupling"]["periods"][:1]
        assert {k: lean["carbon"][k] for k in ("total_t_co2e", "by_scope")} == \
            {k: analysis["carbon"][k] for k in ("total_t_co2e", "by_scope")}
        # the rows are the same but for each source's data quality, which only readers see
        assert lean["carbon"]["by_process"] == [{k: v for k, v in row.items() if k != "data_quality"}
                                                 for row in analysis["carbon"]["by_process"]]
        assert lean["pollutants"] == analysis["pollutants"] and lean["trade_offs"] == analysis["trade_offs"]
        # the energy block keeps the totals and shares, the same numbers, without the tables only readers see
        assert lean["energy"] == {k: analysis["energy"][k] for k in lean["energy"]}
        assert "total_tce" in lean["energy"] and "by_carrier" not in lean["energy"]
        assert [{**s, "reason": "", "reason_zh": ""} for s in analysis["same_source"]] == lean["same_source"]
        assert (analyze_profile(profile, kb, period=(2019, 2021), detail=False)["decoupling"]["periods"]
                == analyze_profile(profile, kb, period=(2019, 2021))["decoupling"]["periods"])
        full = advise(profile, kb, analysis=analysis)
        short = screen(profile, kb, analysis=lean)
        unknowns_seen += len(short["unknowns"])
        ranked = [(r["measure"], r["priority"], r["score"]) for r in full["recommendations"]]
        assert short["ranked"] == ranked, path.name
        assert short["unknowns"] == [u["fact"] for u in full["unknowns"]]
        assert short["park_type"] == full["park_type"]
        assert full["recommendations"]
    assert unknowns_seen, "some example park should leave facts unknown"


# --- encodings, formulas and characters a workbook cannot hold ---------------------------------------

def write_bytes_csv(path: Path, rows: list[dict], encode) -> Path:
    """A CSV whose rows are encoded one by one with encode(row number, line) – to mix encodings."""
    columns = list(rows[0])
    lines = [",".join(columns)] + [",".join(row[c] for c in columns) for row in rows]
    path.write_bytes(b"\r\n".join(encode(i + 1, line) for i, line in enumerate(lines)) + b"\r\n")
    return path


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_cell_in_another_encoding_far_down_the_file_is_an_error_of_its_row_only(tmp_path, jobs):
    from advisor.batch.run import run_batch

    rows = [{**MINIMAL, "park.id": f"p-{i}", "park.name": f"园区{i}", "# note": "注" * 80} for i in range(330)]
    bad = 320                                     # row 321 of the table, well past the first 64 KB
    rows[bad]["park.name"] = "坏编码园区"
    src = write_bytes_csv(tmp_path / "parks.csv", rows,
                          lambda n, line: line.encode("gb18030" if n == bad + 2 else "utf-8"))
    assert src.read_bytes().index("坏编码园区".encode("gb18030")) > 65536
    summary = run_batch(src, tmp_path / "out.csv", jobs=jobs)
    out = read_csv(tmp_path / "out.csv")
    assert [r["park.id"] for r in out] == [r["park.id"] for r in rows]
    assert [r["status"] for r in out] == ["ok"] * bad + ["error"] + ["ok"] * (len(rows) - bad - 1)
    error = out[bad]["error"]
    assert error.startswith(f"parks.csv row {bad + 2}: park.name: the cell is not UTF-8 text")
    assert "'坏编码园区'" in error and " | " not in error       # the GB18030 reading as a hint; nothing else wrong
    assert out[bad]["park.name"].startswith("\ufffd") and summary.errors == 1


def test_a_table_in_gb18030_is_read_as_gb18030_even_when_it_starts_with_plain_ascii(tmp_path):
    from advisor.batch.run import run_batch

    rows = [{**MINIMAL, "park.id": f"p-{i}", "park.name": "demo", "# note": "x" * 300} for i in range(240)]
    rows[-1]["park.name"] = "化工园区"
    src = write_bytes_csv(tmp_path / "parks.csv", rows, lambda n, line: line.encode("gb18030"))
    assert src.read_bytes()[:65536].isascii()
    run_batch(src, tmp_path / "out.csv")
    out = read_csv(tmp_path / "out.csv")
    assert {r["status"] for r in out} == {"ok"} and out[-1]["park.name"] == "化工园区"


def test_a_header_cell_in_another_encoding_stops_the_batch_naming_the_column(tmp_path):
    from advisor.batch.run import run_batch

    src = write_bytes_csv(tmp_path / "parks.csv", [{**MINIMAL, "# 备注": "说明"}],
                          lambda n, line: line.encode("gb18030" if n == 1 else "utf-8"))
    (tmp_path / "parks.csv").write_bytes(src.read_bytes().replace(b"\r\n", "\r\n# 中文说明\r\n".encode(), 1))
    with pytest.raises(ProfileError) as info:
        run_batch(src, tmp_path / "out.csv")
    assert "parks.csv header: column 5" in str(info.value) and "not UTF-8 text" in str(info.value)


def test_a_row_the_csv_reader_cannot_split_is_an_error_row_and_the_next_rows_go_on(tmp_path, monkeypatch):
    import csv as csv_module

    from advisor.batch.run import run_batch

    rows = [{**MINIMAL, "park.id": f"p-{i}", "# note": ""} for i in range(3)]
    rows[1]["# note"] = "x" * 5000
    src = write_csv(tmp_path / "parks.csv", rows)
    old = csv_module.field_size_limit(1000)
    try:
        run_batch(src, tmp_path / "out.csv")
    finally:
        csv_module.field_size_limit(old)
    out = read_csv(tmp_path / "out.csv")
    assert [(r["row"], r["status"]) for r in out] == [("2", "ok"), ("3", "error"), ("4", "ok")]
    assert out[1]["error"].startswith("parks.csv row 3: the row cannot be read (field larger than field limit")


FORMULAS = ["=HYPERLINK(\"http://x\",\"y\")", "+1+2", "-3+4", "@SUM(A1)"]


def test_the_spreadsheet_cell_rule_quotes_formula_starts_and_leaves_numbers_and_plain_text():
    from advisor.batch.writers import sheet_cell

    assert [sheet_cell(v) for v in ["=1", "+1", "-1", "@x", "\t=1", "\r=1", "a=1", "'=1", ""]] == [
        "'=1", "'+1", "'-1", "'@x", "'\t=1", "'\r=1", "a=1", "'=1", ""]
    assert [sheet_cell(v) for v in [-1, -2.5, 0, None, True]] == [-1, -2.5, 0, None, True]
    assert sheet_cell("a\x1bb\x00\udcb9") == "a␛b␀\ufffd" and sheet_cell("\x1b=1") == "␛=1"


def test_a_whole_row_is_made_safe_exactly_as_each_of_its_cells_would_be():
    import random

    from advisor.batch.writers import sheet_cell, sheet_row

    rng = random.Random(1)
    pieces = ["=", "+", "-", "@", "\t", "\r", "\n", "a", "1", "园", "\x1b", "\x00", " ", "'", "\udcb9"]
    for _ in range(5_000):
        row = [rng.choice([None, 1.5, "", "".join(rng.choice(pieces) for _ in range(rng.randint(1, 4)))])
               for _ in range(rng.randint(0, 6))]
        assert sheet_row(row) == [sheet_cell(v) for v in row], row


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_cells_that_start_like_a_formula_are_written_as_text_and_numbers_stay_numbers(tmp_path, suffix):
    import openpyxl

    from advisor.batch.run import OUTPUT_COLUMNS, run_batch

    rows = [{**MINIMAL, "park.id": f"p-{i}", "park.name": name} for i, name in enumerate(FORMULAS)]
    rows.append({**MINIMAL, "park.id": "=cmd|' /C calc'!A0", "park.industries": "C26:55"})
    run_batch(write_csv(tmp_path / "parks.csv", rows), tmp_path / f"out{suffix}")
    if suffix == ".csv":
        out = [list(r.values()) for r in read_csv(tmp_path / "out.csv")]
    else:
        sheet = openpyxl.load_workbook(tmp_path / "out.xlsx").active
        assert all(cell.data_type != "f" for line in sheet.iter_rows() for cell in line)
        out = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
    names = [r[OUTPUT_COLUMNS.index("park.name")] for r in out]
    assert names[:len(FORMULAS)] == ["'" + name for name in FORMULAS]
    assert out[-1][0] == "'=cmd|' /C calc'!A0" and out[-1][1] == "error"
    n_recommended = out[0][OUTPUT_COLUMNS.index("n_recommended")]
    assert n_recommended == (str(int(n_recommended)) if suffix == ".csv" else int(n_recommended))
    assert isinstance(out[0][OUTPUT_COLUMNS.index("row")], str if suffix == ".csv" else int)


def test_control_characters_are_shown_as_control_pictures_and_the_workbook_is_whole(tmp_path):
    import openpyxl

    from advisor.batch.run import OUTPUT_COLUMNS, run_batch

    rows = [{**MINIMAL, "park.id": f"p-{i}", "park.name": f"园区{i}"} for i in range(4)]
    rows[1]["park.name"] = "园\x1b[31m区\x00\x01"
    run_batch(write_csv(tmp_path / "parks.csv", rows), tmp_path / "out.xlsx")
    sheet = list(openpyxl.load_workbook(tmp_path / "out.xlsx").active.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in sheet] == [r["park.id"] for r in rows]
    assert sheet[1][OUTPUT_COLUMNS.index("park.name")] == "园␛[31m区␀␁"
    assert not (tmp_path / "out.partial.csv").exists()


def test_a_fault_in_an_xlsx_batch_keeps_the_rows_in_the_sidecar_and_leaves_no_workbook(tmp_path, monkeypatch):
    import advisor.batch.run as batch

    rows = [{**MINIMAL, "park.id": f"p-{i}"} for i in range(batch.CHUNK + 10)]
    src = write_csv(tmp_path / "parks.csv", rows)
    (tmp_path / "out.xlsx").write_bytes(b"a workbook from an earlier run")
    real, calls = batch.process_chunk, []

    def fail_on_second_chunk(chunk):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("a fault")
        return real(chunk)

    monkeypatch.setattr(batch, "process_chunk", fail_on_second_chunk)
    with pytest.raises(RuntimeError):
        batch.run_batch(src, tmp_path / "out.xlsx")
    assert not (tmp_path / "out.xlsx").exists()
    kept = read_csv(tmp_path / "out.partial.csv")
    assert [r["park.id"] for r in kept] == [f"p-{i}" for i in range(batch.CHUNK)]
