"""Report charts: a chart is a plain dict (a "spec") built by advisor.render.report; this module draws it.

`render(spec, "svg")` returns SVG text (inline in HTML), `render(spec, "png")` PNG bytes (DOCX, Markdown).
matplotlib is imported lazily and only through its object API (no pyplot state), with the Agg canvas.
Output is deterministic: a fixed `svg.hashsalt`, no dates or software names in the metadata, text drawn
as paths so the SVG needs no font on the reader's machine.

Chinese needs a CJK font. `cjk_font()` looks for one on the machine (WenQuanYi Micro Hei, Noto Sans CJK,
Source Han Sans …); when none is found `chart_lang("zh")` is "en" and advisor.render.report builds the chart
text in English, so no glyph is ever missing.
"""

from __future__ import annotations

import io
import math
import re
import warnings
from functools import cache, lru_cache
from typing import Literal, overload

CJK_FAMILIES = ("WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Noto Sans CJK SC", "Noto Sans SC",
                "Source Han Sans SC", "Source Han Sans CN", "Source Han Sans", "Noto Sans CJK JP",
                "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC", "AR PL UMing CN")
CJK_FILE_HINTS = ("wqy", "notosanscjk", "notosanssc", "sourcehansans", "msyh", "simhei", "pingfang")
PALETTE = ("#1f5f8b", "#d9822b", "#3c8d5a", "#b8413b", "#7a5ca8", "#8c6d4f", "#c55d9c", "#6f7b85",
           "#a8a23b", "#2ba3b5", "#5d7f2e", "#9c4f2a")
GREY = "#9aa3ab"
DEFAULT_SIZE = (6.3, 3.4)   # inches: the 16 cm text width of an A4 page, so 8–9 pt text stays 8–9 pt


@cache
def cjk_font() -> str | None:
    """The family name of a CJK font matplotlib can use, or None."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in names:
            return family
    # a font installed after matplotlib built its cache: add it by file
    try:
        files = font_manager.findSystemFonts()
    except Exception:  # pragma: no cover - a broken fontconfig must not break reports
        return None
    for path in sorted(files):
        base = path.replace("\\", "/").rsplit("/", 1)[-1].lower().replace("-", "").replace("_", "")
        if any(h in base for h in CJK_FILE_HINTS):
            try:
                font_manager.fontManager.addfont(path)
            except Exception:  # pragma: no cover
                continue
    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((f for f in CJK_FAMILIES if f in names), None)


def chart_lang(lang: str) -> str:
    """The language chart text is written in: Chinese only when a CJK font is available."""
    return "zh" if lang == "zh" and cjk_font() else "en"


def _rc() -> dict:
    family = [f for f in (cjk_font(), "DejaVu Sans") if f]
    return {
        "font.family": "sans-serif",
        "font.sans-serif": family,
        "font.size": 9,
        "axes.unicode_minus": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.hashsalt": "park-advisor",
        "svg.fonttype": "path",
        "savefig.dpi": 150,
    }


@overload
def render(spec: dict, fmt: Literal["svg"]) -> str: ...
@overload
def render(spec: dict, fmt: Literal["png"]) -> bytes: ...


def render(spec: dict, fmt: str) -> str | bytes:
    """Draw one chart spec as 'svg' (text) or 'png' (bytes); the same spec is drawn once per process."""
    import json

    return _render_cached(json.dumps(spec, sort_keys=True, ensure_ascii=False), fmt)


@lru_cache(maxsize=64)
def _render_cached(spec_json: str, fmt: str) -> str | bytes:
    import json

    return _draw(json.loads(spec_json), fmt)


def _draw(spec: dict, fmt: str) -> str | bytes:
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    draw = {"sankey": _sankey, "bars": _bars, "stacked": _stacked, "lines": _lines, "quadrant": _quadrant,
            "cocontrol": _cocontrol}[spec["kind"]]
    with matplotlib.rc_context(_rc()), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from font", category=UserWarning)
        # the charts drawn here get margins from their label widths (constrained layout costs a third of the time)
        margins = None if spec.get("empty") else _margins(spec)
        fig = Figure(figsize=spec.get("size", DEFAULT_SIZE), layout=None if margins else "constrained")
        FigureCanvasAgg(fig)
        if margins:
            fig.subplots_adjust(**margins)
        ax = fig.add_subplot()
        if spec.get("empty"):
            _empty(ax, spec)
        else:
            draw(fig, ax, spec)
        buf = io.BytesIO()
        if fmt == "svg":
            fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
            text = buf.getvalue().decode("utf-8")
            text = text[text.index("<svg"):]           # drop the XML prolog and DOCTYPE for inline use
            return re.sub(r"\s*<metadata>.*?</metadata>", "", text, count=1, flags=re.S)
        # light compression: a little faster for a few per cent more bytes
        fig.savefig(buf, format="png", metadata={"Software": None}, pil_kwargs={"compress_level": 1})
        return buf.getvalue()


def _cocontrol(fig, ax, spec: dict) -> None:
    from advisor.render.chart_cocontrol import draw  # the co-control effect chart has a module of its own

    draw(fig, ax, spec)


def text_inches(text: str, size: float) -> float:
    """About how wide a line of text is at `size` points: CJK characters one em, Latin about half."""
    import unicodedata

    longest = max(text.split("\n"), key=len, default="")
    ems = sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.62 if ch.isupper() else 0.55 for ch in longest)
    return ems * size / 72


def _tick_block(spec: dict) -> float:
    """Inches below the axis taken by the category labels (one or two lines) and their ticks."""
    lines = max((t.count("\n") + 1 for t in spec.get("categories", [])), default=1)
    return 0.12 + 0.15 * lines


def _margins(spec: dict) -> dict | None:
    """Figure margins (fractions) for the kinds drawn here, from the widest tick label and legend entry."""
    w, h = spec.get("size", DEFAULT_SIZE)
    kind = spec["kind"]
    if kind == "sankey":
        return {"left": 0.01, "right": 0.99, "top": 0.97, "bottom": 0.02}
    if kind == "bars":
        label = max((text_inches(t, 9) for t in spec["labels"]), default=0.5)
        return {"left": min((label + 0.2) / w, 0.6), "right": 0.97, "top": 1 - 0.08 / h, "bottom": 0.5 / h}
    if kind == "stacked":   # the legend goes below the bars in two columns
        rows = math.ceil(len(spec["series"]) / 2)
        bottom = _tick_block(spec) + 0.2 * rows + 0.1
        return {"left": 0.62 / w, "right": 0.98, "top": 1 - 0.1 / h, "bottom": bottom / h}
    if kind == "lines":
        entries = [s[0] for s in spec["series"]]
        legend = max((text_inches(t, 8) for t in entries), default=0.5) + 0.8   # handle, gap and padding
        lines = max((t.count("\n") + 1 for t in spec.get("categories", [])), default=1)
        return {"left": 0.62 / w, "right": 1 - min(legend, w * 0.45) / w, "top": 1 - 0.1 / h,
                "bottom": (0.22 + 0.16 * lines) / h}
    return None


def _empty(ax, spec: dict) -> None:
    ax.set_axis_off()
    ax.text(0.5, 0.5, spec["empty"], ha="center", va="center", fontsize=12, color=GREY, transform=ax.transAxes)


# --- energy flows ---------------------------------------------------------------------------

def _sankey(fig, ax, spec: dict) -> None:
    """A layered flow diagram: columns of nodes (height ∝ flow) joined by curved bands."""
    from matplotlib.patches import PathPatch, Rectangle
    from matplotlib.path import Path

    stages = spec["stages"]                       # [[(src, dst, value), ...], ...] one list per column pair
    columns: list[dict[str, float]] = []
    for k, links in enumerate(stages):
        if k == 0:
            columns.append(_node_totals(links, 0))
        columns.append(_node_totals(links, 1))
    gap, width, min_h = 0.025, 0.03, 0.018
    height = 1.0 - gap * (max(len(c) for c in columns) - 1)
    scale = _fit_scale(columns, height, min_h)
    fig_w = spec.get("size", DEFAULT_SIZE)[0] * 0.94   # the axis: 98 % of the figure, x from -0.02 to 1.02
    # the last column's labels sit to the right of its nodes, so no label crosses a band or another label
    last = max((text_inches(f"{n} {_short(v, spec)}", 7.5) for n, v in columns[-1].items()), default=0.5)
    right = min(last / fig_w + 0.012, 0.3)
    xs = [i / (len(columns) - 1) * (1 - width - right) for i in range(len(columns))]
    room = (xs[1] - xs[0] - width - 0.02) * fig_w     # inches a label of an earlier column may take
    pos: list[dict[str, list[float]]] = []        # node → [y_top, out_cursor, in_cursor]
    colours: dict[str, str] = {}
    lowest = 0.0
    fig_h = spec.get("size", DEFAULT_SIZE)[1]
    line = 7.5 / 72 * 1.2 / (fig_h * 0.85) * 1.14   # one label line in data units (axis ≈ 85 % of the figure)
    for ci, col in enumerate(columns):
        y, placed, marks = 1.0, {}, []
        for name, value in col.items():
            h = max(value * scale, min_h)
            placed[name] = [y, y, y]
            ax.add_patch(Rectangle((xs[ci], y - h), width, h, facecolor="#3b4650", edgecolor="none", zorder=3))
            if ci == 0:
                colours[name] = PALETTE[len(colours) % len(PALETTE)]
            amount = _short(value, spec)
            text = f"{name} {amount}" if ci == len(columns) - 1 else _clip(name, amount, room)
            marks.append((y - h / 2, text))
            y -= h + gap
            lowest = min(lowest, y + gap)
        ha, tx = "left", xs[ci] + width + 0.006
        for y_text, text in _spread([m[0] for m in marks], [m[1] for m in marks], line):
            ax.text(tx, y_text, text, ha=ha, va="center", fontsize=7.5, zorder=4,
                    bbox={"facecolor": "white", "alpha": 0.6, "edgecolor": "none", "pad": 0.3})
            lowest = min(lowest, y_text - line / 2)
        pos.append(placed)
    for k, links in enumerate(stages):
        for src, dst, value in links:
            h = value * scale
            a, b = pos[k][src], pos[k + 1][dst]
            x0, x1 = xs[k] + width, xs[k + 1]
            y0, y1 = a[1], b[2]
            a[1] -= h
            b[2] -= h
            xm = (x0 + x1) / 2
            verts = [(x0, y0), (xm, y0), (xm, y1), (x1, y1), (x1, y1 - h), (xm, y1 - h), (xm, y0 - h), (x0, y0 - h),
                     (x0, y0)]
            codes = [Path.MOVETO, Path.CURVE4, Path.CURVE4, Path.CURVE4, Path.LINETO, Path.CURVE4, Path.CURVE4,
                     Path.CURVE4, Path.CLOSEPOLY]
            colour = colours.get(src) or spec.get("stage_colour", {}).get(src) or _colour_of(src, k, colours)
            ax.add_patch(PathPatch(Path(verts, codes), facecolor=colour, edgecolor="none", alpha=0.45, zorder=2))
    for ci, title in enumerate(spec.get("column_titles", [])):
        ax.text(xs[ci], 1.04, title, ha="left", va="bottom", fontsize=9)   # left: the first must not be cut
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(lowest - 0.02, 1.1)
    ax.set_axis_off()
    if spec.get("note"):
        ax.text(0.0, -0.02, spec["note"], fontsize=7, color="#555", transform=ax.transAxes, va="top")


def _fit_scale(columns: list[dict[str, float]], height: float, min_h: float) -> float:
    """Units per flow so that every column, small nodes drawn at least min_h high, fits the height."""
    scale = height / (max(sum(c.values()) for c in columns) or 1.0)
    for _ in range(5):
        worst = max(sum(max(v * scale, min_h) for v in c.values()) for c in columns)
        if worst <= height:
            break
        scale *= height / worst * 0.98
    return scale


def _colour_of(name: str, stage: int, colours: dict[str, str]) -> str:
    """Bands of later stages take the colour of the band that fed their source node."""
    return colours.setdefault(name, PALETTE[(len(colours) + 3) % len(PALETTE)])


def _node_totals(links, side: int) -> dict[str, float]:
    out: dict[str, float] = {}
    for link in links:
        out[link[side]] = out.get(link[side], 0.0) + link[2]
    return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))


def _short(value: float, spec: dict | None = None) -> str:
    """A node's amount in the spec's unit: 1,234,567 tce as '123.5 万tce' when the spec scales by 10^4."""
    if spec and spec.get("scale"):
        v = value / spec["scale"]
        return f"{v:,.1f} {spec.get('unit', '')}" if v < 1000 else f"{v:,.0f} {spec.get('unit', '')}"
    return f"{value:,.0f}"


def _clip(name: str, amount: str, room: float, size: float = 7.5) -> str:
    """'name amount' shortened with '…' in the name so that it fits `room` inches."""
    text = f"{name} {amount}"
    while len(name) > 2 and text_inches(text, size) > room:
        name = name[:-1]
        text = f"{name}… {amount}"
    return text


def _spread(ys: list[float], texts: list[str], line: float) -> list[tuple[float, str]]:
    """Label heights (top to bottom) at least one line apart: each stays at its node unless the label above
    pushes it down."""
    out: list[tuple[float, str]] = []
    for y, text in zip(ys, texts, strict=True):
        if out and out[-1][0] - y < line:
            y = out[-1][0] - line
        out.append((y, text))
    return out


# --- bars -----------------------------------------------------------------------------------------

def _bars(fig, ax, spec: dict) -> None:
    labels, values = spec["labels"][::-1], spec["values"][::-1]
    colours = [spec.get("colours", {}).get(lbl, PALETTE[0]) for lbl in labels]
    bars = ax.barh(range(len(values)), values, color=colours)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel(spec["xlabel"])
    for rect, value in zip(bars, values, strict=True):
        ax.text(rect.get_width(), rect.get_y() + rect.get_height() / 2, f" {value:,.1f}", va="center", fontsize=8)
    ax.margins(x=0.12)


def _stacked(fig, ax, spec: dict) -> None:
    cats = spec["categories"]
    bottom = [0.0] * len(cats)
    for i, (label, values) in enumerate(spec["series"]):
        colour = GREY if label == spec.get("other") else PALETTE[i % len(PALETTE)]
        ax.bar(range(len(cats)), values, bottom=bottom, label=label, color=colour, width=0.6)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_xticks(range(len(cats)), cats)
    ax.set_ylabel(spec["ylabel"])
    ax.set_ylim(0, 100)
    ax.tick_params(axis="x", labelsize=8)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -_tick_block(spec) / (ax.bbox.height / fig.dpi)),
              ncol=2, fontsize=8, frameon=False)


def _lines(fig, ax, spec: dict) -> None:
    years = spec["years"]
    for i, (label, values, strong) in enumerate(spec["series"]):
        pts = [(y, v) for y, v in zip(years, values, strict=False) if v is not None]
        if not pts:
            continue
        colour = "#222" if i == 0 else PALETTE[(i - 1) % len(PALETTE)]
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", markersize=3, label=label, color=colour,
                linewidth=2.4 if strong else 1.2, linestyle="-" if strong else "--")
    ax.axhline(100, color=GREY, linewidth=0.8)
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_ylabel(spec["ylabel"])
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8, frameon=False)


def _cluster(x: float, y: float, n: int, dx: float = 0.15, dy: float = 0.11) -> list[tuple[float, float]]:
    """n positions around (x, y) that never leave its quadrant: along the axis for points on an axis,
    else a grid centred on (x, y) and kept inside the quadrant."""
    if x == 0:
        return [(0.0, max(-1.15, y - dy * k)) for k in range(n)]
    if y == 0:
        return [(max(-1.15, x - dx * k), 0.0) for k in range(n)]
    cols = max(1, math.ceil(math.sqrt(n * 1.6)))
    rows = math.ceil(n / cols)
    w, h = (cols - 1) * dx, (rows - 1) * dy
    sx, sy = (1 if x > 0 else -1), (1 if y > 0 else -1)
    cx = sx * min(max(abs(x), 0.06 + w / 2), 1.12 - w / 2)
    cy = sy * min(max(abs(y), 0.06 + h / 2), 1.12 - h / 2)
    return [(cx - w / 2 + (k % cols) * dx, cy + h / 2 - (k // cols) * dy) for k in range(n)]


def _quadrant(fig, ax, spec: dict) -> None:
    ax.axhline(0, color="#444", linewidth=0.8)
    ax.axvline(0, color="#444", linewidth=0.8)
    ax.fill_between([-1.2, 0], -1.2, 0, color="#3c8d5a", alpha=0.10)
    ax.fill_between([-1.2, 0], 0, 1.2, color="#d9822b", alpha=0.10)
    ax.fill_between([0, 1.2], -1.2, 0, color="#d9822b", alpha=0.10)
    ax.text(-1.15, -1.15, spec["q_co"], fontsize=9, color="#2d6b44", va="bottom")
    ax.text(-1.15, 1.15, spec["q_trade"], fontsize=9, color="#9a5a1b", va="top")
    ax.text(1.15, -1.15, spec["q_trade"], fontsize=9, color="#9a5a1b", va="bottom", ha="right")
    styles = {"co_reduction": ("o", PALETTE[0]), "enabling": ("s", GREY), "trade_off": ("^", PALETTE[3])}
    groups: dict[tuple[float, float], list] = {}
    for point in spec["points"]:
        groups.setdefault((point[1], point[2]), []).append(point)
    for (x, y), members in groups.items():
        for (label, _, _, kind), (px, py) in zip(members, _cluster(x, y, len(members)), strict=True):
            marker, colour = styles.get(kind, styles["enabling"])
            ax.scatter([px], [py], marker=marker, s=30, color=colour, zorder=3)
            ax.annotate(label, (px, py), xytext=(2.5, 2.5), textcoords="offset points", fontsize=6.5)
    for kind, (marker, colour) in styles.items():
        ax.scatter([], [], marker=marker, color=colour, label=spec["kinds"][kind])
    ax.legend(loc="upper right", fontsize=8, frameon=False)
    ax.set_xlim(-1.2, 1.2)
    ax.set_ylim(-1.2, 1.2)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel(spec["xlabel"])
    ax.set_ylabel(spec["ylabel"])
    ax.set_title(spec["note"], fontsize=8, color="#555", style="italic")
