//! Reading and replaying on two threads: the log's reader (CSV or JSON parsing, times,
//! trimming, numbering the ids and the cases) hands rows on in batches to the replay,
//! which runs beside it on the other core. A batch owns its text, so nothing is allocated
//! per row; batches go back to the reader to be filled again, and at most [`DEPTH`] are in
//! flight ([`LOADING_DEPTH`] while the model loads, so that the reader reads ahead), so
//! memory stays within some tens of megabytes whatever the log's size.
//!
//! The reader numbers the cases too ([`Cases`]): each case id open in the replay has a
//! slot, so the replay keeps its open cases in a vector indexed by slot instead of hashing
//! and comparing the case's id on every row. A slot is given back when the replay says,
//! as it returns a batch, that the slot's case is no longer open (closed, or never
//! opened) and no later batch names it; so the reader's table holds the open cases and
//! those of the last few batches.
//!
//! Once the model is loaded, the reader also looks the texts it numbered up in it
//! ([`Found`]) while it waits for the replay to work through the batches read ahead.

use std::hash::BuildHasher;
use std::sync::mpsc;

use super::Done;
use super::read::{Item, Row, STAMP_ERRORS, Stamp, parse_stamp};
use crate::Node;

/// Rows (events and bad rows) per batch.
const ROWS: usize = 4096;
/// A batch is full at this much text, whatever its rows (512 KiB).
const TEXT: usize = 1 << 19;
/// Batches in flight between the threads once the replay runs: the replay is the slower
/// side then, so a deeper buffer only costs memory (64 batches: +40 MiB on 10 M rows).
const DEPTH: usize = 16;
/// Batches the reader may fill before the replay gives its first one back, that is while
/// the model loads (and its first view is audited): the reader reads ahead then, at most 40
/// batches of 4,096 rows (163,840 rows, about 21 MiB at the 80 bytes of an event and its
/// text's 50), whatever the log's size. It was 160 (about what the reader parses while the
/// city model loads on 2 cores), but the load's own threads share those cores, and every
/// batch is fresh memory whose pages the kernel must fault in and zero: with 40 the city
/// benchmark's peak fell from 304 to 231 MiB and its page faults by a quarter, its wall
/// time by 9 % and its CPU time by 7 % (docs/benchmarks.md, "`tiaokuai cases` against
/// pandas at the benchmark's size", 2026-12-04).
const LOADING_DEPTH: usize = 40;

/// An event of a batch (or a bad row, see [`Event::at`]): the row, its fields as ranges of
/// the batch's text, and its time parsed on the reader's thread. 80 bytes: the reader
/// fills up to 163,840 of them while the model loads.
struct Event {
    row: u64,
    /// The time, in seconds ([`Stamp::secs`]), when [`Event::at`] is [`AT_TIME`] or [`AT_DATE`].
    secs: i64,
    /// Where the first field's text starts in the batch's text (at most 512 KiB and a
    /// row); for a bad row, its index in [`Batch::bad`].
    start: u32,
    /// Where each field's text ends (each starts where the one before ends).
    ends: [u32; 8],
    ids: Ids,
    /// [`AT_TIME`], [`AT_DATE`] (a date alone), [`AT_BAD`] + the index of the reason in
    /// [`STAMP_ERRORS`], or [`BAD_ROW`].
    at: u8,
}

const AT_TIME: u8 = 0;
const AT_DATE: u8 = 1;
const AT_BAD: u8 = 2;
const BAD_ROW: u8 = u8::MAX;

impl Event {
    fn stamp(&self) -> Result<Stamp, &'static str> {
        match self.at {
            AT_TIME | AT_DATE => Ok(Stamp { secs: self.secs, date_only: self.at == AT_DATE }),
            n => Err(STAMP_ERRORS[usize::from(n - AT_BAD)]),
        }
    }
}

/// The reader's numbers for a row's matter, territory, unit and source: each distinct
/// text gets the next number, so the replay can keep what it found for a text in a
/// vector instead of hashing the text again ([`NO_ID`] for an empty cell, or when
/// [`MAX_INTERNED`] texts are numbered already: the replay then looks the text up).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ids {
    /// The case's slot ([`NO_ID`] when the row has no case id).
    pub case: u32,
    pub matter: u32,
    pub territory: u32,
    pub unit: u32,
    pub source: u32,
}

/// See [`Ids`].
pub(crate) const NO_ID: u32 = u32::MAX;

impl Ids {
    /// No numbers (a bad row's, or an event's until its batch is numbered).
    const NONE: Ids = Ids { case: NO_ID, matter: NO_ID, territory: NO_ID, unit: NO_ID, source: NO_ID };
}

/// At most this many distinct texts are numbered (a log of random ids cannot grow the
/// table without end).
pub(crate) const MAX_INTERNED: usize = 1 << 20;

/// The reader's table of texts to numbers.
#[derive(Default)]
struct Interner {
    table: hashbrown::HashTable<(Key, u32)>,
    state: hashbrown::DefaultHashBuilder,
    /// The texts by number, for [`Found`]: numbered and not yet looked up in the model.
    texts: Vec<Key>,
    /// The chunks of [`Found`] filled.
    chunks: usize,
}

impl Interner {
    /// The number of a text (with its hash by [`Interner::hash`]).
    fn id(&mut self, text: &str, hash: u64) -> u32 {
        if text.is_empty() {
            return NO_ID;
        }
        if let Some(&(_, i)) = self.table.find(hash, |(k, _)| k.bytes() == text.as_bytes()) {
            return i;
        }
        if self.table.len() >= MAX_INTERNED {
            return NO_ID;
        }
        let i = self.table.len() as u32;
        let state = &self.state;
        self.table.insert_unique(hash, (Key::from(text), i), |(k, _)| state.hash_one(k.as_str()));
        self.texts.push(Key::from(text));
        i
    }

    fn hash(&self, text: &str) -> u64 {
        self.state.hash_one(text)
    }

    /// True when the model is loaded and a chunk of numbers is whole and not looked up yet.
    fn has_chunk(&self, model: &Loaded<'_>) -> bool {
        (self.chunks + 1) * CHUNK <= self.texts.len() && model.get().is_some()
    }

    /// Looks the next whole chunk of numbered texts up in the model, when it is loaded.
    fn find_chunk(&mut self, model: &Loaded<'_>, found: &Found) {
        let Some(model) = model.get() else { return };
        let Some(texts) = self.texts.get(self.chunks * CHUNK..(self.chunks + 1) * CHUNK) else { return };
        let codes =
            texts.iter().map(|t| Found::code(model.find(t.as_str()).map(|n| (n, model.record(n).record_type()))));
        let _ = found.chunks[self.chunks].set(codes.collect());
        self.chunks += 1;
    }
}

/// Numbers per chunk of [`Found`].
const CHUNK: usize = 1 << 12;

/// The records (and their types) the reader's numbered texts name in the model, a chunk
/// of [`CHUNK`] numbers at a time, looked up on the reader's thread once the model is
/// loaded, so that the replay (the longer thread then: the reader has read ahead) finds a
/// text's record without reading the model's id index itself. A number the replay needs
/// before its chunk is filled (or of the last, partial chunk) the replay looks up itself:
/// the same answer.
pub(crate) struct Found {
    chunks: Box<[std::sync::OnceLock<Box<[u64]>>]>,
}

/// The model, set by the replay once it is loaded (see [`Found`]).
pub(crate) type Loaded<'m> = std::sync::OnceLock<&'m crate::Model>;

impl Found {
    pub(crate) fn new() -> Self {
        Found { chunks: (0..MAX_INTERNED / CHUNK).map(|_| std::sync::OnceLock::new()).collect() }
    }

    /// What the reader found for text number `n`, when its chunk is filled.
    pub(crate) fn get(&self, n: u32) -> Option<Option<(Node, crate::RecordType)>> {
        let chunk = self.chunks.get(n as usize / CHUNK)?.get()?;
        Found::decode(chunk[n as usize % CHUNK])
    }

    /// A record and its type as a number (never 0, which [`Found::decode`] reads as unknown).
    fn code(found: Option<(Node, crate::RecordType)>) -> u64 {
        match found {
            None => 1,
            Some((n, t)) => {
                let i = crate::RecordType::ALL.iter().position(|x| *x == t).unwrap_or_default() as u64;
                (u64::from(n.raw()) << 8) | (i << 1) | 1 << 7
            }
        }
    }

    fn decode(code: u64) -> Option<Option<(Node, crate::RecordType)>> {
        match code {
            0 => None,
            1 => Some(None),
            c => {
                let t = *crate::RecordType::ALL.get(((c >> 1) & 0x3F) as usize)?;
                Some(Some((Node::new((c >> 8) as u32), t)))
            }
        }
    }
}

/// The reader's numbering of the cases: see the [module](self) documentation.
///
/// The hash table holds each given slot with its case id and the batch that last named it,
/// so that a row's lookup (every row's) reads one place of memory, the one it updates.
#[derive(Default)]
struct Cases {
    /// The given slots, hashed by their case ids.
    table: hashbrown::HashTable<CaseSlot>,
    state: hashbrown::DefaultHashBuilder,
    /// The hash of each slot's case id, while it is given (to find its entry when it is
    /// given back).
    hashes: Vec<u64>,
    free: Vec<u32>,
}

/// A given slot of [`Cases`]: its case id, number, and the batch that last named it.
struct CaseSlot {
    key: Key,
    seq: u64,
    slot: u32,
}

impl Cases {
    /// The slot of a case id (of hash `hash`, by [`Cases::hash`]), named in batch `seq`.
    fn slot(&mut self, case: &str, hash: u64, seq: u64) -> u32 {
        if case.is_empty() {
            return NO_ID;
        }
        if let Some(found) = self.table.find_mut(hash, |c| c.key.bytes() == case.as_bytes()) {
            found.seq = seq;
            return found.slot;
        }
        let slot = match self.free.pop() {
            Some(s) => {
                self.hashes[s as usize] = hash;
                s
            }
            None => {
                self.hashes.push(hash);
                (self.hashes.len() - 1) as u32
            }
        };
        let state = &self.state;
        self.table
            .insert_unique(hash, CaseSlot { key: Key::from(case), seq, slot }, |c| state.hash_one(c.key.as_str()));
        slot
    }

    fn hash(&self, case: &str) -> u64 {
        self.state.hash_one(case)
    }

    /// The replay has batch `seq` back with these slots' cases not open after it: a slot
    /// no later batch names is free again.
    fn release(&mut self, seq: u64, freed: &[u32]) {
        for &s in freed {
            let Some(&hash) = self.hashes.get(s as usize) else { continue };
            // Not found: given back already (named twice in the list).
            if let Ok(entry) = self.table.find_entry(hash, |c| c.slot == s)
                && entry.get().seq == seq
            {
                entry.remove();
                self.free.push(s);
            }
        }
    }
}

/// A row that could not be read, kept aside ([`Batch::bad`]): they are few.
struct Bad {
    case: String,
    kind: &'static str,
    message: String,
}

/// Rows read, waiting for the replay.
#[derive(Default)]
pub(crate) struct Batch {
    text: String,
    /// The rows, in order.
    slots: Vec<Event>,
    /// The bad rows' case, kind and message (their [`Event::start`] is their index here).
    bad: Vec<Bad>,
    /// The batch's number, from 0 in the order the reader sent them.
    seq: u64,
    /// Set by the replay: the case slots of this batch whose case is not open after it.
    pub freed: Vec<u32>,
    /// Set by the replay: the cases it finished, for the fold on the reader's thread.
    pub done: Vec<Done>,
    /// Set by the replay: the territory chains it numbered, for the fold.
    pub chains: Vec<Box<[Node]>>,
}

/// A row handed to the replay: an event (with its time already parsed) or a bad row.
pub(crate) enum Handed<'a> {
    Event(u64, Row<'a>, Result<Stamp, &'static str>, Ids),
    Bad { row: u64, case: &'a str, kind: &'static str, message: String },
}

impl Batch {
    /// An empty batch with room for [`ROWS`] rows and their text, so that filling it
    /// moves nothing (room only: the memory is touched as it is filled).
    fn sized() -> Batch {
        Batch { text: String::with_capacity(TEXT + (1 << 12)), slots: Vec::with_capacity(ROWS), ..Batch::default() }
    }

    fn push(&mut self, item: Item<'_>, utc_offset_minutes: i32) {
        match item {
            Item::Event(row, r) => {
                let parts = [r.case, r.at, r.event, r.matter, r.territory, r.unit, r.source, r.satisfaction];
                let len: usize = parts.iter().map(|p| p.len()).sum();
                if self.text.len() + len > u32::MAX as usize {
                    // The batch's text is numbered in 32 bits: such a row is no log's.
                    let message = format!("the row's fields are {len} bytes long");
                    let case = if r.case.len() <= 64 { r.case.to_string() } else { String::new() };
                    return self.push_bad(row, case, "malformed", message);
                }
                self.text.reserve(len);
                let start = self.text.len() as u32;
                let mut ends = [0; 8];
                for (end, text) in ends.iter_mut().zip(parts) {
                    self.text.push_str(text);
                    *end = self.text.len() as u32;
                }
                let (secs, at) = match parse_stamp(r.at, utc_offset_minutes) {
                    Ok(s) => (s.secs, if s.date_only { AT_DATE } else { AT_TIME }),
                    Err(why) => {
                        let i = STAMP_ERRORS.iter().position(|e| *e == why).unwrap_or_default();
                        (0, AT_BAD + i as u8)
                    }
                };
                // Numbered with the batch's other rows when it is full ([`Batch::number`]).
                self.slots.push(Event { row, secs, start, ends, ids: Ids::NONE, at });
            }
            Item::Bad { row, case, kind, message } => self.push_bad(row, case, kind, message),
        }
    }

    fn push_bad(&mut self, row: u64, case: String, kind: &'static str, message: String) {
        let start = self.bad.len() as u32;
        self.bad.push(Bad { case, kind, message });
        self.slots.push(Event { row, secs: 0, start, ends: [0; 8], ids: Ids::NONE, at: BAD_ROW });
    }

    /// Numbers the case and the texts of every event of the batch ([`Ids`]), in row order:
    /// first the hashes of all, then the lookups, so that one row's lookups (cache misses
    /// in tables of some megabytes) need not wait for the row before's.
    fn number(&mut self, interner: &mut Interner, cases: &mut Cases, hashes: &mut Vec<[u64; 5]>) {
        let text = self.text.as_str();
        // The case, matter, territory, unit and source: fields 0, 3, 4, 5 and 6.
        let fields = |e: &Event| {
            let field = |i: usize| {
                let from = if i == 0 { e.start } else { e.ends[i - 1] };
                &text[from as usize..e.ends[i] as usize]
            };
            [field(0), field(3), field(4), field(5), field(6)]
        };
        hashes.clear();
        hashes.extend(self.slots.iter().filter(|e| e.at != BAD_ROW).map(|e| {
            let [case, rest @ ..] = fields(e);
            let [m, t, u, s] = rest.map(|f| interner.hash(f));
            [cases.hash(case), m, t, u, s]
        }));
        let mut hashes = hashes.iter();
        for e in self.slots.iter_mut().filter(|e| e.at != BAD_ROW) {
            let (Some(h), [case, matter, territory, unit, source]) = (hashes.next(), fields(e)) else { break };
            e.ids = Ids {
                case: cases.slot(case, h[0], self.seq),
                matter: interner.id(matter, h[1]),
                territory: interner.id(territory, h[2]),
                unit: interner.id(unit, h[3]),
                source: interner.id(source, h[4]),
            };
        }
    }

    fn full(&self) -> bool {
        self.slots.len() >= ROWS || self.text.len() >= TEXT
    }

    /// Hands every row to `f`, in order, and empties the batch.
    pub(crate) fn drain(&mut self, mut f: impl FnMut(Handed<'_>)) {
        let text = self.text.as_str();
        for e in &self.slots {
            if e.at == BAD_ROW {
                let Bad { case, kind, message } = &mut self.bad[e.start as usize];
                f(Handed::Bad { row: e.row, case, kind, message: std::mem::take(message) });
                continue;
            }
            let mut from = e.start as usize;
            let mut g = |i: usize| {
                let to = e.ends[i] as usize;
                let s = &text[from..to];
                from = to;
                s
            };
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
            f(Handed::Event(e.row, row, e.stamp(), e.ids));
        }
        self.slots.clear();
        self.bad.clear();
        self.text.clear();
    }
}

/// Runs `read` (which calls its argument for every row) on this thread and `replay` (which
/// takes the batches from its receiver) on another, and returns both results. `back` is
/// called on this thread with every batch the replay gives back, in order, the last ones
/// once the log is read (until the replay ends).
///
/// Once the replay has set `model`, this thread also looks the texts it numbered up in it
/// (into `found`), while it waits for the replay to give batches back and as it fills them.
pub(crate) fn run<E, T: Send>(
    utc_offset_minutes: i32,
    model: &Loaded<'_>,
    found: &Found,
    read: impl FnOnce(&mut dyn FnMut(Item<'_>)) -> E,
    mut back: impl FnMut(&mut Batch),
    replay: impl FnOnce(&mut dyn FnMut() -> Option<Batch>, &dyn Fn(Batch)) -> T + Send,
) -> (E, T) {
    let (full_tx, full_rx) = mpsc::sync_channel::<Batch>(LOADING_DEPTH);
    let (empty_tx, empty_rx) = mpsc::channel::<Batch>();
    std::thread::scope(|s| {
        let handle = s.spawn(move || {
            let mut next = || full_rx.recv().ok();
            let give_back = |b: Batch| {
                let _ = empty_tx.send(b);
            };
            replay(&mut next, &give_back)
        });
        let mut batch = Batch::sized();
        let mut interner = Interner::default();
        let mut cases = Cases::default();
        let mut hashes = Vec::with_capacity(ROWS);
        let mut spare = Vec::new();
        let mut stopped = false;
        // Batches sent and not yet back, and how many may be: LOADING_DEPTH until the
        // replay gives its first batch back (the model is loaded then), DEPTH after.
        let (mut in_flight, mut depth) = (0, LOADING_DEPTH);
        let mut came_back = |b: Batch, spare: &mut Vec<Batch>, cases: &mut Cases, in_flight: &mut usize| {
            let mut b = b;
            // Every batch back from the replay frees its closed cases' slots.
            cases.release(b.seq, &b.freed);
            b.freed.clear();
            back(&mut b);
            *in_flight -= 1;
            // The batches filled while the model loaded are not all needed again.
            if spare.len() < DEPTH {
                spare.push(b);
            }
        };
        let read_result = read(&mut |item| {
            if stopped {
                return;
            }
            batch.push(item, utc_offset_minutes);
            if batch.full() {
                batch.number(&mut interner, &mut cases, &mut hashes);
                while let Ok(b) = empty_rx.try_recv() {
                    came_back(b, &mut spare, &mut cases, &mut in_flight);
                    depth = DEPTH;
                }
                while interner.has_chunk(model) {
                    interner.find_chunk(model, found);
                }
                while in_flight >= depth && !stopped {
                    // While the replay works through the batches read ahead, the numbered
                    // texts are looked up in the model, a chunk at a time between checks.
                    let back = if interner.has_chunk(model) {
                        match empty_rx.try_recv() {
                            Err(mpsc::TryRecvError::Empty) => {
                                interner.find_chunk(model, found);
                                continue;
                            }
                            got => got.map_err(drop),
                        }
                    } else {
                        empty_rx.recv().map_err(drop)
                    };
                    match back {
                        Ok(b) => {
                            came_back(b, &mut spare, &mut cases, &mut in_flight);
                            depth = DEPTH;
                        }
                        // The replay ended early (the model failed to load, or it panicked: raised below).
                        Err(()) => stopped = true,
                    }
                }
                let mut fresh = spare.pop().unwrap_or_else(Batch::sized);
                fresh.seq = batch.seq + 1;
                // The replay only stops early by failing to load or by panicking.
                stopped = stopped || full_tx.send(std::mem::replace(&mut batch, fresh)).is_err();
                in_flight += 1;
            }
        });
        if !batch.slots.is_empty() && !stopped {
            batch.number(&mut interner, &mut cases, &mut hashes);
            let _ = full_tx.send(batch);
        }
        drop(full_tx);
        // The replay's last batches, until it ends (and drops its sender).
        for mut b in empty_rx.iter() {
            back(&mut b);
        }
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
    /// The id's bytes.
    pub(crate) fn bytes(&self) -> &[u8] {
        match self {
            Key::Short { len, bytes } => &bytes[..usize::from(*len)],
            Key::Long(s) => s.as_bytes(),
        }
    }

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
    fn rows_reach_the_replay_in_order_also_when_it_starts_late() {
        // Some 20 batches' worth of rows, bad rows and bad times among them, read while the
        // replay waits (as for a model's load): every row comes out in order, whole.
        let n = 20 * ROWS as u64;
        let text =
            |i: u64| (format!("C{}", i % 977), format!("2024-01-{:02}T08:00", 1 + i % 28), format!("t{}", i % 31));
        let found = Found::new();
        let ((), seen) = run(
            480,
            &Loaded::new(),
            &found,
            |f| {
                for i in 1..=n {
                    let (case, at, territory) = text(i);
                    if i % 1000 == 0 {
                        f(Item::Bad { row: i, case, kind: "malformed", message: format!("row {i}") });
                        continue;
                    }
                    let at = match i % 777 {
                        0 => "2024-02-30".to_string(),
                        5 => at[..10].to_string(),
                        _ => at,
                    };
                    let event = if i % 2 == 0 { "reported" } else { "closed" };
                    let row = Row { case: &case, at: &at, event, territory: &territory, ..Row::default() };
                    f(Item::Event(i, row));
                }
            },
            |_| {},
            |next, give_back| {
                std::thread::sleep(std::time::Duration::from_millis(50));
                let mut seen = Vec::new();
                while let Some(mut batch) = next() {
                    batch.drain(|h| match h {
                        Handed::Event(row, r, at, ids) => {
                            let fields = (r.case.to_string(), r.event.to_string(), r.territory.to_string());
                            seen.push((row, Ok((fields, at, ids.case != NO_ID))));
                        }
                        Handed::Bad { row, case, kind, message } => {
                            seen.push((row, Err((case.to_string(), kind, message))))
                        }
                    });
                    batch.freed.clear();
                    give_back(batch);
                }
                seen
            },
        );
        assert_eq!(seen.len() as u64, n);
        for (i, (row, got)) in (1..=n).zip(&seen) {
            assert_eq!(*row, i);
            let (case, at, territory) = text(i);
            match got {
                Err((c, kind, message)) => {
                    assert!(i % 1000 == 0);
                    assert_eq!(
                        (c.as_str(), *kind, message.as_str()),
                        (case.as_str(), "malformed", format!("row {i}").as_str())
                    );
                }
                Ok(((c, event, t), at_got, numbered)) => {
                    assert_eq!((c, t), (&case, &territory));
                    assert_eq!(event, if i % 2 == 0 { "reported" } else { "closed" });
                    let want = match i % 777 {
                        0 => parse_stamp("2024-02-30", 480),
                        5 => parse_stamp(&at[..10], 480),
                        _ => parse_stamp(&at, 480),
                    };
                    assert!(want.is_ok() != (i % 777 == 0) && (i % 777 != 5 || want.unwrap().date_only));
                    assert_eq!(*at_got, want, "row {i}");
                    assert!(numbered);
                }
            }
        }
    }

    #[test]
    fn the_reader_finds_the_texts_it_numbers_in_the_model_as_the_model_would() {
        // Some chunks' worth of distinct texts, ids of the model among them (the sample's
        // territories and units, typed), ids it lacks, and texts named again: what the
        // reader found for a number, when it found it, is the model's answer for its text.
        let model = crate::Model::sample();
        let territories = model.territories().map(|(n, _)| n);
        let ids: Vec<String> =
            territories.chain(model.units().map(|(n, _)| n)).map(|n| model.id(n).to_string()).collect();
        assert!(ids.len() > 100);
        let text = |i: u64| match i % 3 {
            0 => ids[(i as usize / 3) % ids.len()].clone(),
            1 => format!("nowhere-{i}"),
            _ => format!("elsewhere-{}", i / 6),
        };
        let n = 8 * CHUNK as u64;
        let (loaded, found) = (Loaded::new(), Found::new());
        let ((), (checked, from_reader)) = run(
            480,
            &loaded,
            &found,
            |f| {
                for i in 1..=n {
                    let (case, territory) = (format!("C{i}"), text(i));
                    f(Item::Event(
                        i,
                        Row {
                            case: &case,
                            at: "2024-01-02",
                            event: "reported",
                            territory: &territory,
                            ..Row::default()
                        },
                    ));
                }
            },
            |_| {},
            |next, give_back| {
                let _ = loaded.set(&model);
                let (mut checked, mut from_reader) = (0, 0);
                while let Some(mut batch) = next() {
                    batch.drain(|h| {
                        let Handed::Event(_, r, _, ids) = h else { return };
                        let want = model.find(r.territory).map(|n| (n, model.record(n).record_type()));
                        if let Some(got) = found.get(ids.territory) {
                            assert_eq!(got, want, "{}", r.territory);
                            from_reader += 1;
                        }
                        checked += 1;
                    });
                    batch.freed.clear();
                    give_back(batch);
                }
                (checked, from_reader)
            },
        );
        assert_eq!(checked, n);
        assert!(from_reader > n / 4, "{from_reader} of {n} rows found by the reader");
        let filled = found.chunks.iter().filter(|c| c.get().is_some()).count();
        assert!(filled >= 2, "{filled} chunks filled");
        for t in [
            None,
            Some((crate::Node::new(0), crate::RecordType::Person)),
            Some((crate::Node::new(u32::MAX - 1), crate::RecordType::Territory)),
        ] {
            assert_eq!(Found::decode(Found::code(t)), Some(t));
        }
        assert_eq!(Found::decode(0), None);
    }

    #[test]
    fn case_slots_are_given_back_only_after_the_last_batch_naming_them() {
        let slot = |c: &mut Cases, id: &str, seq: u64| {
            let hash = c.hash(id);
            c.slot(id, hash, seq)
        };
        let mut c = Cases::default();
        let long = "a-case-id-of-more-than-twenty-two-bytes";
        let (a, b) = (slot(&mut c, "A", 0), slot(&mut c, long, 0));
        assert_ne!(a, b);
        assert_eq!(slot(&mut c, "", 0), NO_ID);
        assert_eq!(slot(&mut c, "A", 1), a, "the same id keeps its slot while given");
        // Batch 0 comes back with both not open, but batch 1 names A again: only B's
        // slot is free (given twice: once).
        c.release(0, &[a, b, b]);
        assert_eq!(c.free, vec![b]);
        assert_eq!(slot(&mut c, "A", 2), a);
        // A new id takes the free slot; B named again gets another.
        let n = slot(&mut c, "N", 2);
        assert_eq!(n, b);
        let b2 = slot(&mut c, long, 2);
        assert!(b2 != a && b2 != n);
        c.release(1, &[a]);
        assert!(c.free.is_empty(), "batch 2 named A after batch 1");
        c.release(2, &[a, n, b2]);
        assert_eq!(c.free.len(), 3);
        assert_eq!(c.table.len(), 0);
    }

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
