#!/usr/bin/env python3
"""`tiaokuai cases` against the same analysis written the way a researcher would in pandas.

    python3 benches/cases/pandas_cases.py MODEL.json LOG.csv [--tiaokuai PATH] [--skip-pandas]

Runs `tiaokuai cases MODEL LOG --format json` (timed, peak RSS through /usr/bin/time
when present), then the pandas version: read the CSV, sort each case's events, groupby
case, and look each case's lead up in a Python dict of (matter, territory) -> lead units
built from the model's links (a lead applies at a territory when its link is scoped
there, or unscoped and its unit holds jurisdiction there; the nearest territory up the
parents wins). It checks that both give the same numbers (case counts by class,
returns, cycles, closed, open, on time; mean times to 1e-6 days) and prints the ratio.

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
    import pandas as pd

    with open(model_path, encoding="utf-8") as f:
        model = json.load(f)
    _, lookup = leads_of(model)
    matters = {m["id"] for m in model.get("matters", [])}
    territories = {t["id"] for t in model.get("territories", [])}
    units = {u["id"] for u in model.get("units", [])}
    log = pd.read_csv(log_path, dtype=str, keep_default_na=False)
    log["t"] = pd.to_datetime(log["at"], format="ISO8601")
    log = log.sort_values(["case", "t"], kind="stable")
    rows = []
    for case, g in log.groupby("case", sort=False):
        ev = g["event"].tolist()
        rep = g[ev_is(g, ("reported", "filed"))]
        if rep.empty:
            continue
        first = rep.iloc[0]
        disp = g[g["event"] == "dispatched"]
        seq = disp["unit"].tolist()
        closed = g[g["event"] == "closed"]
        matter, territory = first["matter"], first["territory"]
        if (
            matter not in matters
            or territory not in territories
            or any(u not in units for u in seq)
        ):
            cls = "unknown"
        else:
            leads = lookup(matter, territory)
            if not leads:
                cls = "gap_no_lead"
            elif len(leads) > 1:
                cls = "gap_several_leads"
            elif not seq:
                cls = "undispatched"
            else:
                cls = "right" if seq[-1] == leads[0] else "misrouted"
        cycle = any(
            u in seq[:i]
            and any(x != u for x in seq[len(seq[:i]) - seq[:i][::-1].index(u) : i])
            for i, u in enumerate(seq)
        )
        t0 = first["t"]
        td = disp["t"].iloc[0] if len(seq) else None
        tc = closed["t"].iloc[-1] if len(closed) else None
        day = pd.Timedelta(days=1)
        rows.append(
            {
                "case": case,
                "class": cls,
                "returns": ev.count("returned"),
                "cycle": cycle,
                "closed": tc is not None,
                "dispatch_days": (td - t0) / day if td is not None else None,
                "close_days": (tc - td) / day
                if tc is not None and td is not None
                else None,
                "on_time": tc is not None and (tc - t0) / day <= on_time_days,
            }
        )
    per = pd.DataFrame(rows)
    counts = per["class"].value_counts().to_dict()
    return {
        "cases": len(per),
        **{c: int(counts.get(c, 0)) for c in CLASSES},
        "returns": int(per["returns"].sum()),
        "cycles": int(per["cycle"].sum()),
        "closed": int(per["closed"].sum()),
        "open": int((~per["closed"]).sum()),
        "on_time": int(per["on_time"].sum()),
        "dispatch_days": float(per["dispatch_days"].dropna().mean()),
        "close_days": float(per["close_days"].dropna().mean()),
    }


def ev_is(g, words):
    return g["event"].isin(words)


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
) -> tuple[dict, float, int | None]:
    """One timed run of the CLI: its JSON summary, the seconds, the peak RSS in bytes."""
    with (
        tempfile.NamedTemporaryFile(suffix=".json") as out,
        tempfile.NamedTemporaryFile(suffix=".txt") as tm,
    ):
        cmd = [
            exe,
            "cases",
            model,
            log,
            "--format",
            "json",
            "--on-time",
            str(on_time),
            "--no-progress",
            "-o",
            out.name,
        ]
        timer = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None
        if timer:
            cmd = [timer, "-v", "-o", tm.name, *cmd]
        start = time.perf_counter()
        subprocess.run(cmd, check=True)
        seconds = time.perf_counter() - start
        rss = None
        if timer:
            with open(tm.name) as f:
                m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", f.read())
            rss = int(m.group(1)) * 1024 if m else None
        with open(out.name) as f:
            summary = json.load(f)["summary"]
    return summary, seconds, rss


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("model")
    ap.add_argument("log")
    ap.add_argument("--tiaokuai", default="target/release/tiaokuai")
    ap.add_argument("--on-time", type=float, default=15.0)
    ap.add_argument("--skip-pandas", action="store_true")
    a = ap.parse_args()
    summary, seconds, rss = run_tiaokuai(a.tiaokuai, a.model, a.log, a.on_time)
    print(
        f"tiaokuai cases: {seconds:.2f} s"
        + (f", peak RSS {rss / 2**20:.0f} MiB" if rss else "")
    )
    print(
        f"  {summary['rows']} rows, {summary['all']['cases']} cases, peak open {summary['peak_open']}"
    )
    if a.skip_pandas:
        return 0
    summary = summary["all"]
    start = time.perf_counter()
    pd_numbers = pandas_analysis(a.model, a.log, a.on_time)
    pd_seconds = time.perf_counter() - start
    ours = {
        k: summary[k]
        for k in ["cases", *CLASSES, "returns", "cycles", "closed", "open", "on_time"]
    }
    ours["dispatch_days"] = summary["dispatch_days"] / summary["dispatched_n"]
    ours["close_days"] = summary["close_days"] / summary["handled_n"]
    print(f"pandas:         {pd_seconds:.2f} s")
    print(f"ratio:          {pd_seconds / seconds:.1f}x")
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
            f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}"
            for k, v in ours.items()
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
