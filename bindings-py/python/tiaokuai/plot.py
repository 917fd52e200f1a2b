"""Plots of tiaokuai's answers on matplotlib: what :meth:`Report.plot`, :meth:`Report.plot_metrics`
and :meth:`Chain.plot` draw.

Each function draws on the axes given (``ax=``) or on new ones, and returns the axes. They need
matplotlib (``pip install 'tiaokuai[plot]'``).

Names of places and units are Chinese. The plots pick an installed CJK font by themselves (the
first of :data:`CJK_FONTS` that matplotlib finds: Noto Sans CJK, Source Han Sans, WenQuanYi,
SimHei, Microsoft YaHei, PingFang …); on Debian or Ubuntu ``apt install fonts-noto-cjk`` (or the
smaller ``fonts-wqy-microhei``) provides one. Where none is installed, or to choose another, the
one line a user needs is::

    tiaokuai.plot.use_font("/path/to/NotoSansSC-Regular.otf")   # a font file, or an installed family name
"""

from __future__ import annotations

import os
import warnings
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ._tiaokuai import Chain, Report, Timeline

__all__ = [
    "CJK_FONTS",
    "GRADE_COLOURS",
    "SEVERITY_COLOURS",
    "chain",
    "cjk_font",
    "metrics",
    "report",
    "timeline",
    "use_font",
]

#: The CJK font families looked for, in order of preference.
CJK_FONTS: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Sans CJK JP",
    "Noto Serif CJK SC",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
    "Hiragino Sans GB",
    "Arial Unicode MS",
)

#: The colour of each severity in :func:`report` (and its legend).
SEVERITY_COLOURS: dict[str, str] = {"error": "#c0392b", "warning": "#e67e22", "info": "#2e86c1"}

#: The colour of each responsibility grade in :func:`chain` (and its legend); ``None`` is a unit
#: without a grade.
GRADE_COLOURS: dict[str | None, str] = {
    "overall": "#b22222",
    "first": "#e07b39",
    "direct": "#e8c547",
    "specific": "#7fb77e",
    None: "#cccccc",
}

_BRANCH_COLOUR = "#9e9e9e"

# File names of CJK fonts, for fonts installed after matplotlib built its font cache.
_CJK_FILES = ("notosanscjk", "notoserifcjk", "notosanssc", "sourcehansans", "wqy-", "simhei", "msyh", "pingfang")

# The font chosen by use_font(), or found by cjk_font() (False: not looked for yet).
_font: str | bool | None = False
_warned = False


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:
        raise ImportError("tiaokuai's plots need matplotlib: pip install 'tiaokuai[plot]'") from e
    return plt


def _font_manager() -> Any:
    try:
        from matplotlib import font_manager
    except ImportError as e:
        raise ImportError("tiaokuai's plots need matplotlib: pip install 'tiaokuai[plot]'") from e
    return font_manager


def cjk_font() -> str | None:
    """The CJK font family the plots use: the one given to :func:`use_font`, else the first of
    :data:`CJK_FONTS` installed, else None (Chinese labels then show as boxes)."""
    global _font
    if _font is False:
        font_manager = _font_manager()
        installed = {f.name for f in font_manager.fontManager.ttflist}
        if not installed.intersection(CJK_FONTS):
            # matplotlib caches the fonts it found once: look for CJK fonts installed since.
            for path in font_manager.findSystemFonts():
                if any(part in os.path.basename(path).lower() for part in _CJK_FILES):
                    try:
                        font_manager.fontManager.addfont(path)
                    except (OSError, RuntimeError, ValueError):
                        continue
            installed = {f.name for f in font_manager.fontManager.ttflist}
        _font = next((name for name in CJK_FONTS if name in installed), None)
    return _font if isinstance(_font, str) else None


def use_font(font: str | os.PathLike[str]) -> str:
    """Makes the plots label with ``font``: an installed family name (``"Noto Sans CJK SC"``) or
    the path of a ``.ttf``, ``.otf`` or ``.ttc`` file. Returns the family name. Raises
    ``FileNotFoundError`` for a missing file, ``ValueError`` for a file that is not a font and for a
    family matplotlib does not know."""
    global _font
    font_manager = _font_manager()
    text = os.fspath(font)
    if text.lower().endswith((".ttf", ".otf", ".ttc")) or os.sep in text:
        if not os.path.isfile(text):
            raise FileNotFoundError(2, "no such font file", text)
        try:
            font_manager.fontManager.addfont(text)
            name = str(font_manager.FontProperties(fname=text).get_name())
        except (OSError, RuntimeError, ValueError) as e:
            raise ValueError(f"{text}: not a font matplotlib can read ({e})") from e
    else:
        name = text
        if name not in {f.name for f in font_manager.fontManager.ttflist}:
            raise ValueError(f"matplotlib knows no font family {name!r}; give the path of a font file instead")
    _font = name
    return name


def _families() -> list[str]:
    font = cjk_font()
    return [font, "sans-serif"] if font else ["sans-serif"]


def _need_cjk(texts: list[str]) -> None:
    """Warns once when Chinese text is drawn and no CJK font is found."""
    global _warned
    if _warned or cjk_font() is not None:
        return
    if any(any("\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in t) for t in texts):
        _warned = True
        warnings.warn(
            "no CJK font found: Chinese labels will show as boxes. Install one (apt install fonts-noto-cjk) "
            "or call tiaokuai.plot.use_font('/path/to/font.otf')",
            UserWarning,
            stacklevel=3,
        )


def _plain(text: str) -> str:
    """User data as literal text: matplotlib reads ``$…$`` as mathematics (and fails on bad TeX)."""
    return text.replace("$", r"\$")


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=size)
        return ax
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be matplotlib axes, not {type(ax).__name__}")
    return ax


def _fonts(ax: Axes) -> None:
    """Sets the CJK-capable families on everything the axes draw, ticks made later included."""
    families = _families()
    ax.tick_params(labelfontfamily=families)
    for text in [ax.title, ax.xaxis.label, ax.yaxis.label, *ax.texts]:
        text.set_fontfamily(families)
    legend = ax.get_legend()
    if legend is not None:
        for text in legend.get_texts():
            text.set_fontfamily(families)


def report(report: Report, ax: Axes | None = None) -> Axes:
    """Draws the findings of ``report`` by rule (catalogue order, top down), each bar split by
    severity and ended by its count, with a legend for the severities; returns the axes."""
    # The summary counts each rule's findings at the severity it ran at: no pass over the findings.
    summary = report.summary()
    counts: dict[str, dict[str, int]] = {}
    labels: dict[str, str] = {}
    for line in summary["rules"]:
        if line["findings"] and line["severity"] is not None:
            counts[line["code"]] = {line["severity"]: line["findings"]}
            labels[line["code"]] = f"{line['code']} {line['name']}"
    rules = list(counts)
    ax = _axes(ax, (8, 0.9 + 0.35 * max(len(rules), 3)))
    left = [0] * len(rules)
    for severity, colour in SEVERITY_COLOURS.items():
        widths = [counts[r].get(severity, 0) for r in rules]
        shown = [(i, w) for i, w in enumerate(widths) if w]
        ax.barh(
            [i for i, _ in shown],
            [w for _, w in shown],
            left=[left[i] for i, _ in shown],
            color=colour,
            label=severity,
        )
        left = [a + w for a, w in zip(left, widths)]
    for i, total in enumerate(left):  # each rule's count at the end of its bar, small ones readable
        ax.text(total, i, f" {total}", va="center", fontsize=8)
    if rules:
        ax.set_xlim(0, max(left) * 1.12)
    ax.set_yticks(range(len(rules)))
    ax.set_yticklabels([labels[r] for r in rules])
    ax.set_ylim(max(len(rules), 1) - 0.5, -0.5)
    s = summary
    ax.set_title(f"{len(report)} findings: {s['errors']} errors, {s['warnings']} warnings, {s['infos']} infos")
    ax.set_xlabel("findings")
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if not rules:
        ax.text(0.5, 0.5, "no findings", transform=ax.transAxes, ha="center", va="center")
    ax.legend(title="severity", loc="lower right")
    _fonts(ax)
    return ax


def timeline(timeline: Timeline, columns: list[str] | None = None, ax: Axes | None = None) -> Axes:
    """Draws ``columns`` of ``timeline`` (default: the findings by severity, coloured as
    :data:`SEVERITY_COLOURS`) as lines over the days the dates are read at, one marker per
    date, with a legend; returns the axes. A rule code or a rate name of
    ``timeline.to_pandas()`` may be given; a name the timeline lacks is a ``ValueError``."""
    import datetime

    rows = timeline.rows
    wanted = list(columns) if columns is not None else ["errors", "warnings", "infos"]

    def value(row: dict[str, Any], name: str) -> float | None:
        if name in ("errors", "warnings", "infos"):
            return float(row[name])
        if name in row["findings"]:
            return float(row["findings"][name])
        if name in row["rates"]:
            rate = row["rates"][name]
            return None if rate is None else float(rate)
        return 0.0 if name in _rule_codes() else None

    known = {"errors", "warnings", "infos", *timeline.rules, *_rule_codes()}
    if rows:
        known |= set(rows[0]["rates"])
    unknown = [c for c in wanted if c not in known]
    if unknown:
        raise ValueError(f"unknown timeline column(s) {unknown}; use errors, warnings, infos, a rule code or a rate")
    ax = _axes(ax, (8, 4))
    days = [datetime.date.fromisoformat(r["day"]) for r in rows]
    for name in wanted:
        ys = [value(r, name) for r in rows]
        colour = SEVERITY_COLOURS.get(name.rstrip("s")) if name in ("errors", "warnings", "infos") else None
        ax.plot(days, [float("nan") if y is None else y for y in ys], marker="o", label=name, color=colour)  # type: ignore[arg-type]
    span = f" from {timeline.dates[0]} to {timeline.dates[-1]}" if rows else ""
    ax.set_title(f"findings over time{span}")
    ax.set_xlabel("date")
    rates = set(rows[0]["rates"]) if rows else set()
    ax.set_ylabel("rate" if wanted and all(c in rates for c in wanted) else "findings")
    if not rows:
        ax.text(0.5, 0.5, "no dates", transform=ax.transAxes, ha="center", va="center")
    ax.legend(loc="best")
    ax.figure.autofmt_xdate()
    _fonts(ax)
    return ax


def _rule_codes() -> set[str]:
    from . import rules

    return {r["code"] for r in rules()}


_LEVEL_KEYS = {
    "street": "townships",
    "township": "townships",
    "townships": "townships",
    "district": "districts",
    "districts": "districts",
    "city": "cities",
    "cities": "cities",
    "province": "provinces",
    "provinces": "provinces",
    "country": "countries",
    "countries": "countries",
    "comparison": "comparison",
}


def metrics(report: Report, level: str = "street", rate: str = "org_coverage", ax: Axes | None = None) -> Axes:
    """Draws one rate of the metrics of one level as bars per area (in %), labelled by the areas'
    names; for ``org_coverage``, three bars per area: all units, in-system and out-of-system.
    A rate that is None (nothing to measure) draws no bar. Returns the axes."""
    if level not in _LEVEL_KEYS:
        raise ValueError(
            f"unknown metrics level {level!r}; expected street, district, city, province, country or comparison"
        )
    areas = report.metrics[_LEVEL_KEYS[level]]  # type: ignore[literal-required]
    if areas and rate not in areas[0]["rates"]:
        raise ValueError(f"unknown rate {rate!r}; expected one of {', '.join(areas[0]['rates'])}")
    if rate == "org_coverage":
        series = {
            "all units": "org_coverage",
            "in-system": "org_coverage_in_system",
            "out-of-system": "org_coverage_out_of_system",
        }
    else:
        series = {rate: rate}
    names = [_plain(a["name"]) for a in areas]
    _need_cjk(names)
    ax = _axes(ax, (max(6.0, 0.5 * len(areas) * len(series) ** 0.5 + 2), 4.5))
    width = 0.8 / len(series)
    colours = ["#5d6d7e", "#2e86c1", "#e67e22"] if len(series) == 3 else ["#2e86c1"]
    for j, (label, key) in enumerate(series.items()):
        heights = [a["rates"].get(key) for a in areas]
        ax.bar(
            [i - 0.4 + width * (j + 0.5) for i in range(len(areas))],
            [float("nan") if h is None else h * 100 for h in heights],
            width=width,
            label=label,
            color=colours[j],
        )
    ax.set_xticks(range(len(areas)))
    ax.set_xticklabels(names, rotation=45 if len(areas) > 6 else 0, ha="right" if len(areas) > 6 else "center")
    ax.set_ylim(0, 118)
    ax.set_ylabel(f"{rate} (%)")
    ax.set_title(f"{rate} by {level} ({len(areas)} areas)")
    if len(series) > 1:
        ax.legend(loc="upper center", ncol=len(series), fontsize="small")
    _fonts(ax)
    return ax


def chain(chain: Chain, ax: Axes | None = None) -> Axes:
    """Draws a chain bottom (the unit asked about) to top, one node per unit coloured by its
    responsibility grade, an arrow down each link followed (leader to led), the other leaders of
    dual-led units as grey nodes with dashed arrows, a red curved arrow for the link that closes a
    cycle, labels with name, id and kind, and a legend for the grades. Returns the axes."""
    from matplotlib.lines import Line2D

    steps = chain.steps
    branches = chain.branches
    _need_cjk([s["name"] for s in steps] + [b["name"] for b in branches])
    ax = _axes(ax, (6, 1.0 + 0.9 * max(len(steps), 2)))
    row = {s["id"]: i for i, s in enumerate(steps)}
    xs = [0.0] * len(steps)
    ys = [float(i) for i in range(len(steps))]
    colours = [GRADE_COLOURS.get(s["grade"], GRADE_COLOURS[None]) for s in steps]
    seen: dict[str, int] = {}
    for b in branches:
        k = seen.get(b["at"], 0)
        seen[b["at"]] = k + 1
        xs.append(1.0)
        ys.append(row[b["at"]] + 0.5 + 0.35 * k)
        colours.append(_BRANCH_COLOUR)
    ax.scatter(xs, ys, s=420, c=colours, edgecolors="#333333", zorder=3)
    arrow = {"arrowstyle": "-|>", "color": "#333333", "shrinkA": 12, "shrinkB": 12}
    for i in range(1, len(steps)):
        ax.annotate("", xy=(0, i - 1), xytext=(0, i), arrowprops=arrow)
    for j, b in enumerate(branches):
        dashed = {**arrow, "color": _BRANCH_COLOUR, "linestyle": "--"}
        ax.annotate("", xy=(0, row[b["at"]]), xytext=(xs[len(steps) + j], ys[len(steps) + j]), arrowprops=dashed)
    cycle = chain.cycle
    if cycle and cycle[-1] in row and len(steps) > 1:  # the link that closes the loop, back down the chain
        closing = {**arrow, "color": SEVERITY_COLOURS["error"], "connectionstyle": "arc3,rad=0.6"}
        ax.annotate("", xy=(0, len(steps) - 1), xytext=(0, row[cycle[-1]]), arrowprops=closing)
    for i, s in enumerate(steps):
        ax.annotate(
            _plain(f"{s['name']}\n{s['id']} · {s['kind']}"),
            (0, i),
            xytext=(18, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    for j, b in enumerate(branches):
        ax.annotate(
            _plain(f"{b['name']}\n{b['leader']} · also {b['kind']}"),
            (xs[len(steps) + j], ys[len(steps) + j]),
            xytext=(18, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
            color="#555555",
        )
    ax.set_xlim(-0.3, 3.2 if branches else 2.4)
    ax.set_ylim(-0.7, max(ys, default=0) + 0.7)
    ax.axis("off")
    title = _plain(f"{chain.line} chain of {chain.name} ({chain.unit})")
    if cycle:
        title += _plain("\na cycle: " + " → ".join(cycle))
    ax.set_title(title)
    handles = [
        Line2D([], [], marker="o", linestyle="", markersize=9, markerfacecolor=c, markeredgecolor="#333333", label=g)
        for g, c in GRADE_COLOURS.items()
        if g is not None
    ]
    handles.append(
        Line2D([], [], marker="o", linestyle="", markersize=9, markerfacecolor=GRADE_COLOURS[None], label="no grade")
    )
    if branches:
        handles.append(
            Line2D([], [], marker="o", linestyle="--", color=_BRANCH_COLOUR, markersize=9, label="other leader")
        )
    ax.legend(handles=handles, title="grade", loc="upper right", fontsize="small")
    _fonts(ax)
    return ax
