//! `chain(unit, line)`: from a unit up to the top, one step per link.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;
use std::hash::BuildHasherDefault;

use serde::Serialize;

use super::Line;
use super::index::{self, FxHasher, NONE, Upward};
use crate::evidence::{Evidence, Fact};
use crate::model::{Grade, Level, LinkId, LinkKind, Model, Node, Status};
use crate::render::Table;

/// One unit on a [`Chain`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Step<'m> {
    /// The unit's id.
    pub id: Cow<'m, str>,
    /// The unit's name.
    pub name: Cow<'m, str>,
    /// The unit's kind (`party_committee` …).
    pub kind: Cow<'m, str>,
    /// The kind of the link followed into this unit from the step below; `None` for the first step.
    pub via: Option<LinkKind>,
    /// That link's index in the model's `links` array.
    pub link: Option<usize>,
    /// The unit's level ([`Model::level`]).
    pub level: Option<Level>,
    /// The unit's responsibility grade ([`Model::grade`]).
    pub grade: Option<Grade>,
    /// The unit's principal at the date ([`crate::people::principal`]): its secretary,
    /// head or director, when the model has people and the data names one; left out of
    /// the JSON otherwise.
    /// Boxed: most answers have none, and a 72-byte principal inline made every entry
    /// 64 bytes larger, copied on each push.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal: Option<Box<crate::people::Principal<'m>>>,
}

/// A link upward that the chain did not follow: another leader of a dual-led
/// unit (or another department stationing or guiding it, on the strip).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Branch<'m> {
    /// The id of the unit on the chain with more than one link upward.
    pub at: Cow<'m, str>,
    /// The id of the unit not followed.
    pub leader: Cow<'m, str>,
    /// Its name.
    pub name: Cow<'m, str>,
    /// The kind of the link (the same kind as the link the chain followed at `at`).
    pub kind: LinkKind,
    /// The link's index in the model's `links` array.
    pub link: usize,
}

/// The answer of [`chain()`]: the units from one unit up to the top.
///
/// Serialised with its fields in this order, with ids and names, so the JSON
/// stands on its own. The strings are borrowed from the model (`'m`), so
/// building a chain copies no text; [`Chain::into_owned`] gives a chain
/// independent of the model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Chain<'m> {
    /// The id of the unit the chain starts from.
    pub unit: Cow<'m, str>,
    /// Its name.
    pub name: Cow<'m, str>,
    /// The line followed.
    pub line: Line,
    /// The units, starting with `unit`, each with the link followed into it.
    pub steps: Vec<Step<'m>>,
    /// Links upward not followed, at units with more than one of the kind followed.
    pub branches: Vec<Branch<'m>>,
    /// Ids of units on the chain with two or more leaders where not exactly one
    /// `leads` link is marked primary (the first primary, or the first leader in
    /// document order, was followed). The audit reports these as S002.
    pub ambiguous: Vec<Cow<'m, str>>,
    /// When the walk stopped because the next unit was already on the chain:
    /// the ids around the cycle, the repeated unit first and last.
    pub cycle: Option<Vec<Cow<'m, str>>>,
    /// In a [`crate::Dispatch`] answer with several leads, a chain that reaches a unit
    /// already on a chain given earlier in the answer stops there: this is that unit's id
    /// (the chain's last step), and the rest of the way up is in the earlier chain. So an
    /// answer with thousands of leads under one long chain explains that chain once.
    /// `None` for a whole chain (always, from [`chain()`]); left out of the JSON then.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub joins: Option<Cow<'m, str>>,
    /// The links followed (and not followed, for branches), in the order met,
    /// and, when the chain reaches a top, the links looked for there and not found.
    pub evidence: Evidence<'m>,
    /// In a view at a date, the records and links of the chain only possibly in force
    /// then ([`crate::evidence::uncertain`]); empty, and left out of the JSON, otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub uncertain: Evidence<'static>,
}

impl<'m> Step<'m> {
    /// The same step owning its strings.
    pub fn into_owned(self) -> Step<'static> {
        Step {
            id: own(self.id),
            name: own(self.name),
            kind: own(self.kind),
            principal: self.principal.map(|p| Box::new(p.into_owned())),
            ..self
        }
    }
}

impl<'m> Branch<'m> {
    /// The same branch owning its strings.
    pub fn into_owned(self) -> Branch<'static> {
        Branch { at: own(self.at), leader: own(self.leader), name: own(self.name), kind: self.kind, link: self.link }
    }
}

/// The string, owned.
pub(super) fn own(s: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(s.into_owned())
}

impl<'m> Chain<'m> {
    /// The ids of the units on the chain, bottom first.
    pub fn ids(&self) -> impl Iterator<Item = &str> + '_ {
        self.steps.iter().map(|s| s.id.as_ref())
    }

    /// The same chain owning its strings, independent of the model (what the bindings keep).
    ///
    /// # Example
    /// ```
    /// use tiaokuai::{Chain, Line, Model};
    /// let model = Model::from_json(r#"{"format": "tiaokuai/1",
    ///   "units": [{"id": "a", "name": "A", "kind": "party_committee"},
    ///             {"id": "b", "name": "B", "kind": "party_branch"}],
    ///   "links": [{"from": "a", "to": "b", "kind": "leads"}]}"#)?;
    /// let chain: Chain<'static> = model.chain("b", Line::Leadership)?.into_owned();
    /// drop(model);
    /// assert_eq!(chain.ids().collect::<Vec<_>>(), ["b", "a"]);
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn into_owned(self) -> Chain<'static> {
        Chain {
            unit: own(self.unit),
            name: own(self.name),
            line: self.line,
            steps: self.steps.into_iter().map(Step::into_owned).collect(),
            branches: self.branches.into_iter().map(Branch::into_owned).collect(),
            ambiguous: self.ambiguous.into_iter().map(own).collect(),
            cycle: self.cycle.map(|c| c.into_iter().map(own).collect()),
            joins: self.joins.map(own),
            evidence: self.evidence.into_iter().map(Fact::into_owned).collect(),
            uncertain: self.uncertain,
        }
    }

    /// The steps as an aligned table: position, id, name, kind, link followed into it, level and grade.
    pub fn to_table(&self) -> Table {
        let mut t = Table::new(["#", "id", "name", "kind", "via", "level", "grade"]);
        for (i, s) in self.steps.iter().enumerate() {
            let via = match (&s.via, s.link) {
                (Some(k), Some(l)) => format!("{k} links[{l}]"),
                _ => String::new(),
            };
            t.row([
                i.to_string(),
                s.id.to_string(),
                s.name.to_string(),
                s.kind.to_string(),
                via,
                opt(s.level),
                opt(s.grade),
            ]);
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
        match (&self.cycle, &self.joins) {
            (Some(c), _) => out.push_str(&format!("cycle: {}\n", c.join(" -> "))),
            (None, Some(j)) => out.push_str(&format!("joins the chain given above at {j}\n")),
            (None, None) => {
                if let Some(top) = self.steps.last() {
                    out.push_str(&format!("top: {} ({})\n", top.name, top.id));
                }
            }
        }
        out
    }
}

impl fmt::Display for Chain<'_> {
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
    let rows = index::upward(model).rows();
    let (len, cycle) = rows[unit.index()].path();
    let mut out = Vec::with_capacity(len.max(1));
    out.push(unit);
    let mut cur = rows[unit.index()].leader;
    // The table says how many records the path has: a pointer chase over the dense rows.
    while out.len() < len && cur != NONE {
        out.push(Node::new(cur));
        cur = rows[cur as usize].leader;
    }
    (out, cycle)
}

/// [`leadership_path`], asking for each unit's record and level as soon as the walk reaches
/// it (see [`touch`]): their cache misses overlap the walk's own instead of following it.
fn path_touching(model: &Model, up: &Upward, unit: Node) -> (Vec<Node>, bool) {
    let rows = up.rows();
    let (len, cycle) = rows[unit.index()].path();
    let mut out = Vec::with_capacity(len.max(1));
    touch(model, [unit]);
    out.push(unit);
    let mut cur = rows[unit.index()].leader;
    while out.len() < len && cur != NONE {
        let node = Node::new(cur);
        touch(model, [node]);
        out.push(node);
        cur = rows[cur as usize].leader;
    }
    (out, cycle)
}

/// The link a line follows upward from a unit, and the group of links of that kind there
/// (for `leads`, empty when the link is the only one, so the common case reads one table row).
fn choose<'a>(up: &'a Upward, node: Node, line: Line) -> Option<(LinkId, &'a [u32])> {
    let leads = || {
        let row = up.rows()[node.index()];
        row.link().map(|l| (l, if row.leads >= 2 { up.leads(node) } else { &[][..] }))
    };
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
/// lines it scans the chain for a repeated unit while it is short and keeps a
/// hash set of the units met beyond 32 steps.
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
pub fn chain(model: &Model, unit: Node, line: Line) -> Chain<'_> {
    let up = index::upward(model);
    // The units, and the link closing a cycle.
    let (nodes, closing) = match line {
        Line::Leadership => {
            let (nodes, cycle) = path_touching(model, up, unit);
            let closing = if cycle { nodes.last().and_then(|&n| up.up(n)) } else { None };
            (nodes, closing)
        }
        _ => {
            let (nodes, closing) = walk(model, up, unit, line);
            touch(model, nodes.iter().copied());
            (nodes, closing)
        }
    };
    build(model, up, nodes, closing, line, false)
}

/// The leadership chain of `unit` for a dispatch answer that already gave chains through
/// the units in `given`: it stops at the first unit in `given` (that unit included, as the
/// last step, with no evidence or branches: the earlier chain has them) and names it in
/// [`Chain::joins`]; otherwise it is [`chain()`]. The units it adds are put in `given`.
/// O(steps given), whatever the length of the chain above the join.
pub(super) fn chain_joining<'m>(
    model: &'m Model,
    unit: Node,
    given: &mut HashSet<Node, BuildHasherDefault<FxHasher>>,
) -> Chain<'m> {
    let up = index::upward(model);
    let rows = up.rows();
    let (len, cycle) = rows[unit.index()].path();
    let mut nodes = Vec::new();
    let mut cur = Some(unit);
    let mut joined = false;
    while let Some(node) = cur.filter(|_| nodes.len() < len.max(1)) {
        nodes.push(node);
        if !given.insert(node) {
            joined = true;
            break;
        }
        let next = rows[node.index()].leader;
        cur = (next != NONE).then(|| Node::new(next));
    }
    let closing = if cycle && !joined { nodes.last().and_then(|&n| up.up(n)) } else { None };
    build(model, up, nodes, closing, Line::Leadership, joined)
}

/// The chain over `nodes` (bottom first) along `line`, `closing` the link that closes a
/// cycle, `joined` when the last node is where the chain joins an earlier one.
fn build<'m>(
    model: &'m Model,
    up: &'m Upward,
    nodes: Vec<Node>,
    closing: Option<LinkId>,
    line: Line,
    joined: bool,
) -> Chain<'m> {
    let n = nodes.len();
    // The link followed out of the unit at position `i`, and the group of links of its kind there.
    let followed = |i: usize| -> Option<(LinkId, &[u32])> {
        if i + 1 < n || closing.is_some() { choose(up, nodes[i], line) } else { None }
    };
    // The kind of a link the walk followed: on the leadership line always `leads`.
    let kind_of_link = |l: LinkId| match line {
        Line::Leadership => LinkKind::Leads,
        _ => model.link(l).kind,
    };
    // First the steps, each record read once; the evidence below reuses their ids.
    let mut steps = Vec::with_capacity(n);
    let mut into: Option<LinkId> = None;
    let mut extra = 0;
    // Each step's principal, looked up for all steps at once (their cache misses overlap).
    let mut principals = crate::people::principals(model, &nodes).into_iter();
    // Whether some record or link of the answer is only possibly in force: tested bit by bit
    // as the answer is built (its records and links are at hand), so that the common chain
    // of a view at a date, which doubts nothing, pays no second pass over its evidence.
    let check = model.has_uncertain();
    let mut doubt = false;
    for (i, &node) in nodes.iter().enumerate() {
        doubt |= check && model.status(node) == Status::Possibly;
        let (id, name, kind) = model.labels(node);
        let level = model.level(node);
        steps.push(Step {
            id: Cow::Borrowed(id),
            name: Cow::Borrowed(name),
            kind: Cow::Borrowed(kind),
            via: into.map(kind_of_link),
            link: into.map(LinkId::index),
            level,
            grade: level.map(|l| l.grade()),
            principal: principals.next().flatten().map(Box::new),
        });
        into = followed(i).map(|(link, group)| {
            extra += group.len().saturating_sub(1);
            link
        });
    }
    let position = |node: Node| nodes.iter().position(|&x| x == node).unwrap_or(0);
    let mut branches = Vec::new();
    let mut ambiguous = Vec::new();
    let mut evidence = Vec::with_capacity(n + extra);
    for i in 0..n {
        if joined && i + 1 == n {
            // The join: what lies above it (and its branches) is in the earlier chain.
            break;
        }
        match followed(i) {
            Some((link, group)) => {
                doubt |= check && model.link_status(link) == Status::Possibly;
                let kind = kind_of_link(link);
                // The unit led from: the next step, or, for the link closing a cycle, the repeated unit.
                let from = if i + 1 < n { i + 1 } else { position(model.link(link).from) };
                evidence.push(Fact::Link {
                    link: link.index(),
                    from: steps[from].id.clone(),
                    kind: Cow::Borrowed(kind_str(model, link, line)),
                    to: steps[i].id.clone(),
                });
                if group.len() >= 2 {
                    if kind == LinkKind::Leads {
                        let primaries = group.iter().filter(|&&l| model.link(LinkId(l)).is_primary()).count();
                        if primaries != 1 {
                            ambiguous.push(steps[i].id.clone());
                        }
                    }
                    for &other in group.iter().filter(|&&l| l != link.0) {
                        let other = LinkId(other);
                        let leader = model.link(other).from;
                        doubt |= check
                            && (model.link_status(other) == Status::Possibly
                                || model.status(leader) == Status::Possibly);
                        let leader_id = Cow::Borrowed(model.id(leader));
                        evidence.push(Fact::Link {
                            link: other.index(),
                            from: leader_id.clone(),
                            kind: Cow::Borrowed(kind_str(model, other, line)),
                            to: steps[i].id.clone(),
                        });
                        branches.push(Branch {
                            at: steps[i].id.clone(),
                            leader: leader_id,
                            name: Cow::Borrowed(model.name(leader)),
                            kind,
                            link: other.index(),
                        });
                    }
                }
            }
            None => {
                let what = match line {
                    Line::Leadership => "leads",
                    Line::Strip | Line::All => "leads, dispatches or guides",
                };
                evidence.push(Fact::Missing {
                    record: steps[i].id.clone(),
                    missing: Cow::Borrowed(what),
                    direction: Cow::Borrowed("in"),
                });
            }
        }
    }
    let cycle = closing.map(|l| {
        let from = position(model.link(l).from);
        let mut ids: Vec<Cow<'_, str>> = Vec::with_capacity(n - from + 1);
        ids.extend(steps[from..].iter().map(|s| s.id.clone()));
        ids.push(steps[from].id.clone());
        ids
    });
    let joins = if joined { steps.last().map(|s| s.id.clone()) } else { None };
    // The facts to doubt, gathered only when some are: every record and link the evidence
    // names is a step, a link followed or a branch and its leader, each tested above.
    let uncertain = if doubt { crate::evidence::uncertain_nodes(model, &nodes, &evidence) } else { Vec::new() };
    Chain {
        unit: steps[0].id.clone(),
        name: steps[0].name.clone(),
        line,
        steps,
        branches,
        ambiguous,
        cycle,
        joins,
        evidence,
        uncertain,
    }
}

/// The name of the kind of a link the walk followed: on the leadership line always `leads`.
fn kind_str(model: &Model, link: LinkId, line: Line) -> &str {
    match line {
        Line::Leadership => LinkKind::Leads.as_str(),
        _ => model.link(link).kind.as_str(),
    }
}

/// Asks for the record and level of every record given ([`Model::prefetch_labels`]) before
/// an answer is built from them; returns how many there were.
///
/// On a big model each of these is a cache miss. Building a step takes enough instructions
/// that the processor cannot reach the next step's loads while the current ones wait, so
/// they are asked for first. Prefetches, not loads: a load that misses holds its place in
/// the processor's window until its data arrives, so a loop of loads (how this walk first
/// read the records) kept only the few records whose loads fit in the window in flight, and
/// less of them the more instructions a record's read takes (key, type, span and kind
/// since the records are stored by type: `responsible_for` 1.6 → 2.2 µs nationally); a
/// prefetch retires at once, so every record of the answer is in flight together
/// (`responsible_for` 1.5 µs, docs/benchmarks.md). The answers borrow the text of ids and
/// names and never read it, so only the slots are asked for.
pub(super) fn touch(model: &Model, nodes: impl IntoIterator<Item = Node>) -> usize {
    let mut count = 0;
    for node in nodes {
        model.prefetch_labels(node);
        count += 1;
    }
    count
}

/// How many units the walk for the strip and all lines checks by a linear scan of the
/// chain before it keeps a hash set of them: most chains are short.
const LINEAR_SCAN: usize = 32;

/// The walk for the strip and all lines: iterative; a repeated unit is found by scanning
/// the chain while it is short, then with a hash set of the units met.
fn walk(model: &Model, up: &Upward, unit: Node, line: Line) -> (Vec<Node>, Option<LinkId>) {
    let mut seen: Option<HashSet<Node, BuildHasherDefault<FxHasher>>> = None;
    let mut nodes = vec![unit];
    let mut cur = unit;
    while let Some((link, _)) = choose(up, cur, line) {
        let next = model.link(link).from;
        let repeated = match &mut seen {
            Some(set) => !set.insert(next),
            None if nodes.contains(&next) => true,
            None => {
                if nodes.len() >= LINEAR_SCAN {
                    let mut set: HashSet<Node, BuildHasherDefault<FxHasher>> = nodes.iter().copied().collect();
                    set.insert(next);
                    seen = Some(set);
                }
                false
            }
        };
        if repeated {
            return (nodes, Some(link));
        }
        nodes.push(next);
        cur = next;
    }
    (nodes, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LinkSpec, ModelBuilder, UnitKind, UnitSpec};

    /// `n` units in a line along `guides` (u(i+1) guides u(i)), and u(back) guides the top,
    /// closing a cycle when `back` is given.
    fn guided(n: usize, back: Option<usize>) -> Model {
        let mut b = ModelBuilder::new();
        for i in 0..n {
            b.unit(UnitSpec::new(format!("u{i}"), format!("unit {i}"), UnitKind::Department)).unwrap();
        }
        for i in 0..n - 1 {
            b.link(LinkSpec::new(format!("u{}", i + 1), format!("u{i}"), LinkKind::Guides)).unwrap();
        }
        if let Some(k) = back {
            b.link(LinkSpec::new(format!("u{k}"), format!("u{}", n - 1), LinkKind::Guides)).unwrap();
        }
        b.build().unwrap()
    }

    /// The walk with a hash set from the first step, as a reference.
    fn reference(model: &Model, unit: Node, line: Line) -> (Vec<Node>, Option<LinkId>) {
        let up = index::upward(model);
        let mut seen = HashSet::new();
        seen.insert(unit);
        let mut nodes = vec![unit];
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

    #[test]
    fn the_walk_finds_cycles_before_and_after_it_switches_to_a_set() {
        for n in [1, 2, LINEAR_SCAN - 1, LINEAR_SCAN, LINEAR_SCAN + 1, 3 * LINEAR_SCAN] {
            let backs = [None, Some(0), Some(n / 2), Some(n - 1), Some(n.saturating_sub(LINEAR_SCAN))];
            for back in backs {
                let model = guided(n, back);
                let bottom = model.node("u0").unwrap();
                for line in [Line::Strip, Line::All] {
                    let got = walk(&model, index::upward(&model), bottom, line);
                    assert_eq!(got, reference(&model, bottom, line), "n {n}, back {back:?}, {line}");
                    assert_eq!(got.0.len(), n);
                    assert_eq!(got.1.is_some(), back.is_some());
                    let c = chain(&model, bottom, line);
                    assert_eq!(c.steps.len(), n);
                    if let Some(k) = back {
                        let cycle = c.cycle.expect("a cycle");
                        assert_eq!(cycle.first().map(|c| c.as_ref()), Some(format!("u{k}").as_str()));
                        assert_eq!(cycle.last().map(|c| c.as_ref()), Some(format!("u{k}").as_str()));
                        assert_eq!(cycle.len(), n - k + 1);
                    }
                }
            }
        }
    }
}
