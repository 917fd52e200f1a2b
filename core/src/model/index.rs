//! The id index: a hash table of record handles keyed by the records' own ids,
//! so each id is stored once (in its record) rather than twice.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use petgraph::stable_graph::NodeIndex;

use super::records::Records;
use super::{Graph, Node};

/// Maps ids to nodes; the ids themselves live in the graph's records.
#[derive(Debug, Clone, Default)]
pub(crate) struct IdIndex {
    table: HashTable<Node>,
    state: hashbrown::DefaultHashBuilder,
}

/// The graph and the records it points into: where the ids are.
pub(crate) type Ids<'a> = (&'a Graph, &'a Records);

fn id_of<'a>((graph, records): Ids<'a>, node: Node) -> &'a str {
    records.get(graph[NodeIndex::new(node.index())]).id()
}

impl IdIndex {
    pub(crate) fn with_capacity(n: usize) -> IdIndex {
        IdIndex { table: HashTable::with_capacity(n), state: Default::default() }
    }

    /// The hash of an id, for [`IdIndex::get_hashed`] and [`IdIndex::insert_hashed`]: a
    /// record's id is hashed once when it is added.
    pub(crate) fn hash(&self, id: &str) -> u64 {
        self.state.hash_one(id)
    }

    /// The node whose record has this id.
    pub(crate) fn get(&self, graph: Ids<'_>, id: &str) -> Option<Node> {
        self.get_hashed(graph, self.hash(id), id)
    }

    /// [`IdIndex::get`] with the id's hash already computed.
    pub(crate) fn get_hashed(&self, graph: Ids<'_>, hash: u64, id: &str) -> Option<Node> {
        self.table.find(hash, |&n| id_of(graph, n) == id).copied()
    }

    /// Indexes `node`, the next node the graph will add, under `id` (of hash `hash`) in one
    /// probe of the table, unless a node of that id is indexed: then that node, and nothing
    /// changes. The caller adds the record to the graph right after (the index then names it).
    pub(crate) fn insert_new(&mut self, graph: Ids<'_>, hash: u64, id: &str, node: Node) -> Result<(), Node> {
        let state = &self.state;
        match self.table.entry(hash, |&n| id_of(graph, n) == id, |&n| state.hash_one(id_of(graph, n))) {
            hashbrown::hash_table::Entry::Occupied(e) => Err(*e.get()),
            hashbrown::hash_table::Entry::Vacant(e) => {
                e.insert(node);
                Ok(())
            }
        }
    }

    /// Indexes a node already in the graph whose id (of hash `hash`) is known not to be indexed yet.
    pub(crate) fn insert_hashed(&mut self, graph: Ids<'_>, hash: u64, node: Node) {
        let state = &self.state;
        self.table.insert_unique(hash, node, |&n| state.hash_one(id_of(graph, n)));
    }
}
