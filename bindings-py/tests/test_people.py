"""People and posts (issue #14): Person records, Model.holders / posts / tenure and the
principals in chain answers, on tests/scenarios/p-people-rules.json."""

from __future__ import annotations

import json
from typing import Any

import pytest

import tiaokuai

from .conftest import ROOT

SCENARIO = ROOT / "tests" / "scenarios" / "p-people-rules.json"


@pytest.fixture
def doc() -> dict[str, Any]:
    return json.loads(SCENARIO.read_text(encoding="utf-8"))["model"]


@pytest.fixture
def model(doc: dict[str, Any]) -> tiaokuai.Model:
    return tiaokuai.Model.from_dict(doc)


def brute_holders(doc: dict[str, Any], unit: str, day: str) -> list[tuple[str, str]]:
    """The holds links to ``unit`` in force on ``day`` (full dates only in this fixture)."""
    out = []
    for link in doc["links"]:
        if link["kind"] != "holds" or link["to"] != unit:
            continue
        since = link.get("since", "0000")
        if len(since) == 4:
            since += "-01-01"
        if since <= day and link.get("until", "9999-12-31") >= day:
            out.append((link["from"], link["post"]))
    return out


def test_people_are_records(model: tiaokuai.Model) -> None:
    p = model["p2"]
    assert isinstance(p, tiaokuai.Person)
    assert p.name == ""
    assert [h["unit"] for h in p.posts] == ["c1-dzb", "c1-jwh"]


@pytest.mark.parametrize("day", ["2017-01-01", "2019-06-30", "2024-06-30"])
def test_holders_match_brute_force(model: tiaokuai.Model, doc: dict[str, Any], day: str) -> None:
    view = model.at(day)
    for unit in ["gw", "c1-dzb", "c1-jwh", "c2-dzb", "c2-jwh", "c3-dzb"]:
        got = [(h["person"], h["post"]) for h in view.holders(unit)]
        assert got == brute_holders(doc, unit, day), (unit, day)


def test_posts_tenure_and_errors(model: tiaokuai.Model) -> None:
    assert [p["post"] for p in model.posts("p2")] == ["secretary", "director"]
    t = model.tenure(person="p1")
    assert t[0]["unit"] == "gw" and t[0]["current"] is True and t[0]["terms"] == 1
    with pytest.raises(tiaokuai.UnknownIdError):
        model.holders("nobody")
    with pytest.raises(tiaokuai.WrongRecordTypeError):
        model.posts("gw")


def test_chain_names_principals(model: tiaokuai.Model) -> None:
    chain = model.chain("c2-dzb").to_dict()
    principals = [s.get("principal", {}).get("person") for s in chain["steps"]]
    assert principals == ["p3", "p1"]


def test_a_model_without_people_has_no_principal_key() -> None:
    # The sample without its people and their holds links: a model as written before people.
    doc = json.loads((ROOT / "data" / "samples" / "baoshan.json").read_text(encoding="utf-8"))
    del doc["people"]
    doc["links"] = [link for link in doc["links"] if link["kind"] != "holds"]
    bare = tiaokuai.Model.from_json(json.dumps(doc))
    unit = next(iter(bare.units))
    assert all("principal" not in s for s in bare.chain(unit).to_dict()["steps"])
    # The sample itself has people (data/samples/README.md): its chains name the principals.
    steps = tiaokuai.Model.sample().chain("yyl-c01-party").to_dict()["steps"]
    assert all(s["principal"]["post"] == "secretary" for s in steps), steps
