"""Python-side benchmark (not a test): how much does calling tiaokuai from Python cost?

On the city-scale generated model (Shanghai, about 300,000 units) it measures

* loading a JSON file: ``tiaokuai.load`` vs the Rust CLI (``tiaokuai chain FILE UNIT``: load + one chain);
* the audit: ``model.audit()`` (+ ``to_json``) vs the CLI (``tiaokuai audit FILE --format json``) minus its load;
* chains: one ``model.chain`` call per unit vs one ``model.chains`` call for all (one GIL release);
* ``responsible_for`` per territory, and ``to_networkx``.

Run it after ``make install`` (a release build):

    python bench/bench_py.py [--scale city|district] [--cli ../target/release/tiaokuai]

The CLI is built with ``cargo build --release -p tiaokuai-cli`` when it is missing and ``--no-build`` is not given.
Times are the best of ``--repeat`` runs, wall clock, on whatever machine this is: compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, TypeVar

import tiaokuai

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[2]


def best(repeat: int, f: Callable[[], T]) -> tuple[float, T]:
    """The best wall-clock time of `repeat` calls, and the last result."""
    times = []
    result: T
    for _ in range(repeat):
        start = time.perf_counter()
        result = f()
        times.append(time.perf_counter() - start)
    return min(times), result


def cli_time(repeat: int, args: list[str]) -> float:
    def run() -> None:
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL)

    return best(repeat, run)[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="city", choices=["district", "city"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cli", type=Path, default=ROOT / "target" / "release" / "tiaokuai")
    parser.add_argument("--no-build", action="store_true", help="do not build the CLI when it is missing")
    args = parser.parse_args()

    rows: list[tuple[str, float, str]] = []

    def row(what: str, seconds: float, note: str = "") -> None:
        rows.append((what, seconds, note))
        print(f"{what:<44} {seconds * 1000:>10.1f} ms  {note}", flush=True)

    t, model = best(1, lambda: tiaokuai.generate(args.scale, args.seed))  # type: ignore[arg-type]
    row(f"generate {args.scale} (Python)", t, repr(model))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.json"
        model.write(path)
        size = os.path.getsize(path)
        t_load, loaded = best(args.repeat, lambda: tiaokuai.load(path))
        assert loaded == model
        row("load JSON (Python: tiaokuai.load)", t_load, f"{size / 1e6:.0f} MB")

        t_audit, report = best(args.repeat, model.audit)
        row("audit (Python: model.audit)", t_audit, repr(report))
        t_json, _ = best(args.repeat, report.to_json)
        row("report to JSON (Python: report.to_json)", t_json)
        t_dict, _ = best(args.repeat, report.to_dict)
        row("report to dict (Python: report.to_dict)", t_dict)

        units = model.units.ids()
        t_one, _ = best(args.repeat, lambda: [model.chain(u) for u in units])
        row(f"chain x {len(units)} (one call each)", t_one, f"{t_one / len(units) * 1e6:.2f} µs/chain")
        t_batch, chains = best(args.repeat, lambda: model.chains(units))
        row(f"chains x {len(units)} (one call for all)", t_batch, f"{t_batch / len(units) * 1e6:.2f} µs/chain")
        t_ids, _ = best(args.repeat, lambda: [c.ids for c in chains])
        row("  reading .ids of every chain", t_ids)
        territories = model.territories.ids()
        t_resp, _ = best(args.repeat, lambda: [model.responsible_for(t) for t in territories])
        row(f"responsible_for x {len(territories)}", t_resp, f"{t_resp / len(territories) * 1e6:.2f} µs each")
        t_nx, _ = best(1, model.to_networkx)
        row("to_networkx", t_nx)

        cli = args.cli
        if not cli.exists() and not args.no_build:
            print(f"building {cli} …", flush=True)
            subprocess.run(["cargo", "build", "--release", "-p", "tiaokuai-cli"], cwd=ROOT, check=True)
        if cli.exists():
            t_cli_load = cli_time(args.repeat, [str(cli), "chain", str(path), units[0]])
            row("load JSON + 1 chain (Rust CLI process)", t_cli_load)
            audit_args = [str(cli), "audit", str(path), "--format", "json", "--fail-on", "never"]
            t_cli_audit = cli_time(args.repeat, audit_args)
            row("load + audit + JSON (Rust CLI process)", t_cli_audit)
            print()
            print(f"load:  Python / Rust = {t_load / t_cli_load:.2f}")
            rust_audit = t_cli_audit - t_cli_load
            ratio = (t_audit + t_json) / rust_audit
            print(f"audit: Python (audit + to_json) / Rust (CLI minus its load) = {ratio:.2f}")
        else:
            print(f"(no CLI at {cli}: Rust-side figures skipped)")
        print(f"chains: per-call / batch = {t_one / t_batch:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
