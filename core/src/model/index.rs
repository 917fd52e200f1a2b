//! The id index: a hash table of record handles keyed by the records' own ids,
//! so each id is stored once (in its record) rather than twice.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use petgraph::stable_graph::NodeIndex;

use super::{Graph, Node};

/// Maps ids to nodes; the ids themselves live in the graph's records.
#[derive(Debug, Clone, Default)]
pub(crate) struct IdIndex {
    table: HashTable<Node>,
    state: std::collections::hash_map::RandomState,
}

fn id_of(graph: &Graph, node: Node) -> &str {
    graph[NodeIndex::new(node.index())].id()
}

impl IdIndex {
    pub(crate) fn with_capacity(n: usize) -> IdIndex {
        IdIndex { table: HashTable::with_capacity(n), state: Default::default() }
    }

    /// The node whose record has this id.
    pub(crate) fn get(&self, graph: &Graph, id: &str) -> Option<Node> {
        let hash = self.state.hash_one(id);
        self.table.find(hash, |&n| id_of(graph, n) == id).copied()
    }

    /// Indexes a node already in the graph; `Err(existing)` when another node has its id.
    pub(crate) fn insert(&mut self, graph: &Graph, node: Node) -> Result<(), Node> {
        let id = id_of(graph, node);
        let hash = self.state.hash_one(id);
        let state = &self.state;
        match self.table.entry(hash, |&n| id_of(graph, n) == id, |&n| state.hash_one(id_of(graph, n))) {
            hashbrown::hash_table::Entry::Occupied(e) => Err(*e.get()),
            hashbrown::hash_table::Entry::Vacant(e) => {
                e.insert(node);
                Ok(())
            }
        }
    }
}
