"""Plots: report.plot(), report.plot_metrics() and chain.plot() drawn with the Agg backend and
rendered to PNG; the checks read what was drawn (bars, heights, labels, nodes, legends, font)."""

from __future__ import annotations

import math
import os
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest

import tiaokuai
from tiaokuai import Model

if os.environ.get("TIAOKUAI_REQUIRE_TOOLS") != "1":
    pytest.importorskip("matplotlib")
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib import font_manager
from matplotlib.axes import Axes

# Without a CJK font (a developer's machine), Chinese glyphs are missing: that is what
# test_cjk_font_renders_chinese checks where the font is required; the other tests read the drawing.
pytestmark = pytest.mark.filterwarnings("ignore:Glyph .* missing from font", "ignore:no CJK font found")


@pytest.fixture(autouse=True)
def close_figures() -> object:
    yield
    plt.close("all")


def png(ax: Axes, path: Path) -> bytes:
    ax.figure.savefig(path, format="png", dpi=60)
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 2000
    return data


def test_report_plot_bars_by_rule_and_severity(sample: Model, tmp_path: Path) -> None:
    report = sample.audit()
    ax = report.plot()
    png(ax, tmp_path / "report.png")
    by_rule: dict[str, int] = {}
    for f in report.findings:
        by_rule[f"{f.rule} {f.name}"] = by_rule.get(f"{f.rule} {f.name}", 0) + 1
    # one bar per rule that found something (each rule runs at one severity), longest = its count
    assert [t.get_text() for t in ax.get_yticklabels()] == list(by_rule)
    bars = ax.patches
    assert len(bars) == len(by_rule)
    assert sum(b.get_width() for b in bars) == len(report)
    assert sorted(b.get_width() for b in bars) == sorted(by_rule.values())
    errors = [
        b for b in bars if b.get_facecolor()[:3] == matplotlib.colors.to_rgb(tiaokuai.plot.SEVERITY_COLOURS["error"])
    ]
    assert len(errors) == report.count("error")  # each error rule of the sample found one
    assert [t.get_text() for t in ax.texts] == [f" {n}" for n in by_rule.values()]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["error", "warning", "info"]
    s = report.summary()
    assert (
        ax.get_title() == f"{len(report)} findings: {s['errors']} errors, {s['warnings']} warnings, {s['infos']} infos"
    )
    assert ax.get_xlabel() == "findings"


def test_report_plot_on_given_axes_and_empty(tiny_dict: dict[str, object]) -> None:
    _fig, (left, right) = plt.subplots(1, 2)
    report = Model.from_dict(tiny_dict).audit({"rules": {r["code"]: "off" for r in tiaokuai.rules()}})
    assert len(report) == 0
    assert report.plot(ax=right) is right
    assert len(right.patches) == 0 and [t.get_text() for t in right.texts] == ["no findings"]
    assert not left.patches
    with pytest.raises(TypeError, match="ax must be matplotlib axes, not str"):
        report.plot(ax="left")  # type: ignore[arg-type]


def test_metrics_plot_by_level(sample: Model, tmp_path: Path) -> None:
    report = sample.audit()
    ax = report.plot_metrics()
    png(ax, tmp_path / "metrics.png")
    areas = report.metrics["townships"]
    assert len(ax.patches) == 3 * len(areas)  # all units, in-system, out-of-system
    assert [t.get_text() for t in ax.get_xticklabels()] == [a["name"] for a in areas]
    expected = [
        a["rates"][key]
        for key in ("org_coverage", "org_coverage_in_system", "org_coverage_out_of_system")
        for a in areas
    ]
    for bar, rate in zip(ax.patches, expected):
        if rate is None:
            assert math.isnan(bar.get_height())
        else:
            assert bar.get_height() == pytest.approx(rate * 100)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["all units", "in-system", "out-of-system"]
    assert ax.get_ylabel() == "org_coverage (%)"
    assert ax.get_title() == f"org_coverage by street ({len(areas)} areas)"

    one = report.plot_metrics("district", rate="work_coverage")
    districts = report.metrics["districts"]
    assert len(one.patches) == len(districts) == 1
    assert one.patches[0].get_height() == pytest.approx(districts[0]["rates"]["work_coverage"] * 100)
    assert one.get_legend() is None


def test_metrics_plot_rejects_unknown_words(sample: Model) -> None:
    report = sample.audit()
    with pytest.raises(tiaokuai.InvalidInputError, match=r"metrics level.*expected street, district"):
        report.plot_metrics("village")  # type: ignore[arg-type]
    with pytest.raises(tiaokuai.InvalidInputError, match=r"rate.*expected one of org_coverage"):
        report.plot_metrics(rate="coverage")  # type: ignore[arg-type]
    # the module's function, called directly, says the same
    with pytest.raises(ValueError, match="unknown metrics level 'village'"):
        tiaokuai.plot.metrics(report, "village")
    with pytest.raises(ValueError, match="unknown rate 'coverage'; expected one of org_coverage"):
        tiaokuai.plot.metrics(report, rate="coverage")


def test_chain_plot_nodes_edges_legend(sample: Model, tmp_path: Path) -> None:
    chain = sample.chain("zm-scjgs")  # a dual-led agency: one branch
    assert chain.branches
    ax = chain.plot()
    png(ax, tmp_path / "chain.png")
    nodes = ax.collections[0]
    assert len(nodes.get_offsets()) == len(chain.steps) + len(chain.branches)
    colours = [tuple(c[:3]) for c in nodes.get_facecolors()]
    for step, colour in zip(chain.steps, colours):
        assert colour == matplotlib.colors.to_rgb(tiaokuai.plot.GRADE_COLOURS[step["grade"]])
    labels = [t.get_text() for t in ax.texts if t.get_text()]
    for step in chain.steps:
        assert f"{step['name']}\n{step['id']} · {step['kind']}" in labels
    assert any(chain.branches[0]["name"] in label for label in labels)
    arrows = [t for t in ax.texts if not t.get_text()]
    assert len(arrows) == len(chain.steps) - 1 + len(chain.branches)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["overall", "first", "direct", "specific", "no grade", "other leader"]
    assert ax.get_title() == f"leadership chain of {chain.name} ({chain.unit})"


def test_chain_plot_draws_a_cycle(sample: Model) -> None:
    chain = sample.chain("gc-c03-wy")  # the sample's S001: two units lead each other
    assert chain.cycle == ["gc-c03-wy", "gc-c03-ywh", "gc-c03-wy"]
    ax = chain.plot()
    assert len(ax.collections[0].get_offsets()) == len(chain.steps) == 2
    arrows = [t for t in ax.texts if not t.get_text()]
    assert len(arrows) == 2  # the link followed up, and the one closing the loop (red)
    assert arrows[1].arrow_patch.get_edgecolor()[:3] == matplotlib.colors.to_rgb(
        tiaokuai.plot.SEVERITY_COLOURS["error"]
    )
    assert ax.get_title().endswith("a cycle: gc-c03-wy → gc-c03-ywh → gc-c03-wy")


def test_chain_plot_without_branches(tiny: Model) -> None:
    chain = tiny.chain("kp")
    ax = chain.plot()
    assert len(ax.collections[0].get_offsets()) == len(chain.steps) == 4
    assert "other leader" not in [t.get_text() for t in ax.get_legend().get_texts()]


def test_cjk_font_renders_chinese(sample: Model, tmp_path: Path) -> None:
    font = tiaokuai.plot.cjk_font()
    if font is None:
        if os.environ.get("TIAOKUAI_REQUIRE_TOOLS") == "1":
            pytest.fail("no CJK font installed (.ci/run installs fonts-wqy-microhei)")
        pytest.skip("no CJK font installed (apt install fonts-wqy-microhei or fonts-noto-cjk)")
    assert font in tiaokuai.plot.CJK_FONTS
    ax = sample.chain("zm-scjgs").plot()
    label = next(t for t in ax.texts if "宝山区" in t.get_text())
    assert label.get_fontfamily()[0] == font
    assert ax.get_xticklabels() == [] or ax.xaxis.get_major_ticks()[0].label1.get_fontfamily()[0] == font
    metrics = sample.audit().plot_metrics()
    assert metrics.get_xticklabels()[0].get_fontfamily()[0] == font
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png(ax, tmp_path / "chain.png")
        png(metrics, tmp_path / "metrics.png")
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == []


def test_use_font(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(tiaokuai.plot, "_font", False)
    with pytest.raises(FileNotFoundError):
        tiaokuai.plot.use_font(tmp_path / "none.otf")
    (tmp_path / "notes.ttf").write_text("not a font", encoding="utf-8")
    with pytest.raises(ValueError, match=r"notes\.ttf: not a font matplotlib can read"):
        tiaokuai.plot.use_font(tmp_path / "notes.ttf")
    with pytest.raises(ValueError, match="matplotlib knows no font family 'No Such Font'"):
        tiaokuai.plot.use_font("No Such Font")
    dejavu = font_manager.findfont("DejaVu Sans")
    assert tiaokuai.plot.use_font(dejavu) == "DejaVu Sans"
    assert tiaokuai.plot.cjk_font() == "DejaVu Sans"
    assert tiaokuai.plot.use_font("DejaVu Sans") == "DejaVu Sans"


def test_matplotlib_missing(sample: Model, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    report = sample.audit()
    for call in (report.plot, report.plot_metrics, sample.chain("yyl-c01-party").plot):
        with pytest.raises(ImportError, match=r"tiaokuai's plots need matplotlib: pip install 'tiaokuai\[plot\]'"):
            call()


def test_dollars_in_names_stay_text(tiny_dict: dict[str, Any], tmp_path: Path) -> None:
    # matplotlib reads $…$ as TeX: names are user data, drawn as written (and bad TeX must not fail)
    tiny_dict["units"][4]["name"] = r"$\frac{ 党支部 $"
    tiny_dict["territories"][2]["name"] = "$x$ street"
    model = Model.from_dict(tiny_dict)
    ax = model.chain("kp").plot()
    png(ax, tmp_path / "chain.png")
    assert any(t.get_text().startswith(r"\$\frac{ 党支部 \$") for t in ax.texts)
    metrics = model.audit().plot_metrics()
    png(metrics, tmp_path / "metrics.png")
    assert [t.get_text() for t in metrics.get_xticklabels()] == [r"\$x\$ street"]
