//! `dispatch(matter, territory)`: who handles this matter here.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;
use std::hash::BuildHasherDefault;

use serde::Serialize;

use super::Line;
use super::chain::{Chain, chain, chain_joining, opt, own, touch};
use super::index::FxHasher;
use super::index::{self, AppliedLink};
use super::responsible::{Responsibility, responsible_for};
use crate::evidence::{Evidence, Fact};
use crate::model::{Grade, Level, LinkId, Model, Node, Role};
use crate::render::Table;

/// Where a matter's lead resolves for a territory: see [`resolve_leads`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Resolution {
    /// The nearest territory (the territory itself or a containing one) where a
    /// `responsible` link for the matter with role `lead` applies; `None` when
    /// there is none all the way up.
    pub at: Option<Node>,
    /// The lead links applying at `at`, in document order (empty when `at` is `None`).
    pub leads: Vec<LinkId>,
}

/// The nearest territory, walking up from `territory` through its parents,
/// where a `responsible` link for `matter` with role `lead` applies, and the
/// lead links applying there.
///
/// A `responsible` link *applies at* a territory T when its `scope` is T, or
/// when it has no `scope` and its unit holds `jurisdiction` over T. (A link
/// with a scope applies only at its scope, whatever its unit's jurisdiction.)
/// Each link is counted once per territory, even when its unit holds
/// jurisdiction over T by several links. Two or more lead links at `at` (from
/// different units or not) is the "several leads" problem (audit rule A002);
/// `at == None` is "no lead" (A001).
///
/// # Complexity
/// O(depth of `territory` × holders per territory + leads found): per territory on
/// the way up, one hash lookup for the scoped links and one per unit holding it for
/// the unscoped ones, in tables built once per model, on first use, in O(L log L)
/// for the L `responsible` and `jurisdiction` links (an unscoped link is not copied
/// to every territory its unit holds).
///
/// # Example
/// ```
/// use tiaokuai::{Model, resolve_leads};
/// let model = Model::from_json(r#"{"format": "tiaokuai/1",
///   "territories": [{"id": "d", "name": "District", "kind": "district"},
///                   {"id": "s", "name": "Street", "kind": "street", "parent": "d"}],
///   "units": [{"id": "cgj", "name": "Urban management bureau", "kind": "department"}],
///   "matters": [{"id": "m", "name": "Illegal construction", "list": "cooperating"}],
///   "links": [{"from": "cgj", "to": "d", "kind": "jurisdiction"},
///             {"from": "cgj", "to": "m", "kind": "responsible", "role": "lead"}]}"#)?;
/// let r = resolve_leads(&model, model.node("m").unwrap(), model.node("s").unwrap());
/// assert_eq!(r.at, model.node("d"));
/// assert_eq!(r.leads.len(), 1);
/// # Ok::<(), tiaokuai::Error>(())
/// ```
pub fn resolve_leads(model: &Model, matter: Node, territory: Node) -> Resolution {
    let applied = index::applied(model);
    let mut buf = Vec::new();
    for t in model.ancestors(territory) {
        let here = applied.at(model, matter, t, &mut buf);
        let n = here.iter().take_while(|a| a.role == Role::Lead).count();
        if n > 0 {
            return Resolution { at: Some(t), leads: here[..n].iter().map(|a| a.link).collect() };
        }
    }
    Resolution::default()
}

/// Why a `responsible` link applies at a territory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The link's `scope` is the territory.
    Scope,
    /// The link has no `scope`, and its unit holds `jurisdiction` over the territory.
    Jurisdiction,
}

impl fmt::Display for Basis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Basis::Scope => "scope",
            Basis::Jurisdiction => "jurisdiction",
        })
    }
}

/// A unit's responsibility for the matter, applying at one territory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Assignment<'m> {
    /// The unit's id.
    pub unit: Cow<'m, str>,
    /// The unit's name.
    pub name: Cow<'m, str>,
    /// The unit's kind.
    pub kind: Cow<'m, str>,
    /// The role: lead, cooperate or supervise.
    pub role: Role,
    /// The id of the territory where the link applies.
    pub at: Cow<'m, str>,
    /// That territory's name.
    pub at_name: Cow<'m, str>,
    /// Why it applies there.
    pub basis: Basis,
    /// The index of the `responsible` link in the model's `links` array.
    pub link: usize,
    /// The unit's level.
    pub level: Option<Level>,
    /// The unit's responsibility grade.
    pub grade: Option<Grade>,
    /// The unit's principal at the date ([`crate::people::principal`]), when the model has
    /// people and the data names one; left out of the JSON otherwise.
    /// Boxed: most answers have none, and a 72-byte principal inline made every entry
    /// 64 bytes larger, copied on each push.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal: Option<Box<crate::people::Principal<'m>>>,
}

/// What is wrong with a dispatch answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Problem {
    /// No lead applies at the place or at any territory containing it.
    NoLead,
    /// Two or more lead links apply at the level where the lead resolved.
    SeveralLeads,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Problem::NoLead => "no_lead",
            Problem::SeveralLeads => "several_leads",
        })
    }
}

/// The answer of [`dispatch()`]: who handles a matter in a place.
///
/// The strings are borrowed from the model (`'m`); [`Dispatch::into_owned`]
/// gives an answer independent of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Dispatch<'m> {
    /// The matter's id.
    pub matter: Cow<'m, str>,
    /// The matter's name.
    pub matter_name: Cow<'m, str>,
    /// The id of the place asked about.
    pub territory: Cow<'m, str>,
    /// Its name.
    pub territory_name: Cow<'m, str>,
    /// The id of the nearest territory (the place or one containing it) where a lead applies; `None` when none does.
    pub resolved_at: Option<Cow<'m, str>>,
    /// The leads applying at `resolved_at`, in document order of the links.
    pub leads: Vec<Assignment<'m>>,
    /// The cooperators applying at the territories from the place up to `resolved_at`
    /// (or all the way up when there is no lead), nearest first, each link once.
    pub cooperators: Vec<Assignment<'m>>,
    /// The supervisors, gathered the same way as the cooperators.
    pub supervisors: Vec<Assignment<'m>>,
    /// The leadership chain above each lead, in the order of `leads`.
    pub chains: Vec<Chain<'m>>,
    /// The block chain of the place ([`responsible_for()`]).
    pub block: Responsibility<'m>,
    /// `None` when exactly one lead applies; otherwise what is wrong.
    pub problem: Option<Problem>,
    /// The `responsible` links used, each followed by the `jurisdiction` link that makes an
    /// unscoped one apply; when there is no lead, the fact that none was found.
    pub evidence: Evidence<'m>,
    /// In a view at a date, the records and links of the answer's own evidence (the
    /// matter, the place, the links read) only possibly in force then; each chain and
    /// the block chain carry their own. Empty, and left out of the JSON, otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub uncertain: Evidence<'static>,
}

impl Assignment<'_> {
    /// The same assignment owning its strings.
    pub fn into_owned(self) -> Assignment<'static> {
        Assignment {
            unit: own(self.unit),
            name: own(self.name),
            kind: own(self.kind),
            at: own(self.at),
            at_name: own(self.at_name),
            principal: self.principal.map(|p| Box::new(p.into_owned())),
            ..self
        }
    }
}

impl Dispatch<'_> {
    /// The same answer owning its strings, independent of the model (what the bindings keep).
    pub fn into_owned(self) -> Dispatch<'static> {
        let all = |v: Vec<Assignment<'_>>| v.into_iter().map(Assignment::into_owned).collect();
        Dispatch {
            matter: own(self.matter),
            matter_name: own(self.matter_name),
            territory: own(self.territory),
            territory_name: own(self.territory_name),
            resolved_at: self.resolved_at.map(own),
            leads: all(self.leads),
            cooperators: all(self.cooperators),
            supervisors: all(self.supervisors),
            chains: self.chains.into_iter().map(Chain::into_owned).collect(),
            block: self.block.into_owned(),
            problem: self.problem,
            evidence: self.evidence.into_iter().map(Fact::into_owned).collect(),
            uncertain: self.uncertain,
        }
    }

    /// The leads, cooperators and supervisors as one table.
    pub fn to_table(&self) -> Table {
        let mut t = Table::new(["role", "unit", "name", "kind", "at", "at name", "basis", "link", "grade"]);
        for a in self.leads.iter().chain(&self.cooperators).chain(&self.supervisors) {
            t.row([
                a.role.to_string(),
                a.unit.to_string(),
                a.name.to_string(),
                a.kind.to_string(),
                a.at.to_string(),
                a.at_name.to_string(),
                a.basis.to_string(),
                format!("links[{}]", a.link),
                opt(a.grade),
            ]);
        }
        t
    }

    /// The answer for people: heading, resolution and problem, the table of
    /// units, the chain above each lead, and the block chain of the place.
    pub fn render(&self) -> String {
        let mut out = format!(
            "dispatch of {} ({}) in {} ({})\n",
            self.matter_name, self.matter, self.territory_name, self.territory
        );
        match (&self.resolved_at, self.leads.first()) {
            (Some(at), Some(lead)) => out.push_str(&format!("resolved at: {} ({at})\n", lead.at_name)),
            _ => out.push_str("resolved at: nowhere (no lead at this place or above)\n"),
        }
        match self.problem {
            Some(Problem::NoLead) => out.push_str("problem: no lead\n"),
            Some(Problem::SeveralLeads) => {
                out.push_str(&format!("problem: {} leads at the same level\n", self.leads.len()))
            }
            None => {}
        }
        out.push('\n');
        out.push_str(&self.to_table().render());
        for c in &self.chains {
            let ids: Vec<String> = c.steps.iter().map(|s| format!("{} ({})", s.name, s.id)).collect();
            out.push_str(&format!("\nchain above {}: {}", c.unit, ids.join(" -> ")));
            if let Some(cycle) = &c.cycle {
                out.push_str(&format!(" [cycle: {}]", cycle.join(" -> ")));
            }
            if let Some(at) = &c.joins {
                out.push_str(&format!(" [joins a chain above at {at}]"));
            }
        }
        if !self.chains.is_empty() {
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&self.block.render());
        out
    }
}

impl fmt::Display for Dispatch<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

/// The assignment of one applying `responsible` link at territory `at`, with its evidence: the
/// link (from the unit to the matter) and, for an unscoped one, the `jurisdiction` link that
/// makes it apply.
fn assignment<'m>(
    model: &'m Model,
    a: &AppliedLink,
    at: Node,
    matter: &'m str,
    evidence: &mut Evidence<'m>,
) -> Assignment<'m> {
    let link = model.link(a.link);
    let (unit_id, unit_name, unit_kind) = model.labels(link.from);
    let level = model.level(link.from);
    let unit_id = Cow::Borrowed(unit_id);
    let (at_id, at_name) = model.id_name(at);
    evidence.push(Fact::Link {
        link: a.link.index(),
        from: unit_id.clone(),
        kind: Cow::Borrowed(link.kind.as_str()),
        to: Cow::Borrowed(matter),
    });
    let basis = if link.scope.is_some() { Basis::Scope } else { Basis::Jurisdiction };
    if let Some(j) = a.via {
        evidence.push(Fact::link_in(model, j));
    }
    Assignment {
        unit: unit_id,
        name: Cow::Borrowed(unit_name),
        kind: Cow::Borrowed(unit_kind),
        role: a.role,
        at: Cow::Borrowed(at_id),
        at_name: Cow::Borrowed(at_name),
        basis,
        link: a.link.index(),
        level,
        grade: level.map(|l| l.grade()),
        principal: crate::people::principal(model, link.from).map(Box::new),
    }
}

/// Who handles `matter` in `territory`: walk from the territory up its parents
/// to the nearest territory where a `responsible` link for the matter with
/// role `lead` applies (see [`resolve_leads`] for "applies"), and answer with
///
/// * `resolved_at` and the lead(s) applying there;
/// * the cooperators and supervisors applying at the territories from the place
///   up to and including `resolved_at` — or all the way up when there is no
///   lead — nearest first, then in document order, each link once;
/// * the leadership chain above each lead ([`chain()`] with [`Line::Leadership`]);
/// * the block chain of the place ([`responsible_for()`]);
/// * `problem`: [`Problem::NoLead`] or [`Problem::SeveralLeads`] (two or more lead
///   links at the resolved level), stated, never hidden.
///
/// # Complexity
/// O(depth × responsible links applying per territory, plus the chains and the
/// block chain), using the per-model matter table of [`resolve_leads`].
///
/// # Example
/// ```
/// use tiaokuai::{Model, dispatch, Problem};
/// let model = Model::from_json(r#"{"format": "tiaokuai/1",
///   "territories": [{"id": "d", "name": "District", "kind": "district"},
///                   {"id": "s", "name": "Street", "kind": "street", "parent": "d"}],
///   "units": [{"id": "cgj", "name": "Urban management bureau", "kind": "department"},
///             {"id": "bsc", "name": "Street office", "kind": "government"}],
///   "matters": [{"id": "m", "name": "Illegal construction", "list": "cooperating"}],
///   "links": [{"from": "bsc", "to": "s", "kind": "jurisdiction"},
///             {"from": "cgj", "to": "m", "kind": "responsible", "role": "lead", "scope": "s"},
///             {"from": "bsc", "to": "m", "kind": "responsible", "role": "cooperate"}]}"#)?;
/// let d = dispatch(&model, model.node("m").unwrap(), model.node("s").unwrap());
/// assert_eq!(d.resolved_at.as_deref(), Some("s"));
/// assert_eq!(d.leads[0].unit, "cgj");
/// assert_eq!(d.cooperators[0].unit, "bsc");
/// assert_eq!(d.problem, None);
/// # Ok::<(), tiaokuai::Error>(())
/// ```
pub fn dispatch(model: &Model, matter: Node, territory: Node) -> Dispatch<'_> {
    /// How many territories' applying links the walk keeps for the second pass (deeper ones are looked up again).
    const KEEP: usize = 16;
    let applied = index::applied(model);
    // The records of the territories up the tree are asked for now, their cache misses
    // overlapping (see `chain::touch`); the assignments and the block chain then find them warm.
    touch(model, model.ancestors(territory));
    let record = model.record(matter);
    let matter_id = record.id();
    // One walk up to where the lead resolves, keeping what applies at each territory.
    // What applies at the first KEEP territories, side by side in `kept` (spans per level).
    let mut kept: Vec<AppliedLink> = Vec::new();
    let mut spans = [(0usize, 0usize); KEEP];
    let mut buf: Vec<AppliedLink> = Vec::new();
    let mut found: Option<(usize, Node, usize)> = None;
    for (k, t) in model.ancestors(territory).enumerate() {
        let here = applied.at(model, matter, t, &mut buf);
        if k < KEEP {
            spans[k] = (kept.len(), kept.len() + here.len());
            kept.extend_from_slice(here);
        }
        let n = here.iter().take_while(|a| a.role == Role::Lead).count();
        if n > 0 {
            found = Some((k, t, n));
            break;
        }
    }
    // The leads where the walk stopped: what `at` gave there last (the table's own slice,
    // or `buf`, which holds it still).
    let resolved: Option<(usize, Node, &[AppliedLink])> =
        found.map(|(k, t, n)| (k, t, &applied.at(model, matter, t, &mut buf)[..n]));
    let mut evidence = Vec::new();
    let mut leads = Vec::new();
    match resolved {
        Some((_, at, here)) => {
            for a in here {
                leads.push(assignment(model, a, at, matter_id, &mut evidence));
            }
        }
        None => {
            let what = format!(
                "responsible link with role lead applying at {:?} or a territory containing it",
                model.id(territory)
            );
            evidence.push(Fact::missing_in(model, matter, what, false));
        }
    }
    let mut cooperators = Vec::new();
    let mut supervisors = Vec::new();
    // A set: a place may have any number of cooperating and supervising links.
    let mut seen: HashSet<LinkId, BuildHasherDefault<FxHasher>> = HashSet::default();
    let last = resolved.map_or(usize::MAX, |(k, _, _)| k + 1);
    let mut further: Vec<AppliedLink> = Vec::new();
    for (k, t) in model.ancestors(territory).take(last).enumerate() {
        let at_k: &[AppliedLink] =
            if k < KEEP { &kept[spans[k].0..spans[k].1] } else { applied.at(model, matter, t, &mut further) };
        for a in at_k.iter().filter(|a| a.role != Role::Lead) {
            if !seen.insert(a.link) {
                continue;
            }
            let list = if a.role == Role::Cooperate { &mut cooperators } else { &mut supervisors };
            list.push(assignment(model, a, t, matter_id, &mut evidence));
        }
    }
    // The first lead's chain whole; each further one up to where it joins a chain already
    // given (`Chain::joins`), so thousands of leads under one long chain explain it once.
    let chains: Vec<Chain<'_>> = match resolved {
        Some((_, _, [only])) => vec![chain(model, model.link(only.link).from, Line::Leadership)],
        Some((_, _, here)) => {
            let mut given: HashSet<Node, BuildHasherDefault<FxHasher>> = HashSet::default();
            here.iter().map(|a| chain_joining(model, model.link(a.link).from, &mut given)).collect()
        }
        _ => Vec::new(),
    };
    // The block chain last: glibc's malloc, on the fragmented heap a big model leaves, serves
    // the answer markedly faster in this order (measured; see docs/benchmarks.md).
    let block = responsible_for(model, territory);
    let problem = match leads.len() {
        0 => Some(Problem::NoLead),
        1 => None,
        _ => Some(Problem::SeveralLeads),
    };
    let uncertain = crate::evidence::uncertain(model, [matter_id, model.id(territory)], &evidence);
    Dispatch {
        matter: Cow::Borrowed(matter_id),
        matter_name: Cow::Borrowed(record.name()),
        territory: Cow::Borrowed(model.id(territory)),
        territory_name: Cow::Borrowed(model.name(territory)),
        resolved_at: resolved.map(|(_, at, _)| Cow::Borrowed(model.id(at))),
        leads,
        cooperators,
        supervisors,
        chains,
        block,
        problem,
        evidence,
        uncertain,
    }
}
