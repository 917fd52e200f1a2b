//! CSV bundles: a folder of `territories.csv`, `units.csv`, `matters.csv`,
//! `items.csv` and `links.csv` (plus an optional `meta.json`), for people who
//! keep their model in a spreadsheet.
//!
//! Each file has a header row. Known columns map to the fields of the format;
//! an `attrs` column holds a JSON object; any other column becomes a string
//! attribute of the record (an empty cell adds nothing). Empty cells are absent
//! fields. Whatever would lose a cell is an error: an empty or repeated column
//! name, a column named like a key of the same row's `attrs`, a quote never
//! closed, a bundle file that is a dangling or looping symbolic link, and a
//! bundle that changes while it is read. A missing file is an empty array, but `id`, `name` and `kind`
//! (`list` for matters and items; `from`, `to`, `kind` for links) are required
//! columns in a file that exists.

use std::path::Path;

use super::json::{LoadOptions, Loose, count};
use crate::error::{Error, Position, Result};
use crate::model::*;

/// The columns of `territories.csv`, in the order they are written (likewise for the other files).
pub const TERRITORY_COLUMNS: &[&str] = &["id", "name", "kind", "parent", "since", "until", "attrs"];
/// The columns of `units.csv`.
pub const UNIT_COLUMNS: &[&str] = &[
    "id",
    "name",
    "kind",
    "sector",
    "located_in",
    "members",
    "staff",
    "in_service_members",
    "since",
    "until",
    "attrs",
];
/// The columns of `matters.csv`.
pub const MATTER_COLUMNS: &[&str] = &["id", "name", "list", "category", "since", "until", "attrs"];
/// The columns of `items.csv`.
pub const ITEM_COLUMNS: &[&str] = &["id", "name", "list", "since", "until", "attrs"];
/// The columns of `people.csv` (written only for a model with people).
pub const PERSON_COLUMNS: &[&str] = &["id", "name", "since", "until", "attrs"];
/// The columns of `links.csv`; `post`, `band`, `grade` and `channel` (of `holds` links) are
/// written only for a model with people ([`HOLDS_COLUMNS`]).
pub const LINK_COLUMNS: &[&str] = &[
    "from", "to", "kind", "primary", "power", "role", "scope", "members", "event", "post", "band", "grade", "channel",
    "since", "until", "attrs",
];
/// The columns of `links.csv` for `holds` links, left out of a bundle without people.
pub const HOLDS_COLUMNS: &[&str] = &["post", "band", "grade", "channel"];

/// Every file a CSV bundle holds: what [`Model::write_csv_dir`] may replace
/// in an existing folder (see [`super::check_output_folder`]).
pub const BUNDLE_FILES: [&str; 8] = [
    "territories.csv",
    "units.csv",
    "matters.csv",
    "items.csv",
    "people.csv",
    "links.csv",
    "meta.json",
    "meetings.csv",
];

/// `meetings.csv` (issue #15): read when present, written when the model records meetings.
pub(super) const MEETINGS_FILE: (&str, &[&str], &[&str]) =
    ("meetings.csv", crate::meetings::MEETING_COLUMNS, &["id", "kind", "territory", "date"]);

/// The number of tables of a bundle (files, or sheets of a workbook).
pub(super) const TABLES: usize = 6;
/// The index of `people.csv` in [`FILES`].
pub(super) const PEOPLE: usize = 4;
/// The index of `links.csv` in [`FILES`] (read last: links name the records).
pub(super) const LINKS: usize = 5;

pub(super) const FILES: [(&str, &[&str], &[&str]); TABLES] = [
    ("territories.csv", TERRITORY_COLUMNS, &["id", "name", "kind"]),
    ("units.csv", UNIT_COLUMNS, &["id", "name", "kind"]),
    ("matters.csv", MATTER_COLUMNS, &["id", "name", "list"]),
    ("items.csv", ITEM_COLUMNS, &["id", "name", "list"]),
    ("people.csv", PERSON_COLUMNS, &["id"]),
    ("links.csv", LINK_COLUMNS, &["from", "to", "kind"]),
];

/// The columns table `n` is written with: every column, but a model without people
/// leaves out people.csv's and the `holds` columns of links.csv, so its bundle is as before.
pub(super) fn written_columns(model: &Model, n: usize) -> Vec<usize> {
    let people = model.has_people();
    (0..FILES[n].1.len()).filter(|&c| people || n != LINKS || !HOLDS_COLUMNS.contains(&FILES[n].1[c])).collect()
}

/// Options of [`Model::write_csv_dir_with`].
///
/// # Example
/// ```
/// use tiaokuai::format::BundleOptions;
/// assert!(BundleOptions::default().bom(true).bom);
/// assert!(!BundleOptions::default().bom);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct BundleOptions {
    /// Start each CSV file with UTF-8's byte-order mark (for Excel). Default: no mark.
    pub bom: bool,
}

impl BundleOptions {
    /// Sets [`BundleOptions::bom`].
    pub fn bom(mut self, bom: bool) -> Self {
        self.bom = bom;
        self
    }
}

/// One data row, with access by column name.
pub(super) struct Row<'a> {
    pub(super) file: &'a str,
    pub(super) line: usize,
    pub(super) headers: &'a [String],
    pub(super) known: &'a [&'a str],
    pub(super) record: &'a csv::StringRecord,
}

impl Row<'_> {
    fn get(&self, column: &str) -> Option<&str> {
        let i = self.headers.iter().position(|h| h == column)?;
        self.record.get(i).filter(|v| !v.is_empty())
    }

    fn at(&self, key: &str) -> Position {
        Position::record(self.file, self.line, self.get(key))
    }

    fn word<T: std::str::FromStr<Err = UnknownWord>>(&self, key: &str, column: &str) -> Result<Option<T>> {
        self.get(column)
            .map(|w| {
                w.parse::<T>().map_err(|source| Error::UnknownWord { at: self.at(key), field: column.into(), source })
            })
            .transpose()
    }

    fn required<T: std::str::FromStr<Err = UnknownWord>>(&self, key: &str, column: &str) -> Result<T> {
        self.word(key, column)?.ok_or_else(|| Error::InvalidField {
            at: self.at(key),
            field: column.into(),
            message: "must not be empty".into(),
        })
    }

    fn text(&self, column: &str) -> String {
        self.get(column).unwrap_or("").to_string()
    }

    fn count(&self, key: &str, column: &str) -> Result<Option<u32>> {
        let loose = self.get(column).map(|v| {
            if let Ok(n) = v.parse::<u64>() {
                Loose::Unsigned(n)
            } else if let Ok(n) = v.parse::<i64>() {
                Loose::Signed(n)
            } else if let Ok(f) = v.parse::<f64>() {
                Loose::Float(f)
            } else {
                Loose::Other("text")
            }
        });
        count(&self.at(key), column, loose).map_err(|e| match e {
            Error::InvalidCount { at, field, reason, .. } => {
                Error::InvalidCount { at, field, value: format!("{:?}", self.get(column).unwrap_or("")), reason }
            }
            other => other,
        })
    }

    fn validity(&self, key: &str) -> Result<Validity> {
        let date = |column: &str| -> Result<Option<Date>> {
            self.get(column)
                .map(|v| {
                    v.parse::<Date>().map_err(|message| Error::InvalidField {
                        at: self.at(key),
                        field: column.into(),
                        message,
                    })
                })
                .transpose()
        };
        Ok(Validity::new(date("since")?, date("until")?))
    }

    /// The `attrs` column merged with every unknown column (as strings).
    fn attrs(&self, key: &str) -> Result<Option<Attrs>> {
        let column = self
            .get("attrs")
            .map(|text| {
                json_object(text, ATTRS_DEPTH).map_err(|message| Error::InvalidField {
                    at: self.at(key),
                    field: "attrs".into(),
                    message,
                })
            })
            .transpose()?;
        let extra: Vec<(&String, &str)> = self
            .headers
            .iter()
            .zip(self.record.iter())
            .filter(|(h, v)| !v.is_empty() && !self.known.contains(&h.as_str()))
            .collect();
        if extra.is_empty() {
            // The attrs column verbatim: big numbers and key order survive.
            return Ok(column);
        }
        // Merged as raw JSON text, not through `serde_json::Value`: numbers of
        // any size in the attrs column keep their exact text here too.
        let mut entries = match &column {
            Some(a) => serde_json::from_str::<RawEntries>(a.as_json()).map(|e| e.0).unwrap_or_default(),
            None => Vec::new(),
        };
        // A column named like a key of this row's attrs would overwrite one of the two values:
        // refused, so nothing is lost. Keys looked up in a set: linear in the row.
        let keys: std::collections::HashSet<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
        if let Some((h, _)) = extra.iter().find(|(h, _)| keys.contains(h.as_str())) {
            return Err(Error::InvalidField {
                at: self.at(key),
                field: (*h).clone(),
                message: "is a column and also a key of this row's attrs; one of the two values would be lost".into(),
            });
        }
        drop(keys);
        for (h, v) in extra {
            let value = serde_json::value::to_raw_value(v).expect("a string serialises");
            entries.push((h.clone(), value));
        }
        let mut text = String::from("{");
        for (i, (k, v)) in entries.iter().enumerate() {
            if i > 0 {
                text.push(',');
            }
            text.push_str(&serde_json::to_string(k).expect("a string serialises"));
            text.push(':');
            text.push_str(v.get());
        }
        text.push('}');
        Attrs::from_json(&text).map(Some).map_err(|message| Error::InvalidField {
            at: self.at(key),
            field: "attrs".into(),
            message,
        })
    }
}

/// Reads a JSON object from a cell or `meta.json`: "invalid JSON: …" or "must be a JSON object".
/// `limit` is the depth allowed ([`ATTRS_DEPTH`] for cells, [`META_DEPTH`] for `meta.json`).
pub(super) fn json_object(text: &str, limit: usize) -> std::result::Result<Attrs, String> {
    if too_deep(text).is_some() {
        return Err(format!("invalid JSON: {}", too_deep_message()));
    }
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        return Err(format!("invalid JSON: {e}"));
    }
    Attrs::from_json_within(text, limit)
}

/// Adds one data row of table `n` (in [`FILES`] order) to the builder.
pub(super) fn add_row(b: &mut ModelBuilder, n: usize, row: &Row<'_>) -> Result<()> {
    if n == TABLES {
        return add_meeting(b, row);
    }
    let key = if n == LINKS { "from" } else { "id" };
    let validity = row.validity(key)?;
    let attrs = row.attrs(key)?;
    match n {
        0 => b
            .territory(TerritorySpec {
                parent: row.get("parent").map(str::to_string),
                attrs,
                validity,
                ..TerritorySpec::new(row.text("id"), row.text("name"), row.required(key, "kind")?)
            })
            .map(|_| ()),
        1 => b
            .unit(UnitSpec {
                sector: row.word(key, "sector")?,
                located_in: row.get("located_in").map(str::to_string),
                members: row.count(key, "members")?,
                staff: row.count(key, "staff")?,
                in_service_members: row.count(key, "in_service_members")?,
                attrs,
                validity,
                ..UnitSpec::new(row.text("id"), row.text("name"), row.required(key, "kind")?)
            })
            .map(|_| ()),
        2 => b
            .matter(MatterSpec {
                category: row.get("category").map(str::to_string),
                attrs,
                validity,
                ..MatterSpec::new(row.text("id"), row.text("name"), row.required(key, "list")?)
            })
            .map(|_| ()),
        3 => b
            .item(ItemSpec {
                attrs,
                validity,
                ..ItemSpec::new(row.text("id"), row.text("name"), row.required(key, "list")?)
            })
            .map(|_| ()),
        PEOPLE => b
            .person(PersonSpec {
                name: row.get("name").map(str::to_string),
                attrs,
                validity,
                ..PersonSpec::new(row.text("id"))
            })
            .map(|_| ()),
        _ => {
            let primary = match row.get("primary") {
                None => None,
                Some("true") => Some(true),
                Some("false") => Some(false),
                Some(other) => {
                    return Err(Error::InvalidField {
                        at: row.at(key),
                        field: "primary".into(),
                        message: format!("{other:?} is not true or false"),
                    });
                }
            };
            b.link(LinkSpec {
                primary,
                power: row.word(key, "power")?,
                role: row.word(key, "role")?,
                scope: row.get("scope").map(str::to_string),
                members: row.count(key, "members")?,
                event: row.word(key, "event")?,
                holding: super::json::holding(
                    &row.at(key),
                    row.get("post"),
                    row.get("band"),
                    row.count(key, "grade")?,
                    row.get("channel"),
                )?,
                attrs,
                validity,
                ..LinkSpec::new(row.text("from"), row.text("to"), row.required(key, "kind")?)
            })
            .map(|_| ())
        }
    }
}

/// Adds a row of `meetings.csv`: `topics` is one cell of ids separated by `;`.
fn add_meeting(b: &mut ModelBuilder, row: &Row<'_>) -> Result<()> {
    let date = row.get("date").unwrap_or("");
    let date = date.parse::<Date>().map_err(|message| Error::InvalidField {
        at: row.at("id"),
        field: "date".into(),
        message: if date.is_empty() { "must not be empty".into() } else { message },
    })?;
    let mut spec =
        crate::meetings::MeetingSpec::new(row.text("id"), row.required("id", "kind")?, row.text("territory"), date);
    spec.convener = row.get("convener").map(str::to_string);
    spec.topics = row.get("topics").map(crate::meetings::split_topics).unwrap_or_default();
    spec.attrs = row.attrs("id")?;
    b.meeting(spec)
}

/// Moves a meeting's error from `meetings[i]` to the line of `meetings.csv` (or the
/// sheet `names`) its row starts on.
pub(super) fn relocate_meeting(e: Error, lines: &[usize], name: &str) -> Error {
    let fix = |mut at: Position| {
        if at.array == "meetings" {
            at.array = name.to_string();
            at.index = lines.get(at.index).copied().unwrap_or(at.index + 2);
        }
        at
    };
    match e {
        Error::InvalidField { at, field, message } => Error::InvalidField { at: fix(at), field, message },
        Error::DuplicateId { id, at, first } => Error::DuplicateId { id, at: fix(at), first: fix(first) },
        Error::DanglingReference { at, field, id } => Error::DanglingReference { at: fix(at), field, id },
        Error::WrongEndpoint { at, field, id, expected, found, context } => {
            Error::WrongEndpoint { at: fix(at), field, id, expected, found, context }
        }
        other => other,
    }
}

/// Moves a builder error's position from the array and index to the CSV file
/// and line; `lines[n][i]` is the line where row `i` of file `n` starts (rows
/// may span lines when a quoted cell holds a line break).
fn relocate(e: Error, lines: &[Vec<usize>; TABLES]) -> Error {
    relocate_to(e, lines, FILES.map(|(file, ..)| file))
}

/// [`relocate`] to the tables `names` (the bundle's files, or a workbook's sheets).
pub(super) fn relocate_to(e: Error, lines: &[Vec<usize>; TABLES], names: [&str; TABLES]) -> Error {
    let fix = |mut at: Position| {
        if let Some(n) = FILES.iter().position(|(file, ..)| file.strip_suffix(".csv") == Some(at.array.as_str())) {
            at.array = names[n].to_string();
            at.index = lines[n].get(at.index).copied().unwrap_or(at.index + 2);
        }
        at
    };
    match e {
        Error::InvalidField { at, field, message } => Error::InvalidField { at: fix(at), field, message },
        Error::DuplicateId { id, at, first } => Error::DuplicateId { id, at: fix(at), first: fix(first) },
        Error::DanglingReference { at, field, id } => Error::DanglingReference { at: fix(at), field, id },
        Error::WrongEndpoint { at, field, id, expected, found, context } => {
            Error::WrongEndpoint { at: fix(at), field, id, expected, found, context }
        }
        Error::TerritoryCycle { at, cycle } => Error::TerritoryCycle { at: fix(at), cycle },
        other => other,
    }
}

/// A CSV error of `file` as ours: the line, and a plain message for the usual cases.
fn csv_error(file: &str, e: csv::Error) -> Error {
    Error::Csv {
        file: file.into(),
        line: e.position().map(|p| p.line()).unwrap_or(0),
        message: match e.kind() {
            csv::ErrorKind::Utf8 { .. } => format!("invalid UTF-8; {}", super::encoding::GB18030_HINT),
            csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                format!("row has {len} fields, but the header has {expected_len}")
            }
            _ => e.to_string(),
        },
    }
}

/// The bytes of one file of a bundle (`None` when it is not there), counted against the size limit.
fn read_file(
    dir: &Path,
    file: &str,
    options: &LoadOptions,
    total: &mut u64,
    hook: &mut dyn FnMut(&Path),
) -> Result<Option<Vec<u8>>> {
    let path = dir.join(file);
    let Some(bytes) = read_present(&path, *total, options.max_bytes, hook)? else { return Ok(None) };
    *total += bytes.len() as u64;
    Ok(Some(bytes))
}

/// True when nothing at all is at `path`: not a file, and not a symbolic link either
/// (a dangling or looping link is there, and is an error to read, not an absent file).
fn absent(path: &Path) -> bool {
    matches!(std::fs::symlink_metadata(path), Err(e) if e.kind() == std::io::ErrorKind::NotFound)
}

/// The bytes of a file that may be absent (`None`), through [`super::read_checked`].
/// A symbolic link that leads nowhere (its target missing, or a loop) is an
/// [`Error::Io`] that says so: read as absent, it would load a model without
/// that file's records and report success.
fn read_present(path: &Path, already: u64, limit: u64, hook: &mut dyn FnMut(&Path)) -> Result<Option<Vec<u8>>> {
    match super::read_checked(path, already, limit, hook) {
        Ok(b) => Ok(Some(b)),
        Err(Error::Io { .. }) if absent(path) => Ok(None),
        Err(Error::Io { path: p, message, io_kind })
            if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) =>
        {
            let message = format!("a symbolic link that leads to no readable file: {message}");
            Err(Error::Io { path: p, message, io_kind })
        }
        Err(e) => Err(e),
    }
}

/// What identifies the state of a file or folder: device, inode, length,
/// modification and change times (of the target, and inode of the link when it is one).
#[derive(Debug, PartialEq, Eq)]
struct Stamp(Option<(u64, u64, u64, Option<std::time::SystemTime>, i64, i64)>, Option<u64>);

fn stamp(path: &Path) -> Stamp {
    let of = |m: &std::fs::Metadata| {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            (m.dev(), m.ino(), m.len(), m.modified().ok(), m.ctime(), m.ctime_nsec())
        }
        #[cfg(not(unix))]
        {
            (0, 0, m.len(), m.modified().ok(), 0, 0)
        }
    };
    let link = std::fs::symlink_metadata(path).ok().filter(|m| m.file_type().is_symlink()).map(|m| {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            m.ino()
        }
        #[cfg(not(unix))]
        {
            m.len()
        }
    });
    Stamp(std::fs::metadata(path).ok().as_ref().map(of), link)
}

/// The stamps of the folder and of every file a bundle may hold, in that order.
fn stamps(dir: &Path) -> Vec<(std::path::PathBuf, Stamp)> {
    let files = FILES.iter().map(|(file, ..)| *file).chain(["meta.json", MEETINGS_FILE.0]);
    std::iter::once(dir.to_path_buf())
        .chain(files.map(|f| dir.join(f)))
        .map(|p| {
            let s = stamp(&p);
            (p, s)
        })
        .collect()
}

/// Checks the header of a bundle file: no empty and no repeated column name,
/// since either would drop the cells under it.
pub(super) fn check_header(file: &str, headers: &[String]) -> Result<()> {
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::with_capacity(headers.len());
    for (i, h) in headers.iter().enumerate() {
        let message = if h.is_empty() {
            format!("column {} has no name; every column needs one (its cells would be lost)", i + 1)
        } else if let Some(first) = seen.insert(h.as_str(), i + 1) {
            format!("column {} repeats the name {h:?} of column {first}; one of them would be lost", i + 1)
        } else {
            continue;
        };
        return Err(Error::Csv { file: file.into(), line: 1, message });
    }
    Ok(())
}

/// Looks for a quoted cell that is never closed in the record starting at byte `start`
/// of `data` (on line `line`): the `csv` crate takes the rest of the file as that cell
/// and reports success. Returns the error naming the line and column (in characters)
/// of the opening quote. One pass over the record's bytes.
fn unterminated(file: &str, data: &[u8], start: usize, line: u64) -> Option<Error> {
    #[derive(PartialEq)]
    enum S {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut state = S::FieldStart;
    let mut open = 0;
    for (i, &b) in data.iter().enumerate().skip(start) {
        state = match (state, b) {
            (S::FieldStart, b'"') => {
                open = i;
                S::Quoted
            }
            (S::QuoteInQuoted, b'"') => S::Quoted,
            (S::Quoted, b'"') => S::QuoteInQuoted,
            (S::Quoted, _) => S::Quoted,
            (_, b'\n' | b'\r') => return None,
            (_, b',') => S::FieldStart,
            (_, _) => S::Unquoted,
        };
    }
    if state != S::Quoted {
        return None;
    }
    // The line and column of the opening quote: line breaks before it in this record.
    let before = &data[start..open];
    let mut line = line;
    let mut line_start = 0;
    for (i, &b) in before.iter().enumerate() {
        if b == b'\n' || (b == b'\r' && before.get(i + 1) != Some(&b'\n')) {
            line += 1;
            line_start = i + 1;
        }
    }
    let column = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
    Some(Error::Csv {
        file: file.into(),
        line,
        message: format!(
            "column {column}: the quote that opens this cell is never closed, so the cell would run to the end of \
             the file; close it with \" (and double every \" inside it)"
        ),
    })
}

impl Model {
    /// Reads a model from a CSV bundle folder.
    ///
    /// # Errors
    /// [`Error::Io`] when the folder holds none of the five files or one cannot
    /// be read (a file that is a dangling or looping symbolic link included:
    /// it is not taken for an absent file), [`Error::Csv`] for a malformed
    /// file, a missing required column, an empty or repeated column name, or a
    /// quote never closed (with the line and column of the quote),
    /// [`Error::InvalidField`] for a column named like a key of the same row's
    /// `attrs`, [`Error::Changed`] when a file or the folder changes while the
    /// bundle is read, and the record-level errors of the JSON loader,
    /// positioned as `units.csv line 5 (id "acme")`.
    pub fn from_csv_dir(dir: impl AsRef<Path>) -> Result<Model> {
        Self::from_csv_dir_with(dir, &LoadOptions::default())
    }

    /// Reads a model from a CSV bundle folder with options. The files are read
    /// one at a time and row by row, so only one file's bytes are in memory
    /// besides the model being built.
    ///
    /// # Errors
    /// As [`Model::from_csv_dir`], and [`Error::TooLarge`] when the files together
    /// (`meta.json` included) are larger than the limit. A change is detected
    /// by the device, inode, length and modification and change times of the
    /// folder and of every bundle file, taken before and after the read (and
    /// each file's own check while it is read): a writer that saves the bundle
    /// file by file, by rename or in place, is caught.
    pub fn from_csv_dir_with(dir: impl AsRef<Path>, options: &LoadOptions) -> Result<Model> {
        Self::from_csv_dir_hooked(dir.as_ref(), options, &mut |_| {})
    }

    /// [`Model::from_csv_dir_with`], calling `hook` after each file is read (see [`Model::load_with_hook`]).
    pub(crate) fn from_csv_dir_hooked(dir: &Path, options: &LoadOptions, hook: &mut dyn FnMut(&Path)) -> Result<Model> {
        Self::from_csv_dir_collecting(dir, options, hook, None)
    }

    /// The bundle loader; with `collect`, a row with a problem is reported there and left
    /// out instead of ending the load (see [`super::bundle_problems`]).
    pub(crate) fn from_csv_dir_collecting(
        dir: &Path,
        options: &LoadOptions,
        hook: &mut dyn FnMut(&Path),
        mut collect: Option<&mut super::json::Problems>,
    ) -> Result<Model> {
        // A file renamed into the folder, or written in place, while the bundle is read changes
        // the stamp of the folder or of that file: compared at the end.
        let before = stamps(dir);
        if FILES.iter().all(|(file, ..)| absent(&dir.join(file))) {
            return Err(Error::Io {
                path: dir.display().to_string(),
                message: "not a CSV bundle: none of territories.csv, units.csv, matters.csv, items.csv, people.csv, \
                     links.csv is there"
                    .into(),
                io_kind: if dir.exists() { std::io::ErrorKind::InvalidInput } else { std::io::ErrorKind::NotFound },
            });
        }
        let mut b = ModelBuilder::new();
        b.set_threads(super::parallel::threads(options.threads));
        let mut total = 0u64;
        let mut lines: [Vec<usize>; TABLES] = Default::default();
        let mut meeting_lines: Vec<usize> = Vec::new();
        // One file at a time, one row at a time: only one file's bytes are in memory
        // besides the model being built.
        for (n, &(file, known, required)) in FILES.iter().chain([&MEETINGS_FILE]).enumerate() {
            let Some(bytes) = read_file(dir, file, options, &mut total, hook)? else { continue };
            // UTF-8 with or without a byte-order mark, or GB18030/GBK (by its mark or the option).
            let data = super::encoding::decode(file, &bytes, options.encoding)?;
            let data: &[u8] = &data;
            // A malformed record may be one whose quote is never closed: say so, at the quote.
            let csv_err = |e: csv::Error| {
                e.position()
                    .and_then(|p| unterminated(file, data, p.byte() as usize, p.line()))
                    .unwrap_or_else(|| csv_error(file, e))
            };
            let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(data);
            let header = reader.headers().map_err(csv_err)?;
            let mut last = header.position().map(|p| (p.byte() as usize, p.line()));
            if let Some(e) = last.and_then(|(byte, line)| unterminated(file, data, byte, line)) {
                return Err(e);
            }
            let headers: Vec<String> = header.iter().map(|h| h.trim().to_string()).collect();
            check_header(file, &headers)?;
            if let Some(column) = required.iter().find(|c| !headers.iter().any(|h| h == *c)) {
                return Err(Error::Csv {
                    file: file.into(),
                    line: 1,
                    message: format!("missing column {column:?}; the header must include {}", required.join(", ")),
                });
            }
            let mut record = csv::StringRecord::new();
            while reader.read_record(&mut record).map_err(csv_err)? {
                last = record.position().map(|p| (p.byte() as usize, p.line())).or(last);
                let these = if n < TABLES { &mut lines[n] } else { &mut meeting_lines };
                let line = record.position().map_or(these.len() + 2, |p| p.line() as usize);
                these.push(line);
                let row = Row { file, line, headers: &headers, known, record: &record };
                let relocated = |e| relocate_meeting(relocate(e, &lines), &meeting_lines, MEETINGS_FILE.0);
                match (add_row(&mut b, n, &row).map_err(relocated), collect.as_deref_mut()) {
                    (Ok(()), _) => {}
                    (Err(e), Some(found)) => found.push(e),
                    (Err(e), None) => return Err(e),
                }
            }
            // The csv crate takes an unclosed quote in the last record as a cell running to the end.
            if let Some(e) = last.and_then(|(byte, line)| unterminated(file, data, byte, line)) {
                return Err(e);
            }
        }
        let meta = read_present(&dir.join("meta.json"), total, options.max_bytes, hook)?;
        // The folder first (a file renamed into it), then each file: any change means the
        // files read may come from different versions of the bundle.
        if let Some((path, _)) = before.iter().zip(stamps(dir)).find(|((_, a), (_, b))| a != b).map(|(a, _)| a) {
            return Err(Error::Changed { path: path.display().to_string() });
        }
        if let Some(bytes) = meta {
            let at = || Position::record("meta.json", 1, None);
            let text = std::str::from_utf8(&bytes).map_err(|_| Error::InvalidField {
                at: at(),
                field: "meta".into(),
                message: "invalid UTF-8".into(),
            })?;
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            let meta = json_object(text, META_DEPTH).map_err(|message| Error::InvalidField {
                at: at(),
                field: "meta".into(),
                message,
            })?;
            b.meta(meta);
        }
        let relocated = |e| relocate_meeting(relocate(e, &lines), &meeting_lines, MEETINGS_FILE.0);
        if let Some(found) = collect {
            b.resolve_pending(&mut |e| found.push(relocate(e, &lines)));
            b.drop_bad_meetings(&mut |e| found.push(relocated(e)));
        }
        b.build().map_err(relocated)
    }

    /// Writes the model as a CSV bundle folder: the five files with the
    /// documented headers, and `meta.json` when the model has meta.
    ///
    /// The bundle is written whole into a new temporary folder beside `dir`
    /// and renamed into place ([`super::write_dir_atomic`]), so a reader never
    /// sees some files new and others old, and a failed write leaves the
    /// previous bundle as it was. An existing `dir` is replaced only when it is
    /// empty or holds nothing but bundle files; a folder holding anything else,
    /// a symbolic link, a file or a device is refused and left untouched.
    ///
    /// # Errors
    /// [`Error::Io`] when the folder is refused or a file cannot be written.
    ///
    /// # Example
    /// ```
    /// let model = tiaokuai::Model::sample();
    /// let dir = std::env::temp_dir().join(format!("tk-doc-csv-{}", std::process::id()));
    /// model.write_csv_dir(&dir)?;
    /// assert_eq!(tiaokuai::Model::from_csv_dir(&dir)?, model);
    /// # std::fs::remove_dir_all(&dir).ok();
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn write_csv_dir(&self, dir: impl AsRef<Path>) -> Result<()> {
        self.write_csv_dir_with(dir, &BundleOptions::default())
    }

    /// [`Model::write_csv_dir`] with options: [`BundleOptions::bom`] starts each CSV
    /// file with UTF-8's byte-order mark, so Excel opens it as UTF-8 (without the
    /// mark, Excel in China reads a CSV file as GB18030 and garbles every Chinese
    /// name). The loader skips the mark: the bundle reads back as the same model.
    ///
    /// # Errors
    /// As [`Model::write_csv_dir`].
    ///
    /// # Example
    /// ```
    /// use tiaokuai::{Model, format::BundleOptions};
    /// let model = Model::sample();
    /// let dir = std::env::temp_dir().join(format!("tk-doc-csv-bom-{}", std::process::id()));
    /// model.write_csv_dir_with(&dir, &BundleOptions::default().bom(true))?;
    /// assert!(std::fs::read(dir.join("units.csv")).unwrap().starts_with(b"\xEF\xBB\xBFid,"));
    /// assert_eq!(Model::from_csv_dir(&dir)?, model);
    /// # std::fs::remove_dir_all(&dir).ok();
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn write_csv_dir_with(&self, dir: impl AsRef<Path>, options: &BundleOptions) -> Result<()> {
        super::write_dir_atomic(dir.as_ref(), "CSV bundle", &BUNDLE_FILES, |tmp| self.write_csv_files(tmp, options))
    }

    /// The data rows of table `n` (in [`FILES`] order), as the bundle writes them: the
    /// cells of [`TERRITORY_COLUMNS`] … [`LINK_COLUMNS`], empty for absent fields. Every record and link of the
    /// document, whatever date the model is read at: a bundle holds the history.
    pub(super) fn table_rows(&self, n: usize) -> Box<dyn Iterator<Item = Vec<String>> + '_> {
        let date = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
        let attrs = |a: Option<&Attrs>| a.map(|a| a.as_json().to_string()).unwrap_or_default();
        let num = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
        match n {
            0 => Box::new(self.document_typed(RecordType::Territory).filter_map(|(_, r)| r.as_territory()).map(
                move |t| {
                    vec![
                        t.id().to_string(),
                        t.name().to_string(),
                        t.kind.to_string(),
                        t.parent.map(|p| self.id(p).to_string()).unwrap_or_default(),
                        date(t.validity.since),
                        date(t.validity.until),
                        attrs(t.attrs.as_ref()),
                    ]
                },
            )),
            1 => Box::new(self.document_typed(RecordType::Unit).filter_map(|(_, r)| r.as_unit()).map(move |u| {
                vec![
                    u.id().to_string(),
                    u.name().to_string(),
                    u.kind.to_string(),
                    u.sector.as_ref().map(|s| s.to_string()).unwrap_or_default(),
                    u.located_in.map(|p| self.id(p).to_string()).unwrap_or_default(),
                    num(u.members()),
                    num(u.staff()),
                    num(u.in_service_members()),
                    date(u.validity.since),
                    date(u.validity.until),
                    attrs(u.attrs.as_ref()),
                ]
            })),
            2 => Box::new(self.document_typed(RecordType::Matter).filter_map(|(_, r)| r.as_matter()).map(move |m| {
                vec![
                    m.id().to_string(),
                    m.name().to_string(),
                    m.list.to_string(),
                    m.category.as_deref().unwrap_or("").to_string(),
                    date(m.validity.since),
                    date(m.validity.until),
                    attrs(m.attrs.as_ref()),
                ]
            })),
            3 => Box::new(self.document_typed(RecordType::Item).filter_map(|(_, r)| r.as_item()).map(move |i| {
                vec![
                    i.id().to_string(),
                    i.name().to_string(),
                    i.list.to_string(),
                    date(i.validity.since),
                    date(i.validity.until),
                    attrs(i.attrs.as_ref()),
                ]
            })),
            PEOPLE => {
                Box::new(self.document_typed(RecordType::Person).filter_map(|(_, r)| r.as_person()).map(move |p| {
                    vec![
                        p.id().to_string(),
                        p.name().to_string(),
                        date(p.validity.since),
                        date(p.validity.until),
                        attrs(p.attrs.as_ref()),
                    ]
                }))
            }
            _ => Box::new(self.document_links().map(move |(id, l)| {
                let h = self.holding(id);
                vec![
                    self.id(l.from).to_string(),
                    self.id(l.to).to_string(),
                    l.kind.to_string(),
                    l.primary.map(|p| p.to_string()).unwrap_or_default(),
                    l.power.map(|p| p.to_string()).unwrap_or_default(),
                    l.role.map(|r| r.to_string()).unwrap_or_default(),
                    l.scope.map(|s| self.id(s).to_string()).unwrap_or_default(),
                    num(l.members),
                    l.event.as_ref().map(|e| e.to_string()).unwrap_or_default(),
                    h.map(|h| h.post.to_string()).unwrap_or_default(),
                    h.and_then(|h| h.band).map(|b| b.to_string()).unwrap_or_default(),
                    h.and_then(|h| h.grade).map(|g| g.to_string()).unwrap_or_default(),
                    h.and_then(|h| h.channel.as_ref()).map(|c| c.to_string()).unwrap_or_default(),
                    date(l.validity.since),
                    date(l.validity.until),
                    attrs(self.link_attrs(id)),
                ]
            })),
        }
    }

    /// Writes the bundle's files into `dir`, a new empty folder.
    fn write_csv_files(&self, dir: &Path, options: &BundleOptions) -> Result<()> {
        for (n, (file, columns, _)) in FILES.iter().enumerate() {
            if n == PEOPLE && !self.has_people() {
                continue;
            }
            let keep = written_columns(self, n);
            let path = dir.join(file);
            super::write_new(&path, |w| {
                if options.bom {
                    std::io::Write::write_all(w, b"\xEF\xBB\xBF").map_err(|e| Error::io(&path, &e))?;
                }
                // Cells as they are: the bundle is the lossless model format (no formula guard).
                let mut out = super::CsvWriter::new(w, super::Formulas::Keep);
                let err = |e: std::io::Error| Error::io(&path, &e);
                out.record(keep.iter().map(|&c| columns[c])).map_err(err)?;
                for row in self.table_rows(n) {
                    out.record(keep.iter().map(|&c| row[c].as_str())).map_err(err)?;
                }
                out.flush().map_err(|e| Error::io(&path, &e))
            })?;
        }
        if !self.meetings().is_empty() {
            crate::meetings::check_topic_ids(self)?;
            let path = dir.join(MEETINGS_FILE.0);
            super::write_new(&path, |w| {
                if options.bom {
                    std::io::Write::write_all(w, b"\xEF\xBB\xBF").map_err(|e| Error::io(&path, &e))?;
                }
                let mut out = super::CsvWriter::new(w, super::Formulas::Keep);
                let err = |e: std::io::Error| Error::io(&path, &e);
                out.record(MEETINGS_FILE.1.iter().copied()).map_err(err)?;
                for m in self.meetings().iter() {
                    let row = crate::meetings::meeting_row(self, m);
                    out.record(row.iter().map(String::as_str)).map_err(err)?;
                }
                out.flush().map_err(|e| Error::io(&path, &e))
            })?;
        }
        let meta_path = dir.join("meta.json");
        match self.meta() {
            Some(meta) => super::write_new(&meta_path, |w| {
                use std::io::Write;
                writeln!(w, "{}", meta.as_json()).map_err(|e| Error::io(&meta_path, &e))
            }),
            // The folder is new: there is no stale meta.json to remove.
            None => Ok(()),
        }
    }
}
