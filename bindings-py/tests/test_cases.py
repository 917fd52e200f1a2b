"""Case logs against the model from Python (issue #15): the shared fixture in tests/cases/."""

from __future__ import annotations

import csv
import pathlib
import sys

import pytest

import tiaokuai

FIXTURE = pathlib.Path(__file__).resolve().parents[2] / "tests" / "cases"


def _expected() -> dict[str, tuple[str, int, bool, bool]]:
    with open(FIXTURE / "expected.csv", newline="") as f:
        return {
            r["case"]: (r["class"], int(r["returns"]), r["cycle"] == "true", r["closed"] == "true")
            for r in csv.DictReader(f)
        }


def test_fixture_cases_are_classified_as_expected() -> None:
    model = tiaokuai.load(FIXTURE / "model.json")
    result = tiaokuai.cases(model, FIXTURE / "log.csv", keep_cases=True)
    frame = result.to_pandas("cases")
    got = {
        case: (str(cls), int(returns), bool(cycle), bool(closed))
        for case, cls, returns, cycle, closed in zip(
            frame["case"], frame["class"], frame["returns"], frame["cycle"], frame["closed"]
        )
    }
    assert got == _expected()
    with open(FIXTURE / "problems.csv", newline="") as f:
        want = [(int(r["row"]), r["case"], r["kind"]) for r in csv.DictReader(f)]
    assert [(p["row"], p["case"], p["kind"]) for p in result.problems] == want
    s = result.summary
    assert (s["all"]["cases"], s["all"]["right"], s["all"]["returns"], s["all"]["cycles"]) == (12, 5, 3, 1)
    assert "12 cases" in repr(result)


def test_tables_are_typed_frames_rolling_up_territories() -> None:
    model = tiaokuai.load(FIXTURE / "model.json")
    result = tiaokuai.cases(model, FIXTURE / "log.csv", on_time=30)
    t = result.to_pandas("territory")
    per = t.groupby("territory")["cases"].sum()
    assert (per["s1"], per["s2"], per["d"], per["city"]) == (6, 4, 10, 10)
    assert str(t["cases"].dtype) == "Int64" and str(t["close_days"].dtype) == "Float64"
    assert str(t["level"].dtype) == "category"
    f = result.to_pandas("findings")
    assert f["cases"].sum() == 12
    assert result.summary["on_time_days"] == 30
    with pytest.raises(tiaokuai.InvalidInputError):
        result.to_pandas("nope")


def test_an_unreadable_log_raises_and_bad_rows_do_not() -> None:
    model = tiaokuai.load(FIXTURE / "model.json")
    with pytest.raises(tiaokuai.IoError):
        tiaokuai.cases(model, FIXTURE / "missing.csv")
    result = tiaokuai.cases(model, FIXTURE / "log.jsonl")
    assert result.problems[-1]["kind"] == "truncated"


def test_a_generated_log_is_judged_as_its_key_says(tmp_path: pathlib.Path) -> None:
    model = tiaokuai.sample()
    made = tiaokuai.generate_cases(model, tmp_path / "log.csv", 400, seed=2, key_path=tmp_path / "key.csv")
    assert made["cases"] == 400 and made["misrouted"] > 0 and made["cycles"] > 0
    result = tiaokuai.cases(model, tmp_path / "log.csv", keep_cases=True)
    assert result.problems == []
    frame = result.to_pandas("cases")
    got = sorted(zip(frame["case"], frame["class"].astype(str)))
    with open(tmp_path / "key.csv", newline="") as f:
        want = sorted((r["case"], r["class"]) for r in csv.DictReader(f))
    assert got == want
    assert result.summary["all"]["returns"] == made["returns"]


def test_measures_per_source_and_arrow(monkeypatch: pytest.MonkeyPatch) -> None:
    model = tiaokuai.load(FIXTURE / "model.json")
    result = tiaokuai.cases(model, FIXTURE / "log.csv", keep_cases=True)
    per = result.to_pandas("source").groupby("source")["cases"].sum().to_dict()
    # the report rows' sources of the cases the replay counts, read from the fixture
    kept = set(_expected())
    with open(FIXTURE / "log.csv", newline="") as f:
        want: dict[str, int] = {}
        for r in csv.DictReader(f):
            if r["event"] == "reported" and r["case"] in kept:
                want[r["source"]] = want.get(r["source"], 0) + 1
    assert per == want and set(want) == {"hotline", "patrol"}
    cases = result.to_pandas("cases")
    assert dict(zip(cases["case"], cases["source"]))["A2"] == "patrol"
    pa = pytest.importorskip("pyarrow")
    table = result.to_arrow("source")
    assert isinstance(table, pa.Table)
    assert sorted(zip(table.column("source").to_pylist(), table.column("cases").to_pylist())) == sorted(
        zip(result.to_pandas("source")["source"], result.to_pandas("source")["cases"])
    )
    assert pa.types.is_int64(table.schema.field("cases").type)
    assert result.to_arrow().num_rows == len(result.to_pandas())
    with pytest.raises(tiaokuai.InvalidInputError):
        result.to_arrow("nope")
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(ImportError, match=r"needs pyarrow.*pip install 'tiaokuai\[pyarrow\]'"):
        result.to_arrow("source")
