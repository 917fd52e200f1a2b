//! Baselines: a file of accepted findings, so that a CI run fails only on new gaps.
//!
//! The file (`tiaokuai-baseline/1`, documented in docs/cli.md with the JSON schema
//! docs/tiaokuai-baseline-1.schema.json) lists entries of rule, subject and street/town,
//! each with the reason, who accepted it and an optional expiry date. A finding matching a
//! live entry is *suppressed*: it still appears in every output, counted and marked, but no
//! longer fails `--fail-on`. An expired entry suppresses nothing and is reported.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tiaokuai::Finding;

use crate::commands::Failure;

/// The format tag of a baseline file.
pub const FORMAT: &str = "tiaokuai-baseline/1";

/// The file name looked for by default.
pub const DEFAULT_NAME: &str = "tiaokuai-baseline.json";

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The rule's code, e.g. `C001`.
    pub rule: String,
    /// The id of the record the finding is about.
    pub subject: String,
    /// The street/town of the finding, when it has one.
    #[serde(default)]
    pub territory: Option<String>,
    /// Why the finding is accepted.
    pub reason: String,
    /// Who accepted it.
    pub accepted_by: String,
    /// The last day (YYYY-MM-DD) the entry suppresses the finding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

/// A baseline file's document.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    format: String,
    entries: Vec<Entry>,
}

/// A baseline read from a file.
#[derive(Debug, Default)]
pub struct Baseline {
    /// Where it was read from (`None`: no baseline).
    pub path: Option<String>,
    /// The entries, in file order.
    pub entries: Vec<Entry>,
    /// Entry positions by (rule, subject, territory).
    index: HashMap<(String, String, Option<String>), usize>,
}

/// How the baseline applies to one audit.
#[derive(Debug, Default, Serialize)]
pub struct Applied<'b> {
    /// The baseline file, or `None` when none was read.
    pub file: Option<&'b str>,
    /// How many findings a live entry suppressed.
    pub suppressed: usize,
    /// Entries past their expiry date (they suppress nothing).
    pub expired: Vec<&'b Entry>,
    /// Live entries that matched no finding (the gap was closed: the entry can go).
    pub unused: Vec<&'b Entry>,
}

/// The key of a finding in a baseline ([`Finding::key`], owned).
fn key(f: &Finding) -> (String, String, Option<String>) {
    let (rule, subject, territory) = f.key();
    (rule.to_string(), subject.to_string(), territory.map(str::to_string))
}

impl Baseline {
    /// The baseline path of this run: `--baseline FILE`, or `tiaokuai-baseline.json` beside the
    /// model file (in the working directory for the sample and standard input).
    pub fn default_path(model_file: Option<&str>) -> PathBuf {
        match model_file {
            None | Some("-") => PathBuf::from(DEFAULT_NAME),
            Some(file) => {
                let path = Path::new(file);
                // A CSV bundle is a folder: its baseline sits beside the folder, not in it.
                let dir = path.parent().unwrap_or(Path::new(""));
                dir.join(DEFAULT_NAME)
            }
        }
    }

    /// Reads the baseline at `path`. A missing default file is no baseline; a missing file
    /// named with `--baseline`, or a file that is not a baseline, is an input error naming
    /// the file (and the line and column, or the entry and field).
    pub fn read(path: &Path, explicit: bool, max_bytes: u64) -> Result<Baseline, Failure> {
        let shown = path.display().to_string();
        if !explicit && std::fs::symlink_metadata(path).is_err() {
            return Ok(Baseline::default());
        }
        let text = read_bounded(path, max_bytes).map_err(|e| format!("baseline {shown}: {e}"))?;
        let doc: Document = serde_json::from_slice(&text).map_err(|e| format!("baseline {shown}: {e}"))?;
        if doc.format != FORMAT {
            return Err(format!("baseline {shown}: format is {:?}, expected {FORMAT:?}", doc.format).into());
        }
        let mut index = HashMap::with_capacity(doc.entries.len());
        for (i, e) in doc.entries.iter().enumerate() {
            if tiaokuai::Rule::find(&e.rule).is_none() {
                return Err(format!("baseline {shown}: entries[{i}].rule: unknown rule {:?}", e.rule).into());
            }
            if let Some(d) = &e.expires {
                parse_date(d).map_err(|m| format!("baseline {shown}: entries[{i}].expires: {m}"))?;
            }
            let k = (e.rule.to_ascii_uppercase(), e.subject.clone(), e.territory.clone());
            if let Some(first) = index.insert(k, i) {
                return Err(format!(
                    "baseline {shown}: entries[{i}] repeats entries[{first}] (rule {}, subject {:?})",
                    e.rule, e.subject
                )
                .into());
            }
        }
        Ok(Baseline { path: Some(shown), entries: doc.entries, index })
    }

    /// The live entry accepting `finding` on `today` (YYYY-MM-DD), if any.
    pub fn accepts(&self, finding: &Finding, today: &str) -> Option<&Entry> {
        let e = &self.entries[*self.index.get(&key(finding))?];
        match &e.expires {
            Some(d) if d.as_str() < today => None,
            _ => Some(e),
        }
    }

    /// Splits `findings` into suppressed (`Some(entry)`) and new (`None`), in order, and says
    /// which entries expired or went unused.
    pub fn apply<'b>(&'b self, findings: &[Finding], today: &str) -> (Vec<Option<&'b Entry>>, Applied<'b>) {
        let mut used = vec![false; self.entries.len()];
        let marks: Vec<Option<&Entry>> = findings
            .iter()
            .map(|f| {
                let hit = self.accepts(f, today);
                if hit.is_some()
                    && let Some(&i) = self.index.get(&key(f))
                {
                    used[i] = true;
                }
                hit
            })
            .collect();
        let expired: Vec<&Entry> =
            self.entries.iter().filter(|e| e.expires.as_deref().is_some_and(|d| d < today)).collect();
        let unused: Vec<&Entry> = self
            .entries
            .iter()
            .zip(&used)
            .filter(|(e, used)| !**used && e.expires.as_deref().is_none_or(|d| d >= today))
            .map(|(e, _)| e)
            .collect();
        let suppressed = marks.iter().filter(|m| m.is_some()).count();
        (marks, Applied { file: self.path.as_deref(), suppressed, expired, unused })
    }

    /// The baseline accepting every finding of `findings`: entries already here keep their
    /// reason, acceptor and expiry; new ones get `reason`, `accepted_by`, `expires`.
    /// Entries of findings that are gone are dropped.
    pub fn rewritten(
        &self,
        findings: &[Finding],
        reason: &str,
        accepted_by: &str,
        expires: Option<&str>,
    ) -> Vec<Entry> {
        let mut seen = std::collections::HashSet::new();
        findings
            .iter()
            .filter(|f| seen.insert(key(f)))
            .map(|f| match self.index.get(&key(f)) {
                Some(&i) => self.entries[i].clone(),
                None => Entry {
                    rule: f.rule.to_string(),
                    subject: f.subject.clone(),
                    territory: f.territory.clone(),
                    reason: reason.to_string(),
                    accepted_by: accepted_by.to_string(),
                    expires: expires.map(str::to_string),
                },
            })
            .collect()
    }
}

/// Reads a whole file of at most `max_bytes` bytes (never reading past the limit).
pub fn read_bounded(path: &Path, max_bytes: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    file.take(max_bytes.saturating_add(1)).read_to_end(&mut bytes).map_err(|e| e.to_string())?;
    if bytes.len() as u64 > max_bytes {
        return Err(format!("larger than the limit of {max_bytes} bytes (--max-bytes)"));
    }
    Ok(bytes)
}

/// Writes a baseline document with `entries` to `path`, atomically.
pub fn write(path: &Path, entries: Vec<Entry>) -> Result<(), Failure> {
    tiaokuai::format::check_output_file(path).map_err(|e| Failure::Usage(e.to_string()))?;
    let doc = Document { format: FORMAT.to_string(), entries };
    let mut text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
    text.push('\n');
    let shown = path.display().to_string();
    tiaokuai::format::write_atomic(path, |w| {
        std::io::Write::write_all(w, text.as_bytes()).map_err(|e| tiaokuai::Error::Io {
            path: shown.clone(),
            message: e.to_string(),
            io_kind: e.kind(),
        })
    })?;
    Ok(())
}

/// Checks a date written `YYYY-MM-DD` (a real day of the Gregorian calendar).
pub fn parse_date(text: &str) -> Result<String, String> {
    let bad = || format!("{text:?}: use a date written YYYY-MM-DD");
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| text.get(r).filter(|s| s.bytes().all(|c| c.is_ascii_digit()));
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else { return Err(bad()) };
    let (y, m, d): (i64, u32, u32) =
        (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(format!("{text:?}: there is no month {m}")),
    };
    if d == 0 || d > days {
        return Err(format!("{text:?}: month {m} has no day {d}"));
    }
    Ok(text.to_string())
}

/// Today's date in UTC, `YYYY-MM-DD`.
pub fn today() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    // Day 719,162 from 0001-01-01 is 1970-01-01.
    tiaokuai::Date::from_days((secs / 86_400) as i64 + 719_162)
        .map_or_else(|| "1970-01-01".to_string(), |d| d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_checked() {
        assert!(parse_date("2024-02-29").is_ok());
        assert!(parse_date("2023-02-29").is_err());
        assert!(parse_date("2023-13-01").is_err());
        assert!(parse_date("2023-1-01").is_err());
        assert!(parse_date("+023-01-01").is_err());
        let t = today();
        assert!(parse_date(&t).is_ok(), "{t}");
        assert!(t.as_str() > "2024-01-01");
    }
}
