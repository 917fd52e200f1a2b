"""tiaokuai.generate, tiaokuai.import_divisions and tiaokuai.sample."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

import tiaokuai


def test_generate_is_deterministic() -> None:
    a = tiaokuai.generate("district", 7)
    assert a.to_json() == tiaokuai.generate("district", 7).to_json()
    assert a != tiaokuai.generate("district", 8)
    assert len(a.units) > 5_000
    assert "310113-dw" in a
    assert a.title is not None and "seed 7" in a.title


def test_generate_on_a_prefix() -> None:
    model = tiaokuai.generate("district", 3, prefix="310113003")
    assert "310113003-gw" in model and "310113101" not in model
    gaps = [r.id for r in model.records.values() if "gaps" in r.attrs]
    assert all(isinstance(code, str) for r in gaps for code in model[r].attrs["gaps"])


def test_generate_bad_arguments() -> None:
    with pytest.raises(tiaokuai.InvalidInputError, match="unknown scale"):
        tiaokuai.generate("town")  # type: ignore[arg-type]
    with pytest.raises(tiaokuai.InvalidInputError, match="division code"):
        tiaokuai.generate("district", 1, prefix="9999")
    with pytest.raises(OverflowError):
        tiaokuai.generate("district", -1)


def test_import_divisions() -> None:
    shanghai = tiaokuai.import_divisions("31")
    assert shanghai.title == "上海市"
    assert len(shanghai.territories.of_kind("district")) == 16
    assert len(shanghai.units) == 0 and len(shanghai.links) == 0
    assert shanghai["310113"].name == "宝山区"
    baoshan = tiaokuai.import_divisions("310113")
    assert list(baoshan.territories.filter(kind="zone")) == ["310113501"]
    with pytest.raises(tiaokuai.InvalidInputError, match='no division has code prefix "9999"'):
        tiaokuai.import_divisions("9999")
    with pytest.raises(tiaokuai.InvalidInputError):
        tiaokuai.import_divisions("31x")


FIXTURES = Path(__file__).resolve().parents[2] / "core" / "tests" / "data"


def test_import_divisions_records_changes_since_a_previous_list() -> None:
    # core/tests/data/divisions-new/README.md tells what changed between the two lists.
    new, old = FIXTURES / "divisions-new", FIXTURES / "divisions-old"
    m = tiaokuai.import_divisions("310199", tables=new, previous=str(old), changed_on=datetime.date(2021, 6, 1))
    events = sorted((k["from"], k["to"], k["event"]) for k in json.loads(m.to_json())["links"])
    # The link objects and their dicts carry the event too.
    assert sorted((k.source, k.target, k.event) for k in m.links) == events
    assert sorted((d["from"], d["to"], d["event"]) for d in (k.to_dict() for k in m.links)) == events
    assert events == [
        ("310199101", "310199106", "recode"),
        ("310199102", "310199107", "merge"),
        ("310199103", "310199003", "split"),
        ("310199103", "310199108", "split"),
        ("310199201", "310199107", "merge"),
    ]
    assert m["310199101"].until == "2021-05-31" and m["310199106"].since == "2021-06-01"
    assert m["310199001"].name == "友谊街道" and m["310199001"].attrs["former_name"] == "友谊路街道"
    assert m.meta["unmatched"]["ambiguous"] == [{"old": ["310199104", "310199202"], "new": ["310199004", "310199109"]}]
    assert not [f for f in m.audit().findings if f.rule.startswith("T")]
    with pytest.raises(tiaokuai.InvalidInputError, match="previous needs changed_on"):
        tiaokuai.import_divisions("310199", tables=new, previous=old)
    with pytest.raises(tiaokuai.InvalidInputError, match="changed_on needs previous"):
        tiaokuai.import_divisions("310199", tables=new, changed_on="2021")
    with pytest.raises(tiaokuai.InvalidInputError, match="2021-13"):
        tiaokuai.import_divisions("310199", tables=new, previous=old, changed_on="2021-13")
    with pytest.raises(tiaokuai.IoError):
        tiaokuai.import_divisions("310199", tables=FIXTURES / "no-such-folder")


def test_sample_function_and_method() -> None:
    assert tiaokuai.sample() == tiaokuai.Model.sample()


def test_generate_people_and_their_metrics() -> None:
    plain = tiaokuai.generate("district", 5, prefix="310113003")
    model = tiaokuai.generate("district", 5, prefix="310113003", people=True)
    assert not plain.people_metrics()[0]["secretaries"]
    people = [r for r in model.records.values() if isinstance(r, tiaokuai.Person)]
    assert len(people) > 100
    # The street's principal units all have their principal but the marked vacancies.
    area = model.at("2024-06-30").people_metrics()[0]
    assert area["id"] == "310113003"
    assert area["principal_units"] > 50 and area["community_workers"] > 0
    assert area["vacancy_rate"] is not None and area["vacancy_rate"] < 0.1
    assert model.at("2024-06-30").people_metrics("district")[0]["id"] == "310113"
    with pytest.raises(tiaokuai.InvalidInputError):
        model.people_metrics("province")
    # history and meetings are the generator's other flags.
    assert tiaokuai.generate("district", 5, prefix="310113003", meetings=True).meetings
