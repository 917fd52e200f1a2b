"""Meetings (issue #15) from Python: the meetings as dicts, the M rules, the frame per community."""

from __future__ import annotations

import json

import pytest

import tiaokuai

from .conftest import ROOT

FIXTURE = ROOT / "core" / "tests" / "data" / "meetings.json"


def test_meetings_are_dicts_with_the_format_fields() -> None:
    model = tiaokuai.load(FIXTURE)
    meetings = model.meetings
    assert [m["id"] for m in meetings] == ["m1", "m2", "m3", "m4", "m5"]
    assert meetings[0] == {
        "id": "m1",
        "kind": "hearing",
        "territory": "c1",
        "date": "2022-03-01",
        "convener": "c1-jw",
        "topics": ["p-heard", "p-done", "p-unevaluated", "p-recent"],
    }
    assert meetings[4]["attrs"] == {"note": "before c3 existed"}
    assert tiaokuai.Model.from_json('{"format": "tiaokuai/1"}').meetings == []
    assert len(tiaokuai.sample().meetings) == 191  # the sample's, from 2022 (data/samples/README.md)


def test_the_m_rules_come_with_the_audit() -> None:
    report = tiaokuai.load(FIXTURE).audit()
    found = [(f.rule, f.subject) for f in report.findings if f.rule.startswith("M")]
    assert found == [("M001", "c2"), ("M001", "c3"), ("M002", "p-late"), ("M003", "p-unevaluated"), ("M004", "c3")]
    quiet = tiaokuai.load(FIXTURE).audit({"rules": {"M001": "off"}, "thresholds": {"evaluation_within_days": 30}})
    found = [(f.rule, f.subject) for f in quiet.findings if f.rule.startswith("M")]
    assert ("M003", "p-recent") in found and not any(r == "M001" for r, _ in found)


def test_a_bad_meeting_names_itself() -> None:
    doc = json.loads(FIXTURE.read_text(encoding="utf-8"))
    doc["meetings"][1]["territory"] = "ghost"
    with pytest.raises(tiaokuai.DanglingReferenceError, match=r'meetings\[1\] \(id "m2"\): "territory" names "ghost"'):
        tiaokuai.Model.from_dict(doc)


def test_meetings_frame_per_community_and_street() -> None:
    pytest.importorskip("pandas")
    model = tiaokuai.load(FIXTURE)
    df = model.meetings_frame()
    assert list(df["territory"]) == ["c1", "c1", "c2", "c3"]
    assert list(df["year"]) == [2022, 2023, 2023, 2022]
    assert list(df["projects_heard"]) == [4, 1, 0, 0]
    street = model.meetings_frame("street", 2023)
    assert list(street["meetings"]) == [3]
    with pytest.raises(tiaokuai.InvalidInputError):
        model.meetings_frame("city")
