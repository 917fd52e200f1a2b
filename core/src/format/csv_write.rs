//! Writing CSV: one small RFC 4180 writer for every CSV the project writes
//! (bundles, the Neo4j and edge-list exports, the CLI's audit and metrics CSV).
//!
//! It replaces the `csv` crate's writer, whose quoting of a long cell rescans
//! the rest of the cell for the next `"` each time its 8 KB buffer fills, so a
//! cell that must be quoted but holds few quotes (line breaks, commas) costs
//! time in the square of its length (a 64 MB cell of line breaks: 6.4 s). This
//! writer looks at each byte of a cell at most twice.

use std::io::{self, Write};

/// What a CSV writer does with text cells that a spreadsheet would read as a
/// formula (OWASP "CSV injection").
///
/// A text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return
/// is written with a single quote `'` in front, and quoted: spreadsheets then
/// show it as text instead of evaluating it. A text cell that already begins
/// with `'` gets one more in front too, so the rule stays reversible (remove
/// one leading `'` from a cell that has one) and two distinct cells never
/// come out equal. Numbers, dates, booleans and other values the writer
/// produces itself are never changed, so a negative count stays a number.
///
/// # Example
/// ```
/// use tiaokuai::format::{CsvWriter, Formulas};
/// let mut w = CsvWriter::new(Vec::new(), Formulas::Neutralise);
/// w.text("=HYPERLINK(\"http://x\")")?;
/// w.text("'quoted")?;
/// w.value("-4")?;
/// w.end_record()?;
/// assert_eq!(w.into_inner(), b"\"'=HYPERLINK(\"\"http://x\"\")\",\"''quoted\",-4\n");
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Formulas {
    /// Prefix `'` to text cells that would be read as formulas (and to cells beginning with `'`).
    #[default]
    Neutralise,
    /// Write every cell as it is (for tools that are not spreadsheets and want the exact text).
    Keep,
}

impl Formulas {
    /// True when `cell`, written as a text cell under this setting, gets a `'` in front.
    ///
    /// # Example
    /// ```
    /// use tiaokuai::format::Formulas;
    /// assert!(Formulas::Neutralise.guards("-1+2") && Formulas::Neutralise.guards("'x"));
    /// assert!(!Formulas::Neutralise.guards("a=b") && !Formulas::Keep.guards("=1"));
    /// ```
    pub fn guards(self, cell: &str) -> bool {
        self == Formulas::Neutralise
            && matches!(cell.as_bytes().first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r' | b'\''))
    }
}

/// Options of the CSV exports ([`crate::export::write_neo4j_with`],
/// [`crate::export::write_edgelist_with`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct CsvOptions {
    /// What to do with cells a spreadsheet would read as formulas; [`Formulas::Neutralise`] by default.
    pub formulas: Formulas,
}

impl CsvOptions {
    /// Options with this formula setting.
    pub fn formulas(formulas: Formulas) -> Self {
        CsvOptions { formulas }
    }
}

/// An RFC 4180 CSV writer: fields separated by `,`, records ended by `\n`;
/// a field holding `,`, `"`, a carriage return or a line feed is quoted, its
/// quotes doubled. Work and output are linear in the size of the cells.
///
/// Cells are written one at a time with [`CsvWriter::text`] (text from the
/// model or the user, neutralised per [`Formulas`]) or [`CsvWriter::value`]
/// (numbers, dates, words the writer chose: never changed), and a record is
/// ended with [`CsvWriter::end_record`]. Wrap a file in a `BufWriter`: each
/// cell is a few small writes.
///
/// # Example
/// ```
/// use tiaokuai::format::{CsvWriter, Formulas};
/// let mut w = CsvWriter::new(Vec::new(), Formulas::Keep);
/// w.record(["id", "name"])?;
/// w.record(["a", "line\nbreak, \"quoted\""])?;
/// assert!(w.multiline());
/// assert_eq!(w.into_inner(), b"id,name\na,\"line\nbreak, \"\"quoted\"\"\"\n");
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct CsvWriter<W: Write> {
    out: W,
    formulas: Formulas,
    /// Fields written in the current record.
    fields: usize,
    /// The current record's only field so far was empty (written as nothing).
    only_empty: bool,
    multiline: bool,
    scanned: u64,
}

impl<W: Write> CsvWriter<W> {
    /// A writer into `out`, treating formula-like text cells as `formulas` says.
    pub fn new(out: W, formulas: Formulas) -> Self {
        CsvWriter { out, formulas, fields: 0, only_empty: false, multiline: false, scanned: 0 }
    }

    /// Writes a text cell: one that comes from the model or the user. Under
    /// [`Formulas::Neutralise`], one that begins like a formula (or with `'`)
    /// gets a `'` in front and is quoted.
    ///
    /// # Errors
    /// The underlying writer's error.
    pub fn text(&mut self, cell: &str) -> io::Result<()> {
        let guard = self.formulas.guards(cell);
        self.cell(cell, guard)
    }

    /// Writes a value cell: a number, date, boolean or a fixed word of the
    /// format, written as it is (quoted only when it must be).
    ///
    /// # Errors
    /// The underlying writer's error.
    pub fn value(&mut self, cell: &str) -> io::Result<()> {
        self.cell(cell, false)
    }

    /// Writes text cells and ends the record.
    ///
    /// # Errors
    /// The underlying writer's error.
    pub fn record<'a>(&mut self, cells: impl IntoIterator<Item = &'a str>) -> io::Result<()> {
        for c in cells {
            self.text(c)?;
        }
        self.end_record()
    }

    /// Ends the current record. A record of one empty field is written `""`,
    /// so that readers do not take it for a blank line.
    ///
    /// # Errors
    /// The underlying writer's error.
    pub fn end_record(&mut self) -> io::Result<()> {
        if self.fields == 1 && self.only_empty {
            self.out.write_all(b"\"\"")?;
        }
        self.fields = 0;
        self.only_empty = false;
        self.out.write_all(b"\n")
    }

    /// True when some cell written so far held a line break (Neo4j's importer then needs
    /// `--multiline-fields=true`).
    pub fn multiline(&self) -> bool {
        self.multiline
    }

    /// The bytes of cells examined so far (each byte is looked at once or twice).
    /// For tests that check the work stays linear.
    #[doc(hidden)]
    pub fn scanned(&self) -> u64 {
        self.scanned
    }

    /// Flushes the underlying writer.
    ///
    /// # Errors
    /// The underlying writer's error.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// The underlying writer (not flushed).
    pub fn into_inner(self) -> W {
        self.out
    }

    fn cell(&mut self, cell: &str, guard: bool) -> io::Result<()> {
        if self.fields > 0 {
            self.out.write_all(b",")?;
        }
        self.fields += 1;
        self.only_empty = cell.is_empty();
        let bytes = cell.as_bytes();
        // First pass: the first byte that forces quoting.
        let special = bytes.iter().position(|&b| matches!(b, b',' | b'"' | b'\r' | b'\n'));
        self.scanned += special.map_or(bytes.len(), |i| i + 1) as u64;
        let Some(first) = special.or(guard.then_some(bytes.len())) else {
            return self.out.write_all(bytes);
        };
        self.out.write_all(if guard { b"\"'" } else { b"\"" })?;
        // Second pass, from there on: double each quote, note line breaks.
        let mut start = 0;
        for (i, &b) in bytes.iter().enumerate().skip(first) {
            match b {
                b'"' => {
                    self.out.write_all(&bytes[start..=i])?;
                    self.out.write_all(b"\"")?;
                    start = i + 1;
                }
                b'\n' | b'\r' => self.multiline = true,
                _ => {}
            }
        }
        self.scanned += (bytes.len() - first) as u64;
        self.out.write_all(&bytes[start..])?;
        self.out.write_all(b"\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(formulas: Formulas, cell: &str) -> String {
        let mut w = CsvWriter::new(Vec::new(), formulas);
        w.text(cell).unwrap();
        w.end_record().unwrap();
        String::from_utf8(w.into_inner()).unwrap()
    }

    #[test]
    fn quoting_follows_rfc_4180() {
        let k = Formulas::Keep;
        assert_eq!(one(k, "plain"), "plain\n");
        assert_eq!(one(k, ""), "\"\"\n");
        assert_eq!(one(k, "a,b"), "\"a,b\"\n");
        assert_eq!(one(k, "a\"b\"\""), "\"a\"\"b\"\"\"\"\"\n");
        assert_eq!(one(k, "a\r\nb"), "\"a\r\nb\"\n");
        assert_eq!(one(k, "=1+2"), "=1+2\n");
        assert_eq!(one(Formulas::Neutralise, "=1+2"), "\"'=1+2\"\n");
        assert_eq!(one(Formulas::Neutralise, "@x,\"y\""), "\"'@x,\"\"y\"\"\"\n");
        assert_eq!(one(Formulas::Neutralise, "\tx"), "\"'\tx\"\n");
        assert_eq!(one(Formulas::Neutralise, "a=1"), "a=1\n");
    }

    #[test]
    fn work_is_linear_in_the_cell() {
        // Each byte of a cell is examined at most twice, whatever it holds.
        for fill in ["a", "\"", "\n", ",", "\r\n\","] {
            for n in [1 << 10, 1 << 16] {
                let cell = format!(",{}", fill.repeat(n / fill.len()));
                let mut w = CsvWriter::new(std::io::sink(), Formulas::Keep);
                w.text(&cell).unwrap();
                assert!(w.scanned() <= 2 * cell.len() as u64, "{fill:?} x {n}: {}", w.scanned());
            }
        }
    }
}
