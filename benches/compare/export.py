#!/usr/bin/env python3
"""The data step: a generated tiaokuai/1 JSON model as plain CSV for the peers, and the query sample.

    python3 benches/compare/export.py MODEL.json OUT_DIR

writes OUT_DIR/nodes.csv, edges.csv and sample.csv (see shared.py for the
columns). Node indices are positions in document order (territories, units,
matters, items), which is the order tiaokuai numbers its records in; link
indices are positions in the ``links`` array. The sample draws SplitMix64
(seed 20240601) indices into the document order: first 10,000 units (the units
of the criterion query bench), then 10,000 (matter, territory) pairs.
"""

import csv
import os
import sys

from shared import SAMPLE_SEED, SAMPLES, TYPES, SplitMix, records

UNSAFE = set(',"\n\r')


def plain(value, what):
    """A value written unquoted: the peers split the CSV on commas."""
    if UNSAFE & set(value):
        sys.exit(f"{what} {value!r} holds a comma, quote or line break; the comparison's CSV does not quote")
    return value


def export(json_path, out):
    os.makedirs(out, exist_ok=True)
    index = {}  # id -> document position
    nodes = []  # (id, type, kind, members, parent id)
    # Two passes over the file: the records, then the links (streamed: never all in memory).
    for section, r in records(json_path, tuple(TYPES)):
        if section in TYPES:
            index[r["id"]] = len(nodes)
            kind = r.get("kind") or r.get("list")
            nodes.append((plain(r["id"], "id"), TYPES[section], plain(kind, "kind"), r.get("members"), r.get("parent")))
    counts = {t: 0 for t in TYPES.values()}
    units, territories, matters = [], [], []
    tmp = os.path.join(out, "nodes.csv.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["index", "id", "type", "kind", "members", "parent"])
        for i, (id_, type_, kind, members, parent) in enumerate(nodes):
            counts[type_] += 1
            {"unit": units, "territory": territories, "matter": matters}.get(type_, []).append(i)
            w.writerow(
                [i, id_, type_, kind, "" if members is None else members, "" if parent is None else index[parent]]
            )
    os.replace(tmp, os.path.join(out, "nodes.csv"))
    tmp = os.path.join(out, "edges.csv.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["link", "from", "to", "kind", "primary", "role", "scope"])
        links = 0
        for i, (_, r) in enumerate(records(json_path, ("links",))):
            links += 1
            primary = r.get("primary")
            w.writerow(
                [
                    i,
                    index[r["from"]],
                    index[r["to"]],
                    plain(r["kind"], "link kind"),
                    "" if primary is None else ("true" if primary else "false"),
                    r.get("role", ""),
                    index[r["scope"]] if "scope" in r else "",
                ]
            )
    os.replace(tmp, os.path.join(out, "edges.csv"))
    rng = SplitMix(SAMPLE_SEED)
    sample_units = [units[rng.below(len(units))] for _ in range(SAMPLES)]
    pairs = [(matters[rng.below(len(matters))], territories[rng.below(len(territories))]) for _ in range(SAMPLES)]
    tmp = os.path.join(out, "sample.csv.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["i", "unit", "unit_id", "matter", "matter_id", "territory", "territory_id"])
        for i, (u, (m, t)) in enumerate(zip(sample_units, pairs)):
            w.writerow([i, u, nodes[u][0], m, nodes[m][0], t, nodes[t][0]])
    os.replace(tmp, os.path.join(out, "sample.csv"))
    return {"records": len(nodes), "links": links, **counts}


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    print(export(sys.argv[1], sys.argv[2]))


if __name__ == "__main__":
    main()
