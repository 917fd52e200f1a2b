//! `tiaokuai whatif`: what an edit does to the gaps, before it is saved ([`tiaokuai::whatif`]).

use std::collections::BTreeMap;
use std::process::ExitCode;

use tiaokuai::whatif::{Attributed, WhatIf};
use tiaokuai::{Area, Date, Severity};

use super::{CmdResult, Failure, Out, load, load_config};
use crate::{FailOnNew, Format};

/// `whatif [MODEL] CHANGE` or `whatif [MODEL] --from D1 --to D2`.
pub(super) fn whatif(
    args: &[String],
    config: Option<&str>,
    from: Option<Date>,
    to: Option<Date>,
    format: Format,
    fail_on_new: FailOnNew,
) -> CmdResult {
    if format == Format::Csv {
        return Err(Failure::Usage("whatif writes a table or JSON, not CSV".into()));
    }
    let config = load_config(config)?;
    let (w, what) = match (from, to) {
        (Some(from), Some(to)) => {
            if args.len() > 1 {
                return Err(Failure::Usage("with --from and --to, give the model only (no change set)".into()));
            }
            let model = load(args.first().map(String::as_str))?;
            (tiaokuai::whatif::whatif_dates(model, from, to, &config), format!("from {from} to {to}"))
        }
        (None, None) => {
            let (file, change) = match args {
                [change] => (None, change.as_str()),
                [file, change] => (Some(file.as_str()), change.as_str()),
                _ => return Err(Failure::Usage("give [MODEL] CHANGE, or [MODEL] --from DATE --to DATE".into())),
            };
            let options = super::LOAD_OPTIONS.get_or_init(tiaokuai::LoadOptions::default);
            let bytes = crate::baseline::read_bounded(std::path::Path::new(change), options.max_bytes)
                .map_err(|e| format!("{change}: {e}"))?;
            let cs = tiaokuai::change::ChangeSet::from_json_bytes(&bytes).map_err(|e| format!("{change}: {e}"))?;
            let model = load(file)?;
            let w = tiaokuai::whatif::whatif_change(model, &cs, &config).map_err(|e| format!("{change}: {e}"))?;
            let title = cs.title().map(|t| format!(" ({t})")).unwrap_or_default();
            (w, format!("{change}{title}"))
        }
        _ => return Err(Failure::Usage("--from and --to go together".into())),
    };
    if format == Format::Json {
        let mut out = Out::new();
        out.json(&w)?;
        out.done()?;
    } else {
        let mut out = Out::human();
        out.text(&render(&w, &what))?;
        out.done()?;
    }
    let worst = match fail_on_new {
        FailOnNew::Never => None,
        FailOnNew::Error => Some(Severity::Error),
        FailOnNew::Warning => Some(Severity::Warning),
        FailOnNew::Info => Some(Severity::Info),
    };
    Ok(match worst {
        Some(s) if w.introduced_at_least(s) > 0 => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    })
}

/// The what-if for people: the counts, resolved and introduced findings by rule with the
/// changes behind each, and the areas whose rates moved.
fn render(w: &WhatIf, what: &str) -> String {
    let mut s = format!(
        "what-if {what}: {} resolved, {} introduced, {} left{}\n",
        w.resolved.len(),
        w.introduced.len(),
        w.left.len(),
        if w.examined.incremental { " in the edit's reach" } else { "" }
    );
    let mut per_rule: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for a in &w.resolved {
        per_rule.entry(a.finding.rule).or_default().0 += 1;
    }
    for a in &w.introduced {
        per_rule.entry(a.finding.rule).or_default().1 += 1;
    }
    if !per_rule.is_empty() {
        let parts: Vec<String> = per_rule
            .iter()
            .map(|(rule, (r, i))| match (r, i) {
                (0, i) => format!("{rule} +{i}"),
                (r, 0) => format!("{rule} -{r}"),
                (r, i) => format!("{rule} -{r} +{i}"),
            })
            .collect();
        s.push_str(&format!("by rule: {}\n", parts.join(", ")));
    }
    for (title, list) in [("resolved", &w.resolved), ("introduced", &w.introduced)] {
        if list.is_empty() {
            continue;
        }
        s.push_str(&format!("\n{title}:\n"));
        for a in list.iter() {
            finding(&mut s, a);
        }
    }
    if let (Some(b), Some(a)) = (&w.metrics_before, &w.metrics_after) {
        let mut lines = Vec::new();
        for (before, after) in [(&b.countries, &a.countries), (&b.cities, &a.cities), (&b.districts, &a.districts)]
            .into_iter()
            .chain([(&b.townships, &a.townships)])
        {
            lines.extend(moved(before, after));
        }
        if !lines.is_empty() {
            s.push_str("\nmetrics before -> after:\n");
            for l in lines {
                s.push_str(&format!("  {l}\n"));
            }
        }
    }
    s
}

fn finding(s: &mut String, a: &Attributed) {
    s.push_str(&format!("  {}\n", a.finding));
    if a.changes.is_empty() {
        s.push_str("      (no single change: the edit as a whole)\n");
    } else {
        let by: Vec<String> = a.changes.iter().map(|c| format!("{}[{}] {}", c.section, c.index, c.id)).collect();
        s.push_str(&format!("      by {}\n", by.join("; ")));
    }
}

/// The rates of the areas (matched by id) that differ, as `area: rate a -> b` lines.
fn moved(before: &[Area], after: &[Area]) -> Vec<String> {
    let old: BTreeMap<&str, &Area> = before.iter().map(|a| (a.id.as_str(), a)).collect();
    let mut out = Vec::new();
    for a in after {
        let Some(b) = old.get(a.id.as_str()) else { continue };
        if a.counts == b.counts {
            continue;
        }
        let pct = |r: Option<f64>| r.map_or("-".to_string(), |x| format!("{:.1}%", x * 100.0));
        let (rb, ra) = (b.rates, a.rates);
        let rates = [
            ("org coverage", rb.org_coverage, ra.org_coverage),
            ("work coverage", rb.work_coverage, ra.work_coverage),
            ("dual registration", rb.dual_registration, ra.dual_registration),
            ("block power", rb.block_power, ra.block_power),
            ("matter coverage", rb.matter_coverage, ra.matter_coverage),
        ];
        let changed: Vec<String> = rates
            .iter()
            .filter(|(_, x, y)| x != y)
            .map(|(name, x, y)| format!("{name} {} -> {}", pct(*x), pct(*y)))
            .collect();
        if !changed.is_empty() {
            out.push(format!("{} {} ({}): {}", a.id, a.name, a.kind, changed.join(", ")));
        }
    }
    out
}

/// `audit --suggest PATH`: the suggested change sets ([`tiaokuai::suggest`]) for the
/// report's findings, written atomically: a `.json` path gets one document
/// `{"format": "tiaokuai-suggestions/1", "suggestions": [change sets]}`, any other path a
/// folder with one change set per file (`NNN-RULE-SUBJECT.json`, ready for `tiaokuai apply`).
/// Returns how many were written.
pub(super) fn write_suggestions(
    path: &str,
    model: &tiaokuai::Model,
    report: &tiaokuai::Report,
) -> Result<usize, Failure> {
    let suggestions = tiaokuai::suggest::suggest(model, report);
    let p = std::path::Path::new(path);
    let to_io = |path: &std::path::Path, e: std::io::Error| tiaokuai::Error::Io {
        path: path.display().to_string(),
        message: e.to_string(),
        io_kind: e.kind(),
    };
    if path.ends_with(".json") {
        let docs: Vec<serde_json::Value> =
            suggestions.iter().filter_map(|s| serde_json::from_str(&s.to_json()).ok()).collect();
        let doc = serde_json::json!({"format": "tiaokuai-suggestions/1", "suggestions": docs});
        let mut text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
        text.push('\n');
        tiaokuai::format::write_atomic(p, |w| std::io::Write::write_all(w, text.as_bytes()).map_err(|e| to_io(p, e)))?;
    } else {
        // File names from the rule and a subject made safe for any file system.
        let safe = |s: &str| -> String {
            s.chars()
                .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
                .take(60)
                .collect()
        };
        let names: Vec<String> = suggestions
            .iter()
            .enumerate()
            .map(|(i, s)| format!("{:03}-{}-{}.json", i + 1, s.rule, safe(&s.subject)))
            .collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        tiaokuai::format::write_dir_atomic(p, "suggestions", &refs, |dir| {
            for (name, s) in names.iter().zip(&suggestions) {
                let file = dir.join(name);
                let text = s.to_json() + "\n";
                tiaokuai::format::write_new(&file, |w| {
                    std::io::Write::write_all(w, text.as_bytes()).map_err(|e| to_io(&file, e))
                })?;
            }
            Ok(())
        })?;
    }
    Ok(suggestions.len())
}
