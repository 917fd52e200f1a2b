#!/usr/bin/env python3
"""The same questions in NetworkX, on the same generated model, for comparison.

    target/release/tiaokuai generate --scale city --seed 2024 -o /tmp/city.json
    TIAOKUAI_BENCH_SCALE=city cargo bench -p tiaokuai-benches --bench query
    python3 benches/compare/networkx_bench.py --scale city

Loads a tiaokuai/1 JSON model into a ``networkx.MultiDiGraph`` (one node per
record with ``type``, ``kind`` and, for units, ``members``; one edge per link,
keyed by its kind, with ``kind``, ``link`` (its index) and ``primary``; and a
``parent`` edge from each territory to the territory containing it), then
measures:

* load + build time and peak memory (``resource.getrusage``);
* the leadership chain walk: from a unit, follow the ``leads`` link arriving
  at it (the first marked primary in document order, else the first in
  document order) until a unit with no leader or a unit already on the chain
  -- the rule of ``tiaokuai::leadership_path`` -- over the very units the Rust
  bench samples (SplitMix64, the same seed, indices in document order); the
  figure is the median over 100 batches of 100 walks of the time per walk,
  as criterion reports the median of its samples;
* a two-rule coverage scan: units with >= 3 full members and no
  ``party_org_of`` link arriving, and leaf territories with no
  ``jurisdiction`` holder (``coverage_scan`` in ``benches/benches/query.rs``).

and prints a table with the ratios against tiaokuai's figures, read from
criterion's ``estimates.json`` (``--criterion``, default ``target/criterion``)
or given with ``--tiaokuai NAME=NANOSECONDS``.
"""

import argparse
import gc
import json
import os
import resource
import statistics
import sys
import time

import networkx as nx

from shared import SAMPLE_SEED, SAMPLES, TYPES, SplitMix, fmt_ns, records  # shared with the other peers of run.py


def rss_mib():
    """Peak resident memory of this process so far, in MiB (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(path):
    """The graph, the unit ids and the territory ids, both in document order."""
    g = nx.MultiDiGraph()
    units, territories, parents = [], [], []
    kinds = {}  # one str object per kind word
    link = 0
    for section, r in records(path):
        if section == "links":
            kind = kinds.setdefault(r["kind"], r["kind"])
            u, v = r["from"], r["to"]
            attrs = {"kind": kind, "link": link}
            if "primary" in r:
                attrs["primary"] = r["primary"]
            # Keyed by kind; a second link of the same kind between the same records gets a number.
            key = kind if not g.has_edge(u, v, kind) else None
            g.add_edge(u, v, key=key, **attrs)
            link += 1
        elif section in TYPES:
            t = TYPES[section]
            word = r.get("kind") or r.get("list")
            attrs = {"type": t, "kind": kinds.setdefault(word, word)}
            if t == "unit":
                if "members" in r:
                    attrs["members"] = r["members"]
                units.append(r["id"])
            elif t == "territory":
                territories.append(r["id"])
                if "parent" in r:
                    parents.append((r["id"], r["parent"]))
            g.add_node(r["id"], **attrs)
    for child, parent in parents:
        g.add_edge(child, parent, key="parent", kind="parent")
    return g, units, territories


def leader(g, u):
    """The unit leading u on the leadership line, or None."""
    primary = first = None
    for p, keyed in g.pred[u].items():
        for d in keyed.values():
            if d["kind"] != "leads":
                continue
            i = d["link"]
            if first is None or i < first[0]:
                first = (i, p)
            if d.get("primary") is True and (primary is None or i < primary[0]):
                primary = (i, p)
    chosen = primary or first
    return chosen[1] if chosen else None


def leadership_path(g, u):
    """The units from u up the leadership line, and whether the walk stopped at a cycle."""
    path, seen = [u], {u}
    cur = leader(g, u)
    while cur is not None:
        if cur in seen:
            return path, True
        path.append(cur)
        seen.add(cur)
        cur = leader(g, cur)
    return path, False


def coverage_scan(g, units, territories):
    """Units with >= 3 members and no party_org_of arriving; leaf territories with no jurisdiction holder."""
    pred, nodes = g.pred, g.nodes
    orphan = 0
    for u in units:
        if nodes[u].get("members", 0) >= 3 and not any(
            d["kind"] == "party_org_of" for keyed in pred[u].values() for d in keyed.values()
        ):
            orphan += 1
    nobody = 0
    for t in territories:
        kinds = {d["kind"] for keyed in pred[t].values() for d in keyed.values()}
        if "parent" not in kinds and "jurisdiction" not in kinds:
            nobody += 1
    return orphan, nobody


def criterion_median(root, group, name, baseline):
    """The median point estimate (ns) of a criterion bench, or None."""
    for sub in (baseline, "new", "base"):
        p = os.path.join(root, group.replace("/", "_"), name, sub, "estimates.json")
        if os.path.exists(p):
            with open(p) as f:
                return json.load(f)["median"]["point_estimate"]
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", default="city", choices=["district", "city", "national"])
    ap.add_argument("--json", help="the model (default /tmp/SCALE.json)")
    ap.add_argument("--criterion", default="target/criterion", help="criterion's output folder")
    ap.add_argument("--baseline", default="new", help="the criterion baseline to read (--save-baseline NAME)")
    ap.add_argument(
        "--tiaokuai",
        action="append",
        default=[],
        metavar="NAME=NS",
        help="tiaokuai's figure instead of criterion's: leadership_path, chain_leadership, coverage_2_rules, load",
    )
    ap.add_argument("--batches", type=int, default=100, help="batches of walks (SAMPLES / batches walks each)")
    args = ap.parse_args()
    path = args.json or f"/tmp/{args.scale}.json"
    if not os.path.exists(path):
        hint = f"target/release/tiaokuai generate --scale {args.scale} --seed 2024 -o {path}"
        sys.exit(f"{path}: not found; write it with {hint}")

    base = rss_mib()
    t0 = time.perf_counter()
    g, units, territories = build(path)
    build_s = time.perf_counter() - t0
    gc.collect()
    peak = rss_mib()
    print(f"networkx {nx.__version__}, Python {sys.version.split()[0]}: {path}")
    print(
        f"  {g.number_of_nodes():,} nodes, {g.number_of_edges():,} edges; load + build {build_s:.1f} s; "
        f"peak RSS {peak:,.0f} MiB ({peak - base:,.0f} MiB over the interpreter's {base:,.0f})"
    )

    rng = SplitMix(SAMPLE_SEED)
    sample = [units[rng.below(len(units))] for _ in range(SAMPLES)]
    walks = [leadership_path(g, u) for u in sample]  # warm-up, and a check against the Rust bench's sample line
    lengths = [len(p) for p, _ in walks]
    cycles = sum(1 for _, c in walks if c)
    del walks
    per_batch = SAMPLES // args.batches
    times = []
    for b in range(args.batches):
        batch = sample[b * per_batch : (b + 1) * per_batch]
        t = time.perf_counter_ns()
        for u in batch:
            leadership_path(g, u)
        times.append((time.perf_counter_ns() - t) / len(batch))
    walk_ns = statistics.median(times)
    print(
        f"  leadership walk: median {fmt_ns(walk_ns)} over {args.batches} batches of {per_batch} "
        f"(sample: mean leadership path {statistics.mean(lengths):.4f} units, {cycles} ending in a cycle)"
    )

    runs = []
    for _ in range(3):
        t = time.perf_counter_ns()
        counts = coverage_scan(g, units, territories)
        runs.append(time.perf_counter_ns() - t)
    scan_ns = statistics.median(runs)
    print(
        f"  coverage scan (2 rules): median of 3 {fmt_ns(scan_ns)}; {counts[0]:,} units with >= 3 members and "
        f"no party_org_of, {counts[1]:,} leaf territories with no jurisdiction holder"
    )

    given = dict(kv.split("=", 1) for kv in args.tiaokuai)
    given = {k: float(v) for k, v in given.items()}

    def ours(group, name):
        return given.get(name, criterion_median(args.criterion, f"{group}/{args.scale}", name, args.baseline))

    rows = [
        ("leadership chain, node walk (`leadership_path`)", ours("query", "leadership_path"), walk_ns),
        ("leadership chain, full answer (`chain`)", ours("query", "chain_leadership"), walk_ns),
        ("coverage scan, 2 rules", ours("scan", "coverage_2_rules"), scan_ns),
        ("load JSON + build graph", given.get("load"), build_s * 1e9),
    ]
    print()
    print(f"| {args.scale} | tiaokuai | NetworkX | NetworkX ÷ tiaokuai |")
    print("|---|---|---|---|")
    for name, t, n in rows:
        ratio = f"{n / t:,.3g}×" if t else "—"
        print(f"| {name} | {fmt_ns(t)} | {fmt_ns(n)} | {ratio} |")


if __name__ == "__main__":
    main()
