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
    /// Groups `(record, entry)` pairs by record, each record's entries by slot and then in
    /// the pairs' order (which is link order). `pairs` is called twice and must give the same
    /// pairs both times: once to count each record's entries, once to place them. A counting
    /// sort by record and, per record, a stable sort of its few entries: linear in the links,
    /// where sorting all the pairs took a third of building a national model.
    fn build<I: Iterator<Item = (u32, Adj)>>(n: usize, pairs: impl Fn() -> I) -> Adjacency {
        let mut offsets = vec![0u32; n + 1];
        for (node, _) in pairs() {
            offsets[node as usize + 1] += 1;
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let mut entries = vec![Adj { slot: 0, link: 0 }; offsets[n] as usize];
        let mut next = offsets.clone();
        for (node, adj) in pairs() {
            let at = &mut next[node as usize];
            entries[*at as usize] = adj;
            *at += 1;
        }
        for w in offsets.windows(2) {
            let list = &mut entries[w[0] as usize..w[1] as usize];
            if !list.is_sorted_by_key(|a| a.slot) {
                list.sort_by_key(|a| a.slot);
            }
        }
        Adjacency { offsets, entries }
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
    /// Each territory's parent by node index, up to the last territory: the
    /// territory tree in a few megabytes, so walking up a place reads one small
    /// dense table instead of a record per step.
    parents: Vec<Option<Node>>,
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

    /// The model over a checked graph: adjacency, the territory tree and levels are derived
    /// here, the two adjacency tables side by side when `threads` > 1.
    pub(crate) fn assemble(
        graph: Graph,
        index: index::IdIndex,
        order: [Vec<Node>; 4],
        meta: Option<Attrs>,
        threads: usize,
    ) -> Model {
        let n = graph.node_count();
        let g = &graph;
        let adjacency = |incoming: bool| {
            Adjacency::build(n, || {
                g.edge_indices().map(move |e| {
                    let link = &g[e];
                    let end = if incoming { link.to } else { link.from };
                    (end.raw(), Adj { slot: link.kind.slot() as u8, link: e.index() as u32 })
                })
            })
        };
        let (out, inc) = if threads > 1 && graph.edge_count() >= 1 << 16 {
            std::thread::scope(|scope| {
                let inc = scope.spawn(move || adjacency(true));
                let out = adjacency(false);
                (out, inc.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            })
        } else {
            (adjacency(false), adjacency(true))
        };
        let parent_of = |t: Node| match &g[NodeIndex::new(t.index())] {
            Record::Territory(terr) => terr.parent,
            _ => None,
        };
        // The territory tree spans node indices up to the last territory's (the loaders add
        // territories first): its tables stop there.
        let tree = order[0].iter().map(|t| t.index() + 1).max().unwrap_or(0);
        let children = Adjacency::build(tree, || {
            order[0].iter().filter_map(move |&t| parent_of(t).map(|p| (p.raw(), Adj { slot: 0, link: t.raw() })))
        });
        let mut parents = vec![None; tree];
        for &t in &order[0] {
            parents[t.index()] = parent_of(t);
        }
        let mut model = Model {
            out,
            inc,
            children,
            graph,
            index,
            order: order.map(TypeOrder::new),
            meta,
            levels: Vec::new(),
            parents,
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

    /// The containing territory of a territory (`None` for a root, and for a
    /// record that is not a territory).
    ///
    /// # Example
    /// ```
    /// let model = tiaokuai::Model::sample();
    /// let street = model.node("310113003").unwrap();
    /// assert_eq!(model.parent(street).map(|p| model.id(p)), Some("310113"));
    /// ```
    pub fn parent(&self, node: Node) -> Option<Node> {
        self.parents.get(node.index()).copied().flatten()
    }

    /// The territories directly inside a territory, in document order (none for
    /// a record that is not a territory).
    pub fn children(&self, node: Node) -> impl ExactSizeIterator<Item = Node> + '_ {
        let inside = if node.index() < self.parents.len() { self.children.all(node) } else { &[] };
        inside.iter().map(|a| Node::new(a.link))
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

    /// The dense parent table holds for records added in any order: a unit before the
    /// territories, a parent named before it is added, a unit after the last territory.
    #[test]
    fn territory_tree_with_records_in_any_order() {
        let mut b = Model::builder();
        b.unit(UnitSpec::new("u1", "u1", UnitKind::Government).located_in("t2")).unwrap();
        b.territory(TerritorySpec::new("t2", "t2", TerritoryKind::Street).parent("t1")).unwrap();
        b.territory(TerritorySpec::new("t1", "t1", TerritoryKind::District)).unwrap();
        b.territory(TerritorySpec::new("t3", "t3", TerritoryKind::Community).parent("t2")).unwrap();
        b.unit(UnitSpec::new("u2", "u2", UnitKind::Government).located_in("t3")).unwrap();
        let m = b.build().unwrap();
        let n = |id: &str| m.node(id).unwrap();
        let up = |id: &str| m.ancestors(n(id)).map(|x| m.id(x)).collect::<Vec<_>>();
        assert_eq!(up("t3"), ["t3", "t2", "t1"]);
        assert_eq!(up("t1"), ["t1"]);
        assert_eq!(m.parent(n("u1")), None, "a unit has no parent, below the last territory");
        assert_eq!(m.parent(n("u2")), None, "a unit has no parent, past the last territory");
        assert_eq!(m.unit(n("u2")).unwrap().located_in, Some(n("t3")));
        assert_eq!(m.children(n("t2")).map(|c| m.id(c)).collect::<Vec<_>>(), ["t3"]);
        assert_eq!(m.children(n("u1")).len(), 0, "a unit inside the territories' index range");
        assert_eq!(m.children(n("u2")).len(), 0, "a unit past the last territory");
        // Every territory's parent is its record's.
        for (t, terr) in m.territories() {
            assert_eq!(m.parent(t), terr.parent);
        }
    }

    /// Adjacency, checked against lists gathered link by link: each record's links in and
    /// out, grouped by kind in the vocabulary's order, in document order within a kind.
    #[test]
    #[cfg(feature = "divisions")]
    fn adjacency_matches_lists_gathered_link_by_link() {
        let district = crate::generate::generate(crate::generate::Scale::District, 7).unwrap();
        for model in [Model::sample(), district] {
            let mut lists: [std::collections::HashMap<Node, Vec<(usize, LinkId)>>; 2] = Default::default();
            for (id, l) in model.links() {
                lists[0].entry(l.from).or_default().push((l.kind.slot(), id));
                lists[1].entry(l.to).or_default().push((l.kind.slot(), id));
            }
            for (n, _) in model.records() {
                for (incoming, lists) in [false, true].into_iter().zip(&lists) {
                    let mut expected = lists.get(&n).cloned().unwrap_or_default();
                    expected.sort_by_key(|&(slot, _)| slot); // stable: document order within a kind
                    let got: Vec<(usize, LinkId)> = if incoming {
                        model.all_links_to(n).map(|(id, l)| (l.kind.slot(), id)).collect()
                    } else {
                        model.all_links_from(n).map(|(id, l)| (l.kind.slot(), id)).collect()
                    };
                    assert_eq!(got, expected, "{} ({})", model.id(n), if incoming { "in" } else { "out" });
                }
            }
        }
    }
}
