//! Streamed loading of a JSON model file: read twice, a part at a time, never held whole.
//!
//! The whole-text loader ([`super::json`]) reads the file into memory, checks it as UTF-8,
//! lets serde find every record's text (a vector of 16 bytes per record and link) and only
//! then parses the records: nationally with people and history, 3 GB of text and 0.5 GB of
//! those vectors, all fresh pages, before the model's own 2 GB. A file of
//! [`MIN_STREAMED`] bytes or more is read here instead:
//!
//! 1. **The outline** ([`outline`]): one pass over the file through a buffer of
//!    [`READ`] bytes checks the document's own structure exactly (an object of known
//!    fields, each given once, each array of objects, nothing after it, at most
//!    [`MAX_DEPTH`] levels deep), counts each array's items and keeps where each item starts
//!    (4 bytes an item, as the step from the one before). Strings are followed with their
//!    escapes; inside an item, eight bytes at a time (as [`crate::model::too_deep`] reads).
//! 2. **The records**: each array is read again in parts of about [`CHUNK`] bytes of whole
//!    items, in the order the builder takes them ([`Array::ALL`]: territories first, links
//!    after every record, whatever the document's order), each part checked as UTF-8 and its
//!    items handed to the loader's own [`Fill`], which parses them on every thread and adds
//!    them in order. The builder is sized from the outline's counts, as the whole-text
//!    loader sizes it.
//!
//! **Any problem falls back to the whole-text loader.** Whatever the outline does not accept
//! (a syntax error, an unknown or repeated field, an escape in a field's name, a document too
//! deep, an item that is not an object, a wrong `format`), and every error of a record, link
//! or the build, makes [`load`] answer `None`, and the caller reads the file whole as before:
//! the error reported is exactly the one the whole-text loader reports, first in document
//! order, which a streamed load cannot know before it has read the rest. A document with a
//! problem is so read twice; a good one is read twice over (the outline, then the parts),
//! which costs less than holding it.
//!
//! A file that changes between the passes is caught as [`super::read_checked`] catches one
//! changing while read: its length and modification time are compared before and after, and
//! a part whose bytes no longer frame its items as the outline found them is
//! [`Error::Changed`] too.

use std::fs::File;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

use serde_json::value::RawValue;

use super::json::{Array, FORMAT, Fill, LoadOptions, Text, Ticker, sized_builder};
use crate::error::{Error, Result};
use crate::model::{Attrs, MAX_DEPTH, META_DEPTH, Model, count_high, splat, string_step, zero_bytes};

/// Files from this size on are streamed; smaller ones are read whole (a second pass would
/// cost more than holding them).
pub(crate) const MIN_STREAMED: u64 = 16 << 20;

/// Bytes the outline reads at a time.
const READ: usize = 1 << 20;

/// About the bytes of items read and parsed at a time (more when one item is larger).
const CHUNK: usize = 128 << 20;

/// Where an array is in the file: its first item's start, its closing bracket and each item's
/// start as the step from the previous one's (the first's step is 0).
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Span {
    first: u64,
    end: u64,
    steps: Vec<u32>,
}

/// What the outline found: each array's [`Span`] (by its place in [`Array::ALL`]) and the
/// text of `format` and `meta`.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Outline {
    arrays: [Option<Span>; 7],
    format: Option<Vec<u8>>,
    meta: Option<Vec<u8>>,
}

/// The top-level fields a document may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Format,
    Meta,
    Array(usize),
}

fn field(name: &[u8]) -> Option<Field> {
    match name {
        b"format" => Some(Field::Format),
        b"meta" => Some(Field::Meta),
        _ => Array::ALL.iter().position(|a| a.key().as_bytes() == name).map(Field::Array),
    }
}

/// Where the outline is in the document's grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    /// Before the document's `{`.
    Start,
    /// After `{` (`first`) or a `,`: a field's name next.
    Key { first: bool },
    /// Inside a field's name.
    Name,
    /// After a field's name.
    Colon,
    /// After the `:`.
    Value,
    /// Inside `format`'s or `meta`'s value (kept).
    Raw,
    /// In an array, before an item (`first`: or the `]` of an empty array).
    Item { first: bool },
    /// Inside an item.
    InItem,
    /// After an item: `,` or `]`.
    AfterItem,
    /// After a field's value: `,` or `}`.
    AfterValue,
    /// After the document's `}`.
    End,
}

/// What a raw value (`format`, `meta`) is, as far as its end is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RawKind {
    String,
    Nested,
    Scalar,
}

/// The outline's state: one byte after another, eight at a time inside items.
struct Scanner {
    at: At,
    depth: usize,
    in_string: bool,
    escaped: bool,
    name: Vec<u8>,
    field: Option<Field>,
    seen: u16,
    raw: Vec<u8>,
    raw_kind: RawKind,
    last_start: u64,
    out: Outline,
    /// Arrays opened and closed since the caller last took them.
    events: Vec<Event>,
}

fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\n' | b'\r' | b'\t')
}

/// `None`: the document is not one the outline reads (the caller falls back).
type Step = Option<()>;

impl Scanner {
    fn new() -> Scanner {
        Scanner {
            at: At::Start,
            depth: 0,
            in_string: false,
            escaped: false,
            name: Vec::new(),
            field: None,
            seen: 0,
            raw: Vec::new(),
            raw_kind: RawKind::Scalar,
            last_start: 0,
            out: Outline::default(),
            events: Vec::new(),
        }
    }

    fn open(&mut self) -> Step {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    /// Reads `buf`, the file's bytes from offset `base` on.
    fn feed(&mut self, buf: &[u8], base: u64) -> Step {
        let mut i = 0;
        while i < buf.len() {
            if self.at == At::InItem && !self.escaped {
                i += self.words(&buf[i..]);
                if i >= buf.len() {
                    break;
                }
            }
            self.step(buf[i], base + i as u64)?;
            i += 1;
        }
        Some(())
    }

    /// Inside an item, the words (eight bytes) that cannot end it nor nest too deep, read at
    /// once, and a flat item's end: the bytes read.
    fn words(&mut self, buf: &[u8]) -> usize {
        const HIGH: u64 = splat(0x80);
        let (words, _) = buf.as_chunks::<8>();
        let mut depth = self.depth;
        // Every byte's high bit when the word starts inside a string.
        let mut in_string = if self.in_string { HIGH } else { 0 };
        let mut read = 8 * words.len();
        for (k, w) in words.iter().enumerate() {
            let w = u64::from_le_bytes(*w);
            // `[` and `{` differ in one bit (0x20), as do `]` and `}`.
            let folded = w | splat(0x20);
            let quotes = zero_bytes(w ^ splat(b'"'));
            let opens = zero_bytes(folded ^ splat(b'{'));
            let closes = zero_bytes(folded ^ splat(b'}'));
            let escapes = zero_bytes(w ^ splat(b'\\'));
            if escapes | opens | closes == 0 {
                // Only quotes, or nothing: in a string after an odd number of them.
                if count_high(quotes) & 1 == 1 {
                    in_string ^= HIGH;
                }
                continue;
            }
            if escapes != 0 {
                read = 8 * k;
                break;
            }
            // A byte's high bit: the byte is inside a string, after the quotes up to it.
            let mut inside = quotes;
            inside ^= inside << 8;
            inside ^= inside << 16;
            inside ^= inside << 32;
            inside ^= in_string;
            let (opens, closes) = (opens & !inside, closes & !inside);
            let (n_opens, n_closes) = (count_high(opens), count_high(closes));
            // An item is at depth 3 and ends when a close brings it back to 2.
            if depth + n_opens <= MAX_DEPTH && n_closes + 3 <= depth {
                depth = depth + n_opens - n_closes;
                in_string = if inside >> 63 != 0 { HIGH } else { 0 };
                continue;
            }
            let first_close = closes.trailing_zeros();
            if depth == 3 && closes != 0 && opens & ((1u64 << first_close) - 1) == 0 {
                // A flat item's end (the usual case): its first close outside a string.
                self.depth = 2;
                self.in_string = false;
                self.at = At::AfterItem;
                return 8 * k + first_close as usize / 8 + 1;
            }
            read = 8 * k;
            break;
        }
        self.depth = depth;
        self.in_string = in_string != 0;
        read
    }

    /// One byte, at offset `pos`.
    fn step(&mut self, c: u8, pos: u64) -> Step {
        match self.at {
            At::Start => match c {
                b'{' => {
                    self.open()?;
                    self.at = At::Key { first: true };
                }
                c if is_ws(c) => {}
                _ => return None,
            },
            At::Key { first } => match c {
                b'"' => {
                    self.name.clear();
                    self.at = At::Name;
                }
                b'}' if first => {
                    self.depth = 0;
                    self.at = At::End;
                }
                c if is_ws(c) => {}
                _ => return None,
            },
            At::Name => match c {
                b'"' => {
                    let f = field(&self.name)?;
                    let bit = 1u16
                        << match f {
                            Field::Format => 7,
                            Field::Meta => 8,
                            Field::Array(a) => a,
                        };
                    if self.seen & bit != 0 {
                        return None;
                    }
                    self.seen |= bit;
                    self.field = Some(f);
                    self.at = At::Colon;
                }
                // An escape or a control character: the whole-text loader reads (or refuses) it.
                b'\\' | 0..0x20 => return None,
                // No field's name is longer.
                _ if self.name.len() >= 16 => return None,
                c => self.name.push(c),
            },
            At::Colon => match c {
                b':' => self.at = At::Value,
                c if is_ws(c) => {}
                _ => return None,
            },
            At::Value => match (c, self.field?) {
                (c, _) if is_ws(c) => {}
                (b'[', Field::Array(a)) => {
                    self.open()?;
                    self.out.arrays[a] = Some(Span { first: pos + 1, end: 0, steps: Vec::new() });
                    self.events.push(Event::Opened(a));
                    self.at = At::Item { first: true };
                }
                (_, Field::Array(_)) => return None,
                (c, _) => {
                    self.raw.clear();
                    self.raw.push(c);
                    self.raw_kind = match c {
                        b'"' => {
                            self.in_string = true;
                            RawKind::String
                        }
                        b'{' | b'[' => {
                            self.open()?;
                            RawKind::Nested
                        }
                        _ => RawKind::Scalar,
                    };
                    self.at = At::Raw;
                }
            },
            At::Raw => {
                if self.raw_kind == RawKind::Scalar && (is_ws(c) || c == b',' || c == b'}') {
                    self.end_raw();
                    return self.step(c, pos);
                }
                self.raw.push(c);
                let in_string = self.in_string;
                if self.nested_byte(c, 1)? || (in_string && !self.in_string && self.raw_kind == RawKind::String) {
                    self.end_raw();
                }
            }
            At::Item { first } => match c {
                b'{' => {
                    self.open()?;
                    let Some(Field::Array(a)) = self.field else { return None };
                    let span = self.out.arrays[a].as_mut()?;
                    let step = if span.steps.is_empty() {
                        span.first = pos;
                        0
                    } else {
                        u32::try_from(pos - self.last_start).ok()?
                    };
                    span.steps.push(step);
                    self.last_start = pos;
                    self.at = At::InItem;
                }
                b']' if first => self.close_array(pos)?,
                c if is_ws(c) => {}
                _ => return None,
            },
            At::InItem => {
                if self.nested_byte(c, 2)? {
                    self.at = At::AfterItem;
                }
            }
            At::AfterItem => match c {
                b',' => self.at = At::Item { first: false },
                b']' => self.close_array(pos)?,
                c if is_ws(c) => {}
                _ => return None,
            },
            At::AfterValue => match c {
                b',' => self.at = At::Key { first: false },
                b'}' => {
                    self.depth = 0;
                    self.at = At::End;
                }
                c if is_ws(c) => {}
                _ => return None,
            },
            At::End => {
                if !is_ws(c) {
                    return None;
                }
            }
        }
        Some(())
    }

    /// A byte inside a value nested deeper than `level` (an item, `meta`): strings followed,
    /// brackets counted; true when it closes the value (the depth back at `level`).
    fn nested_byte(&mut self, c: u8, level: usize) -> Option<bool> {
        if self.in_string {
            self.string_byte(c);
            return Some(false);
        }
        match c {
            b'"' => self.in_string = true,
            b'{' | b'[' => self.open()?,
            // A close at the value's own level (after a scalar `meta`): not JSON.
            b'}' | b']' if self.depth <= level => return None,
            b'}' | b']' => {
                self.depth -= 1;
                return Some(self.depth == level);
            }
            _ => {}
        }
        Some(false)
    }

    /// A byte inside a string: its escapes followed, its end found.
    fn string_byte(&mut self, c: u8) {
        string_step(&mut self.in_string, &mut self.escaped, c);
    }

    fn end_raw(&mut self) {
        let raw = std::mem::take(&mut self.raw);
        match self.field {
            Some(Field::Format) => self.out.format = Some(raw),
            _ => self.out.meta = Some(raw),
        }
        self.at = At::AfterValue;
    }

    fn close_array(&mut self, pos: u64) -> Step {
        let Some(Field::Array(a)) = self.field else { return None };
        let mut span = self.out.arrays[a].take()?;
        span.end = pos;
        if span.steps.is_empty() {
            span.first = pos;
        }
        self.events.push(Event::Closed(a, span));
        self.depth = 1;
        self.at = At::AfterValue;
        Some(())
    }
}

/// What the outline tells the loader as it reads.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Event {
    /// The array ([`Array::ALL`]'s index) starts.
    Opened(usize),
    /// The array was read to its end: where its items are.
    Closed(usize, Span),
    /// The whole document was read: its `format` and `meta` as written, or `None` when it
    /// is not a document the outline reads.
    Done(Option<Outline>),
    /// The file could not be read, or changed while it was.
    Failed(Error),
}

/// Reads the file from its start to its end (`len` bytes, or [`Error::Changed`]),
/// telling `tell` what it finds; stops when `tell` returns false, or when `stop` is set (looked
/// at before each read).
pub(crate) fn outline(file: &File, path: &Path, len: u64, stop: &AtomicBool, tell: &mut dyn FnMut(Event) -> bool) {
    let mut s = Scanner::new();
    let mut buf = vec![0u8; READ];
    // The bytes read so far: the offset of the next read.
    let mut read = 0u64;
    let end = loop {
        if stop.load(Relaxed) {
            return;
        }
        let n = match read_some_at(file, &mut buf, read) {
            Ok(0) => break None,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => break Some(Event::Failed(Error::io(path, &e))),
        };
        let (mut part, mut base) = (&buf[..n], read);
        if read == 0 {
            // A byte-order mark, as the whole-text loader allows.
            part = part.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(part);
            base = (n - part.len()) as u64;
        }
        read += n as u64;
        let fed = s.feed(part, base);
        for e in s.events.drain(..) {
            if !tell(e) {
                return;
            }
        }
        if fed.is_none() {
            break Some(Event::Done(None));
        }
        if read > len {
            break Some(Event::Failed(changed(path)));
        }
    };
    tell(end.unwrap_or_else(|| {
        if read != len { Event::Failed(changed(path)) } else { Event::Done((s.at == At::End).then_some(s.out)) }
    }));
}

fn changed(path: &Path) -> Error {
    Error::Changed { path: path.display().to_string() }
}

/// Loads the JSON model file at `path` streamed (see the module's documentation), or `None`
/// when it must be read whole: any problem of its document, which the whole-text loader then
/// reports. `hook` as [`Model::load_with_hook`]'s, called once both passes have read.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read, [`Error::Changed`] when it changed while it
/// was read.
pub(crate) fn load(path: &Path, options: &LoadOptions, hook: &mut dyn FnMut(&Path)) -> Result<Option<Model>> {
    load_in(path, options, hook, CHUNK)
}

/// Sets its flag when dropped: tells the outline's thread to stop however the load ends.
struct StopOnDrop<'a>(&'a AtomicBool);

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Relaxed);
    }
}

/// [`load`] reading parts of about `chunk` bytes (small in tests, to have many).
pub(crate) fn load_in(
    path: &Path,
    options: &LoadOptions,
    hook: &mut dyn FnMut(&Path),
    chunk: usize,
) -> Result<Option<Model>> {
    if cfg!(not(any(unix, windows))) {
        return Ok(None); // no reads by offset: the file is read whole
    }
    let io = |e: std::io::Error| Error::io(path, &e);
    let file = File::open(path).map_err(io)?;
    let before = file.metadata().map_err(io)?;
    if before.len() > options.max_bytes {
        return Err(Error::TooLarge { size: before.len(), limit: options.max_bytes });
    }
    let threads = super::parallel::threads(options.threads);
    let stop = AtomicBool::new(false);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::scope(|scope| {
        let (stop, len) = (&stop, before.len());
        // The outline on a thread of its own, read while the records it has found are parsed;
        // on this one first with `threads(1)` (or when no thread can be started).
        let spawned = threads > 1 && {
            let (tx, file) = (tx.clone(), &file);
            std::thread::Builder::new()
                .spawn_scoped(scope, move || outline(file, path, len, stop, &mut |e| tx.send(e).is_ok()))
                .is_ok()
        };
        if !spawned {
            outline(&file, path, len, stop, &mut |e| tx.send(e).is_ok());
        }
        drop(tx);
        let _stop = StopOnDrop(stop);
        let mut events = Events { rx, spans: Default::default(), done: None, records_outlined: false };
        // The builder is sized when the records' arrays are outlined: when the links (or the
        // meetings) start, as written after every record, or at the document's end. Records
        // written after links make the builder's tables grow, no more.
        if !events.wait(|e| e.done.is_some() || e.records_outlined)? {
            return Ok(None);
        }
        let counts: [usize; 7] = std::array::from_fn(|a| e_count(&events.spans[a]));
        let b = sized_builder(counts, threads);
        let total = counts.iter().sum::<usize>() as u64;
        let mut fill = Fill { b, threads, collect: None, ticker: Ticker::new(total, options.progress.as_ref()) };
        let mut buf = Vec::new();
        let mut spare: Vec<Framed<'_>> = Vec::new();
        for (a, array) in Array::ALL.into_iter().enumerate() {
            // An array not outlined yet is waited for; one not in the document is known absent
            // only at its end.
            if !events.wait(|e| e.spans[a].is_some() || e.done.is_some())? {
                return Ok(None);
            }
            let Some(span) = events.spans[a].take() else { continue };
            let n = span.steps.len();
            if counts[a] == 0 {
                fill.ticker.add_total(n as u64);
            }
            let (mut k, mut start) = (0, span.first);
            while k < n {
                // Items k..e, from `start` to the next item's start (or the array's `]`).
                let (mut e, mut next) = (k + 1, start);
                let end = loop {
                    if e == n {
                        break span.end;
                    }
                    next += u64::from(span.steps[e]);
                    if next - start >= chunk as u64 {
                        break next;
                    }
                    e += 1;
                };
                let len = (end - start) as usize;
                if buf.len() < len {
                    buf.resize(len, 0);
                }
                read_at(&file, &mut buf[..len], start).map_err(|e| match e.kind() {
                    std::io::ErrorKind::UnexpectedEof => changed(path),
                    _ => io(e),
                })?;
                let mut items = recycle(std::mem::take(&mut spare));
                let mut at = 0usize;
                for j in k..e {
                    let to = if j + 1 < e { at + span.steps[j + 1] as usize } else { len };
                    items.push(Framed(&buf[at..to]));
                    at = to;
                }
                if fill.run(array, k, &items).is_err() {
                    return Ok(None);
                }
                spare = recycle(items);
                (k, start) = (e, end);
            }
        }
        if !events.wait(|e| e.done.is_some())? {
            return Ok(None);
        }
        let Some(Some(outline)) = events.done.take() else { return Ok(None) };
        let Some(format) = &outline.format else { return Ok(None) };
        if !matches!(serde_json::from_slice::<std::borrow::Cow<'_, str>>(format), Ok(s) if s == FORMAT) {
            return Ok(None);
        }
        if let Some(bytes) = &outline.meta {
            let Ok(text) = std::str::from_utf8(bytes) else { return Ok(None) };
            let Ok(raw) = serde_json::from_str::<&RawValue>(text) else { return Ok(None) };
            let Ok(meta) = Attrs::from_raw(raw, META_DEPTH) else { return Ok(None) };
            fill.b.meta(meta);
        }
        hook(path);
        let after = file.metadata().map_err(io)?;
        if after.len() != before.len() || after.modified().ok() != before.modified().ok() {
            return Err(changed(path));
        }
        Ok(fill.finish().ok())
    })
}

fn e_count(span: &Option<Span>) -> usize {
    span.as_ref().map_or(0, |s| s.steps.len())
}

/// What the outline's thread has told the loader so far.
struct Events {
    rx: std::sync::mpsc::Receiver<Event>,
    spans: [Option<Span>; 7],
    done: Option<Option<Outline>>,
    records_outlined: bool,
}

impl Events {
    /// Takes the outline's events until `enough` holds: `Ok(true)`; `Ok(false)` once the
    /// outline found a document it does not read (the load falls back), or its error.
    fn wait(&mut self, enough: impl Fn(&Events) -> bool) -> Result<bool> {
        while !enough(self) {
            match self.rx.recv() {
                Ok(Event::Opened(a)) => self.records_outlined |= Array::ALL[a].record_type().is_none(),
                Ok(Event::Closed(a, span)) => self.spans[a] = Some(span),
                Ok(Event::Done(outline)) => self.done = Some(outline),
                Ok(Event::Failed(e)) => return Err(e),
                // The thread ended without a word (it cannot: it always ends with one): as a
                // document the outline does not read.
                Err(_) => self.done = Some(None),
            }
        }
        Ok(!matches!(self.done, Some(None)))
    }
}

/// An empty vector of another lifetime in the same allocation (the parts' items borrow each
/// part's buffer in turn; this keeps one allocation for all of them).
fn recycle<'b>(mut v: Vec<Framed<'_>>) -> Vec<Framed<'b>> {
    v.clear();
    v.into_iter().map(|_| -> Framed<'b> { unreachable!("the vector is empty") }).collect()
}

/// An item's bytes as the outline framed it: from its `{` to the next item's `{` (or to the
/// array's `]`), so with the `,` and white space between them, which [`Framed::text`] cuts
/// off on the thread that parses it.
#[derive(Clone, Copy)]
struct Framed<'t>(&'t [u8]);

fn trim_ws_end(b: &[u8]) -> &[u8] {
    let n = b.iter().rposition(|&c| !is_ws(c)).map_or(0, |i| i + 1);
    &b[..n]
}

impl<'t> Text<'t> for Framed<'t> {
    fn text(&self) -> Result<&'t str> {
        let b = trim_ws_end(self.0);
        let b = b.strip_suffix(b",").map_or(b, trim_ws_end);
        // Not framed as the outline found it (the file changed between the passes), or not
        // UTF-8: the load falls back to reading the file whole, which reports either.
        let framed = b.first() == Some(&b'{') && b.last() == Some(&b'}');
        match std::str::from_utf8(b) {
            Ok(text) if framed => Ok(text),
            _ => Err(Error::Invalid { what: "document".into(), message: "an item is not as first read".into() }),
        }
    }

    fn bytes(&self) -> &'t [u8] {
        self.0
    }
}

/// Reads `buf.len()` bytes of `file` from `offset` (the file's position is left alone).
/// Reads into `buf` from `offset`, by the offset alone: the outline's thread and the parts'
/// reads share one open file, so neither may depend on (or move, on Unix) its cursor.
#[cfg(unix)]
fn read_some_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

/// As on Unix; Windows moves the cursor too, which no read here depends on.
#[cfg(windows)]
fn read_some_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}

/// Elsewhere no load is streamed ([`load_in`] falls back at once).
#[cfg(not(any(unix, windows)))]
fn read_some_at(_: &File, _: &mut [u8], _: u64) -> std::io::Result<usize> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// Reads `buf.len()` bytes of `file` from `offset` ([`read_some_at`] until full).
fn read_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    while !buf.is_empty() {
        match read_some_at(file, buf, offset) {
            Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use proptest::prelude::*;

    use super::*;

    /// A file of its own in the temporary folder, removed when dropped.
    struct TempFile(PathBuf);

    impl TempFile {
        fn with(text: &[u8]) -> TempFile {
            use std::sync::atomic::AtomicUsize;
            static N: AtomicUsize = AtomicUsize::new(0);
            let n = N.fetch_add(1, Relaxed);
            let path = std::env::temp_dir().join(format!("tk-stream-{}-{n}.json", std::process::id()));
            std::fs::write(&path, text).unwrap();
            TempFile(path)
        }
    }

    impl Drop for TempFile {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    fn streamed(text: &[u8], threads: usize, chunk: usize) -> Result<Option<Model>> {
        let file = TempFile::with(text);
        load_in(&file.0, &LoadOptions::default().threads(threads), &mut |_| {}, chunk)
    }

    /// A streamed load gives the whole-text loader's model, or falls back: never a model the
    /// whole-text loader would not give (nor a panic).
    fn same_or_fallback(text: &[u8], threads: usize, chunk: usize) -> bool {
        match streamed(text, threads, chunk).unwrap() {
            None => false,
            Some(m) => {
                let whole = Model::from_json_bytes(text).unwrap_or_else(|e| {
                    panic!("streamed, but the whole text fails: {e}\n{}", String::from_utf8_lossy(text))
                });
                assert_eq!(m, whole);
                assert_eq!(m.to_json(), whole.to_json());
                true
            }
        }
    }

    const SMALL: &str = r#"{"format": "tiaokuai/1", "meta": {"name": "small", "n": [1, {"a": null}]},
      "territories": [{"id": "t", "name": "T", "kind": "city"},
                      {"id": "s", "name": "S \"quoted\" [x] {y}", "kind": "street", "parent": "t"}],
      "units": [{"id": "u", "name": "U", "kind": "party_committee", "located_in": "t", "attrs": {"x": [1, [2, {"y": "}"}]]}},
                {"id": "v", "name": "V\\", "kind": "residents_committee", "located_in": "s", "members": 3}],
      "links": [{"from": "u", "to": "v", "kind": "leads"}]}"#;

    #[test]
    #[cfg(feature = "divisions")]
    fn a_generated_model_streams_to_the_whole_texts_model_in_any_parts_on_any_threads() {
        use crate::generate::{GenerateOptions, Scale};
        let model =
            GenerateOptions::new(Scale::District, 7).people(true).history(true).meetings(true).generate().unwrap();
        let text = model.to_json();
        for (threads, chunk) in [(1, 1 << 30), (2, 1 << 20), (3, 4096), (2, 1)] {
            assert!(same_or_fallback(text.as_bytes(), threads, chunk), "{threads} threads, parts of {chunk}");
        }
    }

    #[test]
    fn documents_written_otherwise_stream_too() {
        let sample = crate::SAMPLE_JSON;
        let minified = Model::from_json(sample).unwrap().to_json().split('\n').collect::<String>();
        let bom = format!("\u{FEFF}{SMALL}");
        let crlf = SMALL.replace('\n', "\r\n\t");
        // Fields in another order: links first, format last, the records' arrays reversed.
        let reordered = r#"{"links": [{"from": "a", "to": "b", "kind": "leads"}], "meetings": [],
            "units": [{"id": "a", "name": "A", "kind": "party_committee", "located_in": "t"},
                      {"id": "b", "name": "B", "kind": "residents_committee"}],
            "territories": [{"id": "t", "name": "T", "kind": "city"}], "items": [], "people": [],
            "meta": {}, "format": "tiaokuai/1"}"#;
        let empty = r#"{"format":"tiaokuai/1","territories":[],"units":[ ],"links":[]}"#;
        let only_format = r#" {"format" : "tiaokuai/1"} "#;
        for text in [sample, &minified, SMALL, &bom, &crlf, reordered, empty, only_format] {
            for (threads, chunk) in [(1, 1 << 20), (2, 1), (3, 64)] {
                assert!(same_or_fallback(text.as_bytes(), threads, chunk), "{threads}/{chunk}: {text}");
            }
        }
    }

    #[test]
    fn documents_with_a_problem_or_that_the_outline_does_not_read_fall_back() {
        let cases = [
            // Each one the whole-text loader refuses (the reason in the comment) ...
            r#"{"format": "tiaokuai/1", "units": [{"id": "a", "name": "A", "kind": "residents_committee"},]}"#, // trailing comma
            r#"{"format": "tiaokuai/1", "units": [{"id": "a", "name": "A", "kind": "residents_committee"} {"id": "b"}]}"#,
            r#"{"format": "tiaokuai/1", "units": [], "units": []}"#, // a field twice
            r#"{"format": "tiaokuai/1", "unitz": []}"#,              // an unknown field
            r#"{"format": "tiaokuai/1", "units": {}}"#,              // not an array
            r#"{"format": "tiaokuai/1", "units": ["a"]}"#,           // an item that is not an object
            r#"{"format": "tiaokuai/1", "units": []} x"#,            // something after the document
            r#"{"format": "tiaokuai/1", "units": []"#,               // cut short
            r#"{"format": "tiaokuai/2", "units": []}"#,              // another format
            r#"{"units": []}"#,                                      // no format
            r#"{"format": "tiaokuai/1", "meta": {"a": 1,}}"#,        // bad meta
            r#"{"format": "tiaokuai/1", "meta": [1]}"#,              // meta not an object
            r#"{"format": "tiaokuai/1",}"#,                          // trailing comma
            r#"{"format": "tiaokuai/1", "meta": 1]]}"#,              // closes after a scalar
            r#"{"format": "tiaokuai/1", "units": [{"id": "a", "name": "A", "kind": "residents_committee", "x": 1}]}"#,
            r#"{"format": "tiaokuai/1", "units": [{"id": "a", "name": "A", "kind": "residents_committee", "located_in": "nowhere"}]}"#,
            r#"{"format": "tiaokuai/1", "units": [{"id": "a", "name": "A", "kind": "residents_committee"}], "links": [{"from": "a", "to": "b", "kind": "leads"}]}"#,
            "",
            "[]",
            // ... and one it reads, which the outline leaves to it: an escape in a field's name.
            r#"{"format": "tiaokuai/1", "\u0075nits": []}"#,
        ];
        for (i, text) in cases.into_iter().enumerate() {
            // Every case is refused by the whole-text loader but the last.
            assert_eq!(Model::from_json(text).is_ok(), i + 1 == cases.len(), "{text}");
            for threads in [1, 2] {
                assert!(!same_or_fallback(text.as_bytes(), threads, 16), "streamed: {text}");
            }
        }
        let raw_newline = "{\"format\": \"tiaokuai/1\", \"units\": [{\"id\": \"a\", \"name\": \"A\nB\", \"kind\": \"residents_committee\"}]}";
        let bad_utf8 = [
            br#"{"format": "tiaokuai/1", "units": [{"id": "a", "name": ""#.as_slice(),
            b"\xff\xfe",
            br#"", "kind": "residents_committee"}]}"#,
        ]
        .concat();
        let deep = format!(
            r#"{{"format": "tiaokuai/1", "units": [{{"id": "a", "name": "A", "kind": "residents_committee", "attrs": {{"x": {}1{}}}}}]}}"#,
            "[".repeat(130),
            "]".repeat(130)
        );
        for text in [raw_newline.as_bytes(), &bad_utf8, deep.as_bytes()] {
            assert!(!same_or_fallback(text, 2, 16), "streamed: {}", String::from_utf8_lossy(text));
        }
    }

    #[test]
    fn the_outline_finds_each_arrays_items_and_the_raw_fields() {
        let file = TempFile::with(SMALL.as_bytes());
        let f = File::open(&file.0).unwrap();
        let mut events = Vec::new();
        outline(&f, &file.0, SMALL.len() as u64, &AtomicBool::new(false), &mut |e| {
            events.push(e);
            true
        });
        let starts = |a: usize| -> Vec<&str> {
            let Some(Event::Closed(_, span)) = events.iter().find(|e| matches!(e, Event::Closed(x, _) if *x == a))
            else {
                panic!("array {a} not closed: {events:?}")
            };
            assert_eq!(&SMALL[span.end as usize..=span.end as usize], "]");
            let mut at = span.first as usize;
            span.steps
                .iter()
                .map(|&s| {
                    at += s as usize;
                    &SMALL[at..at + 10]
                })
                .collect()
        };
        assert_eq!(starts(0), [r#"{"id": "t""#, r#"{"id": "s""#]);
        assert_eq!(starts(1), [r#"{"id": "u""#, r#"{"id": "v""#]);
        assert_eq!(starts(5), [r#"{"from": ""#]);
        let opened: Vec<usize> =
            events.iter().filter_map(|e| if let Event::Opened(a) = e { Some(*a) } else { None }).collect();
        assert_eq!(opened, [0, 1, 5]);
        let Some(Event::Done(Some(o))) = events.last() else { panic!("{events:?}") };
        assert_eq!(o.format.as_deref(), Some(&b"\"tiaokuai/1\""[..]));
        assert_eq!(o.meta.as_deref(), Some(&br#"{"name": "small", "n": [1, {"a": null}]}"#[..]));
    }

    #[test]
    fn the_outline_stops_when_the_load_no_longer_waits_for_it() {
        // A load that falls back at its first record must not wait for the rest of the file.
        let file = TempFile::with(SMALL.as_bytes());
        let f = File::open(&file.0).unwrap();
        let mut told = 0;
        outline(&f, &file.0, SMALL.len() as u64, &AtomicBool::new(true), &mut |_| {
            told += 1;
            true
        });
        assert_eq!(told, 0);
    }

    #[test]
    fn a_file_changed_while_it_is_read_is_reported() {
        let file = TempFile::with(SMALL.as_bytes());
        let path = file.0.clone();
        let err = load_in(&file.0, &LoadOptions::default(), &mut |_| std::fs::write(&path, "{}").unwrap(), 1 << 20)
            .unwrap_err();
        assert!(matches!(err, Error::Changed { .. }), "{err}");
    }

    #[test]
    fn a_large_file_loads_streamed_and_its_problems_are_those_of_the_whole_text() {
        // Past MIN_STREAMED by a long meta string: the path `Model::load` streams.
        let pad = "x".repeat(MIN_STREAMED as usize);
        let good = SMALL.replacen(r#""name": "small""#, &format!(r#""name": "{pad}""#), 1);
        let file = TempFile::with(good.as_bytes());
        assert_eq!(Model::load(&file.0).unwrap(), Model::from_json(&good).unwrap());
        let bad = good.replacen(r#""to": "v""#, r#""to": "w""#, 1);
        let file = TempFile::with(bad.as_bytes());
        assert_eq!(Model::load(&file.0).unwrap_err().to_string(), Model::from_json(&bad).unwrap_err().to_string());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// A byte changed, removed or added anywhere: the streamed load gives the whole-text
        /// loader's model or falls back, and never panics.
        #[test]
        fn any_edit_streams_to_the_same_model_or_falls_back(
            at in 0..SMALL.len(),
            edit in 0..3u8,
            byte in prop::sample::select(b"{}[],:\"\\ x1\n".to_vec()),
            threads in 1..3usize,
            chunk in prop::sample::select(vec![1usize, 40, 1 << 20]),
        ) {
            let mut text = SMALL.as_bytes().to_vec();
            match edit {
                0 => text[at] = byte,
                1 => { text.remove(at); }
                _ => text.insert(at, byte),
            }
            same_or_fallback(&text, threads, chunk);
        }
    }
}
