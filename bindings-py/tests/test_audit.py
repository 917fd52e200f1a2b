"""Where is nobody: Model.audit, its Report and Findings, configs, pandas frames, the rule catalogue."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import tiaokuai
from tiaokuai import Model

# data/samples/README.md: "Count by rule".
SAMPLE_COUNTS = {
    "S001": 1,
    "S002": 1,
    "S003": 1,
    "S004": 1,
    "C001": 3,
    "C002": 2,
    "C003": 2,
    "C004": 1,
    "C005": 1,
    "C006": 1,
    "C007": 1,
    "C008": 1,
    "D001": 2,
    "A001": 1,
    "A002": 1,
    "A003": 2,
    "A004": 1,
    "B001": 3,
    "B002": 1,
    "L001": 1,
    "L002": 1,
    # The sample's people and meetings: one deliberate gap of each (data/samples/README.md).
    "M001": 1,
    "M002": 1,
    "M003": 1,
    "M004": 1,
    "P001": 1,
    "P002": 1,
    "P003": 1,
    "P004": 1,
    "P005": 1,
}


@pytest.fixture(scope="module")
def report(sample: Model) -> tiaokuai.Report:
    return sample.audit()


def test_sample_findings_are_the_documented_gaps(report: tiaokuai.Report) -> None:
    counts: dict[str, int] = {}
    for f in report.findings:
        counts[f.rule] = counts.get(f.rule, 0) + 1
    assert counts == SAMPLE_COUNTS
    assert len(report) == sum(SAMPLE_COUNTS.values())
    assert [f.subject for f in report.findings_of("C008")] == ["yyl-c03-g2"]
    assert {f.subject for f in report.findings_of("no-party-org")} == {"dc-b01-e01", "gj-b01-e01", "yx-p01-e01"}


def test_findings(report: tiaokuai.Report) -> None:
    f = report.findings_of("C008")[0]
    assert isinstance(f, tiaokuai.Finding)
    assert (f.rule, f.name, f.severity, f.territory) == ("C008", "grid-unassigned", "warning", "310113003")
    assert "has no unit holding jurisdiction" in f.message
    assert f.evidence == [{"record": "yyl-c03-g2", "missing": "jurisdiction", "direction": "in"}]
    assert f.to_dict() == {
        "rule": "C008",
        "name": "grid-unassigned",
        "severity": "warning",
        "subject": "yyl-c03-g2",
        "territory": "310113003",
        "message": f.message,
        "evidence": f.evidence,
    }
    assert str(f).startswith("warning[C008 grid-unassigned] yyl-c03-g2 @310113003: ")
    assert repr(f) == "<Finding warning C008 grid-unassigned 'yyl-c03-g2'>"
    assert f == report.findings_of("C008")[0]
    # findings are in a stable order: by rule code (catalogue order), then document order
    codes = [r["code"] for r in tiaokuai.rules()]
    assert [codes.index(x.rule) for x in report.findings] == sorted(codes.index(x.rule) for x in report.findings)


def test_summary_and_counts(report: tiaokuai.Report) -> None:
    s = report.summary()
    assert (s["errors"], s["warnings"], s["infos"]) == (
        report.count("error"),
        report.count("warning"),
        report.count("info"),
    )
    assert s["errors"] + s["warnings"] + s["infos"] == len(report)
    assert [r["code"] for r in s["rules"]] == [r["code"] for r in tiaokuai.rules()]
    # Every rule of the catalogue is counted; those that found nothing count 0 (T001-T004 here).
    assert {r["code"]: r["findings"] for r in s["rules"]} == {
        **SAMPLE_COUNTS,
        "T001": 0,
        "T002": 0,
        "T003": 0,
        "T004": 0,
    }
    assert report.has_errors
    with pytest.raises(tiaokuai.InvalidInputError):
        report.count("fatal")  # type: ignore[arg-type]
    with pytest.raises(tiaokuai.InvalidInputError, match="C999"):
        report.findings_of("C999")


def test_report_display_and_dict(report: tiaokuai.Report) -> None:
    assert repr(report).startswith(f"<Report: {len(report)} findings (")
    text = str(report)
    assert "grid-unassigned" in text and text.rstrip().endswith("infos")
    html = report._repr_html_()
    rules_found = sum(1 for r in report.summary()["rules"] if r["findings"])
    # the counts by rule (a header and a row per rule that found something), then every finding
    assert html.count("<tr>") == rules_found + 1 + len(report) + 1
    d = report.to_dict()
    assert set(d) == {"summary", "findings", "metrics"}
    assert d["findings"] == [f.to_dict() for f in report.findings]
    assert json.loads(report.to_json()) == d


def test_findings_frame(report: tiaokuai.Report) -> None:
    frame = report.to_pandas()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == [
        "rule",
        "name",
        "severity",
        "subject",
        "subject_name",
        "territory",
        "territory_name",
        "message",
        "evidence",
    ]
    assert len(frame) == len(report)
    # `rule` is categorical over the whole catalogue: rules that found nothing count 0.
    assert {k: v for k, v in frame["rule"].value_counts().to_dict().items() if v} == SAMPLE_COUNTS


def test_metrics(report: tiaokuai.Report, sample: Model) -> None:
    m = report.metrics
    assert [a["id"] for a in m["townships"]] == [t.id for t in sample.territories.values() if t.level == "street"]
    assert [a["id"] for a in m["districts"]] == ["310113"]
    district = m["districts"][0]["counts"]
    for key, value in district.items():
        assert value == sum(a["counts"][key] for a in m["townships"]), key
    assert [a["id"] for a in m["comparison"]] == ["urban", "rural", "other"]

    frame = report.metrics_frame()
    assert list(frame.index) == [a["id"] for a in m["townships"]]
    assert frame.loc["310113003", "name"] == "友谊路街道"
    assert frame.loc["310113003", "units"] == m["townships"][0]["counts"]["units"]
    assert frame.loc["310113003", "org_coverage"] == pytest.approx(m["townships"][0]["rates"]["org_coverage"])
    assert list(report.metrics_frame("district").index) == ["310113"]
    assert list(report.metrics_frame("comparison").index) == ["urban", "rural", "other"]
    assert len(report.metrics_frame("country")) == 0
    with pytest.raises(tiaokuai.InvalidInputError, match="metrics level"):
        report.metrics_frame("galaxy")  # type: ignore[arg-type]


def test_config_as_dict(sample: Model) -> None:
    quiet = sample.audit({"rules": {"C003": "off", "no-party-org": "error"}, "profiles": {"shanghai": False}})
    assert quiet.findings_of("C003") == []
    assert {f.severity for f in quiet.findings_of("C001")} == {"error"}
    assert quiet.findings_of("S004") == [] and quiet.findings_of("A004") == []
    rules = {r["code"]: r["severity"] for r in quiet.summary()["rules"]}
    assert rules["C003"] is None and rules["C001"] == "error"
    strict = sample.audit({"thresholds": {"min_members_for_org": 100}})
    assert strict.findings_of("C001") == []


def test_config_files(sample: Model, tmp_path: Path) -> None:
    toml = tmp_path / "audit.toml"
    toml.write_text('[rules]\nC008 = "off"\n', encoding="utf-8")
    assert sample.audit(toml).findings_of("C008") == []
    assert sample.audit(str(toml)).findings_of("C008") == []
    as_json = tmp_path / "audit.json"
    as_json.write_text('{"rules": {"C008": "error"}}', encoding="utf-8")
    assert [f.severity for f in sample.audit(as_json).findings_of("C008")] == ["error"]


def test_bad_configs(sample: Model, tmp_path: Path) -> None:
    with pytest.raises(tiaokuai.InvalidInputError, match="audit config") as e:
        sample.audit({"thresholds": {"min_members": 3}})
    assert "thresholds.min_members" in str(e.value)
    with pytest.raises(tiaokuai.InvalidInputError, match="C999"):
        sample.audit({"rules": {"C999": "off"}})
    with pytest.raises(tiaokuai.IoError):
        sample.audit(tmp_path / "missing.toml")
    with pytest.raises(tiaokuai.InvalidInputError, match=r"\.toml or \.json"):
        sample.audit(tmp_path / "audit.yaml")
    with pytest.raises(TypeError, match="config must be"):
        sample.audit(42)  # type: ignore[arg-type]
    assert sample.audit(None).to_dict() == sample.audit().to_dict()


def test_rule_catalogue() -> None:
    rules = tiaokuai.rules()
    assert len(rules) == 34
    assert rules[0]["code"] == "S001" and rules[-1]["code"] == "P005"
    c001 = next(r for r in rules if r["code"] == "C001")
    assert c001["name"] == "no-party-org" and c001["default_severity"] == "warning"
    assert set(c001) == {"code", "name", "family", "default_severity", "profile", "summary", "source"}


def test_empty_model_audit() -> None:
    report = Model.from_json('{"format": "tiaokuai/1"}').audit()
    assert len(report) == 0 and not report.has_errors
    assert "no findings" in str(report)
    assert len(report.metrics_frame()) == 0


def test_report_to_html_embeds_every_finding(report: tiaokuai.Report) -> None:
    page = report.to_html(title="<宝山>", max_details=3)
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>&lt;宝山&gt; · audit report</title>" in page
    start = page.index('id="tk-data">') + len('id="tk-data">')
    data = json.loads(page[start : page.index("</script>", start)])
    assert len(data["findings"]) == len(report)
    assert sum(1 for f in data["findings"] if f[6] is not None) == 3
    assert data["without_details"] == len(report) - 3


def test_xlsx_bundle_loads_by_extension(tmp_path: Path) -> None:
    model = Model.sample()
    model.write(str(tmp_path / "m.xlsx"))
    assert (tmp_path / "m.xlsx").read_bytes().startswith(b"PK")
    assert Model.load(str(tmp_path / "m.xlsx")).to_json() == model.to_json()
