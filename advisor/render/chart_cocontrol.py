"""The co-control effect chart (the coordinate system of Mao Xianqiang's group): each established measure at its
midpoint reduction of the park's air pollutants (x, as pollution equivalents) and of its CO2e (y), both as shares
of the park's totals, with the estimated range as error bars. Both reduced: synergy (upper right); pollutants
down and CO2 up: the end-of-pipe trade-off (lower right); CO2 down and pollutants up: the other trade-off."""

from __future__ import annotations

from typing import Any

PALETTE = {"synergy": "#2d6b44", "trade": "#c0392b", "other": "#d9822b"}


def quantity_labels(lang: str) -> dict[str, str]:
    from advisor.render.report_format import _label_table

    return {key: value[lang] for key, value in _label_table("quantity_labels.yaml").items()}


def _share(expected: dict[str, Any], end: str, base: dict[str, float | None], eq: dict[str, float]) -> tuple:
    """(CO2e share, pollution-equivalent share) of one end (low or high) of an estimate."""
    c = expected.get("CO2e")
    total_c = base.get("CO2e")
    y = c[end] / total_c if c and total_c else None
    park_eq = sum((base.get(s) or 0.0) / kg for s, kg in eq.items())
    cut = sum(expected[s][end] / kg for s, kg in eq.items() if isinstance(expected.get(s), dict))
    x = cut / park_eq if park_eq else None
    return y, x


def cocontrol_spec(advice: dict, analysis: dict, kb, lang: str) -> dict:
    """The chart spec: points (measure, x, y, x_low, x_high, y_low, y_high) in per cent."""
    from advisor.decide.quantities import air_equivalents, totals

    QL = quantity_labels(lang)
    eq, base = air_equivalents(kb), totals(analysis)
    points, left_out = [], []
    for rec in advice.get("recommendations", []):
        coords, expected = rec.get("coordinates"), rec.get("expected")
        if not coords or not expected:
            continue
        x, y = coords.get("pollution_eq_share"), coords.get("co2e_share")
        if x is None or y is None or (x == 0 and y == 0) or not expected.get("CO2e"):
            left_out.append(rec["measure"])
            continue
        y_low, x_low = _share(expected, "low", base, eq)
        y_high, x_high = _share(expected, "high", base, eq)
        points.append([rec["measure"], 100 * x, 100 * y, 100 * (x_low or 0), 100 * (x_high or 0),
                       100 * (y_low or 0), 100 * (y_high or 0)])
    if not points:
        return {"kind": "cocontrol", "empty": QL["chart_empty"]}
    return {"kind": "cocontrol", "size": (7.0, 6.0), "points": points, "xlabel": QL["chart_x"],
            "ylabel": QL["chart_y"], "q_synergy": QL["chart_q_synergy"], "q_trade": QL["chart_q_trade"],
            "q_other": QL["chart_q_trade_other"], "note": QL["chart_note"],
            "left_out": QL["chart_not_shown"].format(ids=", ".join(left_out)) if left_out else ""}


def draw(fig, ax, spec: dict) -> None:
    """Symmetric log scales in per cent, so that a 0.05 % measure and a 20 % one both show."""
    pts = spec["points"]
    top = max(max(abs(v) for p in pts for v in p[1:]) * 1.6, 1.0)
    ax.set_xscale("symlog", linthresh=0.01)
    ax.set_yscale("symlog", linthresh=0.01)
    ax.set_xlim(-top, top)
    ax.set_ylim(-top, top)
    ax.axhline(0, color="#444", linewidth=0.8)
    ax.axvline(0, color="#444", linewidth=0.8)
    ax.fill_between([0, top], 0, top, color="#3c8d5a", alpha=0.08)
    ax.fill_between([0, top], -top, 0, color="#c0392b", alpha=0.08)
    ax.fill_between([-top, 0], 0, top, color="#d9822b", alpha=0.08)
    ax.text(0.98, 0.98, spec["q_synergy"], transform=ax.transAxes, ha="right", va="top", fontsize=9,
            color=PALETTE["synergy"])
    ax.text(0.98, 0.02, spec["q_trade"], transform=ax.transAxes, ha="right", va="bottom", fontsize=9,
            color=PALETTE["trade"])
    ax.text(0.02, 0.98, spec["q_other"], transform=ax.transAxes, ha="left", va="top", fontsize=9,
            color=PALETTE["other"])
    for label, x, y, x_low, x_high, y_low, y_high in pts:
        colour = PALETTE["synergy"] if x >= 0 and y >= 0 else PALETTE["trade"] if x >= 0 else PALETTE["other"]
        ax.errorbar([x], [y], xerr=[[max(x - x_low, 0)], [max(x_high - x, 0)]],
                    yerr=[[max(y - y_low, 0)], [max(y_high - y, 0)]], fmt="o", color=colour, ecolor=colour,
                    elinewidth=0.8, capsize=2, markersize=4, alpha=0.9, zorder=3)
        ax.annotate(label, (x, y), xytext=(3, 3), textcoords="offset points", fontsize=7)
    from matplotlib.ticker import FuncFormatter

    plain = FuncFormatter(lambda v, _: f"{v:g}")   # 0.1, 1, 10 rather than powers of ten
    ax.xaxis.set_major_formatter(plain)
    ax.yaxis.set_major_formatter(plain)
    ax.set_xlabel(spec["xlabel"])
    ax.set_ylabel(spec["ylabel"])
    note = spec["note"] + (f"\n{spec['left_out']}" if spec.get("left_out") else "")
    ax.set_title(note, fontsize=8, color="#555", style="italic")
