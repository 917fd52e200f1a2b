//! Plain-text tables for people: aligned columns that count CJK characters as
//! two columns wide, the way terminals show them.

use std::borrow::Cow;

use unicode_width::UnicodeWidthStr;

/// Escapes what a terminal would act on rather than show: control characters
/// (C0 but line feed, DEL, C1: `\e` for escape, `\t`, `\r`, `\u{7f}` for
/// the others) and the invisible bidirectional controls that reorder a line
/// (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), so a name such as
/// `"\x1b]0;pwned\x07"` shows as text. For human (table) output and error
/// messages only: JSON and CSV carry names exactly. [`Table`] escapes its cells
/// with it before measuring them, so an escaped name keeps its row aligned.
///
/// # Example
/// ```
/// use tiaokuai::render::escape_terminal;
/// assert_eq!(escape_terminal("a\x1b[31mb\x07"), "a\\e[31mb\\u{7}");
/// assert_eq!(escape_terminal("友谊路街道"), "友谊路街道");
/// ```
pub fn escape_terminal(text: &str) -> Cow<'_, str> {
    fn unsafe_char(c: char) -> bool {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    }
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\x1b' => out.push_str("\\e"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if unsafe_char(c) => {
                use std::fmt::Write as _;
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A cell wider than this many terminal columns does not widen its column: it
/// overflows into the row's next column instead. Without the cap one very long
/// id would pad every other row of its column to its width, and the table's
/// text would grow with rows × that width; with it a rendered table is at most
/// its cells' own text plus `MAX_PAD + 2` characters per cell.
pub const MAX_PAD: usize = 64;

/// An aligned plain-text table.
///
/// # Example
/// ```
/// use tiaokuai::render::Table;
/// let mut t = Table::new(["id", "name"]);
/// t.row(["yyl", "友谊路街道"]);
/// t.row(["wusong-street", "吴淞街道"]);
/// assert_eq!(t.render(), "id             name\n-------------  ----------\nyyl            友谊路街道\nwusong-street  吴淞街道\n");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headers.
    pub fn new<I, S>(headers: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Table { headers: headers.into_iter().map(Into::into).collect(), rows: Vec::new() }
    }

    /// Adds a row; missing cells are empty, extra cells are kept.
    pub fn row<I, S>(&mut self, cells: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.rows.push(cells.into_iter().map(Into::into).collect());
        self
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The table as text: the header, a rule, one line per row, columns two spaces apart,
    /// no trailing spaces; cells escaped for a terminal ([`escape_terminal`]). Columns are
    /// as wide as their widest cell up to [`MAX_PAD`]; a wider cell is written whole and
    /// pushes the rest of its row to the right.
    pub fn render(&self) -> String {
        let columns = self.rows.iter().map(Vec::len).chain([self.headers.len()]).max().unwrap_or(0);
        let mut widths = vec![0usize; columns];
        for row in std::iter::once(&self.headers).chain(&self.rows) {
            for (i, cell) in row.iter().enumerate() {
                widths[i] = widths[i].max(escape_terminal(cell).width().min(MAX_PAD));
            }
        }
        let mut out = String::new();
        let line = |out: &mut String, cells: &[String]| {
            let mut text = String::new();
            for (i, w) in widths.iter().enumerate() {
                let cell = escape_terminal(cells.get(i).map(String::as_str).unwrap_or(""));
                if i > 0 {
                    text.push_str("  ");
                }
                text.push_str(&cell);
                text.extend(std::iter::repeat_n(' ', w.saturating_sub(cell.width())));
            }
            out.push_str(text.trim_end());
            out.push('\n');
        };
        line(&mut out, &self.headers);
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        line(&mut out, &rule);
        for row in &self.rows {
            line(&mut out, row);
        }
        out
    }
}

impl std::fmt::Display for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_very_wide_cell_does_not_pad_every_row() {
        // One 100,000-character id among 1,000 rows: before the cap every row was
        // padded to it (about 100 MB of spaces); now the text is its cells plus a bounded pad.
        let wide = "x".repeat(100_000);
        let mut t = Table::new(["subject", "message"]);
        t.row([wide.as_str(), "m"]);
        for i in 0..1_000 {
            t.row([format!("u{i}"), "m".to_string()]);
        }
        let cells: usize = 100_000 + 1 + 1_000 * 6 + "subjectmessage".len();
        let text = t.render();
        assert!(text.len() <= cells + 1_002 * 2 * (MAX_PAD + 2), "{} bytes", text.len());
        assert!(text.contains(&wide), "the wide cell is written whole");
        assert_eq!(text.lines().nth(3).unwrap(), format!("{:<w$}  m", "u0", w = MAX_PAD), "short rows stay aligned");
    }

    #[test]
    fn escaped_cells_keep_their_rows_aligned() {
        let mut t = Table::new(["name", "kind"]);
        t.row(["a\u{202e}b", "x"]);
        t.row(["plain", "y"]);
        let text = t.render();
        assert!(!text.contains('\u{202e}'));
        let rows: Vec<&str> = text.lines().skip(2).collect();
        assert_eq!(rows[0].find('x'), rows[1].find('y'), "{text}");
    }

    #[test]
    fn narrow_tables_are_unchanged() {
        let mut t = Table::new(["a", "b"]);
        t.row(["xyz", "1"]);
        assert_eq!(t.render(), "a    b\n---  -\nxyz  1\n");
    }
}
