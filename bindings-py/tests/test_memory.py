"""Memory stays flat over many load/audit cycles: nothing the bindings hand to Python
(models, reports, findings, answers, errors) leaks native memory or Python objects.

The resident set size is read after a warm-up (allocator arenas, interned strings and
caches settle there) and again at the end; a leak of even a few hundred bytes per
cycle would show as megabytes."""

from __future__ import annotations

import gc
import json
import os
import resource
import time
from pathlib import Path
from typing import Any, Callable

import tiaokuai
from tiaokuai import Model

from .conftest import ROOT, TINY

MIB = 1024 * 1024


def rss() -> int:
    """The resident set size of this process, in bytes."""
    statm = Path("/proc/self/statm")
    if statm.exists():
        return int(statm.read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    # Elsewhere the peak (KiB on Linux, bytes on macOS): growth of the peak is growth too.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def growth(cycle: Callable[[], None], warm_up: int, cycles: int) -> tuple[int, int, float]:
    """Runs `cycle` warm_up times, measures, runs it `cycles` times, measures again.
    Returns (RSS after the warm-up, RSS at the end, seconds)."""
    for _ in range(warm_up):
        cycle()
    gc.collect()
    before = rss()
    started = time.perf_counter()
    for _ in range(cycles):
        cycle()
    seconds = time.perf_counter() - started
    gc.collect()
    return before, rss(), seconds


BAD = json.dumps(dict(TINY, units=[*TINY["units"], {"id": "x", "name": "X", "kind": "enterprise", "members": -1}]))


def test_ten_thousand_load_audit_cycles_keep_memory_flat() -> None:
    # Each cycle touches every kind of object the bindings make: a model from JSON text and
    # from a dict, an audit with a config and its findings, evidence and metrics, the three
    # queries, a record, and three errors raised and caught.
    text = json.dumps(TINY)
    config = {"rules": {"C004": "off"}, "thresholds": {"min_members_for_org": 3}}

    def cycle() -> None:
        model = Model.from_json(text)
        report = model.audit(config)
        assert len(report.to_dict()["findings"]) == len(report)
        for finding in report.findings:
            finding.to_dict()
        model.chain("acme", "all").to_dict()
        model.responsible_for("g").to_dict()
        model.dispatch("vending", "k").to_dict()
        model["acme"].to_dict()
        Model.from_dict(TINY)
        errors = 0
        for bad in (lambda: model.chain("ghost"), lambda: Model.from_json(BAD), lambda: model.audit({"x": 1})):
            try:
                bad()
            except tiaokuai.TiaokuaiError:
                errors += 1
        assert errors == 3

    before, after, seconds = growth(cycle, warm_up=500, cycles=10_000)
    print(f"\n10,000 cycles on the tiny model in {seconds:.1f} s: RSS {before / MIB:.1f} MiB -> {after / MIB:.1f} MiB")
    assert after - before < 4 * MIB, f"RSS grew by {(after - before) / MIB:.1f} MiB over 10,000 cycles"


def test_sample_load_audit_cycles_keep_memory_flat() -> None:
    # The embedded sample (1,264 records, 483 of them people, 1,957 links at its date; a few ms a cycle):
    # one leaked model or report would be hundreds of kilobytes.
    text = (ROOT / "data" / "samples" / "baoshan.json").read_text(encoding="utf-8")

    def cycle() -> None:
        report = Model.from_json(text).audit()
        assert len(report) > 0

    before, after, seconds = growth(cycle, warm_up=100, cycles=1_000)
    print(f"\n1,000 cycles on the sample in {seconds:.1f} s: RSS {before / MIB:.1f} MiB -> {after / MIB:.1f} MiB")
    assert after - before < 8 * MIB, f"RSS grew by {(after - before) / MIB:.1f} MiB over 1,000 cycles"


def test_the_measure_sees_a_leak() -> None:
    # The check can fail: keeping what each cycle makes (a model and its report, a few
    # kilobytes) shows up as megabytes of growth.
    kept: list[Any] = []
    text = json.dumps(TINY)

    def cycle() -> None:
        model = Model.from_json(text)
        kept.append((model, model.audit()))

    before, after, _ = growth(cycle, warm_up=0, cycles=2_000)
    assert len(kept) == 2_000
    assert after - before > 2 * MIB
