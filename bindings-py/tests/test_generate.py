"""tiaokuai.generate, tiaokuai.import_divisions and tiaokuai.sample."""

from __future__ import annotations

import pytest

import tiaokuai


def test_generate_is_deterministic() -> None:
    a = tiaokuai.generate("district", 7)
    assert a.to_json() == tiaokuai.generate("district", 7).to_json()
    assert a != tiaokuai.generate("district", 8)
    assert len(a.units) > 5_000
    assert "310113-dw" in a
    assert a.title is not None and "seed 7" in a.title


def test_generate_on_a_prefix() -> None:
    model = tiaokuai.generate("district", 3, prefix="310113003")
    assert "310113003-gw" in model and "310113101" not in model
    gaps = [r.id for r in model.records.values() if "gaps" in r.attrs]
    assert all(isinstance(code, str) for r in gaps for code in model[r].attrs["gaps"])


def test_generate_bad_arguments() -> None:
    with pytest.raises(tiaokuai.InvalidInputError, match="unknown scale"):
        tiaokuai.generate("town")  # type: ignore[arg-type]
    with pytest.raises(tiaokuai.InvalidInputError, match="division code"):
        tiaokuai.generate("district", 1, prefix="9999")
    with pytest.raises(OverflowError):
        tiaokuai.generate("district", -1)


def test_import_divisions() -> None:
    shanghai = tiaokuai.import_divisions("31")
    assert shanghai.title == "上海市"
    assert len(shanghai.territories.of_kind("district")) == 16
    assert len(shanghai.units) == 0 and len(shanghai.links) == 0
    assert shanghai["310113"].name == "宝山区"
    baoshan = tiaokuai.import_divisions("310113")
    assert list(baoshan.territories.filter(kind="zone")) == ["310113501"]
    with pytest.raises(tiaokuai.InvalidInputError, match='no division has code prefix "9999"'):
        tiaokuai.import_divisions("9999")
    with pytest.raises(tiaokuai.InvalidInputError):
        tiaokuai.import_divisions("31x")


def test_sample_function_and_method() -> None:
    assert tiaokuai.sample() == tiaokuai.Model.sample()
