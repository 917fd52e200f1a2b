//! Lookup tables for the accountability queries, built once per model on first use.
//!
//! Two independent parts, each behind its own [`OnceLock`], so a program that
//! only asks for chains never pays for the matter table and vice versa:
//!
//! * [`Upward`]: for every record, the `leads`, `dispatches` and `guides` links
//!   arriving at it (grouped by kind in that order, document order within a
//!   kind), the `leads` link the leadership line follows, and the length of the
//!   leadership path from it (with a flag when that path ends in a cycle).
//! * [`Applied`]: for every pair (matter, territory), the `responsible` links
//!   for the matter that apply at that territory — by an explicit `scope`, or,
//!   without one, by the unit's `jurisdiction` over the territory — ordered
//!   lead, cooperate, supervise and by document order within a role.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use crate::model::{LinkId, LinkKind, Model, Node, Role};

/// A sentinel for "no link" / "no node" in the `u32` tables.
pub(crate) const NONE: u32 = u32::MAX;
/// The bit of a path length marking a path that ends in a cycle.
const CYCLE_BIT: u32 = 1 << 31;

/// The lookup tables of one model (see the module documentation). Lives in
/// [`Model`] and is ignored by its `PartialEq`.
#[derive(Clone, Default)]
pub struct QueryIndex {
    upward: OnceLock<Upward>,
    applied: OnceLock<Applied>,
}

impl std::fmt::Debug for QueryIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueryIndex")
            .field("upward", &self.upward.get().map(|_| "built"))
            .field("applied", &self.applied.get().map(|_| "built"))
            .finish()
    }
}

/// The index of a model, built on first use.
pub(crate) fn upward(model: &Model) -> &Upward {
    model.query_index.get_or_init(QueryIndex::default).upward.get_or_init(|| Upward::build(model))
}

/// The matter table of a model, built on first use.
pub(crate) fn applied(model: &Model) -> &Applied {
    model.query_index.get_or_init(QueryIndex::default).applied.get_or_init(|| Applied::build(model))
}

/// The rank of the upward link kinds inside a record's group.
fn up_rank(kind: &LinkKind) -> Option<u8> {
    match kind {
        LinkKind::Leads => Some(0),
        LinkKind::Dispatches => Some(1),
        LinkKind::Guides => Some(2),
        _ => None,
    }
}

/// Upward links per record and the precomputed leadership paths.
#[derive(Clone)]
pub(crate) struct Upward {
    /// CSR offsets into `links`, one more than there are records.
    offsets: Vec<u32>,
    /// Link indices: per record, `leads` then `dispatches` then `guides` arriving at it.
    links: Vec<u32>,
    /// Per record: how many of its entries are `leads` and `dispatches` (the rest are `guides`).
    counts: Vec<(u32, u32)>,
    /// Per record: the `leads` link the leadership line follows into its leader, or [`NONE`].
    up: Vec<u32>,
    /// Per record: the number of records on its leadership path (itself included), with
    /// [`CYCLE_BIT`] set when the path stops because of a cycle. 0 for records that are not units.
    path: Vec<u32>,
}

impl Upward {
    fn build(model: &Model) -> Upward {
        let n = model.len();
        let mut offsets = vec![0u32; n + 1];
        let mut counts = vec![(0u32, 0u32); n];
        for (_, l) in model.links() {
            if let Some(rank) = up_rank(&l.kind) {
                offsets[l.to.index() + 1] += 1;
                match rank {
                    0 => counts[l.to.index()].0 += 1,
                    1 => counts[l.to.index()].1 += 1,
                    _ => {}
                }
            }
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let mut links = vec![NONE; offsets[n] as usize];
        // Cursors per record and kind: three passes over the links keep the kind grouping
        // and the document order within a kind.
        let mut cursor: Vec<u32> = offsets[..n].to_vec();
        for pass in 0..3u8 {
            for (id, l) in model.links() {
                if up_rank(&l.kind) == Some(pass) {
                    let c = &mut cursor[l.to.index()];
                    links[*c as usize] = id.index() as u32;
                    *c += 1;
                }
            }
        }
        let mut up = vec![NONE; n];
        for (i, slot) in up.iter_mut().enumerate() {
            let start = offsets[i] as usize;
            let leads = &links[start..start + counts[i].0 as usize];
            let primary = leads.iter().find(|&&l| model.link(LinkId(l)).is_primary());
            *slot = primary.or(leads.first()).copied().unwrap_or(NONE);
        }
        let path = leadership_lengths(model, &up);
        Upward { offsets, links, counts, up, path }
    }

    /// All `leads`, `dispatches` and `guides` links arriving at a record.
    fn entries(&self, node: Node) -> &[u32] {
        &self.links[self.offsets[node.index()] as usize..self.offsets[node.index() + 1] as usize]
    }

    /// The `leads` links arriving at a record, in document order.
    pub(crate) fn leads(&self, node: Node) -> &[u32] {
        &self.entries(node)[..self.counts[node.index()].0 as usize]
    }

    /// The `dispatches` links arriving at a record, in document order.
    pub(crate) fn dispatches(&self, node: Node) -> &[u32] {
        let (l, d) = self.counts[node.index()];
        &self.entries(node)[l as usize..(l + d) as usize]
    }

    /// The `guides` links arriving at a record, in document order.
    pub(crate) fn guides(&self, node: Node) -> &[u32] {
        let (l, d) = self.counts[node.index()];
        &self.entries(node)[(l + d) as usize..]
    }

    /// The `leads` link the leadership line follows from a record into its leader.
    pub(crate) fn up(&self, node: Node) -> Option<LinkId> {
        let l = self.up[node.index()];
        (l != NONE).then_some(LinkId(l))
    }

    /// The number of records on the leadership path from a unit, and whether it ends in a cycle.
    pub(crate) fn path(&self, node: Node) -> (usize, bool) {
        let p = self.path[node.index()];
        ((p & !CYCLE_BIT) as usize, p & CYCLE_BIT != 0)
    }
}

/// The length of every unit's leadership path in a functional graph (`up`), iteratively:
/// each unit is pushed on a stack once, so the whole table takes O(records) time.
fn leadership_lengths(model: &Model, up: &[u32]) -> Vec<u32> {
    // 0 = unvisited, 1 = on the current walk, 2 = done.
    let mut state = vec![0u8; up.len()];
    let mut path = vec![0u32; up.len()];
    let mut stack: Vec<usize> = Vec::new();
    let leader = |i: usize| -> Option<usize> {
        let l = up[i];
        (l != NONE).then(|| model.link(LinkId(l)).from.index())
    };
    for (start, _) in model.units() {
        if state[start.index()] != 0 {
            continue;
        }
        stack.clear();
        let mut cur = start.index();
        loop {
            match state[cur] {
                2 => {
                    let base = path[cur] & !CYCLE_BIT;
                    let cyc = path[cur] & CYCLE_BIT;
                    let len = stack.len();
                    for (i, &s) in stack.iter().enumerate() {
                        path[s] = ((len - i) as u32 + base) | cyc;
                    }
                    break;
                }
                1 => {
                    let p = stack.iter().rposition(|&s| s == cur).unwrap_or(0);
                    let cycle_len = (stack.len() - p) as u32;
                    for (i, &s) in stack.iter().enumerate() {
                        let tail = if i < p { (p - i) as u32 } else { 0 };
                        path[s] = (tail + cycle_len) | CYCLE_BIT;
                    }
                    break;
                }
                _ => {
                    state[cur] = 1;
                    stack.push(cur);
                    match leader(cur) {
                        Some(next) => cur = next,
                        None => {
                            let len = stack.len();
                            for (i, &s) in stack.iter().enumerate() {
                                path[s] = (len - i) as u32;
                            }
                            break;
                        }
                    }
                }
            }
        }
        for &s in &stack {
            state[s] = 2;
        }
    }
    path
}

/// A small, fast hasher for the `u64` keys of the matter table (Fx-style multiply-rotate).
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u32(&mut self, x: u32) {
        self.write_u64(u64::from(x));
    }

    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

fn key(matter: Node, territory: Node) -> u64 {
    ((matter.index() as u64) << 32) | territory.index() as u64
}

fn role_rank(role: Option<Role>) -> u8 {
    match role {
        Some(Role::Lead) => 0,
        Some(Role::Cooperate) => 1,
        _ => 2,
    }
}

/// One `responsible` link applying at a territory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AppliedLink {
    /// The link.
    pub link: LinkId,
    /// Its role.
    pub role: Role,
    /// For a link without `scope`: the `jurisdiction` link that makes it apply (the first, in document order).
    pub via: Option<LinkId>,
}

/// The `responsible` links per (matter, territory) where they apply.
#[derive(Clone)]
pub(crate) struct Applied {
    ranges: HashMap<u64, (u32, u32), BuildHasherDefault<FxHasher>>,
    entries: Vec<AppliedLink>,
}

impl Applied {
    fn build(model: &Model) -> Applied {
        // Every jurisdiction link as (unit, link, territory), sorted by unit then document order.
        let mut held: Vec<(u32, u32, u32)> = model
            .links()
            .filter(|(_, l)| l.kind == LinkKind::Jurisdiction)
            .map(|(id, l)| (l.from.index() as u32, id.index() as u32, l.to.index() as u32))
            .collect();
        held.sort_unstable();
        // Rows (key, role rank, responsible link, jurisdiction link or NONE).
        let mut rows: Vec<(u64, u8, u32, u32)> = Vec::new();
        for (id, l) in model.links() {
            if l.kind != LinkKind::Responsible {
                continue;
            }
            let rank = role_rank(l.role);
            match l.scope {
                Some(t) => rows.push((key(l.to, t), rank, id.index() as u32, NONE)),
                None => {
                    let unit = l.from.index() as u32;
                    let start = held.partition_point(|h| h.0 < unit);
                    for &(_, j, t) in held[start..].iter().take_while(|h| h.0 == unit) {
                        rows.push((key(l.to, Node::new(t)), rank, id.index() as u32, j));
                    }
                }
            }
        }
        rows.sort_unstable();
        // One row per (pair, link): the first jurisdiction link in document order is kept.
        rows.dedup_by(|b, a| (a.0, a.2) == (b.0, b.2));
        let mut ranges: HashMap<u64, (u32, u32), BuildHasherDefault<FxHasher>> = HashMap::default();
        ranges.reserve(rows.len());
        let mut entries = Vec::with_capacity(rows.len());
        let mut i = 0;
        while i < rows.len() {
            let k = rows[i].0;
            let start = i;
            while i < rows.len() && rows[i].0 == k {
                let (_, _, link, via) = rows[i];
                let link = LinkId(link);
                let role = model.link(link).role.unwrap_or(Role::Supervise);
                entries.push(AppliedLink { link, role, via: (via != NONE).then_some(LinkId(via)) });
                i += 1;
            }
            ranges.insert(k, (start as u32, i as u32));
        }
        ranges.shrink_to_fit();
        Applied { ranges, entries }
    }

    /// The `responsible` links for `matter` applying at `territory`: leads first, then
    /// cooperators, then supervisors, each in document order.
    pub(crate) fn at(&self, matter: Node, territory: Node) -> &[AppliedLink] {
        match self.ranges.get(&key(matter, territory)) {
            Some(&(s, e)) => &self.entries[s as usize..e as usize],
            None => &[],
        }
    }
}
