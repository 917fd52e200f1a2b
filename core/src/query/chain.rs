//! `chain(unit, line)`: from a unit up to the top, one step per link.

use std::collections::HashSet;
use std::fmt;
use std::hash::BuildHasherDefault;

use serde::Serialize;

use super::index::{self, FxHasher, Upward};
use super::{Line, kind_of};
use crate::evidence::{Evidence, Fact};
use crate::model::{Grade, Level, LinkId, LinkKind, Model, Node};
use crate::render::Table;

/// One unit on a [`Chain`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Step {
    /// The unit's id.
    pub id: String,
    /// The unit's name.
    pub name: String,
    /// The unit's kind (`party_committee` …).
    pub kind: String,
    /// The kind of the link followed into this unit from the step below; `None` for the first step.
    pub via: Option<LinkKind>,
    /// That link's index in the model's `links` array.
    pub link: Option<usize>,
    /// The unit's level ([`Model::level`]).
    pub level: Option<Level>,
    /// The unit's responsibility grade ([`Model::grade`]).
    pub grade: Option<Grade>,
}

/// A link upward that the chain did not follow: another leader of a dual-led
/// unit (or another department stationing or guiding it, on the strip).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Branch {
    /// The id of the unit on the chain with more than one link upward.
    pub at: String,
    /// The id of the unit not followed.
    pub leader: String,
    /// Its name.
    pub name: String,
    /// The kind of the link (the same kind as the link the chain followed at `at`).
    pub kind: LinkKind,
    /// The link's index in the model's `links` array.
    pub link: usize,
}

/// The answer of [`chain()`]: the units from one unit up to the top.
///
/// Serialised with its fields in this order, ids and names owned, so the
/// JSON stands on its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Chain {
    /// The id of the unit the chain starts from.
    pub unit: String,
    /// Its name.
    pub name: String,
    /// The line followed.
    pub line: Line,
    /// The units, starting with `unit`, each with the link followed into it.
    pub steps: Vec<Step>,
    /// Links upward not followed, at units with more than one of the kind followed.
    pub branches: Vec<Branch>,
    /// Ids of units on the chain with two or more leaders where not exactly one
    /// `leads` link is marked primary (the first primary, or the first leader in
    /// document order, was followed). The audit reports these as S002.
    pub ambiguous: Vec<String>,
    /// When the walk stopped because the next unit was already on the chain:
    /// the ids around the cycle, the repeated unit first and last.
    pub cycle: Option<Vec<String>>,
    /// The links followed (and not followed, for branches), in the order met,
    /// and, when the chain reaches a top, the links looked for there and not found.
    pub evidence: Evidence,
}

impl Chain {
    /// The ids of the units on the chain, bottom first.
    pub fn ids(&self) -> impl Iterator<Item = &str> + '_ {
        self.steps.iter().map(|s| s.id.as_str())
    }

    /// The steps as an aligned table: position, id, name, kind, link followed into it, level and grade.
    pub fn to_table(&self) -> Table {
        let mut t = Table::new(["#", "id", "name", "kind", "via", "level", "grade"]);
        for (i, s) in self.steps.iter().enumerate() {
            let via = match (&s.via, s.link) {
                (Some(k), Some(l)) => format!("{k} links[{l}]"),
                _ => String::new(),
            };
            t.row([i.to_string(), s.id.clone(), s.name.clone(), s.kind.clone(), via, opt(s.level), opt(s.grade)]);
        }
        t
    }

    /// The chain for people: a heading, the table of steps, then the branches,
    /// ambiguities and cycle, if any.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::{Line, Model};
    /// let model = Model::from_json(r#"{"format": "tiaokuai/1",
    ///   "units": [{"id": "a", "name": "A", "kind": "party_committee"},
    ///             {"id": "b", "name": "B", "kind": "party_branch"}],
    ///   "links": [{"from": "a", "to": "b", "kind": "leads"}, {"from": "b", "to": "a", "kind": "leads"}]}"#)?;
    /// let text = model.chain("b", Line::Leadership)?.render();
    /// assert!(text.contains("cycle: b -> a -> b"));
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn render(&self) -> String {
        let mut out = format!("{} chain of {} ({})\n", self.line, self.name, self.unit);
        out.push_str(&self.to_table().render());
        for b in &self.branches {
            out.push_str(&format!(
                "branch at {}: {} ({}) also {} it, links[{}]\n",
                b.at, b.name, b.leader, b.kind, b.link
            ));
        }
        for a in &self.ambiguous {
            out.push_str(&format!(
                "ambiguous: {a} has several leaders and not exactly one marked primary; followed the first\n"
            ));
        }
        match &self.cycle {
            Some(c) => out.push_str(&format!("cycle: {}\n", c.join(" -> "))),
            None => {
                if let Some(top) = self.steps.last() {
                    out.push_str(&format!("top: {} ({})\n", top.name, top.id));
                }
            }
        }
        out
    }
}

impl fmt::Display for Chain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

pub(super) fn opt<T: fmt::Display>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// The units on the leadership line from `unit` upward, for the audit.
///
/// At each unit the walk follows the `leads` link marked primary (the first
/// such link in document order when several are), or else the first `leads`
/// link in document order; it stops at a unit with no leader, or before a unit
/// already on the path. The path starts with `unit`, holds each unit once,
/// and `cycle` is true when the walk stopped because of a cycle: the leader of
/// the last unit is then on the path. A record that is not a unit has the path
/// `[unit]`.
///
/// This is exactly the step sequence of [`chain()`] with [`Line::Leadership`].
///
/// # Complexity
/// O(length of the path): the path length and cycle flag of every unit are
/// computed once per model (on first use, O(records + links)), so the walk
/// allocates the output `Vec` once at its final size and does no other work.
///
/// # Example
/// ```
/// use tiaokuai::{Model, leadership_path};
/// let model = Model::from_json(r#"{"format": "tiaokuai/1",
///   "units": [{"id": "a", "name": "A", "kind": "party_committee"},
///             {"id": "b", "name": "B", "kind": "party_committee"},
///             {"id": "c", "name": "C", "kind": "party_branch"}],
///   "links": [{"from": "a", "to": "b", "kind": "leads"}, {"from": "b", "to": "a", "kind": "leads"},
///             {"from": "b", "to": "c", "kind": "leads"}]}"#)?;
/// let (path, cycle) = leadership_path(&model, model.node("c").unwrap());
/// let ids: Vec<&str> = path.iter().map(|&n| model.id(n)).collect();
/// assert_eq!((ids, cycle), (vec!["c", "b", "a"], true));
/// # Ok::<(), tiaokuai::Error>(())
/// ```
pub fn leadership_path(model: &Model, unit: Node) -> (Vec<Node>, bool) {
    let up = index::upward(model);
    let (len, cycle) = up.path(unit);
    let mut out = Vec::with_capacity(len.max(1));
    let mut cur = unit;
    out.push(cur);
    for _ in 1..len {
        match up.up(cur) {
            Some(l) => cur = model.link(l).from,
            None => break,
        }
        out.push(cur);
    }
    (out, cycle)
}

/// The link a line follows upward from a unit, and the group of links of that kind there.
fn choose<'a>(up: &'a Upward, node: Node, line: Line) -> Option<(LinkId, &'a [u32])> {
    let leads = || up.up(node).map(|l| (l, up.leads(node)));
    let first = |group: &'a [u32]| group.first().map(|&l| (LinkId(l), group));
    match line {
        Line::Leadership => leads(),
        Line::Strip => first(up.dispatches(node)).or_else(|| first(up.guides(node))).or_else(leads),
        Line::All => leads().or_else(|| first(up.dispatches(node))).or_else(|| first(up.guides(node))),
    }
}

/// The chain of a unit: from `unit` up to the top along `line`, one step per link.
///
/// At each unit the walk picks one link arriving at it (see [`Line`] for the
/// kinds and their order): for `leads`, the link marked primary (the first
/// such when several are) or else the first in document order; for
/// `dispatches` and `guides`, the first in document order. The other links of
/// the same kind arriving there are reported as [`Branch`]es; a unit with two
/// or more leaders and not exactly one primary is listed in
/// [`Chain::ambiguous`]. The walk stops at a unit with no link to follow, or,
/// when the next unit is already on the chain, reports the [`Chain::cycle`]
/// and stops. The walk is iterative.
///
/// Each step carries the unit's level and responsibility grade
/// ([`Model::level`], [`Model::grade`]: city overall, district first, street
/// direct, community specific).
///
/// A record that is not a unit gives a chain of one step (only units are led).
///
/// # Complexity
/// O(k + b) for a chain of k steps with b branches; on the leadership line the
/// walk reads the per-model path table (see [`leadership_path`]), on the other
/// lines it keeps a hash set of the units met.
///
/// # Example
/// ```
/// use tiaokuai::{Line, Model, chain};
/// let model = Model::from_json(r#"{"format": "tiaokuai/1",
///   "units": [{"id": "dept", "name": "District market regulation", "kind": "department"},
///             {"id": "gov", "name": "District government", "kind": "government"},
///             {"id": "street", "name": "Street working committee", "kind": "party_working_committee"},
///             {"id": "station", "name": "Market regulation station", "kind": "dispatched_agency"}],
///   "links": [{"from": "gov", "to": "dept", "kind": "leads"},
///             {"from": "dept", "to": "station", "kind": "dispatches"},
///             {"from": "street", "to": "station", "kind": "leads"}]}"#)?;
/// let station = model.node("station").unwrap();
/// let strip: Vec<String> = chain(&model, station, Line::Strip).ids().map(String::from).collect();
/// assert_eq!(strip, ["station", "dept", "gov"]);
/// let lead: Vec<String> = chain(&model, station, Line::Leadership).ids().map(String::from).collect();
/// assert_eq!(lead, ["station", "street"]);
/// # Ok::<(), tiaokuai::Error>(())
/// ```
pub fn chain(model: &Model, unit: Node, line: Line) -> Chain {
    let up = index::upward(model);
    // The units, the link followed into each, and the link closing a cycle.
    let (nodes, closing) = match line {
        Line::Leadership => {
            let (nodes, cycle) = leadership_path(model, unit);
            let closing = if cycle { nodes.last().and_then(|&n| up.up(n)) } else { None };
            (nodes, closing)
        }
        _ => walk(model, up, unit, line),
    };
    let mut steps = Vec::with_capacity(nodes.len());
    let mut branches = Vec::new();
    let mut ambiguous = Vec::new();
    let mut evidence = Vec::with_capacity(nodes.len());
    let mut into: Option<LinkId> = None;
    for (i, &node) in nodes.iter().enumerate() {
        steps.push(Step {
            id: model.id(node).to_string(),
            name: model.name(node).to_string(),
            kind: kind_of(model, node),
            via: into.map(|l| model.link(l).kind.clone()),
            link: into.map(LinkId::index),
            level: model.level(node),
            grade: model.grade(node),
        });
        // Every unit but the last had a link followed out of it; the last one too when it closes a cycle.
        let followed = if i + 1 < nodes.len() || closing.is_some() { choose(up, node, line) } else { None };
        match followed {
            Some((link, group)) => {
                evidence.push(Fact::link(model, link));
                let kind = &model.link(link).kind;
                if *kind == LinkKind::Leads && group.len() >= 2 {
                    let primaries = group.iter().filter(|&&l| model.link(LinkId(l)).is_primary()).count();
                    if primaries != 1 {
                        ambiguous.push(model.id(node).to_string());
                    }
                }
                for &other in group.iter().filter(|&&l| l != link.0) {
                    let other = LinkId(other);
                    let leader = model.link(other).from;
                    evidence.push(Fact::link(model, other));
                    branches.push(Branch {
                        at: model.id(node).to_string(),
                        leader: model.id(leader).to_string(),
                        name: model.name(leader).to_string(),
                        kind: kind.clone(),
                        link: other.index(),
                    });
                }
                into = Some(link);
            }
            None => {
                let what = match line {
                    Line::Leadership => "leads",
                    Line::Strip | Line::All => "leads, dispatches or guides",
                };
                evidence.push(Fact::missing(model, node, what, false));
            }
        }
    }
    let cycle = closing.map(|l| {
        let again = model.link(l).from;
        let from = nodes.iter().position(|&n| n == again).unwrap_or(0);
        let mut ids: Vec<String> = nodes[from..].iter().map(|&n| model.id(n).to_string()).collect();
        ids.push(model.id(again).to_string());
        ids
    });
    Chain {
        unit: model.id(unit).to_string(),
        name: model.name(unit).to_string(),
        line,
        steps,
        branches,
        ambiguous,
        cycle,
        evidence,
    }
}

/// The walk for the strip and all lines: iterative, with a hash map of the units met.
fn walk(model: &Model, up: &Upward, unit: Node, line: Line) -> (Vec<Node>, Option<LinkId>) {
    let mut seen: HashSet<Node, BuildHasherDefault<FxHasher>> = HashSet::default();
    let mut nodes = vec![unit];
    seen.insert(unit);
    let mut cur = unit;
    while let Some((link, _)) = choose(up, cur, line) {
        let next = model.link(link).from;
        if !seen.insert(next) {
            return (nodes, Some(link));
        }
        nodes.push(next);
        cur = next;
    }
    (nodes, None)
}
