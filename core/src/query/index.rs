//! Lookup tables for the accountability queries, built once per model on first use.
//!
//! Independent parts, each behind its own [`OnceLock`], so a program that
//! only asks for chains never pays for the matter table and vice versa:
//!
//! * [`Upward`]: for every record, the `leads`, `dispatches` and `guides` links
//!   arriving at it (grouped by kind in that order, document order within a
//!   kind), and a dense 16-byte [`Row`] per record: the leader the leadership
//!   line follows, the `leads` link into it, the length of the leadership path
//!   from the record (with a flag when that path ends in a cycle) and the number
//!   of `leads` links arriving. 24 bytes per record plus 4 per upward link.
//! * [`Holders`]: for every territory, the units holding `jurisdiction` over it
//!   and those links, in document order, side by side: a block chain reads one
//!   short run per territory instead of each link record. 8 bytes per
//!   `jurisdiction` link plus 4 per territory.
//! * [`Applied`]: the `responsible` links for a matter that apply at a
//!   territory — by an explicit `scope` (tabled by (matter, scope)), or, without
//!   one, by the unit's `jurisdiction` over the territory (tabled by (matter,
//!   unit) and joined with the territory's holders when asked, so the table stays
//!   linear in the links) — ordered lead, cooperate, supervise and by document
//!   order within a role.

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
    holders: OnceLock<Holders>,
    applied: OnceLock<Applied>,
}

impl std::fmt::Debug for QueryIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueryIndex")
            .field("upward", &self.upward.get().map(|_| "built"))
            .field("holders", &self.holders.get().map(|_| "built"))
            .field("applied", &self.applied.get().map(|_| "built"))
            .finish()
    }
}

/// The index of a model, built on first use.
pub(crate) fn upward(model: &Model) -> &Upward {
    model.query_index.get_or_init(QueryIndex::default).upward.get_or_init(|| Upward::build(model))
}

/// The jurisdiction table of a model, built on first use.
pub(crate) fn holders(model: &Model) -> &Holders {
    model.query_index.get_or_init(QueryIndex::default).holders.get_or_init(|| Holders::build(model))
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

/// One record's entry in the leadership table: everything a step of the leadership
/// walk reads, in 16 bytes, so a walk touches one cache line per step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub(crate) struct Row {
    /// The leader's node index (the `from` of `link`), or [`NONE`].
    pub leader: u32,
    /// The `leads` link the leadership line follows into the leader, or [`NONE`].
    pub link: u32,
    /// The number of records on the leadership path from this record (itself included),
    /// with [`CYCLE_BIT`] set when the path stops because of a cycle; 0 for records that
    /// are not units.
    pub path: u32,
    /// The number of `leads` links arriving at the record.
    pub leads: u32,
}

impl Row {
    /// The path length and whether the path ends in a cycle.
    pub(crate) fn path(self) -> (usize, bool) {
        ((self.path & !CYCLE_BIT) as usize, self.path & CYCLE_BIT != 0)
    }

    /// The link followed into the leader.
    pub(crate) fn link(self) -> Option<LinkId> {
        (self.link != NONE).then_some(LinkId(self.link))
    }
}

/// Upward links per record and the precomputed leadership paths.
#[derive(Clone)]
pub(crate) struct Upward {
    /// CSR offsets into `links`, one more than there are records.
    offsets: Vec<u32>,
    /// Link indices: per record, `leads` then `dispatches` then `guides` arriving at it.
    links: Vec<u32>,
    /// Per record: how many of its entries are `dispatches` (the `leads` count is in its [`Row`]).
    dispatches: Vec<u32>,
    /// Per record: its leader, the link into it, its leadership path length and `leads` count.
    rows: Vec<Row>,
}

impl Upward {
    fn build(model: &Model) -> Upward {
        let n = model.len();
        let mut offsets = crate::model::pages::zeroed::<u32>(n + 1);
        let mut rows = vec![Row { leader: NONE, link: NONE, path: 0, leads: 0 }; n];
        let mut dispatches = vec![0u32; n];
        // Links' kinds and ends from their columns (no link is put together), in one pass that
        // also keeps each kind's links in document order, to be placed kind by kind below.
        let mut by_rank: [Vec<u32>; 3] = Default::default();
        for id in model.link_ids_where(|k| up_rank(&k).is_some()) {
            let to = model.link_ends(id).1.index();
            offsets[to + 1] += 1;
            let rank = up_rank(&model.link_kind(id)).unwrap_or(2);
            match rank {
                0 => rows[to].leads += 1,
                1 => dispatches[to] += 1,
                _ => {}
            }
            by_rank[usize::from(rank)].push(id.0);
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let mut links = vec![NONE; offsets[n] as usize];
        // Cursors per record: placing the kinds one after the other keeps the kind grouping and
        // the document order within a kind.
        let mut cursor: Vec<u32> = offsets[..n].to_vec();
        for ids in &by_rank {
            for &id in ids {
                let c = &mut cursor[model.link_ends(LinkId(id)).1.index()];
                links[*c as usize] = id;
                *c += 1;
            }
        }
        drop(by_rank);
        drop(cursor);
        for (i, row) in rows.iter_mut().enumerate() {
            let start = offsets[i] as usize;
            let leads = &links[start..start + row.leads as usize];
            let primary = leads.iter().find(|&&l| model.link_is_primary(LinkId(l)));
            if let Some(&l) = primary.or(leads.first()) {
                row.link = l;
                row.leader = model.link_ends(LinkId(l)).0.index() as u32;
            }
        }
        leadership_lengths(model, &mut rows);
        Upward { offsets, links, dispatches, rows }
    }

    /// All `leads`, `dispatches` and `guides` links arriving at a record.
    fn entries(&self, node: Node) -> &[u32] {
        &self.links[self.offsets[node.index()] as usize..self.offsets[node.index() + 1] as usize]
    }

    /// The leadership rows of all records, by node index.
    pub(crate) fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// The `leads` links arriving at a record, in document order.
    pub(crate) fn leads(&self, node: Node) -> &[u32] {
        &self.entries(node)[..self.rows[node.index()].leads as usize]
    }

    /// The `dispatches` links arriving at a record, in document order.
    pub(crate) fn dispatches(&self, node: Node) -> &[u32] {
        let l = self.rows[node.index()].leads as usize;
        &self.entries(node)[l..l + self.dispatches[node.index()] as usize]
    }

    /// The `guides` links arriving at a record, in document order.
    pub(crate) fn guides(&self, node: Node) -> &[u32] {
        let l = self.rows[node.index()].leads as usize;
        &self.entries(node)[l + self.dispatches[node.index()] as usize..]
    }

    /// The `leads` link the leadership line follows from a record into its leader.
    pub(crate) fn up(&self, node: Node) -> Option<LinkId> {
        self.rows[node.index()].link()
    }
}

/// For every territory, the `jurisdiction` links arriving at it as (unit, link) pairs, in
/// document order: compressed rows over the span of node indices the territories occupy
/// (every loader adds them contiguously, so the span is the territories).
#[derive(Clone)]
pub(crate) struct Holders {
    /// The node index of the first territory.
    first: u32,
    /// Per node of the span, where its pairs start in `pairs`; one more at the end.
    offsets: Vec<u32>,
    /// (unit, link) per `jurisdiction` link.
    pairs: Vec<(u32, u32)>,
}

impl Holders {
    fn build(model: &Model) -> Holders {
        let (mut first, mut last) = (u32::MAX, 0u32);
        for (t, _) in model.territories() {
            first = first.min(t.raw());
            last = last.max(t.raw());
        }
        if first == u32::MAX {
            return Holders { first: 0, offsets: vec![0], pairs: Vec::new() };
        }
        let span = (last - first + 1) as usize;
        let mut offsets = vec![0u32; span + 1];
        let mut pairs = Vec::new();
        // Territory nodes in index order, so the rows come out in span order.
        let mut territories: Vec<Node> = model.territories().map(|(t, _)| t).collect();
        territories.sort_unstable_by_key(|t| t.raw());
        let mut next = 0usize;
        for t in territories {
            let at = (t.raw() - first) as usize;
            while next <= at {
                offsets[next] = pairs.len() as u32;
                next += 1;
            }
            pairs.extend(model.ids_to(t, &LinkKind::Jurisdiction).map(|(id, l)| (l.from.raw(), id.0)));
        }
        while next <= span {
            offsets[next] = pairs.len() as u32;
            next += 1;
        }
        Holders { first, offsets, pairs }
    }

    /// The (unit, link) pairs of the `jurisdiction` links arriving at a record (none for a
    /// record that is not a territory).
    pub(crate) fn of(&self, node: Node) -> impl ExactSizeIterator<Item = (Node, LinkId)> + '_ {
        let i = node.raw().wrapping_sub(self.first) as usize;
        let run = match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.pairs[a as usize..b as usize],
            _ => &[],
        };
        run.iter().map(|&(u, l)| (Node::new(u), LinkId(l)))
    }
}

/// The length of every unit's leadership path in a functional graph (each row's `leader`),
/// iteratively: each unit is pushed on a stack once, so the whole table takes O(records) time.
///
/// Lengths are below 2^31 (the cycle bit): a model has fewer than 2^32 records, and one
/// with 2^31 units would take hundreds of gigabytes.
fn leadership_lengths(model: &Model, rows: &mut [Row]) {
    // 0 = unvisited, 1 = on the current walk, 2 = done.
    let mut state = vec![0u8; rows.len()];
    let mut stack: Vec<usize> = Vec::new();
    for (start, _) in model.units() {
        if state[start.index()] != 0 {
            continue;
        }
        stack.clear();
        let mut cur = start.index();
        loop {
            match state[cur] {
                2 => {
                    let base = rows[cur].path & !CYCLE_BIT;
                    let cyc = rows[cur].path & CYCLE_BIT;
                    let len = stack.len();
                    for (i, &s) in stack.iter().enumerate() {
                        rows[s].path = ((len - i) as u32 + base) | cyc;
                    }
                    break;
                }
                1 => {
                    let p = stack.iter().rposition(|&s| s == cur).unwrap_or(0);
                    let cycle_len = (stack.len() - p) as u32;
                    for (i, &s) in stack.iter().enumerate() {
                        let tail = if i < p { (p - i) as u32 } else { 0 };
                        rows[s].path = (tail + cycle_len) | CYCLE_BIT;
                    }
                    break;
                }
                _ => {
                    state[cur] = 1;
                    stack.push(cur);
                    match rows[cur].leader {
                        NONE => {
                            let len = stack.len();
                            for (i, &s) in stack.iter().enumerate() {
                                rows[s].path = (len - i) as u32;
                            }
                            break;
                        }
                        next => cur = next as usize,
                    }
                }
            }
        }
        for &s in &stack {
            state[s] = 2;
        }
    }
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

/// A unit holding at most this many territories has its unscoped `responsible` links
/// tabled at each of them; one holding more is joined with them when asked.
const FEW: usize = 8;

/// The `responsible` links per (matter, territory) where they apply.
///
/// Scoped links are tabled by (matter, scope). Unscoped links apply at every territory
/// their unit holds: they are tabled at each one when the unit holds at most [`FEW`]
/// (so a lookup is one hash probe, as for scoped links), and otherwise tabled by
/// (matter, unit) and joined with the territory's holders when asked. Tabling every
/// pair would cost, for one unit holding n territories with n unscoped links, n²
/// entries (a 1 MB model could ask for gigabytes); this way the table holds at most
/// `FEW` entries per link. Memory and build work are O(links log links).
#[derive(Clone)]
pub(crate) struct Applied {
    /// (matter, territory) → range of `entries`: the scoped links and the unscoped links
    /// of units holding few territories, by role rank then document order.
    ranges: HashMap<u64, (u32, u32), BuildHasherDefault<FxHasher>>,
    entries: Vec<AppliedLink>,
    /// (matter, unit) → range of `unscoped`: the unscoped links of units holding many
    /// territories, by role rank then document order.
    by_unit: HashMap<u64, (u32, u32), BuildHasherDefault<FxHasher>>,
    unscoped: Vec<(u8, u32)>,
    /// The matters with such links (others are answered from `entries` alone).
    matters: std::collections::HashSet<u32, BuildHasherDefault<FxHasher>>,
    /// The `jurisdiction` links of units holding many territories as (territory, unit,
    /// link), sorted: a territory's holders, each unit's links together, its first in
    /// document order first.
    held: Vec<(u32, u32, u32)>,
}

impl Applied {
    fn build(model: &Model) -> Applied {
        // Every jurisdiction link as (unit, territory, link), sorted: each unit's territories,
        // the first link over each in document order first.
        let mut by_holder: Vec<(u32, u32, u32)> = model
            .link_ids_where(|k| k == LinkKind::Jurisdiction)
            .map(|id| {
                let (from, to) = model.link_ends(id);
                (from.index() as u32, to.index() as u32, id.index() as u32)
            })
            .collect();
        by_holder.sort_unstable();
        by_holder.dedup_by(|b, a| (a.0, a.1) == (b.0, b.1));
        // Where each unit's rows start, over the span of units holding some territory: a
        // unit's territories in two reads, where two binary searches over the rows (a cache
        // miss a step) were most of this build's time nationally.
        let first = by_holder.first().map_or(0, |h| h.0);
        let span = by_holder.last().map_or(0, |h| (h.0 - first) as usize + 1);
        let mut starts: Vec<u32> = Vec::with_capacity(span + 1);
        let mut at = 0;
        for unit in first..first + span as u32 {
            starts.push(at as u32);
            while by_holder.get(at).is_some_and(|h| h.0 == unit) {
                at += 1;
            }
        }
        starts.push(at as u32);
        let territories_of = |unit: u32| match unit.checked_sub(first).map(|i| i as usize) {
            Some(i) if i < span => &by_holder[starts[i] as usize..starts[i + 1] as usize],
            _ => &[][..],
        };
        // Rows (key, role rank, responsible link, jurisdiction link or NONE) tabled per
        // (matter, territory); rows (key, rank, link) per (matter, unit) for many-holders.
        let mut rows: Vec<(u64, u8, u32, u32)> = Vec::new();
        let mut unscoped: Vec<(u64, u8, u32)> = Vec::new();
        let mut matters = std::collections::HashSet::default();
        let mut many = std::collections::HashSet::<u32, BuildHasherDefault<FxHasher>>::default();
        for (id, l) in model.links_where(|k| k == LinkKind::Responsible) {
            let rank = role_rank(l.role);
            match l.scope {
                Some(t) => rows.push((key(l.to, t), rank, id.index() as u32, NONE)),
                None => {
                    let unit = l.from.index() as u32;
                    let held = territories_of(unit);
                    if held.len() <= FEW {
                        for &(_, t, j) in held {
                            rows.push((key(l.to, Node::new(t)), rank, id.index() as u32, j));
                        }
                    } else {
                        matters.insert(l.to.index() as u32);
                        many.insert(unit);
                        unscoped.push((key(l.to, l.from), rank, id.index() as u32));
                    }
                }
            }
        }
        rows.sort_unstable();
        unscoped.sort_unstable();
        let mut ranges: HashMap<u64, (u32, u32), BuildHasherDefault<FxHasher>> = HashMap::default();
        let mut entries = Vec::with_capacity(rows.len());
        for &(k, rank, link, via) in &rows {
            let i = entries.len() as u32;
            let link = LinkId(link);
            // The role from its rank ([`role_rank`]: no role ranks, and reads, as supervise),
            // not from the link put together again.
            let role = [Role::Lead, Role::Cooperate, Role::Supervise][rank as usize];
            entries.push(AppliedLink { link, role, via: (via != NONE).then_some(LinkId(via)) });
            ranges.entry(k).or_insert((i, i)).1 = i + 1;
        }
        let mut by_unit: HashMap<u64, (u32, u32), BuildHasherDefault<FxHasher>> = HashMap::default();
        for (i, &(k, _, _)) in unscoped.iter().enumerate() {
            by_unit.entry(k).or_insert((i as u32, i as u32)).1 = i as u32 + 1;
        }
        let unscoped = unscoped.into_iter().map(|(_, rank, link)| (rank, link)).collect();
        let mut held: Vec<(u32, u32, u32)> =
            by_holder.iter().filter(|h| many.contains(&h.0)).map(|&(u, t, j)| (t, u, j)).collect();
        held.sort_unstable();
        Applied { ranges, entries, by_unit, unscoped, matters, held }
    }

    /// The `responsible` links for `matter` applying at `territory`: leads first, then
    /// cooperators, then supervisors, each in document order; an unscoped link with the
    /// first `jurisdiction` link (in document order) of its unit over the territory.
    ///
    /// A matter without unscoped links is answered from the table itself (no copy, no
    /// allocation); otherwise the answer is assembled in `out`. O(holders of the territory
    /// + links found), plus a sort of the links found.
    pub(crate) fn at<'a>(
        &'a self,
        model: &Model,
        matter: Node,
        territory: Node,
        out: &'a mut Vec<AppliedLink>,
    ) -> &'a [AppliedLink] {
        let scoped = match self.ranges.get(&key(matter, territory)) {
            Some(&(s, e)) => &self.entries[s as usize..e as usize],
            None => &[],
        };
        if !self.matters.contains(&(matter.index() as u32)) {
            return scoped;
        }
        out.clear();
        out.extend_from_slice(scoped);
        let t = territory.index() as u32;
        let start = self.held.partition_point(|h| h.0 < t);
        let mut last_unit = NONE;
        let before = out.len();
        for &(_, unit, j) in self.held[start..].iter().take_while(|h| h.0 == t) {
            if unit == last_unit {
                continue;
            }
            last_unit = unit;
            if let Some(&(s, e)) = self.by_unit.get(&key(matter, Node::new(unit))) {
                for &(_, link) in &self.unscoped[s as usize..e as usize] {
                    let link = LinkId(link);
                    let role = model.link(link).role.unwrap_or(Role::Supervise);
                    out.push(AppliedLink { link, role, via: Some(LinkId(j)) });
                }
            }
        }
        if out.len() > before {
            out.sort_unstable_by_key(|a| (role_rank(Some(a.role)), a.link));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LinkSpec, ModelBuilder, TerritoryKind, TerritorySpec, UnitKind, UnitSpec};

    /// Territories added between units (as the builder API allows) and a territory nobody holds:
    /// the table gives each territory exactly its `jurisdiction` links, in document order, and
    /// nothing for a unit inside the span.
    #[test]
    fn holders_follow_the_links_whatever_the_record_order() {
        let mut b = ModelBuilder::new();
        b.unit(UnitSpec::new("u0", "U0", UnitKind::Government)).unwrap();
        b.territory(TerritorySpec::new("d", "District", TerritoryKind::District)).unwrap();
        b.unit(UnitSpec::new("u1", "U1", UnitKind::PartyCommittee)).unwrap();
        b.territory(TerritorySpec::new("s", "Street", TerritoryKind::Street).parent("d")).unwrap();
        b.territory(TerritorySpec::new("e", "Empty", TerritoryKind::Street).parent("d")).unwrap();
        b.unit(UnitSpec::new("u2", "U2", UnitKind::Government)).unwrap();
        for (from, to) in [("u1", "s"), ("u0", "d"), ("u2", "s"), ("u1", "d")] {
            b.link(LinkSpec::new(from, to, LinkKind::Jurisdiction)).unwrap();
        }
        b.link(LinkSpec::new("u1", "u2", LinkKind::Leads)).unwrap();
        let m = b.build().unwrap();
        let table = holders(&m);
        for id in ["u0", "d", "u1", "s", "e", "u2"] {
            let node = m.node(id).unwrap();
            let got: Vec<(Node, LinkId)> = table.of(node).collect();
            let want: Vec<(Node, LinkId)> = m
                .links()
                .filter(|(_, l)| l.kind == LinkKind::Jurisdiction && l.to == node)
                .map(|(id, l)| (l.from, id))
                .collect();
            assert_eq!(got, want, "{id}");
        }
        assert_eq!(table.of(m.node("s").unwrap()).len(), 2);
    }
}
