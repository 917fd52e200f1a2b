"""What every peer of the comparison shares: the model reader, the data files, the sample and the timing.

The data step (``export.py``) writes, for one generated model:

* ``nodes.csv``: ``index,id,type,kind,members,parent`` -- one row per record in
  document order (territories, units, matters, items; ``index`` is that
  position, which is also tiaokuai's ``Node::index``), ``members`` for units that
  have it, ``parent`` the index of a territory's containing territory;
* ``edges.csv``: ``link,from,to,kind,primary,role,scope`` -- one row per link in
  document order (``link`` is its index in the ``links`` array), ``from``/``to``/
  ``scope`` as node indices, ``primary`` ``true``/``false``/empty, ``role`` for
  ``responsible`` links;
* ``sample.csv``: ``i,unit,unit_id,matter,matter_id,territory,territory_id`` --
  the 10,000 units and (matter, territory) pairs every system queries.

The operations, defined once (``docs/benchmarks.md`` repeats these words):

* **chain walk**: from a unit, follow the ``leads`` link arriving at it -- the
  first marked ``primary: true`` in document order, else the first in document
  order -- to its leader, and so on, until a unit with no leader or a unit
  already on the path (then the walk "ends in a cycle"). The answer is the path,
  starting with the unit (``tiaokuai::leadership_path``).
* **ancestors**: the set of units from which the unit can be reached by one or
  more ``leads`` links (any of them, not only the primary one), the unit itself
  excluded (``networkx.ancestors`` on the graph of ``leads`` links).
* **dispatch-like lookup** (``tiaokuai::resolve_leads``): for (matter M,
  territory T), walk T, its parent, its parent's parent ...; at each territory X
  the lead links applying there are the ``responsible`` links to M with role
  ``lead`` whose ``scope`` is X, or that have no ``scope`` and whose unit has a
  ``jurisdiction`` link to X (each link once). The answer is the first X, nearest
  first, with at least one such link, and the set of those links; or nothing.
* **2-rule coverage scan**: the number of units with ``members >= 3`` and no
  ``party_org_of`` link arriving, and the number of territories with no child
  territory and no ``jurisdiction`` link arriving (``coverage_scan`` in
  ``networkx_bench.py`` and ``benches/benches/query.rs``).

Each peer runs in its own process and writes a JSON result (``Result``): load
time, peak RSS, and per operation the median time per query and a check --
sums over the sample's answers that must be equal across systems.
"""

import csv
import json
import os
import platform
import resource
import statistics
import time

SAMPLES = 10_000
SAMPLE_SEED = 20_240_601  # as SAMPLE_SEED in benches/benches/query.rs
BATCH = 100  # queries per timed batch: the median is taken over batch means
MASK = (1 << 64) - 1
TYPES = {"territories": "territory", "units": "unit", "matters": "matter", "items": "item"}


class SplitMix:
    """SplitMix64, as in benches/benches/query.rs."""

    def __init__(self, seed):
        self.state = seed

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        return (self.next() * n) >> 64


def records(path, sections=("territories", "units", "matters", "items", "links")):
    """Yields (section, record) from a tiaokuai/1 JSON file, for the sections named.

    tiaokuai writes one record per line; reading it line by line keeps only what
    the caller keeps in memory, and lines of other sections are not parsed. Any
    other layout falls back to json.load.
    """
    with open(path, encoding="utf-8") as f:
        first = f.readline()
        if first.strip() != "{":
            f.seek(0)
            doc = json.load(f)
            for section in sections:
                for r in doc.get(section, []):
                    yield section, r
            return
        section = None
        for line in f:
            s = line.strip()
            if s.startswith('"'):
                name = s[1 : s.index('"', 1)]
                section = name if s.endswith("[") else None
                if s.endswith("[]") or s.endswith("[],"):
                    section = None
                continue
            if section in sections and s.startswith("{"):
                yield section, json.loads(s[:-1] if s.endswith(",") else s)


def peak_rss_mib():
    """Peak resident memory of this process so far, in MiB (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def read_nodes(data):
    """Yields (index, id, type, kind, members or None, parent or None) from nodes.csv."""
    with open(os.path.join(data, "nodes.csv"), newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        next(rows)
        for index, id_, type_, kind, members, parent in rows:
            yield int(index), id_, type_, kind, int(members) if members else None, int(parent) if parent else None


def read_edges(data):
    """Yields (link, from, to, kind, primary (True/False/None), role or None, scope or None) from edges.csv."""
    with open(os.path.join(data, "edges.csv"), newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        next(rows)
        for link, src, dst, kind, primary, role, scope in rows:
            yield (
                int(link),
                int(src),
                int(dst),
                kind,
                None if not primary else primary == "true",
                role or None,
                int(scope) if scope else None,
            )


def read_sample(data):
    """The sample: a list of dicts with unit, unit_id, matter, matter_id, territory, territory_id."""
    with open(os.path.join(data, "sample.csv"), newline="", encoding="utf-8") as f:
        out = []
        for r in csv.DictReader(f):
            for k in ("unit", "matter", "territory"):
                r[k] = int(r[k])
            out.append(r)
        return out


def time_queries(items, fn, rounds):
    """Median time per query, in ns: ``rounds`` passes over ``items`` in batches of BATCH
    consecutive queries, the median of the batches' mean time per query. Run a warm-up pass first."""
    per = []
    for _ in range(rounds):
        for b in range(0, len(items) - BATCH + 1, BATCH):
            batch = items[b : b + BATCH]
            t = time.perf_counter_ns()
            for x in batch:
                fn(x)
            per.append((time.perf_counter_ns() - t) / len(batch))
    return statistics.median(per)


def time_runs(fn, runs):
    """Median wall time of ``runs`` calls of fn, in ns, and fn's last answer."""
    times = []
    answer = None
    for _ in range(runs):
        t = time.perf_counter_ns()
        answer = fn()
        times.append(time.perf_counter_ns() - t)
    return statistics.median(times), answer


def chain_check(paths):
    """The check of the chain walk over the sample: paths as (list of node indices, cycle flag)."""
    return {
        "walks": len(paths),
        "units": sum(len(p) for p, _ in paths),
        "cycles": sum(1 for _, c in paths if c),
        "index_sum": sum(sum(p) for p, _ in paths),
    }


def ancestors_check(sets):
    """The check of the ancestors query over the sample: each answer a collection of node indices."""
    return {"queries": len(sets), "units": sum(len(s) for s in sets), "index_sum": sum(sum(s) for s in sets)}


def dispatch_check(answers):
    """The check of the dispatch-like lookup: each answer (territory index or None, collection of link indices)."""
    return {
        "queries": len(answers),
        "resolved": sum(1 for at, _ in answers if at is not None),
        "at_sum": sum(at for at, _ in answers if at is not None),
        "leads": sum(len(links) for _, links in answers),
        "link_sum": sum(sum(links) for _, links in answers),
    }


def fmt_ns(ns):
    """Nanoseconds for people: 3 significant digits in ns, µs, ms or s ("—" for none)."""
    if ns is None:
        return "—"
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


def python_version():
    return f"Python {platform.python_version()}"


class Result:
    """What a peer reports: written as JSON for run.py."""

    def __init__(self, system, version):
        self.doc = {"system": system, "version": version, "ops": {}, "notes": []}

    def set(self, key, value):
        self.doc[key] = value

    def op(self, name, median_ns, check=None, **extra):
        entry = {"median_ns": median_ns}
        if check is not None:
            entry["check"] = check
        entry.update(extra)
        self.doc["ops"][name] = entry

    def note(self, text):
        self.doc["notes"].append(text)

    def write(self, path):
        with open(path, "w", encoding="utf-8") as f:
            json.dump(self.doc, f, indent=1)
