//! Where is nobody: the coverage audit.
//!
//! [`audit`] runs every enabled rule of the catalogue ([`RULES`], documented
//! in `docs/rules.md`) over a model and returns a [`Report`]: the findings in
//! a stable order (by rule code, then the subject's document order, then the
//! street/town), a summary with counts by severity and rule, and the
//! per-territory [`Metrics`].
//!
//! Rules come in six families, one file each under `rules/`: structure (S),
//! coverage (C), registration (D), matters (A), balance (B) and lists (L).
//! Which rules run, at which severity, and their thresholds come from a
//! [`Config`] (JSON or TOML, like a linter's).
//!
//! Links' and records' `since` / `until` dates are not consulted: a model
//! describes one moment.
//!
//! # Complexity
//! One pass per family over the records it concerns, using the model's
//! typed adjacency (O(log d) per lookup): O((records + links) log d) in all,
//! plus, for A001–A003, one [`crate::query::resolve_leads`] per (matter,
//! street/town) pair.
//!
//! # Example
//! ```
//! use tiaokuai::{Config, Model, Severity};
//! let model = Model::from_json(r#"{"format": "tiaokuai/1",
//!   "territories": [{"id": "s", "name": "友谊路街道", "kind": "street"}],
//!   "units": [{"id": "acme", "name": "某科技有限公司", "kind": "enterprise", "sector": "private",
//!              "located_in": "s", "members": 5}],
//!   "links": []}"#)?;
//! let report = model.audit(&Config::default());
//! let codes: Vec<&str> = report.findings.iter().map(|f| f.rule).collect();
//! assert_eq!(codes, ["C001", "C003", "C006"]);
//! assert_eq!(report.findings[0].subject, "acme");
//! assert_eq!(report.findings[0].territory.as_deref(), Some("s"));
//! assert_eq!(report.count(Severity::Warning), 3);
//! # Ok::<(), tiaokuai::Error>(())
//! ```

mod config;
mod finding;
mod rules;

use serde::Serialize;

pub use config::{Config, Profiles, RuleSetting, Thresholds};
pub(crate) use finding::id;
pub use finding::{Family, Finding, RULES, Rule, Severity};

use crate::evidence::{Evidence, Fact};
use crate::metrics::{Metrics, Tally};
use crate::model::{LinkId, LinkKind, Model, Node, Unit, UnitKind};
use crate::render::Table;

/// The "none" value of the `u32` tables.
pub(crate) const NONE: u32 = u32::MAX;
const UNSET: u32 = u32::MAX - 1;

/// Coverage flags of a unit (see [`Context::cover`]).
pub(crate) mod cover {
    /// A `party_org_of` arrives from a Party organisation that is not a joint branch.
    pub const OWN: u8 = 1;
    /// A `party_org_of` arrives from a joint branch.
    pub const JOINT: u8 = 2;
    /// An `instructs` link arrives.
    pub const INSTRUCTED: u8 = 4;
    /// A `mass_org_of` link arrives.
    pub const MASS: u8 = 8;
}

/// What every rule family shares: the model, the config, the street/town of
/// every territory, and the coverage flags of every unit.
pub(crate) struct Context<'m> {
    pub model: &'m Model,
    pub config: &'m Config,
    /// The township-level territories (street, town, township, zone), in document order.
    pub townships: Vec<Node>,
    /// Per record: for territories, the row in `townships` of the nearest township-level
    /// territory containing it (itself included), or [`NONE`].
    row: Vec<u32>,
    /// Per record: for units, the [`cover`] flags.
    cover: Vec<u8>,
}

impl<'m> Context<'m> {
    pub fn new(model: &'m Model, config: &'m Config) -> Context<'m> {
        let n = model.len();
        let mut row = vec![UNSET; n];
        let mut townships = Vec::new();
        for (t, terr) in model.territories() {
            if terr.kind.is_township_level() {
                row[t.index()] = townships.len() as u32;
                townships.push(t);
            }
        }
        let mut stack = Vec::new();
        for (t, _) in model.territories() {
            if row[t.index()] != UNSET {
                continue;
            }
            stack.clear();
            let mut cur = t;
            let value = loop {
                let r = row[cur.index()];
                if r != UNSET {
                    break r;
                }
                stack.push(cur);
                match model.parent(cur) {
                    Some(p) => cur = p,
                    None => break NONE,
                }
            };
            for s in &stack {
                row[s.index()] = value;
            }
        }
        let mut cover_flags = vec![0u8; n];
        for (u, _) in model.units() {
            let mut f = 0u8;
            if model.in_degree(u, &LinkKind::PartyOrgOf) > 0 {
                for l in model.links_to(u, &LinkKind::PartyOrgOf) {
                    f |= if is_joint(model, l.from) { cover::JOINT } else { cover::OWN };
                }
            }
            if model.in_degree(u, &LinkKind::Instructs) > 0 {
                f |= cover::INSTRUCTED;
            }
            if model.in_degree(u, &LinkKind::MassOrgOf) > 0 {
                f |= cover::MASS;
            }
            cover_flags[u.index()] = f;
        }
        Context { model, config, townships, row, cover: cover_flags }
    }

    /// The row (in `townships`) of the street/town containing a territory.
    pub fn territory_row(&self, territory: Node) -> Option<usize> {
        let r = self.row[territory.index()];
        (r < UNSET).then_some(r as usize)
    }

    /// The street/town containing a territory (itself included).
    pub fn territory_township(&self, territory: Node) -> Option<Node> {
        self.territory_row(territory).map(|r| self.townships[r])
    }

    /// The row of a unit's street/town: of its `located_in`, else of the first
    /// territory it holds jurisdiction over that lies in one.
    pub fn unit_row(&self, unit: Node) -> Option<usize> {
        let u = self.model.unit(unit)?;
        if let Some(loc) = u.located_in
            && let Some(r) = self.territory_row(loc)
        {
            return Some(r);
        }
        self.model.targets(unit, &LinkKind::Jurisdiction).find_map(|t| self.territory_row(t))
    }

    /// A unit's street/town; for a Party organisation placed nowhere, that of
    /// the first unit it is the Party organisation of.
    pub fn unit_township(&self, unit: Node) -> Option<Node> {
        self.unit_row(unit)
            .or_else(|| self.model.targets(unit, &LinkKind::PartyOrgOf).find_map(|u| self.unit_row(u)))
            .map(|r| self.townships[r])
    }

    /// The [`cover`] flags of a unit.
    pub fn cover(&self, unit: Node) -> u8 {
        self.cover[unit.index()]
    }
}

/// True for a joint Party branch.
pub(crate) fn is_joint(model: &Model, unit: Node) -> bool {
    matches!(model.unit(unit), Some(Unit { kind: UnitKind::JointPartyBranch, .. }))
}

/// True for a unit of one of the Party organisation kinds.
pub(crate) fn is_party_org(model: &Model, unit: Node) -> bool {
    model.unit(unit).is_some_and(|u| u.kind.is_party_org())
}

/// True for the strip kinds (departments and their stationed agencies), which
/// never count as "the street" even when they hold jurisdiction over it.
pub(crate) fn is_strip(model: &Model, unit: Node) -> bool {
    model.unit(unit).is_some_and(|u| matches!(u.kind, UnitKind::Department | UnitKind::DispatchedAgency))
}

/// `"id" (name)`, the way messages name a record.
pub(crate) fn label(model: &Model, node: Node) -> String {
    format!("{:?} ({})", model.id(node), model.name(node))
}

/// The ids and links of one kind leaving a record, with their ids (for evidence).
pub(crate) fn links_out<'a>(
    model: &'a Model,
    node: Node,
    kind: &'a LinkKind,
) -> impl Iterator<Item = (LinkId, &'a crate::model::Link)> + 'a {
    model.all_links_from(node).filter(move |(_, l)| &l.kind == kind)
}

/// The links of one kind arriving at a record, with their ids (for evidence).
pub(crate) fn links_in<'a>(
    model: &'a Model,
    node: Node,
    kind: &'a LinkKind,
) -> impl Iterator<Item = (LinkId, &'a crate::model::Link)> + 'a {
    model.all_links_to(node).filter(move |(_, l)| &l.kind == kind)
}

struct Raw {
    rule: usize,
    subject: Node,
    territory: Option<Node>,
    message: String,
    evidence: Evidence,
}

/// Where rules put their findings; knows which rules are on.
pub(crate) struct Sink {
    severities: Vec<Option<Severity>>,
    raw: Vec<Raw>,
}

impl Sink {
    fn new(config: &Config) -> Sink {
        Sink { severities: config::effective_all(config), raw: Vec::new() }
    }

    fn silent() -> Sink {
        Sink { severities: vec![None; RULES.len()], raw: Vec::new() }
    }

    /// True when the rule runs.
    pub fn on(&self, rule: usize) -> bool {
        self.severities[rule].is_some()
    }

    /// Records a finding of an enabled rule (ignored when the rule is off).
    pub fn push(&mut self, rule: usize, subject: Node, territory: Option<Node>, message: String, evidence: Evidence) {
        if self.on(rule) {
            self.raw.push(Raw { rule, subject, territory, message, evidence });
        }
    }

    fn into_findings(self, model: &Model) -> Vec<Finding> {
        let key = |n: Node| (model.record(n).record_type(), n.index());
        let mut raw = self.raw;
        // A stable sort keeps the order rules pushed equal keys in.
        raw.sort_by_key(|r| (r.rule, key(r.subject), r.territory.map(key)));
        let severities = self.severities;
        raw.into_iter()
            .map(|r| {
                let rule = &RULES[r.rule];
                Finding {
                    rule: rule.code,
                    name: rule.name,
                    severity: severities[r.rule].unwrap_or(rule.default_severity),
                    subject: model.id(r.subject).to_string(),
                    territory: r.territory.map(|t| model.id(t).to_string()),
                    message: r.message,
                    evidence: r.evidence,
                }
            })
            .collect()
    }
}

/// The evidence fact for a link.
pub(crate) fn fact(model: &Model, link: LinkId) -> Fact {
    Fact::link(model, link)
}

/// One rule's line in the [`Summary`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RuleCount {
    /// The rule's code.
    pub code: &'static str,
    /// The rule's name.
    pub name: &'static str,
    /// The severity it ran at, or `None` when it was switched off.
    pub severity: Option<Severity>,
    /// How many findings it gave.
    pub findings: usize,
}

/// Counts of a [`Report`]'s findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Summary {
    /// Findings at severity error.
    pub errors: usize,
    /// Findings at severity warning.
    pub warnings: usize,
    /// Findings at severity info.
    pub infos: usize,
    /// Every rule of the catalogue, in catalogue order, with its severity and count.
    pub rules: Vec<RuleCount>,
}

/// The result of an [`audit`]: summary, findings and metrics.
///
/// Serialised as `{"summary": …, "findings": […], "metrics": …}`, everything in a stable order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Report {
    /// Counts by severity and rule.
    pub summary: Summary,
    /// The findings, by rule code, then the subject's document order, then the street/town.
    pub findings: Vec<Finding>,
    /// The per-territory metrics.
    pub metrics: Metrics,
}

impl Report {
    /// The number of findings at a severity.
    pub fn count(&self, severity: Severity) -> usize {
        match severity {
            Severity::Error => self.summary.errors,
            Severity::Warning => self.summary.warnings,
            Severity::Info => self.summary.infos,
        }
    }

    /// True when some finding has severity error.
    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }

    /// The findings of one rule (by code or name).
    pub fn findings_of<'a>(&'a self, rule: &str) -> impl Iterator<Item = &'a Finding> + 'a {
        let code = Rule::find(rule).map(|r| r.code);
        self.findings.iter().filter(move |f| Some(f.rule) == code)
    }

    /// The findings as a table for people: severity, rule, name, subject, street/town, message.
    pub fn to_table(&self) -> Table {
        let mut t = Table::new(["severity", "rule", "name", "subject", "street/town", "message"]);
        for f in &self.findings {
            t.row([f.severity.as_str(), f.rule, f.name, &f.subject, f.territory.as_deref().unwrap_or(""), &f.message]);
        }
        t
    }

    /// The findings table and a summary line, for a terminal.
    pub fn render(&self) -> String {
        let mut out = if self.findings.is_empty() { "no findings\n".to_string() } else { self.to_table().render() };
        out.push_str(&format!(
            "\n{} findings: {} errors, {} warnings, {} infos\n",
            self.findings.len(),
            self.summary.errors,
            self.summary.warnings,
            self.summary.infos
        ));
        out
    }

    /// The report as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// Runs every enabled rule of `config` over `model`; see the [module documentation](self).
pub fn audit(model: &Model, config: &Config) -> Report {
    let ctx = Context::new(model, config);
    let mut sink = Sink::new(config);
    let metrics = run(&ctx, &mut sink);
    let severities = sink.severities.clone();
    let findings = sink.into_findings(model);
    let mut summary = Summary { errors: 0, warnings: 0, infos: 0, rules: Vec::with_capacity(RULES.len()) };
    for f in &findings {
        match f.severity {
            Severity::Error => summary.errors += 1,
            Severity::Warning => summary.warnings += 1,
            Severity::Info => summary.infos += 1,
        }
    }
    for (i, r) in RULES.iter().enumerate() {
        let n = findings.iter().filter(|f| f.rule == r.code).count();
        summary.rules.push(RuleCount { code: r.code, name: r.name, severity: severities[i], findings: n });
    }
    Report { summary, findings, metrics }
}

/// The metrics alone (no findings are built).
pub(crate) fn metrics_only(model: &Model, config: &Config) -> Metrics {
    let ctx = Context::new(model, config);
    run(&ctx, &mut Sink::silent())
}

fn run(ctx: &Context, sink: &mut Sink) -> Metrics {
    let mut tally = Tally::new(ctx.townships.len());
    rules::structure::run(ctx, sink);
    rules::coverage::run(ctx, sink);
    rules::registration::run(ctx, sink, &mut tally);
    rules::matters::run(ctx, sink, &mut tally);
    rules::balance::run(ctx, sink, &mut tally);
    rules::lists::run(ctx, sink);
    Metrics::finish(ctx, tally)
}

impl Model {
    /// Runs the audit; see [`audit()`].
    pub fn audit(&self, config: &Config) -> Report {
        audit(self, config)
    }
}
