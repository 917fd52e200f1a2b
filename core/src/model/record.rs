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

/// A date of the format, used for `since`, `until` and views: a day
/// (`YYYY-MM-DD`), or a reduced date naming a whole month (`YYYY-MM`) or year
/// (`YYYY`).
///
/// A reduced date stands for *some day* in its period, which the document does
/// not say ("2015年起"): [`Date::first_day`] and [`Date::last_day`] bound it. A
/// date keeps its precision: it is written back exactly as it was read.
///
/// Dates order by their text (`2015` < `2015-01-01` < `2015-06` < `2015-06-01`),
/// which sorts a list of dates; to compare when things happen, compare the
/// bounds (see [`Validity::status_at`]).
///
/// # Example
/// ```
/// use tiaokuai::{Date, Precision};
/// let d: Date = "2024-06-30".parse().unwrap();
/// assert_eq!(d.to_string(), "2024-06-30");
/// let y: Date = "2015".parse().unwrap();
/// assert_eq!(y.precision(), Precision::Year);
/// assert_eq!((y.first_day().to_string(), y.last_day().to_string()), ("2015-01-01".into(), "2015-12-31".into()));
/// assert_eq!("2024-02".parse::<Date>().unwrap().last_day().to_string(), "2024-02-29");
/// for bad in ["2024-02-30", "2019-13", "20190101", "2019-1-5", ""] {
///     assert!(bad.parse::<Date>().is_err(), "{bad}");
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date(NonZeroU32); // year * 10000 + month * 100 + day; a reduced date has 0 for what it leaves out

/// How much of a [`Date`] is known: the year, the month, or the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Precision {
    /// `YYYY`: some day of the year.
    Year,
    /// `YYYY-MM`: some day of the month.
    Month,
    /// `YYYY-MM-DD`: the day.
    Day,
}

fn is_leap(year: u32) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Date {
    /// The date as one number, `year * 10000 + month * 100 + day` (0 for a part a reduced
    /// date leaves out): days compare as their numbers.
    pub(crate) fn raw(self) -> u32 {
        self.0.get()
    }

    /// The day from its parts; `None` when it is not a real date (years 1–9999).
    ///
    /// # Example
    /// ```
    /// use tiaokuai::Date;
    /// assert_eq!(Date::new(2024, 2, 29).unwrap().to_string(), "2024-02-29");
    /// assert!(Date::new(2023, 2, 29).is_none());
    /// ```
    pub fn new(year: u32, month: u32, day: u32) -> Option<Date> {
        if !(1..=9999).contains(&year) || !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        NonZeroU32::new(year * 10000 + month * 100 + day).map(Date)
    }

    /// The reduced date naming a whole month (`YYYY-MM`); `None` outside years 1–9999 and months 1–12.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::Date;
    /// assert_eq!(Date::month_of(2019, 7).unwrap().to_string(), "2019-07");
    /// ```
    pub fn month_of(year: u32, month: u32) -> Option<Date> {
        if !(1..=9999).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        NonZeroU32::new(year * 10000 + month * 100).map(Date)
    }

    /// The reduced date naming a whole year (`YYYY`); `None` outside years 1–9999.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::Date;
    /// assert_eq!(Date::year_of(2015).unwrap().to_string(), "2015");
    /// ```
    pub fn year_of(year: u32) -> Option<Date> {
        if !(1..=9999).contains(&year) {
            return None;
        }
        NonZeroU32::new(year * 10000).map(Date)
    }

    /// The year.
    pub fn year(self) -> u32 {
        self.0.get() / 10000
    }

    /// The month, 1–12, when the date names one.
    pub fn month(self) -> Option<u32> {
        Some(self.0.get() / 100 % 100).filter(|&m| m != 0)
    }

    /// The day of the month, when the date names one.
    pub fn day(self) -> Option<u32> {
        Some(self.0.get() % 100).filter(|&d| d != 0)
    }

    /// How much of the date is known.
    pub fn precision(self) -> Precision {
        match (self.month(), self.day()) {
            (None, _) => Precision::Year,
            (Some(_), None) => Precision::Month,
            _ => Precision::Day,
        }
    }

    /// The first day of the date's period (the date itself for a day).
    pub fn first_day(self) -> Date {
        let (y, m) = (self.year(), self.month().unwrap_or(1));
        Date::new(y, m, self.day().unwrap_or(1)).unwrap_or(self)
    }

    /// The last day of the date's period (the date itself for a day).
    pub fn last_day(self) -> Date {
        let (y, m) = (self.year(), self.month().unwrap_or(12));
        Date::new(y, m, self.day().unwrap_or_else(|| days_in_month(y, m))).unwrap_or(self)
    }

    /// The day after a day (of the date's last day, for a reduced date); `None` after 9999-12-31.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::Date;
    /// let d: Date = "2020-02-28".parse().unwrap();
    /// assert_eq!(d.next_day().unwrap().to_string(), "2020-02-29");
    /// assert_eq!("2019".parse::<Date>().unwrap().next_day().unwrap().to_string(), "2020-01-01");
    /// ```
    pub fn next_day(self) -> Option<Date> {
        let d = self.last_day();
        let (y, m, day) = (d.year(), d.month().unwrap_or(12), d.day().unwrap_or(31));
        Date::new(y, m, day + 1).or_else(|| Date::new(y, m + 1, 1)).or_else(|| Date::new(y + 1, 1, 1))
    }

    /// The day before a day (before the date's first day, for a reduced date); `None` before 0001-01-01.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::Date;
    /// assert_eq!("2020-03-01".parse::<tiaokuai::Date>().unwrap().prev_day().unwrap().to_string(), "2020-02-29");
    /// ```
    pub fn prev_day(self) -> Option<Date> {
        let d = self.first_day();
        let (y, m, day) = (d.year(), d.month().unwrap_or(1), d.day().unwrap_or(1));
        if day > 1 {
            return Date::new(y, m, day - 1);
        }
        if m > 1 {
            return Date::new(y, m - 1, days_in_month(y, m - 1));
        }
        Date::new(y.checked_sub(1)?, 12, 31)
    }

    /// The same date with its period moved by whole months (a day past the end of the
    /// new month becomes its last day); `None` outside years 1–9999.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::Date;
    /// let d: Date = "2020-01-31".parse().unwrap();
    /// assert_eq!(d.add_months(1).unwrap().to_string(), "2020-02-29");
    /// assert_eq!("2014".parse::<Date>().unwrap().add_months(12).unwrap().to_string(), "2015");
    /// ```
    pub fn add_months(self, months: i64) -> Option<Date> {
        let m0 = i64::from(self.month().unwrap_or(1)) - 1 + i64::from(self.year()) * 12 + months;
        let (y, m) = (u32::try_from(m0.div_euclid(12)).ok()?, (m0.rem_euclid(12) + 1) as u32);
        match self.precision() {
            Precision::Year => Date::year_of(y),
            Precision::Month => Date::month_of(y, m),
            Precision::Day => Date::new(y, m, self.day().unwrap_or(1).min(days_in_month(y, m))),
        }
    }

    /// The number of days from 0001-01-01 to the date's first day (a day number for arithmetic).
    pub fn days(self) -> i64 {
        let d = self.first_day();
        let (y, m, day) = (i64::from(d.year()), i64::from(d.month().unwrap_or(1)), i64::from(d.day().unwrap_or(1)));
        // Days before the year, the month, and in the month (proleptic Gregorian).
        let py = y - 1;
        let before_year = py * 365 + py / 4 - py / 100 + py / 400;
        let before_month: i64 = (1..m).map(|mm| i64::from(days_in_month(y as u32, mm as u32))).sum();
        before_year + before_month + day - 1
    }

    /// The day with day number `n` ([`Date::days`]), if it is within years 0001–9999: the
    /// inverse of [`Date::days`] for days.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::Date;
    /// let d: Date = "2024-02-29".parse().unwrap();
    /// assert_eq!(Date::from_days(d.days()), Some(d));
    /// assert_eq!(Date::from_days(719_162).unwrap().to_string(), "1970-01-01");
    /// assert_eq!(Date::from_days(-1), None);
    /// ```
    pub fn from_days(n: i64) -> Option<Date> {
        // Howard Hinnant's civil_from_days, on days since 1970-01-01.
        let z = n - 719_162 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        if !(1..=9999).contains(&y) {
            return None;
        }
        Date::new(y as u32, m as u32, d as u32)
    }
}

impl FromStr for Date {
    type Err = String;

    /// Reads `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (exactly those digits and dashes, a real
    /// calendar date, years 0001–9999).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |why: &str| format!("{s:?} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD{why}");
        let b = s.as_bytes();
        let digits = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = b.get(r)?;
            if part.iter().all(|c| c.is_ascii_digit()) { std::str::from_utf8(part).ok()?.parse().ok() } else { None }
        };
        let shape_ok = matches!(b.len(), 4 | 7 | 10) && (b.len() < 7 || b[4] == b'-') && (b.len() < 10 || b[7] == b'-');
        if !shape_ok {
            return Err(bad(""));
        }
        let year = digits(0..4).ok_or_else(|| bad(""))?;
        if year == 0 {
            return Err(bad(" (years run from 0001 to 9999)"));
        }
        if b.len() == 4 {
            return Date::year_of(year).ok_or_else(|| bad(""));
        }
        let month = digits(5..7).ok_or_else(|| bad(""))?;
        if !(1..=12).contains(&month) {
            return Err(bad(&format!(" (there is no month {month})")));
        }
        if b.len() == 7 {
            return Date::month_of(year, month).ok_or_else(|| bad(""));
        }
        let day = digits(8..10).ok_or_else(|| bad(""))?;
        Date::new(year, month, day).ok_or_else(|| bad(&format!(" ({year:04}-{month:02} has no day {day})")))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year())?;
        if let Some(m) = self.month() {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day() {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

/// Whether a record or link holds at a date: see [`Validity::status_at`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// In force on the day whatever day its reduced dates stand for.
    InForce,
    /// In force on the day for some readings of its reduced dates, not for others.
    Possibly,
    /// Not in force on the day, whatever its dates stand for.
    OutOfForce,
}

/// The optional `since` / `until` dates of a record or link: in force from the
/// first day through the last day, both inclusive (`until` is the last day in
/// force, as in "任期至2021年12月31日").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
#[non_exhaustive]
pub struct Validity {
    /// In force from this date (some day of it, for a reduced date).
    pub since: Option<Date>,
    /// In force through this date, inclusive (some day of it, for a reduced date).
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

    /// Whether the record or link holds on a day (a reduced `day` is read as its last
    /// day: a view "at 2019" is the state at the end of 2019, as yearbooks count).
    ///
    /// In force when every day its dates allow puts the day inside (the latest
    /// possible start is on or before it, the earliest possible end on or after it);
    /// possibly in force when some reading does; out of force otherwise, and always
    /// when it can never be in force ([`Validity::never`]). The truth table is in
    /// docs/format.md.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::{Date, Status, Validity};
    /// let d = |s: &str| Some(s.parse::<Date>().unwrap());
    /// let v = Validity::new(d("2015"), d("2020-05-31"));
    /// let at = |s: &str| v.status_at(s.parse().unwrap());
    /// assert_eq!(at("2015-03-01"), Status::Possibly); // "since 2015": maybe not yet
    /// assert_eq!(at("2016-01-01"), Status::InForce);
    /// assert_eq!(at("2020-05-31"), Status::InForce); // until is the last day in force
    /// assert_eq!(at("2020-06-01"), Status::OutOfForce);
    /// assert_eq!(at("2014-12-31"), Status::OutOfForce);
    /// ```
    pub fn status_at(&self, day: Date) -> Status {
        let day = day.last_day();
        if self.never() {
            return Status::OutOfForce;
        }
        let after_start = |pick: fn(Date) -> Date| self.since.is_none_or(|s| pick(s) <= day);
        let before_end = |pick: fn(Date) -> Date| self.until.is_none_or(|u| day <= pick(u));
        if after_start(Date::last_day) && before_end(Date::first_day) {
            Status::InForce
        } else if after_start(Date::first_day) && before_end(Date::last_day) {
            Status::Possibly
        } else {
            Status::OutOfForce
        }
    }

    /// True when the dates allow no day at all: `until` ends before `since` starts,
    /// however the reduced dates are read (rule T001).
    ///
    /// # Example
    /// ```
    /// use tiaokuai::{Date, Validity};
    /// let d = |s: &str| Some(s.parse::<Date>().unwrap());
    /// assert!(Validity::new(d("2020-06-01"), d("2020-05-31")).never());
    /// assert!(!Validity::new(d("2020-06"), d("2020")).never(), "some reading leaves June 2020");
    /// ```
    pub fn never(&self) -> bool {
        matches!((self.since, self.until), (Some(s), Some(u)) if u.last_day() < s.first_day())
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

/// The byte offset of the first `[` or `{` nested deeper than `limit`, if any: `[`, `{`,
/// `]` and `}` outside strings counted (a closer at depth 0 leaving it 0), strings
/// skipped with their escapes.
///
/// Eight bytes at a time (a load reads the whole document through it, beside the parse):
/// a word without a backslash, whose brackets cannot take the depth past `limit` or below 0,
/// is counted at once, each byte's place inside or outside a string found from the
/// quotes before it; any other word goes byte by byte ([`depth_step`]), so the answer is
/// that of reading every byte in order.
fn deeper_than(text: &str, limit: usize) -> Option<usize> {
    let mut state = DepthState::default();
    let (words, tail) = text.as_bytes().as_chunks::<8>();
    for (k, w) in words.iter().enumerate() {
        let w = u64::from_le_bytes(*w);
        if !state.escaped && zero_bytes(w ^ splat(b'\\')) == 0 {
            // `[` and `{` differ in one bit (0x20), as do `]` and `}`.
            let folded = w | splat(0x20);
            // A byte's high bit: the byte is inside a string, after the quotes up to it.
            let mut inside = zero_bytes(w ^ splat(b'"'));
            inside ^= inside << 8;
            inside ^= inside << 16;
            inside ^= inside << 32;
            if state.in_string {
                inside ^= splat(0x80);
            }
            let opens = count_high(zero_bytes(folded ^ splat(b'{')) & !inside);
            let closes = count_high(zero_bytes(folded ^ splat(b'}')) & !inside);
            if state.depth + opens <= limit && closes <= state.depth {
                state.depth = state.depth + opens - closes;
                state.in_string = inside >> 63 != 0;
                continue;
            }
        }
        for (j, b) in w.to_le_bytes().into_iter().enumerate() {
            if depth_step(&mut state, b, limit) {
                return Some(8 * k + j);
            }
        }
    }
    let start = 8 * words.len();
    tail.iter().position(|&b| depth_step(&mut state, b, limit)).map(|j| start + j)
}

/// Where [`deeper_than`] is: the depth, inside a string, after a backslash in one.
#[derive(Default)]
struct DepthState {
    depth: usize,
    in_string: bool,
    escaped: bool,
}

/// One byte of [`deeper_than`]: true when it is a `[` or `{` that takes the depth past `limit`.
fn depth_step(s: &mut DepthState, b: u8, limit: usize) -> bool {
    if s.in_string {
        string_step(&mut s.in_string, &mut s.escaped, b);
        return false;
    }
    match b {
        b'"' => s.in_string = true,
        b'[' | b'{' => {
            s.depth += 1;
            return s.depth > limit;
        }
        b']' | b'}' => s.depth = s.depth.saturating_sub(1),
        _ => {}
    }
    false
}

/// One byte inside a JSON string: an escape's next byte is skipped, an unescaped `"` ends the
/// string (`in_string` false). The step the outline of a streamed load and the whole text's
/// depth check share.
#[inline]
pub(crate) fn string_step(in_string: &mut bool, escaped: &mut bool, b: u8) {
    if *escaped {
        *escaped = false;
    } else if b == b'\\' {
        *escaped = true;
    } else if b == b'"' {
        *in_string = false;
    }
}

/// A word of eight copies of a byte.
pub(crate) const fn splat(b: u8) -> u64 {
    0x0101_0101_0101_0101 * b as u64
}

/// The high bit of each byte of `x` set where that byte is zero, and no other bit (exact:
/// no carry crosses from one byte into the next).
pub(crate) fn zero_bytes(x: u64) -> u64 {
    const LOW7: u64 = splat(0x7F);
    !(((x & LOW7) + LOW7) | x) & !LOW7
}

/// How many bytes of `m` have their high bit set (`m` has no other bits set).
pub(crate) fn count_high(m: u64) -> usize {
    ((m >> 7).wrapping_mul(splat(1)) >> 56) as usize
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

/// Declares a record type: the owned record (its id, its name and its row) and the row
/// (every other field), which is what a model keeps in its table for the type, the ids and
/// names of the table being kept end to end in one string (issue #19, "arenas"). The owned
/// record derefs to its row, so `unit.kind` reads the same on an owned [`Unit`] and on a
/// [`UnitRef`] borrowed from a model.
macro_rules! record_type {
    (
        $(#[$doc:meta])*
        $name:ident, $row:ident, $alias:ident, $what:literal, id: $id_doc:literal, name: $name_doc:literal,
        { $($(#[$fdoc:meta])* $field:ident: $ty:ty,)* }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub struct $name {
            #[doc = $id_doc]
            pub id: Box<str>,
            #[doc = $name_doc]
            pub name: Box<str>,
            /// The other fields (the record derefs to them).
            pub row: $row,
        }

        #[doc = concat!("Every field of a ", $what, " but its id and name: what a model keeps in its table of ", $what, "s ([`", stringify!($name), "`] derefs to it, and so does [`", stringify!($alias), "`]).")]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub struct $row {
            $($(#[$fdoc])* pub $field: $ty,)*
        }

        #[doc = concat!("A ", $what, " borrowed from a model ([`RecordRef`]): `id()` and `name()`, and its other fields through its [`", stringify!($row), "`].")]
        pub type $alias<'a> = Ref<'a, $row>;

        impl std::ops::Deref for $name {
            type Target = $row;
            fn deref(&self) -> &$row {
                &self.row
            }
        }

        impl std::ops::DerefMut for $name {
            fn deref_mut(&mut self) -> &mut $row {
                &mut self.row
            }
        }

        impl $name {
            #[doc = concat!("The ", $what, " borrowed, as a model hands it out.")]
            pub fn as_ref(&self) -> $alias<'_> {
                Ref { row: &self.row, names: Names::Owned(&self.id, &self.name) }
            }
        }

        impl<'a> Ref<'a, $row> {
            #[doc = concat!("An owned copy of the ", $what, ".")]
            pub fn to_owned(self) -> $name {
                $name { id: self.id().into(), name: self.name().into(), row: self.row.clone() }
            }
        }
    };
}

record_type! {
    /// A place some unit answers for: city, district, street, community, grid, building …
    Territory, TerritoryRow, TerritoryRef, "territory", id: "The unique id.", name: "The name.", {
        /// The kind.
        kind: TerritoryKind,
        /// The containing territory.
        parent: Option<Node>,
        /// Free-form attributes, kept verbatim.
        attrs: Option<Attrs>,
        /// `since` / `until`.
        validity: Validity,
    }
}

record_type! {
    /// An organisation: a Party organisation, a government body, a department, an
    /// enterprise, a residents' committee …
    Unit, UnitRow, UnitRef, "unit", id: "The unique id.", name: "The name.", {
        /// The kind.
        kind: UnitKind,
        /// The sector (in-system or not), when given.
        sector: Option<Sector>,
        /// The territory where the unit sits.
        located_in: Option<Node>,
        /// Full Party members (正式党员), staff and in-service Party members (在职党员), each
        /// when given: read them with [`UnitRow::members`], [`UnitRow::staff`] and
        /// [`UnitRow::in_service_members`].
        counts: UnitCounts,
        /// Free-form attributes, kept verbatim.
        attrs: Option<Attrs>,
        /// `since` / `until`.
        validity: Validity,
    }
}

/// A row's kind as written in the format ([`RecordRef::kind_str`]; a matter's or item's list,
/// `person` for a person): one mapping for the record handles and the tables' direct reads.
macro_rules! row_kind {
    ($($row:ty => |$r:ident| $e:expr;)+) => {$(
        impl $row {
            #[inline]
            pub(crate) fn kind_str(&self) -> &'static str {
                let $r = self;
                $e
            }
        }
    )+};
}

row_kind! {
    TerritoryRow => |r| r.kind.as_str();
    UnitRow => |r| r.kind.as_str();
    MatterRow => |r| r.list.as_str();
    ItemRow => |r| r.list.as_str();
    PersonRow => |_r| "person";
}

impl UnitRow {
    /// Full Party members (正式党员), when given.
    #[inline]
    pub fn members(&self) -> Option<u32> {
        self.counts.members()
    }

    /// Staff, when given.
    #[inline]
    pub fn staff(&self) -> Option<u32> {
        self.counts.staff()
    }

    /// In-service Party members (在职党员), when given.
    #[inline]
    pub fn in_service_members(&self) -> Option<u32> {
        self.counts.in_service_members()
    }
}

/// A unit's three counts — full Party members, staff, in-service Party members — each
/// present or absent, in 16 bytes where three `Option<u32>` take 24 (issue #19: a model holds
/// millions of units). Every count keeps the format's whole range, 0 to 4,294,967,295.
///
/// # Example
/// ```
/// use tiaokuai::UnitCounts;
/// let mut c = UnitCounts::new(Some(12), None, Some(3));
/// assert_eq!((c.members(), c.staff(), c.in_service_members()), (Some(12), None, Some(3)));
/// c.set_staff(Some(u32::MAX));
/// c.set_members(None);
/// assert_eq!(c, UnitCounts::new(None, Some(u32::MAX), Some(3)));
/// assert_eq!(UnitCounts::default(), UnitCounts::new(None, None, None));
/// ```
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct UnitCounts {
    // An absent count is 0 here, so that equal counts are equal structs.
    values: [u32; 3],
    present: u8,
}

impl UnitCounts {
    const MEMBERS: usize = 0;
    const STAFF: usize = 1;
    const IN_SERVICE_MEMBERS: usize = 2;

    /// The three counts: members, staff, in-service members.
    pub fn new(members: Option<u32>, staff: Option<u32>, in_service_members: Option<u32>) -> Self {
        let mut c = UnitCounts::default();
        c.set(Self::MEMBERS, members);
        c.set(Self::STAFF, staff);
        c.set(Self::IN_SERVICE_MEMBERS, in_service_members);
        c
    }

    #[inline]
    fn get(&self, i: usize) -> Option<u32> {
        (self.present & (1 << i) != 0).then_some(self.values[i])
    }

    fn set(&mut self, i: usize, value: Option<u32>) {
        self.values[i] = value.unwrap_or(0);
        self.present = (self.present & !(1 << i)) | (u8::from(value.is_some()) << i);
    }

    /// Full Party members (正式党员), when given.
    #[inline]
    pub fn members(&self) -> Option<u32> {
        self.get(Self::MEMBERS)
    }

    /// Staff, when given.
    #[inline]
    pub fn staff(&self) -> Option<u32> {
        self.get(Self::STAFF)
    }

    /// In-service Party members (在职党员), when given.
    #[inline]
    pub fn in_service_members(&self) -> Option<u32> {
        self.get(Self::IN_SERVICE_MEMBERS)
    }

    /// Sets or clears the full Party members.
    pub fn set_members(&mut self, n: Option<u32>) {
        self.set(Self::MEMBERS, n);
    }

    /// Sets or clears the staff.
    pub fn set_staff(&mut self, n: Option<u32>) {
        self.set(Self::STAFF, n);
    }

    /// Sets or clears the in-service Party members.
    pub fn set_in_service_members(&mut self, n: Option<u32>) {
        self.set(Self::IN_SERVICE_MEMBERS, n);
    }

    /// The three counts in the format's order: members, staff, in-service members.
    pub fn all(&self) -> [Option<u32>; 3] {
        [self.members(), self.staff(), self.in_service_members()]
    }
}

impl fmt::Debug for UnitCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnitCounts")
            .field("members", &self.members())
            .field("staff", &self.staff())
            .field("in_service_members", &self.in_service_members())
            .finish()
    }
}

record_type! {
    /// An administrative matter (事项) on a duty list.
    Matter, MatterRow, MatterRef, "matter", id: "The unique id.", name: "The name.", {
        /// The duty list: basic, cooperating or recalled.
        list: MatterList,
        /// A free category (`urban_management`, `investment_attraction` …).
        category: Option<Box<str>>,
        /// Free-form attributes, kept verbatim.
        attrs: Option<Attrs>,
        /// `since` / `until`.
        validity: Validity,
    }
}

record_type! {
    /// An item of the three lists: a need, a resource or a project.
    Item, ItemRow, ItemRef, "item", id: "The unique id.", name: "The name.", {
        /// The list: need, resource or project.
        list: ItemList,
        /// Free-form attributes, kept verbatim.
        attrs: Option<Attrs>,
        /// `since` / `until`.
        validity: Validity,
    }
}

record_type! {
    /// A person who holds posts in units (secretary, director, head, community worker …).
    ///
    /// People data is personal data: ids may be pseudonymous and the name is optional
    /// (empty when absent). See docs/people.md.
    Person, PersonRow, PersonRef, "person", id: "The unique id (may be pseudonymous).", name: "The name; empty when the document gives none.", {
        /// Free-form attributes, kept verbatim.
        attrs: Option<Attrs>,
        /// `since` / `until`.
        validity: Validity,
    }
}

/// A record's row, without its id and name: what the builder hands a table, the id and name
/// going to the table's text (the loaders keep them in their own buffers until then).
#[derive(Debug, Clone)]
pub(crate) enum Row {
    Territory(TerritoryRow),
    Unit(UnitRow),
    Matter(MatterRow),
    Item(ItemRow),
    Person(PersonRow),
}

impl Row {
    /// The record's type.
    pub(crate) fn record_type(&self) -> RecordType {
        match self {
            Row::Territory(_) => RecordType::Territory,
            Row::Unit(_) => RecordType::Unit,
            Row::Matter(_) => RecordType::Matter,
            Row::Item(_) => RecordType::Item,
            Row::Person(_) => RecordType::Person,
        }
    }

    /// The record's attrs.
    pub(crate) fn attrs(&self) -> Option<&Attrs> {
        match self {
            Row::Territory(r) => r.attrs.as_ref(),
            Row::Unit(r) => r.attrs.as_ref(),
            Row::Matter(r) => r.attrs.as_ref(),
            Row::Item(r) => r.attrs.as_ref(),
            Row::Person(r) => r.attrs.as_ref(),
        }
    }
}

/// A record of one type borrowed from a model ([`TerritoryRef`], [`UnitRef`] …): its id and
/// name, and its other fields through the row it derefs to (`unit.kind`, `unit.located_in`).
/// A model keeps the ids and names of a type's records end to end in one string, so a
/// record costs no allocation of its own; `Ref` puts the two back together. `Copy`, four
/// words (the row, the table's text, the record's span and index).
///
/// # Example
/// ```
/// use tiaokuai::{Model, UnitKind};
/// let model = Model::sample();
/// let (_, unit) = model.units().find(|(_, u)| u.kind == UnitKind::Government).unwrap();
/// assert_eq!(model.get(unit.id()).unwrap().name(), unit.name());
/// let owned = unit.to_owned();
/// assert_eq!((&*owned.id, owned.kind), (unit.id(), UnitKind::Government));
/// assert_eq!(owned.as_ref(), unit);
/// ```
pub struct Ref<'a, R> {
    row: &'a R,
    names: Names<'a>,
}

/// Where a [`Ref`]'s id and name are: in a model's table, or in an owned record.
#[derive(Clone, Copy)]
enum Names<'a> {
    Stored(&'a super::records::Text, super::records::Span, u32),
    // Thin references (8 bytes each, not a 16-byte `&str`): a `Ref` stays four words.
    #[allow(clippy::borrowed_box)]
    Owned(&'a Box<str>, &'a Box<str>),
}

impl<'a, R> Ref<'a, R> {
    /// The record at `index` of a model's table.
    #[inline]
    pub(crate) fn stored(row: &'a R, text: &'a super::records::Text, span: super::records::Span, index: u32) -> Self {
        Ref { row, names: Names::Stored(text, span, index) }
    }

    /// The record's id.
    #[inline]
    pub fn id(self) -> &'a str {
        match self.names {
            Names::Stored(text, span, i) => text.id(span, i),
            Names::Owned(id, _) => id,
        }
    }

    /// The record's name.
    #[inline]
    pub fn name(self) -> &'a str {
        match self.names {
            Names::Stored(text, span, i) => text.name(span, i),
            Names::Owned(_, name) => name,
        }
    }

    /// The row: every field but the id and name, borrowed for as long as the model.
    #[inline]
    pub fn row(self) -> &'a R {
        self.row
    }
}

impl<R> Clone for Ref<'_, R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R> Copy for Ref<'_, R> {}

impl<R> std::ops::Deref for Ref<'_, R> {
    type Target = R;
    #[inline]
    fn deref(&self) -> &R {
        self.row
    }
}

impl<R: PartialEq> PartialEq for Ref<'_, R> {
    fn eq(&self, other: &Self) -> bool {
        self.id() == other.id() && self.name() == other.name() && self.row == other.row
    }
}

impl<R: fmt::Debug> fmt::Debug for Ref<'_, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ref").field("id", &self.id()).field("name", &self.name()).field("row", self.row).finish()
    }
}

/// What a `holds` link says beyond its ends and dates: the post, and for community
/// workers the band, grade and channel. The model keeps these in a side table keyed by
/// link ([`crate::Model::holding`]), so a model without people pays nothing for them.
///
/// # Example
/// ```
/// use tiaokuai::{Band, Holding, Post};
/// let h = Holding::new(Post::CommunityWorker).band(Band::Other).grade(5);
/// assert_eq!((h.post, h.band, h.grade), (Post::CommunityWorker, Some(Band::Other), Some(5)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Holding {
    /// The post (required).
    pub post: Post,
    /// The band of the career scale.
    pub band: Option<Band>,
    /// The grade of the career scale, 1–18.
    pub grade: Option<u8>,
    /// How the holder came to the post.
    pub channel: Option<Channel>,
}

impl Holding {
    /// A holding of a post, without band, grade or channel.
    pub fn new(post: Post) -> Holding {
        Holding { post, band: None, grade: None, channel: None }
    }

    /// Sets the band.
    pub fn band(mut self, band: Band) -> Holding {
        self.band = Some(band);
        self
    }

    /// Sets the grade (the builder refuses one outside 1–18).
    pub fn grade(mut self, grade: u8) -> Holding {
        self.grade = Some(grade);
        self
    }

    /// Sets the channel.
    pub fn channel(mut self, channel: Channel) -> Holding {
        self.channel = Some(channel);
        self
    }
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
    /// A person.
    Person(Person),
}

impl Record {
    /// The record as a [`RecordRef`] (what the model's accessors return).
    ///
    /// # Example
    /// ```
    /// let model = tiaokuai::Model::sample();
    /// let street = model.node("310113003").unwrap();
    /// let owned = model.record(street).to_record();
    /// assert_eq!(owned.as_ref(), model.record(street));
    /// ```
    pub fn as_ref(&self) -> RecordRef<'_> {
        match self {
            Record::Territory(r) => RecordRef::Territory(r.as_ref()),
            Record::Unit(r) => RecordRef::Unit(r.as_ref()),
            Record::Matter(r) => RecordRef::Matter(r.as_ref()),
            Record::Item(r) => RecordRef::Item(r.as_ref()),
            Record::Person(r) => RecordRef::Person(r.as_ref()),
        }
    }

    /// The record's id.
    pub fn id(&self) -> &str {
        self.as_ref().id()
    }

    /// The record's name.
    pub fn name(&self) -> &str {
        self.as_ref().name()
    }

    /// The record's kind as written in the format (for matters and items, their list).
    pub fn kind_str(&self) -> &str {
        self.as_ref().kind_str()
    }

    /// The record's type.
    pub fn record_type(&self) -> RecordType {
        self.as_ref().record_type()
    }

    /// The record's attrs.
    pub fn attrs(&self) -> Option<&Attrs> {
        self.as_ref().attrs()
    }

    /// The record's `since` / `until`.
    pub fn validity(&self) -> Validity {
        self.as_ref().validity()
    }

    /// The record's id, name and row, apart.
    pub(crate) fn into_parts(self) -> (Box<str>, Box<str>, Row) {
        match self {
            Record::Territory(Territory { id, name, row }) => (id, name, Row::Territory(row)),
            Record::Unit(Unit { id, name, row }) => (id, name, Row::Unit(row)),
            Record::Matter(Matter { id, name, row }) => (id, name, Row::Matter(row)),
            Record::Item(Item { id, name, row }) => (id, name, Row::Item(row)),
            Record::Person(Person { id, name, row }) => (id, name, Row::Person(row)),
        }
    }

    /// The record's name, to change it (a change set's update).
    pub(crate) fn name_mut(&mut self) -> &mut Box<str> {
        match self {
            Record::Territory(r) => &mut r.name,
            Record::Unit(r) => &mut r.name,
            Record::Matter(r) => &mut r.name,
            Record::Item(r) => &mut r.name,
            Record::Person(r) => &mut r.name,
        }
    }

    /// The record's attrs, to change them.
    pub(crate) fn attrs_mut(&mut self) -> &mut Option<Attrs> {
        match self {
            Record::Territory(r) => &mut r.attrs,
            Record::Unit(r) => &mut r.attrs,
            Record::Matter(r) => &mut r.attrs,
            Record::Item(r) => &mut r.attrs,
            Record::Person(r) => &mut r.attrs,
        }
    }

    /// The record's dates, to change them.
    pub(crate) fn validity_mut(&mut self) -> &mut Validity {
        match self {
            Record::Territory(r) => &mut r.validity,
            Record::Unit(r) => &mut r.validity,
            Record::Matter(r) => &mut r.validity,
            Record::Item(r) => &mut r.validity,
            Record::Person(r) => &mut r.validity,
        }
    }

    /// The territory, if this record is one.
    pub fn as_territory(&self) -> Option<&Territory> {
        if let Record::Territory(r) = self { Some(r) } else { None }
    }

    /// The unit, if this record is one.
    pub fn as_unit(&self) -> Option<&Unit> {
        if let Record::Unit(r) = self { Some(r) } else { None }
    }

    /// The matter, if this record is one.
    pub fn as_matter(&self) -> Option<&Matter> {
        if let Record::Matter(r) = self { Some(r) } else { None }
    }

    /// The item, if this record is one.
    pub fn as_item(&self) -> Option<&Item> {
        if let Record::Item(r) = self { Some(r) } else { None }
    }

    /// The person, if this record is one.
    pub fn as_person(&self) -> Option<&Person> {
        if let Record::Person(r) = self { Some(r) } else { None }
    }
}

/// A record of a model, borrowed: what [`crate::Model::record`] returns. The model keeps
/// each type of record in its own table (a person does not pay for a unit's fields), so a
/// record is handed out as a reference to its typed struct rather than as `&Record`.
///
/// # Example
/// ```
/// use tiaokuai::{Model, RecordRef};
/// let model = Model::sample();
/// let street = model.node("310113003").unwrap();
/// match model.record(street) {
///     RecordRef::Territory(t) => assert_eq!(t.kind.as_str(), "street"),
///     other => panic!("{other:?}"),
/// }
/// assert_eq!(model.record(street).id(), "310113003");
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum RecordRef<'a> {
    /// A territory.
    Territory(TerritoryRef<'a>),
    /// A unit.
    Unit(UnitRef<'a>),
    /// A matter.
    Matter(MatterRef<'a>),
    /// An item.
    Item(ItemRef<'a>),
    /// A person.
    Person(PersonRef<'a>),
}

impl<'a> RecordRef<'a> {
    /// The record's id.
    #[inline]
    pub fn id(self) -> &'a str {
        match self {
            RecordRef::Territory(r) => r.id(),
            RecordRef::Unit(r) => r.id(),
            RecordRef::Matter(r) => r.id(),
            RecordRef::Item(r) => r.id(),
            RecordRef::Person(r) => r.id(),
        }
    }

    /// The record's name.
    #[inline]
    pub fn name(self) -> &'a str {
        match self {
            RecordRef::Territory(r) => r.name(),
            RecordRef::Unit(r) => r.name(),
            RecordRef::Matter(r) => r.name(),
            RecordRef::Item(r) => r.name(),
            RecordRef::Person(r) => r.name(),
        }
    }

    /// The record's kind as written in the format (for matters and items, their list).
    #[inline]
    pub fn kind_str(self) -> &'a str {
        match self {
            RecordRef::Territory(r) => r.row().kind_str(),
            RecordRef::Unit(r) => r.row().kind_str(),
            RecordRef::Matter(r) => r.row().kind_str(),
            RecordRef::Item(r) => r.row().kind_str(),
            RecordRef::Person(r) => r.row().kind_str(),
        }
    }

    /// The record's type.
    pub fn record_type(self) -> RecordType {
        match self {
            RecordRef::Territory(_) => RecordType::Territory,
            RecordRef::Unit(_) => RecordType::Unit,
            RecordRef::Matter(_) => RecordType::Matter,
            RecordRef::Item(_) => RecordType::Item,
            RecordRef::Person(_) => RecordType::Person,
        }
    }

    /// The record's attrs.
    pub fn attrs(self) -> Option<&'a Attrs> {
        match self {
            RecordRef::Territory(r) => r.row().attrs.as_ref(),
            RecordRef::Unit(r) => r.row().attrs.as_ref(),
            RecordRef::Matter(r) => r.row().attrs.as_ref(),
            RecordRef::Item(r) => r.row().attrs.as_ref(),
            RecordRef::Person(r) => r.row().attrs.as_ref(),
        }
    }

    /// The record's `since` / `until`.
    pub fn validity(self) -> Validity {
        match self {
            RecordRef::Territory(r) => r.validity,
            RecordRef::Unit(r) => r.validity,
            RecordRef::Matter(r) => r.validity,
            RecordRef::Item(r) => r.validity,
            RecordRef::Person(r) => r.validity,
        }
    }

    /// The territory, if this record is one.
    pub fn as_territory(self) -> Option<TerritoryRef<'a>> {
        if let RecordRef::Territory(t) = self { Some(t) } else { None }
    }

    /// The unit, if this record is one.
    pub fn as_unit(self) -> Option<UnitRef<'a>> {
        if let RecordRef::Unit(u) = self { Some(u) } else { None }
    }

    /// The matter, if this record is one.
    pub fn as_matter(self) -> Option<MatterRef<'a>> {
        if let RecordRef::Matter(m) = self { Some(m) } else { None }
    }

    /// The item, if this record is one.
    pub fn as_item(self) -> Option<ItemRef<'a>> {
        if let RecordRef::Item(i) = self { Some(i) } else { None }
    }

    /// The person, if this record is one.
    pub fn as_person(self) -> Option<PersonRef<'a>> {
        if let RecordRef::Person(p) = self { Some(p) } else { None }
    }

    /// An owned copy of the record.
    pub fn to_record(self) -> Record {
        match self {
            RecordRef::Territory(r) => Record::Territory(r.to_owned()),
            RecordRef::Unit(r) => Record::Unit(r.to_owned()),
            RecordRef::Matter(r) => Record::Matter(r.to_owned()),
            RecordRef::Item(r) => Record::Item(r.to_owned()),
            RecordRef::Person(r) => Record::Person(r.to_owned()),
        }
    }
}

/// Where a record is kept: its type and its place in that type's table. The weight of a
/// node of [`crate::Model::graph`]; [`crate::Model::record`] with the node's index gives
/// the record.
///
/// # Example
/// ```
/// use tiaokuai::{Model, Node, RecordType};
/// let model = Model::sample();
/// let street = model.node("310113003").unwrap();
/// let key = model.graph()[petgraph::graph::NodeIndex::new(street.index())];
/// assert_eq!(key.record_type(), RecordType::Territory);
/// ```
///
/// Packed in 4 bytes (the type in the top 3 bits, never all zero, the place in the other
/// 29), so a node of the graph is 12 bytes: a model holds at most 536,870,912 records of
/// one type.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct RecordKey(NonZeroU32);

impl RecordKey {
    /// The most records of one type a model holds.
    pub(crate) const MAX: u32 = 1 << 29;

    pub(crate) fn new(kind: RecordType, index: u32) -> RecordKey {
        assert!(index < Self::MAX, "a model holds at most 536,870,912 records of one type");
        let code = kind as u32 + 1;
        RecordKey(NonZeroU32::new(code << 29 | index).expect("the type code is not zero"))
    }

    /// The record's type.
    pub fn record_type(self) -> RecordType {
        match self.0.get() >> 29 {
            1 => RecordType::Territory,
            2 => RecordType::Unit,
            3 => RecordType::Matter,
            4 => RecordType::Item,
            _ => RecordType::Person,
        }
    }

    /// The record's place among the records of its type (in the order they were added).
    pub fn index(self) -> usize {
        (self.0.get() & (Self::MAX - 1)) as usize
    }
}

impl fmt::Debug for RecordKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RecordKey({} {})", self.record_type().as_str(), self.index())
    }
}

/// A typed link between two records.
///
/// A `Link` is a value the model puts together from its columns when asked
/// ([`crate::Model::link`]): the graph's edge holds the ends and the kind, side tables
/// the fields only some kinds have. Its free-form attrs are read with
/// [`crate::Model::link_attrs`].
#[derive(Debug, Clone, Copy, PartialEq)]
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
    /// For `succeeded_by`: what happened (merge, split, rename, recode, absorb).
    pub event: Option<SuccessionEvent>,
    /// `since` / `until`.
    pub validity: Validity,
}

impl Link {
    /// True for a `leads` link marked `"primary": true`.
    pub fn is_primary(&self) -> bool {
        self.primary == Some(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`deeper_than`] as it read every byte in order before it read words.
    fn deeper_than_bytewise(text: &str, limit: usize) -> Option<usize> {
        let mut state = DepthState::default();
        text.bytes().position(|b| depth_step(&mut state, b, limit))
    }

    #[test]
    fn the_depth_check_by_words_answers_as_byte_by_byte() {
        // Random texts of brackets, quotes, backslashes and others (with and without
        // backslashes, so that words take both paths), at limits the texts reach or not.
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let with = b"\"\\[]{}a ,:";
        let without = b"\"[]{}a ,:|;}{{[";
        let mut walked = [0usize; 2];
        for n in 0..20_000 {
            let alphabet: &[u8] = if n % 2 == 0 { with } else { without };
            let len = (next() % 200) as usize;
            let text: String = (0..len).map(|_| alphabet[(next() % alphabet.len() as u64) as usize] as char).collect();
            for limit in [0, 1, 2, 3, 5, 8, 20, MAX_DEPTH] {
                let want = deeper_than_bytewise(&text, limit);
                walked[usize::from(want.is_some())] += 1;
                assert_eq!(deeper_than(&text, limit), want, "{text:?} at {limit}");
            }
        }
        assert!(walked[0] > 1000 && walked[1] > 1000, "{walked:?}");
        // A document: strings with brackets and escaped quotes, and a nesting past the limit.
        let doc = format!(r#"{{"a": "[[{{\"", "b": [{}1{}]}}"#, "[".repeat(130), "]".repeat(130));
        assert_eq!(deeper_than(&doc, MAX_DEPTH), deeper_than_bytewise(&doc, MAX_DEPTH));
        assert!(deeper_than(&doc, MAX_DEPTH).is_some());
        assert_eq!(deeper_than(crate::SAMPLE_JSON, MAX_DEPTH), None);
    }
}
