"""Reads a GraphML, DOT or SVG export back with a real parser and checks it.

Used by core/tests/export_distinct.rs:

    python3 readback.py graphml FILE EXPECTED   # networkx.read_graphml
    python3 readback.py dot FILE EXPECTED       # Graphviz: dot -Tjson, then json
    python3 readback.py svg FILE EXPECTED       # xml.etree.ElementTree

EXPECTED holds one line per item, strings hex-encoded UTF-8 (so any character
survives): `N id name` for each record, `E from to` for each edge, `C id` for
each territory cluster. Ids and names read back are unescaped with the rule
documented in docs/queries.md (`\\\\` and `\\uXXXX` / `\\UXXXXXXXX`) before
they are compared. Prints `ok NODES EDGES CLUSTERS`; fails with a message
naming what differs.
"""

import collections
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

ESCAPE = re.compile(r"\\(\\|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})")


def unescape(s):
    """The inverse of tiaokuai's export escaping (escape_id, escape_text, dot_id)."""
    rest = ESCAPE.sub("", s)
    assert "\\" not in rest, f"a backslash outside an escape in {s!r}"
    return ESCAPE.sub(lambda m: "\\" if m[1] == "\\" else chr(int(m[1][1:], 16)), s)


def expected(path):
    nodes, edges, clusters = {}, collections.Counter(), set()
    with open(path, encoding="ascii") as f:
        for line in f:
            kind, *fields = line.split()
            values = [bytes.fromhex(x).decode("utf-8") for x in fields]
            if kind == "N":
                nodes[values[0]] = values[1]
            elif kind == "E":
                edges[tuple(values)] += 1
            elif kind == "C":
                clusters.add(values[0])
    return nodes, edges, clusters


def same(what, got, want):
    if got != want:
        missing = want - got if isinstance(want, set) else want
        extra = got - want if isinstance(got, set) else got
        sys.exit(f"{what} differ: expected {sorted(missing)!r}, read {sorted(extra)!r}")


def graphml(path, nodes, edges):
    import networkx as nx

    g = nx.read_graphml(path)
    if g.number_of_nodes() != len(nodes):
        sys.exit(f"{g.number_of_nodes()} nodes read, {len(nodes)} records written")
    same("node ids", {unescape(n) for n in g.nodes}, set(nodes))
    for n, data in g.nodes(data=True):
        node_id = unescape(n)
        if unescape(data["id"]) != node_id:
            sys.exit(f"id attribute {data['id']!r} is not the node id {n!r}")
        if unescape(data["name"]) != nodes[node_id]:
            sys.exit(
                f"name of {node_id!r}: {unescape(data['name'])!r}, expected {nodes[node_id]!r}"
            )
    got = collections.Counter((unescape(a), unescape(b)) for a, b in g.edges())
    same("edges", set(got.items()), set(edges.items()))
    return len(g.nodes), sum(got.values()), 0


def dot(path, nodes, edges, clusters):
    run = subprocess.run(["dot", "-Tjson", path], capture_output=True, check=True)
    doc = json.loads(run.stdout)
    objects = doc.get("objects", [])
    count = doc.get("_subgraph_cnt", 0)
    subgraphs, records = objects[:count], objects[count:]
    names = {o["_gvid"]: o["name"] for o in records}
    if len(names) != len(nodes):
        sys.exit(f"{len(names)} nodes read, {len(nodes)} records written")
    same("node names", {unescape(n) for n in names.values()}, set(nodes))
    got = collections.Counter(
        (unescape(names[e["tail"]]), unescape(names[e["head"]]))
        for e in doc.get("edges", [])
    )
    same("edges", set(got.items()), set(edges.items()))
    read = set()
    for s in subgraphs:
        name = s["name"]
        if not name.startswith("cluster_"):
            sys.exit(f"subgraph {name!r} is not a cluster")
        read.add(unescape(name[len("cluster_") :]))
    if len(subgraphs) != len(clusters):
        sys.exit(f"{len(subgraphs)} clusters read, {len(clusters)} territories written")
    same("clusters", read, clusters)
    return len(names), sum(got.values()), len(subgraphs)


def svg(path, nodes):
    root = ET.parse(path).getroot()  # raises on malformed XML
    ns = "{http://www.w3.org/2000/svg}"
    titles = [
        g.find(f"{ns}title").text or ""
        for g in root.iter(f"{ns}g")
        if g.get("class") == "node"
    ]
    if len(titles) != len(nodes):
        sys.exit(f"{len(titles)} nodes drawn, {len(nodes)} records written")
    same("node titles", {unescape(t) for t in titles}, set(nodes))
    return len(titles), 0, 0


def main():
    fmt, path, expected_path = sys.argv[1:4]
    nodes, edges, clusters = expected(expected_path)
    if fmt == "graphml":
        counts = graphml(path, nodes, edges)
    elif fmt == "dot":
        counts = dot(path, nodes, edges, clusters)
    elif fmt == "svg":
        counts = svg(path, nodes)
    else:
        sys.exit(f"unknown format {fmt!r}")
    print("ok", *counts)


if __name__ == "__main__":
    main()
