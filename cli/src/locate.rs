//! Where a finding is: the line of its record in the model file (for `FILE:LINE:` prefixes,
//! SARIF physical locations and GitHub annotations), and its place in the territory tree
//! (SARIF logical locations: city, district, street, community).
//!
//! The model is not asked to remember positions (the loader stays as fast as it is): the
//! file is scanned once more, in one linear pass, for the `"id"` of each record asked for.

use std::collections::HashMap;
use std::path::Path;

use tiaokuai::{Model, Node, RecordType};

/// A record's place in the model's source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The file, as named on the command line (for a CSV bundle, the folder joined with the table).
    pub file: String,
    /// The 1-based line of the record.
    pub line: usize,
}

/// Record lines of one model source.
#[derive(Debug, Default)]
pub struct Locator {
    /// By record id.
    lines: HashMap<String, Place>,
}

impl Locator {
    /// The lines of the records with `ids` in `file` (a tiaokuai/1 JSON file or a CSV bundle
    /// folder); an empty locator for the sample, standard input, or a file that cannot be
    /// read again (the findings are reported without a line then).
    pub fn new<'a>(model: &Model, file: Option<&str>, ids: impl Iterator<Item = &'a str>, max_bytes: u64) -> Locator {
        let wanted: std::collections::HashSet<&str> = ids.collect();
        let mut lines = HashMap::with_capacity(wanted.len());
        let Some(file) = file.filter(|f| *f != "-") else { return Locator { lines } };
        if wanted.is_empty() {
            return Locator { lines };
        }
        let path = Path::new(file);
        if path.is_dir() {
            // A bundle: one row per record, after the header, in the model's order of each type
            // (cells holding line breaks would shift the count; the bundle writer writes none).
            let mut row = [0usize; 4];
            for (_, record) in model.records() {
                let t = record.record_type();
                let slot = match t {
                    RecordType::Territory => 0,
                    RecordType::Unit => 1,
                    RecordType::Matter => 2,
                    _ => 3,
                };
                row[slot] += 1;
                if wanted.contains(record.id()) {
                    let table = format!("{}.csv", t.array());
                    let shown = path.join(table).display().to_string();
                    lines.insert(record.id().to_string(), Place { file: shown, line: row[slot] + 1 });
                }
            }
            return Locator { lines };
        }
        let Ok(bytes) = crate::baseline::read_bounded(path, max_bytes) else { return Locator { lines } };
        for (id, line) in record_id_lines(&bytes) {
            if wanted.contains(id.as_str()) {
                lines.entry(id).or_insert(Place { file: file.to_string(), line });
            }
        }
        Locator { lines }
    }

    /// The place of the record with this id, when known.
    pub fn place(&self, id: &str) -> Option<&Place> {
        self.lines.get(id)
    }
}

/// The ids of the records of a tiaokuai/1 document (the `"id"` members of the objects in
/// the top-level arrays) with the line each stands on, in one pass over the bytes.
pub fn record_id_lines(text: &[u8]) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let (mut i, mut line, mut depth) = (0usize, 1usize, 0usize);
    // The last string seen, when it may be a key at record depth; then whether `:` followed.
    let mut key_is_id = false;
    let mut want_value: Option<usize> = None;
    while i < text.len() {
        match text[i] {
            b'\n' => line += 1,
            b'"' => {
                let start = i + 1;
                let mut j = start;
                let mut escaped = false;
                while j < text.len() && text[j] != b'"' {
                    escaped |= text[j] == b'\\';
                    j += if text[j] == b'\\' { 2 } else { 1 };
                }
                let raw = &text[start..j.min(text.len())];
                if let Some(at) = want_value.take() {
                    let id = if escaped {
                        serde_json::from_slice::<String>(&text[i..(j + 1).min(text.len())]).ok()
                    } else {
                        std::str::from_utf8(raw).ok().map(str::to_string)
                    };
                    if let Some(id) = id {
                        out.push((id, at));
                    }
                } else {
                    key_is_id = depth == 3 && raw == b"id";
                }
                i = j + 1;
                continue;
            }
            b':' => {
                if key_is_id {
                    want_value = Some(line);
                }
                key_is_id = false;
            }
            b'{' | b'[' => {
                depth += 1;
                key_is_id = false;
                want_value = None;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                key_is_id = false;
                want_value = None;
            }
            b' ' | b'\t' | b'\r' => {}
            _ => {
                key_is_id = false;
                want_value = None;
            }
        }
        i += 1;
    }
    out
}

/// One level of a finding's place in the territory tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Level<'m> {
    /// The territory's id.
    pub id: &'m str,
    /// Its name.
    pub name: &'m str,
    /// Its kind (`city`, `district`, `street`, `community` …).
    pub kind: &'m str,
}

/// The territories above and at the finding's subject, from the top (the city) down:
/// the subject itself when it is a territory, the territory a unit is located in, else the
/// finding's street/town.
pub fn territory_path<'m>(model: &'m Model, subject: &str, township: Option<&str>) -> Vec<Level<'m>> {
    let start = model.node(subject).and_then(|n| match model.record(n) {
        tiaokuai::RecordRef::Territory(_) => Some(n),
        tiaokuai::RecordRef::Unit(u) => u.located_in,
        _ => None,
    });
    let start = start.or_else(|| township.and_then(|t| model.node(t)));
    let Some(start) = start else { return Vec::new() };
    let mut path: Vec<Node> = std::iter::once(start).chain(model.ancestors(start).filter(|n| *n != start)).collect();
    path.reverse();
    path.into_iter()
        .filter_map(|n| {
            let t = model.territory(n)?;
            Some(Level { id: t.id(), name: t.name(), kind: t.kind.as_str() })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_line_of_each_record_id_and_nothing_nested() {
        let text = br#"{"format": "tiaokuai/1",
 "territories": [
  {"id": "a", "name": "A", "kind": "city", "attrs": {"id": "not-a-record"}},
  {"name": "B",
   "id": "b\u0031", "kind": "district"}],
 "links": [{"from": "a", "to": "b1", "kind": "leads"}]}"#;
        assert_eq!(record_id_lines(text), vec![("a".to_string(), 3), ("b1".to_string(), 5)]);
    }
}
