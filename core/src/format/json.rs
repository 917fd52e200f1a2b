//! Reading and writing the `tiaokuai/1` JSON document.
//!
//! Reading parses the document once into borrowed raw records, then each
//! record into a typed form; errors name the record (array, index, id) and
//! field. Writing is deterministic: the five arrays in a fixed order, one
//! record per line, fields in a fixed order, attrs and meta as compact JSON.

use std::borrow::Cow;
use std::io::Write;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::parallel::in_blocks;
use super::strict::line_col;
use crate::error::{Error, Position, Result};
use crate::model::builder::LinkMemo;
use crate::model::*;

/// The format version this library reads and writes.
pub const FORMAT: &str = "tiaokuai/1";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DocRaw<'a> {
    #[serde(borrow, default)]
    format: Option<&'a RawValue>,
    #[serde(borrow, default)]
    meta: Option<&'a RawValue>,
    #[serde(borrow, default)]
    territories: Vec<&'a RawValue>,
    #[serde(borrow, default)]
    units: Vec<&'a RawValue>,
    #[serde(borrow, default)]
    matters: Vec<&'a RawValue>,
    #[serde(borrow, default)]
    items: Vec<&'a RawValue>,
    #[serde(borrow, default)]
    people: Vec<&'a RawValue>,
    #[serde(borrow, default)]
    links: Vec<&'a RawValue>,
    #[serde(borrow, default)]
    meetings: Vec<&'a RawValue>,
}

/// A count as written, classified loosely so that counts get our own messages.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Loose {
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    Other(&'static str),
}

impl Loose {
    /// Classifies the JSON text of a count, keeping the text for messages.
    fn from_raw(raw: &RawValue) -> (Loose, String) {
        let text = raw.get();
        let loose = match text.as_bytes().first() {
            Some(b'"') => Loose::Other("a string"),
            Some(b't' | b'f') => Loose::Other("a boolean"),
            Some(b'[') => return (Loose::Other("an array"), "an array".into()),
            Some(b'{') => return (Loose::Other("an object"), "an object".into()),
            _ => {
                if let Ok(n) = text.parse::<u64>() {
                    Loose::Unsigned(n)
                } else if let Ok(n) = text.parse::<i64>() {
                    Loose::Signed(n)
                } else {
                    // Valid JSON numbers always parse as f64 (huge ones as infinity).
                    text.parse::<f64>().map(Loose::Float).unwrap_or(Loose::Other("not a number"))
                }
            }
        };
        (loose, text.to_string())
    }
}

/// Where a record is, built into a [`Position`] only when there is an error to report
/// (a `Position` owns its strings; making one per record would cost two allocations).
pub(crate) trait Locate {
    /// The position, for an error.
    fn pos(&self) -> Position;
}

impl Locate for Position {
    fn pos(&self) -> Position {
        self.clone()
    }
}

/// A record's array, index and id (for links, the `from` id), borrowed.
pub(crate) struct At<'a> {
    pub(crate) array: &'static str,
    pub(crate) index: usize,
    pub(crate) id: &'a str,
}

impl Locate for At<'_> {
    fn pos(&self) -> Position {
        if self.array == "links" {
            Position::link(self.index, Some(self.id))
        } else {
            Position::record(self.array, self.index, Some(self.id))
        }
    }
}

/// Checks a count given as JSON text (`null` was already read as absent); the
/// message quotes the value exactly as written (`1e3`, `18446744073709551617`).
fn count_raw(at: &impl Locate, field: &str, raw: Option<&RawValue>) -> Result<Option<u32>> {
    let Some(raw) = raw else { return Ok(None) };
    let (loose, text) = Loose::from_raw(raw);
    count(at, field, Some(loose)).map_err(|e| match e {
        Error::InvalidCount { at, field, reason, .. } => Error::InvalidCount { at, field, value: text, reason },
        other => other,
    })
}

/// Checks a count: a whole number from 0 to 4,294,967,295.
pub(crate) fn count(at: &impl Locate, field: &str, v: Option<Loose>) -> Result<Option<u32>> {
    let Some(v) = v else { return Ok(None) };
    count_rule(v).map(Some).map_err(|(value, reason)| Error::InvalidCount {
        at: at.pos(),
        field: field.into(),
        value,
        reason: reason.into(),
    })
}

/// The count rule itself, shared by models and audit configs: the count, or
/// the value (as classified; callers quote the text as written) and why it is
/// not a count.
pub(crate) fn count_rule(v: Loose) -> std::result::Result<u32, (String, &'static str)> {
    match v {
        Loose::Unsigned(n) => u32::try_from(n).map_err(|_| (n.to_string(), "larger than 4294967295")),
        Loose::Signed(n) => Err((n.to_string(), "must not be negative")),
        Loose::Float(f) if f.fract() == 0.0 && f >= 0.0 && f <= u32::MAX as f64 => {
            Err((f.to_string(), "must be written as a whole number, without a decimal point or exponent"))
        }
        Loose::Float(f) if f < 0.0 => Err((f.to_string(), "must not be negative")),
        Loose::Float(f) if f.fract() == 0.0 || !f.is_finite() => Err((f.to_string(), "larger than 4294967295")),
        Loose::Float(f) => Err((f.to_string(), "must be a whole number")),
        Loose::Other(what) => Err((what.to_string(), "must be a number")),
    }
}

/// A count given as raw JSON text, by the count rule: the count, or the text
/// as written and why it is not a count.
pub(crate) fn count_text(raw: &RawValue) -> std::result::Result<u32, (String, &'static str)> {
    let (loose, text) = Loose::from_raw(raw);
    count_rule(loose).map_err(|(_, reason)| (text, reason))
}

pub(crate) fn word<T: std::str::FromStr<Err = UnknownWord>>(at: &impl Locate, field: &str, s: &str) -> Result<T> {
    s.parse::<T>().map_err(|source| Error::UnknownWord { at: at.pos(), field: field.into(), source })
}

pub(crate) fn date(at: &impl Locate, field: &str, s: Option<Cow<'_, str>>) -> Result<Option<Date>> {
    match s {
        None => Ok(None),
        Some(s) => s.parse::<Date>().map(Some).map_err(|message| Error::InvalidField {
            at: at.pos(),
            field: field.into(),
            message,
        }),
    }
}

fn validity(at: &impl Locate, since: Option<Cow<'_, str>>, until: Option<Cow<'_, str>>) -> Result<Validity> {
    Ok(Validity::new(date(at, "since", since)?, date(at, "until", until)?))
}

pub(crate) fn attrs(at: &impl Locate, raw: Option<&RawValue>) -> Result<Option<Attrs>> {
    raw.map(|r| {
        Attrs::from_raw(r, ATTRS_DEPTH).map_err(|message| Error::InvalidField {
            at: at.pos(),
            field: "attrs".into(),
            message,
        })
    })
    .transpose()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TerritoryRaw<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow, default)]
    parent: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    attrs: Option<&'a RawValue>,
    #[serde(borrow, default)]
    since: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    until: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitRaw<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow, default)]
    sector: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    located_in: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    members: Option<&'a RawValue>,
    #[serde(borrow, default)]
    staff: Option<&'a RawValue>,
    #[serde(borrow, default)]
    in_service_members: Option<&'a RawValue>,
    #[serde(borrow, default)]
    attrs: Option<&'a RawValue>,
    #[serde(borrow, default)]
    since: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    until: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MatterRaw<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    list: Cow<'a, str>,
    #[serde(borrow, default)]
    category: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    attrs: Option<&'a RawValue>,
    #[serde(borrow, default)]
    since: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    until: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemRaw<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    list: Cow<'a, str>,
    #[serde(borrow, default)]
    attrs: Option<&'a RawValue>,
    #[serde(borrow, default)]
    since: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    until: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PersonRaw<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    attrs: Option<&'a RawValue>,
    #[serde(borrow, default)]
    since: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    until: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LinkRaw<'a> {
    #[serde(borrow)]
    from: Cow<'a, str>,
    #[serde(borrow)]
    to: Cow<'a, str>,
    #[serde(borrow)]
    kind: Cow<'a, str>,
    #[serde(default)]
    primary: Option<bool>,
    #[serde(borrow, default)]
    power: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    role: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    scope: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    members: Option<&'a RawValue>,
    #[serde(borrow, default)]
    event: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    post: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    band: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    grade: Option<&'a RawValue>,
    #[serde(borrow, default)]
    channel: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    attrs: Option<&'a RawValue>,
    #[serde(borrow, default)]
    since: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    until: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MeetingRaw<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow)]
    territory: Cow<'a, str>,
    #[serde(borrow)]
    date: Cow<'a, str>,
    #[serde(borrow, default)]
    convener: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    topics: Option<Vec<Cow<'a, str>>>,
    #[serde(borrow, default)]
    attrs: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Label<'a> {
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    from: Option<Cow<'a, str>>,
}

/// Strips serde_json's " at line L column C" suffix from a message.
pub(crate) fn bare_message(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// serde_json's message for a lone surrogate in a string ("unexpected end of
/// hex escape", "lone leading surrogate in hex escape" …) made plain: the
/// escape as written, and why.
fn lone_surrogate(text: &str, e: &serde_json::Error) -> Option<String> {
    let m = e.to_string();
    if !(m.contains("hex escape") || m.contains("surrogate") || m.contains("unicode code point")) {
        return None;
    }
    // The error's line and column are within this record's text.
    let line_start: usize = text.split_inclusive('\n').take(e.line().saturating_sub(1)).map(str::len).sum();
    let end = text.len().min(line_start + e.column());
    // The last escape before it, or the one before that (`\ud800\u0041`: the error is seen at the second).
    let mut upto = end;
    for _ in 0..2 {
        let at = text.get(..upto)?.rfind("\\u")?;
        let esc = text.get(at..at + 6)?;
        if let Ok(0xD800..=0xDFFF) = u16::from_str_radix(&esc[2..], 16) {
            return Some(format!("invalid unicode escape {esc}: a lone surrogate"));
        }
        upto = at;
    }
    None
}

/// Parses one record, turning a serde error into one naming the record and field.
pub(crate) fn parse_record<'a, T: Deserialize<'a>>(array: &str, index: usize, text: &'a str) -> Result<T> {
    if !text.starts_with('{') {
        // Checked first: serde would read a struct from an array (`["a", "A", "city"]`).
        return Err(Error::InvalidField {
            at: Position::record(array, index, None),
            field: "(record)".into(),
            message: "a record must be a JSON object".into(),
        });
    }
    match serde_json::from_str::<T>(text) {
        Ok(v) => Ok(v),
        Err(first) => {
            let label: Option<Label<'_>> = serde_json::from_str(text).ok();
            let id = label.and_then(|l| if array == "links" { l.from } else { l.id });
            let at = Position::record(array, index, id.as_deref());
            // Ask again with path tracking, to name the field.
            let mut de = serde_json::Deserializer::from_str(text);
            let path_err = serde_path_to_error::deserialize::<_, T>(&mut de).err();
            let mut message = lone_surrogate(text, &first).unwrap_or_else(|| bare_message(&first));
            let mut field = path_err.map(|e| e.path().to_string()).filter(|p| p != "." && !p.is_empty());
            if let Some(name) = message.strip_prefix("missing field `").and_then(|m| m.strip_suffix('`')) {
                // "missing field `name`"
                field = Some(name.to_string());
                message = "is required".into();
            } else if let Some(rest) = message.strip_prefix("unknown field `") {
                // "unknown field `parnet`, expected one of `id`, `name`, …"
                let (name, expected) = rest.split_once('`').unwrap_or((rest, ""));
                field = Some(name.to_string());
                let expected = expected.trim_start_matches(", ").replace('`', "");
                message = format!("unknown field; {expected}");
            }
            Err(Error::InvalidField { at, field: field.unwrap_or_else(|| "(record)".into()), message })
        }
    }
}

/// Options for loading a model.
///
/// Loading parses records, resolves their references and checks links on
/// several threads (one per core, at most 8) for big JSON documents, and builds
/// the adjacency tables of a big model (JSON or CSV bundle) on two; the model,
/// and the first error reported, are the same with any number of threads.
/// `threads(1)` keeps a load on the calling thread.
///
/// # Example
/// ```
/// use tiaokuai::{LoadOptions, Model, Error};
/// let opts = LoadOptions::default().max_bytes(10);
/// let err = Model::from_json_bytes_with(br#"{"format": "tiaokuai/1"}"#, &opts).unwrap_err();
/// assert!(matches!(err, Error::TooLarge { limit: 10, .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoadOptions {
    /// The largest input accepted, in bytes (default 4 GiB).
    pub max_bytes: u64,
    /// How many threads a load may use: 0 (the default) for one per available
    /// core, at most 8; 1 for none but the caller's.
    pub threads: usize,
    /// The text encoding of CSV bundle files: `None` (the default) reads UTF-8, with or
    /// without a byte-order mark, and GB18030 when the file starts with GB18030's mark;
    /// `Some` reads files without a mark in that encoding (a mark always wins).
    pub encoding: Option<super::Encoding>,
    /// Called as a JSON document's records and links are added: `(done, total)`, at most
    /// about a hundred times and once more at the end (`done == total`). `None` (the
    /// default) costs nothing. See [`LoadOptions::progress`].
    pub progress: Option<Progress>,
    /// Whether [`Model::open`](crate::Model::open) maps a model image's file (default
    /// true; needs the `mmap` feature, on by default): the model's largest columns then
    /// point into the file's pages, which every process opening the same file shares,
    /// instead of each process holding its own copy ([`Model::mapped_bytes`](crate::Model::mapped_bytes)).
    /// The file must then not be changed in place while the model is open (replace it by
    /// renaming a new file over it, as `tiaokuai convert -o` and [`Model::save`](crate::Model::save)
    /// do): a file cut shorter under a mapping faults (SIGBUS) when its end is read.
    pub map: bool,
}

/// A progress callback of a load ([`LoadOptions::progress`]): `(done, total)` records and links.
#[derive(Clone)]
pub struct Progress(pub std::sync::Arc<dyn Fn(u64, u64) + Send + Sync>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress(..)")
    }
}

impl PartialEq for Progress {
    /// The same callback (the same `Arc`).
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Progress {}

/// Counts the records and links added and tells a [`Progress`] every hundredth of them.
pub(crate) struct Ticker<'a> {
    done: u64,
    total: u64,
    next: u64,
    f: Option<&'a Progress>,
}

impl<'a> Ticker<'a> {
    pub(crate) fn new(total: u64, f: Option<&'a Progress>) -> Ticker<'a> {
        Ticker { done: 0, total, next: (total / 100).max(1), f }
    }

    #[inline]
    pub(crate) fn tick(&mut self) {
        self.done += 1;
        if self.done >= self.next {
            self.next = self.done + (self.total / 100).max(1);
            if let Some(f) = self.f {
                (f.0)(self.done.min(self.total), self.total);
            }
        }
    }

    /// Counts `n` more items in the total (a streamed load learns some totals late).
    pub(crate) fn add_total(&mut self, n: u64) {
        self.total += n;
    }

    pub(crate) fn finish(&mut self) {
        if let Some(f) = self.f {
            (f.0)(self.total, self.total);
        }
    }
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions { max_bytes: 4 << 30, threads: 0, encoding: None, progress: None, map: true }
    }
}

impl LoadOptions {
    /// Sets the largest input accepted, in bytes.
    pub fn max_bytes(mut self, limit: u64) -> Self {
        self.max_bytes = limit;
        self
    }

    /// Sets how many threads a load may use (0: one per core, at most 8; 1: the caller's only).
    ///
    /// # Example
    /// ```
    /// use tiaokuai::{LoadOptions, Model};
    /// let text = br#"{"format": "tiaokuai/1", "units": [{"id": "a", "name": "A", "kind": "enterprise"}]}"#;
    /// let one = Model::from_json_bytes_with(text, &LoadOptions::default().threads(1))?;
    /// let four = Model::from_json_bytes_with(text, &LoadOptions::default().threads(4))?;
    /// assert_eq!(one, four);
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    /// Sets whether [`Model::open`](crate::Model::open) maps a model image ([`LoadOptions::map`]).
    ///
    /// # Example
    /// ```
    /// let path = std::env::temp_dir().join(format!("tk-doc-map-{}.tkz", std::process::id()));
    /// tiaokuai::Model::sample().save(&path)?;
    /// let read = tiaokuai::Model::open_with(&path, &tiaokuai::LoadOptions::default().map(false))?;
    /// assert_eq!(read.mapped_bytes(), 0);
    /// assert_eq!(read, tiaokuai::Model::sample());
    /// # std::fs::remove_file(&path).ok();
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn map(mut self, map: bool) -> Self {
        self.map = map;
        self
    }

    /// Sets the encoding of CSV files that carry no byte-order mark ([`LoadOptions::encoding`]).
    ///
    /// # Example
    /// ```
    /// use tiaokuai::{LoadOptions, format::Encoding};
    /// let options = LoadOptions::default().encoding(Encoding::Gb18030);
    /// assert_eq!(options.encoding, Some(Encoding::Gb18030));
    /// ```
    pub fn encoding(mut self, encoding: super::Encoding) -> Self {
        self.encoding = Some(encoding);
        self
    }

    /// Sets a progress callback, called with `(done, total)` records and links as a JSON
    /// document is loaded (about a hundred times, and at the end with `done == total`).
    ///
    /// # Example
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// use tiaokuai::{LoadOptions, Model};
    /// let seen = Arc::new(Mutex::new(Vec::new()));
    /// let log = Arc::clone(&seen);
    /// let options = LoadOptions::default().progress(move |done, total| log.lock().unwrap().push((done, total)));
    /// let model = Model::from_json_bytes_with(tiaokuai::SAMPLE_JSON.as_bytes(), &options)?;
    /// let seen = seen.lock().unwrap();
    /// let total = (model.len() + model.link_count() + model.meetings().len()) as u64;
    /// assert_eq!(seen.last(), Some(&(total, total)));
    /// assert!(seen.len() >= 50 && seen.len() <= 110, "{} calls", seen.len());
    /// assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0));
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn progress(mut self, f: impl Fn(u64, u64) + Send + Sync + 'static) -> Self {
        self.progress = Some(Progress(std::sync::Arc::new(f)));
        self
    }
}

impl Model {
    /// Reads a model from `tiaokuai/1` JSON text.
    ///
    /// # Errors
    /// [`Error::Syntax`] for malformed JSON, [`Error::Format`] for a missing or
    /// unknown `format`, and the record-level errors of [`ModelBuilder`], each
    /// naming the record, its id and the field.
    ///
    /// # Example
    /// ```
    /// let err = tiaokuai::Model::from_json(r#"{"format": "tiaokuai/1",
    ///   "units": [{"id": "a", "name": "A", "kind": "enterprise", "members": -1}]}"#).unwrap_err();
    /// assert_eq!(err.to_string(), r#"units[0] (id "a"): field "members": -1 is not a valid count: must not be negative"#);
    /// ```
    pub fn from_json(text: &str) -> Result<Model> {
        Self::from_json_bytes(text.as_bytes())
    }

    /// Reads a model from JSON bytes: UTF-8, with or without a byte-order mark.
    ///
    /// # Errors
    /// As [`Model::from_json`], and [`Error::Syntax`] for invalid UTF-8.
    pub fn from_json_bytes(bytes: &[u8]) -> Result<Model> {
        Self::from_json_bytes_with(bytes, &LoadOptions::default())
    }

    /// Reads a model from JSON bytes with options.
    ///
    /// # Errors
    /// As [`Model::from_json_bytes`], and [`Error::TooLarge`] over the size limit.
    pub fn from_json_bytes_with(bytes: &[u8], options: &LoadOptions) -> Result<Model> {
        let text = super::strict::decode(bytes, options.max_bytes)?;
        load_doc(text, super::parallel::threads(options.threads), None, options.progress.as_ref())
    }
}

/// Every problem of a tiaokuai/1 JSON document that the loader can find in one pass, in
/// document order; empty when the document loads.
///
/// The loader ([`Model::from_json_bytes_with`]) stops at the first problem; this goes on:
/// a record or link with a problem is reported and left out, and what only follows from
/// leaving it out (a link or `parent` naming a record that was reported) is not reported
/// again. A problem of the document itself (its syntax, nesting, `format` or top-level
/// fields) ends the search, as nothing after it can be read. Run it after a load failed:
/// it takes one thread and about the time of a load.
///
/// # Example
/// ```
/// use tiaokuai::LoadOptions;
/// let text = br#"{"format": "tiaokuai/1",
///   "units": [{"id": "a", "name": "A", "kind": "enterprise", "members": -3},
///             {"id": "b", "name": "B", "kind": "no-such-kind"},
///             {"id": "c", "name": "C", "kind": "enterprise"}],
///   "links": [{"from": "a", "to": "c", "kind": "leads"}, {"from": "c", "to": "ghost", "kind": "leads"}]}"#;
/// let problems = tiaokuai::format::problems(text, &LoadOptions::default());
/// let found: Vec<String> = problems.iter().map(|e| e.to_string()).collect();
/// assert_eq!(problems.len(), 3, "{found:?}"); // members, kind, ghost; not the link from "a"
/// assert_eq!(problems[0].field(), Some("members"));
/// assert_eq!(problems[1].position().and_then(|p| p.id.as_deref()), Some("b"));
/// assert_eq!(problems[2].id(), Some("ghost"));
/// assert!(tiaokuai::format::problems(tiaokuai::SAMPLE_JSON.as_bytes(), &LoadOptions::default()).is_empty());
/// ```
pub fn problems(bytes: &[u8], options: &LoadOptions) -> Vec<Error> {
    let text = match super::strict::decode(bytes, options.max_bytes) {
        Ok(text) => text,
        Err(e) => return vec![e],
    };
    let mut found = Problems::default();
    if let Err(e) = load_doc(text, 1, Some(&mut found), None) {
        found.push(e);
    }
    found.list
}

/// Problems collected by [`problems`] (and [`super::bundle_problems`]), with the ids of
/// the records left out.
#[derive(Default)]
pub(crate) struct Problems {
    pub(crate) list: Vec<Error>,
    left_out: std::collections::HashSet<String>,
}

impl Problems {
    /// Keeps a problem, unless it only names a record already reported and left out.
    pub(crate) fn push(&mut self, e: Error) {
        if let Error::DanglingReference { id, .. } = &e
            && self.left_out.contains(id)
        {
            return;
        }
        if let Some(at) = e.position()
            && !at.array.starts_with("links") // links (JSON) and links.csv: a link has no id of its own
            && let Some(id) = &at.id
        {
            if self.left_out.contains(id) && matches!(e, Error::DanglingReference { .. }) {
                return;
            }
            self.left_out.insert(id.clone());
        }
        self.list.push(e);
    }
}

/// [`each_with`] for `work` that keeps nothing from one item to the next.
#[allow(clippy::too_many_arguments)]
fn each<T, S, R>(
    state: &mut S,
    items: &[T],
    base: usize,
    threads: usize,
    collect: &mut Option<&mut Problems>,
    ticker: &mut Ticker<'_>,
    work: impl Fn(&S, usize, &T) -> Result<R> + Sync,
    take: impl FnMut(&mut S, R) -> Result<()>,
) -> Result<()>
where
    T: Sync,
    S: Sync,
    R: Send,
{
    each_with(state, items, base, threads, collect, ticker, |s, _: &mut (), i, t| work(s, i, t), take)
}

/// [`in_blocks`], or, when problems are collected, one item after the other, each problem
/// kept and the item left out; `work` has a scratch value of its own (see [`in_blocks`]).
/// `items` are those of an array from its item `base` on: `work` is given their index in it.
#[allow(clippy::too_many_arguments)]
fn each_with<T, S, R, W: Default>(
    state: &mut S,
    items: &[T],
    base: usize,
    threads: usize,
    collect: &mut Option<&mut Problems>,
    ticker: &mut Ticker<'_>,
    work: impl Fn(&S, &mut W, usize, &T) -> Result<R> + Sync,
    mut take: impl FnMut(&mut S, R) -> Result<()>,
) -> Result<()>
where
    T: Sync,
    S: Sync,
    R: Send,
{
    let Some(found) = collect else {
        return in_blocks(
            state,
            items,
            threads,
            |s, w, i, t| work(s, w, base + i, t),
            |s, r| {
                ticker.tick();
                take(s, r)
            },
        );
    };
    let mut scratch = W::default();
    for (i, item) in items.iter().enumerate() {
        if let Err(e) = work(state, &mut scratch, base + i, item).and_then(|r| take(state, r)) {
            found.push(e);
        }
    }
    Ok(())
}

/// The records of one array: [`parallel::in_stream`](super::parallel::in_stream) (read on the
/// other threads with [`Streamed`], which leaves territories to `take`), or, when problems are
/// collected, one after the other with the builder at hand, each problem kept and the record
/// left out.
#[allow(clippy::too_many_arguments)]
fn each_streamed<T, R>(
    b: &mut ModelBuilder,
    items: &[T],
    base: usize,
    threads: usize,
    collect: &mut Option<&mut Problems>,
    ticker: &mut Ticker<'_>,
    work: impl Fn(&dyn Specs, usize, &T) -> Result<R> + Sync,
    ahead: impl Fn(&ModelBuilder, &R),
    mut take: impl FnMut(&mut ModelBuilder, R) -> Result<()>,
) -> Result<()>
where
    T: Sync,
    R: Send,
{
    if let Some(found) = collect {
        for (i, item) in items.iter().enumerate() {
            if let Err(e) = work(&*b, base + i, item).and_then(|r| take(b, r)) {
                found.push(e);
            }
        }
        return Ok(());
    }
    let streamed = Streamed(b.id_hasher());
    super::parallel::in_stream(
        b,
        items,
        threads,
        |i, item| work(&streamed, base + i, item),
        ahead,
        |b, r| {
            ticker.tick();
            take(b, r)
        },
    )
}

fn load_doc(text: &str, threads: usize, collect: Option<&mut Problems>, progress: Option<&Progress>) -> Result<Model> {
    if text.trim_matches([' ', '\n', '\r', '\t']).is_empty() {
        let (line, column) = line_col(text.as_bytes(), text.len());
        return Err(Error::Syntax { message: "the document is empty".into(), line, column });
    }
    let first = text.trim_start().chars().next();
    // The depth check reads the whole text once; with a second thread it runs beside the parse of
    // the document's structure (serde_json descends into nothing deep there: records, attrs and
    // meta are captured raw, iteratively), and its error still comes first.
    // Below a megabyte the check takes microseconds: a thread would cost more than it saves (and
    // small loads then start no thread at all, which embedders checking for leaks appreciate).
    let (deep, parsed) = if threads > 1 && first == Some('{') && text.len() >= 1 << 20 {
        std::thread::scope(|scope| {
            let deep = scope.spawn(|| too_deep(text));
            let parsed = serde_json::from_str::<DocRaw<'_>>(text);
            (deep.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)), Some(parsed))
        })
    } else {
        (too_deep(text), None)
    };
    if let Some(offset) = deep {
        let (line, column) = line_col(text.as_bytes(), offset);
        return Err(Error::Syntax { message: too_deep_message(), line, column });
    }
    if first.is_some() && first != Some('{') {
        // Let syntax errors speak first; a well-formed non-object gets its own message.
        if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
            return Err(Error::Syntax { message: bare_message(&e), line: e.line(), column: e.column() });
        }
        return Err(Error::Invalid {
            what: "document".into(),
            message: "a model is a JSON object with \"format\", \"territories\", \"units\", \"matters\", \"items\" and \"links\"".into(),
        });
    }
    let parsed = parsed.unwrap_or_else(|| serde_json::from_str::<DocRaw<'_>>(text));
    let doc: DocRaw<'_> = parsed.map_err(|e| match e.classify() {
        serde_json::error::Category::Data => {
            let mut message = bare_message(&e);
            if let Some(rest) = message.strip_prefix("unknown field `") {
                let (name, expected) = rest.split_once('`').unwrap_or((rest, ""));
                message = format!("unknown field {name:?}; {}", expected.trim_start_matches(", ").replace('`', ""));
            } else {
                // Name the top-level field ("units": invalid type: map, expected a sequence).
                let mut de = serde_json::Deserializer::from_str(text);
                if let Err(pe) = serde_path_to_error::deserialize::<_, DocRaw<'_>>(&mut de) {
                    let path = pe.path().to_string();
                    if !path.is_empty() && path != "." {
                        message = format!("field {:?}: {message}", path.split(['.', '[']).next().unwrap_or(&path));
                    }
                }
            }
            Error::Invalid { what: "document".into(), message: format!("{message} (line {})", e.line()) }
        }
        _ => Error::Syntax { message: bare_message(&e), line: e.line(), column: e.column() },
    })?;
    let found = match doc.format {
        None => None,
        Some(raw) => match serde_json::from_str::<Cow<'_, str>>(raw.get()) {
            Ok(s) if s == FORMAT => Some(s.into_owned()),
            Ok(s) => return Err(Error::Format { found: Some(s.into_owned()) }),
            Err(_) => return Err(Error::Format { found: Some(raw.get().to_string()) }),
        },
    };
    if found.is_none() {
        return Err(Error::Format { found: None });
    }
    let mut b = sized_builder(Array::ALL.map(|a| doc.items(a).len()), threads);
    if let Some(meta) = doc.meta {
        let m = Attrs::from_raw(meta, META_DEPTH).map_err(|message| Error::InvalidField {
            at: Position::record("document", 0, None),
            field: "meta".into(),
            message,
        })?;
        b.meta(m);
    }
    let total = Array::ALL.iter().map(|&a| doc.items(a).len()).sum::<usize>() as u64;
    let mut fill = Fill { b, threads, collect, ticker: Ticker::new(total, progress) };
    for array in Array::ALL {
        fill.run(array, 0, doc.items(array))?;
    }
    fill.finish()
}

/// The arrays of a document's records and links, in the order they are added (whatever
/// their order in the document): territories before the units placed in them, every
/// record before the links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Array {
    Territories,
    Units,
    Matters,
    Items,
    People,
    Links,
    Meetings,
}

impl Array {
    pub(crate) const ALL: [Array; 7] =
        [Array::Territories, Array::Units, Array::Matters, Array::Items, Array::People, Array::Links, Array::Meetings];

    /// The array's field in a document.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Array::Territories => "territories",
            Array::Units => "units",
            Array::Matters => "matters",
            Array::Items => "items",
            Array::People => "people",
            Array::Links => "links",
            Array::Meetings => "meetings",
        }
    }

    /// The record type of a records' array.
    pub(crate) fn record_type(self) -> Option<RecordType> {
        match self {
            Array::Territories => Some(RecordType::Territory),
            Array::Units => Some(RecordType::Unit),
            Array::Matters => Some(RecordType::Matter),
            Array::Items => Some(RecordType::Item),
            Array::People => Some(RecordType::Person),
            Array::Links | Array::Meetings => None,
        }
    }
}

impl<'a> DocRaw<'a> {
    fn items(&self, array: Array) -> &[&'a RawValue] {
        match array {
            Array::Territories => &self.territories,
            Array::Units => &self.units,
            Array::Matters => &self.matters,
            Array::Items => &self.items,
            Array::People => &self.people,
            Array::Links => &self.links,
            Array::Meetings => &self.meetings,
        }
    }
}

/// A builder sized for a document of `counts` items in each of [`Array::ALL`].
pub(crate) fn sized_builder(counts: [usize; 7], threads: usize) -> ModelBuilder {
    let records = Array::ALL.iter().zip(counts).filter(|(a, _)| a.record_type().is_some()).map(|(_, n)| n).sum();
    let mut b = ModelBuilder::with_capacity(records, counts[5]);
    for (a, n) in Array::ALL.into_iter().zip(counts) {
        if let Some(t) = a.record_type() {
            b.reserve_records(t, n);
        }
    }
    b.set_threads(threads);
    b
}

/// An item of a document's array, as its JSON text: a raw value the whole document's parse
/// captured, or bytes a streamed load cut from its part of the file (checked as UTF-8 by
/// the thread that parses the item).
pub(crate) trait Text<'t>: Sync {
    /// The item's text.
    fn text(&self) -> Result<&'t str>;
    /// The item's first bytes, not checked (for a prefetch's hint).
    fn bytes(&self) -> &'t [u8];
}

impl<'t> Text<'t> for &'t RawValue {
    fn text(&self) -> Result<&'t str> {
        Ok(RawValue::get(self))
    }

    fn bytes(&self) -> &'t [u8] {
        RawValue::get(self).as_bytes()
    }
}

/// A model's builder taking a document's arrays, each in one run or several (a streamed load
/// gives them a part of the file at a time), in the order of [`Array::ALL`].
pub(crate) struct Fill<'c, 'p> {
    pub(crate) b: ModelBuilder,
    pub(crate) threads: usize,
    pub(crate) collect: Option<&'c mut Problems>,
    pub(crate) ticker: Ticker<'p>,
}

impl Fill<'_, '_> {
    /// Adds a run of `array`'s items, the first of them the array's item `base`.
    ///
    /// Records and links are parsed (and links checked) on `threads` threads, block by block,
    /// and added in document order: see `parallel::in_blocks`.
    pub(crate) fn run<'t, T: Text<'t>>(&mut self, array: Array, base: usize, items: &[T]) -> Result<()> {
        let (b, threads, c, t) = (&mut self.b, self.threads, &mut self.collect, &mut self.ticker);
        // Records are parsed on the other threads while this one adds them (`in_stream`); the
        // territories they name are looked up here, the previous one remembered (within the
        // run, whose text the memo borrows).
        let mut memo = PlaceMemo::default();
        match array {
            Array::Territories => each_streamed(
                b,
                items,
                base,
                threads,
                c,
                t,
                |b, i, raw| territory_spec(b, i, raw.text()?),
                |b, (_, p)| b.prefetch_id(p.hash),
                |b, (found, p)| {
                    let Parsed { hash, id, name, mut spec, place: later } = p;
                    let (now, _, named) = place(&*b, &mut memo, later);
                    spec.parent = spec.parent.or(named);
                    b.territory_named(hash, &id, &name, spec, found.or(now)).map(drop)
                },
            ),
            Array::Units => each_streamed(
                b,
                items,
                base,
                threads,
                c,
                t,
                |b, i, raw| unit_spec(b, i, raw.text()?),
                |b, (_, p)| b.prefetch_id(p.hash),
                |b, (found, p)| {
                    let Parsed { hash, id, name, mut spec, place: later } = p;
                    let (now, _, named) = place(&*b, &mut memo, later);
                    spec.located_in = spec.located_in.or(named);
                    b.unit_named(hash, &id, &name, spec, found.or(now)).map(drop)
                },
            ),
            Array::Matters => each_streamed(
                b,
                items,
                base,
                threads,
                c,
                t,
                |b, i, raw| matter_spec(b, i, raw.text()?),
                |b, p| b.prefetch_id(p.hash),
                |b, p| b.matter_named(p.hash, &p.id, &p.name, p.spec).map(drop),
            ),
            Array::Items => each_streamed(
                b,
                items,
                base,
                threads,
                c,
                t,
                |b, i, raw| item_spec(b, i, raw.text()?),
                |b, p| b.prefetch_id(p.hash),
                |b, p| b.item_named(p.hash, &p.id, &p.name, p.spec).map(drop),
            ),
            Array::People => each_streamed(
                b,
                items,
                base,
                threads,
                c,
                t,
                |b, i, raw| person_spec(b, i, raw.text()?),
                |b, p| b.prefetch_id(p.hash),
                |b, p| b.person_named(p.hash, &p.id, &p.name, p.spec).map(drop),
            ),
            Array::Links => {
                // Each thread's links remember the records the previous `holds` link named.
                // Each link first asks for the index's buckets of the ids of the link
                // `crate::model::prefetch::AHEAD` on.
                let prepare = |b: &ModelBuilder, memo: &mut LinkMemo, i: usize, raw: &T| {
                    if let Some(ahead) = items.get(i - base + crate::model::prefetch::AHEAD) {
                        prefetch_ends(b, ahead.bytes());
                    }
                    prepare_link(b, memo, i, raw.text()?)
                };
                each_with(b, items, base, threads, c, t, prepare, |b, link| {
                    b.add_prepared(link);
                    Ok(())
                })
            }
            Array::Meetings => {
                each(b, items, base, 1, c, t, |_, i, raw| meeting_spec(i, raw.text()?), |b, spec| b.meeting(spec))
            }
        }
    }

    /// Builds the model once every array was added.
    pub(crate) fn finish(self) -> Result<Model> {
        let Fill { mut b, collect, mut ticker, .. } = self;
        if let Some(found) = collect {
            b.resolve_pending(&mut |e| found.push(e));
            b.drop_bad_meetings(&mut |e| found.push(e));
        }
        let model = b.build();
        ticker.finish();
        model
    }
}

/// A record parsed on a loading thread: its id and name as the document gives them
/// (borrowed from its text unless they hold escapes), the hash of its id in the builder's
/// index, and the rest in a spec whose own id and name are left empty. The builder copies the
/// id and name into its table's text, so a record costs no allocation of its own: one made on
/// a parsing thread and freed on the adding thread costs glibc more than the copy.
pub(crate) struct Parsed<'a, S> {
    pub hash: u64,
    pub id: Cow<'a, str>,
    pub name: Cow<'a, str>,
    pub spec: S,
    /// A territory's `parent` or a unit's `located_in` left to the adding thread to look up
    /// ([`Specs::territory`]); then the spec's own is empty.
    pub place: Option<Cow<'a, str>>,
}

impl<'a, S> Parsed<'a, S> {
    fn new(b: &(impl Specs + ?Sized), id: Cow<'a, str>, name: Cow<'a, str>, spec: S) -> Self {
        Parsed { hash: b.id_hash(&id), id, name, spec, place: None }
    }
}

/// What the functions reading records ask of their context: ids' hashes, and the territories
/// added so far when they can be looked up there.
pub(crate) trait Specs: Sync {
    /// The hash of an id in the builder's index.
    fn id_hash(&self, id: &str) -> u64;
    /// The territory of this id (`Some(None)`: none added so far), or `None` when the context
    /// cannot look territories up and leaves them to the adding thread ([`Parsed::place`]).
    fn territory(&self, id: &str) -> Option<Option<Node>>;
}

impl Specs for ModelBuilder {
    fn id_hash(&self, id: &str) -> u64 {
        ModelBuilder::id_hash(self, id)
    }

    fn territory(&self, id: &str) -> Option<Option<Node>> {
        Some(self.territory_node(id))
    }
}

/// The context of records read while the builder takes others (`parallel::in_stream`):
/// hashes only, territories left to the adding thread.
pub(crate) struct Streamed<H>(pub H);

impl<H: Fn(&str) -> u64 + Sync> Specs for Streamed<H> {
    fn id_hash(&self, id: &str) -> u64 {
        (self.0)(id)
    }

    fn territory(&self, _: &str) -> Option<Option<Node>> {
        None
    }
}

/// The territory the previous reference read in a run named, when it was found: found again,
/// it is the same territory (a record's id never changes, and one found stays found).
/// Units are mostly listed by place: nationally 85 % of them name the previous unit's
/// territory, each of which was a look-up in the id index, a cache miss.
#[derive(Default)]
pub(crate) struct PlaceMemo<'a>(Option<(&'a str, Node)>);

/// Where a territory reference points: `(found, left to the adding thread, named for the
/// builder to resolve at build)`, at most one of them. A reference the previous one's
/// equal is not looked up again when that one was found.
type Placed<'a> = (Option<Node>, Option<Cow<'a, str>>, Option<String>);

fn place<'a>(b: &(impl Specs + ?Sized), memo: &mut PlaceMemo<'a>, place: Option<Cow<'a, str>>) -> Placed<'a> {
    let Some(t) = place else { return (None, None, None) };
    if let (Cow::Borrowed(s), Some((last, found))) = (&t, memo.0)
        && *s == last
    {
        return (Some(found), None, None);
    }
    match b.territory(&t) {
        None => (None, Some(t), None),
        Some(Some(found)) => {
            if let Cow::Borrowed(s) = t {
                memo.0 = Some((s, found));
            }
            (Some(found), None, None)
        }
        Some(None) => (None, None, Some(t.into_owned())),
    }
}

impl Parsed<'_, TerritorySpec> {
    /// The whole spec, id and name in it (a change set's addition).
    pub(crate) fn into_spec(self) -> TerritorySpec {
        let parent = self.spec.parent.or(self.place.map(Cow::into_owned));
        TerritorySpec { id: self.id.into_owned(), name: self.name.into_owned(), parent, ..self.spec }
    }
}

impl Parsed<'_, UnitSpec> {
    /// The whole spec, id and name in it (a change set's addition).
    pub(crate) fn into_spec(self) -> UnitSpec {
        let located_in = self.spec.located_in.or(self.place.map(Cow::into_owned));
        UnitSpec { id: self.id.into_owned(), name: self.name.into_owned(), located_in, ..self.spec }
    }
}

impl Parsed<'_, MatterSpec> {
    /// The whole spec, id and name in it (a change set's addition).
    pub(crate) fn into_spec(self) -> MatterSpec {
        MatterSpec { id: self.id.into_owned(), name: self.name.into_owned(), ..self.spec }
    }
}

impl Parsed<'_, ItemSpec> {
    /// The whole spec, id and name in it (a change set's addition).
    pub(crate) fn into_spec(self) -> ItemSpec {
        ItemSpec { id: self.id.into_owned(), name: self.name.into_owned(), ..self.spec }
    }
}

impl Parsed<'_, PersonSpec> {
    /// The whole spec, id and name in it (a change set's addition; a person without a name
    /// has none).
    pub(crate) fn into_spec(self) -> PersonSpec {
        let name = (!self.name.is_empty()).then(|| self.name.into_owned());
        PersonSpec { id: self.id.into_owned(), name, ..self.spec }
    }
}

/// A territory, with its parent found when the context looks territories up (the builder:
/// a change set's addition, the problems' search) and it is among those added already; when
/// it does not (records read while others are added), the parent is left in
/// [`Parsed::place`] for the adding thread.
pub(crate) fn territory_spec<'a>(
    b: &(impl Specs + ?Sized),
    i: usize,
    raw: &'a str,
) -> Result<(Option<Node>, Parsed<'a, TerritorySpec>)> {
    let r: TerritoryRaw<'_> = parse_record("territories", i, raw)?;
    let at = At { array: "territories", index: i, id: &r.id };
    let (kind, attrs, validity) = (word(&at, "kind", &r.kind)?, attrs(&at, r.attrs)?, validity(&at, r.since, r.until)?);
    let (found, later, parent) = place(b, &mut PlaceMemo::default(), r.parent);
    let spec = TerritorySpec {
        kind,
        parent,
        attrs,
        validity,
        ..TerritorySpec::new(String::new(), String::new(), TerritoryKind::Country)
    };
    Ok((found, Parsed { place: later, ..Parsed::new(b, r.id, r.name, spec) }))
}

/// A unit, with its `located_in` as a territory's `parent` is read ([`territory_spec`]).
///
/// A unit written flat (a city's some 300,000: strings and whole numbers, no `attrs`) is read
/// without serde ([`flat_unit`]); any other is read by serde, with the same answers.
pub(crate) fn unit_spec<'a>(
    b: &(impl Specs + ?Sized),
    i: usize,
    raw: &'a str,
) -> Result<(Option<Node>, Parsed<'a, UnitSpec>)> {
    let (r, [members, staff, in_service_members]) = match flat_unit(raw) {
        Some(flat) => flat,
        None => {
            let r: UnitRaw<'_> = parse_record("units", i, raw)?;
            let counts = [r.members, r.staff, r.in_service_members].map(|c| c.map(Count::Raw));
            (r, counts)
        }
    };
    let at = At { array: "units", index: i, id: &r.id };
    let mut spec = UnitSpec {
        kind: word(&at, "kind", &r.kind)?,
        sector: r.sector.as_deref().map(|s| word(&at, "sector", s)).transpose()?,
        members: count_of(&at, "members", members)?,
        staff: count_of(&at, "staff", staff)?,
        in_service_members: count_of(&at, "in_service_members", in_service_members)?,
        attrs: attrs(&at, r.attrs)?,
        validity: validity(&at, r.since, r.until)?,
        ..UnitSpec::new(String::new(), String::new(), UnitKind::Enterprise)
    };
    let (found, later, located_in) = place(b, &mut PlaceMemo::default(), r.located_in);
    spec.located_in = located_in;
    Ok((found, Parsed { place: later, ..Parsed::new(b, r.id, r.name, spec) }))
}

pub(crate) fn matter_spec<'a>(b: &(impl Specs + ?Sized), i: usize, raw: &'a str) -> Result<Parsed<'a, MatterSpec>> {
    let r: MatterRaw<'_> = parse_record("matters", i, raw)?;
    let at = At { array: "matters", index: i, id: &r.id };
    let spec = MatterSpec {
        category: r.category.map(Cow::into_owned),
        attrs: attrs(&at, r.attrs)?,
        validity: validity(&at, r.since, r.until)?,
        ..MatterSpec::new(String::new(), String::new(), word(&at, "list", &r.list)?)
    };
    Ok(Parsed::new(b, r.id, r.name, spec))
}

pub(crate) fn item_spec<'a>(b: &(impl Specs + ?Sized), i: usize, raw: &'a str) -> Result<Parsed<'a, ItemSpec>> {
    let r: ItemRaw<'_> = parse_record("items", i, raw)?;
    let at = At { array: "items", index: i, id: &r.id };
    let spec = ItemSpec {
        attrs: attrs(&at, r.attrs)?,
        validity: validity(&at, r.since, r.until)?,
        ..ItemSpec::new(String::new(), String::new(), word(&at, "list", &r.list)?)
    };
    Ok(Parsed::new(b, r.id, r.name, spec))
}

/// Parses meeting `i` (its references are resolved when the model is built).
pub(crate) fn meeting_spec(i: usize, raw: &str) -> Result<crate::meetings::MeetingSpec> {
    let r: MeetingRaw<'_> = parse_record("meetings", i, raw)?;
    let at = At { array: "meetings", index: i, id: &r.id };
    let date = date(&at, "date", Some(r.date))?.expect("a date was given");
    let mut spec = crate::meetings::MeetingSpec::new(r.id.as_ref(), word(&at, "kind", &r.kind)?, r.territory, date);
    spec.convener = r.convener.map(Cow::into_owned);
    spec.topics = r.topics.unwrap_or_default().into_iter().map(Cow::into_owned).collect();
    spec.attrs = attrs(&at, r.attrs)?;
    Ok(spec)
}

pub(crate) fn person_spec<'a>(b: &(impl Specs + ?Sized), i: usize, raw: &'a str) -> Result<Parsed<'a, PersonSpec>> {
    let r: PersonRaw<'_> = match flat_person(raw) {
        Some(r) => r,
        None => parse_record("people", i, raw)?,
    };
    let at = At { array: "people", index: i, id: &r.id };
    let spec = PersonSpec {
        attrs: attrs(&at, r.attrs)?,
        validity: validity(&at, r.since, r.until)?,
        ..PersonSpec::new(String::new())
    };
    Ok(Parsed::new(b, r.id, r.name.unwrap_or_default(), spec))
}

/// The `post`, `band`, `grade` and `channel` of a link, when any is given.
pub(crate) fn holding(
    at: &impl Locate,
    post: Option<&str>,
    band: Option<&str>,
    grade: Option<u32>,
    channel: Option<&str>,
) -> Result<Option<Holding>> {
    if post.is_none() && band.is_none() && grade.is_none() && channel.is_none() {
        return Ok(None);
    }
    let Some(post) = post else {
        let field = if band.is_some() {
            "band"
        } else if grade.is_some() {
            "grade"
        } else {
            "channel"
        };
        return Err(Error::InvalidField {
            at: at.pos(),
            field: field.into(),
            message: "comes with a \"post\" on a \"holds\" link".into(),
        });
    };
    let grade = match grade {
        None => None,
        Some(g @ 1..=18) => Some(g as u8),
        Some(g) => {
            return Err(Error::InvalidField {
                at: at.pos(),
                field: "grade".into(),
                message: format!("must be a grade of the career scale, 1 to 18, not {g}"),
            });
        }
    };
    Ok(Some(Holding {
        band: band.map(|s| word(at, "band", s)).transpose()?,
        grade,
        channel: channel.map(|s| word(at, "channel", s)).transpose()?,
        ..Holding::new(word(at, "post", post)?)
    }))
}

/// The fields of a parsed link, each checked (kind, words, counts, post, attrs, dates): what
/// [`prepare_link`] checks against the records and [`link_spec`] keeps as a spec.
fn link_fields<'r>(at: &At<'_>, r: &'r LinkRaw<'_>) -> Result<crate::model::builder::LinkFields<'r>> {
    link_fields_counted(at, r, r.members.map(Count::Raw), r.grade.map(Count::Raw))
}

/// [`link_fields`] with the counts (`members`, `grade`) given apart: as written, or as the
/// digits [`flat_link`] read.
fn link_fields_counted<'r>(
    at: &At<'_>,
    r: &'r LinkRaw<'_>,
    members: Option<Count<'_>>,
    grade: Option<Count<'_>>,
) -> Result<crate::model::builder::LinkFields<'r>> {
    Ok(crate::model::builder::LinkFields {
        kind: word(at, "kind", &r.kind)?,
        primary: r.primary,
        power: r.power.as_deref().map(|s| word(at, "power", s)).transpose()?,
        role: r.role.as_deref().map(|s| word(at, "role", s)).transpose()?,
        scope: r.scope.as_deref(),
        members: count_of(at, "members", members)?,
        event: r.event.as_deref().map(|s| word(at, "event", s)).transpose()?,
        holding: holding(
            at,
            r.post.as_deref(),
            r.band.as_deref(),
            count_of(at, "grade", grade)?,
            r.channel.as_deref(),
        )?,
        attrs: attrs(at, r.attrs)?,
        validity: validity(at, r.since.clone(), r.until.clone())?,
    })
}

/// Parses link `i` into a spec naming its ends by id, unresolved (a change set's `add.links`):
/// the same fields and messages as [`prepare_link`].
pub(crate) fn link_spec(i: usize, raw: &str) -> Result<LinkSpec> {
    let r: LinkRaw<'_> = parse_record("links", i, raw)?;
    let at = At { array: "links", index: i, id: &r.from };
    let f = link_fields(&at, &r)?;
    Ok(LinkSpec {
        primary: f.primary,
        power: f.power,
        role: f.role,
        scope: f.scope.map(str::to_string),
        members: f.members,
        event: f.event,
        holding: f.holding,
        attrs: f.attrs,
        validity: f.validity,
        ..LinkSpec::new(r.from.to_string(), r.to.to_string(), f.kind)
    })
}

/// Asks the processor for the id index's buckets of a link's ends, when the link is written
/// as the writer writes it (`{"from":"…","to":"…"` first, no escapes): a hint for the look-ups
/// of that link a few links later, each a cache miss at national scale.
fn prefetch_ends(b: &ModelBuilder, text: &[u8]) {
    fn quoted<'t>(text: &'t [u8], key: &[u8]) -> Option<(&'t str, &'t [u8])> {
        let rest = text.strip_prefix(key)?;
        let end = rest.iter().position(|&c| c == b'"' || c == b'\\')?;
        if rest[end] != b'"' {
            return None;
        }
        Some((std::str::from_utf8(&rest[..end]).ok()?, &rest[end + 1..]))
    }
    if let Some((from, rest)) = quoted(text, b"{\"from\":\"") {
        b.prefetch_id(b.id_hash(from));
        if let Some((to, _)) = quoted(rest, b",\"to\":\"") {
            b.prefetch_id(b.id_hash(to));
        }
    }
}

/// Parses link `i` and checks it against the records (see [`ModelBuilder::prepare_link`]),
/// `memo` holding what the previous link on this thread named.
fn prepare_link(b: &ModelBuilder, memo: &mut LinkMemo, i: usize, raw: &str) -> Result<crate::model::builder::Prepared> {
    if let Some((r, members, grade)) = flat_link(raw) {
        let at = At { array: "links", index: i, id: &r.from };
        let fields = link_fields_counted(&at, &r, members, grade)?;
        return b.prepare_link_memo(memo, i, &r.from, &r.to, fields);
    }
    let r: LinkRaw<'_> = parse_record("links", i, raw)?;
    let at = At { array: "links", index: i, id: &r.from };
    let fields = link_fields(&at, &r)?;
    b.prepare_link_memo(memo, i, &r.from, &r.to, fields)
}

/// A count of a link as written: its JSON text, or the digits of a whole number that
/// [`flat_link`] read (with their value).
#[derive(Clone, Copy)]
enum Count<'a> {
    Raw(&'a RawValue),
    Digits(u64, &'a str),
}

/// [`count_raw`] of a [`Count`]: the same answer and message either way.
fn count_of(at: &impl Locate, field: &str, c: Option<Count<'_>>) -> Result<Option<u32>> {
    match c {
        None => Ok(None),
        Some(Count::Raw(raw)) => count_raw(at, field, Some(raw)),
        Some(Count::Digits(n, text)) => count(at, field, Some(Loose::Unsigned(n))).map_err(|e| match e {
            Error::InvalidCount { at, field, reason, .. } => {
                Error::InvalidCount { at, field, value: text.to_string(), reason }
            }
            other => other,
        }),
    }
}

/// A person written flat (`{"id": "p-1"}`, with `name`, `since`, `until` as plain strings),
/// read without serde (see [`super::flat`]); `None` for anything else, which serde then reads.
fn flat_person(text: &str) -> Option<PersonRaw<'_>> {
    use super::flat::{Flat, once};
    let (mut id, mut name, mut since, mut until) = (None, None, None, None);
    let read = super::flat::scan(text, |key, value| {
        let Flat::Str(s) = value else { return false };
        let s = Cow::Borrowed(s);
        match key {
            "id" => once(&mut id, s),
            "name" => once(&mut name, s),
            "since" => once(&mut since, s),
            "until" => once(&mut until, s),
            _ => false,
        }
    });
    Some(PersonRaw { id: id.filter(|_| read)?, name, attrs: None, since, until })
}

/// A unit written flat (every value a plain string or whole number, no `attrs`), read
/// without serde, with its `members`, `staff` and `in_service_members` apart; `None` for
/// anything else (an unknown, repeated or missing field, a value of another type), which
/// serde then reads and reports exactly as before.
fn flat_unit(text: &str) -> Option<(UnitRaw<'_>, [Option<Count<'_>>; 3])> {
    use super::flat::{Flat, once};
    let (mut id, mut name, mut kind, mut sector, mut located_in) = (None, None, None, None, None);
    let (mut since, mut until) = (None, None);
    let mut counts = [None; 3];
    let read = super::flat::scan(text, |key, value| match value {
        Flat::Str(s) => {
            let s = Cow::Borrowed(s);
            match key {
                "id" => once(&mut id, s),
                "name" => once(&mut name, s),
                "kind" => once(&mut kind, s),
                "sector" => once(&mut sector, s),
                "located_in" => once(&mut located_in, s),
                "since" => once(&mut since, s),
                "until" => once(&mut until, s),
                _ => false,
            }
        }
        Flat::Digits(d) => {
            let Ok(n) = d.parse::<u64>() else { return false };
            let slot = match key {
                "members" => &mut counts[0],
                "staff" => &mut counts[1],
                "in_service_members" => &mut counts[2],
                _ => return false,
            };
            once(slot, Count::Digits(n, d))
        }
        Flat::Bool(_) => false,
    });
    if !read {
        return None;
    }
    let r = UnitRaw {
        id: id?,
        name: name?,
        kind: kind?,
        sector,
        located_in,
        members: None,
        staff: None,
        in_service_members: None,
        attrs: None,
        since,
        until,
    };
    Some((r, counts))
}

/// A link written flat (every value a plain string, whole number or boolean, no `attrs`),
/// read without serde, with its `members` and `grade` apart; `None` for anything else
/// (an unknown, repeated or missing field, a value of another type), which serde then reads
/// and reports exactly as before.
fn flat_link(text: &str) -> Option<(LinkRaw<'_>, Option<Count<'_>>, Option<Count<'_>>)> {
    use super::flat::{Flat, once};
    let mut r = LinkRaw {
        from: Cow::Borrowed(""),
        to: Cow::Borrowed(""),
        kind: Cow::Borrowed(""),
        primary: None,
        power: None,
        role: None,
        scope: None,
        members: None,
        event: None,
        post: None,
        band: None,
        grade: None,
        channel: None,
        attrs: None,
        since: None,
        until: None,
    };
    let (mut from, mut to, mut kind, mut members, mut grade) = (None, None, None, None, None);
    let read = super::flat::scan(text, |key, value| match value {
        Flat::Str(s) => {
            let s = Cow::Borrowed(s);
            match key {
                "from" => once(&mut from, s),
                "to" => once(&mut to, s),
                "kind" => once(&mut kind, s),
                "power" => once(&mut r.power, s),
                "role" => once(&mut r.role, s),
                "scope" => once(&mut r.scope, s),
                "event" => once(&mut r.event, s),
                "post" => once(&mut r.post, s),
                "band" => once(&mut r.band, s),
                "channel" => once(&mut r.channel, s),
                "since" => once(&mut r.since, s),
                "until" => once(&mut r.until, s),
                _ => false,
            }
        }
        Flat::Digits(d) => {
            let Ok(n) = d.parse::<u64>() else { return false };
            match key {
                "members" => once(&mut members, Count::Digits(n, d)),
                "grade" => once(&mut grade, Count::Digits(n, d)),
                _ => false,
            }
        }
        Flat::Bool(b) => key == "primary" && once(&mut r.primary, b),
    });
    if !read {
        return None;
    }
    (r.from, r.to, r.kind) = (from?, to?, kind?);
    Some((r, members, grade))
}

// ---------------------------------------------------------------------------
// Writing

#[derive(serde::Serialize)]
pub(crate) struct OutRecord<'a> {
    pub(crate) id: &'a str,
    /// `None` only for a person without a name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) kind: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) list: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) category: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) sector: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) parent: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) located_in: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) members: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) staff: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) in_service_members: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) attrs: Option<&'a RawValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) since: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) until: Option<String>,
}

impl<'a> OutRecord<'a> {
    fn new(model: &'a Model, record: RecordRef<'a>) -> Self {
        let v = record.validity();
        let mut out = OutRecord {
            id: record.id(),
            name: Some(record.name()).filter(|n| !n.is_empty() || record.record_type() != RecordType::Person),
            kind: None,
            list: None,
            category: None,
            sector: None,
            parent: None,
            located_in: None,
            members: None,
            staff: None,
            in_service_members: None,
            attrs: record.attrs().map(Attrs::raw),
            since: v.since.map(|d| d.to_string()),
            until: v.until.map(|d| d.to_string()),
        };
        match record {
            RecordRef::Territory(t) => {
                out.kind = Some(t.kind.as_str());
                out.parent = t.parent.map(|p| model.id(p));
            }
            RecordRef::Unit(u) => {
                out.kind = Some(u.kind.as_str());
                out.sector = u.row().sector.as_ref().map(|s| s.as_str());
                out.located_in = u.located_in.map(|p| model.id(p));
                out.members = u.members();
                out.staff = u.staff();
                out.in_service_members = u.in_service_members();
            }
            RecordRef::Matter(m) => {
                out.list = Some(m.list.as_str());
                out.category = m.row().category.as_deref();
            }
            RecordRef::Item(i) => out.list = Some(i.list.as_str()),
            RecordRef::Person(_) => {}
        }
        out
    }
}

#[derive(serde::Serialize)]
pub(crate) struct OutLink<'a> {
    pub(crate) from: &'a str,
    pub(crate) to: &'a str,
    pub(crate) kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) primary: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) power: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) role: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) scope: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) members: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) event: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) post: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) band: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) grade: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) channel: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) attrs: Option<&'a RawValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) since: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) until: Option<String>,
}

fn io_err(e: std::io::Error) -> Error {
    Error::Io { path: "(output)".into(), message: e.to_string(), io_kind: e.kind() }
}

impl Model {
    /// Writes the model as `tiaokuai/1` JSON: deterministic, one record per line. A view
    /// at a date ([`Model::at`]) writes its whole document, history included
    /// ([`Model::snapshot`] writes the records in force alone).
    ///
    /// # Errors
    /// [`Error::Io`] when the writer fails.
    pub fn write_json<W: Write>(&self, w: W) -> Result<()> {
        let meta = self.meta().map(|m| m.as_json().to_string());
        self.write_json_selected(w, meta.as_deref(), |_| true, |_| true, |_| true)
    }

    /// Writes the records and links `keep` selects, in document order, with `meta`.
    fn write_json_selected<W: Write>(
        &self,
        mut w: W,
        meta: Option<&str>,
        keep: impl Fn(Node) -> bool,
        keep_link: impl Fn(LinkId) -> bool,
        keep_meeting: impl Fn(&crate::meetings::Meeting) -> bool,
    ) -> Result<()> {
        let mut line = Vec::with_capacity(256);
        writeln!(w, "{{\n  \"format\": \"{FORMAT}\",").map_err(io_err)?;
        if let Some(meta) = meta {
            writeln!(w, "  \"meta\": {meta},").map_err(io_err)?;
        }
        let mut records = self.document_records().filter(|(n, _)| keep(*n)).peekable();
        for t in [RecordType::Territory, RecordType::Unit, RecordType::Matter, RecordType::Item, RecordType::Person] {
            // A document without people keeps its old shape: no empty "people" array.
            if t == RecordType::Person && records.peek().is_none() {
                continue;
            }
            write!(w, "  \"{}\": [", t.array()).map_err(io_err)?;
            let mut first = true;
            while let Some((_, r)) = records.next_if(|(_, r)| r.record_type() == t) {
                line.clear();
                line.extend_from_slice(if first { b"\n    " } else { b",\n    " });
                // Plain strings, numbers and validated raw JSON cannot fail to serialise.
                let _ = serde_json::to_writer(&mut line, &OutRecord::new(self, r));
                w.write_all(&line).map_err(io_err)?;
                first = false;
            }
            w.write_all(if first { b"],\n" } else { b"\n  ],\n" }).map_err(io_err)?;
        }
        // Meetings (issue #15) only when the document records some: a model without them
        // is written as before.
        let mut kept = self.meetings().iter().filter(|m| keep_meeting(m)).peekable();
        if kept.peek().is_some() {
            w.write_all(b"  \"meetings\": [").map_err(io_err)?;
            let mut first = true;
            for m in kept {
                line.clear();
                line.extend_from_slice(if first { b"\n    " } else { b",\n    " });
                let _ = serde_json::to_writer(&mut line, &crate::meetings::OutMeeting::new(self, m));
                w.write_all(&line).map_err(io_err)?;
                first = false;
            }
            w.write_all(b"\n  ],\n").map_err(io_err)?;
        }
        w.write_all(b"  \"links\": [").map_err(io_err)?;
        let mut first = true;
        for (id, l) in self.document_links().filter(|(id, _)| keep_link(*id)) {
            let v = l.validity;
            let h = self.holding(id);
            let out = OutLink {
                from: self.id(l.from),
                to: self.id(l.to),
                kind: l.kind.as_str(),
                primary: l.primary,
                power: l.power.as_ref().map(|p| p.as_str()),
                role: l.role.as_ref().map(|r| r.as_str()),
                scope: l.scope.map(|s| self.id(s)),
                members: l.members,
                event: l.event.as_ref().map(|e| e.as_str()),
                post: h.map(|h| h.post.as_str()),
                band: h.and_then(|h| h.band.as_ref()).map(|b| b.as_str()),
                grade: h.and_then(|h| h.grade),
                channel: h.and_then(|h| h.channel.as_ref()).map(|c| c.as_str()),
                attrs: self.link_attrs(id).map(Attrs::raw),
                since: v.since.map(|d| d.to_string()),
                until: v.until.map(|d| d.to_string()),
            };
            line.clear();
            line.extend_from_slice(if first { b"\n    " } else { b",\n    " });
            let _ = serde_json::to_writer(&mut line, &out);
            w.write_all(&line).map_err(io_err)?;
            first = false;
        }
        w.write_all(if first { b"]\n}\n" } else { b"\n  ]\n}\n" }).map_err(io_err)?;
        Ok(())
    }

    /// The document of the view alone: the records and links in force (or possibly in
    /// force) at the view's date, with their dates, and `meta.as_of` set to that date,
    /// so the snapshot reads as the view does. A territory or place that a kept record
    /// names as its `parent`, `located_in` or a kept link's `scope` is kept too, even out
    /// of force (its dates keep it out of the snapshot's view). `convert --at` writes it.
    /// A model read with every record counting gives its whole document.
    ///
    /// # Errors
    /// Those of [`Model::from_json`], which a snapshot of a loaded model does not meet.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::Model;
    /// let model = Model::from_json(r#"{"format": "tiaokuai/1",
    ///   "territories": [{"id": "old", "name": "旧", "kind": "street", "until": "2020-05-31"},
    ///                   {"id": "new", "name": "新", "kind": "street", "since": "2020-06-01"}]}"#)?;
    /// let snap = model.at("2021".parse()?).snapshot()?;
    /// assert_eq!(snap.len(), 1);
    /// assert_eq!(snap.as_of().map(|d| d.to_string()).as_deref(), Some("2021"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn snapshot(&self) -> Result<Model> {
        let Some(date) = self.date() else { return Ok(self.clone()) };
        let mut keep = vec![false; self.len()];
        let mark = |start: Node, keep: &mut Vec<bool>| {
            let mut cur = Some(start);
            while let Some(n) = cur {
                if std::mem::replace(&mut keep[n.index()], true) {
                    break;
                }
                cur = match self.record(n) {
                    RecordRef::Territory(t) => t.parent,
                    RecordRef::Unit(u) => u.located_in,
                    _ => None,
                };
            }
        };
        for (n, _) in self.records() {
            mark(n, &mut keep);
        }
        let links: Vec<bool> =
            self.document_links().map(|(id, _)| self.link_status(id) != Status::OutOfForce).collect();
        for (_, l) in self.links() {
            if let Some(s) = l.scope {
                mark(s, &mut keep);
            }
        }
        // Meetings held on or before the date stay, with the records they name (kept with
        // their dates, as a parent is): a snapshot keeps the history up to its day.
        let held = |m: &crate::meetings::Meeting| m.date.first_day() <= date.last_day();
        for m in self.meetings().iter().filter(|m| held(m)) {
            for n in std::iter::once(m.territory).chain(m.convener).chain(m.topics.iter().copied()) {
                mark(n, &mut keep);
            }
        }
        let mut meta = match self.meta().map(|m| serde_json::from_str(m.as_json())) {
            Some(Ok(serde_json::Value::Object(map))) => map,
            _ => serde_json::Map::new(),
        };
        meta.insert("as_of".into(), serde_json::Value::String(date.to_string()));
        let meta = serde_json::Value::Object(meta).to_string();
        let mut out = Vec::new();
        self.write_json_selected(&mut out, Some(&meta), |n| keep[n.index()], |id| links[id.index()], held)?;
        let text =
            String::from_utf8(out).map_err(|e| Error::Invalid { what: "snapshot".into(), message: e.to_string() })?;
        Model::from_json(&text)
    }

    /// The model as `tiaokuai/1` JSON text.
    ///
    /// # Example
    /// ```
    /// let model = tiaokuai::Model::sample();
    /// let text = model.to_json();
    /// assert_eq!(tiaokuai::Model::from_json(&text).unwrap(), model);
    /// ```
    pub fn to_json(&self) -> String {
        let mut out = Vec::new();
        self.write_json(&mut out).expect("writing to memory does not fail");
        String::from_utf8(out).expect("the writer emits UTF-8")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fields of a link as the loader keeps them, read by serde or by the flat path.
    fn fields(r: &LinkRaw<'_>, members: Option<Count<'_>>, grade: Option<Count<'_>>) -> String {
        let count = |c: Option<Count<'_>>| match c {
            None => "-".to_string(),
            Some(Count::Raw(raw)) => raw.get().to_string(),
            Some(Count::Digits(n, text)) => {
                assert_eq!(n.to_string(), text);
                text.to_string()
            }
        };
        format!(
            "{}|{}|{}|{:?}|{:?}|{:?}|{:?}|{}|{:?}|{:?}|{:?}|{}|{:?}|{}|{:?}|{:?}",
            r.from,
            r.to,
            r.kind,
            r.primary,
            r.power,
            r.role,
            r.scope,
            count(members),
            r.event,
            r.post,
            r.band,
            count(grade),
            r.channel,
            r.attrs.map_or("-", RawValue::get),
            r.since,
            r.until
        )
    }

    /// Every link the flat path reads, serde reads the same way; the others it leaves to serde.
    #[test]
    fn flat_links_read_as_serde_does() {
        // The embedded sample: the crate's tarball has no data/ beside it.
        let doc: DocRaw<'_> = serde_json::from_str(crate::SAMPLE_JSON).unwrap();
        let mut texts: Vec<&str> = doc.links.iter().map(|r| r.get()).collect();
        let extra = [
            r#"{"from":"p","to":"u","kind":"holds","post":"community_worker","band":"chief","grade":12,"channel":"grassroots","since":"2015-02-07"}"#,
            r#"{ "from" : "a" , "to":"b", "kind":"leads", "primary": true }"#,
            r#"{"from":"a","to":"b","kind":"registers_with","members":0}"#,
            r#"{"from":"a","to":"b","kind":"registers_with","members":4294967296}"#,
            r#"{"from":"a","to":"b","kind":"holds","post":"secretary","grade":19}"#,
            r#"{"from":"a","to":"b","kind":"holds","post":"secretary","grade":"12"}"#,
            r#"{"from":"a","to":"b","kind":"holds","post":"secretary","grade":1.0}"#,
            r#"{"from":"a","to":"b","kind":"holds","post":"secretary","grade":null}"#,
            r#"{"from":"a","to":"b","kind":"leads","primary":"yes"}"#,
            r#"{"from":"a","to":"b"}"#,
            r#"{"from":"a","to":"b","kind":"leads","kind":"leads"}"#,
            r#"{"from":"a\u0041","to":"b","kind":"leads"}"#,
            r#"{"from":"a","to":"b","kind":"leads","parnet":"c"}"#,
            r#"{"from":"a","to":"b","kind":"leads","attrs":{"gaps":["P003"]}}"#,
        ];
        texts.extend(extra);
        let mut flat = 0;
        for text in &texts {
            let theirs: std::result::Result<LinkRaw<'_>, _> = serde_json::from_str(text);
            match flat_link(text) {
                Some((r, members, grade)) => {
                    flat += 1;
                    let theirs = theirs.unwrap_or_else(|e| panic!("serde refuses {text}: {e}"));
                    assert_eq!(
                        fields(&r, members, grade),
                        fields(&theirs, theirs.members.map(Count::Raw), theirs.grade.map(Count::Raw)),
                        "{text}"
                    );
                }
                None => assert!(
                    theirs.is_err()
                        || text.contains("attrs")
                        || text.contains('\\')
                        || text.contains("null")
                        || text.contains("1.0")
                        || text.contains(r#""grade":"12""#),
                    "the flat path gave up on {text}"
                ),
            }
        }
        // Most of the sample's links are flat; the extras' first four are.
        assert!(flat > doc.links.len() / 2 && flat >= 4, "{flat} of {}", texts.len());
    }

    /// Every unit the flat path reads, serde reads the same way; the others it leaves to serde.
    #[test]
    fn flat_units_read_as_serde_does() {
        let doc: DocRaw<'_> = serde_json::from_str(crate::SAMPLE_JSON).unwrap();
        let mut texts: Vec<&str> = doc.units.iter().map(|r| r.get()).collect();
        let extra = [
            r#"{"id":"u","name":"某公司","kind":"enterprise","sector":"private","located_in":"t","members":50,"staff":400,"in_service_members":3,"since":"2015","until":"2020-06-30"}"#,
            r#"{ "kind" : "government" , "name":"x", "id":"u" }"#,
            r#"{"id":"u","name":"x","kind":"enterprise","members":0}"#,
            r#"{"id":"u","name":"x","kind":"enterprise","staff":4294967296}"#,
            r#"{"id":"u","name":"x","kind":"enterprise","staff":18446744073709551616}"#,
            r#"{"id":"u","name":"x","kind":"enterprise","members":"12"}"#,
            r#"{"id":"u","name":"x","kind":"enterprise","members":1.0}"#,
            r#"{"id":"u","name":"x","kind":"enterprise","members":null}"#,
            r#"{"id":"u","name":"x","kind":"enterprise","sector":null}"#,
            r#"{"id":"u","name":"x"}"#,
            r#"{"id":"u","name":"x","kind":"enterprise","kind":"enterprise"}"#,
            r#"{"id":"u\u0041","name":"x","kind":"enterprise"}"#,
            r#"{"id":"u","name":"x","kind":"enterprise","locatedin":"t"}"#,
            r#"{"id":"u","name":"x","kind":"enterprise","attrs":{"gaps":["P003"]}}"#,
            r#"{"id":"u","name":"x","kind":"enterprise","primary":true}"#,
            r#"{"id":7,"name":"x","kind":"enterprise"}"#,
        ];
        texts.extend(extra);
        let show = |r: &UnitRaw<'_>, counts: [Option<Count<'_>>; 3]| {
            let count = |c: Option<Count<'_>>| match c {
                None => "-".to_string(),
                Some(Count::Raw(raw)) => raw.get().to_string(),
                Some(Count::Digits(n, text)) => format!("{text}={n}"),
            };
            format!(
                "{} {} {} {:?} {:?} {} {} {} {:?} {:?} {:?}",
                r.id,
                r.name,
                r.kind,
                r.sector,
                r.located_in,
                count(counts[0]),
                count(counts[1]),
                count(counts[2]),
                r.attrs.map(RawValue::get),
                r.since,
                r.until
            )
        };
        let mut flat = 0;
        for text in &texts {
            let theirs: std::result::Result<UnitRaw<'_>, _> = serde_json::from_str(text);
            match flat_unit(text) {
                Some((r, counts)) => {
                    flat += 1;
                    let theirs = theirs.unwrap_or_else(|e| panic!("serde refuses {text}: {e}"));
                    let raw = [theirs.members, theirs.staff, theirs.in_service_members].map(|c| c.map(Count::Raw));
                    let (ours, theirs) = (show(&r, counts), show(&theirs, raw));
                    // The counts as digits and as raw text: the same text.
                    let digits = |s: &str| {
                        s.split(' ').map(|w| w.split('=').next().unwrap_or(w).to_string()).collect::<Vec<_>>()
                    };
                    assert_eq!(digits(&ours), digits(&theirs), "{text}");
                }
                None => assert!(
                    theirs.is_err()
                        || text.contains("attrs")
                        || text.contains('\\')
                        || text.contains("null")
                        || text.contains("1.0")
                        || text.contains(r#""members":"12""#)
                        || text.contains("18446744073709551616"),
                    "the flat path gave up on {text}"
                ),
            }
        }
        assert!(flat > doc.units.len() / 2 && flat >= 4, "{flat} of {}", texts.len());
    }

    #[test]
    fn flat_people_read_as_serde_does() {
        for text in [
            r#"{"id":"p-1"}"#,
            r#"{"id":"p-1","name":"张三","since":"2012-01-02","until":"2020"}"#,
            r#"{ "name" : "李四" , "id" : "p-2" }"#,
        ] {
            let ours = flat_person(text).expect(text);
            let theirs: PersonRaw<'_> = serde_json::from_str(text).unwrap();
            assert_eq!(
                (&ours.id, &ours.name, &ours.since, &ours.until),
                (&theirs.id, &theirs.name, &theirs.since, &theirs.until)
            );
        }
        for text in [
            r#"{"name":"x"}"#,
            r#"{"id":"p","id":"q"}"#,
            r#"{"id":"p","attrs":{}}"#,
            r#"{"id":"p","nmae":"x"}"#,
            r#"{"id":1}"#,
            r#"{"id":"p","name":null}"#,
        ] {
            assert!(flat_person(text).is_none(), "{text}");
        }
    }

    /// A count read flat gives the same answer and message as one read by serde.
    #[test]
    fn flat_counts_report_as_raw_ones_do() {
        let at = At { array: "links", index: 3, id: "a" };
        for text in ["0", "18", "4294967295", "4294967296", "18446744073709551615"] {
            let raw: &RawValue = serde_json::from_str(text).unwrap();
            let n: u64 = text.parse().unwrap();
            let ours = count_of(&at, "grade", Some(Count::Digits(n, text))).map_err(|e| e.to_string());
            let theirs = count_of(&at, "grade", Some(Count::Raw(raw))).map_err(|e| e.to_string());
            assert_eq!(ours, theirs, "{text}");
        }
    }
}
