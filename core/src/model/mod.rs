//! The governance model: records, links, and the typed graph that holds them.
//!
//! A [`Model`] is built once (by [`ModelBuilder`], the JSON or CSV loaders, the
//! division importer or the generator) and immutable afterwards, so it is
//! `Send + Sync` and may be shared by threads without locks.

pub(crate) mod builder;
pub(crate) mod col;
#[doc(hidden)]
pub mod huge;
mod index;
mod kinds;
mod links;
pub(crate) mod pages;
mod patch;
pub(crate) mod prefetch;
pub(crate) mod record;
mod records;

pub use builder::{ItemSpec, LinkSpec, MatterSpec, ModelBuilder, PersonSpec, TerritorySpec, UnitSpec};
pub use kinds::*;
pub(crate) use patch::Patch;
pub use record::*;

use petgraph::stable_graph::{NodeIndex, StableGraph};

use crate::error::{Error, Result};

/// The petgraph graph of a model ([`Model::graph`]): nodes weighted by their record's
/// [`RecordKey`] (its type and place in that type's table: [`Model::record`] with the node's
/// index gives the record), edges by their link's kind (the rest of a link is in the model's
/// columns: [`Model::link`] with the edge's index).
pub type Graph = StableGraph<RecordKey, LinkKind, petgraph::Directed, u32>;

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
    offsets: col::Col<u32>,
    entries: col::Col<Adj>,
}

impl Adjacency {
    /// Groups `(record, entry)` pairs by record, each record's entries by slot and then in
    /// the pairs' order (which is link order). `pairs` is called twice and must give the same
    /// pairs both times: once to count each record's entries, once to place them. A counting
    /// sort by record and, per record, a stable sort of its few entries: linear in the links,
    /// where sorting all the pairs took a third of building a national model.
    fn build<I: Iterator<Item = (u32, Adj)>>(n: usize, pairs: impl Fn() -> I) -> Adjacency {
        let mut offsets = pages::zeroed::<u32>(n + 1);
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
        Adjacency { offsets: offsets.into(), entries: entries.into() }
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

    /// The node of the `i`-th record of the type.
    fn node(&self, i: usize) -> Node {
        if self.list.is_empty() { Node::new(self.start + i as u32) } else { self.list[i] }
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
    /// The document: records, links and the tables derived from them, shared by every view.
    data: std::sync::Arc<Data>,
    /// The date the model is read at, and what that leaves out.
    view: View,
    /// Lookup tables for the accountability queries, built on first use (ignored by `PartialEq`).
    pub(crate) query_index: std::sync::OnceLock<crate::query::QueryIndex>,
    /// The metrics of the view under one audit config, kept by the first what-if that needs
    /// them ([`crate::whatif`]; ignored by `PartialEq`, dropped by every change in place).
    pub(crate) metrics_memo: std::sync::OnceLock<std::sync::Arc<(crate::audit::Config, crate::metrics::Metrics)>>,
    /// What the P rules read of the whole view (which unit kinds are staffed, each
    /// street/town's community workers), kept by the first what-if on a model with people
    /// ([`crate::whatif`]; ignored by `PartialEq`, dropped by every change in place).
    pub(crate) people_memo: std::sync::OnceLock<std::sync::Arc<crate::whatif::PeopleMemo>>,
}

/// The document a model holds, whatever date it is read at.
#[derive(Debug)]
struct Data {
    /// Each record's key (its type and its place in that type's table), by node index.
    keys: col::Col<RecordKey>,
    /// The petgraph graph, built from `keys` and the link columns by the first
    /// [`Model::graph`]: the queries read the columns and adjacency, never the graph.
    graph: std::sync::OnceLock<Graph>,
    /// The records by type.
    records: records::Records,
    /// What the links have beyond their ends and kinds, by link id.
    links: links::LinkTable,
    index: index::IdIndex,
    order: [TypeOrder; 5],
    /// The first node of each record type and the number of nodes, when the nodes are the five
    /// types' runs in type order ([`runs`]; every loaded model): then [`Data::key`] computes
    /// a record's key instead of reading it.
    runs: Option<([u32; 5], u32)>,
    /// The post, band, grade and channel of each `holds` link: a side table, so a model
    /// without people carries empty vectors and nothing per link.
    holdings: links::Sparse<Holding>,
    meta: Option<Attrs>,
    out: Adjacency,
    inc: Adjacency,
    children: Adjacency,
    /// Each territory's parent by node index, up to the last territory: the
    /// territory tree in a few megabytes, so walking up a place reads one small
    /// dense table instead of a record per step.
    parents: col::Col<Option<Node>>,
    /// True when some record or link has a date: a model without any is the same at every date.
    dated: bool,
    /// `meta.as_of`, when it is a date: the date the model is read at unless another is asked for.
    as_of: Option<Date>,
    /// What a view at a date reads, built by the first one ([`Dated`]).
    dated_index: std::sync::OnceLock<Dated>,
    /// The meetings (issue #15): a side table, empty for a model that records none.
    meetings: crate::meetings::Meetings,
    /// The single-holder `holds` links of each unit, built on first use ([`Model::single_holders`]).
    single: std::sync::OnceLock<SingleHolders>,
    /// Where each unit's first holder of its principal post is in `single`'s entries, built
    /// by the first principal asked for ([`Model::principal_slot`]; the audit does not need it).
    principal_slots: std::sync::OnceLock<Vec<u32>>,
}

/// The territory tree: each territory's children and parent, by node index up to the last
/// territory's (the loaders add territories first, so the tables stop there).
fn territory_tree(
    keys: &[RecordKey],
    records: &records::Records,
    territories: &[Node],
) -> (Adjacency, Vec<Option<Node>>) {
    let parent_of = |t: Node| records.get(keys[t.index()]).as_territory().and_then(|terr| terr.parent);
    let tree = territories.iter().map(|t| t.index() + 1).max().unwrap_or(0);
    let children = Adjacency::build(tree, || {
        territories.iter().filter_map(move |&t| parent_of(t).map(|p| (p.raw(), Adj { slot: 0, link: t.raw() })))
    });
    let mut parents = vec![None; tree];
    for &t in territories {
        parents[t.index()] = parent_of(t);
    }
    (children, parents)
}

/// The first node of each record type and the number of nodes, when the nodes are exactly the
/// five types' runs in type order (territories, units, matters, items, people: how the loaders
/// add a document's records); `None` for any other layout.
fn runs(order: &[TypeOrder; 5], nodes: usize) -> Option<([u32; 5], u32)> {
    let mut starts = [0u32; 5];
    let mut next = 0u32;
    for (start, run) in starts.iter_mut().zip(order) {
        if !run.list.is_empty() || (run.len > 0 && run.start != next) {
            return None;
        }
        *start = next;
        next += run.len;
    }
    (next as usize == nodes).then_some((starts, next))
}

impl Data {
    /// The key of a node's record: computed from [`Data::runs`] when the model has them,
    /// without reading `keys` (on a big model that read is a cache miss, dependent on which
    /// the record's own is, for every record an answer names).
    #[inline]
    fn key(&self, node: Node) -> RecordKey {
        let raw = node.raw();
        if let Some((s, nodes)) = &self.runs
            && raw < *nodes
        {
            let t = usize::from(raw >= s[1])
                + usize::from(raw >= s[2])
                + usize::from(raw >= s[3])
                + usize::from(raw >= s[4]);
            let key = RecordKey::new(TYPES[t], raw - s[t]);
            debug_assert_eq!(key, self.keys[node.index()], "node {raw}");
            return key;
        }
        self.keys[node.index()]
    }

    /// The record of node `node`, the `i`-th of type `t`: a type's records are in its table in
    /// the order of its nodes, so a walk over one type knows each key without computing or
    /// reading it (a scan over every unit costs nothing more than its rows).
    #[inline]
    fn typed_record(&self, t: RecordType, i: usize, node: Node) -> RecordRef<'_> {
        let key = RecordKey::new(t, i as u32);
        debug_assert_eq!(key, self.keys[node.index()], "node {}", node.raw());
        self.records.get(key)
    }

    /// The ends of link `link` (`from`, `to`).
    #[inline]
    fn ends(&self, link: u32) -> (Node, Node) {
        self.links.ends(link)
    }

    /// The kind of link `link`.
    #[inline]
    fn kind(&self, link: u32) -> LinkKind {
        self.links.kind(link)
    }

    /// Link `link`, put together from the columns.
    #[inline]
    fn link(&self, link: u32) -> Link {
        self.links.link(link)
    }

    /// The petgraph graph of the document, from the columns: nodes and edges added in index
    /// order, so their indices are the records' and links' (the builder never removes one).
    fn build_graph(&self) -> Graph {
        let mut graph = Graph::with_capacity(self.keys.len(), self.links.len());
        for &key in self.keys.iter() {
            graph.add_node(key);
        }
        for link in 0..self.links.len() as u32 {
            let (from, to) = self.ends(link);
            graph.add_edge(NodeIndex::new(from.index()), NodeIndex::new(to.index()), self.kind(link));
        }
        graph
    }
}

/// A `holds` link of a single-holder post to a unit, as [`Model::single_holders`] lists it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SingleHolder {
    /// The link.
    pub link: LinkId,
    /// The person holding the post (the link's `from`): the principal's answer reads no link.
    pub person: Node,
    /// The first day its `since` may stand for, as [`Date::raw`] + 1; 0 without `since`.
    pub since: u32,
    /// The post: 0 secretary, 1 director, 2 head ([`SingleHolder::code`]).
    pub post: u8,
}

impl SingleHolder {
    /// No entry, in [`SingleHolders::principal_slots`].
    const NONE: u32 = u32::MAX;

    /// The code of a single-holder post (`None` for any other).
    pub fn code(post: &Post) -> Option<u8> {
        match post {
            Post::Secretary => Some(0),
            Post::Director => Some(1),
            Post::Head => Some(2),
            _ => None,
        }
    }
}

/// [`SingleHolder`]s grouped by unit (compressed rows, by node index up to the last unit named),
/// and the units where rule P002 finds two people in one single-holder post on the same days.
#[derive(Debug, Default)]
struct SingleHolders {
    offsets: Vec<u32>,
    entries: Vec<SingleHolder>,
    /// The units (node indices, ascending) with two overlapping terms of different people in
    /// a single-holder post ([`overlapping_terms`]): P002 compares the terms of the whole
    /// document, whatever the view's date, so which units it reports is known once per
    /// document, and an audit examines those alone instead of every staffed unit.
    overlaps: Vec<u32>,
}

/// A term of a single-holder post as rule P002 compares them: (post, the latest day its
/// start may stand for, the earliest day its end may stand for, link, person); `None` is
/// no bound.
pub(crate) type PostTerm<P> = (P, Option<Date>, Option<Date>, LinkId, Node);

/// The overlaps rule P002 reports among `terms` (a unit's terms of single-holder posts,
/// none of them never in force): sorted by post, start and link, each post's first term
/// `a` (in that order) that a later term `b` of the same post, held by another person,
/// overlaps (`b` may start on or before `a` may end), as the pair of their positions in
/// the sorted `terms`. One pair per post at most; empty (nothing allocated) when none.
pub(crate) fn overlapping_terms<P: Ord>(terms: &mut [PostTerm<P>]) -> Vec<(usize, usize)> {
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    if terms.len() < 2 {
        return pairs;
    }
    terms.sort_by(|a, b| (&a.0, a.1, a.3).cmp(&(&b.0, b.1, b.3)));
    for (i, a) in terms.iter().enumerate() {
        if pairs.iter().any(|&(r, _)| terms[r].0 == a.0) {
            continue;
        }
        // Sorted by start: a later term overlaps `a` when it starts before `a` ends.
        let overlaps = |b: &PostTerm<P>| {
            b.4 != a.4
                && match (b.1, a.2) {
                    (Some(s), Some(e)) => s <= e,
                    _ => true,
                }
        };
        if let Some(j) = terms[i + 1..].iter().take_while(|b| b.0 == a.0).position(overlaps) {
            pairs.push((i, i + 1 + j));
        }
    }
    pairs
}

impl SingleHolders {
    fn build(model: &Model) -> SingleHolders {
        let data = &*model.data;
        // The single-holder links with their unit and post, read twice (a counting sort: once
        // to count each unit's, once to place them), so that nothing but the entries is ever
        // held: a vector of every link with its term, then a second of them grouped, were
        // 0.4 GB of fresh memory nationally with people.
        let single = || {
            data.holdings.iter().filter_map(|(l, h)| SingleHolder::code(&h.post).map(|post| (l, data.ends(l), post)))
        };
        let mut offsets: Vec<u32> = Vec::new();
        for (_, (_, to), _) in single() {
            let u = to.index();
            if u + 2 > offsets.len() {
                offsets.resize(u + 2, 0);
            }
            offsets[u + 1] += 1;
        }
        if offsets.is_empty() {
            return SingleHolders::default();
        }
        let n = offsets.len() - 1;
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let blank = SingleHolder { link: LinkId(0), person: Node::new(0), since: 0, post: 0 };
        let mut entries = vec![blank; offsets[n] as usize];
        let mut next = offsets.clone();
        for (l, (from, to), post) in single() {
            let since = data.links.validity(l).since.map_or(0, |d| d.first_day().raw() + 1);
            let at = &mut next[to.index()];
            entries[*at as usize] = SingleHolder { link: LinkId(l), person: from, since, post };
            *at += 1;
        }
        drop(next);
        let mut overlaps = Vec::new();
        let mut terms: Vec<PostTerm<u8>> = Vec::new();
        for (u, w) in offsets.windows(2).enumerate() {
            let row = &mut entries[w[0] as usize..w[1] as usize];
            row.sort_by_key(|e| (std::cmp::Reverse(e.since), e.link.0));
            if row.len() >= 2 {
                // Each term as P002 compares it; a term never in force is left out.
                terms.clear();
                terms.extend(row.iter().filter_map(|e| {
                    let v = data.links.validity(e.link.0);
                    (!v.never())
                        .then(|| (e.post, v.since.map(Date::last_day), v.until.map(Date::first_day), e.link, e.person))
                }));
                if !overlapping_terms(&mut terms).is_empty() {
                    overlaps.push(u as u32);
                }
            }
        }
        SingleHolders { offsets, entries, overlaps }
    }

    /// Per unit (by node index, as `offsets`), the place in `entries` of the first entry of
    /// its principal post ([`crate::people::principal_post`]) in its row, `NONE` when it has
    /// none: the principal whenever that link is in the view (the usual case, and always in a
    /// view without a date), found without the row's offsets or the unit's kind.
    fn principal_slots(&self, model: &Model) -> Vec<u32> {
        let mut first = vec![SingleHolder::NONE; self.offsets.len().saturating_sub(1)];
        for (u, w) in self.offsets.windows(2).enumerate() {
            if w[0] == w[1] {
                continue;
            }
            let code = model
                .unit(Node::new(u as u32))
                .and_then(|unit| SingleHolder::code(&crate::people::principal_post(&unit.kind)));
            let row = &self.entries[w[0] as usize..w[1] as usize];
            if let Some(i) = row.iter().position(|e| Some(e.post) == code) {
                first[u] = w[0] + i as u32;
            }
        }
        first
    }

    fn of(&self, unit: Node) -> &[SingleHolder] {
        let i = unit.index();
        match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.entries[a as usize..b as usize],
            _ => &[],
        }
    }
}

/// The dated part of a document, gathered once so that a view at a date reads it alone
/// instead of every record and link (a national model's 6 M records and 9 M links are
/// 1 GB of memory; their dates, a few dozen MB).
#[derive(Debug)]
struct Dated {
    /// Every record with a date: node index, type slot, its dates as days.
    nodes: Vec<(u32, u8, Span)>,
    /// Every link with a date: link index, its dates as days.
    links: Vec<(u32, Span)>,
    /// The levels with every record counting.
    levels: Vec<Option<Level>>,
    /// The units whose level may differ at a date from `levels`: those with a dated
    /// `jurisdiction` link or one to a dated territory, or located in a dated territory.
    /// (A dated unit or territory out of force has no level; that is set apart.)
    level_deps: Vec<u32>,
}

/// A [`Validity`] as the four days that decide its status, read once when the dated index
/// is built: a view then compares numbers (two or four per record or link) instead of
/// working out the first and last days of reduced dates for every one of them.
#[derive(Debug, Clone, Copy)]
struct Span {
    /// The first and last days `since` may stand for (0 without `since`).
    since_first: u32,
    since_last: u32,
    /// The first and last days `until` may stand for (`u32::MAX` without `until`).
    until_first: u32,
    until_last: u32,
}

impl Span {
    fn new(v: Validity) -> Span {
        if v.never() {
            // No day is in force: an empty span (first after last) whatever the date.
            return Span { since_first: u32::MAX, since_last: u32::MAX, until_first: 0, until_last: 0 };
        }
        let (since_first, since_last) = v.since.map_or((0, 0), |s| (s.first_day().raw(), s.last_day().raw()));
        let (until_first, until_last) =
            v.until.map_or((u32::MAX, u32::MAX), |u| (u.first_day().raw(), u.last_day().raw()));
        Span { since_first, since_last, until_first, until_last }
    }

    /// [`Validity::status_at`] for a day given as [`Date::raw`] of its last day.
    #[inline]
    fn status_at(self, day: u32) -> Status {
        if self.since_last <= day && day <= self.until_first {
            Status::InForce
        } else if self.since_first <= day && day <= self.until_last {
            Status::Possibly
        } else {
            Status::OutOfForce
        }
    }
}

/// The date a model is read at and the records and links that leaves out.
#[derive(Debug, Clone, Default)]
struct View {
    date: Option<Date>,
    /// `None` when every record and link is in force at the date (always, for an undated model).
    masks: Option<std::sync::Arc<Masks>>,
    levels: std::sync::Arc<Vec<Option<Level>>>,
}

/// One bit per record and per link: out of force, and possibly in force, at a view's date.
#[derive(Debug, Default)]
struct Masks {
    out_nodes: Bits,
    out_links: Bits,
    maybe_nodes: Bits,
    maybe_links: Bits,
    /// Records in force or possibly in force, by type, and links likewise.
    counts: [u32; 5],
    links: u32,
    /// True when some record or link is only possibly in force: asked for every answer
    /// ([`Model::has_uncertain`]), so kept rather than found by scanning the bits each time.
    maybe: bool,
}

/// A fixed-size set of indices.
#[derive(Debug, Default)]
pub(crate) struct Bits(Vec<u64>);

impl Bits {
    pub(crate) fn new(n: usize) -> Bits {
        Bits(pages::zeroed(n.div_ceil(64)))
    }
    pub(crate) fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    /// Makes room for indices below `n` (never shrinks).
    pub(crate) fn grow(&mut self, n: usize) {
        if n.div_ceil(64) > self.0.len() {
            self.0.resize(n.div_ceil(64), 0);
        }
    }
    #[inline]
    pub(crate) fn get(&self, i: usize) -> bool {
        self.0.get(i / 64).is_some_and(|w| w >> (i % 64) & 1 != 0)
    }
    fn any(&self) -> bool {
        self.0.iter().any(|&w| w != 0)
    }
}

/// An iterator of the records or links a view keeps, knowing how many it will give.
struct Counted<I> {
    inner: I,
    left: usize,
}

impl<T, I: Iterator<Item = T>> Iterator for Counted<I> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        let next = self.inner.next();
        if next.is_some() {
            self.left = self.left.saturating_sub(1);
        }
        next
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl<T, I: Iterator<Item = T>> ExactSizeIterator for Counted<I> {}

pub(crate) const TYPES: [RecordType; 5] =
    [RecordType::Territory, RecordType::Unit, RecordType::Matter, RecordType::Item, RecordType::Person];

pub(crate) fn type_slot(t: RecordType) -> usize {
    match t {
        RecordType::Territory => 0,
        RecordType::Unit => 1,
        RecordType::Matter => 2,
        RecordType::Item => 3,
        RecordType::Person => 4,
    }
}

impl Model {
    /// A new, empty builder.
    pub fn builder() -> ModelBuilder {
        ModelBuilder::new()
    }

    /// The model over checked records (`keys`, by node index) and links: adjacency, the
    /// territory tree and levels are derived here, the two adjacency tables side by side when
    /// `threads` > 1. The model is read at `meta.as_of` when that is a date.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn assemble(
        mut keys: Vec<RecordKey>,
        mut records: records::Records,
        mut links: links::LinkTable,
        index: index::IdIndex,
        order: [Vec<Node>; 5],
        holdings: links::Sparse<Holding>,
        meta: Option<Attrs>,
        threads: usize,
        meetings: crate::meetings::Meetings,
    ) -> Model {
        records.shrink_to_fit();
        links.shrink_to_fit();
        keys.shrink_to_fit();
        let n = keys.len();
        let table = &links;
        let adjacency = |incoming: bool| {
            Adjacency::build(n, || {
                (0..table.len() as u32).map(move |link| {
                    let (from, to) = table.ends(link);
                    let end = if incoming { to } else { from };
                    (end.raw(), Adj { slot: table.slot(link) as u8, link })
                })
            })
        };
        let (out, inc) = if threads > 1 && links.len() >= 1 << 16 {
            std::thread::scope(|scope| {
                let inc = scope.spawn(move || adjacency(true));
                let out = adjacency(false);
                (out, inc.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            })
        } else {
            (adjacency(false), adjacency(true))
        };
        let (children, parents) = territory_tree(&keys, &records, &order[0]);
        let dated = records.dated() || links.dated();
        let as_of = meta.as_ref().and_then(as_of_date);
        let data = Data {
            records,
            links,
            out,
            inc,
            children,
            keys: keys.into(),
            graph: std::sync::OnceLock::new(),
            index,
            runs: None,
            order: order.map(TypeOrder::new),
            holdings,
            meta,
            parents: parents.into(),
            dated,
            as_of,
            dated_index: std::sync::OnceLock::new(),
            meetings,
            single: std::sync::OnceLock::new(),
            principal_slots: std::sync::OnceLock::new(),
        };
        let mut data = data;
        data.runs = runs(&data.order, n);
        let mut model = Model {
            data: std::sync::Arc::new(data),
            view: View::default(),
            query_index: std::sync::OnceLock::new(),
            metrics_memo: std::sync::OnceLock::new(),
            people_memo: std::sync::OnceLock::new(),
        };
        model.view = model.view_at(as_of);
        model
    }

    /// The view of the document at a date (`None`: every record and link counts).
    fn view_at(&self, date: Option<Date>) -> View {
        let masks = match date {
            Some(d) if self.data.dated => Some(self.masks_at(d)),
            _ => None,
        }
        .filter(|m| m.maybe || m.out_nodes.any() || m.out_links.any())
        .map(std::sync::Arc::new);
        let mut view = Model {
            data: self.data.clone(),
            view: View { date, masks, levels: Default::default() },
            query_index: std::sync::OnceLock::new(),
            metrics_memo: std::sync::OnceLock::new(),
            people_memo: std::sync::OnceLock::new(),
        };
        let levels = if view.view.masks.is_some() { view.levels_at() } else { view.compute_levels() };
        view.view.levels = std::sync::Arc::new(levels);
        view.view
    }

    /// The dated records and links, the levels with every record counting and the units
    /// whose level depends on dates: one pass over the document, on the first view at a date.
    fn dated_index(&self) -> &Dated {
        self.data.dated_index.get_or_init(|| {
            let node_count = self.data.keys.len();
            let mut nodes = Vec::new();
            for (i, &k) in self.data.keys.iter().enumerate() {
                let r = self.data.records.get(k);
                let v = r.validity();
                if !v.is_empty() {
                    nodes.push((i as u32, type_slot(r.record_type()) as u8, Span::new(v)));
                }
            }
            let links: Vec<(u32, Span)> = self.data.links.dated_links().map(|(i, v)| (i, Span::new(v))).collect();
            let whole = Model {
                data: self.data.clone(),
                view: View::default(),
                query_index: std::sync::OnceLock::new(),
                metrics_memo: std::sync::OnceLock::new(),
                people_memo: std::sync::OnceLock::new(),
            };
            let levels = whole.compute_levels();
            let mut dated_territory = Bits::new(node_count);
            for &(i, slot, _) in &nodes {
                if slot == 0 {
                    dated_territory.set(i as usize);
                }
            }
            let mut deps = Bits::new(node_count);
            for &(i, _) in &links {
                if self.data.kind(i) == LinkKind::Jurisdiction {
                    deps.set(self.data.ends(i).0.index());
                }
            }
            for (n, u) in whole.units() {
                let located = u.located_in.is_some_and(|t| dated_territory.get(t.index()));
                let holds = || whole.links_from(n, &LinkKind::Jurisdiction).any(|l| dated_territory.get(l.to.index()));
                if located || holds() {
                    deps.set(n.index());
                }
            }
            let level_deps = whole.units().map(|(n, _)| n.raw()).filter(|&n| deps.get(n as usize)).collect();
            Dated { nodes, links, levels, level_deps }
        })
    }

    /// The masks at a date, from the dated records and links alone: a link is out of force
    /// when it is, or when one of its ends is (found through the ends' adjacency).
    fn masks_at(&self, d: Date) -> Masks {
        let (n, m) = (self.len(), self.link_count());
        let dated = self.dated_index();
        let mut masks = Masks {
            out_nodes: Bits::new(n),
            out_links: Bits::new(m),
            maybe_nodes: Bits::new(n),
            maybe_links: Bits::new(m),
            counts: std::array::from_fn(|t| self.data.order[t].len),
            links: m as u32,
            maybe: false,
        };
        let mut out = Vec::new();
        let day = d.last_day().raw();
        for &(i, slot, v) in &dated.nodes {
            match v.status_at(day) {
                Status::InForce => {}
                Status::Possibly => masks.maybe_nodes.set(i as usize),
                Status::OutOfForce => {
                    masks.out_nodes.set(i as usize);
                    masks.counts[slot as usize] -= 1;
                    out.push(Node::new(i));
                }
            }
        }
        for &(i, v) in &dated.links {
            match v.status_at(day) {
                Status::InForce => {}
                Status::Possibly => masks.maybe_links.set(i as usize),
                Status::OutOfForce => masks.out_links.set(i as usize),
            }
        }
        // A link is in the view when it and both its ends are.
        for &node in &out {
            for a in self.data.out.all(node).iter().chain(self.data.inc.all(node)) {
                masks.out_links.set(a.link as usize);
            }
        }
        for (maybe, out) in masks.maybe_links.0.iter_mut().zip(&masks.out_links.0) {
            *maybe &= !out;
        }
        masks.links -= masks.out_links.0.iter().map(|w| w.count_ones()).sum::<u32>();
        masks.maybe = masks.maybe_nodes.any() || masks.maybe_links.any();
        masks
    }

    /// The levels of a view with masks: those with every record counting, recomputed for
    /// the units whose level depends on dates, none for records out of force.
    fn levels_at(&self) -> Vec<Option<Level>> {
        let dated = self.dated_index();
        let mut levels = dated.levels.clone();
        for &(i, _, _) in &dated.nodes {
            if self.node_out(i as usize) {
                levels[i as usize] = None;
            }
        }
        for &u in &dated.level_deps {
            let n = Node::new(u);
            if self.node_out(n.index()) {
                continue;
            }
            let held = self.links_from(n, &LinkKind::Jurisdiction).filter_map(|l| levels[l.to.index()]).min();
            let located = self.unit(n).and_then(|u| u.located_in);
            levels[n.index()] = held.or_else(|| located.and_then(|t| levels[t.index()]));
        }
        levels
    }

    /// The model as it stood on a day: records and links out of force at `date` are
    /// left out of every query, the audit, the metrics and the exports; those
    /// possibly in force (a reduced date such as `"since": "2015"` that may or may not
    /// cover the day) stay, and answers resting on them say so (`uncertain`).
    /// A reduced `date` is read as its last day ("at 2019" is the end of 2019).
    ///
    /// The view shares the document with `self` (no record is copied); building it
    /// reads each record's and link's dates once. Handles ([`Node`], [`LinkId`]) are
    /// the same in every view of a document. Writing a view ([`Model::to_json`], CSV
    /// bundles) writes the whole document; [`Model::snapshot`] gives a document of
    /// the records in force alone.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::Model;
    /// let model = Model::from_json(r#"{"format": "tiaokuai/1",
    ///   "territories": [
    ///     {"id": "old", "name": "旧街道", "kind": "street", "until": "2020-05-31"},
    ///     {"id": "new", "name": "新街道", "kind": "street", "since": "2020-06-01"}]}"#)?;
    /// let ids = |m: &Model| m.territories().map(|(n, _)| m.id(n).to_string()).collect::<Vec<_>>();
    /// assert_eq!(ids(&model), ["old", "new"], "no meta.as_of: every record counts");
    /// assert_eq!(ids(&model.at("2019-06-30".parse()?)), ["old"]);
    /// assert_eq!(ids(&model.at("2020-06-01".parse()?)), ["new"]);
    /// assert!(model.at("2019".parse()?).node("new").is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn at(&self, date: Date) -> Model {
        Model {
            data: self.data.clone(),
            view: self.view_at(Some(date)),
            query_index: std::sync::OnceLock::new(),
            metrics_memo: std::sync::OnceLock::new(),
            people_memo: std::sync::OnceLock::new(),
        }
    }

    /// The document's meetings (see [`Model::meetings`]).
    pub(crate) fn meetings_table(&self) -> &crate::meetings::Meetings {
        &self.data.meetings
    }

    /// The model with every record and link counting, whatever their dates (the
    /// reading of a document without `meta.as_of`).
    pub fn whole(&self) -> Model {
        // A view without masks has every record counting already: its levels are those
        // of the whole document, shared (`view_at(None)` would compute the same table again).
        let view = match &self.view.masks {
            None if self.view.levels.len() == self.len() => {
                View { date: None, masks: None, levels: self.view.levels.clone() }
            }
            _ => self.view_at(None),
        };
        Model {
            data: self.data.clone(),
            view,
            query_index: std::sync::OnceLock::new(),
            metrics_memo: std::sync::OnceLock::new(),
            people_memo: std::sync::OnceLock::new(),
        }
    }

    /// The date the model is read at: the one given to [`Model::at`], else the
    /// document's `meta.as_of`; `None` when every record counts.
    pub fn date(&self) -> Option<Date> {
        self.view.date
    }

    /// The document's `meta.as_of` when it is a date (`YYYY`, `YYYY-MM` or
    /// `YYYY-MM-DD`): the date a loaded model is read at. Any other `as_of` is kept in
    /// `meta` verbatim and the model is read with every record counting.
    pub fn as_of(&self) -> Option<Date> {
        self.data.as_of
    }

    /// True when some record or link carries a date.
    pub fn is_dated(&self) -> bool {
        self.data.dated
    }

    /// Whether a record holds at the view's date ([`Status::InForce`] when the model
    /// is read with every record counting).
    pub fn status(&self, node: Node) -> Status {
        match &self.view.masks {
            Some(m) if m.out_nodes.get(node.index()) => Status::OutOfForce,
            Some(m) if m.maybe_nodes.get(node.index()) => Status::Possibly,
            _ => Status::InForce,
        }
    }

    /// Whether a link holds at the view's date; a link one of whose ends is out of
    /// force is out of force too.
    pub fn link_status(&self, id: LinkId) -> Status {
        match &self.view.masks {
            Some(m) if m.out_links.get(id.index()) => Status::OutOfForce,
            Some(m) if m.maybe_links.get(id.index()) => Status::Possibly,
            _ => Status::InForce,
        }
    }

    /// True when the view holds a record or link only possibly in force.
    pub fn has_uncertain(&self) -> bool {
        self.view.masks.as_ref().is_some_and(|m| m.maybe)
    }

    /// The records possibly in force at the view's date, in node order: read from the
    /// dated records alone (none for a view without doubts).
    pub(crate) fn possibly_nodes(&self) -> impl Iterator<Item = Node> + '_ {
        let masks = self.view.masks.as_deref().filter(|m| m.maybe);
        let dated = masks.map_or(&[][..], |_| &self.dated_index().nodes[..]);
        dated
            .iter()
            .map(|&(i, _, _)| i as usize)
            .filter(move |&i| masks.is_some_and(|m| m.maybe_nodes.get(i)))
            .map(|i| Node::new(i as u32))
    }

    /// The bits of the records (node indices) and of the links possibly in force at the
    /// view's date, 64 a word (`None` for a view without doubts): a bit is set exactly when
    /// [`Model::status`] or [`Model::link_status`] is [`Status::Possibly`].
    pub(crate) fn possibly_bits(&self) -> Option<(&[u64], &[u64])> {
        self.view.masks.as_deref().filter(|m| m.maybe).map(|m| (&m.maybe_nodes.0[..], &m.maybe_links.0[..]))
    }

    /// The hash of an id in the id index, for [`Model::find_hashed`].
    pub(crate) fn id_hash(&self, id: &str) -> u64 {
        self.data.index.hash(id)
    }

    /// [`Model::find`] with the id's hash ([`Model::id_hash`]) already computed.
    pub(crate) fn find_hashed(&self, hash: u64, id: &str) -> Option<Node> {
        self.data.index.get_hashed(&self.data.records, hash, id)
    }

    #[inline]
    fn node_out(&self, i: usize) -> bool {
        self.view.masks.as_ref().is_some_and(|m| m.out_nodes.get(i))
    }

    #[inline]
    fn link_out(&self, i: u32) -> bool {
        self.view.masks.as_ref().is_some_and(|m| m.out_links.get(i as usize))
    }

    fn compute_levels(&self) -> Vec<Option<Level>> {
        let mut levels = vec![None; self.len()];
        for (n, t) in self.territories() {
            levels[n.index()] = t.kind.level();
        }
        for (n, u) in self.units() {
            let held = self.links_from(n, &LinkKind::Jurisdiction).filter_map(|l| levels[l.to.index()]).min();
            levels[n.index()] = held.or_else(|| u.located_in.and_then(|t| levels[t.index()]));
        }
        levels
    }

    /// The number of records in the document, whatever the view (the range of
    /// [`Node::index`]); [`Model::count`] counts the records of a view.
    pub fn len(&self) -> usize {
        self.data.keys.len()
    }

    /// True when the document has no records.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The number of links in the document, whatever the view (the range of
    /// [`LinkId::index`]); [`Model::links`] gives those of the view.
    pub fn link_count(&self) -> usize {
        self.data.links.len()
    }

    /// The number of records of one type in the view.
    pub fn count(&self, t: RecordType) -> usize {
        match &self.view.masks {
            Some(m) => m.counts[type_slot(t)] as usize,
            None => self.data.order[type_slot(t)].len as usize,
        }
    }

    /// The number of records of every type in the view, people included ([`Model::count`]
    /// summed over [`RecordType::ALL`]).
    ///
    /// ```
    /// use tiaokuai::{Model, RecordType};
    /// let model = Model::sample();
    /// assert_eq!(model.count_records(), RecordType::ALL.iter().map(|&t| model.count(t)).sum::<usize>());
    /// assert!(model.count_records() <= model.len(), "a view holds at most the document's records");
    /// ```
    pub fn count_records(&self) -> usize {
        RecordType::ALL.iter().map(|&t| self.count(t)).sum()
    }

    /// The number of links in the view.
    pub fn count_links(&self) -> usize {
        self.view.masks.as_ref().map_or(self.link_count(), |m| m.links as usize)
    }

    /// The document's `meta` object, kept verbatim.
    pub fn meta(&self) -> Option<&Attrs> {
        self.data.meta.as_ref()
    }

    /// The model's name from `meta.name`, when it has one.
    pub fn title(&self) -> Option<String> {
        match self.data.meta.as_ref()?.get("name")? {
            serde_json::Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The model as a petgraph graph: the whole document, every record and link whatever
    /// the view (node and edge indices are [`Node`] and [`LinkId`] indices). In a view,
    /// [`Model::status`] and [`Model::link_status`] tell what is in force, e.g. for
    /// petgraph's `NodeFiltered`.
    ///
    /// The graph is built from the model's columns by the first call and kept (shared by
    /// the model's views): the queries never need it, so a model nobody asks for its graph
    /// does not hold one (24 bytes a link and 12 a record: national, 0.3 GB, built in 0.2 s).
    ///
    /// # Example
    /// ```
    /// use petgraph::visit::{EdgeRef, IntoEdgeReferences};
    /// use tiaokuai::{LinkKind, Model};
    /// let model = Model::sample();
    /// let g = model.graph();
    /// // Who leads whom, from the graph alone: node weights say where each record is.
    /// let leads = g.edge_references().filter(|e| *e.weight() == LinkKind::Leads).count();
    /// assert_eq!(leads, model.document_links().filter(|(_, l)| l.kind == LinkKind::Leads).count());
    /// let first = g.edge_references().next().unwrap();
    /// let from = model.node_at(first.source().index()).unwrap();
    /// assert_eq!(model.record(from).record_type(), g[first.source()].record_type());
    /// assert_eq!(model.link_at(first.id().index()).map(|l| model.link(l).from), Some(from));
    /// ```
    pub fn graph(&self) -> &Graph {
        self.data.graph.get_or_init(|| self.data.build_graph())
    }

    /// The handle of the record at a node index of [`Model::graph`] (`None` past the last).
    pub fn node_at(&self, index: usize) -> Option<Node> {
        (index < self.len()).then(|| Node::new(index as u32))
    }

    /// The handle of the link at an edge index of [`Model::graph`] (`None` past the last).
    pub fn link_at(&self, index: usize) -> Option<LinkId> {
        (index < self.link_count()).then_some(LinkId(index as u32))
    }

    /// The handle of the record with this id, when it is in the view ([`Model::find`]
    /// finds it whatever its dates).
    pub fn node(&self, id: &str) -> Option<Node> {
        self.find(id).filter(|n| !self.node_out(n.index()))
    }

    /// The handle of the record with this id in the document, in the view or not.
    pub fn find(&self, id: &str) -> Option<Node> {
        self.data.index.get(&self.data.records, id)
    }

    /// The record with this id, when it is in the view.
    pub fn get(&self, id: &str) -> Option<RecordRef<'_>> {
        self.node(id).map(|n| self.record(n))
    }

    /// True when a record in the view has this id.
    pub fn contains(&self, id: &str) -> bool {
        self.node(id).is_some()
    }

    /// The record behind a handle (in the view or not).
    ///
    /// # Panics
    /// When the handle comes from another, larger model.
    #[inline]
    pub fn record(&self, node: Node) -> RecordRef<'_> {
        self.data.records.get(self.data.key(node))
    }

    /// The id of a record.
    #[inline]
    pub fn id(&self, node: Node) -> &str {
        self.data.records.id_name(self.data.key(node)).0
    }

    /// The name of a record.
    #[inline]
    pub fn name(&self, node: Node) -> &str {
        self.data.records.id_name(self.data.key(node)).1
    }

    /// The id and name of a record, read together.
    ///
    /// # Example
    /// ```
    /// let model = tiaokuai::Model::sample();
    /// let node = model.node("310113003").unwrap();
    /// assert_eq!(model.id_name(node), (model.id(node), model.name(node)));
    /// ```
    #[inline]
    pub fn id_name(&self, node: Node) -> (&str, &str) {
        self.data.records.id_name(self.data.key(node))
    }

    /// Asks for what [`Model::labels`] and [`Model::level`] read of a record (its slot's first
    /// cache line and its level) without waiting for it: a prefetch retires at once, so a
    /// walk that asks for every record of an answer before building it has all their cache
    /// misses in flight together, however much work each step takes.
    #[inline]
    pub(crate) fn prefetch_labels(&self, node: Node) {
        self.data.records.prefetch_labels(self.data.key(node));
        if let Some(level) = self.view.levels.get(node.index()) {
            prefetch::prefetch(level);
        }
    }

    /// The id, name and kind as written ([`RecordRef::kind_str`]) of a record, read together.
    #[inline]
    pub(crate) fn labels(&self, node: Node) -> (&str, &str, &str) {
        self.data.records.labels(self.data.key(node))
    }

    /// The territory behind a handle, if it is one.
    pub fn territory(&self, node: Node) -> Option<TerritoryRef<'_>> {
        self.record(node).as_territory()
    }

    /// The unit behind a handle, if it is one.
    pub fn unit(&self, node: Node) -> Option<UnitRef<'_>> {
        self.record(node).as_unit()
    }

    /// The matter behind a handle, if it is one.
    pub fn matter(&self, node: Node) -> Option<MatterRef<'_>> {
        self.record(node).as_matter()
    }

    /// The item behind a handle, if it is one.
    pub fn item(&self, node: Node) -> Option<ItemRef<'_>> {
        self.record(node).as_item()
    }

    /// The handle of the record with this id, checked to be of type `expected` and in the view.
    ///
    /// # Errors
    /// [`Error::UnknownId`] when no record has the id, [`Error::NotInForce`] when the
    /// record is not in force at the view's date, [`Error::WrongRecordType`] when it
    /// is of another type; `context` says what needed it.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::{Model, RecordType};
    /// let model = Model::sample();
    /// assert!(model.require("310113", RecordType::Territory, "responsible").is_ok());
    /// let err = model.require("310113", RecordType::Unit, "chain").unwrap_err();
    /// assert_eq!(err.to_string(), r#""310113" is a territory, but chain needs a unit"#);
    /// ```
    pub fn require(&self, id: &str, expected: RecordType, context: &str) -> Result<Node> {
        let node = self.find(id).ok_or_else(|| Error::UnknownId { id: id.to_string() })?;
        let found = self.record(node).record_type();
        if found != expected {
            return Err(Error::WrongRecordType { id: id.to_string(), expected, found, context: context.to_string() });
        }
        if self.node_out(node.index()) {
            let v = self.record(node).validity();
            let show = |d: Option<Date>| d.map_or_else(|| "…".to_string(), |d| d.to_string());
            return Err(Error::NotInForce {
                id: id.to_string(),
                date: self.view.date.map(|d| d.to_string()).unwrap_or_default(),
                validity: format!("{} to {}", show(v.since), show(v.until)),
            });
        }
        Ok(node)
    }

    pub(crate) fn typed(&self, t: RecordType) -> impl ExactSizeIterator<Item = (Node, RecordRef<'_>)> + '_ {
        let left = self.count(t);
        let inner = self.data.order[type_slot(t)].iter().enumerate().filter(move |(_, n)| !self.node_out(n.index()));
        Counted { inner, left }.map(move |(i, n)| (n, self.data.typed_record(t, i, n)))
    }

    /// All records of the view, in document order: territories, units, matters, items.
    pub fn records(&self) -> impl Iterator<Item = (Node, RecordRef<'_>)> + '_ {
        TYPES.iter().flat_map(move |&t| self.typed(t))
    }

    /// All territories of the view, in document order.
    pub fn territories(&self) -> impl ExactSizeIterator<Item = (Node, TerritoryRef<'_>)> + '_ {
        self.typed(RecordType::Territory)
            .map(|(n, r)| (n, r.as_territory().expect("territory order holds territories")))
    }

    /// All units of the view, in document order.
    pub fn units(&self) -> impl ExactSizeIterator<Item = (Node, UnitRef<'_>)> + '_ {
        self.typed(RecordType::Unit).map(|(n, r)| (n, r.as_unit().expect("unit order holds units")))
    }

    /// All matters of the view, in document order.
    pub fn matters(&self) -> impl ExactSizeIterator<Item = (Node, MatterRef<'_>)> + '_ {
        self.typed(RecordType::Matter).map(|(n, r)| (n, r.as_matter().expect("matter order holds matters")))
    }

    /// All items of the view, in document order.
    pub fn items(&self) -> impl ExactSizeIterator<Item = (Node, ItemRef<'_>)> + '_ {
        self.typed(RecordType::Item).map(|(n, r)| (n, r.as_item().expect("item order holds items")))
    }

    /// The people in force at the view's date, in document order (none in a model without
    /// a `people` array).
    ///
    /// # Example
    /// ```
    /// let model = tiaokuai::Model::from_json(r#"{"format": "tiaokuai/1",
    ///   "units": [{"id": "u", "name": "U", "kind": "party_branch"}],
    ///   "people": [{"id": "p1"}], "links": [{"from": "p1", "to": "u", "kind": "holds", "post": "secretary"}]}"#)?;
    /// assert_eq!(model.people().map(|(_, p)| p.id()).collect::<Vec<_>>(), ["p1"]);
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn people(&self) -> impl ExactSizeIterator<Item = (Node, PersonRef<'_>)> + '_ {
        self.typed(RecordType::Person).map(|(n, r)| (n, r.as_person().expect("person order holds people")))
    }

    /// The person at a node, if the record is one.
    pub fn person(&self, node: Node) -> Option<PersonRef<'_>> {
        self.record(node).as_person()
    }

    /// True when the document has people or `holds` links (whatever the view's date): the
    /// people queries, rules and metrics do nothing for a model without.
    pub fn has_people(&self) -> bool {
        self.data.order[4].len > 0 || self.data.holdings.len() > 0
    }

    /// The post, band, grade and channel of a `holds` link; `None` for any other link.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::{LinkKind, Post};
    /// let model = tiaokuai::Model::from_json(r#"{"format": "tiaokuai/1",
    ///   "units": [{"id": "u", "name": "U", "kind": "residents_committee"}],
    ///   "people": [{"id": "p1"}],
    ///   "links": [{"from": "p1", "to": "u", "kind": "holds", "post": "director", "channel": "grassroots"}]}"#)?;
    /// let (id, _) = model.links().next().unwrap();
    /// assert_eq!(model.holding(id).map(|h| &h.post), Some(&Post::Director));
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    ///
    /// # Complexity
    /// O(1): a word of a bitmap of the `holds` links and a count of those before it.
    pub fn holding(&self, id: LinkId) -> Option<&Holding> {
        self.data.holdings.get(id.0)
    }

    /// Every `holds` link of the document (in the view or not) with its holding, in link order:
    /// the side table itself, so a pass over the holdings reads no other link.
    pub(crate) fn document_holdings(&self) -> impl ExactSizeIterator<Item = (LinkId, &Holding)> + '_ {
        Counted { inner: self.data.holdings.iter().map(|(l, h)| (LinkId(l), h)), left: self.data.holdings.len() }
    }

    /// True when the link is in the view (it and both its ends are in force or possibly so).
    #[inline]
    pub(crate) fn link_in_view(&self, id: LinkId) -> bool {
        !self.link_out(id.0)
    }

    /// The `holds` links to `unit` of a single-holder post (secretary, director, head) in the
    /// whole document, latest start first (no start last), then in link order: where the
    /// principal and rule P002 look. Gathered for every unit on first use, from the holdings
    /// alone; empty for a model without people.
    ///
    /// # Complexity
    /// O(1) after the first call, which is O(`holds` links + records).
    pub(crate) fn single_holders(&self, unit: Node) -> &[SingleHolder] {
        self.gathered().of(unit)
    }

    /// The first of `unit`'s [`Model::single_holders`] of its principal post (latest start
    /// first), in or out of the view: its principal when the link is in the view. `None` when
    /// it has none (or is no unit).
    ///
    /// # Complexity
    /// O(1) after the first call (which gathers the posts if no query or audit did, and reads
    /// the kind of each unit with posts): a read of a table by unit, and of the entry.
    #[inline]
    pub(crate) fn principal_slot(&self, unit: Node) -> Option<SingleHolder> {
        let single = self.gathered();
        let slots = self.data.principal_slots.get_or_init(|| single.principal_slots(self));
        let &i = slots.get(unit.index())?;
        single.entries.get(i as usize).copied()
    }

    /// Asks for the place of `unit` in the table [`Model::principal_slot`] reads first, without
    /// waiting for it (nothing before the first principal asked for has built that table).
    #[inline]
    pub(crate) fn prefetch_principal_slot(&self, unit: Node) {
        if let Some(slot) = self.data.principal_slots.get().and_then(|slots| slots.get(unit.index())) {
            prefetch::prefetch(slot);
        }
    }

    /// The units (in or out of the view, in node order) where rule P002 finds two people's
    /// terms overlapping in a single-holder post ([`overlapping_terms`] over the unit's
    /// [`Model::single_holders`], whole document): known for every unit when the posts are
    /// gathered, so an audit examines these alone.
    pub(crate) fn units_with_overlapping_terms(&self) -> impl Iterator<Item = Node> + '_ {
        self.gathered().overlaps.iter().map(|&u| Node::new(u))
    }

    fn gathered(&self) -> &SingleHolders {
        self.data.single.get_or_init(|| SingleHolders::build(self))
    }

    /// The `holds` links to a unit in the view (who holds which post in it), with their ids.
    pub fn holders_of(&self, unit: Node) -> impl Iterator<Item = (LinkId, Link)> + '_ {
        self.ids_to(unit, &LinkKind::Holds)
    }

    /// The `holds` links arriving at a unit in the view and the person each is from, read
    /// from the links' ends alone (no link put together: the P rules' passes).
    pub(crate) fn holder_ends(&self, unit: Node) -> impl Iterator<Item = (LinkId, Node)> + '_ {
        self.data
            .inc
            .of_slot(unit, LinkKind::Holds.slot())
            .iter()
            .filter(move |a| !self.link_out(a.link))
            .map(move |a| (LinkId(a.link), self.data.ends(a.link).0))
    }

    /// The `holds` links from a person in the view (the posts the person holds), with their ids.
    pub fn posts_of(&self, person: Node) -> impl Iterator<Item = (LinkId, Link)> + '_ {
        self.data
            .out
            .of_slot(person, LinkKind::Holds.slot())
            .iter()
            .filter(move |a| !self.link_out(a.link))
            .map(move |a| (LinkId(a.link), self.link(LinkId(a.link))))
    }

    /// The units of one kind, in document order.
    pub fn units_of_kind<'a>(&'a self, kind: &'a UnitKind) -> impl Iterator<Item = (Node, UnitRef<'a>)> + 'a {
        self.units().filter(move |(_, u)| &u.kind == kind)
    }

    /// The territories of one kind, in document order.
    pub fn territories_of_kind<'a>(
        &'a self,
        kind: &'a TerritoryKind,
    ) -> impl Iterator<Item = (Node, TerritoryRef<'a>)> + 'a {
        self.territories().filter(move |(_, t)| &t.kind == kind)
    }

    /// Every record of the document in document order, in the view or not (what the
    /// writers write).
    pub fn document_records(&self) -> impl Iterator<Item = (Node, RecordRef<'_>)> + '_ {
        TYPES.iter().flat_map(move |&t| self.document_typed(t))
    }

    /// Calls `each` with every record of type `t` in the document (in the view or not) that
    /// has dates of its own, and its dates, in document order: a pass over the type's rows,
    /// no record put together (the T rules; most records have no dates).
    pub(crate) fn each_dated_record(&self, t: RecordType, mut each: impl FnMut(Node, Validity)) {
        let order = &self.data.order[type_slot(t)];
        self.data.records.each_dated(t, |i, v| each(order.node(i), v));
    }

    /// The records of one type in the document, in document order, in the view or not.
    pub(crate) fn document_typed(&self, t: RecordType) -> impl Iterator<Item = (Node, RecordRef<'_>)> + '_ {
        self.data.order[type_slot(t)].iter().enumerate().map(move |(i, n)| (n, self.data.typed_record(t, i, n)))
    }

    /// Every link of the document in document order, in the view or not (what the
    /// writers write).
    pub fn document_links(&self) -> impl ExactSizeIterator<Item = (LinkId, Link)> + '_ {
        (0..self.link_count() as u32).map(move |i| (LinkId(i), self.link(LinkId(i))))
    }

    /// The links of the document with dates of their own and their dates, in document order
    /// (one pass over the dates' tables; the T rules).
    pub(crate) fn dated_links(&self) -> impl Iterator<Item = (LinkId, Validity)> + '_ {
        self.data.links.dated_links().map(|(i, v)| (LinkId(i), v))
    }

    /// The link behind a handle (in the view or not), put together from the model's columns.
    ///
    /// # Panics
    /// When the handle comes from another, larger model.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::{LinkKind, Model};
    /// let model = Model::sample();
    /// let (id, link) = model.links().find(|(_, l)| l.kind == LinkKind::Responsible).unwrap();
    /// assert_eq!(model.link(id), link);
    /// assert!(link.role.is_some());
    /// ```
    #[inline]
    pub fn link(&self, id: LinkId) -> Link {
        self.data.link(id.0)
    }

    /// The free-form attrs of a link, kept verbatim (in the view or not).
    ///
    /// # Example
    /// ```
    /// use tiaokuai::Model;
    /// let model = Model::from_json(r#"{"format": "tiaokuai/1",
    ///   "territories": [{"id": "t", "name": "T", "kind": "street"}],
    ///   "units": [{"id": "u", "name": "U", "kind": "government"}],
    ///   "links": [{"from": "u", "to": "t", "kind": "jurisdiction", "attrs": {"note": "since 2019"}}]}"#).unwrap();
    /// let (id, _) = model.links().next().unwrap();
    /// assert_eq!(model.link_attrs(id).unwrap().as_json(), r#"{"note":"since 2019"}"#);
    /// ```
    pub fn link_attrs(&self, id: LinkId) -> Option<&Attrs> {
        self.data.links.attrs(id.0)
    }

    /// The kind of a link, read from its column alone.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::{LinkKind, Model};
    /// let model = Model::sample();
    /// let (id, link) = model.links().find(|(_, l)| l.kind == LinkKind::Leads).unwrap();
    /// assert_eq!(model.link_kind(id), LinkKind::Leads);
    /// assert_eq!(model.link_ends(id), (link.from, link.to));
    /// ```
    #[inline]
    pub fn link_kind(&self, id: LinkId) -> LinkKind {
        self.data.kind(id.0)
    }

    /// True for a `leads` link marked `"primary": true` ([`Link::is_primary`]), read from its
    /// column alone (the audit's pass over the links).
    #[inline]
    pub(crate) fn link_is_primary(&self, id: LinkId) -> bool {
        self.data.links.primary(id.0) == Some(true)
    }

    /// The two ends of a link (`from`, `to`), read from its column alone (see
    /// [`Model::link_kind`] for an example).
    #[inline]
    pub fn link_ends(&self, id: LinkId) -> (Node, Node) {
        self.data.ends(id.0)
    }

    /// All links of the view, in document order.
    pub fn links(&self) -> impl ExactSizeIterator<Item = (LinkId, Link)> + '_ {
        let inner = (0..self.link_count() as u32).filter(move |&i| !self.link_out(i));
        Counted { inner, left: self.count_links() }.map(move |i| (LinkId(i), self.link(LinkId(i))))
    }

    /// The links of the view whose kind `keep` accepts, in document order, each put together
    /// only once accepted: a pass over the kinds' column (a byte a link) where
    /// [`Model::links`] puts every link together (its sparse fields and dates are rank
    /// look-ups). The query indexes' builds read one or three kinds of 17 M links this way.
    pub(crate) fn links_where<'a>(
        &'a self,
        keep: impl Fn(LinkKind) -> bool + 'a,
    ) -> impl Iterator<Item = (LinkId, Link)> + 'a {
        self.link_ids_where(keep).map(move |id| (id, self.link(id)))
    }

    /// [`Model::links_where`]'s ids alone (for [`Model::link_ends`] or the link when needed).
    pub(crate) fn link_ids_where<'a>(
        &'a self,
        keep: impl Fn(LinkKind) -> bool + 'a,
    ) -> impl Iterator<Item = LinkId> + 'a {
        (0..self.link_count() as u32).filter(move |&i| !self.link_out(i) && keep(self.data.kind(i))).map(LinkId)
    }

    /// [`Model::adj_links`]'s ends alone, read from the ends' column: no link put together
    /// (its sparse fields and dates are rank look-ups).
    fn adj_ends<'a>(&'a self, adj: &'a [Adj], kind: &'a LinkKind) -> impl Iterator<Item = (Node, Node)> + 'a {
        let custom = kind.is_custom();
        adj.iter()
            .filter(move |a| !self.link_out(a.link) && (!custom || self.data.kind(a.link) == *kind))
            .map(move |a| self.data.ends(a.link))
    }

    fn adj_links<'a>(&'a self, adj: &'a [Adj], kind: &'a LinkKind) -> impl Iterator<Item = Link> + 'a {
        let custom = kind.is_custom();
        adj.iter()
            .filter(move |a| !self.link_out(a.link))
            .map(move |a| self.link(LinkId(a.link)))
            .filter(move |l| !custom || l.kind == *kind)
    }

    /// The links of one kind leaving a record, in document order.
    ///
    /// # Complexity
    /// O(log d + k) for a record with d outgoing links, k of them of this kind.
    pub fn links_from<'a>(&'a self, node: Node, kind: &'a LinkKind) -> impl Iterator<Item = Link> + 'a {
        self.adj_links(self.data.out.of_slot(node, kind.slot()), kind)
    }

    /// The links of one kind arriving at a record, in document order.
    pub fn links_to<'a>(&'a self, node: Node, kind: &'a LinkKind) -> impl Iterator<Item = Link> + 'a {
        self.adj_links(self.data.inc.of_slot(node, kind.slot()), kind)
    }

    /// The links of one built-in kind arriving at a record, with their ids, in document order;
    /// unlike [`Model::all_links_to`] it reads no link of another kind.
    pub(crate) fn ids_to(&self, node: Node, kind: &LinkKind) -> impl Iterator<Item = (LinkId, Link)> + '_ {
        debug_assert!(!kind.is_custom());
        self.data
            .inc
            .of_slot(node, kind.slot())
            .iter()
            .filter(move |a| !self.link_out(a.link))
            .map(move |a| (LinkId(a.link), self.link(LinkId(a.link))))
    }

    /// The records a record links to by links of one kind (its out-neighbours), in document order of the links.
    pub fn targets<'a>(&'a self, node: Node, kind: &'a LinkKind) -> impl Iterator<Item = Node> + 'a {
        self.adj_ends(self.data.out.of_slot(node, kind.slot()), kind).map(|(_, to)| to)
    }

    /// The records linking to a record by links of one kind (its in-neighbours).
    pub fn sources<'a>(&'a self, node: Node, kind: &'a LinkKind) -> impl Iterator<Item = Node> + 'a {
        self.adj_ends(self.data.inc.of_slot(node, kind.slot()), kind).map(|(from, _)| from)
    }

    /// The number of links of one kind leaving a record, without visiting them (built-in
    /// kinds, in a model read with every record counting).
    pub fn out_degree(&self, node: Node, kind: &LinkKind) -> usize {
        if kind.is_custom() || self.view.masks.is_some() {
            self.links_from(node, kind).count()
        } else {
            self.data.out.of_slot(node, kind.slot()).len()
        }
    }

    /// The number of links of one kind arriving at a record (without visiting them for
    /// built-in kinds, in a model read with every record counting).
    pub fn in_degree(&self, node: Node, kind: &LinkKind) -> usize {
        if kind.is_custom() || self.view.masks.is_some() {
            self.links_to(node, kind).count()
        } else {
            self.data.inc.of_slot(node, kind.slot()).len()
        }
    }

    /// Every link of the view leaving a record, grouped by kind.
    pub fn all_links_from(&self, node: Node) -> impl Iterator<Item = (LinkId, Link)> + '_ {
        self.data
            .out
            .all(node)
            .iter()
            .filter(move |a| !self.link_out(a.link))
            .map(move |a| (LinkId(a.link), self.link(LinkId(a.link))))
    }

    /// Every link of the view arriving at a record, grouped by kind.
    pub fn all_links_to(&self, node: Node) -> impl Iterator<Item = (LinkId, Link)> + '_ {
        self.data
            .inc
            .all(node)
            .iter()
            .filter(move |a| !self.link_out(a.link))
            .map(move |a| (LinkId(a.link), self.link(LinkId(a.link))))
    }

    /// Every link of the document leaving a record (in the view or not), grouped by kind.
    pub fn document_links_from(&self, node: Node) -> impl Iterator<Item = (LinkId, Link)> + '_ {
        self.data.out.all(node).iter().map(move |a| (LinkId(a.link), self.link(LinkId(a.link))))
    }

    /// Every link of the document arriving at a record (in the view or not), grouped by kind.
    pub fn document_links_to(&self, node: Node) -> impl Iterator<Item = (LinkId, Link)> + '_ {
        self.data.inc.all(node).iter().map(move |a| (LinkId(a.link), self.link(LinkId(a.link))))
    }

    /// The containing territory of a territory (`None` for a root, and for a
    /// record that is not a territory). The record's `parent` field, whatever the view
    /// (rule T003 finds a territory whose parent is not in force).
    ///
    /// # Example
    /// ```
    /// let model = tiaokuai::Model::sample();
    /// let street = model.node("310113003").unwrap();
    /// assert_eq!(model.parent(street).map(|p| model.id(p)), Some("310113"));
    /// ```
    pub fn parent(&self, node: Node) -> Option<Node> {
        self.data.parents.get(node.index()).copied().flatten()
    }

    /// The territories of the view directly inside a territory, in document order (none for
    /// a record that is not a territory).
    pub fn children(&self, node: Node) -> impl Iterator<Item = Node> + '_ {
        let inside = if node.index() < self.data.parents.len() { self.data.children.all(node) } else { &[] };
        inside.iter().map(|a| Node::new(a.link)).filter(move |c| !self.node_out(c.index()))
    }

    /// A territory's children whatever the view's date (the audit's time rules read
    /// the whole document).
    pub(crate) fn all_children(&self, node: Node) -> impl Iterator<Item = Node> + '_ {
        let inside = if node.index() < self.data.parents.len() { self.data.children.all(node) } else { &[] };
        inside.iter().map(|a| Node::new(a.link))
    }

    /// A territory's parent whatever the view's date.
    pub(crate) fn any_parent(&self, node: Node) -> Option<Node> {
        self.data.parents.get(node.index()).copied().flatten()
    }

    /// The links leaving and arriving at a record whatever the view's date, as (link, other end).
    pub(crate) fn any_links(&self, node: Node) -> impl Iterator<Item = (LinkId, Node)> + '_ {
        let data = &*self.data;
        let i = node.index();
        let out = self.data.out.all(node).iter().map(move |a| {
            let l = a.link;
            (LinkId(l), data.ends(l).1)
        });
        let inc = self.data.inc.all(node).iter().map(move |a| {
            let l = a.link;
            (LinkId(l), data.ends(l).0)
        });
        let n = self.data.out.offsets.len().saturating_sub(1);
        let (out, inc) = if i < n { (Some(out), Some(inc)) } else { (None, None) };
        out.into_iter().flatten().chain(inc.into_iter().flatten())
    }

    /// The links of one kind leaving a record (`incoming` false) or arriving at it (true),
    /// whatever the view's date, as (link, other end), in link order: only that kind's
    /// entries of the record's adjacency are visited (for a custom kind, every custom link's,
    /// filtered), so a record with thousands of links of other kinds costs nothing here.
    pub(crate) fn any_links_of<'a>(
        &'a self,
        node: Node,
        kind: &'a LinkKind,
        incoming: bool,
    ) -> impl Iterator<Item = (LinkId, Node)> + 'a {
        let data = &*self.data;
        let adj = if incoming { &self.data.inc } else { &self.data.out };
        let list: &[Adj] = if node.index() + 1 < adj.offsets.len() { adj.of_slot(node, kind.slot()) } else { &[] };
        let custom = kind.is_custom();
        list.iter().filter_map(move |a| {
            if custom && data.kind(a.link) != *kind {
                return None;
            }
            let (from, to) = data.ends(a.link);
            Some((LinkId(a.link), if incoming { from } else { to }))
        })
    }

    /// The links leaving and arriving at a record whatever the view's date, as (link, other
    /// end), as [`Model::any_links`] gives them, but only those whose kind's adjacency slot
    /// ([`LinkKind::slot`]) and direction (`true`: arriving) `slot` accepts: the others are
    /// skipped without reading their link.
    pub(crate) fn any_links_where<'a>(
        &'a self,
        node: Node,
        slot: &'a dyn Fn(usize, bool) -> bool,
    ) -> impl Iterator<Item = (LinkId, Node)> + 'a {
        let data = &*self.data;
        let n = self.data.out.offsets.len().saturating_sub(1);
        let (out, inc): (&[Adj], &[Adj]) =
            if node.index() < n { (self.data.out.all(node), self.data.inc.all(node)) } else { (&[], &[]) };
        let out = out.iter().filter(move |a| slot(a.slot as usize, false)).map(move |a| {
            let l = a.link;
            (LinkId(l), data.ends(l).1)
        });
        let inc = inc.iter().filter(move |a| slot(a.slot as usize, true)).map(move |a| {
            let l = a.link;
            (LinkId(l), data.ends(l).0)
        });
        out.chain(inc)
    }

    /// The document restricted to the records `keep` (handles of this model; repeats are
    /// ignored) and the links between them, read at the same date: records keep their
    /// relative order and links theirs, so an audit of the part orders its findings as the
    /// whole does. A `parent`, `located_in` or `scope` naming a record left out is dropped
    /// (callers keep them). Returns the part and, for each of its links, the link of `self`
    /// it copies. O(kept records + their links).
    pub(crate) fn induced(&self, keep: &[Node], meetings: &[usize]) -> (Model, Vec<LinkId>) {
        let mut nodes: Vec<Node> = keep.to_vec();
        nodes.sort_unstable_by_key(|n| n.index());
        nodes.dedup();
        let map: hashbrown::HashMap<u32, Node> =
            nodes.iter().enumerate().map(|(i, n)| (n.raw(), Node::new(i as u32))).collect();
        let moved = |n: Option<Node>| n.and_then(|n| map.get(&n.raw()).copied());
        let mut keys = Vec::with_capacity(nodes.len());
        let mut new_records = records::Records::default();
        let mut index = index::IdIndex::with_capacity(nodes.len());
        let mut order: [Vec<Node>; 5] = Default::default();
        for &n in &nodes {
            let mut record = self.record(n).to_record();
            match &mut record {
                Record::Territory(t) => t.parent = moved(t.parent),
                Record::Unit(u) => u.located_in = moved(u.located_in),
                _ => {}
            }
            let slot = type_slot(record.record_type());
            let hash = index.hash(record.id());
            let key = new_records.push(record);
            let new = Node::new(keys.len() as u32);
            keys.push(key);
            index.insert_hashed(&new_records, hash, (new, key));
            order[slot].push(new);
        }
        // The links between kept records, each found from the shorter of its two lists: a
        // link a -> b from a's outgoing links when a has no more of them than b has incoming,
        // else from b's. A list longer than every list of the other side holds no link found
        // from it and is not read (a district bureau guiding thousands of organisations,
        // kept for one of them, costs nothing).
        let (outs, ins) = (&self.data.out, &self.data.inc);
        let degree = |adj: &Adjacency, n: Node| if n.index() + 1 < adj.offsets.len() { adj.all(n).len() } else { 0 };
        let max_in = nodes.iter().map(|&n| degree(ins, n)).max().unwrap_or(0);
        let max_out = nodes.iter().map(|&n| degree(outs, n)).max().unwrap_or(0);
        let mut links: Vec<u32> = Vec::new();
        for &n in &nodes {
            let (d_out, d_in) = (degree(outs, n), degree(ins, n));
            if d_out > 0 && d_out <= max_in {
                for a in outs.all(n) {
                    let to = self.data.ends(a.link).1;
                    if map.contains_key(&to.raw()) && d_out <= degree(ins, to) {
                        links.push(a.link);
                    }
                }
            }
            if d_in > 0 && d_in < max_out {
                for a in ins.all(n) {
                    let from = self.data.ends(a.link).0;
                    if map.contains_key(&from.raw()) && degree(outs, from) > d_in {
                        links.push(a.link);
                    }
                }
            }
        }
        links.sort_unstable();
        let mut table = links::LinkTable::with_capacity(links.len());
        for &l in &links {
            let mut link = self.data.link(l);
            link.from = map[&link.from.raw()];
            link.to = map[&link.to.raw()];
            link.scope = moved(link.scope);
            table.push(&link, self.data.links.attrs(l).cloned());
        }
        // The holdings of the links kept, and the meetings asked for (in document order) whose
        // territory and convener are kept, with the topics kept.
        let mut holdings = links::Sparse::default();
        for (i, &l) in links.iter().enumerate() {
            if let Some(h) = self.holding(LinkId(l)) {
                holdings.push(i as u32, h.clone());
            }
        }
        let mut picked: Vec<usize> = meetings.to_vec();
        picked.sort_unstable();
        picked.dedup();
        let list = picked
            .into_iter()
            .filter_map(|i| {
                let m = self.meetings_table().get(i)?;
                let convener = match m.convener {
                    Some(c) => Some(moved(Some(c))?),
                    None => None,
                };
                Some(crate::meetings::Meeting {
                    territory: moved(Some(m.territory))?,
                    convener,
                    topics: m.topics.iter().filter_map(|&t| moved(Some(t))).collect(),
                    ..m.clone()
                })
            })
            .collect();
        let part = Model::assemble(
            keys,
            new_records,
            table,
            index,
            order,
            holdings,
            None,
            1,
            crate::meetings::Meetings::new(list),
        );
        let part = match self.view.date {
            Some(d) => part.at(d),
            None => part,
        };
        (part, links.into_iter().map(LinkId).collect())
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

    /// The level of a record in the view: a territory's by its kind, a unit's by the
    /// highest territory it holds jurisdiction over or, failing that, where it
    /// is located. `None` for matters, items and records with no level.
    pub fn level(&self, node: Node) -> Option<Level> {
        self.view.levels[node.index()]
    }

    /// The responsibility grade of a record's level.
    pub fn grade(&self, node: Node) -> Option<Grade> {
        self.level(node).map(|l| l.grade())
    }
}

/// `meta.as_of` as a date, when it is one.
fn as_of_date(meta: &Attrs) -> Option<Date> {
    match meta.get("as_of")? {
        serde_json::Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

impl PartialEq for Model {
    /// Two models are equal when they hold the same records, links and meta in the same
    /// order (their documents), read at the same date.
    fn eq(&self, other: &Self) -> bool {
        let same_links = self.link_count() == other.link_count()
            && self.document_links().zip(other.document_links()).all(|((ia, a), (ib, b))| {
                let end = |m: &Model, n: Option<Node>| n.map(|n| m.id(n).to_string());
                a.kind == b.kind
                    && self.id(a.from) == other.id(b.from)
                    && self.id(a.to) == other.id(b.to)
                    && a.primary == b.primary
                    && a.power == b.power
                    && a.role == b.role
                    && end(self, a.scope) == end(other, b.scope)
                    && a.members == b.members
                    && a.event == b.event
                    && self.data.links.attrs(ia.0) == other.data.links.attrs(ib.0)
                    && a.validity == b.validity
            });
        let same_records = self.len() == other.len()
            && self.document_records().zip(other.document_records()).all(|((na, a), (nb, b))| {
                // A territory's parent and a unit's place are compared by id (handles differ
                // between models), the rest of the row as it is.
                fn refs(m: &Model, n: Node) -> Option<&str> {
                    match m.record(n) {
                        RecordRef::Territory(t) => t.parent.map(|p| m.id(p)),
                        RecordRef::Unit(u) => u.located_in.map(|p| m.id(p)),
                        _ => None,
                    }
                }
                let same = match (a, b) {
                    (RecordRef::Territory(x), RecordRef::Territory(y)) => {
                        let row = |t: TerritoryRef<'_>| TerritoryRow { parent: None, ..t.row().clone() };
                        x.id() == y.id() && x.name() == y.name() && row(x) == row(y)
                    }
                    (RecordRef::Unit(x), RecordRef::Unit(y)) => {
                        let row = |u: UnitRef<'_>| UnitRow { located_in: None, ..u.row().clone() };
                        x.id() == y.id() && x.name() == y.name() && row(x) == row(y)
                    }
                    _ => a == b,
                };
                same && refs(self, na) == refs(other, nb)
            });
        let same_meetings = self.meetings().len() == other.meetings().len()
            && self.meetings().iter().zip(other.meetings().iter()).all(|(a, b)| {
                let ids = |m: &Model, ns: &[Node]| ns.iter().map(|&n| m.id(n).to_string()).collect::<Vec<_>>();
                a.id == b.id
                    && a.kind == b.kind
                    && self.id(a.territory) == other.id(b.territory)
                    && a.date == b.date
                    && a.convener.map(|c| self.id(c)) == b.convener.map(|c| other.id(c))
                    && ids(self, &a.topics) == ids(other, &b.topics)
                    && a.attrs == b.attrs
            });
        let (ha, hb) = (&self.data.holdings, &other.data.holdings);
        let same_holdings = ha.len() == hb.len() && ha.iter().zip(hb.iter()).all(|(a, b)| a == b);
        same_records
            && same_links
            && same_meetings
            && same_holdings
            && self.meta() == other.meta()
            && self.date() == other.date()
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

    /// A record's key is computed from the type runs when the nodes are those runs in type
    /// order (a loaded model, also after records are added in place), and read from `keys`
    /// otherwise; both give the key the model stored, for every node.
    #[test]
    fn keys_follow_from_the_type_runs_or_are_read() {
        let every_key_is_stored =
            |m: &Model| (0..m.len() as u32).map(Node::new).all(|n| m.data.key(n) == m.data.keys[n.index()]);
        let loaded = Model::sample();
        let (starts, nodes) = loaded.data.runs.expect("a loaded model is its type runs");
        assert_eq!(nodes as usize, loaded.len());
        assert_eq!(starts[1] as usize, loaded.count(RecordType::Territory));
        assert!(every_key_is_stored(&loaded));
        let imaged = Model::from_image(&loaded.to_image()).unwrap();
        assert_eq!(imaged.data.runs, loaded.data.runs, "an image opens as its type runs");
        // Units added before a territory: no runs in type order, keys read.
        let mut b = ModelBuilder::new();
        b.unit(UnitSpec::new("u", "委", UnitKind::PartyCommittee)).unwrap();
        b.territory(TerritorySpec::new("c", "市", TerritoryKind::City)).unwrap();
        b.unit(UnitSpec::new("v", "局", UnitKind::Department)).unwrap();
        let mixed = b.build().unwrap();
        assert!(mixed.data.runs.is_none());
        assert!(every_key_is_stored(&mixed));
        assert_eq!(mixed.id_name(Node::new(1)), ("c", "市"));
        // A territory added in place to a loaded model ends the territories' run: keys read.
        let mut grown = Model::sample();
        let add = crate::change::ChangeSet::from_json(
            r#"{"format": "tiaokuai-change/1", "add": {"territories": [{"id": "new-t", "name": "新", "kind": "grid"}]}}"#,
        )
        .unwrap();
        grown.apply_in_place(&add).unwrap();
        assert!(grown.data.runs.is_none());
        assert!(every_key_is_stored(&grown));
        assert_eq!(grown.name(grown.node("new-t").unwrap()), "新");
    }

    /// A view compares a record's dates as precomputed days ([`Span`]): the same status as
    /// [`Validity::status_at`] for every pair of bounds of every precision (open ends, the
    /// same day, reduced bounds overlapping the day, `until` before `since`) on every day
    /// around them, a leap day and reduced view dates included.
    #[test]
    fn span_gives_the_status_of_the_validity() {
        let dates: Vec<Option<Date>> = std::iter::once(None)
            .chain(
                [
                    "2019",
                    "2020",
                    "2019-12",
                    "2020-02",
                    "2020-03",
                    "2019-12-31",
                    "2020-01-01",
                    "2020-02-29",
                    "2020-03-01",
                ]
                .iter()
                .map(|s| Some(s.parse().unwrap())),
            )
            .collect();
        let mut days: Vec<Date> = ["2018-12-31", "2019-06-30", "2019-12-31", "2020", "2020-02", "2020-02-28"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        let mut d: Date = "2019-11-25".parse().unwrap();
        while d <= "2020-03-05".parse().unwrap() {
            days.push(d);
            d = d.next_day().unwrap();
        }
        let mut statuses = std::collections::HashSet::new();
        for &since in &dates {
            for &until in &dates {
                let v = Validity::new(since, until);
                let span = Span::new(v);
                for &day in &days {
                    let want = v.status_at(day);
                    assert_eq!(span.status_at(day.last_day().raw()), want, "{v:?} at {day}");
                    statuses.insert(format!("{want:?}"));
                }
            }
        }
        assert_eq!(statuses.len(), 3, "the cases reach every status");
    }

    /// A part keeps exactly the links between its records, whichever side of each link is
    /// the longer list (a unit with many outgoing links, a territory with many holders, both
    /// kept, neither kept), and `any_links_of` gives a record's links of one kind and
    /// direction as `any_links` filtered.
    #[test]
    fn induced_keeps_the_links_between_kept_records() {
        let mut b = Model::builder();
        b.territory(TerritorySpec::new("d", "d", TerritoryKind::District)).unwrap();
        b.territory(TerritorySpec::new("s", "s", TerritoryKind::Street).parent("d")).unwrap();
        b.territory(TerritorySpec::new("c", "c", TerritoryKind::Community).parent("s")).unwrap();
        b.unit(UnitSpec::new("bureau", "bureau", UnitKind::Government)).unwrap();
        b.unit(UnitSpec::new("gov", "gov", UnitKind::Government)).unwrap();
        for i in 0..40 {
            let id = format!("u{i}");
            b.unit(UnitSpec::new(&id, &id, UnitKind::Enterprise).located_in("c")).unwrap();
            b.link(LinkSpec::new("bureau", &id, LinkKind::Guides)).unwrap();
            b.link(LinkSpec::new(&id, "s", LinkKind::Jurisdiction)).unwrap();
            if i % 3 == 0 {
                b.link(LinkSpec::new(&id, "bureau", LinkKind::ReportsBack)).unwrap();
                b.link(LinkSpec::new("gov", &id, LinkKind::Leads)).unwrap();
            }
        }
        b.link(LinkSpec::new("bureau", "s", LinkKind::Jurisdiction)).unwrap();
        b.link(LinkSpec::new("gov", "bureau", LinkKind::Leads)).unwrap();
        let m = b.build().unwrap();
        let all: Vec<Node> = m.document_records().map(|(n, _)| n).collect();
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for round in 0..64 {
            // Parts of every density, with or without the hubs.
            let keep: Vec<Node> = all
                .iter()
                .copied()
                .filter(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    seed % 64 < round
                })
                .collect();
            let kept: std::collections::HashSet<Node> = keep.iter().copied().collect();
            let want: Vec<LinkId> = m
                .document_links()
                .filter(|(_, l)| kept.contains(&l.from) && kept.contains(&l.to))
                .map(|(l, _)| l)
                .collect();
            let (part, links) = m.induced(&keep, &[]);
            assert_eq!(links, want, "round {round}");
            assert_eq!(part.link_count(), want.len());
            assert_eq!(part.len(), kept.len());
        }
        for n in all {
            for kind in [LinkKind::Guides, LinkKind::Jurisdiction, LinkKind::Leads, LinkKind::ReportsBack] {
                for incoming in [false, true] {
                    let want: Vec<(LinkId, Node)> = m
                        .any_links(n)
                        .filter(|&(l, _)| {
                            let link = m.link(l);
                            link.kind == kind && if incoming { link.to == n } else { link.from == n }
                        })
                        .collect();
                    assert_eq!(m.any_links_of(n, &kind, incoming).collect::<Vec<_>>(), want);
                    let only = |slot: usize, inc: bool| slot == kind.slot() && inc == incoming;
                    assert_eq!(m.any_links_where(n, &only).collect::<Vec<_>>(), want);
                }
            }
        }
    }

    /// The dense parent table holds for records added in any order: a unit before the
    /// territories, a parent named before it is added, a unit after the last territory.
    #[test]
    fn models_are_equal_by_document_not_by_handles() {
        // Two loads of one document are equal; a change of a parent, a place, a name, a kind or
        // a person's name is not.
        let doc = |parent: &str, place: &str, name: &str, kind: &str, person: &str| {
            format!(
                r#"{{"format": "tiaokuai/1",
                "territories": [{{"id": "a", "name": "A", "kind": "district"}},
                                {{"id": "b", "name": "B", "kind": "district"}},
                                {{"id": "s", "name": "S", "kind": "street", "parent": "{parent}"}}],
                "units": [{{"id": "u", "name": "{name}", "kind": "{kind}", "located_in": "{place}"}}],
                "people": [{{"id": "p", "name": "{person}"}}]}}"#
            )
        };
        let model = |d: String| Model::from_json(&d).unwrap();
        let base = model(doc("a", "s", "U", "government", "P"));
        assert!(base == model(doc("a", "s", "U", "government", "P")));
        for other in [
            doc("b", "s", "U", "government", "P"),
            doc("a", "a", "U", "government", "P"),
            doc("a", "s", "V", "government", "P"),
            doc("a", "s", "U", "department", "P"),
            doc("a", "s", "U", "government", "Q"),
        ] {
            assert!(base != model(other.clone()), "{other}");
        }
    }

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
        assert_eq!(m.children(n("u1")).count(), 0, "a unit inside the territories' index range");
        assert_eq!(m.children(n("u2")).count(), 0, "a unit past the last territory");
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
