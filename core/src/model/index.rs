//! The id index: a hash table of record handles keyed by the records' own ids,
//! so each id is stored once (in its record) rather than twice.

use std::hash::BuildHasher;

use hashbrown::HashTable;

use super::Node;
use super::record::RecordKey;
use super::records::Records;

/// Maps ids to nodes; the ids themselves live in the graph's records.
#[derive(Debug, Clone, Default)]
pub(crate) struct IdIndex {
    /// Each record's node and key (8 bytes an entry).
    table: HashTable<(Node, RecordKey)>,
    state: hashbrown::DefaultHashBuilder,
}

/// The records, where the ids are.
pub(crate) type Ids<'a> = &'a Records;

/// The id of an entry: read through its record's key, not its node, so a look-up touches
/// the record's row and its text and not the graph's node slot too (at national scale each
/// is a cache miss, and a load makes tens of millions of look-ups).
fn id_of<'a>(records: Ids<'a>, &(_, key): &(Node, RecordKey)) -> &'a str {
    records.get(key).id()
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

    /// A hasher giving [`IdIndex::hash`]'s hashes, for other threads.
    pub(crate) fn hasher(&self) -> impl Fn(&str) -> u64 + Send + Sync + 'static {
        let state = self.state;
        move |id| state.hash_one(id)
    }

    /// The node whose record has this id.
    pub(crate) fn get(&self, graph: Ids<'_>, id: &str) -> Option<Node> {
        self.get_hashed(graph, self.hash(id), id)
    }

    /// The node and the key of the record with this id.
    pub(crate) fn entry(&self, records: Ids<'_>, id: &str) -> Option<(Node, RecordKey)> {
        self.table.find(self.hash(id), |e| id_of(records, e) == id).copied()
    }

    /// [`IdIndex::get`] with the id's hash already computed.
    pub(crate) fn get_hashed(&self, graph: Ids<'_>, hash: u64, id: &str) -> Option<Node> {
        self.table.find(hash, |e| id_of(graph, e) == id).map(|&(n, _)| n)
    }

    /// Indexes `node`, the next node the graph will add, under `id` (of hash `hash`) in one
    /// probe of the table, unless a node of that id is indexed: then that node, and nothing
    /// changes. The caller adds the record to the graph right after (the index then names it).
    pub(crate) fn insert_new(
        &mut self,
        graph: Ids<'_>,
        hash: u64,
        id: &str,
        node: (Node, RecordKey),
    ) -> Result<(), Node> {
        let state = &self.state;
        match self.table.entry(hash, |e| id_of(graph, e) == id, |e| state.hash_one(id_of(graph, e))) {
            hashbrown::hash_table::Entry::Occupied(e) => Err(e.get().0),
            hashbrown::hash_table::Entry::Vacant(e) => {
                e.insert(node);
                Ok(())
            }
        }
    }

    /// Indexes a node already in the graph whose id (of hash `hash`) is known not to be indexed yet.
    pub(crate) fn insert_hashed(&mut self, graph: Ids<'_>, hash: u64, node: (Node, RecordKey)) {
        let state = &self.state;
        self.table.insert_unique(hash, node, |e| state.hash_one(id_of(graph, e)));
    }
}
