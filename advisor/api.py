"""The Python API for analysts and notebooks: load a park, analyse it, advise it – as objects with tables.

Every function calls the same code as the matching command line verb, so a result's `.to_dict()` equals that
verb's `--json` output and `.to_json()` its text. Tables come as pandas DataFrames; pandas is imported only
when a table is asked for.

    >>> import advisor as pa
    >>> park = pa.load_profile(pa.examples_dir() / "demo-chemical.yaml")
    >>> pa.recommend(park).recommendations.loc[0, "measure"]
    '7.1.1'

Bad input raises advisor.errors exceptions (ProfileError, UsageError …) whose `issues` list every problem
with its file, field path and fix.
"""

from __future__ import annotations

import copy
import csv
import json
import math
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from advisor.errors import AdvisorError, Issue, ProfileError, RuleEngineError, UsageError
from advisor.kb.paths import examples_dir

if TYPE_CHECKING:
    import pandas as pd

    from advisor.profile.model import Profile
    from advisor.results import AdviceOutput, AnalysisOutput

    # what the functions take as a park: a loaded profile, a profile file, or the profile's tree as a mapping
    ProfileLike = Profile | str | os.PathLike[str] | Mapping[str, Any]

__all__ = ["Advice", "Analysis", "Evaluation", "Explanation", "Screening", "WhatIf", "analyze", "evaluate_cycles",
           "examples_dir", "explain", "load_profile", "recommend", "screen", "whatif"]

DICT_LABEL = "profile (dict)"      # names a profile given as a mapping in messages, where a file name would be


def _kb():
    from advisor.kb.knowledge import load_knowledge

    return load_knowledge()


def _frame(rows: list[dict[str, Any]], columns: list[str] | None = None) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(rows, columns=columns)


# --- results --------------------------------------------------------------------------------------------

@dataclass(frozen=True, repr=False)
class _Result:
    """A result as the command line gives it (`data`), with its tables as DataFrames."""

    data: dict[str, Any]

    def to_json(self, indent: int | None = 2) -> str:
        """The JSON text the command line prints with --json (without its final newline)."""
        return json.dumps(self.data, ensure_ascii=False, indent=indent)

    def to_dict(self) -> dict[str, Any]:
        """A fresh copy of the result, equal to the command line's --json output once parsed."""
        return json.loads(self.to_json(indent=None))

    def __repr__(self) -> str:
        park = self.data.get("park") or {}
        return f"<{type(self).__name__} of park {park.get('id')!r}>"


class Analysis(_Result):
    """The status analysis of one park (`park-advisor analyze --json`).

    >>> a = analyze(examples_dir() / "demo-chemical.yaml")
    >>> a.carbon_by_process.loc[0, "process"]
    'chp-1'
    """

    @property
    def model(self) -> AnalysisOutput:
        """The result as a typed, validated object (advisor.results.AnalysisOutput)."""
        from advisor.results import AnalysisOutput

        return AnalysisOutput.model_validate(self.data)

    @property
    def total_t_co2e(self) -> float | None:
        return self.data["carbon"]["total_t_co2e"]

    @property
    def carbon_by_process(self) -> pd.DataFrame:
        """One row per emitting process: process, name, category, owner, t_co2e, share, scope split, basis."""
        return _frame(self.data["carbon"]["by_process"])

    @property
    def carbon_by_carrier(self) -> pd.DataFrame:
        """One row per energy carrier: carrier, t_co2e, share."""
        return _frame(self.data["carbon"]["by_carrier"], ["carrier", "t_co2e", "share"])

    @property
    def carbon_by_scope(self) -> pd.DataFrame:
        """One row per scope: scope, t_co2e, share of the total (None when the total is 0 or unknown)."""
        total = self.total_t_co2e or 0.0
        rows = [{"scope": k, "t_co2e": v, "share": (v / total if total and v is not None else None)}
                for k, v in self.data["carbon"]["by_scope"].items()]
        return _frame(rows, ["scope", "t_co2e", "share"])

    @property
    def carbon_by_owner(self) -> pd.DataFrame:
        return _frame(self.data["carbon"].get("by_owner", []))

    @property
    def carbon_by_category(self) -> pd.DataFrame:
        return _frame(self.data["carbon"].get("by_category", []))

    @property
    def emission_factors(self) -> pd.DataFrame:
        """Every emission factor used, with its unit, data tier, source and the CO2e it gives."""
        return _frame(self.data["carbon"]["factors_used"])

    @property
    def pollutants(self) -> pd.DataFrame:
        """One row per pollutant × process: pollutant, process, owner, category, t, share (of that pollutant)."""
        rows = [{"pollutant": pid, **row} for pid, block in self.data["pollutants"].items()
                for row in block["by_process"]]
        return _frame(rows, ["pollutant", "process", "owner", "category", "t", "share"])

    @property
    def energy_balance(self) -> pd.DataFrame:
        """source → process → use in tce, one row per energy row (`counted` false for on-site conversions)."""
        rows = [{"source": f"{b['carrier']}:{b['origin']}" if b.get("origin") else b["carrier"], **b}
                for b in self.data["energy"].get("balance", [])]
        columns = ["source", "carrier", "origin", "process", "owner", "use", "amount", "unit", "tce", "counted"]
        return _frame(rows, columns)

    @property
    def fused_inventory(self) -> pd.DataFrame:
        """One row per process: CO2e (total and direct), one column per pollutant (t), same_source flag."""
        rows = []
        for p in self.data["fused"]["processes"]:
            row = {k: p.get(k) for k in ("process", "name", "category", "owner", "t_co2e", "t_co2e_direct")}
            row.update(p["pollutants"])
            rows.append(row)
        same = {pid for s in self.data["same_source"] for pid in s["processes"]}
        frame = _frame(rows)
        if not frame.empty:
            frame["same_source"] = frame["process"].isin(same)
        return frame

    @property
    def decoupling(self) -> pd.DataFrame:
        """The decoupling periods of the whole park, one row per period × substance."""
        return _periods_frame(self.data["decoupling"]["periods"])

    def decoupling_by_industry(self, code: str) -> pd.DataFrame:
        """The decoupling periods of one industry division (e.g. 'C26'), as `decoupling`."""
        by_industry = self.data["decoupling"].get("by_industry") or {}
        if code not in by_industry:
            from advisor.errors import did_you_mean

            raise UsageError([Issue("decoupling_by_industry", code, "no per-industry decoupling for this division",
                                    did_you_mean(code, by_industry) or f"divisions here: {', '.join(by_industry)}")])
        return _periods_frame(by_industry[code]["periods"])


PERIOD_COLUMNS = ["from", "to", "kind", "economy_change", "substance", "change", "elasticity", "tapio", "state",
                  "pollutant_state", "carbon_state", "synergy"]


def _periods_frame(periods: list[dict[str, Any]]) -> pd.DataFrame:
    rows = [{"from": p["from"], "to": p["to"], "kind": p.get("kind"), "economy_change": p["economy_change"],
             "substance": name, "change": s["change"], "elasticity": s["elasticity"], "tapio": s["tapio"],
             "state": s["state"], "pollutant_state": p["pollutant_state"], "carbon_state": p["carbon_state"],
             "synergy": p["synergy"]}
            for p in periods for name, s in p["substances"].items()]
    return _frame(rows, PERIOD_COLUMNS)


class Advice(_Result):
    """The ordered, explained advice for one park (`park-advisor recommend --json`).

    >>> r = recommend(examples_dir() / "demo-chemical.yaml", lang="en")
    >>> r.measures[:3]
    ['7.1.1', '7.2.3', '7.3.5']
    """

    @property
    def model(self) -> AdviceOutput:
        """The result as a typed, validated object (advisor.results.AdviceOutput)."""
        from advisor.results import AdviceOutput

        return AdviceOutput.model_validate(self.data)

    @property
    def measures(self) -> list[str]:
        """The recommended measure ids in rank order."""
        return [r["measure"] for r in self.data["recommendations"]]

    @property
    def recommendations(self) -> pd.DataFrame:
        """One row per recommended measure, in rank order, with its score and plan attributes."""
        columns = ["rank", "measure", "object", "title", "priority", "score", "effect", "horizon", "effort",
                   "lead", "needs_higher_level", "co_benefits", "rules"]
        rows = [{**r, "rules": [b["rule"] for b in r["because"]]} for r in self.data["recommendations"]]
        return _frame(rows, columns)

    @property
    def not_recommended(self) -> pd.DataFrame:
        """One row per measure left out × condition that kept it out (rule, condition, fact, value, needed)."""
        columns = ["measure", "object", "title", "rule", "condition", "fact", "value", "needed"]
        rows = []
        for n in self.data["not_recommended"]:
            head = {"measure": n["measure"], "object": n["object"], "title": n["title"]}
            rows += [{**head, **w} for w in n["why_not"]] or [head]
        return _frame(rows, columns)

    @property
    def findings(self) -> pd.DataFrame:
        """What the status analysis shows: id, text, severity, status (found or possible)."""
        return _frame(self.data["findings"], ["id", "text", "severity", "status", "rules"])

    @property
    def unknowns(self) -> pd.DataFrame:
        """The unknown facts that could change the advice, with the measures each affects."""
        return _frame(self.data["unknowns"], ["fact", "text", "affects"])


class Explanation(_Result):
    """Why one measure is or is not recommended (`park-advisor explain --json`).

    >>> e = explain(examples_dir() / "demo-chemical.yaml", "7.2.3")
    >>> e.recommended, e.data["rank"]
    (True, 2)
    """

    @property
    def recommended(self) -> bool:
        return bool(self.data["recommended"])

    @property
    def conditions(self) -> pd.DataFrame:
        """One row per rule × condition: rule, outcome, condition, fact, value, result (True/False/None)."""
        rows = [{"rule": r["rule"], "outcome": r["outcome"], **c} for r in self.data["rules"] for c in r["conditions"]]
        return _frame(rows, ["rule", "outcome", "condition", "fact", "value", "result"])


class WhatIf(_Result):
    """What changes in the advice when profile values change (`park-advisor whatif --json`).

    >>> w = whatif(examples_dir() / "demo-chemical.yaml", {"management.synergy_plan": True})
    >>> w.data["entered"], len(w.data["moved"]) > 0
    ([], True)
    """

    @property
    def changes(self) -> pd.DataFrame:
        """One row per measure that entered, left or moved: measure, title, change, from, to."""
        rows = [{"measure": e["measure"], "title": e["title"], "change": "entered", "from": None, "to": e["rank"]}
                for e in self.data["entered"]]
        rows += [{"measure": m["measure"], "title": m["title"], "change": "left", "from": None, "to": None}
                 for m in self.data["left"]]
        rows += [{"measure": m["measure"], "title": m["title"], "change": "moved", "from": m["from"], "to": m["to"]}
                 for m in self.data["moved"]]
        return _frame(rows, ["measure", "title", "change", "from", "to"])


@dataclass(frozen=True, repr=False)
class Screening:
    """Many parks screened at once (`park-advisor batch`): one row per input row, as in the JSONL output.

    >>> s = screen(examples_dir() / "batch-demo.csv")
    >>> s.frame.loc[0, "park.id"], s.errors
    ('demo-chemical', 1)
    """

    rows: list[dict[str, Any]]

    @property
    def ok(self) -> int:
        return sum(1 for r in self.rows if r["status"] == "ok")

    @property
    def errors(self) -> int:
        return len(self.rows) - self.ok

    @property
    def frame(self) -> pd.DataFrame:
        """The batch table: park.id, status, error, synergy, carbon_state, pollutant_state, recommended …"""
        from advisor.batch.run import OUTPUT_COLUMNS

        return _frame(self.rows, list(OUTPUT_COLUMNS))

    def to_dict(self) -> dict[str, Any]:
        """{"rows": the rows the JSONL output holds, "total", "ok", "errors"}."""
        return {"rows": copy.deepcopy(self.rows), "total": len(self.rows), "ok": self.ok, "errors": self.errors}

    def __repr__(self) -> str:
        return f"<Screening of {len(self.rows)} parks: {self.ok} ok, {self.errors} with errors>"


# --- functions ------------------------------------------------------------------------------------------

def load_profile(source: str | os.PathLike[str] | Mapping[str, Any]) -> Profile:
    """A validated park profile from a file (.yaml, .yml, .json, .xlsx) or from a mapping of the same tree.

    Raises ProfileError listing every problem (file, field path, problem, fix).

    >>> load_profile({"schema_version": 1, "park": {"id": "p1", "name": "示例", "base_year": 2022,
    ...               "industries": [{"code": "C26", "share": 0.6}]}}).park.id
    'p1'
    """
    from advisor.profile import files

    if isinstance(source, Mapping):
        return files.validate_data(dict(source), DICT_LABEL, _kb())
    if isinstance(source, str | os.PathLike):
        return files.load_profile(Path(source), _kb())
    raise ProfileError([Issue(DICT_LABEL, "", f"cannot read a profile from a {type(source).__name__}",
                              "give a file path or a mapping with schema_version and park")])


def _profile(source: ProfileLike) -> Profile:
    from advisor.profile.model import Profile

    return source if isinstance(source, Profile) else load_profile(source)


T = TypeVar("T")


def _units_checked(run: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """run(*args, **kwargs), with a unit the accounting cannot convert reported as a ProfileError."""
    from advisor.kb.units import UnitError

    try:
        return run(*args, **kwargs)
    except UnitError as exc:
        raise ProfileError([Issue("profile", "", str(exc),
                                  "use a unit listed by knowledge/units.csv for this kind of quantity")]) from None


def analyze(profile: ProfileLike, *, period: str | tuple[int, int] | None = None) -> Analysis:
    """The status analysis: carbon, pollutants, same-source processes, decoupling (`analyze --json`).

    profile: a Profile, a file path or a mapping. period: 'Y1-Y2' or (Y1, Y2) for the decoupling.

    >>> analyze(examples_dir() / "demo-textile.yaml", period="2019-2022").decoupling["to"].unique().tolist()
    [2022]
    """
    from advisor.accounting import analyze_profile
    from advisor.accounting.decoupling import check_period

    span = check_period(period.split("-") if isinstance(period, str) else period)
    return Analysis(_units_checked(analyze_profile, _profile(profile), _kb(), period=span))


def recommend(profile: ProfileLike, *, lang: str = "zh", top: int | None = None) -> Advice:
    """The ordered, explained recommendations (`recommend --json`); top=N keeps the first N.

    >>> recommend(examples_dir() / "demo-chemical.yaml", top=2).measures
    ['7.1.1', '7.2.3']
    """
    from advisor.decide.recommend import advise

    result = _units_checked(advise, _profile(profile), _kb(), lang=_lang(lang))
    if top:
        result["recommendations"] = result["recommendations"][:top]
    return Advice(result)


def explain(profile: ProfileLike, measure: str, *, lang: str = "zh") -> Explanation:
    """Why one measure (e.g. '7.2.3') is or is not recommended, rule by rule (`explain --json`).

    >>> explain(examples_dir() / "demo-chemical.yaml", "7.5.1").recommended
    False
    """
    from advisor.decide.explain import explain_measure

    return Explanation(_units_checked(explain_measure, _profile(profile), _kb(), measure, lang=_lang(lang)))


def whatif(profile: ProfileLike, changes: Mapping[str, Any], *, lang: str = "zh") -> WhatIf:
    """What enters, leaves or moves in the advice if these profile values change (`whatif --json`).

    changes: profile path → new value, e.g. {"management.synergy_plan": True, "water.reuse_rate": 0.95};
    paths are written as for `--set` (`energy[0].amount`), None makes a value unknown.

    >>> whatif(examples_dir() / "demo-chemical.yaml", {"water.reuse_rate": 0.95}).data["changes"]
    {'water.reuse_rate': 0.95}
    """
    from advisor.decide.recommend import advise
    from advisor.decide.whatif import compare_advice, parse_assignment, set_path
    from advisor.profile.files import validate_data

    if not changes:
        raise UsageError([Issue("whatif", "", "nothing to change",
                                "pass a mapping of profile paths to new values, e.g. {'water.reuse_rate': 0.95}")])
    data, label = _profile_data(profile)
    kb, lang = _kb(), _lang(lang)
    before = _units_checked(advise, validate_data(data, label, kb), kb, lang=lang)
    changed = copy.deepcopy(data)
    for path, value in changes.items():
        try:
            steps, _ = parse_assignment(f"{path}=")      # the same path grammar as --set
            set_path(changed, steps, value, str(path))
        except UsageError as exc:
            raise UsageError([Issue("whatif", str(path), i.problem, i.fix) for i in exc.issues]) from None
    after = _units_checked(advise, validate_data(changed, f"{label} (with changes)", kb), kb, lang=lang)
    return WhatIf(compare_advice(before, after, {str(k).strip(): v for k, v in changes.items()}))


class Evaluation(_Result):
    """Two or more cycles of one park compared (`park-advisor evaluate --json`).

    >>> e = evaluate_cycles(examples_dir() / "demo-chemical.yaml", examples_dir() / "demo-chemical-2024.yaml")
    >>> e.data["cycles"], e.indicators.set_index("id").loc["so2_per_output", "attainment"]
    ([2022, 2024], 'on_track')
    """

    @property
    def changes(self) -> pd.DataFrame:
        """One row per figure: figure, label, unit, a column per cycle, change."""
        years = [str(y) for y in self.data["cycles"]]
        rows = [{"figure": c["figure"], "label": c["label"], "unit": c["unit"], **c["values"], "change": c["change"]}
                for c in self.data["changes"]]
        return _frame(rows, ["figure", "label", "unit", *years, "change"])

    @property
    def indicators(self) -> pd.DataFrame:
        """One row per indicator: id, name, unit, a column per cycle, target year and value, attainment."""
        years = [str(y) for y in self.data["cycles"]]
        rows = [{"id": i["id"], "name": i["name"], "unit": i["unit"], **i["values"],
                 "target_year": (i["target"] or {}).get("year"), "target": (i["target"] or {}).get("value"),
                 "attainment": i["attainment"]} for i in self.data["indicators"]]
        return _frame(rows, ["id", "name", "unit", *years, "target_year", "target", "attainment"])

    @property
    def measures(self) -> pd.DataFrame:
        """One row per tracked measure: measure, title, status, since, effect, evidence."""
        return _frame(self.data["measures"], ["measure", "title", "status", "since", "effect", "evidence"])


def evaluate_cycles(*profiles: ProfileLike, lang: str = "zh", factors: str = "fixed") -> Evaluation:
    """Two or more cycles of one park (any order) compared: changes, decoupling, indicators against targets,
    tracked measures and the next cycle (`evaluate --json`); factors="own" values each cycle with its own
    factors.

    >>> cycles = [examples_dir() / "demo-chemical.yaml", examples_dir() / "demo-chemical-2024.yaml"]
    >>> evaluate_cycles(*cycles).data["factors"]
    'fixed'
    """
    from advisor.evaluate import evaluate_cycles as evaluate

    if factors not in ("fixed", "own"):
        raise UsageError([Issue("evaluate_cycles", str(factors), "unknown factor choice",
                                "use factors='fixed' or 'own'")])
    # each cycle named in messages by its file, else by its place in the call
    cycles = [(str(source) if isinstance(source, str | os.PathLike) else f"profile {i}", _profile(source))
              for i, source in enumerate(profiles, start=1)]
    return Evaluation(_units_checked(evaluate, cycles, _kb(), lang=_lang(lang), factors=factors))


def _profile_data(source: ProfileLike) -> tuple[dict[str, Any], str]:
    """The raw data tree of a profile and the name its messages use."""
    from advisor.profile.files import read_profile_data
    from advisor.profile.model import Profile

    if isinstance(source, Profile):
        data = source.model_dump(exclude_unset=True)
        history = data.get("emissions_history")
        if isinstance(history, dict) and "series" in history:   # substances sit beside `unit` in files
            history.update(history.pop("series"))
        return data, "profile"
    if isinstance(source, Mapping):
        return copy.deepcopy(dict(source)), DICT_LABEL
    if isinstance(source, str | os.PathLike):
        data = read_profile_data(Path(source))
        if not isinstance(data, dict):
            load_profile(source)     # raises the usual, located error
        return data, str(source)
    return _profile_data(load_profile(source))


def screen(source: str | os.PathLike[str] | Iterable[Mapping[str, Any]] | pd.DataFrame, *, jobs: int = 1,
           lang: str = "zh") -> Screening:
    """Screen many parks (`park-advisor batch`): a .csv/.xlsx table, or rows whose keys are the batch table's
    dotted-path columns (dicts or a DataFrame). A bad row becomes an error row; the others go on.

    Rows given in Python are numbered as in a table with a header: the first row is row 2.

    >>> rows = [{"park.id": "p1", "park.name": "示例", "park.base_year": 2022, "park.industries": "C26:0.6"}]
    >>> screen(rows).frame.loc[0, "status"]
    'ok'
    """
    from advisor.batch.run import run_batch

    with tempfile.TemporaryDirectory(prefix="park-advisor-screen-") as folder:
        if isinstance(source, str | os.PathLike):
            table = Path(source)
        else:
            table = _write_rows(source, Path(folder) / "rows.csv")
        output = Path(folder) / "screen.jsonl"
        try:
            summary = run_batch(table, output, jobs=jobs, lang=_lang(lang), progress=False)
        except AdvisorError as exc:
            if table.parent != Path(folder):
                raise
            # name the rows as the messages of their cells do ('rows.csv row 3'), not by a temporary path
            raise type(exc)([Issue(i.file.replace(str(table), table.name), i.path, i.problem, i.fix)
                             for i in exc.issues]) from None
        rows = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines() if line]
    if summary.interrupted:
        raise KeyboardInterrupt
    if summary.failed:
        raise RuleEngineError([Issue("screen", "", note, "report the rows with their profiles")
                               for note in summary.notes])
    return Screening(rows)


def _write_rows(rows: Any, path: Path) -> Path:
    """The rows as a CSV table the batch reads; None and NaN are empty cells (unknown)."""
    if hasattr(rows, "to_dict") and hasattr(rows, "columns"):      # a DataFrame
        rows = rows.to_dict("records")
    records = [dict(r) for r in rows]
    columns: dict[str, None] = {}
    for r in records:
        columns.update(dict.fromkeys(str(k) for k in r))
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(list(columns))
        for r in records:
            writer.writerow([_cell(r.get(c)) for c in columns])
    return path


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _lang(lang: str) -> str:
    if lang not in ("zh", "en"):
        raise UsageError([Issue("lang", str(lang), "unknown language", "use 'zh' or 'en'")])
    return lang
