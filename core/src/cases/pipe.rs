//! Reading and replaying on two threads: the log's reader (CSV or JSON parsing, times,
//! trimming) hands rows on in batches to the replay, which runs beside it on the other
//! core. A batch owns its text, so nothing is allocated per row; batches go back to the
//! reader to be filled again, and at most [`DEPTH`] are in flight, so memory stays within
//! some tens of megabytes whatever the log's size.

use std::sync::mpsc;

use super::read::{Item, Row, Stamp, parse_stamp};

/// Rows (events and bad rows) per batch.
const ROWS: usize = 4096;
/// Batches in flight between the threads: the reader runs ahead while the model loads
/// (some 65,000 rows; at most 16 batches of 4,096 rows and 512 KiB of text). The replay is
/// the slower side, so a deeper buffer only costs memory (64 batches: +40 MiB on 10 M rows).
const DEPTH: usize = 16;

/// An event of a batch: the row, its fields as ranges of the batch's text, and its time
/// parsed on the reader's thread.
struct Event {
    row: u64,
    fields: [(usize, usize); 8],
    at: Result<Stamp, &'static str>,
    ids: Ids,
}

/// The reader's numbers for a row's matter, territory, unit and source: each distinct
/// text gets the next number, so the replay can keep what it found for a text in a
/// vector instead of hashing the text again ([`NO_ID`] for an empty cell, or when
/// [`MAX_INTERNED`] texts are numbered already: the replay then looks the text up).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ids {
    pub matter: u32,
    pub territory: u32,
    pub unit: u32,
    pub source: u32,
}

/// See [`Ids`].
pub(crate) const NO_ID: u32 = u32::MAX;

/// At most this many distinct texts are numbered (a log of random ids cannot grow the
/// table without end).
pub(crate) const MAX_INTERNED: usize = 1 << 20;

/// The reader's table of texts to numbers.
#[derive(Default)]
struct Interner {
    map: hashbrown::HashMap<Key, u32>,
}

impl Interner {
    fn id(&mut self, text: &str) -> u32 {
        if text.is_empty() {
            return NO_ID;
        }
        if let Some(&i) = self.map.get(text) {
            return i;
        }
        if self.map.len() >= MAX_INTERNED {
            return NO_ID;
        }
        let i = self.map.len() as u32;
        self.map.insert(text.into(), i);
        i
    }
}

enum Slot {
    Event(Event),
    Bad { row: u64, case: String, kind: &'static str, message: String },
}

/// Rows read, waiting for the replay.
#[derive(Default)]
pub(crate) struct Batch {
    text: String,
    slots: Vec<Slot>,
}

/// A row handed to the replay: an event (with its time already parsed) or a bad row.
pub(crate) enum Handed<'a> {
    Event(u64, Row<'a>, Result<Stamp, &'static str>, Ids),
    Bad { row: u64, case: &'a str, kind: &'static str, message: String },
}

impl Batch {
    fn push(&mut self, item: Item<'_>, utc_offset_minutes: i32, interner: &mut Interner) {
        match item {
            Item::Event(row, r) => {
                let mut fields = [(0, 0); 8];
                let parts = [r.case, r.at, r.event, r.matter, r.territory, r.unit, r.source, r.satisfaction];
                for (slot, text) in fields.iter_mut().zip(parts) {
                    let start = self.text.len();
                    self.text.push_str(text);
                    *slot = (start, self.text.len());
                }
                let at = parse_stamp(r.at, utc_offset_minutes);
                let ids = Ids {
                    matter: interner.id(r.matter),
                    territory: interner.id(r.territory),
                    unit: interner.id(r.unit),
                    source: interner.id(r.source),
                };
                self.slots.push(Slot::Event(Event { row, fields, at, ids }));
            }
            Item::Bad { row, case, kind, message } => self.slots.push(Slot::Bad { row, case, kind, message }),
        }
    }

    fn full(&self) -> bool {
        self.slots.len() >= ROWS || self.text.len() >= 1 << 19
    }

    /// Hands every row to `f`, in order, and empties the batch.
    pub(crate) fn drain(&mut self, mut f: impl FnMut(Handed<'_>)) {
        let text = self.text.as_str();
        // By reference: a slot is some 200 bytes, not worth moving out.
        for slot in &mut self.slots {
            match slot {
                Slot::Event(e) => {
                    let g = |i: usize| &text[e.fields[i].0..e.fields[i].1];
                    let row = Row {
                        case: g(0),
                        at: g(1),
                        event: g(2),
                        matter: g(3),
                        territory: g(4),
                        unit: g(5),
                        source: g(6),
                        satisfaction: g(7),
                    };
                    f(Handed::Event(e.row, row, e.at, e.ids));
                }
                Slot::Bad { row, case, kind, message } => {
                    f(Handed::Bad { row: *row, case, kind, message: std::mem::take(message) })
                }
            }
        }
        self.slots.clear();
        self.text.clear();
    }
}

/// Runs `read` (which calls its argument for every row) on this thread and `replay` (which
/// takes the batches from its receiver) on another, and returns both results.
pub(crate) fn run<E, T: Send>(
    utc_offset_minutes: i32,
    read: impl FnOnce(&mut dyn FnMut(Item<'_>)) -> E,
    replay: impl FnOnce(&mut dyn FnMut() -> Option<Batch>, &dyn Fn(Batch)) -> T + Send,
) -> (E, T) {
    let (full_tx, full_rx) = mpsc::sync_channel::<Batch>(DEPTH);
    let (empty_tx, empty_rx) = mpsc::channel::<Batch>();
    std::thread::scope(|s| {
        let handle = s.spawn(move || {
            let mut next = || full_rx.recv().ok();
            let give_back = |b: Batch| {
                let _ = empty_tx.send(b);
            };
            replay(&mut next, &give_back)
        });
        let mut batch = Batch::default();
        let mut interner = Interner::default();
        let mut stopped = false;
        let read_result = read(&mut |item| {
            if stopped {
                return;
            }
            batch.push(item, utc_offset_minutes, &mut interner);
            if batch.full() {
                let fresh = empty_rx.try_recv().unwrap_or_default();
                // The replay only stops early by panicking; its panic is raised below.
                stopped = full_tx.send(std::mem::replace(&mut batch, fresh)).is_err();
            }
        });
        if !batch.slots.is_empty() && !stopped {
            let _ = full_tx.send(batch);
        }
        drop(full_tx);
        let replayed = match handle.join() {
            Ok(t) => t,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        (read_result, replayed)
    })
}

/// An id as a hash-map key: ids of up to 22 bytes (case ids, most record ids) are kept in
/// the key itself, so that a lookup compares them where the table holds them instead of
/// following a pointer to the heap, and a case opened costs no allocation for its id.
#[derive(Clone)]
pub(crate) enum Key {
    Short { len: u8, bytes: [u8; 22] },
    Long(Box<str>),
}

impl Key {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            // The bytes were copied from a str, whole.
            Key::Short { len, bytes } => std::str::from_utf8(&bytes[..usize::from(*len)]).unwrap_or_default(),
            Key::Long(s) => s,
        }
    }
}

impl From<&str> for Key {
    fn from(s: &str) -> Self {
        if s.len() <= 22 {
            let mut bytes = [0; 22];
            bytes[..s.len()].copy_from_slice(s.as_bytes());
            Key::Short { len: s.len() as u8, bytes }
        } else {
            Key::Long(s.into())
        }
    }
}

impl std::borrow::Borrow<str> for Key {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl std::hash::Hash for Key {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.as_str().hash(h);
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Key {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_hold_short_and_long_ids_alike() {
        let mut map = hashbrown::HashMap::new();
        let long = "an-id-of-more-than-twenty-two-bytes";
        for id in ["", "C00000001", "exactly-22-bytes-long!", long] {
            map.insert(Key::from(id), id.len());
        }
        assert!(matches!(Key::from("exactly-22-bytes-long!"), Key::Short { len: 22, .. }));
        assert!(matches!(Key::from(long), Key::Long(_)));
        for id in ["", "C00000001", "exactly-22-bytes-long!", long] {
            assert_eq!(map.get(id), Some(&id.len()), "{id}");
            assert_eq!(Key::from(id).as_str(), id);
        }
        assert_eq!(map.get("C00000002"), None);
    }
}
