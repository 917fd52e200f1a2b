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
/// # Example
/// ```
/// use tiaokuai::Attrs;
/// let a = Attrs::from_json(r#"{ "households": 620, "big": 123456789012345678901234567890 }"#).unwrap();
/// assert_eq!(a.as_json(), r#"{"households":620,"big":123456789012345678901234567890}"#);
/// assert_eq!(a.get("households"), Some(serde_json::json!(620)));
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Attrs(Box<Box<str>>); // a thin pointer: absent attrs cost 8 bytes, not 16

impl Attrs {
    /// Reads an attrs object from JSON text; whitespace outside strings is dropped.
    ///
    /// # Errors
    /// A message when the text is not a JSON object.
    pub fn from_json(text: &str) -> Result<Attrs, String> {
        let raw: &RawValue = serde_json::from_str(text).map_err(|e| e.to_string())?;
        Attrs::from_raw(raw)
    }

    pub(crate) fn from_raw(raw: &RawValue) -> Result<Attrs, String> {
        let text = raw.get();
        if !text.starts_with('{') {
            return Err("must be a JSON object".to_string());
        }
        Ok(Attrs(Box::new(minify(text).into_boxed_str())))
    }

    /// Builds attrs from a JSON object map.
    pub fn from_map(map: &serde_json::Map<String, serde_json::Value>) -> Attrs {
        Attrs(Box::new(serde_json::to_string(map).unwrap_or_else(|_| "{}".to_string()).into_boxed_str()))
    }

    /// The compact JSON text of the object.
    pub fn as_json(&self) -> &str {
        &self.0[..]
    }

    /// The object as a map. Integers beyond the range of `u64`/`i64` become floats
    /// here; [`Attrs::as_json`] keeps them exactly.
    pub fn to_map(&self) -> serde_json::Map<String, serde_json::Value> {
        serde_json::from_str(&self.0[..]).unwrap_or_default()
    }

    /// One value by key.
    pub fn get(&self, key: &str) -> Option<serde_json::Value> {
        self.to_map().remove(key)
    }

    /// True for an empty object `{}`.
    pub fn is_empty(&self) -> bool {
        &self.0[..] == "{}"
    }

    pub(crate) fn raw(&self) -> &RawValue {
        // The text was validated as a JSON object when the attrs were made.
        serde_json::from_str(&self.0[..]).unwrap_or_else(|_| empty_raw())
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

/// Removes insignificant whitespace from valid JSON text.
pub(crate) fn minify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !matches!(c, ' ' | '\n' | '\r' | '\t') {
            out.push(c);
        }
    }
    out
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
