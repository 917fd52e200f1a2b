"""pandas and networkx are optional extras: without them, a clear ImportError names the extra."""

from __future__ import annotations

import sys

import pytest

import tiaokuai
from tiaokuai import Model


@pytest.fixture
def no_pandas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)


@pytest.fixture
def no_networkx(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "networkx", None)


@pytest.mark.usefixtures("no_pandas")
def test_pandas_missing(tiny: Model) -> None:
    report = tiny.audit()
    for call in (report.to_pandas, report.metrics_frame, tiny.units.to_pandas, tiny.links.to_pandas):
        with pytest.raises(ImportError, match=r"pip install 'tiaokuai\[pandas\]'"):
            call()
    # everything else works without pandas
    assert len(report.findings) == len(report)


@pytest.mark.usefixtures("no_networkx")
def test_networkx_missing(tiny: Model) -> None:
    with pytest.raises(ImportError, match=r"Model.to_networkx\(\) needs networkx.*tiaokuai\[networkx\]"):
        tiny.to_networkx()


def test_views_to_pandas(tiny: Model) -> None:
    import pandas as pd

    units = tiny.units.to_pandas()
    assert isinstance(units, pd.DataFrame)
    assert list(units.index) == tiny.units.ids()
    assert units.loc["acme", "members"] == 4 and units.loc["acme", "level"] == "community"
    links = tiny.links.of_kind("leads").to_pandas()
    assert list(links.columns[:5]) == ["from", "from_name", "to", "to_name", "kind"]
    assert list(links.index) == [link.index for link in tiny.links.of_kind("leads")]
    territories = tiny.territories.to_pandas()
    assert territories.loc["s", "parent"] == "d"
    assert len(tiaokuai.sample().records.to_pandas()) == len(tiaokuai.sample())
