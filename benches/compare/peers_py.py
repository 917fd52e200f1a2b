#!/usr/bin/env python3
"""The Python peers of ``make compare``: NetworkX, rustworkx and tiaokuai's Python package.

    python3 benches/compare/peers_py.py SYSTEM --data DIR --out FILE [--json MODEL.json] [--rounds N] [--runs N]

SYSTEM is ``networkx``, ``rustworkx`` or ``tiaokuai-py``. One system per
process, so that the peak RSS (``ru_maxrss``) is that system's. The operations,
the data files and the checks are defined in ``shared.py``.

How each system holds the model (built at load, counted in load time and memory):

* NetworkX: one ``MultiDiGraph`` of every record (node attributes ``id``,
  ``type``, ``kind``, ``members``, ``parent``) and every link (edge attributes
  ``kind``, ``link``, ``primary``, ``role``, ``scope``; keyed by kind, as
  ``networkx_bench.py`` builds it from JSON), plus a ``parent`` edge per
  territory; and a second ``MultiDiGraph`` of the ``leads`` links only, which
  the chain walk (``networkx_bench.leadership_path``) and ``networkx.ancestors``
  run on.
* rustworkx: the same two graphs as ``PyDiGraph(multigraph=True)``, node and
  edge payloads as tuples; ``rustworkx.ancestors`` on the ``leads`` graph.
* Both graph libraries answer the dispatch-like lookup by walking up the
  territories' parents and, at each, reading its ``jurisdiction`` holders and
  their ``responsible`` edges to the matter; links with a ``scope`` come from a
  dict (matter, scope) -> links built at load.
* tiaokuai from Python: ``tiaokuai.load`` of the JSON model and the package's
  public API -- ``Model.chain`` (the full answer), ``Model.dispatch``,
  ``Model.responsible_for``, ``Model.audit``; the ancestors and the scan are
  written with ``Model.links_to`` and the record views, since the package has no
  query for them.
"""

import argparse
import gc
import os
import sys
import time

import shared
from shared import Result

CHECKS_AFTER_RSS = "the peak RSS is read before the checks' id maps are built"


def build_graph_tables(data, add_node, add_edge):
    """Streams the CSV into a graph through callbacks; returns (units, territories, scoped, leads)."""
    units, territories, parents, leads = [], [], [], []
    scoped = {}
    kinds = {}
    for idx, id_, type_, kind, members, parent in shared.read_nodes(data):
        add_node(idx, id_, type_, kinds.setdefault(kind, kind), members, parent)
        if type_ == "unit":
            units.append(idx)
        elif type_ == "territory":
            territories.append(idx)
            if parent is not None:
                parents.append((idx, parent))
    for link, src, dst, kind, primary, role, scope in shared.read_edges(data):
        kind = kinds.setdefault(kind, kind)
        add_edge(src, dst, kind, link, primary, role, scope)
        if kind == "leads":
            leads.append((src, dst, link, primary))
        elif kind == "responsible" and role == "lead" and scope is not None:
            scoped.setdefault((dst, scope), []).append(link)
    return units, territories, parents, leads, scoped


# ---------------------------------------------------------------------------
# NetworkX


def run_networkx(args, res):
    import networkx as nx

    import networkx_bench as nb

    res.doc["version"] = nx.__version__
    t0 = time.perf_counter()
    g = nx.MultiDiGraph()

    def add_node(idx, id_, type_, kind, members, parent):
        attrs = {"id": id_, "type": type_, "kind": kind}
        if members is not None:
            attrs["members"] = members
        if parent is not None:
            attrs["parent"] = parent
        g.add_node(idx, **attrs)

    def add_edge(src, dst, kind, link, primary, role, scope):
        attrs = {"kind": kind, "link": link}
        if primary is not None:
            attrs["primary"] = primary
        if role is not None:
            attrs["role"] = role
        if scope is not None:
            attrs["scope"] = scope
        # Keyed by kind; a second link of the same kind between the same records gets a number.
        g.add_edge(src, dst, key=kind if not g.has_edge(src, dst, kind) else None, **attrs)

    units, territories, parents, leads, scoped = build_graph_tables(args.data, add_node, add_edge)
    for child, parent in parents:
        g.add_edge(child, parent, key="parent", kind="parent")
    lg = nx.MultiDiGraph()
    lg.add_nodes_from(units)
    for src, dst, link, primary in leads:
        attrs = {"kind": "leads", "link": link}
        if primary is not None:
            attrs["primary"] = primary
        lg.add_edge(src, dst, **attrs)
    del parents, leads
    res.set("load_s", time.perf_counter() - t0)
    nodes, pred, succ = g.nodes, g.pred, g.succ

    def ancestors(u):
        return nx.ancestors(lg, u)

    def resolve(pair):
        m, x = pair
        while x is not None:
            found = set(scoped.get((m, x), ()))
            for h, keyed in pred[x].items():
                if any(d["kind"] == "jurisdiction" for d in keyed.values()):
                    for d in succ[h].get(m, {}).values():
                        if d["kind"] == "responsible" and d.get("role") == "lead" and "scope" not in d:
                            found.add(d["link"])
            if found:
                return x, found
            x = nodes[x].get("parent")
        return None, ()

    def scan():
        return nb.coverage_scan(g, units, territories)

    measure(
        args,
        res,
        chain=lambda u: nb.leadership_path(lg, u),
        ancestors=ancestors,
        resolve=resolve,
        scan=scan,
    )


# ---------------------------------------------------------------------------
# rustworkx


def run_rustworkx(args, res):
    import rustworkx as rx

    res.doc["version"] = rx.__version__
    t0 = time.perf_counter()
    g = rx.PyDiGraph(multigraph=True)
    node_rows, edge_rows = [], []

    def add_node(idx, id_, type_, kind, members, parent):
        node_rows.append((id_, type_, kind, members, parent))
        if len(node_rows) == 100_000:
            flush_nodes()

    def flush_nodes():
        g.add_nodes_from(node_rows)
        node_rows.clear()

    def add_edge(src, dst, kind, link, primary, role, scope):
        if node_rows:
            flush_nodes()
        edge_rows.append((src, dst, (kind, link, primary, role, scope)))
        if len(edge_rows) == 100_000:
            g.add_edges_from(edge_rows)
            edge_rows.clear()

    units, territories, parents, leads, scoped = build_graph_tables(args.data, add_node, add_edge)
    flush_nodes()
    g.add_edges_from(edge_rows)
    edge_rows.clear()
    g.add_edges_from([(child, parent, ("parent", -1, None, None, None)) for child, parent in parents])
    n = g.num_nodes()
    lg = rx.PyDiGraph(multigraph=True)
    lg.add_nodes_from(range(n))  # node i of lg is record i (only units have edges)
    lg.add_edges_from([(src, dst, (link, primary)) for src, dst, link, primary in leads])
    del parents, leads
    res.set("load_s", time.perf_counter() - t0)

    in_edges = lg.in_edges

    def leader(u):
        primary = first = None
        for src, _, (link, prim) in in_edges(u):
            if first is None or link < first[0]:
                first = (link, src)
            if prim is True and (primary is None or link < primary[0]):
                primary = (link, src)
        chosen = primary or first
        return chosen[1] if chosen else None

    def chain(u):
        path, seen = [u], {u}
        cur = leader(u)
        while cur is not None:
            if cur in seen:
                return path, True
            path.append(cur)
            seen.add(cur)
            cur = leader(cur)
        return path, False

    def ancestors(u):
        return rx.ancestors(lg, u)

    g_in, has_edge, edge_data, payload = g.in_edges, g.has_edge, g.get_all_edge_data, g.get_node_data

    def resolve(pair):
        m, x = pair
        while x is not None:
            found = set(scoped.get((m, x), ()))
            for h, _, (kind, *_) in g_in(x):
                if kind == "jurisdiction" and has_edge(h, m):
                    for kind2, link, _, role, scope in edge_data(h, m):
                        if kind2 == "responsible" and role == "lead" and scope is None:
                            found.add(link)
            if found:
                return x, found
            x = payload(x)[4]
        return None, ()

    def scan():
        orphan = 0
        for u in units:
            members = payload(u)[3]
            if members is not None and members >= 3 and not any(e[2][0] == "party_org_of" for e in g_in(u)):
                orphan += 1
        nobody = 0
        for t in territories:
            kinds = {e[2][0] for e in g_in(t)}
            if "parent" not in kinds and "jurisdiction" not in kinds:
                nobody += 1
        return orphan, nobody

    measure(args, res, chain=chain, ancestors=ancestors, resolve=resolve, scan=scan)


def measure(args, res, chain, ancestors, resolve, scan):
    """The graph libraries' measurements: warm-up passes (their answers are the checks), then timings."""
    sample = shared.read_sample(args.data)
    units = [s["unit"] for s in sample]
    pairs = [(s["matter"], s["territory"]) for s in sample]
    chain_check = shared.chain_check([chain(u) for u in units])
    ancestors_check = shared.ancestors_check([ancestors(u) for u in units])
    dispatch_check = shared.dispatch_check([resolve(p) for p in pairs])
    gc.collect()
    res.op("chain", shared.time_queries(units, chain, args.rounds), chain_check)
    res.op("ancestors", shared.time_queries(units, ancestors, args.rounds), ancestors_check)
    res.op("dispatch", shared.time_queries(pairs, resolve, args.rounds), dispatch_check)
    scan()
    ns, counts = shared.time_runs(scan, args.runs)
    res.op("scan", ns, list(counts))
    res.set("peak_rss_mib", shared.peak_rss_mib())


# ---------------------------------------------------------------------------
# tiaokuai from Python


def run_tiaokuai(args, res):
    import tiaokuai

    res.doc["version"] = tiaokuai.__version__
    t0 = time.perf_counter()
    model = tiaokuai.load(args.json)
    res.set("load_s", time.perf_counter() - t0)
    sample = shared.read_sample(args.data)
    units = [s["unit_id"] for s in sample]
    pairs = [(s["matter_id"], s["territory_id"]) for s in sample]
    places = [t for _, t in pairs]
    links_to = model.links_to

    def ancestors(u):
        seen = {u}
        out = []
        stack = [u]
        while stack:
            for link in links_to(stack.pop(), "leads"):
                p = link.source
                if p not in seen:
                    seen.add(p)
                    out.append(p)
                    stack.append(p)
        return out

    def scan():
        orphan = sum(1 for u in model.units.values() if (u.members or 0) >= 3 and not links_to(u.id, "party_org_of"))
        nobody = sum(1 for t in model.territories.values() if not t.children and not links_to(t.id, "jurisdiction"))
        return orphan, nobody

    # Warm-up passes; the answers are kept as ids and checked after the peak RSS is read.
    # (A generator each: one answer object alive at a time.)
    paths = [(c.ids, c.cycle is not None) for c in (model.chain(u) for u in units)]
    sets = [ancestors(u) for u in units]
    answers = [(d.resolved_at, [a["link"] for a in d.leads]) for d in (model.dispatch(m, t) for m, t in pairs)]
    for t in places:
        model.responsible_for(t)
    gc.collect()

    res.op("chain_full", shared.time_queries(units, model.chain, args.rounds))
    res.op("ancestors", shared.time_queries(units, ancestors, args.rounds))
    res.op("dispatch_full", shared.time_queries(pairs, lambda p: model.dispatch(*p), args.rounds))
    res.op("responsible_for", shared.time_queries(places, model.responsible_for, args.rounds))
    counts = scan()
    ns, _ = shared.time_runs(scan, args.runs)
    res.op("scan", ns, list(counts))
    others = {r["code"]: "off" for r in tiaokuai.rules() if r["code"] not in ("C001", "C008")}
    two = {"rules": others}
    report = model.audit(two)
    found = {
        "C001": len(report.findings_of("C001")),
        "C008": len(report.findings_of("C008")),
        "findings": len(report),
    }
    del report
    ns, _ = shared.time_runs(lambda: model.audit(two), args.runs)
    res.op("audit_2", ns, found)
    findings = len(model.audit())
    ns, _ = shared.time_runs(model.audit, min(args.runs, 5))
    res.op("audit_full", ns, {"findings": findings})
    res.set("peak_rss_mib", shared.peak_rss_mib())

    # The checks, in node indices: the id map is built now, after the peak RSS was read.
    index = {id_: idx for idx, id_, *_ in shared.read_nodes(args.data)}
    chain_check = shared.chain_check([([index[i] for i in ids], cycle) for ids, cycle in paths])
    res.doc["ops"]["chain_full"]["check"] = chain_check
    res.doc["ops"]["ancestors"]["check"] = shared.ancestors_check([[index[i] for i in s] for s in sets])
    res.doc["ops"]["dispatch_full"]["check"] = shared.dispatch_check(
        [(None if at is None else index[at], links) for at, links in answers]
    )
    res.note(f"tiaokuai-py: {CHECKS_AFTER_RSS}; the Python answers are the full Chain and Dispatch objects")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("system", choices=["networkx", "rustworkx", "tiaokuai-py"])
    ap.add_argument("--data", required=True, help="the folder with nodes.csv, edges.csv, sample.csv")
    ap.add_argument("--json", help="the tiaokuai/1 JSON model (tiaokuai-py)")
    ap.add_argument("--out", required=True, help="where to write the result (JSON)")
    ap.add_argument("--rounds", type=int, default=3, help="passes over the sample per timed query")
    ap.add_argument("--runs", type=int, default=3, help="timed runs of each scan and audit")
    args = ap.parse_args()
    res = Result(args.system, "?")
    res.set("runtime", shared.python_version())
    if args.system == "networkx":
        run_networkx(args, res)
    elif args.system == "rustworkx":
        run_rustworkx(args, res)
    else:
        if not args.json or not os.path.exists(args.json):
            sys.exit("tiaokuai-py needs --json MODEL.json")
        run_tiaokuai(args, res)
    res.write(args.out)


if __name__ == "__main__":
    main()
