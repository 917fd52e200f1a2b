"""The timeline from Python (issue #12): the same counts as audits of the views, typed frames, a plot."""

from __future__ import annotations

import datetime

import pytest

import tiaokuai


def test_yearly_rows_equal_audits_at_each_date() -> None:
    model = tiaokuai.sample()
    t = model.timeline(from_="2013", to="2024", every="year")
    assert t.dates == [str(y) for y in range(2013, 2025)]
    assert len(t) == 12
    for row in t.rows:
        report = model.at(row["date"]).audit()
        s = report.summary()
        assert (row["errors"], row["warnings"], row["infos"]) == (s["errors"], s["warnings"], s["infos"]), row["date"]
        for code, n in row["findings"].items():
            assert n == len(report.findings_of(code)), (row["date"], code)
    # Coverage rises: fewer findings at the end than at the start, and the 2015 reform shows.
    by_date = {r["date"]: r for r in t.rows}
    total = [r["errors"] + r["warnings"] + r["infos"] for r in t.rows]
    assert total[0] > total[-1]
    assert by_date["2014"]["findings"]["S004"] == 3 and by_date["2015"]["findings"]["S004"] == 1


def test_frames_are_typed_and_indexed_by_date() -> None:
    pd = pytest.importorskip("pandas")
    t = tiaokuai.sample().timeline(from_=datetime.date(2016, 12, 31), to="2018", every="year")
    df = t.to_pandas()
    # With every="year" the dates are the years (from_ given as a day starts the series at its year).
    assert list(df.index) == ["2016", "2017", "2018"]
    assert str(df["errors"].dtype) == "Int64"
    assert str(df["org_coverage"].dtype) == "Float64"
    assert pd.api.types.is_datetime64_any_dtype(df["day"])
    assert df["day"].iloc[1] == pd.Timestamp("2017-12-31")
    assert df.loc["2016", "S004"] == 1


def test_change_days_without_every_and_bad_arguments() -> None:
    model = tiaokuai.sample()
    t = model.timeline(from_="2015-01-01", to="2015-12-31")
    assert t.dates[0] == "2015-01-01" and len(t) > 2
    assert all(d.startswith("2015") for d in t.dates)
    with pytest.raises(tiaokuai.InvalidInputError):
        model.timeline(every="week")
    with pytest.raises(tiaokuai.InvalidInputError):
        model.timeline(from_="2019-13")


def test_plot_draws_one_line_per_column(tmp_path) -> None:  # type: ignore[no-untyped-def]
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    t = tiaokuai.sample().timeline(from_="2013", to="2024", every="year")
    ax = t.plot()
    assert [line.get_label() for line in ax.get_lines()] == ["errors", "warnings", "infos"]
    assert len(ax.get_lines()[1].get_xdata()) == 12
    ax = t.plot(columns=["C001", "org_coverage"])
    assert [line.get_label() for line in ax.get_lines()] == ["C001", "org_coverage"]
    ax.figure.savefig(tmp_path / "timeline.png")
    assert (tmp_path / "timeline.png").stat().st_size > 1000
    with pytest.raises(ValueError, match="unknown timeline column"):
        t.plot(columns=["nope"])
