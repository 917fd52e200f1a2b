"""Views at a date (issue #12): Model.at, whole, date, as_of, snapshot, uncertain,
NotInForceError and load(at=), on the dated model of tests/scenarios/t-dated-merge-and-leaders.json."""

from __future__ import annotations

import datetime
import json
import pickle
from pathlib import Path
from typing import Any

import pytest

import tiaokuai

from .conftest import ROOT

SCENARIO = ROOT / "tests" / "scenarios" / "t-dated-merge-and-leaders.json"


@pytest.fixture
def doc() -> dict[str, Any]:
    return json.loads(SCENARIO.read_text(encoding="utf-8"))["model"]


@pytest.fixture
def model(doc: dict[str, Any]) -> tiaokuai.Model:
    return tiaokuai.Model.from_dict(doc)


def test_a_view_leaves_out_what_is_out_of_force(model: tiaokuai.Model) -> None:
    assert model.date is None and model.as_of is None
    assert "s1" in model and "sn" in model and len(model) == 14
    old = model.at("2017-05-03")
    assert old.date == "2017-05-03"
    assert "sn" not in old and "sn-gw" not in old and "k-party" not in old
    assert len(old) == 11 == len(old.records) == len(list(old))
    assert len(old.territories) == 6 and len(old.units) == 5
    assert len(old.links) == 8 == len(list(old.links))
    new = model.at(datetime.date(2021, 1, 1))
    assert new.date == "2021-01-01"
    assert "s1" not in new and "sn" in new and len(new.territories) == 5
    assert model.at("2020").date == "2020", "a reduced date stays reduced"
    assert new.whole().date is None and len(new.whole()) == 14
    # The records keep their dates as written.
    assert model["s1"].until == "2020-05-31"
    assert [link.since for link in model.links_to("sn-gw", "leads")] == ["2020"]


def test_answers_at_a_date_and_uncertain(model: tiaokuai.Model) -> None:
    assert model.at("2017-05-03").chain("br").steps[1]["id"] == "s1-gw"
    chain = model.at("2020-08-01").chain("br")
    assert [s["id"] for s in chain.steps] == ["br", "sn-gw", "dw"]
    assert chain.uncertain == [{"link": 8, "from": "dw", "kind": "leads", "to": "sn-gw"}]
    assert model.at("2021").chain("br").uncertain == []
    findings = {(f.rule, f.subject) for f in model.at("2017-05-03").audit().findings}
    assert ("C006", "k") in findings and ("S002", "br") not in findings
    assert ("S002", "br") in {(f.rule, f.subject) for f in model.audit().findings}
    assert all(f.uncertain == [] for f in model.at("2021").audit().findings)


def test_not_in_force_error(model: tiaokuai.Model) -> None:
    with pytest.raises(tiaokuai.NotInForceError) as info:
        model.at("2017-05-03").chain("sn-gw")
    err = info.value
    assert isinstance(err, tiaokuai.UnknownIdError) and isinstance(err, KeyError)
    assert err.id == "sn-gw" and err.date == "2017-05-03" and err.kind == "not_in_force"
    assert err.validity is not None and "2020-06-01" in err.validity
    assert "not in force at 2017-05-03" in str(err)
    with pytest.raises(tiaokuai.NotInForceError):
        model.at("2021").responsible_for("s2")
    with pytest.raises(tiaokuai.NotInForceError, match="not in force at 2021"):
        model.at("2021")["s2"]
    with pytest.raises(tiaokuai.UnknownIdError) as unknown:
        model.at("2021")["nowhere"]
    assert not isinstance(unknown.value, tiaokuai.NotInForceError)
    assert model.at("2021").get("s2") is None


@pytest.mark.parametrize("bad", ["2019-13", "20190101", "2019-02-30", "", "2019-1-01"])
def test_a_malformed_date_is_a_clear_error(model: tiaokuai.Model, bad: str, tmp_path: Path) -> None:
    with pytest.raises(tiaokuai.InvalidInputError, match="not a date of the form YYYY, YYYY-MM or YYYY-MM-DD"):
        model.at(bad)
    path = tmp_path / "m.json"
    model.write(path)
    with pytest.raises(tiaokuai.InvalidInputError):
        tiaokuai.load(path, at=bad)
    with pytest.raises(TypeError, match="not int"):
        model.at(2019)  # type: ignore[arg-type]


def test_load_at_and_meta_as_of(doc: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text(json.dumps({**doc, "meta": {"as_of": "2018-01-01"}}, ensure_ascii=False), encoding="utf-8")
    loaded = tiaokuai.load(path)
    assert loaded.as_of == "2018-01-01" and loaded.date == "2018-01-01" and "sn" not in loaded
    later = tiaokuai.load(path, at="2021-06")
    assert later.date == "2021-06" and later.as_of == "2018-01-01" and "sn" in later and "s1" not in later
    assert tiaokuai.Model.load(path, at=datetime.date(2021, 6, 1)).date == "2021-06-01"
    assert len(loaded.whole()) == 14


def test_open_at_reads_an_image_at_a_date_as_load_does(doc: dict[str, Any], tmp_path: Path) -> None:
    image = tmp_path / "m.tkz"
    tiaokuai.Model.from_dict({**doc, "meta": {"as_of": "2018-01-01"}}).write(image)
    opened = tiaokuai.Model.open(image)
    assert opened.date == "2018-01-01" and "sn" not in opened
    later = tiaokuai.Model.open(image, at="2021-06")
    assert later.date == "2021-06" and "sn" in later and "s1" not in later
    assert later == tiaokuai.load(image, at="2021-06")
    # The date is checked before the file is read: a bad date wins over a missing file.
    with pytest.raises(tiaokuai.InvalidInputError, match="not a date"):
        tiaokuai.Model.open(tmp_path / "missing.tkz", at="2021-13")


def test_snapshot_writes_only_the_view_and_whole_writes_everything(model: tiaokuai.Model) -> None:
    view = model.at("2017-05-03")
    assert len(view.to_dict()["territories"]) == 7, "a view writes the whole document"
    snap = view.snapshot()
    d = snap.to_dict()
    assert d["meta"]["as_of"] == "2017-05-03" and len(d["territories"]) == 6
    assert snap.date == "2017-05-03" and len(snap) == len(view)


def test_pickle_keeps_the_date(model: tiaokuai.Model) -> None:
    view = model.at("2017-05")
    back = pickle.loads(pickle.dumps(view))
    assert back.date == "2017-05" and len(back) == len(view) and back == view
    whole = pickle.loads(pickle.dumps(model))
    assert whole.date is None and len(whole) == 14


DATES = ["2014", "2017-05-03", "2017-07", "2019-12-31", "2020-05-31", "2020-06-01", "2020-08-01", "2021", "2030"]


def answers(m: tiaokuai.Model, ids: list[str]) -> dict[str, Any]:
    """Every question the model answers about `ids`, as plain data (errors by class family)."""
    out: dict[str, Any] = {}
    for i in ids:
        try:
            r = m[i]
        except KeyError:
            out[i] = "absent"
            continue
        try:
            if isinstance(r, tiaokuai.Unit):
                c = m.chain(i, "all")
                out[i] = ([s["id"] for s in c.steps], c.uncertain != [])
            elif isinstance(r, tiaokuai.Territory):
                b = m.responsible_for(i)
                out[i] = ([[h["id"] for h in blk["holders"]] for blk in b.to_dict()["blocks"]], b.uncertain != [])
        except KeyError:
            out[i] = "absent"
    out["findings"] = sorted((f.rule, f.subject, f.territory, f.uncertain != []) for f in m.audit().findings)
    return out


@pytest.mark.parametrize("date", DATES)
def test_a_view_answers_as_its_snapshot(model: tiaokuai.Model, date: str) -> None:
    """Differential: every answer at a date equals the answer on the snapshot of that date
    (a model of its own, holding only what was in force)."""
    ids = list(model)
    view = model.at(date)
    snap = view.snapshot()
    a, b = answers(view, ids), answers(snap, ids)
    # The snapshot keeps possibly-in-force records with their dates, so it doubts the same facts.
    assert a == b
