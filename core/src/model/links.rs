//! The links of a model in columns (issue #19, "links by kind").
//!
//! The petgraph graph keeps each link's ends and kind in its edge slot (24 bytes); what only
//! some kinds have is kept here, by link id: `primary`, `power` and `role` packed into one
//! byte per link, the dates in a column that exists only when some link has one, and
//! `scope`, `members`, `event` and `attrs` in [`Sparse`] tables that cost 1.5 bits per link
//! plus their values. A link used to be a 72-byte edge slot holding a whole [`Link`], room
//! for every optional field; a national model has 9.3 million of them.

use super::record::{Attrs, Date, Link, Node, Validity};
use super::{Power, Role, SuccessionEvent};

/// Values for some of a run of ids, with a rank bitmap over the ids: one bit per id saying
/// whether it has a value, and per word of 64 ids the number of values before it, so finding
/// an id's value is a word, a count and a population count. 1.5 bits per id in the range
/// the values span; nothing at all when there are none.
#[derive(Debug, Clone)]
pub(crate) struct Sparse<T> {
    rank: Vec<(u64, u32)>,
    values: Vec<T>,
}

impl<T> Default for Sparse<T> {
    fn default() -> Self {
        Sparse { rank: Vec::new(), values: Vec::new() }
    }
}

impl<T> Sparse<T> {
    /// Adds the value of `id`, which must be greater than every id added before.
    pub fn push(&mut self, id: u32, value: T) {
        let word = id as usize / 64;
        debug_assert!(self.last().is_none_or(|last| last < id), "ids added in increasing order");
        if self.rank.len() <= word {
            let before = self.values.len() as u32;
            self.rank.resize(word + 1, (0, before));
        }
        self.rank[word].0 |= 1 << (id % 64);
        self.values.push(value);
    }

    /// The value of `id`, when it has one.
    #[inline]
    pub fn get(&self, id: u32) -> Option<&T> {
        self.values.get(self.position(id)?)
    }

    #[inline]
    fn position(&self, id: u32) -> Option<usize> {
        let &(bits, before) = self.rank.get(id as usize / 64)?;
        let bit = 1u64 << (id % 64);
        (bits & bit != 0).then(|| before as usize + (bits & (bit - 1)).count_ones() as usize)
    }

    /// The greatest id with a value.
    fn last(&self) -> Option<u32> {
        let (w, &(bits, _)) = self.rank.iter().enumerate().rev().find(|(_, (bits, _))| *bits != 0)?;
        Some(w as u32 * 64 + 63 - bits.leading_zeros())
    }

    /// How many ids have a value.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// The ids with a value and their values, ids ascending.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &T)> + '_ {
        let ids = self.rank.iter().enumerate().flat_map(|(w, &(bits, _))| {
            let mut left = bits;
            std::iter::from_fn(move || {
                (left != 0).then(|| {
                    let bit = left.trailing_zeros();
                    left &= left - 1;
                    w as u32 * 64 + bit
                })
            })
        });
        ids.zip(&self.values)
    }
}

/// The bit of [`LinkTable::detail`] saying that a link has a `scope`, `members` or `event`.
const SPARSE: u8 = 0x80;

/// What a link has beyond its ends and kind (which the graph's edge slot holds), by link id.
#[derive(Debug, Clone, Default)]
pub(crate) struct LinkTable {
    /// `primary` (bits 0–1: none, false, true), `power` (bits 2–4: none or its place in
    /// [`Power::ALL`] + 1), `role` (bits 5–6, likewise) and whether the link has a `scope`,
    /// `members` or `event` (bit 7, [`SPARSE`]), one byte per link.
    detail: Vec<u8>,
    /// The dates of every link, or empty when no link has one (most models).
    validity: Vec<Validity>,
    /// True once `validity` holds every link's dates (a link had some).
    dates: bool,
    scope: Sparse<Node>,
    members: Sparse<u32>,
    event: Sparse<SuccessionEvent>,
    attrs: Sparse<Attrs>,
}

impl LinkTable {
    /// An empty table with room for `links` links.
    pub fn with_capacity(links: usize) -> LinkTable {
        LinkTable { detail: Vec::with_capacity(links), ..LinkTable::default() }
    }

    /// Adds the next link's fields (its id is the number of links added before).
    pub fn push(&mut self, link: &Link, attrs: Option<Attrs>) {
        let id = self.detail.len() as u32;
        let primary = match link.primary {
            None => 0,
            Some(false) => 1,
            Some(true) => 2,
        };
        let power = link.power.map_or(0, |p| p as u8 + 1);
        let role = link.role.map_or(0, |r| r as u8 + 1);
        let sparse = if link.scope.is_some() || link.members.is_some() || link.event.is_some() { SPARSE } else { 0 };
        self.detail.push(primary | power << 2 | role << 5 | sparse);
        if !link.validity.is_empty() && !self.dates {
            self.dates = true;
            self.validity = vec![Validity::default(); id as usize];
        }
        if self.dates {
            self.validity.push(link.validity);
        }
        if let Some(scope) = link.scope {
            self.scope.push(id, scope);
        }
        if let Some(members) = link.members {
            self.members.push(id, members);
        }
        if let Some(event) = link.event {
            self.event.push(id, event);
        }
        if let Some(attrs) = attrs {
            self.attrs.push(id, attrs);
        }
    }

    /// Gives back the room no link took (once every link is added).
    pub fn shrink_to_fit(&mut self) {
        self.detail.shrink_to_fit();
        self.validity.shrink_to_fit();
        for rank in [&mut self.scope.rank, &mut self.members.rank, &mut self.event.rank, &mut self.attrs.rank] {
            rank.shrink_to_fit();
        }
        self.scope.values.shrink_to_fit();
        self.members.values.shrink_to_fit();
        self.event.values.shrink_to_fit();
        self.attrs.values.shrink_to_fit();
    }

    /// The link `id` whose ends and kind the graph gives.
    #[inline]
    pub fn link(&self, id: u32, from: Node, to: Node, kind: super::LinkKind) -> Link {
        let detail = self.detail[id as usize];
        let primary = self.primary(id);
        let power = match (detail >> 2) & 7 {
            0 => None,
            p => Power::ALL.get(p as usize - 1).copied(),
        };
        let role = match (detail >> 5) & 3 {
            0 => None,
            r => Role::ALL.get(r as usize - 1).copied(),
        };
        let (scope, members, event) = if detail & SPARSE == 0 {
            (None, None, None)
        } else {
            (self.scope.get(id).copied(), self.members.get(id).copied(), self.event.get(id).copied())
        };
        Link { from, to, kind, primary, power, role, scope, members, event, validity: self.validity(id) }
    }

    /// The `primary` of link `id`, from its byte alone.
    #[inline]
    pub fn primary(&self, id: u32) -> Option<bool> {
        match self.detail[id as usize] & 3 {
            0 => None,
            1 => Some(false),
            _ => Some(true),
        }
    }

    /// The dates of link `id`.
    #[inline]
    pub fn validity(&self, id: u32) -> Validity {
        self.validity.get(id as usize).copied().unwrap_or_default()
    }

    /// True when some link has a date.
    pub fn dated(&self) -> bool {
        self.validity.iter().any(|v| !v.is_empty())
    }

    /// Ends link `id` on `until`.
    pub fn set_until(&mut self, id: u32, until: Date) {
        if !self.dates {
            self.dates = true;
            self.validity = vec![Validity::default(); self.detail.len()];
        }
        self.validity[id as usize].until = Some(until);
    }

    /// The attrs of link `id`.
    #[inline]
    pub fn attrs(&self, id: u32) -> Option<&Attrs> {
        self.attrs.get(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparse_values_are_found_by_id_and_listed_in_order() {
        // Ids across word boundaries, with gaps, checked against a plain map.
        let ids = [0u32, 1, 5, 63, 64, 65, 127, 128, 300, 1000, 1001, 4095];
        let mut sparse = Sparse::default();
        for &id in &ids {
            sparse.push(id, id * 10);
        }
        for id in 0..5000u32 {
            let want = ids.contains(&id).then_some(id * 10);
            assert_eq!(sparse.get(id).copied(), want, "id {id}");
        }
        assert_eq!(sparse.iter().map(|(id, v)| (id, *v)).collect::<Vec<_>>(), ids.map(|id| (id, id * 10)).to_vec());
        assert_eq!(sparse.len(), ids.len());
        assert_eq!(Sparse::<u8>::default().get(0), None);
    }

    #[test]
    fn every_detail_combination_reads_back() {
        // Every primary, power and role (and none) packed into the byte, read back whole.
        let (from, to) = (Node::new(0), Node::new(1));
        let mut table = LinkTable::default();
        let mut written = Vec::new();
        for primary in [None, Some(false), Some(true)] {
            for power in std::iter::once(None).chain(Power::ALL.iter().copied().map(Some)) {
                for role in std::iter::once(None).chain(Role::ALL.iter().copied().map(Some)) {
                    let n = written.len();
                    let since = (n % 7 == 0).then(|| Date::new(2020, 1, 1).expect("a date"));
                    let link = Link {
                        from,
                        to,
                        kind: super::super::LinkKind::Responsible,
                        primary,
                        power,
                        role,
                        scope: (n % 5 == 0).then_some(to),
                        members: (n % 3 == 0).then_some(n as u32),
                        event: None,
                        validity: Validity::new(since, None),
                    };
                    table.push(&link, None);
                    written.push(link);
                }
            }
        }
        for (id, link) in written.iter().enumerate() {
            assert_eq!(&table.link(id as u32, from, to, link.kind), link);
        }
        assert!(table.dated());
        assert_eq!(table.attrs(0), None);
    }
}
