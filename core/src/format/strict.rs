//! The rules every JSON input follows: models (and their `attrs` and `meta`),
//! the JSON cells and `meta.json` of CSV bundles, audit configs and scenarios.
//!
//! - the size limit ([`crate::LoadOptions::max_bytes`]) is checked first;
//! - a byte-order mark at the very start is skipped, in every input (and in
//!   TOML configs too); the text must be UTF-8;
//! - arrays and objects nest at most 127 levels ([`crate::model::MAX_DEPTH`]);
//! - a key given twice in one object is an error naming the key and the
//!   object (never "the last one wins", never "the first one wins");
//! - numbers are kept as written: a count is a whole number written without a
//!   decimal point or exponent, from 0 to 4294967295, and its error quotes it
//!   exactly as written.
//!
//! The syntax itself is serde_json's. This module adds the checks serde_json
//! does not make (duplicate keys inside raw values, the depth of raw values),
//! and is called by every reader, so no input is more lenient than another.

use std::borrow::Cow;
use std::collections::HashSet;

use crate::error::{Error, Result};

/// A key given twice in one object: the key (unescaped), the path of the
/// object holding it (`rules`, `expect.chains[0]`; empty for the top level)
/// and the byte offset of its second occurrence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Duplicate {
    /// The key.
    pub key: String,
    /// The path of the object, from the text's top level.
    pub path: String,
    /// The byte offset of the second occurrence's opening quote.
    pub offset: usize,
}

impl Duplicate {
    /// `duplicate key "x"`, with ` in attrs.a` when the object is not the top level
    /// (`prefix` names the top level: `attrs`, or empty).
    pub(crate) fn message(&self, prefix: &str) -> String {
        let path = match (prefix.is_empty(), self.path.is_empty()) {
            (true, _) => self.path.clone(),
            (false, true) => prefix.to_string(),
            (false, false) if self.path.starts_with('[') => format!("{prefix}{}", self.path),
            (false, false) => format!("{prefix}.{}", self.path),
        };
        if path.is_empty() {
            format!("duplicate key {:?}: each key may appear once in an object", self.key)
        } else {
            format!("duplicate key {:?} in {path}: each key may appear once in an object", self.key)
        }
    }

    /// [`Duplicate::message`] for a whole document, with the line and column.
    pub(crate) fn message_at(&self, line: usize, column: usize) -> String {
        let place = if self.path.is_empty() { String::new() } else { format!(" in {}", self.path) };
        format!(
            "duplicate key {:?}{place} at line {line} column {column}: each key may appear once in an object",
            self.key
        )
    }
}

/// Objects with more keys than this switch from a linear search to a hash set.
const LINEAR_KEYS: usize = 16;

enum Frame<'a> {
    /// An open object: its keys are `keys[start..]`; `set` holds them once there are many.
    Object { start: usize, set: Option<HashSet<Cow<'a, str>>> },
    /// An open array and the index of its current element.
    Array { index: usize },
}

/// The first key that appears twice in one object of `text`, which must be
/// valid JSON (checked by serde_json before). One pass over the text; each key
/// is compared with the others of its object by a linear search while the
/// object has at most 16 keys and through a hash set beyond, so the work is
/// linear in the text.
pub(crate) fn first_duplicate(text: &str) -> Option<Duplicate> {
    if !text.contains(',') {
        // Every object holds at most one key: nothing to compare (and nothing to allocate,
        // for the many small attrs of a big model).
        return None;
    }
    match scan(text, None, usize::MAX) {
        Some(Problem::Duplicate(d)) => Some(d),
        _ => None,
    }
}

/// What [`scan`] finds first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Problem {
    /// An array or object opened `limit + 1` levels deep, at this byte offset.
    Deep(usize),
    /// A key given twice in one object.
    Duplicate(Duplicate),
}

/// The first duplicate key or nesting deeper than `limit` in valid JSON
/// `text`, whichever comes first; the bytes in `skip` (a whole value, such as
/// a scenario's inline model, checked by its own reader) are passed over.
pub(crate) fn scan(text: &str, skip: Option<std::ops::Range<usize>>, limit: usize) -> Option<Problem> {
    let bytes = text.as_bytes();
    let mut frames: Vec<Frame<'_>> = Vec::new();
    let mut keys: Vec<Cow<'_, str>> = Vec::new();
    let mut expect_key = false;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(skip) = skip.as_ref().filter(|r| r.start == i) {
            i = skip.end;
            continue;
        }
        match bytes[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                // `i` is at the closing quote.
                if expect_key {
                    expect_key = false;
                    let raw = &text[start + 1..i.min(text.len())];
                    let key: Cow<'_, str> = if raw.contains('\\') {
                        serde_json::from_str::<String>(&text[start..=i.min(text.len() - 1)])
                            .map(Cow::Owned)
                            .unwrap_or(Cow::Borrowed(raw))
                    } else {
                        Cow::Borrowed(raw)
                    };
                    if let Some(Frame::Object { start: first, set }) = frames.last_mut() {
                        let seen = match set {
                            Some(set) => {
                                #[cfg(test)]
                                tests::COMPARISONS.with(|c| c.set(c.get() + 1));
                                !set.insert(key.clone())
                            }
                            None => {
                                #[cfg(test)]
                                tests::COMPARISONS.with(|c| c.set(c.get() + (keys.len() - *first) as u64));
                                keys[*first..].contains(&key)
                            }
                        };
                        if seen {
                            let d = Duplicate { path: path(&frames, &keys), key: key.into_owned(), offset: start };
                            return Some(Problem::Duplicate(d));
                        }
                        keys.push(key);
                        if set.is_none() && keys.len() - *first > LINEAR_KEYS {
                            *set = Some(keys[*first..].iter().cloned().collect());
                        }
                    }
                }
            }
            b'{' | b'[' if frames.len() >= limit => return Some(Problem::Deep(i)),
            b'{' => {
                frames.push(Frame::Object { start: keys.len(), set: None });
                expect_key = true;
            }
            b'[' => frames.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                if let Some(Frame::Object { start, .. }) = frames.pop() {
                    keys.truncate(start);
                }
                expect_key = false;
            }
            b',' => match frames.last_mut() {
                Some(Frame::Object { .. }) => expect_key = true,
                Some(Frame::Array { index }) => *index += 1,
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    None
}

/// The path of the innermost open object: each enclosing object's current key
/// and each enclosing array's current index.
fn path(frames: &[Frame<'_>], keys: &[Cow<'_, str>]) -> String {
    let mut out = String::new();
    for (n, frame) in frames.iter().enumerate().take(frames.len().saturating_sub(1)) {
        match frame {
            Frame::Object { .. } => {
                // The current key of this object is the last one pushed before the next object's keys.
                let next_start = frames[n + 1..]
                    .iter()
                    .find_map(|f| match f {
                        Frame::Object { start, .. } => Some(*start),
                        Frame::Array { .. } => None,
                    })
                    .unwrap_or(keys.len());
                if let Some(key) = next_start.checked_sub(1).and_then(|k| keys.get(k)) {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(key);
                }
            }
            Frame::Array { index } => out.push_str(&format!("[{index}]")),
        }
    }
    out
}

/// The line and column (both from 1, the column in bytes) of a byte offset.
pub(crate) fn line_col(text: &[u8], offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, col)
}

/// The first steps of reading any input held in memory: the size limit, then
/// the byte-order mark (skipped), then UTF-8.
///
/// # Errors
/// [`Error::TooLarge`] over `max_bytes`, [`Error::Syntax`] for invalid UTF-8.
pub(crate) fn decode(bytes: &[u8], max_bytes: u64) -> Result<&str> {
    if bytes.len() as u64 > max_bytes {
        return Err(Error::TooLarge { size: bytes.len() as u64, limit: max_bytes });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_col(bytes, e.valid_up_to());
        Error::Syntax { message: "invalid UTF-8".into(), line, column }
    })
}

/// `malformed JSON at line L column C: message`, the model reader's wording.
pub(crate) fn malformed_at(message: &str, line: usize, column: usize) -> String {
    format!("malformed JSON at line {line} column {column}: {message}")
}

/// A whole JSON document that is not a model (an audit config, a scenario): not
/// empty and valid JSON, its raw value (serde_json reads a raw value without
/// recursing, so depth is left to [`check_depth_and_keys`]). The error is a message
/// with the line and column: `malformed JSON at line 1 column 9: trailing comma`.
pub(crate) fn parse_document(text: &str) -> std::result::Result<&serde_json::value::RawValue, String> {
    if text.trim_matches([' ', '\n', '\r', '\t']).is_empty() {
        let (line, column) = line_col(text.as_bytes(), text.len());
        return Err(malformed_at("the document is empty", line, column));
    }
    serde_json::from_str(text).map_err(|e| malformed_at(&super::json::bare_message(&e), e.line(), e.column()))
}

/// The rest of the model's rules for a document [`parse_document`] read: at most 127
/// levels deep and no key given twice, in one pass, leaving out the bytes in `skip`
/// (a scenario's inline model, which the model reader checks itself):
/// `duplicate key "C003" in rules at line 3 column 5: each key may appear once in an object`.
pub(crate) fn check_depth_and_keys(
    text: &str,
    skip: Option<std::ops::Range<usize>>,
) -> std::result::Result<(), String> {
    match scan(text, skip, crate::model::MAX_DEPTH) {
        None => Ok(()),
        Some(Problem::Deep(at)) => {
            let (line, column) = line_col(text.as_bytes(), at);
            Err(malformed_at(&crate::model::too_deep_message(), line, column))
        }
        Some(Problem::Duplicate(d)) => {
            let (line, column) = line_col(text.as_bytes(), d.offset);
            Err(d.message_at(line, column))
        }
    }
}

/// The entries of a JSON object in document order, values raw (borrowed).
/// Duplicates are not looked for here: [`check_depth_and_keys`] or
/// [`first_duplicate`] did so before.
pub(crate) struct Entries<'a>(pub(crate) Vec<(String, &'a serde_json::value::RawValue)>);

impl<'de> serde::Deserialize<'de> for Entries<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Entries<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Entries<'de>, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, &'de serde_json::value::RawValue>()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        d.deserialize_map(Visit)
    }
}

/// What kind of JSON value raw text holds, for messages: `null`, `a boolean`,
/// `a number`, `a string`, `an array`, `a table` (configs) or `an object`.
pub(crate) fn kind_of(raw: &str, object: &'static str) -> &'static str {
    match raw.as_bytes().first() {
        Some(b'n') => "null",
        Some(b't' | b'f') => "a boolean",
        Some(b'"') => "a string",
        Some(b'[') => "an array",
        Some(b'{') => object,
        _ => "a number",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        /// Key comparisons made by [`scan`] (a set lookup counts one), for the growth test.
        pub(super) static COMPARISONS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    }

    #[test]
    fn work_grows_linearly_with_the_number_of_keys() {
        let count = |n: usize| {
            let body: Vec<String> = (0..n).map(|i| format!("\"k{i}\": [{{\"a\": 1, \"b\": 2}}]")).collect();
            let text = format!("{{{}}}", body.join(","));
            COMPARISONS.with(|c| c.set(0));
            assert_eq!(first_duplicate(&text), None);
            COMPARISONS.with(|c| c.get())
        };
        let (small, big) = (count(1_000), count(100_000));
        // At most 16 comparisons per key in a small object, one set lookup per key beyond: a
        // hundred times the keys is about a hundred times the work (a linear search of one
        // big object would be ten thousand times).
        assert!(big <= 100 * small + 1_000, "{small} comparisons for 1,000 keys, {big} for 100,000");
        assert!(big <= 17 * 300_000, "{big}");
    }

    fn dup(text: &str) -> Option<(String, String)> {
        first_duplicate(text).map(|d| (d.key, d.path))
    }

    #[test]
    fn finds_duplicates_at_any_depth_with_their_path() {
        assert_eq!(dup(r#"{"a": 1, "b": 2}"#), None);
        assert_eq!(dup(r#"{"a": 1, "a": 2}"#), Some(("a".into(), String::new())));
        assert_eq!(dup(r#"{"a": {"b": 1, "c": [{"x": 1}, {"x": 2, "x": 3}]}}"#), Some(("x".into(), "a.c[1]".into())));
        // Escapes are compared unescaped; the same key in two objects is fine.
        assert_eq!(dup(r#"{"a": 1, "\u0061": 2}"#), Some(("a".into(), String::new())));
        assert_eq!(dup(r#"[{"a": 1}, {"a": 1}]"#), None);
        // Strings that are values, and keys holding quotes, braces and commas.
        assert_eq!(dup(r#"{"a": "a", "b\"{,": "}", "c": ["a", "a"]}"#), None);
        assert_eq!(dup(r#"{"k\"": 1, "k\"": 2}"#), Some(("k\"".into(), String::new())));
    }

    #[test]
    fn large_objects_use_a_set() {
        let mut text = String::from("{");
        for i in 0..1000 {
            text.push_str(&format!("\"k{i}\": {i},"));
        }
        text.push_str("\"k999\": 0}");
        let d = first_duplicate(&text).unwrap();
        assert_eq!(d.key, "k999");
        assert_eq!(&text[d.offset..d.offset + 6], "\"k999\"");
        text.truncate(text.len() - "\"k999\": 0}".len() - 1);
        text.push('}');
        assert_eq!(first_duplicate(&text), None);
    }
}
