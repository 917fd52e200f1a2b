#!/usr/bin/env python3
"""Memory of N processes holding one model at once (issue #19's "eight processes serving one
snapshot"), measured by PSS: each process's proportional set size, shared pages divided among
the processes that map them, so the sum is what the N take together.

    python3 benches/image/pss.py [--no-map] MODEL [N]          (N defaults to 8)
    python3 benches/image/pss.py --fork MODEL [N]

Starts N `image_open MODEL --hold` (the core's example: opens the model, answers one chain,
prints its figures, then waits), reads every process's Pss from /proc/PID/smaps_rollup once
all have opened, and prints the sum beside the memory of one process alone (its Rss: every
page it maps, shared or not) and their ratio. With `--no-map` the processes read a model
image into memory instead of mapping it (`LoadOptions::map(false)`).

With `--fork`, the way a pre-forking server shares a model (gunicorn's `--preload`, uWSGI's
default, multiprocessing's fork start method): one Python process opens the model through the
Python binding (a release build of it, staged in target/pss-site), answers a chain so the
query tables are built, then forks N workers that each answer a chain of their own and wait.
The model is immutable, so its pages stay shared copy-on-write; the sum counts the parent and
the N workers, against the parent's PSS before it forked."""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / "target" / "release" / "examples" / "image_open"
SITE = ROOT / "target" / "pss-site"


def pss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def stage_python() -> None:
    """The Python package with a release build of its extension, in SITE."""
    subprocess.run(
        ["cargo", "build", "--release", "-p", "tiaokuai-py"], check=True, cwd=ROOT
    )
    shutil.rmtree(SITE, ignore_errors=True)
    shutil.copytree(ROOT / "bindings-py" / "python" / "tiaokuai", SITE / "tiaokuai")
    shutil.copy(
        ROOT / "target" / "release" / "lib_tiaokuai.so",
        SITE / "tiaokuai" / "_tiaokuai.abi3.so",
    )


def forked(model: str, n: int) -> None:
    """One process opens the model and forks `n` workers that share it (see the docstring)."""
    stage_python()
    sys.path.insert(0, str(SITE))
    import tiaokuai

    start = time.perf_counter()
    m = tiaokuai.Model.load(model)
    units = m.units
    first = m.chain(next(units.records()).id).steps
    opened_ms = (time.perf_counter() - start) * 1e3
    one = pss_kb(os.getpid())
    ids = [u.id for _, u in zip(range(n), units.records())]
    pipes, pids = [], []
    for i in range(n):
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # a worker: answer a chain of its own, say so, wait for the parent
            os.close(r)
            steps = len(m.chain(ids[i % len(ids)]).steps)
            os.write(w, f"{steps}\n".encode())
            time.sleep(3600)  # until the parent has read every PSS and ends it
            os._exit(0)
        os.close(w)
        pipes.append(r)
        pids.append(pid)
    answers = [int(os.read(r, 64).decode().split()[0]) for r in pipes]
    pss = [pss_kb(os.getpid())] + [pss_kb(p) for p in pids]
    for p in pids:
        os.kill(p, 15)
        os.waitpid(p, 0)
    total = sum(pss)
    print(
        json.dumps(
            {
                "model": model,
                "mode": "fork",
                "workers": n,
                "open_and_first_answer_ms": round(opened_ms),
                "first_chain_steps": len(first),
                "worker_chain_steps": answers,
                "pss_one_mb": round(one / 1024, 1),
                "pss_parent_and_workers_mb": round(total / 1024, 1),
                "ratio_to_one": round(total / max(one, 1), 2),
            }
        )
    )


def main() -> None:
    if sys.argv[1:2] == ["--fork"]:
        forked(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 8)
        return
    args = sys.argv[1:]
    extra = ["--no-map"] if "--no-map" in args else []
    args = [a for a in args if a != "--no-map"]
    model, n = args[0], int(args[1]) if len(args) > 1 else 8
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
            [BIN, model, "--hold", *extra],
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
    alone = one["rss_kb"]  # what one process holding the model alone would take
    print(
        json.dumps(
            {
                "model": model,
                "processes": n,
                "mapped": not extra,
                "open_ms": [round(f["open_ms"]) for f in first],
                "pss_one_mb": round(pss[0] / 1024, 1),
                "pss_all_mb": round(total / 1024, 1),
                "rss_one_mb": round(alone / 1024, 1),
                "mapped_mb": round(one["mapped_bytes"] / 2**20, 1),
                "ratio_to_one": round(total / max(alone, 1), 2),
            }
        )
    )


if __name__ == "__main__":
    main()
