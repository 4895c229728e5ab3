"""Decoupling of pollutants and carbon from the economy (guideline 6.4, Appendix C; Tapio 2005).

For each substance X against the economy E over a period from year 0 to year 1:
change ΔX/X0, Tapio elasticity e = (ΔX/X0)/(ΔE/E0), its Tapio state, and the trend `state`.

Boundary handling (decided here, thresholds from knowledge/decoupling.yaml):
- e is rounded to 9 decimals before it is classified, so 0.08/0.10 counts as exactly 0.8.
- ΔE = 0 (or E0 = 0): e is undefined → elasticity and tapio are null, with the reason.
- E up: ΔX < 0 → strong_decoupling; 0 ≤ e < lower (ΔX = 0 gives e = 0) → weak_decoupling;
  lower ≤ e ≤ upper (both ends included: e = 0.8 and e = 1.2 are expansive_coupling) → expansive_coupling;
  e > upper → expansive_negative_decoupling.
- E down: ΔX > 0 → strong_negative_decoupling; 0 ≤ e < lower (ΔX = 0 included) → weak_negative_decoupling;
  lower ≤ e ≤ upper → recessive_coupling; e > upper → recessive_decoupling.
- trend state: the economy's change unknown (a year without a value, or 0 at the start) → None (unknown);
  |ΔE/E0| < indeterminate_change → indeterminate; ΔE < 0 → shrinking; |ΔX/X0| < indeterminate_change
  → indeterminate; ΔX < 0 → absolute; ΔX/X0 < ΔE/E0 → relative; otherwise none.
- pollutant_state is the weakest state of the basis pollutants (total-control pollutants present plus the park's
  characteristic pollutants present), ordered none < indeterminate < relative < absolute (a trend too small to
  call cannot vouch for decoupling); shrinking when the economy shrank. Missing is never a state: without a basis
  pollutant (or without CO2e/CO2) the state is None, and so is the synergy state that needs it – "indeterminate"
  means a change too small to call, not missing data.
- a boundary change in year y lies inside a period when from < y ≤ to.
"""

from __future__ import annotations

from typing import Any

from advisor.accounting._common import Note, r, rs, texts
from advisor.accounting.audit_texts import audit_note
from advisor.errors import UsageError, one_issue

WEAKNESS = {"none": 0, "indeterminate": 1, "relative": 2, "absolute": 3}
DECOUPLED = ("absolute", "relative")


def calc_change(x0: float | None, x1: float | None) -> float | None:
    """change = (X1 − X0) / X0; None when X0 is 0 or a value is missing."""
    if x0 is None or x1 is None or x0 == 0:
        return None
    return (x1 - x0) / x0


def calc_elasticity(dx: float | None, de: float | None) -> float | None:
    """e = (ΔX/X0) / (ΔE/E0), rounded to 9 decimals; None when ΔE = 0 or a change is unknown (never divides by 0)."""
    if dx is None or de is None or de == 0:
        return None
    return r(dx / de, 9)


def calc_tapio_state(de: float | None, dx: float | None, e: float | None, lower: float, upper: float) -> str | None:
    """Tapio's eight states from the signs of ΔE and ΔX and the elasticity e (see the module doc for boundaries)."""
    if e is None or de is None or dx is None or de == 0:
        return None
    if de > 0:
        if dx < 0:
            return "strong_decoupling"
        if e < lower:
            return "weak_decoupling"
        if e <= upper:
            return "expansive_coupling"
        return "expansive_negative_decoupling"
    if dx > 0:
        return "strong_negative_decoupling"
    if e < lower:
        return "weak_negative_decoupling"
    if e <= upper:
        return "recessive_coupling"
    return "recessive_decoupling"


def calc_trend_state(de: float | None, dx: float | None, threshold: float) -> str | None:
    """absolute / relative / none / shrinking / indeterminate; None when the economy's change is unknown (see the
    module doc)."""
    if de is None:
        return None
    if abs(de) < threshold:
        return "indeterminate"
    if de < 0:
        return "shrinking"
    if dx is None or abs(dx) < threshold:
        return "indeterminate"
    if dx < 0:
        return "absolute"
    if dx < de:
        return "relative"
    return "none"


def calc_weakest_state(states: dict[str, str | None]) -> tuple[str | None, list[str]]:
    """The weakest trend state among several substances and the substances that have it; None (unknown) when there
    is no substance, or when one state is unknown and no known one is already the weakest ('none')."""
    if not states:
        return None, []
    if any(s == "shrinking" for s in states.values()):
        return "shrinking", sorted(n for n, s in states.items() if s == "shrinking")
    known = {n: s for n, s in states.items() if s is not None}
    weakest = min(known.values(), key=WEAKNESS.__getitem__, default=None)
    if weakest is None or (len(known) < len(states) and weakest != "none"):
        return None, []
    return weakest, [n for n, s in known.items() if s == weakest]


def calc_synergy(pollutant_state: str | None, carbon_state: str | None) -> str | None:
    """synergistic_absolute / synergistic_relative / pollution_only / carbon_only / coupled / indeterminate; None
    when either state is unknown."""
    if pollutant_state is None or carbon_state is None:
        return None
    if pollutant_state not in WEAKNESS or carbon_state not in WEAKNESS:
        return "indeterminate"
    if "indeterminate" in (pollutant_state, carbon_state):
        return "indeterminate"
    pol, car = pollutant_state in DECOUPLED, carbon_state in DECOUPLED
    if pollutant_state == carbon_state == "absolute":
        return "synergistic_absolute"
    if pol and car:
        return "synergistic_relative"
    if pol:
        return "pollution_only"
    if car:
        return "carbon_only"
    return "coupled"


def _ranges(years: list[int]) -> str:
    """[2019, 2020, 2021, 2024] → '2019–2021, 2024'."""
    runs: list[list[int]] = []   # consecutive years
    for y in sorted(years):
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(f"{run[0]}–{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs)


def plan_periods(economy: dict[int, float], series: dict[str, dict[int, float]],
                 pairs: bool = True) -> list[tuple[int, int, str]]:
    """The whole span (first to last year with the economy and some substance), then each consecutive pair
    (pairs=False: the span only)."""
    years = sorted(set(economy).intersection(set().union(*series.values())))
    if len(years) < 2:
        return []
    periods = [(years[0], years[-1], "span")]
    if not pairs:
        return periods
    periods += [(a, b, "pair") for a, b in zip(years, years[1:], strict=False) if (a, b) != (years[0], years[-1])]
    return periods


class _Settings:
    __slots__ = ("lower", "upper", "threshold", "total_control", "characteristic", "constant_prices",
                 "boundary_changes", "differences")

    def __init__(self, profile, kb) -> None:
        d = kb.decoupling
        self.lower, self.upper, self.threshold = d.tapio_lower, d.tapio_upper, d.indeterminate_change
        self.total_control = list(d.total_control_pollutants)
        self.characteristic = list(profile.characteristic_pollutants or [])
        eco = profile.economy
        self.constant_prices = eco.constant_prices if eco is not None else None
        self.boundary_changes = [(c.year, c.note) for c in profile.park.boundary_changes or []]
        self.differences = kb.derived("decoupling.differences", _differences)


def _differences(kb) -> dict[tuple[str, str], Any]:
    """(Tapio state, trend state) → the sentence why they differ (knowledge/audit.yaml), once per knowledge base."""
    return {(d.tapio, d.state): d.why for d in kb.audit.judgment_differences} if kb.audit is not None else {}


def comparable_segments(years: list[int], changes: list[int]) -> list[list[int]]:
    """The years split where the boundary changed: a change in year y starts a new segment at y (y's data are
    the new boundary's), so no segment has a change inside (from < y ≤ to)."""
    segments: list[list[int]] = []
    for y in sorted(years):
        if segments and not any(segments[-1][-1] < c <= y for c in changes):
            segments[-1].append(y)
        else:
            segments.append([y])
    return segments


def headline_span(years: list[int], changes: list[int]) -> tuple[int, int] | None:
    """The longest span without a boundary change inside (the later one of equal length); None when no two years
    are comparable."""
    best = None
    for seg in comparable_segments(years, changes):
        if len(seg) >= 2 and (best is None or seg[-1] - seg[0] >= best[1] - best[0]):
            best = (seg[0], seg[-1])
    return best


def calc_period(y0: int, y1: int, kind: str, economy: dict[int, float], series: dict[str, dict[int, float]],
                st: _Settings) -> dict:
    """One period: economy change, per-substance change, elasticity, Tapio and trend states, the park's
    pollutant_state, carbon_state and synergy, and the warnings that qualify them."""
    warn: list[Note] = []
    e0, e1 = economy.get(y0), economy.get(y1)
    de = calc_change(e0, e1)
    if e0 is None or e1 is None:
        missing = [y for y, v in ((y0, e0), (y1, e1)) if v is None]
        have = sorted(economy)
        span = f"{have[0]}–{have[-1]}" if have else "none"
        warn.append(Note("economy-year-missing",
                         f"the economy has no value for {_ranges(missing)} (years with data: {span})",
                         f"经济指标缺少 {_ranges(missing)} 年数值（已有年份：{span}）"))
    elif e0 == 0:
        warn.append(Note("economy-zero", f"the economy is 0 in {y0}: no change can be computed",
                         f"{y0} 年经济指标为0，无法计算变化率"))
    if st.constant_prices is not True:
        stated = "not stated" if st.constant_prices is None else "false"
        warn.append(Note("nominal-prices",
                         f"the economy is not at constant prices (economy.constant_prices {stated}): nominal growth "
                         "flatters decoupling",
                         "经济指标未注明按可比价计算：名义增长会高估脱钩程度"))
    inside = []
    for year, note in st.boundary_changes:
        if y0 < year <= y1:
            inside.append(year)
            warn.append(Note("boundary-change",
                             f"the park boundary changed in {year}{': ' + note if note else ''} – {y0} and {y1} are "
                             "not comparable",
                             f"园区边界在 {year} 年发生变化{('：' + note) if note else ''}，{y0} 与 {y1} 年数据不可比"))
    interior = range(y0 + 1, y1)
    interior_years = set(interior)
    gaps_econ = [y for y in interior if y not in economy]
    if gaps_econ:
        warn.append(Note("economy-years-missing", f"the economy has no value for {_ranges(gaps_econ)}",
                         f"经济指标缺少 {_ranges(gaps_econ)} 年数值"))
    substances: dict[str, dict] = {}
    left_out: list[str] = []
    gaps_sub: dict[str, list[str]] = {}   # missing years → substances
    for name, values in series.items():
        x0, x1 = values.get(y0), values.get(y1)
        if x0 is None or x1 is None:
            left_out.append(name)
            continue
        dx = (x1 - x0) / x0 if x0 != 0 else None   # calc_change (both values known here), written out
        e = calc_elasticity(dx, de)
        tapio, state = calc_tapio_state(de, dx, e, st.lower, st.upper), calc_trend_state(de, dx, st.threshold)
        entry = {"change": rs(dx), "elasticity": rs(e), "tapio": tapio, "state": state,
                 "from_value": x0, "to_value": x1}
        why = st.differences.get((tapio, state)) if st.differences else None
        if why is not None:   # both judgments side by side, with the reason they differ
            entry["judgments_differ"] = True
            entry["why_differ"], entry["why_differ_zh"] = why.en, why.zh
        if e is None:
            if de == 0:
                entry["elasticity_note"] = "the economy did not change (ΔE = 0): the elasticity is undefined"
            elif dx is None:
                entry["elasticity_note"] = f"{name} is 0 in {y0}: its change is undefined"
            else:
                entry["elasticity_note"] = "the economy's change is unknown"
        substances[name] = entry
        if values.keys() >= interior_years:   # the common case: no year missing inside the period
            continue
        missing = [y for y in interior if y not in values]
        if missing:
            gaps_sub[_ranges(missing)] = gaps_sub.get(_ranges(missing), []) + [name]
    for years, names in gaps_sub.items():
        warn.append(Note("substance-years-missing", f"{', '.join(names)}: no values for {years}",
                         f"{'、'.join(names)}：缺少 {years} 年数值"))
    if left_out:
        warn.append(Note("substance-endpoint-missing",
                         f"{', '.join(left_out)}: no value for {y0} or {y1}; left out of this period",
                         f"{'、'.join(left_out)}：缺少 {y0} 或 {y1} 年数值，本时段未纳入"))
    basis = [p for p in st.total_control if p in substances]
    basis += [p for p in st.characteristic if p in substances and p not in basis]
    pol_state, weakest = calc_weakest_state({p: substances[p]["state"] for p in basis})
    carbon_basis = "CO2e" if "CO2e" in substances else "CO2" if "CO2" in substances else None
    carbon_state = substances[carbon_basis]["state"] if carbon_basis else None
    if not basis:
        warn.append(Note("no-pollutant-basis", "no total-control or characteristic pollutant has data for this "
                         "period: pollutant_state is unknown",
                         "本时段无总量控制或特征污染物数据：污染物脱钩状态未知"))
    if carbon_basis is None:
        warn.append(Note("no-carbon-basis", "neither CO2e nor CO2 has data for this period: carbon_state is "
                         "unknown", "本时段无CO2e或CO2数据：碳排放脱钩状态未知"))
    en = [n.en for n in warn]
    zh = [n.zh for n in warn]
    return {
        "from": y0, "to": y1, "kind": kind,
        "economy_change": rs(de),
        "economy": {"from_value": e0, "to_value": e1},
        "substances": substances,
        "pollutant_state": pol_state,
        "pollutant_state_basis": basis,
        "pollutant_state_weakest": weakest,
        "carbon_state": carbon_state,
        "carbon_state_basis": carbon_basis,
        "synergy": calc_synergy(pol_state, carbon_state),
        "warnings": en,
        "warnings_zh": zh,
        # (no economy-year-missing nor economy-zero warning above)
        "data_complete": e0 is not None and e1 is not None and e0 != 0 and bool(substances),
        "comparable": not inside,
        "boundary_changes_inside": inside,
    }


def _periods(economy: dict[int, float], series: dict[str, dict[int, float]], st: _Settings,
             period: tuple[int, int] | None, year_pairs: bool = True) -> list[dict]:
    plan = [(period[0], period[1], "requested")] if period else plan_periods(economy, series, year_pairs)
    return [calc_period(a, b, kind, economy, series, st) for a, b, kind in plan]


def _headline(periods: list[dict], economy: dict[int, float], series: dict[str, dict[int, float]], st: _Settings,
              kb, requested: bool, warn: bool = True) -> tuple[list[dict], dict | None, list[Note]]:
    """The periods with the headline first (the period the rules and the batch table read), the headline's
    description, and the notes that say where it comes from. The headline is the requested period, else the whole
    span when no boundary changed inside it, else the longest span without a boundary change inside; None when
    no two years are comparable (the states are then shown, never used)."""
    notes: list[Note] = []

    def say(text_id: str, **values) -> None:   # (the batch screen shows no warnings: none are written for it)
        if warn:
            notes.append(audit_note(kb, text_id, **values))

    if not periods:
        return periods, None, notes
    first = periods[0]
    if requested:
        if not first["comparable"]:
            say("decoupling-requested-not-comparable", first=first["from"], last=first["to"])
        first["headline"] = True
        return periods, _describe(first, "requested"), notes
    if first["comparable"]:
        first["headline"] = True
        return periods, _describe(first, "whole_span"), notes
    years = sorted(set(economy).intersection(set().union(*series.values())))
    span = headline_span(years, [y for y, _ in st.boundary_changes])
    if span is None:
        say("decoupling-no-comparable")
        return periods, None, notes
    hit = next((p for p in periods if (p["from"], p["to"]) == span), None)
    if hit is None:
        hit = calc_period(span[0], span[1], "comparable_span", economy, series, st)
    else:   # a pair that is the longest comparable span: listed once, as the headline
        periods = [p for p in periods if p is not hit]
        hit["kind"] = "comparable_span"
    hit["headline"] = True
    say("decoupling-headline", first=span[0], last=span[1])
    apart = [f"{p['from']}–{p['to']}" for p in periods if not p["comparable"]]
    say("decoupling-not-comparable", periods=", ".join(apart))
    return [hit] + periods, _describe(hit, "longest_comparable_span"), notes


def _screen_headline(economy: dict[int, float], series: dict[str, dict[int, float]], st: _Settings
                     ) -> tuple[list[dict], dict | None]:
    """The batch screen's one period and the headline's description, as _headline gives them: a whole span with a
    boundary change inside is not worked out when a comparable span is the headline (the screen shows the
    headline alone)."""
    plan = plan_periods(economy, series, pairs=False)
    if not plan:
        return [], None
    y0, y1, kind = plan[0]
    if not any(y0 < year <= y1 for year, _ in st.boundary_changes):
        whole = calc_period(y0, y1, kind, economy, series, st)
        whole["headline"] = True
        return [whole], _describe(whole, "whole_span")
    years = sorted(set(economy).intersection(set().union(*series.values())))
    span = headline_span(years, [y for y, _ in st.boundary_changes])
    if span is None:
        return [calc_period(y0, y1, kind, economy, series, st)], None
    hit = calc_period(span[0], span[1], "comparable_span", economy, series, st)
    hit["headline"] = True
    return [hit], _describe(hit, "longest_comparable_span")


def _describe(p: dict, basis: str) -> dict:
    return {"from": p["from"], "to": p["to"], "basis": basis, "comparable": p["comparable"]}


def check_period(period) -> tuple[int, int] | None:
    """(y1, y2) with y1 < y2, or a UsageError that says how to write it."""
    if period is None:
        return None
    try:
        y1, y2 = (int(y) for y in period)
    except (TypeError, ValueError):
        raise one_issue(UsageError, "--period", "", f"period {period!r} is not two years",
                        "write it as Y1-Y2, e.g. 2018-2022") from None
    if y1 >= y2:
        raise one_issue(UsageError, "--period", "", f"period {y1}-{y2} does not run forward in time",
                        "give the earlier year first, e.g. 2018-2022")
    return y1, y2


def calc_decoupling(profile, kb, period: tuple[int, int] | None = None, year_pairs: bool = True,
                    by_industry: bool = True) -> dict:
    """The decoupling block of the analysis: indicator, periods (whole span first, then consecutive pairs – or only
    the requested period), thresholds and by_industry where both economy and emissions exist per division.
    year_pairs=False: the whole span only (what the batch table shows); by_industry=False: no divisions."""
    period = check_period(period)
    eco = profile.economy
    hist = profile.emissions_history
    d = kb.decoupling
    out: dict[str, Any] = {
        "indicator": eco.indicator if eco is not None else None,
        "unit": eco.unit if eco is not None else None,
        "constant_prices": eco.constant_prices if eco is not None else None,
        "method": {"tapio_lower": d.tapio_lower, "tapio_upper": d.tapio_upper,
                   "indeterminate_change": d.indeterminate_change,
                   "total_control_pollutants": list(d.total_control_pollutants),
                   "source": d.source},
        "periods": [],
        "headline": None,
        "not_comparable": [],
        "warnings": [], "warnings_zh": [], "warning_ids": [],
        "by_industry": {},
    }
    if eco is None or hist is None:
        return out
    st = _Settings(profile, kb)
    if not year_pairs and not by_industry and period is None:
        out["periods"], out["headline"] = _screen_headline(eco.values, hist.series, st)
        notes: list[Note] = []
    else:
        periods = _periods(eco.values, hist.series, st, period, year_pairs)
        out["periods"], out["headline"], notes = _headline(periods, eco.values, hist.series, st, kb,
                                                           period is not None, warn=year_pairs or by_industry)
    if not year_pairs:   # the batch table's one period: the headline (the whole span when there is none)
        out["periods"] = out["periods"][:1]
    out["not_comparable"] = [f"{p['from']}–{p['to']}" for p in out["periods"] if not p["comparable"]]
    out["warnings"], out["warnings_zh"], out["warning_ids"] = texts(notes)
    for code in sorted(set(eco.by_industry or {}) & set(hist.by_industry or {}) if by_industry else ()):
        # the whole span per industry
        plan = plan_periods(eco.by_industry[code], hist.by_industry[code], pairs=False) if period is None else [
            (period[0], period[1], "requested")]
        industry = [calc_period(a, b, kind, eco.by_industry[code], hist.by_industry[code], st) for a, b, kind in plan]
        industry, headline, _ = _headline(industry, eco.by_industry[code], hist.by_industry[code], st, kb,
                                          period is not None, warn=False)   # its span first, else its headline
        out["by_industry"][code] = {"periods": industry, "headline": headline}
    return out
