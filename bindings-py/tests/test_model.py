"""The model-level API: loading, writing, round trips, lookups, records, links and views."""

from __future__ import annotations

import copy
import json
import pickle
from pathlib import Path
from typing import Any

import pytest

import tiaokuai
from tiaokuai import Item, Link, Matter, Model, Territory, Unit

from .conftest import ROOT, TINY


def test_sample_is_loaded_with_its_counts(sample: Model) -> None:
    assert len(sample.territories) == 215
    assert len(sample.units) == 532
    assert len(sample.matters) == 14
    assert len(sample.list_items) == 20
    assert len(sample.links) == 1957
    assert len(sample) == 215 + 532 + 14 + 20 + 483, "people (483) are records too"
    assert sample.title is not None and "Baoshan" in sample.title


def test_load_json_file_str_and_pathlib(sample: Model) -> None:
    path = ROOT / "data" / "samples" / "baoshan.json"
    assert tiaokuai.load(path) == sample
    assert tiaokuai.load(str(path)) == sample
    assert Model.load(path) == sample


def test_from_json_accepts_str_and_bytes_with_bom(tiny: Model) -> None:
    text = tiny.to_json()
    assert Model.from_json(text) == tiny
    assert Model.from_json(text.encode()) == tiny
    assert Model.from_json(b"\xef\xbb\xbf" + text.encode()) == tiny


def test_dict_round_trip_keeps_everything(tiny: Model) -> None:
    d = tiny.to_dict()
    assert d["format"] == tiaokuai.FORMAT == "tiaokuai/1"
    # big integers in meta and attrs survive exactly
    assert d["meta"]["big"] == 123456789012345678901234567890
    assert Model.from_dict(d) == tiny
    # the dict is the file format: records and links as written
    assert d["units"][-1] == TINY["units"][-1]
    assert d["links"] == TINY["links"]
    assert d["territories"] == TINY["territories"]


def test_json_round_trip_matches_json_module(tiny: Model) -> None:
    assert json.loads(tiny.to_json()) == tiny.to_dict()
    assert Model.from_json(json.dumps(tiny.to_dict(), ensure_ascii=False)) == tiny


def test_from_dict_accepts_tuples_and_mappings(tiny_dict: dict[str, Any]) -> None:
    from types import MappingProxyType

    tiny_dict["units"] = tuple(tiny_dict["units"])
    tiny_dict["meta"] = MappingProxyType(tiny_dict["meta"])
    assert Model.from_dict(tiny_dict) == Model.from_dict(TINY)


def test_write_json_and_csv_round_trip(tmp_path: Path, sample: Model) -> None:
    sample.write(tmp_path / "m.json")
    assert tiaokuai.load(tmp_path / "m.json") == sample
    assert (tmp_path / "m.json").read_text(encoding="utf-8") == sample.to_json()

    sample.write(tmp_path / "bundle", format="csv")
    assert (tmp_path / "bundle").is_dir()
    assert tiaokuai.load(tmp_path / "bundle") == sample

    # an existing folder means CSV too
    (tmp_path / "again").mkdir()
    sample.write(tmp_path / "again")
    assert tiaokuai.load(tmp_path / "again") == sample


def test_write_json_to_a_folder_is_an_io_error(tmp_path: Path, tiny: Model) -> None:
    with pytest.raises(tiaokuai.IoError, match="folder") as e:
        tiny.write(tmp_path, format="json")
    assert isinstance(e.value, OSError)
    with pytest.raises(tiaokuai.InvalidInputError, match="xml"):
        tiny.write(tmp_path / "m.xml", format="xml")  # type: ignore[arg-type]


def test_mapping_protocol(tiny: Model) -> None:
    assert "acme" in tiny
    assert "nobody" not in tiny
    assert 42 not in tiny
    assert list(tiny)[:3] == ["c", "d", "s"]
    assert list(tiny) == [r.id for r in tiny.records.values()]
    assert tiny.get("nobody") is None
    assert tiny.get("nobody", 7) == 7
    assert tiny.get("acme") == tiny["acme"]
    with pytest.raises(tiaokuai.UnknownIdError) as e:
        tiny["nobody"]
    assert isinstance(e.value, KeyError)
    assert e.value.id == "nobody"
    assert str(e.value) == 'no record with id "nobody"'
    with pytest.raises(TypeError, match="str, not int"):
        tiny[3]  # type: ignore[index]


def test_records_are_typed_and_frozen(tiny: Model) -> None:
    s = tiny["s"]
    assert isinstance(s, Territory) and isinstance(s, tiaokuai.Record)
    assert (s.id, s.name, s.kind, s.type) == ("s", "友谊路街道", "street", "territory")
    assert s.parent == "d" and s.children == ["k"]
    assert s.attrs == {"households": 620}
    assert (s.level, s.grade) == ("street", "direct")
    with pytest.raises(AttributeError):
        s.name = "x"  # type: ignore[misc]

    acme = tiny["acme"]
    assert isinstance(acme, Unit)
    assert (acme.sector, acme.in_system, acme.located_in) == ("private", False, "k")
    assert (acme.members, acme.staff, acme.in_service_members) == (4, 30, None)
    assert acme.since == "2020-01-01" and acme.until is None
    assert acme.level == "community" and not acme.is_party_org
    assert tiny["kp"].is_party_org  # type: ignore[attr-defined]
    assert tiny["gw"].in_system is True  # type: ignore[attr-defined]
    assert acme.attrs == {}

    vending = tiny["vending"]
    assert isinstance(vending, Matter)
    assert (vending.list, vending.kind, vending.category) == ("basic", "basic", "urban_management")
    assert vending.level is None
    need = tiny["need"]
    assert isinstance(need, Item) and need.list == "need"


def test_record_to_dict_is_the_file_form(tiny: Model) -> None:
    for array in ("territories", "units", "matters", "items"):
        for written in TINY[array]:
            assert tiny[written["id"]].to_dict() == written


def test_record_equality_and_hash(tiny: Model) -> None:
    other = Model.from_dict(TINY)
    assert tiny["acme"] == tiny["acme"]
    assert tiny["acme"] == other["acme"]  # same content, another model
    assert tiny["acme"] != tiny["dw"]
    assert len({tiny["acme"], other["acme"], tiny["dw"]}) == 2
    changed = copy.deepcopy(TINY)
    changed["units"][-1]["members"] = 5
    assert Model.from_dict(changed)["acme"] != tiny["acme"]
    assert repr(tiny["s"]) == "Territory(id='s', name='友谊路街道', kind='street')"


def test_links(tiny: Model) -> None:
    links = tiny.links
    assert len(links) == len(TINY["links"])
    first = links[0]
    assert isinstance(first, Link)
    assert (first.index, first.source, first.target, first.kind) == (0, "sw", "c", "jurisdiction")
    assert links[-1].until == "2030-12-31"
    assert [link.to_dict() for link in links] == TINY["links"]
    assert links.to_dicts() == TINY["links"]
    primary = links.filter(kind="leads", target="agency")
    assert [(link.source, link.primary) for link in primary] == [("dept", True), ("gov", None)]
    power = links.of_kind("power")[0]
    assert power.power == "assessment"
    responsible = links.of_kind("responsible")[0]
    assert (responsible.role, responsible.attrs, responsible.scope) == ("lead", {"note": "x"}, None)
    assert repr(first) == "Link('sw' -jurisdiction-> 'c', index=0)"
    assert links[0] == Model.from_dict(TINY).links[0]
    with pytest.raises(IndexError):
        links[99]


def test_links_from_and_to(tiny: Model) -> None:
    assert [link.target for link in tiny.links_from("gw")] == ["kp", "s", "agency"]  # grouped by kind
    assert [link.target for link in tiny.links_from("gw", "leads")] == ["kp"]
    assert [link.source for link in tiny.links_to("agency", "leads")] == ["dept", "gov"]
    assert tiny.links_to("sw") == []
    with pytest.raises(tiaokuai.UnknownIdError):
        tiny.links_from("ghost")
    with pytest.raises(tiaokuai.InvalidInputError, match="link kind"):
        tiny.links_from("gw", "commands")


def test_views_filter_index_and_contain(sample: Model) -> None:
    enterprises = sample.units.of_kind("enterprise")
    assert len(enterprises) == sum(1 for u in sample.units.values() if u.kind == "enterprise") > 0
    assert all(u.kind == "enterprise" for u in enterprises.values())
    private = sample.units.filter(kind="enterprise", sector="private")
    assert 0 < len(private) < len(enterprises)
    assert all(u.sector == "private" for u in private.values())
    first = enterprises[0]
    assert enterprises[first.id] == first
    assert first.id in enterprises and first in enterprises
    assert "310113" not in enterprises and "310113" in sample.territories
    assert enterprises[-1] == list(enterprises.values())[-1]
    assert enterprises.ids() == list(enterprises)
    assert [d["id"] for d in enterprises.to_dicts()] == enterprises.ids()
    with pytest.raises(tiaokuai.UnknownIdError) as e:
        enterprises["310113"]
    # In the model but not in the view: the message says what the record is.
    assert e.value.id == "310113"
    assert str(e.value) == "\"310113\" is a territory of kind 'district', not one of these units of kind 'enterprise'"
    with pytest.raises(KeyError, match="is a unit of kind 'party_committee', not one of these territories"):
        sample.territories["bs-dw"]
    with pytest.raises(tiaokuai.UnknownIdError, match="no record with id"):
        sample.units["ghost"]
    with pytest.raises(IndexError):
        enterprises[len(enterprises)]
    with pytest.raises(tiaokuai.InvalidInputError, match="unit kind"):
        sample.units.of_kind("company")
    with pytest.raises(tiaokuai.InvalidInputError, match="sector"):
        sample.units.filter(sector="public")
    assert len(sample.territories.of_kind("street")) == 3
    assert len(sample.matters.of_kind("basic")) > 0
    assert len(sample.records.of_kind("street")) == 3
    assert repr(sample.territories.of_kind("street")) == "<RecordView: 3 territories of kind 'street'>"
    assert repr(sample.links.filter(kind="leads", source="bs-dw")).startswith("<LinkView: ")


def test_views_are_sized_iterables(tiny: Model) -> None:
    assert [t.id for t in tiny.territories.values()] == ["c", "d", "s", "k", "g"]
    it = tiny.units.records()
    assert next(it).id == "sw"
    assert len(list(it)) == len(TINY["units"]) - 1
    assert list(tiny.units) == [u["id"] for u in TINY["units"]]
    assert [r.type for r in tiny.records.values()][-2:] == ["matter", "item"]


def test_custom_kinds_are_kept(tiny_dict: dict[str, Any]) -> None:
    tiny_dict["units"].append({"id": "team", "name": "志愿者队", "kind": "x-volunteer_team"})
    tiny_dict["links"].append({"from": "team", "to": "acme", "kind": "x-helps"})
    model = Model.from_dict(tiny_dict)
    assert model["team"].kind == "x-volunteer_team"
    assert len(model.units.of_kind("x-volunteer_team")) == 1
    assert [link.target for link in model.links.of_kind("x-helps")] == ["acme"]
    assert model.to_dict() == Model.from_json(model.to_json()).to_dict()


def test_model_equality_repr_and_pickle(tiny: Model) -> None:
    assert tiny == Model.from_dict(TINY)
    assert tiny != tiaokuai.sample()
    assert tiny != "tiny"
    with pytest.raises(TypeError):
        hash(tiny)
    assert repr(tiny) == "<tiaokuai.Model 'tiny': 5 territories, 8 units, 1 matters, 1 items, 14 links>"
    assert pickle.loads(pickle.dumps(tiny)) == tiny
    assert tiny.meta == TINY["meta"]


def test_repr_counts_people_when_the_model_has_some() -> None:
    doc = {**TINY, "people": [{"id": "p1", "name": "Wang"}, {"id": "p2", "name": "Li"}]}
    model = Model.from_dict(doc)
    assert repr(model) == "<tiaokuai.Model 'tiny': 5 territories, 8 units, 1 matters, 1 items, 2 people, 14 links>"
    assert '<td style="text-align:left">people</td><td style="text-align:left">2</td>' in model._repr_html_()
    assert "people" not in Model.from_dict(TINY)._repr_html_()


def test_html_counts_the_links_of_the_view_beside_its_records() -> None:
    # The sample is read at its as_of date: links ended or not yet begun are not in the view.
    sample = tiaokuai.sample()
    n = len(sample.links)
    assert f", {n} links</p>" in sample._repr_html_()
    assert f'>links</td><td style="text-align:left">{n}</td>' in sample._repr_html_()
    assert repr(sample).endswith(f", {n} links>")


def test_empty_model() -> None:
    model = Model.from_json('{"format": "tiaokuai/1"}')
    assert len(model) == 0 and len(model.links) == 0 and model.meta is None and model.title is None
    assert list(model) == [] and list(model.units) == []


def test_the_module_is_typed() -> None:
    package = Path(tiaokuai.__file__).parent
    assert (package / "py.typed").exists()
    assert (package / "_tiaokuai.pyi").exists()
    assert tiaokuai.__version__


def test_record_views_are_mappings(tiny: Model, sample: Model) -> None:
    from collections.abc import ItemsView, KeysView, Mapping, ValuesView

    units = tiny.units
    assert isinstance(units, Mapping) and isinstance(tiny.links, object)
    assert list(units) == list(units.keys()) == units.ids()
    assert isinstance(units.keys(), KeysView) and isinstance(units.values(), ValuesView)
    assert isinstance(units.items(), ItemsView)
    assert dict(units.items()) == {u.id: u for u in units.values()}
    assert [u.id for u in units.values()] == units.ids()
    assert units.get("acme") == tiny["acme"] and units.get("c") is None and units.get("ghost", 0) == 0
    assert units.get(3) is None  # not an id: no error, like dict.get
    assert {"sw", "acme"} <= units.keys()
    assert "c" not in units.keys() and "c" in tiny.territories.keys()
    # Mapping equality: same ids, equal records (also across models with the same content)
    assert units == tiny.units and units == Model.from_dict(tiny.to_dict()).units
    assert units == dict(units.items())
    assert units != tiny.territories and units != {"sw": tiny["sw"]} and units != ["sw"]
    private = sample.units.filter(sector="private")
    assert dict(private) == {k: private[k] for k in private}


def test_items_is_deprecated_for_list_items(tiny: Model) -> None:
    with pytest.warns(DeprecationWarning, match=r"Model.items is deprecated.*Model.list_items") as w:
        items = tiny.items
    assert w[0].filename == __file__  # the warning points at the caller
    assert items == tiny.list_items and list(items) == ["need"]
