"""Model.to_networkx and tiaokuai.from_networkx."""

from __future__ import annotations

import sys
from typing import Any, ClassVar

import networkx as nx
import pytest

import tiaokuai
from tiaokuai import Model

from .conftest import TINY


def test_to_networkx_nodes_and_edges_are_typed(tiny: Model) -> None:
    g = tiny.to_networkx()
    assert isinstance(g, nx.MultiDiGraph)
    assert list(g.nodes) == list(tiny)  # document order
    assert g.number_of_edges() == len(tiny.links)
    assert g.graph["meta"] == TINY["meta"]
    acme = g.nodes["acme"]
    assert acme == {
        "type": "unit",
        "name": "某科技有限公司",
        "kind": "enterprise",
        "sector": "private",
        "located_in": "k",
        "members": 4,
        "staff": 30,
        "since": "2020-01-01",
        "level": "community",
        "grade": "specific",
    }
    assert isinstance(acme["members"], int)
    assert g.nodes["s"]["attrs"] == {"households": 620}
    assert g.nodes["vending"]["list"] == "basic" and g.nodes["vending"]["level"] is None
    # edges are keyed by their index in `links`
    assert g.edges["dept", "agency", 9] == {"kind": "leads", "primary": True}
    assert g.edges["gw", "agency", 11] == {"kind": "power", "power": "assessment"}
    assert g.edges["gov", "vending", 12]["attrs"] == {"note": "x"}
    leads = [(u, v) for u, v, k in g.edges(data="kind") if k == "leads"]
    assert ("sw", "dw") in leads and len(leads) == len(tiny.links.of_kind("leads"))


def test_round_trip(tiny: Model, sample: Model) -> None:
    assert tiaokuai.from_networkx(tiny.to_networkx()) == tiny
    # The graph holds the model as read at its date (the sample's as_of): the records in force,
    # people and their posts included; meetings are not nodes or edges, so the sample is taken
    # without them (its snapshot would keep the records its meetings name).
    doc = sample.to_dict()
    doc.pop("meetings")
    plain = tiaokuai.Model.from_dict(doc)
    back = tiaokuai.from_networkx(plain.to_networkx())
    assert back.to_dict() == plain.snapshot().whole().to_dict()
    assert len(back.to_dict()["people"]) == 483


def test_networkx_algorithms_on_the_graph(sample: Model) -> None:
    g = sample.to_networkx()
    leads = nx.DiGraph([(u, v) for u, v, k in g.edges(data="kind") if k == "leads"])
    chain = sample.chain("yyl-c01-party")
    assert nx.has_path(leads, chain.top, chain.unit)
    territories = nx.DiGraph([(t["parent"], t["id"]) for t in sample.to_dict()["territories"] if "parent" in t])
    assert nx.is_arborescence(territories)


def test_from_a_graph_built_by_hand() -> None:
    g = nx.DiGraph()
    g.add_node("s", type="territory", name="友谊路街道", kind="street")
    g.add_node("gw", type="unit", name="党工委", kind="party_working_committee", level="ignored")
    g.add_edge("gw", "s", kind="jurisdiction")
    model = tiaokuai.from_networkx(g)
    assert model.responsible_for("s").holders == ["gw"]
    assert model["gw"].level == "street"  # derived, not read from the graph


def test_graph_order_of_links_follows_integer_keys() -> None:
    g = nx.MultiDiGraph()
    for n in ("a", "b", "c"):
        g.add_node(n, type="unit", name=n.upper(), kind="party_branch")
    g.add_edge("c", "a", key=1, kind="leads")
    g.add_edge("b", "a", key=0, kind="leads")
    model = tiaokuai.from_networkx(g)
    assert [(link.source, link.index) for link in model.links] == [("b", 0), ("c", 1)]
    assert model.chain("a").ids == ["a", "b"]  # the first leader in document order


@pytest.mark.parametrize(
    ("node", "fragment"),
    [({"name": "A", "kind": "street"}, 'no "type" attribute'), ({"type": "place", "name": "A"}, '"place"')],
)
def test_from_networkx_names_the_bad_node(node: dict[str, Any], fragment: str) -> None:
    g = nx.DiGraph()
    g.add_node("a", **node)
    with pytest.raises(tiaokuai.InvalidInputError, match=fragment) as e:
        tiaokuai.from_networkx(g)
    assert "node 'a'" in str(e.value)


def test_from_networkx_reports_core_errors() -> None:
    g = nx.DiGraph()
    g.add_node("a", type="unit", name="A", kind="enterprise", members=-2)
    with pytest.raises(tiaokuai.InvalidCountError) as e:
        tiaokuai.from_networkx(g)
    assert (e.value.id, e.value.field) == ("a", "members")
    g = nx.DiGraph()
    g.add_node("a", type="unit", name="A", kind="enterprise")
    g.add_node("t", type="territory", name="T", kind="street")
    g.add_edge("t", "a", kind="jurisdiction")
    with pytest.raises(tiaokuai.WrongEndpointError):
        tiaokuai.from_networkx(g)


def test_graph_is_the_one_networkx_would_build(sample: tiaokuai.Model) -> None:
    """to_networkx fills NetworkX's dicts directly: the graph is the one its public API builds."""
    g = sample.to_networkx()
    ref = nx.MultiDiGraph()
    ref.graph["meta"] = sample.meta
    for r in sample.records.values():
        attrs = r.to_dict()
        del attrs["id"]
        ref.add_node(r.id, **attrs, type=r.type, level=r.level, grade=r.grade)
    for link in sample.links:
        attrs = {k: v for k, v in link.to_dict().items() if k not in ("from", "to")}
        ref.add_edge(link.source, link.target, key=link.index, **attrs)
    assert nx.utils.graphs_equal(g, ref)
    assert (
        g.pred == ref.pred
        and list(g.nodes) == list(ref.nodes)
        and list(g.edges(keys=True)) == list(ref.edges(keys=True))
    )
    # the key dicts are shared between successors and predecessors, as NetworkX keeps them
    u, v, k = next(iter(g.edges(keys=True)))
    assert g._succ[u][v] is g._pred[v][u]
    g.remove_edge(u, v, key=k)
    assert k not in g.pred[v].get(u, {}) and g.number_of_edges() == len(sample.links) - 1
    g.add_edge(u, v, key=k, kind="leads")
    assert g.in_degree(v) == ref.in_degree(v)


class _FakeBar:
    made: ClassVar[list[_FakeBar]] = []

    def __init__(self, total: int, **kwargs: Any) -> None:
        self.total, self.updates, self.closed = total, [], False
        _FakeBar.made.append(self)

    def update(self, n: int) -> None:
        self.updates.append(n)

    def close(self) -> None:
        self.closed = True


def test_to_networkx_progress(sample: Model, monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    fake = types.ModuleType("tqdm.auto")
    fake.tqdm = _FakeBar  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tqdm", types.ModuleType("tqdm"))
    monkeypatch.setitem(sys.modules, "tqdm.auto", fake)
    _FakeBar.made.clear()
    sample.to_networkx(progress=True)
    (bar,) = _FakeBar.made
    total = len(sample) + len(sample.links)
    assert bar.total == total and sum(bar.updates) == total and bar.closed
    assert len(bar.updates) <= 101  # about 100 calls, whatever the size
    _FakeBar.made.clear()
    sample.to_networkx(progress=False)
    sample.to_networkx()  # not a terminal (pytest captures stderr): no bar by default
    assert _FakeBar.made == []
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    with pytest.raises(ImportError, match=r"tiaokuai\[progress\]"):
        sample.to_networkx(progress=True)
    assert sample.to_networkx().number_of_nodes() == len(sample)  # quietly without tqdm


def test_load_progress(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A JSON load shows a bar of the records and links added: about 100 updates summing to the total."""
    import types

    fake = types.ModuleType("tqdm.auto")
    fake.tqdm = _FakeBar  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tqdm", types.ModuleType("tqdm"))
    monkeypatch.setitem(sys.modules, "tqdm.auto", fake)
    path = tmp_path / "sample.json"
    tiaokuai.sample().write(str(path))
    _FakeBar.made.clear()
    model = tiaokuai.load(str(path), progress=True)
    (bar,) = _FakeBar.made
    whole = model.whole()
    total = len(whole) + len(whole.links) + len(whole.to_dict().get("meetings", []))
    assert bar.total == total and sum(bar.updates) == total and bar.closed
    assert 50 <= len(bar.updates) <= 104  # about 100, and one more per part (records, links, meetings)
    _FakeBar.made.clear()
    tiaokuai.Model.load(str(path), progress=False)
    tiaokuai.load(str(path))  # not a terminal (pytest captures stderr): no bar by default
    assert _FakeBar.made == []
