"""Frames and graphs benchmark (not a test), issue #18: how long do the conversions a notebook
user makes take on the city model, beside pandas' own ``read_csv`` of the same data?

Measures ``units.to_pandas()``, ``links.to_pandas()``, ``report.to_pandas()``, the polars and
pyarrow variants, ``report.metrics_frame()`` and ``to_networkx()``; as the reference, pandas
``read_csv`` of ``units.csv`` and ``links.csv`` of the model's CSV bundle (``tiaokuai convert
--to csv``). Run it after a release install (``make install``):

    python bench/bench_frames.py MODEL.json CSV_FOLDER [--repeat 3]

Make the inputs with ``tiaokuai generate --scale city -o city.json`` and
``tiaokuai convert --to csv city.json -o city-csv``. Times are the best of ``--repeat`` runs,
wall clock: compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from pathlib import Path
from typing import Any, Callable

import tiaokuai


def best(repeat: int, f: Callable[[], Any]) -> float:
    """The best wall-clock time of `repeat` calls, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", type=Path)
    parser.add_argument("csv", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import pandas as pd

    start = time.perf_counter()
    model = tiaokuai.load(args.model)
    print(f"load: {time.perf_counter() - start:.2f} s ({len(model.units):,} units, {len(model.links):,} links)")
    report = model.audit()
    rows: list[tuple[str, Callable[[], Any]]] = [
        ("pandas.read_csv(units.csv)  [reference]", lambda: pd.read_csv(args.csv / "units.csv")),
        ("pandas.read_csv(links.csv)  [reference]", lambda: pd.read_csv(args.csv / "links.csv")),
        ("model.units.to_pandas()", lambda: model.units.to_pandas()),
        ("model.links.to_pandas()", lambda: model.links.to_pandas()),
        ("report.to_pandas()", lambda: report.to_pandas()),
        ("report.metrics_frame()", lambda: report.metrics_frame()),
    ]
    if importlib.util.find_spec("polars"):
        rows += [
            ("model.units.to_polars()", lambda: model.units.to_polars()),
            ("model.links.to_polars()", lambda: model.links.to_polars()),
        ]
    if importlib.util.find_spec("pyarrow"):
        rows += [
            ("model.units.to_arrow()", lambda: model.units.to_arrow()),
            ("model.links.to_arrow()", lambda: model.links.to_arrow()),
        ]
    rows.append(("model.to_networkx()", lambda: model.to_networkx()))
    print(f"{'what':<42} {'best of ' + str(args.repeat):>12}")
    for what, f in rows:
        print(f"{what:<42} {best(args.repeat, f):>10.3f} s", flush=True)


if __name__ == "__main__":
    main()
