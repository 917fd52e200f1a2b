"""Differential tests: chains, block chains, dispatch and coverage on random models, against
independent re-implementations written with NetworkX from the plain dict of the model (not
from `Model.to_networkx`), following the definitions in docs/queries.md and the core's docs."""

from __future__ import annotations

from typing import Any

import networkx as nx
import pandas as pd
import pytest

import tiaokuai

from .randmodel import random_model

SEEDS = range(12)
TOWNSHIP_KINDS = {"street", "town", "township", "zone"}
PARTY_KINDS = {
    "party_committee",
    "party_working_committee",
    "party_group",
    "party_general_branch",
    "party_branch",
    "joint_party_branch",
}
LEVEL = {
    "city": "city",
    "district": "district",
    "street": "street",
    "town": "street",
    "township": "street",
    "zone": "street",
    "community": "community",
    "village": "community",
    "grid": "grid",
    "building": "grid",
    "park": "grid",
}
GRADE = {"city": "overall", "district": "first", "street": "direct", "community": "specific", "grid": "specific"}


def graph_of(doc: dict[str, Any]) -> nx.MultiDiGraph:
    """The model as a MultiDiGraph keyed by link index, straight from the dict."""
    g = nx.MultiDiGraph()
    for array, type_ in (("territories", "territory"), ("units", "unit"), ("matters", "matter"), ("items", "item")):
        for r in doc[array]:
            g.add_node(r["id"], type=type_, **r)
    for i, link in enumerate(doc["links"]):
        g.add_edge(link["from"], link["to"], key=i, **link)
    return g


def in_links(g: nx.MultiDiGraph, node: str, kind: str) -> list[tuple[int, str]]:
    """(index, source) of the links of one kind arriving at a node, in document order."""
    return sorted((k, u) for u, _, k, d in g.in_edges(node, keys=True, data=True) if d["kind"] == kind)


def leader(g: nx.MultiDiGraph, node: str) -> tuple[int, str] | None:
    leads = in_links(g, node, "leads")
    primary = [x for x in leads if g.edges[x[1], node, x[0]].get("primary") is True]
    return (primary or leads or [None])[0]


def choose(g: nx.MultiDiGraph, node: str, line: str) -> tuple[int, str, str] | None:
    """The link a chain follows upward from `node` on `line`: (index, source, kind)."""
    options = {
        "leadership": ["leads"],
        "strip": ["dispatches", "guides", "leads"],
        "all": ["leads", "dispatches", "guides"],
    }[line]
    for kind in options:
        pick = leader(g, node) if kind == "leads" else (in_links(g, node, kind) or [None])[0]
        if pick is not None:
            return pick[0], pick[1], kind
    return None


def ref_chain(g: nx.MultiDiGraph, unit: str, line: str) -> dict[str, Any]:
    steps: list[tuple[str, str | None, int | None]] = [(unit, None, None)]
    ids = [unit]
    cycle = None
    cur = unit
    while (pick := choose(g, cur, line)) is not None:
        index, source, kind = pick
        if source in ids:
            cycle = [*ids[ids.index(source) :], source]
            break
        steps.append((source, kind, index))
        ids.append(source)
        cur = source
    return {"steps": steps, "cycle": cycle}


def ref_branches(g: nx.MultiDiGraph, ids: list[str], line: str) -> list[tuple[str, str, int]]:
    """The links of the kind followed at each unit on the chain, other than the one followed."""
    out = []
    for u in ids:
        pick = choose(g, u, line)
        if pick is None:
            continue
        index, _, kind = pick
        out += [(u, source, i) for i, source in in_links(g, u, kind) if i != index]
    return out


def ref_ambiguous(g: nx.MultiDiGraph, ids: list[str]) -> set[str]:
    out = set()
    for u in ids:
        leads = in_links(g, u, "leads")
        primaries = sum(1 for k, s in leads if g.edges[s, u, k].get("primary") is True)
        if len(leads) >= 2 and primaries != 1:
            out.add(u)
    return out


def ancestors(g: nx.MultiDiGraph, t: str) -> list[str]:
    out = [t]
    while (p := g.nodes[out[-1]].get("parent")) is not None:
        out.append(p)
    return out


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("line", ["leadership", "strip", "all"])
def test_chains_match_networkx(seed: int, line: str) -> None:
    doc = random_model(seed)
    model = tiaokuai.Model.from_dict(doc)
    g = graph_of(doc)
    for unit in model.units.ids():
        chain = model.chain(unit, line)  # type: ignore[arg-type]
        ref = ref_chain(g, unit, line)
        assert [(s["id"], s["via"], s["link"]) for s in chain.steps] == ref["steps"], (seed, line, unit)
        assert chain.cycle == ref["cycle"], (seed, line, unit)
        assert chain.ids == [s[0] for s in ref["steps"]]
        for step in chain.steps:
            node = g.nodes[step["id"]]
            assert (step["name"], step["kind"]) == (node["name"], node["kind"])
        assert [(b["at"], b["leader"], b["link"]) for b in chain.branches] == ref_branches(g, chain.ids, line)
        if line == "leadership":
            assert chain.ambiguous == [u for u in chain.ids if u in ref_ambiguous(g, chain.ids)], (seed, unit)
        # every fact about a followed link is a real link of the model
        for fact in chain.evidence:
            if "link" in fact:
                link = doc["links"][fact["link"]]
                assert (link["from"], link["kind"], link["to"]) == (fact["from"], fact["kind"], fact["to"])


@pytest.mark.parametrize("seed", SEEDS)
def test_many_chains_at_once(seed: int) -> None:
    model = tiaokuai.Model.from_dict(random_model(seed))
    units = model.units.ids()
    assert model.chains(units, "all") == [model.chain(u, "all") for u in units]


def test_chain_leadership_is_the_sources_of_leads_in_networkx() -> None:
    # On a model where every unit has at most one leader, the chain is exactly the
    # predecessor path in the `leads` subgraph (networkx.dfs_predecessors on the reverse graph).
    doc = random_model(99)
    seen: set[str] = set()
    doc["links"] = [
        link
        for link in doc["links"]
        if link["kind"] != "leads" or (link["to"] not in seen and not seen.add(link["to"]))  # type: ignore[func-returns-value]
    ]
    model = tiaokuai.Model.from_dict(doc)
    leads = nx.DiGraph((link["from"], link["to"]) for link in doc["links"] if link["kind"] == "leads")
    for unit in model.units.ids():
        chain = model.chain(unit)
        if unit not in leads or chain.cycle:
            continue
        expected = [unit, *nx.ancestors(leads, unit)]
        assert set(chain.ids) == set(expected)
        assert len(chain.ids) == len(expected)


@pytest.mark.parametrize("seed", SEEDS)
def test_block_chains_match_networkx(seed: int) -> None:
    doc = random_model(seed)
    model = tiaokuai.Model.from_dict(doc)
    g = graph_of(doc)
    for t in model.territories.ids():
        r = model.responsible_for(t)
        got = [
            (b["territory"], b["kind"], b["level"], b["grade"], [(h["id"], h["link"]) for h in b["holders"]])
            for b in r.blocks
        ]
        expected = []
        for a in ancestors(g, t):
            kind = g.nodes[a]["kind"]
            holders = [(source, index) for index, source in in_links(g, a, "jurisdiction")]
            expected.append((a, kind, LEVEL[kind], GRADE[LEVEL[kind]], holders))
        assert got == expected, (seed, t)
        assert [b["territory"] for b in r.nobody] == [e[0] for e in expected if not e[4]]


def applies_at(g: nx.MultiDiGraph, link: dict[str, Any], t: str) -> bool:
    if "scope" in link:
        return bool(link["scope"] == t)
    return any(s == link["from"] for _, s in in_links(g, t, "jurisdiction"))


@pytest.mark.parametrize("seed", SEEDS)
def test_dispatch_leads_match_networkx(seed: int) -> None:
    doc = random_model(seed)
    model = tiaokuai.Model.from_dict(doc)
    g = graph_of(doc)
    for m in model.matters.ids():
        for t in model.territories.ids():
            d = model.dispatch(m, t)
            resolved, leads = None, []
            for a in ancestors(g, t):
                leads = [
                    i
                    for i, link in enumerate(doc["links"])
                    if link["kind"] == "responsible"
                    and link["to"] == m
                    and link["role"] == "lead"
                    and applies_at(g, link, a)
                ]
                if leads:
                    resolved = a
                    break
            assert d.resolved_at == resolved, (seed, m, t)
            assert [a["link"] for a in d.leads] == leads
            assert d.problem == (None if len(leads) == 1 else "no_lead" if not leads else "several_leads")
            assert [c.unit for c in d.chains] == [doc["links"][i]["from"] for i in leads]
            assert d.block == model.responsible_for(t)


def township_of(g: nx.MultiDiGraph, t: str) -> str | None:
    return next((a for a in ancestors(g, t) if g.nodes[a]["kind"] in TOWNSHIP_KINDS), None)


@pytest.mark.parametrize("seed", SEEDS)
def test_where_is_nobody_matches_networkx(seed: int) -> None:
    doc = random_model(seed)
    report = tiaokuai.Model.from_dict(doc).audit()
    g = graph_of(doc)

    def holders(t: str) -> list[dict[str, Any]]:
        return [g.nodes[s] for _, s in in_links(g, t, "jurisdiction")]

    territories = doc["territories"]
    no_party = [
        t["id"]
        for t in territories
        if t["kind"] in {"community", "village"} | TOWNSHIP_KINDS
        and not any(h["kind"] in PARTY_KINDS for h in holders(t["id"]))
    ]
    no_committee = [
        t["id"]
        for t in territories
        if t["kind"] in {"community", "village"}
        and not any(h["kind"] in {"residents_committee", "villagers_committee"} for h in holders(t["id"]))
    ]
    no_one = [t["id"] for t in territories if t["kind"] == "grid" and not holders(t["id"])]
    assert [f.subject for f in report.findings_of("C006")] == no_party
    assert [f.subject for f in report.findings_of("territory-without-party-org")] == no_party
    assert [f.subject for f in report.findings_of("C007")] == no_committee
    assert [f.subject for f in report.findings_of("C008")] == no_one
    for f in report.findings_of("C008"):
        assert f.territory == township_of(g, f.subject)


@pytest.mark.parametrize("seed", SEEDS)
def test_organisational_coverage_matches_networkx(seed: int) -> None:
    doc = random_model(seed)
    report = tiaokuai.Model.from_dict(doc).audit()
    g = graph_of(doc)
    expected: dict[str, dict[str, int]] = {
        t["id"]: dict.fromkeys(("units", "covered", "in", "in_covered", "out", "out_covered", "out_work"), 0)
        for t in doc["territories"]
        if t["kind"] in TOWNSHIP_KINDS
    }
    for u in doc["units"]:
        if u["kind"] in PARTY_KINDS or u["kind"] == "joint_meeting" or "located_in" not in u:
            continue
        township = township_of(g, u["located_in"])
        if township is None:
            continue
        orgs = [g.nodes[s]["kind"] for _, s in in_links(g, u["id"], "party_org_of")]
        covered = bool(orgs)
        work = covered or bool(in_links(g, u["id"], "instructs")) or bool(in_links(g, u["id"], "mass_org_of"))
        row = expected[township]
        row["units"] += 1
        row["covered"] += covered
        if u.get("sector") in {"party", "government", "public_institution", "state_owned"}:
            row["in"] += 1
            row["in_covered"] += covered
        elif u.get("sector") in {"private", "foreign", "social"}:
            row["out"] += 1
            row["out_covered"] += covered
            row["out_work"] += work
    got = {
        a["id"]: {
            "units": a["counts"]["units"],
            "covered": a["counts"]["units_covered"],
            "in": a["counts"]["in_system_units"],
            "in_covered": a["counts"]["in_system_covered"],
            "out": a["counts"]["out_of_system_units"],
            "out_covered": a["counts"]["out_of_system_covered"],
            "out_work": a["counts"]["out_of_system_work_covered"],
        }
        for a in report.metrics["townships"]
    }
    assert got == expected
    frame = report.metrics_frame()
    for tid, row in expected.items():
        rate = frame.loc[tid, "org_coverage"]
        if row["units"]:
            assert rate == pytest.approx(row["covered"] / row["units"])
        else:
            assert rate is pd.NA  # a missing rate (no unit to cover), not a number


@pytest.mark.parametrize("seed", SEEDS)
def test_networkx_round_trip_on_random_models(seed: int) -> None:
    model = tiaokuai.Model.from_dict(random_model(seed))
    g = model.to_networkx()
    assert tiaokuai.from_networkx(g) == model
    # the graph agrees with the independent one on every edge
    ref = graph_of(random_model(seed))
    assert sorted(g.edges(keys=True)) == sorted(ref.edges(keys=True))
