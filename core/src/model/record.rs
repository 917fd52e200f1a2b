//! The records of a model: territories, units, matters, items, and the links between them.

use std::fmt;
use std::num::NonZeroU32;
use std::str::FromStr;

use serde_json::value::RawValue;

use super::kinds::*;

/// A handle to a record of a [`crate::Model`]: a compact index, valid only for
/// the model that returned it. The format never speaks of handles, only of ids.
///
/// A `Node` is 4 bytes and so is an `Option<Node>` (the index `u32::MAX` is never used).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Node(NonZeroU32);

impl Node {
    /// The handle of the record at an index (stored inverted, so zero is free for `None`).
    pub(crate) fn new(index: u32) -> Node {
        Node(NonZeroU32::new(!index).expect("a model holds fewer than u32::MAX records"))
    }

    /// The index of the record in the model (0 .. `model.len()`), in insertion order.
    pub fn index(self) -> usize {
        self.raw() as usize
    }

    pub(crate) fn raw(self) -> u32 {
        !self.0.get()
    }
}

impl PartialOrd for Node {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Node {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.raw().cmp(&other.raw())
    }
}

impl fmt::Debug for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Node({})", self.raw())
    }
}

/// A handle to a link of a [`crate::Model`]: its position in the `links` array.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LinkId(pub(crate) u32);

impl LinkId {
    /// The link's index in the model's `links` array.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A calendar date (`YYYY-MM-DD`), used for `since` / `until`.
///
/// # Example
/// ```
/// use tiaokuai::Date;
/// let d: Date = "2024-06-30".parse().unwrap();
/// assert_eq!(d.to_string(), "2024-06-30");
/// assert!("2024-02-30".parse::<Date>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date(NonZeroU32);

impl Date {
    /// The date from its parts; `None` when it is not a real date (years 1–9999).
    pub fn new(year: u32, month: u32, day: u32) -> Option<Date> {
        if !(1..=9999).contains(&year) || !(1..=12).contains(&month) || day == 0 {
            return None;
        }
        let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        if day > days {
            return None;
        }
        NonZeroU32::new(year * 10000 + month * 100 + day).map(Date)
    }

    /// The year.
    pub fn year(self) -> u32 {
        self.0.get() / 10000
    }

    /// The month, 1–12.
    pub fn month(self) -> u32 {
        self.0.get() / 100 % 100
    }

    /// The day of the month.
    pub fn day(self) -> u32 {
        self.0.get() % 100
    }
}

impl FromStr for Date {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("{s:?} is not a date of the form YYYY-MM-DD");
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(bad());
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = &s[r];
            if part.bytes().all(|c| c.is_ascii_digit()) { part.parse().ok() } else { None }
        };
        match (num(0..4), num(5..7), num(8..10)) {
            (Some(y), Some(m), Some(d)) => Date::new(y, m, d).ok_or_else(bad),
            _ => Err(bad()),
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year(), self.month(), self.day())
    }
}

/// The optional `since` / `until` dates of a record or link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
#[non_exhaustive]
pub struct Validity {
    /// Valid from this date.
    pub since: Option<Date>,
    /// Valid until this date.
    pub until: Option<Date>,
}

impl Validity {
    /// Validity from `since` to `until`.
    pub fn new(since: Option<Date>, until: Option<Date>) -> Self {
        Validity { since, until }
    }

    /// True when neither date is set.
    pub fn is_empty(&self) -> bool {
        self.since.is_none() && self.until.is_none()
    }
}

/// The free-form `attrs` object of a record or link, kept verbatim (as compact
/// JSON text, so numbers of any size and key order survive a round trip).
///
/// Attrs nest at most 124 levels of arrays and objects (a document at most
/// 127, and attrs start at level 4, so whatever is accepted here reads back)
/// and their strings are Unicode: an escaped lone surrogate (`"\ud800"`) is
/// refused, as it is in ids and names.
///
/// # Example
/// ```
/// use tiaokuai::Attrs;
/// let a = Attrs::from_json(r#"{ "households": 620, "big": 123456789012345678901234567890 }"#).unwrap();
/// assert_eq!(a.as_json(), r#"{"households":620,"big":123456789012345678901234567890}"#);
/// assert_eq!(a.get("households"), Some(serde_json::json!(620)));
/// let deep = format!("{{\"x\": {}{}}}", "[".repeat(200), "]".repeat(200));
/// assert!(Attrs::from_json(&deep).unwrap_err().contains("nest more than 124 levels deep in attrs"));
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Attrs(Box<Box<str>>); // a thin pointer: absent attrs cost 8 bytes, not 16

/// The deepest nesting of arrays and objects accepted in a document:
/// serde_json's recursion limit, less one. Records, attrs and meta are read as
/// raw JSON, which serde_json skips without counting depth, so [`too_deep`]
/// enforces the limit for them.
pub(crate) const MAX_DEPTH: usize = 127;

/// The deepest nesting accepted in attrs, counting the attrs object itself:
/// record and link attrs start at level 4 of a document (document, array,
/// record, attrs), so deeper attrs would make a document that does not load.
pub(crate) const ATTRS_DEPTH: usize = MAX_DEPTH - 3;

/// The deepest nesting accepted in the document's `meta` (which starts at level 2).
pub(crate) const META_DEPTH: usize = MAX_DEPTH - 1;

/// The message for JSON nested deeper than [`MAX_DEPTH`].
pub(crate) fn too_deep_message() -> String {
    format!("recursion limit exceeded: arrays and objects nest more than {MAX_DEPTH} levels deep")
}

/// The message for attrs (or meta, by `limit`) nested deeper than they may be.
fn nested_message(limit: usize) -> String {
    let what = if limit == META_DEPTH { "meta" } else { "attrs" };
    format!(
        "recursion limit exceeded: arrays and objects nest more than {limit} levels deep in {what} \
         ({MAX_DEPTH} in a whole document, counting the levels around {what})"
    )
}

/// The byte offset of the first `[` or `{` nested deeper than [`MAX_DEPTH`], if any.
pub(crate) fn too_deep(text: &str) -> Option<usize> {
    deeper_than(text, MAX_DEPTH)
}

/// The byte offset of the first `[` or `{` nested deeper than `limit`, if any.
fn deeper_than(text: &str, limit: usize) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

impl Attrs {
    /// Reads an attrs object from JSON text; whitespace outside strings is dropped.
    ///
    /// # Errors
    /// A message when the text is not a JSON object, nests more than 124
    /// levels deep (so that a document holding it nests at most 127),
    /// escapes a lone surrogate or gives a key twice in one object.
    pub fn from_json(text: &str) -> Result<Attrs, String> {
        Attrs::from_json_within(text, ATTRS_DEPTH)
    }

    /// [`Attrs::from_json`] with another depth limit ([`META_DEPTH`] for meta).
    pub(crate) fn from_json_within(text: &str, limit: usize) -> Result<Attrs, String> {
        let raw: &RawValue = serde_json::from_str(text).map_err(|e| e.to_string())?;
        Attrs::from_raw(raw, limit)
    }

    /// Attrs from the raw JSON text of a value (validated JSON): must be an
    /// object, at most `limit` deep, without lone surrogates, without a key
    /// given twice in one object.
    pub(crate) fn from_raw(raw: &RawValue, limit: usize) -> Result<Attrs, String> {
        let text = raw.get();
        if !text.starts_with('{') {
            return Err("must be a JSON object".to_string());
        }
        if let Some(d) = crate::format::strict::first_duplicate(text) {
            return Err(d.message(""));
        }
        Ok(Attrs(Box::new(minify(text, limit)?.into_boxed_str())))
    }

    /// Builds attrs from a JSON object map. Written without recursion, so a
    /// value of any depth is safe here; [`crate::ModelBuilder`] refuses attrs
    /// nested more than 124 levels deep, naming the record.
    pub fn from_map(map: &serde_json::Map<String, serde_json::Value>) -> Attrs {
        let mut out = String::with_capacity(64);
        write_compact(&mut out, map);
        Attrs(Box::new(out.into_boxed_str()))
    }

    /// The compact JSON text of the object.
    pub fn as_json(&self) -> &str {
        &self.0[..]
    }

    /// The object as a map. Integers beyond the range of `u64`/`i64` become
    /// floats here, and numbers beyond the range of `f64` (`1e400`), which
    /// serde_json's `Value` cannot hold, their JSON text as a string;
    /// [`Attrs::as_json`] keeps them all exactly.
    pub fn to_map(&self) -> serde_json::Map<String, serde_json::Value> {
        match lenient(&self.0[..], 0) {
            serde_json::Value::Object(map) => map,
            _ => serde_json::Map::new(),
        }
    }

    /// One value by key (see [`Attrs::to_map`] for numbers).
    pub fn get(&self, key: &str) -> Option<serde_json::Value> {
        self.to_map().remove(key)
    }

    /// True for an empty object `{}`.
    pub fn is_empty(&self) -> bool {
        &self.0[..] == "{}"
    }

    /// The builder's check of attrs made by [`Attrs::from_map`]: at most `limit` deep.
    pub(crate) fn check(&self, limit: usize) -> Result<(), String> {
        match deeper_than(&self.0[..], limit) {
            Some(_) => Err(nested_message(limit)),
            None => Ok(()),
        }
    }

    pub(crate) fn raw(&self) -> &RawValue {
        // The text was validated as a JSON object when the attrs were made.
        serde_json::from_str(&self.0[..]).unwrap_or_else(|_| empty_raw())
    }
}

/// Valid JSON text as a `Value`, keeping what `Value` cannot hold (numbers
/// beyond `f64`) as their text in a string rather than failing as a whole.
fn lenient(text: &str, depth: usize) -> serde_json::Value {
    use serde_json::Value;
    if let Ok(v) = serde_json::from_str::<Value>(text) {
        return v;
    }
    // Only containers holding such a number (or nested too deep for serde_json,
    // from `Attrs::from_map`) get here; the depth bounds the recursion.
    match text.as_bytes().first() {
        _ if depth > MAX_DEPTH => Value::String(text.to_string()),
        Some(b'{') => match serde_json::from_str::<RawEntries>(text) {
            Ok(entries) => {
                Value::Object(entries.0.into_iter().map(|(k, v)| (k, lenient(v.get(), depth + 1))).collect())
            }
            Err(_) => Value::String(text.to_string()),
        },
        Some(b'[') => match serde_json::from_str::<Vec<Box<RawValue>>>(text) {
            Ok(items) => Value::Array(items.iter().map(|v| lenient(v.get(), depth + 1)).collect()),
            Err(_) => Value::String(text.to_string()),
        },
        _ => Value::String(text.to_string()),
    }
}

/// The entries of a JSON object in document order (duplicates kept), values as raw JSON text.
pub(crate) struct RawEntries(pub(crate) Vec<(String, Box<RawValue>)>);

impl<'de> serde::Deserialize<'de> for RawEntries {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = RawEntries;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<RawEntries, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, Box<RawValue>>()? {
                    entries.push(entry);
                }
                Ok(RawEntries(entries))
            }
        }
        d.deserialize_map(Visit)
    }
}

/// Writes a JSON object compactly, as `serde_json::to_string` does, but with
/// an explicit stack instead of recursion.
fn write_compact(out: &mut String, map: &serde_json::Map<String, serde_json::Value>) {
    use serde_json::Value;
    enum Frame<'a> {
        Object(serde_json::map::Iter<'a>, bool),
        Array(std::slice::Iter<'a, Value>, bool),
    }
    let leaf = |out: &mut String, v: &Value| out.push_str(&serde_json::to_string(v).unwrap_or_else(|_| "null".into()));
    out.push('{');
    let mut stack = vec![Frame::Object(map.iter(), true)];
    while let Some(frame) = stack.last_mut() {
        let next = match frame {
            Frame::Object(it, first) => it.next().map(|(k, v)| {
                if !std::mem::take(first) {
                    out.push(',');
                }
                leaf(out, &Value::String(k.clone()));
                out.push(':');
                v
            }),
            Frame::Array(it, first) => it.next().inspect(|_| {
                if !std::mem::take(first) {
                    out.push(',');
                }
            }),
        };
        match next {
            None => {
                out.push(if matches!(stack.pop(), Some(Frame::Object(..))) { '}' } else { ']' });
            }
            Some(Value::Object(m)) => {
                out.push('{');
                stack.push(Frame::Object(m.iter(), true));
            }
            Some(Value::Array(a)) => {
                out.push('[');
                stack.push(Frame::Array(a.iter(), true));
            }
            Some(v) => leaf(out, v),
        }
    }
}

fn empty_raw() -> &'static RawValue {
    serde_json::from_str("{}").expect("valid JSON")
}

impl fmt::Debug for Attrs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Attrs({})", self.0)
    }
}

impl fmt::Display for Attrs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0[..])
    }
}

/// Removes insignificant whitespace from valid JSON text, checking on the way
/// that it nests at most `limit` deep and escapes no lone surrogate.
pub(crate) fn minify(text: &str, limit: usize) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(text.len());
    let (mut depth, mut in_string) = (0usize, false);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => {
                    // Copy the whole escape: two bytes, six for \uXXXX, twelve for a surrogate pair.
                    let len = if bytes.get(i + 1) == Some(&b'u') { unicode_escape_len(text, i)? } else { 2 };
                    let end = (i + len).min(bytes.len());
                    out.extend_from_slice(&bytes[i..end]);
                    i = end;
                    continue;
                }
                b'"' => in_string = false,
                _ => {}
            }
            out.push(b);
        } else {
            match b {
                b' ' | b'\n' | b'\r' | b'\t' => {}
                b'"' => {
                    in_string = true;
                    out.push(b);
                }
                b'[' | b'{' => {
                    depth += 1;
                    if depth > limit {
                        return Err(nested_message(limit));
                    }
                    out.push(b);
                }
                b']' | b'}' => {
                    depth = depth.saturating_sub(1);
                    out.push(b);
                }
                _ => out.push(b),
            }
        }
        i += 1;
    }
    // Only ASCII whitespace was removed from valid UTF-8, so this does not fail.
    String::from_utf8(out).map_err(|e| e.to_string())
}

/// The code unit of the `\uXXXX` escape at byte `i`, with its text.
fn escape_at(text: &str, i: usize) -> Option<(u16, &str)> {
    let esc = text.get(i..i + 6)?;
    let unit = u16::from_str_radix(esc.strip_prefix("\\u")?, 16).ok()?;
    Some((unit, esc))
}

/// The length of the `\u` escape at byte `i`: 6, or 12 for a surrogate pair;
/// an error for a lone surrogate (a high one not followed by a low one, or a
/// low one on its own), which no Rust string can hold.
fn unicode_escape_len(text: &str, i: usize) -> Result<usize, String> {
    let Some((unit, esc)) = escape_at(text, i) else { return Ok(2) };
    let lone = || Err(format!("invalid unicode escape {esc}: a lone surrogate"));
    match unit {
        0xD800..=0xDBFF => match escape_at(text, i + 6) {
            Some((0xDC00..=0xDFFF, _)) => Ok(12),
            _ => lone(),
        },
        0xDC00..=0xDFFF => lone(),
        _ => Ok(6),
    }
}

/// A place some unit answers for: city, district, street, community, grid, building …
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Territory {
    /// The unique id.
    pub id: Box<str>,
    /// The name.
    pub name: Box<str>,
    /// The kind.
    pub kind: TerritoryKind,
    /// The containing territory.
    pub parent: Option<Node>,
    /// Free-form attributes, kept verbatim.
    pub attrs: Option<Attrs>,
    /// `since` / `until`.
    pub validity: Validity,
}

/// An organisation: a Party organisation, a government body, a department, an
/// enterprise, a residents' committee …
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Unit {
    /// The unique id.
    pub id: Box<str>,
    /// The name.
    pub name: Box<str>,
    /// The kind.
    pub kind: UnitKind,
    /// The sector (in-system or not), when given.
    pub sector: Option<Sector>,
    /// The territory where the unit sits.
    pub located_in: Option<Node>,
    /// Full Party members (正式党员).
    pub members: Option<u32>,
    /// Staff.
    pub staff: Option<u32>,
    /// In-service Party members (在职党员).
    pub in_service_members: Option<u32>,
    /// Free-form attributes, kept verbatim.
    pub attrs: Option<Attrs>,
    /// `since` / `until`.
    pub validity: Validity,
}

/// An administrative matter (事项) on a duty list.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Matter {
    /// The unique id.
    pub id: Box<str>,
    /// The name.
    pub name: Box<str>,
    /// The duty list: basic, cooperating or recalled.
    pub list: MatterList,
    /// A free category (`urban_management`, `investment_attraction` …).
    pub category: Option<Box<str>>,
    /// Free-form attributes, kept verbatim.
    pub attrs: Option<Attrs>,
    /// `since` / `until`.
    pub validity: Validity,
}

/// An item of the three lists: a need, a resource or a project.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Item {
    /// The unique id.
    pub id: Box<str>,
    /// The name.
    pub name: Box<str>,
    /// The list: need, resource or project.
    pub list: ItemList,
    /// Free-form attributes, kept verbatim.
    pub attrs: Option<Attrs>,
    /// `since` / `until`.
    pub validity: Validity,
}

/// Any record of a model.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Record {
    /// A territory.
    Territory(Territory),
    /// A unit.
    Unit(Unit),
    /// A matter.
    Matter(Matter),
    /// An item.
    Item(Item),
}

impl Record {
    /// The record's id.
    pub fn id(&self) -> &str {
        match self {
            Record::Territory(r) => &r.id,
            Record::Unit(r) => &r.id,
            Record::Matter(r) => &r.id,
            Record::Item(r) => &r.id,
        }
    }

    /// The record's name.
    pub fn name(&self) -> &str {
        match self {
            Record::Territory(r) => &r.name,
            Record::Unit(r) => &r.name,
            Record::Matter(r) => &r.name,
            Record::Item(r) => &r.name,
        }
    }

    /// The record's kind as written in the format (for matters and items, their list).
    pub fn kind_str(&self) -> &str {
        match self {
            Record::Territory(r) => r.kind.as_str(),
            Record::Unit(r) => r.kind.as_str(),
            Record::Matter(r) => r.list.as_str(),
            Record::Item(r) => r.list.as_str(),
        }
    }

    /// The record's type.
    pub fn record_type(&self) -> RecordType {
        match self {
            Record::Territory(_) => RecordType::Territory,
            Record::Unit(_) => RecordType::Unit,
            Record::Matter(_) => RecordType::Matter,
            Record::Item(_) => RecordType::Item,
        }
    }

    /// The record's attrs.
    pub fn attrs(&self) -> Option<&Attrs> {
        match self {
            Record::Territory(r) => r.attrs.as_ref(),
            Record::Unit(r) => r.attrs.as_ref(),
            Record::Matter(r) => r.attrs.as_ref(),
            Record::Item(r) => r.attrs.as_ref(),
        }
    }

    /// The record's `since` / `until`.
    pub fn validity(&self) -> Validity {
        match self {
            Record::Territory(r) => r.validity,
            Record::Unit(r) => r.validity,
            Record::Matter(r) => r.validity,
            Record::Item(r) => r.validity,
        }
    }

    /// The territory, if this record is one.
    pub fn as_territory(&self) -> Option<&Territory> {
        if let Record::Territory(t) = self { Some(t) } else { None }
    }

    /// The unit, if this record is one.
    pub fn as_unit(&self) -> Option<&Unit> {
        if let Record::Unit(u) = self { Some(u) } else { None }
    }

    /// The matter, if this record is one.
    pub fn as_matter(&self) -> Option<&Matter> {
        if let Record::Matter(m) = self { Some(m) } else { None }
    }

    /// The item, if this record is one.
    pub fn as_item(&self) -> Option<&Item> {
        if let Record::Item(i) = self { Some(i) } else { None }
    }
}

/// A typed link between two records.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Link {
    /// The record the link starts from.
    pub from: Node,
    /// The record the link points to.
    pub to: Node,
    /// The kind.
    pub kind: LinkKind,
    /// For `leads`: whether this is the primary leader of a dual-led unit (kept as written).
    pub primary: Option<bool>,
    /// For `power`: which of the five powers.
    pub power: Option<Power>,
    /// For `responsible`: the role.
    pub role: Option<Role>,
    /// For `responsible`: the territory the responsibility applies to.
    pub scope: Option<Node>,
    /// For `registers_with`: how many members registered.
    pub members: Option<u32>,
    /// Free-form attributes, kept verbatim.
    pub attrs: Option<Attrs>,
    /// `since` / `until`.
    pub validity: Validity,
}

impl Link {
    /// True for a `leads` link marked `"primary": true`.
    pub fn is_primary(&self) -> bool {
        self.primary == Some(true)
    }
}
