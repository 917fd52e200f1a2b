"""The shared scenarios of tests/scenarios/ (the same files `tiaokuai test` and every binding run),
and tiaokuai.run_scenario itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import tiaokuai

from .conftest import ROOT, TINY

SHARED = sorted((ROOT / "tests" / "scenarios").rglob("*.json"))


@pytest.mark.parametrize("path", SHARED, ids=[str(p.relative_to(ROOT / "tests" / "scenarios")) for p in SHARED])
def test_shared_scenario(path: Path) -> None:
    outcome = tiaokuai.run_scenario(path)
    assert outcome.passed, str(outcome)
    assert outcome.checks, f"{path} checks nothing"


@pytest.mark.parametrize("path", SHARED, ids=[str(p.relative_to(ROOT / "tests" / "scenarios")) for p in SHARED])
def test_shared_scenario_on_its_model_image(path: Path, tmp_path: Path) -> None:
    # The same expectations on the scenario's model written as an image (to_image) and read back
    # from it (the scenario's model_file, which the core loads with from_image): an image must
    # answer every question as its JSON does.
    scenario = json.loads(path.read_text(encoding="utf-8"))
    if "model" in scenario:
        model = tiaokuai.Model.from_dict(scenario.pop("model"))
    else:
        model = tiaokuai.load(path.parent / scenario["model_file"])
    image = tmp_path / "model.tkz"
    image.write_bytes(model.to_image())
    scenario["model_file"] = str(image)
    outcome = tiaokuai.run_scenario(write(tmp_path, scenario))
    assert outcome.passed, str(outcome)
    assert outcome.checks, f"{path} checks nothing"


def write(tmp_path: Path, scenario: dict[str, object]) -> Path:
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_passing_scenario(tmp_path: Path) -> None:
    (tmp_path / "tiny.json").write_text(json.dumps(TINY), encoding="utf-8")
    path = write(
        tmp_path,
        {
            "name": "tiny: the grid nobody holds",
            "model_file": "tiny.json",
            "expect": {
                "findings": [{"rule": "C008", "subject": "g"}],
                "chains": [{"unit": "kp", "line": "leadership", "steps": ["kp", "gw", "dw", "sw"]}],
                "dispatch": [{"matter": "vending", "territory": "k", "resolved_at": "s", "leads": ["gov"]}],
            },
        },
    )
    outcome = tiaokuai.run_scenario(path)
    assert outcome and outcome.passed and outcome.failures == 0
    assert outcome.name == "tiny: the grid nobody holds"
    assert outcome.path == str(path)
    assert len(outcome.checks) == 3 and all(c["passed"] for c in outcome.checks)
    assert outcome.to_dict()["checks"] == outcome.checks
    assert repr(outcome) == "<ScenarioOutcome 'tiny: the grid nobody holds': passed, 3 checks, 0 failed>"
    assert "<table" in outcome._repr_html_()


def test_a_failing_scenario_is_an_outcome_not_an_error(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {
            "name": "wrong expectation",
            "model": TINY,
            "expect": {"chains": [{"unit": "kp", "line": "leadership", "steps": ["kp", "sw"]}]},
        },
    )
    outcome = tiaokuai.run_scenario(path)
    assert not outcome and outcome.failures == 1
    check = outcome.checks[0]
    assert check["passed"] is False
    assert check["expected"] == {"steps": ["kp", "sw"]}
    assert check["actual"] == {"steps": ["kp", "gw", "dw", "sw"]}
    assert str(outcome).startswith("FAIL wrong expectation")


def test_bad_scenarios(tmp_path: Path) -> None:
    with pytest.raises(tiaokuai.IoError):
        tiaokuai.run_scenario(tmp_path / "missing.json")
    with pytest.raises(tiaokuai.InvalidInputError, match="unknown key"):
        tiaokuai.run_scenario(write(tmp_path, {"name": "x", "model": TINY, "expectations": {}}))
    bad_model = dict(TINY, format="tiaokuai/0")
    with pytest.raises(tiaokuai.FormatError):
        tiaokuai.run_scenario(write(tmp_path, {"name": "x", "model": bad_model, "expect": {}}))
