//! The id index: a hash table of record handles keyed by the records' own ids,
//! so each id is stored once (in its record) rather than twice.
//!
//! The table is ours rather than `hashbrown`'s so that a probe's address is known from the
//! hash alone and can be prefetched ([`IdIndex::prefetch`]): at national scale the table is
//! 60–150 MB, every insert and look-up a cache miss, and the loaders know the hashes of the
//! next records before they add them. Buckets of one cache line hold seven entries and their
//! tags, so a probe reads one line (two when its bucket is full), and ids are compared only on a
//! tag match. Entries are never removed, which keeps probing simple: an entry sits in the first
//! bucket from its home that had room, so a search ends at the first bucket with room.

use std::hash::BuildHasher;

use super::Node;
use super::record::RecordKey;
use super::records::Records;

/// Entries a bucket holds.
const SLOTS: usize = 7;

/// The most entries per bucket, on average, before the table grows (eight tenths full: a bucket
/// overflows into the next one about one time in six).
const LOAD: (usize, usize) = (SLOTS * 4, 5);

/// An entry: a record's node and key.
type Entry = (Node, RecordKey);

/// One cache line: the tags (a byte of each entry's hash), the number of entries, the entries.
#[derive(Debug, Clone, Copy)]
#[repr(C, align(64))]
struct Bucket {
    tags: [u8; SLOTS],
    len: u8,
    entries: [Option<Entry>; SLOTS],
}

const EMPTY: Bucket = Bucket { tags: [0; SLOTS], len: 0, entries: [None; SLOTS] };

/// The open-addressed table under [`IdIndex`], given hashes and comparisons by its caller
/// (so its tests can choose the hashes).
#[derive(Debug, Clone, Default)]
struct Table {
    buckets: super::huge::HugeTable<Bucket>,
    len: usize,
}

/// The byte of a hash kept beside its entry (the bucket comes from the hash's high bits).
fn tag(hash: u64) -> u8 {
    hash as u8
}

/// Buckets for `n` entries at the most [`LOAD`].
fn buckets_for(n: usize) -> usize {
    n.saturating_mul(LOAD.1).div_ceil(LOAD.0).max(1)
}

impl Table {
    fn with_capacity(n: usize) -> Table {
        if n == 0 {
            return Table::default();
        }
        Table { buckets: super::huge::HugeTable::filled(EMPTY, buckets_for(n)), len: 0 }
    }

    /// The home bucket of a hash: its high bits scaled to the number of buckets.
    fn home(&self, hash: u64) -> usize {
        ((u128::from(hash) * self.buckets.len() as u128) >> 64) as usize
    }

    fn next(&self, b: usize) -> usize {
        if b + 1 == self.buckets.len() { 0 } else { b + 1 }
    }

    fn prefetch(&self, hash: u64) {
        if let Some(bucket) = self.buckets.get(self.home(hash)) {
            super::prefetch::prefetch(bucket);
        }
    }

    /// The entry of hash `hash` for which `eq` holds.
    fn find(&self, hash: u64, mut eq: impl FnMut(Entry) -> bool) -> Option<Entry> {
        if self.buckets.is_empty() {
            return None;
        }
        let tag = tag(hash);
        let mut b = self.home(hash);
        loop {
            let bucket = &self.buckets[b];
            let len = usize::from(bucket.len);
            for (t, e) in bucket.tags[..len].iter().zip(&bucket.entries[..len]) {
                if *t == tag
                    && let Some(e) = *e
                    && eq(e)
                {
                    return Some(e);
                }
            }
            if len < SLOTS {
                return None;
            }
            b = self.next(b);
        }
    }

    /// Adds `entry` (of hash `hash`) unless an entry for which `eq` holds is there: then that
    /// one, and nothing changes. `rehash` gives the hash of an entry when the table grows.
    fn insert_new(
        &mut self,
        hash: u64,
        entry: Entry,
        eq: impl FnMut(Entry) -> bool,
        rehash: impl Fn(Entry) -> u64,
    ) -> Result<(), Entry> {
        if let Some(found) = self.find(hash, eq) {
            return Err(found);
        }
        self.insert_unique(hash, entry, rehash);
        Ok(())
    }

    /// Adds `entry`, known to be new.
    fn insert_unique(&mut self, hash: u64, entry: Entry, rehash: impl Fn(Entry) -> u64) {
        if (self.len + 1).saturating_mul(LOAD.1) > self.buckets.len() * LOAD.0 {
            self.grow(rehash);
        }
        self.place(hash, entry);
    }

    /// Puts an entry in the first bucket with room from its home (there is one: the table is
    /// at most [`LOAD`] full).
    fn place(&mut self, hash: u64, entry: Entry) {
        let mut b = self.home(hash);
        while usize::from(self.buckets[b].len) == SLOTS {
            b = self.next(b);
        }
        let bucket = &mut self.buckets[b];
        let i = usize::from(bucket.len);
        bucket.tags[i] = tag(hash);
        bucket.entries[i] = Some(entry);
        bucket.len += 1;
        self.len += 1;
    }

    /// Doubles the buckets (at least) and places every entry again.
    fn grow(&mut self, rehash: impl Fn(Entry) -> u64) {
        let want = buckets_for(self.len + 1).max(self.buckets.len() * 2);
        let old = std::mem::replace(&mut self.buckets, super::huge::HugeTable::filled(EMPTY, want));
        self.len = 0;
        for bucket in old.iter() {
            for e in bucket.entries[..usize::from(bucket.len)].iter().flatten() {
                self.place(rehash(*e), *e);
            }
        }
    }
}

/// Maps ids to nodes; the ids themselves live in the graph's records.
#[derive(Debug, Clone, Default)]
pub(crate) struct IdIndex {
    /// Each record's node and key (8 bytes an entry, in buckets of 64).
    table: Table,
    state: hashbrown::DefaultHashBuilder,
}

/// The records, where the ids are.
pub(crate) type Ids<'a> = &'a Records;

/// The id of an entry: read through its record's key, not its node, so a look-up touches
/// the record's row and its text and not the graph's node slot too (at national scale each
/// is a cache miss, and a load makes tens of millions of look-ups).
fn id_of<'a>(records: Ids<'a>, &(_, key): &Entry) -> &'a str {
    records.get(key).id()
}

impl IdIndex {
    pub(crate) fn with_capacity(n: usize) -> IdIndex {
        IdIndex { table: Table::with_capacity(n), state: Default::default() }
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

    /// Asks the processor for the part of the table where the id of hash `hash` is looked up or
    /// added, ahead of [`IdIndex::get_hashed`] or [`IdIndex::insert_new`]: a hint, no answer
    /// depends on it.
    pub(crate) fn prefetch(&self, hash: u64) {
        self.table.prefetch(hash);
    }

    /// The node whose record has this id.
    pub(crate) fn get(&self, graph: Ids<'_>, id: &str) -> Option<Node> {
        self.get_hashed(graph, self.hash(id), id)
    }

    /// The node and the key of the record with this id.
    pub(crate) fn entry(&self, records: Ids<'_>, id: &str) -> Option<(Node, RecordKey)> {
        self.table.find(self.hash(id), |e| id_of(records, &e) == id)
    }

    /// [`IdIndex::get`] with the id's hash already computed.
    pub(crate) fn get_hashed(&self, graph: Ids<'_>, hash: u64, id: &str) -> Option<Node> {
        self.table.find(hash, |e| id_of(graph, &e) == id).map(|(n, _)| n)
    }

    /// Indexes `node`, the next node the graph will add, under `id` (of hash `hash`) in one
    /// search of the table, unless a node of that id is indexed: then that node, and nothing
    /// changes. The caller adds the record to the graph right after (the index then names it).
    pub(crate) fn insert_new(
        &mut self,
        graph: Ids<'_>,
        hash: u64,
        id: &str,
        node: (Node, RecordKey),
    ) -> Result<(), Node> {
        let state = &self.state;
        self.table
            .insert_new(hash, node, |e| id_of(graph, &e) == id, |e| state.hash_one(id_of(graph, &e)))
            .map_err(|(n, _)| n)
    }

    /// Indexes a node already in the graph whose id (of hash `hash`) is known not to be indexed yet.
    pub(crate) fn insert_hashed(&mut self, graph: Ids<'_>, hash: u64, node: (Node, RecordKey)) {
        let state = &self.state;
        self.table.insert_unique(hash, node, |e| state.hash_one(id_of(graph, &e)));
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::model::RecordType;

    fn entry(i: u32) -> Entry {
        (Node::new(i), RecordKey::new(RecordType::Unit, i))
    }

    #[test]
    fn a_bucket_is_one_cache_line() {
        assert_eq!(std::mem::size_of::<Bucket>(), 64);
        assert_eq!(std::mem::align_of::<Bucket>(), 64);
    }

    /// The table against a `HashMap` on the same keys, with hashes chosen to collide: a few
    /// distinct hashes for many keys (long runs of full buckets, overflow past the last
    /// bucket to the first), every tag equal, and well-spread hashes; from no capacity (so
    /// it grows many times) and from the exact one.
    #[test]
    fn finds_what_a_hash_map_finds_whatever_the_hashes() {
        type Spread = (&'static str, fn(u32) -> u64);
        let spreads: [Spread; 4] = [
            ("one hash", |_| 0x8000_0000_0000_0001),
            ("three hashes, last bucket", |k| u64::MAX - u64::from(k % 3)),
            ("equal tags", |k| u64::from(k).wrapping_mul(0x9E37_79B9_7F4A_7C15) & !0xff),
            ("spread", |k| u64::from(k).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17)),
        ];
        for (what, hash) in spreads {
            for capacity in [0, 300] {
                let key = |e: Entry| e.1.index() as u32 / 2; // two entries per key: the second is a duplicate
                let rehash = |e: Entry| hash(key(e));
                let mut table = Table::with_capacity(capacity);
                let mut model: HashMap<u32, Entry> = HashMap::new();
                for i in 0..600u32 {
                    let k = i / 2;
                    let got = table.insert_new(hash(k), entry(i), |e| key(e) == k, rehash);
                    match model.get(&k) {
                        Some(&first) => assert_eq!(got, Err(first), "{what}: key {k} again"),
                        None => {
                            assert_eq!(got, Ok(()), "{what}: key {k}");
                            model.insert(k, entry(i));
                        }
                    }
                    assert_eq!(table.len, model.len(), "{what}");
                    assert!(table.len * LOAD.1 <= table.buckets.len() * LOAD.0, "{what}: too full");
                }
                for k in 0..400u32 {
                    let found = table.find(hash(k), |e| key(e) == k);
                    assert_eq!(found, model.get(&k).copied(), "{what}: key {k} (capacity {capacity})");
                }
            }
        }
    }

    #[test]
    fn an_empty_table_finds_nothing_and_prefetches_nothing() {
        let table = Table::default();
        assert_eq!(table.find(7, |_| true), None);
        table.prefetch(7);
        let mut table = Table::with_capacity(0);
        table.insert_unique(u64::MAX, entry(1), |_| u64::MAX);
        assert_eq!(table.find(u64::MAX, |_| true), Some(entry(1)));
        assert_eq!(table.find(0, |_| true), None);
    }
}
