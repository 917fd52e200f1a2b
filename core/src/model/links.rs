//! The links of a model in columns (issue #19, "links by kind").
//!
//! Every link is kept here by link id: its ends (8 bytes) and its kind (one byte, a custom
//! `x-` kind in a [`Sparse`] table) in columns; `primary`, `power` and `role` packed into one
//! byte; `since` and `until` each in a [`Sparse`] table (the links with that date); `scope`, `members`,
//! `event` and `attrs` in [`Sparse`] tables that cost 1.5 bits per link plus their values. A
//! link used to be a 72-byte petgraph edge slot holding a whole [`Link`], room for every
//! optional field, then a 24-byte edge slot and this table; a national model with people has
//! 17 million of them. The petgraph graph is built from these columns only when asked for
//! ([`crate::Model::graph`]).

use super::col::Col;
use super::record::{Attrs, Date, Link, Node, Validity};
use super::{LinkKind, Power, Role, SuccessionEvent};

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

/// The kind code of a custom `x-` link kind (its word is in [`LinkTable::custom`]); a
/// built-in kind's code is its place in [`LinkKind::ALL`].
const CUSTOM_KIND: u8 = u8::MAX;
const _: () = assert!(LinkKind::ALL.len() < CUSTOM_KIND as usize, "every built-in link kind has a code");

/// Every link's fields, by link id.
#[derive(Debug, Clone, Default)]
pub(crate) struct LinkTable {
    /// Each link's `from` and `to`.
    ends: Col<(Node, Node)>,
    /// Each link's kind: its place in [`LinkKind::ALL`], or [`CUSTOM_KIND`].
    kind: Col<u8>,
    /// The kinds of the links whose code is [`CUSTOM_KIND`].
    custom: Sparse<LinkKind>,
    /// `primary` (bits 0–1: none, false, true), `power` (bits 2–4: none or its place in
    /// [`Power::ALL`] + 1), `role` (bits 5–6, likewise) and whether the link has a `scope`,
    /// `members` or `event` (bit 7, [`SPARSE`]), one byte per link.
    detail: Col<u8>,
    /// The `since` of the links that have one (in a national model with people and history,
    /// 10 M of 17 M links have a date: 4 bytes each and 1.5 bits a link, not 8 bytes a link).
    since: Sparse<Date>,
    /// The `until` of the links that have one.
    until: Sparse<Date>,
    scope: Sparse<Node>,
    members: Sparse<u32>,
    event: Sparse<SuccessionEvent>,
    attrs: Sparse<Attrs>,
}

impl LinkTable {
    /// An empty table with room for `links` links.
    pub fn with_capacity(links: usize) -> LinkTable {
        LinkTable {
            ends: Vec::with_capacity(links).into(),
            kind: Vec::with_capacity(links).into(),
            detail: Vec::with_capacity(links).into(),
            ..LinkTable::default()
        }
    }

    /// The number of links.
    #[inline]
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// The ends (`from`, `to`) of link `id`.
    ///
    /// # Panics
    /// When there is no link `id`.
    #[inline]
    pub fn ends(&self, id: u32) -> (Node, Node) {
        self.ends[id as usize]
    }

    /// The kind of link `id`.
    ///
    /// # Panics
    /// When there is no link `id`.
    #[inline]
    pub fn kind(&self, id: u32) -> LinkKind {
        match self.kind[id as usize] {
            CUSTOM_KIND => self.custom.get(id).copied().expect("a custom kind is kept for its link"),
            code => LinkKind::ALL[code as usize],
        }
    }

    /// The place of link `id`'s kind in [`LinkKind::ALL`], custom kinds after them all
    /// ([`LinkKind::slot`]), from its byte alone.
    #[inline]
    pub fn slot(&self, id: u32) -> usize {
        match self.kind[id as usize] {
            CUSTOM_KIND => LinkKind::ALL.len(),
            code => code as usize,
        }
    }

    /// Adds the next link's fields (its id is the number of links added before).
    pub fn push(&mut self, link: &Link, attrs: Option<Attrs>) {
        let id = self.detail.len() as u32;
        self.ends.make_mut().push((link.from, link.to));
        match link.kind.slot() {
            slot if slot < LinkKind::ALL.len() => self.kind.make_mut().push(slot as u8),
            _ => {
                self.kind.make_mut().push(CUSTOM_KIND);
                self.custom.push(id, link.kind);
            }
        }
        let primary = match link.primary {
            None => 0,
            Some(false) => 1,
            Some(true) => 2,
        };
        let power = link.power.map_or(0, |p| p as u8 + 1);
        let role = link.role.map_or(0, |r| r as u8 + 1);
        let sparse = if link.scope.is_some() || link.members.is_some() || link.event.is_some() { SPARSE } else { 0 };
        self.detail.make_mut().push(primary | power << 2 | role << 5 | sparse);
        if let Some(since) = link.validity.since {
            self.since.push(id, since);
        }
        if let Some(until) = link.validity.until {
            self.until.push(id, until);
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

    /// The columns a model image carries: ends, kinds and details.
    pub fn columns(&self) -> [&dyn super::col::Column; 3] {
        [&self.ends, &self.kind, &self.detail]
    }

    /// As [`LinkTable::columns`], to point them into a mapped image.
    pub fn columns_mut(&mut self) -> [&mut dyn super::col::Column; 3] {
        [&mut self.ends, &mut self.kind, &mut self.detail]
    }

    /// Gives back the room no link took (once every link is added).
    pub fn shrink_to_fit(&mut self) {
        self.ends.shrink_to_fit();
        self.kind.shrink_to_fit();
        self.custom.rank.shrink_to_fit();
        self.custom.values.shrink_to_fit();
        self.detail.shrink_to_fit();
        for dates in [&mut self.since, &mut self.until] {
            dates.rank.shrink_to_fit();
            dates.values.shrink_to_fit();
        }
        for rank in [&mut self.scope.rank, &mut self.members.rank, &mut self.event.rank, &mut self.attrs.rank] {
            rank.shrink_to_fit();
        }
        self.scope.values.shrink_to_fit();
        self.members.values.shrink_to_fit();
        self.event.values.shrink_to_fit();
        self.attrs.values.shrink_to_fit();
    }

    /// The link `id`.
    #[inline]
    pub fn link(&self, id: u32) -> Link {
        let (from, to) = self.ends(id);
        let kind = self.kind(id);
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
        Validity { since: self.since.get(id).copied(), until: self.until.get(id).copied() }
    }

    /// The links with a date and their dates, ids ascending (one pass over the two date
    /// tables, not a look-up per link).
    pub fn dated_links(&self) -> impl Iterator<Item = (u32, Validity)> + '_ {
        let (mut since, mut until) = (self.since.iter().peekable(), self.until.iter().peekable());
        std::iter::from_fn(move || {
            let id = match (since.peek(), until.peek()) {
                (Some(&(a, _)), Some(&(b, _))) => a.min(b),
                (Some(&(a, _)), None) => a,
                (None, Some(&(b, _))) => b,
                (None, None) => return None,
            };
            let since = since.next_if(|&(a, _)| a == id).map(|(_, &d)| d);
            let until = until.next_if(|&(b, _)| b == id).map(|(_, &d)| d);
            Some((id, Validity { since, until }))
        })
    }

    /// True when some link has a date.
    pub fn dated(&self) -> bool {
        self.since.len() + self.until.len() > 0
    }

    /// Ends each link of `ends` on its date (the last one given for a link named twice), in one
    /// pass over the links that have an `until` already.
    pub fn set_untils(&mut self, mut ends: Vec<(u32, Date)>) {
        if ends.is_empty() {
            return;
        }
        ends.sort_by_key(|&(id, _)| id);
        ends.reverse(); // so that `dedup` keeps the last given of each link
        ends.dedup_by_key(|&mut (id, _)| id);
        ends.reverse();
        let mut merged = Sparse::default();
        let mut new = ends.into_iter().peekable();
        for (id, &date) in self.until.iter() {
            while let Some(&(n, d)) = new.peek().filter(|(n, _)| *n <= id) {
                merged.push(n, d);
                new.next();
                if n == id {
                    break;
                }
            }
            if merged.last() != Some(id) {
                merged.push(id, date);
            }
        }
        for (n, d) in new {
            merged.push(n, d);
        }
        self.until = merged;
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
            assert_eq!(&table.link(id as u32), link);
        }
        assert!(table.dated());
        assert_eq!(table.attrs(0), None);
    }

    /// A link with no field beyond its ends, kind and dates.
    fn plain(from: Node, to: Node, kind: LinkKind, validity: Validity) -> Link {
        Link {
            from,
            to,
            kind,
            primary: None,
            power: None,
            role: None,
            scope: None,
            members: None,
            event: None,
            validity,
        }
    }

    #[test]
    fn untils_set_in_one_pass_match_a_plain_map() {
        // Links 0..300, some with dates from the start; ends set on some with an `until`
        // already (replaced), some without (added), across word boundaries, one named twice.
        let day = |d: u32| Date::new(2000 + d / 365, 1 + d % 12, 1 + d % 28).expect("a date");
        let mut table = LinkTable::default();
        let mut want = std::collections::BTreeMap::new();
        for i in 0..300u32 {
            let until = (i % 7 == 0).then(|| day(i));
            if let Some(u) = until {
                want.insert(i, u);
            }
            let dates = Validity::new((i % 3 == 0).then(|| day(1)), until);
            table.push(&plain(Node::new(i), Node::new(i + 1), LinkKind::Leads, dates), None);
        }
        let ends: Vec<(u32, Date)> =
            [(299, day(5)), (0, day(6)), (64, day(7)), (63, day(8)), (70, day(9)), (64, day(10)), (128, day(11))]
                .into();
        for &(id, d) in &ends {
            want.insert(id, d);
        }
        table.set_untils(ends);
        let listed: Vec<(u32, Validity)> = table.dated_links().collect();
        let expected: Vec<(u32, Validity)> =
            (0..300u32).map(|i| (i, table.validity(i))).filter(|(_, v)| !v.is_empty()).collect();
        assert_eq!(listed, expected);
        for i in 0..300u32 {
            assert_eq!(table.validity(i).until, want.get(&i).copied(), "link {i}");
            assert_eq!(table.validity(i).since, (i % 3 == 0).then(|| day(1)), "link {i}");
        }
        assert_eq!(table.until.len(), want.len());
        assert!(table.dated());
        table.set_untils(Vec::new());
        assert_eq!(table.until.len(), want.len());
    }

    #[test]
    fn every_kind_and_custom_kinds_read_back_with_their_ends() {
        // Every built-in kind, and custom words between them, with distinct ends.
        let custom = |w: &str| LinkKind::Custom(super::super::CustomWord::from(w));
        let kinds: Vec<LinkKind> = LinkKind::ALL
            .iter()
            .copied()
            .flat_map(|k| [k, custom("x-a")])
            .chain([custom("x-b"), LinkKind::Leads])
            .collect();
        let mut table = LinkTable::with_capacity(kinds.len());
        for (i, &kind) in kinds.iter().enumerate() {
            let (from, to) = (Node::new(i as u32), Node::new(2 * i as u32 + 1));
            table.push(&plain(from, to, kind, Validity::default()), None);
        }
        assert_eq!(table.len(), kinds.len());
        for (i, &kind) in kinds.iter().enumerate() {
            let id = i as u32;
            assert_eq!(table.kind(id), kind, "link {i}");
            assert_eq!(table.slot(id), kind.slot(), "link {i}");
            assert_eq!(table.ends(id), (Node::new(id), Node::new(2 * id + 1)));
            assert_eq!(table.link(id).kind, kind);
        }
    }
}
