"""Issue #20 from Python: exact numbers in attrs, non-finite floats and undirected graphs
refused with clear errors, and ``max_bytes`` on every loading function."""

from __future__ import annotations

import copy
import json
import math
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

import tiaokuai
from tiaokuai import Model

from .conftest import TINY


def one_unit(attrs_json: str) -> Model:
    return Model.from_json(
        '{"format": "tiaokuai/1", "units": [{"id": "a", "name": "A", "kind": "enterprise", "attrs": '
        + attrs_json
        + "}]}"
    )


def test_a_5000_digit_integer_in_attrs_comes_back_exact() -> None:
    digits = "7" + "0123456789" * 500  # 5001 digits: beyond int(str)'s 4300-digit limit
    model = one_unit('{"n": ' + digits + ', "m": -' + digits + "}")
    attrs = model["a"].attrs
    assert isinstance(attrs["n"], int)
    # Compare without converting back to a string (which has the same limit).
    expected = 0
    for chunk in range(0, len(digits), 100):
        piece = digits[chunk : chunk + 100]
        expected = expected * 10 ** len(piece) + int(piece)
    assert attrs["n"] == expected
    assert attrs["m"] == -expected
    # The dict form and the round trip through from_dict keep it exact too.
    assert Model.from_dict(model.to_dict()) == model


def test_numbers_beyond_a_float_come_back_as_exact_decimals_never_inf() -> None:
    model = one_unit('{"big": 1e400, "tiny": -1e-400, "plain": 2.5, "zero": 0.0, "z": 0e5}')
    attrs = model["a"].attrs
    assert attrs["big"] == Decimal("1e400") and isinstance(attrs["big"], Decimal)
    assert attrs["tiny"] == Decimal("-1e-400") and isinstance(attrs["tiny"], Decimal)
    assert not any(isinstance(v, float) and math.isinf(v) for v in attrs.values())
    assert attrs["plain"] == 2.5 and isinstance(attrs["plain"], float)
    assert attrs["zero"] == 0.0 and isinstance(attrs["zero"], float)
    assert attrs["z"] == 0.0 and isinstance(attrs["z"], float)
    # Meta, links and the networkx form use the same reader.
    m = Model.from_json('{"format": "tiaokuai/1", "meta": {"x": 1e400}}')
    assert m.meta == {"x": Decimal("1e400")}
    # A Decimal is written back exactly: the values survive to_dict -> from_dict (the text is
    # Decimal's own, 1E+400 for 1e400).
    again = Model.from_dict(model.to_dict())
    assert again["a"].attrs == attrs
    assert json.loads(again.to_json())["units"][0]["attrs"]["big"] == math.inf  # json's own reader, not ours
    assert '"big":1E+400' in again.to_json()


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, Decimal("NaN"), Decimal("-Infinity")])
def test_non_finite_numbers_from_python_are_refused_naming_record_and_field(bad: Any) -> None:
    doc = copy.deepcopy(TINY)
    doc["units"][7]["attrs"] = {"nested": [1, bad]}
    uid = doc["units"][7]["id"]
    with pytest.raises(tiaokuai.InvalidFieldError) as e:
        Model.from_dict(doc)
    assert isinstance(e.value, ValueError)
    assert (e.value.id, e.value.field) == (uid, "attrs")
    assert f'units[7] (id "{uid}"): field "attrs"' in str(e.value)
    assert "is not a JSON number" in str(e.value)
    assert "model['units'][7]['attrs']['nested'][1]" in str(e.value)


def test_non_finite_numbers_in_links_and_meta_name_them() -> None:
    doc = copy.deepcopy(TINY)
    doc["links"][0]["attrs"] = {"w": math.nan}
    with pytest.raises(tiaokuai.InvalidFieldError) as e:
        Model.from_dict(doc)
    assert str(e.value).startswith(f'links[0] (from "{doc["links"][0]["from"]}"): field "attrs"')
    doc = copy.deepcopy(TINY)
    doc["meta"] = {"w": math.inf}
    with pytest.raises(tiaokuai.InvalidFieldError, match='document: field "meta"'):
        Model.from_dict(doc)


def test_from_networkx_refuses_non_finite_floats_naming_the_node() -> None:
    g = nx.DiGraph()
    g.add_node("a", type="unit", name="A", kind="enterprise", attrs={"score": math.nan})
    with pytest.raises(tiaokuai.InvalidFieldError) as e:
        tiaokuai.from_networkx(g)
    assert (e.value.id, e.value.field) == ("a", "attrs")
    g = nx.DiGraph()
    g.add_node("a", type="unit", name="A", kind="enterprise")
    g.add_node("b", type="unit", name="B", kind="party_branch")
    g.add_edge("b", "a", kind="party_org_of", attrs={"w": math.inf})
    with pytest.raises(tiaokuai.InvalidFieldError, match=r'links\[0\] \(from "b"\): field "attrs"'):
        tiaokuai.from_networkx(g)


@pytest.mark.parametrize("cls", [nx.Graph, nx.MultiGraph])
def test_from_networkx_refuses_an_undirected_graph(cls: type) -> None:
    g = cls()
    g.add_node("a", type="unit", name="A", kind="party_branch")
    g.add_node("b", type="unit", name="B", kind="party_committee")
    g.add_edge("b", "a", kind="leads")
    with pytest.raises(tiaokuai.InvalidInputError, match="needs a directed graph") as e:
        tiaokuai.from_networkx(g)
    assert cls.__name__ in str(e.value)
    # The same graph, directed, loads.
    assert len(tiaokuai.from_networkx(nx.MultiDiGraph(g) if cls is nx.MultiGraph else nx.DiGraph(g)).links) >= 1


def test_max_bytes_on_every_loading_function(tmp_path: Path) -> None:
    model_file = tmp_path / "m.json"
    model_file.write_text('{"format": "tiaokuai/1", "meta": {"note": "' + "x" * 100 + '"}}')
    scenario = tmp_path / "s.json"
    scenario.write_text('{"name": "s", "model_file": "m.json"}')
    config = tmp_path / "audit.json"
    config.write_text('{"rules": {"C003": "off"}}')
    assert tiaokuai.run_scenario(scenario).passed
    with pytest.raises(tiaokuai.TooLargeError):
        tiaokuai.run_scenario(scenario, max_bytes=10)
    # The scenario fits, the model file it names does not.
    with pytest.raises(tiaokuai.TooLargeError):
        tiaokuai.run_scenario(scenario, max_bytes=len(scenario.read_bytes()))
    model = tiaokuai.sample()
    assert model.audit(config, max_bytes=100) is not None
    with pytest.raises(tiaokuai.TooLargeError):
        model.audit(config, max_bytes=10)
    with pytest.raises(tiaokuai.TooLargeError):
        model.audit({"rules": {"C003": "off"}}, max_bytes=10)
    g = nx.DiGraph()
    g.add_node("a", type="unit", name="A", kind="enterprise")
    assert len(tiaokuai.from_networkx(g, max_bytes=1000)) == 1
    with pytest.raises(tiaokuai.TooLargeError):
        tiaokuai.from_networkx(g, max_bytes=10)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_an_endless_config_or_scenario_stops_at_the_limit(tmp_path: Path) -> None:
    zero = tmp_path / "zero.json"
    zero.symlink_to("/dev/zero")
    with pytest.raises(tiaokuai.TooLargeError):
        tiaokuai.sample().audit(zero, max_bytes=1 << 20)
    with pytest.raises(tiaokuai.TooLargeError):
        tiaokuai.run_scenario(zero, max_bytes=1 << 20)


def test_configs_and_scenarios_refuse_duplicate_keys(tmp_path: Path) -> None:
    config = tmp_path / "audit.json"
    config.write_text('{"rules": {"C003": "off", "C003": "on"}}')
    with pytest.raises(tiaokuai.InvalidInputError, match='duplicate key "C003" in rules'):
        tiaokuai.sample().audit(config)
    scenario = tmp_path / "s.json"
    scenario.write_text('{"name": "a", "name": "b", "model": {"format": "tiaokuai/1"}}')
    with pytest.raises(tiaokuai.InvalidInputError, match='duplicate key "name"'):
        tiaokuai.run_scenario(scenario)
