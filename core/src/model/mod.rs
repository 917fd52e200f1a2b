//! The governance model: records, links, and the typed graph that holds them.
//!
//! A [`Model`] is built once (by [`ModelBuilder`], the JSON or CSV loaders, the
//! division importer or the generator) and immutable afterwards, so it is
//! `Send + Sync` and may be shared by threads without locks.

pub(crate) mod builder;
mod index;
mod kinds;
mod record;

pub use builder::{ItemSpec, LinkSpec, MatterSpec, ModelBuilder, TerritorySpec, UnitSpec};
pub use kinds::*;
pub use record::*;

use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableGraph};

use crate::error::{Error, Result};

/// The graph type holding a model: records as nodes, links as edges.
pub type Graph = StableGraph<Record, Link, petgraph::Directed, u32>;

/// One entry of an adjacency list: the link, the record at its other end, and
/// the link kind's slot (links are grouped by kind for typed lookups).
/// Packed to 5 bytes: adjacency is the largest per-link cost after the link itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(C, packed)]
struct Adj {
    slot: u8,
    link: u32,
}

/// Compressed adjacency lists, grouped per record by link kind.
#[derive(Debug, Clone, Default)]
struct Adjacency {
    offsets: Vec<u32>,
    entries: Vec<Adj>,
}

impl Adjacency {
    fn build(n: usize, mut pairs: Vec<(u32, Adj)>) -> Adjacency {
        pairs.sort_unstable();
        let mut offsets = vec![0u32; n + 1];
        for (node, _) in &pairs {
            offsets[*node as usize + 1] += 1;
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        Adjacency { offsets, entries: pairs.into_iter().map(|(_, a)| a).collect() }
    }

    fn all(&self, node: Node) -> &[Adj] {
        let i = node.index();
        &self.entries[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    fn of_slot(&self, node: Node, slot: usize) -> &[Adj] {
        let all = self.all(node);
        let start = all.partition_point(|a| (a.slot as usize) < slot);
        let end = start + all[start..].partition_point(|a| a.slot as usize == slot);
        &all[start..end]
    }
}

/// The records of one type in document order: a range of node indices when
/// they were added contiguously (as every loader does), else a list.
#[derive(Debug, Clone, Default)]
struct TypeOrder {
    start: u32,
    len: u32,
    list: Vec<Node>,
}

impl TypeOrder {
    fn new(nodes: Vec<Node>) -> TypeOrder {
        let start = nodes.first().map_or(0, |n| n.raw());
        let contiguous = nodes.iter().enumerate().all(|(i, n)| n.raw() as usize == start as usize + i);
        let len = nodes.len() as u32;
        TypeOrder { start, len, list: if contiguous { Vec::new() } else { nodes } }
    }

    fn iter(&self) -> impl ExactSizeIterator<Item = Node> + '_ {
        let range = if self.list.is_empty() { self.start..self.start + self.len } else { 0..0 };
        let ranged = range.map(Node::new);
        let listed = self.list.iter().copied();
        // Exactly one of the two is non-empty.
        Either { ranged, listed, len: self.len as usize }
    }
}

struct Either<A, B> {
    ranged: A,
    listed: B,
    len: usize,
}

impl<A: Iterator<Item = Node>, B: Iterator<Item = Node>> Iterator for Either<A, B> {
    type Item = Node;
    fn next(&mut self) -> Option<Node> {
        let next = self.ranged.next().or_else(|| self.listed.next());
        if next.is_some() {
            self.len -= 1;
        }
        next
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.len, Some(self.len))
    }
}

impl<A: Iterator<Item = Node>, B: Iterator<Item = Node>> ExactSizeIterator for Either<A, B> {}

/// A governance model: territories, units, matters, items and typed links,
/// held in a petgraph [`StableGraph`] with an id index and adjacency grouped
/// by link kind.
///
/// # Example
/// ```
/// use tiaokuai::{Model, LinkKind};
/// let model = Model::from_json(r#"{
///   "format": "tiaokuai/1",
///   "territories": [{ "id": "d", "name": "宝山区", "kind": "district" }],
///   "units": [{ "id": "dw", "name": "中共宝山区委", "kind": "party_committee", "sector": "party" }],
///   "links": [{ "from": "dw", "to": "d", "kind": "jurisdiction" }]
/// }"#).unwrap();
/// let dw = model.node("dw").unwrap();
/// assert_eq!(model.links_from(dw, &LinkKind::Jurisdiction).count(), 1);
/// assert_eq!(model.level(dw), Some(tiaokuai::Level::District));
/// ```
#[derive(Debug, Clone)]
pub struct Model {
    graph: Graph,
    index: index::IdIndex,
    order: [TypeOrder; 4],
    meta: Option<Attrs>,
    out: Adjacency,
    inc: Adjacency,
    children: Adjacency,
    levels: Vec<Option<Level>>,
    /// Lookup tables for the accountability queries, built on first use (ignored by `PartialEq`).
    pub(crate) query_index: std::sync::OnceLock<crate::query::QueryIndex>,
}

const TYPES: [RecordType; 4] = [RecordType::Territory, RecordType::Unit, RecordType::Matter, RecordType::Item];

fn type_slot(t: RecordType) -> usize {
    match t {
        RecordType::Territory => 0,
        RecordType::Unit => 1,
        RecordType::Matter => 2,
        RecordType::Item => 3,
    }
}

impl Model {
    /// A new, empty builder.
    pub fn builder() -> ModelBuilder {
        ModelBuilder::new()
    }

    pub(crate) fn assemble(graph: Graph, index: index::IdIndex, order: [Vec<Node>; 4], meta: Option<Attrs>) -> Model {
        let n = graph.node_count();
        let mut out_pairs = Vec::with_capacity(graph.edge_count());
        let mut in_pairs = Vec::with_capacity(graph.edge_count());
        for e in graph.edge_indices() {
            let link = &graph[e];
            let slot = link.kind.slot() as u8;
            out_pairs.push((link.from.raw(), Adj { slot, link: e.index() as u32 }));
            in_pairs.push((link.to.raw(), Adj { slot, link: e.index() as u32 }));
        }
        let mut child_pairs = Vec::new();
        for &t in &order[0] {
            if let Record::Territory(terr) = &graph[NodeIndex::new(t.index())]
                && let Some(p) = terr.parent
            {
                child_pairs.push((p.raw(), Adj { slot: 0, link: t.raw() }));
            }
        }
        let mut model = Model {
            out: Adjacency::build(n, out_pairs),
            inc: Adjacency::build(n, in_pairs),
            children: Adjacency::build(n, child_pairs),
            graph,
            index,
            order: order.map(TypeOrder::new),
            meta,
            levels: Vec::new(),
            query_index: std::sync::OnceLock::new(),
        };
        model.levels = model.compute_levels();
        model
    }

    fn compute_levels(&self) -> Vec<Option<Level>> {
        let mut levels = vec![None; self.graph.node_count()];
        for (n, t) in self.territories() {
            levels[n.index()] = t.kind.level();
        }
        for (n, u) in self.units() {
            let held = self.links_from(n, &LinkKind::Jurisdiction).filter_map(|l| levels[l.to.index()]).min();
            levels[n.index()] = held.or_else(|| u.located_in.and_then(|t| levels[t.index()]));
        }
        levels
    }

    /// The number of records (territories, units, matters and items).
    pub fn len(&self) -> usize {
        self.graph.node_count()
    }

    /// True when the model has no records.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The number of links.
    pub fn link_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// The number of records of one type.
    pub fn count(&self, t: RecordType) -> usize {
        self.order[type_slot(t)].len as usize
    }

    /// The document's `meta` object, kept verbatim.
    pub fn meta(&self) -> Option<&Attrs> {
        self.meta.as_ref()
    }

    /// The model's name from `meta.name`, when it has one.
    pub fn title(&self) -> Option<String> {
        match self.meta.as_ref()?.get("name")? {
            serde_json::Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The underlying petgraph graph (node and edge indices are [`Node`] and [`LinkId`] indices).
    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    /// The handle of the record with this id.
    pub fn node(&self, id: &str) -> Option<Node> {
        self.index.get(&self.graph, id)
    }

    /// The record with this id.
    pub fn get(&self, id: &str) -> Option<&Record> {
        self.node(id).map(|n| self.record(n))
    }

    /// True when a record has this id.
    pub fn contains(&self, id: &str) -> bool {
        self.node(id).is_some()
    }

    /// The record behind a handle.
    ///
    /// # Panics
    /// When the handle comes from another, larger model.
    pub fn record(&self, node: Node) -> &Record {
        &self.graph[NodeIndex::new(node.index())]
    }

    /// The id of a record.
    pub fn id(&self, node: Node) -> &str {
        self.record(node).id()
    }

    /// The name of a record.
    pub fn name(&self, node: Node) -> &str {
        self.record(node).name()
    }

    /// The territory behind a handle, if it is one.
    pub fn territory(&self, node: Node) -> Option<&Territory> {
        self.record(node).as_territory()
    }

    /// The unit behind a handle, if it is one.
    pub fn unit(&self, node: Node) -> Option<&Unit> {
        self.record(node).as_unit()
    }

    /// The matter behind a handle, if it is one.
    pub fn matter(&self, node: Node) -> Option<&Matter> {
        self.record(node).as_matter()
    }

    /// The item behind a handle, if it is one.
    pub fn item(&self, node: Node) -> Option<&Item> {
        self.record(node).as_item()
    }

    /// The handle of the record with this id, checked to be of type `expected`.
    ///
    /// # Errors
    /// [`Error::UnknownId`] when no record has the id, [`Error::WrongRecordType`]
    /// when it is of another type; `context` says what needed it.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::{Model, RecordType};
    /// let model = Model::sample();
    /// assert!(model.require("310113", RecordType::Territory, "responsible_for").is_ok());
    /// let err = model.require("310113", RecordType::Unit, "chain").unwrap_err();
    /// assert_eq!(err.to_string(), r#""310113" is a territory, but chain needs a unit"#);
    /// ```
    pub fn require(&self, id: &str, expected: RecordType, context: &str) -> Result<Node> {
        let node = self.node(id).ok_or_else(|| Error::UnknownId { id: id.to_string() })?;
        let found = self.record(node).record_type();
        if found != expected {
            return Err(Error::WrongRecordType { id: id.to_string(), expected, found, context: context.to_string() });
        }
        Ok(node)
    }

    pub(crate) fn typed(&self, t: RecordType) -> impl ExactSizeIterator<Item = (Node, &Record)> + '_ {
        self.order[type_slot(t)].iter().map(move |n| (n, self.record(n)))
    }

    /// All records, in document order: territories, units, matters, items.
    pub fn records(&self) -> impl Iterator<Item = (Node, &Record)> + '_ {
        TYPES.iter().flat_map(move |&t| self.typed(t))
    }

    /// All territories, in document order.
    pub fn territories(&self) -> impl ExactSizeIterator<Item = (Node, &Territory)> + '_ {
        self.typed(RecordType::Territory)
            .map(|(n, r)| (n, r.as_territory().expect("territory order holds territories")))
    }

    /// All units, in document order.
    pub fn units(&self) -> impl ExactSizeIterator<Item = (Node, &Unit)> + '_ {
        self.typed(RecordType::Unit).map(|(n, r)| (n, r.as_unit().expect("unit order holds units")))
    }

    /// All matters, in document order.
    pub fn matters(&self) -> impl ExactSizeIterator<Item = (Node, &Matter)> + '_ {
        self.typed(RecordType::Matter).map(|(n, r)| (n, r.as_matter().expect("matter order holds matters")))
    }

    /// All items, in document order.
    pub fn items(&self) -> impl ExactSizeIterator<Item = (Node, &Item)> + '_ {
        self.typed(RecordType::Item).map(|(n, r)| (n, r.as_item().expect("item order holds items")))
    }

    /// The units of one kind, in document order.
    pub fn units_of_kind<'a>(&'a self, kind: &'a UnitKind) -> impl Iterator<Item = (Node, &'a Unit)> + 'a {
        self.units().filter(move |(_, u)| &u.kind == kind)
    }

    /// The territories of one kind, in document order.
    pub fn territories_of_kind<'a>(
        &'a self,
        kind: &'a TerritoryKind,
    ) -> impl Iterator<Item = (Node, &'a Territory)> + 'a {
        self.territories().filter(move |(_, t)| &t.kind == kind)
    }

    /// The link behind a handle.
    pub fn link(&self, id: LinkId) -> &Link {
        &self.graph[EdgeIndex::new(id.index())]
    }

    /// All links, in document order.
    pub fn links(&self) -> impl ExactSizeIterator<Item = (LinkId, &Link)> + '_ {
        (0..self.graph.edge_count() as u32).map(move |i| (LinkId(i), self.link(LinkId(i))))
    }

    fn adj_links<'a>(&'a self, adj: &'a [Adj], kind: &'a LinkKind) -> impl Iterator<Item = &'a Link> + 'a {
        let custom = kind.is_custom();
        adj.iter().map(move |a| self.link(LinkId(a.link))).filter(move |l| !custom || &l.kind == kind)
    }

    /// The links of one kind leaving a record, in document order.
    ///
    /// # Complexity
    /// O(log d + k) for a record with d outgoing links, k of them of this kind.
    pub fn links_from<'a>(&'a self, node: Node, kind: &'a LinkKind) -> impl Iterator<Item = &'a Link> + 'a {
        self.adj_links(self.out.of_slot(node, kind.slot()), kind)
    }

    /// The links of one kind arriving at a record, in document order.
    pub fn links_to<'a>(&'a self, node: Node, kind: &'a LinkKind) -> impl Iterator<Item = &'a Link> + 'a {
        self.adj_links(self.inc.of_slot(node, kind.slot()), kind)
    }

    /// The links of one built-in kind arriving at a record, with their ids, in document order;
    /// unlike [`Model::all_links_to`] it reads no link of another kind.
    pub(crate) fn ids_to(&self, node: Node, kind: &LinkKind) -> impl Iterator<Item = (LinkId, &Link)> + '_ {
        debug_assert!(!kind.is_custom());
        self.inc.of_slot(node, kind.slot()).iter().map(move |a| (LinkId(a.link), self.link(LinkId(a.link))))
    }

    /// The records a record links to by links of one kind (its out-neighbours), in document order of the links.
    pub fn targets<'a>(&'a self, node: Node, kind: &'a LinkKind) -> impl Iterator<Item = Node> + 'a {
        self.links_from(node, kind).map(|l| l.to)
    }

    /// The records linking to a record by links of one kind (its in-neighbours).
    pub fn sources<'a>(&'a self, node: Node, kind: &'a LinkKind) -> impl Iterator<Item = Node> + 'a {
        self.links_to(node, kind).map(|l| l.from)
    }

    /// The number of links of one kind leaving a record, without visiting them (built-in kinds).
    pub fn out_degree(&self, node: Node, kind: &LinkKind) -> usize {
        if kind.is_custom() { self.links_from(node, kind).count() } else { self.out.of_slot(node, kind.slot()).len() }
    }

    /// The number of links of one kind arriving at a record (built-in kinds).
    pub fn in_degree(&self, node: Node, kind: &LinkKind) -> usize {
        if kind.is_custom() { self.links_to(node, kind).count() } else { self.inc.of_slot(node, kind.slot()).len() }
    }

    /// Every link leaving a record, grouped by kind.
    pub fn all_links_from(&self, node: Node) -> impl Iterator<Item = (LinkId, &Link)> + '_ {
        self.out.all(node).iter().map(move |a| (LinkId(a.link), self.link(LinkId(a.link))))
    }

    /// Every link arriving at a record, grouped by kind.
    pub fn all_links_to(&self, node: Node) -> impl Iterator<Item = (LinkId, &Link)> + '_ {
        self.inc.all(node).iter().map(move |a| (LinkId(a.link), self.link(LinkId(a.link))))
    }

    /// The containing territory of a territory.
    pub fn parent(&self, node: Node) -> Option<Node> {
        self.territory(node).and_then(|t| t.parent)
    }

    /// The territories directly inside a territory, in document order.
    pub fn children(&self, node: Node) -> impl ExactSizeIterator<Item = Node> + '_ {
        self.children.all(node).iter().map(|a| Node::new(a.link))
    }

    /// A territory and its containing territories, nearest first.
    ///
    /// # Example
    /// ```
    /// let model = tiaokuai::Model::sample();
    /// let street = model.node("310113003").unwrap();
    /// let up: Vec<&str> = model.ancestors(street).map(|n| model.id(n)).collect();
    /// assert_eq!(up, ["310113003", "310113", "31"]);
    /// ```
    pub fn ancestors(&self, node: Node) -> impl Iterator<Item = Node> + '_ {
        std::iter::successors(Some(node), move |&n| self.parent(n))
    }

    /// The level of a record: a territory's by its kind, a unit's by the
    /// highest territory it holds jurisdiction over or, failing that, where it
    /// is located. `None` for matters, items and records with no level.
    pub fn level(&self, node: Node) -> Option<Level> {
        self.levels[node.index()]
    }

    /// The responsibility grade of a record's level.
    pub fn grade(&self, node: Node) -> Option<Grade> {
        self.level(node).map(|l| l.grade())
    }
}

impl PartialEq for Model {
    /// Two models are equal when they hold the same records, links and meta in the same order.
    fn eq(&self, other: &Self) -> bool {
        let same_links = self.link_count() == other.link_count()
            && self.links().zip(other.links()).all(|((_, a), (_, b))| {
                let end = |m: &Model, n: Option<Node>| n.map(|n| m.id(n).to_string());
                a.kind == b.kind
                    && self.id(a.from) == other.id(b.from)
                    && self.id(a.to) == other.id(b.to)
                    && a.primary == b.primary
                    && a.power == b.power
                    && a.role == b.role
                    && end(self, a.scope) == end(other, b.scope)
                    && a.members == b.members
                    && a.attrs == b.attrs
                    && a.validity == b.validity
            });
        let same_records = self.len() == other.len()
            && self.records().zip(other.records()).all(|((na, a), (nb, b))| {
                let refs = |m: &Model, n: Node| match m.record(n) {
                    Record::Territory(t) => t.parent.map(|p| m.id(p).to_string()),
                    Record::Unit(u) => u.located_in.map(|p| m.id(p).to_string()),
                    _ => None,
                };
                let strip = |r: &Record| match r {
                    Record::Territory(t) => Record::Territory(Territory { parent: None, ..t.clone() }),
                    Record::Unit(u) => Record::Unit(Unit { located_in: None, ..u.clone() }),
                    other => other.clone(),
                };
                strip(a) == strip(b) && refs(self, na) == refs(other, nb)
            });
        same_records && same_links && self.meta == other.meta
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn model_is_send_and_sync() {
        assert_send_sync::<Model>();
    }
}
