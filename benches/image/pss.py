#!/usr/bin/env python3
"""Memory of N processes holding one model at once (issue #19's "eight processes serving one
snapshot"), measured by PSS: each process's proportional set size, shared pages divided among
the processes that map them, so the sum is what the N take together.

    python3 benches/image/pss.py MODEL [N]     (N defaults to 8)

Starts N `image_open MODEL --hold` (the core's example: opens the model, answers one chain,
prints its figures, then waits), reads every process's Pss from /proc/PID/smaps_rollup once
all have opened, and prints the sum beside one process's, and their ratio."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / "target" / "release" / "examples" / "image_open"


def pss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def main() -> None:
    model, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 8
    if not BIN.exists():
        subprocess.run(
            [
                "cargo",
                "build",
                "--release",
                "-p",
                "tiaokuai",
                "--example",
                "image_open",
            ],
            check=True,
            cwd=ROOT,
        )
    procs = [
        subprocess.Popen(
            [BIN, model, "--hold"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(n)
    ]
    try:
        first = [json.loads(p.stdout.readline()) for p in procs]
        pss = [pss_kb(p.pid) for p in procs]
    finally:
        for p in procs:
            p.stdin.close()
            p.wait()
    one = first[0]
    total = sum(pss)
    print(
        json.dumps(
            {
                "model": model,
                "processes": n,
                "open_ms": [round(f["open_ms"]) for f in first],
                "pss_one_mb": round(pss[0] / 1024, 1),
                "pss_all_mb": round(total / 1024, 1),
                "ratio_to_one": round(total / max(pss[0], 1), 2),
                "rss_one_mb": round(one["rss_kb"] / 1024, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
