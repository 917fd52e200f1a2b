//! `.xlsx` bundles: one workbook holding the CSV bundle's five tables as sheets
//! named `territories`, `units`, `matters`, `items` and `links` (same columns,
//! same rules), and the model's `meta` as JSON in cell A1 of a sheet `meta`.
//! Read with calamine, written with rust_xlsxwriter (cargo feature `xlsx`, on
//! by default).
//!
//! Every cell is written as text, so ids such as `0012` or `310113003` and
//! counts come back exactly; cells a person typed as numbers, booleans or
//! dates are read as the text the format expects (`310113003`, `true`,
//! `2024-06-30`). A sheet that is not one of the bundle's is an error (a sheet
//! named `unit` would otherwise lose every unit), as is a cell holding an
//! Excel error (`#N/A`); errors name the sheet, row, column and id.

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader, Xlsx};

use super::csv::{
    FILES, MEETINGS_FILE, PEOPLE, Row, TABLES, add_row, check_header, json_object, relocate_meeting, relocate_to,
    written_columns,
};
use super::json::LoadOptions;
use crate::error::{Error, Position, Result};
use crate::model::{Model, ModelBuilder};

/// The sheet names, in [`FILES`] order.
const SHEETS: [&str; TABLES] = ["territories", "units", "matters", "items", "people", "links"];
/// The sheet of the meetings (issue #15), written when the model records any.
const MEETINGS_SHEET: &str = "meetings";
/// The sheet holding `meta` (JSON in A1).
const META_SHEET: &str = "meta";
/// How deep `meta` may nest (as in a CSV bundle's `meta.json`).
const META_DEPTH: usize = 64;

/// `A`, `B`, … `Z`, `AA` … for a 0-based column.
fn column_name(mut col: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// The date of an Excel serial day number (days since 1899-12-30), as `YYYY-MM-DD`; `None`
/// outside years 0001–9999 (the conversion itself is [`crate::Date::from_days`]'s).
fn excel_date(serial: i64) -> Option<String> {
    // Serial 25569 is 1970-01-01, day number 719,162 from 0001-01-01.
    crate::Date::from_days(serial.checked_sub(25_569)?.checked_add(719_162)?).map(|d| d.to_string())
}

/// The text of a cell, as a CSV bundle would hold it.
fn cell_text(sheet: &str, row: u32, col: u32, cell: &Data) -> Result<String> {
    let at = || format!("column {} (cell {}{})", col + 1, column_name(col), row);
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        // A number typed into a cell: whole numbers as integers (ids, counts), others as written.
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => {
            let serial = d.as_f64();
            if serial.fract() != 0.0 || d.is_duration() {
                return Err(Error::Csv {
                    file: format!("sheet {sheet}"),
                    line: u64::from(row),
                    message: format!("{}: a time of day or duration; write dates as YYYY-MM-DD", at()),
                });
            }
            excel_date(serial as i64).ok_or_else(|| Error::Csv {
                file: format!("sheet {sheet}"),
                line: u64::from(row),
                message: format!("{}: the date serial {serial} is outside years 0001-9999", at()),
            })?
        }
        Data::Error(e) => {
            return Err(Error::Csv {
                file: format!("sheet {sheet}"),
                line: u64::from(row),
                message: format!("{}: the cell holds the spreadsheet error {e}", at()),
            });
        }
    })
}

impl Model {
    /// Reads a model from an `.xlsx` bundle: one sheet per table of the CSV bundle
    /// (sheets `territories`, `units`, `matters`, `items`, `links` and `meta`; see "xlsx bundles" in `docs/format.md`).
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be read or is not an `.xlsx` workbook;
    /// [`Error::Csv`] for an unknown sheet, a missing, empty or repeated column, or
    /// a cell holding a spreadsheet error, naming the sheet, row and column; and the
    /// record-level errors of the CSV bundle, positioned as `sheet units row 5 (id "acme")`.
    ///
    /// # Example
    /// ```
    /// let model = tiaokuai::Model::sample();
    /// let path = std::env::temp_dir().join(format!("tk-doc-xlsx-{}.xlsx", std::process::id()));
    /// model.write_xlsx(&path)?;
    /// assert_eq!(tiaokuai::Model::from_xlsx(&path)?, model);
    /// # std::fs::remove_file(&path).ok();
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn from_xlsx(path: impl AsRef<Path>) -> Result<Model> {
        Self::from_xlsx_with(path, &LoadOptions::default())
    }

    /// [`Model::from_xlsx`] with options (the size limit applies to the file).
    ///
    /// # Errors
    /// As [`Model::from_xlsx`], and [`Error::TooLarge`] over the size limit.
    pub fn from_xlsx_with(path: impl AsRef<Path>, options: &LoadOptions) -> Result<Model> {
        let path = path.as_ref();
        let bytes = super::read_checked(path, 0, options.max_bytes, &mut |_| {})?;
        Self::from_xlsx_bytes_with(&bytes, options).map_err(|e| match e {
            Error::Io { path: p, message, io_kind } if p.is_empty() => {
                Error::Io { path: path.display().to_string(), message, io_kind }
            }
            e => e,
        })
    }

    /// Reads a model from the bytes of an `.xlsx` bundle.
    ///
    /// # Errors
    /// As [`Model::from_xlsx`] (an [`Error::Io`] from here has an empty path).
    pub fn from_xlsx_bytes_with(bytes: &[u8], options: &LoadOptions) -> Result<Model> {
        // A workbook is a zip: what it unpacks to, not its file size, is what is read into
        // memory. Its directory declares each part's size: over the limit in all, refused
        // before anything is unpacked (a "zip bomb" of a few kilobytes included).
        if let Some(size) = declared_size(bytes)
            && size > options.max_bytes
        {
            return Err(Error::TooLarge { size, limit: options.max_bytes });
        }
        let not_xlsx = |e: calamine::XlsxError| Error::Io {
            path: String::new(),
            message: format!("not an .xlsx workbook: {e}"),
            io_kind: std::io::ErrorKind::InvalidData,
        };
        let mut book = Xlsx::new(Cursor::new(bytes)).map_err(not_xlsx)?;
        let names = book.sheet_names();
        if let Some(other) = names
            .iter()
            .find(|n| !SHEETS.contains(&n.as_str()) && n.as_str() != META_SHEET && n.as_str() != MEETINGS_SHEET)
        {
            return Err(Error::Csv {
                file: format!("sheet {other}"),
                line: 0,
                message: format!(
                    "not a sheet of a tiaokuai bundle; the sheets are {}, {META_SHEET}, {MEETINGS_SHEET} (its data would be lost)",
                    SHEETS.join(", ")
                ),
            });
        }
        let mut b = ModelBuilder::new();
        b.set_threads(super::parallel::threads(options.threads));
        let mut lines: [Vec<usize>; TABLES] = Default::default();
        let labels = SHEETS.map(|s| format!("sheet {s}"));
        let mut meeting_lines: Vec<usize> = Vec::new();
        let meeting_label = format!("sheet {MEETINGS_SHEET}");
        for (n, &(_, known, required)) in FILES.iter().chain([&MEETINGS_FILE]).enumerate() {
            let sheet = if n < TABLES { SHEETS[n] } else { MEETINGS_SHEET };
            if !names.iter().any(|s| s == sheet) {
                continue;
            }
            let label = if n < TABLES { labels[n].as_str() } else { meeting_label.as_str() };
            let range = book.worksheet_range(sheet).map_err(not_xlsx)?;
            let Some((first_row, first_col)) = range.start() else { continue };
            let mut rows = range.rows().enumerate();
            // Spreadsheet rows and columns are 1-based; the range starts at its first used cell.
            let text = |i: usize, row: &[Data]| -> Result<Vec<String>> {
                let r = first_row + i as u32 + 1;
                row.iter().enumerate().map(|(c, cell)| cell_text(sheet, r, first_col + c as u32, cell)).collect()
            };
            let Some((i, header)) = rows.next() else { continue };
            let mut headers: Vec<String> = text(i, header)?.into_iter().map(|h| h.trim().to_string()).collect();
            // Blank cells right of the header: a cell under one is an error below.
            while headers.last().is_some_and(String::is_empty) {
                headers.pop();
            }
            let header_row = u64::from(first_row) + 1;
            check_header(label, &headers).map_err(|e| match e {
                Error::Csv { file, message, .. } => Error::Csv { file, line: header_row, message },
                e => e,
            })?;
            if let Some(column) = required.iter().find(|c| !headers.iter().any(|h| h == *c)) {
                return Err(Error::Csv {
                    file: label.into(),
                    line: header_row,
                    message: format!("missing column {column:?}; the header must include {}", required.join(", ")),
                });
            }
            for (i, row) in rows {
                let mut cells = text(i, row)?;
                if cells.iter().all(String::is_empty) {
                    continue; // a blank row, as a CSV reader skips a blank line
                }
                let line = first_row as usize + i + 1;
                if let Some(c) = cells.iter().skip(headers.len()).position(|c| !c.is_empty()) {
                    let col = first_col + (headers.len() + c) as u32;
                    return Err(Error::Csv {
                        file: label.into(),
                        line: line as u64,
                        message: format!(
                            "column {} (cell {}{line}) has no header; its cell would be lost",
                            col + 1,
                            column_name(col)
                        ),
                    });
                }
                cells.truncate(headers.len());
                if n < TABLES { &mut lines[n] } else { &mut meeting_lines }.push(line);
                let record = csv::StringRecord::from(cells);
                let row = Row { file: label, line, headers: &headers, known, record: &record };
                add_row(&mut b, n, &row).map_err(|e| {
                    let e = relocate_to(e, &lines, labels.each_ref().map(String::as_str));
                    relocate_meeting(e, &meeting_lines, &meeting_label)
                })?;
            }
        }
        if names.iter().any(|s| s == META_SHEET) {
            let range = book.worksheet_range(META_SHEET).map_err(not_xlsx)?;
            let at = || Position::record("meta.json", 1, None);
            let text = match range.get_value((0, 0)) {
                Some(cell) => cell_text(META_SHEET, 1, 0, cell)?,
                None => String::new(),
            };
            if range.used_cells().any(|(r, c, _)| (r, c) != (0, 0)) {
                return Err(Error::Csv {
                    file: format!("sheet {META_SHEET}"),
                    line: 1,
                    message: "the meta sheet holds one JSON object in cell A1 and nothing else".into(),
                });
            }
            if !text.is_empty() {
                let meta = json_object(&text, META_DEPTH).map_err(|message| Error::InvalidField {
                    at: at(),
                    field: "meta".into(),
                    message,
                })?;
                b.meta(meta);
            }
        }
        b.build().map_err(|e| {
            let e = relocate_to(e, &lines, labels.each_ref().map(String::as_str));
            relocate_meeting(e, &meeting_lines, &meeting_label)
        })
    }

    /// The model as the bytes of an `.xlsx` bundle: the five tables as sheets (every
    /// sheet written, with its header, even when empty), every cell as text, and a
    /// `meta` sheet when the model has meta.
    ///
    /// # Errors
    /// [`Error::Io`] when a table does not fit a sheet: more than 1,048,575 rows
    /// (a national model; use JSON or a CSV bundle) or a cell over 32,767 characters.
    pub fn to_xlsx_bytes(&self) -> Result<Vec<u8>> {
        let fail = |what: String| Error::Io { path: String::new(), message: what, io_kind: std::io::ErrorKind::Other };
        let mut book = rust_xlsxwriter::Workbook::new();
        for (n, &(_, columns, _)) in FILES.iter().enumerate() {
            if n == PEOPLE && !self.has_people() {
                continue;
            }
            let keep = written_columns(self, n);
            let sheet = book.add_worksheet();
            sheet.set_name(SHEETS[n]).map_err(|e| fail(e.to_string()))?;
            for (c, &k) in keep.iter().enumerate() {
                sheet.write_string(0, c as u16, columns[k]).map_err(|e| fail(e.to_string()))?;
            }
            for (r, row) in self.table_rows(n).enumerate() {
                let r = u32::try_from(r + 1).ok().filter(|&r| r < 1_048_576).ok_or_else(|| {
                    fail(format!("sheet {} would have more than 1,048,575 rows, the most a sheet holds", SHEETS[n]))
                })?;
                for (c, cell) in keep.iter().map(|&k| &row[k]).enumerate() {
                    if !cell.is_empty() {
                        sheet.write_string(r, c as u16, cell).map_err(|e| {
                            fail(format!("sheet {} cell {}{}: {e}", SHEETS[n], column_name(c as u32), r + 1))
                        })?;
                    }
                }
            }
        }
        if !self.meetings().is_empty() {
            crate::meetings::check_topic_ids(self)?;
            let sheet = book.add_worksheet();
            sheet.set_name(MEETINGS_SHEET).map_err(|e| fail(e.to_string()))?;
            for (c, name) in MEETINGS_FILE.1.iter().enumerate() {
                sheet.write_string(0, c as u16, *name).map_err(|e| fail(e.to_string()))?;
            }
            for (r, m) in self.meetings().iter().enumerate() {
                let r = u32::try_from(r + 1).ok().filter(|&r| r < 1_048_576).ok_or_else(|| {
                    fail(format!("sheet {MEETINGS_SHEET} would have more than 1,048,575 rows, the most a sheet holds"))
                })?;
                for (c, cell) in crate::meetings::meeting_row(self, m).iter().enumerate() {
                    if !cell.is_empty() {
                        sheet.write_string(r, c as u16, cell).map_err(|e| {
                            fail(format!("sheet {MEETINGS_SHEET} cell {}{}: {e}", column_name(c as u32), r + 1))
                        })?;
                    }
                }
            }
        }
        if let Some(meta) = self.meta() {
            let sheet = book.add_worksheet();
            sheet.set_name(META_SHEET).map_err(|e| fail(e.to_string()))?;
            sheet.write_string(0, 0, meta.as_json()).map_err(|e| fail(format!("sheet meta cell A1: {e}")))?;
        }
        book.save_to_buffer().map_err(|e| fail(e.to_string()))
    }

    /// Writes the model as an `.xlsx` bundle ([`Model::to_xlsx_bytes`]) to `path`,
    /// atomically ([`super::write_atomic`]: never through a symbolic link or onto a device).
    ///
    /// # Errors
    /// As [`Model::to_xlsx_bytes`], and [`Error::Io`] when the file cannot be written.
    pub fn write_xlsx(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let bytes = self.to_xlsx_bytes().map_err(|e| match e {
            Error::Io { message, io_kind, .. } => Error::Io { path: path.display().to_string(), message, io_kind },
            e => e,
        })?;
        super::write_atomic(path, |w| std::io::Write::write_all(w, &bytes).map_err(|e| Error::io(path, &e)))
    }
}

/// The sum of the uncompressed sizes a zip's central directory declares (`u64::MAX` for a
/// ZIP64 entry, whose size does not fit the directory); `None` when the bytes hold no
/// readable directory (then the workbook reader reports what is wrong).
fn declared_size(bytes: &[u8]) -> Option<u64> {
    let u16_at =
        |i: usize| -> Option<usize> { Some(u16::from_le_bytes(bytes.get(i..i + 2)?.try_into().ok()?) as usize) };
    let u32_at = |i: usize| -> Option<u32> { Some(u32::from_le_bytes(bytes.get(i..i + 4)?.try_into().ok()?)) };
    // The end-of-central-directory record: 22 bytes and a comment of at most 64 KiB, at the end.
    let last = bytes.len().checked_sub(22)?;
    let eocd = (last.saturating_sub(0xFFFF)..=last).rev().find(|&i| bytes[i..i + 4] == [0x50, 0x4b, 0x05, 0x06])?;
    let entries = u16_at(eocd + 10)?;
    let mut at = u32_at(eocd + 16)? as usize;
    let mut total: u64 = 0;
    for _ in 0..entries {
        if bytes.get(at..at + 4)? != [0x50, 0x4b, 0x01, 0x02] {
            return None;
        }
        let size = u32_at(at + 24)?;
        if size == u32::MAX {
            return Some(u64::MAX);
        }
        total = total.saturating_add(u64::from(size));
        at += 46 + u16_at(at + 28)? + u16_at(at + 30)? + u16_at(at + 32)?;
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_and_dates() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(27), "AB");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
        assert_eq!(excel_date(45473).as_deref(), Some("2024-06-30"));
        assert_eq!(excel_date(25569).as_deref(), Some("1970-01-01"));
        assert_eq!(excel_date(36526).as_deref(), Some("2000-01-01"));
        assert_eq!(excel_date(3_000_000), None, "past year 9999");
    }
}
