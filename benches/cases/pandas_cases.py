#!/usr/bin/env python3
"""`tiaokuai cases` against the same analysis written the way a researcher would in pandas.

    python3 benches/cases/pandas_cases.py MODEL.json LOG.csv [--tiaokuai PATH] [--skip-pandas]
    python3 benches/cases/pandas_cases.py --city [--cases 2500000]   (what `make compare-cases` runs)

Runs `tiaokuai cases MODEL LOG --format json --table findings` (timed, with /usr/bin/time's
user, system and peak RSS when present; the CLI gathers the summary and the two-row
findings table it writes, as the pandas version computes the totals alone), then the
pandas version: read the CSV, parse the times, sort, groupby case (first report,
dispatches as lists, last close, returns), and look each case's lead up in a Python
dict of (matter, territory) -> lead units built from the model's links (a lead applies
at a territory when its link is scoped there, or unscoped and its unit holds
jurisdiction there; the nearest territory up the parents wins). It checks that both
give the same numbers (case counts by class, returns, cycles, closed, open, on time;
mean times to 1e-6 days) and prints the ratio.

The pandas version reads the model undated (every record counts), so use an undated
model (`tiaokuai generate --scale city`), as the benchmark does.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict


def leads_of(model: dict) -> tuple[dict, dict]:
    """parent of each territory, and a function's tables: leads by (matter, territory)."""
    parent = {t["id"]: t.get("parent") for t in model.get("territories", [])}
    holds = defaultdict(set)  # unit -> territories with jurisdiction
    scoped = defaultdict(set)  # (matter, territory) -> units
    unscoped = defaultdict(set)  # matter -> units
    for link in model.get("links", []):
        if link["kind"] == "jurisdiction":
            holds[link["from"]].add(link["to"])
        elif link["kind"] == "responsible" and link.get("role") == "lead":
            if link.get("scope"):
                scoped[(link["to"], link["scope"])].add(link["from"])
            else:
                unscoped[link["to"]].add(link["from"])
    held_by = defaultdict(set)  # territory -> units holding it
    for unit, ts in holds.items():
        for t in ts:
            held_by[t].add(unit)
    lead = {}

    def lookup(matter: str, territory: str) -> tuple[str, ...] | None:
        key = (matter, territory)
        if key in lead:
            return lead[key]
        t = territory
        found: tuple[str, ...] = ()
        while t is not None:
            units = set(scoped.get((matter, t), ())) | (
                unscoped.get(matter, set()) & held_by.get(t, set())
            )
            if units:
                found = tuple(sorted(units))
                break
            t = parent.get(t)
        lead[key] = found
        return found

    return parent, lookup


def pandas_analysis(model_path: str, log_path: str, on_time_days: float) -> dict:
    """The analysis as a researcher would write it: read, sort, groupby, and a Python dict
    of (matter, territory) -> lead units looked up once per case."""
    import pandas as pd

    with open(model_path, encoding="utf-8") as f:
        model = json.load(f)
    _, lookup = leads_of(model)
    matters = {m["id"] for m in model.get("matters", [])}
    territories = {t["id"] for t in model.get("territories", [])}
    units = {u["id"] for u in model.get("units", [])}
    del model
    log = pd.read_csv(log_path, dtype=str, keep_default_na=False)
    log["t"] = pd.to_datetime(log["at"], format="ISO8601")
    log = log.sort_values(["case", "t"], kind="stable")
    day = pd.Timedelta(days=1)

    reports = log[log["event"].isin(["reported", "filed"])].groupby("case", sort=False)
    per = reports[["matter", "territory", "t"]].first()
    disp = log[log["event"] == "dispatched"].groupby("case", sort=False)
    per["first_dispatch"] = disp["t"].first()
    per["seq"] = disp["unit"].agg(list)
    per["closed_at"] = (
        log[log["event"] == "closed"].groupby("case", sort=False)["t"].last()
    )
    per["returns"] = (
        (log["event"] == "returned")
        .groupby(log["case"], sort=False)
        .sum()
        .reindex(per.index)
    )

    def classify(matter: str, territory: str, seq) -> str:
        seq = seq if isinstance(seq, list) else []
        if (
            matter not in matters
            or territory not in territories
            or any(u not in units for u in seq)
        ):
            return "unknown"
        leads = lookup(matter, territory)
        if not leads:
            return "gap_no_lead"
        if len(leads) > 1:
            return "gap_several_leads"
        if not seq:
            return "undispatched"
        return "right" if seq[-1] == leads[0] else "misrouted"

    def has_cycle(seq) -> bool:
        if not isinstance(seq, list):
            return False
        last: dict[str, int] = {}
        for i, u in enumerate(seq):
            j = last.get(u)
            if j is not None and any(x != u for x in seq[j + 1 : i]):
                return True
            last[u] = i
        return False

    per["class"] = [
        classify(m, t, s)
        for m, t, s in zip(per["matter"], per["territory"], per["seq"])
    ]
    per["cycle"] = [has_cycle(s) for s in per["seq"]]
    closed = per["closed_at"].notna()
    dispatch_days = (per["first_dispatch"] - per["t"]) / day
    close_days = (per["closed_at"] - per["first_dispatch"]) / day
    on_time = closed & ((per["closed_at"] - per["t"]) / day <= on_time_days)
    counts = per["class"].value_counts().to_dict()
    return {
        "cases": len(per),
        **{c: int(counts.get(c, 0)) for c in CLASSES},
        "returns": int(per["returns"].sum()),
        "cycles": int(per["cycle"].sum()),
        "closed": int(closed.sum()),
        "open": int((~closed).sum()),
        "on_time": int(on_time.sum()),
        "dispatch_days": float(dispatch_days.dropna().mean()),
        "close_days": float(close_days.dropna().mean()),
    }


CLASSES = [
    "right",
    "misrouted",
    "gap_no_lead",
    "gap_several_leads",
    "unknown",
    "undispatched",
]


def run_tiaokuai(
    exe: str, model: str, log: str, on_time: float
) -> tuple[dict, float, str]:
    """One timed run of the CLI (the summary and the two-row findings table gathered and
    written, as JSON): the numbers to check, the seconds, and /usr/bin/time's figures."""
    with (
        tempfile.NamedTemporaryFile(suffix=".json") as out,
        tempfile.NamedTemporaryFile(suffix=".txt") as tm,
    ):
        cmd = [exe, "cases", model, log, "--format", "json", "--table", "findings"]
        cmd += ["--on-time", str(on_time), "--no-progress", "-o", out.name]
        timer = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None
        if timer:
            cmd = [timer, "-v", "-o", tm.name, *cmd]
        start = time.perf_counter()
        subprocess.run(cmd, check=True)
        seconds = time.perf_counter() - start
        figures = ""
        if timer:
            with open(tm.name) as f:
                text = f.read()
            got = {
                k: re.search(pat, text)
                for k, pat in (
                    ("user", r"User time \(seconds\): ([\d.]+)"),
                    ("sys", r"System time \(seconds\): ([\d.]+)"),
                    ("rss", r"Maximum resident set size \(kbytes\): (\d+)"),
                )
            }
            if all(got.values()):
                figures = (
                    f"{got['user'].group(1)} s user, {got['sys'].group(1)} s system, "
                    f"peak RSS {int(got['rss'].group(1)) / 1024:.0f} MiB"
                )
        with open(out.name) as f:
            rows = json.load(f)
    ours = {
        k: sum(r[k] for r in rows)
        for k in ["cases", *CLASSES, "returns", "cycles", "closed", "open", "on_time"]
    }
    for mean, n in (("dispatch_days", "dispatched_n"), ("close_days", "handled_n")):
        total = sum(r[n] for r in rows)
        ours[mean] = (
            sum(r[mean] * r[n] for r in rows if r[n]) / total if total else float("nan")
        )
    return ours, seconds, figures


def city_inputs(exe: str, cases: int, data: str) -> tuple[str, str]:
    """The city model (`generate --scale city --seed 1`) and a log of `cases` cases against
    it (`generate-cases --seed 2`), made once and kept in `data`."""
    os.makedirs(data, exist_ok=True)
    model = os.path.join(data, "city.json")
    log = os.path.join(data, f"cases-{cases}.csv")
    if not os.path.exists(model):
        print(f"generating {model}", file=sys.stderr)
        subprocess.run(
            [exe, "generate", "--scale", "city", "--seed", "1", "-o", model], check=True
        )
    if not os.path.exists(log):
        print(f"generating {log}", file=sys.stderr)
        cmd = [
            exe,
            "generate-cases",
            model,
            "--cases",
            str(cases),
            "--seed",
            "2",
            "-o",
            log,
        ]
        subprocess.run(cmd, check=True)
    return model, log


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("model", nargs="?")
    ap.add_argument("log", nargs="?")
    ap.add_argument(
        "--city",
        action="store_true",
        help="generate the city model and a log (kept in --data)",
    )
    ap.add_argument(
        "--cases",
        type=int,
        default=2_500_000,
        help="cases in the --city log (default 2,500,000: about 10 M event rows, the "
        "benchmark's size; 250,000 for a quick run)",
    )
    ap.add_argument(
        "--data",
        default="/tmp/tiaokuai-compare/cases",
        help="where --city keeps its inputs",
    )
    ap.add_argument("--tiaokuai", default="target/release/tiaokuai")
    ap.add_argument("--on-time", type=float, default=15.0)
    ap.add_argument("--skip-pandas", action="store_true")
    a = ap.parse_args()
    if a.city:
        a.model, a.log = city_inputs(a.tiaokuai, a.cases, a.data)
    elif not (a.model and a.log):
        ap.error("give MODEL and LOG, or --city")
    with open(a.log, "rb") as f:
        rows = (
            sum(block.count(b"\n") for block in iter(lambda: f.read(1 << 20), b"")) - 1
        )
    print(
        f"model {a.model}, log {a.log}: {rows:,} rows, {os.path.getsize(a.log) / 2**20:.0f} MiB"
    )
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    ours, seconds, figures = run_tiaokuai(a.tiaokuai, a.model, a.log, a.on_time)
    print(
        f"tiaokuai cases: {seconds:.2f} s wall" + (f" ({figures})" if figures else "")
    )
    print(f"  {ours['cases']:,} cases")
    if a.skip_pandas:
        return 0
    start = time.perf_counter()
    cpu = time.process_time()
    pd_numbers = pandas_analysis(a.model, a.log, a.on_time)
    pd_seconds = time.perf_counter() - start
    print(
        f"pandas:         {pd_seconds:.2f} s wall ({time.process_time() - cpu:.2f} s CPU)"
    )
    print(f"ratio:          {pd_seconds / seconds:.1f}x (wall)")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    bad = []
    for k, v in ours.items():
        p = pd_numbers[k]
        same = abs(v - p) < 1e-6 if isinstance(v, float) else v == p
        if not same:
            bad.append(f"{k}: tiaokuai {v}, pandas {p}")
    if bad:
        print("DIFFERENT NUMBERS:\n  " + "\n  ".join(bad))
        return 1
    print(
        "same numbers: "
        + ", ".join(
            f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v:,}"
            for k, v in ours.items()
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
