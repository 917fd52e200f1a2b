//! A fast path for the loader's most numerous small records: a JSON object whose values are
//! all plain strings (no escapes), whole numbers or booleans, as the generator and most
//! exporters write a person (`{"id": "p-1"}`) or a link (`{"from": …, "to": …, "kind":
//! "holds", "post": …, "grade": 12, "since": …}`).
//!
//! [`scan`] reads such an object in one pass without serde's per-field machinery; anything
//! else (an escape, a nested value, `null`, a float, an unknown or repeated field, a
//! syntax error) makes it give up, and the caller parses the record with serde as before,
//! so every answer and every error message is exactly serde's. It only accepts a subset of
//! what serde accepts, and reads that subset the same way (the tests below compare the two).

/// A value of a flat object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flat<'a> {
    /// A string without escapes or control characters, without its quotes.
    Str(&'a str),
    /// A whole number as written: digits, no sign, no leading zero.
    Digits(&'a str),
    /// `true` or `false`.
    Bool(bool),
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while let Some(b' ' | b'\n' | b'\r' | b'\t') = b.get(i) {
        i += 1;
    }
    i
}

/// A string starting after its opening quote at `i`: its text and the index after the
/// closing quote, or `None` for an escape, a control character or no closing quote.
#[inline]
fn string(text: &str, i: usize) -> Option<(&str, usize)> {
    let b = text.as_bytes();
    let len = b.get(i..)?.iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20)?;
    let end = i + len;
    (b[end] == b'"').then(|| (&text[i..end], end + 1))
}

/// Reads a flat JSON object (`text` as a `RawValue` holds it), calling `field` with each key
/// and value in order; `field` returns false to give up (an unknown or repeated key, a
/// value of the wrong type). True when the whole text was read.
pub(crate) fn scan<'a>(text: &'a str, mut field: impl FnMut(&'a str, Flat<'a>) -> bool) -> bool {
    let b = text.as_bytes();
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return false;
    }
    i = skip_ws(b, i + 1);
    if b.get(i) == Some(&b'}') {
        return skip_ws(b, i + 1) == b.len();
    }
    loop {
        if b.get(i) != Some(&b'"') {
            return false;
        }
        let Some((key, next)) = string(text, i + 1) else { return false };
        i = skip_ws(b, next);
        if b.get(i) != Some(&b':') {
            return false;
        }
        i = skip_ws(b, i + 1);
        let value = match b.get(i) {
            Some(b'"') => {
                let Some((s, next)) = string(text, i + 1) else { return false };
                i = next;
                Flat::Str(s)
            }
            Some(b'0'..=b'9') => {
                let len = b[i..].iter().position(|c| !c.is_ascii_digit()).unwrap_or(b.len() - i);
                // JSON has no leading zeros; a fraction or exponent follows as '.', 'e' or 'E',
                // which is neither a separator nor white space, so the check below gives up.
                if len > 1 && b[i] == b'0' {
                    return false;
                }
                let digits = &text[i..i + len];
                i += len;
                Flat::Digits(digits)
            }
            Some(b't') if b[i..].starts_with(b"true") => {
                i += 4;
                Flat::Bool(true)
            }
            Some(b'f') if b[i..].starts_with(b"false") => {
                i += 5;
                Flat::Bool(false)
            }
            _ => return false,
        };
        if !field(key, value) {
            return false;
        }
        i = skip_ws(b, i);
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            Some(b'}') => return skip_ws(b, i + 1) == b.len(),
            _ => return false,
        }
    }
}

/// Sets `slot` to `value` unless it is set already (a repeated key: serde's error).
#[inline]
pub(crate) fn once<T>(slot: &mut Option<T>, value: T) -> bool {
    if slot.is_some() {
        return false;
    }
    *slot = Some(value);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Option<Vec<(&str, Flat<'_>)>> {
        let mut out = Vec::new();
        scan(text, |k, v| {
            out.push((k, v));
            true
        })
        .then_some(out)
    }

    #[test]
    fn reads_flat_objects() {
        assert_eq!(all("{}"), Some(vec![]));
        assert_eq!(all(" { } "), Some(vec![]));
        assert_eq!(all(r#"{"id":"p-1"}"#), Some(vec![("id", Flat::Str("p-1"))]));
        assert_eq!(
            all("{ \"a\" : \"中文\" ,\n\t\"g\":12,\r\"z\":0, \"t\":true,\"f\":false }"),
            Some(vec![
                ("a", Flat::Str("中文")),
                ("g", Flat::Digits("12")),
                ("z", Flat::Digits("0")),
                ("t", Flat::Bool(true)),
                ("f", Flat::Bool(false))
            ])
        );
        assert_eq!(all(r#"{"e":""}"#), Some(vec![("e", Flat::Str(""))]));
    }

    #[test]
    fn gives_up_on_anything_else() {
        for text in [
            r#"{"id":"a\"b"}"#,
            r#"{"id":"a\nb"}"#,
            "{\"id\":\"a\u{1}b\"}",
            r#"{"id":null}"#,
            r#"{"g":1.5}"#,
            r#"{"g":1e3}"#,
            r#"{"g":-1}"#,
            r#"{"g":012}"#,
            r#"{"g":12x}"#,
            r#"{"t":truex}"#,
            r#"{"t":tru}"#,
            r#"{"a":{}}"#,
            r#"{"a":[]}"#,
            r#"{"a":"b",}"#,
            r#"{"a":"b""#,
            r#"{"a":"b"} x"#,
            r#"{"a" "b"}"#,
            r#"{"a":"b" "c":"d"}"#,
            r#"{a:"b"}"#,
            r#"{"a\u0041":"b"}"#,
            r#"["a"]"#,
            r#"{"a":"b"}}"#,
            r#"{"a":"b"#,
            "",
            "{",
        ] {
            assert_eq!(all(text), None, "{text}");
        }
        // The callback gives up: the scan does.
        assert!(!scan(r#"{"a":"b"}"#, |_, _| false));
    }

    #[test]
    fn repeated_keys_are_refused_by_once() {
        let mut id = None;
        assert!(!scan(r#"{"id":"a","id":"b"}"#, |k, v| match (k, v) {
            ("id", Flat::Str(s)) => once(&mut id, s),
            _ => false,
        }));
    }

    /// Every text the scan accepts, serde reads the same way.
    #[test]
    fn agrees_with_serde_where_it_reads() {
        use std::collections::BTreeMap;
        for text in [
            "{}",
            r#"{"id":"p-1","name":"张三"}"#,
            "{ \"a\" : \"x y\" ,\n\t\"g\":12,\r\"z\":0, \"t\":true,\"f\":false }",
        ] {
            let ours = all(text).unwrap();
            let theirs: BTreeMap<String, serde_json::Value> = serde_json::from_str(text).unwrap();
            assert_eq!(ours.len(), theirs.len(), "{text}");
            for (k, v) in ours {
                let t = &theirs[k];
                match v {
                    Flat::Str(s) => assert_eq!(t.as_str(), Some(s), "{text}"),
                    Flat::Digits(d) => assert_eq!(t.to_string(), d, "{text}"),
                    Flat::Bool(x) => assert_eq!(t.as_bool(), Some(x), "{text}"),
                }
            }
        }
    }
}
