//! Text encodings of CSV files: UTF-8 (with or without a byte-order mark) and
//! GB18030, the superset of GBK and GB2312 that Excel in mainland China saves
//! CSV in. Decoding is strict: a byte sequence that is not valid in the
//! encoding is an error naming the file, line and column, never a
//! replacement character.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};

/// What an invalid-UTF-8 error adds, so the user knows the way out.
pub(super) const GB18030_HINT: &str =
    "a CSV file saved by Excel in China is usually GB18030/GBK: read it with the encoding gb18030 (--encoding gb18030)";

/// UTF-8's byte-order mark.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
/// GB18030's byte-order mark (U+FEFF encoded in GB18030).
const GB18030_BOM: &[u8] = b"\x84\x31\x95\x33";

/// The text encoding of a CSV file ([`crate::LoadOptions::encoding`]).
///
/// # Example
/// ```
/// use tiaokuai::format::Encoding;
/// assert_eq!("gbk".parse::<Encoding>()?, Encoding::Gb18030);
/// assert_eq!("UTF-8".parse::<Encoding>()?, Encoding::Utf8);
/// assert!("latin1".parse::<Encoding>().is_err());
/// # Ok::<(), tiaokuai::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Encoding {
    /// UTF-8 (a byte-order mark is skipped).
    Utf8,
    /// GB18030, which includes GBK and GB2312 (a GB18030 byte-order mark is skipped).
    Gb18030,
}

impl Encoding {
    /// The name: `utf-8` or `gb18030`.
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Gb18030 => "gb18030",
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Encoding {
    type Err = Error;

    /// `utf-8` (`utf8`), or `gb18030` (also `gbk`, `gb2312`, `cp936`: GB18030 reads them all);
    /// case-insensitive.
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" => Ok(Encoding::Utf8),
            "gb18030" | "gbk" | "gb2312" | "cp936" => Ok(Encoding::Gb18030),
            _ => Err(Error::Invalid {
                what: "encoding".into(),
                message: format!("unknown encoding {s:?}; expected utf-8 or gb18030 (gbk)"),
            }),
        }
    }
}

/// The UTF-8 text of a CSV file's bytes, without a byte-order mark: a mark decides the
/// encoding; without one, `encoding` does (UTF-8 when `None`). UTF-8 is returned as it
/// is (borrowed; the CSV reader reports invalid UTF-8 with its line); GB18030 is decoded
/// strictly, and a malformed sequence is an [`Error::Csv`] with its line and column.
pub(super) fn decode<'a>(file: &str, bytes: &'a [u8], encoding: Option<Encoding>) -> Result<Cow<'a, [u8]>> {
    if let Some(rest) = bytes.strip_prefix(UTF8_BOM) {
        return Ok(Cow::Borrowed(rest));
    }
    let (gb, rest) = match bytes.strip_prefix(GB18030_BOM) {
        Some(rest) => (true, rest),
        None => (encoding == Some(Encoding::Gb18030), bytes),
    };
    if !gb {
        return Ok(Cow::Borrowed(rest));
    }
    let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(rest.len() + rest.len() / 2 + 16);
    let mut read = 0;
    loop {
        out.reserve(decoder.max_utf8_buffer_length_without_replacement(rest.len() - read).unwrap_or(16).max(16));
        let (result, n) = decoder.decode_to_string_without_replacement(&rest[read..], &mut out, true);
        read += n;
        match result {
            encoding_rs::DecoderResult::InputEmpty => return Ok(Cow::Owned(out.into_bytes())),
            encoding_rs::DecoderResult::OutputFull => continue,
            encoding_rs::DecoderResult::Malformed(bad, _) => {
                // ASCII bytes (the line break among them) never occur inside a GB18030
                // sequence, so the line is the count of line breaks before the bad bytes.
                let at = read.saturating_sub(bad as usize);
                let before = &rest[..at];
                let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
                let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
                let column =
                    encoding_rs::GB18030.decode_without_bom_handling(&before[line_start..]).0.chars().count() + 1;
                return Err(Error::Csv {
                    file: file.into(),
                    line,
                    message: format!(
                        "column {column}: bytes {} are not valid GB18030 (is the file UTF-8? then leave out the encoding)",
                        rest[at..(at + (bad as usize).max(1)).min(rest.len())]
                            .iter()
                            .map(|b| format!("{b:02X}"))
                            .collect::<Vec<_>>()
                            .join(" ")
                    ),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gb(text: &str) -> Vec<u8> {
        encoding_rs::GB18030.encode(text).0.into_owned()
    }

    #[test]
    fn a_mark_decides_and_the_option_reads_files_without_one() {
        let text = "id,name,kind\n310113003,友谊路街道,street\n";
        let utf8_bom = [UTF8_BOM, text.as_bytes()].concat();
        assert_eq!(&*decode("t.csv", &utf8_bom, Some(Encoding::Gb18030)).unwrap(), text.as_bytes());
        let gb_bom = [GB18030_BOM, &gb(text)].concat();
        assert_eq!(&*decode("t.csv", &gb_bom, None).unwrap(), text.as_bytes());
        assert_eq!(&*decode("t.csv", &gb(text), Some(Encoding::Gb18030)).unwrap(), text.as_bytes());
        // Without a mark or the option the bytes are taken as UTF-8, unchanged.
        assert_eq!(&*decode("t.csv", &gb(text), None).unwrap(), &gb(text)[..]);
        // Beyond GBK: a four-byte GB18030 character.
        let rare = "id,name,kind\nx,𠀀,street\n";
        assert_eq!(&*decode("t.csv", &gb(rare), Some(Encoding::Gb18030)).unwrap(), rare.as_bytes());
    }

    #[test]
    fn a_malformed_sequence_names_its_line_and_column() {
        let mut bytes = gb("id,name,kind\nx,友谊");
        bytes.extend_from_slice(b"\x81\x20,street\n");
        let e = decode("territories.csv", &bytes, Some(Encoding::Gb18030)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "territories.csv line 2: column 5: bytes 81 are not valid GB18030 (is the file UTF-8? then leave out the encoding)"
        );
    }
}
