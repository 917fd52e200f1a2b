#!/usr/bin/env python3
"""``make compare``: tiaokuai against its peers on the same data, in one run.

    python3 benches/compare/run.py [--scale district|city|national] [--skip networkx,postgresql] [--build]

1. The data step: the model generated at the scale (``tiaokuai generate --seed
   2024``) and exported by ``export.py`` as CSV with the query sample, cached in
   ``--data-dir`` (default /tmp/tiaokuai-compare/SCALE).
2. Each system in its own process, one after the other: tiaokuai from Rust
   (``target/release/compare``), the flat-array lower bound
   (``target/release/flat``), tiaokuai from Python, rustworkx, NetworkX
   (``peers_py.py``) and PostgreSQL 15 (``postgres.py``). Each system's input
   files are read once just before it starts, so every load comes from the page
   cache. Each writes a JSON result; the answers' checks must agree across
   systems (the run fails if not).
3. One table, printed and written between the markers of docs/benchmarks.md
   (``<!-- compare:begin -->`` / ``<!-- compare:end -->``), one part per scale,
   so a national run keeps the city table and the other way round.

``--build`` first builds the release binaries and installs the Python package
from bindings-py (``pip install --no-build-isolation``), as ``make compare`` does.
"""

import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import time

from shared import fmt_ns

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DOCS = os.path.join(ROOT, "docs", "benchmarks.md")
SEED = 2024
BEGIN, END = "<!-- compare:begin -->", "<!-- compare:end -->"

# (key, column title), in table order.
SYSTEMS = [
    ("tiaokuai", "tiaokuai (Rust)"),
    ("tiaokuai-py", "tiaokuai (Python)"),
    ("flat", "flat arrays (Rust)"),
    ("rustworkx", "rustworkx"),
    ("networkx", "NetworkX"),
    ("postgresql", "PostgreSQL"),
]

# (key, row title, the op whose check this op's check must equal).
OPS = [
    ("chain", "chain walk (node path)", "chain"),
    ("chain_full", "chain, full answer (`chain`)", "chain"),
    ("ancestors", "ancestors on `leads` (set)", "ancestors"),
    ("dispatch", "dispatch-like lookup (`resolve_leads`)", "dispatch"),
    ("dispatch_full", "dispatch, full answer (`dispatch`)", "dispatch"),
    ("responsible_for", "`responsible_for`", None),
    ("scan", "2-rule coverage scan", "scan"),
    ("audit_2", "audit, rules C001 + C008 only", None),
    ("audit_full", "audit, all 21 rules", None),
]

DEFINITIONS = """\
`make compare` installs what it needs first (`make compare-deps`, issue #19): the PostgreSQL 15
server from the Debian package when no `initdb` is found (`apt-get`, through `sudo` unless run as
root), and a venv of its own (`COMPARE_VENV`, default `target/compare-venv`) with
`benches/compare/requirements.txt` (NetworkX, rustworkx, psycopg), pandas and maturin; `--build`
then installs tiaokuai's Python package from this tree into that venv. Nothing goes into the
system interpreter.

Checked 2026-12-03 (12:00–12:51 UTC) as a new user would: `make compare SCALE=district
COMPARE_VENV=/work/venv-cases12-compare` with no venv there (the system interpreter lacks
rustworkx and psycopg) created it, installed the peers, built and installed tiaokuai, and ran
all six columns (rustworkx 5.3 s, NetworkX 8.9 s, PostgreSQL 15.18 through psycopg 3.3.9), the
answers agreeing across systems. The server was already installed on that machine, so the
apt-get branch was checked with `apt-get install -s` (simulated) and a `pg_config` pointing
nowhere: it asks for `postgresql-15`.

The same model for every system: the generated model at the scale (`tiaokuai generate --seed 2024`);
tiaokuai loads its JSON, the other systems the same records and links exported as CSV
(`benches/compare/export.py`: node and link indices in document order). Every system queries the
same 10,000 units and (matter, territory) pairs (`sample.csv`, SplitMix64 seed 20240601), and
the run checks that all give the same answers (sums of path lengths, cycles, node and link
indices over the sample; the scan's two counts).

- **chain walk**: from a unit, follow the `leads` link arriving at it (the first marked
  primary in document order, else the first in document order) until a unit with no leader or
  a unit already on the path; the answer is the path (`tiaokuai::leadership_path`). The
  *full answer* is `chain(…, Line::Leadership)`: ids, names, levels and evidence.
- **ancestors**: the set of units from which the unit is reached by one or more `leads` links
  (any, not only the primary one), the unit excluded (`networkx.ancestors`, `rustworkx.ancestors`,
  a recursive `UNION` in SQL; tiaokuai has no query for it: a search over `Model::sources`).
- **dispatch-like lookup** (`tiaokuai::resolve_leads`): for (matter M, territory T), walk T and
  its parents, nearest first; at each territory X the applying lead links are the `responsible`
  links to M with role `lead` whose `scope` is X, or with no `scope` whose unit has a
  `jurisdiction` link to X. The answer is the first X with any, and those links. The *full
  answer* `dispatch` adds cooperators, supervisors, each lead's chain, the block chain, evidence.
- **2-rule coverage scan**: units with `members` ≥ 3 and no `party_org_of` link arriving;
  territories with no child and no `jurisdiction` link arriving (two counts). The audit rows
  run tiaokuai's own rules C001 and C008 (which read more than this), then all 21 rules.
- **How each answers.** tiaokuai: the public API (`leadership_path`, `resolve_leads`, `chain`,
  `dispatch`, `responsible_for`, `Model::audit`; the scan with `Model::in_degree`); from Python
  only the full answers exist, and the ancestors and the scan are written with `links_to` and
  the record views. NetworkX and rustworkx: one multigraph of every record and link, plus a
  graph of the `leads` links only (the chain walk and `ancestors` run on it); the dispatch-like
  lookup walks up the parents, reading each territory's `jurisdiction` holders and their
  `responsible` edges to the matter (scoped links from a dict built at load). PostgreSQL:
  tables `nodes` and `edges` with indexes on (dst, kind), (src, dst, kind) and the scoped lead
  links; recursive CTEs (the chain with `CYCLE`, the ancestors with `UNION`, the dispatch-like
  walk stopping at the first territory with lead links); the scan as `NOT EXISTS` counts.
  Flat arrays: a leader array, offset tables, and a (matter, territory) → lead links hash
  table built at load, as tiaokuai builds on its first query.
- **load**: tiaokuai `Model::load` / `tiaokuai.load` of the JSON; the graph libraries read the
  CSV and build both graphs; PostgreSQL `COPY` from the client, primary keys, indexes,
  `VACUUM ANALYZE`; flat arrays read the CSV into `u32` arrays and tables.
- **peak RSS**: the process's high-water mark over the whole run (`VmHWM`, `ru_maxrss`; for
  PostgreSQL the server backend's, shared buffers it touched included), JSON text included.

Timing: a warm-up pass over the sample first (its answers are the checks; it also builds
tiaokuai's lazy query index), then the median, over batches of 100 consecutive queries, of the
batch's mean time per query (Rust 20 passes over the sample, Python and PostgreSQL 3); scans and
audits: the median of 11 runs in Rust (audit: 5), 3 elsewhere. Answers are built and dropped
inside the timed loop. PostgreSQL queries are prepared statements sent one at a time from
Python (psycopg 3, Unix socket): the round trip is part of the figure; the notes give the
server's own time with 100 queries per statement. Each cell: median (ratio to tiaokuai in Rust
on the same row)."""


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def sh(argv, **kw):
    log("$ " + " ".join(argv))
    return subprocess.run(argv, check=True, **kw)


def capture(argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


# ---------------------------------------------------------------------------
# Data


def data_step(scale, data_dir, cli):
    os.makedirs(data_dir, exist_ok=True)
    model = os.path.join(data_dir, f"{scale}.json")
    if not os.path.exists(model):
        t = time.perf_counter()
        sh([cli, "generate", "--scale", scale, "--seed", str(SEED), "-o", model + ".tmp"])
        os.replace(model + ".tmp", model)
        log(f"generated {model} in {time.perf_counter() - t:.1f} s")
    stamp_path = os.path.join(data_dir, "export.stamp")
    st = os.stat(model)
    stamp = f"{scale} {SEED} {st.st_size} {st.st_mtime_ns}"
    have = open(stamp_path).read() if os.path.exists(stamp_path) else ""
    if have != stamp or not all(os.path.exists(os.path.join(data_dir, f)) for f in ("nodes.csv", "edges.csv")):
        t = time.perf_counter()
        sh([sys.executable, os.path.join(HERE, "export.py"), model, data_dir], stdout=sys.stderr)
        with open(stamp_path, "w") as f:
            f.write(stamp)
        log(f"exported CSV in {time.perf_counter() - t:.1f} s")
    return model


def count_lines(path):
    with open(path, "rb") as f:
        return sum(block.count(b"\n") for block in iter(lambda: f.read(1 << 20), b"")) - 1


# ---------------------------------------------------------------------------
# Systems


def commands(model, data, out, release):
    py = [sys.executable]
    return {
        "tiaokuai": [os.path.join(release, "compare"), "--json", model, "--data", data, "--out", out],
        "flat": [os.path.join(release, "flat"), "--data", data, "--out", out],
        "tiaokuai-py": [*py, os.path.join(HERE, "peers_py.py"), "tiaokuai-py", "--json", model, "--data", data],
        "rustworkx": [*py, os.path.join(HERE, "peers_py.py"), "rustworkx", "--data", data],
        "networkx": [*py, os.path.join(HERE, "peers_py.py"), "networkx", "--data", data],
        "postgresql": [*py, os.path.join(HERE, "postgres.py"), "--data", data],
    }


def warm(paths):
    """Reads the files once, so every system loads from the page cache, not the disk: what ran
    before (NetworkX at national scale takes 13 GiB) may have evicted them."""
    for path in paths:
        with open(path, "rb") as f:
            while f.read(1 << 24):
                pass


def run_system(key, argv, out, inputs):
    if "--out" not in argv:
        argv = [*argv, "--out", out]
    if os.path.exists(out):
        os.remove(out)
    warm(inputs)
    t = time.perf_counter()
    log(f"== {key}")
    p = subprocess.run(argv, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t
    if p.returncode != 0 or not os.path.exists(out):
        log(p.stdout + p.stderr)
        log(f"== {key}: FAILED (exit {p.returncode}) after {wall:.1f} s")
        return {"system": key, "error": (p.stderr or p.stdout).strip().splitlines()[-1:] or ["no output"]}
    with open(out) as f:
        result = json.load(f)
    result["wall_s"] = wall
    log(f"== {key}: {wall:.1f} s")
    return result


def compare_checks(results):
    """Every system's checks against tiaokuai's (or the first system's): a list of mismatches."""
    measured = [(key, results[key]) for key, _ in SYSTEMS if results.get(key) and "error" not in results[key]]
    reference = {}
    for key, r in measured:
        for op, _, base in OPS:
            check = r["ops"].get(op, {}).get("check")
            if base and check is not None and base not in reference and op == base:
                reference[base] = (key, check)
    problems = []
    for key, r in measured:
        for op, _, base in OPS:
            check = r["ops"].get(op, {}).get("check")
            if not base or check is None or base not in reference:
                continue
            ref_key, ref = reference[base]
            if isinstance(ref, dict) and isinstance(check, dict):
                differ = {k: (check[k], ref[k]) for k in check.keys() & ref.keys() if check[k] != ref[k]}
            else:
                differ = {} if check == ref else {"value": (check, ref)}
            if differ:
                problems.append(f"{key} {op}: {differ} (system, {ref_key})")
    return problems, {base: ref for base, (_, ref) in reference.items()}


# ---------------------------------------------------------------------------
# The table


def fmt_ratio(x, base):
    if x is None or not base:
        return ""
    r = x / base
    if r >= 100:
        return f" ({r:,.0f}×)"
    return f" ({r:.2g}×)" if r < 10 else f" ({r:.3g}×)"


def table(results, columns):
    base = results.get("tiaokuai") if "error" not in results.get("tiaokuai", {"error": 1}) else None
    head = ["operation", *[title for _, title in columns]]
    rows = []

    def cell(key, value, base_value, fmt):
        r = results.get(key)
        if r is None:
            return "skipped"
        if "error" in r:
            return "failed"
        if value is None:
            return "—"
        return fmt(value) + fmt_ratio(value, base_value)

    load_base = base.get("load_s") if base else None
    rows.append(
        [
            "load + build",
            *[cell(k, results.get(k, {}).get("load_s"), load_base, lambda s: fmt_ns(s * 1e9)) for k, _ in columns],
        ]
    )
    mem_base = base.get("peak_rss_mib") if base else None
    rows.append(
        [
            "peak RSS",
            *[cell(k, results.get(k, {}).get("peak_rss_mib"), mem_base, lambda m: f"{m:,.0f} MiB") for k, _ in columns],
        ]
    )
    for op, title, _ in OPS:
        op_base = base["ops"].get(op, {}).get("median_ns") if base else None
        cells = []
        for k, _ in columns:
            value = results.get(k, {}).get("ops", {}).get(op, {}).get("median_ns") if k in results else None
            cells.append(cell(k, value, op_base, fmt_ns))
        if any(c not in ("—", "skipped", "failed") for c in cells):
            rows.append([title, *cells])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Machine and versions


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            kib = int(next(line for line in f if line.startswith("MemTotal")).split()[1])
            mem = f"{kib / 2**20:.1f} GiB"
    except (OSError, StopIteration):
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram": mem, "os": f"{platform.system()} {platform.release()}"}


def versions(results, built):
    v = {}
    rustc = capture(["rustc", "--version"])
    commit = capture(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])
    dirty = capture(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"])
    tk = results.get("tiaokuai", {}).get("version", "?")
    v["tiaokuai"] = f"tiaokuai {tk} (commit {commit}{' + uncommitted changes' if dirty else ''}), {rustc}, release"
    if "tiaokuai-py" in results:
        r = results["tiaokuai-py"]
        how = "built from this tree by --build" if built else "the installed package"
        v["tiaokuai-py"] = f"tiaokuai {r.get('version', '?')} (bindings-py, {how}), {r.get('runtime', '')}"
    if "flat" in results:
        v["flat"] = f"benches/src/bin/flat.rs, {rustc}, release"
    for key, name in (("rustworkx", "rustworkx"), ("networkx", "NetworkX")):
        if key in results:
            r = results[key]
            v[key] = f"{name} {r.get('version', '?')}, {r.get('runtime', '')}"
    if "postgresql" in results:
        r = results["postgresql"]
        v["postgresql"] = f"PostgreSQL {r.get('version', '?')} (Debian package), client {r.get('runtime', '')}"
    return v


# ---------------------------------------------------------------------------
# docs/benchmarks.md


def section(scale, info, body):
    return f"<!-- compare:scale={scale} -->\n### {scale}\n\n{body.strip()}\n"


def write_docs(scale, body):
    text = open(DOCS, encoding="utf-8").read()
    head = "## Against peers, one run (`make compare`)\n\n" + DEFINITIONS + "\n"
    parts = {}
    if BEGIN in text and END in text:
        before, rest = text.split(BEGIN, 1)
        block, after = rest.split(END, 1)
        for m in re.finditer(r"<!-- compare:scale=(\w+) -->\n(.*?)(?=<!-- compare:scale=|\Z)", block, re.S):
            parts[m.group(1)] = m.group(0).rstrip() + "\n"
    else:
        before, after = text.rstrip() + "\n\n", "\n"
    parts[scale] = section(scale, None, body)
    order = [s for s in ("national", "city", "district") if s in parts] + sorted(
        s for s in parts if s not in ("national", "city", "district")
    )
    block = "\n" + head + "\n" + "\n".join(parts[s] for s in order)
    with open(DOCS, "w", encoding="utf-8") as f:
        f.write(before + BEGIN + "\n" + block + END + after)


# ---------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", default="city", choices=["district", "city", "national"])
    ap.add_argument("--skip", action="append", default=[], help="systems to leave out, comma-separated")
    ap.add_argument("--data-dir", help="where the data is cached (default /tmp/tiaokuai-compare/SCALE)")
    ap.add_argument("--build", action="store_true", help="build the release binaries and install bindings-py first")
    ap.add_argument("--no-docs", action="store_true", help="do not write docs/benchmarks.md")
    ap.add_argument("--command", help="the command to record in the docs (default: this script's command line)")
    args = ap.parse_args()
    skip = {s.strip() for arg in args.skip for s in arg.split(",") if s.strip()}
    known = {k for k, _ in SYSTEMS}
    if skip - known:
        sys.exit(f"--skip: unknown systems {sorted(skip - known)}; known: {', '.join(sorted(known))}")
    run_keys = [k for k, _ in SYSTEMS if k not in skip]
    data = args.data_dir or os.path.join("/tmp/tiaokuai-compare", args.scale)
    release = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release")
    command = args.command or "python3 benches/compare/run.py " + " ".join(sys.argv[1:])
    started = datetime.datetime.now().astimezone()
    load_before = os.getloadavg()

    if args.build:
        sh(["cargo", "build", "--release", "-p", "tiaokuai-cli", "-p", "tiaokuai-benches", "--bins"], cwd=ROOT)
        if "tiaokuai-py" in run_keys:
            pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-build-isolation", "--force-reinstall"]
            sh([*pip, "--no-deps", os.path.join(ROOT, "bindings-py")], cwd=ROOT)
    cli = os.path.join(release, "tiaokuai")
    for binary in (cli, *(os.path.join(release, b) for b in ("compare", "flat") if b in run_keys)):
        if not os.path.exists(binary):
            sys.exit(f"{binary} is missing: run with --build (make compare does)")
    model = data_step(args.scale, data, cli)
    records, links = count_lines(os.path.join(data, "nodes.csv")), count_lines(os.path.join(data, "edges.csv"))
    sizes = {
        "json": os.path.getsize(model),
        "csv": sum(os.path.getsize(os.path.join(data, f)) for f in ("nodes.csv", "edges.csv")),
    }

    results_dir = os.path.join(data, "results")
    os.makedirs(results_dir, exist_ok=True)
    cmds = commands(model, data, None, release)
    results = {}
    for key in run_keys:
        out = os.path.join(results_dir, f"{key}.json")
        argv = [a if a is not None else out for a in cmds[key]]
        inputs = (
            [model]
            if key in ("tiaokuai", "tiaokuai-py")
            else [os.path.join(data, "nodes.csv"), os.path.join(data, "edges.csv")]
        )
        results[key] = run_system(key, argv, out, inputs)
    load_after = os.getloadavg()

    problems, reference = compare_checks(results)
    columns = [(k, t) for k, t in SYSTEMS if k not in skip]
    tab = table(results, columns)
    scan = reference.get("scan")
    chain = reference.get("chain")
    info = machine()
    vers = versions(results, args.build)
    lines = [
        f"Scale **{args.scale}**: {records:,} records, {links:,} links "
        f"(JSON {sizes['json'] / 2**20:,.0f} MiB, CSV {sizes['csv'] / 2**20:,.0f} MiB). "
        f"Run {started:%Y-%m-%d %H:%M %Z}.",
        "",
        "```",
        command,
        "```",
        "",
        f"Machine: {info['nproc']} cores, {info['cpu']}, {info['ram']} RAM, {info['os']}; "
        f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after (the machine is shared).",
        "",
        tab,
        "",
    ]
    if chain:
        lines.append(
            f"Answers agree across systems: chain walks over {chain['walks']:,} units visit {chain['units']:,} units "
            f"(mean path {chain['units'] / chain['walks']:.4f}), {chain['cycles']} end in a cycle"
            + (f"; ancestors {reference['ancestors']['units']:,} units in all" if "ancestors" in reference else "")
            + (
                f"; dispatch-like: {reference['dispatch']['resolved']:,} of {reference['dispatch']['queries']:,} "
                f"pairs resolve, {reference['dispatch']['leads']:,} lead links"
                if "dispatch" in reference
                else ""
            )
            + (f"; the scan counts {scan[0]:,} units and {scan[1]:,} territories" if scan else "")
            + "."
        )
    audit = results.get("tiaokuai", {}).get("ops", {}).get("audit_2", {}).get("check")
    if audit:
        lines.append(
            f"The audit with C001 + C008 gives {audit['C001']:,} C001 and {audit['C008']:,} C008 findings "
            "(tiaokuai's own rules: C001 leaves out Party organisations themselves and counts a joint branch as no "
            "organisation of the unit's own; C008 looks at grids only)."
        )
    if problems:
        lines.append("")
        lines.append("**Answers differ:** " + "; ".join(problems))
    lines.append("")
    lines.append("Versions:")
    lines.append("")
    for key, title in columns:
        if key in vers:
            lines.append(f"- {title}: {vers[key]}")
    notes = [n for k, _ in columns for n in results.get(k, {}).get("notes", [])]
    errors = [f"{k}: {' '.join(results[k]['error'])}" for k, _ in columns if "error" in results.get(k, {})]
    if notes or errors or skip:
        lines.append("")
        lines.append("Notes:")
        lines.append("")
        lines += [f"- {n}" for n in notes]
        lines += [f"- failed: {e}" for e in errors]
        if skip:
            lines.append(f"- skipped: {', '.join(sorted(skip))}")
    body = "\n".join(lines)
    print()
    print(body)
    if not args.no_docs:
        write_docs(args.scale, body)
        log(f"\nwrote the {args.scale} part of the compare section of {os.path.relpath(DOCS, ROOT)}")
    if problems or errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
