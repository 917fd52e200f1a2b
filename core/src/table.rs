//! Typed columnar tables: the one shape in which the library hands out tabular answers
//! (records, links, findings, metrics …) for data frames and CSV.
//!
//! A [`Table`] is a list of named [`Column`]s of equal length. Each column is typed:
//! text, nullable integer, nullable float, nullable boolean, nullable date, JSON text or
//! categorical (a fixed list of categories, ordered or not, and one code per row). The
//! Python binding turns a table into a pandas, polars or Arrow frame column by column (no
//! per-row objects); [`Table::write_csv`] writes it as CSV.
//!
//! The tables of a model, a report and its metrics are built by [`records_table`],
//! [`links_table`], [`findings_table`] and [`areas_table`]. Ids come with the names beside
//! them (`located_in` and `located_in_name` …).
//!
//! # Example
//! ```
//! use tiaokuai::table::{Column, ColumnData, Strings, Table};
//! let mut t = Table::new();
//! t.push(Column::new("id", ColumnData::Str(Strings::from_iter([Some("a"), Some("b")]))))?;
//! t.push(Column::new("staff", ColumnData::Int(vec![Some(3), None])))?;
//! assert_eq!((t.rows(), t.columns().len()), (2, 2));
//! let mut csv = Vec::new();
//! t.write_csv(&mut csv, tiaokuai::format::Formulas::Keep)?;
//! assert_eq!(String::from_utf8(csv).unwrap(), "id,staff\na,3\nb,\n");
//! # Ok::<(), tiaokuai::Error>(())
//! ```

use std::collections::HashMap;
use std::io::Write;

use crate::format::{CsvWriter, Formulas};
use crate::{Area, Date, Error, Finding, LinkId, Model, Node, RecordRef, RecordType, Report, Severity};

/// The values of one column.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnData {
    /// Text (ids, names, messages).
    Str(Strings),
    /// Whole numbers (counts); `None` is missing.
    Int(Vec<Option<i64>>),
    /// Real numbers (rates); `None` is missing.
    Float(Vec<Option<f64>>),
    /// Yes/no; `None` is missing.
    Bool(Vec<Option<bool>>),
    /// Dates; `None` is missing. See [`date_days`] for how a date becomes a day.
    Date(Vec<Option<Date>>),
    /// JSON text (`attrs`, `evidence`): a frame library may parse it.
    Json(Strings),
    /// A categorical column: see [`Categorical`].
    Category(Categorical),
}

impl ColumnData {
    /// The number of values.
    ///
    /// ```
    /// use tiaokuai::table::ColumnData;
    /// assert_eq!(ColumnData::Int(vec![Some(1), None]).len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        match self {
            ColumnData::Str(v) | ColumnData::Json(v) => v.len(),
            ColumnData::Int(v) => v.len(),
            ColumnData::Float(v) => v.len(),
            ColumnData::Bool(v) => v.len(),
            ColumnData::Date(v) => v.len(),
            ColumnData::Category(c) => c.codes.len(),
        }
    }

    /// True when the column holds no value.
    ///
    /// ```
    /// use tiaokuai::table::ColumnData;
    /// assert!(ColumnData::Bool(vec![]).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The type's name: `str`, `int`, `float`, `bool`, `date`, `json` or `category`.
    ///
    /// ```
    /// use tiaokuai::table::ColumnData;
    /// assert_eq!(ColumnData::Date(vec![]).type_name(), "date");
    /// ```
    pub fn type_name(&self) -> &'static str {
        match self {
            ColumnData::Str(_) => "str",
            ColumnData::Int(_) => "int",
            ColumnData::Float(_) => "float",
            ColumnData::Bool(_) => "bool",
            ColumnData::Date(_) => "date",
            ColumnData::Json(_) => "json",
            ColumnData::Category(_) => "category",
        }
    }

    /// The value of row `i` as CSV-ready text (empty when missing or out of range).
    ///
    /// ```
    /// use tiaokuai::table::ColumnData;
    /// assert_eq!(ColumnData::Float(vec![Some(0.5)]).text(0), "0.5");
    /// ```
    pub fn text(&self, i: usize) -> String {
        match self {
            ColumnData::Str(v) | ColumnData::Json(v) => v.get(i).unwrap_or_default().to_string(),
            ColumnData::Int(v) => v.get(i).copied().flatten().map(|x| x.to_string()).unwrap_or_default(),
            ColumnData::Float(v) => v.get(i).copied().flatten().map(|x| x.to_string()).unwrap_or_default(),
            ColumnData::Bool(v) => v.get(i).copied().flatten().map(|x| x.to_string()).unwrap_or_default(),
            ColumnData::Date(v) => v.get(i).copied().flatten().map(|x| x.to_string()).unwrap_or_default(),
            ColumnData::Category(c) => c.value(i).unwrap_or_default().to_string(),
        }
    }
}

/// A column of text, stored end to end (one allocation, not one per cell; the layout of
/// Arrow's string arrays): the text of every value, where each ends, and which are present.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Strings {
    data: String,
    ends: Vec<usize>,
    present: Vec<bool>,
}

impl Strings {
    /// An empty column.
    ///
    /// ```
    /// assert!(tiaokuai::table::Strings::new().is_empty());
    /// ```
    pub fn new() -> Strings {
        Strings::default()
    }

    /// Appends a value (`None` for a missing one).
    ///
    /// ```
    /// let mut s = tiaokuai::table::Strings::new();
    /// s.push(Some("宝山区"));
    /// s.push(None);
    /// assert_eq!((s.get(0), s.get(1), s.len()), (Some("宝山区"), None, 2));
    /// ```
    pub fn push(&mut self, value: Option<&str>) {
        if let Some(v) = value {
            self.data.push_str(v);
        }
        self.ends.push(self.data.len());
        self.present.push(value.is_some());
    }

    /// The value of row `i`, if present.
    ///
    /// ```
    /// let s = tiaokuai::table::Strings::from_iter([Some("a"), None]);
    /// assert_eq!(s.get(0), Some("a"));
    /// ```
    pub fn get(&self, i: usize) -> Option<&str> {
        if !*self.present.get(i)? {
            return None;
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.data.get(start..self.ends[i])
    }

    /// The number of values.
    ///
    /// ```
    /// assert_eq!(tiaokuai::table::Strings::from_iter([None::<&str>]).len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when there is no value.
    ///
    /// ```
    /// assert!(tiaokuai::table::Strings::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The text of all values end to end.
    ///
    /// ```
    /// assert_eq!(tiaokuai::table::Strings::from_iter([Some("a"), None, Some("bc")]).data(), "abc");
    /// ```
    pub fn data(&self) -> &str {
        &self.data
    }

    /// Where each value ends in [`Strings::data`] (a missing value ends where the one before does).
    ///
    /// ```
    /// assert_eq!(tiaokuai::table::Strings::from_iter([Some("a"), None, Some("bc")]).ends(), [1, 1, 3]);
    /// ```
    pub fn ends(&self) -> &[usize] {
        &self.ends
    }

    /// Which values are present.
    ///
    /// ```
    /// assert_eq!(tiaokuai::table::Strings::from_iter([Some("a"), None]).present(), [true, false]);
    /// ```
    pub fn present(&self) -> &[bool] {
        &self.present
    }
}

impl<S: AsRef<str>> FromIterator<Option<S>> for Strings {
    fn from_iter<I: IntoIterator<Item = Option<S>>>(iter: I) -> Strings {
        let mut s = Strings::new();
        for v in iter {
            s.push(v.as_ref().map(|x| x.as_ref()));
        }
        s
    }
}

/// A categorical column: the categories (in their order, for an ordered one: severity
/// `error < warning < info` as the catalogue lists them, levels top first) and one code
/// per row, an index into the categories (`None` is missing).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Categorical {
    /// The categories, each once.
    pub categories: Vec<String>,
    /// True when the order of the categories means something (sorting follows it).
    pub ordered: bool,
    /// One code per row: the index of its category.
    pub codes: Vec<Option<u32>>,
    index: HashMap<String, u32>,
}

impl Categorical {
    /// An empty column with these categories (more are added as values come).
    ///
    /// ```
    /// use tiaokuai::table::Categorical;
    /// let mut c = Categorical::new(["error", "warning", "info"], true);
    /// c.push(Some("warning"));
    /// c.push(None);
    /// assert_eq!(c.codes, vec![Some(1), None]);
    /// assert_eq!(c.value(0), Some("warning"));
    /// ```
    pub fn new<S: AsRef<str>>(categories: impl IntoIterator<Item = S>, ordered: bool) -> Categorical {
        let mut c = Categorical { ordered, ..Categorical::default() };
        for cat in categories {
            c.code(cat.as_ref());
        }
        c
    }

    /// The code of a category, adding it (at the end) when new.
    fn code(&mut self, value: &str) -> u32 {
        if let Some(&code) = self.index.get(value) {
            return code;
        }
        let code = self.categories.len() as u32;
        self.categories.push(value.to_string());
        self.index.insert(value.to_string(), code);
        code
    }

    /// Appends a value (a category not seen before is added at the end of the categories).
    ///
    /// ```
    /// use tiaokuai::table::Categorical;
    /// let mut c = Categorical::new(["a"], false);
    /// c.push(Some("x-custom"));
    /// assert_eq!(c.categories, vec!["a", "x-custom"]);
    /// ```
    pub fn push(&mut self, value: Option<&str>) {
        let code = value.map(|v| self.code(v));
        self.codes.push(code);
    }

    /// The category of row `i`, if any.
    ///
    /// ```
    /// use tiaokuai::table::Categorical;
    /// let mut c = Categorical::new(["a"], false);
    /// c.push(Some("a"));
    /// assert_eq!((c.value(0), c.value(1)), (Some("a"), None));
    /// ```
    pub fn value(&self, i: usize) -> Option<&str> {
        let code = self.codes.get(i).copied().flatten()?;
        self.categories.get(code as usize).map(String::as_str)
    }
}

/// A named column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The column's name.
    pub name: String,
    /// Its values.
    pub data: ColumnData,
}

impl Column {
    /// A column from its name and values.
    ///
    /// ```
    /// use tiaokuai::table::{Column, ColumnData};
    /// let c = Column::new("members", ColumnData::Int(vec![Some(3)]));
    /// assert_eq!(c.name, "members");
    /// ```
    pub fn new(name: impl Into<String>, data: ColumnData) -> Column {
        Column { name: name.into(), data }
    }
}

/// A typed columnar table: named columns of equal length (see the [module docs](self)).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    columns: Vec<Column>,
    rows: usize,
}

impl Table {
    /// An empty table (no column, no row).
    ///
    /// ```
    /// assert_eq!(tiaokuai::table::Table::new().rows(), 0);
    /// ```
    pub fn new() -> Table {
        Table::default()
    }

    /// Adds a column at the end.
    ///
    /// # Errors
    /// [`Error::Invalid`] when its length is not the table's number of rows, or a column of
    /// that name is already there.
    ///
    /// ```
    /// use tiaokuai::table::{Column, ColumnData, Table};
    /// let mut t = Table::new();
    /// t.push(Column::new("a", ColumnData::Int(vec![Some(1)])))?;
    /// assert!(t.push(Column::new("b", ColumnData::Int(vec![]))).is_err());
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn push(&mut self, column: Column) -> Result<(), Error> {
        let len = column.data.len();
        if !self.columns.is_empty() && len != self.rows {
            return Err(Error::Invalid {
                what: "table column".into(),
                message: format!("column {:?} has {len} values, the table {} rows", column.name, self.rows),
            });
        }
        if self.column(&column.name).is_some() {
            return Err(Error::Invalid {
                what: "table column".into(),
                message: format!("the table already has a column {:?}", column.name),
            });
        }
        self.rows = len;
        self.columns.push(column);
        Ok(())
    }

    /// The number of rows.
    ///
    /// ```
    /// let t = tiaokuai::table::records_table(&tiaokuai::Model::sample(), Some(tiaokuai::RecordType::Unit), None);
    /// assert!(t.rows() > 100);
    /// ```
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The columns, in order.
    ///
    /// ```
    /// let t = tiaokuai::table::links_table(&tiaokuai::Model::sample(), None);
    /// assert_eq!(t.columns()[0].name, "index");
    /// ```
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The column of that name, if any.
    ///
    /// ```
    /// let t = tiaokuai::table::links_table(&tiaokuai::Model::sample(), None);
    /// assert!(t.column("from_name").is_some());
    /// ```
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The table as JSON: one object per row, typed values (numbers, booleans, text,
    /// `null` for missing; dates and categories as text).
    ///
    /// ```
    /// use tiaokuai::table::{Column, ColumnData, Table};
    /// let mut t = Table::new();
    /// t.push(Column::new("n", ColumnData::Int(vec![Some(3), None])))?;
    /// assert_eq!(t.to_json_rows(), serde_json::json!([{"n": 3}, {"n": null}]));
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn to_json_rows(&self) -> serde_json::Value {
        use serde_json::Value;
        let rows = (0..self.rows())
            .map(|i| {
                let mut row = serde_json::Map::new();
                for c in &self.columns {
                    let v = match &c.data {
                        ColumnData::Int(v) => v[i].map_or(Value::Null, Value::from),
                        ColumnData::Float(v) => v[i].map_or(Value::Null, Value::from),
                        ColumnData::Bool(v) => v[i].map_or(Value::Null, Value::from),
                        ColumnData::Str(s) | ColumnData::Json(s) => s.get(i).map_or(Value::Null, Value::from),
                        other => match other.text(i) {
                            s if s.is_empty() => Value::Null,
                            s => Value::from(s),
                        },
                    };
                    row.insert(c.name.clone(), v);
                }
                Value::Object(row)
            })
            .collect();
        Value::Array(rows)
    }

    /// Writes the table as CSV through [`crate::format::CsvWriter`] (RFC 4180: a header row,
    /// fields quoted when they must be; missing values empty; dates `YYYY-MM-DD`). Text and
    /// JSON cells that begin like a spreadsheet formula get a `'` in front under
    /// [`Formulas::Neutralise`]; numbers, dates, booleans and categories are written as they are.
    ///
    /// # Errors
    /// [`Error::Io`] when the writer fails.
    ///
    /// ```
    /// use tiaokuai::format::Formulas;
    /// use tiaokuai::table::{Column, ColumnData, Strings, Table};
    /// let mut t = Table::new();
    /// t.push(Column::new("name", ColumnData::Str(Strings::from_iter([Some("a, \"b\""), Some("=1+2")]))))?;
    /// t.push(Column::new("n", ColumnData::Int(vec![Some(-4), None])))?;
    /// let mut out = Vec::new();
    /// t.write_csv(&mut out, Formulas::Neutralise)?;
    /// assert_eq!(String::from_utf8(out).unwrap(), "name,n\n\"a, \"\"b\"\"\",-4\n\"'=1+2\",\n");
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn write_csv(&self, w: &mut dyn Write, formulas: Formulas) -> Result<(), Error> {
        let io = |e: std::io::Error| Error::io("(table)", &e);
        let mut csv = CsvWriter::new(w, formulas);
        csv.record(self.columns.iter().map(|c| c.name.as_str())).map_err(io)?;
        for row in 0..self.rows {
            for c in &self.columns {
                let cell = c.data.text(row);
                match c.data {
                    ColumnData::Str(_) | ColumnData::Json(_) => csv.text(&cell),
                    _ => csv.value(&cell),
                }
                .map_err(io)?;
            }
            csv.end_record().map_err(io)?;
        }
        Ok(())
    }
}

/// The day a date stands for, counted from 1970-01-01 (negative before): the one place
/// where dates become days for frames (pandas `datetime64`, Arrow `date32`, polars `Date`).
/// A date of reduced precision (`2015`, `2015-06`) becomes its first day.
///
/// ```
/// use tiaokuai::Date;
/// assert_eq!(tiaokuai::table::date_days(Date::new(1970, 1, 2).unwrap()), 1);
/// assert_eq!(tiaokuai::table::date_days(Date::new(2000, 3, 1).unwrap()), 11_017);
/// assert_eq!(tiaokuai::table::date_days(Date::new(1969, 12, 31).unwrap()), -1);
/// ```
pub fn date_days(date: Date) -> i32 {
    // Date::days counts from 0001-01-01; 1970-01-01 is day 719,162 of that count.
    const EPOCH: i64 = 719_162;
    (date.days() - EPOCH) as i32
}

/// Strings of a column.
fn strs<'a>(values: impl Iterator<Item = Option<&'a str>>) -> ColumnData {
    ColumnData::Str(values.collect())
}

/// A categorical column of a vocabulary: its words in order first, then any custom word.
fn category<'a, S: AsRef<str>>(
    words: impl IntoIterator<Item = &'a str>,
    ordered: bool,
    values: impl Iterator<Item = Option<S>>,
) -> ColumnData {
    let mut c = Categorical::new(words, ordered);
    for v in values {
        c.push(v.as_ref().map(|s| s.as_ref()));
    }
    ColumnData::Category(c)
}

fn push(t: &mut Table, name: &str, data: ColumnData) {
    // Every column below is built from the same rows: the lengths agree and names are unique.
    t.push(Column::new(name, data)).expect("table columns of one length and distinct names");
}

fn words<T>(all: &'static [T], name: impl Fn(&'static T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(name).collect()
}

/// The records of a model of one type (or all, for `None`) as a table, in document order,
/// or only `nodes` when given. Columns: `id`, `name`, `type` (all records only), then the
/// type's fields (`kind`, `parent` and `parent_name` for territories; `kind`, `sector`,
/// `located_in`, `located_in_name`, `members`, `staff`, `in_service_members` for units;
/// `list` and `category` for matters, `list` for items; all of them for all records), then
/// `level` (ordered, top first), `grade`, `attrs` (JSON), `since` and `until` (dates).
///
/// ```
/// use tiaokuai::{Model, RecordType, table::{records_table, ColumnData}};
/// let t = records_table(&Model::sample(), Some(RecordType::Unit), None);
/// assert!(matches!(t.column("members").unwrap().data, ColumnData::Int(_)));
/// ```
pub fn records_table(model: &Model, rtype: Option<RecordType>, nodes: Option<&[Node]>) -> Table {
    use crate::{Grade, ItemList, Level, MatterList, Sector, TerritoryKind, UnitKind};
    let all: Vec<Node>;
    let nodes: &[Node] = match nodes {
        Some(n) => n,
        None => {
            all = match rtype {
                Some(RecordType::Territory) => model.territories().map(|(n, _)| n).collect(),
                Some(RecordType::Unit) => model.units().map(|(n, _)| n).collect(),
                Some(RecordType::Matter) => model.matters().map(|(n, _)| n).collect(),
                Some(RecordType::Item) => model.items().map(|(n, _)| n).collect(),
                Some(RecordType::Person) => model.people().map(|(n, _)| n).collect(),
                None => model.records().map(|(n, _)| n).collect(),
            };
            &all
        }
    };
    let recs: Vec<RecordRef<'_>> = nodes.iter().map(|&n| model.record(n)).collect();
    let mut t = Table::new();
    push(&mut t, "id", strs(recs.iter().map(|r| Some(r.id()))));
    push(&mut t, "name", strs(recs.iter().map(|r| Some(r.name()))));
    let has = |want: RecordType| rtype.is_none_or(|t| t == want);
    if rtype.is_none() {
        let types = [RecordType::Territory, RecordType::Unit, RecordType::Matter, RecordType::Item, RecordType::Person];
        push(
            &mut t,
            "type",
            category(types.iter().map(|t| t.as_str()), false, recs.iter().map(|r| Some(r.record_type().as_str()))),
        );
    }
    if has(RecordType::Territory) || has(RecordType::Unit) {
        let mut kinds: Vec<&str> = Vec::new();
        if has(RecordType::Territory) {
            kinds.extend(words(TerritoryKind::ALL, |k| k.as_str()));
        }
        if has(RecordType::Unit) {
            kinds.extend(words(UnitKind::ALL, |k| k.as_str()));
        }
        let kind_of = recs.iter().map(|&r| match r {
            RecordRef::Territory(t) => Some(t.kind.as_str()),
            RecordRef::Unit(u) => Some(u.kind.as_str()),
            _ => None,
        });
        push(&mut t, "kind", category(kinds, false, kind_of));
    }
    if has(RecordType::Matter) || has(RecordType::Item) {
        let mut lists: Vec<&str> = Vec::new();
        if has(RecordType::Matter) {
            lists.extend(words(MatterList::ALL, |k| k.as_str()));
        }
        if has(RecordType::Item) {
            lists.extend(words(ItemList::ALL, |k| k.as_str()));
        }
        let list_of = recs.iter().map(|&r| match r {
            RecordRef::Matter(m) => Some(m.list.as_str()),
            RecordRef::Item(i) => Some(i.list.as_str()),
            _ => None,
        });
        push(&mut t, "list", category(lists, false, list_of));
    }
    if has(RecordType::Matter) {
        push(&mut t, "category", strs(recs.iter().map(|r| r.as_matter().and_then(|m| m.row().category.as_deref()))));
    }
    let id_and_name = |t: &mut Table, field: &str, of: &dyn Fn(RecordRef<'_>) -> Option<Node>| {
        push(t, field, strs(recs.iter().map(|&r| of(r).map(|n| model.id(n)))));
        push(t, &format!("{field}_name"), strs(recs.iter().map(|&r| of(r).map(|n| model.record(n).name()))));
    };
    if has(RecordType::Territory) {
        id_and_name(&mut t, "parent", &|r| r.as_territory().and_then(|t| t.parent));
    }
    if has(RecordType::Unit) {
        let sectors = words(Sector::ALL, |k| k.as_str());
        push(
            &mut t,
            "sector",
            category(
                sectors,
                false,
                recs.iter().map(|r| r.as_unit().and_then(|u| u.row().sector.as_ref()).map(|s| s.as_str())),
            ),
        );
        id_and_name(&mut t, "located_in", &|r| r.as_unit().and_then(|u| u.located_in));
        type Count = fn(crate::UnitRef<'_>) -> Option<u32>;
        let counts: [(&str, Count); 3] = [
            ("members", |u| u.members()),
            ("staff", |u| u.staff()),
            ("in_service_members", |u| u.in_service_members()),
        ];
        for (field, get) in counts {
            push(
                &mut t,
                field,
                ColumnData::Int(recs.iter().map(|r| r.as_unit().and_then(get).map(i64::from)).collect()),
            );
        }
    }
    push(
        &mut t,
        "level",
        category(
            words(Level::ALL, |k| k.as_str()),
            true,
            nodes.iter().map(|&n| model.level(n).map(|l| Level::ALL[l as usize].as_str())),
        ),
    );
    push(
        &mut t,
        "grade",
        category(
            words(Grade::ALL, |k| k.as_str()),
            true,
            nodes.iter().map(|&n| model.grade(n).map(|g| Grade::ALL[g as usize].as_str())),
        ),
    );
    push(&mut t, "attrs", ColumnData::Json(recs.iter().map(|r| r.attrs().map(|a| a.as_json())).collect()));
    push(&mut t, "since", ColumnData::Date(recs.iter().map(|r| r.validity().since).collect()));
    push(&mut t, "until", ColumnData::Date(recs.iter().map(|r| r.validity().until).collect()));
    t
}

/// Links of a model as a table, in document order (all, or only `ids` when given). Columns:
/// `index` (position in the model's links), `from`, `from_name`, `to`, `to_name`, `kind`,
/// `primary`, `power`, `role`, `scope`, `scope_name`, `members`, `event` (of a `succeeded_by`
/// link), `attrs` (JSON), `since`, `until`.
///
/// ```
/// use tiaokuai::{Model, table::{links_table, ColumnData}};
/// let m = Model::sample();
/// let t = links_table(&m, None);
/// assert_eq!(t.rows(), m.count_links()); // the links of the model as read at its date
/// assert!(t.column("event").is_some());
/// assert!(matches!(t.column("primary").unwrap().data, ColumnData::Bool(_)));
/// ```
pub fn links_table(model: &Model, ids: Option<&[LinkId]>) -> Table {
    use crate::{LinkKind, Power, Role};
    let all: Vec<LinkId>;
    let ids: &[LinkId] = match ids {
        Some(i) => i,
        None => {
            all = model.links().map(|(id, _)| id).collect();
            &all
        }
    };
    let links: Vec<crate::Link> = ids.iter().map(|&id| model.link(id)).collect();
    let mut t = Table::new();
    push(&mut t, "index", ColumnData::Int(ids.iter().map(|id| Some(id.index() as i64)).collect()));
    let id_and_name = |t: &mut Table, field: &str, of: &dyn Fn(&crate::Link) -> Option<Node>| {
        push(t, field, strs(links.iter().map(|l| of(l).map(|n| model.id(n)))));
        push(t, &format!("{field}_name"), strs(links.iter().map(|l| of(l).map(|n| model.record(n).name()))));
    };
    id_and_name(&mut t, "from", &|l| Some(l.from));
    id_and_name(&mut t, "to", &|l| Some(l.to));
    push(
        &mut t,
        "kind",
        category(words(LinkKind::ALL, |k| k.as_str()), false, links.iter().map(|l| Some(l.kind.as_str()))),
    );
    push(&mut t, "primary", ColumnData::Bool(links.iter().map(|l| l.primary).collect()));
    push(
        &mut t,
        "power",
        category(words(Power::ALL, |k| k.as_str()), false, links.iter().map(|l| l.power.as_ref().map(|p| p.as_str()))),
    );
    push(
        &mut t,
        "role",
        category(words(Role::ALL, |k| k.as_str()), false, links.iter().map(|l| l.role.as_ref().map(|r| r.as_str()))),
    );
    id_and_name(&mut t, "scope", &|l| l.scope);
    push(&mut t, "members", ColumnData::Int(links.iter().map(|l| l.members.map(i64::from)).collect()));
    let events: Vec<Option<String>> = links.iter().map(|l| l.event.as_ref().map(|e| e.to_string())).collect();
    push(&mut t, "event", strs(events.iter().map(|e| e.as_deref())));
    push(&mut t, "attrs", ColumnData::Json(ids.iter().map(|&id| model.link_attrs(id).map(|a| a.as_json())).collect()));
    push(&mut t, "since", ColumnData::Date(links.iter().map(|l| l.validity.since).collect()));
    push(&mut t, "until", ColumnData::Date(links.iter().map(|l| l.validity.until).collect()));
    t
}

/// The findings of a report as a table, in the report's order. Columns: `rule` (categorical,
/// catalogue order), `name`, `severity` (ordered `error < warning < info`, so sorting puts
/// the most serious first), `subject`, `territory`, `message`, `evidence` (JSON); with the
/// audited model, also `subject_name` and `territory_name` beside the ids.
///
/// ```
/// use tiaokuai::{Config, Model, audit, table::{findings_table, ColumnData}};
/// let m = Model::sample();
/// let t = findings_table(&audit(&m, &Config::default()), Some(&m));
/// let ColumnData::Category(s) = &t.column("severity").unwrap().data else { panic!() };
/// assert_eq!(s.categories, ["error", "warning", "info"]);
/// assert!(s.ordered);
/// ```
pub fn findings_table(report: &Report, model: Option<&Model>) -> Table {
    let f: &[Finding] = &report.findings;
    let mut t = Table::new();
    push(&mut t, "rule", category(crate::RULES.iter().map(|r| r.code), false, f.iter().map(|x| Some(x.rule))));
    push(&mut t, "name", category(crate::RULES.iter().map(|r| r.name), false, f.iter().map(|x| Some(x.name))));
    push(
        &mut t,
        "severity",
        category(Severity::ALL.iter().map(|s| s.as_str()), true, f.iter().map(|x| Some(x.severity.as_str()))),
    );
    let name_of = |id: Option<&str>| -> Option<&str> { Some(model?.record(model?.node(id?)?).name()) };
    push(&mut t, "subject", strs(f.iter().map(|x| Some(x.subject.as_str()))));
    if model.is_some() {
        push(&mut t, "subject_name", strs(f.iter().map(|x| name_of(Some(&x.subject)))));
    }
    push(&mut t, "territory", strs(f.iter().map(|x| x.territory.as_deref())));
    if model.is_some() {
        push(&mut t, "territory_name", strs(f.iter().map(|x| name_of(x.territory.as_deref()))));
    }
    push(&mut t, "message", strs(f.iter().map(|x| Some(x.message.as_str()))));
    push(&mut t, "evidence", ColumnData::Json(f.iter().map(|x| serde_json::to_string(&x.evidence).ok()).collect()));
    t
}

/// Metrics areas (one level's, or the comparison groups) as a table. Columns: `id`, `name`,
/// `kind`, `parent`, `townships`, then every count (integers) and every rate (floats,
/// missing when the denominator is 0), as [`crate::Counts`] and [`crate::Rates`] name them.
///
/// ```
/// use tiaokuai::{Config, Level, Model, audit, table::areas_table};
/// let r = audit(&Model::sample(), &Config::default());
/// let t = areas_table(r.metrics.areas(Level::Street));
/// assert_eq!(t.rows(), 13);
/// assert!(t.column("org_coverage").is_some());
/// ```
pub fn areas_table(areas: &[Area]) -> Table {
    let mut t = Table::new();
    push(&mut t, "id", strs(areas.iter().map(|a| Some(a.id.as_str()))));
    push(&mut t, "name", strs(areas.iter().map(|a| Some(a.name.as_str()))));
    push(&mut t, "kind", strs(areas.iter().map(|a| Some(a.kind.as_str()))));
    push(&mut t, "parent", strs(areas.iter().map(|a| a.parent.as_deref())));
    push(&mut t, "townships", ColumnData::Int(areas.iter().map(|a| i64::try_from(a.townships).ok()).collect()));
    let as_maps = |v: serde_json::Value| match v {
        serde_json::Value::Object(m) => m,
        _ => serde_json::Map::new(),
    };
    let counts: Vec<_> = areas.iter().map(|a| as_maps(serde_json::to_value(a.counts).unwrap_or_default())).collect();
    let rates: Vec<_> = areas.iter().map(|a| as_maps(serde_json::to_value(a.rates).unwrap_or_default())).collect();
    let keys = |v: &serde_json::Map<String, serde_json::Value>| v.keys().cloned().collect::<Vec<_>>();
    let fields = |all: &[serde_json::Map<String, serde_json::Value>], blank: serde_json::Value| {
        all.first().map(keys).unwrap_or_else(|| keys(&as_maps(blank)))
    };
    for k in fields(&counts, serde_json::to_value(crate::Counts::default()).unwrap_or_default()) {
        push(&mut t, &k, ColumnData::Int(counts.iter().map(|m| m.get(&k).and_then(|v| v.as_i64())).collect()));
    }
    for k in fields(&rates, serde_json::to_value(crate::Rates::default()).unwrap_or_default()) {
        push(&mut t, &k, ColumnData::Float(rates.iter().map(|m| m.get(&k).and_then(|v| v.as_f64())).collect()));
    }
    t
}

/// A [`crate::time::Timeline`] as a table, one row per date: `date` (as written: `2019`,
/// `2019-06`, a change day), `day` (the day it is read at, as a date), `errors`,
/// `warnings`, `infos`, a column per rule that fires somewhere, then the rates
/// (`org_coverage`, `work_coverage`, `dual_registration`, `block_power`,
/// `matter_coverage`; missing where a rate has no denominator).
///
/// ```
/// use tiaokuai::{Config, Model, time::Every};
/// let model = Model::sample();
/// let (from, to) = ("2014".parse().ok(), "2016".parse().ok());
/// let dates = tiaokuai::time::timeline_dates(&model, &Config::default(), from, to, Some(Every::Year))?;
/// let t = tiaokuai::table::timeline_table(&model.timeline(&Config::default(), &dates));
/// assert_eq!(t.rows(), 3);
/// assert_eq!(t.columns()[0].name, "date");
/// assert!(t.columns().iter().any(|c| c.name == "S004"));
/// # Ok::<(), tiaokuai::Error>(())
/// ```
pub fn timeline_table(timeline: &crate::time::Timeline) -> Table {
    let rows = &timeline.rows;
    let mut t = Table::new();
    let written: Vec<String> = rows.iter().map(|r| r.date.to_string()).collect();
    push(&mut t, "date", strs(written.iter().map(|d| Some(d.as_str()))));
    push(&mut t, "day", ColumnData::Date(rows.iter().map(|r| Some(r.date.last_day())).collect()));
    let int = |f: &dyn Fn(&crate::time::TimelineRow) -> usize| {
        ColumnData::Int(rows.iter().map(|r| i64::try_from(f(r)).ok()).collect())
    };
    push(&mut t, "errors", int(&|r| r.errors));
    push(&mut t, "warnings", int(&|r| r.warnings));
    push(&mut t, "infos", int(&|r| r.infos));
    for (i, code) in timeline.rules.iter().enumerate() {
        push(&mut t, code, int(&|r| r.findings[i]));
    }
    let rates: Vec<serde_json::Map<String, serde_json::Value>> = rows
        .iter()
        .map(|r| match serde_json::to_value(r.counts.rates()) {
            Ok(serde_json::Value::Object(m)) => m,
            _ => serde_json::Map::new(),
        })
        .collect();
    for k in ["org_coverage", "work_coverage", "dual_registration", "block_power", "matter_coverage"] {
        push(&mut t, k, ColumnData::Float(rates.iter().map(|m| m.get(k).and_then(|v| v.as_f64())).collect()));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Config, Level, audit};

    #[test]
    fn date_days_agrees_with_counting_days() {
        // Walk day by day from 1900-01-01 to 2100-12-31 and compare with the running count.
        let mut expected = date_days(Date::new(1900, 1, 1).unwrap());
        assert_eq!(expected, -25_567);
        for y in 1900..=2100 {
            for m in 1..=12 {
                for d in 1..=31 {
                    if let Some(date) = Date::new(y, m, d) {
                        if (y, m, d) != (1900, 1, 1) {
                            expected += 1;
                        }
                        assert_eq!(date_days(date), expected, "{date}");
                    }
                }
            }
        }
        assert_eq!(date_days(Date::new(1, 1, 1).unwrap()), -719_162);
        assert_eq!(date_days(Date::new(9999, 12, 31).unwrap()), 2_932_896);
    }

    #[test]
    fn unit_columns_are_typed_and_carry_names_beside_ids() {
        let m = Model::sample();
        let t = records_table(&m, Some(RecordType::Unit), None);
        assert_eq!(t.rows(), m.count(RecordType::Unit));
        let ColumnData::Int(members) = &t.column("members").unwrap().data else { panic!("members not int") };
        let (i, (_, u)) =
            m.units().enumerate().find(|(_, (_, u))| u.located_in.is_some() && u.members().is_some()).unwrap();
        assert_eq!(members[i], u.members().map(i64::from));
        let place = u.located_in.unwrap();
        assert_eq!(t.column("located_in").unwrap().data.text(i), m.id(place));
        assert_eq!(t.column("located_in_name").unwrap().data.text(i), m.record(place).name());
        assert!(t.column("type").is_none() && t.column("parent").is_none());
        let ColumnData::Category(level) = &t.column("level").unwrap().data else { panic!("level not categorical") };
        assert!(level.ordered);
        assert_eq!(level.categories[0], "country");
        assert_eq!(level.categories.len(), Level::ALL.len());
    }

    #[test]
    fn custom_words_extend_the_categories() {
        let json =
            r#"{"format":"tiaokuai/1","units":[{"id":"a","name":"A","kind":"x-club"}],"territories":[],"links":[]}"#;
        let m = Model::from_json(json).unwrap();
        let t = records_table(&m, Some(RecordType::Unit), None);
        let ColumnData::Category(kind) = &t.column("kind").unwrap().data else { panic!() };
        assert_eq!(kind.value(0), Some("x-club"));
        assert_eq!(kind.categories.last().map(String::as_str), Some("x-club"));
    }

    #[test]
    fn findings_table_sorts_by_severity_and_names_subjects() {
        let m = Model::sample();
        let r = audit(&m, &Config::default());
        assert!(!r.findings.is_empty());
        let t = findings_table(&r, Some(&m));
        assert_eq!(t.rows(), r.findings.len());
        let ColumnData::Category(sev) = &t.column("severity").unwrap().data else { panic!() };
        for (i, f) in r.findings.iter().enumerate() {
            assert_eq!(sev.codes[i], Some(f.severity as u32));
            if let Some(n) = m.node(&f.subject) {
                assert_eq!(t.column("subject_name").unwrap().data.text(i), m.record(n).name());
            }
        }
        assert!(findings_table(&r, None).column("subject_name").is_none());
    }

    #[test]
    fn mismatched_and_duplicate_columns_are_refused() {
        let mut t = Table::new();
        t.push(Column::new("a", ColumnData::Bool(vec![Some(true), None]))).unwrap();
        let err = t.push(Column::new("b", ColumnData::Bool(vec![None]))).unwrap_err();
        assert!(err.to_string().contains("column \"b\" has 1 values, the table 2 rows"), "{err}");
        let err = t.push(Column::new("a", ColumnData::Bool(vec![None, None]))).unwrap_err();
        assert!(err.to_string().contains("already has a column \"a\""), "{err}");
    }

    #[test]
    fn csv_writes_every_type() {
        let mut t = Table::new();
        let mut c = Categorical::new(["x"], false);
        c.push(Some("x"));
        c.push(None);
        for col in [
            Column::new("s", ColumnData::Str(Strings::from_iter([Some("line\nbreak"), None]))),
            Column::new("f", ColumnData::Float(vec![Some(0.25), None])),
            Column::new("b", ColumnData::Bool(vec![Some(false), None])),
            Column::new("d", ColumnData::Date(vec![Date::new(2015, 6, 1), None])),
            Column::new("c", ColumnData::Category(c)),
        ] {
            t.push(col).unwrap();
        }
        let mut out = Vec::new();
        t.write_csv(&mut out, Formulas::Neutralise).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "s,f,b,d,c\n\"line\nbreak\",0.25,false,2015-06-01,x\n,,,,\n");
    }
}
