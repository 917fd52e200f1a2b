//! The records of a model, each type in its own table (issue #19, "records by type").
//!
//! A node holds a [`RecordKey`] (the type and the place in that type's table), so a person
//! costs its own row, not the 96 bytes of the largest record type that a `Record` enum in
//! every node slot used to take; the ids and names of a table are one string ([`Text`]).

use super::RecordType;
use super::record::{ItemRow, MatterRow, PersonRow, Record, RecordKey, RecordRef, Ref, Row, TerritoryRow, UnitRow};

/// The ids and names of one table's records, end to end in one string (issue #19,
/// "arenas"): a record's id, then its name. Each record's [`Span`] (8 bytes, kept beside its
/// row, so reading an id costs no cache miss beyond the row's and the text's) says where they
/// are: the record costs that and its text instead of two heap blocks (at least 32 bytes each
/// with the allocator's own) and two 16-byte boxes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Text {
    /// UTF-8: whole `&str`s appended end to end (or a mapped image's copy of those bytes).
    chars: super::col::Col<u8>,
    /// The spans that do not fit a [`Span`] (an id or name of 64 KiB or more, or text past
    /// 4 GiB), by record: empty in any real model.
    long: hashbrown::HashMap<u32, (usize, usize, usize)>,
}

/// Where a record's id and name are in its table's [`Text`]: the id's start and the two
/// lengths, or [`LONG`] in `id_len` when they are in [`Text::long`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Span {
    start: u32,
    id_len: u16,
    name_len: u16,
}

/// The `id_len` of a [`Span`] kept in [`Text::long`].
const LONG: u16 = u16::MAX;

/// The last start a [`Span`] holds (small in unit tests, so that they reach [`Text::long`]).
const NARROW: usize = if cfg!(test) { 100 } else { u32::MAX as usize };

impl Text {
    /// Adds record `index`'s id and name; gives their span.
    fn push(&mut self, index: u32, id: &str, name: &str) -> Span {
        let chars = self.chars.make_mut();
        let start = chars.len();
        chars.extend_from_slice(id.as_bytes());
        chars.extend_from_slice(name.as_bytes());
        match (u16::try_from(id.len()), u16::try_from(name.len())) {
            (Ok(id_len), Ok(name_len)) if start <= NARROW && id_len != LONG => {
                Span { start: start as u32, id_len, name_len }
            }
            _ => {
                self.long.insert(index, (start, id.len(), name.len()));
                Span { start: 0, id_len: LONG, name_len: 0 }
            }
        }
    }

    #[inline]
    fn parts(&self, span: Span, index: u32) -> (usize, usize, usize) {
        if span.id_len != LONG {
            (span.start as usize, span.id_len as usize, span.name_len as usize)
        } else {
            self.long.get(&index).copied().unwrap_or_default()
        }
    }

    /// The id of record `index`, whose span is `span`.
    #[inline]
    pub fn id(&self, span: Span, index: u32) -> &str {
        self.id_name(span, index).0
    }

    /// The name of record `index`, whose span is `span`.
    #[inline]
    pub fn name(&self, span: Span, index: u32) -> &str {
        self.id_name(span, index).1
    }

    /// The id and name of record `index`, whose span is `span`.
    #[inline]
    pub fn id_name(&self, span: Span, index: u32) -> (&str, &str) {
        let (start, id, name) = self.parts(span, index);
        (self.slice(start, start + id), self.slice(start + id, start + id + name))
    }

    /// `&chars[a..b]` without reading the text: a safe slice checks that both ends are
    /// character boundaries by reading the bytes there, a cache miss per id on a big model,
    /// where the queries hand ids out without ever reading them (a chain's answer went from
    /// 228 to 332 ns with the check).
    #[inline]
    fn slice(&self, a: usize, b: usize) -> &str {
        let boundary = |i: usize| self.chars.get(i).is_none_or(|&c| (c as i8) >= -0x40);
        debug_assert!(a <= b && b <= self.chars.len() && boundary(a) && boundary(b));
        // SAFETY: the text is whole `&str`s appended end to end by `push` (a mapped text is
        // used only when its bytes equal those, `Col::adopt`), so it is UTF-8; every span is
        // made by `push` from the lengths of the `&str`s it appended (`long` likewise), and
        // the text is never cut or changed before its end, so `a` and `b` are in bounds,
        // `a <= b`, and both are character boundaries.
        unsafe { std::str::from_utf8_unchecked(self.chars.get_unchecked(a..b)) }
    }

    fn shrink_to_fit(&mut self) {
        self.chars.shrink_to_fit();
    }
}

/// A row and its record's [`Span`], side by side.
///
/// The span comes first and the row's kind right after it (`repr(C)`): an answer reads
/// both for every record it names, and a unit's slot is 64 bytes, so with the span last
/// they were in two cache lines wherever the table does not start on a line (a large
/// allocation starts 16 bytes into one): two misses per unit named instead of one
/// (national `chain` −8 %, `responsible_for` −6 % with the touch reading the kind).
#[derive(Debug, Clone)]
#[repr(C)]
struct Slot<R> {
    span: Span,
    row: R,
}

/// One record type's table: the rows with their spans, and the ids and names in a [`Text`].
#[derive(Debug, Clone)]
struct Table<R> {
    slots: Vec<Slot<R>>,
    text: Text,
}

impl<R> Default for Table<R> {
    fn default() -> Self {
        Table { slots: Vec::new(), text: Text::default() }
    }
}

impl<R> Table<R> {
    /// Adds a record at the end, and gives its place.
    fn push(&mut self, id: &str, name: &str, row: R) -> u32 {
        let index = u32::try_from(self.slots.len()).unwrap_or(u32::MAX); // RecordKey::new checks the bound
        let span = self.text.push(index, id, name);
        self.slots.push(Slot { row, span });
        index
    }

    #[inline]
    fn get(&self, i: usize) -> Ref<'_, R> {
        let slot = &self.slots[i];
        Ref::stored(&slot.row, &self.text, slot.span, i as u32)
    }

    /// The id and name of record `i`.
    #[inline]
    fn id_name(&self, i: usize) -> (&str, &str) {
        self.text.id_name(self.slots[i].span, i as u32)
    }

    /// Puts `row` in record `i`'s place, renamed `name` (its id kept): a new name is written
    /// at the end of the text with the id again (the text only grows at its end).
    fn replace(&mut self, i: usize, name: Box<str>, row: R) {
        let span = self.slots[i].span;
        if self.text.name(span, i as u32) != &*name {
            let id = self.text.id(span, i as u32).to_string();
            self.slots[i].span = self.text.push(i as u32, &id, &name);
        }
        self.slots[i].row = row;
    }

    fn reserve(&mut self, n: usize) {
        self.slots.reserve_exact(n);
    }

    fn shrink_to_fit(&mut self) {
        self.slots.shrink_to_fit();
        self.text.shrink_to_fit();
    }

    fn rows(&self) -> impl Iterator<Item = &R> {
        self.slots.iter().map(|s| &s.row)
    }
}

/// The records, by type, in the order they were added.
#[derive(Debug, Clone, Default)]
pub(crate) struct Records {
    territories: Table<TerritoryRow>,
    units: Table<UnitRow>,
    matters: Table<MatterRow>,
    items: Table<ItemRow>,
    people: Table<PersonRow>,
}

impl Records {
    /// Adds a record at the end of its type's table.
    pub fn push(&mut self, record: Record) -> RecordKey {
        let (id, name, row) = record.into_parts();
        self.push_row(&id, &name, row)
    }

    /// Adds a record given as its id, its name and its row.
    pub fn push_row(&mut self, id: &str, name: &str, row: Row) -> RecordKey {
        let (kind, index) = match row {
            Row::Territory(row) => (RecordType::Territory, self.territories.push(id, name, row)),
            Row::Unit(row) => (RecordType::Unit, self.units.push(id, name, row)),
            Row::Matter(row) => (RecordType::Matter, self.matters.push(id, name, row)),
            Row::Item(row) => (RecordType::Item, self.items.push(id, name, row)),
            Row::Person(row) => (RecordType::Person, self.people.push(id, name, row)),
        };
        RecordKey::new(kind, index)
    }

    /// The key the next record of type `t` pushed gets.
    pub fn next_key(&self, t: RecordType) -> RecordKey {
        let len = match t {
            RecordType::Territory => self.territories.slots.len(),
            RecordType::Unit => self.units.slots.len(),
            RecordType::Matter => self.matters.slots.len(),
            RecordType::Item => self.items.slots.len(),
            RecordType::Person => self.people.slots.len(),
        };
        RecordKey::new(t, u32::try_from(len).unwrap_or(u32::MAX))
    }

    /// The record behind a key.
    ///
    /// # Panics
    /// When the key comes from another, larger model.
    #[inline]
    pub fn get(&self, key: RecordKey) -> RecordRef<'_> {
        let i = key.index();
        match key.record_type() {
            RecordType::Territory => RecordRef::Territory(self.territories.get(i)),
            RecordType::Unit => RecordRef::Unit(self.units.get(i)),
            RecordType::Matter => RecordRef::Matter(self.matters.get(i)),
            RecordType::Item => RecordRef::Item(self.items.get(i)),
            RecordType::Person => RecordRef::Person(self.people.get(i)),
        }
    }

    /// The id and name of the record behind a key, read without making a [`RecordRef`] (the
    /// queries ask for them on every step of an answer).
    ///
    /// # Panics
    /// When the key comes from another, larger model.
    #[inline]
    pub fn id_name(&self, key: RecordKey) -> (&str, &str) {
        let i = key.index();
        match key.record_type() {
            RecordType::Territory => self.territories.id_name(i),
            RecordType::Unit => self.units.id_name(i),
            RecordType::Matter => self.matters.id_name(i),
            RecordType::Item => self.items.id_name(i),
            RecordType::Person => self.people.id_name(i),
        }
    }

    /// Asks for the cache line of the record behind `key` that [`Records::labels`] reads (its
    /// span and its row's kind, side by side at the start of its slot), without waiting for it:
    /// see [`super::Model::prefetch_labels`].
    #[inline]
    pub fn prefetch_labels(&self, key: RecordKey) {
        fn of<R>(t: &Table<R>, i: usize) {
            if let Some(slot) = t.slots.get(i) {
                super::prefetch::prefetch::<Span>(&slot.span);
            }
        }
        let i = key.index();
        match key.record_type() {
            RecordType::Territory => of(&self.territories, i),
            RecordType::Unit => of(&self.units, i),
            RecordType::Matter => of(&self.matters, i),
            RecordType::Item => of(&self.items, i),
            RecordType::Person => of(&self.people, i),
        }
    }

    /// The id, name and kind (as written; a matter's or item's list, `person` for a person) of
    /// the record behind a key, in one match on its type: what every step of an answer shows.
    #[inline]
    pub fn labels(&self, key: RecordKey) -> (&str, &str, &str) {
        let i = key.index();
        fn of<R>(t: &Table<R>, i: usize, kind: fn(&R) -> &'static str) -> (&str, &str, &str) {
            let slot = &t.slots[i];
            let (id, name) = t.text.id_name(slot.span, i as u32);
            (id, name, kind(&slot.row))
        }
        match key.record_type() {
            RecordType::Territory => of(&self.territories, i, TerritoryRow::kind_str),
            RecordType::Unit => of(&self.units, i, UnitRow::kind_str),
            RecordType::Matter => of(&self.matters, i, MatterRow::kind_str),
            RecordType::Item => of(&self.items, i, ItemRow::kind_str),
            RecordType::Person => of(&self.people, i, PersonRow::kind_str),
        }
    }

    /// Puts `record` in the place of the record behind `key`, which is of the same type
    /// and has the same id (a change set replaces a record whole, keeping its id and type).
    ///
    /// # Panics
    /// When the types differ.
    pub fn replace(&mut self, key: RecordKey, record: Record) {
        let i = key.index();
        let kind = key.record_type();
        debug_assert!(kind != record.record_type() || self.get(key).id() == record.id(), "a record keeps its id");
        match (kind, record) {
            (RecordType::Territory, Record::Territory(r)) => self.territories.replace(i, r.name, r.row),
            (RecordType::Unit, Record::Unit(r)) => self.units.replace(i, r.name, r.row),
            (RecordType::Matter, Record::Matter(r)) => self.matters.replace(i, r.name, r.row),
            (RecordType::Item, Record::Item(r)) => self.items.replace(i, r.name, r.row),
            (RecordType::Person, Record::Person(r)) => self.people.replace(i, r.name, r.row),
            (kind, r) => panic!("a {} replaced by a {}", kind.as_str(), r.record_type().as_str()),
        }
    }

    /// Makes room for `n` more records of type `t`.
    pub fn reserve(&mut self, t: RecordType, n: usize) {
        match t {
            RecordType::Territory => self.territories.reserve(n),
            RecordType::Unit => self.units.reserve(n),
            RecordType::Matter => self.matters.reserve(n),
            RecordType::Item => self.items.reserve(n),
            RecordType::Person => self.people.reserve(n),
        }
    }

    /// Gives back the room no record took (once every record is added).
    /// The text (ids and names) of each type's table, in [`crate::model::TYPES`] order.
    pub fn texts(&self) -> [&super::col::Col<u8>; 5] {
        [
            &self.territories.text.chars,
            &self.units.text.chars,
            &self.matters.text.chars,
            &self.items.text.chars,
            &self.people.text.chars,
        ]
    }

    /// As [`Records::texts`], to point them into a mapped image.
    pub fn texts_mut(&mut self) -> [&mut super::col::Col<u8>; 5] {
        [
            &mut self.territories.text.chars,
            &mut self.units.text.chars,
            &mut self.matters.text.chars,
            &mut self.items.text.chars,
            &mut self.people.text.chars,
        ]
    }

    pub fn shrink_to_fit(&mut self) {
        self.territories.shrink_to_fit();
        self.units.shrink_to_fit();
        self.matters.shrink_to_fit();
        self.items.shrink_to_fit();
        self.people.shrink_to_fit();
    }

    /// Calls `each` with the row and the dates of every record of type `t` that has dates of
    /// its own, in row order (a pass over the rows alone).
    pub fn each_dated(&self, t: RecordType, mut each: impl FnMut(usize, super::Validity)) {
        fn of<R>(table: &Table<R>, dates: fn(&R) -> super::Validity, each: &mut impl FnMut(usize, super::Validity)) {
            for (i, row) in table.rows().enumerate() {
                let v = dates(row);
                if !v.is_empty() {
                    each(i, v);
                }
            }
        }
        match t {
            RecordType::Territory => of(&self.territories, |r| r.validity, &mut each),
            RecordType::Unit => of(&self.units, |r| r.validity, &mut each),
            RecordType::Matter => of(&self.matters, |r| r.validity, &mut each),
            RecordType::Item => of(&self.items, |r| r.validity, &mut each),
            RecordType::Person => of(&self.people, |r| r.validity, &mut each),
        }
    }

    /// True when some record has a date.
    pub fn dated(&self) -> bool {
        self.territories.rows().any(|r| !r.validity.is_empty())
            || self.units.rows().any(|r| !r.validity.is_empty())
            || self.matters.rows().any(|r| !r.validity.is_empty())
            || self.items.rows().any(|r| !r.validity.is_empty())
            || self.people.rows().any(|r| !r.validity.is_empty())
    }

    /// The territory behind a key, to change it.
    pub fn territory_mut(&mut self, key: RecordKey) -> Option<&mut TerritoryRow> {
        (key.record_type() == RecordType::Territory).then(|| &mut self.territories.slots[key.index()].row)
    }

    /// The unit behind a key, to change it.
    pub fn unit_mut(&mut self, key: RecordKey) -> Option<&mut UnitRow> {
        (key.record_type() == RecordType::Unit).then(|| &mut self.units.slots[key.index()].row)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::record::{Item, Matter, Person, Territory, Unit};
    use crate::model::{ItemList, MatterList, TerritoryKind, UnitKind, Validity};

    fn records() -> Vec<Record> {
        let territory = |id: &str| {
            Record::Territory(Territory {
                id: id.into(),
                name: "T".into(),
                row: TerritoryRow {
                    kind: TerritoryKind::Street,
                    parent: None,
                    attrs: None,
                    validity: Validity::default(),
                },
            })
        };
        let unit = |id: &str| {
            Record::Unit(Unit {
                id: id.into(),
                name: "U".into(),
                row: UnitRow {
                    kind: UnitKind::Government,
                    sector: None,
                    located_in: None,
                    counts: crate::UnitCounts::new(Some(3), None, None),
                    attrs: None,
                    validity: Validity::default(),
                },
            })
        };
        let matter = Record::Matter(Matter {
            id: "m".into(),
            name: "M".into(),
            row: MatterRow { list: MatterList::Basic, category: None, attrs: None, validity: Validity::default() },
        });
        let item = Record::Item(Item {
            id: "i".into(),
            name: "I".into(),
            row: ItemRow { list: ItemList::Need, attrs: None, validity: Validity::default() },
        });
        let person = Record::Person(Person {
            id: "p".into(),
            name: "".into(),
            row: PersonRow { attrs: None, validity: Validity::default() },
        });
        // Types interleaved, as a change set appends them.
        vec![territory("t1"), unit("u1"), matter, territory("t2"), item, person, unit("u2")]
    }

    #[test]
    fn records_come_back_by_key_and_keys_say_type_and_place() {
        let mut store = Records::default();
        let all = records();
        let keys: Vec<RecordKey> = all.iter().cloned().map(|r| store.push(r)).collect();
        for (key, record) in keys.iter().zip(&all) {
            assert_eq!(store.get(*key).to_record(), *record);
            assert_eq!(key.record_type(), record.record_type());
            // The direct reads give what the record gives.
            let r = store.get(*key);
            assert_eq!(store.id_name(*key), (r.id(), r.name()));
            assert_eq!(store.labels(*key), (r.id(), r.name(), r.kind_str()));
        }
        let places: Vec<usize> = keys.iter().map(|k| k.index()).collect();
        assert_eq!(places, [0, 0, 0, 1, 0, 0, 1], "each type counts its own");
        assert_eq!(format!("{:?}", keys[6]), "RecordKey(unit 1)");
        // Replacing keeps the key; the territory and unit references are changed in place.
        let mut renamed = all[1].clone();
        *renamed.name_mut() = "U renamed".into();
        store.replace(keys[1], renamed);
        assert_eq!(store.get(keys[1]).name(), "U renamed");
        store.unit_mut(keys[6]).expect("a unit").located_in = Some(crate::model::Node::new(0));
        assert!(store.territory_mut(keys[6]).is_none());
        assert_eq!(store.get(keys[6]).as_unit().and_then(|u| u.located_in), Some(crate::model::Node::new(0)));
        // The largest place a key holds, of every type.
        for t in [RecordType::Territory, RecordType::Unit, RecordType::Matter, RecordType::Item, RecordType::Person] {
            let key = RecordKey::new(t, RecordKey::MAX - 1);
            assert_eq!((key.record_type(), key.index()), (t, RecordKey::MAX as usize - 1));
        }
        assert!(!store.dated());
    }

    #[test]
    fn ids_and_names_read_back_short_and_long_spans_and_renames() {
        // Enough text to pass `NARROW` (100 bytes in tests), an id of 64 KiB: ids and names of
        // every length, empty names and non-ASCII text included.
        let mut table: Table<u32> = Table::default();
        let mut records: Vec<(String, String)> = (0..40)
            .map(|i| (format!("id-{i}"), if i % 3 == 0 { String::new() } else { "名".repeat(i % 5) + "x" }))
            .collect();
        records[5].0 = "i".repeat(1 << 16);
        for (i, (id, name)) in records.iter().enumerate() {
            assert_eq!(table.push(id, name, i as u32), i as u32);
        }
        assert!(table.slots[2].span.id_len != LONG, "a short span while the text is short");
        assert!(table.slots[5].span.id_len == LONG, "an id of 64 KiB");
        assert!(table.slots[39].span.id_len == LONG, "past NARROW");
        let read = |t: &Table<u32>, i: usize| (t.get(i).id().to_string(), t.get(i).name().to_string(), *t.get(i));
        for (i, (id, name)) in records.iter().enumerate() {
            assert_eq!(read(&table, i), (id.clone(), name.clone(), i as u32), "record {i}");
            assert_eq!(table.id_name(i), (id.as_str(), name.as_str()), "record {i}, read directly");
        }
        table.replace(7, "新名".into(), 70);
        table.replace(8, records[8].1.clone().into(), 80); // the same name: no new text
        let len = table.text.chars.len();
        table.replace(8, records[8].1.clone().into(), 81);
        assert_eq!(table.text.chars.len(), len);
        assert_eq!(read(&table, 7), ("id-7".to_string(), "新名".to_string(), 70));
        assert_eq!(read(&table, 8), ("id-8".to_string(), records[8].1.clone(), 81));
        assert_eq!(read(&table, 6), ("id-6".to_string(), records[6].1.clone(), 6));
    }

    #[test]
    #[should_panic(expected = "a unit replaced by a territory")]
    fn a_record_is_never_replaced_by_one_of_another_type() {
        let mut store = Records::default();
        let all = records();
        let unit = store.push(all[1].clone());
        store.replace(unit, all[0].clone());
    }
}
