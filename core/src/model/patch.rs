//! Changing a model's document in place (issue #13: `Model::apply_in_place`): records
//! replaced, links ended, records and links appended, and every table derived from them
//! brought up to date by work that grows with the change (plus a few copying passes over
//! the adjacency tables), instead of building the document again.
//!
//! Everything here is checked beforehand by the caller ([`crate::change`]): a [`Patch`] is
//! applied whole and cannot fail.

use super::*;

/// A checked edit of a model's document.
#[derive(Debug, Default)]
pub(crate) struct Patch {
    /// Records replaced whole (updated or ended), by node: same id and type, same `parent`
    /// or `located_in`.
    pub records: Vec<(Node, Record)>,
    /// Links ended: the link and its new `until`.
    pub ends: Vec<(LinkId, Date)>,
    /// Records appended, each after the records of its type, their references resolved to
    /// nodes (the nodes [`Model::next_node`] gave, in order).
    pub added: Vec<Record>,
    /// Links appended after the links, with their attrs and holdings.
    pub links: Vec<(Link, Option<Attrs>, Option<Holding>)>,
    /// Whether some record or link may have lost its last date (an `unset` of `since` or `until`).
    pub dates_removed: bool,
    /// The date the model is read at afterwards.
    pub date: Option<Date>,
}

impl Adjacency {
    /// The table with `added` (record, entry) pairs inserted, for `n` records: each entry
    /// goes after the record's entries of its slot and the slots before it (the added links
    /// come after every link already listed). One copying pass over the table.
    fn with_added(&self, n: usize, mut added: Vec<(u32, Adj)>) -> Adjacency {
        added.sort_by_key(|&(node, a)| (node, a.slot, { a.link }));
        let old_n = self.offsets.len().saturating_sub(1);
        let mut offsets = Vec::with_capacity(n + 1);
        let mut entries = Vec::with_capacity(self.entries.len() + added.len());
        offsets.push(0u32);
        let mut next = added.iter().peekable();
        let mut copied_to = 0usize; // records whose entries are copied already
        let mut shift = 0u32;
        let end_of = |i: usize| if i < old_n { self.offsets[i + 1] as usize } else { self.entries.len() };
        while let Some(&&(node, _)) = next.peek() {
            let node = node as usize;
            // Records before `node`: their entries in one copy, their offsets shifted.
            if copied_to < node {
                let (a, b) = (
                    if copied_to < old_n { self.offsets[copied_to] as usize } else { self.entries.len() },
                    end_of(node - 1),
                );
                entries.extend_from_slice(&self.entries[a..b]);
                for i in copied_to..node {
                    offsets.push(end_of(i) as u32 + shift);
                }
            }
            let mut list: Vec<Adj> = if node < old_n { self.all(Node::new(node as u32)).to_vec() } else { Vec::new() };
            while let Some(&&(m, adj)) = next.peek() {
                if m as usize != node {
                    break;
                }
                let at = list.partition_point(|a| a.slot <= adj.slot);
                list.insert(at, adj);
                shift += 1;
                next.next();
            }
            entries.extend_from_slice(&list);
            offsets.push(entries.len() as u32);
            copied_to = node + 1;
        }
        if copied_to < n {
            let a = if copied_to < old_n { self.offsets[copied_to] as usize } else { self.entries.len() };
            entries.extend_from_slice(&self.entries[a..]);
            for i in copied_to..n {
                offsets.push(end_of(i) as u32 + shift);
            }
        }
        Adjacency { offsets: offsets.into(), entries: entries.into() }
    }
}

impl Model {
    /// The node the next record appended by a [`Patch`] gets, `k` records on.
    pub(crate) fn next_node(&self, k: usize) -> Node {
        Node::new((self.len() + k) as u32)
    }

    /// The link the next link appended by a [`Patch`] gets, `k` links on.
    pub(crate) fn next_link(&self, k: usize) -> LinkId {
        LinkId((self.link_count() + k) as u32)
    }

    /// True when this model alone holds its document, so it can be changed in place.
    pub(crate) fn owns_document(&mut self) -> bool {
        std::sync::Arc::get_mut(&mut self.data).is_some()
    }

    /// Applies a checked [`Patch`]. `false` (and nothing done) when the document is shared
    /// with another model ([`Model::owns_document`]).
    pub(crate) fn patch(&mut self, patch: Patch) -> bool {
        // The view and the query tables hold no reference to the document but their own.
        self.query_index = std::sync::OnceLock::new();
        self.metrics_memo = std::sync::OnceLock::new();
        self.people_memo = std::sync::OnceLock::new();
        self.view = View::default();
        let Some(data) = std::sync::Arc::get_mut(&mut self.data) else { return false };
        let Patch { records, ends, added, links, dates_removed, date } = patch;
        let mut dated = data.dated && !dates_removed;
        let mut tree_changed = false;
        for (node, record) in records {
            dated |= !record.validity().is_empty();
            let key = data.keys[node.index()];
            if let (RecordRef::Territory(a), Record::Territory(b)) = (data.records.get(key), &record) {
                tree_changed |= a.parent != b.parent;
            }
            data.records.replace(key, record);
        }
        dated |= !ends.is_empty();
        data.links.set_untils(ends.into_iter().map(|(link, until)| (link.0, until)).collect());
        for record in added {
            dated |= !record.validity().is_empty();
            let t = type_slot(record.record_type());
            tree_changed |= t == 0;
            let hash = data.index.hash(record.id());
            let key = data.records.push(record);
            let node = Node::new(data.keys.len() as u32);
            data.keys.make_mut().push(key);
            data.index.insert_hashed(&data.records, hash, (node, key));
            let order = &mut data.order[t];
            if order.list.is_empty() && (order.len == 0 || order.start + order.len == node.raw()) {
                if order.len == 0 {
                    order.start = node.raw();
                }
                order.len += 1;
            } else {
                if order.list.is_empty() {
                    order.list = (order.start..order.start + order.len).map(Node::new).collect();
                }
                order.list.push(node);
                order.len += 1;
            }
        }
        data.runs = super::runs(&data.order, data.keys.len());
        let (mut outs, mut ins) = (Vec::new(), Vec::new());
        for (link, attrs, holding) in links {
            dated |= !link.validity.is_empty();
            let slot = link.kind.slot() as u8;
            let (from, to) = (link.from, link.to);
            let id = data.links.len() as u32;
            data.links.push(&link, attrs);
            outs.push((from.raw(), Adj { slot, link: id }));
            ins.push((to.raw(), Adj { slot, link: id }));
            if let Some(h) = holding {
                data.holdings.push(id, h);
            }
        }
        let n = data.keys.len();
        if !outs.is_empty() || data.out.offsets.len() != n + 1 {
            data.out = data.out.with_added(n, outs);
            data.inc = data.inc.with_added(n, ins);
        }
        if tree_changed {
            let (children, parents) =
                territory_tree(&data.keys, &data.records, &data.order[0].iter().collect::<Vec<_>>());
            data.children = children;
            data.parents = parents.into();
        }
        if dates_removed && data.dated {
            dated = data.records.dated() || data.links.dated();
        }
        data.dated = dated;
        data.dated_index = std::sync::OnceLock::new();
        data.graph = std::sync::OnceLock::new();
        data.single = std::sync::OnceLock::new();
        data.principal_slots = std::sync::OnceLock::new();
        self.view = self.view_at(date);
        true
    }
}
