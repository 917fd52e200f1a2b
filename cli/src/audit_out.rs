//! The outputs of `tiaokuai audit`: concise lines and the wide table for people (coloured
//! by severity), JSON, JSON lines, CSV, SARIF 2.1.0 and GitHub workflow annotations.
//!
//! Every output carries the findings a baseline suppressed: listed and marked in the
//! machine formats (SARIF `suppressions`, a `suppressed` field or column), counted in the
//! human ones. Findings are serialised from [`Finding`] itself wherever a format holds
//! objects, so a field added to findings reaches JSON, JSON lines and SARIF's properties.

use std::fmt::Write as _;
use std::io::Write as _;

use anstyle::{AnsiColor, Style};
use serde::Serialize;
use serde_json::{Value, json};
use tiaokuai::render::escape_terminal;
use tiaokuai::{Finding, Model, RULES, Report, Severity};

use crate::baseline::{Applied, Entry};
use crate::commands::Failure;
use crate::locate::{Locator, territory_path};
use crate::{AuditFormat, ColorArg};

/// One audit, ready to print.
pub struct Audited<'a> {
    /// The model audited.
    pub model: &'a Model,
    /// The model's file as named on the command line (`None`: the embedded sample).
    pub file: Option<&'a str>,
    /// A title for people.
    pub title: String,
    /// The report.
    pub report: &'a Report,
    /// For each finding, the baseline entry suppressing it.
    pub marks: Vec<Option<&'a Entry>>,
    /// What the baseline did.
    pub applied: Applied<'a>,
    /// Lines of the records in the model file.
    pub locator: Locator,
}

/// Severity styles (as cargo and ruff colour them).
fn style(severity: Severity) -> Style {
    match severity {
        Severity::Error => AnsiColor::Red.on_default().bold(),
        Severity::Warning => AnsiColor::Yellow.on_default().bold(),
        Severity::Info => AnsiColor::Cyan.on_default().bold(),
    }
}

fn paint(s: &str, style: Style) -> String {
    format!("{style}{s}{style:#}")
}

/// Writes text with ANSI styles to standard output, stripping them unless colour is
/// wanted ([`ColorArg`], `NO_COLOR`, whether standard output is a terminal).
fn emit(text: &str, color: ColorArg) -> Result<(), Failure> {
    let choice = match color {
        ColorArg::Auto => anstream::ColorChoice::Auto,
        ColorArg::Always => anstream::ColorChoice::Always,
        ColorArg::Never => anstream::ColorChoice::Never,
    };
    let mut out = anstream::AutoStream::new(std::io::stdout().lock(), choice);
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// The width of the terminal standard output is, when it is one (`COLUMNS` first, as
/// shells set it); `None` for a pipe or a file, which get whole lines.
fn terminal_width() -> Option<usize> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return None;
    }
    let from_env = std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse::<usize>().ok()).filter(|&w| w > 0);
    from_env.or_else(|| terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)))
}

/// `text` cut to `width` columns (wide CJK characters count two), ending in `…` when cut;
/// whole when `width` is `None`. At least a few characters always show.
fn fit(text: &str, width: Option<usize>) -> std::borrow::Cow<'_, str> {
    use unicode_width::UnicodeWidthChar;
    let Some(width) = width else { return text.into() };
    let width = width.max(12);
    if unicode_width::UnicodeWidthStr::width(text) <= width {
        return text.into();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out.into()
}

/// Writes machine output exactly.
fn emit_plain(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

impl Audited<'_> {
    /// Prints the audit in `format`.
    pub fn print(&self, format: AuditFormat, color: ColorArg, formulas: crate::CsvFormulas) -> Result<(), Failure> {
        match format {
            AuditFormat::Concise => emit(&self.concise(), color),
            AuditFormat::Table => emit(&self.table(), color),
            AuditFormat::Json => emit_plain(&self.json()?),
            AuditFormat::JsonLines => emit_plain(&self.json_lines()?),
            AuditFormat::Csv => self.csv(formulas),
            AuditFormat::Sarif => emit_plain(&self.sarif()?),
            AuditFormat::Github => emit_plain(&self.github()),
        }
    }

    /// The findings no baseline entry accepts.
    fn new_findings(&self) -> impl Iterator<Item = &Finding> {
        self.report.findings.iter().zip(&self.marks).filter(|(_, m)| m.is_none()).map(|(f, _)| f)
    }

    /// New findings at a severity.
    pub fn count_new(&self, severity: Severity) -> usize {
        self.new_findings().filter(|f| f.severity == severity).count()
    }

    /// `FILE:LINE: ` for a finding whose record was found in the model file.
    fn prefix(&self, f: &Finding) -> String {
        self.locator.place(&f.subject).map_or_else(String::new, |p| format!("{}:{}: ", p.file, p.line))
    }

    /// One line per new finding, then the counts and the metrics summary. On a terminal
    /// each line is cut to its width (the message ends in `…`; `--format table`, JSON and
    /// a pipe give it whole).
    fn concise(&self) -> String {
        let width = terminal_width();
        let mut s = String::new();
        for f in self.new_findings() {
            let head = escape_terminal(&self.prefix(f)).into_owned();
            let mut plain =
                format!("{head}{}[{} {}] {}", f.severity.as_str(), f.rule, f.name, escape_terminal(&f.subject));
            let _ = write!(
                s,
                "{head}{}{} {}",
                paint(f.severity.as_str(), style(f.severity)),
                paint(&format!("[{} {}]", f.rule, f.name), Style::new().bold()),
                escape_terminal(&f.subject)
            );
            if let Some(t) = &f.territory {
                let _ = write!(s, " @{}", escape_terminal(t));
                let _ = write!(plain, " @{}", escape_terminal(t));
            }
            let message = escape_terminal(&f.message);
            let used = unicode_width::UnicodeWidthStr::width(plain.as_str()) + 2;
            let _ = writeln!(s, ": {}", fit(&message, width.map(|w| w.saturating_sub(used))));
        }
        if s.is_empty() {
            s.push_str("no new findings\n");
        }
        s.push('\n');
        s.push_str(&self.footer());
        s
    }

    /// The wide table of new findings, then the counts and the metrics summary.
    fn table(&self) -> String {
        let records = self.model.count_records();
        let at = self.model.date().map(|d| format!(" at {d}")).unwrap_or_default();
        let mut s = format!(
            "Audit of {}{at}: {} records, {} links\n\n",
            escape_terminal(&self.title),
            records,
            self.model.count_links()
        );
        let mut t = tiaokuai::render::Table::new(["severity", "rule", "name", "subject", "street/town", "message"]);
        let mut any = false;
        for f in self.new_findings() {
            any = true;
            t.row([f.severity.as_str(), f.rule, f.name, &f.subject, f.territory.as_deref().unwrap_or(""), &f.message]);
        }
        if any {
            // The severity is the first cell of each row: coloured after the table is laid out.
            for line in escape_terminal(&t.render()).lines() {
                let word = line.split(' ').next().unwrap_or("");
                match word.parse::<Severity>() {
                    Ok(sev) if word == sev.as_str() => {
                        let _ = writeln!(s, "{}{}", paint(word, style(sev)), &line[word.len()..]);
                    }
                    _ => {
                        let _ = writeln!(s, "{line}");
                    }
                }
            }
        } else {
            s.push_str("no new findings\n");
        }
        s.push('\n');
        s.push_str(&self.footer());
        s
    }

    /// The counts (new, then suppressed), the baseline's expired and unused entries, the metrics.
    fn footer(&self) -> String {
        let mut s = String::new();
        let [e, w, i] = Severity::ALL.map(|sev| self.count_new(sev));
        let _ = writeln!(
            s,
            "{} findings: {}, {}, {}",
            e + w + i,
            paint(&format!("{e} errors"), if e > 0 { style(Severity::Error) } else { Style::new() }),
            paint(&format!("{w} warnings"), if w > 0 { style(Severity::Warning) } else { Style::new() }),
            paint(&format!("{i} infos"), if i > 0 { style(Severity::Info) } else { Style::new() }),
        );
        s.push_str(&escape_terminal(&self.baseline_lines()));
        s.push_str(&escape_terminal(&metrics_summary(&self.report.metrics)));
        s
    }

    /// What the baseline did, in plain lines (empty without a baseline).
    fn baseline_lines(&self) -> String {
        let mut s = String::new();
        let Some(file) = self.applied.file else { return s };
        let suppressed = |sev: Severity| {
            self.report.findings.iter().zip(&self.marks).filter(|(f, m)| m.is_some() && f.severity == sev).count()
        };
        let [e, w, i] = Severity::ALL.map(suppressed);
        let _ = writeln!(
            s,
            "{} suppressed by the baseline {file}: {e} errors, {w} warnings, {i} infos (listed with --format json)",
            self.applied.suppressed
        );
        for entry in &self.applied.expired {
            let _ = writeln!(
                s,
                "baseline entry expired on {}: {} {}{} (accepted by {}: {}); the finding counts again",
                entry.expires.as_deref().unwrap_or(""),
                entry.rule,
                entry.subject,
                entry.territory.as_deref().map(|t| format!(" @{t}")).unwrap_or_default(),
                entry.accepted_by,
                entry.reason
            );
        }
        if !self.applied.unused.is_empty() {
            let _ = writeln!(
                s,
                "{} baseline entries match no finding any more (the gaps were closed): rewrite with --write-baseline",
                self.applied.unused.len()
            );
        }
        s
    }

    /// The report as JSON: the core report's summary counting new findings only, the new
    /// findings, the suppressed ones with their entries, the baseline, the metrics.
    fn json(&self) -> Result<String, Failure> {
        let mut summary = self.report.summary.clone();
        let mut suppressed = Vec::new();
        for (f, m) in self.report.findings.iter().zip(&self.marks) {
            let Some(entry) = m else { continue };
            match f.severity {
                Severity::Error => summary.errors -= 1,
                Severity::Warning => summary.warnings -= 1,
                Severity::Info => summary.infos -= 1,
            }
            if let Some(r) = summary.rules.iter_mut().find(|r| r.code == f.rule) {
                r.findings -= 1;
            }
            suppressed.push(Marked { finding: f, suppressed: Some(entry) });
        }
        let doc = json!({
            "summary": summary,
            "findings": self.new_findings().collect::<Vec<_>>(),
            "suppressed": suppressed,
            "baseline": self.applied,
            "metrics": self.report.metrics,
        });
        let mut text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
        text.push('\n');
        Ok(text)
    }

    /// One finding per line; suppressed ones carry their entry in `suppressed`.
    fn json_lines(&self) -> Result<String, Failure> {
        let mut s = String::new();
        for (f, m) in self.report.findings.iter().zip(&self.marks) {
            let line = serde_json::to_string(&Marked { finding: f, suppressed: *m }).map_err(|e| e.to_string())?;
            s.push_str(&line);
            s.push('\n');
        }
        Ok(s)
    }

    /// CSV, one row per finding; `suppressed` holds the baseline's reason for accepted ones.
    fn csv(&self, formulas: crate::CsvFormulas) -> Result<(), Failure> {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        let mut w = tiaokuai::format::CsvWriter::new(&mut out, formulas.into());
        w.record(["rule", "name", "severity", "subject", "territory", "message", "suppressed"])?;
        for (f, m) in self.report.findings.iter().zip(&self.marks) {
            for cell in
                [f.rule, f.name, f.severity.as_str(), &f.subject, f.territory.as_deref().unwrap_or(""), &f.message]
            {
                w.text(cell)?;
            }
            w.text(m.map_or("", |e| e.reason.as_str()))?;
            w.end_record()?;
        }
        w.flush()?;
        out.flush()?;
        Ok(())
    }

    /// SARIF 2.1.0: one run, the catalogue as the tool's rules, one result per finding
    /// (suppressed ones with an external suppression), physical locations in the model
    /// file and logical ones down the territory tree.
    fn sarif(&self) -> Result<String, Failure> {
        let rules: Vec<Value> = RULES
            .iter()
            .map(|r| {
                json!({
                    "id": r.code,
                    "name": r.name,
                    "shortDescription": {"text": r.summary},
                    "fullDescription": {"text": format!("{}. Source: {}.", r.summary, r.source)},
                    "help": {
                        "text": format!("{} ({}): {}. Source: {}. See docs/rules.md.", r.code, r.name, r.summary, r.source),
                    },
                    "defaultConfiguration": {"level": level(r.default_severity)},
                    "properties": {"family": r.family.as_str(), "profile": r.profile, "tags": [r.family.as_str()]},
                })
            })
            .collect();
        let mut results = Vec::with_capacity(self.report.findings.len());
        for (f, m) in self.report.findings.iter().zip(&self.marks) {
            let mut location = serde_json::Map::new();
            if let Some(place) = self.locator.place(&f.subject) {
                location.insert(
                    "physicalLocation".into(),
                    json!({
                        "artifactLocation": {"uri": uri(&place.file)},
                        "region": {"startLine": place.line},
                    }),
                );
            }
            let mut logical = Vec::new();
            let mut qualified = String::new();
            for level in territory_path(self.model, &f.subject, f.territory.as_deref()) {
                if !qualified.is_empty() {
                    qualified.push('/');
                }
                qualified.push_str(level.id);
                logical.push(json!({"name": level.name, "fullyQualifiedName": qualified, "kind": level.kind}));
            }
            if !logical.iter().any(|l| l["fullyQualifiedName"].as_str().is_some_and(|q| q.ends_with(&f.subject))) {
                let name = self.model.get(&f.subject).map_or(f.subject.as_str(), |r| r.name());
                let full = if qualified.is_empty() { f.subject.clone() } else { format!("{qualified}/{}", f.subject) };
                let kind = self.model.get(&f.subject).map_or("record", |r| r.record_type().as_str());
                logical.push(json!({"name": name, "fullyQualifiedName": full, "kind": kind}));
            }
            location.insert("logicalLocations".into(), Value::Array(logical));
            let mut result = json!({
                "ruleId": f.rule,
                "ruleIndex": RULES.iter().position(|r| r.code == f.rule),
                "level": level(f.severity),
                "message": {"text": f.message},
                "locations": [Value::Object(location)],
                "partialFingerprints": {
                    "tiaokuaiFinding/v1": format!("{}:{}:{}", f.rule, f.subject, f.territory.as_deref().unwrap_or("")),
                },
                "properties": serde_json::to_value(f).map_err(|e| e.to_string())?,
            });
            if let Some(entry) = m {
                result["suppressions"] = json!([{
                    "kind": "external",
                    "status": "accepted",
                    "justification": format!("{} (accepted by {})", entry.reason, entry.accepted_by),
                    "properties": entry,
                }]);
            }
            results.push(result);
        }
        let mut run = json!({
            "tool": {"driver": {
                "name": "tiaokuai",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://example.invalid/tiaokuai",
                "rules": rules,
            }},
            "results": results,
            "properties": {
                "baseline": self.applied,
                "counts": {"errors": self.count_new(Severity::Error), "warnings": self.count_new(Severity::Warning),
                           "infos": self.count_new(Severity::Info), "suppressed": self.applied.suppressed},
            },
        });
        if let Some(file) = self.file.filter(|f| *f != "-" && !std::path::Path::new(f).is_dir()) {
            run["artifacts"] = json!([{"location": {"uri": uri(file)}}]);
        }
        let doc = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [run],
        });
        let mut text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
        text.push('\n');
        Ok(text)
    }

    /// GitHub Actions workflow commands: one annotation per new finding, a notice with the
    /// counts (suppressed included), a warning per expired baseline entry.
    fn github(&self) -> String {
        let mut s = String::new();
        for f in self.new_findings() {
            let kind = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut props = Vec::new();
            if let Some(p) = self.locator.place(&f.subject) {
                props.push(format!("file={}", gh_property(&p.file)));
                props.push(format!("line={}", p.line));
            }
            props.push(format!("title={}", gh_property(&format!("{} {} ({})", f.rule, f.name, f.subject))));
            let _ = writeln!(s, "::{kind} {}::{}", props.join(","), gh_data(&f.message));
        }
        let _ = writeln!(
            s,
            "::notice title=tiaokuai audit::{}",
            gh_data(&format!(
                "{} errors, {} warnings, {} infos; {} suppressed by the baseline",
                self.count_new(Severity::Error),
                self.count_new(Severity::Warning),
                self.count_new(Severity::Info),
                self.applied.suppressed
            ))
        );
        for entry in &self.applied.expired {
            let _ = writeln!(
                s,
                "::warning title=tiaokuai baseline::{}",
                gh_data(&format!(
                    "entry {} {} expired on {} ({})",
                    entry.rule,
                    entry.subject,
                    entry.expires.as_deref().unwrap_or(""),
                    entry.reason
                ))
            );
        }
        s
    }
}

/// A finding with the baseline entry suppressing it, serialised flat.
#[derive(Serialize)]
struct Marked<'a> {
    #[serde(flatten)]
    finding: &'a Finding,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: Option<&'a Entry>,
}

/// SARIF levels: error, warning, note.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A relative file path as a URI reference (`/` separators, reserved bytes percent-encoded).
fn uri(path: &str) -> String {
    let path = path.replace(std::path::MAIN_SEPARATOR, "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    let mut s = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            s.push(b as char);
        } else {
            let _ = write!(s, "%{b:02X}");
        }
    }
    s
}

/// A workflow command's message: `%`, CR and LF escaped.
fn gh_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A workflow command's property value: also `:` and `,`.
fn gh_property(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// `83.3% (5/6)`, or `-` when the denominator is 0.
fn pct(n: u64, d: u64) -> String {
    if d == 0 { "-".to_string() } else { format!("{:.1}% ({n}/{d})", 100.0 * n as f64 / d as f64) }
}

/// A few lines of metrics: the top areas of the model (countries, provinces, cities or
/// districts, at most 3 of them) with their coverage rates.
pub fn metrics_summary(m: &tiaokuai::Metrics) -> String {
    let levels = [&m.countries, &m.provinces, &m.cities, &m.districts, &m.townships];
    let Some(areas) = levels.into_iter().find(|a| !a.is_empty()) else { return String::new() };
    let mut s = String::from("\nmetrics:\n");
    for a in areas.iter().take(3) {
        let c = &a.counts;
        let _ = writeln!(
            s,
            "  {} ({}, {}): org coverage {}, work coverage {}, dual registration {}, block power {}, matters with one lead {}",
            a.name,
            a.kind,
            a.id,
            pct(c.units_covered, c.units),
            pct(c.out_of_system_work_covered, c.out_of_system_units),
            pct(c.party_orgs_registered, c.party_orgs_to_register),
            pct(c.agencies_with_required_powers, c.agencies),
            pct(c.matters_single_lead, c.matters),
        );
    }
    if areas.len() > 3 {
        let _ = writeln!(s, "  … and {} more", areas.len() - 3);
    }
    s.push_str("  each street/town: tiaokuai metrics; each district: tiaokuai metrics --level district\n");
    s
}

#[cfg(test)]
mod tests {
    use super::fit;

    #[test]
    fn fit_cuts_to_columns_counting_wide_characters_twice() {
        assert_eq!(fit("short", Some(40)), "short");
        assert_eq!(fit("a long message that does not fit", None), "a long message that does not fit");
        assert_eq!(fit("abcdefghijklmnopqrstuvwxyz", Some(15)), "abcdefghijklmn…");
        // 友谊路街道 is ten columns wide: twelve columns hold five, no half character.
        assert_eq!(fit("友谊路街道党工委领导社区党委", Some(12)), "友谊路街道…");
        // Never fewer than twelve columns, however narrow the terminal.
        assert_eq!(fit("abcdefghijklmnopqrstuvwxyz", Some(3)), "abcdefghijk…");
    }
}
