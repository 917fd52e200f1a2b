//! The records of a model, each type in its own table (issue #19, "records by type").
//!
//! A node of the graph holds a [`RecordKey`] (the type and the place in that type's
//! table), so a person costs its own 48 bytes, not the 96 of the largest record type that
//! a `Record` enum in every node slot used to take.

use super::RecordType;
use super::record::{Item, Matter, Person, Record, RecordKey, RecordRef, Territory, Unit};

/// The records, by type, in the order they were added.
#[derive(Debug, Clone, Default)]
pub(crate) struct Records {
    territories: Vec<Territory>,
    units: Vec<Unit>,
    matters: Vec<Matter>,
    items: Vec<Item>,
    people: Vec<Person>,
}

impl Records {
    /// Adds a record at the end of its type's table.
    pub fn push(&mut self, record: Record) -> RecordKey {
        let (kind, index) = match record {
            Record::Territory(r) => (RecordType::Territory, push(&mut self.territories, r)),
            Record::Unit(r) => (RecordType::Unit, push(&mut self.units, r)),
            Record::Matter(r) => (RecordType::Matter, push(&mut self.matters, r)),
            Record::Item(r) => (RecordType::Item, push(&mut self.items, r)),
            Record::Person(r) => (RecordType::Person, push(&mut self.people, r)),
        };
        RecordKey::new(kind, index)
    }

    /// The key the next record of type `t` pushed gets.
    pub fn next_key(&self, t: RecordType) -> RecordKey {
        let len = match t {
            RecordType::Territory => self.territories.len(),
            RecordType::Unit => self.units.len(),
            RecordType::Matter => self.matters.len(),
            RecordType::Item => self.items.len(),
            RecordType::Person => self.people.len(),
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
            RecordType::Territory => RecordRef::Territory(&self.territories[i]),
            RecordType::Unit => RecordRef::Unit(&self.units[i]),
            RecordType::Matter => RecordRef::Matter(&self.matters[i]),
            RecordType::Item => RecordRef::Item(&self.items[i]),
            RecordType::Person => RecordRef::Person(&self.people[i]),
        }
    }

    /// Puts `record` in the place of the record behind `key`, which is of the same type
    /// (a change set replaces a record whole, keeping its id and type).
    ///
    /// # Panics
    /// When the types differ.
    pub fn replace(&mut self, key: RecordKey, record: Record) {
        let i = key.index();
        match (key.record_type(), record) {
            (RecordType::Territory, Record::Territory(r)) => self.territories[i] = r,
            (RecordType::Unit, Record::Unit(r)) => self.units[i] = r,
            (RecordType::Matter, Record::Matter(r)) => self.matters[i] = r,
            (RecordType::Item, Record::Item(r)) => self.items[i] = r,
            (RecordType::Person, Record::Person(r)) => self.people[i] = r,
            (kind, r) => panic!("a {} replaced by a {}", kind.as_str(), r.record_type().as_str()),
        }
    }

    /// Makes room for `n` more records of type `t`.
    pub fn reserve(&mut self, t: RecordType, n: usize) {
        match t {
            RecordType::Territory => self.territories.reserve_exact(n),
            RecordType::Unit => self.units.reserve_exact(n),
            RecordType::Matter => self.matters.reserve_exact(n),
            RecordType::Item => self.items.reserve_exact(n),
            RecordType::Person => self.people.reserve_exact(n),
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
        self.territories.iter().any(|r| !r.validity.is_empty())
            || self.units.iter().any(|r| !r.validity.is_empty())
            || self.matters.iter().any(|r| !r.validity.is_empty())
            || self.items.iter().any(|r| !r.validity.is_empty())
            || self.people.iter().any(|r| !r.validity.is_empty())
    }

    /// The territory behind a key, to change it.
    pub fn territory_mut(&mut self, key: RecordKey) -> Option<&mut Territory> {
        (key.record_type() == RecordType::Territory).then(|| &mut self.territories[key.index()])
    }

    /// The unit behind a key, to change it.
    pub fn unit_mut(&mut self, key: RecordKey) -> Option<&mut Unit> {
        (key.record_type() == RecordType::Unit).then(|| &mut self.units[key.index()])
    }
}

/// Adds `record` at the end of `table`, and gives its place there.
fn push<T>(table: &mut Vec<T>, record: T) -> u32 {
    let index = u32::try_from(table.len()).unwrap_or(u32::MAX); // RecordKey::new checks the bound
    table.push(record);
    index
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ItemList, MatterList, TerritoryKind, UnitKind, Validity};

    fn records() -> Vec<Record> {
        let territory = |id: &str| {
            Record::Territory(Territory {
                id: id.into(),
                name: "T".into(),
                kind: TerritoryKind::Street,
                parent: None,
                attrs: None,
                validity: Validity::default(),
            })
        };
        let unit = |id: &str| {
            Record::Unit(Unit {
                id: id.into(),
                name: "U".into(),
                kind: UnitKind::Government,
                sector: None,
                located_in: None,
                members: Some(3),
                staff: None,
                in_service_members: None,
                attrs: None,
                validity: Validity::default(),
            })
        };
        let matter = Record::Matter(Matter {
            id: "m".into(),
            name: "M".into(),
            list: MatterList::Basic,
            category: None,
            attrs: None,
            validity: Validity::default(),
        });
        let item = Record::Item(Item {
            id: "i".into(),
            name: "I".into(),
            list: ItemList::Need,
            attrs: None,
            validity: Validity::default(),
        });
        let person =
            Record::Person(Person { id: "p".into(), name: "".into(), attrs: None, validity: Validity::default() });
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
    #[should_panic(expected = "a unit replaced by a territory")]
    fn a_record_is_never_replaced_by_one_of_another_type() {
        let mut store = Records::default();
        let all = records();
        let unit = store.push(all[1].clone());
        store.replace(unit, all[0].clone());
    }
}
