"""Typed shapes of the dicts tiaokuai returns (answers, evidence, records in the file format).

They are ``TypedDict`` s: plain dicts at run time, precise types for mypy and editors.
"""

from __future__ import annotations

from typing import Any, Dict, List, Literal, Optional, TypedDict, Union

__all__ = [
    "AreaDict",
    "AssignmentDict",
    "BlockDict",
    "BranchDict",
    "ChainDict",
    "CheckDict",
    "CountsDict",
    "DispatchDict",
    "Fact",
    "FieldFact",
    "FindingDict",
    "HolderDict",
    "LineName",
    "LinkDict",
    "LinkFact",
    "MetricsDict",
    "MissingFact",
    "OutcomeDict",
    "PrincipalDict",
    "RatesDict",
    "RecordDict",
    "RecordTypeName",
    "ReportDict",
    "ResponsibilityDict",
    "RuleCountDict",
    "RuleDict",
    "SeverityName",
    "StepDict",
    "SummaryDict",
]

#: The three lines a chain follows.
LineName = Literal["leadership", "strip", "all"]
#: The four record types.
RecordTypeName = Literal["territory", "unit", "matter", "item", "person"]
#: The three severities of a finding, most serious first.
SeverityName = Literal["error", "warning", "info"]


#: A link that was followed: its index in ``links``, its ends and its kind.
LinkFact = TypedDict("LinkFact", {"link": int, "from": str, "kind": str, "to": str})


class FieldFact(TypedDict):
    """A field of a record that was read."""

    record: str
    field: str
    value: Any


class MissingFact(TypedDict):
    """A link of some kind that was looked for and is not there (``direction`` ``"in"`` or ``"out"``)."""

    record: str
    missing: str
    direction: str


#: One fact behind an answer or finding.
Fact = Union[LinkFact, FieldFact, MissingFact]


class PrincipalDict(TypedDict, total=False):
    """A unit's principal at the date (its secretary, director or head), in a model with people."""

    person: str
    #: Absent when the data gives no name.
    name: str
    post: str
    link: int
    #: Present (True) when the holding is only possibly in force at the date.
    uncertain: bool


class _StepBase(TypedDict):
    id: str
    name: str
    kind: str
    #: The link kind followed into this unit (None for the first step).
    via: Optional[str]
    #: That link's index in ``links``.
    link: Optional[int]
    level: Optional[str]
    grade: Optional[str]


class StepDict(_StepBase, total=False):
    """One unit on a chain; ``principal`` only in a model with people that names one."""

    principal: PrincipalDict


class BranchDict(TypedDict):
    """A link upward the chain did not follow (another leader of a dual-led unit …)."""

    at: str
    leader: str
    name: str
    kind: str
    link: int


class ChainDict(TypedDict):
    """:meth:`tiaokuai.Chain.to_dict`."""

    unit: str
    name: str
    line: str
    steps: List[StepDict]
    branches: List[BranchDict]
    ambiguous: List[str]
    cycle: Optional[List[str]]
    evidence: List[Fact]


class _HolderBase(TypedDict):
    id: str
    name: str
    kind: str
    level: Optional[str]
    grade: Optional[str]
    link: int


class HolderDict(_HolderBase, total=False):
    """A unit holding ``jurisdiction`` over a territory; ``principal`` only in a model with people."""

    principal: PrincipalDict


class BlockDict(TypedDict):
    """One territory of a block chain and the units answering for it (none: nobody)."""

    territory: str
    name: str
    kind: str
    level: Optional[str]
    grade: Optional[str]
    holders: List[HolderDict]


class ResponsibilityDict(TypedDict):
    """:meth:`tiaokuai.Responsibility.to_dict`."""

    territory: str
    name: str
    blocks: List[BlockDict]
    evidence: List[Fact]


class _AssignmentBase(TypedDict):
    unit: str
    name: str
    kind: str
    role: str
    at: str
    at_name: str
    #: ``"scope"`` or ``"jurisdiction"``.
    basis: str
    link: int
    level: Optional[str]
    grade: Optional[str]


class AssignmentDict(_AssignmentBase, total=False):
    """A unit's responsibility for a matter, applying at one territory; ``principal`` only in
    a model with people."""

    principal: PrincipalDict


class DispatchDict(TypedDict):
    """:meth:`tiaokuai.Dispatch.to_dict`."""

    matter: str
    matter_name: str
    territory: str
    territory_name: str
    resolved_at: Optional[str]
    leads: List[AssignmentDict]
    cooperators: List[AssignmentDict]
    supervisors: List[AssignmentDict]
    chains: List[ChainDict]
    block: ResponsibilityDict
    problem: Optional[str]
    evidence: List[Fact]


class RecordDict(TypedDict, total=False):
    """A record in the ``tiaokuai/1`` form (``id`` and ``name`` always present)."""

    id: str
    name: str
    kind: str
    list: str
    category: str
    sector: str
    parent: str
    located_in: str
    members: int
    staff: int
    in_service_members: int
    attrs: Dict[str, Any]
    since: str
    until: str


#: A link in the ``tiaokuai/1`` form (``from``, ``to`` and ``kind`` always present).
LinkDict = TypedDict(
    "LinkDict",
    {
        "from": str,
        "to": str,
        "kind": str,
        "primary": bool,
        "power": str,
        "role": str,
        "scope": str,
        "members": int,
        "attrs": Dict[str, Any],
        "since": str,
        "until": str,
    },
    total=False,
)


class FindingDict(TypedDict):
    """:meth:`tiaokuai.Finding.to_dict`."""

    rule: str
    name: str
    severity: SeverityName
    subject: str
    territory: Optional[str]
    message: str
    evidence: List[Fact]


class RuleCountDict(TypedDict):
    """One rule's line in a report's summary (``severity`` None: switched off)."""

    code: str
    name: str
    severity: Optional[SeverityName]
    findings: int


class SummaryDict(TypedDict):
    """:meth:`tiaokuai.Report.summary`."""

    errors: int
    warnings: int
    infos: int
    rules: List[RuleCountDict]


class CountsDict(TypedDict):
    """The numerators and denominators of the metrics of one area."""

    units: int
    units_with_own_org: int
    units_in_joint_branch: int
    units_covered: int
    units_with_members: int
    units_with_members_covered: int
    in_system_units: int
    in_system_covered: int
    out_of_system_units: int
    out_of_system_covered: int
    out_of_system_work_covered: int
    party_orgs_to_register: int
    party_orgs_registered: int
    agencies: int
    agencies_with_assessment: int
    agencies_with_consent: int
    agencies_with_required_powers: int
    matters: int
    matters_single_lead: int


class RatesDict(TypedDict):
    """The rates of one area (None where the denominator is 0)."""

    org_coverage: Optional[float]
    org_coverage_with_members: Optional[float]
    org_coverage_in_system: Optional[float]
    org_coverage_out_of_system: Optional[float]
    work_coverage: Optional[float]
    dual_registration: Optional[float]
    block_power: Optional[float]
    matter_coverage: Optional[float]


class AreaDict(TypedDict):
    """The metrics of one area: a street/town, a roll-up or a comparison group."""

    id: str
    name: str
    kind: str
    parent: Optional[str]
    townships: int
    counts: CountsDict
    rates: RatesDict


class MetricsDict(TypedDict):
    """:attr:`tiaokuai.Report.metrics`."""

    townships: List[AreaDict]
    districts: List[AreaDict]
    cities: List[AreaDict]
    provinces: List[AreaDict]
    countries: List[AreaDict]
    comparison: List[AreaDict]
    unplaced_units: int


class ReportDict(TypedDict):
    """:meth:`tiaokuai.Report.to_dict`."""

    summary: SummaryDict
    findings: List[FindingDict]
    metrics: MetricsDict


class RuleDict(TypedDict):
    """One rule of the audit's catalogue (:func:`tiaokuai.rules`)."""

    code: str
    name: str
    family: str
    default_severity: SeverityName
    profile: Optional[str]
    summary: str
    source: str


class CheckDict(TypedDict):
    """One expectation of a scenario, checked."""

    what: str
    passed: bool
    expected: Any
    actual: Any


class OutcomeDict(TypedDict):
    """:meth:`tiaokuai.ScenarioOutcome.to_dict`."""

    name: str
    path: Optional[str]
    checks: List[CheckDict]
