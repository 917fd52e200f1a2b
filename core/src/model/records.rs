//! The records of a model, each type in its own table (issue #19, "records by type").
//!
//! A node holds a [`RecordKey`] (the type and the place in that type's table), so a person
//! costs its own row, not the 96 bytes of the largest record type that a `Record` enum in
//! every node slot used to take; the ids and names of a table are one string ([`Text`]).

use super::RecordType;
use super::record::{ItemRow, MatterRow, PersonRow, Record, RecordKey, RecordRef, Ref, Row, TerritoryRow, UnitRow};

/// The ids and names of one table's records, end to end in one string (issue #19,
/// "arenas"): record `i`'s id, then its name, then record `i + 1`'s id. `ends` holds where
/// each id and each name ends, so a record costs 8 bytes and its text instead of two heap
/// blocks (at least 32 bytes each with the allocator's own) and two 16-byte boxes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Text {
    chars: String,
    ends: Ends,
    /// The names changed in place ([`Records::replace`]) by record: the string only grows at
    /// its end, so a new name is kept here (empty in a model no change set touched).
    renamed: hashbrown::HashMap<u32, Box<str>>,
}

/// Where each id and name of a [`Text`] ends: 4 bytes each while the text is under 4 GiB.
#[derive(Debug, Clone)]
enum Ends {
    Narrow(Vec<u32>),
    Wide(Vec<u64>),
}

impl Default for Ends {
    fn default() -> Self {
        Ends::Narrow(Vec::new())
    }
}

/// The longest text whose ends are 4 bytes (small in unit tests, so they reach the wide form).
const NARROW: usize = if cfg!(test) { 100 } else { u32::MAX as usize };

impl Text {
    /// Adds the next record's id and name.
    fn push(&mut self, id: &str, name: &str) {
        self.chars.push_str(id);
        let a = self.chars.len();
        self.chars.push_str(name);
        let b = self.chars.len();
        match &mut self.ends {
            Ends::Narrow(v) if b <= NARROW => v.extend([a as u32, b as u32]),
            Ends::Narrow(v) => {
                let mut wide: Vec<u64> = v.iter().map(|&e| u64::from(e)).collect();
                wide.extend([a as u64, b as u64]);
                self.ends = Ends::Wide(wide);
            }
            Ends::Wide(v) => v.extend([a as u64, b as u64]),
        }
    }

    #[inline]
    fn end(&self, k: usize) -> usize {
        match &self.ends {
            Ends::Narrow(v) => v[k] as usize,
            Ends::Wide(v) => v[k] as usize,
        }
    }

    /// The id of record `i`.
    #[inline]
    pub fn id(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.end(2 * i - 1) };
        &self.chars[start..self.end(2 * i)]
    }

    /// The name of record `i`.
    #[inline]
    pub fn name(&self, i: usize) -> &str {
        if !self.renamed.is_empty()
            && let Some(name) = self.renamed.get(&(i as u32))
        {
            return name;
        }
        &self.chars[self.end(2 * i)..self.end(2 * i + 1)]
    }

    /// Gives record `i` a new name.
    fn rename(&mut self, i: usize, name: Box<str>) {
        if *self.name(i) != *name {
            self.renamed.insert(i as u32, name);
        }
    }

    fn reserve(&mut self, records: usize) {
        if let Ends::Narrow(v) = &mut self.ends {
            v.reserve_exact(2 * records);
        }
    }

    fn shrink_to_fit(&mut self) {
        self.chars.shrink_to_fit();
        match &mut self.ends {
            Ends::Narrow(v) => v.shrink_to_fit(),
            Ends::Wide(v) => v.shrink_to_fit(),
        }
    }
}

/// One record type's table: the rows, and the ids and names in a [`Text`].
#[derive(Debug, Clone)]
struct Table<R> {
    rows: Vec<R>,
    text: Text,
}

impl<R> Default for Table<R> {
    fn default() -> Self {
        Table { rows: Vec::new(), text: Text::default() }
    }
}

impl<R> Table<R> {
    /// Adds a record at the end, and gives its place.
    fn push(&mut self, id: &str, name: &str, row: R) -> u32 {
        let index = u32::try_from(self.rows.len()).unwrap_or(u32::MAX); // RecordKey::new checks the bound
        self.text.push(id, name);
        self.rows.push(row);
        index
    }

    #[inline]
    fn get(&self, i: usize) -> Ref<'_, R> {
        Ref::stored(&self.rows[i], &self.text, i as u32)
    }

    fn replace(&mut self, i: usize, name: Box<str>, row: R) {
        self.text.rename(i, name);
        self.rows[i] = row;
    }

    fn reserve(&mut self, n: usize) {
        self.rows.reserve_exact(n);
        self.text.reserve(n);
    }

    fn shrink_to_fit(&mut self) {
        self.rows.shrink_to_fit();
        self.text.shrink_to_fit();
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
            RecordType::Territory => self.territories.rows.len(),
            RecordType::Unit => self.units.rows.len(),
            RecordType::Matter => self.matters.rows.len(),
            RecordType::Item => self.items.rows.len(),
            RecordType::Person => self.people.rows.len(),
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

    /// Puts `record` in the place of the record behind `key`, which is of the same type
    /// and has the same id (a change set replaces a record whole, keeping its id and type).
    ///
    /// # Panics
    /// When the types differ.
    pub fn replace(&mut self, key: RecordKey, record: Record) {
        let i = key.index();
        let kind = key.record_type();
        assert!(kind == record.record_type(), "a {} replaced by a {}", kind.as_str(), record.record_type().as_str());
        debug_assert_eq!(self.get(key).id(), record.id(), "a record keeps its id");
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
    pub fn shrink_to_fit(&mut self) {
        self.territories.shrink_to_fit();
        self.units.shrink_to_fit();
        self.matters.shrink_to_fit();
        self.items.shrink_to_fit();
        self.people.shrink_to_fit();
    }

    /// True when some record has a date.
    pub fn dated(&self) -> bool {
        self.territories.rows.iter().any(|r| !r.validity.is_empty())
            || self.units.rows.iter().any(|r| !r.validity.is_empty())
            || self.matters.rows.iter().any(|r| !r.validity.is_empty())
            || self.items.rows.iter().any(|r| !r.validity.is_empty())
            || self.people.rows.iter().any(|r| !r.validity.is_empty())
    }

    /// The territory behind a key, to change it.
    pub fn territory_mut(&mut self, key: RecordKey) -> Option<&mut TerritoryRow> {
        (key.record_type() == RecordType::Territory).then(|| &mut self.territories.rows[key.index()])
    }

    /// The unit behind a key, to change it.
    pub fn unit_mut(&mut self, key: RecordKey) -> Option<&mut UnitRow> {
        (key.record_type() == RecordType::Unit).then(|| &mut self.units.rows[key.index()])
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
                    members: Some(3),
                    staff: None,
                    in_service_members: None,
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
    fn ids_and_names_read_back_across_the_switch_to_wide_ends_and_renames() {
        // Enough text to pass `NARROW` (100 bytes in tests): ids and names of every length,
        // empty names and non-ASCII text included.
        let mut text = Text::default();
        let records: Vec<(String, String)> = (0..40)
            .map(|i| (format!("id-{i}"), if i % 3 == 0 { String::new() } else { "名".repeat(i % 5) + "x" }))
            .collect();
        for (i, (id, name)) in records.iter().enumerate() {
            text.push(id, name);
            if i == 2 {
                assert!(matches!(text.ends, Ends::Narrow(_)), "narrow while short");
            }
        }
        assert!(matches!(text.ends, Ends::Wide(_)), "wide once past the limit");
        for (i, (id, name)) in records.iter().enumerate() {
            assert_eq!((text.id(i), text.name(i)), (id.as_str(), name.as_str()), "record {i}");
        }
        text.rename(7, "新名".into());
        text.rename(8, records[8].1.clone().into()); // the same name: nothing kept
        assert_eq!(text.renamed.len(), 1);
        assert_eq!((text.id(7), text.name(7), text.name(6)), ("id-7", "新名", records[6].1.as_str()));
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
