//! The one error type of the crate.
//!
//! Every variant carries the data a program needs to act on it (the record's
//! position, its id, the field), so bindings map variants to their own error
//! classes and nobody parses message strings. Messages are lower-case and
//! name the record the way a person finds it in the file:
//! `links[17] (from "s1-gw"): "to" names "ghost" which does not exist`.

use std::fmt;

use crate::model::RecordType;

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Where a record stands in a document: its array, its index and, when known,
/// its id (for links, the `from` id).
///
/// # Example
/// ```
/// use tiaokuai::Position;
/// let at = Position::record("units", 3, Some("acme"));
/// assert_eq!(at.to_string(), r#"units[3] (id "acme")"#);
/// let at = Position::link(17, Some("s1-gw"));
/// assert_eq!(at.to_string(), r#"links[17] (from "s1-gw")"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Position {
    /// The array (`territories`, `units`, `matters`, `items`, `links`), a CSV file name,
    /// or `sheet units` for a sheet of an `.xlsx` bundle.
    pub array: String,
    /// The zero-based index in the array (for CSV files, the 1-based line number).
    pub index: usize,
    /// The record's id (for a link: its `from` id), when it could be read.
    pub id: Option<String>,
}

impl Position {
    /// The position of a record of `array` at `index`, with its id when known.
    pub fn record(array: &str, index: usize, id: Option<&str>) -> Self {
        Position { array: array.to_string(), index, id: id.map(str::to_string) }
    }

    /// The position of the link at `index`, with its `from` id when known.
    pub fn link(index: usize, from: Option<&str>) -> Self {
        Position { array: "links".to_string(), index, id: from.map(str::to_string) }
    }

    /// True for a position in the `links` array (or `links.csv`).
    pub fn is_link(&self) -> bool {
        self.array.starts_with("links") || self.array == "add.links"
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.array.ends_with(".csv") {
            write!(f, "{} line {}", self.array, self.index)?;
        } else if self.array.starts_with("sheet ") {
            // A sheet of an .xlsx bundle: the row as the spreadsheet numbers it.
            write!(f, "{} row {}", self.array, self.index)?;
        } else if self.array == "document" || self.array.ends_with(".json") {
            // The document itself (its `meta`) or a CSV bundle's `meta.json`: no index.
            f.write_str(&self.array)?;
        } else {
            write!(f, "{}[{}]", self.array, self.index)?;
        }
        if let Some(id) = &self.id {
            let label = if self.is_link() { "from" } else { "id" };
            write!(f, " ({label} {id:?})")?;
        }
        Ok(())
    }
}

/// Everything that can go wrong in tiaokuai.
///
/// Loading errors (`Syntax` … `TooLarge`) name the record and field, file
/// errors (`Io`, `Changed`) the path; query
/// errors (`UnknownId`, `WrongRecordType`) name the id that was asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input is not well-formed JSON (or not UTF-8, or empty).
    #[error("malformed JSON at line {line} column {column}: {message}")]
    Syntax {
        /// What the parser found wrong.
        message: String,
        /// The 1-based line.
        line: usize,
        /// The 1-based column.
        column: usize,
    },

    /// The `format` field is missing or names a version this library does not read.
    #[error("{}", format_message(found.as_deref()))]
    Format {
        /// The value found, if any.
        found: Option<String>,
    },

    /// A field has the wrong type, is missing, unknown, or has an invalid value.
    #[error("{at}: field {field:?}: {message}")]
    InvalidField {
        /// The record.
        at: Position,
        /// The field.
        field: String,
        /// What is wrong.
        message: String,
    },

    /// A count (`members`, `staff`, `in_service_members`) is negative, fractional, too large or not a number.
    #[error("{at}: field {field:?}: {value} is not a valid count: {reason}")]
    InvalidCount {
        /// The record.
        at: Position,
        /// The field.
        field: String,
        /// The value as written.
        value: String,
        /// Why it is not valid.
        reason: String,
    },

    /// A kind, sector, power, role or list is not part of its vocabulary.
    #[error("{at}: field {field:?}: {source}")]
    UnknownWord {
        /// The record.
        at: Position,
        /// The field.
        field: String,
        /// The word and what was expected.
        source: crate::model::UnknownWord,
    },

    /// Two records share an id.
    #[error("{at}: duplicate id {id:?}, first used by {first}")]
    DuplicateId {
        /// The id.
        id: String,
        /// The second record using it.
        at: Position,
        /// The first record using it.
        first: Position,
    },

    /// A field names an id that no record has.
    #[error("{at}: {field:?} names {id:?} which does not exist")]
    DanglingReference {
        /// The record or link holding the reference.
        at: Position,
        /// The field (`parent`, `located_in`, `from`, `to`, `scope`).
        field: String,
        /// The id named.
        id: String,
    },

    /// A reference names a record of the wrong type (a `jurisdiction` to a unit, a `parent` that is a unit …).
    #[error("{at}: {field:?} names {id:?}, {}, but {context} needs {}", article(*found), article(*expected))]
    WrongEndpoint {
        /// The record or link.
        at: Position,
        /// The field.
        field: String,
        /// The id named.
        id: String,
        /// The record type required.
        expected: RecordType,
        /// The record type found.
        found: RecordType,
        /// What requires it (`a "jurisdiction" link`, `"parent"`).
        context: String,
    },

    /// A territory's `parent` chain loops back on itself.
    #[error("{at}: territory parent chain loops: {}", cycle.join(" -> "))]
    TerritoryCycle {
        /// The first territory of the loop found.
        at: Position,
        /// The ids around the loop, the first repeated at the end.
        cycle: Vec<String>,
    },

    /// The input is larger than the configured limit.
    #[error("input of {size} bytes is larger than the limit of {limit} bytes (raise it with the size limit option)")]
    TooLarge {
        /// The input's size in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },

    /// A file or folder could not be read or written.
    #[error("{path}: {message}")]
    Io {
        /// The path.
        path: String,
        /// The operating system's message.
        message: String,
        /// What kind of failure it was (`NotFound`, `PermissionDenied`, `BrokenPipe` …; `InvalidInput`
        /// for a path refused by the library: a device, a symbolic link, a folder that is no bundle),
        /// so that callers branch on it rather than on the message.
        io_kind: std::io::ErrorKind,
    },

    /// A CSV file of a bundle is malformed.
    #[error("{file} {} {line}: {message}", if .file.starts_with("sheet ") { "row" } else { "line" })]
    Csv {
        /// The file name within the bundle, or `sheet units` for a sheet of an `.xlsx` bundle.
        file: String,
        /// The 1-based line (for a sheet, its row; 0 when unknown).
        line: u64,
        /// What is wrong.
        message: String,
    },

    /// A query named an id that is not in the model.
    #[error("no record with id {id:?}")]
    UnknownId {
        /// The id asked for.
        id: String,
    },

    /// A query named a record that is not in force at the date the model is read at.
    #[error("{id:?} is not in force at {date} (its dates: {validity})")]
    NotInForce {
        /// The id asked for.
        id: String,
        /// The date the model is read at.
        date: String,
        /// The record's `since` and `until`, as `2015 to 2020-05-31` (`…` for an open end).
        validity: String,
    },

    /// A query named a record of the wrong type (a territory where a unit is needed …).
    #[error("{id:?} is {}, but {context} needs {}", article(*found), article(*expected))]
    WrongRecordType {
        /// The id asked for.
        id: String,
        /// The record type needed.
        expected: RecordType,
        /// The record type found.
        found: RecordType,
        /// What needed it.
        context: String,
    },

    /// Invalid input other than a model: a division code, an audit config, a scenario, a generator scale.
    #[error("{what}: {message}")]
    Invalid {
        /// What was being read (`audit config`, `scenario tests/x.json`, `division code`).
        what: String,
        /// What is wrong.
        message: String,
    },

    /// A file (or a CSV bundle's folder) changed while it was being read: its
    /// length or modification time differed after reading, or fewer or more
    /// bytes were read than it held. Nothing was loaded; read it again once
    /// whatever writes it is done.
    #[error("{path}: the file changed while it was being read; nothing was loaded, try again")]
    Changed {
        /// The file or folder.
        path: String,
    },

    /// A model image (`.tkz`, [`crate::Model::open`]) cannot be read: it is not one, it is of
    /// another layout, or it is damaged or truncated. Nothing was loaded; rebuild the image from
    /// the model's JSON (`tiaokuai convert MODEL --to image -o FILE.tkz`).
    #[error("model image: {message}")]
    Image {
        /// What is wrong, and where (the byte offset, for a damaged image).
        message: String,
    },

    /// An input was refused for several problems, all listed (a change set whose apply
    /// would leave the model invalid names every change at fault). Nothing was changed.
    #[error("{}", rejected_message(what, problems))]
    Rejected {
        /// What was refused (`change set "…"`).
        what: String,
        /// Every problem found, each naming its section, index, id and field.
        problems: Vec<Error>,
    },
}

fn rejected_message(what: &str, problems: &[Error]) -> String {
    let n = problems.len();
    let list: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    format!("{what} refused, {n} problem{}: {}", if n == 1 { "" } else { "s" }, list.join("; "))
}

/// The record type with its indefinite article: "a unit", "an item".
pub(crate) fn article(t: RecordType) -> String {
    match t {
        RecordType::Item => format!("an {t}"),
        _ => format!("a {t}"),
    }
}

fn format_message(found: Option<&str>) -> String {
    match found {
        None => format!("missing \"format\": a model document starts with \"format\": \"{}\"", crate::FORMAT),
        Some(v) => format!("unsupported format {v:?}: this version of tiaokuai reads \"{}\"", crate::FORMAT),
    }
}

impl Error {
    /// The position of the record the error is about, for loading errors (for
    /// [`Error::Rejected`], its first problem's).
    pub fn position(&self) -> Option<&Position> {
        match self {
            Error::Rejected { problems, .. } => problems.first().and_then(Error::position),
            Error::InvalidField { at, .. }
            | Error::InvalidCount { at, .. }
            | Error::UnknownWord { at, .. }
            | Error::DuplicateId { at, .. }
            | Error::DanglingReference { at, .. }
            | Error::WrongEndpoint { at, .. }
            | Error::TerritoryCycle { at, .. } => Some(at),
            _ => None,
        }
    }

    /// The field the error is about, when there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::InvalidField { field, .. }
            | Error::InvalidCount { field, .. }
            | Error::UnknownWord { field, .. }
            | Error::DanglingReference { field, .. }
            | Error::WrongEndpoint { field, .. } => Some(field),
            Error::DuplicateId { .. } => Some("id"),
            Error::TerritoryCycle { .. } => Some("parent"),
            Error::Format { .. } => Some("format"),
            _ => None,
        }
    }

    /// The id the error is about: the offending id for references and
    /// duplicates and unknown ids, else the record's own id.
    pub fn id(&self) -> Option<&str> {
        match self {
            Error::DanglingReference { id, .. }
            | Error::WrongEndpoint { id, .. }
            | Error::DuplicateId { id, .. }
            | Error::UnknownId { id }
            | Error::NotInForce { id, .. }
            | Error::WrongRecordType { id, .. } => Some(id),
            other => other.position().and_then(|p| p.id.as_deref()),
        }
    }

    /// A stable snake_case name of the variant (`syntax`, `dangling_reference` …),
    /// used by the bindings for their error classes and codes.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Syntax { .. } => "syntax",
            Error::Format { .. } => "format",
            Error::InvalidField { .. } => "invalid_field",
            Error::InvalidCount { .. } => "invalid_count",
            Error::UnknownWord { .. } => "unknown_word",
            Error::DuplicateId { .. } => "duplicate_id",
            Error::DanglingReference { .. } => "dangling_reference",
            Error::WrongEndpoint { .. } => "wrong_endpoint",
            Error::TerritoryCycle { .. } => "territory_cycle",
            Error::TooLarge { .. } => "too_large",
            Error::Io { .. } => "io",
            Error::Changed { .. } => "changed",
            Error::Csv { .. } => "csv",
            Error::UnknownId { .. } => "unknown_id",
            Error::NotInForce { .. } => "not_in_force",
            Error::WrongRecordType { .. } => "wrong_record_type",
            Error::Invalid { .. } => "invalid",
            Error::Rejected { .. } => "rejected",
            Error::Image { .. } => "image",
        }
    }

    pub(crate) fn io(path: impl AsRef<std::path::Path>, err: &std::io::Error) -> Self {
        Error::Io { path: path.as_ref().display().to_string(), message: err.to_string(), io_kind: err.kind() }
    }
}
