//! Findings, severities and the catalogue of rules.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::error::Error;
use crate::evidence::Evidence;

/// How serious a finding is. Ordered from the most to the least serious.
///
/// # Example
/// ```
/// use tiaokuai::Severity;
/// let s: Severity = "warning".parse()?;
/// assert_eq!(s, Severity::Warning);
/// assert!(Severity::Error < Severity::Info);
/// assert_eq!(s.to_string(), "warning");
/// # Ok::<(), tiaokuai::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A break in the structure: a cycle, a broken chain, a matter nobody (or two) leads.
    Error,
    /// A coverage gap or a mismatch with the rules the institutions set.
    Warning,
    /// Worth a look: size norms ("normally at most …") and the three lists.
    Info,
}

impl Severity {
    /// Every severity, most serious first.
    pub const ALL: [Severity; 3] = [Severity::Error, Severity::Warning, Severity::Info];

    /// The word: `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = Error;

    /// Parses `error`, `warning` (or `warn`) and `info`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "error" => Ok(Severity::Error),
            "warning" | "warn" => Ok(Severity::Warning),
            "info" => Ok(Severity::Info),
            _ => Err(Error::Invalid {
                what: "severity".to_string(),
                message: format!("unknown severity {s:?}; expected one of error, warning, info"),
            }),
        }
    }
}

/// The family a rule belongs to (the first letter of its code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// `S`: the leadership structure (cycles, leaders, the four-level chain, "1+2").
    Structure,
    /// `C`: organisational and work coverage (两个覆盖), self-government, grids.
    Coverage,
    /// `D`: dual reporting-in (双报到).
    Registration,
    /// `A`: matters and duty lists (事项, 责任清单).
    Matters,
    /// `B`: strips and blocks (条块), the street's powers over stationed agencies.
    Balance,
    /// `L`: the three lists of regional Party building (needs, resources, projects).
    Lists,
    /// `T`: time itself (dates that allow no day, links and places outside the dates of
    /// what they join, gaps in successions).
    Time,
    /// `M`: the three meetings (三会) and self-governance projects (issue #15).
    Meetings,
    /// `P`: people and posts (vacant and duplicate principals, the career scale, the
    /// community-worker ratio, cross-appointment). Only for a model with people.
    People,
}

impl Family {
    /// The word: `structure`, `coverage`, `registration`, `matters`, `balance`, `lists`, `time`,
    /// `meetings`, `people`.
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Structure => "structure",
            Family::Coverage => "coverage",
            Family::Registration => "registration",
            Family::Matters => "matters",
            Family::Balance => "balance",
            Family::Lists => "lists",
            Family::Time => "time",
            Family::Meetings => "meetings",
            Family::People => "people",
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One rule of the audit's catalogue: its stable code and name, its family,
/// its default severity and where it comes from. See `docs/rules.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Rule {
    /// The stable code, e.g. `C001`.
    pub code: &'static str,
    /// The stable kebab-case name, e.g. `no-party-org`.
    pub name: &'static str,
    /// The family.
    pub family: Family,
    /// The severity unless the config re-grades it.
    pub default_severity: Severity,
    /// The profile the rule belongs to (`shanghai`), or `None` for rules that always apply.
    pub profile: Option<&'static str>,
    /// What the rule finds, in one line.
    pub summary: &'static str,
    /// The institution behind it, with its source and year.
    pub source: &'static str,
}

impl Rule {
    /// The rule with this code (`C001`, case-insensitive) or name (`no-party-org`).
    ///
    /// # Example
    /// ```
    /// use tiaokuai::Rule;
    /// assert_eq!(Rule::find("no-party-org").unwrap().code, "C001");
    /// assert_eq!(Rule::find("c001").unwrap().name, "no-party-org");
    /// assert!(Rule::find("C999").is_none());
    /// ```
    pub fn find(code_or_name: &str) -> Option<&'static Rule> {
        RULES.iter().find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
    }

    /// The position of the rule in [`RULES`].
    #[cfg(test)]
    pub(crate) fn index_of(code: &str) -> Option<usize> {
        RULES.iter().position(|r| r.code == code)
    }
}

macro_rules! rules {
    ($( $idx:ident = $code:literal, $name:literal, $family:ident, $sev:ident, $profile:expr,
        $summary:literal, $source:literal; )+) => {
        /// The indices of the rules in [`RULES`], by code.
        #[allow(dead_code)]
        pub(crate) mod id {
            rules!(@consts 0usize, $($idx)+);
        }

        /// The catalogue: all 34 rules, in catalogue order (S, C, D, A, B, L, T, M, P).
        ///
        /// # Example
        /// ```
        /// use tiaokuai::{RULES, Severity};
        /// assert_eq!(RULES.len(), 34);
        /// assert_eq!(RULES[0].code, "S001");
        /// assert_eq!(RULES[0].default_severity, Severity::Error);
        /// ```
        pub const RULES: &[Rule] = &[
            $( Rule {
                code: $code,
                name: $name,
                family: Family::$family,
                default_severity: Severity::$sev,
                profile: $profile,
                summary: $summary,
                source: $source,
            }, )+
        ];
    };
    (@consts $n:expr, $first:ident $($rest:ident)*) => {
        pub const $first: usize = $n;
        rules!(@consts $n + 1usize, $($rest)*);
    };
    (@consts $n:expr,) => {
        /// The number of rules.
        pub const COUNT: usize = $n;
    };
}

rules! {
    S001 = "S001", "leadership-cycle", Structure, Error, None,
        "a cycle of `leads` links",
        "the four-level chain (四级联动): leadership runs upward to the city and never loops";
    S002 = "S002", "ambiguous-leader", Structure, Warning, None,
        "a unit with two or more leaders and not exactly one of them marked primary",
        "dual leadership (双重领导): one leader is primary (format `primary`)";
    S003 = "S003", "broken-chain", Structure, Error, None,
        "a community-level Party organisation whose leadership chain does not pass a street-level and a \
         district-level Party organisation to a city-level one",
        "the four-level chain (四级联动): city overall, district first, street direct, community specific \
         responsibility (Shanghai practice)";
    S004 = "S004", "street-structure", Structure, Warning, Some("shanghai"),
        "a street working committee without exactly one community Party committee and one administrative \
         Party group under it (\"1+2\")",
        "Shanghai street reform (\"1+6\" documents, 2014–15): the \"1+2\" system";
    C001 = "C001", "no-party-org", Coverage, Warning, None,
        "a unit with at least 3 full Party members and no Party organisation of its own",
        "Party Constitution art. 30: three or more full members set up a primary organisation";
    C002 = "C002", "small-unit-uncovered", Coverage, Warning, None,
        "a unit with 1–2 full members in no joint branch (and with no Party organisation)",
        "Branch Work Regulations (2018): units with fewer than three members form joint branches";
    C003 = "C003", "no-work-coverage", Coverage, Warning, None,
        "a non-public enterprise or social organisation with no Party organisation, instructor or mass organisation",
        "two coverages (两个覆盖): work coverage by an instructor (党建指导员) or a union / Youth League branch";
    C004 = "C004", "joint-branch-too-wide", Coverage, Info, None,
        "a joint branch covering more than 5 units",
        "Branch Work Regulations (2018): a joint branch normally covers at most 5 units";
    C005 = "C005", "branch-too-large", Coverage, Info, None,
        "a branch over 50 members, a general branch over 100",
        "Branch Work Regulations (2018): a branch normally has at most 50 members, a general branch 100";
    C006 = "C006", "territory-without-party-org", Coverage, Warning, None,
        "a community, village, street, town, township or zone with no Party organisation holding jurisdiction",
        "each level has a Party organisation with jurisdiction (属地) over its territory";
    C007 = "C007", "community-without-committee", Coverage, Warning, None,
        "a community or village with no residents' or villagers' committee holding jurisdiction",
        "self-government: residents' committees (居委会) and villagers' committees (村委会)";
    C008 = "C008", "grid-unassigned", Coverage, Warning, None,
        "a grid with no unit holding jurisdiction",
        "the grid closed loop (网格化): every responsibility grid has someone answering for it";
    D001 = "D001", "not-registered", Registration, Warning, None,
        "a unit's Party organisation that does not register with a Party organisation holding jurisdiction \
         where the unit sits",
        "regional Party building: dual reporting-in (双报到)";
    A001 = "A001", "matter-without-lead", Matters, Error, None,
        "a matter that resolves to no lead for a street/town",
        "duty lists (2024–25): exactly one lead (主体责任) per matter and territory";
    A002 = "A002", "matter-with-several-leads", Matters, Error, None,
        "a matter that resolves to two or more leads at the same level for a street/town",
        "duty lists (2024–25): exactly one lead per matter and territory; two is where buck-passing starts";
    A003 = "A003", "duty-list-mismatch", Matters, Warning, None,
        "a basic matter not led by the street, a cooperating one led by the street or without its cooperation, \
         a recalled one with a street role",
        "national street/town duty lists (2024–25): basic, cooperating and recalled duties";
    A004 = "A004", "abolished-function", Matters, Warning, Some("shanghai"),
        "a street holding a responsibility for a matter of category `investment_attraction`",
        "Shanghai street reform (2014–15): streets no longer attract investment (取消招商引资)";
    B001 = "B001", "strip-without-block-power", Balance, Warning, None,
        "a stationed agency over which the street lacks `assessment` or `consent` power",
        "Shanghai street-office regulation (2016): the street's five powers over stationed agencies";
    B002 = "B002", "agency-without-block", Balance, Error, None,
        "a stationed agency with no link to the street or town it serves",
        "strips and blocks combined, the block as the main body (条块结合、以块为主): dual reporting";
    L001 = "L001", "unmet-need", Lists, Info, None,
        "a need no project fulfils",
        "regional Party building: the three lists (needs, resources, projects)";
    L002 = "L002", "idle-resource", Lists, Info, None,
        "a resource no project uses",
        "regional Party building: the three lists (needs, resources, projects)";
    T001 = "T001", "empty-validity", Time, Error, None,
        "a record or link whose `until` is before its `since`: never in force",
        "docs/format.md, validity dates: `until` is the last day in force (任期至…), as Popolo's end_date";
    T002 = "T002", "link-outside-ends", Time, Warning, None,
        "a link whose own dates put it in force on a day one of its ends is not",
        "docs/format.md: a link holds only while both its ends do (a relation needs both parties)";
    T003 = "T003", "parent-outside", Time, Warning, None,
        "a territory in force on a day its parent is not; a unit in force on a day its `located_in` is not",
        "division codes (统计用区划代码): a place lies in a place that exists; units sit in existing places";
    T004 = "T004", "succession-gap", Time, Warning, None,
        "a record that ends and has a successor starting later than the next day (or, for a rename or \
         recode, on or before its last day)",
        "division changes (行政区划变更): a merger or new code takes effect the day after the old one ends";
    M001 = "M001", "no-deliberation", Meetings, Warning, None,
        "a community or village with no hearing, coordination or evaluation meeting in a whole calendar year \
         in which it was in force (only in models that record meetings)",
        "the three meetings (三会: 听证会、协调会、评议会) of community self-governance, held by every \
         residents' committee (Shanghai practice since 2006)";
    M002 = "M002", "project-without-hearing", Meetings, Warning, None,
        "a project under way with no hearing on it held on or before the day it started",
        "the three meetings (三会): a hearing before a project touching residents' interests is decided";
    M003 = "M003", "project-without-evaluation", Meetings, Warning, None,
        "a project ended more than 180 days ago (configurable) with no evaluation meeting on it",
        "the three meetings (三会): an evaluation (评议会) of the project once done (议题→项目→评估)";
    M004 = "M004", "meeting-out-of-force", Meetings, Warning, None,
        "a meeting dated on a day its territory or convener was certainly not in force",
        "docs/format.md, validity dates: a meeting is held in a place, by a unit, that exists on its day";
    P001 = "P001", "vacant-principal", People, Warning, None,
        "a Party organisation without a secretary, a government, department or agency without a head, a \
         residents' or villagers' committee without a director, at the date",
        "the first responsible person (第一责任人): each organisation has a principal (Party Constitution; \
         Organic Law of Residents' Committees)";
    P002 = "P002", "duplicate-principal", People, Warning, None,
        "two people holding the same single-holder post (secretary, director, head) of one unit on the same day",
        "one principal per organisation: a secretary, a director, a head";
    P003 = "P003", "grade-out-of-band", People, Warning, None,
        "a community worker's grade outside its band (chief 7–18, deputy 4–15, other 1–12)",
        "the community workers' career scale (职业化社区工作者 \"三岗十八级\"), the published generic scheme";
    P004 = "P004", "worker-ratio", People, Warning, None,
        "a street or town with fewer than 18 community workers per 10,000 residents (attrs.population)",
        "Shanghai community-worker measures (2024): 18 community workers per 10,000 residents";
    P005 = "P005", "no-cross-appointment", People, Info, None,
        "a Party organisation leading a residents' or villagers' committee none of whose secretary or \
         committee members holds a post in the committee",
        "cross-appointment (交叉任职) of the community Party organisation and the residents' committee";
}

/// One finding of the audit: a rule, the record it is about, and the evidence.
///
/// Serialised as `{"rule", "name", "severity", "subject", "territory", "message", "evidence"}`,
/// and `"uncertain"` when it has any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Finding {
    /// The rule's code, e.g. `C001`.
    pub rule: &'static str,
    /// The rule's name, e.g. `no-party-org`.
    pub name: &'static str,
    /// The severity (the rule's, as the config grades it).
    pub severity: Severity,
    /// The id of the record the finding is about (for A001–A004, the matter).
    pub subject: String,
    /// The id of the street/town (township-level territory) the subject belongs to, when one can be told.
    pub territory: Option<String>,
    /// What is wrong, in plain English, naming ids and names.
    pub message: String,
    /// The links and fields the finding rests on, and the links looked for and not found.
    pub evidence: Evidence<'static>,
    /// In a view at a date, the records (their `since`/`until`) and links of the finding
    /// that are only possibly in force then: the finding hangs on how their reduced dates
    /// are read. Empty (and left out of the JSON) when it rests on nothing uncertain.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub uncertain: Evidence<'static>,
}

impl Finding {
    /// What identifies a finding from one report to the next: the rule's code, the
    /// subject's id and the street/town's id. Baselines accept findings by this key and
    /// what-ifs ([`crate::whatif`]) match the findings before and after an edit by it.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::{Config, Model};
    /// let report = Model::sample().audit(&Config::default());
    /// let f = &report.findings[0];
    /// assert_eq!(f.key(), (f.rule, f.subject.as_str(), f.territory.as_deref()));
    /// ```
    pub fn key(&self) -> (&'static str, &str, Option<&str>) {
        (self.rule, &self.subject, self.territory.as_deref())
    }
}

impl fmt::Display for Finding {
    /// `warning[C001 no-party-org] acme @310113003: unit "acme" (…) has 5 full members …`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{} {}] {}", self.severity, self.rule, self.name, self.subject)?;
        if let Some(t) = &self.territory {
            write!(f, " @{t}")?;
        }
        write!(f, ": {}", self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_consistent() {
        assert_eq!(RULES.len(), id::COUNT);
        assert_eq!(RULES.len(), 34);
        for (i, r) in RULES.iter().enumerate() {
            assert_eq!(Rule::index_of(r.code), Some(i));
            assert!(r.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{}", r.name);
            let letter = match r.family {
                Family::Structure => 'S',
                Family::Coverage => 'C',
                Family::Registration => 'D',
                Family::Matters => 'A',
                Family::Balance => 'B',
                Family::Lists => 'L',
                Family::Time => 'T',
                Family::Meetings => 'M',
                Family::People => 'P',
            };
            assert!(r.code.starts_with(letter));
        }
        assert_eq!(RULES[id::A001].code, "A001");
        assert_eq!(RULES[id::L002].code, "L002");
    }
}
