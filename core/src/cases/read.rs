//! Reading case logs row by row: CSV (events or the one-row-per-case shorthand) and
//! JSON Lines, and the times in them.

use std::io::{BufRead, Read};

use crate::{Date, Error};

/// A moment of a case log, in seconds since 0001-01-01T00:00 in the log's local time
/// (UTC+8 unless the options say otherwise), and whether it was written as a date alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp {
    pub secs: i64,
    pub date_only: bool,
}

impl Stamp {
    /// The local day.
    pub fn day(self) -> i64 {
        self.secs.div_euclid(86_400)
    }

    /// The local date.
    pub fn date(self) -> Date {
        date_of_day(self.day())
    }

    /// True when `self` is before `other`: by the day when either is a date alone.
    pub fn before(self, other: Stamp) -> bool {
        if self.date_only || other.date_only { self.day() < other.day() } else { self.secs < other.secs }
    }
}

/// The date of a day number counted from 0001-01-01 (the inverse of [`Date::days`]),
/// held to years 0001–9999.
pub(crate) fn date_of_day(day: i64) -> Date {
    Date::from_days(day).unwrap_or_else(|| {
        let edge = if day < 0 { (1, 1, 1) } else { (9999, 12, 31) };
        Date::new(edge.0, edge.1, edge.2).expect("a real date")
    })
}

fn digits(s: &[u8]) -> Option<u32> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s.iter().fold(0u32, |n, &c| n * 10 + u32::from(c - b'0')))
}

/// Every reason [`parse_stamp`] gives for a bad time (a batch keeps a row's reason as its
/// index here).
pub(crate) const STAMP_ERRORS: [&str; 4] = [
    "use YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS] or that with an offset (Z, +08:00)",
    "not a real date",
    "the time of day is out of range",
    "the offset is out of range",
];

/// Parses `YYYY-MM-DD`, `YYYY-MM-DD[T ]HH:MM[:SS[.fff]]`, and the latter with `Z` or
/// `±HH:MM`/`±HHMM`; a time with an offset is moved to `local_offset` minutes east of UTC.
/// A bad time's reason is one of [`STAMP_ERRORS`].
pub(crate) fn parse_stamp(text: &str, local_offset: i32) -> Result<Stamp, &'static str> {
    const BAD: &str = STAMP_ERRORS[0];
    let b = text.trim().as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(BAD);
    }
    let (y, m, d) = (digits(&b[..4]).ok_or(BAD)?, digits(&b[5..7]).ok_or(BAD)?, digits(&b[8..10]).ok_or(BAD)?);
    let date = Date::new(y, m, d).ok_or(STAMP_ERRORS[1])?;
    let day = date.days();
    if b.len() == 10 {
        return Ok(Stamp { secs: day * 86_400, date_only: true });
    }
    if !matches!(b[10], b'T' | b't' | b' ') || b.len() < 16 || b[13] != b':' {
        return Err(BAD);
    }
    let (hh, mm) = (digits(&b[11..13]).ok_or(BAD)?, digits(&b[14..16]).ok_or(BAD)?);
    let mut rest = &b[16..];
    let mut ss = 0;
    if let [b':', a, c, tail @ ..] = rest {
        ss = digits(&[*a, *c]).ok_or(BAD)?;
        rest = tail;
        if let [b'.', tail @ ..] = rest {
            let n = tail.iter().take_while(|c| c.is_ascii_digit()).count();
            if n == 0 {
                return Err(BAD);
            }
            rest = &tail[n..];
        }
    }
    if hh > 23 || mm > 59 || ss > 60 {
        return Err(STAMP_ERRORS[2]);
    }
    let mut secs = day * 86_400 + i64::from(hh * 3600 + mm * 60 + ss.min(59));
    match rest {
        [] => {}
        [b'Z' | b'z'] => secs += i64::from(local_offset) * 60,
        [sign @ (b'+' | b'-'), h1, h2, tail @ ..] => {
            let oh = digits(&[*h1, *h2]).ok_or(BAD)?;
            let om = match tail {
                [] => 0,
                [b':', m1, m2] | [m1, m2] => digits(&[*m1, *m2]).ok_or(BAD)?,
                _ => return Err(BAD),
            };
            if oh > 14 || om > 59 {
                return Err(STAMP_ERRORS[3]);
            }
            let offset = i64::from(oh * 60 + om) * if *sign == b'+' { 1 } else { -1 };
            secs += (i64::from(local_offset) - offset) * 60;
        }
        _ => return Err(BAD),
    }
    Ok(Stamp { secs, date_only: false })
}

/// The shape of a log, told from its header (CSV) or its first character (`{`: JSON Lines).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    Events,
    PerCase,
    JsonLines,
}

/// One event of a log row, borrowed from the row.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Row<'a> {
    pub case: &'a str,
    pub at: &'a str,
    pub event: &'a str,
    pub matter: &'a str,
    pub territory: &'a str,
    pub unit: &'a str,
    pub source: &'a str,
    pub satisfaction: &'a str,
}

/// What a reader hands on: an event of row `row` (1 = the first data row), or a row
/// that could not be read.
pub(crate) enum Item<'a> {
    Event(u64, Row<'a>),
    Bad { row: u64, case: String, kind: &'static str, message: String },
}

const EVENT_COLUMNS: [&str; 8] = ["case", "at", "event", "matter", "territory", "unit", "source", "satisfaction"];
const CASE_COLUMNS: [&str; 9] =
    ["case", "matter", "territory", "source", "reported", "dispatched_to", "dispatched", "closed", "satisfaction"];

/// Reads a log and calls `f` for every event (and every bad row), in order.
pub(crate) fn read_log(input: impl Read, name: &str, mut f: impl FnMut(Item<'_>)) -> Result<Shape, Error> {
    let mut input = std::io::BufReader::with_capacity(1 << 16, input);
    let head = input.fill_buf().map_err(|e| io(name, e))?;
    let head = head.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(head);
    let first = head.iter().find(|c| !c.is_ascii_whitespace()).copied();
    if first == Some(b'{') {
        read_jsonl(input, name, f)?;
        return Ok(Shape::JsonLines);
    }
    let mut rdr = csv::ReaderBuilder::new().flexible(true).has_headers(true).from_reader(input);
    let header = rdr.headers().map_err(|e| csv_error(name, 1, e))?.clone();
    let names: Vec<String> = header.iter().map(|h| h.trim().trim_start_matches('\u{feff}').to_lowercase()).collect();
    let pos = |c: &str| names.iter().position(|n| n == c);
    let shape = if pos("event").is_some() || pos("at").is_some() { Shape::Events } else { Shape::PerCase };
    let (columns, required): (&[&str], &[&str]) = match shape {
        Shape::Events => (&EVENT_COLUMNS, &["case", "at", "event"]),
        _ => (&CASE_COLUMNS, &["case", "matter", "territory", "reported"]),
    };
    for r in required {
        if pos(r).is_none() {
            return Err(Error::Csv {
                file: name.to_string(),
                line: 1,
                message: format!(
                    "the header has no {r:?} column (a case log has {} columns; the one-row-per-case shorthand {})",
                    EVENT_COLUMNS.join(", "),
                    CASE_COLUMNS.join(", ")
                ),
            });
        }
    }
    let idx: Vec<Option<usize>> = columns.iter().map(|c| pos(c)).collect();
    let width = names.len();
    let mut record = csv::StringRecord::new();
    let mut row = 0u64;
    loop {
        row += 1;
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let message = match e.kind() {
                    csv::ErrorKind::Utf8 { .. } => "the row is not valid UTF-8".to_string(),
                    _ => e.to_string(),
                };
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    return Err(csv_error(name, row + 1, e));
                }
                f(Item::Bad { row, case: String::new(), kind: "malformed", message });
                continue;
            }
        }
        let get = |i: usize| idx[i].and_then(|j| record.get(j)).map(str::trim).unwrap_or("");
        if record.len() != width {
            if record.len() == 1 && record.get(0).is_some_and(|s| s.trim().is_empty()) {
                continue; // a blank line
            }
            let what = if record.len() < width { "truncated" } else { "malformed" };
            f(Item::Bad {
                row,
                case: get(0).to_string(),
                kind: what,
                message: format!("{} fields where the header has {width}", record.len()),
            });
            continue;
        }
        match shape {
            Shape::Events => f(Item::Event(
                row,
                Row {
                    case: get(0),
                    at: get(1),
                    event: get(2),
                    matter: get(3),
                    territory: get(4),
                    unit: get(5),
                    source: get(6),
                    satisfaction: get(7),
                },
            )),
            _ => {
                let (case, matter, territory) = (get(0), get(1), get(2));
                let source = get(3);
                f(Item::Event(
                    row,
                    Row { case, at: get(4), event: "reported", matter, territory, source, ..Row::default() },
                ));
                if !get(6).is_empty() || !get(5).is_empty() {
                    f(Item::Event(row, Row { case, at: get(6), event: "dispatched", unit: get(5), ..Row::default() }));
                }
                if !get(7).is_empty() {
                    f(Item::Event(
                        row,
                        Row { case, at: get(7), event: "closed", satisfaction: get(8), ..Row::default() },
                    ));
                }
            }
        }
    }
    Ok(shape)
}

#[derive(serde::Deserialize)]
struct JsonRow<'a> {
    #[serde(borrow, default)]
    case: Option<JsonText<'a>>,
    #[serde(borrow, default)]
    at: Option<JsonText<'a>>,
    #[serde(borrow, default)]
    event: Option<JsonText<'a>>,
    #[serde(borrow, default)]
    matter: Option<JsonText<'a>>,
    #[serde(borrow, default)]
    territory: Option<JsonText<'a>>,
    #[serde(borrow, default)]
    unit: Option<JsonText<'a>>,
    #[serde(borrow, default)]
    source: Option<JsonText<'a>>,
    #[serde(borrow, default)]
    satisfaction: Option<JsonText<'a>>,
}

/// A JSON string or number, as text.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum JsonText<'a> {
    Str(#[serde(borrow)] std::borrow::Cow<'a, str>),
    Int(i64),
    Float(f64),
}

impl JsonText<'_> {
    fn text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            JsonText::Str(s) => std::borrow::Cow::Borrowed(s.as_ref()),
            JsonText::Int(n) => n.to_string().into(),
            JsonText::Float(x) => x.to_string().into(),
        }
    }
}

fn read_jsonl(mut input: impl BufRead, name: &str, mut f: impl FnMut(Item<'_>)) -> Result<(), Error> {
    let mut line = Vec::new();
    let mut row = 0u64;
    loop {
        line.clear();
        let n = input.read_until(b'\n', &mut line).map_err(|e| io(name, e))?;
        if n == 0 {
            return Ok(());
        }
        row += 1;
        let complete = line.last() == Some(&b'\n');
        let text = match std::str::from_utf8(&line) {
            Ok(t) => t.trim(),
            Err(_) => {
                f(Item::Bad {
                    row,
                    case: String::new(),
                    kind: "malformed",
                    message: "the line is not valid UTF-8".into(),
                });
                continue;
            }
        };
        if text.is_empty() {
            continue;
        }
        match serde_json::from_str::<JsonRow<'_>>(text) {
            Ok(r) => {
                let t = |v: &Option<JsonText<'_>>| v.as_ref().map(|v| v.text().into_owned()).unwrap_or_default();
                let (case, at, event, matter, territory) =
                    (t(&r.case), t(&r.at), t(&r.event), t(&r.matter), t(&r.territory));
                let (unit, source, satisfaction) = (t(&r.unit), t(&r.source), t(&r.satisfaction));
                f(Item::Event(
                    row,
                    Row {
                        case: case.trim(),
                        at: at.trim(),
                        event: event.trim(),
                        matter: matter.trim(),
                        territory: territory.trim(),
                        unit: unit.trim(),
                        source: source.trim(),
                        satisfaction: satisfaction.trim(),
                    },
                ));
            }
            Err(e) => {
                let (kind, message) = if !complete && e.is_eof() {
                    ("truncated", "the last line ends in the middle of a JSON object".to_string())
                } else {
                    ("malformed", format!("not a JSON object of the log's fields: {e}"))
                };
                f(Item::Bad { row, case: case_of(text), kind, message });
            }
        }
    }
}

/// The case id of a JSON line that could not be parsed, when its `"case"` string is whole.
fn case_of(text: &str) -> String {
    let Some(i) = text.find("\"case\"") else { return String::new() };
    let rest = text[i + 6..].trim_start();
    let Some(rest) = rest.strip_prefix(':') else { return String::new() };
    let Some(rest) = rest.trim_start().strip_prefix('"') else { return String::new() };
    match rest.find(['"', '\\']) {
        Some(j) if rest.as_bytes()[j] == b'"' => rest[..j].to_string(),
        _ => String::new(),
    }
}

fn io(name: &str, e: std::io::Error) -> Error {
    Error::Io { path: name.to_string(), message: e.to_string(), io_kind: e.kind() }
}

fn csv_error(name: &str, line: u64, e: csv::Error) -> Error {
    Error::Csv { file: name.to_string(), line, message: e.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_parse_and_normalise_offsets() {
        let local = parse_stamp("2024-03-01T08:00", 480).unwrap();
        assert_eq!(parse_stamp("2024-03-01T00:00Z", 480).unwrap(), local);
        assert_eq!(parse_stamp("2024-03-01 09:00:00+09:00", 480).unwrap(), local);
        assert_eq!(parse_stamp("2024-02-29T23:00:00.5-01:00", 480).unwrap().date().to_string(), "2024-03-01");
        let day = parse_stamp("2024-03-01", 480).unwrap();
        assert!(day.date_only && !day.before(local) && !local.before(day));
        for bad in ["2024-3-1", "2024-02-30", "2024-03-01T25:00", "2024-03-01T08:00+8", "yesterday", ""] {
            assert!(parse_stamp(bad, 480).is_err(), "{bad}");
        }
    }

    /// The case pipe keeps a bad time's reason as its index in STAMP_ERRORS: every reason
    /// parse_stamp gives must be one of them, or the pipe would report another.
    #[test]
    fn every_bad_time_reason_is_one_of_stamp_errors() {
        let cases = [("2024-3-1", 0), ("2024-02-30", 1), ("2024-03-01T25:00", 2), ("2024-03-01T08:00+25:00", 3)];
        for (bad, i) in cases {
            assert_eq!(parse_stamp(bad, 480).unwrap_err(), STAMP_ERRORS[i], "{bad}");
        }
        for bad in ["2024-03-01T08:00+8", "yesterday", "", "2024-03-01X08:00", "2024-03-01T08:0a"] {
            let why = parse_stamp(bad, 480).unwrap_err();
            assert!(STAMP_ERRORS.contains(&why), "{bad}: {why}");
        }
    }

    #[test]
    fn day_numbers_round_trip() {
        for d in ["0001-01-01", "1970-01-01", "2000-02-29", "2024-12-31", "9999-12-31"] {
            let date: Date = d.parse().unwrap();
            assert_eq!(date_of_day(date.days()), date);
        }
    }
}
