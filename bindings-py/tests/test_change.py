"""Change sets and what-if (issue #13): Model.apply, diff, ChangeSet, RejectedError,
Model.whatif and Model.whatif_dates, on the tiny model, tests/changes/*.json and the
sample's 2015 reform read as two dates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import tiaokuai

from .conftest import ROOT

REFORM = ROOT / "tests" / "changes" / "reform-2020.json"

# Assigns the grid nobody holds (tiny's C008) and renames the street's working committee.
CHANGE: dict[str, Any] = {
    "format": "tiaokuai-change/1",
    "add": {"links": [{"from": "kp", "to": "g", "kind": "jurisdiction"}]},
    "update": [{"id": "gw", "set": {"name": "友谊路街道党工委(新)"}}],
}

# Two problems: an update and a removal naming ids the model lacks.
BAD: dict[str, Any] = {
    "format": "tiaokuai-change/1",
    "update": [{"id": "no-such-unit", "set": {"name": "x"}}],
    "remove": [{"id": "no-such-matter"}],
}


def test_apply_gives_a_new_model_and_leaves_the_old(tiny: tiaokuai.Model) -> None:
    before = tiny.to_json()
    after = tiny.apply(CHANGE)
    assert after["gw"].name == "友谊路街道党工委(新)"
    assert tiny["gw"].name == "友谊路街道党工委"
    assert tiny.to_json() == before
    assert len(after.links) == len(tiny.links) + 1
    assert "C008" in [f.rule for f in tiny.audit().findings]
    assert "C008" not in [f.rule for f in after.audit().findings]


def test_apply_takes_a_path_text_bytes_a_dict_or_a_change_set(sample: tiaokuai.Model) -> None:
    text = REFORM.read_text(encoding="utf-8")
    want = sample.apply(REFORM).to_json()
    for change in (str(REFORM), text, text.encode(), json.loads(text), tiaokuai.ChangeSet.load(REFORM)):
        assert sample.apply(change).to_json() == want
    assert sample.apply(REFORM)["new-firm"].name == "某新公司"
    with pytest.raises(TypeError, match="ChangeSet, a path, JSON text or a dict"):
        sample.apply(42)  # type: ignore[arg-type]


def test_a_change_that_does_not_apply_is_rejected_naming_every_problem(tiny: tiaokuai.Model) -> None:
    with pytest.raises(tiaokuai.RejectedError) as info:
        tiny.apply(BAD)
    err = info.value
    assert isinstance(err, tiaokuai.InvalidInputError) and isinstance(err, ValueError)
    assert err.kind == "rejected"
    assert err.problems is not None and len(err.problems) == 2
    assert any("no-such-unit" in p for p in err.problems)
    assert any("no-such-matter" in p for p in err.problems)
    assert "2 problems" in str(err)
    with pytest.raises(tiaokuai.RejectedError):
        tiny.whatif(BAD)


def test_a_change_set_that_cannot_be_read_is_not_a_rejection(tiny: tiaokuai.Model) -> None:
    with pytest.raises(tiaokuai.JsonSyntaxError):
        tiny.apply("{")
    with pytest.raises(tiaokuai.IoError):
        tiny.apply("no/such/change.json")
    bad_count = {"format": "tiaokuai-change/1", "update": [{"id": "gw", "set": {"members": -1}}]}
    with pytest.raises(tiaokuai.InvalidCountError, match=r"update\[0\]"):
        tiny.apply(bad_count)


def test_diff_applied_to_the_first_model_gives_the_second(tiny: tiaokuai.Model, tmp_path: Path) -> None:
    after = tiny.apply(CHANGE)
    change = tiaokuai.diff(tiny, after)
    assert len(change) == 2
    assert tiny.apply(change).to_json() == after.to_json()
    summary = change.summary()
    assert summary["changed"] == [{"id": "gw", "fields": ["name"]}]
    assert summary["links_added"] == ['jurisdiction link "kp" -> "g"']
    assert summary["added"] == [] and summary["removed"] == [] and summary["ended"] == []
    assert len(tiaokuai.diff(tiny, tiny)) == 0
    # to_json, from_json, save and load round-trip.
    assert tiaokuai.ChangeSet.from_json(change.to_json()) == change
    assert change.to_dict()["format"] == "tiaokuai-change/1"
    path = tmp_path / "change.json"
    change.save(path)
    assert tiaokuai.ChangeSet.load(path) == change
    assert path.read_text(encoding="utf-8") == change.to_json()


def test_summary_of_a_loaded_change_set_needs_its_model(sample: tiaokuai.Model) -> None:
    change = tiaokuai.ChangeSet.load(REFORM)
    assert len(change) == 4
    with pytest.raises(tiaokuai.InvalidInputError, match="summary"):
        change.summary()
    summary = change.summary(sample)
    assert summary["added"] == ["new-firm"]
    assert summary["changed"] == [{"id": "yyl-gw", "fields": ["name"]}]
    assert summary["links_ended"] == [{"link": 'leads link "bs-dw" -> "yyl-gw"', "on": "2020-05-31"}]


def test_whatif_names_what_the_change_resolves_without_changing_the_model(tiny: tiaokuai.Model) -> None:
    before = tiny.to_json()
    w = tiny.whatif(CHANGE)
    assert [(f["rule"], f["subject"]) for f in w["resolved"]] == [("C008", "g")]
    assert w["resolved"][0]["changes"] == [{"section": "add.links", "index": 0, "id": "kp -jurisdiction-> g"}]
    assert w["introduced"] == []
    left = {(f["rule"], f["subject"]) for f in w["left"]}
    assert ("C008", "g") not in left
    assert tiny.to_json() == before
    assert set(w) >= {"metrics_before", "metrics_after", "examined"}


def _keys(findings: list[Any]) -> set[tuple[str, str, str | None]]:
    """A finding as the what-if identifies it: rule, subject and street/town (a finding whose
    message changes, such as P004's "at 2014" and "at 2016", is the same finding, left)."""
    return {
        (f["rule"], f["subject"], f["territory"]) if isinstance(f, dict) else (f.rule, f.subject, f.territory)
        for f in findings
    }


def test_whatif_dates_is_the_difference_of_the_two_audits(sample: tiaokuai.Model) -> None:
    # The sample's 2015 reform (street working committees set up) as two dates.
    w = sample.whatif_dates("2014", "2016")
    old = _keys(sample.at("2014").audit().findings)
    new = _keys(sample.at("2016").audit().findings)
    assert _keys(w["resolved"]) == old - new
    assert _keys(w["introduced"]) == new - old
    assert w["resolved"] and all(f["changes"] for f in w["resolved"])
    with pytest.raises(tiaokuai.InvalidInputError):
        sample.whatif_dates("2014-13", "2016")


def test_whatif_is_a_notebook_object_with_frames_metrics_and_a_summary(sample: tiaokuai.Model) -> None:
    pd = pytest.importorskip("pandas")
    w = sample.whatif_dates("2014", "2016")
    assert isinstance(w, tiaokuai.WhatIf) and isinstance(w, dict), "still the dict it was"
    assert w.resolved is w["resolved"] and isinstance(w.resolved, tiaokuai.WhatIfFindings)
    frame = w.resolved.to_pandas()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == ["rule", "name", "severity", "subject", "territory", "message", "changes"]
    assert len(frame) == len(w.resolved) > 0
    first = w.resolved[0]["changes"][0]
    assert frame["changes"][0].startswith(f"{first['section']}[{first['index']}] {first['id']}")
    assert len(w.introduced.to_pandas()) == len(w.introduced)
    assert (w.left.to_pandas()["changes"] == "").all(), "a finding left has no cause"
    # The metrics side by side: one row per territory and rate, the change after - before.
    m = w.metrics("districts")
    assert list(m.columns) == ["id", "name", "rate", "before", "after", "change"]
    row = m[(m["id"] == "310113") & (m["rate"] == "org_coverage")].iloc[0]
    district = lambda r: next(d for d in r["districts"] if d["id"] == "310113")  # noqa: E731
    assert row["before"] == district(w.metrics_before)["rates"]["org_coverage"]
    assert row["after"] == district(w.metrics_after)["rates"]["org_coverage"]
    assert row["change"] == pytest.approx(row["after"] - row["before"])
    # The summary counts by rule; the HTML view lists the resolved findings.
    text = w.summary()
    assert text.startswith(f"resolved {len(w.resolved)} (") and f"introduced {len(w.introduced)}" in text
    rule = w.resolved[0]["rule"]
    assert f"{rule} {w.resolved.by_rule()[rule]}" in text
    page = w._repr_html_()
    assert f"resolved ({len(w.resolved)})" in page and w.resolved[0]["subject"] in page
    assert repr(w) == f"<WhatIf resolved={len(w.resolved)} introduced={len(w.introduced)} left={len(w.left)}>"


def test_whatif_of_a_change_set_is_a_whatif_too(tiny: tiaokuai.Model) -> None:
    w = tiny.whatif(CHANGE)
    assert isinstance(w, tiaokuai.WhatIf)
    assert [(f["rule"], f["subject"]) for f in w.resolved] == [("C008", "g")]
    assert "new error-level findings: 0" in w.summary()


def test_change_summary_lists_meetings(tiny: tiaokuai.Model) -> None:
    territory = next(iter(tiny.territories))
    met = tiny.apply(
        {
            "format": "tiaokuai-change/1",
            "add": {"meetings": [{"id": "m1", "kind": "hearing", "territory": territory, "date": "2023-03-02"}]},
        }
    )
    again = met.apply(
        {
            "format": "tiaokuai-change/1",
            "update": [{"id": "m1", "set": {"date": "2023-04"}}],
            "add": {"meetings": [{"id": "m2", "kind": "evaluation", "territory": territory, "date": "2024"}]},
        }
    )
    s = tiaokuai.diff(met, again).summary()
    assert s["meetings_added"] == ["m2"]
    assert s["meetings_changed"] == [{"id": "m1", "fields": ["date"]}]
    assert s["meetings_removed"] == [] and s["added"] == []
