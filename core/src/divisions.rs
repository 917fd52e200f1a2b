//! Importing China's administrative divisions (NBS 2023 statistical division codes).
//!
//! The four tables of `data/divisions/` (provinces, prefectures, counties and
//! township-level units, 44,703 rows) are embedded in the library and parsed
//! once, on first use; [`Divisions::from_dir`] reads the same four files from a
//! folder instead (a newer edition, or a custom extract). The embedded tables
//! ([`Divisions::embedded`], [`import`]) need the cargo feature `divisions`, on by
//! default; without it the library is 1.7 MB smaller and the rest of this module works
//! on tables you supply.
//!
//! [`import`] turns any part of the tree into a [`Model`] holding only
//! territories: `""` or `"all"` gives all of China under a `country` territory
//! `CN` (中华人民共和国); a 2-, 4-, 6- or 9-digit code gives that division with
//! everything inside it, below its ancestors (so `"310113"` gives
//! 31 上海市 → 310113 宝山区 → its 13 township-level units). The root is the
//! province or municipality unless all of China is requested.
//!
//! # Mapping
//! - Ids are the codes; names are kept verbatim.
//! - Province rows become `province` territories, except the four
//!   municipalities (11 北京, 12 天津, 31 上海, 50 重庆), which are `city`.
//! - Prefecture rows become `city`, county rows `district`.
//! - Township rows take their kind from the 7th code digit: `0` → `street`
//!   (街道), `1` → `town` (镇), `2` and `3` → `township` (乡, 民族乡), `4` and
//!   `5` → `zone` (类似乡级单位: development zones, farms).
//! - The municipalities' prefecture rows — "市辖区" (1101, 1201, 3101, 5001) and
//!   Chongqing's "县" (5002) — are groupings, not places: they are not imported,
//!   their counties hang directly under the municipality, and each such county
//!   records the original prefecture code in its attrs
//!   (`{"prefecture_code": "3101"}`), so nothing is lost. Every other row
//!   becomes a territory, including the provinces' "省直辖县级行政区划"
//!   prefecture rows (e.g. 4290), which do group real counties.
//!
//! # Example
//! ```
//! use tiaokuai::{divisions, RecordType, TerritoryKind};
//! let model = divisions::import("310113")?;
//! assert_eq!(model.count(RecordType::Territory), 1 + 1 + 13);
//! let baoshan = model.node("310113").unwrap();
//! assert_eq!(model.territory(baoshan).unwrap().kind, TerritoryKind::District);
//! // The district hangs directly under the municipality; the 市辖区 row is kept in attrs.
//! assert_eq!(model.id(model.parent(baoshan).unwrap()), "31");
//! let attrs = model.territory(baoshan).unwrap().row().attrs.as_ref().unwrap();
//! assert_eq!(attrs.as_json(), r#"{"prefecture_code":"3101"}"#);
//! # Ok::<(), tiaokuai::Error>(())
//! ```

use std::collections::HashMap;
use std::path::Path;

mod changes;
pub use changes::{Ambiguous, CodeChange, DivisionChanges, name_stem};

use crate::error::{Error, Result};
use crate::model::{Attrs, Model, ModelBuilder, TerritoryKind, TerritorySpec};

/// The `meta.source` of an import from the embedded tables.
pub const SOURCE: &str = "NBS 2023 statistical division codes";

/// The id of the `country` territory created when all of China is imported.
pub const COUNTRY_ID: &str = "CN";

/// The name of the `country` territory.
pub const COUNTRY_NAME: &str = "中华人民共和国";

/// The province-level codes of the four municipalities (直辖市), imported as `city`.
pub const MUNICIPALITIES: [&str; 4] = ["11", "12", "31", "50"];

/// The file names of the four tables, top level first.
pub const FILES: [&str; 4] = ["provinces.csv", "cities.csv", "areas.csv", "streets.csv"];

#[cfg(feature = "divisions")]
const EMBEDDED_CSV: [&str; 4] = [
    include_str!("../data/divisions/provinces.csv"),
    include_str!("../data/divisions/cities.csv"),
    include_str!("../data/divisions/areas.csv"),
    include_str!("../data/divisions/streets.csv"),
];

/// The four levels of the division tables, plus the country above them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DivisionLevel {
    /// The whole country (no row in the tables; id [`COUNTRY_ID`]).
    Country,
    /// 省级: a province, autonomous region or municipality (2-digit code).
    Province,
    /// 地级: a prefecture-level city, prefecture or league (4-digit code).
    Prefecture,
    /// 县级: a district, county or county-level city (6-digit code).
    County,
    /// 乡级: a street, town, township or township-like zone (9-digit code).
    Township,
}

impl DivisionLevel {
    /// The number of code digits at this level (0 for the country).
    pub fn digits(self) -> usize {
        match self {
            DivisionLevel::Country => 0,
            DivisionLevel::Province => 2,
            DivisionLevel::Prefecture => 4,
            DivisionLevel::County => 6,
            DivisionLevel::Township => 9,
        }
    }
}

/// One row of the division tables.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Division {
    /// The statistical code (2, 4, 6 or 9 digits).
    pub code: Box<str>,
    /// The name, verbatim.
    pub name: Box<str>,
    /// The level.
    pub level: DivisionLevel,
    /// The code of the row one level up (`provinceCode`, `cityCode` or `areaCode`); `None` for provinces.
    pub parent: Option<Box<str>>,
}

/// One territory of an import, in document order (see [`Divisions::tree`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TreeEntry<'a> {
    /// The territory id: the code, or [`COUNTRY_ID`].
    pub id: &'a str,
    /// The name.
    pub name: &'a str,
    /// The territory kind.
    pub kind: TerritoryKind,
    /// The level of the row it comes from.
    pub level: DivisionLevel,
    /// The id of the containing territory in the imported tree.
    pub parent: Option<&'a str>,
    /// For a county of a municipality: the code of the skipped "市辖区"/"县" prefecture row.
    pub prefecture_code: Option<&'a str>,
}

/// The parsed division tables: every province, prefecture, county and township.
///
/// # Example
/// ```
/// use tiaokuai::divisions::Divisions;
/// let d = Divisions::embedded();
/// assert_eq!(d.townships().len(), 41_352);
/// assert_eq!(d.get("310113").unwrap().name.as_ref(), "宝山区");
/// ```
#[derive(Debug, Clone)]
pub struct Divisions {
    /// The rows of each table, sorted by code: provinces, prefectures, counties, townships.
    tables: [Vec<Division>; 4],
    /// Code → (table, index).
    index: HashMap<Box<str>, (u8, u32)>,
    /// For each row of the first three tables: the indices of its children in the next table, by code.
    children: [Vec<Vec<u32>>; 3],
    source: String,
}

const LEVELS: [DivisionLevel; 4] =
    [DivisionLevel::Province, DivisionLevel::Prefecture, DivisionLevel::County, DivisionLevel::Township];

/// The columns each table needs: the code, the name, then the parent codes to check.
const COLUMNS: [&[&str]; 4] = [
    &["code", "name"],
    &["code", "name", "provinceCode"],
    &["code", "name", "cityCode", "provinceCode"],
    &["code", "name", "areaCode", "cityCode", "provinceCode"],
];

/// The territory kind of a township-level code, from its 7th digit; `None` for
/// a code that is not 9 digits or a type digit other than 0–5.
///
/// # Example
/// ```
/// use tiaokuai::{divisions::township_kind, TerritoryKind};
/// assert_eq!(township_kind("310113003"), Some(TerritoryKind::Street));
/// assert_eq!(township_kind("310113501"), Some(TerritoryKind::Zone));
/// ```
pub fn township_kind(code: &str) -> Option<TerritoryKind> {
    if code.len() != 9 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(match code.as_bytes()[6] {
        b'0' => TerritoryKind::Street,
        b'1' => TerritoryKind::Town,
        b'2' | b'3' => TerritoryKind::Township,
        b'4' | b'5' => TerritoryKind::Zone,
        _ => return None,
    })
}

/// True for the province-level code of a municipality (11, 12, 31, 50).
pub fn is_municipality(code: &str) -> bool {
    MUNICIPALITIES.contains(&code)
}

fn csv_err(file: &str, line: u64, message: impl Into<String>) -> Error {
    Error::Csv { file: file.to_string(), line, message: message.into() }
}

fn invalid(message: String) -> Error {
    Error::Invalid { what: "division code".into(), message }
}

impl Divisions {
    /// The embedded NBS 2023 tables, parsed on first use (about 0.1 s in release mode).
    ///
    /// With the cargo feature `divisions` (on by default), which embeds the 1.7 MB of tables.
    ///
    /// # Panics
    /// Never: the embedded tables are checked by the test suite.
    #[cfg(feature = "divisions")]
    pub fn embedded() -> &'static Divisions {
        static EMBEDDED: std::sync::OnceLock<Divisions> = std::sync::OnceLock::new();
        EMBEDDED.get_or_init(|| {
            let [p, c, a, s] = EMBEDDED_CSV;
            let mut d = Divisions::from_csv(p, c, a, s).expect("the embedded division tables are valid");
            d.source = SOURCE.to_string();
            d
        })
    }

    /// Reads `provinces.csv`, `cities.csv`, `areas.csv` and `streets.csv` from a
    /// folder (the layout of `data/divisions/`; see its README for the columns).
    ///
    /// # Errors
    /// [`Error::Io`] when a file cannot be read, [`Error::Csv`] when one is not
    /// UTF-8, and the errors of [`Divisions::from_csv`].
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<Divisions> {
        let dir = dir.as_ref();
        let read = |name: &str| {
            let path = dir.join(name);
            let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, &e))?;
            String::from_utf8(bytes).map_err(|e| {
                let valid = e.utf8_error().valid_up_to();
                let line = 1 + e.as_bytes()[..valid].iter().filter(|&&b| b == b'\n').count() as u64;
                csv_err(name, line, "is not valid UTF-8")
            })
        };
        let texts = [read(FILES[0])?, read(FILES[1])?, read(FILES[2])?, read(FILES[3])?];
        let mut d = Divisions::from_csv(&texts[0], &texts[1], &texts[2], &texts[3])?;
        d.source = format!("division codes from {}", dir.display());
        Ok(d)
    }

    /// Parses the four tables from their CSV text. Columns are found by their
    /// header names; other columns are ignored.
    ///
    /// # Errors
    /// [`Error::Csv`] naming the file and line for a malformed row, a missing
    /// column, a code of the wrong length or with non-digits, an empty name, a
    /// duplicate code, a parent code that no row of the table above has, parent
    /// codes that disagree with each other, or a township type digit other than 0–5.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::divisions::Divisions;
    /// let d = Divisions::from_csv(
    ///     "code,name\n31,\"上海市\"\n",
    ///     "code,name,provinceCode\n3101,\"市辖区\",31\n",
    ///     "code,name,cityCode,provinceCode\n310113,\"宝山区\",3101,31\n",
    ///     "code,name,areaCode,provinceCode,cityCode\n310113003,\"友谊路街道\",310113,31,3101\n",
    /// )?;
    /// assert_eq!(d.import("all")?.len(), 4); // CN, 31, 310113, 310113003
    /// let err = Divisions::from_csv("code,name\n3x,\"?\"\n", "code,name,provinceCode\n", "", "").unwrap_err();
    /// assert_eq!(err.to_string(), r#"provinces.csv line 2: code "3x" must be 2 digits"#);
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn from_csv(provinces: &str, cities: &str, areas: &str, streets: &str) -> Result<Divisions> {
        let mut d = Divisions {
            tables: Default::default(),
            index: HashMap::with_capacity(45_000),
            children: Default::default(),
            source: "custom division codes".to_string(),
        };
        for (t, text) in [provinces, cities, areas, streets].into_iter().enumerate() {
            d.parse_table(t, text)?;
        }
        // Re-index by code order (rows were indexed in file order while parsing).
        for t in 0..4 {
            d.tables[t].sort_by(|a, b| a.code.cmp(&b.code));
            for (i, row) in d.tables[t].iter().enumerate() {
                d.index.insert(row.code.clone(), (t as u8, i as u32));
            }
        }
        for t in 1..4 {
            let mut children = vec![Vec::new(); d.tables[t - 1].len()];
            for (i, row) in d.tables[t].iter().enumerate() {
                let parent = row.parent.as_deref().expect("rows below provinces have a parent");
                let (_, p) = d.index[parent];
                children[p as usize].push(i as u32);
            }
            d.children[t - 1] = children;
        }
        Ok(d)
    }

    fn parse_table(&mut self, t: usize, text: &str) -> Result<()> {
        let file = FILES[t];
        let level = LEVELS[t];
        let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
        let headers = reader.headers().map_err(|e| csv_error(file, &e))?.clone();
        if headers.is_empty() && text.trim().is_empty() {
            return Ok(());
        }
        let cols: Vec<usize> = COLUMNS[t]
            .iter()
            .map(|c| {
                headers.iter().position(|h| h.trim_start_matches('\u{feff}') == *c).ok_or_else(|| {
                    let have: Vec<&str> = headers.iter().collect();
                    csv_err(file, 1, format!("missing column {c:?} (the header has: {})", have.join(", ")))
                })
            })
            .collect::<Result<_>>()?;
        // Code → line, for duplicate detection within this table.
        let mut seen: HashMap<Box<str>, u64> = HashMap::new();
        let mut record = csv::StringRecord::new();
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => return Err(csv_error(file, &e)),
            }
            let line = record.position().map_or(0, |p| p.line());
            let fields: Vec<&str> = cols.iter().map(|&c| record.get(c).unwrap_or("").trim()).collect();
            let code = fields[0];
            let digits = level.digits();
            if code.len() != digits || !code.bytes().all(|b| b.is_ascii_digit()) {
                return Err(csv_err(file, line, format!("code {code:?} must be {digits} digits")));
            }
            if level == DivisionLevel::Township && township_kind(code).is_none() {
                return Err(csv_err(
                    file,
                    line,
                    format!("code {code:?}: unknown township type digit {:?} (7th digit; expected 0–5)", &code[6..7]),
                ));
            }
            let name = fields[1];
            if name.is_empty() {
                return Err(csv_err(file, line, format!("code {code:?}: the name is empty")));
            }
            if let Some(first) = seen.insert(code.into(), line) {
                return Err(csv_err(file, line, format!("duplicate code {code:?}, first on line {first}")));
            }
            // The parent codes: the direct parent first, then the ones above it, which must agree.
            let parent = if t == 0 { None } else { Some(self.check_parents(t, line, &fields)?) };
            self.index.insert(code.into(), (t as u8, self.tables[t].len() as u32));
            self.tables[t].push(Division { code: code.into(), name: name.into(), level, parent });
        }
        Ok(())
    }

    /// Checks the parent columns of a row of table `t` (1–3) and returns the direct parent code.
    fn check_parents(&self, t: usize, line: u64, fields: &[&str]) -> Result<Box<str>> {
        let code = fields[0];
        let field = |i: usize| fields[i];
        let file = FILES[t];
        let direct = field(2);
        let row_of = |want: &str, table: usize| {
            self.index
                .get(want)
                .filter(|&&(pt, _)| pt as usize == table)
                .map(|&(pt, pi)| &self.tables[pt as usize][pi as usize])
        };
        let Some(parent) = row_of(direct, t - 1) else {
            return Err(csv_err(
                file,
                line,
                format!("code {code:?}: {} {direct:?} names no row of {}", COLUMNS[t][2], FILES[t - 1]),
            ));
        };
        // Walk up from the parent row, comparing each ancestor with the row's own column for it.
        let mut expected = parent.parent.as_deref();
        for (col, up) in (3..COLUMNS[t].len()).zip((0..t - 1).rev()) {
            let given = field(col);
            let Some(want) = expected else { break };
            if given != want {
                return Err(csv_err(
                    file,
                    line,
                    format!(
                        "code {code:?}: {} {given:?} disagrees with {} {direct:?}, which lies in {want:?}",
                        COLUMNS[t][col], COLUMNS[t][2],
                    ),
                ));
            }
            expected = row_of(want, up).and_then(|r| r.parent.as_deref());
        }
        Ok(direct.into())
    }

    /// Where the tables came from: [`SOURCE`] for the embedded ones, the folder for [`Divisions::from_dir`].
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The number of rows in the four tables.
    pub fn len(&self) -> usize {
        self.tables.iter().map(Vec::len).sum()
    }

    /// True when the tables hold no row.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The province-level rows, by code.
    pub fn provinces(&self) -> &[Division] {
        &self.tables[0]
    }

    /// The prefecture-level rows, by code (including the municipalities' "市辖区" rows).
    pub fn prefectures(&self) -> &[Division] {
        &self.tables[1]
    }

    /// The county-level rows, by code.
    pub fn counties(&self) -> &[Division] {
        &self.tables[2]
    }

    /// The township-level rows, by code.
    pub fn townships(&self) -> &[Division] {
        &self.tables[3]
    }

    /// The row with this code.
    pub fn get(&self, code: &str) -> Option<&Division> {
        self.index.get(code).map(|&(t, i)| &self.tables[t as usize][i as usize])
    }

    /// True for a prefecture row that is a municipality's grouping ("市辖区", "县"), not a place.
    pub fn is_grouping(&self, row: &Division) -> bool {
        row.level == DivisionLevel::Prefecture && row.parent.as_deref().is_some_and(is_municipality)
    }

    fn children_of(&self, t: usize, i: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        let list: &[u32] = if t < 3 { &self.children[t][i] } else { &[] };
        list.iter().map(move |&c| (t + 1, c as usize))
    }

    /// Checks a code prefix and returns the row it names; `None` for all of China.
    fn resolve(&self, prefix: &str) -> Result<Option<(usize, usize)>> {
        let p = prefix.trim();
        if p.is_empty() || p.eq_ignore_ascii_case("all") {
            return Ok(None);
        }
        if !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid(format!(
                "{p:?} is not a division code: use digits only (2 for a province, 4 for a prefecture, \
                 6 for a county, 9 for a township), or \"all\" for all of China"
            )));
        }
        if ![2, 4, 6, 9].contains(&p.len()) {
            return Err(invalid(format!(
                "{p:?} has {} digits; a division code has 2 (province), 4 (prefecture), 6 (county) \
                 or 9 (township) digits",
                p.len()
            )));
        }
        match self.index.get(p) {
            Some(&(t, i)) => Ok(Some((t as usize, i as usize))),
            None => Err(invalid(format!("no division has code prefix {p:?}"))),
        }
    }

    fn entry(&self, t: usize, i: usize, whole: bool) -> TreeEntry<'_> {
        let row = &self.tables[t][i];
        let kind = match row.level {
            DivisionLevel::Province if is_municipality(&row.code) => TerritoryKind::City,
            DivisionLevel::Province => TerritoryKind::Province,
            DivisionLevel::Prefecture => TerritoryKind::City,
            DivisionLevel::County => TerritoryKind::District,
            _ => township_kind(&row.code).unwrap_or(TerritoryKind::Township),
        };
        let mut parent = row.parent.as_deref();
        let mut prefecture_code = None;
        if row.level == DivisionLevel::County
            && let Some(pref) = parent.and_then(|c| self.get(c))
            && self.is_grouping(pref)
        {
            prefecture_code = parent;
            parent = pref.parent.as_deref();
        }
        if row.level == DivisionLevel::Province && whole {
            parent = Some(COUNTRY_ID);
        }
        TreeEntry { id: &row.code, name: &row.name, kind, level: row.level, parent, prefecture_code }
    }

    /// The territories an import of `prefix` creates, in document order: the
    /// country (for all of China) or the ancestors of the selected division,
    /// then the division and everything inside it, depth first by code.
    ///
    /// # Errors
    /// [`Error::Invalid`] (`what` = `"division code"`) for a prefix that is not
    /// `""`/`"all"` or a 2-, 4-, 6- or 9-digit code of some row.
    ///
    /// # Example
    /// ```
    /// let d = tiaokuai::divisions::Divisions::embedded();
    /// let tree = d.tree("310113")?;
    /// let ids: Vec<&str> = tree.iter().take(3).map(|e| e.id).collect();
    /// assert_eq!(ids, ["31", "310113", "310113003"]);
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn tree(&self, prefix: &str) -> Result<Vec<TreeEntry<'_>>> {
        let selected = self.resolve(prefix)?;
        let mut out = Vec::new();
        let mut stack: Vec<(usize, usize)> = Vec::new();
        match selected {
            None => {
                out.reserve(self.len() + 1);
                out.push(TreeEntry {
                    id: COUNTRY_ID,
                    name: COUNTRY_NAME,
                    kind: TerritoryKind::Country,
                    level: DivisionLevel::Country,
                    parent: None,
                    prefecture_code: None,
                });
                stack.extend((0..self.tables[0].len()).rev().map(|i| (0, i)));
            }
            Some((t, i)) => {
                // The ancestors, root first (a municipality's grouping row is skipped).
                let mut up = Vec::new();
                let mut cur = self.tables[t][i].parent.as_deref();
                while let Some(code) = cur {
                    let (pt, pi) = self.index[code];
                    let row = &self.tables[pt as usize][pi as usize];
                    if !self.is_grouping(row) {
                        up.push((pt as usize, pi as usize));
                    }
                    cur = row.parent.as_deref();
                }
                out.extend(up.iter().rev().map(|&(pt, pi)| self.entry(pt, pi, false)));
                if self.is_grouping(&self.tables[t][i]) {
                    // A grouping row selects its counties, under the municipality.
                    let kids: Vec<_> = self.children_of(t, i).collect();
                    stack.extend(kids.into_iter().rev());
                } else {
                    stack.push((t, i));
                }
            }
        }
        while let Some((t, i)) = stack.pop() {
            if self.is_grouping(&self.tables[t][i]) {
                let kids: Vec<_> = self.children_of(t, i).collect();
                stack.extend(kids.into_iter().rev());
                continue;
            }
            out.push(self.entry(t, i, selected.is_none()));
            let kids: Vec<_> = self.children_of(t, i).collect();
            stack.extend(kids.into_iter().rev());
        }
        Ok(out)
    }

    /// The model name of an import: the names from the root down to the selected division.
    fn title(&self, prefix: &str, tree: &[TreeEntry<'_>]) -> String {
        match self.resolve(prefix) {
            Ok(Some((t, i))) => {
                // The tree starts with the ancestors, the only entries above the selected level.
                let mut names: Vec<&str> =
                    tree.iter().take_while(|e| e.level < self.tables[t][i].level).map(|e| e.name).collect();
                if !self.is_grouping(&self.tables[t][i]) {
                    names.push(&self.tables[t][i].name);
                }
                names.concat()
            }
            _ => COUNTRY_NAME.to_string(),
        }
    }

    /// Builds the territory tree of a code prefix (see the [module docs](self)).
    ///
    /// # Errors
    /// As [`Divisions::tree`].
    pub fn import(&self, prefix: &str) -> Result<Model> {
        let (mut builder, tree) = self.builder(prefix, 0, 0)?;
        builder.meta(self.meta(prefix, &tree, &[]));
        builder.build()
    }

    /// The `meta` object of an import (`name`, `source`, `prefix`), with extra fields appended.
    pub(crate) fn meta(&self, prefix: &str, tree: &[TreeEntry<'_>], extra: &[(&str, serde_json::Value)]) -> Attrs {
        let mut meta = serde_json::Map::new();
        meta.insert("name".into(), self.title(prefix, tree).into());
        meta.insert("source".into(), self.source.clone().into());
        let p = prefix.trim();
        let p = if p.is_empty() || p.eq_ignore_ascii_case("all") { "all" } else { p };
        meta.insert("prefix".into(), p.into());
        for (k, v) in extra {
            meta.insert((*k).to_string(), v.clone());
        }
        Attrs::from_map(&meta)
    }

    /// A builder holding the territories of `prefix`, with room for more records and links.
    pub(crate) fn builder(
        &self,
        prefix: &str,
        extra_records: usize,
        links: usize,
    ) -> Result<(ModelBuilder, Vec<TreeEntry<'_>>)> {
        let tree = self.tree(prefix)?;
        let mut b = ModelBuilder::with_capacity(tree.len() + extra_records, links);
        for e in &tree {
            b.territory(territory_spec(e))?;
        }
        Ok((b, tree))
    }
}

/// The territory spec of a tree entry.
pub(crate) fn territory_spec(e: &TreeEntry<'_>) -> TerritorySpec {
    let mut spec = TerritorySpec::new(e.id, e.name, e.kind);
    if let Some(p) = e.parent {
        spec = spec.parent(p);
    }
    if let Some(code) = e.prefecture_code {
        let json = serde_json::json!({ "prefecture_code": code }).to_string();
        spec = spec.attrs(Attrs::from_json(&json).expect("a JSON object"));
    }
    spec
}

fn csv_error(file: &str, e: &csv::Error) -> Error {
    let line = e.position().map_or(0, |p| p.line());
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("has {len} fields, but the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { err, .. } => format!("field {} is not valid UTF-8", err.field() + 1),
        _ => e.to_string(),
    };
    csv_err(file, line, message)
}

/// Imports the territory tree of a code prefix from the embedded NBS 2023
/// tables: `""` or `"all"` for all of China, or a 2-, 4-, 6- or 9-digit code.
/// With the cargo feature `divisions` (on by default); without it,
/// [`Divisions::from_dir`] and [`Divisions::import`] do the same on tables you supply.
///
/// The model's meta is `{"name": …, "source": "NBS 2023 statistical division codes", "prefix": …}`.
///
/// # Errors
/// [`Error::Invalid`] with `what` = `"division code"` for a malformed or unknown prefix.
///
/// # Example
/// ```
/// use tiaokuai::{divisions, TerritoryKind};
/// let shanghai = divisions::import("31")?;
/// assert_eq!(shanghai.territories_of_kind(&TerritoryKind::District).count(), 16);
/// assert_eq!(shanghai.title().as_deref(), Some("上海市"));
/// let err = divisions::import("9999").unwrap_err();
/// assert_eq!(err.to_string(), r#"division code: no division has code prefix "9999""#);
/// # Ok::<(), tiaokuai::Error>(())
/// ```
#[cfg(feature = "divisions")]
pub fn import(prefix: &str) -> Result<Model> {
    Divisions::embedded().import(prefix)
}
