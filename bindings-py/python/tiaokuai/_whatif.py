"""The result of :meth:`Model.whatif` and :meth:`Model.whatif_dates` (issue #13).

A :class:`WhatIf` is the what-if's dict (``resolved``, ``introduced``, ``left``,
``metrics_before``, ``metrics_after``, ``examined``), so code that reads it as a dict keeps
working, with notebook-grade views on top: the three groups of findings as
:class:`WhatIfFindings` (a list of finding dicts with ``to_pandas()``), the metrics side by
side (:meth:`WhatIf.metrics`), a one-paragraph :meth:`WhatIf.summary` and an HTML view.
"""

from __future__ import annotations

import html
from typing import Any

_COLUMNS = ("rule", "name", "severity", "subject", "territory", "message", "changes")


class WhatIfFindings(list):  # type: ignore[type-arg]
    """One group of a what-if's findings (resolved, introduced or left): a list of finding
    dicts, each with ``rule``, ``name``, ``severity``, ``subject``, ``territory``,
    ``message``, ``evidence`` and, for a resolved or introduced finding, ``changes`` (the
    changes of the change set that caused it: ``{"section", "index", "id"}``).
    """

    def to_pandas(self) -> Any:
        """The findings as a ``pandas.DataFrame``, one row per finding: ``rule``, ``name``,
        ``severity``, ``subject``, ``territory``, ``message`` and ``changes`` (the causing
        changes as text, ``"update[0] yyl-gw; end[0] bs-dw -leads-> yyl-gw"``; empty for the
        findings left). Needs pandas.
        """
        import pandas as pd  # type: ignore[import-untyped, import-not-found, unused-ignore]

        rows = []
        for f in self:
            row = {c: f.get(c) for c in _COLUMNS[:-1]}
            row["changes"] = "; ".join(f"{c['section']}[{c['index']}] {c['id']}" for c in f.get("changes") or [])
            rows.append(row)
        return pd.DataFrame(rows, columns=list(_COLUMNS))

    def by_rule(self) -> dict[str, int]:
        """How many findings of each rule, rules in order."""
        counts: dict[str, int] = {}
        for f in sorted(self, key=lambda f: f["rule"]):
            counts[f["rule"]] = counts.get(f["rule"], 0) + 1
        return counts


class WhatIf(dict):  # type: ignore[type-arg]
    """What a change does to the gaps: the what-if's dict, with views for people.

    ``w.resolved``, ``w.introduced`` and ``w.left`` are :class:`WhatIfFindings`
    (``w.resolved.to_pandas()``); ``w.metrics_before`` / ``w.metrics_after`` the metrics
    reports as dicts; ``w.metrics()`` the rates of each territory before and after;
    ``w.summary()`` a short text; in a notebook it shows as HTML.
    """

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        for key in ("resolved", "introduced", "left"):
            self[key] = WhatIfFindings(self.get(key) or [])

    @property
    def resolved(self) -> WhatIfFindings:
        """The findings of the model before that the model after no longer has."""
        return self["resolved"]  # type: ignore[no-any-return]

    @property
    def introduced(self) -> WhatIfFindings:
        """The findings of the model after that the model before did not have."""
        return self["introduced"]  # type: ignore[no-any-return]

    @property
    def left(self) -> WhatIfFindings:
        """The findings both models have."""
        return self["left"]  # type: ignore[no-any-return]

    @property
    def metrics_before(self) -> dict[str, Any] | None:
        """The metrics of the model before (``None`` when not computed)."""
        return self.get("metrics_before")

    @property
    def metrics_after(self) -> dict[str, Any] | None:
        """The metrics of the model after (``None`` when not computed)."""
        return self.get("metrics_after")

    def metrics(self, level: str = "districts") -> Any:
        """The rates of each territory at ``level`` (``"townships"``, ``"districts"``,
        ``"cities"``, ``"comparison"`` …) before and after, as a ``pandas.DataFrame``: one
        row per territory and rate with ``before``, ``after`` and ``change``. Needs pandas.
        """
        import pandas as pd  # type: ignore[import-untyped, import-not-found, unused-ignore]

        def rates(report: dict[str, Any] | None) -> dict[tuple[str, str, str], Any]:
            out: dict[tuple[str, str, str], Any] = {}
            for row in (report or {}).get(level) or []:
                for rate, value in (row.get("rates") or {}).items():
                    out[(row["id"], row.get("name") or "", rate)] = value
            return out

        before, after = rates(self.metrics_before), rates(self.metrics_after)
        rows = []
        for key in list(before) + [k for k in after if k not in before]:
            b, a = before.get(key), after.get(key)
            change = a - b if isinstance(a, (int, float)) and isinstance(b, (int, float)) else None
            rows.append({"id": key[0], "name": key[1], "rate": key[2], "before": b, "after": a, "change": change})
        return pd.DataFrame(rows, columns=["id", "name", "rate", "before", "after", "change"])

    def summary(self) -> str:
        """A short text: how many findings are resolved, introduced and left, by rule, and
        the new error-level findings (what a ``--fail-on-new error`` gate refuses)."""

        def counts(group: WhatIfFindings) -> str:
            by = group.by_rule()
            return ", ".join(f"{r} {n}" for r, n in by.items()) if by else "none"

        errors = [f for f in self.introduced if f.get("severity") == "error"]
        lines = [
            f"resolved {len(self.resolved)} ({counts(self.resolved)}); "
            f"introduced {len(self.introduced)} ({counts(self.introduced)}); left {len(self.left)}",
            f"new error-level findings: {len(errors)}",
        ]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        def table(title: str, group: WhatIfFindings) -> str:
            head = "".join(f"<th>{c}</th>" for c in ("rule", "severity", "subject", "territory", "message", "changes"))
            body = []
            for f in group[:50]:
                changes = "; ".join(f"{c['section']}[{c['index']}] {c['id']}" for c in f.get("changes") or [])
                cells = [
                    f.get("rule"),
                    f.get("severity"),
                    f.get("subject"),
                    f.get("territory"),
                    f.get("message"),
                    changes,
                ]
                body.append("<tr>" + "".join(f"<td>{html.escape(str(c or ''))}</td>" for c in cells) + "</tr>")
            more = f"<p>… and {len(group) - 50} more</p>" if len(group) > 50 else ""
            return f"<h4>{title} ({len(group)})</h4>" + (
                f"<table><tr>{head}</tr>{''.join(body)}</table>{more}" if group else "<p>none</p>"
            )

        summary = html.escape(self.summary()).replace("\n", "<br>")
        return (
            f"<div class='tiaokuai-whatif'><p>{summary}</p>"
            + table("resolved", self.resolved)
            + table("introduced", self.introduced)
            + "</div>"
        )

    def __repr__(self) -> str:
        return f"<WhatIf resolved={len(self.resolved)} introduced={len(self.introduced)} left={len(self.left)}>"
