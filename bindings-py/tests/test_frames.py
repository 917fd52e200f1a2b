"""Frames built column by column: typed columns (nullable counts, dates, ordered categoricals,
names beside ids) the same in pandas, polars and pyarrow, and equal to the records they show."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from typing import Any

import pandas as pd
import pytest

import tiaokuai
from tiaokuai import Model


def test_unit_frame_types(tiny: Model) -> None:
    units = tiny.units.to_pandas()
    assert str(units["members"].dtype) == "Int64"
    assert units.loc["acme", "members"] == 4 and units.loc["acme", "staff"] == 30
    assert units.loc["sw", "members"] is pd.NA
    assert units.loc["acme", "since"] == pd.Timestamp("2020-01-01")
    assert units["since"].dtype.kind == "M" and units.loc["sw", "since"] is pd.NaT
    assert units.loc["acme", "located_in"] == "k"
    assert units.loc["acme", "located_in_name"] == "竹园新村居民区"
    level = units["level"].dtype
    assert isinstance(level, pd.CategoricalDtype) and level.ordered
    assert list(level.categories)[:4] == ["country", "province", "city", "district"]
    assert units.sort_values("level").index[0] == "sw"  # the city first
    assert isinstance(units["kind"].dtype, pd.CategoricalDtype) and not units["kind"].dtype.ordered


def test_frames_agree_with_the_records(sample: Model) -> None:
    """Every cell of every record frame is the field the record dict holds."""
    for view in (sample.territories, sample.units, sample.matters, sample.list_items):
        frame = view.to_pandas()
        assert list(frame.index) == view.ids()
        for d in view.to_dicts():
            row = frame.loc[d["id"]]
            for field, value in d.items():
                if field == "id":
                    continue
                cell = row[field]
                if field in ("since", "until"):
                    assert cell == pd.Timestamp(value), (d["id"], field)
                else:
                    assert cell == value, (d["id"], field)
            for field in ("sector", "located_in", "members", "staff", "parent", "since", "category"):
                if field in frame.columns and field not in d:
                    assert pd.isna(row[field]), (d["id"], field)


def test_link_frame(tiny: Model) -> None:
    links = tiny.links.to_pandas()
    assert len(links) == len(tiny.links)
    assert links.loc[9, "primary"] == True  # noqa: E712 - a nullable boolean
    assert links.loc[0, "primary"] is pd.NA
    assert str(links["primary"].dtype) == "boolean"
    assert links.loc[0, "from_name"] == "中共上海市委" and links.loc[0, "to_name"] == "上海市"
    assert links.loc[13, "until"] == pd.Timestamp("2030-12-31")
    assert links.loc[12, "attrs"] == {"note": "x"}
    leads = tiny.links.filter(kind="leads", source="dw").to_pandas()
    assert list(leads.index) == [6]


def test_report_frame_sorts_by_severity(sample: Model) -> None:
    report = sample.audit()
    frame = report.to_pandas()
    sev = frame["severity"].dtype
    assert isinstance(sev, pd.CategoricalDtype) and sev.ordered
    assert list(sev.categories) == ["error", "warning", "info"]
    ordered = list(frame.sort_values("severity", kind="stable")["severity"])
    assert ordered == sorted(ordered, key=["error", "warning", "info"].index)
    assert ordered[0] == "error" and ordered[-1] == "info"
    first = report.findings[0]
    assert frame.loc[0, "subject"] == first.subject
    assert frame.loc[0, "subject_name"] == sample[first.subject].name
    assert frame.loc[0, "evidence"] == first.to_dict()["evidence"]


def test_metrics_frame_types(sample: Model) -> None:
    frame = sample.audit().metrics_frame()
    assert len(frame) == 13
    assert str(frame["units"].dtype) == "Int64" and str(frame["org_coverage"].dtype) == "Float64"
    with pytest.raises(tiaokuai.InvalidInputError, match="frame library"):
        sample.audit().metrics_frame(library="excel")


def _cell(v: Any) -> Any:
    return None if v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v) else v


def test_polars_and_arrow_match_pandas(tiny: Model) -> None:
    pl = pytest.importorskip("polars")
    pa = pytest.importorskip("pyarrow")
    units = tiny.units.to_polars()
    assert units.columns[0] == "id"
    assert units.schema["members"] == pl.Int64 and units.schema["since"] == pl.Date
    assert isinstance(units.schema["level"], pl.Enum)
    row = units.filter(pl.col("id") == "acme").row(0, named=True)
    assert row["members"] == 4 and row["since"] == dt.date(2020, 1, 1) and row["located_in_name"] == "竹园新村居民区"
    assert units.filter(pl.col("id") == "sw").row(0, named=True)["members"] is None
    arrow = tiny.links.to_arrow()
    assert arrow.schema.field("until").type == pa.date32()
    assert arrow.schema.field("kind").type == pa.dictionary(pa.int32(), pa.string())
    assert arrow.column("until").to_pylist()[13] == dt.date(2030, 12, 31)
    assert arrow.column("primary").to_pylist()[:1] == [None]
    report = tiny.audit()
    findings = report.to_polars()
    assert findings.schema["severity"] == pl.Enum(["error", "warning", "info"])
    assert report.to_arrow().schema.field("severity").type.ordered
    # the same cells in all three (JSON columns aside)
    frame = tiny.links.to_pandas().reset_index()
    polars_links = tiny.links.to_polars()
    for col in ("index", "from", "to_name", "kind", "primary", "role", "members"):
        left = [_cell(v) for v in frame[col]]
        assert left == polars_links[col].to_list() == arrow.column(col).to_pylist(), col
    assert report.metrics_frame(library="polars").height == report.metrics_frame(library="arrow").num_rows


@pytest.mark.parametrize(
    ("module", "call"),
    [
        ("polars", lambda m: m.units.to_polars()),
        ("polars", lambda m: m.audit().to_polars()),
        ("pyarrow", lambda m: m.links.to_arrow()),
        ("pyarrow", lambda m: m.audit().metrics_frame(library="arrow")),
    ],
)
def test_missing_library_names_the_extra(tiny: Model, monkeypatch: pytest.MonkeyPatch, module: str, call: Any) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(ImportError, match=rf"needs {module}.*pip install 'tiaokuai\[{module}\]'"):
        call(tiny)


def test_without_pyarrow_the_frames_are_the_same(sample: Model, monkeypatch: pytest.MonkeyPatch) -> None:
    """pyarrow only speeds frames up: without it, numpy builds the same pandas and polars frames."""
    report = sample.audit()
    calls = [
        lambda: sample.units.to_pandas(),
        lambda: sample.links.to_pandas(),
        lambda: sample.records.to_pandas(),
        lambda: report.to_pandas(),
        lambda: report.metrics_frame(),
    ]
    with_arrow = [f() for f in calls]
    polars = importlib.util.find_spec("polars") is not None
    if polars:
        polars_with = [sample.units.to_polars(), report.to_polars()]
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    for f, expected in zip(calls, with_arrow):
        pd.testing.assert_frame_equal(f(), expected)
    if polars:
        assert sample.units.to_polars().equals(polars_with[0]) and report.to_polars().equals(polars_with[1])
        assert sample.units.to_polars().schema == polars_with[0].schema


@pytest.mark.parametrize("hide_pyarrow", [False, True])
def test_empty_model_gives_empty_typed_frames(monkeypatch: pytest.MonkeyPatch, hide_pyarrow: bool) -> None:
    if hide_pyarrow:
        monkeypatch.setitem(sys.modules, "pyarrow", None)
    empty = Model.from_dict({"format": "tiaokuai/1", "territories": [], "units": [], "links": []})
    units = empty.units.to_pandas()
    assert units.shape == (0, 13) and str(units["members"].dtype) == "Int64"
    assert empty.links.to_pandas().shape == (0, 15)
    assert empty.audit().to_pandas().shape == (0, 9)
    assert len(empty.audit().metrics_frame()) == 0
