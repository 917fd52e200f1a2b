"""Who is accountable: chain, responsible_for and dispatch, their answers' shape and display."""

from __future__ import annotations

import json
from typing import Any

import tiaokuai
from tiaokuai import Model

from .conftest import TINY


def test_leadership_chain(tiny: Model) -> None:
    chain = tiny.chain("kp")
    assert isinstance(chain, tiaokuai.Chain)
    assert (chain.unit, chain.name, chain.line) == ("kp", "竹园新村居民区党支部", "leadership")
    assert chain.ids == ["kp", "gw", "dw", "sw"]
    assert chain.top == "sw" and len(chain) == 4
    assert chain.steps[0] == {
        "id": "kp",
        "name": "竹园新村居民区党支部",
        "kind": "party_branch",
        "via": None,
        "link": None,
        "level": "community",
        "grade": "specific",
    }
    assert [(s["via"], s["link"], s["grade"]) for s in chain.steps[1:]] == [
        ("leads", 7, "direct"),
        ("leads", 6, "first"),
        ("leads", 5, "overall"),
    ]
    assert chain.cycle is None and chain.branches == [] and chain.ambiguous == []
    assert {"link": 7, "from": "gw", "kind": "leads", "to": "kp"} in chain.evidence


def test_dual_led_agency_on_each_line(tiny: Model) -> None:
    leadership = tiny.chain("agency")
    assert leadership.ids == ["agency", "dept"]  # the primary leader
    assert leadership.branches == [
        {"at": "agency", "leader": "gov", "name": "友谊路街道办事处", "kind": "leads", "link": 10}
    ]
    strip = tiny.chain("agency", "strip")
    assert strip.steps[1]["via"] == "dispatches" and strip.line == "strip"
    assert tiny.chain("agency", line="all").ids == ["agency", "dept"]


def test_cycle_is_reported_not_followed(tiny_dict: dict[str, Any]) -> None:
    tiny_dict["links"].append({"from": "kp", "to": "dw", "kind": "leads", "primary": True})
    model = Model.from_dict(tiny_dict)
    chain = model.chain("kp")
    assert chain.ids == ["kp", "gw", "dw"]
    assert chain.cycle == ["kp", "gw", "dw", "kp"]
    assert "(cycle)" in repr(chain)
    assert "cycle: kp" in str(chain)


def test_chain_display(tiny: Model) -> None:
    chain = tiny.chain("kp")
    assert repr(chain) == "<Chain leadership of 'kp': kp -> gw -> dw -> sw>"
    text = str(chain)
    assert text.startswith("leadership chain of 竹园新村居民区党支部 (kp)\n")
    assert "top: 中共上海市委 (sw)" in text
    html = chain._repr_html_()
    assert html.startswith("<table") and "中共宝山区委" in html and "<caption" in html
    assert chain.to_dict()["steps"] == chain.steps
    json.dumps(chain.to_dict(), ensure_ascii=False)  # plain JSON-able values


def test_html_is_escaped(tiny_dict: dict[str, Any]) -> None:
    tiny_dict["units"][4]["name"] = "<script>alert(1)</script> & co"
    html = Model.from_dict(tiny_dict).chain("kp")._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html


def test_responsible_for(tiny: Model) -> None:
    r = tiny.responsible_for("g")
    assert isinstance(r, tiaokuai.Responsibility)
    assert [b["territory"] for b in r.blocks] == ["g", "k", "s", "d", "c"]
    assert [b["grade"] for b in r.blocks] == ["specific", "specific", "direct", "first", "overall"]
    assert [b["territory"] for b in r.nobody] == ["g"]
    assert r.holders == ["kp", "gw", "gov", "dw", "sw"]
    assert r.blocks[2]["holders"][1] == {
        "id": "gov",
        "name": "友谊路街道办事处",
        "kind": "government",
        "level": "street",
        "grade": "direct",
        "link": 3,
    }
    assert repr(r) == "<Responsibility for 'g': 5 territories, 1 with nobody>"
    assert "(nobody)" in str(r) and "(nobody)" in r._repr_html_()
    assert r.to_dict()["blocks"] == r.blocks
    assert r == tiny.responsible_for("g") and r != tiny.responsible_for("k")


def test_dispatch(tiny: Model) -> None:
    d = tiny.dispatch("vending", "k")
    assert isinstance(d, tiaokuai.Dispatch)
    assert (d.matter, d.matter_name, d.territory, d.territory_name) == ("vending", "占道经营", "k", "竹园新村居民区")
    assert d.resolved_at == "s" and d.problem is None
    assert [(a["unit"], a["role"], a["at"], a["basis"], a["link"]) for a in d.leads] == [
        ("gov", "lead", "s", "jurisdiction", 12)
    ]
    assert d.cooperators == [] and d.supervisors == []
    assert [c.ids for c in d.chains] == [["gov"]]
    assert isinstance(d.block, tiaokuai.Responsibility) and d.block == tiny.responsible_for("k")
    assert repr(d) == "<Dispatch of 'vending' in 'k': leads=[gov]>"
    assert "resolved at: 友谊路街道 (s)" in str(d)
    html = d._repr_html_()
    assert "resolved at" in html and html.count("<table") == 3  # assignments, the lead's chain, the block chain
    assert d.to_dict()["block"] == d.block.to_dict()


def test_dispatch_problems_are_stated(tiny_dict: dict[str, Any]) -> None:
    # above the street nobody leads: no lead at the district
    d = Model.from_dict(tiny_dict).dispatch("vending", "d")
    assert d.problem == "no_lead" and d.resolved_at is None and d.leads == []
    assert "problem=no_lead" in repr(d) and "problem: no_lead" in d._repr_html_()
    assert any(f.get("missing", "").startswith("responsible link with role lead") for f in d.evidence)
    # two leads at the street
    tiny_dict["links"].append({"from": "gw", "to": "vending", "kind": "responsible", "role": "lead"})
    tiny_dict["links"].append({"from": "dw", "to": "vending", "kind": "responsible", "role": "cooperate", "scope": "k"})
    d = Model.from_dict(tiny_dict).dispatch("vending", "k")
    assert d.problem == "several_leads"
    assert [a["unit"] for a in d.leads] == ["gov", "gw"]
    assert [(a["unit"], a["basis"]) for a in d.cooperators] == [("dw", "scope")]


def test_sample_queries(sample: Model) -> None:
    chain = sample.chain("yyl-c01-party")
    assert chain.ids[-1] == "sh-sw"
    assert [s["grade"] for s in chain.steps][-2:] == ["first", "overall"]
    r = sample.responsible_for("310113003")
    assert r.blocks[0]["grade"] == "direct" and r.blocks[-1]["territory"] == "31"
    for matter in sample.matters.ids():
        d = sample.dispatch(matter, "310113003")
        assert d.problem in (None, "no_lead", "several_leads")
        assert (d.problem is None) == (len(d.leads) == 1)


def test_answers_are_frozen(tiny: Model) -> None:
    chain = tiny.chain("kp")
    try:
        chain.unit = "x"  # type: ignore[misc]
    except AttributeError:
        pass
    else:  # pragma: no cover
        raise AssertionError("answers are frozen")
    steps = chain.steps
    steps.clear()  # a copy: the answer does not change
    assert len(chain.steps) == 4


def test_queries_take_ids_from_the_file(tiny: Model) -> None:
    for unit in TINY["units"]:
        assert tiny.chain(unit["id"]).unit == unit["id"]
    for territory in TINY["territories"]:
        assert tiny.responsible_for(territory["id"]).territory == territory["id"]
