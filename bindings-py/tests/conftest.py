"""Shared fixtures: a tiny hand-written model, the embedded sample, and paths."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

import tiaokuai

ROOT = Path(__file__).resolve().parents[2]

# A small model with one of everything, readable at a glance:
#   city c ─ district d ─ street s ─ community k ─ grid g (nobody holds the grid)
TINY: dict[str, Any] = {
    "format": "tiaokuai/1",
    "meta": {"name": "tiny", "big": 123456789012345678901234567890},
    "territories": [
        {"id": "c", "name": "上海市", "kind": "city"},
        {"id": "d", "name": "宝山区", "kind": "district", "parent": "c"},
        {"id": "s", "name": "友谊路街道", "kind": "street", "parent": "d", "attrs": {"households": 620}},
        {"id": "k", "name": "竹园新村居民区", "kind": "community", "parent": "s"},
        {"id": "g", "name": "第1网格", "kind": "grid", "parent": "k"},
    ],
    "units": [
        {"id": "sw", "name": "中共上海市委", "kind": "party_committee", "sector": "party"},
        {"id": "dw", "name": "中共宝山区委", "kind": "party_committee", "sector": "party"},
        {"id": "gw", "name": "友谊路街道党工委", "kind": "party_working_committee", "sector": "party"},
        {"id": "gov", "name": "友谊路街道办事处", "kind": "government", "sector": "government"},
        {"id": "kp", "name": "竹园新村居民区党支部", "kind": "party_branch", "sector": "party"},
        {"id": "dept", "name": "宝山区市场监督管理局", "kind": "department", "sector": "government"},
        {"id": "agency", "name": "友谊路市场监管所", "kind": "dispatched_agency", "sector": "government"},
        {
            "id": "acme",
            "name": "某科技有限公司",
            "kind": "enterprise",
            "sector": "private",
            "located_in": "k",
            "members": 4,
            "staff": 30,
            "since": "2020-01-01",
        },
    ],
    "matters": [{"id": "vending", "name": "占道经营", "list": "basic", "category": "urban_management"}],
    "items": [{"id": "need", "name": "老年助餐", "list": "need"}],
    "links": [
        {"from": "sw", "to": "c", "kind": "jurisdiction"},
        {"from": "dw", "to": "d", "kind": "jurisdiction"},
        {"from": "gw", "to": "s", "kind": "jurisdiction"},
        {"from": "gov", "to": "s", "kind": "jurisdiction"},
        {"from": "kp", "to": "k", "kind": "jurisdiction"},
        {"from": "sw", "to": "dw", "kind": "leads"},
        {"from": "dw", "to": "gw", "kind": "leads"},
        {"from": "gw", "to": "kp", "kind": "leads"},
        {"from": "dept", "to": "agency", "kind": "dispatches"},
        {"from": "dept", "to": "agency", "kind": "leads", "primary": True},
        {"from": "gov", "to": "agency", "kind": "leads"},
        {"from": "gw", "to": "agency", "kind": "power", "power": "assessment"},
        {"from": "gov", "to": "vending", "kind": "responsible", "role": "lead", "attrs": {"note": "x"}},
        {"from": "acme", "to": "need", "kind": "raises", "until": "2030-12-31"},
    ],
}


@pytest.fixture
def tiny_dict() -> dict[str, Any]:
    """A fresh copy of the tiny model's dict (tests may change it)."""
    return copy.deepcopy(TINY)


@pytest.fixture
def tiny() -> tiaokuai.Model:
    """The tiny model."""
    return tiaokuai.Model.from_dict(TINY)


@pytest.fixture(scope="session")
def sample() -> tiaokuai.Model:
    """The embedded Baoshan sample."""
    return tiaokuai.sample()
