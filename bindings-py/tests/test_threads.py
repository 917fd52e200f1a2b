"""One model, many threads: queries and audits run with the GIL released and give the same answers."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import tiaokuai
from tiaokuai import Model

THREADS = 8


def test_queries_from_several_threads(sample: Model) -> None:
    # Every unit's chain on every line, every territory's block chain, each matter in 20 places:
    # 8 threads ask all of them at once (each from its own starting point) and must get the
    # answers one thread got.
    units = sample.units.ids()
    territories = sample.territories.ids()
    matters = sample.matters.ids()
    lines = ("leadership", "strip", "all")
    expected_chains = {(u, line): sample.chain(u, line).to_dict() for u in units for line in lines}
    expected_blocks = {t: sample.responsible_for(t).to_dict() for t in territories}
    expected_dispatch = {(m, t): sample.dispatch(m, t).to_dict() for m in matters for t in territories[:20]}
    expected_audit = sample.audit().to_dict()
    questions: list[tuple[str, tuple[str, ...]]] = (
        [("chain", k) for k in expected_chains]
        + [("block", (t,)) for t in expected_blocks]
        + [("dispatch", k) for k in expected_dispatch]
    )
    barrier = threading.Barrier(THREADS)

    def work(offset: int) -> tuple[int, int]:
        barrier.wait()
        checked = wrong = 0
        start = offset * len(questions) // THREADS
        for i in range(len(questions)):
            kind, key = questions[(start + i) % len(questions)]
            if kind == "chain":
                ok = sample.chain(key[0], key[1]).to_dict() == expected_chains[(key[0], key[1])]  # type: ignore[arg-type]
            elif kind == "block":
                ok = sample.responsible_for(key[0]).to_dict() == expected_blocks[key[0]]
            else:
                ok = sample.dispatch(key[0], key[1]).to_dict() == expected_dispatch[(key[0], key[1])]
            checked += 1
            wrong += not ok
        wrong += sample.audit().to_dict() != expected_audit
        return checked + 1, wrong

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(work, range(THREADS)))
    assert len(questions) > 2000
    assert results == [(len(questions) + 1, 0)] * THREADS


def test_the_gil_is_released_while_rust_works(sample: Model) -> None:
    # One thread runs a long call (one chains() call over 30,000 units); this thread keeps
    # time meanwhile. Were the GIL held for the whole call, this thread could not run during
    # it: its longest pause would be about the call's length. Released, it runs all along.
    units = sample.units.ids() * 60
    window: dict[str, float] = {}
    answers: list[int] = []

    def long_call() -> None:
        window["start"] = time.perf_counter()
        answers.append(len(sample.chains(units, "all")))
        window["end"] = time.perf_counter()

    worker = threading.Thread(target=long_call)
    stamps = [time.perf_counter()]
    worker.start()
    while worker.is_alive():
        time.sleep(0.001)
        stamps.append(time.perf_counter())
    worker.join()
    assert answers == [len(units)]
    start, end = window["start"], window["end"]
    inside = [s for s in stamps if start <= s <= end]
    gaps = [b - a for a, b in zip([start, *inside], [*inside, end])]
    assert end - start > 0.05, "the call is too short to tell"
    assert max(gaps) < (end - start) / 2, f"longest pause {max(gaps):.3f} s in a call of {end - start:.3f} s"


def test_fresh_model_built_lazily_from_threads() -> None:
    # The query index is built on first use: many threads race to build it.
    model = tiaokuai.generate("district", 3)
    units = model.units.ids()[:300]
    barrier = threading.Barrier(4)
    answers: list[list[list[str]]] = [[] for _ in range(4)]

    def work(k: int) -> None:
        barrier.wait()
        answers[k] = [c.ids for c in model.chains(units)]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers[0] == answers[1] == answers[2] == answers[3]
    assert answers[0] == [model.chain(u).ids for u in units]


def test_loading_in_threads(sample: Model) -> None:
    text = sample.to_json()
    with ThreadPoolExecutor(max_workers=4) as pool:
        models = list(pool.map(lambda _: Model.from_json(text), range(8)))
    assert all(m == sample for m in models)


def test_audit_and_timeline_are_the_same_on_any_threads():
    """Model.audit(threads=) and Model.timeline(threads=): the same findings, in the same order."""
    model = tiaokuai.Model.sample()
    one = model.audit(threads=1)
    key = lambda report: [(f.rule, f.subject, f.territory, f.message) for f in report.findings]  # noqa: E731
    assert len(one.findings) > 10
    for n in (0, 2, 4):
        assert key(model.audit(threads=n)) == key(one), n
    rows = lambda t: t.to_pandas().to_dict("records")  # noqa: E731
    base = rows(model.timeline(from_="2014", to="2024", every="year", threads=1))
    assert len(base) == 11
    assert rows(model.timeline(from_="2014", to="2024", every="year", threads=3)) == base
    with pytest.raises(OverflowError):
        model.audit(threads=-1)
