"""One model, many threads: queries and audits run with the GIL released and give the same answers."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import tiaokuai
from tiaokuai import Model


def test_queries_from_several_threads(sample: Model) -> None:
    units = sample.units.ids()
    territories = sample.territories.ids()
    matters = sample.matters.ids()
    expected_chains = {u: sample.chain(u, "all").to_dict() for u in units}
    expected_blocks = {t: sample.responsible_for(t).to_dict() for t in territories}
    expected_dispatch = {(m, t): sample.dispatch(m, t).to_dict() for m in matters for t in territories[:20]}
    expected_audit = sample.audit().to_dict()

    def work(offset: int) -> int:
        checked = 0
        for i in range(len(units)):
            u = units[(i + offset * 37) % len(units)]
            assert sample.chain(u, "all").to_dict() == expected_chains[u]
            checked += 1
        for t in territories[offset::3]:
            assert sample.responsible_for(t).to_dict() == expected_blocks[t]
            checked += 1
        for (m, t), d in expected_dispatch.items():
            assert sample.dispatch(m, t).to_dict() == d
            checked += 1
        assert sample.audit().to_dict() == expected_audit
        return checked

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(work, range(6)))
    assert all(n > len(units) for n in results)


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
