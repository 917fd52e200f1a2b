//! Where is nobody: the coverage audit.
//!
//! [`audit`] runs every enabled rule of the catalogue ([`RULES`], documented
//! in `docs/rules.md`) over a model and returns a [`Report`]: the findings in
//! a stable order (by rule code, then the subject's document order, then the
//! street/town), a summary with counts by severity and rule, and the
//! per-territory [`Metrics`].
//!
//! Rules come in six families, one file each under `rules/`: structure (S),
//! coverage (C), registration (D), matters (A), balance (B) and lists (L).
//! Which rules run, at which severity, and their thresholds come from a
//! [`Config`] (JSON or TOML, like a linter's).
//!
//! Links' and records' `since` / `until` dates are not consulted: a model
//! describes one moment.
//!
//! # Complexity
//! O(records + links) to build the context: one pass over the records and one
//! over the links, in memory order, fill compact per-record tables (kind,
//! sector, members, location, territory class, coverage flags, the leader
//! followed by the leadership line) and the relations the rules follow
//! (`party_org_of` with `registers_with`, `jurisdiction` both ways), so the
//! rules' hot paths touch no link record. Then one pass per family over the
//! records it concerns, plus, for A001–A003, one [`crate::query::resolve_leads`]
//! per (matter, street/town) pair. Memory: about 40 bytes per record and 12 per
//! link while the audit runs.
//!
//! The passes only note most findings (16 bytes each: rule, subject,
//! street/town); their messages and evidence are written at the end, in report
//! order, in one tight pass that reuses one buffer and allocates each string
//! once at its exact length. Only the rare, elaborate findings (cycles, chains,
//! "1+2", matters, branch sizes, B002) build their text when found. At national
//! scale (469,210 findings, about 5 million strings) those allocations are the
//! main cost, and they depend on the state of the heap the model left behind.
//!
//! # Output size
//! A report is linear in the model: no finding repeats per member what another finding
//! already explains, and no de-duplication searches a list. S003 writes a leadership
//! chain of up to 16 units in full and a longer one up to where it joins a chain an
//! earlier S003 finding explained, naming that finding; B002 names at most 8 of a
//! street's holders, A002 names a territory's many leads in the first finding for it,
//! A003 at most 8 leads and street units, each with the count and the query that lists
//! the rest. Every other finding names each record or link once. Apart from A001–A003,
//! which give one finding per (matter, street/town) pair, the report's JSON stays within
//! 64 bytes per byte of the model's JSON, record and link, plus a fixed 64 KiB (checked
//! by `tests/bounds.rs` and the `output_linear` fuzz target).
//!
//! # Example
//! ```
//! use tiaokuai::{Config, Model, Severity};
//! let model = Model::from_json(r#"{"format": "tiaokuai/1",
//!   "territories": [{"id": "s", "name": "友谊路街道", "kind": "street"}],
//!   "units": [{"id": "acme", "name": "某科技有限公司", "kind": "enterprise", "sector": "private",
//!              "located_in": "s", "members": 5}],
//!   "links": []}"#)?;
//! let report = model.audit(&Config::default());
//! let codes: Vec<&str> = report.findings.iter().map(|f| f.rule).collect();
//! assert_eq!(codes, ["C001", "C003", "C006"]);
//! assert_eq!(report.findings[0].subject, "acme");
//! assert_eq!(report.findings[0].territory.as_deref(), Some("s"));
//! assert_eq!(report.count(Severity::Warning), 3);
//! # Ok::<(), tiaokuai::Error>(())
//! ```

mod config;
mod finding;
mod rules;
/// T002's test, for the generator's history (dates of links kept within their ends').
pub(crate) use rules::time::outside;
mod text;

use std::collections::HashMap;

use serde::Serialize;

pub use config::{Config, Profiles, RuleSetting, Thresholds};
pub(crate) use finding::id;
pub use finding::{Family, Finding, RULES, Rule, Severity};

use crate::evidence::{Evidence, Fact};
use crate::metrics::{Metrics, Tally};
use crate::model::{LinkId, LinkKind, Model, Node, RecordRef, Sector, Status, TerritoryKind, UnitKind};
use crate::render::Table;

/// The "none" value of the `u32` tables.
pub(crate) const NONE: u32 = u32::MAX;
const UNSET: u32 = u32::MAX - 1;

/// Coverage flags of a unit (see [`Context::cover`]).
pub(crate) mod cover {
    /// A `party_org_of` arrives from a Party organisation that is not a joint branch.
    pub const OWN: u8 = 1;
    /// A `party_org_of` arrives from a joint branch.
    pub const JOINT: u8 = 2;
    /// An `instructs` link arrives.
    pub const INSTRUCTED: u8 = 4;
    /// A `mass_org_of` link arrives.
    pub const MASS: u8 = 8;
}

/// The kind code of a record that is not a unit.
const NOT_UNIT: u8 = u8::MAX;
/// The kind or sector code of a custom (`x-`) word.
const CUSTOM: u8 = u8::MAX - 1;
/// The sector code of a unit with no sector.
const NO_SECTOR: u8 = u8::MAX;

/// The position of a unit kind in [`UnitKind::ALL`] (a jump table, not a search).
fn unit_code(kind: &UnitKind) -> u8 {
    match kind {
        UnitKind::PartyCommittee => 0,
        UnitKind::PartyWorkingCommittee => 1,
        UnitKind::PartyGroup => 2,
        UnitKind::PartyGeneralBranch => 3,
        UnitKind::PartyBranch => 4,
        UnitKind::JointPartyBranch => 5,
        UnitKind::Government => 6,
        UnitKind::Department => 7,
        UnitKind::DispatchedAgency => 8,
        UnitKind::ResidentsCommittee => 9,
        UnitKind::VillagersCommittee => 10,
        UnitKind::OwnersCommittee => 11,
        UnitKind::PropertyManager => 12,
        UnitKind::Enterprise => 13,
        UnitKind::PublicInstitution => 14,
        UnitKind::SocialOrganization => 15,
        UnitKind::MassOrganization => 16,
        UnitKind::JointMeeting => 17,
        UnitKind::Custom(_) => CUSTOM,
    }
}

/// The position of a sector in [`Sector::ALL`].
fn sector_code(sector: Option<&Sector>) -> u8 {
    match sector {
        None => NO_SECTOR,
        Some(Sector::Party) => 0,
        Some(Sector::Government) => 1,
        Some(Sector::PublicInstitution) => 2,
        Some(Sector::StateOwned) => 3,
        Some(Sector::Private) => 4,
        Some(Sector::Foreign) => 5,
        Some(Sector::Social) => 6,
        Some(Sector::SelfGovernance) => 7,
        Some(Sector::Mass) => 8,
        Some(Sector::Custom(_)) => CUSTOM,
    }
}

/// The classes of territory kinds the rules tell apart ([`Context::territory_class`]).
pub(crate) mod tclass {
    /// Not a territory.
    pub const NONE: u8 = 0;
    /// A territory of another kind (country … district, building, park, custom kinds …).
    pub const OTHER: u8 = 1;
    /// A street (街道).
    pub const STREET: u8 = 2;
    /// A town, township or zone: township-level, not a street.
    pub const TOWN: u8 = 3;
    /// A community (社区).
    pub const COMMUNITY: u8 = 4;
    /// A village (村).
    pub const VILLAGE: u8 = 5;
    /// A grid (网格).
    pub const GRID: u8 = 6;
}

/// The [`tclass`] of a territory kind.
fn territory_class(kind: &TerritoryKind) -> u8 {
    match kind {
        TerritoryKind::Street => tclass::STREET,
        TerritoryKind::Town | TerritoryKind::Township | TerritoryKind::Zone => tclass::TOWN,
        TerritoryKind::Community => tclass::COMMUNITY,
        TerritoryKind::Village => tclass::VILLAGE,
        TerritoryKind::Grid => tclass::GRID,
        _ => tclass::OTHER,
    }
}

/// Per-record flags gathered in the context's pass over the links.
pub(crate) mod flag {
    /// At least one `leads` link arrives.
    pub const LEADS_IN: u8 = 16;
    /// Two or more `leads` links arrive.
    pub const LEADS_IN_2: u8 = 32;
    /// At least one `leads` link leaves.
    pub const LEADS_OUT: u8 = 64;
}

/// The bit marking a `leads` link marked primary in [`Rel`] link slots.
pub(crate) const PRIMARY: u32 = 1 << 31;

/// Relations of the model as compressed adjacency: for each record, the
/// records at the other end of its links (and, when kept, the links), in
/// document order of the links. Built from one pass over the links; reading it
/// touches no link.
pub(crate) struct Rel {
    offsets: Vec<u32>,
    items: Vec<u32>,
    /// The link of each item; empty when the relation does not keep them.
    links: Vec<u32>,
}

/// The bit marking the items of a [`Rel`]'s second relation (see [`Rel::two`]).
const SECOND: u32 = 1 << 31;

impl Rel {
    /// A relation of no records, for a part that does not build it.
    fn empty() -> Rel {
        Rel { offsets: Vec::new(), items: Vec::new(), links: Vec::new() }
    }

    /// From (record, other end, link) triples in link order (a counting sort), keeping the links.
    pub fn build(n: usize, triples: &[(u32, u32, u32)]) -> Rel {
        let mut rel = Rel::with_counts(n, triples.iter().map(|t| t.0), triples.len(), true);
        for &(k, v, l) in triples {
            rel.put(k, v, l);
        }
        rel
    }

    /// Two relations from the same records, without their links: for each record, its
    /// `first` items, then its `second` ones (marked [`SECOND`]), each in link order.
    fn two(n: usize, first: &[(u32, u32, u32)], second: &[(u32, u32, u32)]) -> Rel {
        // Records are numbered with `u32`s below 2^31 (a model that large would need hundreds of GB).
        debug_assert!(n <= SECOND as usize, "record numbers leave the top bit free");
        let keys = first.iter().chain(second).map(|t| t.0);
        let mut rel = Rel::with_counts(n, keys, first.len() + second.len(), false);
        for &(k, v, _) in first {
            rel.put(k, v, 0);
        }
        for &(k, v, _) in second {
            rel.put(k, v | SECOND, 0);
        }
        rel
    }

    /// A relation read both ways, without its links: for each record, the records at the
    /// other end of its links whichever end it is on. For relations whose two ends are never
    /// records of the same type (so each record's list holds one direction).
    fn both_ways(n: usize, triples: &[(u32, u32, u32)]) -> Rel {
        let keys = triples.iter().flat_map(|t| [t.0, t.1]);
        let mut rel = Rel::with_counts(n, keys, 2 * triples.len(), false);
        for &(a, b, _) in triples {
            rel.put(a, b, 0);
            rel.put(b, a, 0);
        }
        rel
    }

    /// An empty relation sized for `len` items under `keys`, ready for [`Rel::put`] in order.
    fn with_counts(n: usize, keys: impl Iterator<Item = u32>, len: usize, keep_links: bool) -> Rel {
        // offsets[k + 1] counts k's items, then (prefix sums) holds where k's items start;
        // `put` advances it to where they end, which is where k + 1's start.
        let mut offsets = crate::model::pages::zeroed::<u32>(n + 1);
        for k in keys {
            offsets[k as usize + 1] += 1;
        }
        let mut sum = 0u32;
        for o in offsets.iter_mut() {
            let c = *o;
            *o = sum;
            sum += c;
        }
        Rel { offsets, items: vec![0; len], links: if keep_links { vec![0; len] } else { Vec::new() } }
    }

    fn put(&mut self, key: u32, item: u32, link: u32) {
        let c = &mut self.offsets[key as usize + 1];
        self.items[*c as usize] = item;
        if !self.links.is_empty() {
            self.links[*c as usize] = link;
        }
        *c += 1;
    }

    fn slice(&self, node: Node) -> &[u32] {
        let i = node.index();
        &self.items[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    /// The other ends of a record's links, in link order.
    pub fn get(&self, node: Node) -> impl ExactSizeIterator<Item = Node> + Clone + '_ {
        self.slice(node).iter().map(|&x| Node::new(x))
    }

    /// The other ends of a record's links with the links (and, for `leads`, the
    /// [`PRIMARY`] bit), in link order; for relations built with their links.
    pub fn get_links(&self, node: Node) -> impl ExactSizeIterator<Item = (Node, u32)> + Clone + '_ {
        let i = node.index();
        let r = self.offsets[i] as usize..self.offsets[i + 1] as usize;
        self.items[r.clone()].iter().zip(&self.links[r]).map(|(&x, &l)| (Node::new(x), l))
    }

    /// Where a record's items of the second relation of [`Rel::two`] start in its slice.
    fn split(all: &[u32]) -> usize {
        match all.last() {
            Some(&x) if x & SECOND != 0 => all.partition_point(|&x| x & SECOND == 0),
            _ => all.len(),
        }
    }

    /// A record's items of the first relation of [`Rel::two`].
    fn first(&self, node: Node) -> impl ExactSizeIterator<Item = Node> + Clone + '_ {
        let all = self.slice(node);
        all[..Rel::split(all)].iter().map(|&x| Node::new(x))
    }

    /// A record's items of the second relation of [`Rel::two`].
    fn second(&self, node: Node) -> impl ExactSizeIterator<Item = Node> + Clone + '_ {
        let all = self.slice(node);
        all[Rel::split(all)..].iter().map(|&x| Node::new(x & !SECOND))
    }
}

/// A set of records for de-duplicating one neighbour list after another in O(1) per
/// record: a stamp per record, and a new stamp per list, so starting a list costs nothing
/// and the whole table is allocated once per pass (4 bytes per record). It replaces
/// `Vec::contains` on lists that an adversarial model makes as long as it likes (a unit
/// with 100,000 leaders, a joint branch over every unit), which was quadratic.
/// `Seen::default()` starts empty and grows to the highest record inserted.
///
/// The stamps are allocated zeroed and untouched; each page of them is written (zeros) the
/// first time a record in it is inserted, so a pass pays only for the pages of the records it
/// meets, and each of those pages costs one fault, not the two (and the flush of every core's
/// translation caches) of a page first read (see [`crate::model::pages`]): in a profile of
/// repeated national audits with people and history, the stamps' second faults were 1,736 of
/// the 1,840 samples in such faults left once the counting sorts wrote their pages first.
#[derive(Default)]
pub(crate) struct Seen {
    stamp: Vec<u32>,
    /// A bit per [`Seen::PAGE`] stamps: set once they have been written.
    written: crate::model::Bits,
    current: u32,
}

impl Seen {
    /// Stamps per page.
    const PAGE: usize = crate::model::pages::PAGE / size_of::<u32>();

    /// An empty set over the records of a model of `n` records.
    pub fn new(n: usize) -> Seen {
        Seen { stamp: vec![0; n], written: crate::model::Bits::new(n.div_ceil(Seen::PAGE)), current: 1 }
    }

    /// Empties the set (O(1), except once every 4 billion lists).
    pub fn clear(&mut self) {
        self.current = self.current.wrapping_add(1);
        if self.current == 0 {
            self.stamp.fill(0);
            self.current = 1;
        }
    }

    /// Adds a record; true when it was not in the set.
    pub fn insert(&mut self, node: Node) -> bool {
        if self.current == 0 {
            self.current = 1;
        }
        let i = node.index();
        if i >= self.stamp.len() {
            self.stamp.resize(i + 1, 0);
            self.written.grow(self.stamp.len().div_ceil(Seen::PAGE));
        }
        let page = i / Seen::PAGE;
        if !self.written.get(page) {
            self.written.set(page);
            let end = ((page + 1) * Seen::PAGE).min(self.stamp.len());
            crate::model::pages::touch(&mut self.stamp[page * Seen::PAGE..end]);
        }
        let s = &mut self.stamp[i];
        let new = *s != self.current;
        *s = self.current;
        new
    }

    /// True when the record is in the set.
    pub fn contains(&self, node: Node) -> bool {
        self.stamp.get(node.index()).is_some_and(|&s| s == self.current && s != 0)
    }
}

/// The link of a [`Rel`] link slot (without the [`PRIMARY`] bit).
pub(crate) fn link_id(slot: u32) -> LinkId {
    LinkId(slot & !PRIMARY)
}

/// What every rule family shares: the model, the config, the street/town of
/// every territory, and compact copies of the unit fields and of the few
/// relations the rules read, built in one pass over the units and one over
/// the links. A pass over five million units then streams a few bytes per
/// unit, and following a relation touches no link record.
pub(crate) struct Context<'m> {
    pub model: &'m Model,
    pub config: &'m Config,
    /// What the P and M rules read of the whole model when `model` is a part of it (the
    /// what-if's parts, [`crate::whatif`]); `None` for a whole model.
    pub whole: Option<&'m Whole>,
    /// The township-level territories (street, town, township, zone), in document order.
    pub townships: Vec<Node>,
    /// Per record: for territories, the row in `townships` of the nearest township-level
    /// territory containing it (itself included), or [`NONE`]; [`NONE`] for other records.
    row: Vec<u32>,
    /// Per record: the [`tclass`] of a territory ([`tclass::NONE`] for other records).
    tclass: Vec<u8>,
    /// Per record: the unit kind code ([`unit_code`]), [`NOT_UNIT`] for other records.
    kind: Vec<u8>,
    /// Per record: the sector code of a unit ([`sector_code`]).
    sector: Vec<u8>,
    /// Per record: a unit's `members`, or [`NONE`].
    members: Vec<u32>,
    /// Per record: a unit's `located_in`, or [`NONE`].
    located: Vec<u32>,
    /// Per record: the [`cover`] flags of units and the [`flag`]s.
    flags: Vec<u8>,
    /// Every `leads` link as (leader, led, link slot with the [`PRIMARY`] bit), in link order.
    pub leads: Vec<(u32, u32, u32)>,
    /// Per record: the leader the leadership line follows (the first on a primary
    /// link, else the first), with [`PRIMARY`] set when that link is primary; or [`NONE`].
    leader: Vec<u32>,
    /// `party_org_of` (organisation → units), then `registers_with` (organisation → organisations).
    from_orgs: Rel,
    /// `jurisdiction` both ways: unit → territories, territory → units.
    juris: Rel,
    /// Every (unit, territory) `jurisdiction` pair, built on first use by [`Context::holds_at`]
    /// for units holding many territories.
    juris_pairs: std::sync::OnceLock<std::collections::HashSet<(u32, u32)>>,
    /// An Euler tour of the territory tree, built on first use by
    /// [`Context::tour`] for places deep below their street/town.
    tour: std::sync::OnceLock<Tour>,
    /// The records with dates of their own, a bit each by node index, built on first use by
    /// [`Context::dated`] (the T rules).
    dated: std::sync::OnceLock<crate::model::Bits>,
}

/// A pre-order numbering of the territory tree: `t` contains `u` (or is `u`) exactly
/// when `tin[t] <= tin[u] <= tout[t]`. Indexed by record; other records hold zeros.
pub(crate) struct Tour {
    /// Pre-order position.
    pub tin: Vec<u32>,
    /// The last pre-order position inside the subtree.
    pub tout: Vec<u32>,
    /// Distance from the root.
    pub depth: Vec<u32>,
}

impl Tour {
    /// Built iteratively (no recursion), in O(territories).
    fn new(model: &Model) -> Tour {
        let n = model.len();
        let (mut tin, mut tout, mut depth) = (vec![0u32; n], vec![0u32; n], vec![0u32; n]);
        let mut order: Vec<Node> = Vec::new();
        let mut stack: Vec<Node> = Vec::new();
        for (root, _) in model.territories().filter(|&(t, _)| model.parent(t).is_none()) {
            stack.push(root);
            while let Some(t) = stack.pop() {
                tin[t.index()] = order.len() as u32;
                order.push(t);
                for c in model.children(t) {
                    depth[c.index()] = depth[t.index()] + 1;
                    stack.push(c);
                }
            }
        }
        // Subtree sizes, children before parents (reverse pre-order).
        let mut size = vec![1u32; n];
        for &t in order.iter().rev() {
            tout[t.index()] = tin[t.index()] + size[t.index()] - 1;
            if let Some(p) = model.parent(t) {
                size[p.index()] += size[t.index()];
            }
        }
        Tour { tin, tout, depth }
    }
}

/// The per-record columns of a [`Context`], from one pass over the records.
struct RecordColumns {
    townships: Vec<Node>,
    row: Vec<u32>,
    tclass: Vec<u8>,
    kind: Vec<u8>,
    sector: Vec<u8>,
    members: Vec<u32>,
    located: Vec<u32>,
}

impl RecordColumns {
    fn new(model: &Model) -> RecordColumns {
        let n = model.len();
        // One pass over the records in index order, which is their order in memory and, within
        // each record type, document order (so `townships` comes in document order).
        let mut row = vec![NONE; n];
        let mut tclass = vec![tclass::NONE; n];
        let mut townships = Vec::new();
        let mut kind = vec![NOT_UNIT; n];
        let mut sector = vec![NO_SECTOR; n];
        let mut members = vec![NONE; n];
        let mut located = vec![NONE; n];
        for i in 0..n {
            if model.status(Node::new(i as u32)) == Status::OutOfForce {
                continue;
            }
            match model.record(Node::new(i as u32)) {
                RecordRef::Territory(terr) => {
                    tclass[i] = territory_class(&terr.kind);
                    if terr.kind.is_township_level() {
                        row[i] = townships.len() as u32;
                        townships.push(Node::new(i as u32));
                    } else {
                        row[i] = UNSET;
                    }
                }
                RecordRef::Unit(unit) => {
                    kind[i] = unit_code(&unit.kind);
                    sector[i] = sector_code(unit.sector.as_ref());
                    members[i] = unit.members().unwrap_or(NONE);
                    located[i] = unit.located_in.map_or(NONE, |l| l.index() as u32);
                }
                _ => {}
            }
        }
        // The street/town of every other territory: the nearest township-level one up its parents.
        let mut stack = Vec::new();
        for t in 0..n {
            if row[t] != UNSET {
                continue;
            }
            stack.clear();
            let mut cur = t as u32;
            let value = loop {
                stack.push(cur);
                let Some(p) = model.parent(Node::new(cur)) else { break NONE };
                if row[p.index()] != UNSET {
                    break row[p.index()];
                }
                cur = p.index() as u32;
            };
            for &s in &stack {
                row[s as usize] = value;
            }
        }
        RecordColumns { townships, row, tclass, kind, sector, members, located }
    }
}

/// The link columns of a [`Context`], from one pass over the links. The [`cover`] flags of
/// `party_org_of` depend on the organisation's kind (a record column): they are set by
/// [`LinkColumns::finish`] once both passes are done.
struct LinkColumns {
    flags: Vec<u8>,
    leads: Vec<(u32, u32, u32)>,
    leader: Vec<u32>,
    org_of: Vec<(u32, u32, u32)>,
    registers: Vec<(u32, u32, u32)>,
    juris: Rel,
}

/// The links a pass of [`LinkColumns::pass`] reads: all, the `leads` links alone, or every
/// other kind (the two halves [`Context::new_on`] runs on two threads).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum LinkPart {
    All,
    Leads,
    Rest,
}

impl LinkColumns {
    fn new(model: &Model) -> LinkColumns {
        LinkColumns::pass(model, LinkPart::All)
    }

    /// The columns from one pass over the links of `part` (the others left empty).
    fn pass(model: &Model, part: LinkPart) -> LinkColumns {
        let n = model.len();
        let (with_leads, with_rest) = (part != LinkPart::Rest, part != LinkPart::Leads);
        let mut flags = crate::model::pages::zeroed::<u8>(n);
        let mut leader = if with_leads { vec![NONE; n] } else { Vec::new() };
        // Reserved for every link: untouched capacity costs address space, not memory,
        // and the vectors never move while they fill.
        let (cap, rest_cap) = (model.link_count(), if with_rest { model.link_count() } else { 0 });
        let mut leads = Vec::with_capacity(if with_leads { cap } else { 0 });
        let (mut org_of, mut registers, mut holds) =
            (Vec::with_capacity(rest_cap), Vec::with_capacity(rest_cap), Vec::with_capacity(rest_cap));
        for id in 0..model.link_count() as u32 {
            if model.link_status(LinkId(id)) == Status::OutOfForce {
                continue;
            }
            let kind = model.link_kind(LinkId(id));
            if !(if kind == LinkKind::Leads { with_leads } else { with_rest }) {
                continue;
            }
            let (from, to) = model.link_ends(LinkId(id));
            let (f, t) = (from.raw(), to.raw());
            let to = &mut flags[t as usize];
            match kind {
                LinkKind::Leads => {
                    *to |= if *to & flag::LEADS_IN != 0 { flag::LEADS_IN_2 } else { flag::LEADS_IN };
                    flags[f as usize] |= flag::LEADS_OUT;
                    let primary = model.link_is_primary(LinkId(id));
                    leads.push((f, t, if primary { id | PRIMARY } else { id }));
                    let up = &mut leader[t as usize];
                    if *up == NONE || (primary && *up & PRIMARY == 0) {
                        *up = if primary { f | PRIMARY } else { f };
                    }
                }
                LinkKind::PartyOrgOf => org_of.push((f, t, id)),
                LinkKind::Instructs => *to |= cover::INSTRUCTED,
                LinkKind::MassOrgOf => *to |= cover::MASS,
                LinkKind::RegistersWith => registers.push((f, t, id)),
                LinkKind::Jurisdiction => holds.push((f, t, id)),
                _ => {}
            }
        }
        // The `leads` part has no jurisdiction links: its relation stays empty (not n offsets).
        let juris = if with_rest { Rel::both_ways(n, &holds) } else { Rel::empty() };
        LinkColumns { flags, leads, leader, org_of, registers, juris }
    }

    /// The columns of a pass over the `leads` links and of one over the rest, put together:
    /// those of one pass over all links (the parts set different flag bits).
    fn joined(leads: LinkColumns, rest: LinkColumns) -> LinkColumns {
        let mut all = rest;
        for (a, b) in all.flags.iter_mut().zip(&leads.flags) {
            *a |= b;
        }
        (all.leads, all.leader) = (leads.leads, leads.leader);
        all
    }

    /// The [`cover`] flags of the units a `party_org_of` link covers: joint when the
    /// organisation is a joint Party organisation (unit code 5), else own.
    fn finish(&mut self, kind: &[u8]) {
        for &(f, t, _) in &self.org_of {
            self.flags[t as usize] |= if kind[f as usize] == 5 { cover::JOINT } else { cover::OWN };
        }
    }
}

impl<'m> Context<'m> {
    pub fn new(model: &'m Model, config: &'m Config) -> Context<'m> {
        Context::new_on(model, config, 1)
    }

    /// [`Context::new`], the pass over the records and the pass over the links on two
    /// threads when `threads` > 1 (the same context either way).
    pub fn new_on(model: &'m Model, config: &'m Config, threads: usize) -> Context<'m> {
        let n = model.len();
        // The Party organisations' relation is built from the `party_org_of` and
        // `registers_with` links alone, so on two threads the thread that read them builds
        // it while this one reads the `leads` links (21 ms nationally, else after both).
        let orgs = |links: &LinkColumns| Rel::two(n, &links.org_of, &links.registers);
        let (records, mut links, from_orgs) = if threads > 1 {
            // The links but `leads` on one thread; the record columns, then the `leads` links,
            // on this one (the link pass alone took twice the record pass).
            std::thread::scope(|s| {
                let rest = s.spawn(|| {
                    let rest = LinkColumns::pass(model, LinkPart::Rest);
                    let from_orgs = orgs(&rest);
                    (rest, from_orgs)
                });
                let records = RecordColumns::new(model);
                let leads = LinkColumns::pass(model, LinkPart::Leads);
                let (rest, from_orgs) = rest.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
                (records, LinkColumns::joined(leads, rest), from_orgs)
            })
        } else {
            let links = LinkColumns::new(model);
            let from_orgs = orgs(&links);
            (RecordColumns::new(model), links, from_orgs)
        };
        links.finish(&records.kind);
        let RecordColumns { townships, row, tclass, kind, sector, members, located } = records;
        let LinkColumns { flags, leads, leader, juris, .. } = links;
        Context {
            model,
            config,
            whole: None,
            townships,
            row,
            tclass,
            kind,
            sector,
            members,
            located,
            flags,
            leads,
            leader,
            from_orgs,
            juris,
            juris_pairs: std::sync::OnceLock::new(),
            tour: std::sync::OnceLock::new(),
            dated: std::sync::OnceLock::new(),
        }
    }

    /// True when `unit` holds `jurisdiction` over `territory`: a scan of the unit's few
    /// territories, or, for a unit holding more than 16, one lookup in a set of every
    /// (unit, territory) pair built once per audit (O(jurisdiction links)); so asking for
    /// every link of a unit that holds every territory stays linear.
    pub fn holds_at(&self, unit: Node, territory: Node) -> bool {
        let mut held = self.holds(unit);
        if held.len() <= 16 {
            return held.any(|t| t == territory);
        }
        let pairs = self.juris_pairs.get_or_init(|| {
            let mut set = std::collections::HashSet::new();
            for u in self.units() {
                if self.holds(u).len() > 16 {
                    set.extend(self.holds(u).map(|t| (u.index() as u32, t.index() as u32)));
                }
            }
            set
        });
        pairs.contains(&(unit.index() as u32, territory.index() as u32))
    }

    /// The units a unit is the Party organisation of (`party_org_of`), in link order.
    pub fn org_of(&self, org: Node) -> impl ExactSizeIterator<Item = Node> + Clone + '_ {
        self.from_orgs.first(org)
    }

    /// The Euler tour of the territory tree, built on first use (models whose places all sit
    /// a few steps below their street/town never build it).
    pub fn tour(&self) -> &Tour {
        self.tour.get_or_init(|| Tour::new(self.model))
    }

    /// Whether a record of the document has dates of its own (`since` or `until`). Built on
    /// first use from one pass over the records, so that the T rules read the dates of a
    /// link's ends or a record's place only where there are some: on a national model with
    /// history, 0.4 M of 12.8 M records, where a look-up for every end was a cache miss.
    pub fn dated(&self, n: Node) -> bool {
        let bits = self.dated.get_or_init(|| {
            let mut bits = crate::model::Bits::new(self.model.len());
            for t in crate::model::TYPES {
                self.model.each_dated_record(t, |n, _| bits.set(n.index()));
            }
            bits
        });
        bits.get(n.index())
    }

    /// The units a unit registers with (`registers_with`), in link order.
    pub fn registers(&self, org: Node) -> impl ExactSizeIterator<Item = Node> + Clone + '_ {
        self.from_orgs.second(org)
    }

    /// The territories a unit holds `jurisdiction` over, in link order.
    pub fn holds(&self, unit: Node) -> impl ExactSizeIterator<Item = Node> + Clone + '_ {
        self.juris.get(unit)
    }

    /// The units holding `jurisdiction` over a territory, in link order.
    pub fn held_by(&self, territory: Node) -> impl ExactSizeIterator<Item = Node> + Clone + '_ {
        self.juris.get(territory)
    }

    /// Every unit, in document order (records of one type are numbered in document order).
    pub fn units(&self) -> impl Iterator<Item = Node> + '_ {
        self.kind.iter().enumerate().filter(|&(_, &k)| k != NOT_UNIT).map(|(i, _)| Node::new(i as u32))
    }

    /// The units of one kind, in document order.
    pub fn units_of(&self, kind: &UnitKind) -> impl Iterator<Item = Node> + '_ {
        let code = unit_code(kind);
        self.kind.iter().enumerate().filter(move |&(_, &k)| k == code).map(|(i, _)| Node::new(i as u32))
    }

    /// A unit's kind; `None` for custom kinds and records that are not units.
    pub fn kind(&self, node: Node) -> Option<&'static UnitKind> {
        UnitKind::ALL.get(self.kind[node.index()] as usize)
    }

    /// A unit's kind code: its position in [`UnitKind::ALL`], or the code of custom kinds;
    /// `None` for records that are not units in the view.
    pub fn kind_code(&self, node: Node) -> Option<u8> {
        Some(self.kind[node.index()]).filter(|&k| k != NOT_UNIT)
    }

    /// True when the record is a unit of one of the Party organisation kinds.
    pub fn is_party_org(&self, node: Node) -> bool {
        self.kind[node.index()] <= 5
    }

    /// True for the strip kinds (departments and their stationed agencies), which
    /// never count as "the street" even when they hold jurisdiction over it.
    pub fn is_strip(&self, node: Node) -> bool {
        matches!(self.kind[node.index()], 7 | 8)
    }

    /// A unit's sector; `None` when it has none or a custom one.
    pub fn sector(&self, node: Node) -> Option<&'static Sector> {
        Sector::ALL.get(self.sector[node.index()] as usize)
    }

    /// A unit's `members`.
    pub fn members(&self, node: Node) -> Option<u32> {
        let m = self.members[node.index()];
        (m != NONE).then_some(m)
    }

    /// A unit's `located_in`.
    pub fn located_in(&self, node: Node) -> Option<Node> {
        let l = self.located[node.index()];
        (l != NONE).then(|| Node::new(l))
    }

    /// The [`tclass`] of a record ([`tclass::NONE`] when it is not a territory).
    pub fn territory_class(&self, node: Node) -> u8 {
        self.tclass[node.index()]
    }

    /// The territories, in document order, with their [`tclass`].
    pub fn territories(&self) -> impl Iterator<Item = (Node, u8)> + '_ {
        self.tclass.iter().enumerate().filter(|&(_, &c)| c != tclass::NONE).map(|(i, &c)| (Node::new(i as u32), c))
    }

    /// The row (in `townships`) of the street/town containing a territory.
    pub fn territory_row(&self, territory: Node) -> Option<usize> {
        let r = self.row[territory.index()];
        (r < UNSET).then_some(r as usize)
    }

    /// The street/town containing a territory (itself included).
    pub fn territory_township(&self, territory: Node) -> Option<Node> {
        self.territory_row(territory).map(|r| self.townships[r])
    }

    /// The row of a unit's street/town: of its `located_in`, else of the first
    /// territory it holds jurisdiction over that lies in one.
    pub fn unit_row(&self, unit: Node) -> Option<usize> {
        if let Some(r) = self.located_in(unit).and_then(|l| self.territory_row(l)) {
            return Some(r);
        }
        self.holds(unit).find_map(|t| self.territory_row(t))
    }

    /// A unit's street/town; for a Party organisation placed nowhere, that of
    /// the first unit it is the Party organisation of.
    pub fn unit_township(&self, unit: Node) -> Option<Node> {
        self.unit_row(unit).or_else(|| self.org_of(unit).find_map(|u| self.unit_row(u))).map(|r| self.townships[r])
    }

    /// The [`cover`] flags of a unit.
    pub fn cover(&self, unit: Node) -> u8 {
        self.flags[unit.index()] & (cover::OWN | cover::JOINT | cover::INSTRUCTED | cover::MASS)
    }

    /// The leader the leadership line follows from a unit: the first leader on a
    /// link marked primary, else the first in document order (as [`crate::query::leadership_path`]).
    pub fn leader(&self, unit: Node) -> Option<Node> {
        let l = self.leader[unit.index()];
        (l != NONE).then(|| Node::new(l & !PRIMARY))
    }

    /// True when the leader the leadership line follows from a unit is on a link marked primary.
    pub fn leader_is_primary(&self, unit: Node) -> bool {
        let l = self.leader[unit.index()];
        l != NONE && l & PRIMARY != 0
    }

    /// True when a record has all these [`flag`]s.
    pub fn has(&self, node: Node, flags: u8) -> bool {
        self.flags[node.index()] & flags == flags
    }
}

/// `"id" (name)`, the way messages name a record (displayed without an intermediate allocation).
pub(crate) struct Label<'a>(&'a Model, Node);

impl std::fmt::Display for Label<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let id = self.0.id(self.1);
        // Most ids need no escaping: write them quoted directly; else as Rust's Debug quotes them.
        if id.bytes().all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\') {
            write!(f, "\"{id}\" ({})", self.0.name(self.1))
        } else {
            write!(f, "{id:?} ({})", self.0.name(self.1))
        }
    }
}

/// The [`Label`] of a record.
pub(crate) fn label(model: &Model, node: Node) -> Label<'_> {
    Label(model, node)
}

/// The ids and links of one kind leaving a record, with their ids (for evidence).
pub(crate) fn links_out<'a>(
    model: &'a Model,
    node: Node,
    kind: &'a LinkKind,
) -> impl Iterator<Item = (LinkId, crate::model::Link)> + 'a {
    model.all_links_from(node).filter(move |(_, l)| l.kind == *kind)
}

/// The links of one kind arriving at a record, with their ids (for evidence).
pub(crate) fn links_in<'a>(
    model: &'a Model,
    node: Node,
    kind: &'a LinkKind,
) -> impl Iterator<Item = (LinkId, crate::model::Link)> + 'a {
    model.all_links_to(node).filter(move |(_, l)| l.kind == *kind)
}

/// A finding before its strings are built (16 bytes). Most findings are
/// described from the context only when the report is materialised, in one
/// tight pass in report order ([`Sink::into_findings`]); the few rare,
/// elaborate ones (cycles, chains, matters …) carry their text, built when found.
#[derive(Clone, Copy)]
struct Raw {
    rule: u8,
    subject: u32,
    /// The street/town, or [`NONE`].
    territory: u32,
    /// The position of the finding's text in [`Sink::built`]; [`KEPT`] and the position of
    /// what its rule kept for describing it in [`Sink::kept`]; or [`NONE`] when it is
    /// described at the end from the context alone.
    built: u32,
}

/// The bit of [`Raw::built`] that says the rest is a position in [`Sink::kept`].
const KEPT: u32 = 1 << 31;

impl Raw {
    /// The report order: rule, then subject, then street/town (none first). The subjects of one
    /// rule are all of one record type, so their indices give the document order.
    fn key(&self) -> (u8, u32, u32) {
        (self.rule, self.subject, self.territory.wrapping_add(1))
    }
}

/// Puts findings in the report order, as a stable sort by [`Raw::key`] does: a stable
/// counting sort by rule, then a stable sort of each rule's findings that are not already in
/// order. Rules find their subjects in document order but interleaved with other rules' (one
/// pass over the units finds several rules' findings), so most rules' runs come out sorted:
/// the national audit's 469,210 findings take 3.6–4.3 ms, 16.4–17.5 with one sort of them all.
fn sort_raw(raw: &mut Vec<Raw>) {
    let Some(&first) = raw.first() else { return };
    let mut start = [0usize; 257];
    for r in raw.iter() {
        start[r.rule as usize + 1] += 1;
    }
    for i in 1..start.len() {
        start[i] += start[i - 1];
    }
    let bounds = start;
    let mut out = vec![first; raw.len()];
    for r in raw.iter() {
        let at = &mut start[r.rule as usize];
        out[*at] = *r;
        *at += 1;
    }
    for w in bounds.windows(2) {
        let run = &mut out[w[0]..w[1]];
        if !run.is_sorted_by_key(Raw::key) {
            run.sort_by_key(Raw::key);
        }
    }
    *raw = out;
}

/// Where rules put their findings; knows which rules are on.
pub(crate) struct Sink {
    severities: Vec<Option<Severity>>,
    raw: Vec<Raw>,
    built: Vec<(String, Evidence<'static>)>,
    /// What rules found and keep for describing their findings at the end ([`Sink::note_kept`]):
    /// for each such finding its length, then its values.
    kept: Vec<u32>,
    /// False when only the findings' keys are wanted (the timeline, the periods): rules then
    /// record a finding with [`Sink::key`] instead of writing its message and evidence.
    text: bool,
}

impl Sink {
    /// An empty sink of these rules' severities, writing text or keeping keys only.
    fn with(severities: Vec<Option<Severity>>, text: bool) -> Sink {
        Sink { severities, raw: Vec::new(), built: Vec::new(), kept: Vec::new(), text }
    }

    fn new(config: &Config) -> Sink {
        Sink::with(config::effective_all(config), true)
    }

    fn silent() -> Sink {
        Sink::with(vec![None; RULES.len()], true)
    }

    /// A sink that keeps the findings' keys and no text ([`keys_only`]).
    fn keys(config: &Config) -> Sink {
        Sink::with(config::effective_all(config), false)
    }

    /// An empty sink with the same rules and mode, for one job of [`run_parallel`].
    fn empty_like(&self) -> Sink {
        Sink::with(self.severities.clone(), self.text)
    }

    /// Appends another sink's findings after this one's (their texts and kept values renumbered).
    fn append(&mut self, other: Sink) {
        let (base, kept_base) = (self.built.len() as u32, self.kept.len() as u32);
        self.raw.extend(other.raw.into_iter().map(|r| Raw {
            built: match r.built {
                NONE => NONE,
                b if b & KEPT != 0 => {
                    (b & !KEPT).checked_add(kept_base).filter(|&v| v < KEPT).map_or(NONE, |v| KEPT | v)
                }
                b => b + base,
            },
            ..r
        }));
        self.built.extend(other.built);
        self.kept.extend(other.kept);
    }

    /// True when the rule runs.
    pub fn on(&self, rule: usize) -> bool {
        self.severities[rule].is_some()
    }

    /// True when findings need their message and evidence; false in a keys-only audit, where
    /// a rule that writes its text when it finds records the finding with [`Sink::key`].
    pub fn text(&self) -> bool {
        self.text
    }

    /// Records a finding of an enabled rule without its text, in a keys-only audit
    /// (ignored when the rule is off).
    pub fn key(&mut self, rule: usize, subject: Node, territory: Option<Node>) {
        debug_assert!(!self.text, "a finding without text in an audit that builds findings");
        self.note(rule, subject, territory);
    }

    /// Records a finding of an enabled rule with its message and evidence (ignored when the rule is off).
    pub fn push(
        &mut self,
        rule: usize,
        subject: Node,
        territory: Option<Node>,
        message: String,
        evidence: Evidence<'static>,
    ) {
        if !self.text {
            drop((message, evidence));
            self.note(rule, subject, territory);
        } else if self.on(rule) {
            let built = self.built.len() as u32;
            self.built.push((message, evidence));
            self.raw.push(Raw {
                rule: rule as u8,
                subject: subject.index() as u32,
                territory: raw_node(territory),
                built,
            });
        }
    }

    /// Records a finding of an enabled rule that its family describes when the
    /// report is built (see [`describe`]); ignored when the rule is off.
    pub fn note(&mut self, rule: usize, subject: Node, territory: Option<Node>) {
        if self.on(rule) {
            self.raw.push(Raw {
                rule: rule as u8,
                subject: subject.index() as u32,
                territory: raw_node(territory),
                built: NONE,
            });
        }
    }

    /// As [`Sink::note`], keeping `values` for the rule's describer (which gets them back
    /// instead of finding them again); nothing is kept in a keys-only audit.
    pub fn note_kept(&mut self, rule: usize, subject: Node, territory: Option<Node>, values: &[u32]) {
        if !self.text || !self.on(rule) {
            return self.note(rule, subject, territory);
        }
        let at = self.kept.len();
        match u32::try_from(at).ok().filter(|&at| at < KEPT).zip(u32::try_from(values.len()).ok()) {
            Some((at, len)) => {
                self.kept.push(len);
                self.kept.extend_from_slice(values);
                self.raw.push(Raw {
                    rule: rule as u8,
                    subject: subject.index() as u32,
                    territory: raw_node(territory),
                    built: KEPT | at,
                });
            }
            // Past 2^31 values kept: described from the context alone, as any noted finding.
            None => self.note(rule, subject, territory),
        }
    }

    /// The findings in report order, their text written on up to `threads` threads (the
    /// order cut into contiguous slices, each taken by the next free thread; the slices
    /// joined in order).
    fn into_findings(self, ctx: &Context, threads: usize) -> Vec<Finding> {
        let model = ctx.model;
        let Sink { severities, mut raw, built, kept, .. } = self;
        // Rules push in order of their passes, mostly already the report's; a stable sort keeps
        // the order rules pushed equal keys in.
        if !raw.is_sorted_by_key(Raw::key) {
            sort_raw(&mut raw);
        }
        let kind = |r: &Raw| model.record(Node::new(r.subject)).record_type();
        debug_assert!(
            raw.windows(2).all(|w| w[0].rule != w[1].rule
                || kind(&w[0]) == kind(&w[1])
                || RULES[w[0].rule as usize].family == Family::Time),
            "the subjects of a rule are of one record type (T rules: records of any type, in document order)"
        );
        let doubts = crate::evidence::Doubts::new(model);
        // Slices of at least this many findings: fewer are not worth a thread.
        const SLICE: usize = 256;
        let threads = threads.clamp(1, raw.len().div_ceil(SLICE).max(1));
        if threads == 1 {
            let mut built: Vec<_> = built.into_iter().map(Some).collect();
            return describe_all(ctx, &severities, &doubts, &kept, &raw, &mut |i| built[i].take());
        }
        // Findings differ in cost (a built text is moved, a described one is written; some
        // rules write long evidence), so equal slices per thread finish at different times:
        // the order is cut into many small slices, taken by the next free thread, and the
        // results joined in slice order. Each slice takes the texts built for its findings.
        let chunk = raw.len().div_ceil(threads * SLICES_PER_THREAD).max(SLICE);
        let mut built: Vec<_> = built.into_iter().map(Some).collect();
        let slices: Vec<Slice<'_>> = raw
            .chunks(chunk)
            .map(|part| {
                let texts = part
                    .iter()
                    .filter(|r| r.built & KEPT == 0)
                    .filter_map(|r| built[r.built as usize].take())
                    .collect();
                std::sync::Mutex::new(Some((part, texts)))
            })
            .collect();
        let (severities, doubts, slices, kept) = (&severities, &doubts, &slices, &kept);
        let next = std::sync::atomic::AtomicUsize::new(0);
        let work = || {
            let mut done = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(slot) = slices.get(i) else { return done };
                let taken = slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
                if let Some((part, texts)) = taken {
                    let mut texts = texts.into_iter();
                    done.push((i, describe_all(ctx, severities, doubts, kept, part, &mut |_| texts.next())));
                }
            }
        };
        let mut parts = std::thread::scope(|s| {
            let helpers: Vec<_> = (1..threads).map(|_| s.spawn(work)).collect();
            let mut all = work();
            for h in helpers {
                all.extend(h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
            }
            all
        });
        parts.sort_unstable_by_key(|p| p.0);
        let mut findings = Vec::with_capacity(raw.len());
        for (_, part) in parts {
            findings.extend(part);
        }
        findings
    }
}

/// The slices per thread the findings' text is cut into (see `Sink::into_findings`).
const SLICES_PER_THREAD: usize = 16;

/// A finding's message and evidence.
type Text = (String, Evidence<'static>);

/// A slice of the report order with the texts built for its findings, until a thread takes it.
type Slice<'r> = std::sync::Mutex<Option<(&'r [Raw], Vec<Text>)>>;

/// The findings of `raw` (in report order) with their text: described from the context (and
/// what their rule kept in `kept`), or the text a rule built when it found them (`built(i)`
/// for the `i`th such text; called in order).
fn describe_all(
    ctx: &Context,
    severities: &[Option<Severity>],
    doubts: &crate::evidence::Doubts<'_>,
    kept: &[u32],
    raw: &[Raw],
    built: &mut dyn FnMut(usize) -> Option<Text>,
) -> Vec<Finding> {
    let model = ctx.model;
    let mut out = text::Out::default();
    let mut findings = Vec::with_capacity(raw.len());
    for (i, &r) in raw.iter().enumerate() {
        // The subjects' records and ids are scattered over the model: read the record two
        // findings ahead and the id and name one ahead, so their cache misses overlap with
        // the work on this one.
        if let Some(ahead) = raw.get(i + 2) {
            std::hint::black_box(model.record(Node::new(ahead.subject)));
        }
        if let Some(next) = raw.get(i + 1) {
            let (id, name) = model.id_name(Node::new(next.subject));
            std::hint::black_box((id.as_bytes().first(), name.as_bytes().first()));
        }
        let rule = &RULES[r.rule as usize];
        let subject = Node::new(r.subject);
        let territory = (r.territory != NONE).then(|| Node::new(r.territory));
        let (message, evidence) = if r.built & KEPT == 0 {
            built(r.built as usize).unwrap_or_default()
        } else {
            let values = (r.built != NONE).then(|| {
                let at = (r.built & !KEPT) as usize;
                &kept[at + 1..][..kept[at] as usize]
            });
            out.clear();
            describe(ctx, r.rule as usize, subject, territory, values, &mut out);
            out.take()
        };
        let subjects = [subject, territory.unwrap_or(subject)];
        let uncertain = doubts.of(&subjects, &evidence);
        findings.push(Finding {
            rule: rule.code,
            name: rule.name,
            severity: severities[r.rule as usize].unwrap_or(rule.default_severity),
            subject: model.id(subject).to_owned(),
            territory: territory.map(|t| model.id(t).to_owned()),
            message,
            evidence,
            uncertain,
        });
    }
    findings
}

fn raw_node(node: Option<Node>) -> u32 {
    node.map_or(NONE, |n| n.index() as u32)
}

/// Writes the message and evidence of a finding its family noted (see [`Sink::note`]), with
/// what its rule kept for it ([`Sink::note_kept`]).
fn describe(
    ctx: &Context,
    rule: usize,
    subject: Node,
    territory: Option<Node>,
    kept: Option<&[u32]>,
    out: &mut text::Out,
) {
    match rule {
        id::C001 | id::C002 | id::C003 | id::C006 | id::C007 | id::C008 => {
            rules::coverage::describe(ctx, rule, subject, out)
        }
        id::D001 => rules::registration::describe(ctx, subject, kept, out),
        id::B001 => rules::balance::describe(ctx, subject, territory, out),
        id::L001 | id::L002 => rules::lists::describe(ctx, rule, subject, out),
        _ => unreachable!("rule {} notes no findings", RULES[rule].code),
    }
}

/// The evidence fact for a link.
pub(crate) fn fact(model: &Model, link: LinkId) -> Fact<'static> {
    Fact::link(model, link)
}

/// One rule's line in the [`Summary`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RuleCount {
    /// The rule's code.
    pub code: &'static str,
    /// The rule's name.
    pub name: &'static str,
    /// The severity it ran at, or `None` when it was switched off.
    pub severity: Option<Severity>,
    /// How many findings it gave.
    pub findings: usize,
}

/// Counts of a [`Report`]'s findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Summary {
    /// Findings at severity error.
    pub errors: usize,
    /// Findings at severity warning.
    pub warnings: usize,
    /// Findings at severity info.
    pub infos: usize,
    /// Every rule of the catalogue, in catalogue order, with its severity and count.
    pub rules: Vec<RuleCount>,
}

/// The result of an [`audit`]: summary, findings and metrics.
///
/// Serialised as `{"summary": …, "findings": […], "metrics": …}`, everything in a stable order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Report {
    /// Counts by severity and rule.
    pub summary: Summary,
    /// The findings, by rule code, then the subject's document order, then the street/town.
    pub findings: Vec<Finding>,
    /// The per-territory metrics.
    pub metrics: Metrics,
}

impl Report {
    /// The number of findings at a severity.
    pub fn count(&self, severity: Severity) -> usize {
        match severity {
            Severity::Error => self.summary.errors,
            Severity::Warning => self.summary.warnings,
            Severity::Info => self.summary.infos,
        }
    }

    /// True when some finding has severity error.
    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }

    /// The findings of one rule (by code or name).
    pub fn findings_of<'a>(&'a self, rule: &str) -> impl Iterator<Item = &'a Finding> + 'a {
        let code = Rule::find(rule).map(|r| r.code);
        self.findings.iter().filter(move |f| Some(f.rule) == code)
    }

    /// The findings as a table for people: severity, rule, name, subject, street/town, message.
    pub fn to_table(&self) -> Table {
        let mut t = Table::new(["severity", "rule", "name", "subject", "street/town", "message"]);
        for f in &self.findings {
            t.row([f.severity.as_str(), f.rule, f.name, &f.subject, f.territory.as_deref().unwrap_or(""), &f.message]);
        }
        t
    }

    /// The findings table and a summary line, for a terminal.
    pub fn render(&self) -> String {
        let mut out = if self.findings.is_empty() { "no findings\n".to_string() } else { self.to_table().render() };
        out.push_str(&format!(
            "\n{} findings: {} errors, {} warnings, {} infos\n",
            self.findings.len(),
            self.summary.errors,
            self.summary.warnings,
            self.summary.infos
        ));
        out
    }

    /// The report as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// Runs every enabled rule of `config` over `model`; see the [module documentation](self).
/// On the threads [`audit_on`] chooses for 0: one per core for a large model.
pub fn audit(model: &Model, config: &Config) -> Report {
    audit_on(model, config, 0)
}

/// Models with fewer records than this are audited on one thread when the number of
/// threads is left to the audit (0): below it, starting threads costs more than it saves.
const PARALLEL_FROM: usize = 100_000;

/// The threads an audit or a timeline runs on for a `threads` argument: `threads` itself
/// (at most [`crate::format::MAX_THREADS`]), or for 0, one per available core (at most
/// 8), or 1 for a model of fewer than 100,000 records.
///
/// # Example
/// ```
/// use tiaokuai::{Model, audit::threads_for};
/// let model = Model::sample();
/// assert_eq!(threads_for(&model, 0), 1); // a small model: one thread
/// assert_eq!(threads_for(&model, 3), 3);
/// assert_eq!(threads_for(&model, 1 << 40), tiaokuai::format::MAX_THREADS);
/// ```
pub fn threads_for(model: &Model, threads: usize) -> usize {
    match threads {
        0 if model.len() < PARALLEL_FROM => 1,
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()).min(8),
        n => n.min(crate::format::MAX_THREADS),
    }
}

/// [`audit`] on up to `threads` threads ([`threads_for`]: 0 for one per core, 1 for this
/// thread alone). The report is the same whatever the number: the rule families run as
/// separate jobs, each into its own list, merged in catalogue order; the findings' text is
/// written in contiguous slices of the report order, joined in order. Threads are scoped to
/// the call (`std::thread::scope`): none outlives it and no pool is kept.
///
/// # Example
/// ```
/// use tiaokuai::{Config, Model, audit::audit_on};
/// let model = Model::sample();
/// let config = Config::default();
/// assert_eq!(audit_on(&model, &config, 4), audit_on(&model, &config, 1));
/// ```
pub fn audit_on(model: &Model, config: &Config, threads: usize) -> Report {
    let threads = threads_for(model, threads);
    let ctx = Context::new_on(model, config, threads);
    let mut sink = Sink::new(config);
    let metrics = if threads > 1 { run_parallel(&ctx, &mut sink, true, threads) } else { run(&ctx, &mut sink) };
    let severities = sink.severities.clone();
    let mut counts = vec![0usize; RULES.len()];
    for r in &sink.raw {
        counts[r.rule as usize] += 1;
    }
    let findings = sink.into_findings(&ctx, threads);
    let mut summary = Summary { errors: 0, warnings: 0, infos: 0, rules: Vec::with_capacity(RULES.len()) };
    for (i, r) in RULES.iter().enumerate() {
        let n = counts[i];
        match severities[i] {
            Some(Severity::Error) => summary.errors += n,
            Some(Severity::Warning) => summary.warnings += n,
            Some(Severity::Info) => summary.infos += n,
            None => {}
        }
        summary.rules.push(RuleCount { code: r.code, name: r.name, severity: severities[i], findings: n });
    }
    Report { summary, findings, metrics }
}

/// The metrics alone (no findings are built).
pub(crate) fn metrics_only(model: &Model, config: &Config) -> Metrics {
    let ctx = Context::new(model, config);
    run(&ctx, &mut Sink::silent())
}

/// The findings of an audit on one thread (those of [`audit`]) for which `keep` (rule code,
/// subject, street/town) is true, and the metrics' counts of the subjects of `only` alone:
/// per street/town (as its node, with its counts) and the units placed nowhere. The what-if
/// audits a part of each model this way ([`crate::whatif`]); the findings it does not keep
/// are never described (each finding's text is its own: leaving one out changes no other).
pub(crate) fn audit_counting(
    model: &Model,
    config: &Config,
    only: crate::metrics::Only,
    whole: Option<&Whole>,
    keep: &dyn Fn(&'static str, Node, Option<Node>) -> bool,
) -> (Vec<Finding>, Vec<(Node, crate::metrics::Counts)>, u64) {
    let mut ctx = Context::new(model, config);
    ctx.whole = whole;
    let mut sink = Sink::new(config);
    let mut tally = Tally::new(ctx.townships.len());
    tally.only = Some(only);
    run_families(&ctx, &mut sink, &mut tally, true);
    sink.raw.retain(|r| {
        let territory = (r.territory != NONE).then(|| Node::new(r.territory));
        keep(RULES[r.rule as usize].code, Node::new(r.subject), territory)
    });
    let rows = ctx.townships.iter().copied().zip(tally.rows.iter().copied()).collect();
    (sink.into_findings(&ctx, 1), rows, tally.unplaced)
}

/// What the P and M rules read of a whole model, given to the audit of a part of it (the
/// what-if's parts): whether the model has people and meetings, which unit kinds it staffs
/// (P001), the years its meetings span (M001), and the distinct community workers of the
/// streets/towns whose P004 findings are kept (by id).
#[derive(Debug, Clone)]
pub(crate) struct Whole {
    pub people: bool,
    pub meetings: bool,
    /// Per unit kind code: staffed at the date.
    pub staffed: Vec<bool>,
    /// [`rules::meetings::years`] of the whole model.
    pub years: Option<(u32, u32)>,
    /// Street/town id → its distinct community workers.
    pub workers: HashMap<String, u64>,
}

impl Context<'_> {
    /// True when the (whole) model has people or `holds` links.
    pub fn has_people(&self) -> bool {
        self.whole.map_or_else(|| self.model.has_people(), |w| w.people)
    }

    /// True when the (whole) model records meetings.
    pub fn has_meetings(&self) -> bool {
        self.whole.map_or_else(|| !self.model.meetings().is_empty(), |w| w.meetings)
    }
}

/// What each unit of `units` (ids) adds to the P rules' whole-model inputs, placed in `part`
/// (a part of `whole` placing them as `whole` does) with their posts read from `whole`: the
/// kind codes of those staffed at the date (P001), and (street/town id, person id) for each
/// community-worker post held in them in the view (P004). The what-if moves the kept inputs
/// of the model before by these, counted in its two models.
pub(crate) fn people_inputs<'a>(
    part: &Model,
    whole: &Model,
    config: &Config,
    units: impl Iterator<Item = &'a String>,
) -> (Vec<u8>, Vec<(String, String)>) {
    let ctx = Context::new(part, config);
    let (mut staffed, mut workers) = (Vec::new(), Vec::new());
    for id in units {
        let (Some(u), Some(w)) = (part.node(id), whole.node(id)) else { continue };
        if part.unit(u).is_none() {
            continue;
        }
        rules::people::unit_inputs(&ctx, u, whole, w, &mut staffed, &mut |street, person| {
            workers.push((part.id(street).to_string(), whole.id(person).to_string()));
        });
    }
    (staffed, workers)
}

/// The first and last years of the meetings that have happened at the model's date (M001
/// reads its years from the first); `None` when none has.
pub(crate) fn meeting_years(model: &Model) -> Option<(u32, u32)> {
    rules::meetings::years(model)
}

/// [`people_inputs`] of every unit of a whole model: per kind code the units staffed, and
/// per street/town id the community-worker posts per person id.
pub(crate) fn people_totals(model: &Model, config: &Config) -> (Vec<u32>, HashMap<String, HashMap<String, u32>>) {
    let ctx = Context::new(model, config);
    let mut counts = vec![0u32; 256];
    let mut workers: HashMap<String, HashMap<String, u32>> = HashMap::new();
    let mut staffed = Vec::new();
    for u in ctx.units() {
        rules::people::unit_inputs(&ctx, u, model, u, &mut staffed, &mut |street, person| {
            *workers
                .entry(model.id(street).to_string())
                .or_default()
                .entry(model.id(person).to_string())
                .or_default() += 1;
        });
    }
    for code in staffed {
        counts[usize::from(code)] += 1;
    }
    (counts, workers)
}

/// The findings of the P and M rules alone, in report order (none for a model without people
/// and meetings): the what-if runs these two families on whole models, since P001 reads which
/// unit kinds are staffed anywhere and M001 the first year with a meeting anywhere, and
/// re-examines the others in part.
pub(crate) fn people_and_meetings_findings(model: &Model, config: &Config) -> Vec<Finding> {
    if !model.has_people() && model.meetings().is_empty() {
        return Vec::new();
    }
    let ctx = Context::new(model, config);
    let mut sink = Sink::new(config);
    rules::meetings::run(&ctx, &mut sink);
    rules::people::run(&ctx, &mut sink);
    sink.into_findings(&ctx, 1)
}

/// The findings of one audit as keys, in report order, and the metrics, without building
/// any finding's text (for the timeline and the findings with periods, issue #12).
pub(crate) fn keys_only(model: &Model, config: &Config) -> (Metrics, Vec<FindingKey>) {
    let ctx = Context::new(model, config);
    let mut sink = Sink::keys(config);
    let metrics = run(&ctx, &mut sink);
    let mut keys: Vec<FindingKey> = sink.raw.iter().map(|r| FindingKey(r.key())).collect();
    keys.sort_unstable();
    (metrics, keys)
}

/// The findings of one audit counted by rule (indexed as [`RULES`]) and the metrics, without
/// building any finding's text, and without the T rules: their findings are the same at
/// every date ([`rules::time`]), so the timeline counts them once ([`time_rule_counts`]).
pub(crate) fn counts_without_time_rules(model: &Model, config: &Config) -> (Metrics, Vec<usize>) {
    let ctx = Context::new(model, config);
    let mut sink = Sink::keys(config);
    let metrics = run_rules(&ctx, &mut sink, false);
    let mut counts = vec![0; RULES.len()];
    for r in &sink.raw {
        counts[r.rule as usize] += 1;
    }
    (metrics, counts)
}

/// The findings of the T rules counted by rule (indexed as [`RULES`]): the same in every
/// view of a document, since those rules read the whole document.
pub(crate) fn time_rule_counts(model: &Model, config: &Config) -> Vec<usize> {
    let mut counts = vec![0; RULES.len()];
    if !model.is_dated() {
        return counts;
    }
    let ctx = Context::new(model, config);
    let mut sink = Sink::keys(config);
    rules::time::run(&ctx, &mut sink);
    for r in &sink.raw {
        counts[r.rule as usize] += 1;
    }
    counts
}

/// What identifies a finding across dates: its rule (index in [`RULES`]), subject and
/// street/town (node indices, which every view of a document shares).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct FindingKey((u8, u32, u32));

impl FindingKey {
    /// The rule's index in [`RULES`].
    pub fn rule(self) -> usize {
        self.0.0 as usize
    }
    /// The finding's subject.
    pub fn subject(self) -> Node {
        Node::new(self.0.1)
    }
    /// The finding's street/town, if any.
    pub fn territory(self) -> Option<Node> {
        (self.0.2 != 0).then(|| Node::new(self.0.2 - 1))
    }
}

fn run(ctx: &Context, sink: &mut Sink) -> Metrics {
    run_rules(ctx, sink, true)
}

/// One rule family's pass, as a job of [`run_parallel`].
type Job = fn(&Context, &mut Sink, &mut Tally);

/// The rule families as the parallel audit's jobs, in the order [`run_rules`] runs them (the
/// order their findings are joined in; [`JOB_ORDER`] is the order they are taken in).
const JOBS: [Job; 10] = [
    |c, s, _| rules::structure::run(c, s),
    rules::coverage::run,
    rules::registration::run,
    rules::matters::run,
    rules::balance::run,
    |c, s, _| rules::lists::run(c, s),
    |c, s, _| rules::time::run_records(c, s),
    |c, s, _| rules::time::run_links(c, s),
    |c, s, _| rules::meetings::run(c, s),
    |c, s, _| rules::people::run(c, s),
];

/// The indices of the T rules' two jobs in [`JOBS`] (records, then links: in that order, so
/// that their findings are joined as [`rules::time::run`] gives them).
const TIME_JOBS: [usize; 2] = [6, 7];

/// The order the threads take the jobs in: the longest first, so that no long job starts
/// last while the other threads go idle (the findings are joined in [`JOBS`] order whatever
/// the order they were found in). Measured on two threads on the national model with people
/// and history (2026-12-05, after the T rules read only what is dated): people 340–477 ms, the
/// T rules' links 273–362, structure 233–567, the T rules' records 151–161, coverage 109–130,
/// matters 99–195, registration 65–75, balance 57–61, lists 8 ms. With the people job taken
/// fifth, the audit ended late in half the runs (1.5 s against 1.2 s); first, in one in ten.
const JOB_ORDER: [usize; 10] = [
    9,            // people
    TIME_JOBS[1], // the T rules' links
    0,            // structure
    TIME_JOBS[0], // the T rules' records
    1,            // coverage
    3,            // matters
    2,            // registration
    4,            // balance
    5,            // lists
    8,            // meetings
];

/// [`run_rules`] on `threads` threads: each family (the T rules as two) is a job with its own
/// sink and tally, taken by the next free thread in [`JOB_ORDER`]; the sinks are appended
/// and the tallies added in the order of [`JOBS`], so the result is [`run_rules`]'s whatever
/// the threads and their timing.
fn run_parallel(ctx: &Context, sink: &mut Sink, time_rules: bool, threads: usize) -> Metrics {
    let skip = |j: usize| TIME_JOBS.contains(&j) && !(time_rules && ctx.model.is_dated());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let Some(&j) = JOB_ORDER.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed)) else {
                return done;
            };
            if skip(j) {
                continue;
            }
            let mut part = sink.empty_like();
            let mut tally = Tally::new(0);
            if matches!(j, 1..=4) {
                tally = Tally::new(ctx.townships.len());
            }
            JOBS[j](ctx, &mut part, &mut tally);
            done.push((j, part, tally));
        }
    };
    let mut parts: Vec<(usize, Sink, Tally)> = std::thread::scope(|s| {
        let helpers: Vec<_> = (1..threads.min(JOBS.len())).map(|_| s.spawn(work)).collect();
        let mut all = work();
        for h in helpers {
            all.extend(h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        }
        all
    });
    parts.sort_unstable_by_key(|p| p.0);
    let mut tally = Tally::new(ctx.townships.len());
    for (_, part, t) in parts {
        sink.append(part);
        for (row, c) in tally.rows.iter_mut().zip(t.rows) {
            *row += c;
        }
        tally.unplaced += t.unplaced;
    }
    Metrics::finish(ctx, tally)
}

/// Every rule family, the T rules only when `time_rules` (and the model has dates: without
/// any they find nothing, so an undated model does not pay for their pass), then the metrics.
fn run_rules(ctx: &Context, sink: &mut Sink, time_rules: bool) -> Metrics {
    let mut tally = Tally::new(ctx.townships.len());
    run_families(ctx, sink, &mut tally, time_rules);
    Metrics::finish(ctx, tally)
}

/// [`run_rules`] into a given tally, without building the metrics.
fn run_families(ctx: &Context, sink: &mut Sink, tally: &mut Tally, time_rules: bool) {
    rules::structure::run(ctx, sink);
    rules::coverage::run(ctx, sink, tally);
    rules::registration::run(ctx, sink, tally);
    rules::matters::run(ctx, sink, tally);
    rules::balance::run(ctx, sink, tally);
    rules::lists::run(ctx, sink);
    if time_rules && ctx.model.is_dated() {
        rules::time::run(ctx, sink);
    }
    rules::meetings::run(ctx, sink);
    rules::people::run(ctx, sink);
}

impl Model {
    /// Runs the audit; see [`audit()`].
    pub fn audit(&self, config: &Config) -> Report {
        audit(self, config)
    }

    /// Runs the audit on up to `threads` threads (0: one per core, 1: this thread alone);
    /// see [`audit_on()`]. The same report whatever the number.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::{Config, Model};
    /// let model = Model::sample();
    /// assert_eq!(model.audit_on(&Config::default(), 2), model.audit_on(&Config::default(), 1));
    /// ```
    pub fn audit_on(&self, config: &Config, threads: usize) -> Report {
        audit_on(self, config, threads)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Seen` against a set of every (list, record) inserted: across pages written on first
    /// touch, pages never touched, growth past its size, and lists emptied by `clear`.
    #[test]
    fn seen_is_a_set_per_list_across_its_pages() {
        use proptest::prelude::*;
        let lists = proptest::collection::vec(proptest::collection::vec(0u32..5000, 0..40), 1..30);
        proptest!(ProptestConfig::with_cases(200), |(lists in lists, sized in any::<bool>())| {
            let mut seen = if sized { Seen::new(3000) } else { Seen::default() };
            for list in &lists {
                seen.clear();
                let mut want = std::collections::HashSet::new();
                for &x in list {
                    prop_assert_eq!(seen.insert(Node::new(x)), want.insert(x));
                }
                for x in (0..5000).step_by(7).chain(list.iter().copied()) {
                    prop_assert_eq!(seen.contains(Node::new(x)), want.contains(&x), "record {}", x);
                }
            }
        });
    }

    #[test]
    fn codes_follow_the_vocabularies() {
        for (i, k) in UnitKind::ALL.iter().enumerate() {
            assert_eq!(unit_code(k) as usize, i, "{k}");
        }
        for (i, s) in Sector::ALL.iter().enumerate() {
            assert_eq!(sector_code(Some(s)) as usize, i, "{s}");
        }
        assert_eq!(UnitKind::ALL.iter().filter(|k| k.is_party_org()).count(), 6);
        assert!(UnitKind::ALL[..6].iter().all(|k| k.is_party_org()));
        assert_eq!((UnitKind::ALL[7], UnitKind::ALL[8]), (UnitKind::Department, UnitKind::DispatchedAgency));
    }

    /// `sort_raw` gives what a stable sort by key gives: findings of a few rules, subjects
    /// mostly in order within a rule and interleaved across rules, with equal keys (told
    /// apart by `built`, which the key does not read).
    #[test]
    fn findings_sort_as_a_stable_sort_by_key() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = |m: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % m) as u32
        };
        for round in 0..200 {
            let n = next(300) as usize;
            let mut subjects = [0u32; 6];
            let raw: Vec<Raw> = (0..n)
                .map(|i| {
                    let rule = next(6) as u8 * 7;
                    let s = &mut subjects[rule as usize / 7];
                    // Mostly increasing; sometimes back, sometimes the same subject again.
                    *s = match next(10) {
                        0 => next(50),
                        1 => *s,
                        _ => *s + next(3),
                    };
                    let territory = if next(3) == 0 { NONE } else { next(4) };
                    Raw { rule, subject: *s, territory, built: i as u32 }
                })
                .collect();
            let mut expected = raw.clone();
            expected.sort_by_key(Raw::key);
            let mut got = raw;
            sort_raw(&mut got);
            let ids = |v: &[Raw]| v.iter().map(|r| (r.key(), r.built)).collect::<Vec<_>>();
            assert_eq!(ids(&got), ids(&expected), "round {round}");
        }
    }

    /// The threads take every job once.
    #[test]
    fn the_job_order_takes_every_job_once() {
        let mut order = JOB_ORDER;
        order.sort_unstable();
        assert_eq!(order, std::array::from_fn::<usize, { JOBS.len() }, _>(|i| i));
    }

    #[test]
    fn relations_keep_link_order() {
        let rel = Rel::build(4, &[(2, 0, 10), (1, 3, 11), (2, 1, 12), (0, 2, 13), (2, 3, 14)]);
        let at = |n: u32| rel.get_links(Node::new(n)).map(|(x, l)| (x.index(), l)).collect::<Vec<_>>();
        assert_eq!(at(0), [(2, 13)]);
        assert_eq!(at(1), [(3, 11)]);
        assert_eq!(at(2), [(0, 10), (1, 12), (3, 14)]);
        assert_eq!(at(3), []);
    }

    /// The findings of an audit as keys, with their text built (`text`) or not.
    #[cfg(feature = "divisions")]
    fn raw_keys(model: &Model, config: &Config, text: bool) -> Vec<(u8, u32, u32)> {
        let ctx = Context::new(model, config);
        let mut sink = if text { Sink::new(config) } else { Sink::keys(config) };
        run(&ctx, &mut sink);
        let mut keys: Vec<_> = sink.raw.iter().map(Raw::key).collect();
        keys.sort_unstable();
        keys
    }

    /// The two halves of the link pass that `Context::new_on` runs on two threads, joined,
    /// give the columns of one pass: on the sample, a generated district with history (views
    /// leave links out of force) and a model of custom and primary `leads` links.
    #[test]
    #[cfg(feature = "divisions")]
    fn the_link_pass_in_two_parts_gives_the_columns_of_one() {
        let history = crate::generate::GenerateOptions::new(crate::generate::Scale::District, 5)
            .history(true)
            .generate()
            .unwrap();
        let small = Model::from_json(
            r#"{"format": "tiaokuai/1",
              "territories": [{"id": "t", "name": "T", "kind": "community"}],
              "units": [{"id": "a", "name": "A", "kind": "party_committee"},
                        {"id": "b", "name": "B", "kind": "government"},
                        {"id": "c", "name": "C", "kind": "party_branch", "members": 3}],
              "links": [{"from": "a", "to": "c", "kind": "leads"},
                        {"from": "b", "to": "c", "kind": "leads", "primary": true},
                        {"from": "a", "to": "b", "kind": "x-advises"},
                        {"from": "c", "to": "b", "kind": "party_org_of"},
                        {"from": "a", "to": "b", "kind": "instructs"},
                        {"from": "c", "to": "a", "kind": "registers_with"},
                        {"from": "a", "to": "t", "kind": "jurisdiction"}]}"#,
        )
        .unwrap();
        let rel = |r: &Rel| (r.offsets.clone(), r.items.clone(), r.links.clone());
        for model in [Model::sample(), history.at("2016-06".parse().unwrap()), history, small] {
            let one = LinkColumns::new(&model);
            let two = LinkColumns::joined(
                LinkColumns::pass(&model, LinkPart::Leads),
                LinkColumns::pass(&model, LinkPart::Rest),
            );
            assert!(one.leads.iter().any(|l| l.2 & PRIMARY != 0) || model.len() > 100);
            assert_eq!(one.flags, two.flags);
            assert_eq!((&one.leads, &one.leader), (&two.leads, &two.leader));
            assert_eq!((&one.org_of, &one.registers), (&two.org_of, &two.registers));
            assert_eq!(rel(&one.juris), rel(&two.juris));
        }
    }

    /// A keys-only audit (the timeline's and the periods') finds what the full audit finds,
    /// every rule included, though its rules skip writing messages and evidence; and the
    /// timeline's split (T rules counted once, the others per date) adds up to it.
    #[test]
    #[cfg(feature = "divisions")]
    fn keys_only_audit_finds_what_the_full_audit_finds() {
        let config = Config::default();
        let history = crate::generate::GenerateOptions::new(crate::generate::Scale::District, 3)
            .history(true)
            .generate()
            .unwrap();
        let scenario: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/scenarios/t-time-rules.json")).unwrap();
        let time_rules = Model::from_json(&scenario["model"].to_string()).unwrap();
        let mut rules_seen = std::collections::BTreeSet::new();
        for model in [Model::sample(), history, time_rules] {
            for date in ["2010", "2014-12-31", "2016-06", "2019-06-30", "2024"] {
                let view = model.at(date.parse().unwrap());
                let full = raw_keys(&view, &config, true);
                assert_eq!(raw_keys(&view, &config, false), full, "at {date}");
                rules_seen.extend(full.iter().map(|k| RULES[k.0 as usize].code));
                let mut counts = vec![0; RULES.len()];
                for k in &full {
                    counts[k.0 as usize] += 1;
                }
                let (_, mut split) = counts_without_time_rules(&view, &config);
                for (n, t) in split.iter_mut().zip(time_rule_counts(&model, &config)) {
                    *n += t;
                }
                assert_eq!(split, counts, "at {date}");
            }
        }
        // The rules whose keys-only path skips the text are exercised.
        for code in ["S002", "S003", "S004", "T001", "T002", "T003", "T004"] {
            assert!(rules_seen.contains(code), "{code} never fires: {rules_seen:?}");
        }
    }

    #[test]
    fn leader_follows_the_leadership_line() {
        let model = Model::sample();
        let config = Config::default();
        let ctx = Context::new(&model, &config);
        for u in ctx.units() {
            let (path, _) = crate::query::leadership_path(&model, u);
            assert_eq!(ctx.leader(u), path.get(1).copied().filter(|&p| p != u), "{}", model.id(u));
        }
    }

    #[test]
    fn labels_quote_ids() {
        let model = Model::from_json(
            r#"{"format": "tiaokuai/1", "units": [{"id": "a", "name": "甲", "kind": "enterprise"},
                {"id": "b\"c", "name": "乙", "kind": "enterprise"}]}"#,
        )
        .unwrap();
        assert_eq!(label(&model, model.node("a").unwrap()).to_string(), r#""a" (甲)"#);
        assert_eq!(label(&model, model.node("b\"c").unwrap()).to_string(), r#""b\"c" (乙)"#);
    }

    #[test]
    fn paired_and_two_way_relations_keep_link_order() {
        let first = [(2, 0, 10), (1, 3, 11), (2, 1, 12)];
        let second = [(2, 3, 13), (0, 1, 14), (2, 0, 15)];
        let rel = Rel::two(4, &first, &second);
        let ids = |it: &mut dyn Iterator<Item = Node>| it.map(|n| n.index()).collect::<Vec<_>>();
        assert_eq!(ids(&mut rel.first(Node::new(2))), [0, 1]);
        assert_eq!(ids(&mut rel.second(Node::new(2))), [3, 0]);
        assert_eq!(ids(&mut rel.first(Node::new(0))), Vec::<usize>::new());
        assert_eq!(ids(&mut rel.second(Node::new(0))), [1]);
        assert_eq!(ids(&mut rel.first(Node::new(1))), [3]);
        assert_eq!(ids(&mut rel.second(Node::new(1))), Vec::<usize>::new());
        assert_eq!(rel.first(Node::new(3)).len() + rel.second(Node::new(3)).len(), 0);

        // Units 0 and 1 hold territories 2 and 3.
        let rel = Rel::both_ways(4, &[(1, 3, 20), (0, 2, 21), (1, 2, 22)]);
        assert_eq!(ids(&mut rel.get(Node::new(1))), [3, 2]);
        assert_eq!(ids(&mut rel.get(Node::new(0))), [2]);
        assert_eq!(ids(&mut rel.get(Node::new(2))), [0, 1]);
        assert_eq!(ids(&mut rel.get(Node::new(3))), [1]);
    }

    /// The findings rules note and describe at the end, with their exact messages and
    /// evidence, in report order (the expected file was written by the audit that built
    /// every message when it found it, so a change of text is a change of output).
    #[test]
    fn noted_findings_keep_their_text() {
        let model = Model::from_json(include_str!("golden/notes.model.json")).unwrap();
        let report = model.audit(&Config::default());
        let expected: serde_json::Value = serde_json::from_str(include_str!("golden/notes.findings.json")).unwrap();
        let found = serde_json::to_value(&report.findings).unwrap();
        let (found, expected) = (found.as_array().unwrap(), expected.as_array().unwrap());
        for (f, e) in found.iter().zip(expected) {
            assert_eq!(f, e);
        }
        assert_eq!(found.len(), expected.len());
        for code in ["C001", "C002", "C003", "C006", "C007", "C008", "D001", "B001", "L001", "L002"] {
            assert!(report.findings_of(code).next().is_some(), "the fixture triggers {code}");
        }
    }

    /// D001's describer gets the failing units the rule kept; described from the context
    /// alone (the check run again, as for a finding noted without them) gives the same text.
    #[test]
    fn kept_values_describe_as_the_check_run_again() {
        let model = Model::from_json(include_str!("golden/notes.model.json")).unwrap();
        let config = Config::default();
        let ctx = Context::new(&model, &config);
        let mut sink = Sink::new(&config);
        let mut tally = crate::metrics::Tally::new(ctx.townships.len());
        rules::registration::run(&ctx, &mut sink, &mut tally);
        assert!(!sink.raw.is_empty() && sink.raw.iter().all(|r| r.built & KEPT != 0 && r.built != NONE));
        assert!(sink.kept.len() > sink.raw.len() * 4, "some finding keeps two units or more");
        let again: Vec<Raw> = sink.raw.iter().map(|&r| Raw { built: NONE, ..r }).collect();
        let doubts = crate::evidence::Doubts::new(&model);
        let severities = config::effective_all(&config);
        let kept = describe_all(&ctx, &severities, &doubts, &sink.kept, &sink.raw, &mut |_| None);
        let found = describe_all(&ctx, &severities, &doubts, &[], &again, &mut |_| None);
        assert_eq!(serde_json::to_value(&kept).unwrap(), serde_json::to_value(&found).unwrap());

        // Two sinks joined: the second's kept values are renumbered after the first's.
        let mut first = Sink::new(&config);
        rules::registration::run(&ctx, &mut first, &mut crate::metrics::Tally::new(ctx.townships.len()));
        first.append(sink);
        let joined = describe_all(&ctx, &severities, &doubts, &first.kept, &first.raw, &mut |_| None);
        assert_eq!(joined.len(), 2 * found.len());
        for half in joined.chunks(found.len()) {
            assert_eq!(serde_json::to_value(half).unwrap(), serde_json::to_value(&found).unwrap());
        }
    }

    #[test]
    fn territory_classes_and_relations_match_the_model() {
        let model = Model::sample();
        let config = Config::default();
        let ctx = Context::new(&model, &config);
        for (t, terr) in model.territories() {
            assert_eq!(ctx.territory_class(t), territory_class(&terr.kind));
            let holders: Vec<Node> = model.sources(t, &LinkKind::Jurisdiction).collect();
            assert_eq!(ctx.held_by(t).collect::<Vec<_>>(), holders, "{}", model.id(t));
        }
        assert_eq!(ctx.territories().count(), model.territories().count());
        for (u, _) in model.units() {
            assert_eq!(ctx.territory_class(u), tclass::NONE);
            let targets = |kind| model.targets(u, kind).collect::<Vec<Node>>();
            assert_eq!(ctx.holds(u).collect::<Vec<_>>(), targets(&LinkKind::Jurisdiction));
            assert_eq!(ctx.org_of(u).collect::<Vec<_>>(), targets(&LinkKind::PartyOrgOf));
            assert_eq!(ctx.registers(u).collect::<Vec<_>>(), targets(&LinkKind::RegistersWith));
        }
    }
}
