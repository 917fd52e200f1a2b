"""Rich display: the compact reprs and the HTML notebooks show, counts first, long tables cut with
their total, user data (ids, names) escaped."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import tiaokuai
from tiaokuai import Model

from .conftest import TINY

# Every headline and table keeps MathJax off: user data like "$x$" shows as written.
HEAD = '<p class="tex2jax_ignore mathjax_ignore"><b>'


def body_rows(html: str) -> int:
    """The number of rows in the tables' bodies."""
    return sum(part.count("<tr>") for part in re.findall(r"<tbody>(.*?)</tbody>", html, re.S))


def test_model_html_counts_first(tiny: Model) -> None:
    html = tiny._repr_html_()
    assert html.startswith(HEAD + "tiny</b>: 5 territories, 8 units, 1 matters, 1 items, 14 links</p>")
    # one row per record type and one for links, each with its most frequent kinds
    assert body_rows(html) == 5
    assert "party_committee 2" in html and "leads 5" in html and "jurisdiction 5" in html


def test_record_view_html_truncated_with_total(sample: Model) -> None:
    html = sample.units._repr_html_()
    total = len(sample.units)
    assert total > 50
    assert html.startswith(HEAD + f"{total} units</b>: ")
    assert body_rows(html) == 50
    assert f"… and {total - 50} more of {total}" in html
    first = sample.units[0]
    assert f'<td style="text-align:left">{first.id}</td>' in html


def test_short_views_are_whole(tiny: Model) -> None:
    html = tiny.territories.of_kind("street")._repr_html_()
    assert html.startswith(HEAD + "1 territories of kind &#39;street&#39;</b>: street 1</p>")
    assert body_rows(html) == 1 and "more of" not in html
    links = tiny.links.filter(kind="responsible")._repr_html_()
    assert links.startswith(HEAD + "1 links</b>: responsible 1</p>")
    assert "role lead" in links
    assert "友谊路街道办事处" in links and "占道经营" in links  # names beside the ids


def test_record_and_link_html(tiny: Model) -> None:
    html = tiny["s"]._repr_html_()
    assert "territory 友谊路街道 (s)" in html
    assert '<td style="text-align:left">households</td>' not in html  # attrs stay one row
    assert "{&#39;households&#39;: 620}" in html
    assert '<td style="text-align:left">grade</td><td style="text-align:left">direct</td>' in html
    link = tiny.links[12]._repr_html_()
    assert "links[12]: 友谊路街道办事处 (gov) -responsible-&gt; 占道经营 (vending)" in link
    assert '<td style="text-align:left">role</td><td style="text-align:left">lead</td>' in link


def test_user_data_is_escaped(tiny_dict: dict[str, Any]) -> None:
    evil = "<script>alert(\"x\")</script> & 'co'"
    tiny_dict["meta"]["name"] = evil
    tiny_dict["units"][0]["name"] = evil
    model = Model.from_dict(tiny_dict)
    for html in (
        model._repr_html_(),
        model.units._repr_html_(),
        model["sw"]._repr_html_(),
        model.links[0]._repr_html_(),
        model.chain("kp")._repr_html_(),
    ):
        assert "<script>" not in html, html
        assert html.count("<table") == html.count('<table class="tiaokuai tex2jax_ignore mathjax_ignore">') > 0
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;" in html


def test_finding_html_has_evidence(sample: Model) -> None:
    finding = sample.audit().findings_of("S001")[0]
    html = finding._repr_html_()
    assert html.count("evidence[") == len(finding.evidence) > 0
    assert f"{finding.severity}[{finding.rule} {finding.name}] {finding.subject}" in html
    assert "-leads-&gt;" in html  # the facts, as their text, escaped


def test_report_html_truncated_with_total() -> None:
    report = tiaokuai.generate("district", seed=1).audit()
    s = report.summary()
    html = report._repr_html_()
    assert html.startswith(
        HEAD + f"{len(report)} findings</b>: {s['errors']} errors, {s['warnings']} warnings, {s['infos']} infos"
    )
    by_rule = [r for r in s["rules"] if r["findings"]]
    assert body_rows(html) == len(by_rule) + 50  # the counts by rule first, then 50 findings
    for r in by_rule:
        assert f'<td style="text-align:left">{r["code"]}</td><td style="text-align:left">{r["name"]}</td>' in html
    assert html.index(">by rule</caption>") < html.index(">findings</caption>")
    assert f"… and {len(report) - 50} more of {len(report)}" in html


@pytest.mark.parametrize(
    ("make", "pattern"),
    [
        (lambda m: m, r"<tiaokuai\.Model 'tiny': 5 territories, 8 units, 1 matters, 1 items, 14 links>"),
        (lambda m: m.units, r"<RecordView: 8 units>"),
        (lambda m: m.links.of_kind("leads"), r"<LinkView: 5 links of kind 'leads'>"),
        (lambda m: m["s"], r"Territory\(id='s', name='友谊路街道', kind='street'\)"),
        (lambda m: m.audit(), r"<Report: \d+ findings \(\d+ errors, \d+ warnings, \d+ infos\), 1 streets/towns>"),
    ],
)
def test_reprs_are_compact(tiny: Model, make: Any, pattern: str) -> None:
    text = repr(make(tiny))
    assert re.fullmatch(pattern, text), text
    assert "\n" not in text


def test_scenario_html_failures_first(tmp_path: Path) -> None:
    scenario = {
        "name": "<one> wrong",
        "model": TINY,
        "expect": {
            "findings": [{"rule": "C008", "subject": "g"}],
            "chains": [{"unit": "kp", "line": "leadership", "steps": ["kp", "sw"]}],
        },
    }
    path = tmp_path / "s.json"
    path.write_text(json.dumps(scenario, ensure_ascii=False), encoding="utf-8")
    outcome = tiaokuai.run_scenario(path)
    html = outcome._repr_html_()
    assert html.startswith(HEAD + "&lt;one&gt; wrong: FAILED</b>: 2 checks, 1 failed</p>")
    first, second = re.findall(r"<tr><td[^>]*>(ok|FAIL)</td>", html)
    assert (first, second) == ("FAIL", "ok")  # the scenario lists the finding first; the failure shows first
    assert [c["passed"] for c in outcome.checks] == [True, False]


def test_responsibility_html_counts_nobody_first(tiny: Model) -> None:
    html = tiny.responsible_for("g")._repr_html_()
    assert html.startswith(HEAD + "block chain of 第1网格 (g)</b>: 5 territories, 1 with nobody</p><table")
    assert body_rows(html) == 6  # g (nobody), k, s (two holders), d, c
    # a dispatch shows the block chain of its place the same way
    assert (
        HEAD + "block chain of 竹园新村居民区 (k)</b>: 4 territories, 0 with nobody</p>"
        in tiny.dispatch("vending", "k")._repr_html_()
    )


def test_kinds_in_a_headline_are_capped(tiny_dict: dict[str, Any]) -> None:
    # custom kinds (x-…) can be one per record: the headline names the six most frequent, then counts them
    tiny_dict["units"] += [{"id": f"u{i}", "name": f"U{i}", "kind": f"x-k{i % 9}"} for i in range(20)]
    html = Model.from_dict(tiny_dict).units._repr_html_()
    headline = html[: html.index("</p>")]
    # most frequent first, ties in order of first appearance (the tiny model's units come first)
    assert headline == HEAD + "28 units</b>: x-k0 3, x-k1 3, party_committee 2, x-k2 2, x-k3 2, x-k4 2, … (16 kinds)"
